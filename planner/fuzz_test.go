package planner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler"
)

// FuzzReadDocument feeds arbitrary bytes to the saved-plan reader, seeded
// with a real saved plan (the quickstart's, against a new sandbox: creates,
// updates, deletes and back-fills with their batches and impact) and
// truncated and altered copies of it. No input may make it panic; a
// document it accepts must be one apply can use (its plan, its staleness
// against the live settings) and must write back as JSON that reads as
// the same document and writes as the same bytes.
func FuzzReadDocument(f *testing.F) {
	saved := savedQuickstartPlan(f)
	f.Add(saved)
	for _, n := range []int{0, 1, 2, len(saved) / 4, len(saved) / 2, len(saved) - 2, len(saved) - 1} {
		f.Add(saved[:n])
	}
	for _, edit := range [][2]string{
		{`"format_version": "1.0"`, `"format_version": "2.0"`},
		{`"format_version": "1.0"`, `"format_version": ""`},
		{`"valid": true`, `"valid": false`},
		{`"valid": true`, `"valid": "yes"`},
		{`"create": `, `"create": -1e400, "x": `},
		{`"changes": [`, `"changes": [null, `},
	} {
		f.Add(bytes.Replace(saved, []byte(edit[0]), []byte(edit[1]), 1))
	}
	f.Add([]byte(`{"format_version":"1","valid":true}`))
	f.Add([]byte(`{"format_version":"1.0","valid":true,"changes":[{"change":{"op":"delete"},"backfill":{}}]}`))
	f.Add([]byte("null"))

	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := planner.ReadDocument(b)
		if err != nil {
			return
		}
		// What apply does with a saved plan must not panic either. (The
		// unexported phase is the planner's ordering, never saved.)
		_ = doc.Result().Summary()
		_ = doc.Stale(seeded)

		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("an accepted document does not marshal: %v", err)
		}
		again, err := planner.ReadDocument(out)
		if err != nil {
			t.Fatalf("an accepted document, written back, is refused: %v\n%s", err, out)
		}
		if diff := cmp.Diff(doc, again, cmpopts.IgnoreUnexported(planner.Action{})); diff != "" {
			t.Fatalf("written back and read again, the document differs (-first +second):\n%s", diff)
		}
		if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("written twice, the document differs:\n%s\n%s", out, out2)
		}
	})
}

// savedQuickstartPlan is what plan --out saves for examples/quickstart
// against a new sandbox.
func savedQuickstartPlan(tb testing.TB) []byte {
	tb.Helper()
	cfg, diags := config.Load("../examples/quickstart", config.Options{})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	live, plan, pdiags, err := reconciler.PlanLive(context.Background(), sb, cfg, reconciler.Options{})
	if err != nil || plan == nil {
		tb.Fatalf("planning the quickstart: %v %v", err, pdiags)
	}
	doc := planner.NewDocument("fuzz", planner.Connection{Provider: "sandbox", ID: "sandbox:/tmp/fuzz.db"}, live, plan, append(diags, pdiags...))
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if len(doc.Changes) < 5 || !bytes.Contains(b, []byte(`"backfill"`)) {
		tb.Fatalf("the quickstart's plan is too small a seed:\n%s", b)
	}
	return b
}
