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

// Opens returns the directions in which rule `to` lets some value flow that
// rule `from` did not: each needs existing values back-filled, because a
// mapping or rule change only affects future syncs. A new mapping has
// from = "". Working through DOMAIN.md's table:
//   - to Salesforce, prefer_salesforce_unless_blank passes a value into an
//     empty field and two_way passes the newer value; neither contains the
//     other, so any change into either opens the direction.
//   - to HubSpot, prefer_salesforce_unless_blank and always_use_salesforce
//     flow alike (a non-empty or newly cleared Salesforce value wins), and
//     two_way's flow (only the newer value) is part of theirs; so a change
//     to two_way, or between the two Salesforce-wins rules, opens nothing,
//     while a change from two_way to either does (older non-empty
//     Salesforce values now win).
func Opens(from, to SyncRule) []Direction {
	if from == to {
		return nil
	}
	var d []Direction
	if to.ToSalesforce() {
		d = append(d, ToSalesforce)
	}
	if to.ToHubSpot() && !(from.ToHubSpot() && (to == TwoWay || from != TwoWay)) {
		d = append(d, ToHubSpot)
	}
	return d
}
