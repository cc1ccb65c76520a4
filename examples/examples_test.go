package examples

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/fixture"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// TestExamples plans every example against a new sandbox, applies it, and
// checks that the plan after it is empty: every example must apply cleanly.
func TestExamples(t *testing.T) {
	dirs, _ := filepath.Glob("*/main.hcl")
	if len(dirs) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(dir, func(t *testing.T) {
			ctx := context.Background()
			cfg, diags := config.Load(dir, config.Options{Env: os.LookupEnv})
			for _, d := range diags {
				t.Errorf("%s", fixture.Describe(d))
			}
			if diags.HasErrors() {
				t.FailNow()
			}
			tmp := t.TempDir()
			sb, err := sandbox.Open(ctx, filepath.Join(tmp, "sandbox.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			if err := sb.AddCustomFields(ctx, CustomFields[dir]); err != nil {
				t.Fatal(err)
			}
			journal, err := state.Open(ctx, filepath.Join(tmp, "state.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer journal.Close()

			for round := 1; round <= 2; round++ {
				live, err := sb.Snapshot(ctx)
				if err != nil {
					t.Fatal(err)
				}
				plan, diags := planner.Plan(cfg, live)
				for _, d := range diags {
					if d.Severity == hcl.DiagError {
						t.Errorf("round %d: %s", round, fixture.Describe(d))
					}
				}
				if round == 1 {
					if len(plan.Actions) < 3 {
						t.Errorf("an example should plan several changes on a new sandbox, got %d", len(plan.Actions))
					}
					if _, err := reconciler.Apply(ctx, sb, plan, reconciler.Options{Journal: journal, Connection: "example"}); err != nil {
						t.Fatalf("apply: %v", err)
					}
					continue
				}
				if !plan.Empty() {
					t.Errorf("the plan after apply is not empty: %+v", plan.Actions)
				}
			}
		})
	}
}
