package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// sizes are the sizes a benchmark runs: the comma-separated counts of the
// environment variable env, or def, a small default for CI.
func sizes(b *testing.B, env, def string) []int {
	spec := os.Getenv(env)
	if spec == "" {
		spec = def
	}
	var out []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 3 {
			b.Fatalf("%s: %q is not a count of 3 or more", env, f)
		}
		out = append(out, n)
	}
	return out
}

// fresh copies the sandbox template into dir, with a new state database,
// and opens both; done closes them. The benchmark's timer is stopped for
// both.
func fresh(b *testing.B, template, dir string) (sb *sandbox.Sandbox, opts reconciler.Options, done func()) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	ctx := context.Background()
	path := filepath.Join(dir, "sandbox.db")
	copyFile(b, template, path)
	os.Remove(filepath.Join(dir, "state.db"))
	sb, err := sandbox.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	journal, err := state.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	return sb, reconciler.Options{Journal: journal, Connection: "bench", Poll: 5 * time.Millisecond}, func() {
		b.StopTimer()
		defer b.StartTimer()
		journal.Close()
		sb.Close()
	}
}

// backfillConfig maps one new two_way field on companies: its back-fill
// imports every company from Salesforce, then resyncs them all to
// Salesforce in batches of 200,000.
const backfillConfig = `
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}
`

// BenchmarkBackfill plans and applies a new two_way company mapping on a
// sandbox of n companies, as `syncform apply` does: plan-s is the plan
// (whose preview runs the jobs' code and rolls it back), apply-s the
// mapping and the jobs.
func BenchmarkBackfill(b *testing.B) {
	for _, n := range sizes(b, "SYNCFORM_BENCH_RECORDS", "10000") {
		b.Run(fmt.Sprintf("companies=%d", n), func(b *testing.B) {
			ctx := context.Background()
			dir := b.TempDir()
			template := filepath.Join(dir, "template.db")
			if err := sandbox.Seed(ctx, template, sandbox.SeedOptions{Contacts: 1000, Companies: n, Deals: 1000, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(backfillConfig), 0o644); err != nil {
				b.Fatal(err)
			}
			cfg, diags := config.Load(dir, config.Options{})
			if diags.HasErrors() {
				b.Fatal(diags)
			}
			for b.Loop() {
				sb, opts, done := fresh(b, template, dir)
				start := time.Now()
				_, plan, _, err := reconciler.PlanLive(ctx, sb, cfg, opts)
				if err != nil {
					b.Fatal(err)
				}
				planned := time.Since(start)
				if _, err := reconciler.Apply(ctx, sb, plan, opts); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(planned.Seconds(), "plan-s")
				b.ReportMetric((time.Since(start) - planned).Seconds(), "apply-s")
				done()
			}
		})
	}
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
