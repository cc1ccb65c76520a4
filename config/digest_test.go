package config

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"strings"
	"testing"
)

const digestConnection = `connection {
  provider = "hubspot"
  hubspot {
    portal_id = 12345678
    token     = env("HUBSPOT_TOKEN")
  }
  salesforce {
    instance_url = "https://acme.my.salesforce.com"
    token        = env("SALESFORCE_TOKEN")
  }
  connector {
    mappings_csv = "mappings.csv"
  }
}
`

// digestConfig declares a rule through a variable and mappings through a
// dynamic block.
const digestConfig = digestConnection + `
variable "rule" {
  type    = string
  default = "two_way"
}

locals {
  fields = ["utm_source", "utm_medium"]
}

object "companies" {
  sync = true
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = var.rule
  }
  dynamic "mapping" {
    for_each = local.fields
    labels   = [mapping.value]
    content {
      salesforce_field = "${mapping.value}__c"
      rule             = "prefer_salesforce_unless_blank"
    }
  }
}

rules {
  mapping-limit = "error"
}
`

// digestExplicit is what digestConfig evaluates to with the variable's
// default, written out in another order and style.
const digestExplicit = `# The rules first, this time.
rules {
  mapping-limit = "error"
}

object "companies" {
  mapping "utm_medium" {
    rule = "prefer_salesforce_unless_blank"
    salesforce_field = "utm_medium__c"
  }
  mapping "seats" { 
    salesforce_field = "Seats__c"
    rule = "two_way"
  }
  mapping "utm_source" {
    salesforce_field = "utm_source__c"
    rule = "prefer_salesforce_unless_blank"
  }
  sync = true
}
`

// TestDigestIsOfTheEvaluation: the digest follows what the configuration
// evaluates to: a variable's value from --var, a --var-file or
// SYNCFORM_VAR_ changes it; the same evaluation written another way (other
// files, order, formatting, comments, no variable or dynamic block) does
// not; and a token, whatever its value, is no part of it.
func TestDigestIsOfTheEvaluation(t *testing.T) {
	const token = "pat-na1-DIGEST-SECRET"
	layout := func(files map[string]string) string {
		dir := t.TempDir()
		for name, src := range files {
			writeFile(t, dir, name, src)
		}
		return dir
	}
	digest := func(dir string, o Options, env map[string]string) string {
		t.Helper()
		all := map[string]string{"HUBSPOT_TOKEN": token, "SALESFORCE_TOKEN": token}
		maps.Copy(all, env)
		o.Env = func(k string) (string, bool) { v, ok := all[k]; return v, ok }
		for i, f := range o.VarFiles {
			o.VarFiles[i] = filepath.Join(dir, f)
		}
		cfg, diags := Load(dir, o)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return cfg.Digest()
	}
	main := layout(map[string]string{"main.hcl": digestConfig, "other.vars.hcl": `rule = "prefer_salesforce_unless_blank"` + "\n"})
	base := digest(main, Options{}, nil)
	if len(base) != 64 {
		t.Fatalf("digest %q", base)
	}
	for name, files := range map[string]map[string]string{
		"the connection in a file of its own": {"connection.hcl": digestConnection, "main.hcl": strings.TrimPrefix(digestConfig, digestConnection)},
		"written out, in another order":       {"connection.hcl": digestConnection, "objects.hcl": digestExplicit},
	} {
		if got := digest(layout(files), Options{}, nil); got != base {
			t.Errorf("%s: digest %.12s, want %.12s", name, got, base)
		}
	}
	if got := digest(main, Options{}, map[string]string{"HUBSPOT_TOKEN": "another-token"}); got != base {
		t.Error("another token changed the digest")
	}
	if got := digest(main, Options{Vars: []string{"rule=two_way"}}, nil); got != base {
		t.Error("--var giving the default's value changed the digest")
	}

	seen := map[string]string{base: "the default"}
	for name, tc := range map[string]struct {
		o   Options
		env map[string]string
	}{
		"--var":         {o: Options{Vars: []string{"rule=dont_sync"}}},
		"--var-file":    {o: Options{VarFiles: []string{"other.vars.hcl"}}},
		"SYNCFORM_VAR_": {env: map[string]string{"SYNCFORM_VAR_rule": "always_use_salesforce"}},
	} {
		got := digest(main, tc.o, tc.env)
		if other, ok := seen[got]; ok {
			t.Errorf("%s gives the digest of %s", name, other)
		}
		seen[got] = name
	}
}

// TestDigestHasNoSecret: what is hashed holds no token.
func TestDigestHasNoSecret(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", digestConfig)
	const token = "pat-na1-CANONICAL-SECRET"
	cfg, diags := Load(dir, Options{Env: func(k string) (string, bool) { return token, strings.HasSuffix(k, "_TOKEN") }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	b, err := json.Marshal(canonical(cfg))
	if err != nil || strings.Contains(string(b), token) || strings.Contains(string(b), "sensitive") || !strings.Contains(string(b), `"portal_id":12345678`) {
		t.Errorf("the canonical form %s (%v)", b, err)
	}
}
