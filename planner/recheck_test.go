package planner_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
)

// TestCheckActionsAcceptsWhatThePlannerPlans: CheckActions finds nothing in
// the actions of every pass fixture and example, and in those of a fail
// fixture nothing but the fixture's own rule (a plan with errors still
// carries its valid actions: mapping-limit's are all of them).
func TestCheckActionsAcceptsWhatThePlannerPlans(t *testing.T) {
	files, _ := filepath.Glob("testdata/rules/*/*.hcl")
	files = append(files, "../examples/quickstart/main.hcl", "../examples/reference-labels/main.hcl")
	checked := 0
	for _, file := range files {
		slug := filepath.Base(filepath.Dir(file))
		t.Run(slug+"/"+filepath.Base(file), func(t *testing.T) {
			cfg, diags := config.LoadFiles(filepath.Dir(file), []string{file}, config.Options{})
			if diags.HasErrors() {
				t.Fatalf("does not load: %v", diags)
			}
			res, _ := planner.Plan(cfg, fixtureLive(t, slug, cfg))
			for _, d := range planner.CheckActions(fixtureLive(t, slug, cfg), res.Actions) {
				if strings.HasSuffix(file, "fail.hcl") && planner.RuleOf(d) == slug {
					continue
				}
				t.Errorf("%s: %s", d.Summary, d.Detail)
			}
			checked += len(res.Actions)
		})
	}
	if checked < 50 {
		t.Errorf("only %d actions checked", checked)
	}
}

// TestCheckActionsRefusesWhatTheConnectorRefuses: changes a saved plan
// could be edited to hold, each refused with the rule of the catalog that
// forbids it, or as a change the live system would refuse.
func TestCheckActionsRefusesWhatTheConnectorRefuses(t *testing.T) {
	on, off := true, false
	mapping := func(op syncform.Op, o syncform.Object, prop, field string, rule syncform.SyncRule) planner.Action {
		c := syncform.Change{Op: op, Resource: syncform.ResourceMapping, Object: o, Name: prop}
		if op != syncform.OpDelete {
			c.Mapping = &syncform.Mapping{Object: o, Property: prop, SalesforceField: field, Rule: rule}
		}
		return planner.Action{Address: c.Address(), Change: c, Reason: planner.ReasonNew, Mode: syncform.ModeAuto}
	}
	sync := func(o syncform.Object, v *bool) planner.Action {
		c := syncform.Change{Op: syncform.OpUpdate, Resource: syncform.ResourceSync, Object: o, Sync: v}
		return planner.Action{Address: c.Address(), Change: c, Reason: planner.ReasonChanged, Mode: syncform.ModeAuto}
	}
	tier := syncform.Property{Object: syncform.Companies, Name: "tier", Label: "Tier", Type: syncform.Text}
	property := func(op syncform.Op, p syncform.Property) planner.Action {
		c := syncform.Change{Op: op, Resource: syncform.ResourceProperty, Object: p.Object, Name: p.Name, Property: &p}
		return planner.Action{Address: c.Address(), Change: c, Reason: planner.ReasonNew, Mode: syncform.ModeAuto}
	}
	many := []planner.Action{}
	for i := 1; i <= 520; i++ {
		name := fmt.Sprintf("extra_%03d", i)
		p := syncform.Property{Object: syncform.Contacts, Name: name, Label: name, Type: syncform.Text}
		many = append(many, property(syncform.OpCreate, p), mapping(syncform.OpCreate, syncform.Contacts, name, fmt.Sprintf("Extra_%03d__c", i), syncform.TwoWay))
	}
	for _, tc := range []struct {
		name    string
		actions []planner.Action
		want    string // a rule's slug, or words of the refusal
	}{
		{"a standard mapping deleted", []planner.Action{mapping(syncform.OpDelete, syncform.Contacts, "email", "", "")}, "standard-undeletable"},
		{"a standard mapping re-pointed", []planner.Action{mapping(syncform.OpUpdate, syncform.Contacts, "email", "Phone", syncform.TwoWay)}, "standard-undeletable"},
		{"a type mismatch", []planner.Action{mapping(syncform.OpCreate, syncform.Companies, "is_partner", "Health_Score__c", syncform.TwoWay)}, "type-mismatch"},
		{"two mappings to one field", []planner.Action{mapping(syncform.OpCreate, syncform.Companies, "billing_email", "Legacy_Segment__c", syncform.TwoWay)}, "field-mapped-twice"},
		{"two mappings of one property", []planner.Action{mapping(syncform.OpCreate, syncform.Companies, "legacy_segment", "Health_Score__c", syncform.TwoWay)}, "property-mapped-twice"},
		{"the owner one-way", []planner.Action{mapping(syncform.OpUpdate, syncform.Companies, "hubspot_owner_id", "OwnerId", syncform.AlwaysUseSalesforce)}, "owner-two-way"},
		{"the email rule", []planner.Action{mapping(syncform.OpUpdate, syncform.Contacts, "email", "Email", syncform.AlwaysUseSalesforce)}, "email-rule"},
		{"contacts sync off", []planner.Action{sync(syncform.Contacts, &off)}, "contacts-sync-required"},
		{"a mapping of an object whose sync is off", []planner.Action{mapping(syncform.OpCreate, syncform.Deals, "discount", "Discount__c", syncform.TwoWay)}, "object-sync-off"},
		{"an unknown property", []planner.Action{sync(syncform.Deals, &on), mapping(syncform.OpCreate, syncform.Deals, "nope", "Discount__c", syncform.TwoWay)}, "unknown-property"},
		{"an unknown field", []planner.Action{property(syncform.OpCreate, tier), mapping(syncform.OpCreate, syncform.Companies, "tier", "Nope__c", syncform.TwoWay)}, "unknown-field"},
		{"over the mapping limit", many, "mapping-limit"},
		{"a mapping deleted twice", []planner.Action{mapping(syncform.OpDelete, syncform.Companies, "legacy_segment", "", ""), mapping(syncform.OpDelete, syncform.Companies, "legacy_segment", "", "")}, "no mapping of"},
		{"a property created twice", []planner.Action{property(syncform.OpCreate, tier), property(syncform.OpCreate, tier)}, "exists already"},
		{"a property deleted", []planner.Action{{Address: "companies.property.tier", Change: syncform.Change{Op: syncform.OpDelete, Resource: syncform.ResourceProperty, Object: syncform.Companies, Name: "tier"}}}, "never deletes"},
		{"an unknown rule", []planner.Action{mapping(syncform.OpUpdate, syncform.Companies, "legacy_segment", "Legacy_Segment__c", "sometimes")}, "unknown sync rule"},
		{"an update in place of a re-point", []planner.Action{mapping(syncform.OpUpdate, syncform.Companies, "legacy_segment", "Health_Score__c", syncform.TwoWay)}, "never changes in place"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := planner.CheckActions(live(t), tc.actions)
			found := false
			for _, d := range diags {
				found = found || planner.RuleOf(d) == tc.want || strings.Contains(d.Detail, tc.want)
			}
			if !diags.HasErrors() || !found {
				t.Errorf("want %s; got %v", tc.want, diags)
			}
		})
	}
}
