package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a statement waits for a lock another process
// holds (SQLite's busy timeout, PostgreSQL's lock_timeout) before it fails
// with ErrBusy. Every write of syncform is one short transaction: a lock
// held this long is another program's, or a person's open transaction.
var busyTimeout = 10 * time.Second

// ErrBusy is wrapped by the error of an operation that waited busyTimeout
// for a lock another process held on the state database and gave up. The
// database is in use, not damaged: nothing was written, and trying again
// once the other is done succeeds.
var ErrBusy = errors.New("the state database is busy")

// isBusy reports whether err is a lock wait that ran out: SQLITE_BUSY (or
// SQLITE_LOCKED), or PostgreSQL's lock_not_available (55P03), which
// lock_timeout raises.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "55P03"
}

// busy is err, said as ErrBusy when it is a lock wait that ran out.
func (s *DB) busy(err error) error {
	if !isBusy(err) {
		return err
	}
	return fmt.Errorf("%w: %s: another process held it locked for more than %v; try again once it is done", ErrBusy, s.where, busyTimeout)
}

// begin starts a write transaction. On SQLite it takes the file's write
// lock at once (immediate), so that is where another writer is waited for.
func (s *DB) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	return tx, s.busy(err)
}
