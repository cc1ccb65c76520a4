package reconciler_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/testutil"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// TestForceUnlockStopsTheNextWrite: an apply whose lock is released under
// it (force-unlock) writes nothing after the release: the batch in flight
// ends, and the next one is refused by the fence before it reaches the
// provider. The history keeps the run's end.
func TestForceUnlockStopsTheNextWrite(t *testing.T) {
	ctx := context.Background()
	env := testutil.New(t, nil)
	cfg := env.Config(desired)
	opts := env.Options()
	holder := state.Holder{Operation: "apply", Who: "alice", Host: "laptop", PID: 101}
	lock, err := env.Journal.Acquire(ctx, opts.Connection, holder, state.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release(ctx)
	other, err := state.Open(ctx, filepath.Join(env.Dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, plan, _, err := reconciler.PlanLive(ctx, env.Sandbox, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	changes, _ := counts(plan)
	var unlockedAfter []string
	var ended []string
	opts.Progress = func(ev reconciler.Event) {
		if ev.Backfill != nil || !ev.Done {
			return
		}
		ended = append(ended, ev.Action.Address)
		if unlockedAfter == nil {
			// The first batch ended: someone force-unlocks.
			if _, err := other.ForceUnlock(ctx, lock.Info().ID); err != nil {
				t.Fatal(err)
			}
			unlockedAfter = append([]string{}, ended...)
		}
	}
	p := &counting{Sandbox: env.Sandbox}
	res, err := reconciler.ApplyLocked(ctx, p, plan, opts, lock, "digest")
	if !errors.Is(err, state.ErrLockLost) || !strings.Contains(err.Error(), "force-unlock") {
		t.Fatalf("apply after force-unlock: %v", err)
	}
	if len(res.Applied) >= changes || len(res.Applied) == 0 {
		t.Fatalf("applied %d of %d changes; want the first batch only", len(res.Applied), changes)
	}
	if len(ended) != len(unlockedAfter) {
		t.Errorf("changes ended after the unlock: %v (the unlock came after %v)", ended[len(unlockedAfter):], unlockedAfter)
	}
	if p.writes != 1 {
		t.Errorf("%d writes reached the provider; want the first batch's alone", p.writes)
	}
}

// counting is the sandbox, counting the writes that reach it.
type counting struct {
	*sandbox.Sandbox
	writes int
}

func (c *counting) Apply(ctx context.Context, ch syncform.Change) error {
	c.writes++
	return c.Sandbox.Apply(ctx, ch)
}

func (c *counting) ApplyBatch(ctx context.Context, cs []syncform.Change) []error {
	c.writes++
	return c.Sandbox.ApplyBatch(ctx, cs)
}

// TestLeftoverSegmentsAreRemoved: a temporary batch segment that no
// outstanding back-fill's batch owns (its apply was stopped before it
// removed it) is planned for removal and removed by the next apply; the
// segment of a batch in flight is left to its back-fill, which uses it.
func TestLeftoverSegmentsAreRemoved(t *testing.T) {
	ctx := context.Background()
	env := testutil.New(t, &sandbox.SeedOptions{Contacts: 10, Companies: 600, Deals: 10, Seed: 5})
	sb := env.Sandbox
	cfg := env.Config(`object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  resync {
    to_hubspot = "none"
    batch_size = 250
  }
}
rules {
  no-backfill = "off"
}`)
	opts := env.Options()
	// An apply stopped at its second batch, after making its segment: that
	// segment is the outstanding back-fill's.
	f := &failStart{Sandbox: sb, n: 2}
	_, plan, _, err := reconciler.PlanLive(ctx, f, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reconciler.Apply(ctx, f, plan, opts); !errors.Is(err, errInjected) {
		t.Fatalf("first apply: %v", err)
	}
	// One no journal entry owns (a 300-member leftover).
	leftover := reconciler.BatchSegmentPrefix + "0123456789abcdef"
	if _, err := sb.CreateBatchSegment(ctx, leftover, "All companies", 0, 300); err != nil {
		t.Fatal(err)
	}
	temporary := func() []string {
		snap, err := sb.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range snap.Segments {
			if strings.HasPrefix(s.Name, reconciler.BatchSegmentPrefix) {
				names = append(names, s.Name)
			}
		}
		return names
	}
	if got := temporary(); len(got) != 2 {
		t.Fatalf("temporary segments before: %v", got)
	}

	_, plan, _, err = reconciler.PlanLive(ctx, sb, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var removals []string
	for _, a := range plan.Actions {
		if a.Change.Resource == syncform.ResourceSegment {
			removals = append(removals, a.Address)
			if a.Change.Op != syncform.OpDelete || a.Reason != reconciler.ReasonLeftover || a.Mode != syncform.ModeAuto {
				t.Errorf("removal %+v", a)
			}
		}
	}
	want := `companies.segment["` + leftover + `"]`
	if len(removals) != 1 || removals[0] != want {
		t.Fatalf("planned removals %v; want %s alone", removals, want)
	}
	if s := plan.Summary(); s.Delete != 1 {
		t.Errorf("summary %+v", s)
	}
	res, err := reconciler.Apply(ctx, sb, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Backfilled) != 1 {
		t.Errorf("back-filled %v", res.Backfilled)
	}
	if got := temporary(); len(got) != 0 {
		t.Errorf("temporary segments after: %v", got)
	}
	if _, plan, _, _ := reconciler.PlanLive(ctx, sb, cfg, opts); !plan.Empty() {
		t.Errorf("not converged: %+v", plan.Actions)
	}
}

// fenceAfter fails its nth check, as a lock released at that moment.
type fenceAfter struct{ n, calls int }

func (f *fenceAfter) Check(context.Context) error {
	if f.calls++; f.calls >= f.n {
		return state.ErrLockLost
	}
	return nil
}

// TestFencedBackfillStops: a back-fill whose fence fails while its job
// runs stops following it at once, and starts no further batch.
func TestFencedBackfillStops(t *testing.T) {
	ctx := context.Background()
	env := testutil.New(t, &sandbox.SeedOptions{Contacts: 10, Companies: 600, Deals: 10, Seed: 5})
	cfg := env.Config(`object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  resync {
    to_hubspot = "none"
    batch_size = 250
  }
}
rules {
  no-backfill = "off"
}`)
	opts := env.Options()
	_, plan, _, err := reconciler.PlanLive(ctx, env.Sandbox, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Checks: the change batch, the entry, batch 1's segment and its job:
	// the fifth, while batch 1 runs (or as it ends), fails.
	opts.Fence = &fenceAfter{n: 5}
	opts.Poll = time.Millisecond
	_, err = reconciler.Apply(ctx, env.Sandbox, plan, opts)
	if !errors.Is(err, state.ErrLockLost) {
		t.Fatalf("apply: %v", err)
	}
	jobs, err := env.Sandbox.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 {
		t.Errorf("%d jobs started; want batch 1's alone", len(jobs))
	}
}
