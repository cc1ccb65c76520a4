package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// DefaultPath is where the state database lives, relative to the
// configuration directory.
const DefaultPath = ".syncform/state.db"

// migrations[v] brings a SQLite file from schema version v-1 to v; a new
// file runs them all.
var migrations = []string{
	1: `
CREATE TABLE backfills (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	connection  TEXT NOT NULL,
	address     TEXT NOT NULL,
	spec        TEXT NOT NULL,          -- planner.Backfill as JSON
	next_batch  INTEGER NOT NULL DEFAULT 0,
	job_key     TEXT NOT NULL DEFAULT '', -- idempotency key of the batch in flight
	job_id      TEXT NOT NULL DEFAULT '', -- the provider's job of that batch
	state       TEXT NOT NULL,          -- pending | done | failed
	error       TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX backfills_outstanding ON backfills (connection, state);
-- The digest of the value each address was last set to by an apply: a live
-- value that differs while the configuration still asks for this one was
-- changed outside the configuration (drift).
CREATE TABLE applied (
	connection TEXT NOT NULL,
	address    TEXT NOT NULL,
	digest     TEXT NOT NULL,
	applied_at TEXT NOT NULL,
	PRIMARY KEY (connection, address)
);
`,
	2: `
-- One lock per connection: a lease its holder renews while it works, so a
-- crashed holder's lock expires. Times are Unix milliseconds.
CREATE TABLE locks (
	connection  TEXT PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	operation   TEXT NOT NULL,
	who         TEXT NOT NULL,
	host        TEXT NOT NULL,
	pid         INTEGER NOT NULL,
	acquired_at INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL
);
-- Every apply: who, what configuration, what it did, how it ended.
CREATE TABLE history (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	connection    TEXT NOT NULL,
	lock_id       TEXT NOT NULL DEFAULT '',
	operation     TEXT NOT NULL,
	who           TEXT NOT NULL,
	host          TEXT NOT NULL,
	pid           INTEGER NOT NULL,
	config_digest TEXT NOT NULL,
	started_at    INTEGER NOT NULL,
	finished_at   INTEGER NOT NULL DEFAULT 0,
	changes       INTEGER NOT NULL DEFAULT 0,
	backfills     INTEGER NOT NULL DEFAULT 0,
	actions       TEXT NOT NULL DEFAULT '[]', -- addresses, JSON
	outcome       TEXT NOT NULL,
	error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_connection ON history (connection, id);
`,
}

// openSQLite opens the state file at path. Its holders share this machine's
// clock, which times its leases.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the state directory: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
		} else if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("creating the state database: %w", err)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// Immediate transactions take the write lock at BEGIN: two processes
	// opening a new file at once migrate it once, and a lock is read and
	// taken in one step.
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(abs),
		RawQuery: fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_txlock=immediate", busyTimeout.Milliseconds())}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	s := &DB{db: db, where: path, now: time.Now}
	if err := s.migrate(ctx, migrations, nil); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
