package server

import (
	"encoding/json"
	"testing"
)

type describeBody struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	KeyPrefix string `json:"keyPrefix"`
	Custom    bool   `json:"custom"`
	Fields    []struct {
		Name           string   `json:"name"`
		Label          string   `json:"label"`
		Type           string   `json:"type"`
		ReferenceTo    []string `json:"referenceTo"`
		PicklistValues []struct {
			Value  string `json:"value"`
			Label  string `json:"label"`
			Active bool   `json:"active"`
		} `json:"picklistValues"`
		RestrictedPicklist bool `json:"restrictedPicklist"`
		Calculated         bool `json:"calculated"`
		Custom             bool `json:"custom"`
	} `json:"fields"`
}

func TestDescribe(t *testing.T) {
	h := newHarness(t, Options{})
	snap := h.snapshot()
	for _, tc := range []struct {
		path   string
		want   string // the SObject served; "" for 404
		status int
	}{
		{"v60.0/sobjects/Lead/describe", "Lead", 200},
		{"v60.0/sobjects/lead/describe", "Lead", 200},
		{"v59.0/sobjects/Contact/describe", "Contact", 200},
		{"v60.0/sobjects/Account/describe", "Account", 200},
		{"v60.0/sobjects/Opportunity/describe", "Opportunity", 200},
		{"v60.0/sobjects/Sales_Region__c/describe", "Sales_Region__c", 200},
		{"v60.0/sobjects/Nope__c/describe", "", 404},
		{"60.0/sobjects/Lead/describe", "", 404},
		{"v60.0/sobjects/Lead", "", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := h.do("GET", "/services/data/"+tc.path, nil)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status != 200 {
				var e []sfErr
				res.decode(t, &e)
				if len(e) != 1 || e[0].ErrorCode != "NOT_FOUND" || e[0].Message == "" {
					t.Errorf("body %s", res.body)
				}
				return
			}
			// referenceTo and picklistValues are arrays, never null.
			var raw struct {
				Fields []map[string]json.RawMessage `json:"fields"`
			}
			res.decode(t, &raw)
			for _, f := range raw.Fields {
				for _, k := range []string{"referenceTo", "picklistValues", "restrictedPicklist", "calculated", "custom"} {
					if v, ok := f[k]; !ok || string(v) == "null" {
						t.Errorf("field %s: %s is %s", f["name"], k, v)
					}
				}
			}
			var d describeBody
			res.decode(t, &d)
			want := snap.SObjects[tc.want]
			if d.Name != want.Name || d.Label != want.Label || d.KeyPrefix != want.KeyPrefix || d.Custom != want.Custom {
				t.Errorf("describe %s %q %s %v, want %+v", d.Name, d.Label, d.KeyPrefix, d.Custom, want)
			}
			if len(d.Fields) != len(want.Fields) || len(want.Fields) == 0 {
				t.Fatalf("%d fields, want %d", len(d.Fields), len(want.Fields))
			}
			for i, f := range d.Fields {
				w := want.Fields[i]
				if f.Name != w.Name || f.Label != w.Label || f.Type != string(w.Type) || f.RestrictedPicklist != w.Restricted ||
					f.Calculated != w.Calculated || f.Custom != w.Custom || len(f.ReferenceTo) != len(w.ReferenceTo) || len(f.PicklistValues) != len(w.Picklist) {
					t.Errorf("field %+v, want %+v", f, w)
					continue
				}
				for j, r := range f.ReferenceTo {
					if r != w.ReferenceTo[j] {
						t.Errorf("%s referenceTo %v, want %v", f.Name, f.ReferenceTo, w.ReferenceTo)
					}
				}
				for j, v := range f.PicklistValues {
					if pv := w.Picklist[j]; v.Value != pv.Value || v.Label != pv.Label || v.Active != pv.Active {
						t.Errorf("%s picklist %d: %+v, want %+v", f.Name, j, v, pv)
					}
				}
			}
		})
	}
}

func TestDescribeShowsSandboxChanges(t *testing.T) {
	h := newHarness(t, Options{})
	if err := h.sb.AddPicklistValue(t.Context(), "Lead", "Rating", "Frozen", "Frozen"); err != nil {
		t.Fatal(err)
	}
	res := h.do("GET", "/services/data/v60.0/sobjects/Lead/describe", nil)
	var d describeBody
	res.decode(t, &d)
	for _, f := range d.Fields {
		if f.Name == "Rating" {
			if n := len(f.PicklistValues); n == 0 || f.PicklistValues[n-1].Value != "Frozen" {
				t.Errorf("Rating picklist %+v", f.PicklistValues)
			}
			return
		}
	}
	t.Errorf("no Rating field; status %d", res.status)
}
