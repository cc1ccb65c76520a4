// Package hubspot is the provider that talks to a live connection over HTTP:
// the HubSpot CRM v3 API (properties and their options, owners, lists) and
// the Salesforce REST API (describe, SOQL), plus, when one is configured, a
// connector-settings endpoint in the shapes the sandbox server serves
// (HubSpot publishes no public API for the connector's settings; DOMAIN.md).
//
// The connection's identity (syncform.Identifier) is the portal the
// HubSpot token reaches (GET /account-info/v3/details) and the org the
// Salesforce token reaches (its Organization record), read once; a
// configured portal ID that disagrees is refused.
//
// Segments are HubSpot's lists: a snapshot's come from the lists search,
// with or without an endpoint; a segment is found by name (the by-name
// route, asked for each synced object type) and deleted by its list ID.
//
// Two types, because callers find out what a provider can do by type
// assertion: *Provider implements syncform.Provider; *BackfillProvider wraps
// it and adds syncform.Backfiller: back-fill jobs through the connector
// endpoint's /connector/v1/backfills routes, segments through the lists API,
// and batch segments through /connector/v1/segments/batch, which copies a
// batch in place where the lists API would take hundreds of requests. New
// returns the plain *Provider; Connect returns whichever fits the Config (a
// *BackfillProvider exactly when ConnectorEndpoint is set).
//
// Without an endpoint the connector's settings are read from its mapping
// export CSV (Config.MappingsCSV). That export holds mappings only, so the
// sync toggles are inferred: contacts are always on, and another object is
// taken as on when the CSV has mappings for it. Sync, mapping and back-fill
// changes are then listed in Snapshot.Manual and become runbook steps.
//
// Both types implement syncform.BatchApplier: property creates go in
// batches of up to 100 through HubSpot's /batch/create, and mapping
// creates, updates and deletes through the connector endpoint's batch
// routes, so applying 1,500 mappings costs a few dozen requests, not 3,000.
// Each change of a batch keeps its own outcome (HubSpot's batches are not
// atomic and answer 207 naming each failed input).
//
// The client limits HubSpot requests to a rolling window, as HubSpot counts
// them, bounds concurrent fetches, retries transient failures (429 TEN_SECONDLY_ROLLING honouring
// Retry-After, 5xx, timeouts, dropped connections) with exponential backoff
// and full jitter, and stops at once on a daily quota. Describes are cached
// for the provider's lifetime: they cost requests from the org's daily limit,
// which the connector itself shares. Tokens travel only in the Authorization
// header; no error message, URL or log carries them.
package hubspot
