package reconciler_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/testutil"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

// failStart is the sandbox with the nth StartBackfill failing, as a dropped
// connection would.
type failStart struct {
	*sandbox.Sandbox
	n, calls int
}

func (f *failStart) StartBackfill(ctx context.Context, b syncform.Backfill) (syncform.Job, error) {
	f.calls++
	if f.calls == f.n {
		return syncform.Job{}, errInjected
	}
	return f.Sandbox.StartBackfill(ctx, b)
}

// TestResumedBackfillDoesNotSwallowANewOne: a batched resync fails at its
// second batch; the configuration then gains a mapping. The next apply must
// finish the interrupted back-fill and also back-fill the new mapping over
// every record, and leave no temporary segment behind.
func TestResumedBackfillDoesNotSwallowANewOne(t *testing.T) {
	ctx := context.Background()
	env := testutil.New(t, &sandbox.SeedOptions{Contacts: 10, Companies: 600, Deals: 10, Seed: 5})
	sb := env.Sandbox
	write := func(mappings string) *config.Config {
		return env.Config(`object "companies" {` + mappings + `
  resync {
    to_hubspot = "none"
    batch_size = 250
  }
}
rules {
  no-backfill = "off"
}`)
	}
	seats := `
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }`
	health := `
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "prefer_salesforce_unless_blank"
  }`
	opts := env.Options()

	cfg := write(seats)
	f := &failStart{Sandbox: sb, n: 2}
	_, plan, _, err := reconciler.PlanLive(ctx, f, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reconciler.Apply(ctx, f, plan, opts); !errors.Is(err, errInjected) {
		t.Fatalf("first apply: %v, want the injected fault at batch 2", err)
	}

	cfg = write(seats + health)
	_, plan, _, err = reconciler.PlanLive(ctx, sb, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, a := range plan.Actions {
		addrs = append(addrs, string(a.Reason)+": "+a.Address)
	}
	if got := strings.Join(addrs, "\n"); !strings.Contains(got, string(reconciler.ReasonOutstanding)) || strings.Count(got, "companies.backfill.to_salesforce") != 2 {
		t.Fatalf("the plan should resume the interrupted back-fill and add the new one:\n%s", got)
	}
	res, err := reconciler.Apply(ctx, sb, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Backfilled) != 2 {
		t.Errorf("back-fills finished: %v", res.Backfilled)
	}
	missing := 0
	sb.Pairs(ctx, syncform.Companies, func(p sandbox.Pair) error {
		hs, sf := p.HubSpot["health_score"], p.Salesforce["Health_Score__c"]
		if sf.V == "" && hs.V != "" {
			missing++ // prefer_salesforce_unless_blank: HubSpot fills an empty Salesforce
		}
		return nil
	})
	if missing > 0 {
		t.Errorf("%d companies were not back-filled for the new mapping", missing)
	}
	snap, _ := sb.Snapshot(ctx)
	for _, s := range snap.Segments {
		if strings.HasPrefix(s.Name, reconciler.BatchSegmentPrefix) {
			t.Errorf("temporary segment %q left behind", s.Name)
		}
	}
	if _, p, _, _ := reconciler.PlanLive(ctx, sb, cfg, opts); !p.Empty() {
		t.Errorf("not converged: %+v", p.Actions)
	}
}
