// Package watch keeps a live connection converged: it re-plans whenever the
// configuration's files change (fsnotify, debounced) and on an interval
// (to catch settings people changed by hand), and applies the plan or only
// reports it.
//
// It owns the loop and its policy: which file events count (the
// configuration directory's *.hcl files and the named variable files; the
// directories are watched, not the files, because editors save by
// rename), debouncing, the interval and its jitter, keeping the last
// configuration that loaded in force while a broken one is on disk, applying
// at most once per configuration digest and live fingerprint, capped
// exponential backoff after failures, the cycle log and the metrics served
// at /metrics and /healthz.
//
// It does not load configurations, connect, plan or apply by itself: the
// caller passes Load and Open, and each cycle plans and applies through
// package reconciler, as the plan and apply commands do. It prints nothing;
// it logs through the slog.Logger it is given.
//
// Run owns every goroutine it starts (the fsnotify reader, the metrics
// server) and stops them before it returns. Cancelling its context stops the
// loop after the cycle in progress; an apply in progress finishes its
// batch in flight (reconciler.Apply) and a running back-fill job is left to
// the journal, which resumes it, so nothing is lost or done twice.
//
// The live connection (the provider and the journal) stays open across
// cycles, so a provider's rate limiter and caches last; it is reopened when
// the configuration changes or after a failed cycle.
package watch
