package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
	"github.com/syncform/syncform/providers/sandbox"
)

// The seed's segments and their list IDs, in creation order.
var seedLists = []string{"All contacts", "All companies", "All deals", "Key accounts"}

// newSeededHarness serves a sandbox seeded with o.
func newSeededHarness(t *testing.T, o sandbox.SeedOptions) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	if err := sandbox.Seed(context.Background(), path, o); err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(sb, Options{Token: testToken}))
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	return &harness{t: t, sb: sb, srv: srv}
}

// wantList checks a served list against the sandbox's segment of that name.
func (h *harness) wantList(t *testing.T, got apiwire.List, name string) {
	t.Helper()
	want, err := h.sb.Segment(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	seg, ok := got.Segment()
	if !ok || seg != want {
		t.Errorf("served %+v, the sandbox holds %+v", got, want)
	}
	if got.Size == nil || got.AdditionalProperties[apiwire.ListSizeProperty] != strconv.Itoa(want.Size) {
		t.Errorf("%s: size %v, hs_list_size %q; want both %d", name, got.Size, got.AdditionalProperties[apiwire.ListSizeProperty], want.Size)
	}
}

// wantError checks a HubSpot error answer.
func wantError(t *testing.T, res response, status int, category, msg string) {
	t.Helper()
	var e hsErr
	res.decode(t, &e)
	if res.status != status || e.Status != "error" || e.Category != category || !strings.Contains(e.Message, msg) {
		t.Errorf("status %d, %+v; want %d %s with %q", res.status, e, status, category, msg)
	}
}

func TestSearchLists(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct {
		name    string
		body    any
		want    []string
		hasMore bool
		offset  int
		total   int
	}{
		{"everything", map[string]any{"offset": 0}, seedLists, false, 4, 4},
		{"a page", map[string]any{"offset": 1, "count": 2}, seedLists[1:3], true, 3, 4},
		{"the last page", map[string]any{"offset": 3, "count": 2}, seedLists[3:], false, 4, 4},
		{"past the end", map[string]any{"offset": 9, "count": 2}, nil, false, 9, 4},
		{"the largest offset", map[string]any{"offset": math.MaxInt, "count": 500}, nil, false, math.MaxInt, 4},
		{"a name, ignoring case", map[string]any{"query": "ALL C", "offset": 0}, seedLists[:2], false, 2, 2},
		{"no match", map[string]any{"query": "nothing like it", "offset": 0}, nil, false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := h.do("POST", "/crm/v3/lists/search", tc.body)
			if res.status != http.StatusOK {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			var got apiwire.ListSearchResult
			res.decode(t, &got)
			var names []string
			for _, l := range got.Lists {
				names = append(names, l.Name)
				h.wantList(t, l, l.Name)
				if l.ListID != strconv.Itoa(slices.Index(seedLists, l.Name)+1) {
					t.Errorf("%s: listId %q", l.Name, l.ListID)
				}
			}
			if !slices.Equal(names, tc.want) || got.HasMore != tc.hasMore || got.Offset != tc.offset || got.Total != tc.total {
				t.Errorf("lists %v, hasMore %v, offset %d, total %d; want %v, %v, %d, %d",
					names, got.HasMore, got.Offset, got.Total, tc.want, tc.hasMore, tc.offset, tc.total)
			}
			if got.Lists == nil {
				t.Error("lists is null")
			}
		})
	}
	for _, bad := range []any{map[string]any{"offset": -1}, map[string]any{"offset": 0, "count": -5}, "not an object"} {
		wantError(t, h.do("POST", "/crm/v3/lists/search", bad), http.StatusBadRequest, "VALIDATION_ERROR", "")
	}
}

// TestSearchListsPaging: count defaults to 20 and stops at 500, and paging
// by the offset each page returns visits every list once.
func TestSearchListsPaging(t *testing.T) {
	h := newSeededHarness(t, sandbox.SeedOptions{Contacts: 1, Companies: 1, Deals: 1, Seed: 1})
	ctx := context.Background()
	want := slices.Clone(seedLists)
	for i := range 520 {
		name := fmt.Sprintf("List %03d", i)
		if _, err := h.sb.CreateList(ctx, name, sf.Contacts); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	for _, tc := range []struct {
		count, pageSize, pages int
	}{
		{0, 20, 27},    // the default
		{1000, 500, 2}, // at most 500
		{131, 131, 4},
	} {
		var names []string
		offset, pages := 0, 0
		for {
			res := h.do("POST", "/crm/v3/lists/search", map[string]any{"offset": offset, "count": tc.count})
			if res.status != http.StatusOK {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			var page apiwire.ListSearchResult
			res.decode(t, &page)
			pages++
			if page.HasMore && len(page.Lists) != tc.pageSize || len(page.Lists) > tc.pageSize || page.Total != len(want) {
				t.Fatalf("count %d: a page of %d (hasMore %v, total %d), want pages of %d", tc.count, len(page.Lists), page.HasMore, page.Total, tc.pageSize)
			}
			for _, l := range page.Lists {
				names = append(names, l.Name)
			}
			if !page.HasMore {
				break
			}
			offset = page.Offset
		}
		if !slices.Equal(names, want) || pages != tc.pages {
			t.Errorf("count %d: %d lists in %d pages, want %d in %d", tc.count, len(names), pages, len(want), tc.pages)
		}
	}
}

func TestGetList(t *testing.T) {
	h := newHarness(t, Options{})
	if _, err := h.sb.CreateList(context.Background(), "EMEA / North", sf.Deals); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		status   int
		want     string // the segment served, or the error's category
		listType string
	}{
		{"/crm/v3/lists/4", 200, "Key accounts", apiwire.ProcessingManual},
		{"/crm/v3/lists/1", 200, "All contacts", apiwire.ProcessingDynamic},
		{"/crm/v3/lists/5", 200, "EMEA / North", apiwire.ProcessingManual},
		{"/crm/v3/lists/999", 404, "OBJECT_NOT_FOUND", ""},
		{"/crm/v3/lists/abc", 400, "VALIDATION_ERROR", ""},
		{"/crm/v3/lists/0", 400, "VALIDATION_ERROR", ""},
		{"/crm/v3/lists/object-type-id/0-2/name/Key%20accounts", 200, "Key accounts", apiwire.ProcessingManual},
		{"/crm/v3/lists/object-type-id/0-2/name/key%20ACCOUNTS", 200, "Key accounts", apiwire.ProcessingManual},
		{"/crm/v3/lists/object-type-id/0-3/name/" + url.PathEscape("EMEA / North"), 200, "EMEA / North", apiwire.ProcessingManual},
		{"/crm/v3/lists/object-type-id/0-1/name/All%20contacts", 200, "All contacts", apiwire.ProcessingDynamic},
		{"/crm/v3/lists/object-type-id/0-1/name/Key%20accounts", 404, "OBJECT_NOT_FOUND", ""}, // a companies list
		{"/crm/v3/lists/object-type-id/0-2/name/Key", 404, "OBJECT_NOT_FOUND", ""},
		{"/crm/v3/lists/object-type-id/0-5/name/Key%20accounts", 400, "VALIDATION_ERROR", ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res := h.do("GET", tc.path, nil)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status != 200 {
				wantError(t, res, tc.status, tc.want, "")
				return
			}
			var got apiwire.ListResponse
			res.decode(t, &got)
			h.wantList(t, got.List, tc.want)
			if got.List.ProcessingType != tc.listType {
				t.Errorf("processingType %q, want %q", got.List.ProcessingType, tc.listType)
			}
		})
	}
}

func TestListLifecycle(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("POST", "/crm/v3/lists", apiwire.ListCreate{Name: "Webinar 2026", ObjectTypeID: "0-2", ProcessingType: "MANUAL"})
	if res.status != http.StatusOK {
		t.Fatalf("create: status %d: %s", res.status, res.body)
	}
	var created apiwire.ListResponse
	res.decode(t, &created)
	h.wantList(t, created.List, "Webinar 2026")
	if created.List.ListID != "5" || created.List.ProcessingType != "MANUAL" || created.List.Size == nil || *created.List.Size != 0 {
		t.Errorf("created %+v", created.List)
	}
	base := "/crm/v3/lists/" + created.List.ListID

	for _, tc := range []struct {
		name     string
		body     any
		status   int
		category string
		msg      string
	}{
		{"the same name", apiwire.ListCreate{Name: "Webinar 2026", ObjectTypeID: "0-2", ProcessingType: "MANUAL"}, 409, "CONFLICT", "Webinar 2026"},
		{"the same name in other case", apiwire.ListCreate{Name: "WEBINAR 2026", ObjectTypeID: "0-1", ProcessingType: "MANUAL"}, 409, "CONFLICT", ""},
		{"dynamic", map[string]any{"name": "Gold", "objectTypeId": "0-2", "processingType": "DYNAMIC",
			"filterBranch": map[string]any{"filterBranchType": "OR", "filterBranches": []any{}}}, 400, "VALIDATION_ERROR", "syncform sandbox seed"},
		{"snapshot", apiwire.ListCreate{Name: "Gold", ObjectTypeID: "0-2", ProcessingType: "SNAPSHOT"}, 400, "VALIDATION_ERROR", "syncform sandbox seed"},
		{"manual with filters", map[string]any{"name": "Gold", "objectTypeId": "0-2", "processingType": "MANUAL",
			"filterBranch": map[string]any{"filterBranchType": "OR"}}, 400, "VALIDATION_ERROR", "filterBranch"},
		{"no processing type", apiwire.ListCreate{Name: "Gold", ObjectTypeID: "0-2"}, 400, "VALIDATION_ERROR", "processingType"},
		{"no name", apiwire.ListCreate{ObjectTypeID: "0-2", ProcessingType: "MANUAL"}, 400, "VALIDATION_ERROR", "name"},
		{"a blank name", apiwire.ListCreate{Name: " ", ObjectTypeID: "0-2", ProcessingType: "MANUAL"}, 400, "VALIDATION_ERROR", "name"},
		{"tickets", apiwire.ListCreate{Name: "Gold", ObjectTypeID: "0-5", ProcessingType: "MANUAL"}, 400, "VALIDATION_ERROR", "objectTypeId"},
		{"not JSON", "[", 400, "VALIDATION_ERROR", "Invalid input JSON"},
	} {
		t.Run("create "+tc.name, func(t *testing.T) {
			wantError(t, h.do("POST", "/crm/v3/lists", tc.body), tc.status, tc.category, tc.msg)
		})
	}

	companies := h.members(t, 2, 100)
	res = h.do("PUT", base+"/memberships/add", []string{companies[3], companies[1], companies[1], "42", "nope"})
	if res.status != http.StatusOK {
		t.Fatalf("add: status %d: %s", res.status, res.body)
	}
	var added apiwire.MembershipsAdded
	res.decode(t, &added)
	if !slices.Equal(added.RecordIDsAdded, []string{companies[1], companies[3]}) || !slices.Equal(added.RecordIDsMissing, []string{"42", "nope"}) {
		t.Errorf("added %+v", added)
	}
	res = h.do("PUT", base+"/memberships/add", []string{companies[1]})
	res.decode(t, &added)
	if res.status != http.StatusOK || added.RecordIDsAdded == nil || len(added.RecordIDsAdded) != 0 || len(added.RecordIDsMissing) != 0 {
		t.Errorf("adding a member again: status %d, %s", res.status, res.body)
	}
	if got := h.members(t, 5, 1); !slices.Equal(got, []string{companies[1], companies[3]}) {
		t.Errorf("members %v", got)
	}
	res = h.do("GET", base, nil)
	var read apiwire.ListResponse
	res.decode(t, &read)
	if read.List.Size == nil || *read.List.Size != 2 {
		t.Errorf("size after adding: %+v", read.List)
	}
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		category   string
		msg        string
	}{
		{"to a dynamic list", "/crm/v3/lists/2/memberships/add", []string{companies[0]}, 400, "VALIDATION_ERROR", "dynamic"},
		{"to a missing list", "/crm/v3/lists/999/memberships/add", []string{companies[0]}, 404, "OBJECT_NOT_FOUND", ""},
		{"not an array", base + "/memberships/add", map[string]any{"recordIds": []string{companies[0]}}, 400, "VALIDATION_ERROR", ""},
		{"numbers, not strings", base + "/memberships/add", []int{1}, 400, "VALIDATION_ERROR", ""},
	} {
		t.Run("add "+tc.name, func(t *testing.T) {
			wantError(t, h.do("PUT", tc.path, tc.body), tc.status, tc.category, tc.msg)
		})
	}

	if res := h.do("DELETE", base, nil); res.status != http.StatusNoContent || len(res.body) != 0 {
		t.Fatalf("delete: status %d: %s", res.status, res.body)
	}
	wantError(t, h.do("DELETE", base, nil), http.StatusNotFound, "OBJECT_NOT_FOUND", "")
	wantError(t, h.do("GET", base, nil), http.StatusNotFound, "OBJECT_NOT_FOUND", "")
	wantError(t, h.do("GET", base+"/memberships", nil), http.StatusNotFound, "OBJECT_NOT_FOUND", "")
	if _, err := h.sb.Segment(context.Background(), "Webinar 2026"); err == nil {
		t.Error("the deleted list is still a segment")
	}
}

// members pages through a list's memberships by limit and returns the record
// IDs, checking each page's shape on the way.
func (h *harness) members(t *testing.T, listID, limit int) []string {
	t.Helper()
	var out []string
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if after != "" {
			q.Set("after", after)
		}
		res := h.do("GET", fmt.Sprintf("/crm/v3/lists/%d/memberships?%s", listID, q.Encode()), nil)
		if res.status != http.StatusOK {
			t.Fatalf("list %d memberships: status %d: %s", listID, res.status, res.body)
		}
		var page apiwire.Memberships
		res.decode(t, &page)
		if page.Results == nil {
			t.Fatalf("results is null: %s", res.body)
		}
		for _, m := range page.Results {
			out = append(out, m.RecordID)
		}
		if page.Paging == nil {
			return out
		}
		if len(page.Results) != min(limit, apiwire.MaxMembershipLimit) || page.Paging.Next.After != out[len(out)-1] {
			t.Fatalf("a page of %d with more to come (limit %d), next after %q", len(page.Results), limit, page.Paging.Next.After)
		}
		after = page.Paging.Next.After
	}
}

// TestListMemberships: a list's members in record ID order, page by page,
// dynamic lists evaluated as they are read.
func TestListMemberships(t *testing.T) {
	h := newSeededHarness(t, sandbox.SeedOptions{Contacts: 300, Companies: 40, Deals: 5, Seed: 1})
	ctx := context.Background()
	gold, err := h.sb.CreateSegment(ctx, sandbox.SegmentDef{Name: "Gold", Object: sf.Companies, Property: "tier", Value: "Gold"})
	if err != nil {
		t.Fatal(err)
	}
	goldList, err := h.sb.ListByName(ctx, sf.Companies, "Gold")
	if err != nil {
		t.Fatal(err)
	}
	// want is every member, read from the sandbox in one page.
	want := func(id int64) []string {
		ids, _, err := h.sb.ListMembers(ctx, id, 0, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, id := range ids {
			out = append(out, strconv.FormatInt(id, 10))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		listID int64
		limit  int
		size   int
	}{
		{"dynamic, every contact, by 7", 1, 7, 300},
		{"dynamic, the default limit", 1, 0, 300},
		{"dynamic, at most 250 a page", 1, 1000, 300},
		{"dynamic, a filter", goldList.ID, 3, gold.Size},
		{"static", 4, 5, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			if tc.limit == 0 {
				res := h.do("GET", fmt.Sprintf("/crm/v3/lists/%d/memberships", tc.listID), nil)
				var page apiwire.Memberships
				res.decode(t, &page)
				if len(page.Results) != apiwire.DefaultMembershipLimit || page.Paging == nil {
					t.Fatalf("default page: %d results, paging %v", len(page.Results), page.Paging)
				}
				got = h.members(t, int(tc.listID), apiwire.DefaultMembershipLimit)
			} else {
				got = h.members(t, int(tc.listID), tc.limit)
			}
			if w := want(tc.listID); !slices.Equal(got, w) || len(got) != tc.size {
				t.Errorf("%d members, want %d: %v", len(got), tc.size, got)
			}
			if !slices.IsSortedFunc(got, func(a, b string) int {
				x, _ := strconv.ParseInt(a, 10, 64)
				y, _ := strconv.ParseInt(b, 10, 64)
				return int(x - y)
			}) {
				t.Error("not in record ID order")
			}
		})
	}
	if gold.Size == 0 {
		t.Fatal("no Gold company: the filter test needs one")
	}
	// A dynamic list follows its filter: a company made Gold joins it.
	before := want(goldList.ID)
	var notGold string
	for _, c := range want(2) { // All companies
		if !slices.Contains(before, c) {
			notGold = c
			break
		}
	}
	id, _ := strconv.ParseInt(notGold, 10, 64)
	if err := h.sb.Edit(ctx, sf.Companies, id, sandbox.SideHubSpot, "tier", "Gold"); err != nil {
		t.Fatal(err)
	}
	if got := h.members(t, int(goldList.ID), 250); !slices.Contains(got, notGold) || len(got) != len(before)+1 {
		t.Errorf("after an edit: %v, before %v", got, before)
	}

	// An empty list: no results, no paging.
	empty, err := h.sb.CreateList(ctx, "Empty", sf.Deals)
	if err != nil {
		t.Fatal(err)
	}
	res := h.do("GET", fmt.Sprintf("/crm/v3/lists/%d/memberships", empty.ID), nil)
	if res.status != http.StatusOK || string(res.body) != "{\"results\":[]}\n" {
		t.Errorf("empty list: status %d, %s", res.status, res.body)
	}
	for _, q := range []string{"limit=0", "limit=x", "after=x", "after=-1"} {
		wantError(t, h.do("GET", "/crm/v3/lists/1/memberships?"+q, nil), http.StatusBadRequest, "VALIDATION_ERROR", "")
	}
	wantError(t, h.do("GET", "/crm/v3/lists/999/memberships", nil), http.StatusNotFound, "OBJECT_NOT_FOUND", "")
}

// TestListsAuthAndLimits: the lists routes refuse a request without the
// token and count against HubSpot's limits like the other /crm/v3 routes.
func TestListsAuthAndLimits(t *testing.T) {
	routes := []struct {
		method, path string
		body         any
	}{
		{"POST", "/crm/v3/lists/search", map[string]any{"offset": 0}},
		{"POST", "/crm/v3/lists", apiwire.ListCreate{Name: "x", ObjectTypeID: "0-1", ProcessingType: "MANUAL"}},
		{"GET", "/crm/v3/lists/1", nil},
		{"GET", "/crm/v3/lists/object-type-id/0-1/name/All%20contacts", nil},
		{"GET", "/crm/v3/lists/1/memberships", nil},
		{"PUT", "/crm/v3/lists/4/memberships/add", []string{"20000001"}},
		{"DELETE", "/crm/v3/lists/4", nil},
	}
	h := newHarness(t, Options{})
	before := h.snapshot()
	for _, r := range routes {
		for _, auth := range []string{"", "Bearer not-the-" + testToken} {
			res := h.doAuth(r.method, r.path, r.body, auth)
			wantError(t, res, http.StatusUnauthorized, "INVALID_AUTHENTICATION", "")
			noToken(t, res)
		}
	}
	if after := h.snapshot(); !slices.Equal(after.Segments, before.Segments) {
		t.Errorf("refused requests changed the segments: %+v", after.Segments)
	}

	h = newHarness(t, Options{DailyLimit: len(routes), Now: newClock().Now})
	for _, r := range routes {
		if res := h.do(r.method, r.path, r.body); res.status >= 300 {
			t.Errorf("%s %s: status %d: %s", r.method, r.path, res.status, res.body)
		}
	}
	var e struct {
		PolicyName string `json:"policyName"`
	}
	res := h.do("POST", "/crm/v3/lists/search", map[string]any{"offset": 0})
	res.decode(t, &e)
	if res.status != http.StatusTooManyRequests || e.PolicyName != "DAILY" {
		t.Errorf("over the daily limit: status %d: %s", res.status, res.body)
	}
}
