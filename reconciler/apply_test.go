package reconciler_test

import (
	"context"
	"errors"

	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/testutil"
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
	*sandbox.Sandbox
	failAt, calls int
	writes        int
}

var errInjected = errors.New("injected fault: connection reset")

// BatchSize makes every change its own Apply, so each can fail.
func (f *faulty) BatchSize(syncform.Change) int { return 1 }

func (f *faulty) Apply(ctx context.Context, c syncform.Change) error {
	f.calls++
	if f.calls == f.failAt {
		return errInjected
	}
	f.writes++
	return f.Sandbox.Apply(ctx, c)
}

// env is a configuration, a sandbox and a journal in a temporary directory.
func setup(t *testing.T) (*config.Config, *sandbox.Sandbox) {
	cfg, sb, _ := setupJournal(t)
	return cfg, sb
}

func setupJournal(t *testing.T) (*config.Config, *sandbox.Sandbox, reconciler.Options) {
	t.Helper()
	env := testutil.New(t, nil)
	journals[env.Sandbox] = env.Options()
	return env.Config(desired), env.Sandbox, journals[env.Sandbox]
}

// journals holds each test sandbox's journal options.
var journals = map[*sandbox.Sandbox]reconciler.Options{}

// opts are the apply options of sb's journal.
func opts(sb *sandbox.Sandbox) reconciler.Options { return journals[sb] }

// planOf plans as the CLI does: live state, the journal's outstanding
// back-fills, estimates.
func planOf(t *testing.T, cfg *config.Config, p syncform.Provider, sb *sandbox.Sandbox) *planner.Result {
	t.Helper()
	_, plan, diags, err := reconciler.PlanLive(context.Background(), p, cfg, opts(sb))
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	return plan
}

// counts splits a plan's actions into changes and back-fills.
func counts(plan *planner.Result) (changes, backfills int) {
	for _, a := range plan.Actions {
		if a.Backfill != nil {
			backfills++
		} else {
			changes++
		}
	}
	return changes, backfills
}

// TestFailureThenConverge fails apply at every change in turn: it must stop
// there with an ActionError naming the change, and a re-plan and re-apply
// must converge to an empty plan, each back-fill running once.
func TestFailureThenConverge(t *testing.T) {
	cfg, sb := setup(t)
	changes, backfills := counts(planOf(t, cfg, sb, sb))
	if changes < 5 || backfills == 0 {
		t.Fatalf("the scenario should have several changes and a back-fill, has %d and %d", changes, backfills)
	}
	for failAt := 1; failAt <= changes; failAt++ {
		cfg, sb := setup(t)
		f := &faulty{Sandbox: sb, failAt: failAt}
		plan := planOf(t, cfg, f, sb)
		res, err := reconciler.Apply(context.Background(), f, plan, opts(sb))
		var ae *reconciler.ActionError
		if !errors.As(err, &ae) || !errors.Is(err, errInjected) {
			t.Fatalf("fail at %d: err = %v, want an ActionError wrapping the fault", failAt, err)
		}
		if ae.Action.Address != plan.Actions[failAt-1].Address || len(res.Applied) != failAt-1 {
			t.Fatalf("fail at %d: stopped at %s after %d applied", failAt, ae.Action.Address, len(res.Applied))
		}
		// The re-run plans what is left; the journalled back-fills stand
		// for the planned ones, so each still appears once.
		rest := planOf(t, cfg, sb, sb)
		if c, b := counts(rest); c != changes-(failAt-1) || b != backfills {
			t.Errorf("fail at %d: re-plan has %d changes and %d back-fills, want %d and %d", failAt, c, b, changes-(failAt-1), backfills)
		}
		res, err = reconciler.Apply(context.Background(), sb, rest, opts(sb))
		if err != nil {
			t.Fatalf("fail at %d: re-run: %v", failAt, err)
		}
		if len(res.Backfilled) != backfills {
			t.Errorf("fail at %d: %d back-fills ran, want %d", failAt, len(res.Backfilled), backfills)
		}
		if after := planOf(t, cfg, sb, sb); !after.Empty() {
			t.Errorf("fail at %d: not converged: %+v", failAt, after.Actions)
		}
	}
}

// TestSecondApplyWritesNothing applies, then plans and applies again as the
// CLI does: the second plan is empty, and the second apply changes no
// setting and starts no job.
func TestSecondApplyWritesNothing(t *testing.T) {
	cfg, sb := setup(t)
	plan := planOf(t, cfg, sb, sb)
	if _, err := reconciler.Apply(context.Background(), sb, plan, opts(sb)); err != nil {
		t.Fatal(err)
	}
	before, _ := sb.Snapshot(context.Background())
	jobs, _ := sb.Jobs(context.Background())
	again := planOf(t, cfg, sb, sb)
	if !again.Empty() {
		t.Fatalf("plan after apply: %+v", again.Actions)
	}
	res, err := reconciler.Apply(context.Background(), sb, again, opts(sb))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := sb.Snapshot(context.Background())
	jobsAfter, _ := sb.Jobs(context.Background())
	if len(res.Applied) != 0 || len(res.Backfilled) != 0 || len(jobsAfter) != len(jobs) {
		t.Errorf("second apply: %d changes, %d back-fills, jobs %d → %d", len(res.Applied), len(res.Backfilled), len(jobs), len(jobsAfter))
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the second apply changed the live state (-before +after):\n%s", diff)
	}
}

func TestProgressAndCancel(t *testing.T) {
	cfg, sb := setup(t)
	plan := planOf(t, cfg, sb, sb)
	ctx, cancel := context.WithCancel(context.Background())
	var events []reconciler.Event
	o := opts(sb)
	o.Progress = func(ev reconciler.Event) {
		events = append(events, ev)
		if ev.Done && ev.Index == 2 {
			cancel() // as SIGINT would, mid-apply
		}
	}
	res, err := reconciler.Apply(ctx, sb, plan, o)
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
	f := &faulty{Sandbox: sb}
	res, err := reconciler.Apply(context.Background(), f, plan, opts(sb))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Applied {
		if a.Change.Resource == syncform.ResourceMapping {
			t.Errorf("%s is manual but was applied", a.Address)
		}
	}
	changes, _ := counts(plan)
	if len(res.Runbook) == 0 || len(res.Runbook)+len(res.Applied) != changes || f.writes != len(res.Applied) {
		t.Errorf("runbook %d + applied %d of %d actions, %d writes", len(res.Runbook), len(res.Applied), len(plan.Actions), f.writes)
	}
}

// batcher is the sandbox with batches of at most size changes: each batch
// applies its changes one by one, failing the one named failOn.
type batcher struct {
	*sandbox.Sandbox
	size    int
	failOn  string
	batches [][]string // the addresses of each ApplyBatch
	single  []string   // the addresses applied alone
}

func (b *batcher) BatchSize(c syncform.Change) int {
	if c.Resource == syncform.ResourceSync {
		return 1
	}
	return b.size
}

func (b *batcher) Apply(ctx context.Context, c syncform.Change) error {
	b.single = append(b.single, c.Address())
	return b.Sandbox.Apply(ctx, c)
}

func (b *batcher) ApplyBatch(ctx context.Context, cs []syncform.Change) []error {
	var names []string
	errs := make([]error, len(cs))
	for i, c := range cs {
		names = append(names, c.Address())
		if c.Address() == b.failOn {
			errs[i] = errInjected
			continue
		}
		errs[i] = b.Sandbox.Apply(ctx, c)
	}
	b.batches = append(b.batches, names)
	return errs
}

// TestApplyBatches: consecutive changes of one kind on one object go in
// batches of the provider's size; a failure inside a batch stops the apply
// after that batch, with every batch-mate that succeeded recorded; the
// re-run converges.
func TestApplyBatches(t *testing.T) {
	const src = `
object "deals" {
  sync = true
  dynamic "property" {
    for_each = ["extra_001", "extra_002", "extra_003"]
    labels   = [property.value]
    content {
      label = property.value
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = ["extra_001", "extra_002", "extra_003"]
    labels   = [mapping.value]
    content {
      salesforce_field = "${title(mapping.value)}__c"
      rule             = "two_way"
    }
  }
  resync {
    to_salesforce = "none"
    to_hubspot    = "none"
  }
}
`
	env := testutil.New(t, nil)
	ctx := context.Background()
	if err := env.Sandbox.AddCustomFields(ctx, 3); err != nil {
		t.Fatal(err)
	}
	cfg := env.Config(src)
	b := &batcher{Sandbox: env.Sandbox, size: 2, failOn: "deals.property.extra_001"}
	_, plan, diags, err := reconciler.PlanLive(ctx, b, cfg, env.Options())
	if err != nil || diags.HasErrors() {
		for _, d := range diags {
			t.Log(d.Summary, d.Detail)
		}
		t.Fatal(err)
	}
	res, err := reconciler.Apply(ctx, b, plan, env.Options())
	var ae *reconciler.ActionError
	if !errors.As(err, &ae) || ae.Action.Address != "deals.property.extra_001" || !errors.Is(err, errInjected) {
		t.Fatalf("err = %v, want the failure of deals.property.extra_001", err)
	}
	want := [][]string{{"deals.property.extra_001", "deals.property.extra_002"}}
	if d := cmp.Diff(want, b.batches); d != "" || !slicesEqual(b.single, []string{"deals.sync"}) {
		t.Fatalf("batches (-want +got):\n%s\nalone: %v", d, b.single)
	}
	var applied []string
	for _, a := range res.Applied {
		applied = append(applied, a.Address)
	}
	if !slicesEqual(applied, []string{"deals.sync", "deals.property.extra_002"}) {
		t.Errorf("applied %v, want the sync toggle and the batch-mate that succeeded", applied)
	}

	b.failOn, b.batches, b.single = "", nil, nil
	_, plan, _, err = reconciler.PlanLive(ctx, b, cfg, env.Options())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reconciler.Apply(ctx, b, plan, env.Options()); err != nil {
		t.Fatal(err)
	}
	want = [][]string{
		{"deals.property.extra_001", "deals.property.extra_003"},
		{"deals.mapping.extra_001", "deals.mapping.extra_002"},
	}
	// A batch of one is a plain Apply.
	if d := cmp.Diff(want, b.batches); d != "" || !slicesEqual(b.single, []string{"deals.mapping.extra_003"}) {
		t.Errorf("re-run batches (-want +got):\n%s\nalone: %v", d, b.single)
	}
	if _, again, _, _ := reconciler.PlanLive(ctx, b, cfg, env.Options()); !again.Empty() {
		t.Errorf("not converged: %+v", again.Actions)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b, cmpopts.EquateEmpty()) }
