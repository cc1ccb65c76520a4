package sandbox

import (
	"slices"
	"testing"

	sf "github.com/syncform/syncform"
)

func TestSnapshotSeed(t *testing.T) {
	snap := seedSnapshot(t)

	t.Run("provider", func(t *testing.T) {
		if snap.Provider != "sandbox" || len(snap.Manual) != 0 {
			t.Errorf("provider %q, manual %v", snap.Provider, snap.Manual)
		}
	})

	t.Run("sync toggles", func(t *testing.T) {
		want := map[sf.Object]bool{sf.Contacts: true, sf.Companies: true, sf.Deals: false}
		for o, on := range want {
			if got, ok := snap.Sync[o]; !ok || got != on {
				t.Errorf("%s sync = %v (present %v), want %v", o, got, ok, on)
			}
		}
	})

	t.Run("standard mappings", func(t *testing.T) {
		for _, o := range sf.Objects() {
			for _, std := range sf.StandardMappings(o) {
				m, ok := snap.Mapping(o, std.Property)
				if !ok {
					t.Errorf("%s missing", std.Mapping().Address())
					continue
				}
				if m != std.Mapping() {
					t.Errorf("%s = %+v, want %+v", m.Address(), m, std.Mapping())
				}
				// Both sides exist: the HubSpot property, HubSpot-defined, and
				// the field on every Salesforce object that has it.
				p, ok := snap.Property(o, std.Property)
				if !ok || !p.HubSpotDefined {
					t.Errorf("%s: property %q missing or not HubSpot-defined", m.Address(), std.Property)
				}
				if len(snap.Fields(o, std.SalesforceField)) == 0 {
					t.Errorf("%s: field %s exists on none of %v", m.Address(), std.SalesforceField, o.SalesforceObjects())
				}
			}
		}
		for _, f := range []string{"Street", "City", "State", "PostalCode", "Country"} {
			if n := len(snap.Fields(sf.Contacts, f)); n != 2 {
				t.Errorf("address field %s is on %d of Lead and Contact, want both", f, n)
			}
		}
	})

	t.Run("custom mappings", func(t *testing.T) {
		want := []sf.Mapping{
			{Object: sf.Contacts, Property: "utm_source", SalesforceField: "utm_source__c", Rule: sf.PreferSalesforceUnlessBlank},
			{Object: sf.Companies, Property: "legacy_segment", SalesforceField: "Legacy_Segment__c", Rule: sf.TwoWay},
		}
		var got []sf.Mapping
		for _, o := range sf.Objects() {
			for _, m := range snap.Mappings[o] {
				if !m.Standard {
					got = append(got, m)
				}
				// Every custom mapping obeys the connector's rules.
				if p, ok := snap.Property(o, m.Property); !m.Standard && ok {
					for _, side := range snap.Fields(o, m.SalesforceField) {
						if !sf.Compatible(p.Type, side.Field.Type) {
							t.Errorf("%s: %s ↔ %s is a type mismatch", m.Address(), p.Type, side.Field.Type)
						}
					}
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("custom mappings = %+v, want %+v", got, want)
		}
	})

	t.Run("every field type among HubSpot properties", func(t *testing.T) {
		all := map[sf.FieldType]bool{}
		for _, o := range sf.Objects() {
			has := map[sf.FieldType]bool{}
			for _, p := range snap.Properties[o] {
				if p.Object != o {
					t.Errorf("property %s listed under %s", p.Name, o)
				}
				has[p.Type], all[p.Type] = true, true
				if _, err := sf.ParseFieldType(string(p.Type)); err != nil {
					t.Errorf("%s.%s: %v", o, p.Name, err)
				}
				if len(p.Options) > 0 && !p.Type.HasOptions() {
					t.Errorf("%s.%s: a %s property with options", o, p.Name, p.Type)
				}
			}
			if o == sf.Deals {
				continue // deals have no HubSpot checkbox(es) properties
			}
			for _, ft := range sf.FieldTypes() {
				if !has[ft] {
					t.Errorf("%s has no %s property", o, ft)
				}
			}
		}
		for _, ft := range sf.FieldTypes() {
			if !all[ft] {
				t.Errorf("no %s property on any object", ft)
			}
		}
	})

	t.Run("owner properties", func(t *testing.T) {
		for _, o := range sf.Objects() {
			p, ok := snap.Property(o, sf.OwnerProperty)
			if !ok || !p.HubSpotDefined || !p.OwnerReference || p.Type != sf.Dropdown {
				t.Errorf("%s.%s = %+v", o, sf.OwnerProperty, p)
			}
		}
		p, ok := snap.Property(sf.Contacts, "account_manager")
		if !ok || p.HubSpotDefined || !p.OwnerReference || p.Type != sf.Dropdown {
			t.Errorf("custom HubSpot user property = %+v (present %v)", p, ok)
		}
	})

	t.Run("Salesforce objects and types", func(t *testing.T) {
		wantObjects := map[string]string{"Lead": "00Q", "Contact": "003", "Account": "001", "Opportunity": "006", "Sales_Region__c": "a0B"}
		if len(snap.SObjects) != len(wantObjects) {
			t.Errorf("%d Salesforce objects, want %d", len(snap.SObjects), len(wantObjects))
		}
		for name, prefix := range wantObjects {
			so, ok := snap.SObjects[name]
			if !ok || so.Name != name || so.KeyPrefix != prefix || len(so.Fields) == 0 {
				t.Errorf("%s = %+v (present %v)", name, so, ok)
			}
			if so.Custom != (name == "Sales_Region__c") {
				t.Errorf("%s custom = %v", name, so.Custom)
			}
		}
		types := map[sf.SalesforceType]bool{}
		for _, so := range snap.SObjects {
			for _, f := range so.Fields {
				types[f.Type] = true
				for _, to := range f.ReferenceTo {
					if _, ok := snap.SObjects[to]; !ok && to != "User" && to != "Group" {
						t.Errorf("%s.%s refers to %s, which is not described", so.Name, f.Name, to)
					}
				}
				if (f.Type == sf.SFReference) != (len(f.ReferenceTo) > 0) {
					t.Errorf("%s.%s: type %s with referenceTo %v", so.Name, f.Name, f.Type, f.ReferenceTo)
				}
				if (f.Type == sf.SFPicklist || f.Type == sf.SFMultiPicklist) != (len(f.Picklist) > 0) {
					t.Errorf("%s.%s: type %s with %d picklist values", so.Name, f.Name, f.Type, len(f.Picklist))
				}
			}
		}
		for _, ty := range []sf.SalesforceType{sf.SFPicklist, sf.SFMultiPicklist, sf.SFReference, sf.SFBoolean, sf.SFDouble,
			sf.SFInt, sf.SFString, sf.SFTextarea, sf.SFDate, sf.SFDatetime, sf.SFCurrency, sf.SFPercent, sf.SFEmail,
			sf.SFPhone, sf.SFURL, sf.SFID} {
			if !types[ty] {
				t.Errorf("no %s field", ty)
			}
		}
	})

	t.Run("Salesforce field details", func(t *testing.T) {
		field := func(obj, name string) sf.SalesforceField {
			f, ok := snap.SObjects[obj].Field(name)
			if !ok {
				t.Fatalf("no field %s.%s", obj, name)
			}
			return f
		}
		tier := field("Account", "Tier__c")
		if !tier.Restricted || !tier.Custom || len(tier.Picklist) != 4 || tier.Picklist[3] != (sf.PicklistValue{Value: "Platinum", Label: "Platinum"}) {
			t.Errorf("Tier__c = %+v", tier)
		}
		if f := field("Account", "Region__c"); f.Label != "Region" || !slices.Equal(f.ReferenceTo, []string{"Sales_Region__c"}) {
			t.Errorf("Region__c = %+v", f)
		}
		if f := field("Lead", "OwnerId"); !slices.Equal(f.ReferenceTo, []string{"Group", "User"}) {
			t.Errorf("Lead.OwnerId = %+v", f)
		}
		for _, f := range []sf.SalesforceField{field("Contact", "Days_Since_Created__c"), field("Account", "Health_Grade__c")} {
			if !f.Calculated {
				t.Errorf("%s is not a formula field", f.Name)
			}
		}
		if _, ok := snap.SObjects["Contact"].Field("Lead_Score__c"); ok {
			t.Error("Lead_Score__c is on Contact")
		}
		if _, ok := snap.SObjects["Lead"].Field("Preferred_Language__c"); ok {
			t.Error("Preferred_Language__c is on Lead")
		}
	})

	t.Run("users, queues and owners", func(t *testing.T) {
		for _, u := range snap.Users {
			id, err := sf.ParseSalesforceID(string(u.ID))
			if err != nil || id != u.ID || len(u.ID) != 18 || u.ID.KeyPrefix() != sf.PrefixUser {
				t.Errorf("user %s: ID %q (%v)", u.Name(), u.ID, err)
			}
		}
		for _, q := range snap.Queues {
			id, err := sf.ParseSalesforceID(string(q.ID))
			if err != nil || id != q.ID || len(q.ID) != 18 || q.ID.KeyPrefix() != sf.PrefixGroup {
				t.Errorf("queue %s: ID %q (%v)", q.Name, q.ID, err)
			}
		}
		var queues []string
		for _, q := range snap.Queues {
			queues = append(queues, q.Name)
		}
		if !slices.Equal(queues, []string{"Inbound Leads", "EMEA Leads"}) {
			t.Errorf("queues %v", queues)
		}
		count := map[string]int{}
		for _, u := range snap.Users {
			key := u.UserType
			if !u.Active {
				key += " inactive"
			}
			count[key]++
		}
		if want := map[string]int{"Standard": 5, "Standard inactive": 1, "PowerPartner": 1, "Guest": 1}; !mapsEqual(count, want) {
			t.Errorf("users by type: %v, want %v", count, want)
		}
		integration := false
		for _, u := range snap.Users {
			integration = integration || (u.Name() == "HubSpot Integration" && u.Active && u.UserType == "Standard")
		}
		if !integration {
			t.Error("no active integration user")
		}
		// How each owner matches: exactly an active Standard user, only an
		// inactive one, only by name, or no one.
		match := map[string]int{}
		for _, o := range snap.Owners {
			if o.ID == "" || o.ID[0] < '0' || o.ID[0] > '9' {
				t.Errorf("owner ID %q is not numeric", o.ID)
			}
			kind := "none"
			for _, u := range snap.Users {
				switch {
				case u.Name() == o.Name() && u.Email == o.Email && u.Active && u.UserType == "Standard":
					kind = "active"
				case u.Name() == o.Name() && u.Email == o.Email && !u.Active && kind == "none":
					kind = "inactive"
				case u.Name() == o.Name() && u.Email != o.Email && kind == "none":
					kind = "name only"
				}
			}
			match[kind]++
		}
		if want := map[string]int{"active": 4, "inactive": 1, "name only": 1, "none": 1}; !mapsEqual(match, want) {
			t.Errorf("owners by match: %v, want %v", match, want)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestSeedIDs: every literal ID of the seed is valid and upgraded.
func TestSeedIDs(t *testing.T) {
	d := seed()
	seen := map[sf.SalesforceID]bool{}
	var ids []sf.SalesforceID
	for _, u := range d.Users {
		ids = append(ids, u.ID)
	}
	for _, q := range d.Queues {
		ids = append(ids, q.ID)
	}
	for _, id := range ids {
		if len(id) != 18 {
			t.Errorf("%q is not 18 characters", id)
		}
		if got, err := sf.ParseSalesforceID(id.Short()); err != nil || got != id {
			t.Errorf("%q: %v", id, err)
		}
		if seen[id] {
			t.Errorf("%q appears twice", id)
		}
		seen[id] = true
	}
	if got := mustID("0036F00001zNm0B"); got != "0036F00001zNm0BQAS" {
		t.Errorf("mustID = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("mustID accepted an invalid ID")
		}
	}()
	mustID("005-bad")
}
