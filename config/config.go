package config

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
)

// Config is a loaded configuration. Load always returns one, so that the
// caller can render diagnostics against Files; the other fields are complete
// only when the diagnostics hold no error.
type Config struct {
	// Dir is the configuration directory.
	Dir string
	// Files are the parsed files by name, for rendering diagnostics.
	Files map[string]*hcl.File

	Connection Connection
	// Objects are the declared objects in syncform.Objects() order.
	Objects []*Object
	// Rules holds the severity overrides of the rules block, by slug.
	Rules []RuleSetting
}

// Object returns the declared block of o, or nil.
func (c *Config) Object(o syncform.Object) *Object {
	for _, ob := range c.Objects {
		if ob.Object == o {
			return ob
		}
	}
	return nil
}

// Connection is the connection block: which provider, and how to reach it.
type Connection struct {
	Provider      string
	ProviderRange hcl.Range
	// Sandbox is the sandbox database path, relative to Dir unless absolute.
	Sandbox string
	// State is the state database: a file path, relative to Dir unless
	// absolute, or a PostgreSQL URL (without a password; see CheckState).
	// Empty means the default file; the --state flag wins over it.
	State      string
	StateRange hcl.Range
	HubSpot    *HubSpotConnection
	Salesforce *SalesforceConnection
	Connector  *ConnectorConnection
	DeclRange  hcl.Range
}

// Providers syncform knows.
const (
	ProviderSandbox = "sandbox"
	ProviderHubSpot = "hubspot"
)

// DefaultSandboxPath is where the sandbox lives when the configuration names
// no other place.
const DefaultSandboxPath = ".syncform/sandbox.db"

// HubSpotConnection is the hubspot block.
type HubSpotConnection struct {
	PortalID int64
	Token    syncform.Secret
	// APIURL is HubSpot's API; another (a served sandbox) for rehearsals
	// and tests. Empty means HubSpot's own.
	APIURL string
}

// SalesforceConnection is the salesforce block.
type SalesforceConnection struct {
	InstanceURL string
	Token       syncform.Secret
}

// ConnectorConnection says where connector settings are read from, and
// whether they can be changed by API at all.
type ConnectorConnection struct {
	MappingsCSV string
	Endpoint    string
	// Manual: the connector's settings are changed by hand (a runbook), as
	// on a portal without a connector-settings API.
	Manual bool
}

// Object is one object block.
type Object struct {
	Object    syncform.Object
	DeclRange hcl.Range
	// Sync is the declared toggle, nil when the block leaves it alone.
	Sync      *bool
	SyncRange hcl.Range
	// Prune deletes live custom mappings the block does not declare.
	Prune      bool
	Properties []*Property
	Mappings   []*Mapping
	Resync     *Resync

	// byName indexes Properties when the loader made the Object; one made
	// by hand is searched.
	byName map[string]*Property
}

// Mapping returns the first declared mapping of property, or nil.
func (o *Object) Mapping(property string) *Mapping {
	for _, m := range o.Mappings {
		if m.Property == property {
			return m
		}
	}
	return nil
}

// Property returns the declared property name, or nil.
func (o *Object) Property(name string) *Property {
	if o.byName != nil {
		return o.byName[name]
	}
	for _, p := range o.Properties {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Property is a property block: a HubSpot property the configuration owns.
type Property struct {
	syncform.Property
	DeclRange hcl.Range
	TypeRange hcl.Range
}

// Mapping is a mapping block.
type Mapping struct {
	syncform.Mapping
	DeclRange  hcl.Range
	FieldRange hcl.Range
	RuleRange  hcl.Range
	// Labels are the dropdown labels of Salesforce record IDs, by ID as written.
	Labels          []Label
	LabelsRange     hcl.Range
	LabelsFrom      string
	LabelsFromRange hcl.Range
	// Options is "salesforce" to keep the dropdown's options equal to the
	// picklist's active values, or empty.
	Options      string
	OptionsRange hcl.Range
}

// Label is one entry of a mapping's labels.
type Label struct {
	ID    string
	Label string
	Range hcl.Range
}

// OptionsFromSalesforce is the one value the options attribute takes.
const OptionsFromSalesforce = "salesforce"

// Resync is a resync block: how apply back-fills existing values.
type Resync struct {
	ToSalesforce string // segment | records | none
	Segment      string
	SegmentRange hcl.Range
	// Records are the HubSpot record IDs of to_salesforce = "records".
	Records    []int64
	ToHubSpot  string // import | none
	BatchSize  int
	DeclRange  hcl.Range
	BatchRange hcl.Range
}

// Resync methods.
const (
	ResyncSegment = "segment"
	ResyncRecords = "records"
	ResyncImport  = "import"
	ResyncNone    = "none"
)

// RuleSetting is one line of the rules block.
type RuleSetting struct {
	Slug     string
	Severity string // off | warning | error
	Range    hcl.Range
}

// Severities a rules block may set.
var Severities = []string{"off", "warning", "error"}
