// Package server serves a sandbox over HTTP in the shapes of the public APIs
// the hubspot provider talks to, so that provider can be tested end to end on
// loopback against a faithful simulation instead of a live portal.
//
// It owns the wire side only: routing, bearer-token auth, the JSON shapes of
// HubSpot CRM v3 (properties, owners) and Salesforce REST (describe), and the
// simulated latency and API limits (HubSpot's ten-second and daily 429s,
// Salesforce's daily 403 and Sforce-Limit-Info). Every decision about what a
// change may do stays in the sandbox: writes become syncform.Change values
// passed to Sandbox.Apply, and its refusals come back as the APIs' errors.
//
// The token is compared in constant time and never written anywhere: the
// package logs nothing and no response echoes a sent or expected token.
//
// Not served yet: SOQL query, lists, the connector-settings API, injected
// faults (5xx, dropped connections).
package server
