package planner_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md from the catalog and the fixtures")

// markerComment strips the test markers from a fixture shown as an example.
var markerComment = regexp.MustCompile(`\s*#\s*(ERROR|WARNING|NOTE):.*$`)

// TestRulesDoc keeps docs/rules.md equal to what the catalog and the rule
// fixtures say: each rule's explanation, its bad example (fail.hcl, whose
// markers become the findings shown) and its good example (pass.hcl).
func TestRulesDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString(`# Rules

Every documented constraint of the HubSpot–Salesforce connector is a rule that
` + "`syncform plan`" + ` checks before anything is written. An **error** stops the
plan; a **warning** is shown and can be tuned; an **info** note tells of a
step a person must take. ` + "`syncform rules`" + ` lists them; ` + "`syncform rules SLUG`" + `
explains one.

A ` + "`rules`" + ` block turns a warning off or raises it to an error; errors
cannot be relaxed:

` + "```hcl" + `
rules {
  no-backfill     = "error"
  owner-unmatched = "off"
}
` + "```" + `

This file is generated from the rule catalog (planner/rules.go) and the rule
fixtures (planner/testdata/rules), which the tests plan against the sandbox:
` + "`go test ./planner -run TestRulesDoc -update`" + ` rewrites it.

| rule | severity | what |
|---|---|---|
`)
	for _, r := range planner.Rules() {
		sev := string(r.Severity)
		if r.Warns {
			sev += " (warning first)"
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", r.Slug, r.Slug, sev, r.Summary)
	}
	for _, r := range planner.Rules() {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** · %s\n\n%s\n", r.Slug, r.Severity, r.Summary, r.Explain)
		bad := readFixture(t, r.Slug, "fail.hcl")
		good := readFixture(t, r.Slug, "pass.hcl")
		fmt.Fprintf(&b, "\nBad:\n\n```hcl\n%s```\n", stripMarkers(bad))
		b.WriteString("\nplan reports:\n\n")
		for _, f := range findingsOf(t, r.Slug) {
			b.WriteString("- " + f + "\n")
		}
		fmt.Fprintf(&b, "\nGood:\n\n```hcl\n%s```\n", stripMarkers(good))
	}
	path := filepath.Join("..", "docs", "rules.md")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != b.String() {
		t.Errorf("docs/rules.md is out of date (%v): run go test ./planner -run TestRulesDoc -update", err)
	}
}

func readFixture(t *testing.T, slug, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "rules", slug, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func stripMarkers(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		lines[i] = markerComment.ReplaceAllString(l, "")
	}
	return strings.Join(lines, "\n")
}

// findingsOf plans a rule's bad example as TestRuleFixtures does and
// renders each finding: severity, line, and the sentence that is particular
// to this instance (the rule's explanation follows it in the real output).
func findingsOf(t *testing.T, slug string) []string {
	dir := filepath.Join("testdata", "rules", slug)
	file := filepath.Join(dir, "fail.hcl")
	cfg, diags := config.LoadFiles(dir, []string{file}, config.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	res, diags := planner.Plan(cfg, fixtureLive(t, slug, cfg))
	r, _ := planner.LookupRule(slug)
	var out []string
	for _, d := range planner.DiagnosticsJSON(diags, res.Notes) {
		particular := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(d.Detail, " ["+slug+"]"), r.Explain))
		particular = strings.ReplaceAll(particular, "\n- ", "\n  - ")
		out = append(out, fmt.Sprintf("%s, line %d: %s", d.Severity, d.Range.Start.Line, particular))
	}
	return out
}
