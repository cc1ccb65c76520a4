package state

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncform/syncform/internal/testutil/fakeclock"
	"github.com/syncform/syncform/internal/testutil/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// backends runs test once for each kind of state database: a SQLite file
// always, and PostgreSQL when a server is at hand (see pgtest), each time
// at a new location.
func backends(t *testing.T, test func(t *testing.T, location string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "state.db")) })
	t.Run("postgres", func(t *testing.T) { test(t, pgtest.URL(t)) })
}

// open opens the state database at location until the test ends.
func open(t *testing.T, location string) *DB {
	t.Helper()
	db, err := Open(context.Background(), location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestNewerSchemaIsRefused: a database written by a newer syncform is
// refused, not guessed at.
func TestNewerSchemaIsRefused(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		db := open(t, location)
		if _, err := db.db.Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
			t.Fatal(err)
		}
		_, err := Open(context.Background(), location)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "has schema version 99") || !strings.Contains(err.Error(), "use a newer syncform") {
			t.Errorf("version 99: %v", err)
		}
	})
}

// TestOpenedAtOnce: processes that open a new database at the same moment
// migrate it once, and all of them can use it.
func TestOpenedAtOnce(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		const n = 6
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				db, err := Open(context.Background(), location)
				if err == nil {
					_, err = db.BeginRun(context.Background(), "c", "", "d", alice)
					db.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if h, err := open(t, location).History(context.Background(), "c", 0); err != nil || len(h) != n {
			t.Errorf("history after %d opens: %d runs, %v", n, len(h), err)
		}
	})
}

// TestOneTakerWins: handles that try to take a free lock at once, and then
// an expired one, as processes on several machines would: exactly one gets
// it each time.
func TestOneTakerWins(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		c := fakeclock.New(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
		var dbs []*DB
		for range 6 {
			db := open(t, location)
			db.now, db.serverNow = c.Now, ""
			dbs = append(dbs, db)
		}
		race := func() []*Lock {
			var mu sync.Mutex
			var won []*Lock
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() {
					l, err := db.Acquire(ctx, "c", Holder{Operation: "apply", Host: "host-" + string(rune('a'+i)), PID: 100 + i}, LockOptions{Lease: time.Hour, Clock: c})
					switch {
					case err == nil:
						mu.Lock()
						won = append(won, l)
						mu.Unlock()
					case !errors.Is(err, ErrLocked):
						t.Error(err)
					}
				})
			}
			wg.Wait()
			return won
		}
		won := race()
		if len(won) != 1 {
			t.Fatalf("%d takers got a free lock", len(won))
		}
		close(won[0].stop) // its holder dies
		<-won[0].done
		c.Advance(2 * time.Hour)
		again := race()
		if len(again) != 1 {
			t.Fatalf("%d takers got an expired lock", len(again))
		}
		again[0].Release(ctx)
	})
}

// TestLeasesUseTheServersClock: on PostgreSQL, machines whose clocks
// disagree by hours still agree on a lease, since the server's clock
// times it.
func TestLeasesUseTheServersClock(t *testing.T) {
	ctx := context.Background()
	location := pgtest.URL(t)
	a, b := open(t, location), open(t, location)
	a.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	b.now = func() time.Time { return time.Now().Add(5 * time.Hour) }
	la, err := a.Acquire(ctx, "c", alice, LockOptions{Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer la.Release(ctx)
	if since := la.Info().Since; time.Since(since).Abs() > time.Minute {
		t.Errorf("the lock was taken at %v by the machine's clock, not the server's", since)
	}
	if _, err := b.Acquire(ctx, "c", bob, LockOptions{}); !errors.Is(err, ErrLocked) {
		t.Errorf("a machine whose clock runs 5 hours ahead took a lock leased for a minute: %v", err)
	}
}
