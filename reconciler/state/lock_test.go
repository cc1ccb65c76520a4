package state

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform/internal/testutil/fakeclock"
)

// twoHandles opens one state database twice, as two processes would, both
// on a fake clock the test moves: the database's clock (DB.now, standing
// in for the server's too) and the holders' (LockOptions.Clock, see lease).
func twoHandles(t *testing.T, location string) (*DB, *DB, *fakeclock.Clock) {
	t.Helper()
	c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	a, b := open(t, location), open(t, location)
	for _, db := range []*DB{a, b} {
		db.now, db.serverNow = c.Now, ""
	}
	return a, b, c
}

// on is o with the clock c.
func on(c *fakeclock.Clock, o LockOptions) LockOptions {
	o.Clock = c
	return o
}

var (
	alice = Holder{Operation: "apply", Who: "alice", Host: "laptop", PID: 101}
	bob   = Holder{Operation: "watch", Who: "bob", Host: "runner-7", PID: 202}
)

func TestLockIsExclusive(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a, b, c := twoHandles(t, location)
		la, err := a.Acquire(ctx, "hubspot:1", alice, on(c, LockOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		// Another connection is another lock.
		other, err := b.Acquire(ctx, "hubspot:2", bob, on(c, LockOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		other.Release(ctx)

		_, err = b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{}))
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
			t.Fatalf("second acquire: %v, want a LockedError", err)
		}
		for _, want := range []string{"is locked: apply by alice on laptop (pid 101) holds it since 2026-11-25T09:00:00Z", "syncform force-unlock " + la.Info().ID} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not say %q", err, want)
			}
		}

		// With a timeout it waits for the release: once it is waiting (it
		// found the lock held and sleeps until its next try), the lock is
		// released, and its next try takes it.
		got := make(chan error, 1)
		var lb *Lock
		go func() {
			var err error
			lb, err = b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{Timeout: 5 * time.Second, Poll: 10 * time.Millisecond}))
			got <- err
		}()
		c.WaitForTimers(1)
		la.Release(ctx)
		c.Advance(10 * time.Millisecond)
		if err := <-got; err != nil {
			t.Fatalf("waiting acquire: %v", err)
		}
		if err := lb.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := lb.Release(ctx); err != nil {
			t.Errorf("a second release: %v", err)
		}

		// A wait that outlasts its timeout names the holder.
		lc, err := a.Acquire(ctx, "hubspot:1", alice, on(c, LockOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		defer lc.Release(ctx)
		go func() {
			_, err := b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{Timeout: time.Second, Poll: 250 * time.Millisecond}))
			got <- err
		}()
		for range 4 {
			c.WaitForTimers(1)
			c.Advance(250 * time.Millisecond)
		}
		if err := <-got; !errors.As(err, &le) {
			t.Errorf("a wait past its timeout: %v, want a LockedError", err)
		}
	})
}

// TestExpiredLockIsTakenOver: a holder that stops renewing (crashed) loses
// its lock when the lease ends, and its running apply is marked crashed.
func TestExpiredLockIsTakenOver(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a, b, c := twoHandles(t, location)
		la, err := a.Acquire(ctx, "hubspot:1", alice, on(c, LockOptions{Lease: time.Hour}))
		if err != nil {
			t.Fatal(err)
		}
		run, err := a.BeginRun(ctx, "hubspot:1", la.Info().ID, "digest", alice)
		if err != nil {
			t.Fatal(err)
		}
		// The holder's process dies: nothing renews or releases it.
		close(la.stop)
		<-la.done
		if _, err := b.Acquire(ctx, "hubspot:1", bob, LockOptions{}); !errors.Is(err, ErrLocked) {
			t.Fatalf("before the lease ends: %v", err)
		}
		c.Advance(time.Hour)
		lb, err := b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{}))
		if err != nil {
			t.Fatalf("after the lease ends: %v", err)
		}
		defer lb.Release(ctx)
		h, err := b.History(ctx, "hubspot:1", 0)
		if err != nil || len(h) != 1 || h[0].ID != run || h[0].Outcome != OutcomeCrashed {
			t.Errorf("history %+v, %v; want the run marked crashed", h, err)
		}
	})
}

// TestForceUnlock: the lock is gone and its run abandoned; a holder still
// running fails its next Check (the fence before each write) at once, and
// one that is not writing finds the lock lost at its next renewal.
func TestForceUnlock(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a, b, c := twoHandles(t, location)
		la, err := a.Acquire(ctx, "hubspot:1", alice, on(c, LockOptions{Lease: 90 * time.Millisecond}))
		if err != nil {
			t.Fatal(err)
		}
		defer la.Release(ctx)
		if err := la.Check(ctx); err != nil {
			t.Fatalf("check of a held lock: %v", err)
		}
		run, _ := a.BeginRun(ctx, "hubspot:1", la.Info().ID, "digest", alice)
		info, err := b.ForceUnlock(ctx, la.Info().ID)
		if err != nil || info.Holder != alice {
			t.Fatalf("force-unlock: %+v, %v", info, err)
		}
		if err := la.Check(ctx); !errors.Is(err, ErrLockLost) || !strings.Contains(err.Error(), "force-unlock") {
			t.Errorf("check after force-unlock: %v", err)
		}
		if !errors.Is(context.Cause(la.Context()), ErrLockLost) {
			t.Errorf("cause %v", context.Cause(la.Context()))
		}
		if _, err := b.ForceUnlock(ctx, la.Info().ID); err == nil {
			t.Error("force-unlock of a released lock succeeded")
		}
		// The holder's own end, a failure once it found the lock gone,
		// does not hide that the lock was released under it.
		if err := a.EndRun(ctx, run, OutcomeFailed, ErrLockLost); err != nil {
			t.Fatal(err)
		}
		h, _ := b.History(ctx, "hubspot:1", 1)
		if len(h) != 1 || h[0].ID != run || h[0].Outcome != OutcomeAbandoned {
			t.Errorf("history %+v", h)
		}
		lb, err := b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		lb.Release(ctx)

		// A holder that does not write: its renewal finds the lock gone.
		lc, err := a.Acquire(ctx, "hubspot:1", alice, on(c, LockOptions{Lease: 90 * time.Millisecond}))
		if err != nil {
			t.Fatal(err)
		}
		defer lc.Release(ctx)
		if _, err := b.ForceUnlock(ctx, lc.Info().ID); err != nil {
			t.Fatal(err)
		}
		// Its next renewal finds the row gone (or, should the database fail
		// to answer, the lease's length passes without a renewal).
		for lost := false; !lost; {
			c.Advance(30 * time.Millisecond)
			select {
			case <-lc.done:
				lost = true
			default:
			}
		}
		if !errors.Is(context.Cause(lc.Context()), ErrLockLost) {
			t.Errorf("after the renewal: cause %v", context.Cause(lc.Context()))
		}
	})
}

// TestLeaseIsRenewed: a holder at work keeps its lock past the lease. The
// clock moves in steps of half a lease; each renewal (every third of it)
// has run before the clock passes the lease it gave (see fakeclock), so
// this holds on any machine, however loaded.
func TestLeaseIsRenewed(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a, b, c := twoHandles(t, location)
		la, err := a.Acquire(ctx, "hubspot:1", alice, on(c, LockOptions{Lease: 60 * time.Millisecond}))
		if err != nil {
			t.Fatal(err)
		}
		defer la.Release(ctx)
		for range 10 {
			c.Advance(30 * time.Millisecond)
		}
		if _, err := b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{})); !errors.Is(err, ErrLocked) {
			t.Errorf("a renewed lock was taken: %v", err)
		}
		if la.Context().Err() != nil {
			t.Errorf("the holder lost its lock: %v", context.Cause(la.Context()))
		}
		// Once it stops renewing (it crashed), the lease runs out.
		close(la.stop)
		<-la.done
		c.Advance(60 * time.Millisecond)
		lb, err := b.Acquire(ctx, "hubspot:1", bob, on(c, LockOptions{}))
		if err != nil {
			t.Fatalf("after the lease ran out: %v", err)
		}
		lb.Release(ctx)
	})
}

func TestHistory(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		db, _, c := twoHandles(t, location)
		first, _ := db.BeginRun(ctx, "hubspot:1", "", "d1", alice)
		c.Advance(time.Minute)
		if err := db.RecordApplied(ctx, "hubspot:1", first, []AppliedValue{{Address: "contacts.mapping.fax", Digest: "f"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.EndRun(ctx, first, OutcomeSucceeded, nil); err != nil {
			t.Fatal(err)
		}
		second, _ := db.BeginRun(ctx, "hubspot:1", "", "d2", bob)
		db.EndRun(ctx, second, OutcomeFailed, errors.New("HTTP 503"))
		db.BeginRun(ctx, "hubspot:2", "", "d3", bob)
		h, err := db.History(ctx, "hubspot:1", 0)
		if err != nil || len(h) != 2 {
			t.Fatalf("history %+v, %v", h, err)
		}
		if h[0].ID != second || h[0].Outcome != OutcomeFailed || h[0].Error != "HTTP 503" || h[0].Who != "bob" {
			t.Errorf("newest %+v", h[0])
		}
		if h[1].Changes != 1 || h[1].Actions[0] != "contacts.mapping.fax" || h[1].Finished.Sub(h[1].Started) != time.Minute || h[1].ConfigDigest != "d1" {
			t.Errorf("oldest %+v", h[1])
		}
		if h, _ := db.History(ctx, "hubspot:1", 1); len(h) != 1 {
			t.Errorf("limit 1 gave %d", len(h))
		}
	})
}

// TestMigratesVersion1: a state database from before locks and history
// keeps its journal and gains the new tables.
func TestMigratesVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path)}
	raw, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`, migrations[1],
		`INSERT INTO meta VALUES ('schema_version', '1')`,
		`INSERT INTO backfills (connection, address, spec, state, created_at, updated_at) VALUES ('c', 'companies.backfill.to_hubspot',
			'{"job": {"object": "companies", "direction": "to_hubspot", "method": "import", "properties": ["seats"]}}', 'pending', 'x', 'x')`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if out, err := db.Outstanding(ctx, "c"); err != nil || len(out) != 1 {
		t.Errorf("outstanding after migration: %v, %v", out, err)
	}
	if _, err := db.BeginRun(ctx, "c", "", "d", alice); err != nil {
		t.Errorf("history after migration: %v", err)
	}
}

// TestDeadHolderOnThisHost: a lock whose holder was a process of this host
// that no longer exists is taken at once, without waiting for the lease.
func TestDeadHolderOnThisHost(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a, b, _ := twoHandles(t, location)
		gone := exec.Command("true")
		if err := gone.Run(); err != nil {
			t.Skip("no process to outlive:", err)
		}
		dead := Holder{Operation: "apply", Who: "alice", Host: "this-host", PID: gone.ProcessState.Pid()}
		la, err := a.Acquire(ctx, "c", dead, LockOptions{Lease: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		close(la.stop) // its process is gone: nothing renews it
		<-la.done
		// Another host cannot tell; this host can.
		if _, err := b.Acquire(ctx, "c", Holder{Operation: "apply", Host: "other-host", PID: 7}, LockOptions{}); !errors.Is(err, ErrLocked) {
			t.Errorf("another host took a live-looking lock: %v", err)
		}
		lb, err := b.Acquire(ctx, "c", Holder{Operation: "apply", Host: "this-host", PID: os.Getpid()}, LockOptions{})
		if err != nil {
			t.Fatalf("the dead holder's lock was not taken over: %v", err)
		}
		lb.Release(ctx)
	})
}
