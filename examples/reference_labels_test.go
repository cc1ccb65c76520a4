package examples

import (
	"context"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/testutil"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

// TestReferenceLabels applies examples/reference-labels to a new sandbox:
// the dropdown is created, the reference field mapped, its options labelled,
// the back-fill run; then every company's region holds an ID that has a
// visible, labelled option (no invalid values). A picklist value added in
// Salesforce then shows as exactly one added option in the next plan.
func TestReferenceLabels(t *testing.T) {
	ctx := context.Background()
	cfg := testutil.Load(t, "reference-labels")
	env := testutil.New(t, nil)
	sb, opts := env.Sandbox, env.Options()

	_, plan, diags, err := reconciler.PlanLive(ctx, sb, cfg, opts)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	want := []string{"companies.property.region", "companies.mapping.region", "companies.property.region.options", "companies.backfill.to_hubspot"}
	for _, addr := range want {
		if !has(plan, addr) {
			t.Errorf("the plan has no %s", addr)
		}
	}
	if _, err := reconciler.Apply(ctx, sb, plan, opts); err != nil {
		t.Fatal(err)
	}

	live, _ := sb.Snapshot(ctx)
	prop, ok := live.Property(syncform.Companies, "region")
	if !ok || prop.Type != syncform.Dropdown {
		t.Fatalf("region property = %+v, %v", prop, ok)
	}
	labels := map[string]string{}
	for _, o := range prop.Options {
		if !o.Hidden {
			labels[o.Value] = o.Label
		}
	}
	if labels["a0B8d00000Reg01EAB"] != "Europe, Middle East and Africa" || labels["a0B8d00000Reg02EAB"] != "North America" {
		t.Errorf("labels = %v: the configured label wins, the others come from Name", labels)
	}
	labelled, blank := 0, 0
	sb.Pairs(ctx, syncform.Companies, func(p sandbox.Pair) error {
		v := p.HubSpot["region"].V
		switch {
		case v == "":
			blank++
		case labels[v] == "":
			t.Errorf("company %d holds region %q, which has no label: an invalid value", p.HubSpotID, v)
		default:
			labelled++
		}
		if v != p.Salesforce["Region__c"].V {
			t.Errorf("company %d: region %q in HubSpot, %q in Salesforce", p.HubSpotID, v, p.Salesforce["Region__c"].V)
		}
		return nil
	})
	if labelled == 0 {
		t.Error("no company shows a region label")
	}
	t.Logf("%d companies show a region label, %d have none in Salesforce", labelled, blank)

	// Converged; then Salesforce gains a picklist value.
	if _, p, _, _ := reconciler.PlanLive(ctx, sb, cfg, opts); !p.Empty() {
		t.Fatalf("plan after apply: %+v", p.Actions)
	}
	if err := sb.AddPicklistValue(ctx, "Account", "Tier__c", "Diamond", "Diamond"); err != nil {
		t.Fatal(err)
	}
	_, p, _, _ := reconciler.PlanLive(ctx, sb, cfg, opts)
	if len(p.Actions) != 1 || p.Actions[0].Address != "companies.property.tier.options" {
		t.Fatalf("plan after a new picklist value: %+v", p.Actions)
	}
	a := p.Actions[0]
	if c := planner.CompareOptions(a.Before.Property.Options, a.Change.Property.Options); c != (planner.OptionChanges{Added: 1}) {
		t.Errorf("option changes = %+v, want exactly one added", c)
	}
}

func has(p *planner.Result, address string) bool {
	for _, a := range p.Actions {
		if a.Address == address {
			return true
		}
	}
	return false
}
