package planner_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
// truncated and altered copies of it. Each input is read as it is and, as
// a tamperer who knows the digest's scheme would write it, with its digest
// recomputed, so that the checks past the digest see arbitrary content
// too. No input may make it panic; a document it accepts must be one apply
// can use (its plan, its staleness and the live system's judgement of its
// actions against the live settings, its comparison with a plan made now)
// and must write back as JSON that reads as the same document and writes
// as the same bytes.
func FuzzReadDocument(f *testing.F) {
	saved := savedQuickstartPlan(f)
	f.Add(saved)
	for _, n := range []int{0, 1, 2, len(saved) / 4, len(saved) / 2, len(saved) - 2, len(saved) - 1} {
		f.Add(saved[:n])
	}
	for _, edit := range [][2]string{
		{`"format_version": "1.1"`, `"format_version": "2.0"`},
		{`"format_version": "1.1"`, `"format_version": ""`},
		{`"format_version": "1.1"`, `"format_version": "1.0"`},
		{`"valid": true`, `"valid": false`},
		{`"valid": true`, `"valid": "yes"`},
		{`"create": `, `"create": -1e400, "x": `},
		{`"changes": [`, `"changes": [null, `},
		{`"digest": "sha256:`, `"digest": "sha256:0`},
		{`"overwrites": `, `"overwrites": -`},
		{`"op": "delete"`, `"op": "create"`},
		{`"rule": "two_way"`, `"rule": "dont_sync"`},
		{`"valid": true`, `"valid": true, "valid": true`},
	} {
		f.Add(bytes.Replace(saved, []byte(edit[0]), []byte(edit[1]), 1))
	}
	f.Add([]byte(`{"format_version":"1","valid":true}`))
	f.Add([]byte(`{"format_version":"1.1","valid":true,"changes":[{"change":{"op":"delete"},"backfill":{}}]}`))
	f.Add([]byte("null"))
	f.Add(bytes.Repeat([]byte("["), 1000))

	f.Fuzz(func(t *testing.T, b []byte) {
		readBack(t, b)
		if again := redigest(b); again != nil {
			readBack(t, again)
		}
	})
}

// readBack reads b as a saved plan and, if it is accepted, uses it as
// apply would and writes it back.
func readBack(t *testing.T, b []byte) {
	doc, err := planner.ReadDocument(b)
	if err != nil {
		return
	}
	// What apply does with a saved plan must not panic either. (The
	// unexported phase is the planner's ordering, never saved.)
	_ = doc.Result().Summary()
	_ = doc.Stale(seeded)
	_ = planner.CheckActions(seeded, doc.Changes)
	if err := doc.Matches(*doc); err != nil {
		t.Fatalf("a document does not match itself: %v", err)
	}

	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("an accepted document does not marshal: %v", err)
	}
	again, err := planner.ReadDocument(out)
	if err != nil {
		t.Fatalf("an accepted document, written back, is refused: %v\n%s", err, out)
	}
	// Fields of a later minor version are dropped, and the digest with them.
	if diff := cmp.Diff(doc, again, cmpopts.IgnoreUnexported(planner.Action{}), cmpopts.IgnoreFields(planner.Document{}, "Digest")); diff != "" {
		t.Fatalf("written back and read again, the document differs (-first +second):\n%s", diff)
	}
	if out2, _ := json.Marshal(again); !bytes.Equal(out, out2) {
		t.Fatalf("written twice, the document differs:\n%s\n%s", out, out2)
	}
}

// redigest gives a JSON object the digest of its body, as docs/plan-json.md
// describes it (the SHA-256 of every other field, decoded and encoded again
// with sorted keys and numbers as written); nil when b is not one.
func redigest(b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var body map[string]any
	if dec.Decode(&body) != nil || body == nil {
		return nil
	}
	delete(body, "digest")
	canonical, err := json.Marshal(body)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(canonical)
	body["digest"] = "sha256:" + hex.EncodeToString(sum[:])
	out, _ := json.Marshal(body)
	return out
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
	doc := planner.NewDocument("fuzz", planner.Connection{Provider: "sandbox", ID: "sandbox:/tmp/fuzz.db"}, live, plan, append(diags, pdiags...), nil)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if len(doc.Changes) < 5 || !bytes.Contains(b, []byte(`"backfill"`)) {
		tb.Fatalf("the quickstart's plan is too small a seed:\n%s", b)
	}
	return b
}
