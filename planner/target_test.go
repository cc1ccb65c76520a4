package planner_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTarget(t *testing.T) {
	src := `
object "deals" {
  sync = true
  mapping "discount" {
    salesforce_field = "Discount__c"
    rule             = "two_way"
  }
}
object "companies" {
  prune = true
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels           = { "a0B8d00000Reg01" = "EMEA" }
  }
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}
`
	tests := []struct {
		targets []string
		want    []string
	}{
		{[]string{"companies.mapping.region"}, []string{
			"create companies.property.region", // what the mapping needs
			"create companies.mapping.region",
			"update companies.property.region.options",
			" companies.backfill.to_hubspot", // its back-fill, for region only
		}},
		{[]string{"deals"}, []string{"update deals.sync", "create deals.mapping.discount", " deals.backfill.to_hubspot", " deals.backfill.to_salesforce"}},
		{[]string{"deals.mapping.discount"}, []string{"update deals.sync", "create deals.mapping.discount", " deals.backfill.to_hubspot", " deals.backfill.to_salesforce"}},
		{[]string{"companies.mapping.legacy_segment"}, []string{"delete companies.mapping.legacy_segment"}},
		{[]string{"contacts"}, nil},
	}
	for _, tt := range tests {
		r, diags := plan(t, src, live(t))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		r.Target(tt.targets, live(t))
		if diff := cmp.Diff(tt.want, actions(r)); diff != "" {
			t.Errorf("--target %v (-want +got):\n%s", tt.targets, diff)
		}
	}
}

// TestTargetNarrowsBackfills: a targeted mapping's back-fill is for that
// mapping only and previews only the targeted changes; a target that
// matches nothing is reported.
func TestTargetNarrowsBackfills(t *testing.T) {
	r, diags := plan(t, `
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}`, live(t))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if un := r.Target([]string{"companies.mapping.seats", "companies.mapping.nothing"}, live(t)); len(un) != 1 || un[0] != "companies.mapping.nothing" {
		t.Errorf("unmatched = %v", un)
	}
	for _, a := range r.Actions {
		if a.Backfill == nil {
			continue
		}
		if got := a.Backfill.Job.Properties; len(got) != 1 || got[0] != "seats" {
			t.Errorf("%s is for %v, want [seats]", a.Address, got)
		}
		for _, m := range a.Backfill.Job.Mappings {
			if m.Property == "health_score" {
				t.Errorf("%s previews the untargeted health_score mapping", a.Address)
			}
		}
	}
}
