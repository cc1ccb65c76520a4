// Package syncform is the domain vocabulary of the HubSpot–Salesforce connector
// as syncform sees it: objects, sync rules, field types and their compatibility,
// Salesforce IDs, properties, mappings, the live snapshot, the back-fill jobs,
// the identity of a connection, and the Provider, BatchApplier, Backfiller and
// Identifier interfaces through which every live system is read, changed and
// named.
//
// It owns the facts of the connector (the standard mappings, the type table, the
// directions each rule lets values flow and what a sync does to a value, owner
// matching, the mapping export's CSV format) so that every other package asks
// one place. It does not parse configuration, plan, print or perform I/O (the
// CSV codec works on readers and writers), and it imports no package of this
// module.
package syncform
