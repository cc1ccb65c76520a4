package syncform

import "fmt"

// SyncRule is a mapping's sync rule: which way values flow, and when.
type SyncRule string

const (
	PreferSalesforceUnlessBlank SyncRule = "prefer_salesforce_unless_blank"
	AlwaysUseSalesforce         SyncRule = "always_use_salesforce"
	TwoWay                      SyncRule = "two_way"
	DontSync                    SyncRule = "dont_sync"
)

// SyncRules lists every rule. There is no rule that prefers HubSpot; two_way is
// how HubSpot values win.
func SyncRules() []SyncRule {
	return []SyncRule{PreferSalesforceUnlessBlank, AlwaysUseSalesforce, TwoWay, DontSync}
}

// ParseSyncRule returns the rule named s, or an error.
func ParseSyncRule(s string) (SyncRule, error) {
	for _, r := range SyncRules() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown sync rule %q", s)
}

// ToSalesforce reports whether the rule ever lets a HubSpot value reach
// Salesforce (prefer_salesforce_unless_blank does, while the field is empty).
func (r SyncRule) ToSalesforce() bool {
	return r == TwoWay || r == PreferSalesforceUnlessBlank
}

// ToHubSpot reports whether the rule ever lets a Salesforce value reach HubSpot.
func (r SyncRule) ToHubSpot() bool {
	return r == TwoWay || r == PreferSalesforceUnlessBlank || r == AlwaysUseSalesforce
}

// Direction is one way values can flow through the connector.
type Direction string

const (
	ToSalesforce Direction = "to_salesforce"
	ToHubSpot    Direction = "to_hubspot"
)

// Opens returns the directions that rule `to` lets values flow in and rule
// `from` did not: each needs existing values back-filled, because a mapping or
// rule change only affects future syncs. A new mapping has from = "".
func Opens(from, to SyncRule) []Direction {
	var d []Direction
	if to.ToSalesforce() && !from.ToSalesforce() {
		d = append(d, ToSalesforce)
	}
	if to.ToHubSpot() && !from.ToHubSpot() {
		d = append(d, ToHubSpot)
	}
	return d
}
