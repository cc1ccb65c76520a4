package syncform

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// csvLive is a live connection whose contacts fields sit on Lead, on
// Contact, or on both.
func csvLive() *Snapshot {
	s := &Snapshot{
		Mappings: map[Object][]Mapping{
			Contacts: {
				{Object: Contacts, Property: "utm_source", SalesforceField: "utm_source__c", Rule: TwoWay},
				{Object: Contacts, Property: "address", SalesforceField: "Street", Rule: PreferSalesforceUnlessBlank, Standard: true},
				{Object: Contacts, Property: "language", SalesforceField: "Language__c", Rule: AlwaysUseSalesforce},
			},
			Companies: {
				{Object: Companies, Property: "name", SalesforceField: "Name", Rule: DontSync, Standard: true},
			},
		},
		Properties: map[Object][]Property{
			Contacts: {
				{Object: Contacts, Name: "utm_source", Label: "UTM, \"source\"", Type: Text},
				{Object: Contacts, Name: "address", Label: "Street Address", Type: Text, HubSpotDefined: true},
				{Object: Contacts, Name: "language", Label: "Language", Type: Dropdown},
			},
		},
		SObjects: map[string]SObject{
			"Lead": {Name: "Lead", Fields: []SalesforceField{
				{Name: "Street", Label: "Street", Type: SFString},
				{Name: "utm_source__c", Label: "UTM Source (Lead)", Type: SFString},
			}},
			"Contact": {Name: "Contact", Fields: []SalesforceField{
				{Name: "MailingStreet", Label: "Mailing Street", Type: SFString},
				{Name: "utm_source__c", Label: "UTM Source (Contact)", Type: SFTextarea},
				{Name: "Language__c", Label: "Language", Type: SFPicklist},
			}},
		},
	}
	s.Sort()
	return s
}

func TestWriteMappingsCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMappingsCSV(&b, csvLive(), Objects()); err != nil {
		t.Fatal(err)
	}
	want := `Object,HubSpot property label,HubSpot property name,HubSpot field type,Salesforce field label,Salesforce field API name,Salesforce field type,Sync rule,Mapping type
contacts,Street Address,address,text,Street,Street,string,prefer_salesforce_unless_blank,standard
contacts,Language,language,dropdown,Language,Language__c,picklist,always_use_salesforce,custom
contacts,"UTM, ""source""",utm_source,text,UTM Source (Lead),utm_source__c,string,two_way,custom
companies,,name,,,Name,,dont_sync,standard
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}

	b.Reset()
	if err := WriteMappingsCSV(&b, csvLive(), []Object{Companies}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(b.String(), "\n"); got != 2 || !strings.Contains(b.String(), "companies,,name") {
		t.Errorf("one object:\n%s", b.String())
	}
}

// What WriteMappingsCSV writes reads back as the live mappings.
func TestMappingsCSVRoundTrip(t *testing.T) {
	live := csvLive()
	var b bytes.Buffer
	if err := WriteMappingsCSV(&b, live, Objects()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMappingsCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	var want []Mapping
	for _, o := range Objects() {
		want = append(want, live.Mappings[o]...)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

func TestReadMappingsCSV(t *testing.T) {
	fax := Mapping{Object: Contacts, Property: "fax", SalesforceField: "Fax", Rule: DontSync, Standard: true}
	tier := Mapping{Object: Companies, Property: "tier", SalesforceField: "Tier__c", Rule: TwoWay}
	tests := []struct {
		name, in string
		want     []Mapping
		err      string
	}{
		{name: "as written",
			in:   "Object,HubSpot property label,HubSpot property name,HubSpot field type,Salesforce field label,Salesforce field API name,Salesforce field type,Sync rule,Mapping type\ncontacts,Fax Number,fax,text,Fax,Fax,phone,dont_sync,standard\ncompanies,Tier,tier,dropdown,Tier,Tier__c,picklist,two_way,custom\n",
			want: []Mapping{fax, tier}},
		{name: "columns reordered",
			in:   "Sync rule,Mapping type,Salesforce field API name,HubSpot property name,Object\ndont_sync,standard,Fax,fax,contacts\ntwo_way,custom,Tier__c,tier,companies\n",
			want: []Mapping{fax, tier}},
		{name: "extra columns, header case and spaces",
			in:   "  OBJECT , notes, hubspot property NAME,salesforce field api name ,sync RULE,mapping type,Owner\ncontacts,x,fax,Fax,dont_sync,standard,me\r\ncompanies,y,tier,Tier__c,two_way,custom,you\r\n",
			want: []Mapping{fax, tier}},
		{name: "byte-order mark",
			in:   "\uFEFFObject,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,fax,Fax,dont_sync\n",
			want: []Mapping{fax}},
		{name: "byte-order mark before a quoted header",
			in:   "\uFEFF\"Object\",\"HubSpot property name\",\"Salesforce field API name\",\"Sync rule\"\ncontacts,fax,Fax,dont_sync\n",
			want: []Mapping{fax}},
		{name: "no mapping type: standard when it is a default mapping",
			in:   "Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,fax,Fax,dont_sync\ncompanies,tier,Tier__c,two_way\n",
			want: []Mapping{fax, tier}},
		{name: "the connector's UI spellings, padded cells",
			in: "Object,HubSpot property name,Salesforce field API name,Sync rule,Mapping type\nContacts, fax ,Fax,Don't sync,Standard\nCompanies,tier,Tier__c,Two-way, Custom\ndeals,amount,Amount,Prefer Salesforce unless blank,\ndeals,x,X__c,Always use Salesforce,\n",
			want: []Mapping{fax, tier,
				{Object: Deals, Property: "amount", SalesforceField: "Amount", Rule: PreferSalesforceUnlessBlank, Standard: true},
				{Object: Deals, Property: "x", SalesforceField: "X__c", Rule: AlwaysUseSalesforce}}},
		{name: "blank rows skipped",
			in:   "Object,HubSpot property name,Salesforce field API name,Sync rule\n\ncontacts,fax,Fax,dont_sync\n,,,\n",
			want: []Mapping{fax}},
		{name: "header only", in: "Object,HubSpot property name,Salesforce field API name,Sync rule\n", want: []Mapping{}},
		{name: "empty file", in: "", err: "no header row"},
		{name: "one missing column",
			in:  "Object,HubSpot property name,Sync rule\ncontacts,fax,dont_sync\n",
			err: `row 1: missing column "Salesforce field API name"`},
		{name: "missing columns",
			in:  "Object,Label\ncontacts,Fax\n",
			err: `row 1: missing columns "HubSpot property name", "Salesforce field API name", "Sync rule"`},
		{name: "header after blank lines",
			in:  "\n\nObject\ncontacts\n",
			err: `row 3: missing columns`},
		{name: "duplicate column",
			in:  "Object,HubSpot property name,Salesforce field API name,Sync rule,object\n",
			err: `row 1: column "object" appears twice`},
		{name: "unknown object",
			in:  "Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,fax,Fax,dont_sync\ntickets,fax,Fax,dont_sync\n",
			err: `row 3: unknown object "tickets"`},
		{name: "unknown rule",
			in:  "Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,fax,Fax,one_way\n",
			err: `row 2: unknown sync rule "one_way"`},
		{name: "unknown mapping type",
			in:  "Object,HubSpot property name,Salesforce field API name,Sync rule,Mapping type\ncontacts,fax,Fax,dont_sync,default\n",
			err: `row 2: unknown mapping type "default"`},
		{name: "short row",
			in:  "Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,fax\n",
			err: `row 2: empty Salesforce field API name`},
		{name: "empty property",
			in:  "Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,,Fax,two_way\n",
			err: `row 2: empty HubSpot property name`},
		{name: "row numbers count the lines of quoted cells",
			in:  "Object,Notes,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,\"two\nlines\",fax,Fax,dont_sync\ncontacts,x,fax,Fax,bad\n",
			err: `row 4: unknown sync rule "bad"`},
		{name: "bad quoting", in: "Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,\"fax,Fax,dont_sync\n", err: "mappings CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadMappingsCSV(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mappings (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzReadMappingsCSV: no input makes ReadMappingsCSV panic, and whatever it
// reads writes back as CSV that reads the same.
func FuzzReadMappingsCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WriteMappingsCSV(&b, csvLive(), Objects()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.String())
	f.Add("")
	f.Add("\uFEFF")
	f.Add("Object,HubSpot property name,Salesforce field API name,Sync rule\ncontacts,fax\n")
	f.Add("sync rule,OBJECT,x,salesforce field api name,HubSpot property name\r\ntwo_way,Deals,\"a\nb\",F,\" p \"\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadMappingsCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		live := &Snapshot{Mappings: map[Object][]Mapping{}}
		for _, m := range got {
			live.Mappings[m.Object] = append(live.Mappings[m.Object], m)
		}
		var out bytes.Buffer
		if err := WriteMappingsCSV(&out, live, Objects()); err != nil {
			t.Fatal(err)
		}
		again, err := ReadMappingsCSV(&out)
		if err != nil {
			t.Fatalf("re-encoded CSV does not read: %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(sortedMappings(got), sortedMappings(again)); diff != "" {
			t.Errorf("read back differently (-first +second):\n%s", diff)
		}
	})
}

// sortedMappings puts mappings in the order WriteMappingsCSV writes them.
func sortedMappings(ms []Mapping) []Mapping {
	out := slices.Clone(ms)
	slices.SortStableFunc(out, func(a, b Mapping) int {
		if a.Object != b.Object {
			return a.Object.Rank() - b.Object.Rank()
		}
		return strings.Compare(a.Property, b.Property)
	})
	return out
}
