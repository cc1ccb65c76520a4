package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

func TestGetSettings(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("GET", "/connector/v1/settings", nil)
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var got apiwire.Settings
	res.decode(t, &got)
	snap := h.snapshot()
	for o, on := range snap.Sync {
		if got.Sync[o] != on {
			t.Errorf("sync[%s] = %v, want %v", o, got.Sync[o], on)
		}
	}
	n := 0
	for _, ms := range snap.Mappings {
		n += len(ms)
	}
	if len(got.Mappings) != n || n == 0 {
		t.Fatalf("%d mappings, want %d", len(got.Mappings), n)
	}
	var firstname apiwire.Mapping
	for _, m := range got.Mappings {
		if m.Object == sf.Contacts && m.Property == "firstname" {
			firstname = m
		}
	}
	if firstname.SalesforceField != "FirstName" || !firstname.Standard || firstname.Rule == "" {
		t.Errorf("firstname mapping = %+v", firstname)
	}
	if !strings.Contains(string(res.body), `"standard":false`) {
		t.Error("custom mappings do not say standard: false")
	}
}

func TestPutSync(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("PUT", "/connector/v1/objects/deals/sync", map[string]bool{"sync": true})
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if !h.snapshot().Sync[sf.Deals] {
		t.Error("deals sync still off")
	}
	// Contacts always sync: the sandbox's refusal comes back as a 400.
	res = h.do("PUT", "/connector/v1/objects/contacts/sync", map[string]bool{"sync": false})
	var e hsErr
	res.decode(t, &e)
	if res.status != http.StatusBadRequest || e.Category != "VALIDATION_ERROR" || !strings.Contains(e.Message, "cannot be turned off") {
		t.Errorf("status %d: %+v", res.status, e)
	}
	if res := h.do("PUT", "/connector/v1/objects/tickets/sync", map[string]bool{"sync": true}); res.status != http.StatusBadRequest {
		t.Errorf("unknown object: status %d", res.status)
	}
	if res := h.do("PUT", "/connector/v1/objects/deals/sync", map[string]any{}); res.status != http.StatusBadRequest {
		t.Errorf("no sync value: status %d", res.status)
	}
}

func TestMappingLifecycle(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("POST", "/connector/v1/mappings", map[string]string{
		"object": "contacts", "property": "utm_medium", "salesforce_field": "utm_medium__c", "rule": string(sf.TwoWay),
	})
	if res.status != http.StatusCreated {
		t.Fatalf("create: status %d: %s", res.status, res.body)
	}
	var m apiwire.Mapping
	res.decode(t, &m)
	if m != (apiwire.Mapping{Object: sf.Contacts, Property: "utm_medium", SalesforceField: "utm_medium__c", Rule: sf.TwoWay}) {
		t.Errorf("created %+v", m)
	}
	if _, ok := h.snapshot().Mapping(sf.Contacts, "utm_medium"); !ok {
		t.Fatal("mapping not in the sandbox")
	}

	res = h.do("PATCH", "/connector/v1/mappings/contacts/utm_medium", map[string]string{"rule": string(sf.AlwaysUseSalesforce)})
	if res.status != http.StatusOK {
		t.Fatalf("patch: status %d: %s", res.status, res.body)
	}
	if got, _ := h.snapshot().Mapping(sf.Contacts, "utm_medium"); got.Rule != sf.AlwaysUseSalesforce {
		t.Errorf("rule %q after patch", got.Rule)
	}

	if res := h.do("DELETE", "/connector/v1/mappings/contacts/utm_medium", nil); res.status != http.StatusNoContent {
		t.Fatalf("delete: status %d: %s", res.status, res.body)
	}
	if _, ok := h.snapshot().Mapping(sf.Contacts, "utm_medium"); ok {
		t.Error("mapping still there after delete")
	}
}

// TestBatchMappings walks the batch routes: not atomic, each failed input
// named by its property beside the successes, as HubSpot's batches answer.
func TestBatchMappings(t *testing.T) {
	h := newHarness(t, Options{})
	in := func(ms ...apiwire.Mapping) map[string]any { return map[string]any{"inputs": ms} }
	type answer struct {
		Results []apiwire.Mapping `json:"results"`
		Errors  []struct {
			Category string              `json:"category"`
			Message  string              `json:"message"`
			Context  map[string][]string `json:"context"`
		} `json:"errors"`
	}
	tests := []struct {
		name, verb string
		body       any
		status     int
		results    []string // properties answered
		failed     map[string]string
		want       map[string]sf.SyncRule // rule per property afterwards; "" for no mapping
	}{
		{"create", "create", in(
			apiwire.Mapping{Property: "utm_medium", SalesforceField: "utm_medium__c", Rule: sf.TwoWay},
			apiwire.Mapping{Property: "utm_campaign", SalesforceField: "utm_campaign__c", Rule: sf.AlwaysUseSalesforce}),
			http.StatusCreated, []string{"utm_medium", "utm_campaign"}, nil,
			map[string]sf.SyncRule{"utm_medium": sf.TwoWay, "utm_campaign": sf.AlwaysUseSalesforce}},
		{"create again and a bad one", "create", in(
			apiwire.Mapping{Property: "utm_medium", SalesforceField: "utm_medium__c", Rule: sf.TwoWay},
			apiwire.Mapping{Property: "utm_term", SalesforceField: "utm_term__c", Rule: "sometimes"},
			apiwire.Mapping{SalesforceField: "X__c", Rule: sf.TwoWay}),
			http.StatusMultiStatus, []string{"utm_medium"}, map[string]string{"utm_term": "unknown sync rule", "": "property is required"},
			map[string]sf.SyncRule{"utm_medium": sf.TwoWay, "utm_term": ""}},
		{"update", "update", in(
			apiwire.Mapping{Property: "utm_medium", Rule: sf.DontSync},
			apiwire.Mapping{Property: "nope", Rule: sf.DontSync}),
			http.StatusMultiStatus, []string{"utm_medium"}, map[string]string{"nope": "no mapping"},
			map[string]sf.SyncRule{"utm_medium": sf.DontSync}},
		{"archive", "archive", in(apiwire.Mapping{Property: "utm_medium"}, apiwire.Mapping{Property: "utm_campaign"}, apiwire.Mapping{Property: "gone"}),
			http.StatusNoContent, nil, nil, map[string]sf.SyncRule{"utm_medium": "", "utm_campaign": ""}},
		{"archive a standard mapping", "archive", in(apiwire.Mapping{Property: "firstname"}),
			http.StatusMultiStatus, nil, map[string]string{"firstname": "cannot be deleted"}, nil},
		{"unknown verb", "upsert", in(), http.StatusNotFound, nil, nil, nil},
		{"too many", "create", map[string]any{"inputs": make([]apiwire.Mapping, apiwire.MaxBatchInputs+1)}, http.StatusBadRequest, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := h.do("POST", "/connector/v1/mappings/contacts/batch/"+tc.verb, tc.body)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if res.status >= 300 && res.status != http.StatusMultiStatus {
				return
			}
			var a answer
			if len(res.body) > 0 {
				res.decode(t, &a)
			}
			var got []string
			for _, r := range a.Results {
				got = append(got, r.Property)
			}
			if strings.Join(got, ",") != strings.Join(tc.results, ",") {
				t.Errorf("results %v, want %v", got, tc.results)
			}
			if len(a.Errors) != len(tc.failed) {
				t.Errorf("errors %+v, want %v", a.Errors, tc.failed)
			}
			for _, e := range a.Errors {
				p := e.Context["property"]
				if len(p) != 1 {
					t.Errorf("error %+v names no one property", e)
					continue
				}
				if want, known := tc.failed[p[0]]; !known || !strings.Contains(e.Message, want) {
					t.Errorf("error %+v, want one of %v", e, tc.failed)
				}
			}
			snap := h.snapshot()
			for p, rule := range tc.want {
				m, ok := snap.Mapping(sf.Contacts, p)
				if ok != (rule != "") || ok && m.Rule != rule {
					t.Errorf("%s: mapping %+v (%v), want rule %q", p, m, ok, rule)
				}
			}
		})
	}
}

func TestMappingRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	before := h.snapshot()
	tests := []struct {
		name, method, path string
		body               any
		status             int
		msg                string
	}{
		{"field already mapped", "POST", "/connector/v1/mappings",
			map[string]string{"object": "contacts", "property": "utm_medium", "salesforce_field": "utm_source__c", "rule": string(sf.TwoWay)},
			http.StatusBadRequest, "already mapped"},
		{"unknown rule", "POST", "/connector/v1/mappings",
			map[string]string{"object": "contacts", "property": "utm_medium", "salesforce_field": "utm_medium__c", "rule": "sometimes"},
			http.StatusBadRequest, "unknown sync rule"},
		{"unknown object", "POST", "/connector/v1/mappings",
			map[string]string{"object": "tickets", "property": "x", "salesforce_field": "X__c", "rule": string(sf.TwoWay)},
			http.StatusBadRequest, "tickets"},
		{"fixed standard rule", "PATCH", "/connector/v1/mappings/contacts/email", map[string]string{"rule": string(sf.DontSync)},
			http.StatusBadRequest, "accepts only"},
		{"patch a missing mapping", "PATCH", "/connector/v1/mappings/contacts/utm_medium", map[string]string{"rule": string(sf.TwoWay)},
			http.StatusNotFound, "no mapping"},
		{"patch without a rule", "PATCH", "/connector/v1/mappings/contacts/firstname", map[string]string{},
			http.StatusBadRequest, "rule is required"},
		{"delete a standard mapping", "DELETE", "/connector/v1/mappings/contacts/firstname", nil,
			http.StatusBadRequest, "cannot be deleted"},
		{"not JSON", "POST", "/connector/v1/mappings", "[", http.StatusBadRequest, "Invalid input JSON"},
		{"unknown endpoint", "GET", "/connector/v1/nope", nil, http.StatusNotFound, "no such endpoint"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := h.do(tc.method, tc.path, tc.body)
			var e hsErr
			res.decode(t, &e)
			if res.status != tc.status || e.Status != "error" || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("status %d, %+v; want %d with %q", res.status, e, tc.status, tc.msg)
			}
		})
	}
	after := h.snapshot()
	for o := range before.Mappings {
		if len(before.Mappings[o]) != len(after.Mappings[o]) {
			t.Errorf("%s: %d mappings, was %d", o, len(after.Mappings[o]), len(before.Mappings[o]))
		}
	}
}

func TestBackfillJobs(t *testing.T) {
	h := newHarness(t, Options{})
	imp := sf.Backfill{Object: sf.Companies, Direction: sf.ToHubSpot, Method: sf.MethodImport, Properties: []string{"name"}}
	res := h.do("POST", "/connector/v1/backfills/estimate", map[string]any{"backfills": []sf.Backfill{imp}})
	if res.status != http.StatusOK {
		t.Fatalf("estimate: status %d: %s", res.status, res.body)
	}
	var est struct {
		Impacts []sf.Impact `json:"impacts"`
	}
	res.decode(t, &est)
	if len(est.Impacts) != 1 || est.Impacts[0].Examined == 0 {
		t.Fatalf("impacts %+v", est.Impacts)
	}

	res = h.do("POST", "/connector/v1/backfills", imp)
	if res.status != http.StatusAccepted {
		t.Fatalf("start: status %d: %s", res.status, res.body)
	}
	var job sf.Job
	res.decode(t, &job)
	if job.ID == "" || job.Backfill.Object != sf.Companies {
		t.Fatalf("job %+v", job)
	}
	// Followed until it ends; the deadline only turns a hang into a failure.
	deadline := time.Now().Add(time.Minute)
	for job.State == sf.JobRunning && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		res := h.do("GET", "/connector/v1/backfills/"+url.PathEscape(job.ID), nil)
		if res.status != http.StatusOK {
			t.Fatalf("job: status %d: %s", res.status, res.body)
		}
		res.decode(t, &job)
	}
	if job.State != sf.JobSucceeded || job.Done != job.Total || job.Total != est.Impacts[0].Examined {
		t.Errorf("job %+v, estimate %+v", job, est.Impacts[0])
	}

	if res := h.do("GET", "/connector/v1/backfills/nope", nil); res.status != http.StatusNotFound {
		t.Errorf("missing job: status %d", res.status)
	}
	// Deals sync is off in a new sandbox.
	res = h.do("POST", "/connector/v1/backfills", sf.Backfill{Object: sf.Deals, Direction: sf.ToHubSpot, Method: sf.MethodImport})
	var e hsErr
	res.decode(t, &e)
	if res.status != http.StatusBadRequest || !strings.Contains(e.Message, "sync is off") {
		t.Errorf("status %d: %+v", res.status, e)
	}
	res = h.do("POST", "/connector/v1/backfills/estimate", map[string]any{"backfills": []sf.Backfill{
		{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodSegment, Segment: "nope"}}})
	if res.status != http.StatusNotFound {
		t.Errorf("unknown segment: status %d: %s", res.status, res.body)
	}
}

// TestBatchSegments: the endpoint copies a batch of a segment into a new
// static one, which the lists API then finds and deletes.
func TestBatchSegments(t *testing.T) {
	h := newHarness(t, Options{})
	all, err := h.sb.Segment(context.Background(), "All companies")
	if err != nil {
		t.Fatal(err)
	}
	// A name with a slash, escaped, is one path segment.
	name := "All companies / batch 1"
	res := h.do("POST", "/connector/v1/segments/batch", map[string]any{"name": name, "from": "All companies", "offset": 0, "limit": 2})
	if res.status != http.StatusCreated {
		t.Fatalf("batch: status %d: %s", res.status, res.body)
	}
	var batch sf.Segment
	res.decode(t, &batch)
	if batch.Name != name || batch.Size != min(2, all.Size) || !batch.Static {
		t.Errorf("batch %+v", batch)
	}
	// Creating the same batch again is fine: a retry after a lost response.
	if res := h.do("POST", "/connector/v1/segments/batch", map[string]any{"name": name, "from": "All companies", "offset": 0, "limit": 2}); res.status != http.StatusCreated {
		t.Errorf("the same batch again: status %d: %s", res.status, res.body)
	}
	res = h.do("GET", "/crm/v3/lists/object-type-id/0-2/name/"+url.PathEscape(name), nil)
	var l apiwire.ListResponse
	res.decode(t, &l)
	if got, _ := l.List.Segment(); res.status != http.StatusOK || got != batch {
		t.Fatalf("the batch as a list: status %d, %+v", res.status, l.List)
	}
	if res := h.do("DELETE", "/crm/v3/lists/"+l.List.ListID, nil); res.status != http.StatusNoContent {
		t.Errorf("delete: status %d: %s", res.status, res.body)
	}
	if _, err := h.sb.Segment(context.Background(), name); !errors.Is(err, sf.ErrNotFound) {
		t.Errorf("deleted batch: %v", err)
	}
	for _, bad := range []struct {
		body   map[string]any
		status int
	}{
		{map[string]any{"name": "x", "from": "All companies", "offset": 0, "limit": 0}, http.StatusBadRequest},
		{map[string]any{"name": "x", "from": "nope", "offset": 0, "limit": 5}, http.StatusNotFound},
	} {
		if res := h.do("POST", "/connector/v1/segments/batch", bad.body); res.status != bad.status {
			t.Errorf("%v: status %d, want %d", bad.body, res.status, bad.status)
		}
	}
	// The routes that read and deleted segments by name are gone: the lists
	// API serves that.
	for _, method := range []string{"GET", "DELETE"} {
		if res := h.do(method, "/connector/v1/segments/"+url.PathEscape("All companies"), nil); res.status != http.StatusNotFound {
			t.Errorf("%s /connector/v1/segments/{name}: status %d", method, res.status)
		}
	}
}

// TestConnectorCountsAsHubSpot: the settings API spends the HubSpot quota
// and answers its 429.
func TestConnectorCountsAsHubSpot(t *testing.T) {
	h := newHarness(t, Options{DailyLimit: 1, Now: newClock().Now})
	if res := h.do("GET", "/connector/v1/settings", nil); res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	res := h.do("GET", "/crm/v3/properties/contacts", nil)
	if res.status != http.StatusTooManyRequests || res.header.Get("Sforce-Limit-Info") != "" {
		t.Errorf("status %d, Sforce-Limit-Info %q", res.status, res.header.Get("Sforce-Limit-Info"))
	}
}
