package reconciler_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

const desired = `
object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }
}
object "companies" {
  prune = true
  property "customer_tier" {
    label = "Customer tier"
    type  = "dropdown"
  }
  mapping "customer_tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
  }
}
object "deals" {
  sync = true
  mapping "discount" {
    salesforce_field = "Discount__c"
    rule             = "two_way"
  }
}
`

// faulty is the real sandbox with one injected failure: the Nth Apply fails
// before it writes, as a dropped connection would.
type faulty struct {
	syncform.Provider
	failAt, calls int
	writes        int
}

var errInjected = errors.New("injected fault: connection reset")

func (f *faulty) Apply(ctx context.Context, c syncform.Change) error {
	f.calls++
	if f.calls == f.failAt {
		return errInjected
	}
	f.writes++
	return f.Provider.Apply(ctx, c)
}

func setup(t *testing.T) (*config.Config, *sandbox.Sandbox) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(desired), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load(dir, config.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	sb, err := sandbox.Open(context.Background(), filepath.Join(dir, "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return cfg, sb
}

func planOf(t *testing.T, cfg *config.Config, p syncform.Provider) *planner.Result {
	t.Helper()
	live, err := p.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plan, diags := planner.Plan(cfg, live)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return plan
}

// TestFailureThenConverge fails apply at every position in turn: it must stop
// there with an ActionError naming the action, and a re-plan and re-apply
// must converge to an empty plan.
func TestFailureThenConverge(t *testing.T) {
	cfg, sb := setup(t)
	total := len(planOf(t, cfg, sb).Actions)
	if total < 5 {
		t.Fatalf("the scenario should have several actions, has %d", total)
	}
	for failAt := 1; failAt <= total; failAt++ {
		cfg, sb := setup(t)
		f := &faulty{Provider: sb, failAt: failAt}
		plan := planOf(t, cfg, f)
		res, err := reconciler.Apply(context.Background(), f, plan, reconciler.Options{})
		var ae *reconciler.ActionError
		if !errors.As(err, &ae) || !errors.Is(err, errInjected) {
			t.Fatalf("fail at %d: err = %v, want an ActionError wrapping the fault", failAt, err)
		}
		if ae.Action.Address != plan.Actions[failAt-1].Address || len(res.Applied) != failAt-1 {
			t.Fatalf("fail at %d: stopped at %s after %d applied", failAt, ae.Action.Address, len(res.Applied))
		}
		// The re-run plans only what is left, and applies it.
		rest := planOf(t, cfg, sb)
		if len(rest.Actions) != total-(failAt-1) {
			t.Errorf("fail at %d: re-plan has %d actions, want %d", failAt, len(rest.Actions), total-(failAt-1))
		}
		if _, err := reconciler.Apply(context.Background(), sb, rest, reconciler.Options{}); err != nil {
			t.Fatalf("fail at %d: re-run: %v", failAt, err)
		}
		if after := planOf(t, cfg, sb); !after.Empty() {
			t.Errorf("fail at %d: not converged: %+v", failAt, after.Actions)
		}
	}
}

// TestSecondApplyWritesNothing applies a plan, then applies the same (now
// stale) plan again: every provider write is idempotent, so the live state
// is unchanged, and a fresh plan is empty.
func TestSecondApplyWritesNothing(t *testing.T) {
	cfg, sb := setup(t)
	plan := planOf(t, cfg, sb)
	if _, err := reconciler.Apply(context.Background(), sb, plan, reconciler.Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := sb.Snapshot(context.Background())
	if _, err := reconciler.Apply(context.Background(), sb, plan, reconciler.Options{}); err != nil {
		t.Fatalf("re-applying an applied plan: %v", err)
	}
	after, _ := sb.Snapshot(context.Background())
	if len(before.Mappings[syncform.Companies]) != len(after.Mappings[syncform.Companies]) {
		t.Error("the second apply changed the live state")
	}
	if p := planOf(t, cfg, sb); !p.Empty() {
		t.Errorf("plan after apply: %+v", p.Actions)
	}
}

func TestProgressAndCancel(t *testing.T) {
	cfg, sb := setup(t)
	plan := planOf(t, cfg, sb)
	ctx, cancel := context.WithCancel(context.Background())
	var events []reconciler.Event
	res, err := reconciler.Apply(ctx, sb, plan, reconciler.Options{Progress: func(ev reconciler.Event) {
		events = append(events, ev)
		if ev.Done && ev.Index == 2 {
			cancel() // as SIGINT would, mid-apply
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(res.Applied) != 2 || len(events) != 4 {
		t.Errorf("applied %d, %d events; want the two actions before the cancel, each started and done", len(res.Applied), len(events))
	}
	if events[0].Done || !events[1].Done || events[1].Total != len(plan.Actions) {
		t.Errorf("events = %+v", events)
	}
}

func TestManualActionsGoToTheRunbook(t *testing.T) {
	cfg, sb := setup(t)
	live, _ := sb.Snapshot(context.Background())
	live.Manual = []syncform.Resource{syncform.ResourceMapping}
	plan, _ := planner.Plan(cfg, live)
	f := &faulty{Provider: sb}
	res, err := reconciler.Apply(context.Background(), f, plan, reconciler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Applied {
		if a.Change.Resource == syncform.ResourceMapping {
			t.Errorf("%s is manual but was applied", a.Address)
		}
	}
	if len(res.Runbook) == 0 || len(res.Runbook)+len(res.Applied) != len(plan.Actions) || f.writes != len(res.Applied) {
		t.Errorf("runbook %d + applied %d of %d actions, %d writes", len(res.Runbook), len(res.Applied), len(plan.Actions), f.writes)
	}
}
