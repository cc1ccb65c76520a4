package syncform

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCompatible(t *testing.T) {
	// DOMAIN.md's table, row by row, plus the value types that follow a row.
	ok := map[FieldType][]SalesforceType{
		Dropdown:   {SFPicklist, SFReference},
		Radio:      {SFPicklist, SFReference},
		Checkboxes: {SFMultiPicklist},
		Checkbox:   {SFBoolean},
		Number:     {SFDouble, SFInt, SFCurrency, SFPercent},
		Text:       {SFString, SFTextarea, SFEmail, SFPhone, SFURL},
		Textarea:   {SFTextarea},
		Date:       {SFDate, SFDatetime},
	}
	all := []SalesforceType{SFPicklist, SFMultiPicklist, SFReference, SFBoolean, SFDouble, SFInt, SFString,
		SFTextarea, SFDate, SFDatetime, SFCurrency, SFPercent, SFEmail, SFPhone, SFURL, SFID}
	for _, hs := range FieldTypes() {
		for _, sf := range all {
			want := false
			for _, x := range ok[hs] {
				want = want || x == sf
			}
			if got := Compatible(hs, sf); got != want {
				t.Errorf("Compatible(%s, %s) = %v, want %v", hs, sf, got, want)
			}
		}
	}
	if got := CompatibleFieldTypes(SFID); len(got) != 0 {
		t.Errorf("an id field maps to nothing, got %v", got)
	}
}

func TestAPITypeRoundTrip(t *testing.T) {
	for _, ft := range FieldTypes() {
		typ, fieldType := ft.APIType()
		if got, ok := FieldTypeFromAPI(typ, fieldType); !ok || got != ft {
			t.Errorf("%s → (%s, %s) → %s, %v", ft, typ, fieldType, got, ok)
		}
	}
	if got, ok := FieldTypeFromAPI("datetime", "date"); !ok || got != Date {
		t.Errorf("a datetime property is a date field, got %s %v", got, ok)
	}
}

func TestOpens(t *testing.T) {
	tests := []struct {
		from, to SyncRule
		want     []Direction
	}{
		{"", TwoWay, []Direction{ToSalesforce, ToHubSpot}},
		{"", AlwaysUseSalesforce, []Direction{ToHubSpot}},
		{"", DontSync, nil},
		{TwoWay, TwoWay, nil},
		{AlwaysUseSalesforce, TwoWay, []Direction{ToSalesforce}},
		// Newer HubSpot values now overwrite non-empty Salesforce ones.
		{PreferSalesforceUnlessBlank, TwoWay, []Direction{ToSalesforce}},
		// HubSpot now fills a Salesforce field that was cleared later; and
		// older non-empty Salesforce values now win in HubSpot.
		{TwoWay, PreferSalesforceUnlessBlank, []Direction{ToSalesforce, ToHubSpot}},
		{TwoWay, AlwaysUseSalesforce, []Direction{ToHubSpot}},
		{PreferSalesforceUnlessBlank, AlwaysUseSalesforce, nil},
		{AlwaysUseSalesforce, PreferSalesforceUnlessBlank, []Direction{ToSalesforce}},
		{DontSync, PreferSalesforceUnlessBlank, []Direction{ToSalesforce, ToHubSpot}},
		{TwoWay, DontSync, nil},
	}
	for _, tt := range tests {
		if got := Opens(tt.from, tt.to); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Opens(%q, %q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestStandardMappings(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range Objects() {
		ms := StandardMappings(o)
		if len(ms) == 0 {
			t.Errorf("%s has no standard mappings", o)
		}
		owner := false
		for _, m := range ms {
			key := string(o) + "." + m.Property
			if seen[key] {
				t.Errorf("%s listed twice", key)
			}
			seen[key] = true
			owner = owner || m.Property == OwnerProperty
		}
		if !owner {
			t.Errorf("%s has no owner mapping", o)
		}
	}
	opt, ok := LookupStandard(Contacts, OptOutProperty)
	if !ok || !opt.Fixed || opt.SalesforceField != OptOutField {
		t.Errorf("opt-out mapping = %+v, %v", opt, ok)
	}
	email, _ := LookupStandard(Contacts, EmailProperty)
	if len(email.AllowedRules) != 2 {
		t.Errorf("email mapping allows %v", email.AllowedRules)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret("pat-na1-0123")
	type holder struct {
		Token Secret
	}
	js, _ := json.Marshal(holder{s})
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, holder{s}, s, s), string(js)} {
		if strings.Contains(out, "pat-na1") {
			t.Errorf("secret leaked: %s", out)
		}
	}
	if s.Reveal() != "pat-na1-0123" {
		t.Error("Reveal lost the value")
	}
}

// TestSnapshotClone: a clone shares nothing a caller could change.
func TestSnapshotClone(t *testing.T) {
	s := &Snapshot{
		Sync:       map[Object]bool{Companies: true},
		Mappings:   map[Object][]Mapping{Companies: {{Object: Companies, Property: "a", SalesforceField: "A__c", Rule: TwoWay}}},
		Properties: map[Object][]Property{Companies: {{Object: Companies, Name: "a", Options: []Option{{Value: "x", Label: "X"}}}}},
		SObjects:   map[string]SObject{"Account": {Name: "Account", Fields: []SalesforceField{{Name: "A__c", ReferenceTo: []string{"User"}, Picklist: []PicklistValue{{Value: "p"}}}}}},
		Owners:     []Owner{{ID: "1", Records: map[Object]int{Companies: 2}}},
		Values:     map[string][]string{"k": {"v"}},
		Records:    map[string][]SalesforceRecord{"Account": {{ID: "001", Fields: map[string]string{"Name": "n"}}}},
	}
	want, _ := json.Marshal(s)
	c := s.Clone()
	c.Sync[Companies] = false
	c.Mappings[Companies][0].Rule = DontSync
	c.Properties[Companies][0].Options[0].Label = "changed"
	c.SObjects["Account"].Fields[0].ReferenceTo[0] = "Group"
	c.SObjects["Account"].Fields[0].Picklist[0].Value = "q"
	c.Owners[0].Records[Companies] = 9
	c.Values["k"][0] = "w"
	c.Records["Account"][0].Fields["Name"] = "m"
	if got, _ := json.Marshal(s); string(got) != string(want) {
		t.Errorf("changing the clone changed the original:\n%s\nwant\n%s", got, want)
	}
}
