package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/hashicorp/hcl/v2"
	"github.com/jonboulle/clockwork"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// Session is an open live connection and its journal, for one cycle.
type Session struct {
	Provider   syncform.Provider
	Journal    *state.DB
	Connection string // names the connection in the journal
}

// Close releases the provider and the journal.
func (s *Session) Close() {
	s.Provider.Close()
	s.Journal.Close()
}

// Options configure Run. Dir, Load and Open are required.
type Options struct {
	// Dir is the configuration directory; Files are more files the
	// configuration reads (variable files). Both are watched.
	Dir   string
	Files []string
	// Load reads the configuration; cfg is never nil (its Files render the
	// diagnostics).
	Load func() (cfg *config.Config, diags hcl.Diagnostics)
	// Open connects to cfg's live connection and journal.
	Open func(ctx context.Context, cfg *config.Config) (*Session, error)
	// Apply applies plans; without it watch only reports them. A cycle
	// that applies holds the connection's lock from before it reads the
	// live state, as Holder, waiting up to LockTimeout for another's.
	Apply       bool
	Holder      state.Holder
	LockTimeout time.Duration
	// Standby (with Apply) holds the lock not for a cycle but for as long
	// as the session lasts (until the configuration changes, a cycle
	// fails, or Run returns), so that other watchers of the connection
	// wait, as standbys, instead of taking turns. A watcher that finds the
	// lock held waits for it without planning, and takes over when its
	// holder stops or dies (its lease expires; at once for a process of
	// this host that is gone): its first cycle resumes the back-fills the
	// journal holds. A failed cycle lets the lock go, so that another,
	// perhaps healthier, watcher may take over.
	Standby bool
	// Lease is how long the lock outlives its holder's last renewal;
	// default state.DefaultLease.
	Lease time.Duration
	// Debounce is how long the files must be quiet before a cycle; default
	// 250 ms.
	Debounce time.Duration
	// Interval is the time between cycles without file events, ±Jitter of
	// it (a share, default 0.1) so that watchers do not move in step;
	// default 5 minutes.
	Interval time.Duration
	Jitter   float64
	// MinBackoff and MaxBackoff bound the wait before retrying a failed
	// cycle, doubling per failure; defaults 1 s and 5 minutes.
	MinBackoff, MaxBackoff time.Duration
	// Log receives a line per cycle and the diagnostics; default discards.
	Log *slog.Logger
	// Metrics, when set, is updated after every cycle.
	Metrics *Metrics
	// Listener, when set, serves Metrics' /metrics and /healthz until Run
	// returns; Run closes it.
	Listener net.Listener
	// Clock times the debounce, the interval, the backoffs and the holds;
	// default the system's. Tests move a fake one by hand, so that what
	// they check does not depend on how fast the machine runs.
	Clock clockwork.Clock

	// seen, when set, is told the name of each file event the loop acts
	// on, as it takes it (tests: events come in order, so seeing one
	// means the loop took every event before it).
	seen func(name string)
}

// Defaults.
const (
	DefaultDebounce   = 250 * time.Millisecond
	DefaultInterval   = 5 * time.Minute
	DefaultJitter     = 0.1
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 5 * time.Minute
)

// Trigger is why a cycle ran.
type Trigger string

const (
	TriggerStart    Trigger = "start"
	TriggerFile     Trigger = "file"
	TriggerInterval Trigger = "interval"
	TriggerRetry    Trigger = "retry"
)

// Outcome is how a cycle ended.
type Outcome string

const (
	OutcomeConverged Outcome = "converged" // nothing to change
	OutcomePending   Outcome = "pending"   // changes planned; not applying (no Apply)
	OutcomeApplied   Outcome = "applied"
	OutcomeHeld      Outcome = "held"    // would apply, but did so already for this state, or waits to retry
	OutcomeRefused   Outcome = "refused" // the plan has error diagnostics: nothing applied
	OutcomeInvalid   Outcome = "invalid" // the configuration does not load, and none did before
	OutcomeFailed    Outcome = "failed"  // reading, planning or applying failed
	// OutcomeInterrupted: stopped (SIGINT, SIGTERM) in the middle; not a
	// failure, and the journal resumes what was left.
	OutcomeInterrupted Outcome = "interrupted"
)

// Cycle is what one cycle did.
type Cycle struct {
	Trigger    Trigger
	Outcome    Outcome
	Start, End time.Time
	// Changes are the plan's actions, Drift those that undo a change made
	// outside the configuration, Applied and Backfilled what apply did,
	// Pending what is left to do (manual steps included).
	Changes, Drift, Applied, Backfilled, Pending int
	// ConfigError: the configuration on disk did not load, and the last
	// good one was used.
	ConfigError bool
	Err         error
}

// Run watches and reconciles until ctx is cancelled, then returns nil after
// stopping everything it started; an error means it could not start.
func Run(ctx context.Context, o Options) error {
	if o.Dir == "" || o.Load == nil || o.Open == nil {
		return errors.New("watch: Dir, Load and Open are required")
	}
	o.defaults()
	w, err := newWatcher(o)
	if err != nil {
		if o.Listener != nil {
			o.Listener.Close()
		}
		return err
	}
	defer w.fs.Close()
	if o.Listener != nil {
		srv := &http.Server{Handler: o.Metrics.Handler(), ReadHeaderTimeout: 5 * time.Second}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := srv.Serve(o.Listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				o.Log.Error("metrics server stopped", "err", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
			<-done
		}()
	}
	return w.loop(ctx)
}

func (o *Options) defaults() {
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Jitter <= 0 {
		o.Jitter = DefaultJitter
	}
	o.Jitter = min(o.Jitter, 0.5)
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = &Metrics{}
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
}

// watcher is the loop's state; only the loop's goroutine touches it.
type watcher struct {
	o     Options
	fs    *fsnotify.Watcher
	dir   string          // absolute
	files map[string]bool // absolute paths of the variable files

	dirs []string // the watched directories
	// watched are the directories as watched; nil for one that is gone.
	watched map[string]os.FileInfo

	good *config.Config // the last configuration that loaded
	// session is kept across cycles, so a provider's rate limiter and
	// caches last; it is reopened when the configuration changes or a
	// cycle failed.
	session    *Session
	sessionKey string
	// lock is the session's lock, held across cycles in Standby.
	lock *state.Lock
	// applied is the (configuration, live) key an apply left: while the
	// live state is still that and still plans changes (manual steps, or
	// changes the live system does not keep), applying again at once
	// would loop. It is held until heldUntil, a backoff that grows while
	// applies keep leaving the same state (holds counts them), and then
	// applied again: the state it left may also be a hand change made
	// between the apply and the read after it, which must not stand.
	// failedKey is the key whose apply failed, held until retryAt;
	// failures counts consecutive failed cycles.
	applied   string
	heldUntil time.Time
	holds     int
	failedKey string
	failures  int
	retryAt   time.Time
	retryIn   time.Duration // set by a failed cycle: arm the retry timer
	warnings  string        // the last plan's warnings, rendered
}

func newWatcher(o Options) (*watcher, error) {
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	w := &watcher{o: o, dir: dir, files: map[string]bool{}, watched: map[string]os.FileInfo{}}
	dirs := []string{dir}
	for _, f := range o.Files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		w.files[abs] = true
		if d := filepath.Dir(abs); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	if w.fs, err = fsnotify.NewWatcher(); err != nil {
		return nil, fmt.Errorf("watching the configuration: %w", err)
	}
	w.dirs = dirs
	for _, d := range dirs {
		// Directories, not files: an editor that saves by writing a new
		// file and renaming it over the old one would end a file watch.
		fi, err := os.Stat(d)
		if err == nil {
			err = w.fs.Add(d)
		}
		if err != nil {
			w.fs.Close()
			return nil, fmt.Errorf("watching %s: %w", d, err)
		}
		w.watched[d] = fi
	}
	return w, nil
}

// rewatch looks after the watched directories: one removed, or replaced
// by another of its name (a checkout, a deploy), has lost its watch; it is
// watched again once it exists. It reports whether it added one back, which
// means files may have changed unseen.
func (w *watcher) rewatch() bool {
	added := false
	for _, d := range w.dirs {
		fi, err := os.Stat(d)
		if was := w.watched[d]; was != nil && err == nil && os.SameFile(fi, was) {
			continue
		}
		if w.watched[d] != nil {
			w.fs.Remove(d) // may be gone already
			w.watched[d] = nil
			w.o.Log.Warn("a watched directory is gone; looking for it every second", "dir", d)
		}
		if err == nil && w.fs.Add(d) == nil {
			w.watched[d] = fi
			w.o.Log.Info("watching again", "dir", d)
			added = true
		}
	}
	return added
}

func (w *watcher) loop(ctx context.Context) error {
	clock := w.o.Clock
	debounce := stoppedTimer(clock)
	retry := stoppedTimer(clock)
	interval := clock.NewTimer(w.nextInterval())
	// A removed directory is looked for again every second.
	rewatch := clock.NewTicker(time.Second)
	defer debounce.Stop()
	defer retry.Stop()
	defer interval.Stop()
	defer rewatch.Stop()
	defer w.closeSession()
	w.o.Log.Info("watching", "dir", w.o.Dir, "apply", w.o.Apply, "interval", w.o.Interval.String(), "debounce", w.o.Debounce.String())
	w.cycle(ctx, TriggerStart)
	for {
		if w.retryIn > 0 {
			retry.Reset(w.retryIn)
			w.retryIn = 0
		}
		select {
		case <-ctx.Done():
			w.o.Log.Info("stopped")
			return nil
		case ev, ok := <-w.fs.Events:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			if w.relevant(ev) {
				debounce.Reset(w.o.Debounce)
				if w.o.seen != nil {
					w.o.seen(ev.Name)
				}
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			// An overflow loses events: plan anyway, as if a file changed.
			w.o.Log.Warn("file watcher", "err", err)
			debounce.Reset(w.o.Debounce)
		case <-rewatch.Chan():
			if w.rewatch() {
				debounce.Reset(w.o.Debounce)
			}
		case <-debounce.Chan():
			w.cycle(ctx, TriggerFile)
		case <-interval.Chan():
			w.cycle(ctx, TriggerInterval)
			interval.Reset(w.nextInterval())
		case <-retry.Chan():
			w.cycle(ctx, TriggerRetry)
		}
	}
}

func stoppedTimer(clock clockwork.Clock) clockwork.Timer {
	t := clock.NewTimer(time.Hour)
	t.Stop()
	return t
}

// relevant: a change to a configuration file or a variable file. Hidden
// files (editor swap and lock files) and other extensions are not.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	abs, err := filepath.Abs(ev.Name)
	if err != nil {
		return false
	}
	if w.files[abs] {
		return true
	}
	base := filepath.Base(abs)
	if filepath.Dir(abs) != w.dir {
		return false
	}
	// A Kubernetes volume swaps its files in at once by renaming the
	// ..data link.
	if base == "..data" {
		return true
	}
	return filepath.Ext(base) == ".hcl" && !strings.HasPrefix(base, ".")
}

func (w *watcher) nextInterval() time.Duration {
	spread := (rand.Float64()*2 - 1) * w.o.Jitter
	return time.Duration(float64(w.o.Interval) * (1 + spread))
}

// backoff is the wait after n consecutive failures, or before the n+1th
// apply that leaves the same state.
func (w *watcher) backoff(n int) time.Duration {
	d := w.o.MinBackoff << min(n-1, 30)
	if d <= 0 || d > w.o.MaxBackoff {
		return w.o.MaxBackoff
	}
	return d
}

// cycle runs one cycle and reports it.
func (w *watcher) cycle(ctx context.Context, t Trigger) {
	c := Cycle{Trigger: t, Start: w.o.Clock.Now()}
	w.run(ctx, &c)
	c.End = w.o.Clock.Now()
	switch c.Outcome {
	case OutcomeFailed:
		w.failures++
		w.retryIn = w.backoff(w.failures)
		w.retryAt = c.End.Add(w.retryIn)
		w.closeSession() // it may be what failed
	case OutcomeConverged, OutcomeApplied, OutcomePending:
		w.failures, w.retryAt, w.failedKey = 0, time.Time{}, ""
	}
	w.o.Metrics.record(c)
	w.log(c)
}

func (w *watcher) log(c Cycle) {
	attrs := []any{"trigger", c.Trigger, "outcome", c.Outcome, "changes", c.Changes,
		"duration", c.End.Sub(c.Start).Round(time.Millisecond).String()}
	if c.Drift > 0 {
		attrs = append(attrs, "drift", c.Drift)
	}
	if c.Outcome == OutcomeApplied {
		attrs = append(attrs, "applied", c.Applied, "backfilled", c.Backfilled)
	}
	if c.Pending > 0 && c.Outcome != OutcomePending {
		attrs = append(attrs, "pending", c.Pending)
	}
	switch c.Outcome {
	case OutcomeFailed:
		attrs = append(attrs, "err", c.Err.Error(), "retry_in", w.retryIn.String())
		w.o.Log.Error("cycle failed", attrs...)
	case OutcomeRefused, OutcomeInvalid:
		w.o.Log.Warn("cycle refused", attrs...)
	case OutcomeInterrupted:
		attrs = append(attrs, "err", c.Err.Error())
		w.o.Log.Info("cycle interrupted; the next run resumes", attrs...)
	default:
		if c.ConfigError {
			attrs = append(attrs, "config", "last good")
		}
		w.o.Log.Info("cycle", attrs...)
	}
}

// run loads, plans and maybe applies, filling c.
func (w *watcher) run(ctx context.Context, c *Cycle) {
	cfg, s, ok := w.prepare(ctx, c)
	if !ok {
		return
	}
	lock := w.lock
	if w.o.Apply && !w.o.Standby {
		var err error
		if lock, err = s.Journal.Acquire(ctx, s.Connection, w.o.Holder, state.LockOptions{Timeout: w.o.LockTimeout, Lease: w.o.Lease}); err != nil {
			c.Outcome, c.Err = OutcomeFailed, err
			return
		}
		defer lock.Release(context.WithoutCancel(ctx))
	}
	if lock != nil {
		// The live system's writer lease, where it keeps one, for the
		// cycle (see reconciler.Claim).
		unclaim, err := reconciler.Claim(ctx, s.Provider, lock, s.Journal, w.o.LockTimeout)
		if err != nil {
			c.Outcome, c.Err = OutcomeFailed, err
			return
		}
		defer unclaim()
	}
	live, plan, pdiags, err := reconciler.PlanLive(ctx, s.Provider, cfg, reconciler.Options{Journal: s.Journal, Connection: s.Connection})
	if err != nil {
		c.Outcome, c.Err = OutcomeFailed, err
		return
	}
	if pdiags.HasErrors() {
		// No plan: the pending-changes gauge keeps its last value.
		w.o.Log.Error("the plan has errors; nothing is applied", "diagnostics", render(cfg, pdiags))
		c.Outcome = OutcomeRefused
		return
	}
	if warnings := render(cfg, pdiags); warnings != w.warnings {
		// Once per change of the warnings, not at every cycle.
		w.warnings = warnings
		if warnings != "" {
			w.o.Log.Warn("the plan has warnings", "diagnostics", warnings)
		}
	}
	c.Changes = len(plan.Actions)
	c.Pending = c.Changes
	for _, a := range plan.Actions {
		if a.Reason == planner.ReasonDrift {
			c.Drift++
		}
	}
	switch {
	case plan.Empty():
		c.Outcome = OutcomeConverged
		return
	case !w.o.Apply:
		c.Outcome = OutcomePending
		w.o.Log.Info("planned; not applying without --apply", "actions", addresses(plan.Actions))
		return
	}
	key := stateKey(cfg, live)
	switch {
	case key == w.applied && w.o.Clock.Now().Before(w.heldUntil):
		c.Outcome = OutcomeHeld
		return
	case key == w.failedKey && w.o.Clock.Now().Before(w.retryAt):
		// Another cycle before the retry is due: the same state fails
		// the same way. A new state (an edit, say) is applied at once.
		c.Outcome = OutcomeHeld
		return
	}
	res, err := reconciler.ApplyLocked(ctx, s.Provider, plan, reconciler.Options{Journal: s.Journal, Connection: s.Connection}, lock, cfg.Digest())
	if res != nil {
		c.Applied, c.Backfilled = len(res.Applied), len(res.Backfilled)
		if len(res.Applied)+len(res.Backfilled) > 0 {
			w.o.Log.Info("applied", "actions", append(addresses(res.Applied), res.Backfilled...))
		}
		c.Pending = c.Changes - c.Applied - c.Backfilled
		if len(res.Runbook) > 0 {
			w.o.Log.Warn("manual steps; the next plan verifies them", "steps", addresses(res.Runbook))
		}
	}
	switch {
	case err != nil:
		if c.Outcome, c.Err = failed(ctx, err), err; c.Outcome == OutcomeFailed {
			w.failedKey = key
		}
		return
	case c.Applied+c.Backfilled == 0:
		// Only manual steps: a person's to do.
		c.Outcome = OutcomePending
	default:
		c.Outcome = OutcomeApplied
	}
	// Hold only while the live state is what this apply left (read as a
	// plan reads it, looked-up values included).
	if after, err := reconciler.Observe(ctx, s.Provider, cfg); err == nil {
		next := stateKey(cfg, after)
		if next == w.applied {
			w.holds++
		} else {
			w.holds = 1
		}
		w.applied, w.heldUntil = next, w.o.Clock.Now().Add(w.backoff(w.holds))
	}
}

// prepare loads the configuration (the last good one if it does not load)
// and opens its session, filling c when it cannot. In Standby it holds the
// connection's lock too, loading again once it has it: the files may have
// changed while it waited.
func (w *watcher) prepare(ctx context.Context, c *Cycle) (*config.Config, *Session, bool) {
	for {
		cfg, diags := w.o.Load()
		if diags.HasErrors() {
			w.o.Log.Error("the configuration does not load; the last good one stays in force",
				"diagnostics", render(cfg, diags))
			if w.good == nil {
				c.Outcome = OutcomeInvalid
				return nil, nil, false
			}
			cfg, c.ConfigError = w.good, true
		} else {
			w.good, c.ConfigError = cfg, false
		}
		s, err := w.open(ctx, cfg)
		if err != nil {
			c.Outcome, c.Err = OutcomeFailed, err
			return nil, nil, false
		}
		if !w.o.Standby || !w.o.Apply || w.lock != nil && w.lock.Context().Err() == nil {
			return cfg, s, true
		}
		waited, err := w.hold(ctx, s)
		if err != nil {
			c.Outcome, c.Err = failed(ctx, err), err
			return nil, nil, false
		}
		if waited {
			// Another process had the connection meanwhile, so what the
			// session read may be stale (a sandbox handle finds the jobs
			// of a process that died when it opens): the next round opens
			// a new one, which keeps the lock.
			w.sessionKey = ""
		}
	}
}

// failed is the outcome of a cycle that ended with err: interrupted when
// it was stopped (ctx), else failed.
func failed(ctx context.Context, err error) Outcome {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return OutcomeInterrupted
	}
	return OutcomeFailed
}

// hold takes the connection's lock for the session, to keep (Standby):
// while another holds it, it waits, and says so. A lock it held and lost
// (force-unlock, or renewals that failed for a lease's length) is let go
// first.
func (w *watcher) hold(ctx context.Context, s *Session) (waited bool, err error) {
	if w.lock != nil {
		w.o.Log.Warn("lost the connection's lock; waiting to take it again", "err", context.Cause(w.lock.Context()).Error())
		w.releaseLock(ctx)
	}
	o := state.LockOptions{Lease: w.o.Lease}
	l, err := s.Journal.Acquire(ctx, s.Connection, w.o.Holder, o)
	var held *state.LockedError
	if errors.As(err, &held) {
		w.o.Log.Info("standby: another holds the connection's lock; taking over when it stops",
			"holder", held.Lock.Holder.String(), "lock", held.Lock.ID, "expires", held.Lock.Expires.UTC().Format(time.RFC3339))
		w.o.Metrics.setStandby(true)
		o.Timeout = -1 // until it is free, or the watch stops
		l, err = s.Journal.Acquire(ctx, s.Connection, w.o.Holder, o)
		w.o.Metrics.setStandby(false)
		waited = true
	}
	if err != nil {
		return waited, err
	}
	w.o.Log.Info("holding the connection's lock", "lock", l.Info().ID)
	w.lock = l
	return waited, nil
}

func (w *watcher) releaseLock(ctx context.Context) {
	if w.lock != nil {
		w.lock.Release(context.WithoutCancel(ctx))
		w.lock = nil
	}
}

// open returns the session for cfg, reusing the last one while the
// configuration is the same. A held lock outlives a new session for the
// same connection and state database: the new session keeps the journal
// it was taken on.
func (w *watcher) open(ctx context.Context, cfg *config.Config) (*Session, error) {
	if w.session != nil && w.sessionKey == cfg.Digest() {
		return w.session, nil
	}
	if w.lock == nil {
		w.closeSession()
	}
	s, err := w.o.Open(ctx, cfg)
	if err != nil {
		w.closeSession()
		return nil, err
	}
	if old := w.session; old != nil { // it holds the lock
		if old.Connection == s.Connection && old.Journal.Location() == s.Journal.Location() {
			s.Journal.Close()
			s.Journal = old.Journal
			old.Provider.Close()
		} else {
			w.closeSession()
		}
	}
	w.session, w.sessionKey = s, cfg.Digest()
	return s, nil
}

func (w *watcher) closeSession() {
	w.releaseLock(context.Background())
	if w.session != nil {
		w.session.Close()
		w.session = nil
	}
}

// stateKey identifies a configuration and the live state it was planned
// against.
func stateKey(cfg *config.Config, live *syncform.Snapshot) string {
	fp := planner.Fingerprint(live)
	return cfg.Digest() + "/" + fp.HubSpot + "/" + fp.Salesforce
}

func render(cfg *config.Config, diags hcl.Diagnostics) string {
	var b bytes.Buffer
	_ = config.WriteDiagnostics(&b, cfg.Files, diags, 100, false)
	return strings.TrimSpace(b.String())
}

// maxListed bounds the addresses a log line lists.
const maxListed = 20

// addresses lists actions for a log line, the first maxListed of them.
func addresses(as []planner.Action) []string {
	var out []string
	for i, a := range as {
		if i == maxListed {
			out = append(out, fmt.Sprintf("… and %d more", len(as)-maxListed))
			break
		}
		out = append(out, a.Address)
	}
	return out
}
