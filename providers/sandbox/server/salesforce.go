package server

import (
	"net/http"
	"regexp"
	"strings"

	sf "github.com/syncform/syncform"
)

// apiVersion is the form of a REST API version in a path (v60.0).
var apiVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]$`)

type sfPicklistValue struct {
	Value  string `json:"value"`
	Label  string `json:"label"`
	Active bool   `json:"active"`
}

type sfField struct {
	Name               string            `json:"name"`
	Label              string            `json:"label"`
	Type               string            `json:"type"`
	ReferenceTo        []string          `json:"referenceTo"`
	PicklistValues     []sfPicklistValue `json:"picklistValues"`
	RestrictedPicklist bool              `json:"restrictedPicklist"`
	Calculated         bool              `json:"calculated"`
	Custom             bool              `json:"custom"`
}

type sfDescribe struct {
	Name      string    `json:"name"`
	Label     string    `json:"label"`
	KeyPrefix string    `json:"keyPrefix"`
	Custom    bool      `json:"custom"`
	Fields    []sfField `json:"fields"`
}

func toDescribe(so sf.SObject) sfDescribe {
	out := sfDescribe{Name: so.Name, Label: so.Label, KeyPrefix: so.KeyPrefix, Custom: so.Custom, Fields: []sfField{}}
	for _, f := range so.Fields {
		// Salesforce sends empty arrays, never null, for these two.
		g := sfField{Name: f.Name, Label: f.Label, Type: string(f.Type), ReferenceTo: []string{}, PicklistValues: []sfPicklistValue{},
			RestrictedPicklist: f.Restricted, Calculated: f.Calculated, Custom: f.Custom}
		g.ReferenceTo = append(g.ReferenceTo, f.ReferenceTo...)
		for _, v := range f.Picklist {
			g.PicklistValues = append(g.PicklistValues, sfPicklistValue{Value: v.Value, Label: v.Label, Active: v.Active})
		}
		out.Fields = append(out.Fields, g)
	}
	return out
}

// describe serves an SObject describe; names match without regard to case,
// as Salesforce's do.
func (s *server) describe(w http.ResponseWriter, r *http.Request) {
	if !apiVersion.MatchString(r.PathValue("version")) {
		salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	snap, err := s.sb.Snapshot(r.Context())
	if err != nil {
		salesforceError(w, http.StatusInternalServerError, "UNKNOWN_EXCEPTION", err.Error())
		return
	}
	name := r.PathValue("name")
	for _, so := range snap.SObjects {
		if strings.EqualFold(so.Name, name) {
			writeJSON(w, http.StatusOK, toDescribe(so))
			return
		}
	}
	salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
}
