package config

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hclText is what HCL's own writer makes of diags: WriteDiagnostics must
// match it.
func hclText(files map[string]*hcl.File, diags hcl.Diagnostics, color bool) string {
	var b bytes.Buffer
	_ = hcl.NewDiagnosticTextWriter(&b, files, 100, color).WriteDiagnostics(diags)
	return b.String()
}

func ourText(files map[string]*hcl.File, diags hcl.Diagnostics, color bool) string {
	var b bytes.Buffer
	if err := WriteDiagnostics(&b, files, diags, 100, color); err != nil {
		panic(err)
	}
	return b.String()
}

// asHCL is what WriteDiagnostics must write for diags: HCL's text, escaped
// as Visible escapes it (HCL writes control and format characters raw), and
// without colour (ours is compared without its colour codes, which Visible
// would escape in HCL's).
func asHCL(files map[string]*hcl.File, diags hcl.Diagnostics) string {
	return Visible(hclText(files, diags, false))
}

// uncoloured is ours without the colour codes it writes.
func uncoloured(s string) string {
	return strings.NewReplacer("\x1b[31m", "", "\x1b[33m", "", "\x1b[0m", "", "\x1b[1;4m", "").Replace(s)
}

// TestWriteDiagnosticsMatchesHCL renders the diagnostics of every invalid
// fixture, and of the hostile corpus, with both writers; those masked or
// hidden because of a secret differ on purpose (TestSourceHoldingASecret).
func TestWriteDiagnosticsMatchesHCL(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.hcl")
	hostile, _ := filepath.Glob("../cmd/syncform/testdata/hostile/*.hcl")
	for _, f := range append(files, hostile...) {
		cfg, diags := LoadFiles(filepath.Dir(f), []string{f}, Options{Env: env})
		diags = slices.DeleteFunc(diags, func(d *hcl.Diagnostic) bool {
			_, masked := hcl.DiagnosticExtra[maskSubject](d)
			_, hidden := hcl.DiagnosticExtra[hideSource](d)
			return masked || hidden
		})
		if len(diags) == 0 {
			continue
		}
		want := asHCL(cfg.Files, diags)
		if got := ourText(cfg.Files, diags, false); got != want {
			t.Errorf("%s:\n--- HCL:\n%s\n--- ours:\n%s", f, want, got)
		}
		if got := uncoloured(ourText(cfg.Files, diags, true)); got != want {
			t.Errorf("%s, in colour:\n--- HCL:\n%s\n--- ours:\n%s", f, want, got)
		}
	}
}

// TestWriteDiagnosticsRandom compares the writers on random sources (line
// breaks of every kind, multi-byte and invalid UTF-8) and random ranges: the
// line numbers and snippets must agree.
func TestWriteDiagnosticsRandom(t *testing.T) {
	pieces := []string{"a", "b c", "\n", "\r\n", "\r", "é", "\u0301", "\xff", "\xe2\x82", "{", "}", "  ", "\t", "日本"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var src strings.Builder
		for range rng.IntN(40) {
			src.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b := []byte(src.String())
		pos := func() hcl.Pos { return hcl.Pos{Line: 1 + rng.IntN(5), Column: 1, Byte: rng.IntN(len(b) + 3)} }
		var diags hcl.Diagnostics
		for range 3 {
			s, e := pos(), pos()
			if e.Byte < s.Byte && rng.IntN(4) > 0 {
				s, e = e, s
			}
			d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "S", Detail: "D", Subject: &hcl.Range{Filename: "f.hcl", Start: s, End: e}}
			if rng.IntN(3) == 0 {
				c := hcl.Range{Filename: "f.hcl", Start: pos(), End: pos()}
				d.Context = &c
			}
			diags = append(diags, d)
		}
		f, _ := hclsyntax.ParseConfig(b, "f.hcl", hcl.InitialPos)
		if f == nil {
			f = &hcl.File{Body: hcl.EmptyBody()}
		}
		f.Bytes = b
		files := map[string]*hcl.File{"f.hcl": f}
		if want, got := asHCL(files, diags), uncoloured(ourText(files, diags, true)); got != want {
			t.Fatalf("case %d, source %q:\n--- HCL:\n%q\n--- ours:\n%q", i, b, want, got)
		}
	}
}

// TestWriteDiagnosticsEdgeCases: no subject, a file that is not loaded,
// a warning, the values of an expression's variables.
func TestWriteDiagnosticsEdgeCases(t *testing.T) {
	src := []byte("locals {\n  a = upper(var.n)\n}\n")
	f, _ := hclsyntax.ParseConfig(src, "m.hcl", hcl.InitialPos)
	expr := f.Body.(*hclsyntax.Body).Blocks[0].Body.Attributes["a"].Expr
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{"n": cty.NumberIntVal(3)})}}
	r := expr.Range()
	files := map[string]*hcl.File{"m.hcl": f}
	diags := hcl.Diagnostics{
		{Severity: hcl.DiagError, Summary: "No subject", Detail: strings.Repeat("word ", 50)},
		{Severity: hcl.DiagWarning, Summary: "Elsewhere", Subject: &hcl.Range{Filename: "gone.hcl", Start: hcl.Pos{Line: 3}}},
		{Severity: hcl.DiagError, Summary: "With values", Detail: "d", Subject: &r, Expression: expr, EvalContext: ctx},
		{Severity: hcl.DiagInvalid, Summary: "No detail", Subject: &r},
	}
	for _, color := range []bool{false, true} {
		if want, got := hclText(files, diags, color), ourText(files, diags, color); got != want {
			t.Errorf("colour %v:\n--- HCL:\n%s\n--- ours:\n%s", color, want, got)
		}
	}
}

// TestWriteDiagnosticsLongLine: a line of a megabyte is quoted around the
// highlight, not whole.
func TestWriteDiagnosticsLongLine(t *testing.T) {
	src := []byte(`x = "` + strings.Repeat("é", 500000) + `" + 1 + "` + strings.Repeat("b", 500000) + "\"\n")
	at := bytes.Index(src, []byte("+ 1"))
	r := hcl.Range{Filename: "m.hcl", Start: hcl.Pos{Line: 1, Column: 1, Byte: at}, End: hcl.Pos{Line: 1, Column: 1, Byte: at + 3}}
	out := ourText(map[string]*hcl.File{"m.hcl": {Bytes: src}}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "S", Subject: &r}}, false)
	if len(out) > 2*maxSnippetLine {
		t.Errorf("%d bytes written for one diagnostic", len(out))
	}
	if !strings.Contains(out, "1: …éé") || !strings.Contains(out, "é\" + 1 + \"bb") || !strings.Contains(out, "bb…\n") || !utf8Valid(out) {
		t.Errorf("snippet:\n%s", out)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestWriteDiagnosticsScales: 40,000 diagnostics on a 3 MB file render in
// seconds (HCL's writer takes hours: it rescans the file for each).
func TestWriteDiagnosticsScales(t *testing.T) {
	var src bytes.Buffer
	src.WriteString("object \"companies\" {\n")
	for i := 0; src.Len() < 3<<20; i++ {
		fmt.Fprintf(&src, "  mapping \"p%d\" {\n    salesforce_field = \"F%d__c\"\n    rule = \"bogus\"\n  }\n", i, i)
	}
	src.WriteString("}\n")
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", src.String())
	start := time.Now()
	cfg, diags := Load(dir, Options{})
	if len(diags) < 40000 {
		t.Fatalf("%d diagnostics", len(diags))
	}
	var out bytes.Buffer
	if err := WriteDiagnostics(&out, cfg.Files, diags, 100, false); err != nil {
		t.Fatal(err)
	}
	// A bound for a blow-up (quadratic, this took 20 minutes), not a
	// speed: a saturated machine takes many times the 2.5 s it takes here.
	if d := time.Since(start); d > 5*time.Minute {
		t.Errorf("loading and rendering took %v", d)
	}
	t.Logf("%d diagnostics, %d bytes, in %v", len(diags), out.Len(), time.Since(start))
}

// TestTerminalControlIsEscaped: what a terminal would act on (ESC, BEL, a
// carriage return) or hide (bidi overrides, zero-width characters) in a
// quoted line, a file name or a message is shown escaped. HCL's writer
// printed them raw: a configuration could retitle the terminal, clear
// it, or show one thing while the file held another.
func TestTerminalControlIsEscaped(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", "locals {\n  a = \"\x1b]0;pwned\x07\r\" + 1 # \u202e} \u200b\ufeff\n}\n")
	fifo := "e\x1b[2Jvil\u202e.hcl"
	mkfifo(t, filepath.Join(dir, fifo))
	cfg, diags, text := loadBounded(t, dir, Options{})
	for _, d := range diags {
		if Visible(d.Summary) != d.Summary || Visible(d.Detail) != d.Detail {
			t.Errorf("not escaped in the diagnostic itself: %q: %q", d.Summary, d.Detail)
		}
	}
	for _, raw := range []string{"\x1b", "\x07", "\r", "\u202e", "\u200b", "\ufeff"} {
		if strings.Contains(text, raw) {
			t.Errorf("%q printed raw:\n%s", raw, text)
		}
	}
	for _, shown := range []string{`\x1b]0;pwned\x07\x0d`, `\u202e} \u200b\ufeff`, `e\x1b[2Jvil\u202e.hcl is a named pipe`} {
		if !strings.Contains(text, shown) {
			t.Errorf("%s not shown:\n%s", shown, text)
		}
	}
	if coloured := ourText(cfg.Files, diags, true); !strings.Contains(coloured, "\x1b[31m") || strings.Contains(uncoloured(coloured), "\x1b") {
		t.Errorf("in colour, only the colour codes are raw:\n%q", coloured)
	}
}
