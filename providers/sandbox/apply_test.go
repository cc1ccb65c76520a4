package sandbox

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
)

func TestApply(t *testing.T) {
	c, co, d := sf.Contacts, sf.Companies, sf.Deals
	P := sf.PreferSalesforceUnlessBlank
	text := func(o sf.Object, name, label string) sf.Property {
		return sf.Property{Object: o, Name: name, Label: label, Type: sf.Text}
	}
	// fillMappings adds custom mapping rows directly, up to total mappings on o.
	fillMappings := func(o sf.Object, total int) func(*testing.T, *Sandbox) {
		return func(t *testing.T, s *Sandbox) {
			n := len(snapshot(t, s).Mappings[o])
			for i := n; i < total; i++ {
				if _, err := s.db.Exec(`INSERT INTO connector_mappings (object, property, salesforce_field, rule) VALUES (?, ?, ?, ?)`,
					string(o), fmt.Sprintf("filler_%d", i), fmt.Sprintf("Filler_%d__c", i), string(sf.TwoWay)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	mapping := func(o sf.Object, prop string) func(*testing.T, *sf.Snapshot) sf.Mapping {
		return func(t *testing.T, s *sf.Snapshot) sf.Mapping {
			m, ok := s.Mapping(o, prop)
			if !ok {
				t.Fatalf("no mapping %s.%s", o, prop)
			}
			return m
		}
	}
	// The current settings of a seeded property, with edits.
	seeded := func(o sf.Object, name string, edit func(*sf.Property)) sf.Property {
		for _, p := range seed().Properties {
			if p.Object == o && p.Name == name {
				p.Options = append([]sf.Option(nil), p.Options...)
				if edit != nil {
					edit(&p)
				}
				return p
			}
		}
		panic("no seeded property " + name)
	}

	tests := []struct {
		name   string
		setup  []sf.Change                // applied first; each must succeed
		before func(*testing.T, *Sandbox) // direct database setup
		change sf.Change
		want   error  // nil, ErrRejected or ErrNotFound
		msg    string // the error names the rule
		check  func(*testing.T, *sf.Snapshot)
	}{
		// Sync toggles.
		{name: "turn deals on", change: syncChange(d, true),
			check: func(t *testing.T, s *sf.Snapshot) {
				if !s.Sync[d] {
					t.Error("deals sync still off")
				}
			}},
		{name: "turn companies off", change: syncChange(co, false),
			check: func(t *testing.T, s *sf.Snapshot) {
				if s.Sync[co] {
					t.Error("companies sync still on")
				}
			}},
		{name: "contacts cannot be turned off", change: syncChange(c, false), want: sf.ErrRejected, msg: "cannot be turned off"},
		{name: "contacts already on", change: syncChange(c, true)},
		{name: "sync without a value", change: sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: d},
			want: sf.ErrRejected, msg: "no sync value"},
		{name: "sync cannot be created", change: sf.Change{Op: sf.OpCreate, Resource: sf.ResourceSync, Object: d, Sync: ptr(true)},
			want: sf.ErrRejected, msg: "only be updated"},
		{name: "unknown object", change: syncChange("tickets", true), want: sf.ErrRejected, msg: "unknown object"},
		{name: "unknown resource", change: sf.Change{Op: sf.OpUpdate, Resource: "pipeline", Object: d},
			want: sf.ErrRejected, msg: "unknown resource"},

		// Properties.
		{name: "create property", change: propChange(sf.OpCreate, text(c, "gclid", "Google Click ID")),
			check: func(t *testing.T, s *sf.Snapshot) {
				p, ok := s.Property(c, "gclid")
				want := sf.Property{Object: c, Name: "gclid", Label: "Google Click ID", Type: sf.Text, Group: "contactinformation"}
				if !ok || !reflect.DeepEqual(p, want) {
					t.Errorf("created property = %+v, want %+v", p, want)
				}
			}},
		{name: "create property with options", change: propChange(sf.OpCreate, sf.Property{Object: co, Name: "region", Label: "Region",
			Type: sf.Dropdown, Group: "companyinformation", Options: []sf.Option{{Value: "a0B8d00000ReG01AAA", Label: "EMEA"}, {Value: "x", Label: "Other", Hidden: true}}}),
			check: func(t *testing.T, s *sf.Snapshot) {
				p, _ := s.Property(co, "region")
				if len(p.Options) != 2 || p.Options[0].Label != "EMEA" || !p.Options[1].Hidden {
					t.Errorf("options = %+v", p.Options)
				}
			}},
		{name: "create property as it exists", change: propChange(sf.OpCreate, seeded(c, "utm_source", nil))},
		{name: "create HubSpot property as it exists", change: propChange(sf.OpCreate, seeded(c, "hs_lead_status", func(p *sf.Property) { p.HubSpotDefined = false }))},
		{name: "create property that exists with another label",
			change: propChange(sf.OpCreate, seeded(c, "utm_source", func(p *sf.Property) { p.Label = "Source" })),
			want:   sf.ErrRejected, msg: "already exists"},
		{name: "create property that exists with other options",
			change: propChange(sf.OpCreate, seeded(co, "tier", func(p *sf.Property) { p.Options = p.Options[:2] })),
			want:   sf.ErrRejected, msg: "already exists"},
		{name: "create property with a bad name", change: propChange(sf.OpCreate, text(c, "Lead Source", "x")),
			want: sf.ErrRejected, msg: "internal name"},
		{name: "create property with a bad type", change: propChange(sf.OpCreate, sf.Property{Object: c, Name: "x", Label: "X", Type: "currency"}),
			want: sf.ErrRejected, msg: "unknown field type"},
		{name: "create property without a label", change: propChange(sf.OpCreate, text(c, "x", " ")),
			want: sf.ErrRejected, msg: "label"},
		{name: "create text property with options", change: propChange(sf.OpCreate, sf.Property{Object: c, Name: "x", Label: "X", Type: sf.Text,
			Options: []sf.Option{{Value: "a", Label: "A"}}}), want: sf.ErrRejected, msg: "no options"},
		{name: "create property with a repeated option", change: propChange(sf.OpCreate, sf.Property{Object: c, Name: "x", Label: "X", Type: sf.Radio,
			Options: []sf.Option{{Value: "a", Label: "A"}, {Value: "a", Label: "B"}}}), want: sf.ErrRejected, msg: "twice"},
		{name: "create HubSpot-defined property", change: propChange(sf.OpCreate, sf.Property{Object: c, Name: "hs_new", Label: "X", Type: sf.Text, HubSpotDefined: true}),
			want: sf.ErrRejected, msg: "HubSpot-defined"},
		{name: "change names two properties", change: sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: c, Name: "a", Property: ptr(text(c, "b", "B"))},
			want: sf.ErrRejected, msg: "names"},
		{name: "change on two objects", change: sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: c, Name: "b", Property: ptr(text(co, "b", "B"))},
			want: sf.ErrRejected, msg: "is for companies"},
		{name: "update property", change: propChange(sf.OpUpdate, seeded(co, "tier", func(p *sf.Property) {
			p.Label = "Customer Tier"
			p.Description = "Gold, Silver or Bronze."
			p.Options = append(p.Options, sf.Option{Value: "Diamond", Label: "Diamond", Hidden: true})
		})),
			check: func(t *testing.T, s *sf.Snapshot) {
				p, _ := s.Property(co, "tier")
				n := len(p.Options)
				if p.Label != "Customer Tier" || p.Description == "" || n != len(seeded(co, "tier", nil).Options)+1 ||
					p.Options[n-1].Value != "Diamond" || !p.Options[n-1].Hidden {
					t.Errorf("updated property = %+v", p)
				}
			}},
		{name: "update property's type", change: propChange(sf.OpUpdate, seeded(co, "website_notes", func(p *sf.Property) { p.Type = sf.Text })),
			check: func(t *testing.T, s *sf.Snapshot) {
				if p, _ := s.Property(co, "website_notes"); p.Type != sf.Text {
					t.Errorf("type = %s", p.Type)
				}
			}},
		{name: "update keeps the group when none is named", change: propChange(sf.OpUpdate, seeded(c, "lead_score", func(p *sf.Property) { p.Group = ""; p.Label = "Score" })),
			check: func(t *testing.T, s *sf.Snapshot) {
				if p, _ := s.Property(c, "lead_score"); p.Group != "contactinformation" || p.Label != "Score" {
					t.Errorf("property = %+v", p)
				}
			}},
		{name: "update missing property", change: propChange(sf.OpUpdate, text(c, "nope", "Nope")), want: sf.ErrNotFound},
		{name: "update HubSpot-defined property", change: propChange(sf.OpUpdate, seeded(c, "email", func(p *sf.Property) { p.Label = "E-mail" })),
			want: sf.ErrRejected, msg: "HubSpot-defined"},
		{name: "update HubSpot-defined property as it is", change: propChange(sf.OpUpdate, seeded(c, "email", nil))},
		{name: "update mapped property to an incompatible type",
			change: propChange(sf.OpUpdate, seeded(c, "utm_source", func(p *sf.Property) { p.Type = sf.Number })),
			want:   sf.ErrRejected, msg: "delete the mapping first"},
		{name: "update property with invalid options",
			change: propChange(sf.OpUpdate, seeded(co, "tier", func(p *sf.Property) { p.Options = append(p.Options, sf.Option{Value: "", Label: "Empty"}) })),
			want:   sf.ErrRejected, msg: "empty value"},
		{name: "delete custom property", change: propDelete(co, "website_notes"),
			check: func(t *testing.T, s *sf.Snapshot) {
				if _, ok := s.Property(co, "website_notes"); ok {
					t.Error("property still there")
				}
			}},
		{name: "delete missing property", change: propDelete(co, "nope")},
		{name: "delete mapped property", change: propDelete(c, "utm_source"), want: sf.ErrRejected, msg: "delete the mapping first"},
		{name: "delete HubSpot-defined property", change: propDelete(c, "createdate"), want: sf.ErrRejected, msg: "HubSpot-defined"},

		// Mapping creates.
		{name: "create mapping", change: mapChange(sf.OpCreate, c, "utm_medium", "utm_medium__c", sf.TwoWay),
			check: func(t *testing.T, s *sf.Snapshot) {
				want := sf.Mapping{Object: c, Property: "utm_medium", SalesforceField: "utm_medium__c", Rule: sf.TwoWay}
				if m := mapping(c, "utm_medium")(t, s); m != want {
					t.Errorf("mapping = %+v, want %+v", m, want)
				}
			}},
		{name: "create mapping marked standard is custom", change: func() sf.Change {
			ch := mapChange(sf.OpCreate, co, "utm_source", "utm_source__c", P)
			ch.Mapping.Standard = true
			return ch
		}(),
			check: func(t *testing.T, s *sf.Snapshot) {
				if mapping(co, "utm_source")(t, s).Standard {
					t.Error("created mapping is standard")
				}
			}},
		{name: "create mapping to a Contact-only field", change: mapChange(sf.OpCreate, c, "preferred_language", "Preferred_Language__c", P)},
		{name: "create mapping to a Lead-only field", change: mapChange(sf.OpCreate, c, "lead_score", "Lead_Score__c", sf.AlwaysUseSalesforce)},
		{name: "create mapping to a reference field", change: mapChange(sf.OpCreate, co, "tier", "Region__c", sf.AlwaysUseSalesforce)},
		{name: "create mapping to a formula field", change: mapChange(sf.OpCreate, c, "lead_score", "Days_Since_Created__c", sf.AlwaysUseSalesforce)},
		{name: "create mapping as it exists", change: mapChange(sf.OpCreate, c, "utm_source", "utm_source__c", P)},
		{name: "create standard mapping as it exists", change: mapChange(sf.OpCreate, c, "email", "Email", P)},
		{name: "create mapping while deals sync is off", change: mapChange(sf.OpCreate, d, "forecast_notes", "Forecast_Notes__c", sf.TwoWay),
			want: sf.ErrRejected, msg: "sync is off"},
		{name: "create mapping once deals sync is on", setup: []sf.Change{syncChange(d, true)},
			change: mapChange(sf.OpCreate, d, "forecast_notes", "Forecast_Notes__c", sf.TwoWay)},
		{name: "create mapping while companies sync is off", setup: []sf.Change{syncChange(co, false)},
			change: mapChange(sf.OpCreate, co, "seats", "Seats__c", sf.TwoWay), want: sf.ErrRejected, msg: "sync is off"},
		{name: "create mapping of a missing property", change: mapChange(sf.OpCreate, co, "region", "Region__c", P),
			want: sf.ErrRejected, msg: `no HubSpot property "region"`},
		{name: "create mapping to a missing field", change: mapChange(sf.OpCreate, co, "seats", "Seat_Count__c", P),
			want: sf.ErrRejected, msg: "Account has no field"},
		{name: "create contacts mapping to a field on neither Lead nor Contact", change: mapChange(sf.OpCreate, c, "utm_medium", "Region__c", P),
			want: sf.ErrRejected, msg: "Lead or Contact has no field"},
		{name: "type mismatch: textarea to string", change: mapChange(sf.OpCreate, co, "website_notes", "Billing_Email__c", P),
			want: sf.ErrRejected, msg: "type mismatch"},
		{name: "type mismatch: number to reference", change: mapChange(sf.OpCreate, co, "seats", "Region__c", P),
			want: sf.ErrRejected, msg: "type mismatch"},
		{name: "type mismatch: checkbox to picklist", change: mapChange(sf.OpCreate, co, "is_partner", "Tier__c", P),
			want: sf.ErrRejected, msg: "type mismatch"},
		{name: "custom HubSpot user property", change: mapChange(sf.OpCreate, c, "account_manager", "OwnerId", sf.TwoWay),
			want: sf.ErrRejected, msg: "HubSpot user property"},
		{name: "property already mapped", change: mapChange(sf.OpCreate, c, "utm_source", "utm_medium__c", P),
			want: sf.ErrRejected, msg: "already mapped to utm_source__c"},
		{name: "standard property already mapped", change: mapChange(sf.OpCreate, c, "email", "utm_medium__c", P),
			want: sf.ErrRejected, msg: "already mapped to Email"},
		{name: "field already mapped", change: mapChange(sf.OpCreate, c, "utm_medium", "utm_source__c", P),
			want: sf.ErrRejected, msg: "already mapped by contacts.mapping.utm_source"},
		{name: "Contact's address field already mapped through Street", change: mapChange(sf.OpCreate, c, "utm_medium", "MailingStreet", P),
			want: sf.ErrRejected, msg: "Contact.MailingStreet is already mapped by contacts.mapping.address"},
		{name: "mapping limit reached", before: fillMappings(co, sf.MaxMappingsPerObject),
			change: mapChange(sf.OpCreate, co, "seats", "Seats__c", P), want: sf.ErrRejected, msg: "500 mappings"},
		{name: "last mapping under the limit", before: fillMappings(co, sf.MaxMappingsPerObject-1),
			change: mapChange(sf.OpCreate, co, "seats", "Seats__c", P),
			check: func(t *testing.T, s *sf.Snapshot) {
				if n := len(s.Mappings[co]); n != sf.MaxMappingsPerObject {
					t.Errorf("%d mappings", n)
				}
			}},
		{name: "create mapping with an unknown rule", change: mapChange(sf.OpCreate, c, "utm_medium", "utm_medium__c", "prefer_hubspot"),
			want: sf.ErrRejected, msg: "unknown sync rule"},
		{name: "create mapping without a field", change: mapChange(sf.OpCreate, c, "utm_medium", "", P),
			want: sf.ErrRejected, msg: "no Salesforce field"},

		// Mapping updates.
		{name: "change a standard rule", change: mapChange(sf.OpUpdate, c, "firstname", "FirstName", sf.DontSync),
			check: func(t *testing.T, s *sf.Snapshot) {
				if m := mapping(c, "firstname")(t, s); m.Rule != sf.DontSync || !m.Standard {
					t.Errorf("mapping = %+v", m)
				}
			}},
		{name: "change a custom rule without naming the field", change: mapChange(sf.OpUpdate, co, "legacy_segment", "", sf.AlwaysUseSalesforce),
			check: func(t *testing.T, s *sf.Snapshot) {
				if m := mapping(co, "legacy_segment")(t, s); m.Rule != sf.AlwaysUseSalesforce || m.SalesforceField != "Legacy_Segment__c" {
					t.Errorf("mapping = %+v", m)
				}
			}},
		{name: "Email mapping to two_way", change: mapChange(sf.OpUpdate, c, "email", "Email", sf.TwoWay)},
		{name: "Email mapping to always_use_salesforce", change: mapChange(sf.OpUpdate, c, "email", "Email", sf.AlwaysUseSalesforce),
			want: sf.ErrRejected, msg: "accepts only"},
		{name: "Email mapping to dont_sync", change: mapChange(sf.OpUpdate, c, "email", "Email", sf.DontSync),
			want: sf.ErrRejected, msg: "accepts only"},
		{name: "opt-out mapping is fixed", change: mapChange(sf.OpUpdate, c, sf.OptOutProperty, sf.OptOutField, sf.DontSync),
			want: sf.ErrRejected, msg: "fixed"},
		{name: "opt-out mapping as it is", change: mapChange(sf.OpUpdate, c, sf.OptOutProperty, sf.OptOutField, sf.TwoWay)},
		{name: "change a mapping's field", change: mapChange(sf.OpUpdate, c, "utm_source", "utm_medium__c", P),
			want: sf.ErrRejected, msg: "cannot be changed"},
		{name: "update a missing mapping", change: mapChange(sf.OpUpdate, c, "utm_medium", "utm_medium__c", P), want: sf.ErrNotFound},
		{name: "update with an unknown rule", change: mapChange(sf.OpUpdate, c, "utm_source", "utm_source__c", "sometimes"),
			want: sf.ErrRejected, msg: "unknown sync rule"},

		// Mapping deletes.
		{name: "delete custom mapping", change: mapDelete(co, "legacy_segment"),
			check: func(t *testing.T, s *sf.Snapshot) {
				if _, ok := s.Mapping(co, "legacy_segment"); ok {
					t.Error("mapping still there")
				}
			}},
		{name: "delete standard mapping", change: mapDelete(c, "firstname"), want: sf.ErrRejected, msg: "cannot be deleted"},
		{name: "delete owner mapping", change: mapDelete(d, sf.OwnerProperty), want: sf.ErrRejected, msg: "cannot be deleted"},
		{name: "delete missing mapping", change: mapDelete(c, "utm_campaign")},
		{name: "delete then re-create frees the field", setup: []sf.Change{mapDelete(c, "utm_source")},
			change: mapChange(sf.OpCreate, c, "utm_campaign", "utm_source__c", sf.TwoWay)},
		{name: "unknown operation", change: sf.Change{Op: "upsert", Resource: sf.ResourceMapping, Object: c, Name: "x"},
			want: sf.ErrRejected, msg: "unknown operation"},
	}

	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandbox(t)
			for _, ch := range tc.setup {
				if err := s.Apply(ctx, ch); err != nil {
					t.Fatalf("setup %s: %v", ch.Address(), err)
				}
			}
			if tc.before != nil {
				tc.before(t, s)
			}
			before := snapshot(t, s)
			commits := s.commits.Load()

			err := s.Apply(ctx, tc.change)
			after := snapshot(t, s)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("Apply: %v, want success", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("Apply: %v, want an error wrapping %q", err, tc.want)
			case tc.want != nil && tc.want != sf.ErrNotFound && errors.Is(err, sf.ErrNotFound),
				tc.want != nil && tc.want != sf.ErrRejected && errors.Is(err, sf.ErrRejected):
				t.Fatalf("Apply: %v wraps the wrong kind", err)
			case err != nil && !strings.Contains(err.Error(), tc.msg):
				t.Fatalf("Apply: %v, want a message containing %q", err, tc.msg)
			}
			if err != nil {
				sameSnapshot(t, "after a refused change", after, before)
				if n := s.commits.Load(); n != commits {
					t.Fatalf("a refused change committed %d writes", n-commits)
				}
				return
			}
			if tc.check != nil {
				tc.check(t, after)
			}
			// Applying it again finds it done: success, nothing written.
			commits = s.commits.Load()
			if err := s.Apply(ctx, tc.change); err != nil {
				t.Fatalf("second Apply: %v", err)
			}
			if n := s.commits.Load(); n != commits {
				t.Fatal("second Apply wrote")
			}
			sameSnapshot(t, "after the second Apply", snapshot(t, s), after)
		})
	}
}

// TestApplyNoOpWritesNothing: a change the seed already reflects leaves the
// database untouched, and one that does not changes exactly what it names.
func TestApplyWritesOnlyWhatChanges(t *testing.T) {
	s := newSandbox(t)
	ctx := context.Background()
	before := snapshot(t, s)
	if err := s.Apply(ctx, mapChange(sf.OpUpdate, sf.Contacts, "firstname", "FirstName", sf.TwoWay)); err != nil {
		t.Fatal(err)
	}
	if s.commits.Load() != 1 {
		t.Fatalf("%d commits, want 1", s.commits.Load())
	}
	after := snapshot(t, s)
	for i, m := range after.Mappings[sf.Contacts] {
		if m.Property == "firstname" {
			after.Mappings[sf.Contacts][i].Rule = sf.PreferSalesforceUnlessBlank
		}
	}
	sameSnapshot(t, "everything but the changed rule", after, before)
}

func TestApplyHonoursContext(t *testing.T) {
	s := newSandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Apply(ctx, syncChange(sf.Deals, true)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Apply with a cancelled context: %v", err)
	}
	if _, err := s.Snapshot(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Snapshot with a cancelled context: %v", err)
	}
	if snapshot(t, s).Sync[sf.Deals] {
		t.Fatal("a cancelled Apply wrote")
	}
}
