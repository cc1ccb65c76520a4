package watch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/hashicorp/hcl/v2"

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
	// Apply applies plans; without it watch only reports them.
	Apply bool
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
	// returns.
	Listener net.Listener
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
}

// watcher is the loop's state; only the loop's goroutine touches it.
type watcher struct {
	o     Options
	fs    *fsnotify.Watcher
	dir   string          // absolute
	files map[string]bool // absolute paths of the variable files

	good *config.Config // the last configuration that loaded
	// applied are the (configuration, live) keys applied already;
	// failures counts consecutive failed cycles, retryAt when the next
	// may apply.
	applied  map[string]bool
	failures int
	retryAt  time.Time
	retryIn  time.Duration // set by a failed cycle: arm the retry timer
	warnings string        // the last plan's warnings, rendered
}

func newWatcher(o Options) (*watcher, error) {
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	w := &watcher{o: o, dir: dir, files: map[string]bool{}, applied: map[string]bool{}}
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
	for _, d := range dirs {
		// Directories, not files: an editor that saves by writing a new
		// file and renaming it over the old one would end a file watch.
		if err := w.fs.Add(d); err != nil {
			w.fs.Close()
			return nil, fmt.Errorf("watching %s: %w", d, err)
		}
	}
	return w, nil
}

func (w *watcher) loop(ctx context.Context) error {
	debounce := stoppedTimer()
	retry := stoppedTimer()
	interval := time.NewTimer(w.nextInterval())
	defer debounce.Stop()
	defer retry.Stop()
	defer interval.Stop()
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
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return errors.New("watch: the file watcher stopped")
			}
			// An overflow loses events: plan anyway, as if a file changed.
			w.o.Log.Warn("file watcher", "err", err)
			debounce.Reset(w.o.Debounce)
		case <-debounce.C:
			w.cycle(ctx, TriggerFile)
		case <-interval.C:
			w.cycle(ctx, TriggerInterval)
			interval.Reset(w.nextInterval())
		case <-retry.C:
			w.cycle(ctx, TriggerRetry)
		}
	}
}

func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
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
	return filepath.Dir(abs) == w.dir && filepath.Ext(base) == ".hcl" && !strings.HasPrefix(base, ".")
}

func (w *watcher) nextInterval() time.Duration {
	spread := (rand.Float64()*2 - 1) * w.o.Jitter
	return time.Duration(float64(w.o.Interval) * (1 + spread))
}

// backoff is the wait after n consecutive failures.
func (w *watcher) backoff(n int) time.Duration {
	d := w.o.MinBackoff << min(n-1, 30)
	if d <= 0 || d > w.o.MaxBackoff {
		return w.o.MaxBackoff
	}
	return d
}

// cycle runs one cycle and reports it.
func (w *watcher) cycle(ctx context.Context, t Trigger) {
	c := Cycle{Trigger: t, Start: time.Now()}
	w.run(ctx, &c)
	c.End = time.Now()
	switch c.Outcome {
	case OutcomeFailed:
		w.failures++
		w.retryIn = w.backoff(w.failures)
		w.retryAt = c.End.Add(w.retryIn)
	case OutcomeConverged, OutcomeApplied, OutcomePending:
		w.failures, w.retryAt = 0, time.Time{}
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
	default:
		if c.ConfigError {
			attrs = append(attrs, "config", "last good")
		}
		w.o.Log.Info("cycle", attrs...)
	}
}

// run loads, plans and maybe applies, filling c.
func (w *watcher) run(ctx context.Context, c *Cycle) {
	cfg, diags := w.o.Load()
	if diags.HasErrors() {
		w.o.Log.Error("the configuration does not load; the last good one stays in force",
			"diagnostics", render(cfg, diags))
		if w.good == nil {
			c.Outcome = OutcomeInvalid
			return
		}
		cfg, c.ConfigError = w.good, true
	} else {
		w.good = cfg
	}
	s, err := w.o.Open(ctx, cfg)
	if err != nil {
		c.Outcome, c.Err = OutcomeFailed, err
		return
	}
	defer s.Close()
	live, plan, pdiags, err := reconciler.PlanLive(ctx, s.Provider, cfg, reconciler.Options{Journal: s.Journal, Connection: s.Connection})
	if err != nil {
		c.Outcome, c.Err = OutcomeFailed, err
		return
	}
	if pdiags.HasErrors() {
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
	case w.applied[key]:
		// Applied already, and the same live state still plans changes
		// (manual steps, or changes the live system does not keep):
		// applying again would loop.
		c.Outcome = OutcomeHeld
		return
	case !w.retryAt.IsZero() && time.Now().Before(w.retryAt):
		c.Outcome = OutcomeHeld
		return
	}
	res, err := reconciler.Apply(ctx, s.Provider, plan, reconciler.Options{Journal: s.Journal, Connection: s.Connection})
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
	if err != nil {
		c.Outcome, c.Err = OutcomeFailed, err
		return
	}
	if len(w.applied) > 1024 {
		clear(w.applied)
	}
	w.applied[key] = true
	c.Outcome = OutcomeApplied
}

// stateKey identifies a configuration and the live state it was planned
// against.
func stateKey(cfg *config.Config, live *syncform.Snapshot) string {
	h := sha256.New()
	names := make([]string, 0, len(cfg.Files))
	for n := range cfg.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(cfg.Files[n].Bytes))
		h.Write(cfg.Files[n].Bytes)
	}
	fp := planner.Fingerprint(live)
	fmt.Fprintf(h, "\x00%s\x00%s", fp.HubSpot, fp.Salesforce)
	return hex.EncodeToString(h.Sum(nil))
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
