// Package sandbox is the embedded default provider: a simulated HubSpot portal
// connected to a Salesforce org, kept in one SQLite file (modernc.org/sqlite,
// no cgo).
//
// It owns the sandbox file and everything in it: the connector's settings
// (object sync toggles, field mappings and their rules), the HubSpot schema
// (properties and their options) and owners, and the Salesforce schema
// (describes of Lead, Contact, Account, Opportunity and a custom object),
// users and queues. A new file starts from a deterministic seed: a portal
// freshly connected with the connector's standard mappings, plus the custom
// fields and properties a real team accumulates.
//
// Each file has an ID of its own, random, made with it (a file from before
// IDs gets one when first opened) and kept by a reset: the identity of the
// connection it simulates (syncform.Identifier), which moving or copying
// the file does not change. Served, it answers as the HubSpot portal and
// Salesforce org whose IDs follow from it (Portal).
//
// Apply enforces what the real connector and HubSpot enforce (contacts always
// sync, mappings need their object's sync on, compatible types, no custom
// HubSpot-user properties, one mapping per property and per field, the 500
// mapping limit, standard mappings undeletable, the fixed opt-out mapping, the
// Email mapping's rules, HubSpot-defined properties read only), so a plan that
// passes here behaves the same against a live portal. A batch of changes
// (ApplyBatch; Apply is a batch of one) is one SQLite transaction (WAL,
// BEGIN IMMEDIATE, a busy timeout), each change a savepoint of it decided
// on what the ones before it left, so several handles and several
// processes can use one file at once. A handle keeps the settings it read
// last while the file's settings version, changed by triggers on every
// write to them, says they are still the settings.
//
// It also holds records: linked pairs of a HubSpot contact, company or deal
// and its Salesforce Lead or Contact, Account or Opportunity, each side with
// its values and their logical modification times, plus the custom object's
// Sales_Region__c records that accounts refer to. Seed fills them,
// deterministically and as a stream (a million companies in well under a
// minute); a new sandbox holds a small default. Segments (HubSpot lists,
// static or dynamic) select records. Each has a list ID (List), not reused
// until Seed replaces every segment; the lists methods find segments by ID
// or by name as HubSpot's lists API does, page their members and add to
// static ones. It is a syncform.Backfiller: a
// Salesforce import or a segment or record resync is a job, run in batches on
// a goroutine of the handle, its status a row any process can read; an
// estimate is the same computation without the writes. The engine applies
// syncform.SyncValue to every mapping, the owner mapping's two-way matching
// (ownerBook.sync), and the connector's 200,000-company resync limit.
//
// It keeps a writer lease (writer.go; syncform.Claimer): a lock holder
// claims the file, and every write transaction of its handle checks that
// the lease is still its own, so that writers whose locks live in two state
// databases never interleave, and one whose lease was taken over, revoked
// by force-unlock, or reset away writes nothing more. A job's row records
// its process (PID, host, start time where the system tells) and a
// heartbeat beaten on a ticker of its own; any reader finds a job of a
// dead or reused PID, or of a stale heartbeat, failed (jobDead). Leases and
// heartbeats run on an injectable clock.
//
// It does not plan, validate configuration or decide what should change: it
// is a syncform.Provider and meets config, planner and reconciler only in the
// domain types of the module root, which is all it imports of this module.
// The HTTP server that exposes the sandbox in the shapes of the public APIs is
// the subpackage server.
package sandbox
