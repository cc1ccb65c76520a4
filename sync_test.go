package syncform

import "testing"

// TestSyncValueFollowsTheRuleTable checks SyncValue against DOMAIN.md's
// table of sync rules, row by row, with expectations written from the
// table's words rather than from the code.
func TestSyncValueFollowsTheRuleTable(t *testing.T) {
	v := func(s string, at int64) FieldValue { return FieldValue{V: s, At: at} }
	empty := FieldValue{}
	tests := []struct {
		name           string
		rule           SyncRule
		dir            Direction
		hs, sf         FieldValue
		wantHS, wantSF string
	}{
		// prefer_salesforce_unless_blank
		{"prefer: a non-empty Salesforce value always wins", PreferSalesforceUnlessBlank, ToHubSpot, v("hs", 9), v("sf", 1), "sf", "sf"},
		{"prefer: HubSpot passes only while Salesforce is empty", PreferSalesforceUnlessBlank, ToSalesforce, v("hs", 1), empty, "hs", "hs"},
		{"prefer: not when Salesforce has a value, however old", PreferSalesforceUnlessBlank, ToSalesforce, v("hs", 9), v("sf", 1), "hs", "sf"},
		{"prefer: cleared in Salesforce is cleared in HubSpot", PreferSalesforceUnlessBlank, ToHubSpot, v("hs", 1), v("", 5), "", ""},
		{"prefer: cleared in HubSpot stays in Salesforce", PreferSalesforceUnlessBlank, ToSalesforce, v("", 9), v("sf", 1), "", "sf"},
		// always_use_salesforce
		{"always: the Salesforce value always wins", AlwaysUseSalesforce, ToHubSpot, v("hs", 9), v("sf", 1), "sf", "sf"},
		{"always: never to Salesforce, even when it is empty", AlwaysUseSalesforce, ToSalesforce, v("hs", 9), empty, "hs", ""},
		{"always: cleared in Salesforce is cleared in HubSpot", AlwaysUseSalesforce, ToHubSpot, v("hs", 1), v("", 5), "", ""},
		{"always: a never-set Salesforce value clears nothing", AlwaysUseSalesforce, ToHubSpot, v("hs", 1), empty, "hs", ""},
		// two_way
		{"two_way: newer HubSpot wins", TwoWay, ToSalesforce, v("hs", 9), v("sf", 1), "hs", "hs"},
		{"two_way: older HubSpot does not", TwoWay, ToSalesforce, v("hs", 1), v("sf", 9), "hs", "sf"},
		{"two_way: newer Salesforce wins", TwoWay, ToHubSpot, v("hs", 1), v("sf", 9), "sf", "sf"},
		{"two_way: cleared in HubSpot is cleared in Salesforce", TwoWay, ToSalesforce, v("", 9), v("sf", 1), "", ""},
		{"two_way: cleared in Salesforce is cleared in HubSpot", TwoWay, ToHubSpot, v("hs", 1), v("", 9), "", ""},
		// dont_sync
		{"dont_sync: nothing to Salesforce", DontSync, ToSalesforce, v("hs", 9), empty, "hs", ""},
		{"dont_sync: nothing to HubSpot", DontSync, ToHubSpot, empty, v("sf", 9), "", "sf"},
	}
	for _, tt := range tests {
		hs, sf := SyncValue(tt.rule, tt.dir, tt.hs, tt.sf)
		if hs.V != tt.wantHS || sf.V != tt.wantSF {
			t.Errorf("%s: got %q / %q, want %q / %q", tt.name, hs.V, sf.V, tt.wantHS, tt.wantSF)
		}
		// A synced pair is stable: syncing again changes nothing.
		if hs2, sf2 := SyncValue(tt.rule, tt.dir, hs, sf); hs2 != hs || sf2 != sf {
			t.Errorf("%s: a second sync changed %v/%v to %v/%v", tt.name, hs, sf, hs2, sf2)
		}
	}
}
