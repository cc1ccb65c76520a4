package config

import (
	"slices"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/fixture"
)

// TestDynamicBlocks checks what a dynamic block generates: the iterator's
// key and value over each kind of collection, a renamed iterator, blocks
// without labels, and the source order of generated and literal blocks.
func TestDynamicBlocks(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // the companies mappings, property=field/rule, in order
	}{
		{"list: key is the index", `
  dynamic "mapping" {
    for_each = ["a", "b"]
    labels   = [mapping.value]
    content {
      salesforce_field = "F${mapping.key}__c"
      rule             = "two_way"
    }
  }`, []string{"a=F0__c/two_way", "b=F1__c/two_way"}},
		{"map: key is the key, in key order", `
  dynamic "mapping" {
    for_each = { b = "always_use_salesforce", a = "two_way" }
    labels   = [mapping.key]
    content {
      salesforce_field = "${upper(mapping.key)}__c"
      rule             = mapping.value
    }
  }`, []string{"a=A__c/two_way", "b=B__c/always_use_salesforce"}},
		{"set: key is the value", `
  dynamic "mapping" {
    for_each = toset(["y", "x"])
    labels   = [mapping.key]
    content {
      salesforce_field = "${mapping.value}__c"
      rule             = "two_way"
    }
  }`, []string{"x=x__c/two_way", "y=y__c/two_way"}},
		{"iterator and objects", `
  dynamic "mapping" {
    for_each = [{ p = "seats", f = "Seats__c" }]
    iterator = m
    labels   = [m.value.p]
    content {
      salesforce_field = m.value.f
      rule             = "two_way"
    }
  }`, []string{"seats=Seats__c/two_way"}},
		{"literal and generated blocks keep their order", `
  mapping "first" {
    salesforce_field = "First__c"
    rule             = "two_way"
  }
  dynamic "mapping" {
    for_each = []
    labels   = [mapping.value]
    content {
      salesforce_field = "Never__c"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = ["second"]
    labels   = [mapping.value]
    content {
      salesforce_field = "Second__c"
      rule             = "two_way"
    }
  }
  mapping "third" {
    salesforce_field = "Third__c"
    rule             = "two_way"
  }`, []string{"first=First__c/two_way", "second=Second__c/two_way", "third=Third__c/two_way"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "main.hcl", "object \"companies\" {"+tt.body+"\n}\n")
			cfg, diags := Load(dir, Options{})
			for _, d := range diags {
				t.Errorf("diagnostic: %s", fixture.Describe(d))
			}
			if diags.HasErrors() {
				t.FailNow()
			}
			var got []string
			for _, m := range cfg.Object(syncform.Companies).Mappings {
				got = append(got, m.Property+"="+m.SalesforceField+"/"+string(m.Rule))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("mappings = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDynamicResync(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", `object "companies" {
  dynamic "resync" {
    for_each = ["All companies"]
    content {
      to_salesforce = "segment"
      segment       = resync.value
    }
  }
}
`)
	cfg, diags := Load(dir, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if r := cfg.Object(syncform.Companies).Resync; r == nil || r.Segment != "All companies" {
		t.Errorf("resync = %+v", r)
	}
}
