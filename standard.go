package syncform

// StandardMapping is one of the connector's default mappings.
type StandardMapping struct {
	Object          Object
	Property        string
	SalesforceField string
	// DefaultRule is the rule a newly connected portal shows. Not documented
	// per mapping (assumed): most default to prefer_salesforce_unless_blank.
	DefaultRule SyncRule
	// Fixed: the mapping cannot be changed or stopped at all.
	Fixed bool
	// AllowedRules, when set, restricts the rules the mapping accepts.
	AllowedRules []SyncRule
}

// Mapping returns the mapping a newly connected portal holds.
func (s StandardMapping) Mapping() Mapping {
	return Mapping{Object: s.Object, Property: s.Property, SalesforceField: s.SalesforceField, Rule: s.DefaultRule, Standard: true}
}

// The mappings with documented special behaviour.
const (
	OwnerProperty    = "hubspot_owner_id"
	OwnerField       = "OwnerId"
	OptOutProperty   = "hs_email_optout"
	OptOutField      = "HasOptedOutOfEmail"
	EmailProperty    = "email"
	EmailField       = "Email"
	IntegrationOwner = "integration user"
)

func std(o Object, prop, field string) StandardMapping {
	return StandardMapping{Object: o, Property: prop, SalesforceField: field, DefaultRule: PreferSalesforceUnlessBlank}
}

// standardMappings is DOMAIN.md's list. The owner mapping shows
// prefer_salesforce_unless_blank in the portal but always syncs two-way.
var standardMappings = func() []StandardMapping {
	out := []StandardMapping{
		{Object: Contacts, Property: EmailProperty, SalesforceField: EmailField, DefaultRule: PreferSalesforceUnlessBlank,
			AllowedRules: []SyncRule{TwoWay, PreferSalesforceUnlessBlank}},
		std(Contacts, "firstname", "FirstName"),
		std(Contacts, "lastname", "LastName"),
		std(Contacts, "company", "Company"),
		std(Contacts, "phone", "Phone"),
		std(Contacts, "fax", "Fax"),
		std(Contacts, "jobtitle", "Title"),
		std(Contacts, "salutation", "Salutation"),
		std(Contacts, "address", "Street"),
		std(Contacts, "city", "City"),
		std(Contacts, "state", "State"),
		std(Contacts, "zip", "PostalCode"),
		std(Contacts, "country", "Country"),
		std(Contacts, "website", "Website"),
		std(Contacts, "industry", "Industry"),
		std(Contacts, "annualrevenue", "AnnualRevenue"),
		std(Contacts, "numemployees", "NumberOfEmployees"),
		std(Contacts, "hs_lead_source", "LeadSource"),
		std(Contacts, "hs_lead_rating", "Rating"),
		std(Contacts, "hs_lead_status", "Status"),
		std(Contacts, "message", "Description"),
		std(Contacts, "associatedcompanyid", "AccountId"),
		std(Contacts, OwnerProperty, OwnerField),
		{Object: Contacts, Property: OptOutProperty, SalesforceField: OptOutField, DefaultRule: TwoWay, Fixed: true},
		std(Companies, "name", "Name"),
		std(Companies, OwnerProperty, OwnerField),
		std(Deals, "dealname", "Name"),
		std(Deals, "amount", "Amount"),
		std(Deals, "closedate", "CloseDate"),
		std(Deals, OwnerProperty, OwnerField),
	}
	return out
}()

// StandardMappings returns the connector's default mappings of o.
func StandardMappings(o Object) []StandardMapping {
	var out []StandardMapping
	for _, s := range standardMappings {
		if s.Object == o {
			out = append(out, s)
		}
	}
	return out
}

// LookupStandard returns the standard mapping of property on o, if there is one.
func LookupStandard(o Object, property string) (StandardMapping, bool) {
	for _, s := range standardMappings {
		if s.Object == o && s.Property == property {
			return s, true
		}
	}
	return StandardMapping{}, false
}

// ContactAddressFields: Lead's address fields are Contact's Mailing* fields, and
// the standard address mappings write to both.
var contactAddressFields = map[string]string{
	"Street": "MailingStreet", "City": "MailingCity", "State": "MailingState",
	"PostalCode": "MailingPostalCode", "Country": "MailingCountry",
}

// FieldOn returns the name a contacts mapping's field has on the given
// Salesforce object: the same API name, except the standard address fields,
// which are Mailing* on Contact.
func FieldOn(sobject, field string) string {
	if sobject == "Contact" {
		if m, ok := contactAddressFields[field]; ok {
			return m
		}
	}
	return field
}
