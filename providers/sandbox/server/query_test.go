package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
)

type queryResult struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

func (h *harness) query(q string) (response, queryResult) {
	h.t.Helper()
	res := h.do("GET", "/services/data/v60.0/query?q="+url.QueryEscape(q), nil)
	var out queryResult
	if res.status == http.StatusOK {
		res.decode(h.t, &out)
	}
	return res, out
}

func TestQueryUsersAndQueues(t *testing.T) {
	h := newHarness(t, Options{})
	snap := h.snapshot()
	if len(snap.Users) == 0 || len(snap.Queues) == 0 {
		t.Fatal("a new sandbox has users and queues")
	}
	res, got := h.query("SELECT Id, FirstName, LastName, Email, UserType, IsActive FROM User")
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if got.TotalSize != len(snap.Users) || !got.Done || len(got.Records) != len(snap.Users) || got.NextRecordsURL != "" {
		t.Fatalf("%+v", got)
	}
	u, r := snap.Users[0], got.Records[0]
	if r["Id"] != string(u.ID) || r["Email"] != u.Email || r["IsActive"] != u.Active || r["UserType"] != u.UserType {
		t.Errorf("record %v, user %+v", r, u)
	}
	if a, _ := r["attributes"].(map[string]any); a["type"] != "User" {
		t.Errorf("attributes %v", r["attributes"])
	}
	if res.header.Get("Sforce-Limit-Info") == "" {
		t.Error("no Sforce-Limit-Info")
	}

	res, got = h.query("select Id, Name from Group where Type = 'Queue'")
	if res.status != http.StatusOK || got.TotalSize != len(snap.Queues) {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if got.Records[0]["Name"] != snap.Queues[0].Name {
		t.Errorf("queue %v, want %+v", got.Records[0], snap.Queues[0])
	}
}

func TestQueryRecordsByIDPaged(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	const n = queryPage + 150
	if err := sandbox.Seed(ctx, h.sb.Path(), sandbox.SeedOptions{Companies: n, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	err := h.sb.Pairs(ctx, sf.Companies, func(p sandbox.Pair) error {
		ids = append(ids, "'"+string(p.SalesforceID)+"'")
		return nil
	})
	if err != nil || len(ids) != n {
		t.Fatalf("%d pairs, %v", len(ids), err)
	}
	// A 15-character ID and one that matches nothing: the first is found,
	// the second left out.
	ids[0] = ids[0][:16] + "'"
	ids = append(ids, "'001000000000000AAA'")
	res, page := h.query("SELECT Id, Name FROM Account WHERE Id IN (" + strings.Join(ids, ", ") + ")")
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %.300s", res.status, res.body)
	}
	if page.TotalSize != n || page.Done || len(page.Records) != queryPage ||
		!strings.HasPrefix(page.NextRecordsURL, "/services/data/v60.0/query/") {
		t.Fatalf("first page: total %d, done %v, %d records, next %q", page.TotalSize, page.Done, len(page.Records), page.NextRecordsURL)
	}
	if id, _ := page.Records[0]["Id"].(string); len(id) != 18 || page.Records[0]["Name"] == nil {
		t.Errorf("first record %v", page.Records[0])
	}
	res = h.do("GET", page.NextRecordsURL, nil)
	var next queryResult
	res.decode(t, &next)
	if res.status != http.StatusOK || !next.Done || len(next.Records) != n-queryPage || next.NextRecordsURL != "" {
		t.Fatalf("second page: status %d, done %v, %d records", res.status, next.Done, len(next.Records))
	}
	if res := h.do("GET", "/services/data/v60.0/query/garbage", nil); res.status != http.StatusBadRequest {
		t.Errorf("bad cursor: status %d", res.status)
	}
}

func TestQueryRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	for q, code := range map[string]string{
		"":                              "MALFORMED_QUERY",
		"DELETE FROM User":              "MALFORMED_QUERY",
		"SELECT Id, Password FROM User": "MALFORMED_QUERY",
		"SELECT Id FROM User WHERE IsActive = true":                          "MALFORMED_QUERY",
		"SELECT Id FROM Group":                                               "MALFORMED_QUERY",
		"SELECT Id, Name FROM Account":                                       "MALFORMED_QUERY",
		"SELECT Id FROM Account WHERE Id IN ('x')":                           "MALFORMED_QUERY",
		"SELECT Id, Nope__c FROM Account WHERE Id IN ('001000000000000AAA')": "INVALID_FIELD",
		"SELECT COUNT() FROM User":                                           "MALFORMED_QUERY",
	} {
		res, _ := h.query(q)
		var errs []sfErr
		res.decode(t, &errs)
		if res.status != http.StatusBadRequest || len(errs) != 1 || errs[0].ErrorCode != code {
			t.Errorf("%q: status %d, %s; want 400 %s", q, res.status, res.body, code)
		}
	}
}
