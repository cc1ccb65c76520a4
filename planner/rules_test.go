package planner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/fixture"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
)

// seeded is the snapshot of a newly created sandbox, read once.
var seeded *syncform.Snapshot

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "planner-test")
	if err != nil {
		panic(err)
	}
	sb, err := sandbox.Open(context.Background(), filepath.Join(dir, "sandbox.db"))
	if err != nil {
		panic(err)
	}
	seeded, err = sb.Snapshot(context.Background())
	sb.Close()
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// live returns a copy of the seeded snapshot with extra generated custom
// fields on Account, Lead and Contact (Extra_001__c …), so limit fixtures
// have fields to map.
func live(t *testing.T) *syncform.Snapshot {
	t.Helper()
	s := *seeded
	s.SObjects = map[string]syncform.SObject{}
	for name, so := range seeded.SObjects {
		so.Fields = append([]syncform.SalesforceField(nil), so.Fields...)
		if name == "Account" || name == "Lead" || name == "Contact" {
			for i := 1; i <= 520; i++ {
				so.Fields = append(so.Fields, syncform.SalesforceField{Name: fmt.Sprintf("Extra_%03d__c", i), Label: fmt.Sprintf("Extra %d", i), Type: syncform.SFString, Custom: true})
			}
		}
		s.SObjects[name] = so
	}
	s.Sort()
	return &s
}

// TestRuleFixtures plans every testdata/rules/<slug>/{fail,pass}.hcl against
// a new sandbox: each fail file must produce exactly its marked findings, all
// of its rule; each pass file must plan cleanly.
func TestRuleFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/rules/*")
	if len(dirs) == 0 {
		t.Fatal("no rule fixtures")
	}
	covered := map[string]bool{}
	for _, dir := range dirs {
		slug := filepath.Base(dir)
		covered[slug] = true
		for _, kind := range []string{"fail", "pass"} {
			file := filepath.Join(dir, kind+".hcl")
			t.Run(slug+"/"+kind, func(t *testing.T) {
				if _, err := os.Stat(file); err != nil {
					t.Fatalf("missing fixture: %v", err)
				}
				cfg, diags := config.LoadFiles(dir, []string{file}, config.Options{})
				if diags.HasErrors() {
					t.Fatalf("fixture does not load: %v", diags)
				}
				_, diags = planner.Plan(cfg, live(t))
				want := fixture.Expectations(t, file)
				if kind == "fail" && len(want) == 0 {
					t.Fatal("a fail fixture must mark at least one finding")
				}
				fixture.Check(t, diags, want)
				for _, d := range diags {
					if got := planner.RuleOf(d); got != slug {
						t.Errorf("finding of rule %q in the %s fixture: %s", got, slug, fixture.Describe(d))
					}
				}
			})
		}
	}
	for _, r := range planner.Rules() {
		if !covered[r.Slug] {
			t.Errorf("rule %s has no fixtures in testdata/rules/%s", r.Slug, r.Slug)
		}
	}
}
