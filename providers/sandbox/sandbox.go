package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/regularfile"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// ErrNotSandbox is wrapped by Open's error for a file that exists but is not a
// usable sandbox: not SQLite, damaged, or of another schema version.
var ErrNotSandbox = errors.New("not a syncform sandbox")

// busyTimeoutMS is how long a connection waits for another connection's
// write lock before giving up with SQLITE_BUSY.
const busyTimeoutMS = 10000

// Sandbox is an open sandbox file. Its methods are safe for concurrent use, and
// several Sandbox values, in one process or several, may use one file at once:
// every write is one SQLite transaction.
type Sandbox struct {
	path string
	db   *sql.DB

	// commits counts the write transactions this handle committed; tests use
	// it to tell a no-op Apply from a write.
	commits atomic.Int64

	// The back-fill jobs this handle runs: their goroutines derive from ctx,
	// which Close cancels before it waits for them (jobs), so no goroutine
	// outlives the handle.
	ctx    context.Context
	stop   context.CancelCauseFunc
	jobs   sync.WaitGroup
	mu     sync.Mutex // guards closed, runs, claim and afterBatch
	closed bool
	runs   map[string]*jobRun
	// claim is the writer lease the handle holds, if any (writer.go).
	claim *claim
	// clock times leases and heartbeats; tests replace it.
	clock Clock
	// afterBatch is set by AfterBatch.
	afterBatch func(context.Context, sf.Job)

	// The settings this handle read last, and their settings version
	// (see settings).
	cacheMu      sync.Mutex
	cache        *sf.Snapshot
	cacheVersion string
}

var _ sf.Provider = (*Sandbox)(nil)

// dsn is the modernc.org/sqlite data source name of the file at path: WAL, so
// readers never block the writer; synchronous=NORMAL, so a commit is
// written but not flushed to the disk (a crashed or killed process loses
// nothing; a power cut may lose the last commits, never consistency: what
// a simulator can afford, and a back-fill of a million records commits 500
// times); a busy timeout, so writers queue for the lock rather than fail;
// and BEGIN IMMEDIATE, so a write transaction takes the lock before it
// reads what it decides on. query_only connections are
// used to inspect a file without any chance of changing it (no WAL pragma,
// which would convert a foreign database).
func dsn(path string, queryOnly bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(abs)}
	q := "_pragma=busy_timeout(" + strconv.Itoa(busyTimeoutMS) + ")"
	if queryOnly {
		q += "&_pragma=query_only(1)"
	} else {
		q += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(10000)&_txlock=immediate"
	}
	return u.String() + "?" + q, nil
}

func openDB(path string, queryOnly bool) (*sql.DB, error) {
	d, err := dsn(path, queryOnly)
	if err != nil {
		return nil, err
	}
	return sql.Open("sqlite", d)
}

// Open opens the sandbox file at path, creating it with the seed when it does
// not exist and migrating it when it has an older schema version that
// migrations covers. An existing file that is not a sandbox is an error
// wrapping ErrNotSandbox; Open never changes such a file.
func Open(ctx context.Context, path string) (*Sandbox, error) {
	if path == "" {
		return nil, errors.New("sandbox: no file path given")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := create(ctx, path); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err := check(ctx, path); err != nil {
		return nil, err
	}
	db, err := openDB(path, false)
	if err != nil {
		return nil, fmt.Errorf("sandbox %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, storeErr("opening "+path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s := &Sandbox{path: path, db: db, runs: map[string]*jobRun{}, clock: defaultClock}
	if err := s.sweepJobs(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.ctx, s.stop = context.WithCancelCause(context.Background())
	return s, nil
}

// Path is the sandbox file's path, as given to Open.
func (s *Sandbox) Path() string { return s.path }

// Close stops the back-fill jobs this handle runs (each fails as
// interrupted), waits for their goroutines to end, and releases the file.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.stop(errClosed)
	s.mu.Unlock()
	s.jobs.Wait()
	uerr := s.Unclaim(context.Background())
	if err := s.db.Close(); err != nil {
		return err
	}
	return uerr
}

// read runs fn in one read transaction: a consistent view that never waits
// for writers.
func (s *Sandbox) read(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeErr(what, err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// write runs fn in one write transaction (BEGIN IMMEDIATE, see dsn) and
// commits it when fn reports that it wrote. A handle that claimed the
// writer lease writes only while the lease is its own (fence).
func (s *Sandbox) write(ctx context.Context, what string, fn func(*sql.Tx) (bool, error)) error {
	return s.writeTx(ctx, what, true, fn)
}

// writeUnfenced is write without the fence, for what changes nothing of
// the simulated systems: an estimate (rolled back), a job's heartbeat and
// its final state, which tell others that a fenced-out job stopped.
func (s *Sandbox) writeUnfenced(ctx context.Context, what string, fn func(*sql.Tx) (bool, error)) error {
	return s.writeTx(ctx, what, false, fn)
}

func (s *Sandbox) writeTx(ctx context.Context, what string, fenced bool, fn func(*sql.Tx) (bool, error)) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storeErr(what, err)
	}
	defer tx.Rollback()
	if fenced {
		if err := s.fence(ctx, tx); err != nil {
			return err
		}
	}
	wrote, err := fn(tx)
	if err != nil || !wrote {
		return err
	}
	if err := tx.Commit(); err != nil {
		return storeErr(what, err)
	}
	s.commits.Add(1)
	return nil
}

// Snapshot reads the whole simulated connection in one read transaction,
// segments and their sizes included (what Apply reads to decide a change
// leaves segments out: counting members is the one cost here that grows with
// the records).
func (s *Sandbox) Snapshot(ctx context.Context) (*sf.Snapshot, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // a deferred BEGIN: never waits for writers
	if err != nil {
		return nil, storeErr("reading", err)
	}
	defer tx.Rollback()
	snap, err := s.settings(ctx, tx)
	if err != nil {
		return nil, err
	}
	if snap.Segments, err = loadSegments(ctx, tx); err != nil {
		return nil, err
	}
	snap.Sort()
	return snap, nil
}

// settings reads the live settings in q's transaction: a copy of the ones
// this handle read last when the settings version says nothing changed
// since, else from the tables; the owner counts, which change with the
// records, always from their table. Reading the version costs one row where the
// tables cost thousands; every write to them, by any process (or a person
// with the sqlite3 shell), gives the settings a new random version
// (settingsVersionSQL), so a version never comes back.
func (s *Sandbox) settings(ctx context.Context, q querier) (*sf.Snapshot, error) {
	var version string
	err := eachRow(ctx, q, `SELECT value FROM meta WHERE key = '`+metaSettingsVersion+`'`, nil, func(r *sql.Rows) error {
		return r.Scan(&version)
	})
	if err != nil {
		return nil, storeErr("reading the settings version", err)
	}
	var snap *sf.Snapshot
	s.cacheMu.Lock()
	if s.cache != nil && version != "" && version == s.cacheVersion {
		snap = s.cache.Clone()
	}
	s.cacheMu.Unlock()
	if snap == nil {
		if snap, err = load(ctx, q); err != nil {
			return nil, err
		}
		s.cacheMu.Lock()
		s.cache, s.cacheVersion = snap.Clone(), version
		s.cacheMu.Unlock()
	}
	if err := loadOwnerCounts(ctx, q, snap); err != nil {
		return nil, err
	}
	return snap, nil
}

// Settings is Snapshot without the segments: the connector's settings and
// both schemas, whose cost does not grow with the records. The served
// sandbox answers every settings and schema request from it.
func (s *Sandbox) Settings(ctx context.Context) (*sf.Snapshot, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, storeErr("reading", err)
	}
	defer tx.Rollback()
	return s.settings(ctx, tx)
}

// Apply carries out one change in one write transaction, as the connector
// would: a change the connector refuses returns an error wrapping
// syncform.ErrRejected, one whose target does not exist syncform.ErrNotFound,
// and neither writes anything. A change the state already reflects succeeds
// without writing.
func (s *Sandbox) Apply(ctx context.Context, c sf.Change) error {
	return s.ApplyBatch(ctx, []sf.Change{c})[0]
}

var _ sf.BatchApplier = (*Sandbox)(nil)

// maxBatch is how many changes one ApplyBatch carries: one transaction and
// one read of the settings for all of them, which is what makes applying
// hundreds of mappings cheap.
const maxBatch = 5000

// BatchSize implements syncform.BatchApplier: any change may share a batch.
func (s *Sandbox) BatchSize(sf.Change) int { return maxBatch }

// ApplyBatch implements syncform.BatchApplier. The changes are decided in
// order, each on the state the ones before it leave, in one write
// transaction; each is a savepoint of its own, so a refused or failed one
// leaves nothing behind while the others stand. When the transaction cannot
// commit, every change that would have been made fails with that error.
func (s *Sandbox) ApplyBatch(ctx context.Context, cs []sf.Change) []error {
	errs := make([]error, len(cs))
	if len(cs) == 0 {
		return errs
	}
	what := "applying " + cs[0].Address()
	if len(cs) > 1 {
		what = fmt.Sprintf("applying %d changes from %s", len(cs), cs[0].Address())
	}
	err := s.write(ctx, what, func(tx *sql.Tx) (bool, error) {
		settings, err := s.settings(ctx, tx)
		if err != nil {
			return false, err
		}
		live := &deciding{Snapshot: settings}
		wrote := false
		for i, c := range cs {
			e, err := decide(live, c)
			if err == nil && e != nil {
				var fatal error
				if err, fatal = applyEdit(ctx, tx, c, e); fatal != nil {
					return false, fatal
				}
			}
			if errs[i] = err; err == nil && e != nil {
				e.patch(live)
				wrote = true
			}
		}
		return wrote, nil
	})
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	return errs
}

// applyEdit writes e inside a savepoint of tx: err is the change's own
// failure, undone; fatal is a failure to undo it, after which the whole
// transaction must be rolled back.
func applyEdit(ctx context.Context, tx *sql.Tx, c sf.Change, e *edit) (err, fatal error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT change`); err != nil {
		return nil, storeErr("applying "+c.Address(), err)
	}
	if err = e.write(ctx, tx); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO change`); rerr != nil {
			return nil, storeErr("undoing "+c.Address(), rerr)
		}
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE change`); rerr != nil {
		return nil, storeErr("applying "+c.Address(), rerr)
	}
	return err, nil
}

// ---------------------------------------------------------------------------
// The file

// sqliteMagic opens every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// notSandbox is Open's error for a file it will not use that may be a
// sandbox: reset recreates it.
func notSandbox(path, reason string) error {
	return fmt.Errorf("sandbox %s: %w (%s); run `syncform sandbox reset` to recreate it (this discards its contents)",
		path, ErrNotSandbox, reason)
}

// foreign is the error for a file that is not an SQLite database, hence
// never was a sandbox, or was damaged beyond recognition: reset refuses to
// replace it (it may be anything: notes, the configuration itself), so
// only its owner can say it is meant to go.
func foreign(path string) error {
	return fmt.Errorf("sandbox %s: %w (it is not an SQLite database); syncform leaves it alone: "+
		"if it is a damaged sandbox, remove it by hand and syncform creates a new one, else name another file as the connection's sandbox",
		path, ErrNotSandbox)
}

// IsCurrent reports, without writing, whether path is a sandbox of this
// schema version: one Open neither creates nor migrates.
func IsCurrent(ctx context.Context, path string) bool {
	return readOnly(path, func(db *sql.DB) bool {
		v, err := schemaVersion(ctx, db)
		return err == nil && v == SchemaVersion
	})
}

// readOnly reports what ok says of the SQLite database at path, opened so
// that nothing can be written; false when it is not one.
func readOnly(path string, ok func(*sql.DB) bool) bool {
	if checkHeader(path) != nil {
		return false
	}
	db, err := openDB(path, true)
	if err != nil {
		return false
	}
	defer db.Close()
	return ok(db)
}

// check verifies, without writing, that path is a healthy sandbox file of this
// schema version or of one migrate brings up to date.
func check(ctx context.Context, path string) error {
	if err := checkHeader(path); err != nil {
		return err
	}
	db, err := openDB(path, true)
	if err != nil {
		return fmt.Errorf("sandbox %s: %w", path, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return notSandbox(path, err.Error())
	}
	defer tx.Rollback()
	// Damage first: a damaged file can answer the questions below wrongly.
	var result string
	if err := tx.QueryRowContext(ctx, `PRAGMA quick_check(1)`).Scan(&result); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return notSandbox(path, "the database is damaged: "+err.Error())
	}
	if result != "ok" {
		return notSandbox(path, "the database is damaged: "+result)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).Scan(&n); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return notSandbox(path, err.Error())
	}
	if n == 0 {
		return notSandbox(path, "it has no meta table")
	}
	var version string
	err = tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaSchemaVersion).Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return notSandbox(path, "its meta table records no schema version")
	case err != nil:
		return notSandbox(path, err.Error())
	case version == strconv.Itoa(SchemaVersion):
		return nil
	}
	if v, err := strconv.Atoi(version); err == nil && migrations[v] != "" {
		return nil // Open migrates it
	}
	return notSandbox(path, fmt.Sprintf("schema version %s; this syncform reads version %d", version, SchemaVersion))
}

// migrate brings a file of an older schema version up to date in one write
// transaction, so another handle or process sees the old schema or the new,
// never a mix. A file already up to date is only read: taking the write lock
// on every Open would wait behind any long write, a big Seed say. The
// version is read again under the lock, so two processes opening an old
// file at once migrate it once.
func migrate(ctx context.Context, db *sql.DB) error {
	if v, err := schemaVersion(ctx, db); err != nil || v == SchemaVersion {
		return err
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return storeErr("migrating", err)
	}
	defer tx.Rollback()
	v, err := schemaVersion(ctx, tx)
	if err != nil || v == SchemaVersion {
		return err
	}
	for ; v < SchemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("sandbox: %w (no migration from schema version %d)", ErrNotSandbox, v)
		}
		if err := execStmt(ctx, tx, fmt.Sprintf("migrating from schema version %d", v), step); err != nil {
			return err
		}
	}
	if err := execStmt(ctx, tx, "migrating", `UPDATE meta SET value = ? WHERE key = ?`,
		strconv.Itoa(SchemaVersion), metaSchemaVersion); err != nil {
		return err
	}
	return storeErr("migrating", tx.Commit())
}

// schemaVersion reads the file's schema version.
func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var version string
	if err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaSchemaVersion).Scan(&version); err != nil {
		return 0, storeErr("reading the schema version", err)
	}
	v, err := strconv.Atoi(version)
	if err != nil {
		return 0, fmt.Errorf("sandbox: %w (schema version %q)", ErrNotSandbox, version)
	}
	return v, nil
}

// checkHeader rejects what is plainly not an SQLite database before SQLite
// opens it. An empty file, or one that begins as SQLite's do, may be a
// sandbox that was damaged: its error says how to recreate it. Any other
// file is someone else's, which reset refuses to replace: its error says
// so.
func checkHeader(path string) error {
	h, err := readHeader(path)
	switch {
	case err != nil:
		return err
	case len(h) == 0:
		return notSandbox(path, "the file is empty")
	case !bytes.HasPrefix(h, sqliteMagic):
		return foreign(path)
	case len(h) < sqliteHeaderSize:
		return notSandbox(path, fmt.Sprintf("the file is only %d bytes long, shorter than an SQLite header", len(h)))
	}
	return nil
}

// sqliteHeaderSize is the length of an SQLite database's header.
const sqliteHeaderSize = 100

// readHeader reads the first sqliteHeaderSize bytes of the file at path,
// or all of a shorter one. Only a regular file is opened: a named pipe
// would block the open, and the command with it, for ever, and a device
// (/dev/zero) is no database. The file is opened without blocking and
// checked again once open, in case it was swapped in between.
func readHeader(path string) ([]byte, error) {
	f, _, err := regularfile.Open(path)
	var nr *regularfile.NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, notAFile(path, nr.Mode)
	case err != nil:
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer f.Close()
	h := make([]byte, sqliteHeaderSize)
	n, err := io.ReadFull(f, h)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("sandbox %s: %w", path, err)
	}
	return h[:n], nil
}

// notAFile is the error for a sandbox path that names no regular file.
func notAFile(path string, mode fs.FileMode) error {
	return fmt.Errorf("sandbox %s: %w (it is %s, not a file); name another file as the connection's sandbox", path, ErrNotSandbox, regularfile.Kind(mode))
}

// build writes a freshly seeded sandbox to a new temporary file in dir and
// returns its name. The file is complete, closed, synced and mode 0600.
func build(ctx context.Context, dir, base string) (name string, err error) {
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	name = f.Name()
	f.Close()
	defer func() {
		if err != nil {
			removeFiles(name)
		}
	}()
	db, err := openDB(name, false)
	if err != nil {
		return "", err
	}
	db.SetMaxOpenConns(1)
	err = fill(ctx, db)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = storeErr("closing new sandbox", cerr)
	}
	if err != nil {
		return "", err
	}
	if err := os.Chmod(name, 0o600); err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	if err := syncFile(name); err != nil {
		return "", err
	}
	return name, nil
}

// fill creates the schema and writes the seed in one transaction.
func fill(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("creating sandbox", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schemaSQL); err != nil {
		return storeErr("creating schema", err)
	}
	if err := writeSeed(ctx, tx, seed()); err != nil {
		return err
	}
	if err := loadRecords(ctx, tx, DefaultSeedOptions); err != nil {
		return err
	}
	return storeErr("creating sandbox", tx.Commit())
}

// create makes a new sandbox at path, atomically: the seeded file appears
// under path complete or not at all. When another process creates it first,
// create leaves that file in place and succeeds.
func create(ctx context.Context, path string) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	tmp, err := build(ctx, dir, base)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	// A hard link, unlike a rename, never replaces a file another process
	// created (and may already be writing) in the meantime.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		// No hard links on this file system: rename, unless the file has
		// appeared meanwhile.
		if _, serr := os.Stat(path); serr == nil {
			return nil
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
	}
	return syncDir(dir)
}

// Reset is ResetAs of no writer: it refuses while any writer holds the
// sandbox's lease.
func Reset(ctx context.Context, path string) error { return ResetAs(ctx, path, sf.Writer{}) }

// ResetAs gives the sandbox at path a fresh seed, discarding every change,
// as w: it waits up to w.Wait while another writer's lease keeps w out
// (see syncform.Claimer), then fails with a *ClaimedError; the lease of
// any writer before it ends, so that an apply whose sandbox was reset
// under it writes nothing more and fails.
//
// A file that is a healthy SQLite database is reset in place, in one
// transaction that drops every table and writes the schema and seed: other
// handles on the file, in this process or another, see the fresh seed at
// their next read, and nothing is ever half reset. A damaged SQLite
// database, an empty file or a missing one is replaced atomically by a new
// file, built beside it and renamed over it; that path must not be in use
// by anyone else. Any other file (not a regular file, or one that does
// not begin as an SQLite database does) is refused and left as it is.
func ResetAs(ctx context.Context, path string, w sf.Writer) error {
	if path == "" {
		return errors.New("sandbox: no file path given")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return create(ctx, path)
	}
	// Only what may be a sandbox is replaced: an empty file or an SQLite
	// database, healthy or damaged. Anything else is someone's file
	// that the connection's sandbox attribute names by mistake.
	h, err := readHeader(path)
	if err != nil {
		return err
	}
	if len(h) > 0 && !bytes.HasPrefix(h, sqliteMagic) {
		return fmt.Errorf("sandbox %s: %w (it is not an SQLite database); reset replaces only a sandbox, damaged or not, or an empty file: "+
			"remove %s by hand if it is meant to go", path, ErrNotSandbox, path)
	}
	if healthySQLite(ctx, path) {
		if err := retryClaimed(ctx, w.Wait, func() error { return resetInPlace(ctx, path, w) }); err != nil {
			return err
		}
		return os.Chmod(path, 0o600)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := build(ctx, dir, base)
	if err != nil {
		return err
	}
	// A write-ahead log beside a damaged file belongs to it; SQLite would
	// replay it onto the new file.
	for _, side := range []string{path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(side); err != nil && !errors.Is(err, fs.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("sandbox: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sandbox: %w", err)
	}
	return syncDir(dir)
}

// healthySQLite reports whether path is an undamaged SQLite database (of any
// schema), which Reset can reset in place.
func healthySQLite(ctx context.Context, path string) bool {
	return readOnly(path, func(db *sql.DB) bool {
		var result string
		return db.QueryRowContext(ctx, `PRAGMA quick_check(1)`).Scan(&result) == nil && result == "ok"
	})
}

func resetInPlace(ctx context.Context, path string, w sf.Writer) error {
	db, err := openDB(path, false)
	if err != nil {
		return fmt.Errorf("sandbox %s: %w", path, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("resetting "+path, err)
	}
	defer tx.Rollback()
	// The sandbox starts over but stays the same sandbox: its ID is kept,
	// so its history goes on (and reset abandons its journalled
	// back-fills under it). A file with none gets a new one.
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaSandboxID).Scan(&id); err != nil || !sandboxID.MatchString(id) {
		id = ""
	}
	// The lease's token outlives the reset, so that no writer of the old
	// sandbox finds its own token in the new one.
	var token int64
	var leased int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'writer'`).Scan(&leased); err != nil {
		return storeErr("resetting "+path, err)
	}
	if leased > 0 {
		if token, err = checkLease(ctx, tx, path, w); err != nil {
			return err
		}
	}
	// Views first: a view may name a table.
	var views, tables []string
	err = eachRow(ctx, tx, `SELECT type, name FROM sqlite_master
		WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`, nil, func(r *sql.Rows) error {
		var typ, name string
		if err := r.Scan(&typ, &name); err != nil {
			return err
		}
		quoted := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		if typ == "view" {
			views = append(views, "DROP VIEW IF EXISTS "+quoted)
		} else {
			tables = append(tables, "DROP TABLE IF EXISTS "+quoted)
		}
		return nil
	})
	if err != nil {
		return storeErr("resetting "+path, err)
	}
	for _, d := range append(views, tables...) {
		if err := execStmt(ctx, tx, "resetting "+path, d); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, schemaSQL); err != nil {
		return storeErr("resetting "+path, err)
	}
	if id != "" {
		if err := execStmt(ctx, tx, "resetting "+path, `UPDATE meta SET value = ? WHERE key = ?`, id, metaSandboxID); err != nil {
			return err
		}
	}
	if err := writeSeed(ctx, tx, seed()); err != nil {
		return err
	}
	if err := loadRecords(ctx, tx, DefaultSeedOptions); err != nil {
		return err
	}
	if err := endLease(ctx, tx, token, "the sandbox was reset"); err != nil {
		return err
	}
	return storeErr("resetting "+path, tx.Commit())
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// syncDir makes a rename or link in dir durable; file systems that cannot
// sync a directory are not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

// removeFiles removes a database file and its SQLite side files.
func removeFiles(name string) {
	for _, n := range []string{name, name + "-wal", name + "-shm", name + "-journal"} {
		os.Remove(n)
	}
}
