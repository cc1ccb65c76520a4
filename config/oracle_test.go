package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// oracleTokens are values of the secret in the oracle test: two tokens,
// and values that make one function or another succeed where the tokens
// make it fail (a number, a bool, JSON, a CIDR block, a key of the map).
var oracleTokens = []string{"S3cret-aaaa", "x-qzvw-1234", "12", "true", `{"a":[1]}`, "10.0.0.0/8", "k", "", " S\n"}

// oracleExpressions compute from local.s, the secret, something whose
// success, or error, would tell part of it if the function or operator
// ran: a bit per expression, a token in a few dozen.
var oracleExpressions = []string{
	`local.s`,
	`tonumber(substr(local.s, 0, 1) == "S" ? "x" : "1")`,
	`tonumber(local.s)`,
	`tobool(local.s)`,
	`regex("^S", local.s)`,
	`regexall("^S", local.s)`,
	`lookup({k = 1}, local.s)`,
	`lookup({k = 1}, local.s, 0)`,
	`{k = 1}[local.s]`,
	`["a", "b"][local.s]`,
	`element(["a"], local.s)`,
	`parseint(local.s, 10)`,
	`base64decode(local.s)`,
	`jsondecode(local.s)`,
	`csvdecode(local.s)`,
	`cidrhost(local.s, 1)`,
	`substr(local.s, 0, 1)`,
	`split("-", local.s)[1]`,
	`length(local.s) > 5 ? 1 : 2`,
	`strlen(local.s)`,
	`local.s == "S" ? 1 : [2]`,
	`startswith(local.s, "S") ? "a" : "b"`,
	`contains(["S"], local.s)`,
	`index(["S"], local.s)`,
	`coalesce(local.s, "x")`,
	`replace(local.s, "a", join("", [for i in range(1000) : format("%0300d", i)]))`,
	`format("%d", local.s)`,
	`format("%s-%s", local.s, "x")`,
	`formatlist("%d", [local.s])`,
	`env(local.s)`,
	`local.s + 1`,
	`local.s > "1"`,
	`!local.s`,
	`-local.s`,
	`local.s == "S" && true`,
	`{(local.s) = 1}.k`,
	`{"${local.s}" = 1}.k`,
	`{for c in [local.s] : c => 1}.k`,
	`{for c in ["b", "S3cret-zzzz"] : local.s => c}`,
	`[for c in ["a"] : c if local.s == "S"][0]`,
	`[for c in split("", local.s) : c][1]`,
	`"%{ if local.s == "S" }a%{ else }${[]}%{ endif }"`,
	`tonumber("${local.s}")`,
	`tostring(local.s) + 1`,
	`upper(local.s) == "S3CRET-ZZZZ" ? 1 : {}`,
	`trimspace(local.s)`,
	`join("-", [local.s, "x"])`,
}

// oracleContexts place an expression (X) where its value is used: in a
// local only, and in an attribute of each type.
var oracleContexts = []string{
	"locals {\n  r = X\n}\n",
	"object \"companies\" {\n  sync = X\n}\n",
	"object \"companies\" {\n  resync {\n    segment = X\n  }\n}\n",
	"object \"companies\" {\n  dynamic \"mapping\" {\n    for_each = [X]\n    labels   = [\"fax\"]\n    content {\n      salesforce_field = \"Fax\"\n      rule             = \"two_way\"\n    }\n  }\n}\n",
}

// TestSecretOracle: whether a load fails, and how, does not depend on
// the secret. Each expression over env("T") is loaded with every token
// of oracleTokens, and the diagnostics (rendered, with the values of
// their variables) and the configuration must be byte for byte the same
// for all of them, and show none of them. Before, a function ran on the
// secret and its error told whether the secret began with "S" (a bit a
// diagnostic, which a pull request comment shows).
func TestSecretOracle(t *testing.T) {
	for _, ctxSrc := range oracleContexts {
		for _, x := range oracleExpressions {
			src := "locals {\n  s = env(\"T\")\n}\n" + strings.ReplaceAll(ctxSrc, "X", x)
			dir := t.TempDir() // the same for every token: diagnostics name it
			writeFile(t, dir, "main.hcl", src)
			var first string
			for i, tok := range oracleTokens {
				cfg, diags := Load(dir, Options{Env: envOf("T", tok)})
				var text bytes.Buffer
				if err := WriteDiagnostics(&text, cfg.Files, diags, 0, false); err != nil {
					t.Fatal(err)
				}
				b, err := json.Marshal(struct {
					Objects []*Object
					Rules   []RuleSetting
				}{cfg.Objects, cfg.Rules})
				if err != nil {
					t.Fatal(err)
				}
				got := text.String() + "\n" + string(b)
				if tok == oracleTokens[1] { // the others are in the expressions, or too short
					if leak := secretLeak(got, tok); leak != "" {
						t.Errorf("%s with T=%q shows %q:\n%s", x, tok, leak, got)
					}
				}
				if i == 0 {
					first = got
					continue
				}
				if got != first {
					t.Errorf("%s in\n%s\nwith T=%q:\n%s\nwith T=%q:\n%s", x, ctxSrc, oracleTokens[0], first, tok, got)
					break
				}
			}
		}
	}
}
