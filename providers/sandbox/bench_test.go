package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
)

// BenchmarkSeedAndBackfill1M seeds a million companies, maps four more
// company fields, and back-fills them both ways: a Salesforce import of every
// company, then a segment resync in batches of MaxCompanyResync, as apply
// would. Run it once: go test -run '^$' -bench 1M -benchtime 1x.
func BenchmarkSeedAndBackfill1M(b *testing.B) {
	const companies = 1_000_000
	ctx := context.Background()
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "sandbox.db")
		lap := time.Now()
		measure := func(name string) {
			b.ReportMetric(time.Since(lap).Seconds(), name+"-s")
			lap = time.Now()
		}
		if err := Seed(ctx, path, SeedOptions{Contacts: 1000, Companies: companies, Deals: 1000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		measure("seed")
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		measure("open") // mostly the integrity check, which reads the whole file
		snap, err := s.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n := ownedBy(snap, sf.Companies); n != companies {
			b.Fatalf("owner counts add up to %d companies", n)
		}
		measure("snapshot")
		for _, m := range []struct {
			prop, field string
			rule        sf.SyncRule
		}{
			{"tier", "Tier__c", sf.TwoWay}, {"health_score", "Health_Score__c", sf.PreferSalesforceUnlessBlank},
			{"seats", "Seats__c", sf.TwoWay}, {"notes", "Notes__c", sf.AlwaysUseSalesforce},
		} {
			if err := s.Apply(ctx, mapChange(sf.OpCreate, sf.Companies, m.prop, m.field, m.rule)); err != nil {
				b.Fatal(err)
			}
		}
		imp := sf.Backfill{Object: sf.Companies, Direction: sf.ToHubSpot, Method: sf.MethodImport}
		est, err := s.EstimateBackfill(ctx, imp)
		if err != nil {
			b.Fatal(err)
		}
		measure("estimate")
		job, err := s.RunBackfill(ctx, imp, nil)
		if err != nil {
			b.Fatal(err)
		}
		if job.Changed != est.HubSpotChanges+est.SalesforceChanges || job.Done != companies {
			b.Fatalf("import: job %+v, estimate %+v", job, est)
		}
		measure("import")
		changed := 0
		for off := 0; off < companies; off += sf.MaxCompanyResync {
			name := fmt.Sprintf("All companies %d", off/sf.MaxCompanyResync+1)
			if _, err := s.CreateBatchSegment(ctx, name, "All companies", off, sf.MaxCompanyResync); err != nil {
				b.Fatal(err)
			}
			job, err := s.RunBackfill(ctx, sf.Backfill{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodSegment, Segment: name}, nil)
			if err != nil {
				b.Fatal(err)
			}
			changed += job.Changed
		}
		measure("resync")
		b.ReportMetric(float64(est.HubSpotChanges), "import-changes")
		b.ReportMetric(float64(changed), "resync-changes")
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
		}
	}
	if kb := peakRSSKiB(); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
	}
}

func ownedBy(snap *sf.Snapshot, o sf.Object) int {
	n := 0
	for _, ow := range snap.Owners {
		n += ow.Records[o]
	}
	return n
}

// peakRSSKiB is the process's peak resident memory on Linux (VmHWM), which
// counts SQLite's own allocations as well as Go's; 0 elsewhere.
func peakRSSKiB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}
