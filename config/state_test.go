package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestStateAttribute: the connection block's state names a file or a
// PostgreSQL URL; a bad value is an error at the attribute, and a password
// in a URL is refused without being shown, in the message or in the quoted
// line.
func TestStateAttribute(t *testing.T) {
	for i, tc := range []struct {
		value, want string // want: "" for valid, else a part of the detail
		password    string // a password the rendered diagnostic must not show
	}{
		{value: "state/team.db"},
		{value: "/var/lib/syncform/state.db"},
		{value: "postgres://syncform@db.internal:5432/ops?sslmode=verify-full"},
		{value: "postgresql://db.internal/ops?search_path=syncform"},
		{value: "", want: "is empty"},
		{value: "mysql://db/ops", want: "mysql:// is not a state database"},
		{value: "postgres://syncform:hunter2-Secret@db/ops", want: "carries a password", password: "hunter2-Secret"},
		{value: "postgres://syncform@db/ops?sslmode=disable&pass%77ord=hunter2-Secret", want: "carries a password", password: "hunter2-Secret"},
		{value: "postgres://db/ops?sslpassword=hunter2-Secret", want: "carries a password", password: "hunter2-Secret"},
		{value: "postgres://syncform:hunter2-Secret@db:port/ops", want: "does not parse", password: "hunter2-Secret"},
	} {
		// Named by index: a test's name ends up in its directory's.
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "main.hcl", fmt.Sprintf("connection {\n  provider = \"sandbox\"\n  state    = %q\n}\n", tc.value))
			cfg, diags := Load(dir, Options{})
			if tc.want == "" {
				if diags.HasErrors() || cfg.Connection.State != tc.value || cfg.Connection.StateRange.Start.Line != 3 {
					t.Fatalf("state %q, range %v, diagnostics %v", cfg.Connection.State, cfg.Connection.StateRange, diags)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(diags[0].Detail, tc.want) || diags[0].Subject == nil || diags[0].Subject.Start.Line != 3 || diags[0].Subject.Start.Column != 14 {
				t.Fatalf("diagnostics %v; want one at line 3, column 14, saying %q", diags, tc.want)
			}
			if cfg.Connection.State != "" {
				t.Errorf("a refused location was kept: %q", cfg.Connection.State)
			}
			var out strings.Builder
			if err := WriteDiagnostics(&out, cfg.Files, diags, 100, false); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "on "+dir+"/main.hcl line 3, in connection:") {
				t.Errorf("the diagnostic does not say where:\n%s", out.String())
			}
			if tc.password != "" && strings.Contains(out.String(), tc.password) {
				t.Errorf("the diagnostic shows the password:\n%s", out.String())
			}
		})
	}
	if err := CheckState("postgres://u:p@h/d"); !errors.Is(err, ErrStatePassword) {
		t.Errorf("CheckState: %v, want ErrStatePassword", err)
	}
}
