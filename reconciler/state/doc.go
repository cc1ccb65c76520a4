// Package state is syncform's own small database: the journal of
// outstanding back-fills, so that a crash never loses or repeats one, and the
// digest of the value each address was last applied with, so that a plan can
// tell drift from a configuration change. (The lock per connection and the
// history of applies join it later.) The live systems are the truth for
// settings; this database never holds a copy of them.
//
// It owns the schema and the SQLite file (.syncform/state.db beside the
// configuration by default), written with 0600 permissions, every write one
// transaction. It does not decide what to back-fill (the planner does) nor
// run jobs (the reconciler does).
package state
