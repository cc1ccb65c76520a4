package syncform

// FieldValue is one field's value on one side of a linked record pair, and
// when it last changed on that side (a logical time; 0 means never set). An
// empty value with a time was cleared at that time.
type FieldValue struct {
	V  string `json:"v"`
	At int64  `json:"at,omitempty"`
}

// Empty reports whether the side holds no value.
func (v FieldValue) Empty() bool { return v.V == "" }

// Cleared reports whether the side held a value and it was deleted.
func (v FieldValue) Cleared() bool { return v.V == "" && v.At > 0 }

// SyncValue returns what a linked pair holds after the connector syncs one
// mapping with rule in direction dir, following DOMAIN.md's rule table:
//
//   - prefer_salesforce_unless_blank: to HubSpot, a non-empty Salesforce value
//     wins and a value cleared in Salesforce is cleared in HubSpot; to
//     Salesforce, a HubSpot value passes only while Salesforce is empty, and a
//     value cleared in HubSpot stays in Salesforce.
//   - always_use_salesforce: to HubSpot as above; never to Salesforce.
//   - two_way: the most recent value wins, either way, clears included.
//   - dont_sync: nothing moves.
//
// The side written takes the source's time, so a synced pair is stable: a
// second sync changes nothing. The owner mapping is not a plain value: its
// values are IDs of different systems, translated by the provider, and an
// owner syncs out only when MatchOwner finds its user.
func SyncValue(rule SyncRule, dir Direction, hs, sf FieldValue) (FieldValue, FieldValue) {
	switch dir {
	case ToHubSpot:
		switch rule {
		case PreferSalesforceUnlessBlank, AlwaysUseSalesforce:
			if !sf.Empty() || sf.Cleared() && sf.At >= hs.At {
				return follow(hs, sf), sf
			}
		case TwoWay:
			if sf.At > hs.At {
				return follow(hs, sf), sf
			}
		}
	case ToSalesforce:
		switch rule {
		case PreferSalesforceUnlessBlank:
			if sf.Empty() && !hs.Empty() {
				return hs, follow(sf, hs)
			}
		case TwoWay:
			if hs.At > sf.At {
				return hs, follow(sf, hs)
			}
		}
	}
	return hs, sf
}

// follow makes dst hold src's value, keeping dst untouched when it already
// does (so an unchanged value is not counted as a change).
func follow(dst, src FieldValue) FieldValue {
	if dst.V == src.V {
		return dst
	}
	return src
}

// OwnerUserTypes are the Salesforce user types the connector treats as owners
// (queues are owners too; see Queue).
var OwnerUserTypes = []string{"Standard", "PowerPartner", "Guest"}

// IsOwnerType reports whether a user of that type can own synced records.
func IsOwnerType(userType string) bool {
	for _, t := range OwnerUserTypes {
		if t == userType {
			return true
		}
	}
	return false
}

// MatchOwner returns the active Salesforce user a HubSpot owner syncs out to:
// one whose name and email are exactly the owner's. Inactive users and queues
// never match; without a match the owner's value reverts to the last
// Salesforce owner.
func MatchOwner(o Owner, users []SalesforceUser) (SalesforceUser, bool) {
	for _, u := range users {
		if u.Active && IsOwnerType(u.UserType) && u.Name() == o.Name() && u.Email == o.Email && u.Email != "" {
			return u, true
		}
	}
	return SalesforceUser{}, false
}
