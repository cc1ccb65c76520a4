package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// transformSecret is what env("T") returns in the transformed-secret tests:
// random letters and digits, so that no run of four of them turns up in a
// message by chance.
const transformSecret = "Qz7xK3mWv9LpR2hJ"

// secretTransforms are expressions computed from env("T"), each a way a
// configuration may change a secret before it reaches an error.
var secretTransforms = []string{
	`env("T")`,
	`upper(env("T"))`,
	`lower(env("T"))`,
	`title(lower(env("T")))`,
	`join("-", split("7", env("T")))`,
	`replace(env("T"), "7", "-")`,
	`replace(env("T"), "/[0-9]/", "")`,
	`regex_replace(env("T"), "[0-9]", "")`,
	`substr(env("T"), 2, 8)`,
	`format("%s!", env("T"))`,
	`formatlist("%s", [env("T")])`,
	`jsonencode(env("T"))`,
	`jsonencode({k = env("T")})`,
	`jsondecode(jsonencode(env("T")))`,
	`csvdecode("a\n${env("T")}")`,
	`regex("[a-zA-Z]+", env("T"))`,
	`regexall("[0-9][A-Za-z]+", env("T"))`,
	`tostring(env("T"))`,
	`tolist([env("T"), "a"])`,
	`toset([env("T")])`,
	`tomap({k = env("T")})`,
	`sort([env("T"), "a"])`,
	`reverse([env("T"), "a"])`,
	`element([env("T")], 0)`,
	`lookup({k = env("T")}, "k", "d")`,
	`lookup({k = "v"}, env("T"), "d")`,
	`coalesce(env("T"), "x")`,
	`chomp(trimspace(env("T")))`,
	`trimprefix(env("T"), "Q")`,
	`{k = env("T")}.k`,
	`[env("T")][0]`,
	`true ? env("T") : "x"`,
	`env("T") == "x" ? "a" : "b"`,
	`length(env("T")) > 3 ? "a" : "b"`,
	`[for c in split("", env("T")) : upper(c)]`,
	`{for c in ["a", "b"] : upper(env("T")) => c}`,
	`{for c in [env("T")] : c => c}`,
	`"${env("T")}-x"`,
	`"%{ for c in split("7", env("T")) }${c}%{ endfor }"`,
	"<<EOT\n${lower(env(\"T\"))}\nEOT\n",
	`local.t`,
	`upper(local.t)`,
	`local.parts`,
	`local.obj`,
}

// secretContexts place a transformed secret where configuration values go;
// X stands for it. Each must be refused, or fail, without quoting it.
var secretContexts = []string{
	"object \"companies\" {\n  resync {\n    segment = X\n  }\n}\n",
	"object \"companies\" {\n  resync {\n    segment = tonumber(X)\n  }\n}\n",
	"object \"companies\" {\n  resync {\n    segment = tobool(X)\n  }\n}\n",
	"object \"companies\" {\n  resync {\n    segment = jsondecode(X)\n  }\n}\n",
	"object \"companies\" {\n  resync {\n    segment = regex(X, \"a\")\n  }\n}\n",
	"object \"companies\" {\n  resync {\n    records = X\n  }\n}\n",
	"object \"companies\" {\n  sync = X\n}\n",
	"object \"companies\" {\n  sync = X + 1\n}\n",
	"object \"companies\" {\n  sync = true ? X : {a = 1}\n}\n",
	"object \"companies\" {\n  sync = {for i in [1, 2] : tostring(X) => i}\n}\n",
	"object \"companies\" {\n  sync = \"${X}\" == 1 ? [1] : {a = 1}\n}\n",
	"locals {\n  v = X\n}\nobject \"companies\" {\n  property \"p\" {\n    label = local.v\n    type  = \"text\"\n  }\n}\n",
	"object \"companies\" {\n  mapping \"fax\" {\n    salesforce_field = \"Fax\"\n    rule             = \"two_way\"\n    labels           = { a = X }\n  }\n}\n",
	"object \"companies\" {\n  dynamic \"mapping\" {\n    for_each = [X]\n    labels   = [mapping.value]\n    content {\n      salesforce_field = \"Fax\"\n      rule             = \"two_way\"\n    }\n  }\n}\n",
	"object \"companies\" {\n  dynamic \"mapping\" {\n    for_each = X\n    labels   = [\"fax\"]\n    content {\n      salesforce_field = mapping.value\n      rule             = \"two_way\"\n    }\n  }\n}\n",
	"object \"companies\" {\n  dynamic \"mapping\" {\n    for_each = {for v in [\"a\"] : tostring(X) => v}\n    labels   = [mapping.key]\n    content {\n      salesforce_field = \"Fax\"\n      rule             = \"two_way\"\n    }\n  }\n}\n",
	"connection {\n  provider = X\n}\n",
	"connection {\n  state = X\n}\n",
	"rules {\n  owner-unmatched = X\n}\n",
}

// secretLocals are the locals the transforms may refer to.
const secretLocals = `
locals {
  t     = env("T")
  parts = split("7", env("T"))
  obj   = { (env("T")) = 1 }
}
`

// TestTransformedSecretsNeverShown: whatever a configuration does to a
// value read with env(), and wherever it puts the result, the load fails
// without the value, or any form of it, in a diagnostic (rendered with
// the values of the expression's variables) or in the configuration.
// Only the exact value was scrubbed before: tonumber(upper(env("T")))
// quoted the token in upper case.
func TestTransformedSecretsNeverShown(t *testing.T) {
	env := envOf("T", transformSecret)
	for _, ctxSrc := range secretContexts {
		for _, x := range secretTransforms {
			src := secretLocals + strings.ReplaceAll(ctxSrc, "X", x)
			cfg, diags := loadSource(t, src, Options{Env: env})
			where := fmt.Sprintf("%s in\n%s", x, ctxSrc)
			if !diags.HasErrors() {
				t.Errorf("%s: accepted", where)
				continue
			}
			var text bytes.Buffer
			if err := WriteDiagnostics(&text, cfg.Files, diags, 0, false); err != nil {
				t.Fatal(err)
			}
			if leak := secretLeak(text.String(), transformSecret); leak != "" {
				t.Errorf("%s: the diagnostics show %q:\n%s", where, leak, text.String())
			}
			b, _ := json.Marshal(struct {
				Diags   []string
				Objects []*Object
				Conn    Connection
				Rules   []RuleSetting
			}{summaries(diags), cfg.Objects, cfg.Connection, cfg.Rules})
			if leak := secretLeak(string(b), transformSecret); leak != "" {
				t.Errorf("%s: the configuration or a diagnostic holds %q: %s", where, leak, b)
			}
		}
	}
}

// TestTransformedSecretsAreTokens: a value computed from env() is still a
// secret, and so may be a token.
func TestTransformedSecretsAreTokens(t *testing.T) {
	src := "connection {\n  provider = \"hubspot\"\n  hubspot {\n    portal_id = 1\n    token = lower(trimspace(local.t))\n  }\n" +
		"  salesforce {\n    instance_url = \"https://example.my.salesforce.com\"\n    token = \"${local.t}-x\"\n  }\n}\n"
	cfg, diags := loadSource(t, secretLocals+src, Options{Env: envOf("T", transformSecret)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := cfg.Connection.HubSpot.Token.Reveal(); got != strings.ToLower(transformSecret) {
		t.Errorf("hubspot token %q", got)
	}
	if got := cfg.Connection.Salesforce.Token.Reveal(); got != transformSecret+"-x" {
		t.Errorf("salesforce token %q", got)
	}
}

// TestScrubForms: the last line of defence finds a secret in the forms
// functions give it, and in part.
func TestScrubForms(t *testing.T) {
	const secret = `s3<cr"t\Qv9Zx`
	var s secretSet
	s.add(secret)
	texts := []string{secret, strings.ToUpper(secret), reversed(secret), `s3\u003ccr\"t\\Qv9`, `"s3<cr\"t\\Qv9Zx"`, "x " + secret[2:10] + " y"}
	for _, text := range texts {
		d := &hcl.Diagnostic{Summary: "s", Detail: "before " + text + " after"}
		s.scrub(hcl.Diagnostics{d}, nil)
		if d.Detail != withheldDetail {
			t.Errorf("%q: detail %q", text, d.Detail)
		}
	}
	d := &hcl.Diagnostic{Summary: "Secret value not allowed here", Detail: "s3<c and Qv9Z are shorter than a run"}
	s.scrub(hcl.Diagnostics{d}, nil)
	if d.Detail == withheldDetail || d.Summary != "Secret value not allowed here" {
		t.Errorf("withheld: %v", d)
	}
}

func summaries(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return out
}

// secretLeak returns the form of secret text shows, or "": the secret in
// any case, reversed, or any run of four or more of its characters either
// way round.
func secretLeak(text, secret string) string {
	lower := strings.ToLower(text)
	for _, form := range []string{strings.ToLower(secret), strings.ToLower(reversed(secret))} {
		for i := 0; i+4 <= len(form); i++ {
			if strings.Contains(lower, form[i:i+4]) {
				return form[i : i+4]
			}
		}
	}
	return ""
}

// TestSourceHoldingASecret: a file that holds a secret's value (a
// --var-file of /proc/self/environ, a token pasted in) is not quoted where
// a diagnostic points into it.
func TestSourceHoldingASecret(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", secretLocals+"connection {\n  provider = \"hubspot\"\n  hubspot {\n    portal_id = 1\n    token     = local.t\n  }\n}\n")
	writeFile(t, dir, "environ", "HOME=/root\x00T="+transformSecret+"\x00PATH=/bin\n")
	cfg, diags := Load(dir, Options{Env: envOf("T", transformSecret), VarFiles: []string{filepath.Join(dir, "environ")}})
	var text bytes.Buffer
	if err := WriteDiagnostics(&text, cfg.Files, diags, 0, false); err != nil {
		t.Fatal(err)
	}
	if leak := secretLeak(text.String(), transformSecret); leak != "" || !strings.Contains(text.String(), "(not shown: it holds a secret)") {
		t.Errorf("shows %q:\n%s", leak, text.String())
	}
}
