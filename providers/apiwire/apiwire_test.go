package apiwire

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	sf "github.com/syncform/syncform"
)

// TestRoundTrip: a property and a describe survive the JSON both ways.
func TestRoundTrip(t *testing.T) {
	for _, p := range []sf.Property{
		{Object: sf.Companies, Name: "tier", Label: "Tier", Type: sf.Dropdown, Group: "companyinformation",
			Options: []sf.Option{{Value: "Gold", Label: "Gold"}, {Value: "Platinum", Label: "Platinum", Hidden: true}}},
		{Object: sf.Contacts, Name: "manager", Label: "Manager", Type: sf.Dropdown, OwnerReference: true},
		{Object: sf.Deals, Name: "closed", Label: "Closed", Type: sf.Date, HubSpotDefined: true, Description: "d"},
	} {
		b, _ := json.Marshal(PropertyOf(p))
		var in Property
		json.Unmarshal(b, &in)
		got, ok := in.Domain(p.Object)
		if !ok {
			t.Fatalf("%s: type not recognised", b)
		}
		if d := cmp.Diff(p, got); d != "" {
			t.Errorf("%s (-sent +read):\n%s", p.Name, d)
		}
	}
	if _, ok := (Property{Type: "enumeration", FieldType: "calculation_equation"}).Domain(sf.Deals); ok {
		t.Error("an unknown type pair was accepted")
	}
	so := sf.SObject{Name: "Account", Label: "Account", KeyPrefix: "001", Fields: []sf.SalesforceField{
		{Name: "Region__c", Label: "Region", Type: sf.SFReference, ReferenceTo: []string{"Sales_Region__c"}, Custom: true},
		{Name: "Tier__c", Label: "Tier", Type: sf.SFPicklist, Restricted: true, Picklist: []sf.PicklistValue{{Value: "Gold", Label: "Gold", Active: true}}},
	}}
	b, _ := json.Marshal(DescribeOf(so))
	var d Describe
	json.Unmarshal(b, &d)
	if diff := cmp.Diff(so, d.SObject()); diff != "" {
		t.Errorf("describe (-sent +read):\n%s", diff)
	}
}
