package reconciler_test

import (
	"context"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/testutil"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

// TestBackfillFollowsTheRules creates mappings with each rule that moves
// values on a seeded sandbox and applies: every linked pair must then hold
// what the rule table says (computed here, independently of the engine, from
// the pair's values before), and the impact the plan showed must equal what
// the jobs changed.
func TestBackfillFollowsTheRules(t *testing.T) {
	ctx := context.Background()
	env := testutil.New(t, &sandbox.SeedOptions{Contacts: 400, Companies: 600, Deals: 100, Seed: 7})
	sb := env.Sandbox
	cfg := env.Config(`
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "prefer_salesforce_unless_blank"
  }
  mapping "notes" {
    salesforce_field = "Notes__c"
    rule             = "always_use_salesforce"
  }
  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    to_hubspot    = "import"
    batch_size    = 250 # three batches of this sandbox's 600 companies
  }
}
`)

	rules := map[string]syncform.SyncRule{"seats": syncform.TwoWay, "health_score": syncform.PreferSalesforceUnlessBlank, "notes": syncform.AlwaysUseSalesforce}
	fields := map[string]string{"seats": "Seats__c", "health_score": "Health_Score__c", "notes": "Notes__c"}
	before := pairs(t, sb)

	opts := env.Options()
	_, plan, diags, err := reconciler.PlanLive(ctx, sb, cfg, opts)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	estimated := 0
	for _, a := range plan.Actions {
		if a.Backfill != nil {
			if a.Backfill.Impact == nil {
				t.Fatalf("%s has no impact", a.Address)
			}
			estimated += a.Backfill.Impact.HubSpotChanges + a.Backfill.Impact.SalesforceChanges
			if a.Address == "companies.backfill.to_salesforce" && len(a.Backfill.Batches) != 3 {
				t.Errorf("resync in %d batches, want 3", len(a.Backfill.Batches))
			}
		}
	}
	changed := 0
	opts.Progress = func(ev reconciler.Event) {
		if ev.Backfill != nil && ev.Backfill.Job.State == syncform.JobSucceeded {
			changed += ev.Backfill.Job.Changed
		}
	}
	res, err := reconciler.Apply(ctx, sb, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Backfilled) != 2 {
		t.Fatalf("back-fills finished: %v", res.Backfilled)
	}
	if estimated == 0 || estimated != changed {
		t.Errorf("the plan showed %d value changes, the jobs made %d", estimated, changed)
	}

	after := pairs(t, sb)
	checked := 0
	for id, b := range before {
		a := after[id]
		for prop, rule := range rules {
			// The import runs first, then the resync, as apply orders them.
			hs, sfv := syncform.SyncValue(rule, syncform.ToHubSpot, b.HubSpot[prop], b.Salesforce[fields[prop]])
			hs, sfv = syncform.SyncValue(rule, syncform.ToSalesforce, hs, sfv)
			if a.HubSpot[prop].V != hs.V || a.Salesforce[fields[prop]].V != sfv.V {
				t.Errorf("company %d %s (%s): holds %q / %q, the rule says %q / %q (before: %q / %q)", id, prop, rule,
					a.HubSpot[prop].V, a.Salesforce[fields[prop]].V, hs.V, sfv.V, b.HubSpot[prop].V, b.Salesforce[fields[prop]].V)
			}
			checked++
		}
	}
	if checked != 600*3 {
		t.Errorf("checked %d values, want %d", checked, 600*3)
	}
	// The temporary batch segments are gone, and the plan is empty.
	snap, _ := sb.Snapshot(ctx)
	for _, s := range snap.Segments {
		if len(s.Name) > 15 && s.Name[:15] == "syncform batch " {
			t.Errorf("temporary segment %q left behind", s.Name)
		}
	}
	if _, p, _, _ := reconciler.PlanLive(ctx, sb, cfg, opts); !p.Empty() {
		t.Errorf("plan after apply: %+v", p.Actions)
	}
}

func pairs(t *testing.T, sb *sandbox.Sandbox) map[int64]sandbox.Pair {
	out := map[int64]sandbox.Pair{}
	if err := sb.Pairs(context.Background(), syncform.Companies, func(p sandbox.Pair) error {
		out[p.HubSpotID] = p
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
