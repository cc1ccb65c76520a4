package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
)

// prop is the decoded HubSpot property shape; raw keeps the keys sent.
type prop struct {
	Name                 string `json:"name"`
	Label                string `json:"label"`
	Type                 string `json:"type"`
	FieldType            string `json:"fieldType"`
	Description          string `json:"description"`
	GroupName            string `json:"groupName"`
	HubSpotDefined       bool   `json:"hubspotDefined"`
	ExternalOptions      bool   `json:"externalOptions"`
	ReferencedObjectType string `json:"referencedObjectType"`
	Options              []struct {
		Label        string `json:"label"`
		Value        string `json:"value"`
		Hidden       bool   `json:"hidden"`
		DisplayOrder *int   `json:"displayOrder"`
	} `json:"options"`
}

// checkProperty compares a served property with the sandbox's.
func checkProperty(t *testing.T, got prop, want sf.Property) {
	t.Helper()
	typ, ft := want.Type.APIType()
	if got.Name != want.Name || got.Label != want.Label || got.Type != typ || got.FieldType != ft ||
		got.GroupName != want.Group || got.Description != want.Description || got.HubSpotDefined != want.HubSpotDefined {
		t.Errorf("%s: served %+v, sandbox holds %+v", want.Name, got, want)
	}
	if got.ExternalOptions != want.OwnerReference || (got.ReferencedObjectType == "OWNER") != want.OwnerReference {
		t.Errorf("%s: externalOptions %v referencedObjectType %q, owner reference %v",
			want.Name, got.ExternalOptions, got.ReferencedObjectType, want.OwnerReference)
	}
	if got.Options == nil || len(got.Options) != len(want.Options) {
		t.Fatalf("%s: options %+v, want %d (and never null)", want.Name, got.Options, len(want.Options))
	}
	for i, o := range got.Options {
		w := want.Options[i]
		if o.Value != w.Value || o.Label != w.Label || o.Hidden != w.Hidden || o.DisplayOrder == nil || *o.DisplayOrder != i {
			t.Errorf("%s option %d: %+v, want %+v at displayOrder %d", want.Name, i, o, w, i)
		}
	}
}

func TestListProperties(t *testing.T) {
	h := newHarness(t, Options{})
	snap := h.snapshot()
	for _, tc := range []struct {
		objectType string
		status     int
	}{
		{"contacts", 200}, {"companies", 200}, {"deals", 200}, {"tickets", 400}, {"Contacts", 400},
	} {
		t.Run(tc.objectType, func(t *testing.T) {
			res := h.do("GET", "/crm/v3/properties/"+tc.objectType, nil)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status != 200 {
				var e hsErr
				res.decode(t, &e)
				if e.Status != "error" || e.Category != "VALIDATION_ERROR" {
					t.Errorf("error body %s", res.body)
				}
				return
			}
			var body struct{ Results []prop }
			res.decode(t, &body)
			want := snap.Properties[sf.Object(tc.objectType)]
			if len(body.Results) != len(want) || len(want) == 0 {
				t.Fatalf("%d properties, sandbox holds %d", len(body.Results), len(want))
			}
			for i := range want {
				checkProperty(t, body.Results[i], want[i])
			}
		})
	}
}

func TestGetProperty(t *testing.T) {
	h := newHarness(t, Options{})
	snap := h.snapshot()
	for _, tc := range []struct {
		path   string
		status int
		check  func(t *testing.T, p prop)
	}{
		{"contacts/email", 200, func(t *testing.T, p prop) {
			if p.Type != "string" || p.FieldType != "text" || !p.HubSpotDefined {
				t.Errorf("email: %+v", p)
			}
		}},
		{"contacts/" + sf.OwnerProperty, 200, func(t *testing.T, p prop) {
			if p.Type != "enumeration" || p.FieldType != "select" || !p.ExternalOptions || p.ReferencedObjectType != "OWNER" {
				t.Errorf("owner property: %+v", p)
			}
		}},
		{"companies/industry", 200, func(t *testing.T, p prop) {
			if len(p.Options) == 0 || p.Options[0].Value != "ACCOUNTING" || p.Options[0].Label != "Accounting" {
				t.Errorf("industry options: %+v", p.Options)
			}
		}},
		{"contacts/no_such_property", 404, nil},
		{"companies/email", 404, nil},
		{"tickets/email", 400, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := h.do("GET", "/crm/v3/properties/"+tc.path, nil)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status != 200 {
				var e hsErr
				res.decode(t, &e)
				if e.Status != "error" || e.Message == "" {
					t.Errorf("error body %s", res.body)
				}
				return
			}
			var p prop
			res.decode(t, &p)
			o, name, _ := strings.Cut(tc.path, "/")
			want, _ := snap.Property(sf.Object(o), name)
			checkProperty(t, p, want)
			tc.check(t, p)
		})
	}
}

func TestCreateProperty(t *testing.T) {
	tier := map[string]any{
		"name": "customer_tier", "label": "Customer Tier", "type": "enumeration", "fieldType": "radio",
		"groupName": "companyinformation", "description": "Support tier.",
		"options": []map[string]any{
			{"label": "Gold", "value": "gold", "displayOrder": 1},
			{"label": "Silver", "value": "silver", "displayOrder": 0, "hidden": true},
		},
	}
	for _, tc := range []struct {
		name     string
		object   string
		body     any
		status   int
		category string
		reason   string // a piece of the message, for refusals
	}{
		{"created", "companies", tier, 201, "", ""},
		{"exists", "companies", map[string]any{"name": "industry", "label": "Industry", "type": "enumeration", "fieldType": "select", "groupName": "companyinformation"},
			409, "CONFLICT", "already exists"},
		{"no group", "companies", map[string]any{"name": "x_y", "label": "X", "type": "string", "fieldType": "text"},
			400, "VALIDATION_ERROR", "groupName is required"},
		{"unknown type pair", "companies", map[string]any{"name": "x_y", "label": "X", "type": "string", "fieldType": "select", "groupName": "g"},
			400, "VALIDATION_ERROR", "not a field type"},
		{"rejected: bad internal name", "contacts", map[string]any{"name": "Bad Name", "label": "Bad", "type": "string", "fieldType": "text", "groupName": "contactinformation"},
			400, "VALIDATION_ERROR", "is not a valid internal name"},
		{"rejected: options on text", "contacts", map[string]any{"name": "notes_x", "label": "Notes", "type": "string", "fieldType": "text", "groupName": "contactinformation",
			"options": []map[string]any{{"label": "A", "value": "a"}}}, 400, "VALIDATION_ERROR", "has no options"},
		{"rejected: duplicate option", "contacts", map[string]any{"name": "dup_x", "label": "Dup", "type": "enumeration", "fieldType": "select", "groupName": "contactinformation",
			"options": []map[string]any{{"label": "A", "value": "a"}, {"label": "B", "value": "a"}}}, 400, "VALIDATION_ERROR", "appears twice"},
		{"not json", "contacts", "{", 400, "VALIDATION_ERROR", "Invalid input JSON"},
		{"unknown object", "tickets", tier, 400, "VALIDATION_ERROR", "tickets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			before := h.snapshot()
			res := h.do("POST", "/crm/v3/properties/"+tc.object, tc.body)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status != 201 {
				var e hsErr
				res.decode(t, &e)
				if e.Status != "error" || e.Category != tc.category || !strings.Contains(e.Message, tc.reason) {
					t.Errorf("refusal %s, want %s mentioning %q", res.body, tc.category, tc.reason)
				}
				if after := h.snapshot(); len(after.Properties[sf.Contacts]) != len(before.Properties[sf.Contacts]) ||
					len(after.Properties[sf.Companies]) != len(before.Properties[sf.Companies]) {
					t.Error("a refused create changed the sandbox")
				}
				return
			}
			var p prop
			res.decode(t, &p)
			want, ok := h.snapshot().Property(sf.Companies, "customer_tier")
			if !ok {
				t.Fatal("created property is not in the sandbox")
			}
			// displayOrder decides the order; hidden is kept as sent.
			if len(want.Options) != 2 || want.Options[0] != (sf.Option{Value: "silver", Label: "Silver", Hidden: true}) ||
				want.Options[1] != (sf.Option{Value: "gold", Label: "Gold"}) || want.Type != sf.Radio || want.Description != "Support tier." {
				t.Errorf("sandbox holds %+v", want)
			}
			checkProperty(t, p, want)
		})
	}
}

// TestRejectedCreateCarriesConnectorReason checks the refusal is the
// sandbox's own words, not a generic message.
func TestRejectedCreateCarriesConnectorReason(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("POST", "/crm/v3/properties/deals", map[string]any{
		"name": "deal_rep", "label": "Deal rep", "type": "enumeration", "fieldType": "radio", "groupName": "dealinformation",
		"externalOptions": true, "referencedObjectType": "OWNER",
	})
	var e hsErr
	res.decode(t, &e)
	if res.status != 400 || e.Category != "VALIDATION_ERROR" || !strings.Contains(e.Message, "a HubSpot user property is a dropdown") {
		t.Fatalf("status %d body %s", res.status, res.body)
	}
	// The same property as a dropdown is accepted, and served as an owner
	// reference.
	res = h.do("POST", "/crm/v3/properties/deals", map[string]any{
		"name": "deal_rep", "label": "Deal rep", "type": "enumeration", "fieldType": "select", "groupName": "dealinformation",
		"externalOptions": true, "referencedObjectType": "OWNER",
	})
	var p prop
	res.decode(t, &p)
	if res.status != 201 || !p.ExternalOptions || p.ReferencedObjectType != "OWNER" {
		t.Fatalf("status %d body %s", res.status, res.body)
	}
}

func TestPatchProperty(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   string
		body   any
		status int
		reason string
		check  func(t *testing.T, before, after sf.Property)
	}{
		{"label only", "contacts/utm_source", map[string]any{"label": "UTM source (first touch)"}, 200, "",
			func(t *testing.T, before, after sf.Property) {
				want := before
				want.Label = "UTM source (first touch)"
				if !after.SameSettings(want) {
					t.Errorf("after %+v", after)
				}
			}},
		{"group and description", "contacts/lead_score", map[string]any{"groupName": "analytics", "description": ""}, 200, "",
			func(t *testing.T, before, after sf.Property) {
				if after.Group != "analytics" || after.Description != "" || after.Label != before.Label || after.Type != before.Type {
					t.Errorf("after %+v", after)
				}
			}},
		{"rejected: type of a property with values", "contacts/utm_medium", map[string]any{"fieldType": "textarea"}, 400,
			"cannot change from text to textarea", nil},
		{"options replace the list", "contacts/preferred_language",
			map[string]any{"options": []map[string]any{
				{"label": "German", "value": "German", "displayOrder": 0},
				{"label": "Dutch", "value": "Dutch", "displayOrder": 1},
				{"label": "English", "value": "English", "displayOrder": 2, "hidden": true},
			}}, 200, "",
			func(t *testing.T, before, after sf.Property) {
				// Left out (French, Spanish, Japanese): gone, not hidden.
				// Sent without hidden: shown. Hidden only where told.
				want := []sf.Option{{Value: "German", Label: "German"}, {Value: "Dutch", Label: "Dutch"}, {Value: "English", Label: "English", Hidden: true}}
				if len(after.Options) != len(want) {
					t.Fatalf("options %+v, want %+v", after.Options, want)
				}
				for i := range want {
					if after.Options[i] != want[i] {
						t.Errorf("option %d: %+v, want %+v", i, after.Options[i], want[i])
					}
				}
				if !after.SameSettings(before) {
					t.Errorf("an options PATCH changed settings: %+v", after)
				}
			}},
		{"options and label together", "contacts/preferred_language",
			map[string]any{"label": "Language", "options": []map[string]any{{"label": "English", "value": "English"}}}, 200, "",
			func(t *testing.T, before, after sf.Property) {
				if after.Label != "Language" || len(after.Options) != 1 || after.Options[0].Hidden {
					t.Errorf("after %+v", after)
				}
			}},
		{"empty body changes nothing", "contacts/utm_source", map[string]any{}, 200, "",
			func(t *testing.T, before, after sf.Property) {
				if !after.SameSettings(before) {
					t.Errorf("after %+v", after)
				}
			}},
		{"missing", "contacts/no_such_property", map[string]any{"label": "X"}, 404, "no_such_property", nil},
		{"rejected: HubSpot-defined", "contacts/email", map[string]any{"label": "E-mail"}, 400, "HubSpot-defined", nil},
		{"rejected: owner options", "contacts/account_manager", map[string]any{"options": []map[string]any{{"label": "A", "value": "a"}}},
			400, "takes its options from HubSpot's users", nil},
		{"rejected: options on a text property", "contacts/utm_source", map[string]any{"options": []map[string]any{{"label": "A", "value": "a"}}},
			400, "has no options", nil},
		{"unknown type pair", "contacts/utm_source", map[string]any{"type": "number", "fieldType": "select"}, 400, "not a field type", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			o, name, _ := strings.Cut(tc.path, "/")
			before, _ := h.snapshot().Property(sf.Object(o), name)
			res := h.do("PATCH", "/crm/v3/properties/"+tc.path, tc.body)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			after, _ := h.snapshot().Property(sf.Object(o), name)
			if tc.status != 200 {
				var e hsErr
				res.decode(t, &e)
				if e.Status != "error" || !strings.Contains(e.Message, tc.reason) {
					t.Errorf("refusal %s, want one mentioning %q", res.body, tc.reason)
				}
				if tc.status == 400 && e.Category != "VALIDATION_ERROR" {
					t.Errorf("category %q", e.Category)
				}
				b1, _ := json.Marshal(before)
				b2, _ := json.Marshal(after)
				if string(b1) != string(b2) {
					t.Errorf("a refused PATCH changed the property:\n%s\n%s", b1, b2)
				}
				return
			}
			var p prop
			res.decode(t, &p)
			checkProperty(t, p, after)
			tc.check(t, before, after)
		})
	}
}

func TestPatchType(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("POST", "/crm/v3/properties/deals", map[string]any{
		"name": "deal_notes", "label": "Notes", "type": "string", "fieldType": "text", "groupName": "dealinformation"})
	if res.status != 201 {
		t.Fatalf("create: status %d body %s", res.status, res.body)
	}
	// Only fieldType sent: type stays string, so text becomes textarea.
	res = h.do("PATCH", "/crm/v3/properties/deals/deal_notes", map[string]any{"fieldType": "textarea"})
	var p prop
	res.decode(t, &p)
	if got, _ := h.snapshot().Property(sf.Deals, "deal_notes"); res.status != 200 || got.Type != sf.Textarea || p.FieldType != "textarea" {
		t.Fatalf("status %d body %s; sandbox holds %+v", res.status, res.body, got)
	}
}

func TestBatchCreate(t *testing.T) {
	h := newHarness(t, Options{})
	input := func(name, label string) map[string]any {
		return map[string]any{"name": name, "label": label, "type": "string", "fieldType": "text", "groupName": "dealinformation"}
	}
	type batch struct {
		Status    string `json:"status"`
		Results   []prop `json:"results"`
		NumErrors int    `json:"numErrors"`
		Errors    []struct {
			Category string              `json:"category"`
			Message  string              `json:"message"`
			Context  map[string][]string `json:"context"`
		} `json:"errors"`
	}
	res := h.do("POST", "/crm/v3/properties/deals/batch/create", map[string]any{"inputs": []any{input("deal_a", "A"), input("deal_b", "B")}})
	var b batch
	res.decode(t, &b)
	if res.status != 201 || b.Status != "COMPLETE" || len(b.Results) != 2 || b.NumErrors != 0 {
		t.Fatalf("status %d body %s", res.status, res.body)
	}
	// Not atomic: the good input is created, the bad ones reported.
	res = h.do("POST", "/crm/v3/properties/deals/batch/create", map[string]any{"inputs": []any{
		input("deal_c", "C"), input("deal_a", "A again"), input("Bad Name", "Bad"),
	}})
	b = batch{}
	res.decode(t, &b)
	if res.status != http.StatusMultiStatus || len(b.Results) != 1 || b.Results[0].Name != "deal_c" || b.NumErrors != 2 {
		t.Fatalf("status %d body %s", res.status, res.body)
	}
	if b.Errors[0].Category != "CONFLICT" || b.Errors[0].Context["name"][0] != "deal_a" ||
		b.Errors[1].Category != "VALIDATION_ERROR" || !strings.Contains(b.Errors[1].Message, "valid internal name") {
		t.Errorf("errors %+v", b.Errors)
	}
	snap := h.snapshot()
	for _, n := range []string{"deal_a", "deal_b", "deal_c"} {
		if _, ok := snap.Property(sf.Deals, n); !ok {
			t.Errorf("%s not created", n)
		}
	}
	if p, _ := snap.Property(sf.Deals, "deal_a"); p.Label != "A" {
		t.Errorf("deal_a overwritten: %+v", p)
	}
}

func TestBatchRead(t *testing.T) {
	h := newHarness(t, Options{})
	snap := h.snapshot()
	for _, tc := range []struct {
		name      string
		inputs    []string
		status    int
		found     []string
		numErrors int
	}{
		{"all found", []string{"industry", "name"}, 200, []string{"industry", "name"}, 0},
		{"some missing", []string{"industry", "nope", "domain"}, 207, []string{"industry", "domain"}, 1},
		{"none", nil, 200, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []map[string]string{}
			for _, n := range tc.inputs {
				in = append(in, map[string]string{"name": n})
			}
			res := h.do("POST", "/crm/v3/properties/companies/batch/read", map[string]any{"inputs": in})
			var b struct {
				Results   []prop `json:"results"`
				NumErrors int    `json:"numErrors"`
			}
			res.decode(t, &b)
			if res.status != tc.status || len(b.Results) != len(tc.found) || b.NumErrors != tc.numErrors {
				t.Fatalf("status %d body %s", res.status, res.body)
			}
			for i, n := range tc.found {
				want, _ := snap.Property(sf.Companies, n)
				checkProperty(t, b.Results[i], want)
			}
		})
	}
}

type ownerPage struct {
	Results []struct {
		ID        string `json:"id"`
		Email     string `json:"email"`
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
		UserID    int64  `json:"userId"`
	} `json:"results"`
	Paging *struct {
		Next *struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

func TestOwnersPaging(t *testing.T) {
	h := newHarness(t, Options{})
	want := h.snapshot().Owners
	if len(want) < 3 {
		t.Fatalf("seed has %d owners; the test needs several", len(want))
	}
	for _, limit := range []string{"1", "2", "3", "", "500", "100000"} {
		t.Run("limit="+limit, func(t *testing.T) {
			var got []string
			after, pages := "", 0
			for {
				q := "/crm/v3/owners?"
				if limit != "" {
					q += "limit=" + limit + "&"
				}
				if after != "" {
					q += "after=" + after
				}
				res := h.do("GET", q, nil)
				if res.status != 200 {
					t.Fatalf("status %d: %s", res.status, res.body)
				}
				if strings.Contains(string(res.body), `"paging":null`) {
					t.Errorf("paging sent as null: %s", res.body)
				}
				var p ownerPage
				res.decode(t, &p)
				pages++
				for _, o := range p.Results {
					got = append(got, o.ID)
					w := want[len(got)-1]
					if o.ID != w.ID || o.Email != w.Email || o.FirstName != w.FirstName || o.LastName != w.LastName || o.UserID == 0 {
						t.Errorf("owner %+v, want %+v", o, w)
					}
				}
				if p.Paging == nil {
					break
				}
				if p.Paging.Next == nil || p.Paging.Next.After == "" || len(p.Results) == 0 {
					t.Fatalf("paging without a next cursor: %s", res.body)
				}
				after = p.Paging.Next.After
				if pages > len(want)+1 {
					t.Fatal("paging does not end")
				}
			}
			if len(got) != len(want) {
				t.Fatalf("walked %v, want every one of %d owners once", got, len(want))
			}
			if limit == "1" && pages != len(want) {
				t.Errorf("%d pages of 1, want %d", pages, len(want))
			}
		})
	}
}

func TestOwnersBadLimit(t *testing.T) {
	h := newHarness(t, Options{})
	for _, limit := range []string{"0", "-1", "ten"} {
		res := h.do("GET", "/crm/v3/owners?limit="+limit, nil)
		var e hsErr
		res.decode(t, &e)
		if res.status != 400 || e.Category != "VALIDATION_ERROR" {
			t.Errorf("limit %s: status %d body %s", limit, res.status, res.body)
		}
	}
	// A cursor past the end is an empty last page.
	res := h.do("GET", "/crm/v3/owners?after=99999999", nil)
	var p ownerPage
	res.decode(t, &p)
	if res.status != 200 || len(p.Results) != 0 || p.Paging != nil {
		t.Errorf("status %d body %s", res.status, res.body)
	}
}

func TestUnknownHubSpotPath(t *testing.T) {
	h := newHarness(t, Options{})
	for _, tc := range []struct{ method, path string }{
		{"GET", "/crm/v3/lists"}, {"DELETE", "/crm/v3/properties/contacts/utm_source"}, {"PUT", "/crm/v3/owners"},
	} {
		res := h.do(tc.method, tc.path, nil)
		var e hsErr
		res.decode(t, &e)
		if res.status != 404 || e.Status != "error" {
			t.Errorf("%s %s: status %d body %s", tc.method, tc.path, res.status, res.body)
		}
	}
}
