package config

import (
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"aligned and indented",
			"object \"contacts\" {\nmapping \"fax\" {\n salesforce_field=\"Fax\"\n      rule = \"dont_sync\"\n}\n}\n",
			"object \"contacts\" {\n  mapping \"fax\" {\n    salesforce_field = \"Fax\"\n    rule             = \"dont_sync\"\n  }\n}\n"},
		{"comments kept", "# why\nrules {\n  # off: noisy\n  owner-unmatched=\"off\"\n}\n",
			"# why\nrules {\n  # off: noisy\n  owner-unmatched = \"off\"\n}\n"},
		{"already canonical", "connection {\n  provider = \"sandbox\"\n}\n", "connection {\n  provider = \"sandbox\"\n}\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := Format("main.hcl", []byte(tt.src))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			again, _ := Format("main.hcl", got)
			if string(again) != string(got) {
				t.Errorf("not idempotent:\n%s", again)
			}
		})
	}
}

// A file with a syntax error comes back untouched, with a diagnostic that
// names its file and line.
func TestFormatSyntaxError(t *testing.T) {
	src := "object \"deals\" {\n  sync =\n}\n   rules {\n"
	got, diags := Format("broken.hcl", []byte(src))
	if !diags.HasErrors() {
		t.Fatal("no error")
	}
	if string(got) != src {
		t.Errorf("changed: %q", got)
	}
	d := diags[0]
	if d.Subject == nil || d.Subject.Filename != "broken.hcl" || d.Subject.Start.Line != 2 {
		t.Errorf("diagnostic = %s at %v", d.Summary, d.Subject)
	}
	if !strings.Contains(d.Summary, "expression") {
		t.Errorf("summary = %q", d.Summary)
	}
}
