package watch

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Metrics counts what the loop does; its Handler serves them in the
// Prometheus text format. The zero value is ready; it is safe for
// concurrent use.
type Metrics struct {
	mu           sync.Mutex
	cycles       map[Trigger]int
	applies      int
	failures     int
	configErrors int
	refused      int
	drift        int
	lastSuccess  time.Time
	pending      int
	lastOutcome  Outcome
	standby      bool
}

// setStandby says whether the watcher waits for another's lock.
func (m *Metrics) setStandby(on bool) {
	m.mu.Lock()
	m.standby = on
	m.mu.Unlock()
}

// record adds a finished cycle.
func (m *Metrics) record(c Cycle) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cycles == nil {
		m.cycles = map[Trigger]int{}
	}
	m.cycles[c.Trigger]++
	m.lastOutcome = c.Outcome
	m.drift += c.Drift
	if c.ConfigError || c.Outcome == OutcomeInvalid {
		m.configErrors++
	}
	switch c.Outcome {
	case OutcomeApplied:
		m.applies++
	case OutcomeFailed:
		m.failures++
	case OutcomeRefused:
		m.refused++
	}
	switch c.Outcome {
	case OutcomeConverged, OutcomePending, OutcomeApplied:
		m.lastSuccess = c.End
		fallthrough
	case OutcomeHeld:
		m.pending = c.Pending
	}
}

// Snapshot is a copy of the counters, for tests and logs.
type Snapshot struct {
	Cycles                                   map[Trigger]int
	Applies, Failures, ConfigErrors, Refused int
	Drift                                    int
	Pending                                  int
	LastSuccess                              time.Time
	LastOutcome                              Outcome
	// Standby: waiting for another watcher's lock (Options.Standby).
	Standby bool
}

// Snapshot returns the counters now.
func (m *Metrics) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	cycles := make(map[Trigger]int, len(m.cycles))
	for k, v := range m.cycles {
		cycles[k] = v
	}
	return Snapshot{Cycles: cycles, Applies: m.applies, Failures: m.failures, ConfigErrors: m.configErrors, Refused: m.refused,
		Drift: m.drift, Pending: m.pending, LastSuccess: m.lastSuccess, LastOutcome: m.lastOutcome, Standby: m.standby}
}

// Total is the number of cycles of every trigger.
func (s Snapshot) Total() int {
	n := 0
	for _, v := range s.Cycles {
		n += v
	}
	return n
}

// Handler serves /metrics (Prometheus text format 0.0.4) and /healthz
// (200 while the loop runs, with the last cycle's outcome).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.write(w)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		s := m.Snapshot()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		last := "none yet"
		if s.LastOutcome != "" {
			last = string(s.LastOutcome)
		}
		fmt.Fprintf(w, "ok\nlast cycle: %s\n", last)
	})
	return mux
}

func (m *Metrics) write(w io.Writer) {
	s := m.Snapshot()
	metric := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	metric("syncform_watch_cycles_total", "counter", "Reconciliation cycles run, by what triggered them.")
	triggers := []Trigger{TriggerStart, TriggerFile, TriggerInterval, TriggerRetry}
	for t := range s.Cycles {
		if !slices.Contains(triggers, t) {
			triggers = append(triggers, t)
		}
	}
	for _, t := range triggers {
		fmt.Fprintf(w, "syncform_watch_cycles_total{trigger=%q} %d\n", t, s.Cycles[t])
	}
	for _, c := range []struct {
		name, typ, help string
		v               float64
	}{
		{"syncform_watch_applies_total", "counter", "Applies that completed.", float64(s.Applies)},
		{"syncform_watch_failures_total", "counter", "Cycles that failed to read the live connection, plan or apply.", float64(s.Failures)},
		{"syncform_watch_config_errors_total", "counter", "Cycles whose configuration did not load (the last good one stayed in force).", float64(s.ConfigErrors)},
		{"syncform_watch_refused_total", "counter", "Cycles whose plan had errors, so nothing was applied.", float64(s.Refused)},
		{"syncform_watch_drift_total", "counter", "Changes planned to undo settings changed outside the configuration, counted at every cycle that finds them.", float64(s.Drift)},
		{"syncform_watch_pending_changes", "gauge", "Actions the last plan held.", float64(s.Pending)},
		{"syncform_watch_last_success_timestamp_seconds", "gauge", "When a cycle last planned without error and, if it applied, applied (Unix time; 0 before any).", unix(s.LastSuccess)},
		{"syncform_watch_standby", "gauge", "1 while this watcher waits, as a standby, for another to let the connection's lock go.", b2f(s.Standby)},
	} {
		metric(c.name, c.typ, c.help)
		fmt.Fprintf(w, "%s %g\n", c.name, c.v)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
