package config

import (
	"path/filepath"
	"testing"

	"github.com/syncform/syncform/internal/fixture"
)

// env is the environment every fixture sees.
func env(name string) (string, bool) {
	v, ok := map[string]string{"SALESFORCE_TOKEN": "00Dxx-secret-token"}[name]
	return v, ok
}

// TestInvalidFixtures loads each testdata/invalid file on its own and checks
// its diagnostics against the # ERROR markers it carries.
func TestInvalidFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.hcl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, diags := LoadFiles("testdata/invalid", []string{f}, Options{Env: env})
			want := fixture.Expectations(t, f)
			if len(want) == 0 {
				t.Fatal("fixture has no markers")
			}
			fixture.Check(t, diags, want)
		})
	}
}
