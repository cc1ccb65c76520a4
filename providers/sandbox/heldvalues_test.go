package sandbox

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
)

// TestValuesMatchPairs: Values equals the distinct non-empty values a scan
// of every pair finds, on both sides, and for contacts on Lead and Contact.
func TestValuesMatchPairs(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cases := []struct {
		o     sf.Object
		side  sf.Side
		field string
	}{
		{sf.Companies, sf.SalesforceSide, "Region__c"},
		{sf.Companies, sf.HubSpotSide, "tier"},
		{sf.Contacts, sf.SalesforceSide, "City"}, // MailingCity on Contact
		{sf.Contacts, sf.HubSpotSide, "city"},
		{sf.Deals, sf.HubSpotSide, "no_such_property"},
	}
	for _, c := range cases {
		want := map[string]bool{}
		s.Pairs(ctx, c.o, func(p Pair) error {
			v := p.HubSpot[c.field].V
			if c.side == sf.SalesforceSide {
				v = p.Salesforce[sf.FieldOn(p.SObject, c.field)].V
			}
			if v != "" {
				want[v] = true
			}
			return nil
		})
		got, err := s.Values(ctx, c.o, c.side, c.field)
		if err != nil {
			t.Fatal(err)
		}
		var w []string
		for v := range want {
			w = append(w, v)
		}
		sort.Strings(w)
		if strings.Join(got, "\x00") != strings.Join(w, "\x00") {
			t.Errorf("%s %s %s: got %v, want %v", c.o, c.side, c.field, got, w)
		}
		if c.field == "Region__c" && len(got) < 2 {
			t.Errorf("the seed should reference several regions, got %v", got)
		}
	}
	if _, err := s.Values(ctx, sf.Companies, sf.HubSpotSide, `x"]') OR 1=1 --`); err == nil {
		t.Error("a malformed field name was accepted")
	}
}
