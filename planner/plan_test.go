package planner_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/fixture"
	"github.com/syncform/syncform/planner"
)

// plan loads src as a one-file configuration and plans it against snap.
func plan(t *testing.T, src string, snap *syncform.Snapshot) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := config.Load(dir, config.Options{})
	if diags.HasErrors() {
		t.Fatalf("load: %v", diags)
	}
	return planner.Plan(cfg, snap)
}

func actions(r *planner.Result) []string {
	var out []string
	for _, a := range r.Actions {
		out = append(out, string(a.Change.Op)+" "+a.Address)
	}
	return out
}

func TestPlanOrderAndContent(t *testing.T) {
	src := `
object "deals" {
  sync = true
  mapping "discount" {
    salesforce_field = "Discount__c"
    rule             = "two_way"
  }
}
object "companies" {
  prune = true
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
  }
  mapping "name" {
    salesforce_field = "Name"
    rule             = "two_way"
  }
}
object "contacts" {
  mapping "utm_source" {
    salesforce_field = "utm_medium__c"
    rule             = "two_way"
  }
}
`
	r, diags := plan(t, src, live(t))
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	want := []string{
		"update deals.sync",                       // sync on first
		"create companies.property.region",        // then properties
		"delete contacts.mapping.utm_source",      // deletes: re-pointed …
		"delete companies.mapping.legacy_segment", // … and pruned
		"update companies.mapping.name",           // rule changes
		"create contacts.mapping.utm_source",      // creates, by object order
		"create companies.mapping.region",
		"create deals.mapping.discount",
		" contacts.backfill.to_hubspot",     // back-fills last: the new and
		" contacts.backfill.to_salesforce",  // re-pointed mappings open both
		" companies.backfill.to_hubspot",    // directions, region only to
		" companies.backfill.to_salesforce", // HubSpot; name's change to two_way opens Salesforce
		" deals.backfill.to_hubspot",
		" deals.backfill.to_salesforce",
	}
	if diff := cmp.Diff(want, actions(r)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if len(r.Unmanaged) != 0 {
		t.Errorf("unmanaged = %v: contacts' only custom mapping is declared and companies prunes", r.Unmanaged)
	}
	for _, a := range r.Actions {
		if a.Mode != syncform.ModeAuto {
			t.Errorf("%s: mode %s on the sandbox", a.Address, a.Mode)
		}
		if a.Backfill == nil && a.Change.Op != syncform.OpCreate && a.Before == nil {
			t.Errorf("%s: %s without before", a.Address, a.Change.Op)
		}
	}
	s := r.Summary()
	if s.Create != 4 || s.Update != 2 || s.Delete != 2 || s.Backfill != 6 {
		t.Errorf("summary = %+v", s)
	}
}

func TestPlanLeavesWhatItDoesNotManage(t *testing.T) {
	src := `
object "companies" {
  mapping "name" {
    salesforce_field = "Name"
    rule             = "prefer_salesforce_unless_blank"
  }
}
`
	r, diags := plan(t, src, live(t))
	if len(diags) != 0 || !r.Empty() {
		t.Fatalf("plan = %v, %v; want no changes", actions(r), diags)
	}
	// Without prune the undeclared custom mapping is listed, not deleted; the
	// undeclared standard owner mapping is neither; contacts and deals are
	// not declared at all and are not looked at.
	if len(r.Unmanaged) != 1 || r.Unmanaged[0].Property != "legacy_segment" {
		t.Errorf("unmanaged = %+v", r.Unmanaged)
	}
}

func TestOwnerDisplayedRuleIsNotDrift(t *testing.T) {
	snap := live(t)
	if m, _ := snap.Mapping(syncform.Companies, syncform.OwnerProperty); m.Rule == syncform.TwoWay {
		t.Fatalf("the seeded owner mapping should display a rule other than two_way, got %s", m.Rule)
	}
	r, diags := plan(t, `
object "companies" {
  mapping "hubspot_owner_id" {
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}`, snap)
	if len(diags) != 0 || !r.Empty() {
		t.Errorf("plan = %v, %v; the owner mapping is two-way whatever it displays", actions(r), diags)
	}
}

func TestSyncOffComesLast(t *testing.T) {
	r, diags := plan(t, `
object "companies" {
  sync = false
}
object "deals" {
  sync = true
}`, live(t))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := []string{"update deals.sync", "update companies.sync"}
	if diff := cmp.Diff(want, actions(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPropertyUpdateKeepsOptions(t *testing.T) {
	r, diags := plan(t, `
object "companies" {
  property "tier" {
    label       = "Customer tier"
    type        = "dropdown"
    description = "Contract tier"
  }
}`, live(t))
	if diags.HasErrors() || len(r.Actions) != 1 {
		t.Fatalf("plan = %v, %v", actions(r), diags)
	}
	a := r.Actions[0]
	if a.Change.Op != syncform.OpUpdate || a.Change.Property.Label != "Customer tier" {
		t.Errorf("action = %+v", a.Change)
	}
	if len(a.Change.Property.Options) == 0 || len(a.Change.Property.Options) != len(a.Before.Property.Options) {
		t.Errorf("options were not carried over: %+v", a.Change.Property.Options)
	}
}

func TestHubSpotDefinedPropertyCannotBeDeclared(t *testing.T) {
	_, diags := plan(t, `
object "contacts" {
  property "firstname" {
    label = "Given name"
    type  = "text"
  }
}`, live(t))
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "HubSpot's own properties") {
		t.Errorf("diagnostics = %v", diags)
	}
}

func TestRulesBlock(t *testing.T) {
	// mapping-limit is an error past 500 and a warning from 450: its warning
	// can be raised or silenced, its error cannot be relaxed.
	many := func(n int, rules string) string {
		return rules + `
object "contacts" {
  dynamic "property" {
    for_each = range(1, ` + strconv.Itoa(n+1) + `)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = "x"
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = range(1, ` + strconv.Itoa(n+1) + `)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = "two_way"
    }
  }
}`
	}
	tests := []struct {
		name     string
		src      string
		severity []hcl.DiagnosticSeverity
		text     string
	}{
		{"default warning", many(430, ""), []hcl.DiagnosticSeverity{hcl.DiagWarning}, "close to the limit"},
		{"warning off", many(430, `rules { mapping-limit = "off" }`), nil, ""},
		{"warning raised", many(430, `rules { mapping-limit = "error" }`), []hcl.DiagnosticSeverity{hcl.DiagError}, "close to the limit"},
		{"unknown slug", `rules { mapping-limt = "off" }`, []hcl.DiagnosticSeverity{hcl.DiagError}, `Did you mean "mapping-limit"?`},
		{"error cannot be relaxed", `rules { type-mismatch = "warning" }`, []hcl.DiagnosticSeverity{hcl.DiagError}, "cannot be set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := plan(t, tt.src, live(t))
			var got []hcl.DiagnosticSeverity
			for _, d := range diags {
				got = append(got, d.Severity)
				if !strings.Contains(d.Detail, tt.text) {
					t.Errorf("diagnostic %s does not say %q", fixture.Describe(d), tt.text)
				}
			}
			if diff := cmp.Diff(tt.severity, got); diff != "" {
				t.Errorf("severities (-want +got):\n%s", diff)
			}
		})
	}
}
