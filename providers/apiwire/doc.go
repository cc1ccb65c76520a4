// Package apiwire holds the JSON shapes of the public APIs syncform speaks
// (HubSpot's CRM v3 properties and lists and its account details,
// Salesforce's describe and the query that names the org, and the
// sandbox's own connector-settings API, which HubSpot lacks) and their
// conversion to and from the domain's types. The hubspot provider reads and
// writes them; the served sandbox answers in them; one definition keeps the
// two sides from drifting apart.
//
// It owns shapes and conversions only: no HTTP, no validation of what a
// request may ask (each side decides that).
package apiwire
