package planner_test

import (
	"strings"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
)

// withRegion is the live state with a region dropdown whose options are
// given, and the values companies hold in it.
func withRegion(t *testing.T, opts []syncform.Option, held ...string) *syncform.Snapshot {
	s := live(t)
	s.Properties = map[syncform.Object][]syncform.Property{}
	for o, ps := range seeded.Properties {
		s.Properties[o] = append([]syncform.Property(nil), ps...)
	}
	s.Properties[syncform.Companies] = append(s.Properties[syncform.Companies],
		syncform.Property{Object: syncform.Companies, Name: "region", Label: "Region", Type: syncform.Dropdown, Group: "companyinformation", Options: opts})
	s.Sort()
	s.Values = map[string][]string{
		syncform.ValuesKey(syncform.Companies, syncform.HubSpotSide, "region"):       held,
		syncform.ValuesKey(syncform.Companies, syncform.SalesforceSide, "Region__c"): nil,
	}
	s.Records = map[string][]syncform.SalesforceRecord{"Sales_Region__c": {
		{ID: "a0B8d00000Reg01EAB", Fields: map[string]string{"Name": "EMEA"}},
		{ID: "a0B8d00000Reg02EAB", Fields: map[string]string{"Name": "North America"}},
	}}
	return s
}

const regionMapping = `
object "companies" {
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels = {
      %s
    }
  }
}`

func optionsAction(t *testing.T, src string, snap *syncform.Snapshot) *planner.Action {
	t.Helper()
	r, diags := plan(t, src, snap)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for i := range r.Actions {
		if r.Actions[i].Change.Resource == syncform.ResourceOptions {
			return &r.Actions[i]
		}
	}
	return nil
}

func TestReferenceOptions(t *testing.T) {
	emea := syncform.Option{Value: "a0B8d00000Reg01EAB", Label: "EMEA"}
	na := syncform.Option{Value: "a0B8d00000Reg02EAB", Label: "North America"}
	tests := []struct {
		name   string
		labels string
		live   []syncform.Option
		held   []string
		want   []syncform.Option // nil: no action
		counts planner.OptionChanges
	}{
		{"15-character keys are upgraded", `"a0B8d00000Reg01" = "EMEA"`, nil, nil,
			[]syncform.Option{emea}, planner.OptionChanges{Added: 1}},
		{"in sync: nothing to do", `"a0B8d00000Reg01EAB" = "EMEA"`, []syncform.Option{emea}, nil, nil, planner.OptionChanges{}},
		{"a relabel keeps the value", `"a0B8d00000Reg01" = "Europe"`, []syncform.Option{emea}, nil,
			[]syncform.Option{{Value: emea.Value, Label: "Europe"}}, planner.OptionChanges{Relabelled: 1}},
		{"an undeclared ID still held is hidden", `"a0B8d00000Reg01" = "EMEA"`, []syncform.Option{emea, na}, []string{na.Value},
			[]syncform.Option{emea, {Value: na.Value, Label: na.Label, Hidden: true}}, planner.OptionChanges{Hidden: 1}},
		{"an undeclared ID no record holds is removed", `"a0B8d00000Reg01" = "EMEA"`, []syncform.Option{emea, na}, nil,
			[]syncform.Option{emea}, planner.OptionChanges{Removed: 1}},
		{"a hidden option declared again is shown", `"a0B8d00000Reg01" = "EMEA"`, []syncform.Option{{Value: emea.Value, Label: "EMEA", Hidden: true}}, nil,
			[]syncform.Option{emea}, planner.OptionChanges{Shown: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := optionsAction(t, strings.Replace(regionMapping, "%s", tt.labels, 1), withRegion(t, tt.live, tt.held...))
			if tt.want == nil {
				if a != nil {
					t.Fatalf("unexpected action: %+v", a.Change.Property.Options)
				}
				return
			}
			if a == nil {
				t.Fatal("no options action")
			}
			got := a.Change.Property.Options
			if len(got) != len(tt.want) {
				t.Fatalf("options = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("option %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if c := planner.CompareOptions(tt.live, got); c != tt.counts {
				t.Errorf("changes = %+v, want %+v", c, tt.counts)
			}
			if a.Address != "companies.property.region.options" {
				t.Errorf("address = %s", a.Address)
			}
		})
	}
}

// TestLabelsFrom labels every ID records hold from the referenced record's
// field, lets a configured label win, and labels an ID whose record has no
// name with the ID itself so no value is left invalid.
func TestLabelsFrom(t *testing.T) {
	snap := withRegion(t, nil)
	snap.Values[syncform.ValuesKey(syncform.Companies, syncform.SalesforceSide, "Region__c")] = []string{"a0B8d00000Reg01EAB", "a0B8d00000Reg02EAB", "a0B8d00000Reg09EAB", "not-an-id"}
	src := `
object "companies" {
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels_from      = "Name"
    labels           = { "a0B8d00000Reg02" = "Americas" }
  }
}`
	a := optionsAction(t, src, snap)
	if a == nil {
		t.Fatal("no options action")
	}
	got := map[string]string{}
	for _, o := range a.Change.Property.Options {
		got[o.Value] = o.Label
	}
	want := map[string]string{"a0B8d00000Reg01EAB": "EMEA", "a0B8d00000Reg02EAB": "Americas", "a0B8d00000Reg09EAB": "a0B8d00000Reg09EAB"}
	if len(got) != len(want) {
		t.Fatalf("options = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s labelled %q, want %q", k, got[k], v)
		}
	}
}

// TestOptionsStillInUseAreNeverRemoved: an option leaves the list only when
// nothing could still need it: a HubSpot record holding it (also inside a
// checkboxes value), a Salesforce record the rule will bring over, or an
// unknown (values not looked up).
func TestOptionsStillInUseAreNeverRemoved(t *testing.T) {
	emea := syncform.Option{Value: "a0B8d00000Reg01EAB", Label: "EMEA"}
	na := syncform.Option{Value: "a0B8d00000Reg02EAB", Label: "North America"}
	src := strings.Replace(regionMapping, "%s", `"a0B8d00000Reg01" = "EMEA"`, 1)
	hidden := func(snap *syncform.Snapshot) bool {
		a := optionsAction(t, src, snap)
		if a == nil {
			t.Fatal("no options action")
		}
		for _, o := range a.Change.Property.Options {
			if o.Value == na.Value {
				return o.Hidden
			}
		}
		t.Fatalf("the option in use was removed: %+v", a.Change.Property.Options)
		return false
	}
	snap := withRegion(t, []syncform.Option{emea, na})
	snap.Values[syncform.ValuesKey(syncform.Companies, syncform.SalesforceSide, "Region__c")] = []string{na.Value}
	if !hidden(snap) {
		t.Error("held in Salesforce, which the rule brings to HubSpot: want hidden")
	}
	snap = withRegion(t, []syncform.Option{emea, na})
	delete(snap.Values, syncform.ValuesKey(syncform.Companies, syncform.SalesforceSide, "Region__c"))
	if !hidden(snap) {
		t.Error("values not looked up: want hidden, never removed")
	}

	// A checkboxes property holds several options in one value: Analytics,
	// retired in Salesforce, is still held inside "Platform;Analytics".
	s := live(t)
	acct := s.SObjects["Account"]
	for i, f := range acct.Fields {
		if f.Name == "Products__c" {
			f.Picklist = append([]syncform.PicklistValue(nil), f.Picklist...)
			for j := range f.Picklist {
				if f.Picklist[j].Value == "Analytics" {
					f.Picklist[j].Active = false
				}
			}
			acct.Fields[i] = f
		}
	}
	s.SObjects["Account"] = acct
	s.Values = map[string][]string{
		syncform.ValuesKey(syncform.Companies, syncform.HubSpotSide, "products"):       {"Platform;Analytics"},
		syncform.ValuesKey(syncform.Companies, syncform.SalesforceSide, "Products__c"): nil,
	}
	r, diags := plan(t, `
object "companies" {
  mapping "products" {
    salesforce_field = "Products__c"
    rule             = "two_way"
    options          = "salesforce"
  }
}`, s)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got *syncform.Option
	for _, a := range r.Actions {
		if a.Change.Resource == syncform.ResourceOptions {
			for _, o := range a.Change.Property.Options {
				if o.Value == "Analytics" {
					got = &o
				}
			}
		}
	}
	if got == nil || !got.Hidden {
		t.Errorf("Analytics, held inside a checkboxes value, = %+v; want kept, hidden", got)
	}
}

func TestTypeChangeRefusedWhileValuesAreHeld(t *testing.T) {
	snap := withRegion(t, nil, "a0B8d00000Reg01EAB")
	src := `
object "companies" {
  property "region" {
    label = "Region"
    type  = "text"
  }
}`
	_, diags := plan(t, src, snap)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "HubSpot refuses to change its type from dropdown to text") {
		t.Errorf("diagnostics = %v", diags)
	}
	snap.Values = map[string][]string{syncform.ValuesKey(syncform.Companies, syncform.HubSpotSide, "region"): nil}
	if r, diags := plan(t, src, snap); diags.HasErrors() || len(r.Actions) != 1 {
		t.Errorf("with no values held the change is planned: %v, %v", r.Actions, diags)
	}
}
