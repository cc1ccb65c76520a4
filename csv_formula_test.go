package syncform

import (
	"bytes"
	"strings"
	"testing"
)

// TestFormulaCellsRoundTrip: NeutralizeFormula quotes exactly the cells a
// spreadsheet would run (OWASP: a leading = + - @, tab or carriage return,
// and quotes before one), and ReadMappingsCSV reads every cell back as it
// was, quotes included.
func TestFormulaCellsRoundTrip(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2":     "'=1+2",
		"+SUM(A1)": "'+SUM(A1)",
		"-5":       "'-5",
		"@cmd":     "'@cmd",
		"\tx":      "'\tx",
		"\rx":      "'\rx",
		"'=x":      "''=x",
		"''@x":     "'''@x",
		"'x":       "'x",
		"a=b":      "a=b",
		"":         "",
		"'":        "'",
		"Tier__c":  "Tier__c",
	} {
		if got := NeutralizeFormula(in); got != want {
			t.Errorf("NeutralizeFormula(%q) = %q, want %q", in, got, want)
		}
		if got := unneutralize(NeutralizeFormula(in)); got != in && strings.TrimSpace(in) == in {
			t.Errorf("%q reads back as %q", in, got)
		}
	}
	live := csvLive()
	for _, name := range []string{"=cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "'=x", "+x"} {
		live.SetMapping(Mapping{Object: Deals, Property: name, SalesforceField: "@" + name, Rule: TwoWay})
	}
	var b bytes.Buffer
	if err := WriteMappingsCSV(&b, live, []Object{Deals}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		for _, cell := range strings.Split(line, ",") {
			if c := strings.TrimPrefix(cell, `"`); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("the cell %q would run as a formula", cell)
			}
		}
	}
	got, err := ReadMappingsCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	want := sortedMappings(live.Mappings[Deals])
	if len(got) != len(want) {
		t.Fatalf("%d mappings read back, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("read back %+v, want %+v", got[i], want[i])
		}
	}
}

// TestCSVErrorsQuoteCellsShort: an error quotes at most 60 bytes of a cell,
// cut on a character boundary.
func TestCSVErrorsQuoteCellsShort(t *testing.T) {
	huge := strings.Repeat("é", 1<<20)
	_, err := ReadMappingsCSV(strings.NewReader("Object,HubSpot property name,Salesforce field API name,Sync rule\n" + huge + ",x,y,two_way\n"))
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "é\"…") {
		t.Errorf("error of %d bytes: %.300v", len(err.Error()), err)
	}
}
