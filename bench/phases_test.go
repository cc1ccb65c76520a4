package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/examples"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// largeDir is examples/large, relative to this package.
var largeDir = filepath.Join("..", "examples", "large")

// largeFields is how many custom fields examples/large maps on one object
// at the most (README.md there).
var largeFields = examples.CustomFields["large"]

func loadLarge(b *testing.B) *config.Config {
	b.Helper()
	cfg, diags := config.Load(largeDir, config.Options{Env: os.LookupEnv})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return cfg
}

// largeSandbox is a new sandbox with the fields examples/large maps, with
// the example applied when applied is set.
func largeSandbox(b *testing.B, applied bool) *sandbox.Sandbox {
	b.Helper()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, filepath.Join(b.TempDir(), "sandbox.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sb.Close() })
	if err := sb.AddCustomFields(ctx, largeFields); err != nil {
		b.Fatal(err)
	}
	if applied {
		journal, err := state.Open(ctx, filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer journal.Close()
		opts := reconciler.Options{Journal: journal, Connection: "bench"}
		_, plan, _, err := reconciler.PlanLive(ctx, sb, loadLarge(b), opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := reconciler.Apply(ctx, sb, plan, opts); err != nil {
			b.Fatal(err)
		}
	}
	return sb
}

// BenchmarkLoadLarge: examples/large's HCL to a configuration, as the
// example writes it (dynamic blocks) and as syncform import writes the same
// settings (3,000 literal blocks, 322 KB).
func BenchmarkLoadLarge(b *testing.B) {
	b.Run("dynamic", func(b *testing.B) {
		for b.Loop() {
			loadLarge(b)
		}
	})
	b.Run("literal", func(b *testing.B) {
		live, err := largeSandbox(b, true).Snapshot(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		src := config.Generate(live, config.Connection{Provider: "sandbox"})
		if err := os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, diags := config.Load(dir, config.Options{}); diags.HasErrors() {
				b.Fatal(diags)
			}
		}
	})
}

// BenchmarkOpenSandbox: opening a sandbox file (its checks included).
func BenchmarkOpenSandbox(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "sandbox.db")
	sb, err := sandbox.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	sb.AddCustomFields(ctx, largeFields)
	sb.Close()
	for b.Loop() {
		sb, err := sandbox.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		sb.Close()
	}
}

// BenchmarkPlanLargePhases times each phase of a plan of examples/large on
// the sandbox, new (2,937 changes) and applied (none).
func BenchmarkPlanLargePhases(b *testing.B) {
	ctx := context.Background()
	cfg := loadLarge(b)
	for _, tc := range []struct {
		name    string
		applied bool
	}{{"changes", false}, {"nochanges", true}} {
		sb := largeSandbox(b, tc.applied)
		b.Run("observe/"+tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := reconciler.Observe(ctx, sb, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
		live, err := reconciler.Observe(ctx, sb, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("planner/"+tc.name, func(b *testing.B) {
			for b.Loop() {
				planner.Plan(cfg, live)
			}
		})
		b.Run("estimate/"+tc.name, func(b *testing.B) {
			for b.Loop() {
				plan, _ := planner.Plan(cfg, live)
				if err := reconciler.Estimate(ctx, sb, plan); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
