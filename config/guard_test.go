package config

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/fixture"
)

// loadSource loads src as the one file of a configuration.
func loadSource(t *testing.T, src string, opts Options) (*Config, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", src)
	return Load(dir, opts)
}

// TestNestingBound: a file nested past MaxNesting, in any of the ways HCL
// recurses, is one error at the token where it passes the bound (parsing
// it used to overflow the stack, which kills the process); just under the
// bound it loads.
func TestNestingBound(t *testing.T) {
	n := MaxNesting + 1
	tests := []struct {
		name, expr string
		col        int // where the error must point, on line 2
	}{
		{"brackets", strings.Repeat("[", n) + strings.Repeat("]", n), 7 + MaxNesting - 1},
		{"objects", strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n), 7 + 3*(MaxNesting-1)},
		{"parentheses", strings.Repeat("(", n) + "1" + strings.Repeat(")", n), 7 + MaxNesting - 1},
		{"templates", `"` + strings.Repeat(`${"`, n) + strings.Repeat(`"}`, n) + `"`, 0},
		{"directives", `"` + strings.Repeat(`%{if true}`, n) + strings.Repeat(`%{endif}`, n) + `"`, 0},
		{"binary operators", "1" + strings.Repeat("+1", 100000), 0},
		{"unary operators", strings.Repeat("!", 100000) + "true", 0},
		{"conditionals", strings.Repeat("true ? ", n) + "1" + strings.Repeat(" : 2", n), 0},
		{"a megabyte of brackets", strings.Repeat("[", MaxTokens-100), 7 + MaxNesting - 1},
		// A splat is an index and a splat: two operators.
		{"splats", "local.l" + strings.Repeat("[*]", 200000), 14 + 3*(MaxNesting/2-2) + 1},
		// Chains HCL builds in a loop, at more than a kilobyte a step:
		// 8 MiB of "[0]" took 4 GB to load.
		{"indexes", "local.l" + strings.Repeat("[0]", 200000), 0},
		{"megabytes of indexes", "local.l" + strings.Repeat("[0]", MaxTokens/3-100), 0},
		{"attributes", "local.l" + strings.Repeat(".a", 200000), 0},
		{"indexes of a call", "f()" + strings.Repeat(`["k"]`, 200000), 0},
		{"splats and attributes", "local.l" + strings.Repeat("[*].a", 200000), 0},
		{"attribute splats", "local.l" + strings.Repeat(".*", 200000), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := loadSource(t, "locals {\n  a = "+tt.expr+"\n}\n", Options{})
			if len(diags) != 1 || diags[0].Summary != "Configuration nested too deeply" || diags[0].Subject == nil || diags[0].Subject.Start.Line != 2 {
				t.Fatalf("diagnostics: %v", diags)
			}
			if tt.col != 0 && diags[0].Subject.Start.Column != tt.col {
				t.Errorf("column %d, want %d", diags[0].Subject.Start.Column, tt.col)
			}
			if _, fdiags := Format("main.hcl", []byte("a = "+tt.expr+"\n")); !fdiags.HasErrors() {
				t.Error("Format accepted it")
			}
		})
	}

	// Under the bound: a deep value, and long chains that separators
	// (commas, newlines in a body) keep shallow.
	ok := []string{
		strings.Repeat("[", MaxNesting-10) + strings.Repeat("]", MaxNesting-10),
		"[" + strings.Repeat("!true, ", 5000) + "]",
		`"` + strings.Repeat(`%{if true}x%{endif}`, 5000) + `"`,
	}
	var lines strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&lines, "  b%d = 1 + 1\n", i)
	}
	for _, expr := range ok {
		if _, diags := loadSource(t, "locals {\n  a = "+expr+"\n"+lines.String()+"}\n", Options{}); len(diags) != 0 {
			t.Errorf("%.40s…: %v", expr, diags)
		}
	}

	// A comment that the first 64 KiB leave open is no code: brackets and
	// operators in it count for nothing (the heredoc makes the byte scan
	// leave the file to the tokens).
	comment := "/*\n (" + strings.Repeat("- x\n", 20000) + " */\nlocals {\n  c = <<EOT\nx\nEOT\n}\n"
	if _, diags := loadSource(t, comment, Options{}); len(diags) != 0 {
		t.Errorf("a long comment: %v", diags)
	}
}

// TestVarValueDiagnostics: a value from --var or SYNCFORM_VAR_ that is not
// of the variable's type points at the variable's declaration (it used to
// have no position at all), and one nested too deeply is refused before it
// is parsed.
func TestVarValueDiagnostics(t *testing.T) {
	src := "\nvariable \"n\" {\n  type = number\n}\n"
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Vars: []string{"n=[1,"}}, "not a valid expression of type number (missing expression)"},
		{Options{Vars: []string{"n=upper(1)"}}, "may not refer to variables or call functions"},
		{Options{Vars: []string{`n="abc"`}}, "is not a number"},
		{Options{Vars: []string{"n=" + strings.Repeat("[", 1<<20)}}, "nests more than 1000 levels deep"},
		{Options{Env: envOf("SYNCFORM_VAR_n", "{")}, "environment variable SYNCFORM_VAR_n"},
	}
	for _, tt := range tests {
		_, diags := loadSource(t, src, tt.opts)
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, tt.want) || diags[0].Subject == nil || diags[0].Subject.Start.Line != 2 {
			t.Errorf("%.60v: %v, want one error on line 2 containing %q", tt.opts, diags, tt.want)
		}
	}
}

// TestLocalsScale: locals are evaluated in dependency order in linear
// time. A chain of 50,000 written last-first used to take one pass per
// link (hours at 100,000, which MaxTokens no longer lets one load hold);
// a cycle through all of them is reported link by link.
func TestLocalsScale(t *testing.T) {
	const n = 50000
	var chain, cycle strings.Builder
	chain.WriteString("locals {\n")
	cycle.WriteString("locals {\n")
	for i := range n {
		fmt.Fprintf(&chain, "  l%06d = local.l%06d + 1\n", i, i+1)
		fmt.Fprintf(&cycle, "  c%06d = local.c%06d\n", i, (i+1)%n)
	}
	fmt.Fprintf(&chain, "  l%06d = 0\n}\n", n)
	cycle.WriteString("}\n")
	src := chain.String() + cycle.String() + `
object "companies" {
  resync {
    to_hubspot = "import"
    batch_size = local.l000000
  }
}
`
	start := time.Now()
	cfg, diags := loadSource(t, src, Options{})
	// A bound for a blow-up (quadratic, this took about an hour), not a speed: 3 s
	// here, and 2 minutes beside other work on a saturated 2-core machine.
	if took := time.Since(start); took > 5*time.Minute {
		t.Errorf("took %v", took)
	}
	if len(diags) != n {
		t.Fatalf("%d diagnostics, want one per local on the cycle", len(diags))
	}
	for _, d := range diags {
		if d.Summary != "Circular reference between local values" {
			t.Fatalf("unexpected: %s", fixture.Describe(d))
		}
	}
	if got := cfg.Object(syncform.Companies).Resync.BatchSize; got != n {
		t.Errorf("batch_size = %d, want %d", got, n)
	}
}

// TestGuardsFixture: the function guards and the positioned checks, by
// their markers (testdata/invalid/guards.hcl), and the values that pass.
func TestGuardsFixture(t *testing.T) {
	const f = "testdata/invalid/guards.hcl"
	cfg, diags := LoadFiles("testdata/invalid", []string{f}, Options{})
	fixture.Check(t, diags, fixture.Expectations(t, f))
	for _, d := range diags {
		if strings.Contains(d.Detail, "goroutine") {
			t.Errorf("a stack in a diagnostic: %s", d.Detail)
		}
	}
	if m := cfg.Object(syncform.Contacts).Mapping("fax"); m == nil || m.SalesforceField != "Fax" || m.Rule != syncform.TwoWay {
		t.Errorf("fax = %+v", m)
	}
}

// TestSuggestionsAreStable: the "Did you mean" of an unknown variable or
// function is the same on every load. HCL took the first close name of a
// map, so "cal" suggested var on one run and local on the next (found by
// FuzzLoad: testdata/fuzz/FuzzLoad/4b071b5edeb177ac).
func TestSuggestionsAreStable(t *testing.T) {
	src := `
connection {
  provider = cal
}
locals {
  a = lowr("X")
  b = rang(3)
  c = mapping.value
}
`
	want := map[string]string{
		`"cal"`:     `Did you mean "local"?`,
		`"lowr"`:    `Did you mean "lower"?`,
		`"rang"`:    `Did you mean "range"?`,
		`"mapping"`: "", // nothing is near
	}
	first := ""
	for range 30 {
		_, diags := loadSource(t, src, Options{})
		var got strings.Builder
		for _, d := range diags {
			fmt.Fprintf(&got, "%d: %s: %s\n", d.Subject.Start.Line, d.Summary, d.Detail)
		}
		if first == "" {
			first = got.String()
			for name, suggestion := range want {
				found := false
				for _, d := range diags {
					if strings.Contains(d.Detail, name) {
						found = true
						if !strings.HasSuffix(d.Detail, name+".") && (suggestion == "" || !strings.Contains(d.Detail, suggestion)) {
							t.Errorf("%s", d.Detail)
						}
					}
				}
				if !found {
					t.Errorf("nothing reported for %s: %v", name, diags)
				}
			}
		}
		if got.String() != first {
			t.Fatalf("a later load reports differently:\n%s\n%s", first, got.String())
		}
	}
}

// TestEveryRangeNamesAFile: what HCL recovers of an unclosed call is a
// call whose missing-argument error has a range of no file and line 0
// (rendered "on  line 0"); it echoes the syntax error and is dropped
// (found by FuzzLoad: testdata/fuzz/FuzzLoad/2825fcf25f73ec86).
func TestEveryRangeNamesAFile(t *testing.T) {
	for _, src := range []string{"locals{A=regex(", "locals {\n  a = format(\n", "object \"contacts\" {\n  sync = upper(\n"} {
		_, diags := loadSource(t, src, Options{})
		if !diags.HasErrors() {
			t.Errorf("%q: no error", src)
		}
		for _, d := range diags {
			if d.Subject == nil || d.Subject.Filename == "" || d.Subject.Start.Line < 1 {
				t.Errorf("%q: %s", src, fixture.Describe(d))
			}
		}
	}
}

// TestBinaryAndNoise: a file of control characters is refused at the
// first of them, in one diagnostic (a megabyte of NUL bytes was a million
// diagnostics, 440 MB and 20 s); a run of invalid characters is one
// diagnostic (and the missing newline HCL reports after it); and a load reports at most MaxDiagnostics.
func TestBinaryAndNoise(t *testing.T) {
	_, diags := loadSource(t, "locals {\n  a = 1 "+strings.Repeat("\x00", 1<<20)+"\n}\n", Options{})
	if len(diags) != 1 || diags[0].Summary != "Not a text file" || diags[0].Subject.Start.Line != 2 || diags[0].Subject.Start.Column != 9 {
		t.Errorf("NUL bytes: %v", diags)
	}
	_, diags = loadSource(t, "locals {\n  a = 1 "+strings.Repeat("\x00", maxBinaryBytes)+"\n}\n", Options{})
	if len(diags) != 2 || diags[0].Summary != "Invalid character" || diags[0].Subject.End.Column != 9+maxBinaryBytes {
		t.Errorf("a run of NUL bytes: %v", diags)
	}
	_, diags = loadSource(t, strings.Repeat("@ ", MaxDiagnostics+10), Options{})
	if len(diags) != MaxDiagnostics+1 || diags[MaxDiagnostics].Summary != "Too many problems" || !strings.Contains(diags[MaxDiagnostics].Detail, "more problems are not shown") {
		t.Errorf("%d diagnostics, the last %v", len(diags), diags[len(diags)-1])
	}
}
