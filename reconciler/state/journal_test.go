package state

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
)

func backfill(addr string, batches int) planner.Action {
	b := &planner.Backfill{Job: syncform.Backfill{Object: syncform.Companies, Direction: syncform.ToSalesforce, Method: syncform.MethodSegment, Segment: "All companies"}}
	for i := 0; i < batches; i++ {
		b.Batches = append(b.Batches, planner.Batch{Offset: i * 10, Limit: 10})
	}
	return planner.Action{Address: addr, Backfill: b}
}

func TestJournalLifecycle(t *testing.T) { backends(t, journalLifecycle) }

func journalLifecycle(t *testing.T, location string) {
	ctx := context.Background()
	db := open(t, location)
	// Only back-fill actions are journalled; other connections are separate.
	entries, err := db.Record(ctx, "c1", []planner.Action{{Address: "companies.mapping.x"}, backfill("companies.backfill.to_salesforce", 3), backfill("contacts.backfill.to_hubspot", 0)})
	if err != nil || len(entries) != 2 {
		t.Fatalf("record: %v, %d entries", err, len(entries))
	}
	db.Record(ctx, "c2", []planner.Action{backfill("deals.backfill.to_hubspot", 0)})

	out, _ := db.Outstanding(ctx, "c1")
	if len(out) != 2 || out[0].Batches() != 3 || out[1].Batches() != 1 || out[0].Backfill.Job.Segment != "All companies" {
		t.Fatalf("outstanding = %+v", out)
	}
	e := out[0]
	steps := []struct {
		do        func() error
		nextBatch int
		key, job  string
		state     string
	}{
		{func() error { return db.Starting(ctx, e.ID, "k1") }, 0, "k1", "", Pending},
		{func() error { return db.Started(ctx, e.ID, "job-1") }, 0, "k1", "job-1", Pending},
		{func() error { return db.Retry(ctx, e.ID, "interrupted") }, 0, "", "", Pending},
		{func() error { return db.Starting(ctx, e.ID, "k2") }, 0, "k2", "", Pending},
		{func() error { return db.Finished(ctx, e.ID, 0, 3) }, 1, "", "", Pending},
		{func() error { return db.Finished(ctx, e.ID, 1, 3) }, 2, "", "", Pending},
		{func() error { return db.Finished(ctx, e.ID, 2, 3) }, 3, "", "", Done},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := entry(t, db, e.ID)
		if got == nil {
			if s.state != Done {
				t.Fatalf("step %d: entry no longer outstanding", i)
			}
			continue
		}
		if got.NextBatch != s.nextBatch || got.JobKey != s.key || got.JobID != s.job || got.State != s.state {
			t.Errorf("step %d: %+v", i, *got)
		}
	}
	if err := db.Fail(ctx, out[1].ID, "gave up"); err != nil {
		t.Fatal(err)
	}
	if left, _ := db.Outstanding(ctx, "c1"); len(left) != 0 {
		t.Errorf("outstanding after done and failed: %+v", left)
	}
	if left, _ := db.Outstanding(ctx, "c2"); len(left) != 1 {
		t.Errorf("another connection's entry was touched: %+v", left)
	}
	if err := db.Started(ctx, 999, "x"); err == nil {
		t.Error("updating a missing entry succeeded")
	}
}

func entry(t *testing.T, db *DB, id int64) *Entry {
	out, err := db.Outstanding(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range out {
		if e.ID == id {
			return &e
		}
	}
	return nil
}

// TestStateFileIsOwnerOnly: a new file and its directory are the owner's
// alone.
func TestStateFileIsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	open(t, path)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("state directory mode: %v %v", fi.Mode(), err)
	}
}

// TestCorruptStateIsNeverReset: a damaged file is refused with a clear
// error and left as it was, since it may hold a back-fill that must run.
func TestCorruptStateIsNeverReset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	garbage := []byte("this is not a database, but it might have been one once\n")
	os.WriteFile(path, garbage, 0o600)
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(garbage) {
		t.Error("the damaged file was changed")
	}
}
