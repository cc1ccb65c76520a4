package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Holder says who takes a lock or runs an apply.
type Holder struct {
	Operation string // "apply", "watch"
	Who       string // the user
	Host      string
	PID       int
}

func (h Holder) String() string {
	return fmt.Sprintf("%s by %s on %s (pid %d)", h.Operation, h.Who, h.Host, h.PID)
}

// LockInfo is a held lock.
type LockInfo struct {
	ID         string
	Connection string
	Holder
	Since, Expires time.Time
}

// ErrLocked is wrapped by the error of a lock another holder keeps.
var ErrLocked = errors.New("the connection is locked")

// ErrLockLost is the cause of a Lock's context when the lock was released
// under its holder (force-unlock) or could not be renewed before it expired.
var ErrLockLost = errors.New("the connection's lock was lost")

// LockedError names the holder of a lock that was not released in time.
type LockedError struct{ Lock LockInfo }

func (e *LockedError) Error() string {
	l := e.Lock
	return fmt.Sprintf("%s is locked: %s holds it since %s (lock ID %s); wait for it to finish (--lock-timeout), or if that process is gone, "+
		"its lock expires at %s, or release it now with: syncform force-unlock %s",
		l.Connection, l.Holder, l.Since.UTC().Format(time.RFC3339), l.ID, l.Expires.UTC().Format(time.RFC3339), l.ID)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// LockOptions tune Acquire.
type LockOptions struct {
	// Timeout is how long to wait for another holder's lock; 0: not at
	// all; negative: until ctx ends (a standby).
	Timeout time.Duration
	// Lease is how long the lock outlives its holder's last renewal;
	// default DefaultLease. It is renewed every third of it.
	Lease time.Duration
	// Poll is how often a held lock is tried again; default 250 ms.
	Poll time.Duration
	// Clock times the wait, the renewals and whether they have lapsed;
	// default this machine's (see Clock).
	Clock Clock
	// Waiting, when set, is told once, when Acquire finds the lock held by
	// another and starts to wait for it: a person at the terminal learns
	// why nothing happens.
	Waiting func(held LockInfo)
}

// Clock is this machine's monotonic clock as a lock holder reads it: when
// to renew, whether a lease's length has passed since the last renewal,
// how long to wait for another holder. The lease itself is timed by the
// database's clock (DB.clock). Tests give both the same fake clock, which
// moves only when they move it, so that no lock test depends on how fast
// the machine runs.
type Clock interface {
	Now() time.Time
	// NewTicker sends the time every d until stop is called.
	NewTicker(d time.Duration) (c <-chan time.Time, stop func())
	// After sends the time once, d from now.
	After(d time.Duration) <-chan time.Time
}

// realClock is the machine's clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// DefaultLease is how long a crashed holder keeps the lock.
const DefaultLease = 30 * time.Second

// Lock is a held lock; its goroutine renews the lease until Release, and
// Check renews it before every write.
type Lock struct {
	s      *DB
	info   LockInfo
	lease  time.Duration
	clock  Clock
	ctx    context.Context
	cancel context.CancelCauseFunc
	stop   chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	renewed time.Time // by clock: the last renewal that took
}

// Info describes the lock as it was taken.
func (l *Lock) Info() LockInfo { return l.info }

// Lease is how long the lock outlives its holder's last renewal.
func (l *Lock) Lease() time.Duration { return l.lease }

// Context is the Acquire context, cancelled with ErrLockLost (see
// context.Cause) if the lock is lost: work under the lock stops when it is.
func (l *Lock) Context() context.Context { return l.ctx }

// Acquire takes connection's lock for h, waiting up to o.Timeout while
// another holder keeps it (then a *LockedError). An expired lock, or one
// whose holder was a process of this host that is gone, is taken over, and
// its holder's running apply is marked crashed in the history. Leases are
// measured by the database's clock (see DB.clock); the wait by this
// machine's.
func (s *DB) Acquire(ctx context.Context, connection string, h Holder, o LockOptions) (*Lock, error) {
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	id, err := newLockID()
	if err != nil {
		return nil, err
	}
	deadline := o.Clock.Now().Add(o.Timeout)
	for waited := false; ; waited = true {
		info, held, err := s.tryLock(ctx, connection, id, h, o.Lease)
		if err != nil {
			return nil, err
		}
		if !held {
			lctx, cancel := context.WithCancelCause(ctx)
			l := &Lock{s: s, info: info, lease: o.Lease, clock: o.Clock, ctx: lctx, cancel: cancel,
				stop: make(chan struct{}), done: make(chan struct{}), renewed: o.Clock.Now()}
			tick, stop := o.Clock.NewTicker(o.Lease / 3)
			go l.renew(tick, stop)
			return l, nil
		}
		wait := o.Poll
		if o.Timeout >= 0 {
			left := deadline.Sub(o.Clock.Now())
			if left <= 0 {
				return nil, &LockedError{Lock: info}
			}
			wait = min(wait, left)
		}
		if !waited && o.Waiting != nil {
			o.Waiting(info)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the lock of %s: %w", connection, ctx.Err())
		case <-o.Clock.After(wait):
		}
	}
}

// tryLock takes the lock if it is free or expired; held reports another
// holder's, described by info.
func (s *DB) tryLock(ctx context.Context, connection, id string, h Holder, lease time.Duration) (info LockInfo, held bool, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return info, false, fmt.Errorf("taking the lock: %w", err)
	}
	defer tx.Rollback()
	cur, found, err := readLock(ctx, tx, `connection = $1`, connection)
	if err != nil {
		return info, false, err
	}
	now, err := s.clock(ctx, tx)
	if err != nil {
		return info, false, err
	}
	// A holder on this host whose process is gone crashed: its lock need
	// not wait for the lease (a re-run right after a kill proceeds).
	dead := found && cur.Host == h.Host && cur.PID != h.PID && processGone(cur.PID)
	if found && now.Before(cur.Expires) && !dead {
		return cur, true, nil
	}
	if found {
		// Its holder stopped renewing: it crashed, or lost its host.
		if _, err := tx.ExecContext(ctx, `UPDATE history SET outcome = $1, finished_at = $2, error = $3 WHERE lock_id = $4 AND outcome = $5`,
			OutcomeCrashed, now.UnixMilli(), "its lock expired: the process stopped without finishing", cur.ID, OutcomeRunning); err != nil {
			return info, false, fmt.Errorf("taking over an expired lock: %w", s.busy(err))
		}
	}
	// The row is replaced only if it is still the one read: another taker
	// (PostgreSQL reads without blocking writers) or a late renewal makes
	// the upsert change nothing, and the lock is then held.
	info = LockInfo{ID: id, Connection: connection, Holder: h, Since: now, Expires: now.Add(lease)}
	res, err := tx.ExecContext(ctx, `INSERT INTO locks (connection, id, operation, who, host, pid, acquired_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (connection) DO UPDATE SET id = excluded.id, operation = excluded.operation,
		who = excluded.who, host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
		WHERE locks.id = $9 AND locks.expires_at = $10`,
		connection, id, h.Operation, h.Who, h.Host, h.PID, now.UnixMilli(), info.Expires.UnixMilli(), cur.ID, cur.Expires.UnixMilli())
	if err != nil {
		return info, false, fmt.Errorf("taking the lock: %w", s.busy(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		tx.Rollback()
		if cur, found, err := readLock(ctx, s.db, `connection = $1`, connection); err != nil || found {
			return cur, true, err
		}
		return s.tryLock(ctx, connection, id, h, lease) // its taker let it go already
	}
	return info, false, tx.Commit()
}

func readLock(ctx context.Context, q querier, where string, arg any) (LockInfo, bool, error) {
	var l LockInfo
	var since, expires int64
	err := q.QueryRowContext(ctx, `SELECT id, connection, operation, who, host, pid, acquired_at, expires_at FROM locks WHERE `+where, arg).
		Scan(&l.ID, &l.Connection, &l.Operation, &l.Who, &l.Host, &l.PID, &since, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	if err != nil {
		return l, false, fmt.Errorf("reading the lock: %w", err)
	}
	l.Since, l.Expires = time.UnixMilli(since), time.UnixMilli(expires)
	return l, true, nil
}

// renew extends the lease at every tick (a third of it) until Release;
// when the row is gone (force-unlock, a takeover) or a lease's length
// passed without a renewal (by this machine's monotonic clock, which
// needs no agreement with the database's), the lock is lost.
func (l *Lock) renew(tick <-chan time.Time, stop func()) {
	defer close(l.done)
	defer stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick:
		}
		if err := l.extend(context.Background()); err == nil {
			continue
		} else if errors.Is(err, ErrLockLost) || l.lapsed() {
			l.cancel(ErrLockLost)
			return
		}
	}
}

func (l *Lock) lapsed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.clock.Now().Sub(l.renewed) >= l.lease
}

// Check is the fence a holder passes before every write to the live
// system: it renews the lease, and fails with an error wrapping
// ErrLockLost (cancelling Context) when the lock is no longer this
// holder's: released by force-unlock, or taken over after its lease ran
// out. A write that follows a Check that succeeded has a whole lease
// before anyone can take the lock, so a holder stops writing before its
// lock can pass to another; one whose lock was released stops before its
// next write, not at its next renewal.
func (l *Lock) Check(ctx context.Context) error {
	if cause := context.Cause(l.ctx); errors.Is(cause, ErrLockLost) {
		return l.lost()
	}
	select {
	case <-l.stop:
		return fmt.Errorf("%w: lock %s was released", ErrLockLost, l.info.ID)
	default:
	}
	err := l.extend(ctx)
	if errors.Is(err, ErrLockLost) {
		l.cancel(ErrLockLost)
		return l.lost()
	}
	if err != nil {
		if l.lapsed() {
			l.cancel(ErrLockLost)
			return fmt.Errorf("%w: lock %s could not be renewed for a lease's length: %v", ErrLockLost, l.info.ID, err)
		}
		return fmt.Errorf("checking the connection's lock: %w", err)
	}
	return nil
}

func (l *Lock) lost() error {
	return fmt.Errorf("%w: lock %s of %s was released (force-unlock) or taken over; this run stopped before its next write",
		ErrLockLost, l.info.ID, l.info.Connection)
}

// extend moves the lease's end to a lease from now; ErrLockLost if the row
// is no longer this lock's.
func (l *Lock) extend(ctx context.Context) error {
	// Bounded, so a renewal never hangs; by the machine's clock, and never
	// shorter than a slow database's answer (tests lease for milliseconds).
	ctx, cancel := context.WithTimeout(ctx, max(l.lease/3, 5*time.Second))
	defer cancel()
	now, err := l.s.clock(ctx, l.s.db)
	if err != nil {
		return err
	}
	res, err := l.s.db.ExecContext(ctx, `UPDATE locks SET expires_at = $1 WHERE id = $2`, now.Add(l.lease).UnixMilli(), l.info.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrLockLost
	}
	l.mu.Lock()
	l.renewed = l.clock.Now()
	l.mu.Unlock()
	return nil
}

// Release stops the renewal and frees the lock (if it is still this one's).
func (l *Lock) Release(ctx context.Context) error {
	select {
	case <-l.stop:
		return nil // released already
	default:
	}
	close(l.stop)
	<-l.done
	l.cancel(context.Canceled)
	if _, err := l.s.db.ExecContext(ctx, `DELETE FROM locks WHERE id = $1`, l.info.ID); err != nil {
		return fmt.Errorf("releasing the lock: %w", l.s.busy(err))
	}
	return nil
}

// ForceUnlock releases the lock with that ID whoever holds it, for a holder
// that is gone: its running history entry is marked abandoned. A holder that
// is still running fails its next Check, before its next write, and stops.
func (s *DB) ForceUnlock(ctx context.Context, id string) (LockInfo, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return LockInfo{}, err
	}
	defer tx.Rollback()
	l, found, err := readLock(ctx, tx, `id = $1`, id)
	if err != nil {
		return l, err
	}
	if !found {
		return l, fmt.Errorf("no lock has the ID %q (it may have been released)", id)
	}
	now, err := s.clock(ctx, tx)
	if err != nil {
		return l, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM locks WHERE id = $1`, id); err != nil {
		return l, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE history SET outcome = $1, finished_at = $2, error = $3 WHERE lock_id = $4 AND outcome = $5`,
		OutcomeAbandoned, now.UnixMilli(), "its lock was released with force-unlock", id, OutcomeRunning); err != nil {
		return l, err
	}
	return l, tx.Commit()
}

func newLockID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
