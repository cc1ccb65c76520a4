package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestSavedPlanReadIsBounded: apply and show read a saved plan only from a
// regular file of at most maxPlanSize bytes. A device that never ends
// (/dev/zero), a named pipe nobody writes, a directory and a file over the
// limit are each refused at once with an error saying why, never read
// without end or waited on.
func TestSavedPlanReadIsBounded(t *testing.T) {
	dir := quickstart(t)
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	writeTestFile(t, big, []byte(`{"format_version": "1.1", "x": "`))
	if err := os.Truncate(big, maxPlanSize+1); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "plans"), 0o755)
	for _, tc := range []struct{ arg, want string }{
		{"/dev/zero", "not a regular file"},
		{"pipe.json", "not a regular file"},
		{"plans", "not a regular file"},
		{"big.json", "larger than 32 MiB"},
	} {
		for _, cmd := range []string{"apply", "show"} {
			t.Run(cmd+" "+filepath.Base(tc.arg), func(t *testing.T) {
				r := runBounded([]string{cmd, tc.arg})
				switch {
				case r.hung:
					t.Fatal("still reading the plan")
				case r.panic != "":
					t.Fatal(r.panic)
				case r.code != exitError || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, tc.arg):
					t.Errorf("exit %d; want 1 and an error naming %s: %s:\n%s", r.code, tc.arg, tc.want, clipped(r.stderr))
				}
			})
		}
	}
}

// tamper is one edit of a saved plan. edit changes the decoded document;
// raw, when set, changes its bytes instead. Each edit is applied as it is
// (the digest no longer matches: want) and, unless digestOnly, with the
// digest recomputed as a tamperer who knows its scheme would (wantRedigested:
// a check past the digest must refuse it).
type tamper struct {
	name           string
	edit           func(doc map[string]any)
	raw            func(b []byte) []byte
	want           string
	wantRedigested string
	digestOnly     bool
	args           []string
}

const (
	changedOrDamaged = "changed or damaged since plan wrote it"
	malformed        = "the saved plan is malformed"
	notPlanned       = "not what plan makes now"
	refused          = "the live system would refuse the saved plan"
)

// changeOf returns the action of the document at addr (the first one).
func changeOf(doc map[string]any, addr string) map[string]any {
	for _, c := range doc["changes"].([]any) {
		if a := c.(map[string]any); a["address"] == addr {
			return a
		}
	}
	panic("no action " + addr)
}

func changes(doc map[string]any) []any { return doc["changes"].([]any) }

func inner(a map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		a = a[k].(map[string]any)
	}
	return a
}

// tamperings is the corpus: every field of an action edited, actions added,
// removed, duplicated and reordered, the guards' figures lowered, the
// digest removed, changed or taken from another plan, the file cut short,
// keys given twice, numbers too large for their field, values of the wrong
// type, and the document's other fields edited.
func tamperings(overwrites int) []tamper {
	set := func(addr string, path []string, key string, v any) func(map[string]any) {
		return func(doc map[string]any) { inner(changeOf(doc, addr), path...)[key] = v }
	}
	return []tamper{
		// An action's fields.
		{name: "address", edit: func(doc map[string]any) { changeOf(doc, "contacts.mapping.fax")["address"] = "contacts.mapping.phone" }, wantRedigested: malformed},
		{name: "op: a standard mapping deleted", edit: func(doc map[string]any) {
			c := inner(changeOf(doc, "contacts.mapping.fax"), "change")
			c["op"] = "delete"
			delete(c, "mapping")
			inner(doc, "summary")["update"], inner(doc, "summary")["delete"] = json.Number("2"), json.Number("2")
		}, wantRedigested: "standard-undeletable"},
		{name: "op: unknown", edit: set("contacts.mapping.fax", []string{"change"}, "op", "upsert"), wantRedigested: malformed},
		{name: "resource", edit: set("contacts.mapping.fax", []string{"change"}, "resource", "property"), wantRedigested: malformed},
		{name: "object", edit: set("contacts.mapping.fax", []string{"change"}, "object", "deals"), wantRedigested: malformed},
		{name: "name", edit: set("contacts.mapping.fax", []string{"change"}, "name", "phone"), wantRedigested: malformed},
		{name: "rule", edit: set("companies.mapping.health_score", []string{"change", "mapping"}, "rule", "two_way"), wantRedigested: notPlanned},
		{name: "rule: owner one-way", edit: func(doc map[string]any) {
			a := changeOf(doc, "contacts.mapping.fax")
			a["address"] = "contacts.mapping.hubspot_owner_id"
			c := inner(a, "change")
			c["name"] = "hubspot_owner_id"
			inner(c, "mapping")["property"] = "hubspot_owner_id"
			inner(c, "mapping")["salesforce_field"] = "OwnerId"
			inner(c, "mapping")["rule"] = "always_use_salesforce"
		}, wantRedigested: "owner-two-way"},
		{name: "rule: unknown", edit: set("companies.mapping.health_score", []string{"change", "mapping"}, "rule", "sometimes"), wantRedigested: "unknown sync rule"},
		{name: "salesforce field: a type mismatch", edit: set("companies.mapping.customer_tier", []string{"change", "mapping"}, "salesforce_field", "Health_Score__c"), wantRedigested: "type-mismatch"},
		{name: "salesforce field: mapped twice", edit: set("contacts.mapping.utm_medium", []string{"change", "mapping"}, "salesforce_field", "Email"), wantRedigested: "field-mapped-twice"},
		{name: "salesforce field: unknown", edit: set("contacts.mapping.utm_medium", []string{"change", "mapping"}, "salesforce_field", "Nope__c"), wantRedigested: "unknown-field"},
		{name: "standard flag", edit: set("contacts.mapping.utm_medium", []string{"change", "mapping"}, "standard", true), wantRedigested: notPlanned},
		{name: "property type", edit: set("companies.property.customer_tier", []string{"change", "property"}, "type", "number"), wantRedigested: "type-mismatch"},
		{name: "property label", edit: set("companies.property.customer_tier", []string{"change", "property"}, "label", "Tier (edited)"), wantRedigested: notPlanned},
		{name: "property options", edit: set("companies.property.customer_tier", []string{"change", "property"}, "options", []any{map[string]any{"value": "x", "label": "X"}}), wantRedigested: notPlanned},
		{name: "sync", edit: set("deals.sync", []string{"change"}, "sync", false), wantRedigested: "object-sync-off"},
		{name: "sync: contacts off", edit: func(doc map[string]any) {
			a := changeOf(doc, "deals.sync")
			a["address"] = "contacts.sync"
			inner(a, "change")["object"] = "contacts"
			inner(a, "change")["sync"] = false
		}, wantRedigested: "contacts-sync-required"},
		{name: "before", edit: set("contacts.mapping.fax", []string{"before", "mapping"}, "rule", "two_way"), wantRedigested: notPlanned},
		{name: "before of a create", edit: func(doc map[string]any) {
			changeOf(doc, "contacts.mapping.utm_medium")["before"] = changeOf(doc, "contacts.mapping.fax")["before"]
		}, wantRedigested: malformed},
		{name: "reason: unknown", edit: func(doc map[string]any) { changeOf(doc, "contacts.mapping.fax")["reason"] = "because" }, wantRedigested: malformed},
		{name: "reason: another", edit: func(doc map[string]any) { changeOf(doc, "contacts.mapping.fax")["reason"] = "new in configuration" }, wantRedigested: notPlanned},
		{name: "mode: manual", edit: func(doc map[string]any) {
			changeOf(doc, "contacts.mapping.fax")["mode"] = "manual"
			inner(doc, "summary")["manual"] = json.Number("1")
		}, wantRedigested: notPlanned},
		{name: "mode: unknown", edit: func(doc map[string]any) { changeOf(doc, "contacts.mapping.fax")["mode"] = "later" }, wantRedigested: malformed},
		{name: "source", edit: set("contacts.mapping.fax", []string{"source", "start"}, "line", 1), wantRedigested: notPlanned},
		{name: "back-fill properties", edit: set("contacts.backfill.to_hubspot", []string{"backfill", "job"}, "properties", []any{"utm_campaign"}), wantRedigested: notPlanned},
		{name: "back-fill object", edit: set("contacts.backfill.to_hubspot", []string{"backfill", "job"}, "object", "deals"), wantRedigested: malformed},
		{name: "back-fill method", edit: set("contacts.backfill.to_hubspot", []string{"backfill", "job"}, "method", "segment"), wantRedigested: notPlanned},
		{name: "back-fill segment", edit: set("contacts.backfill.to_salesforce", []string{"backfill", "job"}, "segment", "All companies"), wantRedigested: notPlanned},
		{name: "back-fill key", edit: set("contacts.backfill.to_hubspot", []string{"backfill", "job"}, "key", "0123456789abcdef"), wantRedigested: "no job key"},
		{name: "back-fill mappings", edit: set("contacts.backfill.to_hubspot", []string{"backfill", "job"}, "mappings", []any{}), wantRedigested: notPlanned},
		{name: "back-fill change", edit: set("contacts.backfill.to_hubspot", nil, "change", map[string]any{"op": "delete", "resource": "mapping", "object": "contacts", "name": "email"}), wantRedigested: malformed},
		{name: "impact negative", edit: set("contacts.backfill.to_hubspot", []string{"backfill", "impact"}, "overwrites", -1), wantRedigested: malformed},
		// The guard's figures: every back-fill's overwrites lowered to 0
		// gets past no --max-overwrites: apply counts them again.
		{name: "overwrites lowered", edit: func(doc map[string]any) {
			for _, c := range changes(doc) {
				if b, ok := c.(map[string]any)["backfill"].(map[string]any); ok {
					inner(b, "impact")["overwrites"] = 0
				}
			}
		}, wantRedigested: fmt.Sprintf("would overwrite %d non-empty values, more than --max-overwrites 0", overwrites), args: []string{"--max-overwrites", "0"}},
		// Actions added, removed, duplicated, reordered.
		{name: "action removed", edit: func(doc map[string]any) {
			cs := changes(doc)
			doc["changes"] = append(cs[:4:4], cs[5:]...) // contacts.mapping.fax
			inner(doc, "summary")["update"] = json.Number("2")
		}, wantRedigested: notPlanned},
		{name: "action duplicated", edit: func(doc map[string]any) {
			cs := changes(doc)
			doc["changes"] = append(cs[:6:6], cs[5:]...) // contacts.mapping.utm_campaign twice
			inner(doc, "summary")["create"] = json.Number("7")
		}, wantRedigested: "property-mapped-twice"},
		{name: "action added", edit: func(doc map[string]any) {
			add := map[string]any{"address": "contacts.mapping.phone", "reason": "not in configuration (prune)", "mode": "auto",
				"change": map[string]any{"op": "delete", "resource": "mapping", "object": "contacts", "name": "phone"}}
			cs := changes(doc)
			doc["changes"] = append(cs[:2:2], append([]any{add}, cs[2:]...)...)
			inner(doc, "summary")["delete"] = json.Number("2")
		}, wantRedigested: "standard-undeletable"},
		{name: "actions reordered", edit: func(doc map[string]any) {
			cs := changes(doc)
			cs[0], cs[len(cs)-7] = cs[len(cs)-7], cs[0] // deals.sync after deals.mapping.discount
		}, wantRedigested: "object-sync-off"},
		{name: "changes emptied", edit: func(doc map[string]any) {
			doc["changes"] = []any{}
			doc["summary"] = map[string]any{"create": 0, "update": 0, "delete": 0, "backfill": 0, "manual": 0}
		}, wantRedigested: notPlanned},
		// The document's other fields.
		{name: "summary", edit: func(doc map[string]any) { inner(doc, "summary")["delete"] = json.Number("0") }, wantRedigested: malformed},
		{name: "drift", edit: func(doc map[string]any) { doc["drift"] = []any{"contacts.mapping.fax"} }, wantRedigested: malformed},
		{name: "unmanaged", edit: func(doc map[string]any) { doc["unmanaged"] = []any{"companies.mapping.x"} }, wantRedigested: notPlanned},
		{name: "diagnostics removed", edit: func(doc map[string]any) { doc["diagnostics"] = []any{} }, wantRedigested: notPlanned},
		{name: "targets", edit: func(doc map[string]any) { doc["targets"] = []any{"deals.sync"} }, wantRedigested: notPlanned},
		{name: "valid", edit: func(doc map[string]any) { doc["valid"] = false }, wantRedigested: "has errors"},
		{name: "connection", edit: func(doc map[string]any) { inner(doc, "connection")["id"] = "sandbox:/elsewhere.db" }, wantRedigested: "was planned for sandbox:/elsewhere.db"},
		{name: "fingerprints", edit: func(doc map[string]any) { inner(doc, "fingerprints")["hubspot"] = "sha256:" + strings.Repeat("0", 64) }, wantRedigested: "stale"},
		{name: "format version 1.0", edit: func(doc map[string]any) { doc["format_version"] = "1.0" }, wantRedigested: notPlanned},
		{name: "format version 1.0 without a digest", edit: func(doc map[string]any) { doc["format_version"] = "1.0"; delete(doc, "digest") }, want: "plan format 1.0", digestOnly: true},
		{name: "format version 2.0", edit: func(doc map[string]any) { doc["format_version"] = "2.0" }, want: "format version 2.0", wantRedigested: "format version 2.0"},
		// Numbers too large for their field, values of the wrong type.
		{name: "huge number", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"examined": `), []byte(`"examined": 1e400, "x": `), 1)
		}, wantRedigested: "not a saved plan"},
		{name: "huge integer", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"create": 6`), []byte(`"create": 99999999999999999999999`), 1)
		}, wantRedigested: "not a saved plan"},
		{name: "wrong type: valid", edit: func(doc map[string]any) { doc["valid"] = "yes" }, wantRedigested: "not a saved plan"},
		{name: "wrong type: changes", edit: func(doc map[string]any) { doc["changes"] = map[string]any{} }, wantRedigested: "not a saved plan"},
		{name: "wrong type: op", edit: set("contacts.mapping.fax", []string{"change"}, "op", 5), wantRedigested: "not a saved plan"},
		{name: "wrong type: sync", edit: set("deals.sync", []string{"change"}, "sync", "off"), wantRedigested: "not a saved plan"},
		{name: "null action", edit: func(doc map[string]any) { doc["changes"] = append(changes(doc), nil) }, wantRedigested: malformed},
		// Keys twice: the reader would take the last.
		{name: "key twice", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"op": "update"`), []byte(`"op": "update", "op": "delete"`), 1)
		}, want: "appears twice", wantRedigested: "appears twice"},
		// The digest itself, and the file cut short.
		{name: "digest removed", edit: func(doc map[string]any) { delete(doc, "digest") }, want: "it has no digest", digestOnly: true},
		{name: "digest changed", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"digest": "sha256:`), []byte(`"digest": "sha256:0`), 1)
		}, digestOnly: true},
		{name: "digest of another plan", edit: func(doc map[string]any) { doc["digest"] = "sha256:" + strings.Repeat("ab", 32) }, digestOnly: true},
		{name: "truncated", raw: func(b []byte) []byte { return b[:len(b)/2] }, want: "not a saved plan", digestOnly: true},
		{name: "empty", raw: func([]byte) []byte { return nil }, want: "not a saved plan", digestOnly: true},
		{name: "nested too deep", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"drift": []`), append(append([]byte(`"drift": `), bytes.Repeat([]byte("["), 200000)...), bytes.Repeat([]byte("]"), 200000)...), 1)
		}, want: "nested more than", wantRedigested: "nested more than"},
	}
}

// TestTamperedPlansAreRefusedWhole applies every tampering of the
// quickstart's saved plan, as it is and with its digest recomputed: each is
// refused before anything is written, with an error saying why, and the
// live settings, every record's values and the back-fill jobs are as they
// were. show refuses each as-is tampering too. Then the plan as saved
// applies.
func TestTamperedPlansAreRefusedWhole(t *testing.T) {
	dir := quickstart(t)
	if code, _, errb := runHere(t, "plan", "--out", "plan.json"); code != exitOK {
		t.Fatalf("plan --out: exit %d: %s", code, errb)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loadPlan(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	overwrites := 0
	for _, a := range doc.Changes {
		if a.Backfill != nil {
			overwrites += a.Backfill.Impact.Overwrites
		}
	}
	if overwrites == 0 {
		t.Fatal("the quickstart's back-fill overwrites nothing: the test needs it to")
	}
	before := outcome(t, dir)
	cases, refusedCount := tamperings(overwrites), 0
	for _, tc := range cases {
		for _, redigested := range []bool{false, true} {
			if redigested && tc.digestOnly {
				continue
			}
			name := tc.name + map[bool]string{false: "/as is", true: "/digest recomputed"}[redigested]
			t.Run(name, func(t *testing.T) {
				b := tamperWith(t, saved, tc)
				want := cmp.Or(tc.want, changedOrDamaged)
				if redigested {
					b, want = redigestPlan(t, b), tc.wantRedigested
				}
				if bytes.Equal(b, saved) {
					t.Fatal("the edit changed nothing")
				}
				writeTestFile(t, filepath.Join(dir, "tampered.json"), b)
				code, out, errb := runHere(t, append([]string{"apply", "tampered.json"}, tc.args...)...)
				if code != exitError || !strings.Contains(errb, want) || strings.Contains(out, "Apply complete") {
					t.Errorf("exit %d; want 1 and an error saying %q:\n%s%s", code, want, clipped(out), clipped(errb))
				}
				if !redigested {
					if code, _, errb := runHere(t, "show", "tampered.json"); code != exitError || !strings.Contains(errb, want) {
						t.Errorf("show: exit %d; want 1 and %q: %s", code, want, clipped(errb))
					}
				}
				if after := outcome(t, dir); !reflect.DeepEqual(after, before) {
					t.Fatalf("the live state changed: %+v, was %+v", after, before)
				}
				refusedCount++
			})
		}
	}
	t.Logf("%d tamperings of %d kinds refused whole", refusedCount, len(cases))
	if code, out, errb := runHere(t, "apply", "plan.json"); code != exitOK || !strings.Contains(out, "Apply complete") {
		t.Fatalf("the plan as saved: exit %d:\n%s%s", code, out, errb)
	}
}

// runHere runs the CLI in the current directory, in this process.
func runHere(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	a, out, errb := testApp("", false)
	code := run(context.Background(), a, args)
	return code, out.String(), errb.String()
}

// tamperWith applies tc to a saved plan's bytes, keeping its indentation
// for byte edits.
func tamperWith(t *testing.T, saved []byte, tc tamper) []byte {
	t.Helper()
	if tc.raw != nil {
		return tc.raw(bytes.Clone(saved))
	}
	dec := json.NewDecoder(bytes.NewReader(saved))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	tc.edit(doc)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// redigestPlan gives a document the digest of its body as docs/plan-json.md
// describes it: the SHA-256 of every other field, decoded and encoded again
// as compact JSON with sorted keys and numbers as written. A document that
// does not decode is left as it is.
func redigestPlan(t *testing.T, b []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil {
		return b
	}
	delete(doc, "digest")
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if !bytes.Contains(b, []byte(`"digest"`)) {
		return b
	}
	out := digestField.ReplaceAll(b, []byte(`"digest": "sha256:`+hex.EncodeToString(sum[:])+`"`))
	return out
}

var digestField = regexp.MustCompile(`"digest": ?"[^"]*"`)
