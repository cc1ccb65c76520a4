package sandbox

import (
	"fmt"

	sf "github.com/syncform/syncform"
)

// The seed: a HubSpot portal freshly connected to a Salesforce org, with the
// connector's standard settings and a little of the customisation a real team
// accumulates. It is deterministic: every sandbox starts from exactly this.

// Key prefix of the seeded custom object.
const prefixSalesRegion = "a0B"

// seedData is everything a new sandbox holds.
type seedData struct {
	Sync       map[sf.Object]bool
	Mappings   []sf.Mapping
	Properties []sf.Property
	SObjects   []sf.SObject
	Users      []sf.SalesforceUser
	Queues     []sf.Queue
	Owners     []sf.Owner
}

// seed builds the seed. It panics on an invalid literal, which the tests catch.
func seed() seedData {
	d := seedData{
		Sync: map[sf.Object]bool{
			sf.Contacts:  true,
			sf.Companies: true,
			sf.Deals:     false,
		},
		Properties: seedProperties(),
		SObjects:   seedSObjects(),
		Users:      seedUsers(),
		Queues:     seedQueues(),
		Owners:     seedOwners(),
	}
	for _, o := range sf.Objects() {
		for _, s := range sf.StandardMappings(o) {
			d.Mappings = append(d.Mappings, s.Mapping())
		}
	}
	d.Mappings = append(d.Mappings,
		sf.Mapping{Object: sf.Contacts, Property: "utm_source", SalesforceField: "utm_source__c", Rule: sf.PreferSalesforceUnlessBlank},
		sf.Mapping{Object: sf.Companies, Property: "legacy_segment", SalesforceField: "Legacy_Segment__c", Rule: sf.TwoWay},
	)
	return d
}

// mustID upgrades a 15-character literal to its 18-character form.
func mustID(id15 string) sf.SalesforceID {
	id, err := sf.ParseSalesforceID(id15)
	if err != nil {
		panic(fmt.Sprintf("sandbox seed: %v", err))
	}
	return id
}

// ---------------------------------------------------------------------------
// Salesforce

func seedUsers() []sf.SalesforceUser {
	user := func(id, first, last, email, userType string, active bool) sf.SalesforceUser {
		return sf.SalesforceUser{ID: mustID(id), FirstName: first, LastName: last, Email: email, UserType: userType, Active: active}
	}
	return []sf.SalesforceUser{
		// The sales reps.
		user("0058d00000AbC01", "Maria", "Garcia", "maria.garcia@acme.example", "Standard", true),
		user("0058d00000AbC02", "James", "Chen", "james.chen@acme.example", "Standard", true),
		user("0058d00000AbC03", "Priya", "Patel", "priya.patel@acme.example", "Standard", true),
		user("0058d00000AbC04", "Lukas", "Weber", "lukas.weber@acme.example", "Standard", true),
		// The user the connector logs in as; it owns records HubSpot creates
		// without an owner.
		user("0058d00000AbC05", "HubSpot", "Integration", "hubspot.integration@acme.example", "Standard", true),
		// A rep who left: still a Standard user, deactivated.
		user("0058d00000AbC06", "Sarah", "Johnson", "sarah.johnson@acme.example", "Standard", false),
		// A reseller's partner-community user.
		user("0058d00000AbC07", "Diego", "Alvarez", "diego.alvarez@northwind-partners.example", "PowerPartner", true),
		// The site guest user of the org's public web-to-lead site.
		user("0058d00000AbC08", "Site", "Guest User", "site.guest@acme.example", "Guest", true),
	}
}

func seedQueues() []sf.Queue {
	return []sf.Queue{
		{ID: mustID("00G8d00000QuE01"), Name: "Inbound Leads"},
		{ID: mustID("00G8d00000QuE02"), Name: "EMEA Leads"},
	}
}

// fieldOpt adjusts a seeded Salesforce field.
type fieldOpt func(*sf.SalesforceField)

func field(name, label string, t sf.SalesforceType, opts ...fieldOpt) sf.SalesforceField {
	f := sf.SalesforceField{Name: name, Label: label, Type: t}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// custom marks a custom field (its name ends in __c).
func custom(f *sf.SalesforceField) { f.Custom = true }

// formula marks a calculated field.
func formula(f *sf.SalesforceField) { f.Calculated = true }

// restricted marks a restricted picklist.
func restricted(f *sf.SalesforceField) { f.Restricted = true }

func refTo(objects ...string) fieldOpt {
	return func(f *sf.SalesforceField) { f.ReferenceTo = objects }
}

// values sets a picklist's active values (label = value, as Salesforce
// defaults them).
func values(vs ...string) fieldOpt {
	return func(f *sf.SalesforceField) {
		for _, v := range vs {
			f.Picklist = append(f.Picklist, sf.PicklistValue{Value: v, Label: v, Active: true})
		}
	}
}

// inactive adds picklist values that are no longer offered.
func inactive(vs ...string) fieldOpt {
	return func(f *sf.SalesforceField) {
		for _, v := range vs {
			f.Picklist = append(f.Picklist, sf.PicklistValue{Value: v, Label: v, Active: false})
		}
	}
}

// Picklist values shared by several objects.
var (
	industries = values("Agriculture", "Banking", "Biotechnology", "Construction", "Consulting",
		"Education", "Energy", "Finance", "Healthcare", "Manufacturing", "Media", "Retail",
		"Technology", "Telecommunications", "Other")
	leadSources = values("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Other")
)

func seedSObjects() []sf.SObject {
	campaign := []sf.SalesforceField{
		field("utm_source__c", "UTM Source", sf.SFString, custom),
		field("utm_medium__c", "UTM Medium", sf.SFString, custom),
		field("utm_campaign__c", "UTM Campaign", sf.SFString, custom),
	}
	lead := sf.SObject{Name: "Lead", Label: "Lead", KeyPrefix: sf.PrefixLead, Fields: []sf.SalesforceField{
		field("Id", "Lead ID", sf.SFID),
		field("Email", "Email", sf.SFEmail),
		field("FirstName", "First Name", sf.SFString),
		field("LastName", "Last Name", sf.SFString),
		field("Company", "Company", sf.SFString),
		field("Title", "Title", sf.SFString),
		field("Salutation", "Salutation", sf.SFString),
		field("Street", "Street", sf.SFString),
		field("City", "City", sf.SFString),
		field("State", "State/Province", sf.SFString),
		field("PostalCode", "Zip/Postal Code", sf.SFString),
		field("Country", "Country", sf.SFString),
		field("Phone", "Phone", sf.SFPhone),
		field("Fax", "Fax", sf.SFPhone),
		field("Website", "Website", sf.SFURL),
		field("Industry", "Industry", sf.SFPicklist, industries),
		field("AnnualRevenue", "Annual Revenue", sf.SFCurrency),
		field("NumberOfEmployees", "Employees", sf.SFInt),
		field("LeadSource", "Lead Source", sf.SFPicklist, leadSources),
		field("Rating", "Rating", sf.SFPicklist, values("Hot", "Warm", "Cold")),
		field("Status", "Lead Status", sf.SFPicklist, values("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")),
		field("Description", "Description", sf.SFTextarea),
		field("OwnerId", "Owner ID", sf.SFReference, refTo("Group", "User")),
		field("HasOptedOutOfEmail", "Email Opt Out", sf.SFBoolean),
		field("Lead_Score__c", "Lead Score", sf.SFDouble, custom),
	}}
	lead.Fields = append(lead.Fields, campaign...)

	contact := sf.SObject{Name: "Contact", Label: "Contact", KeyPrefix: sf.PrefixContact, Fields: []sf.SalesforceField{
		field("Id", "Contact ID", sf.SFID),
		field("Email", "Email", sf.SFEmail),
		field("FirstName", "First Name", sf.SFString),
		field("LastName", "Last Name", sf.SFString),
		field("Title", "Title", sf.SFString),
		field("Salutation", "Salutation", sf.SFString),
		field("MailingStreet", "Mailing Street", sf.SFString),
		field("MailingCity", "Mailing City", sf.SFString),
		field("MailingState", "Mailing State/Province", sf.SFString),
		field("MailingPostalCode", "Mailing Zip/Postal Code", sf.SFString),
		field("MailingCountry", "Mailing Country", sf.SFString),
		field("Phone", "Business Phone", sf.SFPhone),
		field("Fax", "Business Fax", sf.SFPhone),
		field("LeadSource", "Lead Source", sf.SFPicklist, leadSources),
		field("Description", "Contact Description", sf.SFTextarea),
		field("AccountId", "Account ID", sf.SFReference, refTo("Account")),
		field("OwnerId", "Owner ID", sf.SFReference, refTo("User")),
		field("HasOptedOutOfEmail", "Email Opt Out", sf.SFBoolean),
		field("Preferred_Language__c", "Preferred Language", sf.SFPicklist, custom,
			values("English", "German", "French", "Spanish", "Japanese")),
		field("Days_Since_Created__c", "Days Since Created", sf.SFDouble, custom, formula),
	}}
	contact.Fields = append(contact.Fields, campaign...)

	account := sf.SObject{Name: "Account", Label: "Account", KeyPrefix: sf.PrefixAccount, Fields: []sf.SalesforceField{
		field("Id", "Account ID", sf.SFID),
		field("Name", "Account Name", sf.SFString),
		field("OwnerId", "Owner ID", sf.SFReference, refTo("User")),
		field("Industry", "Industry", sf.SFPicklist, industries),
		field("Type", "Account Type", sf.SFPicklist, values("Prospect", "Customer - Direct", "Customer - Channel",
			"Channel Partner / Reseller", "Installation Partner", "Technology Partner", "Other")),
		field("AnnualRevenue", "Annual Revenue", sf.SFCurrency),
		field("NumberOfEmployees", "Employees", sf.SFInt),
		field("Phone", "Account Phone", sf.SFPhone),
		field("Website", "Website", sf.SFURL),
		field("Description", "Account Description", sf.SFTextarea),
		field("ParentId", "Parent Account ID", sf.SFReference, refTo("Account")),
		field("Region__c", "Region", sf.SFReference, custom, refTo("Sales_Region__c")),
		field("Tier__c", "Tier", sf.SFPicklist, custom, restricted, values("Gold", "Silver", "Bronze"), inactive("Platinum")),
		field("Products__c", "Products", sf.SFMultiPicklist, custom,
			values("Platform", "Analytics", "Integrations", "Support Plus")),
		field("Is_Partner__c", "Is Partner", sf.SFBoolean, custom),
		field("Health_Score__c", "Health Score", sf.SFDouble, custom),
		field("Seats__c", "Seats", sf.SFInt, custom),
		field("Notes__c", "Notes", sf.SFTextarea, custom),
		field("Customer_Since__c", "Customer Since", sf.SFDate, custom),
		field("Last_Activity__c", "Last Activity", sf.SFDatetime, custom),
		field("Billing_Email__c", "Billing Email", sf.SFEmail, custom),
		field("Health_Grade__c", "Health Grade", sf.SFString, custom, formula),
		field("Legacy_Segment__c", "Legacy Segment", sf.SFString, custom),
	}}
	account.Fields = append(account.Fields, campaign...)

	opportunity := sf.SObject{Name: "Opportunity", Label: "Opportunity", KeyPrefix: sf.PrefixOpportunity, Fields: []sf.SalesforceField{
		field("Id", "Opportunity ID", sf.SFID),
		field("Name", "Name", sf.SFString),
		field("Amount", "Amount", sf.SFCurrency),
		field("CloseDate", "Close Date", sf.SFDate),
		field("StageName", "Stage", sf.SFPicklist, values("Prospecting", "Qualification", "Needs Analysis",
			"Value Proposition", "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
			"Negotiation/Review", "Closed Won", "Closed Lost")),
		field("OwnerId", "Owner ID", sf.SFReference, refTo("User")),
		field("Type", "Opportunity Type", sf.SFPicklist, values("New Customer", "Existing Customer - Upgrade",
			"Existing Customer - Replacement", "Existing Customer - Downgrade")),
		field("Probability", "Probability (%)", sf.SFPercent),
		field("NextStep", "Next Step", sf.SFString),
		field("AccountId", "Account ID", sf.SFReference, refTo("Account")),
		field("Forecast_Notes__c", "Forecast Notes", sf.SFTextarea, custom),
		field("Discount__c", "Discount", sf.SFDouble, custom),
		field("Competitor__c", "Competitor", sf.SFPicklist, custom, restricted,
			values("Acme CRM", "Globex", "Initech", "None")),
	}}

	region := sf.SObject{Name: "Sales_Region__c", Label: "Sales Region", KeyPrefix: prefixSalesRegion, Custom: true, Fields: []sf.SalesforceField{
		field("Id", "Record ID", sf.SFID),
		field("Name", "Sales Region Name", sf.SFString),
		field("Code__c", "Code", sf.SFString, custom),
	}}

	return []sf.SObject{lead, contact, account, opportunity, region}
}

// ---------------------------------------------------------------------------
// HubSpot

func seedOwners() []sf.Owner {
	return []sf.Owner{
		// The four reps, exactly as in Salesforce: their owner values sync out.
		{ID: "52841001", FirstName: "Maria", LastName: "Garcia", Email: "maria.garcia@acme.example"},
		{ID: "52841002", FirstName: "James", LastName: "Chen", Email: "james.chen@acme.example"},
		{ID: "52841003", FirstName: "Priya", LastName: "Patel", Email: "priya.patel@acme.example"},
		{ID: "52841004", FirstName: "Lukas", LastName: "Weber", Email: "lukas.weber@acme.example"},
		// Matches only the deactivated Salesforce user: reverts.
		{ID: "52841005", FirstName: "Sarah", LastName: "Johnson", Email: "sarah.johnson@acme.example"},
		// A rep's name with a personal address: no exact match, reverts.
		{ID: "52841006", FirstName: "James", LastName: "Chen", Email: "jchen.personal@mailbox.example"},
		// A marketer with no Salesforce user at all.
		{ID: "52841007", FirstName: "Olivia", LastName: "Brown", Email: "olivia.brown@acme.example"},
	}
}

// propOpt adjusts a seeded HubSpot property.
type propOpt func(*sf.Property)

func prop(o sf.Object, name, label string, t sf.FieldType, opts ...propOpt) sf.Property {
	p := sf.Property{Object: o, Name: name, Label: label, Type: t, Group: o.DefaultPropertyGroup()}
	for _, opt := range opts {
		opt(&p)
	}
	return p
}

// hubspot marks one of HubSpot's own properties.
func hubspot(p *sf.Property) { p.HubSpotDefined = true }

// ownerRef marks a "HubSpot user" property.
func ownerRef(p *sf.Property) { p.OwnerReference = true }

func describe(d string) propOpt { return func(p *sf.Property) { p.Description = d } }

// options sets options as alternating value, label pairs.
func options(pairs ...string) propOpt {
	return func(p *sf.Property) {
		for i := 0; i+1 < len(pairs); i += 2 {
			p.Options = append(p.Options, sf.Option{Value: pairs[i], Label: pairs[i+1]})
		}
	}
}

// same sets options whose value is their label.
func same(vs ...string) propOpt {
	return func(p *sf.Property) {
		for _, v := range vs {
			p.Options = append(p.Options, sf.Option{Value: v, Label: v})
		}
	}
}

func seedProperties() []sf.Property {
	c, co, d := sf.Contacts, sf.Companies, sf.Deals
	lifecycle := options("subscriber", "Subscriber", "lead", "Lead", "marketingqualifiedlead", "Marketing Qualified Lead",
		"salesqualifiedlead", "Sales Qualified Lead", "opportunity", "Opportunity", "customer", "Customer",
		"evangelist", "Evangelist", "other", "Other")
	return []sf.Property{
		// Contacts: HubSpot's own properties, including every one a standard
		// mapping names.
		prop(c, "email", "Email", sf.Text, hubspot),
		prop(c, "firstname", "First Name", sf.Text, hubspot),
		prop(c, "lastname", "Last Name", sf.Text, hubspot),
		prop(c, "company", "Company Name", sf.Text, hubspot),
		prop(c, "phone", "Phone Number", sf.Text, hubspot),
		prop(c, "fax", "Fax Number", sf.Text, hubspot),
		prop(c, "jobtitle", "Job Title", sf.Text, hubspot),
		prop(c, "salutation", "Salutation", sf.Text, hubspot),
		prop(c, "address", "Street Address", sf.Text, hubspot),
		prop(c, "city", "City", sf.Text, hubspot),
		prop(c, "state", "State/Region", sf.Text, hubspot),
		prop(c, "zip", "Postal Code", sf.Text, hubspot),
		prop(c, "country", "Country/Region", sf.Text, hubspot),
		prop(c, "website", "Website URL", sf.Text, hubspot),
		prop(c, "industry", "Industry", sf.Text, hubspot),
		prop(c, "annualrevenue", "Annual Revenue", sf.Number, hubspot),
		prop(c, "numemployees", "Number of Employees", sf.Number, hubspot),
		prop(c, "hs_lead_source", "Lead Source", sf.Dropdown, hubspot,
			same("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Other")),
		prop(c, "hs_lead_rating", "Lead Rating", sf.Dropdown, hubspot, same("Hot", "Warm", "Cold")),
		prop(c, "hs_lead_status", "Lead Status", sf.Dropdown, hubspot, options(
			"NEW", "New", "OPEN", "Open", "IN_PROGRESS", "In Progress", "OPEN_DEAL", "Open Deal",
			"UNQUALIFIED", "Unqualified", "ATTEMPTED_TO_CONTACT", "Attempted to Contact",
			"CONNECTED", "Connected", "BAD_TIMING", "Bad Timing")),
		prop(c, "message", "Message", sf.Textarea, hubspot),
		prop(c, "associatedcompanyid", "Primary Associated Company ID", sf.Number, hubspot),
		prop(c, sf.OwnerProperty, "Contact owner", sf.Dropdown, hubspot, ownerRef),
		prop(c, sf.OptOutProperty, "Unsubscribed from all email", sf.Checkbox, hubspot),
		prop(c, "createdate", "Create Date", sf.Date, hubspot),
		prop(c, "lifecyclestage", "Lifecycle Stage", sf.Radio, hubspot, lifecycle),
		prop(c, "hs_buying_role", "Buying Role", sf.Checkboxes, hubspot, options(
			"BUDGET_HOLDER", "Budget Holder", "CHAMPION", "Champion", "DECISION_MAKER", "Decision Maker",
			"END_USER", "End User", "EXECUTIVE_SPONSOR", "Executive Sponsor", "INFLUENCER", "Influencer",
			"OTHER", "Other")),
		// Contacts: the team's own properties.
		prop(c, "utm_source", "UTM Source", sf.Text),
		prop(c, "utm_medium", "UTM Medium", sf.Text),
		prop(c, "utm_campaign", "UTM Campaign", sf.Text),
		prop(c, "lead_score", "Lead Score", sf.Number, describe("Score computed by the marketing team's model.")),
		prop(c, "preferred_language", "Preferred Language", sf.Dropdown,
			same("English", "German", "French", "Spanish", "Japanese")),
		prop(c, "account_manager", "Account Manager", sf.Dropdown, ownerRef,
			describe("The HubSpot user who manages the customer relationship.")),

		// Companies: HubSpot's own properties.
		prop(co, "name", "Company name", sf.Text, hubspot),
		prop(co, "domain", "Company Domain Name", sf.Text, hubspot),
		prop(co, sf.OwnerProperty, "Company owner", sf.Dropdown, hubspot, ownerRef),
		prop(co, "industry", "Industry", sf.Dropdown, hubspot, options(
			"ACCOUNTING", "Accounting", "BANKING", "Banking", "BIOTECHNOLOGY", "Biotechnology",
			"COMPUTER_SOFTWARE", "Computer Software", "CONSTRUCTION", "Construction",
			"HOSPITAL_HEALTH_CARE", "Hospital & Health Care", "RETAIL", "Retail")),
		prop(co, "description", "Description", sf.Textarea, hubspot),
		prop(co, "phone", "Phone Number", sf.Text, hubspot),
		prop(co, "annualrevenue", "Annual Revenue", sf.Number, hubspot),
		prop(co, "numberofemployees", "Number of Employees", sf.Number, hubspot),
		prop(co, "createdate", "Create Date", sf.Date, hubspot),
		prop(co, "lifecyclestage", "Lifecycle Stage", sf.Radio, hubspot, lifecycle),
		// Companies: the team's own properties.
		prop(co, "utm_source", "UTM Source", sf.Text),
		prop(co, "utm_medium", "UTM Medium", sf.Text),
		prop(co, "utm_campaign", "UTM Campaign", sf.Text),
		prop(co, "tier", "Tier", sf.Dropdown, same("Gold", "Silver", "Bronze", "Platinum")), // Platinum: retired in Salesforce, still offered in HubSpot
		prop(co, "products", "Products", sf.Checkboxes, same("Platform", "Analytics", "Integrations", "Support Plus")),
		prop(co, "is_partner", "Is Partner", sf.Checkbox),
		prop(co, "health_score", "Health Score", sf.Number),
		prop(co, "seats", "Seats", sf.Number),
		prop(co, "notes", "Notes", sf.Textarea),
		prop(co, "customer_since", "Customer Since", sf.Date),
		prop(co, "legacy_segment", "Legacy Segment", sf.Text, describe("Segment from the old CRM; kept for reporting.")),
		prop(co, "billing_email", "Billing Email", sf.Text),
		prop(co, "website_notes", "Website Notes", sf.Textarea),

		// Deals: HubSpot's own properties.
		prop(d, "dealname", "Deal Name", sf.Text, hubspot),
		prop(d, "amount", "Amount", sf.Number, hubspot),
		prop(d, "closedate", "Close Date", sf.Date, hubspot),
		prop(d, sf.OwnerProperty, "Deal owner", sf.Dropdown, hubspot, ownerRef),
		prop(d, "dealstage", "Deal Stage", sf.Dropdown, hubspot, options(
			"appointmentscheduled", "Appointment Scheduled", "qualifiedtobuy", "Qualified To Buy",
			"presentationscheduled", "Presentation Scheduled", "decisionmakerboughtin", "Decision Maker Bought-In",
			"contractsent", "Contract Sent", "closedwon", "Closed Won", "closedlost", "Closed Lost")),
		prop(d, "pipeline", "Pipeline", sf.Dropdown, hubspot, options("default", "Sales Pipeline")),
		prop(d, "dealtype", "Deal Type", sf.Radio, hubspot, options("newbusiness", "New Business", "existingbusiness", "Existing Business")),
		prop(d, "description", "Deal Description", sf.Textarea, hubspot),
		prop(d, "createdate", "Create Date", sf.Date, hubspot),
		// Deals: the team's own properties.
		prop(d, "forecast_notes", "Forecast Notes", sf.Textarea),
		prop(d, "discount", "Discount", sf.Number),
		prop(d, "competitor", "Competitor", sf.Radio, same("Acme CRM", "Globex", "Initech", "None")),
	}
}
