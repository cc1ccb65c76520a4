package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/syncform/syncform/planner"
)

// DefaultPath is where the state database lives, relative to the
// configuration directory.
const DefaultPath = ".syncform/state.db"

// migrations[v] brings a database from schema version v-1 to v; a new file
// runs them all. Open refuses a file newer than it knows rather than guess.
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

// schemaVersion is the newest schema version.
var schemaVersion = len(migrations) - 1

// Entry states.
const (
	Pending = "pending"
	Done    = "done"
	Failed  = "failed"
)

// Entry is one journalled back-fill.
type Entry struct {
	ID         int64
	Connection string
	Address    string
	Backfill   planner.Backfill
	// NextBatch is the first batch not yet finished (0 for an unbatched job
	// that has not finished).
	NextBatch int
	// JobKey and JobID name the batch in flight, if any: started, or about
	// to be, and not yet recorded as finished.
	JobKey string
	JobID  string
	State  string
	Error  string
}

// Batches is how many jobs the entry runs in all.
func (e Entry) Batches() int {
	if n := len(e.Backfill.Batches); n > 0 {
		return n
	}
	return 1
}

// DB is an open state database.
type DB struct {
	db  *sql.DB
	now func() time.Time
}

// ErrCorrupt is wrapped by Open's error for a file that is not a usable
// state database: it is never silently reset, since it may hold a back-fill
// that must still run.
var ErrCorrupt = errors.New("not a usable syncform state database")

// Open opens the state database at path, creating it (and its directory)
// with owner-only permissions when missing.
func Open(ctx context.Context, path string) (*DB, error) {
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
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(abs),
		RawQuery: "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	s := &DB{db: db, now: time.Now}
	if err := s.migrate(ctx, path); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *DB) migrate(ctx context.Context, path string) error {
	corrupt := func(err error) error {
		return fmt.Errorf("%w: %s: %v (move it aside if it holds nothing you need)", ErrCorrupt, path, err)
	}
	// One immediate transaction: two processes opening a new file at once
	// migrate it once.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return corrupt(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		return corrupt(err)
	}
	version := 0
	var v string
	switch err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return corrupt(err)
	default:
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			return corrupt(fmt.Errorf("schema version %q", v))
		}
	}
	if version > schemaVersion {
		return fmt.Errorf("%w: %s has schema version %d, this syncform reads up to %d; use a newer syncform", ErrCorrupt, path, version, schemaVersion)
	}
	if version == schemaVersion {
		return nil
	}
	for n := version + 1; n <= schemaVersion; n++ {
		if _, err := tx.ExecContext(ctx, migrations[n]); err != nil {
			return corrupt(fmt.Errorf("migrating to schema version %d: %v", n, err))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(schemaVersion)); err != nil {
		return corrupt(err)
	}
	return tx.Commit()
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

func (s *DB) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

// Record journals back-fills as pending, before the changes that need them
// are applied: a crash after a mapping is created still finds its back-fill
// here on the next run.
func (s *DB) Record(ctx context.Context, connection string, actions []planner.Action) ([]Entry, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var out []Entry
	for _, a := range actions {
		if a.Backfill == nil {
			continue
		}
		spec, err := json.Marshal(a.Backfill)
		if err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO backfills (connection, address, spec, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			connection, a.Address, string(spec), Pending, s.stamp(), s.stamp())
		if err != nil {
			return nil, fmt.Errorf("journalling %s: %w", a.Address, err)
		}
		id, _ := res.LastInsertId()
		out = append(out, Entry{ID: id, Connection: connection, Address: a.Address, Backfill: *a.Backfill, State: Pending})
	}
	return out, tx.Commit()
}

// Outstanding lists the connection's back-fills that have not finished, in
// the order they were journalled.
func (s *DB) Outstanding(ctx context.Context, connection string) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, address, spec, next_batch, job_key, job_id, state, error FROM backfills
		WHERE connection = ? AND state = ? ORDER BY id`, connection, Pending)
	if err != nil {
		return nil, fmt.Errorf("reading the back-fill journal: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e := Entry{Connection: connection}
		var spec string
		if err := rows.Scan(&e.ID, &e.Address, &spec, &e.NextBatch, &e.JobKey, &e.JobID, &e.State, &e.Error); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(spec), &e.Backfill); err != nil {
			return nil, fmt.Errorf("%w: back-fill %d: %v", ErrCorrupt, e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Starting records the key of the batch about to start, before the
// provider is asked: after a crash, the key finds the job if it started.
func (s *DB) Starting(ctx context.Context, id int64, key string) error {
	return s.update(ctx, id, `job_key = ?, job_id = ''`, key)
}

// Started records the provider's job of the batch in flight.
func (s *DB) Started(ctx context.Context, id int64, jobID string) error {
	return s.update(ctx, id, `job_id = ?`, jobID)
}

// Finished records that batch finished; the entry is done after its last.
func (s *DB) Finished(ctx context.Context, id int64, batch, batches int) error {
	if batch+1 >= batches {
		return s.update(ctx, id, `next_batch = ?, job_key = '', job_id = '', state = 'done'`, batch+1)
	}
	return s.update(ctx, id, `next_batch = ?, job_key = '', job_id = ''`, batch+1)
}

// Retry forgets the batch in flight after its job failed, so the next run
// starts it again.
func (s *DB) Retry(ctx context.Context, id int64, reason string) error {
	return s.update(ctx, id, `job_key = '', job_id = '', error = ?`, reason)
}

// Abandon marks every outstanding entry of a connection failed, with the
// reason, and forgets what was applied to it: when the live system they were
// for is gone (a sandbox reset), so nothing is resumed or called drift.
func (s *DB) Abandon(ctx context.Context, connection, reason string) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE backfills SET state = ?, error = ?, updated_at = ? WHERE connection = ? AND state = ?`,
		Failed, reason, s.stamp(), connection, Pending)
	if err != nil {
		return 0, fmt.Errorf("abandoning back-fills: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM applied WHERE connection = ?`, connection); err != nil {
		return 0, fmt.Errorf("forgetting applied values: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}

// Fail marks an entry failed for good: it is no longer outstanding.
func (s *DB) Fail(ctx context.Context, id int64, reason string) error {
	return s.update(ctx, id, `state = 'failed', error = ?`, reason)
}

func (s *DB) update(ctx context.Context, id int64, set string, args ...any) error {
	args = append(args, s.stamp(), id)
	res, err := s.db.ExecContext(ctx, `UPDATE backfills SET `+set+`, updated_at = ? WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("updating back-fill %d in the journal: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("back-fill %d is not in the journal", id)
	}
	return nil
}

// RecordApplied remembers the digest of the value an apply set each address
// to (digests: address → digest), in one transaction.
func (s *DB) RecordApplied(ctx context.Context, connection string, digests map[string]string) error {
	if len(digests) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("recording applied values: %w", err)
	}
	defer tx.Rollback()
	at := s.stamp()
	for address, digest := range digests {
		if _, err := tx.ExecContext(ctx, `INSERT INTO applied (connection, address, digest, applied_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (connection, address) DO UPDATE SET digest = excluded.digest, applied_at = excluded.applied_at`,
			connection, address, digest, at); err != nil {
			return fmt.Errorf("recording the applied value of %s: %w", address, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recording applied values: %w", err)
	}
	return nil
}

// Applied returns the digest of the value each address was last set to.
func (s *DB) Applied(ctx context.Context, connection string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT address, digest FROM applied WHERE connection = ?`, connection)
	if err != nil {
		return nil, fmt.Errorf("reading applied values: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, d string
		if err := rows.Scan(&a, &d); err != nil {
			return nil, err
		}
		out[a] = d
	}
	return out, rows.Err()
}
