package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/fixture"
)

func mustLoad(t *testing.T, opts Options) *Config {
	t.Helper()
	cfg, diags := Load("testdata/valid", opts)
	for _, d := range diags {
		t.Errorf("diagnostic: %s", fixture.Describe(d))
	}
	if diags.HasErrors() {
		t.FailNow()
	}
	return cfg
}

func TestLoadValid(t *testing.T) {
	cfg := mustLoad(t, Options{})
	if cfg.Connection.Provider != ProviderSandbox || cfg.Connection.Sandbox != "state/sandbox.db" {
		t.Errorf("connection = %+v", cfg.Connection)
	}
	ob := cfg.Object(syncform.Companies)
	if ob == nil || ob.Sync == nil || !*ob.Sync || !ob.Prune {
		t.Fatalf("companies = %+v", ob)
	}
	var got []string
	for _, m := range ob.Mappings {
		got = append(got, fmt.Sprintf("%s=%s/%s", m.Property, m.SalesforceField, m.Rule))
	}
	want := []string{"region=Region__c/always_use_salesforce", "industry=Industry/two_way", "utm_source=utm_source__c/prefer_salesforce_unless_blank"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mappings (-want +got):\n%s", diff)
	}
	p := ob.Property("region")
	if p == nil || p.Label != "Sales region" || p.Type != syncform.Dropdown || p.Group != "companyinformation" {
		t.Errorf("property = %+v", p)
	}
	region := ob.Mapping("region")
	if len(region.Labels) != 2 || region.Labels[1].ID != "a0B5e000001AbCe" || region.Labels[1].Range.Start.Line != 36 {
		t.Errorf("labels = %+v", region.Labels)
	}
	if ob.Mapping("industry").Options != OptionsFromSalesforce {
		t.Error("options not decoded")
	}
	if r := ob.Resync; r == nil || r.ToSalesforce != ResyncSegment || r.Segment != "All companies" || r.ToHubSpot != ResyncImport || r.BatchSize != 200000 {
		t.Errorf("resync = %+v", ob.Resync)
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].Slug != "no-backfill" || cfg.Rules[0].Severity != "error" {
		t.Errorf("rules = %+v", cfg.Rules)
	}
}

// TestVariablePrecedence: default < SYNCFORM_VAR_ < --var-file < --var.
func TestVariablePrecedence(t *testing.T) {
	rule := func(cfg *Config) syncform.SyncRule { return cfg.Object(syncform.Companies).Mapping("region").Rule }
	tests := []struct {
		name string
		opts Options
		want syncform.SyncRule
	}{
		{"default", Options{}, syncform.AlwaysUseSalesforce},
		{"environment", Options{Env: envOf("SYNCFORM_VAR_region_rule", "dont_sync")}, syncform.DontSync},
		{"var file over environment", Options{Env: envOf("SYNCFORM_VAR_region_rule", "dont_sync"), VarFiles: []string{"testdata/valid/prod.vars.hcl"}}, syncform.TwoWay},
		{"--var over var file", Options{VarFiles: []string{"testdata/valid/prod.vars.hcl"}, Vars: []string{"region_rule=prefer_salesforce_unless_blank"}}, syncform.PreferSalesforceUnlessBlank},
		{"last --var wins", Options{Vars: []string{"region_rule=two_way", "region_rule=dont_sync"}}, syncform.DontSync},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rule(mustLoad(t, tt.opts)); got != tt.want {
				t.Errorf("rule = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestListVariableAndDynamicBlocks(t *testing.T) {
	for _, opts := range []Options{
		{VarFiles: []string{"testdata/valid/prod.vars.hcl"}},
		{Vars: []string{`campaign_fields=["utm_source","utm_medium","other"]`}},
		{Env: envOf("SYNCFORM_VAR_campaign_fields", `["utm_source","utm_medium","other"]`)},
	} {
		ob := mustLoad(t, opts).Object(syncform.Companies)
		if ob.Mapping("utm_medium") == nil || ob.Mapping("other") != nil || len(ob.Mappings) != 4 {
			t.Errorf("%+v: dynamic mappings = %d", opts, len(ob.Mappings))
		}
	}
}

func TestVariableErrors(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Vars: []string{"region_rul=two_way"}}, `Did you mean "region_rule"?`},
		{Options{Vars: []string{"no_equals_sign"}}, "not of the form name=value"},
		{Options{Vars: []string{"campaign_fields=oops["}}, "not a valid expression"},
		{Options{Vars: []string{"campaign_fields=12"}}, "list of string"},
		{Options{VarFiles: []string{"testdata/missing.vars.hcl"}}, "Failed to read file"},
	}
	for _, tt := range tests {
		_, diags := Load("testdata/valid", tt.opts)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.want) {
			t.Errorf("%+v: diagnostics %q, want one containing %q", tt.opts, diags.Error(), tt.want)
		}
	}
}

// TestSecretsNeverInDiagnostics: whatever the misuse of a token read through
// env(), its value appears in no diagnostic.
func TestSecretsNeverInDiagnostics(t *testing.T) {
	const token = "pat-na1-SUPERSECRET"
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", `
locals { t = env("TOKEN") }
object "contacts" {
  mapping "fax" {
    salesforce_field = env("TOKEN")
    rule             = local.t
  }
  mapping "phone" {
    salesforce_field = "Phone"
    rule             = upper(env("TOKEN"))
    labels           = { (env("TOKEN")) = "x" }
  }
  mapping "fax" {
    salesforce_field = tonumber(env("TOKEN"))
    rule             = regex("[0-9]+", env("TOKEN"))
  }
  mapping "mobile" {
    salesforce_field = parseint(env("TOKEN"), 10)
    rule             = "two_way"
  }
}
connection {
  provider = "hubspot"
  hubspot {
    portal_id = env("TOKEN")
    token     = env("TOKEN")
  }
}
`)
	cfg, diags := Load(dir, Options{Env: envOf("TOKEN", token)})
	if !diags.HasErrors() {
		t.Fatal("expected errors")
	}
	var b strings.Builder
	w := hcl.NewDiagnosticTextWriter(&b, cfg.Files, 100, false)
	_ = w.WriteDiagnostics(diags)
	if strings.Contains(b.String(), "SUPERSECRET") {
		t.Fatalf("secret leaked into diagnostics:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "Secret value not allowed here") {
		t.Errorf("misuse not reported:\n%s", b.String())
	}
	if got := fmt.Sprintf("%v %+v", cfg.Connection, cfg.Connection.HubSpot); strings.Contains(got, "SUPERSECRET") {
		t.Errorf("secret printable from the config: %s", got)
	}
	if cfg.Connection.HubSpot == nil || cfg.Connection.HubSpot.Token.Reveal() != token {
		t.Errorf("token not decoded")
	}
}

func TestNoConfigurationFiles(t *testing.T) {
	_, diags := Load(t.TempDir(), Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "syncform init") {
		t.Errorf("diagnostics = %v", diags)
	}
}

func envOf(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(n string) (string, bool) { v, ok := m[n]; return v, ok }
}
