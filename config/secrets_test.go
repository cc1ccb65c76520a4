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

// secretLocals are the locals the transforms may refer to: each holds
// the secret, made with what takes one.
const secretLocals = `
locals {
  t     = env("T")
  parts = [lower(env("T")), "7"]
  obj   = { k = env("T") }
}
`

// TestTransformedSecretsNeverShown: whatever a configuration does to a
// value read with env(), and wherever it puts the result, the load fails
// without the value, or any form of it, in a diagnostic (rendered with
// the values of the expression's variables) or in the configuration.
// Only the exact value was scrubbed before: tonumber(upper(env("T")))
// quoted the token in upper case. (Most are now refused before anything
// runs on the secret: TestSecretOracle.)
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

// TestTransformedSecretsAreTokens: a value computed from env() by the
// functions that take a secret (takesSecrets) is still a secret, and so may
// be a token; no other function takes one (TestSecretOracle).
func TestTransformedSecretsAreTokens(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`env("T")`, transformSecret},
		{`lower(trimspace(local.t))`, strings.ToLower(transformSecret)},
		{`"${local.t}-x"`, transformSecret + "-x"},
		{`trimspace(env("S"))`, transformSecret},
		{`chomp(env("S"))`, " " + transformSecret},
		{`trimprefix(local.t, "Qz")`, transformSecret[2:]},
		{`trimsuffix(upper(local.t), "J")`, strings.ToUpper(transformSecret)[:len(transformSecret)-1]},
		{`trim(env("S"), " \n")`, transformSecret},
		{`title(tostring(local.t))`, transformSecret},
		{`format("%s:%-3v", local.t, "ab")`, transformSecret + ":ab "},
		{`join(":", [local.t, "x"])`, transformSecret + ":x"},
		{`local.parts[0]`, strings.ToLower(transformSecret)},
		{`local.obj.k`, transformSecret},
	}
	for _, tt := range tests {
		src := "connection {\n  provider = \"hubspot\"\n  hubspot {\n    portal_id = 1\n    token = " + tt.expr + "\n  }\n" +
			"  salesforce {\n    instance_url = \"https://example.my.salesforce.com\"\n    token = " + tt.expr + "\n  }\n}\n"
		cfg, diags := loadSource(t, secretLocals+src, Options{Env: envOf("T", transformSecret, "S", " "+transformSecret+"\n")})
		if diags.HasErrors() {
			t.Errorf("%s: %v", tt.expr, diags)
			continue
		}
		if hs, sf := cfg.Connection.HubSpot.Token.Reveal(), cfg.Connection.Salesforce.Token.Reveal(); hs != tt.want || sf != tt.want {
			t.Errorf("%s: tokens %q and %q, want %q", tt.expr, hs, sf, tt.want)
		}
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

// TestShortSecrets: a secret shorter than sensitiveRun (a flag read with
// env(): "1", "true") withholds a diagnostic only where it is quoted
// whole. Before, it matched as a run of its length, so "1" withheld every
// diagnostic that named line 1 or held a digit 1.
func TestShortSecrets(t *testing.T) {
	src := "object \"companies\" {\n  sync = true\n}\nobject \"companies\" {\n  sync = true\n}\n" +
		"locals {\n  flag = env(\"F\")\n}\nrules {\n  owner-unmatched = \"1\"\n}\n"
	for _, flag := range []string{"1", "true", "ON"} {
		_, diags := loadSource(t, src, Options{Env: envOf("F", flag)})
		var dup, rule *hcl.Diagnostic
		for _, d := range diags {
			switch {
			case d.Subject != nil && d.Subject.Start.Line == 4:
				dup = d
			case d.Subject != nil && d.Subject.Start.Line == 11:
				rule = d
			}
		}
		if dup == nil || !strings.HasPrefix(dup.Summary, "Duplicate object") || !strings.Contains(dup.Detail, "main.hcl:1") {
			t.Errorf("F=%q: the duplicate is %v", flag, dup)
		}
		if rule == nil {
			t.Fatalf("F=%q: no diagnostic for the rule: %v", flag, diags)
		}
		if quoted := flag == "1"; quoted != (rule.Detail == withheldDetail) {
			t.Errorf("F=%q: the rule's detail is %q", flag, rule.Detail)
		}
	}
	var s secretSet
	s.add("42")
	for text, withheld := range map[string]bool{
		`cannot convert "42" to number`: true, `"42"`: true, `at main.hcl:42, 142 and 420`: false, `"420"`: false,
	} {
		d := &hcl.Diagnostic{Summary: "s", Detail: text}
		s.scrub(hcl.Diagnostics{d}, nil)
		if got := d.Detail == withheldDetail; got != withheld {
			t.Errorf("%q: withheld %v, want %v", text, got, withheld)
		}
	}
}
