package state

import (
	"context"
	"errors"
	"testing"

	"github.com/syncform/syncform/planner"
)

// TestRekey: a database that named a connection by its old key (a sandbox
// file's path) keeps its journal, applied values, history and lock under
// the connection's identity, moved in one go; what the identity already
// has wins; a second time there is nothing to move.
func TestRekey(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		db := open(t, location)
		const old, id = "sandbox:/home/alice/project/.syncform/sandbox.db", "sandbox:5f0c9a"
		run, _ := db.BeginRun(ctx, old, "", "d1", alice)
		db.EndRun(ctx, run, OutcomeInterrupted, nil)
		if _, err := db.Record(ctx, old, []planner.Action{backfill("companies.backfill.to_salesforce", 3)}); err != nil {
			t.Fatal(err)
		}
		db.RecordApplied(ctx, old, 0, []AppliedValue{{"companies.mapping.seats", "old"}, {"contacts.mapping.fax", "old"}})
		db.RecordApplied(ctx, id, 0, []AppliedValue{{"contacts.mapping.fax", "new"}})
		lock, err := db.Acquire(ctx, old, alice, LockOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Release(ctx)
		db.Record(ctx, "sandbox:other", []planner.Action{backfill("deals.backfill.to_hubspot", 0)})

		moved, err := db.Rekey(ctx, old, id)
		if err != nil || moved != 4 {
			t.Fatalf("Rekey: %d rows, %v; want 4 (a run, a back-fill, an applied value, the lock)", moved, err)
		}
		if out, err := db.Outstanding(ctx, id); err != nil || len(out) != 1 || out[0].Batches() != 3 {
			t.Errorf("outstanding under the identity: %+v, %v", out, err)
		}
		if h, err := db.History(ctx, id, 0); err != nil || len(h) != 1 || h[0].ID != run {
			t.Errorf("history under the identity: %+v, %v", h, err)
		}
		applied, _ := db.Applied(ctx, id)
		if len(applied) != 2 || applied["companies.mapping.seats"] != "old" || applied["contacts.mapping.fax"] != "new" {
			t.Errorf("applied under the identity: %v", applied)
		}
		if _, err := db.Acquire(ctx, id, bob, LockOptions{}); !errors.Is(err, ErrLocked) {
			t.Errorf("the lock did not move with the connection: %v", err)
		}
		for _, check := range []func() (int, error){
			func() (int, error) { out, err := db.Outstanding(ctx, old); return len(out), err },
			func() (int, error) { h, err := db.History(ctx, old, 0); return len(h), err },
			func() (int, error) { a, err := db.Applied(ctx, old); return len(a), err },
		} {
			if n, err := check(); n != 0 || err != nil {
				t.Errorf("left under the old key: %d, %v", n, err)
			}
		}
		if out, _ := db.Outstanding(ctx, "sandbox:other"); len(out) != 1 {
			t.Errorf("another connection's journal was touched: %+v", out)
		}
		if moved, err := db.Rekey(ctx, old, id); moved != 0 || err != nil {
			t.Errorf("again: %d, %v", moved, err)
		}
	})
}
