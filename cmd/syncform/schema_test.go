package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/syncform/syncform/planner"
)

// TestPlanJSONMatchesSchema validates real plan --format json output
// against docs/plan.schema.json: plans with changes, back-fills, options,
// notes and unmanaged mappings, an empty plan, and a plan with errors. A
// saved plan is the same document and must read back.
func TestPlanJSONMatchesSchema(t *testing.T) {
	schemaPath, _ := filepath.Abs(filepath.Join("..", "..", "docs", "plan.schema.json"))
	sch, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Abs(filepath.Join("..", "..", "examples"))
	cases := map[string]string{
		"quickstart":       mustRead(t, filepath.Join(examples, "quickstart", "main.hcl")),
		"reference-labels": mustRead(t, filepath.Join(examples, "reference-labels", "main.hcl")),
		"manual": `connection {
  provider = "sandbox"
  connector { manual = true }
}
object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}`,
		"no changes": `object "companies" {}`,
		"errors": `object "companies" {
  mapping "is_partner" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644)
			t.Chdir(dir)
			a, out, errb := testApp("", false)
			code := run(context.Background(), a, []string{"plan", "--format", "json"})
			if want := map[bool]int{true: exitError, false: exitOK}[name == "errors"]; code != want {
				t.Fatalf("exit %d, want %d: %s", code, want, errb)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("the output does not match the schema: %v\n%s", err, out)
			}
			var doc planner.Document
			json.Unmarshal(out.Bytes(), &doc)
			if name == "errors" {
				found := false
				for _, d := range doc.Diagnostics {
					found = found || d.Rule == "type-mismatch" && d.Severity == "error" && d.Range != nil && d.Range.Start.Line == 2
				}
				if doc.Valid || !found {
					t.Errorf("an invalid plan: valid %v, diagnostics %+v", doc.Valid, doc.Diagnostics)
				}
				return
			}
			if doc.Fingerprints.HubSpot == "" || doc.Fingerprints.Salesforce == "" {
				t.Errorf("fingerprints = %+v", doc.Fingerprints)
			}
			if _, err := planner.ReadDocument(out.Bytes()); err != nil {
				t.Errorf("the document does not read back as a saved plan: %v", err)
			}
			// The same document of another major version is refused by
			// the schema and by the reader alike.
			var m map[string]any
			json.Unmarshal(out.Bytes(), &m)
			m["format_version"] = "2.0"
			b, _ := json.Marshal(m)
			other, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if sch.Validate(other) == nil {
				t.Error("the schema accepted format version 2.0")
			}
			if _, err := planner.ReadDocument(b); err == nil {
				t.Error("a saved plan of format 2.0 was read")
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
