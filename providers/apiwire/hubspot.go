package apiwire

import (
	"slices"

	sf "github.com/syncform/syncform"
)

// Option is a property option in HubSpot's JSON.
type Option struct {
	Label        string `json:"label"`
	Value        string `json:"value"`
	Description  string `json:"description"`
	DisplayOrder *int   `json:"displayOrder,omitempty"`
	Hidden       bool   `json:"hidden"`
}

// Property is a property in HubSpot's JSON, as read and as written.
// Read-only settings are left out of a body when false.
type Property struct {
	Name                 string   `json:"name"`
	Label                string   `json:"label"`
	Type                 string   `json:"type"`
	FieldType            string   `json:"fieldType"`
	Description          string   `json:"description"`
	GroupName            string   `json:"groupName"`
	Options              []Option `json:"options"`
	Calculated           bool     `json:"calculated,omitempty"`
	ExternalOptions      bool     `json:"externalOptions,omitempty"`
	HasUniqueValue       bool     `json:"hasUniqueValue,omitempty"`
	Hidden               bool     `json:"hidden,omitempty"`
	HubSpotDefined       bool     `json:"hubspotDefined,omitempty"`
	FormField            bool     `json:"formField,omitempty"`
	ReferencedObjectType string   `json:"referencedObjectType,omitempty"`
	Archived             bool     `json:"archived,omitempty"`
}

// BatchError is one failed input of a batch request, in HubSpot's
// multi-status (207) shape; Context names the input (for properties,
// "name": [the property's name]).
type BatchError struct {
	Status   string              `json:"status"`
	Category string              `json:"category"`
	Message  string              `json:"message"`
	Context  map[string][]string `json:"context,omitempty"`
}

// OwnerObjectType is referencedObjectType of a HubSpot-user property.
const OwnerObjectType = "OWNER"

// PropertyOf is p in HubSpot's JSON; options carry their display order.
func PropertyOf(p sf.Property) Property {
	typ, ft := p.Type.APIType()
	out := Property{Name: p.Name, Label: p.Label, Type: typ, FieldType: ft, Description: p.Description,
		GroupName: p.Group, Options: OptionsOf(p.Options), HubSpotDefined: p.HubSpotDefined}
	if p.OwnerReference {
		out.ExternalOptions, out.ReferencedObjectType = true, OwnerObjectType
	}
	return out
}

// Domain is the property of object o that in describes. A (type, fieldType)
// pair syncform has no field type for gives an empty Type and ok false, so
// a reader can keep the name and a writer can refuse it.
func (in Property) Domain(o sf.Object) (p sf.Property, ok bool) {
	t, ok := sf.FieldTypeFromAPI(in.Type, in.FieldType)
	return sf.Property{Object: o, Name: in.Name, Label: in.Label, Type: t, Group: in.GroupName,
		Description: in.Description, Options: Options(in.Options), HubSpotDefined: in.HubSpotDefined,
		OwnerReference: in.ReferencedObjectType == OwnerObjectType}, ok
}

// OptionsOf is options in HubSpot's JSON, in their order.
func OptionsOf(options []sf.Option) []Option {
	out := make([]Option, 0, len(options))
	for i, o := range options {
		out = append(out, Option{Label: o.Label, Value: o.Value, DisplayOrder: &i, Hidden: o.Hidden})
	}
	return out
}

// Options orders options by displayOrder, as HubSpot shows them; options
// without one (or with a negative one) follow in the order given.
func Options(in []Option) []sf.Option {
	sorted := slices.Clone(in)
	rank := func(o Option) int {
		if o.DisplayOrder == nil || *o.DisplayOrder < 0 {
			return int(^uint(0) >> 1)
		}
		return *o.DisplayOrder
	}
	slices.SortStableFunc(sorted, func(a, b Option) int { return rank(a) - rank(b) })
	var out []sf.Option
	for _, o := range sorted {
		out = append(out, sf.Option{Value: o.Value, Label: o.Label, Hidden: o.Hidden})
	}
	return out
}

// Owner is a HubSpot owner (GET /crm/v3/owners).
type Owner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserID    int64  `json:"userId,omitempty"`
	Archived  bool   `json:"archived,omitempty"`
}

// Owners is a page of owners, paged with after.
type Owners struct {
	Results []Owner `json:"results"`
	Paging  *Paging `json:"paging,omitempty"`
}

// The owners API's page sizes.
const (
	DefaultOwnersLimit = 100
	MaxOwnersLimit     = 500
)
