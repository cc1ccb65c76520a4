package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler/state"
)

// connectionOf is the name the state database keeps the sandbox at path
// under: its identity.
func connectionOf(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		sb, err := sandbox.Open(ctx, path) // as the first command would create it
		if err != nil {
			t.Fatal(err)
		}
		sb.Close()
	}
	id, ok := sandbox.FileID(ctx, path)
	if !ok {
		t.Fatalf("no sandbox ID in %s", path)
	}
	return syncform.Identity{Sandbox: id}.String()
}

// seatsProject is a project directory (configuration, seeded sandbox) whose
// apply creates the companies seats mapping, two_way, and back-fills it
// both ways.
func seatsProject(t *testing.T, companies int) string {
	t.Helper()
	dir := t.TempDir()
	if err := sandbox.Seed(context.Background(), filepath.Join(dir, ".syncform", "sandbox.db"),
		sandbox.SeedOptions{Contacts: 10, Companies: companies, Deals: 10, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(`object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}
`))
	return dir
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// interruptedApply applies the project in dir and interrupts it, as SIGINT
// would, as soon as the mapping is created: its two back-fills stay
// journalled, neither started.
func interruptedApply(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, _, _ := testApp("", false)
	var errb bytes.Buffer
	a.stderr = writerFunc(func(p []byte) (int, error) {
		if bytes.Contains(p, []byte("create companies.mapping.seats: done")) {
			cancel()
		}
		return errb.Write(p)
	})
	if code := run(ctx, a, []string{"apply", "--auto-approve"}); code != exitInterrupted {
		t.Fatalf("the interrupted apply: exit %d\n%s", code, errb.String())
	}
}

// cliIn runs syncform in-process in dir and returns its exit code and
// output (stdout, then stderr).
func cliIn(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	t.Chdir(dir)
	a, out, errb := testApp("", false)
	code := run(context.Background(), a, args)
	return code, out.String() + errb.String()
}

// history is the project's history, newest first, as `history --format
// json` gives it.
func history(t *testing.T, dir string) []state.Run {
	t.Helper()
	out, err := exec.Command("syncform", "--chdir", dir, "history", "--format", "json").Output()
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	var runs []state.Run
	if err := json.Unmarshal(out, &runs); err != nil {
		t.Fatal(err)
	}
	return runs
}

// resumesOnce applies the project in dir, which holds the outstanding
// back-fills of an interrupted apply, and checks that they ran there
// exactly once and that its history goes on from the interrupted run.
func resumesOnce(t *testing.T, dir string) {
	t.Helper()
	code, out := cliIn(t, dir, "apply", "--auto-approve")
	if code != exitOK || !strings.Contains(out, "0 changes applied, 2 back-fills finished") {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	if code, out := cliIn(t, dir, "plan"); code != exitOK || !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after the apply: exit %d\n%s", code, out)
	}
	want := map[string]int{"companies to_hubspot": 1, "companies to_salesforce": 1}
	if got := outcome(t, dir).jobs; !maps.Equal(got, want) {
		t.Errorf("successful jobs: %v; want exactly one each way", got)
	}
	runs := history(t, dir)
	type run struct {
		outcome            string
		changes, backfills int
	}
	var got []run
	for _, r := range runs {
		got = append(got, run{r.Outcome, r.Changes, r.Backfills})
	}
	if !slices.Equal(got, []run{{state.OutcomeSucceeded, 0, 2}, {state.OutcomeInterrupted, 1, 0}}) {
		t.Errorf("history (newest first): %+v; want the resuming run after the interrupted one", got)
	}
}

// TestProjectMovedOrCopied: a project directory (configuration, sandbox,
// state database) with the journalled back-fills of an interrupted apply
// is copied, and then moved: in each new place the next apply resumes them
// exactly once, and the history goes on.
func TestProjectMovedOrCopied(t *testing.T) {
	dir := seatsProject(t, 500)
	interruptedApply(t, dir)
	copied := copyDir(t, dir)
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	t.Run("copied", func(t *testing.T) { resumesOnce(t, copied) })
	t.Run("moved", func(t *testing.T) { resumesOnce(t, moved) })
}

// TestStateKeyedByPathIsRekeyed: a state database and a sandbox written
// before connections had identities (the journal, applied values and
// history kept under the sandbox file's path; a sandbox of schema version
// 4, without an ID) keep everything: the first command gives the sandbox
// its ID and moves the rows to it, and the apply resumes the back-fills
// exactly once.
func TestStateKeyedByPathIsRekeyed(t *testing.T) {
	dir := seatsProject(t, 500)
	interruptedApply(t, dir)
	sbPath := filepath.Join(dir, ".syncform", "sandbox.db")
	old := "sandbox:" + sbPath
	sqlExec(t, filepath.Join(dir, state.DefaultPath),
		`UPDATE backfills SET connection = '`+old+`'`, `UPDATE applied SET connection = '`+old+`'`, `UPDATE history SET connection = '`+old+`'`)
	sqlExec(t, sbPath, `DELETE FROM meta WHERE key = 'sandbox_id'`, `DROP TABLE writer`, `ALTER TABLE jobs DROP COLUMN pid_start`,
		`UPDATE meta SET value = '4' WHERE key = 'schema_version'`)

	resumesOnce(t, dir)
	db, err := state.Open(context.Background(), filepath.Join(dir, state.DefaultPath))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	applied, err := db.Applied(context.Background(), connectionOf(t, sbPath))
	if err != nil || applied["companies.mapping.seats"] == "" {
		t.Errorf("the applied value of the mapping was not kept: %v, %v", applied, err)
	}
	if h, err := db.History(context.Background(), old, 0); err != nil || len(h) != 0 {
		t.Errorf("left under the path: %+v, %v", h, err)
	}
}

// sqlExec runs statements on the SQLite file at path, as a person with the
// sqlite3 shell would.
func sqlExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(path)}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
