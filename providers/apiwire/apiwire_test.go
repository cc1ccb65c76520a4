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

// TestMappingRoundTrip: a mapping survives the connector API's JSON.
func TestMappingRoundTrip(t *testing.T) {
	for _, m := range []sf.Mapping{
		{Object: sf.Contacts, Property: "email", SalesforceField: "Email", Rule: sf.PreferSalesforceUnlessBlank, Standard: true},
		{Object: sf.Deals, Property: "discount", SalesforceField: "Discount__c", Rule: sf.TwoWay},
	} {
		b, _ := json.Marshal(MappingOf(m))
		var in Mapping
		json.Unmarshal(b, &in)
		if d := cmp.Diff(m, in.Domain()); d != "" {
			t.Errorf("%s (-sent +read):\n%s", b, d)
		}
	}
}

// TestListRoundTrip: a segment survives a list's JSON both ways, and the
// shapes HubSpot sends read as the segments they are.
func TestListRoundTrip(t *testing.T) {
	for _, seg := range []sf.Segment{
		{Name: "All contacts", Object: sf.Contacts, Size: 200},
		{Name: "Key accounts", Object: sf.Companies, Static: true, Size: 8},
		{Name: "Empty", Object: sf.Deals, Static: true},
	} {
		b, _ := json.Marshal(ListResponse{List: ListOf("17", seg)})
		var in ListResponse
		if err := json.Unmarshal(b, &in); err != nil {
			t.Fatal(err)
		}
		got, ok := in.List.Segment()
		if !ok || got != seg || in.List.ListID != "17" {
			t.Errorf("%s: read %+v (ok %v) from %s", seg.Name, got, ok, b)
		}
	}
	for _, tc := range []struct {
		name, json string
		want       sf.Segment
		ok         bool
	}{
		{"a search result: size only in additionalProperties",
			`{"listId":"9","name":"Test list","objectTypeId":"0-1","processingType":"SNAPSHOT","additionalProperties":{"hs_list_size":"59"}}`,
			sf.Segment{Name: "Test list", Object: sf.Contacts, Static: true, Size: 59}, true},
		{"size wins over the property",
			`{"listId":"9","name":"d","objectTypeId":"0-3","processingType":"DYNAMIC","size":3,"additionalProperties":{"hs_list_size":"2"}}`,
			sf.Segment{Name: "d", Object: sf.Deals, Size: 3}, true},
		{"another object's list", `{"listId":"9","name":"t","objectTypeId":"0-5","processingType":"MANUAL","size":1}`,
			sf.Segment{}, false},
	} {
		var l List
		if err := json.Unmarshal([]byte(tc.json), &l); err != nil {
			t.Fatal(err)
		}
		if got, ok := l.Segment(); got != tc.want || ok != tc.ok {
			t.Errorf("%s: %+v (ok %v), want %+v (ok %v)", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	page := ListSearchResult{Lists: []List{ListOf("1", sf.Segment{Name: "a", Object: sf.Companies})}, HasMore: true, Offset: 1, Total: 2}
	b, _ := json.Marshal(page)
	var back ListSearchResult
	json.Unmarshal(b, &back)
	if d := cmp.Diff(page, back); d != "" {
		t.Errorf("search result (-sent +read):\n%s", d)
	}
	members := Memberships{Results: []Membership{{RecordID: "20000001"}}, Paging: &Paging{}}
	members.Paging.Next.After = "20000001"
	b, _ = json.Marshal(members)
	var mback Memberships
	json.Unmarshal(b, &mback)
	if d := cmp.Diff(members, mback); d != "" {
		t.Errorf("memberships (-sent +read):\n%s", d)
	}
	added := MembershipsAdded{RecordIDsAdded: []string{"1"}, RecordIDsMissing: []string{}}
	b, _ = json.Marshal(added)
	if string(b) != `{"recordIdsAdded":["1"],"recordIdsMissing":[]}` {
		t.Errorf("memberships added: %s", b)
	}
}
