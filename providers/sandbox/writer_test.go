package sandbox

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/testutil/fakeclock"
)

// writers of two configuration directories, whose locks live in two state
// databases, and a third that took the first one's lock over.
var (
	writerA  = sf.Writer{Lock: "lock-a", Scope: "/a/state.db", Holder: "apply by alice on laptop (pid 101)"}
	writerB  = sf.Writer{Lock: "lock-b", Scope: "/b/state.db", Holder: "apply by bob on laptop (pid 202)"}
	writerA2 = sf.Writer{Lock: "lock-a2", Scope: "/a/state.db", Holder: "apply by carol on laptop (pid 303)"}
)

// onClock opens another handle of s's file, on clock c.
func onClock(t *testing.T, s *Sandbox, c *fakeclock.Clock) *Sandbox {
	t.Helper()
	h, err := Open(context.Background(), s.Path())
	if err != nil {
		t.Fatal(err)
	}
	h.clock = c
	t.Cleanup(func() { h.Close() })
	return h
}

func toggle(o sf.Object, on bool) sf.Change {
	return sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: o, Sync: &on}
}

// TestWriterLease: writers whose locks live in different state databases
// never write the sandbox at once: the second is refused naming the first
// (or waits its turn), a writer whose lock was taken over writes nothing
// more, and the lease ends with Unclaim, a revocation, a reset or a seed.
func TestWriterLease(t *testing.T) {
	ctx := context.Background()
	c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	defaultClock = c // Reset's and Seed's
	t.Cleanup(func() { defaultClock = realClock{} })
	base := newSandbox(t)
	a, b := onClock(t, base, c), onClock(t, base, c)

	if err := a.Claim(ctx, writerA); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(ctx, toggle(sf.Deals, false)); err != nil {
		t.Fatalf("the lease holder's write: %v", err)
	}
	err := b.Claim(ctx, writerB)
	var ce *ClaimedError
	if !errors.As(err, &ce) || !errors.Is(err, sf.ErrFenced) {
		t.Fatalf("a second writer's claim: %v, want a ClaimedError", err)
	}
	for _, want := range []string{"is being written by apply by alice on laptop (pid 101) since 2026-11-25T09:00:00Z", "lock ID lock-a of /a/state.db", "--lock-timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	// A writer that never claimed (a person, in the portal) is not fenced.
	if err := base.Apply(ctx, toggle(sf.Deals, true)); err != nil {
		t.Errorf("an unclaimed write: %v", err)
	}

	// Waiting: once b sleeps on its next try, a lets go, and b gets it.
	got := make(chan error, 1)
	go func() {
		got <- b.Claim(ctx, sf.Writer{Lock: writerB.Lock, Scope: writerB.Scope, Holder: writerB.Holder, Wait: time.Minute})
	}()
	c.WaitForTimers(1)
	if err := a.Unclaim(ctx); err != nil {
		t.Fatal(err)
	}
	c.Advance(claimPoll)
	if err := <-got; err != nil {
		t.Fatalf("a waiting claim: %v", err)
	}
	if err := b.Apply(ctx, toggle(sf.Deals, false)); err != nil {
		t.Fatal(err)
	}

	// A writer of b's scope took b's lock over: b is fenced out at once,
	// and writes nothing.
	b2 := onClock(t, base, c)
	if err := b2.Claim(ctx, sf.Writer{Lock: "lock-b2", Scope: writerB.Scope, Holder: "watch by bob"}); err != nil {
		t.Fatalf("a takeover in the same scope: %v", err)
	}
	before := snapshot(t, base)
	err = b.Apply(ctx, toggle(sf.Deals, true))
	if !errors.Is(err, sf.ErrFenced) || !strings.Contains(err.Error(), "watch by bob took it over (lock ID lock-b2") {
		t.Errorf("the old writer's write: %v", err)
	}
	if _, err := b.StartBackfill(ctx, importOf(sf.Contacts)); !errors.Is(err, sf.ErrFenced) {
		t.Errorf("the old writer's back-fill: %v", err)
	}
	sameSnapshot(t, "after a fenced write", snapshot(t, base), before)

	// force-unlock revokes the lease of the lock it releases.
	if ok, err := Revoke(ctx, base.Path(), "lock-b2"); !ok || err != nil {
		t.Fatalf("revoke: %v, %v", ok, err)
	}
	if err := b2.Apply(ctx, toggle(sf.Deals, true)); !errors.Is(err, sf.ErrFenced) || !strings.Contains(err.Error(), "force-unlock released lock lock-b2") {
		t.Errorf("a write after revocation: %v", err)
	}
	if ok, err := Revoke(ctx, base.Path(), "lock-b2"); ok || err != nil {
		t.Errorf("a second revoke: %v, %v", ok, err)
	}

	// Reset and Seed wait for no one: another scope's lease keeps them out;
	// the holder's own scope's does not, and its holder is fenced out.
	if err := a.Claim(ctx, writerA); err != nil {
		t.Fatal(err)
	}
	if err := Reset(ctx, base.Path()); !errors.As(err, &ce) {
		t.Errorf("a reset under a lease: %v", err)
	}
	if err := SeedAs(ctx, base.Path(), SeedOptions{Companies: 5}, writerB); !errors.As(err, &ce) {
		t.Errorf("a seed of another scope under a lease: %v", err)
	}
	if err := ResetAs(ctx, base.Path(), writerA2); err != nil {
		t.Fatalf("a reset in the holder's scope: %v", err)
	}
	if err := a.Apply(ctx, toggle(sf.Deals, false)); !errors.Is(err, sf.ErrFenced) || !strings.Contains(err.Error(), "the sandbox was reset") {
		t.Errorf("a write after the sandbox was reset under it: %v", err)
	}
	if err := a.Claim(ctx, writerA); err != nil {
		t.Fatal(err)
	}
	if err := SeedAs(ctx, base.Path(), SeedOptions{Companies: 5}, writerA2); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(ctx, toggle(sf.Deals, false)); !errors.Is(err, sf.ErrFenced) || !strings.Contains(err.Error(), "the sandbox was seeded") {
		t.Errorf("a write after the sandbox was seeded under it: %v", err)
	}
}

// TestWriterLeaseLapses: a lease its handle stops renewing (the process
// died, or hangs) lets another writer in when it runs out, by the clock;
// one whose process is gone from this host, at once.
func TestWriterLeaseLapses(t *testing.T) {
	ctx := context.Background()
	c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	base := newSandbox(t)
	a, b := onClock(t, base, c), onClock(t, base, c)
	w := writerA
	w.Lease = 90 * time.Millisecond
	if err := a.Claim(ctx, w); err != nil {
		t.Fatal(err)
	}
	// While a renews (every 30 ms), its lease holds.
	for range 10 {
		c.Advance(30 * time.Millisecond)
	}
	if err := b.Claim(ctx, writerB); !errors.Is(err, sf.ErrFenced) {
		t.Fatalf("a renewed lease: %v", err)
	}
	// a hangs: its renewals stop.
	close(a.claim.stop)
	<-a.claim.done
	a.claim.stop = make(chan struct{}) // for Close, which stops it again
	c.Advance(90 * time.Millisecond)
	if err := b.Claim(ctx, writerB); err != nil {
		t.Fatalf("a lapsed lease: %v", err)
	}
	if err := a.Apply(ctx, toggle(sf.Deals, false)); !errors.Is(err, sf.ErrFenced) {
		t.Errorf("the hung writer's write: %v", err)
	}

	// A lease whose process is gone from this host is taken at once.
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := base.db.Exec(`UPDATE writer SET pid = ?, pid_start = '', expires = ? WHERE id = 1`,
		gone.ProcessState.Pid(), c.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := a.Claim(ctx, writerA); err != nil {
		t.Errorf("the lease of a dead process: %v", err)
	}
}

// TestFencedJobStops: a back-fill job running under a lease that is taken
// over commits no batch after the takeover, and says why it stopped.
func TestFencedJobStops(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	if err := Seed(ctx, path, SeedOptions{Companies: 200, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	old := batchSize
	batchSize = 10
	t.Cleanup(func() { batchSize = old })
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	held, release := holdAfterBatch(a)
	if err := a.Claim(ctx, writerA); err != nil {
		t.Fatal(err)
	}
	job, err := a.StartBackfill(ctx, importOf(sf.Companies))
	if err != nil {
		t.Fatal(err)
	}
	<-held // its first batch committed
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Claim(ctx, writerA2); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	run := a.runs[job.ID]
	a.mu.Unlock()
	close(release)
	<-run.done
	j, err := b.Job(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != sf.JobFailed || !strings.Contains(j.Error, "fenced out") || j.Done != batchSize {
		t.Errorf("the fenced-out job: %+v; want failed after its first batch of %d", j, batchSize)
	}
}

// TestJobOfAReusedPID: a job whose process died and whose PID now belongs
// to a live, unrelated process (here a child `sleep` of the test) is not
// waited on for ever: a reader finds it failed once its heartbeat is
// stale, by the clock, and at once where the system tells that the PID's
// process started at another time.
func TestJobOfAReusedPID(t *testing.T) {
	ctx := context.Background()
	sleep := exec.Command("sleep", "600")
	if err := sleep.Start(); err != nil {
		t.Skip("no sleep to run:", err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	pid := sleep.Process.Pid
	c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	s := onClock(t, newSandbox(t), c)
	insert := func(id, start string) {
		t.Helper()
		now := c.Now().UnixMilli()
		if _, err := s.db.Exec(`INSERT INTO jobs (id, backfill, state, pid, pid_start, host, started, heartbeat) VALUES (?, '{}', 'running', ?, ?, ?, ?, ?)`,
			id, pid, start, hostname(), now, now); err != nil {
			t.Fatal(err)
		}
	}
	state := func(id string) sf.Job {
		t.Helper()
		j, err := s.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}

	// Where the start is unknown (an older row, or a system that does not
	// tell), the heartbeat decides.
	insert("job-unknown-start", "")
	if j := state("job-unknown-start"); j.State != sf.JobRunning {
		t.Fatalf("a job with a fresh heartbeat: %+v", j)
	}
	c.Advance(staleAfter - time.Millisecond)
	if j := state("job-unknown-start"); j.State != sf.JobRunning {
		t.Fatalf("a job just within staleAfter: %+v", j)
	}
	c.Advance(2 * time.Millisecond)
	if j := state("job-unknown-start"); j.State != sf.JobFailed || !strings.Contains(j.Error, "the process running the job stopped") {
		t.Errorf("a job whose heartbeat is stale: %+v", j)
	}

	// A start that is not the live process's: found at once.
	if processStart(pid) == "" {
		t.Log("this system does not tell when a process started; the heartbeat alone decides")
		return
	}
	insert("job-reused-pid", "1")
	if j := state("job-reused-pid"); j.State != sf.JobFailed {
		t.Errorf("a job whose PID belongs to a process started since: %+v", j)
	}
	insert("job-same-process", processStart(pid))
	if j := state("job-same-process"); j.State != sf.JobRunning {
		t.Errorf("a job of the live process itself: %+v", j)
	}
}

// TestJobOfAStoppedProcess: a job whose process is alive but stopped
// (SIGSTOP, or Ctrl-Z at a terminal), its heartbeat stale for as long as
// it stays stopped, is not taken for dead by a reader (a read-only plan
// reads the jobs): where the system tells when the PID's process started,
// the process decides, whatever the heartbeat. Once the process is gone
// its job is found dead at once.
func TestJobOfAStoppedProcess(t *testing.T) {
	ctx := context.Background()
	sleep := exec.Command("sleep", "600")
	if err := sleep.Start(); err != nil {
		t.Skip("no sleep to run:", err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	pid := sleep.Process.Pid
	start := processStart(pid)
	if start == "" {
		t.Skip("this system does not tell when a process started; the heartbeat alone decides")
	}
	if err := sleep.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	s := onClock(t, newSandbox(t), c)
	now := c.Now().UnixMilli()
	if _, err := s.db.Exec(`INSERT INTO jobs (id, backfill, state, pid, pid_start, host, started, heartbeat) VALUES ('job-stopped', '{}', 'running', ?, ?, ?, ?, ?)`,
		pid, start, hostname(), now, now); err != nil {
		t.Fatal(err)
	}
	c.Advance(10 * staleAfter)
	if j, err := s.Job(ctx, "job-stopped"); err != nil || j.State != sf.JobRunning {
		t.Errorf("the job of a live process whose heartbeat is %v old: %+v, %v; want it running", 10*staleAfter, j, err)
	}
	if err := s.sweepJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if j, err := s.Job(ctx, "job-stopped"); err != nil || j.State != sf.JobRunning {
		t.Errorf("the job of a live process after a sweep: %+v, %v; want it running", j, err)
	}
	sleep.Process.Kill()
	sleep.Wait()
	if j, err := s.Job(ctx, "job-stopped"); err != nil || j.State != sf.JobFailed || j.Error != errDied.Error() {
		t.Errorf("the job once its process is gone: %+v, %v; want it failed, %q", j, err, errDied)
	}
}

// TestJobBeats: a running job's heartbeat beats on its own ticker while
// the job does nothing else (here, held after its first batch), so a
// reader of another process never takes it for dead.
func TestJobBeats(t *testing.T) {
	ctx := context.Background()
	old := batchSize
	batchSize = 10
	t.Cleanup(func() { batchSize = old })
	c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	s := seeded(t, SeedOptions{Companies: 30, Seed: 4})
	held, release := holdAfterBatch(s)
	s.clock = c
	job, err := s.StartBackfill(ctx, importOf(sf.Companies))
	if err != nil {
		t.Fatal(err)
	}
	<-held
	for range 10 {
		c.Advance(staleAfter / 2)
	}
	var beat int64
	if err := s.db.QueryRow(`SELECT heartbeat FROM jobs WHERE id = ?`, job.ID).Scan(&beat); err != nil {
		t.Fatal(err)
	}
	if age := c.Now().Sub(time.UnixMilli(beat)); age > beatEvery {
		t.Errorf("the heartbeat is %v old after %v of a held job; want at most %v", age, 5*staleAfter, beatEvery)
	}
	p := jobProcess{id: job.ID, pid: os.Getpid() + 1, host: "another-host", heartbeat: beat}
	if jobDead(p, c.Now()) {
		t.Error("another host would take the beating job for dead")
	}
	close(release)
}

// TestMigratesVersion5: a version 5 file keeps its jobs and gains the
// writer lease.
func TestMigratesVersion5(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t)
	if _, err := s.db.Exec(`INSERT INTO jobs (id, backfill, state, pid, host, started, heartbeat) VALUES ('job-old', '{}', 'succeeded', 1, 'h', 0, 0);
DROP TABLE writer; ALTER TABLE jobs DROP COLUMN pid_start; UPDATE meta SET value = '5' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if j, err := s2.Job(ctx, "job-old"); err != nil || j.State != sf.JobSucceeded {
		t.Errorf("the old job after migrating: %+v, %v", j, err)
	}
	if err := s2.Claim(ctx, writerA); err != nil {
		t.Errorf("a claim after migrating: %v", err)
	}
	var n int
	if err := s2.db.QueryRow(`SELECT count(*) FROM writer`).Scan(&n); err != nil || n != 1 {
		t.Errorf("writer rows %d, %v", n, err)
	}
}

// TestUnclaimStopsJobs: a handle that gives its lease up stops the jobs it
// started as that writer, rather than let them write on unfenced.
func TestUnclaimStopsJobs(t *testing.T) {
	ctx := context.Background()
	s := seeded(t, SeedOptions{Companies: 200, Seed: 4})
	holdJobs(t, s)
	if err := s.Claim(ctx, writerA); err != nil {
		t.Fatal(err)
	}
	job, err := s.StartBackfill(ctx, importOf(sf.Companies))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Unclaim(ctx); err != nil {
		t.Fatal(err)
	}
	j, err := s.Job(ctx, job.ID)
	if err != nil || j.State != sf.JobFailed || !strings.Contains(j.Error, "gave the sandbox up") {
		t.Errorf("the job after Unclaim: %+v, %v", j, err)
	}
}

// holdAfterBatch holds every job of s after each batch it commits until
// release is closed (or the job's context ends); held receives once a job
// is held.
func holdAfterBatch(s *Sandbox) (held chan struct{}, release chan struct{}) {
	held, release = make(chan struct{}, 1), make(chan struct{})
	s.AfterBatch(func(ctx context.Context, _ sf.Job) {
		select {
		case held <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
	})
	return held, release
}
