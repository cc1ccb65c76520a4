package state

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncform/syncform/config"
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

// shortBusyTimeout makes handles opened from now on until the test ends
// give up waiting for another's lock after d.
func shortBusyTimeout(t *testing.T, d time.Duration) {
	old := busyTimeout
	busyTimeout = d
	t.Cleanup(func() { busyTimeout = old })
}

// TestBusyIsNotCorrupt: while another process holds a write transaction
// on the state database, a database at the current schema opens at once
// (opening takes no write lock); what must write waits, and past the busy
// timeout says the database is busy, naming it; never that it is damaged,
// which would have a person move aside the journal of a back-fill still to
// run. A database that must first be migrated waits for the holder in the
// same way.
func TestBusyIsNotCorrupt(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang fails, it does not stop the suite
		defer cancel()
		shortBusyTimeout(t, 200*time.Millisecond)
		holder := open(t, location)
		tx, err := holder.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		// Another taker of the lock of c, in the middle of taking it.
		if _, err := tx.ExecContext(ctx, `INSERT INTO locks (connection, id, operation, who, host, pid, acquired_at, expires_at)
			VALUES ('c', 'held', 'apply', 'carol', 'elsewhere', 1, 0, 0)`); err != nil {
			t.Fatal(err)
		}
		// A lower bound only: it is the wait a machine of any speed makes.
		busy := func(what, location string, since time.Time, err error) {
			t.Helper()
			if waited := time.Since(since); waited < busyTimeout {
				t.Errorf("%s gave up after %v, without waiting the busy timeout (%v)", what, waited, busyTimeout)
			}
			if !errors.Is(err, ErrBusy) || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), location) ||
				strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "move it aside") {
				t.Errorf("%s while another holds the database: %v; want it busy, named, and not damaged", what, err)
			}
		}

		db, err := Open(ctx, location)
		if err != nil {
			t.Fatalf("opening a current database while another writes: %v", err)
		}
		defer db.Close()
		if _, err := db.Outstanding(ctx, "c"); err != nil {
			t.Errorf("reading the journal while another writes: %v", err)
		}
		since := time.Now()
		_, err = db.Acquire(ctx, "c", alice, LockOptions{})
		busy("taking the lock", location, since, err)
		tx.Rollback()
		l, err := db.Acquire(ctx, "c", alice, LockOptions{})
		if err != nil {
			t.Fatalf("taking the lock once the other is done: %v", err)
		}
		l.Release(ctx)

		// A database to migrate, while another holds it.
		fresh, release := holdNew(t, location)
		since = time.Now()
		_, err = Open(ctx, fresh)
		busy("opening a database to migrate", fresh, since, err)
		release()
		db2, err := Open(ctx, fresh)
		if err != nil {
			t.Fatalf("opening it once the other is done: %v", err)
		}
		db2.Close()
	})
}

// holdNew makes a new, empty state database of location's kind and holds
// what migrating it needs, as a process migrating it would, until release.
func holdNew(t *testing.T, location string) (fresh string, release func()) {
	t.Helper()
	ctx := context.Background()
	if config.IsPostgresState(location) {
		fresh = pgtest.URL(t)
		db, err := sql.Open("pgx", fresh)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLockKey)); err != nil {
			t.Fatal(err)
		}
		return fresh, func() { tx.Rollback() }
	}
	fresh = filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite", "file:"+fresh+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	return fresh, func() {
		conn.ExecContext(ctx, `ROLLBACK`)
		conn.Close()
	}
}
