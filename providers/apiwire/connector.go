package apiwire

import sf "github.com/syncform/syncform"

// The connector-settings API is the sandbox's own (HubSpot publishes none):
// these are its shapes, which the hubspot provider speaks when a connector
// endpoint is configured.

// Mapping is a field mapping in the connector-settings API. Standard is the
// connector's to say: it is answered, and ignored in a request.
type Mapping struct {
	Object          sf.Object   `json:"object"`
	Property        string      `json:"property"`
	SalesforceField string      `json:"salesforce_field"`
	Rule            sf.SyncRule `json:"rule"`
	Standard        bool        `json:"standard"`
}

// MappingOf is m in the API's JSON.
func MappingOf(m sf.Mapping) Mapping {
	return Mapping{Object: m.Object, Property: m.Property, SalesforceField: m.SalesforceField, Rule: m.Rule, Standard: m.Standard}
}

// Domain is the mapping in the domain's terms.
func (m Mapping) Domain() sf.Mapping {
	return sf.Mapping{Object: m.Object, Property: m.Property, SalesforceField: m.SalesforceField, Rule: m.Rule, Standard: m.Standard}
}

// Settings is GET /connector/v1/settings: the sync toggles, and every
// mapping, by object and then property.
type Settings struct {
	Sync     map[sf.Object]bool `json:"sync"`
	Mappings []Mapping          `json:"mappings"`
	// MappingLimit is the most mappings an object may hold, when the
	// connection's limit is not the connector's documented one.
	MappingLimit int `json:"mappingLimit,omitempty"`
}

// MaxBatchInputs is the most inputs one batch request takes, on HubSpot's
// batch endpoints and on the connector-settings API's alike.
const MaxBatchInputs = 100
