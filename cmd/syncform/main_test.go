package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/syncform/syncform/internal/testutil/pgtest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testscript files and golden files")

func TestMain(m *testing.M) {
	testscript.Main(pgtest.Wrap(m), map[string]func(){"syncform": func() {
		a := newSystemApp()
		if os.Getenv(overHTTPEnv) == "1" {
			a.serve = serveOverHTTP
		}
		if point := os.Getenv(holdEnv); point != "" {
			a.serve = holdAt(point)
		}
		os.Exit(mainApp(a))
	}})
}

// TestScripts runs the CLI scenarios of testdata/script: each is a txtar
// archive of files and commands, run in a fresh directory with a fresh
// sandbox.
func TestScripts(t *testing.T) { runScripts(t, false) }

// TestScriptsOverHTTP is the conformance suite: the same scenarios, with
// every sandbox served over HTTP and reached through the hubspot provider
// (serveOverHTTP), must give the same output.
func TestScriptsOverHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("the scenarios over HTTP take a while; run without -short")
	}
	runScripts(t, true)
}

func runScripts(t *testing.T, overHTTP bool) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update && !overHTTP,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			if overHTTP {
				env.Setenv(overHTTPEnv, "1")
			}
			// Scenarios that run the repository's own files (examples)
			// find them here.
			repo, err := filepath.Abs(filepath.Join("..", ".."))
			env.Setenv("REPO", repo)
			return err
		},
	})
}
