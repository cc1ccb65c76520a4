package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	sf "github.com/syncform/syncform"
)

// The writer lease. The lock that keeps two applies apart lives in a state
// database, but two configuration directories, each with its own state
// database, can point at one sandbox file: their locks never meet. So the
// file keeps a lease of its own (the writer table, one row): a handle that
// claims it (Claim, with the lock it holds) gets the next token, and every
// write transaction of that handle first checks that the token is still
// its own. Whoever takes the lease after it, a writer of the same scope
// that took its lock over, force-unlock (Revoke), a reset or a seed, bumps
// the token, and from that moment the handle writes nothing: SQLite runs
// one write transaction at a time, so no write of the old writer commits
// after the one that bumped the token, except one already in flight.

// defaultWriterLease is how long a claim outlives its handle's last
// renewal, as the state database's lock does (state.DefaultLease).
const defaultWriterLease = 30 * time.Second

// claimPoll is how often Claim tries again while another writer holds the
// lease.
const claimPoll = 250 * time.Millisecond

// Clock is the time the sandbox's leases and heartbeats are written with
// and judged by, and what its renewals and beats tick on: the machine's,
// unless a test gives a fake one that moves only when it says (the handle's
// clock field). It has the shape of reconciler/state's Clock, which a
// provider cannot import, so one fake serves both.
type Clock interface {
	Now() time.Time
	NewTicker(d time.Duration) (c <-chan time.Time, stop func())
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

// defaultClock is every new handle's clock, and the one Reset, Seed and
// Revoke judge leases by; tests replace it.
var defaultClock Clock = realClock{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// writerRow is the writer table's row.
type writerRow struct {
	token                     int64
	lock, scope, holder, host string
	pid                       int
	pidStart                  string
	since, expires            int64
	ended                     string
}

func readWriter(ctx context.Context, q querier) (writerRow, error) {
	var w writerRow
	err := eachRow(ctx, q, `SELECT token, lock_id, scope, holder, host, pid, pid_start, since, expires, ended FROM writer WHERE id = 1`, nil,
		func(r *sql.Rows) error {
			return r.Scan(&w.token, &w.lock, &w.scope, &w.holder, &w.host, &w.pid, &w.pidStart, &w.since, &w.expires, &w.ended)
		})
	return w, storeErr("reading the writer lease", err)
}

// keeps reports whether the row's lease keeps w out at now: it is held,
// unexpired, by another lock of another scope, whose process is not known
// to be gone.
func (r writerRow) keeps(w sf.Writer, now time.Time) bool {
	return r.lock != "" && r.lock != w.Lock && r.scope != w.Scope && now.UnixMilli() < r.expires &&
		!(r.host == hostname() && processGone(r.pid, r.pidStart))
}

// ClaimedError is a writer lease another writer holds.
type ClaimedError struct {
	Path                string
	Holder, Lock, Scope string
	Since, Expires      time.Time
}

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("sandbox %s is being written by %s since %s (lock ID %s of %s); wait for it to finish (--lock-timeout), "+
		"or if that process is gone, its claim lapses at %s",
		e.Path, e.Holder, e.Since.UTC().Format(time.RFC3339), e.Lock, e.Scope, e.Expires.UTC().Format(time.RFC3339))
}

func (e *ClaimedError) Unwrap() error { return sf.ErrFenced }

func claimedError(path string, r writerRow) error {
	return &ClaimedError{Path: path, Holder: r.holder, Lock: r.lock, Scope: r.scope,
		Since: time.UnixMilli(r.since), Expires: time.UnixMilli(r.expires)}
}

// claim is a handle's writer lease.
type claim struct {
	token int64
	w     sf.Writer
	stop  chan struct{}
	done  chan struct{}
}

var _ sf.Claimer = (*Sandbox)(nil)

// Claim implements syncform.Claimer. The handle renews the lease every
// third of w.Lease until Unclaim or Close.
func (s *Sandbox) Claim(ctx context.Context, w sf.Writer) error {
	if w.Lease <= 0 {
		w.Lease = defaultWriterLease
	}
	if err := s.Unclaim(ctx); err != nil {
		return err
	}
	deadline := s.clock.Now().Add(w.Wait)
	for {
		token, err := s.takeLease(ctx, w)
		if err == nil {
			c := &claim{token: token, w: w, stop: make(chan struct{}), done: make(chan struct{})}
			tick, stop := s.clock.NewTicker(w.Lease / 3)
			s.mu.Lock()
			s.claim = c
			s.mu.Unlock()
			go s.renewClaim(c, tick, stop)
			return nil
		}
		if !errors.As(err, new(*ClaimedError)) {
			return err
		}
		wait := claimPoll
		if w.Wait >= 0 {
			left := deadline.Sub(s.clock.Now())
			if left <= 0 {
				return err
			}
			wait = min(wait, left)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the sandbox %s: %w", s.path, ctx.Err())
		case <-s.clock.After(wait):
		}
	}
}

// takeLease gives w the lease, with the next token, unless another
// writer's keeps it out (a *ClaimedError).
func (s *Sandbox) takeLease(ctx context.Context, w sf.Writer) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, storeErr("claiming the sandbox", err)
	}
	defer tx.Rollback()
	r, err := readWriter(ctx, tx)
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	if r.keeps(w, now) {
		return 0, claimedError(s.path, r)
	}
	token := r.token + 1
	if err := execStmt(ctx, tx, "claiming the sandbox", `UPDATE writer SET token = ?, lock_id = ?, scope = ?, holder = ?, host = ?,
		pid = ?, pid_start = ?, since = ?, expires = ?, ended = '' WHERE id = 1`,
		token, w.Lock, w.Scope, w.Holder, hostname(), os.Getpid(), selfStart(), now.UnixMilli(), now.Add(w.Lease).UnixMilli()); err != nil {
		return 0, err
	}
	return token, storeErr("claiming the sandbox", tx.Commit())
}

// renewClaim extends c's lease at every tick until Unclaim; once another
// token is there it stops (the handle's writes fail on their own).
func (s *Sandbox) renewClaim(c *claim, tick <-chan time.Time, stop func()) {
	defer close(c.done)
	defer stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), max(c.w.Lease/3, 5*time.Second))
		res, err := s.db.ExecContext(ctx, `UPDATE writer SET expires = ? WHERE id = 1 AND token = ?`,
			s.clock.Now().Add(c.w.Lease).UnixMilli(), c.token)
		cancel()
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				<-c.stop
				return
			}
		}
	}
}

// Unclaim implements syncform.Claimer: it gives the handle's lease up, if
// it has one and it is still its own. The handle's running jobs were
// started as that writer: they are stopped first (each fails as
// interrupted), or they would go on writing unfenced.
func (s *Sandbox) Unclaim(ctx context.Context) error {
	s.mu.Lock()
	c := s.claim
	var runs []*jobRun
	if c != nil {
		for _, r := range s.runs {
			runs = append(runs, r)
		}
	}
	s.mu.Unlock()
	if c == nil {
		return nil
	}
	for _, r := range runs {
		r.cancel(errUnclaimed)
		<-r.done
	}
	s.mu.Lock()
	s.claim = nil
	s.mu.Unlock()
	close(c.stop)
	<-c.done
	_, err := s.db.ExecContext(ctx, `UPDATE writer SET lock_id = '', scope = '', holder = '', host = '', pid = 0, pid_start = '',
		expires = 0, ended = 'released' WHERE id = 1 AND token = ?`, c.token)
	return storeErr("releasing the sandbox", err)
}

// fence is the check every write transaction of a claimed handle makes
// first (see write): the lease must still be its own.
func (s *Sandbox) fence(ctx context.Context, tx *sql.Tx) error {
	s.mu.Lock()
	c := s.claim
	s.mu.Unlock()
	if c == nil {
		return nil
	}
	r, err := readWriter(ctx, tx)
	if err != nil {
		return err
	}
	if r.token == c.token {
		return nil
	}
	why := r.ended
	if r.lock != "" {
		why = fmt.Sprintf("%s took it over (lock ID %s of %s)", r.holder, r.lock, r.scope)
	}
	return fmt.Errorf("sandbox %s: %w: the lease of lock %s ended: %s; nothing more was written", s.path, sf.ErrFenced, c.w.Lock, why)
}

// checkLease is, for a whole-file operation (Reset, Seed) done as w, the
// check that no other writer's lease keeps it out; it returns the lease's
// token, which endLease then moves past.
func checkLease(ctx context.Context, tx *sql.Tx, path string, w sf.Writer) (int64, error) {
	r, err := readWriter(ctx, tx)
	if err != nil {
		return 0, err
	}
	if r.keeps(w, defaultClock.Now()) {
		return 0, claimedError(path, r)
	}
	return r.token, nil
}

// endLease writes the writer row after token: nobody holds it, and ended
// says why. The lease of every writer before it has ended: its holder's
// next write finds another token.
func endLease(ctx context.Context, tx *sql.Tx, token int64, ended string) error {
	return execStmt(ctx, tx, "ending the writer lease", `UPDATE writer SET token = ?, lock_id = '', scope = '', holder = '', host = '',
		pid = 0, pid_start = '', since = 0, expires = 0, ended = ? WHERE id = 1`, token+1, ended)
}

// Revoke ends the writer lease of the lock lockID in the sandbox at path,
// if that lock holds it: force-unlock does, so that a holder still running
// writes nothing more from that moment, rather than at its next check of
// its lock. It reports whether it ended one; a missing file, or one of an
// older schema (no lease), holds none.
func Revoke(ctx context.Context, path, lockID string) (bool, error) {
	if _, err := os.Stat(path); err != nil || !IsCurrent(ctx, path) {
		return false, nil
	}
	db, err := openDB(path, false)
	if err != nil {
		return false, fmt.Errorf("sandbox %s: %w", path, err)
	}
	defer db.Close()
	res, err := db.ExecContext(ctx, `UPDATE writer SET token = token + 1, lock_id = '', scope = '', holder = '', host = '', pid = 0,
		pid_start = '', since = 0, expires = 0, ended = ? WHERE id = 1 AND lock_id = ?`, "force-unlock released lock "+lockID, lockID)
	if err != nil {
		return false, storeErr("revoking the writer lease", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// retryClaimed runs op until it does not fail with a *ClaimedError, or
// wait (0: no retry; negative: until ctx ends) has passed: Reset and Seed
// as a writer that waits its turn.
func retryClaimed(ctx context.Context, wait time.Duration, op func() error) error {
	deadline := defaultClock.Now().Add(wait)
	for {
		err := op()
		if !errors.As(err, new(*ClaimedError)) {
			return err
		}
		pause := claimPoll
		if wait >= 0 {
			left := deadline.Sub(defaultClock.Now())
			if left <= 0 {
				return err
			}
			pause = min(pause, left)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-defaultClock.After(pause):
		}
	}
}
