// Package planner computes what must change for the live connection to match
// the configuration: Plan(desired, live) is a pure function from a loaded
// configuration and a live snapshot to an ordered list of actions and the
// diagnostics of every constraint rule.
//
// It owns the plan's shape and order, the rule catalog and its checks, the
// severity overrides of a rules block, back-fill and option planning, --target,
// and the plan document (its JSON form, digest, fingerprints and staleness,
// and the checks that a saved one is well-formed and is the plan made now),
// and CheckActions, which judges a saved plan's actions against the live
// state as the connector would. It performs no I/O and reads no clock;
// it neither renders plans (cmd/syncform does) nor carries them out (the
// reconciler does).
package planner
