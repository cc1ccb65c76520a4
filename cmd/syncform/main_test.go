package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testscript files and golden files")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"syncform": func() { os.Exit(Main()) }})
}

// TestScripts runs the CLI scenarios of testdata/script: each is a txtar
// archive of files and commands, run in a fresh directory with a fresh
// sandbox.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			// Scenarios that run the repository's own files (examples)
			// find them here.
			repo, err := filepath.Abs(filepath.Join("..", ".."))
			env.Setenv("REPO", repo)
			return err
		},
	})
}
