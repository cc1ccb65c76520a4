package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenMarkdown renders plans as pull-request comments against golden
// files (go test -update rewrites them): the quickstart's plan, a plan with
// errors, and an empty one.
func TestGoldenMarkdown(t *testing.T) {
	quick := mustRead(t, filepath.Join("..", "..", "examples", "quickstart", "main.hcl"))
	cases := map[string]string{
		"quickstart.plan.md": quick,
		"errors.plan.md": `object "companies" {
  mapping "is_partner" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}`,
		"empty.plan.md": `object "companies" {}
rules {
  owner-unmatched = "off"
}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			golden, _ := filepath.Abs(filepath.Join("testdata", "golden", name))
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644)
			t.Chdir(dir)
			a, out, _ := testApp("", false)
			run(context.Background(), a, []string{"plan", "--format", "markdown"})
			// The connection's hash and the version vary by machine and build.
			got := normalizeMarkdown(out.String())
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("markdown differs from %s (run with -update to accept):\n%s", name, got)
			}
			if len(out.String()) >= markdownLimit {
				t.Errorf("comment of %d characters", len(out.String()))
			}
		})
	}
}

func normalizeMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "<!-- syncform:plan connection="):
			lines[i] = "<!-- syncform:plan connection=CONNECTION -->"
		case strings.HasPrefix(l, "<sub>syncform "):
			lines[i] = "<sub>syncform VERSION</sub>"
		}
	}
	return strings.Join(lines, "\n")
}

// TestMarkdownStaysUnderTheLimit: a plan far too long for a comment still
// renders under GitHub's 65,536 characters, saying where the rest is.
func TestMarkdownStaysUnderTheLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("object \"companies\" {\n")
	for i := 1; i <= 450; i++ {
		name := fmt.Sprintf("big_%s_%03d", strings.Repeat("x", 40), i)
		b.WriteString("  property \"" + name + "\" {\n    label = \"" + strings.Repeat("A long label ", 6) + "\"\n    type = \"text\"\n    description = \"" + strings.Repeat("A long description. ", 8) + "\"\n  }\n")
	}
	b.WriteString("}\n")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(b.String()), 0o644)
	t.Chdir(dir)
	a, out, errb := testApp("", false)
	if code := run(context.Background(), a, []string{"plan", "--format", "markdown"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if n := len(out.String()); n >= markdownLimit || !strings.Contains(out.String(), "too many to list") {
		t.Errorf("a %d-character comment; want it folded under %d", n, markdownLimit)
	}
}

// TestMarkdownMarkerOfABrokenConfiguration: a configuration too broken to
// name its connection gets a marker of its own directory, not the one
// every broken configuration would share.
func TestMarkdownMarkerOfABrokenConfiguration(t *testing.T) {
	marker := func(dir string) string {
		t.Chdir(dir)
		os.WriteFile(filepath.Join(dir, "main.hcl"), []byte("object \"companies\" {\n  sync = \n}\n"), 0o644)
		a, out, _ := testApp("", false)
		run(context.Background(), a, []string{"plan", "--format", "markdown"})
		first, _, _ := strings.Cut(out.String(), "\n")
		if !strings.HasPrefix(first, "<!-- syncform:plan connection=") {
			t.Fatalf("no marker: %q", out)
		}
		return first
	}
	one, two := marker(t.TempDir()), marker(t.TempDir())
	if empty := "<!-- syncform:plan connection=e3b0c44298fc -->"; one == two || one == empty {
		t.Errorf("two broken configurations share the marker %s", one)
	}
}
