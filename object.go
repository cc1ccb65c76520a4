package syncform

import "fmt"

// Object is a HubSpot CRM object that the connector can sync.
type Object string

const (
	Contacts  Object = "contacts"
	Companies Object = "companies"
	Deals     Object = "deals"
)

// Objects lists every syncable object in the order the connector needs them
// turned on: deals associate with companies, so companies come first.
func Objects() []Object { return []Object{Contacts, Companies, Deals} }

// ParseObject returns the Object named s, or an error naming the valid ones.
func ParseObject(s string) (Object, error) {
	for _, o := range Objects() {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fmt.Errorf("unknown object %q", s)
}

// Rank is the object's position in Objects(), used to order plan actions.
func (o Object) Rank() int {
	for i, x := range Objects() {
		if x == o {
			return i
		}
	}
	return len(Objects())
}

// SalesforceObjects are the Salesforce objects the HubSpot object syncs with.
// Contacts sync with both Lead and Contact: one property maps to the field of the
// same API name on each.
func (o Object) SalesforceObjects() []string {
	switch o {
	case Contacts:
		return []string{"Lead", "Contact"}
	case Companies:
		return []string{"Account"}
	case Deals:
		return []string{"Opportunity"}
	}
	return nil
}

// AlwaysSynced reports whether the object's sync toggle is fixed on: contacts
// sync as soon as the connector is installed and cannot be turned off.
func (o Object) AlwaysSynced() bool { return o == Contacts }

// DefaultPropertyGroup is the HubSpot property group new properties join when
// the configuration names none.
func (o Object) DefaultPropertyGroup() string {
	switch o {
	case Contacts:
		return "contactinformation"
	case Companies:
		return "companyinformation"
	case Deals:
		return "dealinformation"
	}
	return ""
}

// Noun names n records of the object: "1 contact", "2 companies".
func (o Object) Noun(n int) string {
	if n == 1 {
		switch o {
		case Companies:
			return "company"
		case Contacts:
			return "contact"
		case Deals:
			return "deal"
		}
	}
	return string(o)
}
