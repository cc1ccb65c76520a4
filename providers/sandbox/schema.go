package sandbox

// SchemaVersion is the version of the sandbox file's schema, stored in the meta
// table. Open refuses a file with any other version; `syncform sandbox reset`
// recreates it. Bump it whenever schemaSQL changes incompatibly.
const SchemaVersion = 1

// Keys of the meta table.
const (
	metaSchemaVersion = "schema_version"
	metaApplication   = "application"
	applicationName   = "syncform sandbox"
)

// schemaSQL creates every table of a sandbox file. Each side of the simulated
// connection has its own tables, named by prefix: hubspot_* for the portal,
// salesforce_* for the org, connector_* for the connector's settings. Lists
// that belong to one row (picklist values, property options, referenceTo) are
// JSON arrays in the field names the domain package uses.
//
// Records, segments and jobs will get their own tables; add them here and bump
// SchemaVersion.
const schemaSQL = `
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
