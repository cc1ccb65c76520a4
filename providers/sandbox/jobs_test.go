package sandbox

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
)

// waitFor polls cond until it holds. The deadline only turns a hang into
// a failure: far longer than any wait takes on a saturated machine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestJobStatus: a job's status is in the file: another handle follows it.
func TestJobStatus(t *testing.T) {
	ctx := context.Background()
	smallBatches(t)
	a := seeded(t, SeedOptions{Contacts: 10, Companies: 400, Deals: 10, Seed: 2})
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	job, err := a.StartBackfill(ctx, importOf(sf.Companies))
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || job.State != sf.JobRunning || !reflect.DeepEqual(job.Backfill, importOf(sf.Companies)) {
		t.Fatalf("started %+v", job)
	}
	var seen sf.Job
	waitFor(t, "the job to end", func() bool {
		j, err := b.Job(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Done < seen.Done {
			t.Fatalf("progress went back: %+v after %+v", j, seen)
		}
		seen = j
		return j.State != sf.JobRunning
	})
	if seen.State != sf.JobSucceeded || seen.Done != 400 || seen.Total != 400 || seen.Changed == 0 || seen.Error != "" ||
		!reflect.DeepEqual(seen.Backfill, job.Backfill) {
		t.Errorf("final status %+v", seen)
	}
	if _, err := b.Job(ctx, "job-nope"); !errors.Is(err, sf.ErrNotFound) {
		t.Errorf("missing job: %v", err)
	}
	// Seed waits for no one: it refuses while a job runs, and runs after.
	if err := Seed(ctx, a.Path(), SeedOptions{Companies: 5}); err != nil {
		t.Errorf("Seed after the job: %v", err)
	}
}

// holdJobs makes every job of s stop after its first batch until it is
// stopped.
func holdJobs(t *testing.T, s *Sandbox) {
	old := batchSize
	batchSize = 10
	t.Cleanup(func() { batchSize = old })
	s.AfterBatch(func(ctx context.Context, _ sf.Job) { <-ctx.Done() })
}

// TestCloseStopsJob: Close interrupts a running job, records it as failed,
// and leaves no goroutine behind.
func TestCloseStopsJob(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	if err := Seed(ctx, path, SeedOptions{Companies: 200, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	holdJobs(t, s)
	job, err := s.StartBackfill(ctx, importOf(sf.Companies))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "progress", func() bool {
		j, err := s.Job(ctx, job.ID)
		return err == nil && j.Done > 0
	})
	// Seed refuses while the job runs.
	if err := Seed(ctx, path, SeedOptions{}); !errors.Is(err, sf.ErrRejected) {
		t.Errorf("Seed during a job: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
	if _, err := s.StartBackfill(ctx, importOf(sf.Companies)); err == nil {
		t.Error("StartBackfill after Close succeeded")
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	j, err := s2.Job(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != sf.JobFailed || !strings.Contains(j.Error, "interrupted") || j.Done != batchSize || j.Total != 200 {
		t.Errorf("after Close: %+v", j)
	}
}

// TestRunBackfillCanceled: RunBackfill stops its job when its context ends.
func TestRunBackfillCanceled(t *testing.T) {
	s := seeded(t, SeedOptions{Companies: 200, Seed: 4})
	holdJobs(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	var id string
	job, err := s.RunBackfill(ctx, importOf(sf.Companies), func(j sf.Job) {
		id = j.ID
		if j.Done > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || job.ID != id || job.State != sf.JobFailed || !strings.Contains(job.Error, "interrupted") {
		t.Errorf("RunBackfill = %+v, %v", job, err)
	}
}

// TestSweepJobs: Open marks as interrupted the running jobs whose process is
// gone, and only those.
func TestSweepJobs(t *testing.T) {
	ctx := context.Background()
	// A process that has exited: its PID is dead.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := cmd.Process.Pid
	host, _ := os.Hostname()
	now := time.Now().UnixMilli()
	old := now - 10*time.Minute.Milliseconds()
	liveJobs.Store("job-mine-live", struct{}{})
	defer liveJobs.Delete("job-mine-live")
	tests := []struct {
		id        string
		pid       int
		host      string
		heartbeat int64
		state     sf.JobState
		want      sf.JobState
	}{
		{"job-dead-process", deadPID, host, now, sf.JobRunning, sf.JobFailed},
		{"job-mine-gone", os.Getpid(), host, now, sf.JobRunning, sf.JobFailed},
		{"job-mine-live", os.Getpid(), host, now, sf.JobRunning, sf.JobRunning},
		{"job-other-live", os.Getppid(), host, now, sf.JobRunning, sf.JobRunning},
		{"job-other-silent", os.Getppid(), host, old, sf.JobRunning, sf.JobFailed}, // a reused PID
		{"job-elsewhere-live", 1, "another-host", now, sf.JobRunning, sf.JobRunning},
		{"job-elsewhere-silent", 1, "another-host", old, sf.JobRunning, sf.JobFailed},
		{"job-finished", deadPID, host, old, sf.JobSucceeded, sf.JobSucceeded},
	}
	s := newSandbox(t)
	for _, tc := range tests {
		if _, err := s.db.Exec(`INSERT INTO jobs (id, backfill, state, pid, host, started, heartbeat) VALUES (?, '{}', ?, ?, ?, ?, ?)`,
			tc.id, string(tc.state), tc.pid, tc.host, tc.heartbeat, tc.heartbeat); err != nil {
			t.Fatal(err)
		}
	}
	s2, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, tc := range tests {
		j, err := s2.Job(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != tc.want {
			t.Errorf("%s: %s, want %s", tc.id, j.State, tc.want)
		}
		if tc.state == sf.JobRunning && tc.want == sf.JobFailed && !strings.Contains(j.Error, "interrupted") {
			t.Errorf("%s: error %q", tc.id, j.Error)
		}
	}
}

// TestCompanyResyncLimit: a company resync of more than MaxCompanyResync
// companies syncs the first MaxCompanyResync and fails with the connector's
// message; a batch of exactly MaxCompanyResync succeeds.
func TestCompanyResyncLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 200,001 companies")
	}
	ctx := context.Background()
	const n = sf.MaxCompanyResync + 1
	s := seeded(t, SeedOptions{Companies: n, Seed: 9})
	last := int64(companiesBase + n - 1)     // the 200,001st company
	boundary := int64(companiesBase + n - 2) // the 200,000th
	// legacy_segment is mapped two-way: a HubSpot edit is the newest value.
	for _, id := range []int64{boundary, last} {
		if err := s.Edit(ctx, sf.Companies, id, SideHubSpot, "legacy_segment", "Edited"); err != nil {
			t.Fatal(err)
		}
	}
	segmentOf := func(id int64) string {
		recs, err := s.Records(ctx, "Account", []sf.SalesforceID{accountID(int(id - companiesBase))}, []string{"Legacy_Segment__c"})
		if err != nil || len(recs) != 1 {
			t.Fatalf("account of %d: %v (%v)", id, recs, err)
		}
		return recs[0].Fields["Legacy_Segment__c"]
	}

	all := resyncOf(sf.Companies, "All companies")
	est, err := s.EstimateBackfill(ctx, all)
	if err != nil || est.Examined != sf.MaxCompanyResync {
		t.Errorf("estimate examined %d (%v), want %d", est.Examined, err, sf.MaxCompanyResync)
	}
	job, err := s.RunBackfill(ctx, all, nil)
	if err == nil || job.State != sf.JobFailed || job.Error != sf.PartialResyncMessage {
		t.Fatalf("resync of %d companies: %+v, %v", n, job, err)
	}
	if job.Done != sf.MaxCompanyResync || job.Total != n || job.Changed != est.HubSpotChanges+est.SalesforceChanges {
		t.Errorf("job %+v; estimate %+v", job, est)
	}
	if got := segmentOf(boundary); got != "Edited" {
		t.Errorf("the 200,000th company was not synced: %q", got)
	}
	if got := segmentOf(last); got == "Edited" {
		t.Error("the 200,001st company was synced")
	}

	// In batches the connector accepts, all of it.
	for i, want := range []int{sf.MaxCompanyResync, 1} {
		name := []string{"Batch 1", "Batch 2"}[i]
		seg, err := s.CreateBatchSegment(ctx, name, "All companies", i*sf.MaxCompanyResync, sf.MaxCompanyResync)
		if err != nil || seg.Size != want {
			t.Fatalf("%s: %+v (%v)", name, seg, err)
		}
		job, err := s.RunBackfill(ctx, resyncOf(sf.Companies, name), nil)
		if err != nil || job.State != sf.JobSucceeded || job.Done != want {
			t.Fatalf("%s: %+v (%v)", name, job, err)
		}
	}
	if got := segmentOf(last); got != "Edited" {
		t.Errorf("the 200,001st company after the second batch: %q", got)
	}
	// An import is no resync and has no limit: BenchmarkSeedAndBackfill1M
	// imports a million companies.
}
