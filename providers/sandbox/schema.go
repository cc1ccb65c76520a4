package sandbox

import (
	"fmt"
	"strings"

	sf "github.com/syncform/syncform"
)

// SchemaVersion is the version of the sandbox file's schema, stored in the meta
// table. Open brings a file of an older version that migrations covers up to
// date and refuses any other version; `syncform sandbox reset` recreates it.
// Bump it whenever schemaSQL changes incompatibly.
//
// Version 2 added records, segments and back-fill jobs; version 3 gave each
// segment a list ID; version 4 the settings version; version 5 the
// sandbox's ID; version 6 the writer lease and each job's process start
// time.
const SchemaVersion = 6

// migrations bring a file up by one version each, keyed by the version they
// start from. Each runs in the one write transaction that also records the
// new version (see migrate).
var migrations = map[int]string{
	// Version 2's segments table was keyed by name; the copy keeps its rows
	// in insertion order, so the list IDs follow the order segments were
	// created in.
	2: `
ALTER TABLE hubspot_segments RENAME TO hubspot_segments_v2;
` + segmentsTableSQL + `
INSERT INTO hubspot_segments (name, object, static, property, value)
	SELECT name, object, static, property, value FROM hubspot_segments_v2 ORDER BY rowid;
DROP TABLE hubspot_segments_v2;
`,
	3: addSettingsVersion + settingsVersionSQL,
	// A file made before sandboxes had IDs gets one when it is first
	// opened: from then on it is the same sandbox wherever it is moved or
	// copied.
	4: addSandboxID,
	5: writerSQL + `
ALTER TABLE jobs ADD COLUMN pid_start TEXT NOT NULL DEFAULT '';
`,
}

// Keys of the meta table.
const (
	metaSchemaVersion = "schema_version"
	metaApplication   = "application"
	// metaClock is the latest logical time any value was written at; an edit
	// takes the next one (see Edit).
	metaClock = "clock"
	// metaSettingsVersion is a random token that every change to the
	// settings a snapshot reads replaces (settingsVersionSQL): settings a
	// handle read while it had some value are still the settings while it
	// has it, whoever wrote since, in this process or another.
	metaSettingsVersion = "settings_version"
	// metaMappingLimit, when present, raises the most mappings an object
	// may hold above the connector's (SetMappingLimit).
	metaMappingLimit = "mapping_limit"
	// metaSandboxID is the sandbox's own ID, random, made with the file:
	// the connection's identity (see ID), which no path or copy changes.
	metaSandboxID   = "sandbox_id"
	applicationName = "syncform sandbox"
)

// addSandboxID gives a file its ID, 128 random bits in hex, unless it has
// one.
const addSandboxID = `INSERT INTO meta (key, value) VALUES ('` + metaSandboxID + `', lower(hex(randomblob(16))))
	ON CONFLICT (key) DO NOTHING;
`

// settingsTables are the tables load reads.
var settingsTables = []string{"connector_sync", "connector_mappings", "hubspot_properties", "hubspot_owners",
	"salesforce_objects", "salesforce_fields", "salesforce_users", "salesforce_queues"}

// bumpSettingsVersion gives the settings a new version.
const bumpSettingsVersion = `UPDATE meta SET value = lower(hex(randomblob(8))) WHERE key = '` + metaSettingsVersion + `';
`

// addSettingsVersion starts the settings version.
const addSettingsVersion = `INSERT INTO meta (key, value) VALUES ('` + metaSettingsVersion + `', lower(hex(randomblob(8))));
`

// versionTriggers makes every row written to or deleted from table, when
// is true of it, give the settings a new version.
func versionTriggers(table, when string) string {
	var b strings.Builder
	for _, ev := range []struct{ name, row string }{{"INSERT", "new"}, {"UPDATE", "new"}, {"DELETE", "old"}} {
		cond := ""
		if when != "" {
			cond = " WHEN " + strings.ReplaceAll(when, "row.", ev.row+".")
		}
		fmt.Fprintf(&b, "CREATE TRIGGER %s_version_%s AFTER %s ON %s%s BEGIN\n\t%sEND;\n",
			table, strings.ToLower(ev.name), ev.name, table, cond, bumpSettingsVersion)
	}
	return b.String()
}

// settingsVersionSQL versions the settings tables and the mapping limit.
var settingsVersionSQL = func() string {
	var b strings.Builder
	for _, t := range settingsTables {
		b.WriteString(versionTriggers(t, ""))
	}
	b.WriteString(versionTriggers("meta", "row.key = '"+metaMappingLimit+"'"))
	return b.String()
}()

// schemaSQL creates every table of a sandbox file. Each side of the simulated
// connection has its own tables, named by prefix: hubspot_* for the portal,
// salesforce_* for the org, connector_* for the connector's settings. Lists
// that belong to one row (picklist values, property options, referenceTo) are
// JSON arrays in the field names the domain package uses.
//
// The records, segments and jobs tables are in recordsSQL and jobsSQL.
var schemaSQL = settingsSQL + recordsSQL + jobsSQL + writerSQL + addSettingsVersion + settingsVersionSQL + addSandboxID

const settingsSQL = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE connector_sync (
	object  TEXT PRIMARY KEY,
	enabled INTEGER NOT NULL CHECK (enabled IN (0, 1))
) STRICT;

CREATE TABLE connector_mappings (
	object           TEXT NOT NULL,
	property         TEXT NOT NULL,
	salesforce_field TEXT NOT NULL,
	rule             TEXT NOT NULL,
	standard         INTEGER NOT NULL DEFAULT 0 CHECK (standard IN (0, 1)),
	PRIMARY KEY (object, property)
) STRICT;

CREATE UNIQUE INDEX connector_mappings_field ON connector_mappings (object, salesforce_field);

CREATE TABLE hubspot_properties (
	object          TEXT NOT NULL,
	name            TEXT NOT NULL,
	label           TEXT NOT NULL,
	type            TEXT NOT NULL,
	group_name      TEXT NOT NULL DEFAULT '',
	description     TEXT NOT NULL DEFAULT '',
	options         TEXT NOT NULL DEFAULT '[]',
	hubspot_defined INTEGER NOT NULL DEFAULT 0 CHECK (hubspot_defined IN (0, 1)),
	owner_reference INTEGER NOT NULL DEFAULT 0 CHECK (owner_reference IN (0, 1)),
	PRIMARY KEY (object, name)
) STRICT;

CREATE TABLE hubspot_owners (
	id         TEXT PRIMARY KEY,
	first_name TEXT NOT NULL,
	last_name  TEXT NOT NULL,
	email      TEXT NOT NULL
) STRICT;

CREATE TABLE salesforce_objects (
	name       TEXT PRIMARY KEY,
	label      TEXT NOT NULL,
	key_prefix TEXT NOT NULL UNIQUE,
	custom     INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1))
) STRICT;

CREATE TABLE salesforce_fields (
	sobject      TEXT NOT NULL REFERENCES salesforce_objects (name),
	name         TEXT NOT NULL,
	label        TEXT NOT NULL,
	type         TEXT NOT NULL,
	reference_to TEXT NOT NULL DEFAULT '[]',
	picklist     TEXT NOT NULL DEFAULT '[]',
	restricted   INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
	calculated   INTEGER NOT NULL DEFAULT 0 CHECK (calculated IN (0, 1)),
	custom       INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),
	PRIMARY KEY (sobject, name)
) STRICT;

CREATE TABLE salesforce_users (
	id         TEXT PRIMARY KEY,
	first_name TEXT NOT NULL,
	last_name  TEXT NOT NULL,
	email      TEXT NOT NULL,
	user_type  TEXT NOT NULL,
	active     INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE salesforce_queues (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL
) STRICT;
`

// recordsSQL creates the data of the simulated connection: everything Seed
// replaces. Seed drops and recreates these tables rather than deleting rows,
// which is much faster at a million records, and creates recordIndexesSQL
// after loading them, for the same reason.
//
// Each linked_* table holds one object's linked record pairs, one row a pair:
// the HubSpot record ID is the rowid, so record-ID order (segment positions,
// resync batches) is the table's own order. Each side's values are one JSON
// object, field name → [value, logical time] (see encodeSide); owner repeats
// the HubSpot side's hubspot_owner_id so owner counts need no JSON.
//
// Salesforce records that are not part of a pair (the custom object's) are in
// salesforce_records, their fields in the same JSON shape.
const recordsSQL = `
CREATE TABLE linked_contacts (
	hubspot_id    INTEGER PRIMARY KEY,
	sobject       TEXT NOT NULL,
	salesforce_id TEXT NOT NULL,
	owner         TEXT NOT NULL DEFAULT '',
	hubspot       TEXT NOT NULL DEFAULT '{}',
	salesforce    TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE linked_companies (
	hubspot_id    INTEGER PRIMARY KEY,
	sobject       TEXT NOT NULL,
	salesforce_id TEXT NOT NULL,
	owner         TEXT NOT NULL DEFAULT '',
	hubspot       TEXT NOT NULL DEFAULT '{}',
	salesforce    TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE linked_deals (
	hubspot_id    INTEGER PRIMARY KEY,
	sobject       TEXT NOT NULL,
	salesforce_id TEXT NOT NULL,
	owner         TEXT NOT NULL DEFAULT '',
	hubspot       TEXT NOT NULL DEFAULT '{}',
	salesforce    TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- How many records of each object each HubSpot owner value holds: kept by
-- Seed and by the triggers of recordIndexesSQL, so a snapshot reads a few
-- rows instead of counting a million.
CREATE TABLE owner_counts (
	object TEXT NOT NULL,
	owner  TEXT NOT NULL,
	n      INTEGER NOT NULL,
	PRIMARY KEY (object, owner)
) STRICT;

CREATE TABLE salesforce_records (
	id      TEXT PRIMARY KEY,
	sobject TEXT NOT NULL,
	fields  TEXT NOT NULL DEFAULT '{}'
) STRICT;

` + segmentsTableSQL + `
CREATE TABLE hubspot_segment_members (
	segment    TEXT NOT NULL,
	hubspot_id INTEGER NOT NULL,
	PRIMARY KEY (segment, hubspot_id)
) STRICT, WITHOUT ROWID;
`

// segmentsTableSQL creates the segments. id is the list ID HubSpot's lists
// API addresses a segment by: AUTOINCREMENT, so the ID of a deleted segment
// is never given to another. Seed drops the table with the records, and the
// IDs of the segments it makes start again from 1.
const segmentsTableSQL = `
CREATE TABLE hubspot_segments (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	name     TEXT NOT NULL UNIQUE,
	object   TEXT NOT NULL,
	static   INTEGER NOT NULL CHECK (static IN (0, 1)),
	-- A dynamic segment's filter: records whose HubSpot property equals
	-- value; no property means every record of the object.
	property TEXT NOT NULL DEFAULT '',
	value    TEXT NOT NULL DEFAULT ''
) STRICT;
`

// recordIndexesSQL is created once the records are loaded. Salesforce IDs are
// looked up by their first 15 characters, which is how Salesforce compares
// them (SalesforceID.Equal). The triggers keep owner_counts right when a job or
// an edit changes an owner; only Seed inserts or deletes records, and it
// writes the counts itself.
var recordIndexesSQL = func() string {
	var b strings.Builder
	for _, o := range sf.Objects() {
		t := recordTable(o)
		fmt.Fprintf(&b, `
CREATE INDEX %[1]s_salesforce_id ON %[1]s (substr(salesforce_id, 1, 15));
CREATE INDEX %[1]s_owner ON %[1]s (owner);
CREATE TRIGGER %[1]s_owner_count AFTER UPDATE OF owner ON %[1]s WHEN old.owner IS NOT new.owner BEGIN
	UPDATE owner_counts SET n = n - 1 WHERE object = '%[2]s' AND owner = old.owner;
	INSERT INTO owner_counts (object, owner, n) VALUES ('%[2]s', new.owner, 1)
		ON CONFLICT (object, owner) DO UPDATE SET n = n + 1;
END;
`, t, o)
	}
	b.WriteString(`
CREATE INDEX salesforce_records_id ON salesforce_records (substr(id, 1, 15));
`)
	return b.String()
}()

// jobsSQL holds the back-fill jobs. A job's row is its status, so any process
// can follow it; pid, pid_start (when the process started, where the
// system tells: a PID given to a new process has another), host and
// heartbeat tell whether the process running it is still alive (see
// jobDead).
const jobsSQL = `
CREATE TABLE jobs (
	id        TEXT PRIMARY KEY,
	backfill  TEXT NOT NULL,
	state     TEXT NOT NULL,
	done      INTEGER NOT NULL DEFAULT 0,
	total     INTEGER NOT NULL DEFAULT 0,
	changed   INTEGER NOT NULL DEFAULT 0,
	error     TEXT NOT NULL DEFAULT '',
	pid       INTEGER NOT NULL,
	host      TEXT NOT NULL,
	started   INTEGER NOT NULL,
	heartbeat INTEGER NOT NULL,
	-- The caller's idempotency key (Backfill.Key): one job per key.
	key       TEXT NOT NULL DEFAULT '',
	pid_start TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX jobs_state ON jobs (state);
CREATE UNIQUE INDEX jobs_key ON jobs (key) WHERE key != '';
`

// writerSQL holds the writer lease (see writer.go): one row, whose token
// counts the leases ever given, so that a handle whose lease was taken
// over, revoked, or reset away finds another token there and writes
// nothing.
const writerSQL = `
CREATE TABLE writer (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	token     INTEGER NOT NULL,
	lock_id   TEXT NOT NULL DEFAULT '', -- '': no one holds the lease
	scope     TEXT NOT NULL DEFAULT '',
	holder    TEXT NOT NULL DEFAULT '',
	host      TEXT NOT NULL DEFAULT '',
	pid       INTEGER NOT NULL DEFAULT 0,
	pid_start TEXT NOT NULL DEFAULT '',
	since     INTEGER NOT NULL DEFAULT 0, -- Unix milliseconds
	expires   INTEGER NOT NULL DEFAULT 0,
	ended     TEXT NOT NULL DEFAULT ''  -- how the last lease ended
) STRICT;
INSERT INTO writer (id, token) VALUES (1, 0);
`

// recordTable is the table of o's linked pairs. Table names come only from
// here, never from input.
func recordTable(o sf.Object) string {
	switch o {
	case sf.Contacts:
		return "linked_contacts"
	case sf.Companies:
		return "linked_companies"
	case sf.Deals:
		return "linked_deals"
	}
	panic("sandbox: no record table for object " + string(o))
}
