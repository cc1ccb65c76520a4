package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
)

// Hostile live values: what a HubSpot portal or Salesforce org could hold
// (or an API in between return) that a terminal, a spreadsheet or a
// Markdown renderer would act on.
const (
	evilProperty = "evil\x1b]0;owned\x07_\u202egnp.exe|`x`<img src=x onerror=alert(1)>\r\n[link](http://evil.example)"
	evilLabel    = "=HYPERLINK(\"http://evil.example\",\"click\")\x1b[2J\u200b"
	evilField    = "@SUM(A1:A9)\x9b31m\u2066Tier__c"
	evilOwner    = "<script>alert(1)</script>\x1b[8m"
)

// hostileLive is the sandbox with hostile values in its snapshot: a
// companies property and custom mapping, a field label and an owner; its
// Apply refuses a change of the hostile mapping with an error quoting it.
type hostileLive struct{ *sandbox.Sandbox }

func (h hostileLive) Snapshot(ctx context.Context) (*syncform.Snapshot, error) {
	s, err := h.Sandbox.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	s.SetProperty(syncform.Property{Object: syncform.Companies, Name: evilProperty, Label: evilLabel, Type: syncform.Text,
		Group: "companyinformation\x1b[5m"})
	s.SetMapping(syncform.Mapping{Object: syncform.Companies, Property: evilProperty, SalesforceField: evilField, Rule: syncform.TwoWay})
	acc := s.SObjects["Account"]
	for i := range acc.Fields {
		if acc.Fields[i].Name == "Name" {
			acc.Fields[i].Label = "-2+3\x07\u202eeman"
		}
	}
	s.SObjects["Account"] = acc
	s.Owners = append(s.Owners, syncform.Owner{ID: "52849999", FirstName: evilOwner, LastName: "\u202e", Email: "x\x1b[31m@evil.example",
		Records: map[syncform.Object]int{syncform.Contacts: 3}})
	return s, nil
}

func (h hostileLive) Apply(ctx context.Context, c syncform.Change) error {
	if c.Name == evilProperty {
		return fmt.Errorf("%w: mapping %s of %s cannot be deleted", syncform.ErrRejected, c.Name, evilOwner)
	}
	return h.Sandbox.Apply(ctx, c)
}

// BatchSize makes every change go through Apply.
func (h hostileLive) BatchSize(syncform.Change) int { return 1 }

// TestHostileLiveValuesNeverReachTheReader runs every view of live values
// against hostileLive: the text plan and its progress, apply's error,
// inspect, show, history, markdown and export. No output may hold a
// control character other than a line break, a bidi or invisible format
// character, or invalid UTF-8; Markdown must hold no HTML or link of the
// values and keep its tables' columns; the CSV must hold no cell a
// spreadsheet would run as a formula.
func TestHostileLiveValuesNeverReachTheReader(t *testing.T) {
	dir := quickstart(t)
	writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(`object "companies" {
  sync  = true
  prune = true
}
`))
	ctx := context.Background()
	runHostile := func(args ...string) (int, string, string) {
		a, out, errb := testApp("", false)
		a.serve = func(_ context.Context, sb *sandbox.Sandbox, _ bool) (syncform.Provider, error) {
			return hostileLive{sb}, nil
		}
		code := run(ctx, a, args)
		return code, out.String(), errb.String()
	}
	for _, tc := range []struct {
		args     []string
		code     int
		markdown bool
		want     string // in stdout or stderr: the hostile value is there, escaped
	}{
		{args: []string{"inspect"}, want: `evil\x1b]0;owned\x07_\u202egnp.exe`},
		{args: []string{"plan"}, want: `companies.mapping.evil\x1b`},
		{args: []string{"plan", "--format", "markdown"}, markdown: true, want: `\<img src=x onerror=alert(1)\>`},
		{args: []string{"plan", "--out", "plan.json"}, want: `\u202egnp.exe`},
		{args: []string{"show", "plan.json"}, want: `\x1b]0;owned`},
		{args: []string{"show", "--format", "markdown", "plan.json"}, markdown: true, want: `\<script\>alert(1)\</script\>\\x1b\[8m`},
		{args: []string{"apply", "--auto-approve"}, code: exitError, want: `cannot be deleted`},
		{args: []string{"history"}, want: `cannot be deleted`},
		{args: []string{"export"}, want: `'=HYPERLINK`},
	} {
		name := strings.Join(tc.args, " ")
		code, out, errb := runHostile(tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d:\n%s%s", name, code, tc.code, clipped(out), clipped(errb))
		}
		checkTerminalSafe(t, name+" (stdout)", out)
		checkTerminalSafe(t, name+" (stderr)", errb)
		if !strings.Contains(out+errb, tc.want) {
			t.Errorf("%s: the output does not show %s:\n%s%s", name, tc.want, clipped(out), clipped(errb))
		}
		if tc.markdown {
			checkMarkdownSafe(t, name, out)
		}
		if tc.args[0] == "export" {
			checkCSVSafe(t, out)
		}
	}
	// What export writes to a file is the same as to stdout.
	if code, _, errb := runHostile("export", "--out", "m.csv"); code != exitOK {
		t.Fatalf("export --out: exit %d: %s", code, errb)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "m.csv"))
	checkTerminalSafe(t, "m.csv", string(b))
	checkCSVSafe(t, string(b))
	// --raw-cells writes the values as they are, and they read back (but
	// for a quoted line break, which CSV reads as a newline alone).
	code, out, errb := runHostile("export", "--raw-cells")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	raw := false
	for _, row := range rows {
		raw = raw || slices.Contains(row, evilLabel)
	}
	if code != exitOK || err != nil || !raw {
		t.Errorf("export --raw-cells: exit %d, %v; want the raw label:\n%s%s", code, err, clipped(out), errb)
	}
	ms, err := syncform.ReadMappingsCSV(strings.NewReader(out))
	found := false
	for _, m := range ms {
		found = found || m.Property == strings.ReplaceAll(evilProperty, "\r\n", "\n") && m.SalesforceField == evilField
	}
	if err != nil || !found {
		t.Errorf("the raw export does not read back the hostile mapping: %v", err)
	}
}

// checkTerminalSafe fails for any character a terminal would act on
// rather than show: a control character other than a line break, DEL, a C1
// control, a Unicode format character (bidi, zero-width), a line or
// paragraph separator, or invalid UTF-8.
func checkTerminalSafe(t *testing.T, what, s string) {
	t.Helper()
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		bad := r == utf8.RuneError && size == 1 || r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 ||
			unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
		if bad {
			lo, hi := max(0, i-40), min(len(s), i+40)
			t.Errorf("%s: %U at byte %d: %q", what, r, i, s[lo:hi])
			return
		}
		i += size
	}
}

// checkMarkdownSafe fails for HTML or a link of a hostile value, and for a
// table row whose cells a value split.
func checkMarkdownSafe(t *testing.T, what, md string) {
	t.Helper()
	for _, raw := range []string{"<img", "<script", "](http", "`x`"} {
		for i := strings.Index(md, raw); i >= 0; i = next(md, raw, i) {
			if i == 0 || md[i-1] != '\\' || i > 1 && md[i-2] == '\\' {
				t.Errorf("%s: the Markdown holds %q unescaped: %q", what, raw, md[max(0, i-30):min(len(md), i+30)])
				break
			}
		}
	}
	cols := 0
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("%s: a table row of %d cell separators, its header %d:\n%s", what, n, cols, line)
		}
	}
}

// next is the index of the next raw in s after i, or -1.
func next(s, raw string, i int) int {
	j := strings.Index(s[i+1:], raw)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// checkCSVSafe fails for a cell a spreadsheet would run as a formula.
func checkCSVSafe(t *testing.T, s string) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	n := 0
	for _, row := range rows {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("the cell %q would run as a formula", c)
			}
			n += strings.Count(c, "'=") + strings.Count(c, "'@") + strings.Count(c, "'-")
		}
	}
	if n < 3 {
		t.Errorf("the hostile label, field and field label are not all quoted:\n%s", s)
	}
}
