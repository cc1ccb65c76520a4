package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

// TestKillBetweenMappingAndBackfill kills apply with SIGKILL after it created
// a mapping and before that mapping's back-fill finished (right before the
// first job starts, and in the middle of it), and runs apply again: the
// back-fill runs to completion exactly once (one successful job per
// direction), and every pair then holds what two_way requires.
func TestKillBetweenMappingAndBackfill(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	for _, at := range []string{"start:1", "job:1"} {
		t.Run(at, func(t *testing.T) { killAndResume(t, at) })
	}
}

// killAndResume kills apply where it holds at the point holdAt (holdEnv).
func killAndResume(t *testing.T, holdAt string) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, ".syncform", "sandbox.db")
	// Two batches of records a job: job:1 holds between them.
	if err := sandbox.Seed(ctx, db, sandbox.SeedOptions{Contacts: 10, Companies: 4000, Deals: 10, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}
`), 0o644)

	startHeld(t, holdAt, "--chdir", dir, "apply", "--auto-approve").kill(t)

	// The next plan has no mapping to create, only the journalled back-fills.
	out := run2(t, "--chdir", dir, "plan")
	if strings.Contains(out, "+ companies.mapping.seats") || !strings.Contains(out, "outstanding back-fill of an interrupted apply") {
		t.Fatalf("plan after the crash:\n%s", out)
	}
	out = run2(t, "--chdir", dir, "apply", "--auto-approve")
	if !strings.Contains(out, "back-fills finished") && !strings.Contains(out, "back-fill finished") {
		t.Fatalf("re-run:\n%s", out)
	}
	if out := run2(t, "--chdir", dir, "plan"); !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after the re-run:\n%s", out)
	}

	want := map[string]int{"companies to_hubspot": 1, "companies to_salesforce": 1}
	if got := outcome(t, dir).jobs; !maps.Equal(got, want) {
		t.Errorf("successful jobs: %v; want exactly one each way", got)
	}
	sb, err := sandbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	mismatched := 0
	sb.Pairs(ctx, syncform.Companies, func(p sandbox.Pair) error {
		if p.HubSpot["seats"].V != p.Salesforce["Seats__c"].V {
			mismatched++
		}
		return nil
	})
	if mismatched > 0 {
		t.Errorf("%d companies hold different seats on each side after a two_way back-fill", mismatched)
	}
}

// run2 runs syncform and returns stdout and stderr together, failing the
// test on a non-zero exit.
func run2(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("syncform", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("syncform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestKillAtRandomPoints kills apply with SIGKILL at 20 points spread over
// its whole run (each change, each back-fill's progress), on the quickstart
// with a few thousand records, and runs apply again: each time the live
// settings and every record's values end as an uninterrupted apply leaves
// them, the plan has no changes, and every back-fill job succeeded exactly
// as often as in the uninterrupted apply (none lost, none run twice).
func TestKillAtRandomPoints(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	if testing.Short() {
		t.Skip("20 killed applies; run without -short")
	}
	base := seededQuickstart(t, sandbox.SeedOptions{Contacts: 2000, Companies: 6000, Deals: 1000, Seed: 5})
	const trials = 20
	ref := copyDir(t, base)
	var stderr strings.Builder
	cmd := exec.Command("syncform", "--chdir", ref, "apply", "--auto-approve")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the uninterrupted apply: %v\n%s", err, stderr.String())
	}
	lines := len(progress.FindAllString(stderr.String(), -1))
	want := outcome(t, ref)
	if len(want.jobs) < 3 || lines < trials {
		t.Fatalf("the reference apply ran %d jobs and printed %d lines; the test needs more", len(want.jobs), lines)
	}

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d; the uninterrupted apply prints %d progress lines and runs jobs %v", seed, lines, want.jobs)
	rng := rand.New(rand.NewPCG(seed, 1))
	points := make([]int, trials)
	for i := range points {
		// One point in each twentieth of the progress, at random within it.
		lo, hi := i*lines/trials, (i+1)*lines/trials
		points[i] = 1 + lo + rng.IntN(max(1, hi-lo))
	}
	for i, at := range points {
		// And up to 20 ms after that line, to land between lines too.
		delay := time.Duration(rng.IntN(20)) * time.Millisecond
		t.Run(fmt.Sprintf("kill-%02d-at-progress-%d", i, at), func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, base)
			cmd := exec.Command("syncform", "--chdir", dir, "apply", "--auto-approve")
			cmd.Stdout = io.Discard
			stderr, _ := cmd.StderrPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stderr)
			seen := 0
			var last string
			for sc.Scan() {
				if !progress.MatchString(sc.Text()) {
					continue
				}
				if seen++; seen == at {
					last = sc.Text()
					time.Sleep(delay)
					cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
			io.Copy(io.Discard, stderr)
			cmd.Wait()
			if seen < at {
				t.Logf("apply finished after %d progress lines, before the kill", seen)
			} else {
				t.Logf("killed %v after %q", delay, last)
			}
			run2(t, "--chdir", dir, "apply", "--auto-approve")
			if out := run2(t, "--chdir", dir, "plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("plan after the re-run:\n%s", out)
			}
			got := outcome(t, dir)
			if d := cmp.Diff(want.jobs, got.jobs); d != "" {
				t.Errorf("successful jobs per back-fill (-uninterrupted +killed and re-run):\n%s", d)
			}
			if got.settings != want.settings {
				t.Error("the live settings differ from an uninterrupted apply's")
			}
			if got.values != want.values {
				t.Error("the records' values differ from an uninterrupted apply's")
			}
		})
	}
}

// TestKillInBatchedCompanyResync kills apply with SIGKILL in a company
// resync split into batches (4,400 companies, batch_size 2200: two batch
// jobs, each over a temporary segment), at three points of each batch:
// before its job starts (its key journalled and its segment made: for the
// second, between batches), in the middle of its job, and once its job
// succeeded but before apply recorded that. Then it runs apply again. Each
// time the plan has no changes, the values equal an uninterrupted apply's,
// each batch's job succeeded exactly once (as many successful resync jobs
// as batches, over as many companies in all), and no temporary segment is
// left.
func TestKillInBatchedCompanyResync(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	if testing.Short() {
		t.Skip("six killed applies; run without -short")
	}
	base := t.TempDir()
	if err := sandbox.Seed(context.Background(), filepath.Join(base, ".syncform", "sandbox.db"),
		sandbox.SeedOptions{Contacts: 10, Companies: 4400, Deals: 10, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(base, "main.hcl"), []byte(`
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  resync {
    batch_size = 2200
  }
}
`))
	ref := copyDir(t, base)
	run2(t, "--chdir", ref, "apply", "--auto-approve")
	want := outcome(t, ref)
	// The jobs apply starts, in order: the import, and the resync's
	// batches, each over a segment of its own (batchJobs holds their
	// places among the jobs, from 1).
	var batchJobs []int
	for i, j := range jobsOf(t, ref) {
		if strings.HasPrefix(j.Backfill.Segment, reconciler.BatchSegmentPrefix) {
			batchJobs = append(batchJobs, i+1)
		}
	}
	if len(batchJobs) != 2 || want.jobs["companies to_salesforce"] != 2 || want.records["companies to_salesforce"] != 4400 {
		t.Fatalf("the uninterrupted apply ran batch jobs %v, jobs %v over %v records; want two batches of 4,400 companies",
			batchJobs, want.jobs, want.records)
	}
	for b, nth := range batchJobs {
		for _, point := range []string{"start", "job", "done"} {
			at := fmt.Sprintf("%s:%d", point, nth)
			t.Run(fmt.Sprintf("batch-%d-%s", b+1, point), func(t *testing.T) {
				t.Parallel()
				dir := copyDir(t, base)
				startHeld(t, at, "--chdir", dir, "apply", "--auto-approve").kill(t)
				run2(t, "--chdir", dir, "apply", "--auto-approve")
				if out := run2(t, "--chdir", dir, "plan"); !strings.Contains(out, "No changes.") {
					t.Fatalf("plan after the re-run:\n%s", out)
				}
				got := outcome(t, dir)
				if d := cmp.Diff(want.jobs, got.jobs); d != "" {
					t.Errorf("successful jobs per back-fill (-uninterrupted +killed and re-run):\n%s", d)
				}
				if d := cmp.Diff(want.records, got.records); d != "" {
					t.Errorf("records synced by successful jobs (-uninterrupted +killed and re-run):\n%s", d)
				}
				if got.values != want.values {
					t.Error("the records' values differ from an uninterrupted apply's")
				}
				ctx := context.Background()
				sb, err := sandbox.Open(ctx, filepath.Join(dir, ".syncform", "sandbox.db"))
				if err != nil {
					t.Fatal(err)
				}
				defer sb.Close()
				for _, j := range jobsOf(t, dir) {
					if !strings.HasPrefix(j.Backfill.Segment, reconciler.BatchSegmentPrefix) {
						continue
					}
					if _, err := sb.Segment(ctx, j.Backfill.Segment); !errors.Is(err, syncform.ErrNotFound) {
						t.Errorf("the temporary segment %q is left (%v)", j.Backfill.Segment, err)
					}
				}
			})
		}
	}
}

// jobsOf lists the back-fill jobs of dir's sandbox, oldest first.
func jobsOf(t *testing.T, dir string) []syncform.Job {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, filepath.Join(dir, ".syncform", "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	jobs, err := sb.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// progress matches apply's progress lines on stderr: a change done, a
// back-fill started, advanced or finished.
var progress = regexp.MustCompile(`(?m)^(\[\d+/\d+\] .*|\S+\.backfill\.\S+.*)$`)

// seededQuickstart is a directory with the quickstart's configuration and a
// sandbox seeded with opts.
func seededQuickstart(t *testing.T, opts sandbox.SeedOptions) string {
	t.Helper()
	dir := t.TempDir()
	if err := sandbox.Seed(context.Background(), filepath.Join(dir, ".syncform", "sandbox.db"), opts); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// applied is what an apply left: successful jobs per object and
// direction and the records they synced, and digests of the live settings
// and of every record's values.
type applied struct {
	jobs, records    map[string]int
	settings, values string
}

func outcome(t *testing.T, dir string) applied {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, filepath.Join(dir, ".syncform", "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	jobs, err := sb.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := applied{jobs: map[string]int{}, records: map[string]int{}}
	for _, j := range jobs {
		if j.State == syncform.JobSucceeded {
			k := fmt.Sprintf("%s %s", j.Backfill.Object, j.Backfill.Direction)
			out.jobs[k]++
			out.records[k] += j.Done
		}
	}
	snap, err := sb.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings, _ := json.Marshal([]any{snap.Sync, snap.Mappings, snap.Properties})
	out.settings = fmt.Sprintf("%x", sha256.Sum256(settings))
	h := sha256.New()
	for _, o := range syncform.Objects() {
		err := sb.Pairs(ctx, o, func(p sandbox.Pair) error {
			fmt.Fprintf(h, "%s %d", o, p.HubSpotID)
			for _, side := range []map[string]syncform.FieldValue{p.HubSpot, p.Salesforce} {
				keys := slices.Sorted(maps.Keys(side))
				for _, k := range keys {
					fmt.Fprintf(h, " %s=%q", k, side[k].V)
				}
			}
			h.Write([]byte("\n"))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	out.values = fmt.Sprintf("%x", h.Sum(nil))
	return out
}

// copyDir copies a configuration directory with its .syncform state.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}
