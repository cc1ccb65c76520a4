package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
)

// TestKillBetweenMappingAndBackfill kills apply with SIGKILL after it created
// a mapping and before that mapping's back-fill finished (right after the
// creation, and in the middle of the first job), and runs apply again: the
// back-fill runs to completion exactly once (one successful job per
// direction), and every pair then holds what two_way requires.
func TestKillBetweenMappingAndBackfill(t *testing.T) {
	for _, at := range []string{"create companies.mapping.seats: done", "companies.backfill.to_hubspot: started"} {
		t.Run(at, func(t *testing.T) { killAndResume(t, at) })
	}
}

func killAndResume(t *testing.T, killAt string) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, ".syncform", "sandbox.db")
	// Enough companies that the back-fill is still running when the kill lands.
	if err := sandbox.Seed(ctx, db, sandbox.SeedOptions{Contacts: 10, Companies: 30000, Deals: 10, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}
`), 0o644)

	cmd := exec.Command("syncform", "--chdir", dir, "apply", "--auto-approve")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), killAt) {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("apply never reported the mapping's creation")
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("apply was not killed: %v", cmd.ProcessState)
	}

	// The next plan has no mapping to create, only the journalled back-fills.
	out := run2(t, "--chdir", dir, "plan")
	if strings.Contains(out, "+ companies.mapping.seats") || !strings.Contains(out, "outstanding back-fill of an interrupted apply") {
		t.Fatalf("plan after the crash:\n%s", out)
	}
	out = run2(t, "--chdir", dir, "apply", "--auto-approve")
	if !strings.Contains(out, "back-fills finished") && !strings.Contains(out, "back-fill finished") {
		t.Fatalf("re-run:\n%s", out)
	}
	if out := run2(t, "--chdir", dir, "plan"); !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after the re-run:\n%s", out)
	}

	sb, err := sandbox.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	jobs, err := sb.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	succeeded := map[syncform.Direction]int{}
	for _, j := range jobs {
		if j.State == syncform.JobSucceeded {
			succeeded[j.Backfill.Direction]++
		}
	}
	if succeeded[syncform.ToHubSpot] != 1 || succeeded[syncform.ToSalesforce] != 1 {
		t.Errorf("successful jobs by direction: %v (all jobs: %d); want exactly one each", succeeded, len(jobs))
	}
	mismatched := 0
	sb.Pairs(ctx, syncform.Companies, func(p sandbox.Pair) error {
		if p.HubSpot["seats"].V != p.Salesforce["Seats__c"].V {
			mismatched++
		}
		return nil
	})
	if mismatched > 0 {
		t.Errorf("%d companies hold different seats on each side after a two_way back-fill", mismatched)
	}
}

// run2 runs syncform and returns stdout and stderr together, failing the
// test on a non-zero exit.
func run2(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("syncform", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("syncform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
