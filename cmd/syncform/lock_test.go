package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
	abs, _ := filepath.Abs(filepath.Join(dir, ".syncform", "sandbox.db"))
	l, err := db.Acquire(ctx, "sandbox:"+abs, state.Holder{Operation: "apply", Who: "alice", Host: "runner-3", PID: 4242}, state.LockOptions{})
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
	// Released while the apply most likely waits; whenever the release
	// lands, the apply gets the lock within its timeout, which is far
	// longer than anything here takes on a saturated machine.
	go func() {
		time.Sleep(300 * time.Millisecond)
		l.Release(ctx)
	}()
	if code, out, errb := cli("apply", "--auto-approve", "--lock-timeout", "2m"); code != exitOK || !strings.Contains(out, "Apply complete") {
		t.Fatalf("apply with --lock-timeout: exit %d\n%s%s", code, out, errb)
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
