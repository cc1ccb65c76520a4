package state

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/syncform/syncform/planner"
)

// TestRunsAreCreditedAsTheyGo: each change and each finished back-fill
// batch is credited to its run in the transaction that journals it, so a
// run that never ends (killed) and is taken over as crashed still says
// what it did, and the run that finishes its work is credited only with
// the rest.
func TestRunsAreCreditedAsTheyGo(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		a, b, c := twoHandles(t, location)
		const conn = "sandbox:5f0c"
		lock, err := a.Acquire(ctx, conn, alice, LockOptions{Lease: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		first, err := a.BeginRun(ctx, conn, lock.Info().ID, "d1", alice)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := a.Record(ctx, conn, []planner.Action{backfill("companies.backfill.to_salesforce", 2), backfill("contacts.backfill.to_hubspot", 0)})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.RecordApplied(ctx, conn, first, []AppliedValue{{"companies.mapping.seats", "1"}, {"contacts.mapping.fax", "2"}}); err != nil {
			t.Fatal(err)
		}
		if err := a.Finished(ctx, first, entries[1], 0); err != nil {
			t.Fatal(err)
		}
		if err := a.Finished(ctx, first, entries[0], 0); err != nil {
			t.Fatal(err)
		}
		// The first run is killed: it never ends, and its lease runs out.
		close(lock.stop)
		<-lock.done
		c.Advance(2 * time.Minute)
		if _, err := b.Acquire(ctx, conn, bob, LockOptions{}); err != nil {
			t.Fatal(err)
		}
		second, _ := b.BeginRun(ctx, conn, "", "d1", bob)
		out, _ := b.Outstanding(ctx, conn)
		if len(out) != 1 || out[0].NextBatch != 1 {
			t.Fatalf("outstanding after the first run: %+v", out)
		}
		if err := b.Finished(ctx, second, out[0], 1); err != nil {
			t.Fatal(err)
		}
		b.EndRun(ctx, second, OutcomeSucceeded, nil)

		h, err := b.History(ctx, conn, 0)
		if err != nil || len(h) != 2 {
			t.Fatalf("history %+v, %v", h, err)
		}
		want := []struct {
			outcome            string
			changes, backfills int
			actions            []string
		}{
			{OutcomeSucceeded, 0, 1, []string{"companies.backfill.to_salesforce batch 2/2"}},
			{OutcomeCrashed, 2, 1, []string{"companies.mapping.seats", "contacts.mapping.fax", "contacts.backfill.to_hubspot", "companies.backfill.to_salesforce batch 1/2"}},
		}
		for i, w := range want {
			r := h[i]
			if r.Outcome != w.outcome || r.Changes != w.changes || r.Backfills != w.backfills || !slices.Equal(r.Actions, w.actions) {
				t.Errorf("run %d: %s, %d changes, %d back-fills, %q; want %+v", r.ID, r.Outcome, r.Changes, r.Backfills, r.Actions, w)
			}
		}
	})
}

// TestCreditOfADamagedRun: a history entry whose actions do not decode is
// corruption, not overwritten.
func TestCreditOfADamagedRun(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		db := open(t, location)
		run, _ := db.BeginRun(ctx, "c", "", "d", alice)
		if _, err := db.db.ExecContext(ctx, `UPDATE history SET actions = '[' WHERE id = $1`, run); err != nil {
			t.Fatal(err)
		}
		err := db.RecordApplied(ctx, "c", run, []AppliedValue{{"contacts.mapping.fax", "1"}})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("crediting a damaged run: %v", err)
		}
		if applied, _ := db.Applied(ctx, "c"); len(applied) != 0 {
			t.Errorf("recorded %v without its credit", applied)
		}
	})
}
