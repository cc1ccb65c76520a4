package state

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		{func() error { return db.Finished(ctx, 0, e, 0) }, 1, "", "", Pending},
		{func() error { return db.Finished(ctx, 0, e, 1) }, 2, "", "", Pending},
		{func() error { return db.Finished(ctx, 0, e, 2) }, 3, "", "", Done},
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

// TestDamagedEntryIsCorruption: a journal row no syncform writes (a field
// out of range, a spec that does not decode), damaged by hand, is reported
// as corruption naming the database, the row and what is wrong, with how to
// recover, and nothing is returned to run.
func TestDamagedEntryIsCorruption(t *testing.T) {
	backends(t, func(t *testing.T, location string) {
		ctx := context.Background()
		db := open(t, location)
		for _, tc := range []struct {
			name, set string
			batches   int
			want      string
		}{
			{"next_batch past the last", `next_batch = 9`, 3, "next_batch is 9, but its batches are numbered 0 to 2"},
			{"next_batch negative", `next_batch = -1`, 3, "next_batch is -1"},
			{"next_batch of an unbatched job", `next_batch = 1`, 0, "next_batch is 1, but its batches are numbered 0 to 0"},
			{"a job without a key", `job_id = 'job-7'`, 0, "it has a job (job-7) but no job key"},
			{"a spec that does not decode", `spec = '{"job": '`, 0, "its spec does not decode"},
			{"a direction", `spec = replace(spec, 'to_salesforce', 'sideways')`, 0, `its direction "sideways"`},
			{"a batch window", `spec = replace(spec, '"limit":10', '"limit":0')`, 2, "batch 0 has offset 0 and limit 0"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				conn := "c-" + tc.name
				entries, err := db.Record(ctx, conn, []planner.Action{backfill("companies.backfill.to_salesforce", tc.batches)})
				if err != nil {
					t.Fatal(err)
				}
				id := entries[0].ID
				if _, err := db.db.ExecContext(ctx, `UPDATE backfills SET `+tc.set+` WHERE id = $1`, id); err != nil {
					t.Fatal(err)
				}
				out, err := db.Outstanding(ctx, conn)
				var ce *CorruptEntryError
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || out != nil {
					t.Fatalf("Outstanding = %v, %v; want corruption", out, err)
				}
				msg := err.Error()
				for _, want := range []string{location, fmt.Sprintf("back-fill %d (companies.backfill.to_salesforce)", id), tc.want,
					fmt.Sprintf("UPDATE backfills SET state = 'failed' WHERE id = %d", id), "backup"} {
					if !strings.Contains(msg, want) {
						t.Errorf("the error lacks %q:\n%s", want, msg)
					}
				}
				// The recovery it names works.
				if _, err := db.db.ExecContext(ctx, fmt.Sprintf(`UPDATE backfills SET state = 'failed' WHERE id = %d`, id)); err != nil {
					t.Fatal(err)
				}
				if out, err := db.Outstanding(ctx, conn); err != nil || len(out) != 0 {
					t.Errorf("after dropping it: %v, %v", out, err)
				}
			})
		}
	})
}
