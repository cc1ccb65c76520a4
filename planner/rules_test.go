package planner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/fixture"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
)

// seeded is the snapshot of a newly created sandbox, read once; sb stays
// open for record lookups.
var (
	seeded *syncform.Snapshot
	sb     *sandbox.Sandbox
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "planner-test")
	if err != nil {
		panic(err)
	}
	sb, err = sandbox.Open(context.Background(), filepath.Join(dir, "sandbox.db"))
	if err != nil {
		panic(err)
	}
	seeded, err = sb.Snapshot(context.Background())
	if err != nil {
		panic(err)
	}
	code := m.Run()
	sb.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// live returns a copy of the seeded snapshot with extra generated custom
// fields on Account, Lead and Contact (Extra_001__c …), so limit fixtures
// have fields to map, and with only the HubSpot owners that match a
// Salesforce user: the seed's unmatched owners would otherwise warn in every
// plan (the owner-unmatched tests use allOwners).
func live(t *testing.T) *syncform.Snapshot {
	s := allOwners(t)
	var matched []syncform.Owner
	for _, o := range s.Owners {
		if _, ok := syncform.MatchOwner(o, s.Users); ok {
			matched = append(matched, o)
		}
	}
	s.Owners = matched
	return s
}

// allOwners is live with every seeded owner.
func allOwners(t *testing.T) *syncform.Snapshot {
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

// fixtureLive is the live state a rule's fixtures are planned against: the
// seeded sandbox, where every HubSpot owner matches a Salesforce user except
// in the owner-unmatched fixtures (the seed's unmatched owners would
// otherwise warn in every fixture), and where mappings can only be changed
// by hand in the manual-step fixtures.
//
// The records the configuration names are looked up in the sandbox as the
// CLI does, through reconciler.Observe.
func fixtureLive(t *testing.T, slug string, cfg *config.Config) *syncform.Snapshot {
	s := live(t)
	switch slug {
	case "owner-unmatched":
		s = allOwners(t)
	case "manual-step":
		s.Manual = []syncform.Resource{syncform.ResourceMapping}
	}
	snap, err := reconciler.Observe(context.Background(), fixed{sb, s}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// fixed is the sandbox with its snapshot replaced by a test's.
type fixed struct {
	syncform.Provider
	snap *syncform.Snapshot
}

func (f fixed) Snapshot(context.Context) (*syncform.Snapshot, error) { return f.snap, nil }

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
				snap := fixtureLive(t, slug, cfg)
				res, diags := planner.Plan(cfg, snap)
				for _, n := range res.Notes {
					diags = append(diags, &hcl.Diagnostic{Severity: fixture.Note, Summary: n.Summary, Detail: n.Detail, Subject: n.Range.Ptr(), Extra: planner.Finding{Rule: n.Rule}})
				}
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
