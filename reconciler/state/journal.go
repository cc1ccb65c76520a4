package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
)

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

// DB is an open state database: a SQLite file (one machine) or a
// PostgreSQL database (a team), behind the same SQL.
type DB struct {
	db *sql.DB
	// where names the database in errors: the file, or the URL (which
	// never holds a password).
	where string
	// now is this machine's clock; tests replace it.
	now func() time.Time
	// serverNow, when set, is the SQL that reads the database server's
	// clock (Unix milliseconds), which then times leases and records
	// instead of now: the machines of a team disagree on the time, and a
	// lease must end at the same moment for all of them. Tests that move
	// time themselves clear it.
	serverNow string
}

// ErrCorrupt is wrapped by Open's error for a database that is not a usable
// state database: it is never silently reset, since it may hold a back-fill
// that must still run.
var ErrCorrupt = errors.New("not a usable syncform state database")

// Open opens the state database at location: a PostgreSQL URL (see
// config.CheckState), or else a file path, created (with its directory)
// with owner-only permissions when missing. Its schema is brought up to
// date; a schema newer than this syncform knows is refused.
func Open(ctx context.Context, location string) (*DB, error) {
	if config.IsPostgresState(location) {
		return openPostgres(ctx, location)
	}
	return openSQLite(ctx, location)
}

// querier is what a *sql.DB and a *sql.Tx share.
type querier interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// clock is the time leases and records are written with: the server's
// when it has one to ask (serverNow), else this machine's.
func (s *DB) clock(ctx context.Context, q querier) (time.Time, error) {
	if s.serverNow == "" {
		return s.now(), nil
	}
	var ms int64
	if err := q.QueryRowContext(ctx, s.serverNow).Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("reading the state database's clock: %w", err)
	}
	return time.UnixMilli(ms), nil
}

// stamp is clock as the journal's columns hold it.
func (s *DB) stamp(ctx context.Context, q querier) (string, error) {
	t, err := s.clock(ctx, q)
	return t.UTC().Format(time.RFC3339Nano), err
}

// migrate brings the schema to the newest of migrations, where
// migrations[v] goes from version v-1 to v, in one transaction; first
// (when set) runs at its start. The version is kept in a meta table. A
// schema that is current is only read: opening takes no write lock, so a
// read-only command is not held up by another process's write
// transaction, and none waits for it but to migrate.
func (s *DB) migrate(ctx context.Context, migrations []string, first func(context.Context, *sql.Tx) error) error {
	newest := len(migrations) - 1
	if v, err := schemaVersion(ctx, s.db); err == nil && v == newest {
		return nil
	}
	// A lock another process held past busyTimeout is no damage.
	corrupt := func(err error) error {
		if isBusy(err) {
			return s.busy(err)
		}
		return fmt.Errorf("%w: %s: %v (move it aside if it holds nothing you need)", ErrCorrupt, s.where, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return corrupt(err)
	}
	defer tx.Rollback()
	if first != nil {
		if err := first(ctx, tx); err != nil {
			return s.busy(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		return corrupt(err)
	}
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return corrupt(err)
	}
	if version > newest {
		return fmt.Errorf("%w: %s has schema version %d, this syncform reads up to %d; use a newer syncform", ErrCorrupt, s.where, version, newest)
	}
	if version == newest {
		return nil
	}
	for n := version + 1; n <= newest; n++ {
		if _, err := tx.ExecContext(ctx, migrations[n]); err != nil {
			return corrupt(fmt.Errorf("migrating to schema version %d: %w", n, err))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(newest)); err != nil {
		return corrupt(err)
	}
	if err := tx.Commit(); err != nil {
		return corrupt(err)
	}
	return nil
}

// schemaVersion reads the schema version the meta table records: 0 when
// it records none.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v string
	switch err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v); {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, err
	}
	version, err := strconv.Atoi(v)
	if err != nil || version < 1 {
		return 0, fmt.Errorf("schema version %q", v)
	}
	return version, nil
}

// Location is where the database is, as Open was given it.
func (s *DB) Location() string { return s.where }

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// Record journals back-fills as pending, before the changes that need them
// are applied: a crash after a mapping is created still finds its back-fill
// here on the next run.
func (s *DB) Record(ctx context.Context, connection string, actions []planner.Action) ([]Entry, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now, err := s.stamp(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, a := range actions {
		if a.Backfill == nil {
			continue
		}
		spec, err := json.Marshal(a.Backfill)
		if err != nil {
			return nil, err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO backfills (connection, address, spec, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, connection, a.Address, string(spec), Pending, now).Scan(&id); err != nil {
			return nil, fmt.Errorf("journalling %s: %w", a.Address, err)
		}
		out = append(out, Entry{ID: id, Connection: connection, Address: a.Address, Backfill: *a.Backfill, State: Pending})
	}
	return out, tx.Commit()
}

// Outstanding lists the connection's back-fills that have not finished, in
// the order they were journalled. A row no syncform writes (a field out of
// range, a spec that does not decode) is reported as corruption
// (CorruptEntryError), never run: what it says was done cannot be trusted.
func (s *DB) Outstanding(ctx context.Context, connection string) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, address, spec, next_batch, job_key, job_id, state, error FROM backfills
		WHERE connection = $1 AND state = $2 ORDER BY id`, connection, Pending)
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
			return nil, &CorruptEntryError{Where: s.where, Entry: e, Problem: "its spec does not decode: " + err.Error()}
		}
		if problem := checkEntry(e); problem != "" {
			return nil, &CorruptEntryError{Where: s.where, Entry: e, Problem: problem}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CorruptEntryError is a journalled back-fill whose row no syncform
// writes: damaged by hand, by a tool or by the disk. It wraps ErrCorrupt.
type CorruptEntryError struct {
	Where   string // the database
	Entry   Entry
	Problem string
}

func (e *CorruptEntryError) Error() string {
	return fmt.Sprintf("%v: %s: back-fill %d (%s) in the journal is damaged: %s; nothing was run. "+
		"Restore the state database from a backup, or drop this back-fill (its remaining batches then never run: "+
		"resync them by hand) with: UPDATE backfills SET state = 'failed' WHERE id = %d",
		ErrCorrupt, e.Where, e.Entry.ID, e.Entry.Address, e.Problem, e.Entry.ID)
}

func (e *CorruptEntryError) Unwrap() error { return ErrCorrupt }

// checkEntry says what makes an outstanding entry unusable, or "".
func checkEntry(e Entry) string {
	j := e.Backfill.Job
	if _, err := syncform.ParseObject(string(j.Object)); err != nil {
		return fmt.Sprintf("its object %q is not one syncform knows", j.Object)
	}
	switch {
	case j.Direction != syncform.ToHubSpot && j.Direction != syncform.ToSalesforce:
		return fmt.Sprintf("its direction %q is neither %s nor %s", j.Direction, syncform.ToHubSpot, syncform.ToSalesforce)
	case j.Method != syncform.MethodImport && j.Method != syncform.MethodSegment && j.Method != syncform.MethodRecords:
		return fmt.Sprintf("its method %q is not one syncform knows", j.Method)
	case e.NextBatch < 0 || e.NextBatch >= e.Batches():
		return fmt.Sprintf("next_batch is %d, but its batches are numbered 0 to %d and it is not done", e.NextBatch, e.Batches()-1)
	case e.JobID != "" && e.JobKey == "":
		return fmt.Sprintf("it has a job (%s) but no job key", e.JobID)
	}
	for i, b := range e.Backfill.Batches {
		if b.Offset < 0 || b.Limit <= 0 {
			return fmt.Sprintf("batch %d has offset %d and limit %d", i, b.Offset, b.Limit)
		}
	}
	return ""
}

// Starting records the key of the batch about to start, before the
// provider is asked: after a crash, the key finds the job if it started.
func (s *DB) Starting(ctx context.Context, id int64, key string) error {
	return s.update(ctx, id, `job_key = $1, job_id = ''`, key)
}

// Started records the provider's job of the batch in flight.
func (s *DB) Started(ctx context.Context, id int64, jobID string) error {
	return s.update(ctx, id, `job_id = $1`, jobID)
}

// Finished records that batch of e finished, and credits it to run (the
// history entry of the apply that ran it; 0: none) in the same
// transaction: the entry is done after its last batch, and a run that
// stops later, even killed, is still credited with it.
func (s *DB) Finished(ctx context.Context, run int64, e Entry, batch int) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("recording back-fill %d in the journal: %w", e.ID, err)
	}
	defer tx.Rollback()
	set, backfills := `next_batch = $1, job_key = '', job_id = ''`, 0
	if batch+1 >= e.Batches() {
		set, backfills = set+`, state = 'done'`, 1
	}
	action := e.Address
	if e.Batches() > 1 {
		action = fmt.Sprintf("%s batch %d/%d", e.Address, batch+1, e.Batches())
	}
	if err := s.updateIn(ctx, tx, e.ID, set, batch+1); err != nil {
		return err
	}
	if err := credit(ctx, tx, run, 0, backfills, []string{action}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recording back-fill %d in the journal: %w", e.ID, err)
	}
	return nil
}

// Retry forgets the batch in flight after its job failed, so the next run
// starts it again.
func (s *DB) Retry(ctx context.Context, id int64, reason string) error {
	return s.update(ctx, id, `job_key = '', job_id = '', error = $1`, reason)
}

// Abandon marks every outstanding entry of a connection failed, with the
// reason, and forgets what was applied to it: when the live system they were
// for is gone (a sandbox reset), so nothing is resumed or called drift.
func (s *DB) Abandon(ctx context.Context, connection, reason string) (int, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now, err := s.stamp(ctx, tx)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE backfills SET state = $1, error = $2, updated_at = $3 WHERE connection = $4 AND state = $5`,
		Failed, reason, now, connection, Pending)
	if err != nil {
		return 0, fmt.Errorf("abandoning back-fills: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM applied WHERE connection = $1`, connection); err != nil {
		return 0, fmt.Errorf("forgetting applied values: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}

// Fail marks an entry failed for good: it is no longer outstanding.
func (s *DB) Fail(ctx context.Context, id int64, reason string) error {
	return s.update(ctx, id, `state = 'failed', error = $1`, reason)
}

// update sets the columns of entry id that set names, with $1… for args.
func (s *DB) update(ctx context.Context, id int64, set string, args ...any) error {
	return s.updateIn(ctx, s.db, id, set, args...)
}

// updateIn is update in q (a transaction, or the database).
func (s *DB) updateIn(ctx context.Context, q querier, id int64, set string, args ...any) error {
	now, err := s.stamp(ctx, q)
	if err != nil {
		return err
	}
	n := len(args)
	res, err := q.ExecContext(ctx, fmt.Sprintf(`UPDATE backfills SET %s, updated_at = $%d WHERE id = $%d`, set, n+1, n+2), append(args, now, id)...)
	if err != nil {
		return fmt.Errorf("updating back-fill %d in the journal: %w", id, s.busy(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("back-fill %d is not in the journal", id)
	}
	return nil
}

// AppliedValue is the digest of the value an apply set an address to.
type AppliedValue struct {
	Address, Digest string
}

// RecordApplied remembers the digest of the value an apply set each address
// to, and credits the changes to run (the history entry of the apply that
// made them; 0: none), in one transaction: a run that stops later, even
// killed, is still credited with them.
func (s *DB) RecordApplied(ctx context.Context, connection string, run int64, applied []AppliedValue) error {
	if len(applied) == 0 {
		return nil
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("recording applied values: %w", err)
	}
	defer tx.Rollback()
	now, err := s.stamp(ctx, tx)
	if err != nil {
		return err
	}
	addresses := make([]string, 0, len(applied))
	for _, a := range applied {
		if _, err := tx.ExecContext(ctx, `INSERT INTO applied (connection, address, digest, applied_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (connection, address) DO UPDATE SET digest = excluded.digest, applied_at = excluded.applied_at`,
			connection, a.Address, a.Digest, now); err != nil {
			return fmt.Errorf("recording the applied value of %s: %w", a.Address, err)
		}
		addresses = append(addresses, a.Address)
	}
	if err := credit(ctx, tx, run, len(applied), 0, addresses); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("recording applied values: %w", err)
	}
	return nil
}

// Applied returns the digest of the value each address was last set to.
func (s *DB) Applied(ctx context.Context, connection string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT address, digest FROM applied WHERE connection = $1`, connection)
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
