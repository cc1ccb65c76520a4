package syncform

import "strconv"

// Mapping wires one HubSpot property to one Salesforce field of an object.
// Within an object a mapping is identified by its HubSpot property: a property
// and a field may each appear in at most one mapping.
type Mapping struct {
	Object          Object   `json:"object"`
	Property        string   `json:"property"`
	SalesforceField string   `json:"salesforce_field"`
	Rule            SyncRule `json:"rule"`
	// Standard marks one of the connector's default mappings: it can change
	// rule but never be deleted.
	Standard bool `json:"standard,omitempty"`
}

// Kind is "standard" for one of the connector's default mappings, else
// "custom".
func (m Mapping) Kind() string {
	if m.Standard {
		return "standard"
	}
	return "custom"
}

// Address is the mapping's address in plans and messages.
func (m Mapping) Address() string { return MappingAddress(m.Object, m.Property) }

// MappingAddress is the address of the mapping of property on object.
func MappingAddress(o Object, property string) string {
	return string(o) + ".mapping." + property
}

// PropertyAddress is the address of a property declared on object.
func PropertyAddress(o Object, name string) string {
	return string(o) + ".property." + name
}

// SegmentAddress is the address of a segment of object (a temporary one
// an interrupted back-fill left).
func SegmentAddress(o Object, name string) string {
	return string(o) + ".segment[" + strconv.Quote(name) + "]"
}

// ObjectAddress is the address of an object's sync toggle.
func ObjectAddress(o Object) string { return string(o) + ".sync" }

// MaxMappingsPerObject is the connector's documented limit of field mappings on
// one object.
const MaxMappingsPerObject = 500
