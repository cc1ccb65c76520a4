package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/syncform/syncform/providers/apiwire"
)

func get(ref, path string) apiwire.CompositeSubrequest {
	return apiwire.CompositeSubrequest{Method: http.MethodGet, URL: path, ReferenceID: ref}
}

// TestComposite: subrequests answer as they would alone, in order, and the
// call counts once against the daily limit.
func TestComposite(t *testing.T) {
	h := newHarness(t, Options{SalesforceDailyLimit: 10})
	res := h.do("POST", "/services/data/v60.0/composite", apiwire.CompositeRequest{Requests: []apiwire.CompositeSubrequest{
		get("account", "/services/data/v60.0/sobjects/Account/describe"),
		get("users", "/services/data/v60.0/query?q="+url.QueryEscape("SELECT Id, Name FROM Group WHERE Type = 'Queue'")),
		get("missing", "/services/data/v60.0/sobjects/NoSuchObject__c/describe"),
		{Method: "PATCH", URL: "/services/data/v60.0/sobjects/Account/describe", ReferenceID: "patch"},
		get("ref", "/services/data/v60.0/sobjects/@{account.name}/describe"),
		get("other", "/crm/v3/owners"),
		get("wrongMethod", "/services/data/v60.0/composite"),
	}})
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if got := res.header.Get("Sforce-Limit-Info"); got != "api-usage=1/10" {
		t.Errorf("Sforce-Limit-Info %q; want one request counted", got)
	}
	var out apiwire.CompositeResponse
	res.decode(t, &out)
	want := []struct {
		ref    string
		status int
	}{{"account", 200}, {"users", 200}, {"missing", 404}, {"patch", 405}, {"ref", 400}, {"other", 400}, {"wrongMethod", 404}}
	if len(out.Responses) != len(want) {
		t.Fatalf("%d answers for %d subrequests: %s", len(out.Responses), len(want), res.body)
	}
	for i, w := range want {
		if r := out.Responses[i]; r.ReferenceID != w.ref || r.StatusCode != w.status {
			t.Errorf("answer %d: %s %d; want %s %d: %s", i, r.ReferenceID, r.StatusCode, w.ref, w.status, r.Body)
		}
	}
	var d apiwire.Describe
	if err := decodeJSON(out.Responses[0].Body, &d); err != nil || d.Name != "Account" || len(d.Fields) == 0 {
		t.Errorf("Account describe: %v %+v", err, d)
	}
	var errs []sfErr
	if err := decodeJSON(out.Responses[2].Body, &errs); err != nil || len(errs) != 1 || errs[0].ErrorCode == "" {
		t.Errorf("404 body: %v %s", err, out.Responses[2].Body)
	}
}

// TestCompositeAllOrNone: with allOrNone, one failure fails every answer.
func TestCompositeAllOrNone(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("POST", "/services/data/v60.0/composite", apiwire.CompositeRequest{AllOrNone: true, Requests: []apiwire.CompositeSubrequest{
		get("account", "/services/data/v60.0/sobjects/Account/describe"),
		get("missing", "/services/data/v60.0/sobjects/NoSuchObject__c/describe"),
	}})
	var out apiwire.CompositeResponse
	res.decode(t, &out)
	if len(out.Responses) != 2 || out.Responses[0].StatusCode != 400 || out.Responses[1].StatusCode != 404 {
		t.Fatalf("answers %+v", out.Responses)
	}
	var errs []sfErr
	if err := decodeJSON(out.Responses[0].Body, &errs); err != nil || errs[0].ErrorCode != "PROCESSING_HALTED" {
		t.Errorf("halted answer: %s", out.Responses[0].Body)
	}
}

// TestCompositeLimits: too many subrequests or queries, bad references
// and bad bodies are refused whole.
func TestCompositeLimits(t *testing.T) {
	h := newHarness(t, Options{})
	many := func(n int, path string) []apiwire.CompositeSubrequest {
		var out []apiwire.CompositeSubrequest
		for i := range n {
			out = append(out, get(fmt.Sprintf("r%d", i), path))
		}
		return out
	}
	describe := "/services/data/v60.0/sobjects/Account/describe"
	query := "/services/data/v60.0/query?q=" + url.QueryEscape("SELECT Id FROM User")
	for name, body := range map[string]any{
		"empty":      apiwire.CompositeRequest{},
		"26":         apiwire.CompositeRequest{Requests: many(26, describe)},
		"6 queries":  apiwire.CompositeRequest{Requests: many(6, query)},
		"duplicate":  apiwire.CompositeRequest{Requests: []apiwire.CompositeSubrequest{get("a", describe), get("a", describe)}},
		"bad ref":    apiwire.CompositeRequest{Requests: []apiwire.CompositeSubrequest{get("1a", describe)}},
		"not a body": "composite",
	} {
		if res := h.do("POST", "/services/data/v60.0/composite", body); res.status != http.StatusBadRequest {
			t.Errorf("%s: status %d: %s", name, res.status, res.body)
		}
	}
	if res := h.do("POST", "/services/data/v60.0/composite", apiwire.CompositeRequest{Requests: many(25, describe)}); res.status != http.StatusOK {
		t.Errorf("25 subrequests: status %d", res.status)
	}
}

func decodeJSON(b []byte, v any) error { return json.Unmarshal(b, v) }
