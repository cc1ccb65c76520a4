package sandbox

import (
	"math"
	"slices"
	"strconv"
	"strings"

	sf "github.com/syncform/syncform"
)

// valueSpec is one field the seed gives values: a HubSpot property and the
// Salesforce field it is (or could be) mapped to. Either may be missing: a
// value only one system holds.
type valueSpec struct {
	prop  string // HubSpot property; "" when only Salesforce has the field
	field string // Salesforce field (Lead's name for contacts); "" when only HubSpot has it
	only  string // for contacts: the one Salesforce object that has the field
	fill  float64
	gen   func(*rec) string // a realistic value (Salesforce's spelling)
	alt   func(*rec) string // a value HubSpot holds when the two differ; nil: another gen
}

// rec is the record being generated: its random stream and the identity its
// values agree on (a contact's email follows their name and company).
type rec struct {
	r       rng
	i       int
	sobject string
	c       int // the related company, or -1
	first   string
	last    string
	company string
	domain  string
	loc     int
}

// The mix of values on a pair's two sides (see put).
type mixShares struct{ blank, differ, cleared float64 }

var (
	// A mapping that has been syncing: the sides mostly agree.
	mappedMix = mixShares{blank: 0.03, differ: 0.06, cleared: 0.01}
	// Fields nobody mapped yet: each system was edited on its own.
	unmappedMix = mixShares{blank: 0.30, differ: 0.10, cleared: 0.02}
)

// seeder generates the records of one SeedOptions.
type seeder struct {
	o       SeedOptions
	mapped  map[sf.Object]map[string]bool
	specs   map[sf.Object][]valueSpec
	owners  []sf.Owner
	users   []sf.SalesforceUser
	queues  []sf.Queue
	reps    []sf.SalesforceUser // active Standard users
	regions []sf.SalesforceID
	// Scratch space of pair, which one goroutine at a time calls.
	hs, sf fields
	buf    []byte
}

func newSeeder(o SeedOptions) *seeder {
	d := seed()
	g := &seeder{o: o, mapped: map[sf.Object]map[string]bool{}, owners: d.Owners, users: d.Users, queues: d.Queues}
	// Which fields count as already mapped is the seed's settings, not the
	// live ones, so the content depends on the options alone.
	for _, m := range d.Mappings {
		if g.mapped[m.Object] == nil {
			g.mapped[m.Object] = map[string]bool{}
		}
		g.mapped[m.Object][m.Property] = m.Rule != sf.DontSync
	}
	for _, u := range d.Users {
		if u.Active && u.UserType == "Standard" {
			g.reps = append(g.reps, u)
		}
	}
	for _, r := range seedRegions() {
		g.regions = append(g.regions, r.id)
	}
	g.specs = map[sf.Object][]valueSpec{
		sf.Contacts:  g.contactSpecs(),
		sf.Companies: g.companySpecs(),
		sf.Deals:     g.dealSpecs(),
	}
	return g
}

func (g *seeder) count(o sf.Object) int {
	switch o {
	case sf.Contacts:
		return g.o.Contacts
	case sf.Companies:
		return g.o.Companies
	}
	return g.o.Deals
}

// pair generates the i-th pair of o.
func (g *seeder) pair(o sf.Object, i int, row *seedRow) {
	rc := &rec{r: stream(g.o.Seed, string(o), i), i: i, c: -1}
	r := &rc.r
	var id sf.SalesforceID
	switch o {
	case sf.Contacts:
		rc.sobject = "Lead"
		id = salesforceID(sf.PrefixLead, i)
		if r.chance(0.7) {
			rc.sobject = "Contact"
			id = salesforceID(sf.PrefixContact, i)
		}
	case sf.Companies:
		rc.sobject, rc.c = "Account", i
		id = accountID(i)
	case sf.Deals:
		rc.sobject = "Opportunity"
		id = salesforceID(sf.PrefixOpportunity, i)
	}
	if o != sf.Companies && g.o.Companies > 0 {
		rc.c = r.intn(g.o.Companies)
	}
	if rc.c >= 0 {
		rc.company = companyName(g.o.Seed, rc.c)
	} else {
		rc.company = r.pick(companyWords) + " " + r.pick(companyKinds)
	}
	rc.domain = domainOf(rc.company)
	rc.first, rc.last = r.pick(firstNames), r.pick(lastNames)
	rc.loc = r.intn(len(locations))

	hs, sfs := g.hs[:0], g.sf[:0]
	for _, s := range g.specs[o] {
		g.put(rc, &hs, &sfs, s, g.mapped[o][s.prop])
	}
	owner := g.putOwner(rc, &hs, &sfs)
	if o == sf.Contacts {
		g.putCompanyLink(rc, &hs, &sfs)
	}
	sortFields(hs)
	sortFields(sfs)
	g.hs, g.sf = hs, sfs // reused: the encoded strings below are all that is kept

	row.id = hubspotBase(o) + int64(i)
	row.sobject, row.sfID, row.owner = rc.sobject, string(id), owner
	g.buf = encodeSide(g.buf[:0], hs)
	row.hubspot = string(g.buf)
	g.buf = encodeSide(g.buf[:0], sfs)
	row.salesforce = string(g.buf)
}

func sortFields(f fields) { slices.SortFunc(f, compareFields) }

func compareFields(a, b fieldEntry) int { return strings.Compare(a.name, b.name) }

// put gives one spec's values to the two sides, in the mix of a mapped or
// an unmapped field: equal (often with the same time, as a sync leaves
// them), different, on one side only, or cleared on one side.
func (g *seeder) put(rc *rec, hs, sfs *fields, s valueSpec, mapped bool) {
	r := &rc.r
	field := s.field
	if s.only != "" && s.only != rc.sobject {
		field = "" // a HubSpot value with no field on this Salesforce object
	}
	if field != "" {
		field = sf.FieldOn(rc.sobject, field)
	}
	if field == "" && s.prop == "" {
		return
	}
	if !r.chance(s.fill) {
		return
	}
	v := s.gen(rc)
	if v == "" {
		return
	}
	tH, tS := r.time(), r.time()
	switch {
	case s.prop == "":
		*sfs = append(*sfs, fieldEntry{field, sf.FieldValue{V: v, At: tS}})
		return
	case field == "":
		*hs = append(*hs, fieldEntry{s.prop, sf.FieldValue{V: v, At: tH}})
		return
	}
	mix := unmappedMix
	if mapped {
		mix = mappedMix
	}
	hv, sv := sf.FieldValue{V: v, At: tH}, sf.FieldValue{V: v, At: tS}
	u := r.float()
	switch {
	case u < mix.blank:
		if r.chance(0.5) {
			hv = sf.FieldValue{}
		} else {
			sv = sf.FieldValue{}
		}
	case u < mix.blank+mix.differ:
		hv.V = g.other(rc, s, v)
	case u < mix.blank+mix.differ+mix.cleared:
		if r.chance(0.5) {
			hv.V = ""
		} else {
			sv.V = ""
		}
	default:
		if r.chance(0.6) {
			hv.At = tS
		}
	}
	if hv != (sf.FieldValue{}) {
		*hs = append(*hs, fieldEntry{s.prop, hv})
	}
	if sv != (sf.FieldValue{}) {
		*sfs = append(*sfs, fieldEntry{field, sv})
	}
}

// other is a HubSpot value different from v.
func (g *seeder) other(rc *rec, s valueSpec, v string) string {
	switch v {
	case "true":
		return "false"
	case "false":
		return "true"
	}
	gen := s.alt
	if gen == nil {
		gen = s.gen
	}
	for range 8 {
		if w := gen(rc); w != v && w != "" {
			return w
		}
	}
	return v + " (old)"
}

// putOwner gives the record its owner: a HubSpot owner, and in Salesforce the
// active user of the same name and email when there is one; otherwise
// another user (or, for a lead, a queue), which is where the connector last
// put it. It returns the HubSpot owner.
func (g *seeder) putOwner(rc *rec, hs, sfs *fields) string {
	r := &rc.r
	var o sf.Owner
	switch u := r.float(); {
	case u < 0.72:
		o = g.owners[r.intn(4)] // the four reps who match their Salesforce users
	default:
		o = g.owners[4+r.intn(len(g.owners)-4)] // inactive, name-only, no user
	}
	tH, tS := r.time(), r.time()
	var sfOwner sf.SalesforceID
	if u, ok := sf.MatchOwner(o, g.users); ok {
		sfOwner = u.ID
		switch {
		case r.chance(mappedMix.differ):
			// Reassigned in one system since the last sync.
			for sfOwner == u.ID {
				sfOwner = g.reps[r.intn(len(g.reps))].ID
			}
		case r.chance(0.6):
			tH = tS
		}
	} else {
		sfOwner = g.reps[r.intn(len(g.reps))].ID
		if rc.sobject == "Lead" && r.chance(0.25) {
			sfOwner = g.queues[r.intn(len(g.queues))].ID
		}
	}
	*hs = append(*hs, fieldEntry{sf.OwnerProperty, sf.FieldValue{V: o.ID, At: tH}})
	*sfs = append(*sfs, fieldEntry{sf.OwnerField, sf.FieldValue{V: string(sfOwner), At: tS}})
	return o.ID
}

// putCompanyLink gives a contact its company: HubSpot's associatedcompanyid
// (the company's record ID) and, for a Contact, AccountId (the Account's ID),
// mostly the same company on both sides, as a mapped field.
func (g *seeder) putCompanyLink(rc *rec, hs, sfs *fields) {
	r := &rc.r
	if rc.c < 0 || !r.chance(0.85) {
		return
	}
	tH, tS := r.time(), r.time()
	hv := sf.FieldValue{V: strconv.FormatInt(companiesBase+int64(rc.c), 10), At: tH}
	sv := sf.FieldValue{V: string(accountID(rc.c)), At: tS}
	if rc.sobject != "Contact" {
		*hs = append(*hs, fieldEntry{"associatedcompanyid", hv})
		return
	}
	switch u := r.float(); {
	case u < mappedMix.blank:
		hv = sf.FieldValue{}
	case u < mappedMix.blank+mappedMix.differ && g.o.Companies > 1:
		other := (rc.c + 1 + r.intn(g.o.Companies-1)) % g.o.Companies
		hv.V = strconv.FormatInt(companiesBase+int64(other), 10)
	default:
		if r.chance(0.6) {
			hv.At = tS
		}
	}
	if hv != (sf.FieldValue{}) {
		*hs = append(*hs, fieldEntry{"associatedcompanyid", hv})
	}
	*sfs = append(*sfs, fieldEntry{"AccountId", sv})
}

// segments are the seeded segments: every record of each object, and a
// static handful of key accounts.
func (g *seeder) segments() []SegmentDef {
	segs := []SegmentDef{
		{Name: "All contacts", Object: sf.Contacts},
		{Name: "All companies", Object: sf.Companies},
		{Name: "All deals", Object: sf.Deals},
	}
	r := stream(g.o.Seed, "key accounts", 0)
	var picked []int
	for len(picked) < min(8, g.o.Companies) {
		if c := r.intn(g.o.Companies); !slices.Contains(picked, c) {
			picked = append(picked, c)
		}
	}
	slices.Sort(picked)
	members := make([]int64, len(picked))
	for i, c := range picked {
		members[i] = companiesBase + int64(c)
	}
	return append(segs, SegmentDef{Name: "Key accounts", Object: sf.Companies, Static: true, Members: members})
}

// ---------------------------------------------------------------------------
// Value generators

func oneOf(vs ...string) func(*rec) string { return func(rc *rec) string { return rc.r.pick(vs) } }

func number(lo, hi int) func(*rec) string {
	return func(rc *rec) string { return strconv.Itoa(lo + rc.r.intn(hi-lo+1)) }
}

// magnitude spreads numbers over orders of magnitude, as revenues and
// head counts are, rounded to step.
func magnitude(lo, hi float64, step int) func(*rec) string {
	return func(rc *rec) string {
		v := math.Pow(10, math.Log10(lo)+rc.r.float()*(math.Log10(hi)-math.Log10(lo)))
		return strconv.Itoa(max(step, int(v)/step*step))
	}
}

func decimal(lo, hi float64) func(*rec) string {
	return func(rc *rec) string { return strconv.FormatFloat(lo+rc.r.float()*(hi-lo), 'f', 1, 64) }
}

func date(fromYear, toYear int) func(*rec) string {
	return func(rc *rec) string {
		y := fromYear + rc.r.intn(toYear-fromYear+1)
		m, d := 1+rc.r.intn(12), 1+rc.r.intn(28)
		b := strconv.AppendInt(nil, int64(y), 10)
		b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
		return string(b)
	}
}

func boolean(pTrue float64) func(*rec) string {
	return func(rc *rec) string { return strconv.FormatBool(rc.r.chance(pTrue)) }
}

func phone(rc *rec) string {
	b := []byte("+1 ")
	b = strconv.AppendInt(b, int64(200+rc.r.intn(700)), 10)
	b = append(b, " 555 "...)
	n := rc.r.intn(10000)
	return string(append(b, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10)))
}

func sentence(parts ...[]string) func(*rec) string {
	return func(rc *rec) string {
		w := make([]string, len(parts))
		for i, p := range parts {
			w[i] = rc.r.pick(p)
		}
		return strings.Join(w, " ")
	}
}

var notes = sentence(
	[]string{"Renewal", "Expansion", "Onboarding", "Pilot", "Security review", "Procurement", "Champion"},
	[]string{"discussed on", "planned for", "blocked until", "confirmed for", "moved to"},
	[]string{"Q1.", "Q2.", "Q3.", "Q4.", "next quarter.", "the new fiscal year."})

func multi(vs ...string) func(*rec) string {
	return func(rc *rec) string {
		var out []string
		for _, v := range vs {
			if rc.r.chance(0.45) {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			out = append(out, rc.r.pick(vs))
		}
		return strings.Join(out, ";")
	}
}

var (
	utmSources   = oneOf("google", "linkedin", "newsletter", "partner", "bing", "facebook", "webinar")
	utmMediums   = oneOf("cpc", "email", "social", "organic", "referral", "display")
	utmCampaigns = oneOf("spring-launch", "q3-webinar-series", "brand-2024", "retargeting", "partner-summit", "free-trial")
	industryList = []string{"Agriculture", "Banking", "Biotechnology", "Construction", "Consulting", "Education", "Energy",
		"Finance", "Healthcare", "Manufacturing", "Media", "Retail", "Technology", "Telecommunications", "Other"}
	leadSourceList = []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Other"}
)

func (g *seeder) contactSpecs() []valueSpec {
	email := func(rc *rec) string {
		return strings.ToLower(asciiName(rc.first)+"."+asciiName(rc.last)) + strconv.Itoa(rc.i) + "@" + rc.domain
	}
	return []valueSpec{
		{prop: "email", field: "Email", fill: 0.97, gen: email,
			alt: func(rc *rec) string {
				return strings.ToLower(asciiName(rc.first)) + strconv.Itoa(rc.r.intn(1000)) + "@mailbox.example"
			}},
		{prop: "firstname", field: "FirstName", fill: 1, gen: func(rc *rec) string { return rc.first },
			alt: func(rc *rec) string { return rc.r.pick(firstNames) }},
		{prop: "lastname", field: "LastName", fill: 1, gen: func(rc *rec) string { return rc.last },
			alt: func(rc *rec) string { return rc.r.pick(lastNames) }},
		{prop: "company", field: "Company", only: "Lead", fill: 0.95, gen: func(rc *rec) string { return rc.company },
			alt: func(rc *rec) string { return strings.Fields(rc.company)[0] }},
		{prop: "phone", field: "Phone", fill: 0.8, gen: phone},
		{prop: "fax", field: "Fax", fill: 0.1, gen: phone},
		{prop: "jobtitle", field: "Title", fill: 0.8, gen: oneOf("CEO", "CFO", "VP Sales", "Head of Marketing",
			"Operations Manager", "Software Engineer", "Procurement Lead", "Account Executive", "IT Director")},
		{prop: "salutation", field: "Salutation", fill: 0.5, gen: oneOf("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")},
		{prop: "address", field: "Street", fill: 0.7, gen: func(rc *rec) string {
			return strconv.Itoa(1+rc.r.intn(400)) + " " + rc.r.pick(streets)
		}},
		{prop: "city", field: "City", fill: 0.8, gen: func(rc *rec) string { return locations[rc.loc].city },
			alt: func(rc *rec) string { return locations[rc.r.intn(len(locations))].city }},
		{prop: "state", field: "State", fill: 0.7, gen: func(rc *rec) string { return locations[rc.loc].state },
			alt: func(rc *rec) string { return locations[rc.r.intn(len(locations))].state }},
		{prop: "zip", field: "PostalCode", fill: 0.7, gen: func(rc *rec) string { return locations[rc.loc].zip },
			alt: func(rc *rec) string { return locations[rc.r.intn(len(locations))].zip }},
		{prop: "country", field: "Country", fill: 0.85, gen: func(rc *rec) string { return locations[rc.loc].country },
			alt: func(rc *rec) string { return locations[rc.r.intn(len(locations))].country }},
		{prop: "website", field: "Website", only: "Lead", fill: 0.6, gen: func(rc *rec) string { return "https://www." + rc.domain },
			alt: func(rc *rec) string { return rc.r.pick([]string{"http://", "https://", "www."}) + rc.domain }},
		// HubSpot's contact industry is free text; Salesforce's a picklist.
		{prop: "industry", field: "Industry", only: "Lead", fill: 0.6, gen: oneOf(industryList...),
			alt: oneOf("Software", "SaaS", "Healthcare & Pharma", "Financial Services", "Retail / eCommerce")},
		{prop: "annualrevenue", field: "AnnualRevenue", only: "Lead", fill: 0.4, gen: magnitude(1e5, 5e9, 1000)},
		{prop: "numemployees", field: "NumberOfEmployees", only: "Lead", fill: 0.5, gen: magnitude(1, 50000, 1)},
		{prop: "hs_lead_source", field: "LeadSource", fill: 0.8, gen: oneOf(leadSourceList...)},
		{prop: "hs_lead_rating", field: "Rating", only: "Lead", fill: 0.5, gen: oneOf("Hot", "Warm", "Cold")},
		// The standard lead status mapping joins two different vocabularies;
		// a value that differs is in HubSpot's.
		{prop: "hs_lead_status", field: "Status", only: "Lead", fill: 0.9,
			gen: oneOf("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"),
			alt: oneOf("NEW", "OPEN", "IN_PROGRESS", "ATTEMPTED_TO_CONTACT", "CONNECTED", "UNQUALIFIED")},
		{prop: "message", field: "Description", fill: 0.2, gen: notes},
		{prop: sf.OptOutProperty, field: sf.OptOutField, fill: 1, gen: boolean(0.08)},
		{prop: "utm_source", field: "utm_source__c", fill: 0.6, gen: utmSources},
		{prop: "utm_medium", field: "utm_medium__c", fill: 0.6, gen: utmMediums},
		{prop: "utm_campaign", field: "utm_campaign__c", fill: 0.5, gen: utmCampaigns},
		{prop: "lead_score", field: "Lead_Score__c", only: "Lead", fill: 0.7, gen: number(0, 100)},
		{prop: "preferred_language", field: "Preferred_Language__c", only: "Contact", fill: 0.5,
			gen: oneOf("English", "German", "French", "Spanish", "Japanese")},
		{prop: "lifecyclestage", fill: 1, gen: oneOf("subscriber", "lead", "marketingqualifiedlead",
			"salesqualifiedlead", "opportunity", "customer", "evangelist")},
	}
}

func (g *seeder) companySpecs() []valueSpec {
	return []valueSpec{
		{prop: "name", field: "Name", fill: 1, gen: func(rc *rec) string { return rc.company },
			alt: func(rc *rec) string { return strings.Fields(rc.company)[0] + " " + rc.r.pick(companyKinds) }},
		{prop: "domain", fill: 0.9, gen: func(rc *rec) string { return rc.domain }},
		// HubSpot's company industry is its own dropdown: a value that
		// differs is one of its options.
		{prop: "industry", field: "Industry", fill: 0.8, gen: oneOf(industryList...),
			alt: oneOf("ACCOUNTING", "BANKING", "BIOTECHNOLOGY", "COMPUTER_SOFTWARE", "CONSTRUCTION", "HOSPITAL_HEALTH_CARE", "RETAIL")},
		{prop: "description", field: "Description", fill: 0.4, gen: notes},
		{prop: "phone", field: "Phone", fill: 0.8, gen: phone},
		{prop: "annualrevenue", field: "AnnualRevenue", fill: 0.6, gen: magnitude(1e5, 5e9, 1000)},
		{prop: "numberofemployees", field: "NumberOfEmployees", fill: 0.7, gen: magnitude(1, 100000, 1)},
		{prop: "utm_source", field: "utm_source__c", fill: 0.4, gen: utmSources},
		{prop: "utm_medium", field: "utm_medium__c", fill: 0.4, gen: utmMediums},
		{prop: "utm_campaign", field: "utm_campaign__c", fill: 0.4, gen: utmCampaigns},
		// Platinum is an inactive picklist value a few old accounts still hold.
		{prop: "tier", field: "Tier__c", fill: 0.7, gen: func(rc *rec) string {
			if rc.r.chance(0.03) {
				return "Platinum"
			}
			return rc.r.pick([]string{"Gold", "Silver", "Bronze"})
		}},
		{prop: "products", field: "Products__c", fill: 0.6, gen: multi("Platform", "Analytics", "Integrations", "Support Plus")},
		{prop: "is_partner", field: "Is_Partner__c", fill: 0.9, gen: boolean(0.1)},
		{prop: "health_score", field: "Health_Score__c", fill: 0.6, gen: decimal(0, 100)},
		{prop: "seats", field: "Seats__c", fill: 0.6, gen: magnitude(5, 5000, 5)},
		{prop: "notes", field: "Notes__c", fill: 0.3, gen: notes},
		{prop: "customer_since", field: "Customer_Since__c", fill: 0.5, gen: date(2012, 2024)},
		{prop: "legacy_segment", field: "Legacy_Segment__c", fill: 0.5, gen: oneOf("SMB", "Mid-Market", "Enterprise", "Strategic")},
		{prop: "billing_email", field: "Billing_Email__c", fill: 0.5, gen: func(rc *rec) string {
			return rc.r.pick([]string{"billing@", "ap@", "invoices@", "finance@"}) + rc.domain
		}},
		// Region__c refers to Sales_Region__c records; HubSpot has no region
		// property until a configuration creates one.
		{field: "Region__c", fill: 0.8, gen: func(rc *rec) string { return string(g.regions[rc.r.intn(len(g.regions))]) }},
	}
}

func (g *seeder) dealSpecs() []valueSpec {
	stages := []string{"Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
		"Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"}
	specs := []valueSpec{
		{prop: "dealname", field: "Name", fill: 1, gen: func(rc *rec) string {
			return strings.Fields(rc.company)[0] + " – " + rc.r.pick([]string{"Platform", "Analytics", "Integrations", "Support Plus"}) +
				" " + rc.r.pick([]string{"renewal", "expansion", "new business", "pilot"})
		}},
		{prop: "amount", field: "Amount", fill: 0.95, gen: func(rc *rec) string { return strconv.Itoa((10 + rc.r.intn(4990)) * 100) }},
		{prop: "closedate", field: "CloseDate", fill: 0.95, gen: date(2023, 2026)},
		// Stages sync through the pipeline mapping, not a field mapping: the
		// two vocabularies differ.
		{prop: "dealstage", field: "StageName", fill: 0.95, gen: oneOf(stages...),
			alt: oneOf("appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
				"contractsent", "closedwon", "closedlost")},
		{prop: "dealtype", field: "Type", fill: 0.6, gen: oneOf("New Customer", "Existing Customer - Upgrade",
			"Existing Customer - Replacement", "Existing Customer - Downgrade"), alt: oneOf("newbusiness", "existingbusiness")},
		{prop: "forecast_notes", field: "Forecast_Notes__c", fill: 0.3, gen: notes},
		{prop: "discount", field: "Discount__c", fill: 0.4, gen: number(0, 30)},
		{prop: "competitor", field: "Competitor__c", fill: 0.5, gen: oneOf("Acme CRM", "Globex", "Initech", "None")},
		{field: "Probability", fill: 0.9, gen: oneOf("10", "20", "30", "40", "50", "60", "70", "80", "90")},
	}
	if g.o.Companies > 0 {
		specs = append(specs, valueSpec{field: "AccountId", fill: 0.95, gen: func(rc *rec) string { return string(accountID(rc.c)) }})
	}
	return specs
}

// asciiName folds the names' few accents and apostrophes for email
// addresses.
func asciiName(s string) string { return asciiFold.Replace(s) }

var asciiFold = strings.NewReplacer("ü", "ue", "ö", "oe", "é", "e", "ã", "a", "'", "")
