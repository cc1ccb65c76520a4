package syncform

// Property is a HubSpot property of one object.
type Property struct {
	Object      Object    `json:"object"`
	Name        string    `json:"name"`
	Label       string    `json:"label"`
	Type        FieldType `json:"type"`
	Group       string    `json:"group,omitempty"`
	Description string    `json:"description,omitempty"`
	Options     []Option  `json:"options,omitempty"`
	// HubSpotDefined marks HubSpot's own properties, which cannot be changed.
	HubSpotDefined bool `json:"hubspot_defined,omitempty"`
	// OwnerReference marks a "HubSpot user" property (an enumeration with
	// external options referencing OWNER); a custom one cannot be mapped.
	OwnerReference bool `json:"owner_reference,omitempty"`
}

// Option is one choice of a dropdown, radio or checkboxes property.
type Option struct {
	Value  string `json:"value"`
	Label  string `json:"label"`
	Hidden bool   `json:"hidden,omitempty"`
}

// SameSettings reports whether two declarations of a property agree on every
// setting syncform manages: label, type, group and description. Options are
// compared separately because they have their own lifecycle.
func (p Property) SameSettings(q Property) bool {
	return p.Label == q.Label && p.Type == q.Type && p.Group == q.Group && p.Description == q.Description
}
