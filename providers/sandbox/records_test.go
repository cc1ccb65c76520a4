package sandbox

import (
	"context"
	"errors"
	"reflect"
	"testing"

	sf "github.com/syncform/syncform"
)

func TestRecords(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t)
	emea, nordics := seedRegions()[0], seedRegions()[5]
	var account, contact, lead Pair
	for _, p := range pairs(t, s, sf.Companies) {
		if p.Salesforce["Name"].V != "" {
			account = p
			break
		}
	}
	for _, p := range pairs(t, s, sf.Contacts) {
		if p.SObject == "Lead" && lead.SObject == "" {
			lead = p
		}
		if p.SObject == "Contact" && contact.SObject == "" && p.Salesforce["MailingCity"].V != "" {
			contact = p
		}
	}
	if account.SObject == "" || lead.SObject == "" || contact.SObject == "" {
		t.Fatal("the default seed lacks an account, a lead or a contact")
	}
	missing := salesforceID(prefixSalesRegion, 999) // valid, but no such record
	rec := func(id sf.SalesforceID, fields ...string) sf.SalesforceRecord {
		r := sf.SalesforceRecord{ID: id, Fields: map[string]string{}}
		for i := 0; i+1 < len(fields); i += 2 {
			r.Fields[fields[i]] = fields[i+1]
		}
		return r
	}
	tests := []struct {
		name    string
		sobject string
		ids     []sf.SalesforceID
		fields  []string
		want    []sf.SalesforceRecord
		wantErr error
	}{
		{"found", "Sales_Region__c", []sf.SalesforceID{emea.id}, []string{"Name", "Code__c"},
			[]sf.SalesforceRecord{rec(emea.id, "Name", "EMEA", "Code__c", "EMEA")}, nil},
		{"15-character input finds the 18-character record", "Sales_Region__c", []sf.SalesforceID{sf.SalesforceID(nordics.id.Short())},
			[]string{"Id", "Name"}, []sf.SalesforceRecord{rec(nordics.id, "Id", string(nordics.id), "Name", "Nordics")}, nil},
		{"missing, wrong case and garbage left out; order and repeats", "Sales_Region__c",
			[]sf.SalesforceID{missing, nordics.id, "a0b8d00000reg01", "junk", emea.id, sf.SalesforceID(emea.id.Short())},
			[]string{"Name"}, []sf.SalesforceRecord{rec(nordics.id, "Name", "Nordics"), rec(emea.id, "Name", "EMEA")}, nil},
		{"none found", "Sales_Region__c", []sf.SalesforceID{missing}, []string{"Name"}, nil, nil},
		{"no IDs", "Sales_Region__c", nil, []string{"Name"}, nil, nil},
		{"an account, from its pair", "Account", []sf.SalesforceID{account.SalesforceID}, []string{"Name", "OwnerId"},
			[]sf.SalesforceRecord{rec(account.SalesforceID, "Name", account.Salesforce["Name"].V, "OwnerId", account.Salesforce["OwnerId"].V)}, nil},
		{"a contact's Mailing field", "Contact", []sf.SalesforceID{contact.SalesforceID}, []string{"MailingCity"},
			[]sf.SalesforceRecord{rec(contact.SalesforceID, "MailingCity", contact.Salesforce["MailingCity"].V)}, nil},
		{"a lead is not a contact", "Contact", []sf.SalesforceID{lead.SalesforceID}, []string{"LastName"}, nil, nil},
		{"a lead", "Lead", []sf.SalesforceID{lead.SalesforceID}, []string{"LastName"},
			[]sf.SalesforceRecord{rec(lead.SalesforceID, "LastName", lead.Salesforce["LastName"].V)}, nil},
		{"an empty field is empty", "Sales_Region__c", []sf.SalesforceID{emea.id}, []string{"Id"},
			[]sf.SalesforceRecord{rec(emea.id, "Id", string(emea.id))}, nil},
		{"unknown field", "Sales_Region__c", []sf.SalesforceID{emea.id}, []string{"Nope__c"}, nil, sf.ErrRejected},
		{"unknown object", "Invoice__c", []sf.SalesforceID{emea.id}, []string{"Name"}, nil, sf.ErrRejected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Records(ctx, tc.sobject, tc.ids, tc.fields)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// A provider: the interface the reader of live state uses.
	var p sf.Provider = s
	if got, err := p.Records(ctx, "Sales_Region__c", regionIDs(), []string{"Code__c"}); err != nil || len(got) != 6 {
		t.Errorf("all regions: %d (%v)", len(got), err)
	}
}

func TestEdit(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t)
	var account, contact Pair
	account = pairs(t, s, sf.Companies)[0]
	for _, p := range pairs(t, s, sf.Contacts) {
		if p.SObject == "Contact" {
			contact = p
			break
		}
	}
	latest := func() int64 {
		var max int64
		for _, o := range sf.Objects() {
			for _, p := range pairs(t, s, o) {
				for _, vals := range []map[string]sf.FieldValue{p.HubSpot, p.Salesforce} {
					for _, v := range vals {
						if v.At > max {
							max = v.At
						}
					}
				}
			}
		}
		return max
	}
	read := func(o sf.Object, id int64) Pair {
		for _, p := range pairs(t, s, o) {
			if p.HubSpotID == id {
				return p
			}
		}
		t.Fatalf("no %s %d", o, id)
		return Pair{}
	}
	user := string(seed().Users[1].ID)
	region := seedRegions()[0].id
	if account.Salesforce["Region__c"].V == string(region) {
		region = seedRegions()[1].id
	}
	tests := []struct {
		name              string
		o                 sf.Object
		id                int64
		side, field, val  string
		wantErr           error
		wantField, stored string // where the value lands, and as what
	}{
		{"HubSpot text", sf.Companies, account.HubSpotID, SideHubSpot, "name", "Renamed Ltd", nil, "name", "Renamed Ltd"},
		{"Salesforce picklist", sf.Companies, account.HubSpotID, SideSalesforce, "Tier__c", "Gold", nil, "Tier__c", ""},
		{"clear", sf.Companies, account.HubSpotID, SideSalesforce, "Phone", "", nil, "Phone", ""},
		{"15-character reference stored as 18", sf.Companies, account.HubSpotID, SideSalesforce, "Region__c", region.Short(), nil,
			"Region__c", string(region)},
		{"contact address field on Contact", sf.Contacts, contact.HubSpotID, SideSalesforce, "City", "Oslo", nil, "MailingCity", "Oslo"},
		{"owner", sf.Companies, account.HubSpotID, SideHubSpot, sf.OwnerProperty, "52841007", nil, sf.OwnerProperty, "52841007"},
		{"Salesforce owner", sf.Companies, account.HubSpotID, SideSalesforce, sf.OwnerField, user[:15], nil, sf.OwnerField, user},
		{"restricted picklist", sf.Companies, account.HubSpotID, SideSalesforce, "Tier__c", "Platinum", sf.ErrRejected, "", ""},
		{"not a number", sf.Companies, account.HubSpotID, SideHubSpot, "seats", "many", sf.ErrRejected, "", ""},
		{"not a date", sf.Companies, account.HubSpotID, SideSalesforce, "Customer_Since__c", "31/12/2020", sf.ErrRejected, "", ""},
		{"not an option", sf.Companies, account.HubSpotID, SideHubSpot, "tier", "Tin", sf.ErrRejected, "", ""},
		{"not an owner", sf.Companies, account.HubSpotID, SideHubSpot, sf.OwnerProperty, "123", sf.ErrRejected, "", ""},
		{"reference to the wrong object", sf.Companies, account.HubSpotID, SideSalesforce, "Region__c", string(account.SalesforceID), sf.ErrRejected, "", ""},
		{"no owner in Salesforce", sf.Companies, account.HubSpotID, SideSalesforce, sf.OwnerField, "", sf.ErrRejected, "", ""},
		{"formula field", sf.Companies, account.HubSpotID, SideSalesforce, "Health_Grade__c", "A", sf.ErrRejected, "", ""},
		{"unknown property", sf.Companies, account.HubSpotID, SideHubSpot, "nope", "x", sf.ErrRejected, "", ""},
		{"field of another object", sf.Contacts, contact.HubSpotID, SideSalesforce, "Lead_Score__c", "5", sf.ErrRejected, "", ""},
		{"unknown side", sf.Companies, account.HubSpotID, "zendesk", "name", "x", sf.ErrRejected, "", ""},
		{"missing record", sf.Companies, 1, SideHubSpot, "name", "x", sf.ErrNotFound, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before Pair
			if tc.id != 1 {
				before = read(tc.o, tc.id)
			}
			max := latest()
			err := s.Edit(ctx, tc.o, tc.id, tc.side, tc.field, tc.val)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if tc.id != 1 && !reflect.DeepEqual(read(tc.o, tc.id), before) {
					t.Error("a refused edit changed the record")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			after := read(tc.o, tc.id)
			vals := after.HubSpot
			if tc.side == SideSalesforce {
				vals = after.Salesforce
			}
			want := tc.stored
			if want == "" {
				want = tc.val
			}
			if got := vals[tc.wantField]; got.V != want || got.At <= max {
				t.Errorf("%s = %+v, want %q at a time after %d", tc.wantField, got, want, max)
			}
			// The same value again is not an edit.
			if err := s.Edit(ctx, tc.o, tc.id, tc.side, tc.field, tc.val); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(read(tc.o, tc.id), after) {
				t.Error("setting the same value changed the record")
			}
		})
	}
	// The owner edit moved one company between owners in the snapshot.
	snap := snapshot(t, s)
	for _, o := range snap.Owners {
		n := 0
		for _, p := range pairs(t, s, sf.Companies) {
			if p.HubSpot[sf.OwnerProperty].V == o.ID {
				n++
			}
		}
		if o.Records[sf.Companies] != n {
			t.Errorf("owner %s: snapshot counts %d companies, the records %d", o.ID, o.Records[sf.Companies], n)
		}
	}
}
