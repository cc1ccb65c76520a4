package main

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/syncform/syncform/internal/testutil/pgtest"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler/state"
)

// seatsConfig is a configuration of the companies seats mapping with rule,
// on the sandbox at sandboxPath, with its state in the database at url.
func seatsConfig(sandboxPath, url, rule string) string {
	return fmt.Sprintf(`connection {
  sandbox = %q
  state   = %q
}

object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = %q
  }
}
`, sandboxPath, url, rule)
}

// startSyncform runs syncform in the background until the test ends; its
// stderr collects in the buffer, and done receives its exit code.
func startSyncform(t *testing.T, args ...string) (cmd *exec.Cmd, stderr *lockedBuffer, done <-chan int) {
	t.Helper()
	stderr = &lockedBuffer{}
	cmd = exec.Command("syncform", args...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exit, waited := make(chan int, 1), make(chan struct{})
	go func() {
		defer close(waited)
		cmd.Wait()
		exit <- cmd.ProcessState.ExitCode()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-waited
	})
	return cmd, stderr, exit
}

// TestConcurrentAppliesTakeTurns: syncform processes that apply to one
// sandbox at once, sharing a PostgreSQL state database, each from its own
// configuration directory, never interleave: each holds the connection's
// lock from before it reads the live state to the end of its back-fills,
// so the history's runs follow one another, and every one succeeds.
func TestConcurrentAppliesTakeTurns(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	url := pgtest.URL(t)
	ctx := context.Background()
	sb := filepath.Join(t.TempDir(), "sandbox.db")
	if err := sandbox.Seed(ctx, sb, sandbox.SeedOptions{Contacts: 10, Companies: 2000, Deals: 10, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	// Each rule differs from the others, so whichever runs after another
	// has a change to make and its back-fill to run.
	rules := []string{"two_way", "prefer_salesforce_unless_blank", "always_use_salesforce", "dont_sync"}
	var cmds []*exec.Cmd
	for _, rule := range rules {
		dir := t.TempDir()
		writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(seatsConfig(sb, url, rule)))
		cmd := exec.Command("syncform", "--chdir", dir, "apply", "--auto-approve", "--lock-timeout", "2m")
		cmds = append(cmds, cmd)
	}
	outs := make([]chan string, len(cmds))
	for i, cmd := range cmds {
		outs[i] = make(chan string, 1)
		go func() {
			out, err := cmd.CombinedOutput()
			outs[i] <- fmt.Sprintf("%s(err %v)", out, err)
		}()
	}
	for i, cmd := range cmds {
		out := <-outs[i]
		if !cmd.ProcessState.Success() || !strings.Contains(out, "Apply complete") {
			t.Errorf("apply with rule %s:\n%s", rules[i], out)
		}
	}
	db, err := state.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs, err := db.History(ctx, connectionOf(t, sb), 0)
	if err != nil || len(runs) != len(rules) {
		t.Fatalf("history: %d runs, %v; want %d", len(runs), err, len(rules))
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Started.Before(runs[j].Started) })
	for i, r := range runs {
		if r.Outcome != state.OutcomeSucceeded || r.Changes == 0 {
			t.Errorf("run %d: %s with %d changes", r.ID, r.Outcome, r.Changes)
		}
		if i > 0 && r.Started.Before(runs[i-1].Finished) {
			t.Errorf("run %d started at %v, before run %d finished at %v", r.ID, r.Started, runs[i-1].ID, runs[i-1].Finished)
		}
		t.Logf("run %d: %d changes, %d back-fills, %v", r.ID, r.Changes, r.Backfills, r.Finished.Sub(r.Started))
	}
}

// TestStandbyTakesOverFromAKilledWatcher: two `watch --apply --standby`
// processes share a PostgreSQL state database; the first holds the lock
// and the second waits. Killed (SIGKILL) in the middle of its first
// back-fill job, the first leaves it journalled: the second takes over
// without waiting for the lease (the holder's process is gone), resumes
// it, and each of its jobs succeeds exactly once.
func TestStandbyTakesOverFromAKilledWatcher(t *testing.T) {
	t.Parallel() // it runs syncform in processes of its own
	url := pgtest.URL(t)
	ctx := context.Background()
	dir := t.TempDir()
	sb := filepath.Join(dir, ".syncform", "sandbox.db")
	// Each job syncs its 4,000 companies in two batches: the first watcher
	// holds its first job between them (holdEnv), however fast it runs.
	if err := sandbox.Seed(ctx, sb, sandbox.SeedOptions{Contacts: 10, Companies: 4000, Deals: 10, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(seatsConfig(sb, url, "two_way")))
	// A lease far longer than the test: the standby takes over because
	// the holder's process is gone, and renewals never lapse on a busy
	// machine.
	const lease = 10 * time.Minute
	watch := []string{"--chdir", dir, "watch", "--apply", "--standby", "--lease", lease.String(), "--log-format", "json"}

	active := startHeld(t, "job:1", watch...)
	if !strings.Contains(active.stderr.String(), "holding the connection's lock") {
		t.Fatalf("the first watcher holds a job without the lock:\n%s", active.stderr)
	}
	standby, standbyLog, standbyDone := startSyncform(t, watch...)
	waitOutput(t, standbyLog, standbyDone, "the second watcher to stand by", regexp.MustCompile(`standby: another holds the connection's lock`))

	db, err := state.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn := connectionOf(t, sb)
	if entries, err := db.Outstanding(ctx, conn); err != nil || len(entries) != 2 || entries[0].JobKey == "" {
		t.Fatalf("journal while the first job runs: %+v, %v; want both back-fills, the first with its job's key", entries, err)
	}
	active.kill(t)
	killed := time.Now()
	waitOutput(t, standbyLog, standbyDone, "the standby to take the lock", regexp.MustCompile(`holding the connection's lock`))
	t.Logf("the standby took over %v after the kill", time.Since(killed).Round(time.Millisecond))
	waitOutput(t, standbyLog, standbyDone, "the standby's apply", regexp.MustCompile(`"outcome":"applied"`))
	standby.Process.Signal(syscall.SIGINT)
	if code := <-standbyDone; code != exitOK {
		t.Errorf("the standby exited %d after SIGINT:\n%s", code, standbyLog.String())
	}

	if left, err := db.Outstanding(ctx, conn); err != nil || len(left) != 0 {
		t.Errorf("outstanding after the takeover: %+v, %v", left, err)
	}
	want := map[string]int{"companies to_hubspot": 1, "companies to_salesforce": 1}
	if got := outcome(t, dir).jobs; !maps.Equal(got, want) {
		t.Errorf("successful jobs: %v; want exactly one each way", got)
	}
	// Each back-fill is credited once, to the run that finished it: the
	// killed one keeps what it finished before the kill.
	runs, err := db.History(ctx, conn, 0)
	if err != nil || len(runs) != 2 || runs[0].Outcome != state.OutcomeSucceeded || runs[1].Outcome != state.OutcomeCrashed ||
		runs[0].Backfills+runs[1].Backfills != 2 || runs[1].Changes != 1 {
		t.Errorf("history (newest first): %+v, %v; want the killed watcher's run crashed with its change, the standby's succeeded, the two back-fills credited once", runs, err)
	}
}

// TestPostgresPasswordNeverShown: the password of the state database comes
// from PGPASSWORD; a URL that carries one is refused without showing it,
// and neither a right nor a wrong one ever appears in output, errors, the
// history or the files syncform writes. --state wins over the connection
// block's state.
func TestPostgresPasswordNeverShown(t *testing.T) {
	url := pgtest.PasswordURL(t)
	dir := quickstart(t)
	src, _ := os.ReadFile(filepath.Join(dir, "main.hcl"))
	withState := strings.Replace(string(src), "connection {", "connection {\n  state = \"unused-state.db\"", 1)
	writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(withState))
	const wrong = "wrong-pw-3c9a"
	var all strings.Builder
	cli := func(password string, args ...string) (int, string) {
		cmd := exec.Command("syncform", append([]string{"--chdir", dir, "--state", url}, args...)...)
		cmd.Env = append(os.Environ(), "PGPASSWORD="+password)
		out, _ := cmd.CombinedOutput()
		all.Write(out)
		return cmd.ProcessState.ExitCode(), string(out)
	}
	if code, out := cli(pgtest.PasswordRolePassword, "apply", "--auto-approve"); code != exitOK {
		t.Fatalf("apply with PGPASSWORD: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"plan", "--out", "plan.json"}, {"history"}, {"history", "--format", "json"}, {"force-unlock", "--force", "0123456789abcdef"}} {
		cli(pgtest.PasswordRolePassword, args...)
	}
	if code, out := cli(wrong, "history"); code == exitOK {
		t.Logf("this server does not ask %s for a password (pg_hba.conf): the wrong password went unchecked\n%s", pgtest.PasswordRole, out)
	} else if !strings.Contains(out, "connecting to the state database") {
		t.Errorf("a wrong password: exit %d\n%s", code, out)
	}
	withPassword := strings.Replace(url, "://"+pgtest.PasswordRole+"@", "://"+pgtest.PasswordRole+":"+wrong+"@", 1)
	cmd := exec.Command("syncform", "--chdir", dir, "--state", withPassword, "history")
	out, _ := cmd.CombinedOutput()
	all.Write(out)
	if cmd.ProcessState.ExitCode() != exitError || !strings.Contains(string(out), "--state: the PostgreSQL URL carries a password") {
		t.Errorf("a URL with a password: exit %d\n%s", cmd.ProcessState.ExitCode(), out)
	}

	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			all.Write(b)
		}
		return err
	})
	for _, pw := range []string{pgtest.PasswordRolePassword, wrong} {
		if strings.Contains(all.String(), pw) {
			t.Errorf("a password appears in syncform's output or files: %s", pw)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "unused-state.db")); err == nil {
		t.Error("the connection block's state was opened although --state names another")
	}
	if !strings.Contains(all.String(), `"outcome": "succeeded"`) {
		t.Error("the history on PostgreSQL lacks the apply")
	}
}
