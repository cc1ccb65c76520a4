package syncform

import "testing"

func TestIdentity(t *testing.T) {
	for _, tc := range []struct {
		id    Identity
		want  string
		valid bool
	}{
		{Identity{Sandbox: "5f0c"}, "sandbox:5f0c", true},
		{Identity{PortalID: 12345678, OrgID: "00D5g000004ZbcdEAC"}, "hubspot:12345678/salesforce:00D5g000004ZbcdEAC", true},
		{Identity{PortalID: 12345678}, "hubspot:12345678/salesforce:", false},
		{Identity{PortalID: 12345678, OrgID: "00D5g000004Zbcd"}, "hubspot:12345678/salesforce:00D5g000004Zbcd", false},       // 15 characters
		{Identity{PortalID: 12345678, OrgID: "0015g000004ZbcdEAC"}, "hubspot:12345678/salesforce:0015g000004ZbcdEAC", false}, // an Account's
		{Identity{OrgID: "00D5g000004ZbcdEAC"}, "hubspot:0/salesforce:00D5g000004ZbcdEAC", false},
		{Identity{Sandbox: "5f0c", PortalID: 1}, "sandbox:5f0c", false},
		{Identity{}, "hubspot:0/salesforce:", false},
	} {
		if got := tc.id.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.id, got, tc.want)
		}
		if err := tc.id.Validate(); (err == nil) != tc.valid {
			t.Errorf("%+v: Validate = %v, want valid %v", tc.id, err, tc.valid)
		}
	}
}
