package apiwire

import (
	"encoding/json"
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

// Salesforce's composite resource (POST /services/data/vXX.X/composite):
// up to MaxCompositeSubrequests subrequests in one call, which counts as a
// single request against the org's daily limit; at most MaxCompositeQueries
// of them may be queries.
const (
	MaxCompositeSubrequests = 25
	MaxCompositeQueries     = 5
)

// CompositeRequest is the composite resource's request body.
type CompositeRequest struct {
	AllOrNone bool                  `json:"allOrNone"`
	Requests  []CompositeSubrequest `json:"compositeRequest"`
}

// CompositeSubrequest is one subrequest: URL is rooted
// (/services/data/vXX.X/…).
type CompositeSubrequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	ReferenceID string `json:"referenceId"`
}

// CompositeResponse is the composite resource's answer: one result per
// subrequest, in order.
type CompositeResponse struct {
	Responses []CompositeSubresponse `json:"compositeResponse"`
}

// CompositeSubresponse is one subrequest's answer: its status, headers and
// body, as it would have come alone.
type CompositeSubresponse struct {
	Body        json.RawMessage   `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
	StatusCode  int               `json:"httpStatusCode"`
	ReferenceID string            `json:"referenceId"`
}
