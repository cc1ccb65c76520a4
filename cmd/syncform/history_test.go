package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform/reconciler/state"
)

// TestKilledRunKeepsWhatItDid: an apply killed (SIGKILL) in the middle of
// its second back-fill job, after its change and its first back-fill, is credited
// with those in the history (crashed), and the apply that finishes the
// second back-fill only with that.
func TestKilledRunKeepsWhatItDid(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	// Held in the middle of its second job (holdEnv), which needs more
	// than one batch of records.
	dir := seatsProject(t, 4000)
	startHeld(t, "job:2", "--chdir", dir, "apply", "--auto-approve").kill(t)
	if out := run2(t, "--chdir", dir, "apply", "--auto-approve"); !strings.Contains(out, "1 back-fill finished") {
		t.Fatalf("the apply after the kill:\n%s", out)
	}
	runs := history(t, dir)
	if len(runs) != 2 {
		t.Fatalf("history: %+v", runs)
	}
	for i, want := range []state.Run{
		{Outcome: state.OutcomeSucceeded, Backfills: 1, Actions: []string{"companies.backfill.to_salesforce"}},
		{Outcome: state.OutcomeCrashed, Changes: 1, Backfills: 1, Actions: []string{"companies.mapping.seats", "companies.backfill.to_hubspot"}},
	} {
		r := runs[i]
		if r.Outcome != want.Outcome || r.Changes != want.Changes || r.Backfills != want.Backfills || !slices.Equal(r.Actions, want.Actions) {
			t.Errorf("run %d: %s, %d changes, %d back-fills, %q; want %s, %d, %d, %q",
				r.ID, r.Outcome, r.Changes, r.Backfills, r.Actions, want.Outcome, want.Changes, want.Backfills, want.Actions)
		}
	}
}

// TestDamagedJournalIsReported: a journal row damaged by hand (next_batch
// out of range) makes plan and apply fail with an error naming the state
// database, the row, what is wrong and how to recover: no panic, nothing
// run or written.
func TestDamagedJournalIsReported(t *testing.T) {
	for _, tc := range []struct{ nextBatch, want string }{
		{"5", "next_batch is 5, but its batches are numbered 0 to 0"},
		{"-1", "next_batch is -1, but its batches are numbered 0 to 0"},
	} {
		t.Run(tc.nextBatch, func(t *testing.T) {
			dir := seatsProject(t, 500)
			interruptedApply(t, dir)
			sqlExec(t, filepath.Join(dir, state.DefaultPath),
				`UPDATE backfills SET next_batch = `+tc.nextBatch+` WHERE address = 'companies.backfill.to_salesforce'`)
			before := outcome(t, dir)
			for _, args := range [][]string{{"plan"}, {"apply", "--auto-approve"}} {
				out, err := exec.Command("syncform", append([]string{"--chdir", dir}, args...)...).CombinedOutput()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				for _, want := range []string{"not a usable syncform state database: " + state.DefaultPath + ": back-fill ",
					") in the journal is damaged: " + tc.want, "UPDATE backfills SET state = 'failed' WHERE id = "} {
					if !strings.Contains(string(out), want) {
						t.Errorf("%s: the error lacks %q", args[0], want)
					}
				}
				if code != exitError || strings.Contains(string(out), "panic") {
					t.Errorf("%s: exit %d\n%s", args[0], code, out)
				}
			}
			if after := outcome(t, dir); after.settings != before.settings || after.values != before.values || len(after.jobs) != 0 {
				t.Errorf("something was run or written: jobs %v", after.jobs)
			}
		})
	}
}

// TestHistoryTableStaysAligned: a run's error does not break the table:
// every row's columns start where the header's do, before and after a
// failed run.
func TestHistoryTableStaysAligned(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var runs []state.Run
	for i, errText := range []string{"", "sandbox: the connection's lock is held by a very long holder name indeed\nsecond line", ""} {
		r := state.Run{ID: int64(i + 1), Started: at, Finished: at.Add(time.Second), Who: "ana", Host: "ci",
			Operation: "apply", ConfigDigest: "0123456789abcdef", Changes: i, Outcome: state.OutcomeSucceeded}
		if errText != "" {
			r.Outcome, r.Error = state.OutcomeFailed, errText
		}
		runs = append(runs, r)
	}
	var b strings.Builder
	if err := writeHistory(&b, runs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 rows:\n%s", b.String())
	}
	col := strings.Index(lines[0], "OUTCOME")
	for _, l := range lines[1:] {
		if len(l) < col || l[col-2:col] != "  " || l[col] == ' ' {
			t.Errorf("row not aligned under OUTCOME (column %d):\n%s", col, b.String())
		}
	}
	if !strings.Contains(lines[2], "failed: sandbox: the connection's lock") || strings.Contains(b.String(), "second line") {
		t.Errorf("the failed run's first error line should follow its outcome:\n%s", b.String())
	}
}
