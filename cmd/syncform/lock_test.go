package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// holdLock takes the quickstart connection's lock as a process of another
// host would (so it cannot be found dead).
func holdLock(t *testing.T, dir string) (*state.DB, *state.Lock) {
	t.Helper()
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(dir, state.DefaultPath))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	l, err := db.Acquire(ctx, connectionOf(t, filepath.Join(dir, ".syncform", "sandbox.db")), state.Holder{Operation: "apply", Who: "alice", Host: "runner-3", PID: 4242}, state.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return db, l
}

// TestApplyWaitsForTheLock: an apply while another holds the connection's
// lock fails at once naming the holder, waits with --lock-timeout, and
// force-unlock releases a lock whose holder is gone; history records it all.
func TestApplyWaitsForTheLock(t *testing.T) {
	dir := quickstart(t)
	ctx := context.Background()
	_, l := holdLock(t, dir)
	cli := func(args ...string) (int, string, string) {
		a, out, errb := testApp("", false)
		code := run(ctx, a, args)
		return code, out.String(), errb.String()
	}
	code, _, errb := cli("apply", "--auto-approve")
	if code != exitError || !regexp.MustCompile(`is locked: apply by alice on runner-3 \(pid 4242\) holds it since .*syncform force-unlock [0-9a-f]{16}`).MatchString(errb) {
		t.Fatalf("apply under another's lock: exit %d\n%s", code, errb)
	}
	// Released once the apply says it waits.
	a, applyOut, _ := testApp("", false)
	waiting := &signalBuffer{at: "Waiting up to 2m for the connection's lock: apply by alice on runner-3 (pid 4242) holds it", seen: make(chan struct{})}
	a.stderr = waiting
	applied := make(chan int, 1)
	go func() { applied <- run(ctx, a, []string{"apply", "--auto-approve", "--lock-timeout", "2m"}) }()
	select {
	case <-waiting.seen:
		l.Release(ctx)
	case code := <-applied:
		t.Fatalf("apply with --lock-timeout ended (exit %d) without waiting:\n%s", code, waiting)
	}
	if code := <-applied; code != exitOK || !strings.Contains(applyOut.String(), "Apply complete") {
		t.Fatalf("apply with --lock-timeout: exit %d\n%s%s", code, applyOut, waiting)
	}
	code, out, _ := cli("history")
	if code != exitOK || !regexp.MustCompile(`(?m)^1\s+\S+ \S+\s+\S+\s+\S+@\S+\s+apply\s+[0-9a-f]{12}\s+10\s+6\s+succeeded$`).MatchString(out) {
		t.Errorf("history:\n%s", out)
	}

	// A holder that is gone: force-unlock releases its lock, and its run is
	// marked abandoned.
	db, l2 := holdLock(t, dir)
	if _, err := db.BeginRun(ctx, l2.Info().Connection, l2.Info().ID, "feed", l2.Info().Holder); err != nil {
		t.Fatal(err)
	}
	if code, _, errb := cli("force-unlock", l2.Info().ID); code != exitError || !strings.Contains(errb, "pass --force") {
		t.Errorf("unattended force-unlock without --force: exit %d %s", code, errb)
	}
	if code, out, errb := cli("force-unlock", "--force", l2.Info().ID); code != exitOK || !strings.Contains(out, "Released lock "+l2.Info().ID) {
		t.Fatalf("force-unlock: exit %d\n%s%s", code, out, errb)
	}
	if code, out, errb := cli("apply", "--auto-approve"); code != exitOK {
		t.Fatalf("apply after force-unlock: exit %d\n%s%s", code, out, errb)
	}
	code, out, _ = cli("history", "--format", "json")
	if code != exitOK {
		t.Fatalf("history --format json: exit %d", code)
	}
	for _, want := range []string{`"outcome": "abandoned"`, `"error": "its lock was released with force-unlock"`, `"outcome": "succeeded"`} {
		if !strings.Contains(out, want) {
			t.Errorf("history --format json lacks %s:\n%s", want, out)
		}
	}
}

// lockTestSeed gives the quickstart's first back-fill job more than one
// batch, so that startApply can hold it mid-way.
var lockTestSeed = sandbox.SeedOptions{Contacts: 2500, Companies: 4000, Deals: 1000, Seed: 5}

// startApply starts `syncform apply --auto-approve` in dir, held in the
// middle of its first back-fill job (holdEnv) until the test resumes or
// kills it.
func startApply(t *testing.T, dir string) *held {
	t.Helper()
	return startHeld(t, "job:1", "--chdir", dir, "apply", "--auto-approve")
}

// runIn runs syncform in dir and returns its exit code and output.
func runIn(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	out, err := exec.Command("syncform", append([]string{"--chdir", dir}, args...)...).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if ee != nil {
		return ee.ExitCode(), string(out)
	}
	return 0, string(out)
}

// lockID is the ID of the lock held on dir's sandbox, as a second taker
// reads it.
func lockID(t *testing.T, dir, sandboxPath string) string {
	t.Helper()
	db, err := state.Open(context.Background(), filepath.Join(dir, state.DefaultPath))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, ok := sandbox.FileID(context.Background(), sandboxPath)
	if !ok {
		t.Fatalf("no sandbox ID in %s", sandboxPath)
	}
	_, err = db.Acquire(context.Background(), "sandbox:"+id, state.Holder{Operation: "test", Host: "elsewhere", PID: 1}, state.LockOptions{})
	var le *state.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("the apply holds no lock: %v", err)
	}
	return le.Lock.ID
}

// TestSandboxResetDuringApply: `sandbox reset` and `sandbox seed` while an
// apply runs are refused, naming the apply, and the apply completes; and
// an apply whose sandbox was reset under it anyway (its lock released with
// force-unlock, then a reset) fails, it does not report success.
func TestSandboxResetDuringApply(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	dir := seededQuickstart(t, lockTestSeed)
	ap := startApply(t, dir)
	for _, cmd := range [][]string{{"sandbox", "reset"}, {"sandbox", "seed", "--companies", "5"}} {
		code, out := runIn(t, dir, cmd...)
		if code != exitError || !regexp.MustCompile(`is locked: apply by \S+ on \S+ \(pid \d+\) holds it since`).MatchString(out) {
			t.Errorf("%s during an apply: exit %d\n%s", strings.Join(cmd, " "), code, out)
		}
	}
	ap.resume(t)
	if code, out := ap.wait(); code != exitOK || !strings.Contains(out, "Apply complete") {
		t.Fatalf("the apply: exit %d\n%s", code, out)
	}
	if code, out := runIn(t, dir, "plan"); code != exitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after the apply: exit %d\n%s", code, out)
	}

	// Reset under an apply, after a force-unlock.
	for _, cmd := range [][]string{{"sandbox", "reset"}, {"sandbox", "seed", "--contacts", strconv.Itoa(lockTestSeed.Contacts), "--companies", strconv.Itoa(lockTestSeed.Companies),
		"--deals", strconv.Itoa(lockTestSeed.Deals), "--seed", strconv.FormatInt(lockTestSeed.Seed, 10)}} {
		if code, out := runIn(t, dir, cmd...); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", strings.Join(cmd, " "), code, out)
		}
	}
	ap = startApply(t, dir)
	id := lockID(t, dir, filepath.Join(dir, ".syncform", "sandbox.db"))
	if code, out := runIn(t, dir, "force-unlock", "--force", id); code != exitOK {
		t.Fatalf("force-unlock: exit %d\n%s", code, out)
	}
	if code, out := runIn(t, dir, "sandbox", "reset"); code != exitOK {
		t.Fatalf("reset after force-unlock: exit %d\n%s", code, out)
	}
	ap.resume(t)
	code, out := ap.wait()
	if code == exitOK || strings.Contains(out, "Apply complete") || !strings.Contains(out, "lock was lost") {
		t.Errorf("an apply whose sandbox was reset under it: exit %d\n%s", code, out)
	}
}

// TestTwoDirectoriesOneSandbox: two configuration directories whose
// connections name one sandbox file lock in two state databases; the
// sandbox's writer lease keeps their applies apart: the second is refused
// naming the first (never a raw SQLITE_BUSY), or with --lock-timeout
// waits its turn and then plans afresh.
func TestTwoDirectoriesOneSandbox(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	shared := filepath.Join(t.TempDir(), "shared.db")
	if err := sandbox.Seed(context.Background(), shared, lockTestSeed); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), `".syncform/sandbox.db"`, strconv.Quote(shared), 1))
	var dirs [2]string
	for i := range dirs {
		dirs[i] = t.TempDir()
		if err := os.WriteFile(filepath.Join(dirs[i], "main.hcl"), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	first := startApply(t, dirs[0])
	code, out := runIn(t, dirs[1], "apply", "--auto-approve")
	if code != exitError || !regexp.MustCompile(`sandbox \S+shared.db is being written by apply by \S+ on \S+ \(pid \d+\) since \S+ \(lock ID [0-9a-f]{16} of the state database \S+`).MatchString(out) ||
		strings.Contains(out, "SQLITE_BUSY") || strings.Contains(out, "database is locked") {
		t.Errorf("the second directory's apply: exit %d\n%s", code, out)
	}
	second := exec.Command("syncform", "--chdir", dirs[1], "apply", "--auto-approve", "--lock-timeout", "5m")
	var secondOut strings.Builder
	second.Stdout, second.Stderr = &secondOut, &secondOut
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	first.resume(t)
	if code, out := first.wait(); code != exitOK || !strings.Contains(out, "Apply complete") {
		t.Fatalf("the first apply: exit %d\n%s", code, out)
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("the waiting apply: %v\n%s", err, secondOut.String())
	}
	// It planned once the first was done: nothing was left to change.
	if !strings.Contains(secondOut.String(), "No changes.") {
		t.Errorf("the waiting apply planned before its turn:\n%s", secondOut.String())
	}
}

// TestForceUnlockOfALiveHolder: force-unlock of an apply that is still
// running (a back-fill job in progress, held between two of its batches)
// takes effect before its next write: from the moment force-unlock returns, the apply writes nothing
// (no record of its job, no new job), fails saying its lock was lost, and
// the next apply finishes the work, removing the temporary segment it may
// have left.
func TestForceUnlockOfALiveHolder(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	dir := seededQuickstart(t, lockTestSeed)
	path := filepath.Join(dir, ".syncform", "sandbox.db")
	ap := startApply(t, dir)
	id := lockID(t, dir, path)
	if code, out := runIn(t, dir, "force-unlock", "--force", id); code != exitOK {
		t.Fatalf("force-unlock: exit %d\n%s", code, out)
	}
	unlocked := time.Now()
	before := jobsOf(t, dir)
	ap.resume(t) // the held job goes on to its next batch, if the apply has not stopped it
	code, out := ap.wait()
	stopped := time.Since(unlocked)
	after := jobsOf(t, dir)
	if code == exitOK || !strings.Contains(out, "lock was lost") {
		t.Errorf("the unlocked apply: exit %d\n%s", code, out)
	}
	if len(after) != len(before) {
		t.Errorf("%d jobs after the unlock returned, %d before: it started more", len(after), len(before))
	}
	var written int
	for i, j := range before {
		written += after[i].Done - j.Done
	}
	// Its job was held between two batches: no batch was in flight.
	if written != 0 {
		t.Errorf("%d records written after force-unlock returned", written)
	}
	t.Logf("after force-unlock returned: %d records written, %d jobs started; the apply ended %v later", written, len(after)-len(before), stopped.Round(time.Millisecond))

	code, out = runIn(t, dir, "apply", "--auto-approve")
	if code != exitOK {
		t.Fatalf("the next apply: exit %d\n%s", code, out)
	}
	if code, out := runIn(t, dir, "plan"); code != exitOK || !strings.Contains(out, "No changes.") {
		t.Errorf("plan after the next apply: exit %d\n%s", code, out)
	}
	for _, j := range jobsOf(t, dir) {
		if j.State == syncform.JobRunning {
			t.Errorf("job %s still running", j.ID)
		}
	}
	snap := snapshotOf(t, path)
	for _, s := range snap.Segments {
		if strings.HasPrefix(s.Name, reconciler.BatchSegmentPrefix) {
			t.Errorf("temporary segment %q left", s.Name)
		}
	}
}

func snapshotOf(t *testing.T, path string) *syncform.Snapshot {
	t.Helper()
	sb, err := sandbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	snap, err := sb.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestRerunAfterPIDReuse: an apply is killed while its back-fill job runs,
// and its PID then belongs to another, live process (here the test's own
// child `sleep`), the job's heartbeat still fresh. The re-run must not
// wait for ever on that job: it finds the job's process gone (its start
// time differs; where the system cannot tell, its heartbeat goes stale
// within 30 s), runs the batch again, and completes.
func TestRerunAfterPIDReuse(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	dir := seededQuickstart(t, lockTestSeed)
	path := filepath.Join(dir, ".syncform", "sandbox.db")
	ap := startApply(t, dir)
	ap.kill(t)
	sleep := exec.Command("sleep", "600")
	if err := sleep.Start(); err != nil {
		t.Skip("no sleep to run:", err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE jobs SET pid = ?, heartbeat = ? WHERE state = 'running'`, sleep.Process.Pid, time.Now().UnixMilli())
	db.Close()
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("the killed apply's running job: %d rows, %v", n, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "syncform", "--chdir", dir, "apply", "--auto-approve").CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the re-run waited for the dead apply's job for 2 minutes:\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "Apply complete") {
		t.Fatalf("the re-run: %v\n%s", err, out)
	}
	for _, j := range jobsOf(t, dir) {
		if j.State == syncform.JobRunning {
			t.Errorf("job %s still running", j.ID)
		}
	}
}
