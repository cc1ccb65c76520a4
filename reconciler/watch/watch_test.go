package watch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/jonboulle/clockwork"
	"go.uber.org/goleak"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/testutil/pgtest"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler/state"
	"github.com/syncform/syncform/reconciler/watch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(pgtest.Wrap(m)) }

const conn = `connection {
  provider = "sandbox"
}
`

// faxRule is a configuration that sets the contacts fax mapping's rule.
func faxRule(rule string) string {
	return conn + fmt.Sprintf(`
object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = %q
  }
}
`, rule)
}

// logBuffer collects JSON log records, safe for the loop and the test.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// records are the log records so far.
func (l *logBuffer) records() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		var r map[string]any
		if json.Unmarshal([]byte(line), &r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// harness runs watch over a configuration directory with a sandbox.
type harness struct {
	t       testing.TB
	dir     string
	metrics *watch.Metrics
	logs    *logBuffer
	opens   atomic.Int32
	cancel  context.CancelFunc
	done    chan error
	// wrap, when set, stands between the sandbox and the loop.
	wrap func(*sandbox.Sandbox) syncform.Provider
	// failOpens fails that many opens first.
	failOpens atomic.Int32
	// state is the state database's location; "" for the default file.
	state string
	// seen receives the names of the file events the loop takes, once
	// watchEvents set it up.
	seen chan string
}

// patience is how long a test waits for an event before it gives up: far
// longer than any wait takes on a saturated machine. Waits end on their
// event, never on this.
const patience = time.Minute

// fakeClock gives o a fake clock, which moves only when the test advances
// it, and returns it.
func fakeClock(o *watch.Options) *clockwork.FakeClock {
	c := clockwork.NewFakeClock()
	o.Clock = c
	return c
}

// watchEvents makes the loop report the file events it takes (barrier).
func (h *harness) watchEvents(o *watch.Options) {
	h.seen = make(chan string, 10000)
	watch.SetSeen(o, func(name string) { h.seen <- filepath.Base(name) })
}

// barrier makes one file event, a file renamed into place, and waits until
// the loop took it; events come in order, so the loop has taken every
// event before it too. It returns the names of those it took since the
// last barrier.
func (h *harness) barrier() []string {
	h.t.Helper()
	const name = "zz-barrier.hcl"           // a configuration file of comments only
	tmp := filepath.Join(h.dir, ".barrier") // hidden: its events do not count
	if err := os.WriteFile(tmp, []byte("# a test's barrier\n"), 0o644); err != nil {
		h.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(h.dir, name)); err != nil {
		h.t.Fatal(err)
	}
	var before []string
	timeout := time.After(patience)
	for {
		select {
		case n := <-h.seen:
			if n == name {
				return before
			}
			before = append(before, n)
		case <-timeout:
			h.t.Fatalf("the loop never took the barrier's event; took %v", before)
		}
	}
}

// advance moves a fake clock by d once the loop has armed its timers:
// waiters of them (the interval timer and the rewatch ticker are two).
func advance(t testing.TB, c *clockwork.FakeClock, waiters int, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := c.BlockUntilContext(ctx, waiters); err != nil {
		t.Fatalf("the loop never armed %d timers", waiters)
	}
	c.Advance(d)
}

func newHarness(t testing.TB, src string) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), metrics: &watch.Metrics{}, logs: &logBuffer{}}
	h.write("main.hcl", src)
	return h
}

func (h *harness) write(name, src string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, name), []byte(src), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) options() watch.Options {
	return watch.Options{
		Dir:  h.dir,
		Load: func() (*config.Config, hcl.Diagnostics) { return config.Load(h.dir, config.Options{}) },
		Open: func(ctx context.Context, cfg *config.Config) (*watch.Session, error) {
			h.opens.Add(1)
			if h.failOpens.Load() > 0 {
				h.failOpens.Add(-1)
				return nil, errors.New("injected: the live system is unavailable")
			}
			return openSession(ctx, cfg, h.state, h.wrap)
		},
		Debounce: 250 * time.Millisecond,
		Interval: time.Hour,
		Log:      slog.New(slog.NewJSONHandler(h.logs, nil)),
		Metrics:  h.metrics,
	}
}

func openSession(ctx context.Context, cfg *config.Config, location string, wrap func(*sandbox.Sandbox) syncform.Provider) (*watch.Session, error) {
	sb, err := sandbox.Open(ctx, filepath.Join(cfg.Dir, cfg.Connection.Sandbox))
	if err != nil {
		return nil, err
	}
	if location == "" {
		location = filepath.Join(cfg.Dir, state.DefaultPath)
	}
	db, err := state.Open(ctx, location)
	if err != nil {
		sb.Close()
		return nil, err
	}
	var p syncform.Provider = sb
	if wrap != nil {
		p = wrap(sb)
	}
	return &watch.Session{Provider: p, Journal: db, Connection: "sandbox:" + cfg.Dir}, nil
}

// start runs watch until the test ends, and waits for its first cycle.
func (h *harness) start(o watch.Options) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- watch.Run(ctx, o) }()
	h.t.Cleanup(h.stop)
	h.waitFor("the first cycle", func(s watch.Snapshot) bool { return s.Total() >= 1 })
}

// stop cancels watch and waits for it to return.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("watch: %v", err)
		}
	case <-time.After(patience):
		h.t.Fatal("watch did not stop")
	}
}

// waitFor polls the metrics until cond holds.
func (h *harness) waitFor(what string, cond func(watch.Snapshot) bool) watch.Snapshot {
	h.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s := h.metrics.Snapshot()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("waiting for %s: metrics %+v\nlogs:\n%s", what, s, h.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// live reads the sandbox.
func (h *harness) live() *syncform.Snapshot {
	h.t.Helper()
	sb, err := sandbox.Open(context.Background(), filepath.Join(h.dir, ".syncform", "sandbox.db"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer sb.Close()
	snap, err := sb.Snapshot(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return snap
}

func (h *harness) faxRule() syncform.SyncRule {
	m, _ := h.live().Mapping(syncform.Contacts, "fax")
	return m.Rule
}

// TestEditIsApplied: an edit is applied once the files have been quiet
// for the debounce, and not before (the loop's clock is a fake one, which
// only the test moves).
func TestEditIsApplied(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	o.Apply = true
	clock := fakeClock(&o)
	h.watchEvents(&o)
	h.start(o)
	if s := h.metrics.Snapshot(); s.Applies != 1 || h.faxRule() != syncform.DontSync {
		t.Fatalf("the first cycle did not apply: %+v", s)
	}
	h.write("main.hcl", faxRule("always_use_salesforce"))
	h.barrier()
	advance(t, clock, 3, o.Debounce-time.Millisecond) // the debounce, interval and rewatch timers
	if s := h.metrics.Snapshot(); s.Total() != 1 {
		t.Fatalf("a cycle before the debounce ran out: %+v", s)
	}
	clock.Advance(time.Millisecond)
	s := h.waitFor("the edit's apply", func(s watch.Snapshot) bool { return s.Applies == 2 })
	if s.Cycles[watch.TriggerFile] != 1 {
		t.Errorf("metrics %+v; want the edit applied by the file's cycle", s)
	}
	if got := h.faxRule(); got != syncform.AlwaysUseSalesforce {
		t.Errorf("fax rule %s after the edit", got)
	}
}

// TestBurstGivesOnePlan: edits in a burst make one cycle, however long the
// burst takes, as long as the files were never quiet for the debounce (the
// clock is a fake one); an editor's save by rename counts as an edit
// (TestEditorTempFilesAreIgnored checks the files that do not).
func TestBurstGivesOnePlan(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	clock := fakeClock(&o)
	h.watchEvents(&o)
	h.start(o)
	for i := range 10 {
		h.write("main.hcl", faxRule("dont_sync")+fmt.Sprintf("# edit %d\n", i))
		if i%3 == 2 {
			// The files quiet for less than the debounce.
			h.barrier()
			advance(t, clock, 3, o.Debounce-time.Millisecond)
		}
	}
	h.barrier()
	if s := h.metrics.Snapshot(); s.Cycles[watch.TriggerFile] != 0 {
		t.Fatalf("a cycle in the middle of the burst: %+v", s)
	}
	advance(t, clock, 3, o.Debounce)
	h.waitFor("the burst's cycle", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerFile] >= 1 })

	// Save by rename: write a new file, rename it over the old one.
	tmp := filepath.Join(h.dir, ".main.hcl.tmp")
	if err := os.WriteFile(tmp, []byte(faxRule("two_way")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(h.dir, "main.hcl")); err != nil {
		t.Fatal(err)
	}
	h.barrier()
	advance(t, clock, 3, o.Debounce)
	s := h.waitFor("the renamed file's cycle", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerFile] >= 2 })
	if s.Cycles[watch.TriggerFile] != 2 {
		t.Errorf("%d file cycles for a burst and a save; want 2", s.Cycles[watch.TriggerFile])
	}
}

// TestSyntaxErrorKeepsLastGood: a configuration that does not load is
// logged with its diagnostics, and the last good one stays in force: the
// drift the next cycle finds is still reverted to it.
func TestSyntaxErrorKeepsLastGood(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	o.Apply = true
	o.Interval = 300 * time.Millisecond
	o.Jitter = 0.01
	h.start(o)
	h.write("main.hcl", faxRule("dont_sync")+"object \"deals\" {\n  sync = \n}\n")
	s := h.waitFor("the broken file's cycle", func(s watch.Snapshot) bool { return s.ConfigErrors >= 1 })
	if s.Failures != 0 {
		t.Errorf("a configuration error counted as a failure: %+v", s)
	}
	var diag string
	for _, r := range h.logs.records() {
		if d, ok := r["diagnostics"].(string); ok {
			diag = d
		}
	}
	if !strings.Contains(diag, "main.hcl line 12") || !strings.Contains(diag, "sync = ") {
		t.Errorf("the log does not show the diagnostic with its position and source line:\n%s", diag)
	}
	// A hand change is reverted to the last good configuration.
	setFax(t, h.dir, syncform.TwoWay)
	h.waitFor("the revert", func(watch.Snapshot) bool { return h.faxRule() == syncform.DontSync })
}

func setFax(t *testing.T, dir string, rule syncform.SyncRule) {
	t.Helper()
	sb, err := sandbox.Open(context.Background(), filepath.Join(dir, ".syncform", "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	m := syncform.Mapping{Object: syncform.Contacts, Property: "fax", SalesforceField: "Fax", Rule: rule}
	if err := sb.Apply(context.Background(), syncform.Change{Op: syncform.OpUpdate, Resource: syncform.ResourceMapping,
		Object: syncform.Contacts, Name: "fax", Mapping: &m}); err != nil {
		t.Fatal(err)
	}
}

// TestDriftAtTheInterval: a setting changed by hand is reverted at the next
// interval with Apply, and only reported without it.
func TestDriftAtTheInterval(t *testing.T) {
	for _, apply := range []bool{true, false} {
		t.Run(fmt.Sprintf("apply=%v", apply), func(t *testing.T) {
			h := newHarness(t, faxRule("dont_sync"))
			// Converge first, as a previous apply would have.
			o := h.options()
			o.Apply = true
			h.start(o)
			h.stop()

			o = h.options()
			o.Apply = apply
			o.Interval, o.Jitter = 200*time.Millisecond, 0.01
			h.metrics = &watch.Metrics{}
			o.Metrics = h.metrics
			h.start(o)
			setFax(t, h.dir, syncform.TwoWay)
			s := h.waitFor("the drift", func(s watch.Snapshot) bool { return s.Drift >= 1 })
			if apply {
				h.waitFor("the revert", func(s watch.Snapshot) bool { return s.Applies >= 1 })
				if got := h.faxRule(); got != syncform.DontSync {
					t.Errorf("fax rule %s; want the drift reverted to dont_sync", got)
				}
				return
			}
			if s.LastOutcome != watch.OutcomePending || s.Pending != 1 || s.Applies != 0 {
				t.Errorf("metrics %+v; want the drift reported as one pending change", s)
			}
			if got := h.faxRule(); got != syncform.TwoWay {
				t.Errorf("fax rule %s; without apply the hand change stays", got)
			}
		})
	}
}

// TestFailuresBackOff: a failing cycle is retried after a backoff that
// doubles, up to its cap, and the loop recovers (on a fake clock: each
// retry comes when its backoff has passed, and not before).
func TestFailuresBackOff(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	h.failOpens.Store(3)
	o := h.options()
	o.Apply = true
	o.MinBackoff, o.MaxBackoff = 40*time.Millisecond, 100*time.Millisecond
	clock := fakeClock(&o)
	h.start(o)
	for i, backoff := range []time.Duration{40 * time.Millisecond, 80 * time.Millisecond, 100 * time.Millisecond} {
		advance(t, clock, 3, backoff-time.Millisecond) // the retry, interval and rewatch timers
		if s := h.metrics.Snapshot(); s.Cycles[watch.TriggerRetry] != i {
			t.Fatalf("retry %d came before its %v backoff: %+v", i+1, backoff, s)
		}
		clock.Advance(time.Millisecond)
		h.waitFor(fmt.Sprintf("retry %d", i+1), func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerRetry] == i+1 })
	}
	s := h.metrics.Snapshot()
	if s.Failures != 3 || s.Cycles[watch.TriggerRetry] != 3 || s.Applies != 1 || s.LastOutcome != watch.OutcomeApplied {
		t.Errorf("metrics %+v; want three failures, three retries, then the apply", s)
	}
}

// gate is the sandbox with an Apply that signals, then waits for the test
// to release it; it applies one change at a time (no ApplyBatch).
type gate struct {
	syncform.Provider
	started, release chan struct{}
	once             sync.Once
}

func (g *gate) Apply(ctx context.Context, c syncform.Change) error {
	g.once.Do(func() {
		close(g.started)
		<-g.release
	})
	return g.Provider.Apply(ctx, c)
}

// TestStopFinishesTheCurrentChange: cancelling during an apply lets the
// change in flight finish (and be recorded), and makes no further one.
func TestStopFinishesTheCurrentChange(t *testing.T) {
	h := newHarness(t, conn+`
object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }
  mapping "jobtitle" {
    salesforce_field = "Title"
    rule             = "dont_sync"
  }
}
`)
	g := &gate{started: make(chan struct{}), release: make(chan struct{})}
	h.wrap = func(sb *sandbox.Sandbox) syncform.Provider { g.Provider = sb; return g }
	o := h.options()
	o.Apply = true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- watch.Run(ctx, o) }()
	select {
	case <-g.started:
	case <-time.After(patience):
		cancel()
		<-done
		t.Fatalf("no apply started; logs:\n%s", h.logs.String())
	}
	// Stopped while the first change is in flight.
	cancel()
	close(g.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	live := h.live()
	fax, _ := live.Mapping(syncform.Contacts, "fax")
	title, _ := live.Mapping(syncform.Contacts, "jobtitle")
	if fax.Rule != syncform.DontSync || title.Rule == syncform.DontSync {
		t.Errorf("fax %s, jobtitle %s; want the first change made and the second not", fax.Rule, title.Rule)
	}
	// The journal recorded the change: a hand change of it is drift.
	db, err := state.Open(context.Background(), filepath.Join(h.dir, state.DefaultPath))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	applied, err := db.Applied(context.Background(), "sandbox:"+h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := applied["contacts.mapping.fax"]; !ok || len(applied) != 1 {
		t.Errorf("journal holds %v; want the finished change only", applied)
	}
}

// TestMetricsEndpoint serves /metrics and /healthz on a loopback port.
func TestMetricsEndpoint(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := h.options()
	o.Listener = ln
	h.start(o)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(path string) string {
		resp, err := client.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	m := get("/metrics")
	for _, want := range []string{
		"# TYPE syncform_watch_cycles_total counter",
		`syncform_watch_cycles_total{trigger="start"} 1`,
		"syncform_watch_applies_total 0",
		"syncform_watch_failures_total 0",
		"syncform_watch_drift_total 0",
		"syncform_watch_pending_changes 1", // without Apply the fax change waits
		"# TYPE syncform_watch_last_success_timestamp_seconds gauge",
		"syncform_watch_standby 0",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, m)
		}
	}
	if hz := get("/healthz"); !strings.Contains(hz, "last cycle: pending") {
		t.Errorf("/healthz: %s", hz)
	}
	h.stop()
	if _, err := client.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("the metrics server still answers after watch stopped")
	}
}

// deaf accepts every change and keeps none: its plans never converge.
type deaf struct{ *sandbox.Sandbox }

func (deaf) Apply(context.Context, syncform.Change) error { return nil }

// TestHoldsTheStateItsApplyLeft: a plan that an apply does not clear (the
// live system did not keep the change) is not applied again at once for the
// same configuration and live state, but after a backoff that doubles while
// applies keep leaving that state; an edit makes a new state, applied at
// once. The clock is a fake one, moved an interval at a time.
func TestHoldsTheStateItsApplyLeft(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	h.wrap = func(sb *sandbox.Sandbox) syncform.Provider { return deaf{sb} }
	o := h.options()
	o.Apply = true
	o.Interval, o.Jitter = 50*time.Millisecond, 0.01
	o.MinBackoff, o.MaxBackoff = 300*time.Millisecond, 10*time.Second
	o.Debounce = 10 * time.Millisecond
	clock := fakeClock(&o)
	h.watchEvents(&o)
	h.start(o)
	start := clock.Now()
	// tick runs the next interval cycle and returns the metrics after it.
	tick := func() watch.Snapshot {
		n := h.metrics.Snapshot().Cycles[watch.TriggerInterval]
		advance(t, clock, 2, time.Duration(float64(o.Interval)*(1+o.Jitter))) // the interval and rewatch timers
		return h.waitFor("an interval cycle", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerInterval] == n+1 })
	}
	for range 3 {
		if s := tick(); s.Applies != 1 || s.LastOutcome != watch.OutcomeHeld {
			t.Fatalf("metrics %+v %v after the apply; want it held for 300 ms", s, clock.Since(start))
		}
	}
	// untilApply ticks until the next apply and returns when it came.
	untilApply := func(applies int) time.Time {
		for s := tick(); s.Applies < applies; s = tick() {
			if clock.Since(start) > time.Second {
				t.Fatalf("no apply %d after %v: %+v", applies, clock.Since(start), s)
			}
		}
		return clock.Now()
	}
	second := untilApply(2)
	third := untilApply(3)
	step := time.Duration(float64(o.Interval) * (1 + o.Jitter))
	if d := second.Sub(start); d < 300*time.Millisecond || d > 300*time.Millisecond+step {
		t.Errorf("the second apply came %v after the first; the backoff is 300 ms, checked every %v", d, step)
	}
	if d := third.Sub(second); d < 600*time.Millisecond || d > 600*time.Millisecond+step {
		t.Errorf("the third apply came %v after the second; the backoff doubled is 600 ms", d)
	}
	h.write("main.hcl", faxRule("two_way"))
	h.barrier()
	advance(t, clock, 3, o.Debounce)
	h.waitFor("the edit's apply", func(s watch.Snapshot) bool { return s.Applies == 4 })
}

// TestWaitsForTheLock: while another holds the connection's lock, an
// applying cycle fails naming the holder and is retried; once the lock is
// free the retry applies, and the history records the watch's apply.
func TestWaitsForTheLock(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	ctx := context.Background()
	db, err := state.Open(ctx, filepath.Join(h.dir, state.DefaultPath))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn := "sandbox:" + h.dir
	l, err := db.Acquire(ctx, conn, state.Holder{Operation: "apply", Who: "alice", Host: "runner-3", PID: 4242}, state.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := h.options()
	o.Apply = true
	o.Holder = state.Holder{Operation: "watch", Who: "bob", Host: "this-host", PID: 1}
	o.MinBackoff, o.MaxBackoff = 30*time.Millisecond, 30*time.Millisecond
	h.start(o)
	h.waitFor("a refused cycle", func(s watch.Snapshot) bool { return s.Failures >= 2 })
	if !strings.Contains(h.logs.String(), "is locked: apply by alice on runner-3") {
		t.Errorf("the log does not name the holder:\n%s", h.logs.String())
	}
	if h.faxRule() == syncform.DontSync {
		t.Fatal("applied under another's lock")
	}
	l.Release(ctx)
	h.waitFor("the apply", func(s watch.Snapshot) bool { return s.Applies == 1 })
	runs, err := db.History(ctx, conn, 0)
	if err != nil || len(runs) != 1 || runs[0].Operation != "watch" || runs[0].Who != "bob" || runs[0].Outcome != state.OutcomeSucceeded || runs[0].Changes != 1 {
		t.Errorf("history %+v, %v", runs, err)
	}
}
