// Package state is syncform's own small database: the journal of
// outstanding back-fills, so that a crash never loses or repeats one; the
// digest of the value each address was last applied with, so that a plan
// can tell drift from a configuration change; the lock per connection, a
// lease its holder renews; and the history of applies, each credited with
// its changes and finished back-fill batches in the transaction that
// journals them, so a run that is killed still says what it did. The live
// systems are the truth for settings; this database never holds a copy of
// them.
//
// Everything is kept under the connection's identity (syncform.Identity);
// Rekey moves the rows of a database that named connections by how they
// were reached (a sandbox file's path) to it. A journal row no syncform
// writes is reported as corruption (CorruptEntryError), never run.
//
// It owns the schema and where it lives: a SQLite file for one machine
// (.syncform/state.db beside the configuration by default, written with
// 0600 permissions), or a PostgreSQL database for a team (a postgres://
// URL, through pgx's database/sql driver), so that people and watchers on
// many machines share one lock, one journal and one history. The SQL is
// one for both; each kind has its own versioned migrations, applied on
// open in one transaction (on PostgreSQL under an advisory lock, so
// processes starting at once migrate once), and a schema newer than this
// code is refused; opening a database whose schema is current only reads
// it. Every write is one short transaction; a lock another process holds
// is waited for (10 s: SQLite's busy timeout, PostgreSQL's lock_timeout)
// and then reported as ErrBusy, naming the database, never as damage.
//
// Time: on SQLite every holder runs on this machine, whose clock times the
// leases and records. On PostgreSQL the server's clock does, since a
// team's machines disagree on the time and a lease must end at the same
// moment for all of them; how long to wait, when to renew and whether a
// holder's own renewals have lapsed are measured by this machine's
// monotonic clock, LockOptions.Clock. Tests replace both (DB.now, clearing
// DB.serverNow, and LockOptions.Clock) with one fake clock that moves
// only when they say and hands a tick over only once the last one's
// renewal is done, so that no lock test depends on the machine's speed.
//
// Fencing: a holder renews its lease before every write to the live
// system as well (Lock.Check, which the reconciler calls), by the lock
// row's ID: a released or taken-over lock fails the check with
// ErrLockLost, so a holder stops writing before its lock can pass to
// another, and after force-unlock at most the write in flight lands. A
// check that renews, rather than one that only reads, gives the write
// that follows a whole lease to finish in.
//
// It does not decide what to back-fill (the planner does) nor run jobs (the
// reconciler does).
package state
