// Package testutil builds the environment tests of several packages share:
// a configuration, a sandbox and a state journal in a temporary directory.
// It is for tests only.
package testutil

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// Env is a temporary directory holding a sandbox and a journal, closed
// when the test ends.
type Env struct {
	t       *testing.T
	Dir     string
	Sandbox *sandbox.Sandbox
	Journal *state.DB
}

// New opens a new sandbox (seeded with seed when it is not nil) and a
// journal in a temporary directory.
func New(t *testing.T, seed *sandbox.SeedOptions) *Env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox.db")
	if seed != nil {
		if err := sandbox.Seed(ctx, path, *seed); err != nil {
			t.Fatal(err)
		}
	}
	sb, err := sandbox.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	j, err := state.Open(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return &Env{t: t, Dir: dir, Sandbox: sb, Journal: j}
}

// Options are apply options that journal to the env's state database.
func (e *Env) Options() reconciler.Options {
	return reconciler.Options{Journal: e.Journal, Connection: "test"}
}

// Config writes src as the directory's main.hcl and loads it; a
// configuration with errors fails the test.
func (e *Env) Config(src string) *config.Config {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.Dir, "main.hcl"), []byte(src), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return Load(e.t, e.Dir)
}

// Load loads the configuration of dir; errors fail the test.
func Load(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg, diags := config.Load(dir, config.Options{Env: os.LookupEnv})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return cfg
}
