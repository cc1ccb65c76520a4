package apiwire

import (
	"slices"

	sf "github.com/syncform/syncform"
)

// PicklistValue is one value of a field in Salesforce's describe JSON.
type PicklistValue struct {
	Value  string `json:"value"`
	Label  string `json:"label"`
	Active bool   `json:"active"`
}

// Field is one field of a describe.
type Field struct {
	Name               string          `json:"name"`
	Label              string          `json:"label"`
	Type               string          `json:"type"`
	ReferenceTo        []string        `json:"referenceTo"`
	PicklistValues     []PicklistValue `json:"picklistValues"`
	RestrictedPicklist bool            `json:"restrictedPicklist"`
	Calculated         bool            `json:"calculated"`
	Custom             bool            `json:"custom"`
}

// Describe is Salesforce's describe of an object, the parts syncform reads.
type Describe struct {
	Name      string  `json:"name"`
	Label     string  `json:"label"`
	KeyPrefix string  `json:"keyPrefix"`
	Custom    bool    `json:"custom"`
	Fields    []Field `json:"fields"`
}

// DescribeOf is so as Salesforce describes it: referenceTo and
// picklistValues are empty arrays, never null, as Salesforce sends them.
func DescribeOf(so sf.SObject) Describe {
	out := Describe{Name: so.Name, Label: so.Label, KeyPrefix: so.KeyPrefix, Custom: so.Custom, Fields: []Field{}}
	for _, f := range so.Fields {
		g := Field{Name: f.Name, Label: f.Label, Type: string(f.Type), ReferenceTo: append([]string{}, f.ReferenceTo...),
			PicklistValues: []PicklistValue{}, RestrictedPicklist: f.Restricted, Calculated: f.Calculated, Custom: f.Custom}
		for _, v := range f.Picklist {
			g.PicklistValues = append(g.PicklistValues, PicklistValue{Value: v.Value, Label: v.Label, Active: v.Active})
		}
		out.Fields = append(out.Fields, g)
	}
	return out
}

// SObject is the domain's describe of d.
func (d Describe) SObject() sf.SObject {
	so := sf.SObject{Name: d.Name, Label: d.Label, KeyPrefix: d.KeyPrefix, Custom: d.Custom}
	for _, f := range d.Fields {
		sfld := sf.SalesforceField{Name: f.Name, Label: f.Label, Type: sf.SalesforceType(f.Type),
			Restricted: f.RestrictedPicklist, Calculated: f.Calculated, Custom: f.Custom}
		if len(f.ReferenceTo) > 0 {
			sfld.ReferenceTo = slices.Clone(f.ReferenceTo)
		}
		for _, v := range f.PicklistValues {
			sfld.Picklist = append(sfld.Picklist, sf.PicklistValue{Value: v.Value, Label: v.Label, Active: v.Active})
		}
		so.Fields = append(so.Fields, sfld)
	}
	return so
}
