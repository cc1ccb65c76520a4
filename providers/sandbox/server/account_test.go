package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// portalInformationResponse is the schema of GET /account-info/v3/details
// in HubSpot's published specification
// (HubSpot/HubSpot-public-api-spec-collection, commit 003b932,
// PublicApiSpecs/Account/Account Info/Rollouts/144923/v3/accountInfo.json,
// components.schemas.PortalInformationResponse): every property is
// required; type is the JSON type; enum, when set, the values allowed.
var portalInformationResponse = map[string]struct {
	typ  string // integer | string | array of string
	enum []string
}{
	"portalId":              {typ: "integer"}, // format int32
	"accountType":           {typ: "string", enum: []string{"STANDARD", "DEVELOPER_TEST", "SANDBOX", "APP_DEVELOPER"}},
	"timeZone":              {typ: "string"},
	"companyCurrency":       {typ: "string"},
	"additionalCurrencies":  {typ: "array of string"},
	"utcOffset":             {typ: "string"},
	"utcOffsetMilliseconds": {typ: "integer"}, // format int64
	"uiDomain":              {typ: "string"},
	"dataHostingLocation":   {typ: "string"},
}

// TestAccountDetailsMatchTheSpec: the served account details have exactly
// the properties HubSpot's specification requires, each of its type, and
// the portal ID is the sandbox's (an int32, as the specification has it).
func TestAccountDetailsMatchTheSpec(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("GET", "/account-info/v3/details", nil)
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var got map[string]any
	d := json.NewDecoder(bytes.NewReader(res.body))
	d.UseNumber()
	if err := d.Decode(&got); err != nil {
		t.Fatal(err)
	}
	for name, want := range portalInformationResponse {
		v, ok := got[name]
		if !ok {
			t.Errorf("%s is missing", name)
			continue
		}
		switch want.typ {
		case "integer":
			if n, ok := v.(json.Number); !ok || strings.ContainsAny(n.String(), ".eE") {
				t.Errorf("%s = %v, want an integer", name, v)
			}
		case "string":
			if s, ok := v.(string); !ok || want.enum != nil && !slices.Contains(want.enum, s) {
				t.Errorf("%s = %v, want a string of %v", name, v, want.enum)
			}
		case "array of string":
			a, ok := v.([]any)
			for _, e := range a {
				if _, isString := e.(string); !isString {
					ok = false
				}
			}
			if !ok {
				t.Errorf("%s = %v, want an array of strings", name, v)
			}
		}
	}
	for name := range got {
		if _, ok := portalInformationResponse[name]; !ok {
			t.Errorf("%s is not in the specification", name)
		}
	}
	var details apiwire.AccountDetails
	res.decode(t, &details)
	portal, _, err := h.sb.Portal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if details.PortalID != portal || portal > 1<<31-1 {
		t.Errorf("portalId %d, the sandbox's %d", details.PortalID, portal)
	}
	// HubSpot's: counted against its limits, answered in its error shape.
	if res := h.doAuth("GET", "/account-info/v3/details", nil, "Bearer wrong"); res.status != http.StatusUnauthorized || !strings.Contains(string(res.body), `"category"`) {
		t.Errorf("unauthorised: %d %s", res.status, res.body)
	}
}

// TestQueryOrganization: the org's one record, in the shape of Salesforce's
// query answer, with the ID the sandbox is served as.
func TestQueryOrganization(t *testing.T) {
	h := newHarness(t, Options{})
	res, got := h.query(apiwire.OrganizationSOQL)
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	_, org, err := h.sb.Portal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalSize != 1 || !got.Done || len(got.Records) != 1 || got.Records[0]["Id"] != string(org) {
		t.Fatalf("%s, want the org %s", res.body, org)
	}
	attrs, _ := got.Records[0]["attributes"].(map[string]any)
	if attrs["type"] != "Organization" || !strings.HasSuffix(attrs["url"].(string), "/sobjects/Organization/"+string(org)) {
		t.Errorf("attributes %v", attrs)
	}
	if id, err := sf.ParseSalesforceID(string(org)); err != nil || id.KeyPrefix() != sf.OrgKeyPrefix {
		t.Errorf("org ID %s: %v", org, err)
	}
	for _, q := range []string{"SELECT Id, Name FROM Organization", "SELECT Id FROM Organization WHERE Id = 'x'"} {
		if res, _ := h.query(q); res.status != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, res.status)
		}
	}
}
