// Package reconciler reads the live state a plan needs (Observe, PlanLive) and
// carries a plan out against a live connection through the syncform.Provider
// interface: in the plan's order, consecutive changes of one kind in batches
// where the provider takes them (syncform.BatchApplier), stopping after the
// first failed batch, then the back-fill jobs. ApplyLocked does so under the
// connection's lock and records the apply in the history, crediting each
// batch of changes and each back-fill batch to it as it is journalled (a
// change or a batch is reported done only once it is recorded); every write
// passes the lock first (Fence: a lost lock stops the apply before its next
// write, and a live system that refuses a fenced-out writer,
// syncform.ErrFenced, counts as a lost lock). Claim makes the lock's holder
// the writer of a provider that keeps a writer lease of its own (the
// sandbox file, which two state databases may point at).
//
// Reconciliation is level-based: callers read the live state, plan, and hand
// the plan here, so a re-run after any failure re-plans from what is live and
// converges. The package owns execution order, progress events, the runbook
// of manual steps, back-fill estimates and their execution through the
// journal (reconciler/state: each back-fill recorded before the changes that
// need it, each batch run once), the removal of temporary batch segments
// an interrupted apply left (planned by PlanLive, so the plan shows them),
// and drift marking. It does not decide what
// should change (the planner does) nor print (cmd/syncform does).
package reconciler
