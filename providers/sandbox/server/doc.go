// Package server serves a sandbox over HTTP in the shapes of the public APIs
// the hubspot provider talks to, so that provider can be tested end to end on
// loopback against a faithful simulation instead of a live portal.
//
// It owns the wire side only: routing, bearer-token auth, the JSON shapes of
// HubSpot CRM v3 (properties, owners, and lists: the sandbox's segments,
// searched by name, read by ID or by name, created empty and MANUAL, deleted,
// their members paged and added to) and of HubSpot's account details (the
// portal ID the sandbox is served as), Salesforce REST (describe, and the
// SOQL a provider sends: users, queues, the Organization's ID, records by
// ID, paged by 2,000 with nextRecordsUrl) and the sandbox's own
// connector-settings API under
// /connector/v1/ (sync toggles, mappings one by one or in batches of up to
// 100 answered like HubSpot's batches, back-fill jobs, batch segments;
// HubSpot has no public one, so these shapes are the sandbox's), and the
// simulated latency, API limits (HubSpot's ten-second and daily 429s, which
// the connector-settings API counts against too; Salesforce's daily 403 and
// Sforce-Limit-Info) and injected faults (502/503s and dropped connections
// at Options.FaultRate, drawn from a seedable source). Every decision about
// what a change may do stays in the sandbox: writes become syncform.Change
// values passed to Sandbox.Apply, or calls of its segment and list methods,
// and its refusals come back as the APIs' errors.
//
// The token is compared in constant time and never written anywhere: the
// package logs nothing and no response echoes a sent or expected token.
//
// Not served: DYNAMIC lists made over the API (HubSpot's filter branches;
// the sandbox's dynamic segments come from its seed), and SOQL beyond that
// subset.
package server
