// Package syncform is the domain vocabulary of the HubSpot–Salesforce connector
// as syncform sees it: objects, sync rules, field types and their compatibility,
// Salesforce IDs, properties, mappings, the live snapshot, and the Provider
// interface through which every live system is read and changed.
//
// It owns the facts of the connector (the standard mappings, the type table, the
// direction each rule lets values flow) so that every other package asks one
// place. It does not parse configuration, plan, print or perform I/O, and it
// imports no package of this module.
package syncform
