package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/fixture"
	"github.com/syncform/syncform/providers/sandbox"
)

// hostileEnv is the environment of every hostile case: a secret for env()
// (which must never be printed), and a broken SYNCFORM_VAR_ value for the
// case that declares hostile_count.
var hostileEnv = map[string]string{
	"HOSTILE_TOKEN":              "hostile-secret-0xC0FFEE",
	"SYNCFORM_VAR_hostile_count": "[1, 2",
	"NO_COLOR":                   "1",
}

// hostileRunBound is the safety bound on one command of one case: far above
// what any takes, it only turns a hang into a failure.
const hostileRunBound = 2 * time.Minute

// hostileCase is one configuration of testdata/hostile, or one generated
// here (too large or too deep to keep in git).
type hostileCase struct {
	name  string
	files map[string][]byte
	args  []string // after the command: --var, --var-file
	want  []fixture.Expectation
	setup func(t *testing.T, dir string) // after the files are written
}

// TestHostileConfigurations runs plan and apply --auto-approve on every
// hostile case, each in a new directory with a new sandbox: each must exit
// 1 without panicking, report at least one error with a position and every
// error its # ERROR markers expect (at the marked line), never print the
// secret, and leave the sandbox's snapshot byte for byte as it was.
func TestHostileConfigurations(t *testing.T) {
	cases := append(append(hostileCorpus(t), generatedHostileCases()...), hostileInputCases()...)
	if len(cases) < 40 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	template := newSandboxTemplate(t)
	type timing struct {
		name string
		took time.Duration
	}
	var times []timing
	for _, hc := range cases {
		t.Run(hc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range hc.files {
				writeTestFile(t, filepath.Join(dir, name), b)
			}
			if hc.setup != nil {
				hc.setup(t, dir)
			}
			db := filepath.Join(dir, ".syncform", "sandbox.db")
			writeTestFile(t, db, template)
			t.Chdir(dir)
			before := snapshotJSON(t, db)
			var took time.Duration
			for _, cmd := range [][]string{{"plan"}, {"apply", "--auto-approve"}} {
				args := append(cmd, hc.args...)
				r := runBounded(args)
				took += r.took
				what := strings.Join(cmd, " ")
				switch {
				case r.hung:
					t.Fatalf("%s did not finish within %v", what, hostileRunBound)
				case r.panic != "":
					t.Fatalf("%s panicked: %s", what, r.panic)
				case r.code != exitError:
					t.Errorf("%s: exit %d, want %d\n%s", what, r.code, exitError, clipped(r.stderr))
				}
				checkHostileStderr(t, what, r.stderr, hc.want)
				checkHostileOutput(t, what, r.stdout+r.stderr)
			}
			if after := snapshotJSON(t, db); !bytes.Equal(before, after) {
				t.Errorf("the sandbox changed:\nbefore %s\nafter  %s", clipped(string(before)), clipped(string(after)))
			}
			times = append(times, timing{hc.name, took})
		})
	}
	slices.SortFunc(times, func(a, b timing) int { return int(b.took - a.took) })
	for i, tm := range times[:min(5, len(times))] {
		t.Logf("slowest %d: %s, plan and apply in %v", i+1, tm.name, tm.took.Round(time.Millisecond))
	}
}

// runResult is one command's outcome.
type runResult struct {
	code           int
	stdout, stderr string
	panic          string
	hung           bool
	took           time.Duration
}

// runBounded runs the CLI in-process on its own goroutine, recovering a
// panic (with its stack) and giving up after hostileRunBound.
func runBounded(args []string) runResult {
	a, out, errb := testApp("", false)
	a.lookupEnv = func(n string) (string, bool) { v, ok := hostileEnv[n]; return v, ok }
	done := make(chan runResult, 1)
	start := time.Now()
	go func() {
		var r runResult
		defer func() {
			if p := recover(); p != nil {
				r.panic = fmt.Sprintf("%v\n%s", p, debug.Stack())
			}
			done <- r
		}()
		r.code = run(context.Background(), a, args)
	}()
	select {
	case r := <-done:
		r.stdout, r.stderr, r.took = out.String(), errb.String(), time.Since(start)
		return r
	case <-time.After(hostileRunBound):
		return runResult{hung: true}
	}
}

// textDiagnostic is one diagnostic as the text view renders it.
type textDiagnostic struct {
	severity, summary, detail string
	file                      string // "" when it has no position
	line                      int
}

var diagOn = regexp.MustCompile(`^  on (.+) line (\d+)(, in .*)?:$`)

// parseTextDiagnostics splits stderr into diagnostics: a header line
// ("Error: summary"), then, for one with a position, a blank line, "  on
// FILE line N" and the quoted source lines up to a blank line, then the
// detail.
func parseTextDiagnostics(stderr string) []textDiagnostic {
	var out []textDiagnostic
	var body []string
	flush := func() {
		if len(out) == 0 {
			return
		}
		d := &out[len(out)-1]
		rest := body
		if len(rest) > 1 && rest[0] == "" {
			if m := diagOn.FindStringSubmatch(rest[1]); m != nil {
				d.file = m[1]
				d.line, _ = strconv.Atoi(m[2])
				rest = rest[2:]
				for len(rest) > 0 && rest[0] != "" { // the source lines
					rest = rest[1:]
				}
			}
		}
		d.detail = strings.Join(rest, "\n")
	}
	for _, line := range strings.Split(stderr, "\n") {
		sev, summary, ok := strings.Cut(line, ": ")
		if ok && (sev == "Error" || sev == "Warning") {
			flush()
			out, body = append(out, textDiagnostic{severity: sev, summary: summary}), nil
			continue
		}
		body = append(body, line)
	}
	flush()
	return out
}

// checkHostileStderr requires an error with a position, every position to
// quote its source, and for each marker an error at its file and line whose
// summary or detail has its text.
func checkHostileStderr(t *testing.T, what, stderr string, want []fixture.Expectation) {
	t.Helper()
	// A range of no file renders as "on  line 0", one of a file the
	// loader did not keep without its source.
	for _, bad := range []string{" line 0:", "(source code not available)"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("%s: a diagnostic with %q:\n%s", what, bad, clipped(stderr))
		}
	}
	diags := parseTextDiagnostics(stderr)
	if !slices.ContainsFunc(diags, func(d textDiagnostic) bool { return d.severity == "Error" && d.file != "" }) {
		t.Errorf("%s: no error with a position:\n%s", what, clipped(stderr))
		return
	}
	for _, e := range want {
		met := slices.ContainsFunc(diags, func(d textDiagnostic) bool {
			return d.severity == "Error" && filepath.Base(d.file) == filepath.Base(e.File) && d.line == e.Line &&
				strings.Contains(words(d.summary+" "+d.detail), words(e.Text))
		})
		if !met {
			t.Errorf("%s: expected diagnostic not reported: %s\n%s", what, e, clipped(stderr))
		}
	}
}

// words lower-cases s and collapses its white space: details are wrapped.
func words(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// clipped shortens output quoted in a failure.
func clipped(s string) string {
	if len(s) > 4000 {
		return s[:4000] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// hostileCorpus reads testdata/hostile: a NAME.hcl file is a case of one
// main.hcl; a directory is a case of its files, with extra arguments in its
// args file, one a line. The expectations are the files' # ERROR markers.
func hostileCorpus(t *testing.T) []hostileCase {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "hostile"))
	if err != nil {
		t.Fatal(err)
	}
	var out []hostileCase
	for _, e := range entries {
		path := filepath.Join("testdata", "hostile", e.Name())
		switch {
		case e.IsDir():
			hc := hostileCase{name: e.Name(), files: map[string][]byte{}}
			files, _ := os.ReadDir(path)
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(path, f.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if f.Name() == "args" {
					hc.args = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
					continue
				}
				hc.files[f.Name()] = b
				hc.want = append(hc.want, fixture.Expectations(t, filepath.Join(path, f.Name()))...)
			}
			out = append(out, hc)
		case strings.HasSuffix(e.Name(), ".hcl"):
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := fixture.Expectations(t, path)
			for i := range want {
				want[i].File = "main.hcl"
			}
			out = append(out, hostileCase{name: strings.TrimSuffix(e.Name(), ".hcl"), files: map[string][]byte{"main.hcl": b}, want: want})
		}
	}
	for _, hc := range out {
		if len(hc.want) == 0 {
			t.Errorf("hostile case %s has no # ERROR marker", hc.name)
		}
	}
	return out
}

// generatedHostileCases are the cases too large (megabytes) or too deep
// to keep as files; README.md lists them with the others.
func generatedHostileCases() []hostileCase {
	var out []hostileCase
	add := func(name string, src string, want ...fixture.Expectation) {
		for i := range want {
			want[i].File = "main.hcl"
		}
		out = append(out, hostileCase{name: name, files: map[string][]byte{"main.hcl": []byte(src)}, want: want})
	}
	expect := func(line int, text string) fixture.Expectation {
		return fixture.Expectation{Line: line, Severity: hcl.DiagError, Text: text}
	}

	// 3 MB of valid mapping blocks with one mistake at the very end.
	var b strings.Builder
	b.WriteString("object \"companies\" {\n")
	line := 2
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "  mapping \"p%d\" {\n    salesforce_field = \"Field%d__c\"\n    rule             = \"two_way\"\n  }\n", i, i)
		line += 4
	}
	b.WriteString("  mapping \"last\" {\n    salesforce_field = \"Last__c\"\n    rule             = \"two_wya\"\n  }\n}\n")
	add("huge_3mb_one_error_at_the_end", b.String(), expect(line+2, `Did you mean "two_way"`))

	// 3 MB in which every one of 32,000 mappings is wrong.
	b.Reset()
	b.WriteString("object \"companies\" {\n")
	line = 2
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "  mapping \"p%d\" {\n    salesforce_field = \"Field%d__c\"\n    rule             = \"bogus\"\n  }\n", i, i)
		line += 4
	}
	b.WriteString("}\n")
	add("huge_3mb_32k_errors", b.String(), expect(4, "Unknown sync rule"), expect(line-2, "Unknown sync rule"))

	// One line of a megabyte.
	add("huge_long_line", `object "companies" { sync = "`+strings.Repeat("x", 1<<20)+"\" }\n", expect(1, "bool is required"))

	// Identifiers and labels of 100,000 characters.
	long := strings.Repeat("a", 100000)
	add("huge_long_identifiers", "object \"contacts\" {\n  "+long+" = 1\n}\n\nobject \""+long+"\" {\n}\n",
		expect(2, "Unsupported argument"), expect(5, "Unknown object"))

	// Nesting past MaxNesting, in every way an expression can nest.
	deep := 5000
	add("deep_brackets", "locals {\n  a = "+strings.Repeat("[", deep)+strings.Repeat("]", deep)+"\n}\n", expect(2, "nested too deeply"))
	add("deep_objects", "locals {\n  a = "+strings.Repeat("{a = ", deep)+"1"+strings.Repeat("}", deep)+"\n}\n", expect(2, "nested too deeply"))
	add("deep_parentheses", "locals {\n  a = "+strings.Repeat("(", deep)+"1"+strings.Repeat(")", deep)+"\n}\n", expect(2, "nested too deeply"))
	add("deep_templates", "locals {\n  a = \""+strings.Repeat("${\"", deep)+strings.Repeat("\"}", deep)+"\"\n}\n", expect(2, "nested too deeply"))
	add("deep_operator_chain", "locals {\n  a = 1"+strings.Repeat(" + 1", 200000)+"\n}\n", expect(2, "nested too deeply"))
	add("deep_unary_chain", "locals {\n  a = "+strings.Repeat("!", 200000)+"true\n}\n", expect(2, "nested too deeply"))
	add("deep_1mb_of_brackets", "locals {\n  a = "+strings.Repeat("[", config.MaxTokens-100)+"\n}\n", expect(2, "nested too deeply"))
	var blocks strings.Builder
	for range deep {
		blocks.WriteString("mapping {\n")
	}
	add("deep_blocks", "object \"contacts\" {\n"+blocks.String(), expect(1+config.MaxNesting, "nested too deeply"))

	// Deep, but within the bound: evaluated, converted and reported.
	add("deep_within_bound", "locals {\n  a = "+strings.Repeat("[", 900)+strings.Repeat("]", 900)+"\n}\n\nobject \"contacts\" {\n  sync = local.a\n}\n",
		expect(6, "bool is required"))

	// Dynamic blocks nested inside dynamic blocks.
	var dyn strings.Builder
	dyn.WriteString("object \"contacts\" {\n")
	for range 300 {
		dyn.WriteString("dynamic \"mapping\" {\nfor_each = [\"fax\"]\nlabels = [\"fax\"]\ncontent {\nsalesforce_field = \"Fax\"\nrule = \"two_way\"\n")
	}
	dyn.WriteString(strings.Repeat("}\n}\n", 300) + "}\n")
	add("deep_nested_dynamic_blocks", dyn.String(), expect(8, "Unsupported block type"))

	// 100,000 locals, each referring to the next; the last to one that is
	// not there.
	b.Reset()
	b.WriteString("locals {\n")
	for i := range 100000 {
		fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i+1)
	}
	b.WriteString("}\n\nobject \"contacts\" {\n  sync = local.l0\n}\n")
	add("many_locals_chain", b.String(), expect(100001, "Unsupported attribute"))

	// A cycle through 10,000 locals.
	b.Reset()
	b.WriteString("locals {\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "  c%d = local.c%d\n", i, (i+1)%10000)
	}
	b.WriteString("}\n\nobject \"contacts\" {\n  sync = local.c0\n}\n")
	add("many_locals_cycle", b.String(), expect(2, "Circular reference"), expect(10001, "Circular reference"))
	return out
}

// newSandboxTemplate creates a new sandbox once; each case gets a copy, which
// is a new sandbox without the cost of seeding one.
func newSandboxTemplate(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	sb, err := sandbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// snapshotJSON is the sandbox's whole live state, as JSON.
func snapshotJSON(t *testing.T, path string) []byte {
	t.Helper()
	sb, err := sandbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	snap, err := sb.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
