// Package reconciler carries a plan out against a live connection through the
// syncform.Provider interface: in the plan's order, one action at a time,
// stopping at the first failure.
//
// Reconciliation is level-based: callers read the live state, plan, and hand
// the plan here, so a re-run after any failure re-plans from what is live and
// converges. The package owns execution order, progress events and the
// runbook of manual steps; it does not decide what should change (the planner
// does) nor print (cmd/syncform does).
package reconciler
