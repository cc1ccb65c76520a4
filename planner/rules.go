package planner

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform/config"
)

// Severity of a rule's findings.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
	SeverityOff     Severity = "off"
)

// Rule is one documented constraint of the connector.
type Rule struct {
	Slug     string   `json:"slug"`
	Severity Severity `json:"severity"`
	// Summary is the one-line title of a finding.
	Summary string `json:"summary"`
	// Explain says why the constraint exists and ends with the fix.
	Explain string `json:"explain"`
	// Warns marks an error rule that also warns before the error (a limit
	// being approached): a rules block can tune its warnings.
	Warns bool `json:"warns,omitempty"`
}

// Tunable reports whether a rules block may change the rule's findings.
func (r Rule) Tunable() bool { return r.Severity != SeverityError || r.Warns }

// Catalog is every rule the planner checks, by slug.
var catalog = []Rule{
	{Slug: "type-mismatch", Severity: SeverityError, Summary: "HubSpot and Salesforce field types are not compatible",
		Explain: "The connector maps only compatible field types (a dropdown to a picklist or reference, a number to a double or int, …); any other pair fails to sync. Map the field to a property of a compatible type, or change the property's type."},
	{Slug: "property-mapped-twice", Severity: SeverityError, Summary: "HubSpot property mapped twice",
		Explain: "Within an object a HubSpot property may appear in one mapping only. Remove one of the mappings."},
	{Slug: "field-mapped-twice", Severity: SeverityError, Summary: "Salesforce field mapped twice",
		Explain: "Within an object a Salesforce field may appear in one mapping only. Remove one of the mappings, or delete the other live mapping (prune = true deletes undeclared custom mappings)."},
	{Slug: "user-property", Severity: SeverityError, Summary: "HubSpot-user property cannot be mapped",
		Explain: "The connector cannot map a custom property of the HubSpot user type. Map the standard owner property (hubspot_owner_id), or a property of another type."},
	{Slug: "unknown-property", Severity: SeverityError, Summary: "Unknown HubSpot property",
		Explain: "The mapping names a HubSpot property that does not exist. Fix the name, or declare it in a property block so syncform creates it."},
	{Slug: "unknown-field", Severity: SeverityError, Summary: "Unknown Salesforce field",
		Explain: "The mapping names a field the Salesforce object does not have. Fix the API name (custom fields end in __c); syncform does not create Salesforce fields."},
	{Slug: "object-sync-off", Severity: SeverityError, Summary: "Mapping on an object whose sync is off",
		Explain: "Company and deal mappings need the object's sync turned on. Set sync = true in the object block (companies before deals)."},
	{Slug: "contacts-sync-required", Severity: SeverityError, Summary: "Contact sync cannot be turned off",
		Explain: "Contacts always sync once the connector is installed. Remove sync = false; to stop a single mapping, set its rule to dont_sync."},
	{Slug: "owner-two-way", Severity: SeverityError, Summary: "The owner mapping is two-way only",
		Explain: "The owner mapping syncs two-way whatever rule the portal displays. Set rule = \"two_way\"."},
	{Slug: "standard-undeletable", Severity: SeverityError, Summary: "Standard mapping cannot be deleted or re-pointed",
		Explain: "Standard (default) mappings cannot be deleted or mapped to another field. To stop one syncing, declare it with rule = \"dont_sync\"."},
	{Slug: "optout-fixed", Severity: SeverityError, Summary: "The email opt-out mapping is fixed",
		Explain: "\"Unsubscribed from all email\" (hs_email_optout ↔ HasOptedOutOfEmail) cannot be changed or stopped. Remove the mapping block, or declare it with rule = \"two_way\"."},
	{Slug: "email-rule", Severity: SeverityError, Summary: "Email mapping rule not allowed",
		Explain: "The standard Email mapping accepts only two_way or prefer_salesforce_unless_blank. Use one of those."},
	{Slug: "mapping-limit", Severity: SeverityError, Summary: "Too many mappings on one object",
		Explain: "An object holds at most 500 field mappings; from 450 this is a warning. Remove mappings you do not need (prune = true deletes undeclared custom ones).", Warns: true},
	{Slug: "owner-unmatched", Severity: SeverityWarning, Summary: "HubSpot owner with no matching Salesforce user",
		Explain: "An owner set in HubSpot syncs to Salesforce only when an active Salesforce user has exactly the same name and email; otherwise the owner field resets to the last Salesforce value, and the change \"keeps changing back\". Queues and inactive users do not count. Create or activate the Salesforce user, or make the names and emails match."},
	{Slug: "reference-needs-dropdown", Severity: SeverityError, Summary: "Reference field mapped to a property that is not a dropdown",
		Explain: "A Salesforce reference field syncs as 18-character record IDs; only a dropdown or radio property can give each ID a label. Declare the property with type = \"dropdown\"."},
	{Slug: "invalid-salesforce-id", Severity: SeverityError, Summary: "Invalid Salesforce ID",
		Explain: "A label key must be a 15- or 18-character Salesforce record ID whose case-safe suffix matches. Copy the ID from the record's URL in Salesforce."},
	{Slug: "reference-target", Severity: SeverityError, Summary: "ID of a record the field cannot reference",
		Explain: "The first three characters of an ID name its object; the reference field can only hold records of the objects it references. Use an ID of one of those objects."},
	{Slug: "label-unknown-record", Severity: SeverityWarning, Summary: "Label for a record that does not exist",
		Explain: "No Salesforce record has this ID, so no value will ever carry the label. Check the ID, or remove the label."},
	{Slug: "no-backfill", Severity: SeverityWarning, Summary: "Existing values will not be back-filled",
		Explain: "A new mapping, or a rule that lets values flow in a new direction, only affects future syncs: values records already hold stay where they are. Let the object's resync block back-fill that direction (to_hubspot = \"import\", to_salesforce = \"segment\" or \"records\")."},
	{Slug: "resync-batch", Severity: SeverityError, Summary: "Company resync batch too large",
		Explain: "The connector resyncs at most 200,000 companies at a time; past that it fails with \"We couldn't sync all your updates for this mapping\". Set batch_size to 200000 or less."},
	{Slug: "picklist-missing", Severity: SeverityWarning, Summary: "HubSpot options missing from a restricted picklist",
		Explain: "Salesforce rejects a value outside a restricted picklist, so records holding these options fail to sync to Salesforce. Add the values to the picklist in Salesforce, remove the options, or set options = \"salesforce\" to keep the dropdown equal to the picklist."},
	{Slug: "lead-contact-field", Severity: SeverityWarning, Summary: "Field exists on only one of Lead and Contact",
		Explain: "A contacts mapping writes to the field of the same API name on both Lead and Contact; where it is missing, that side never syncs. Create the field on the other object too."},
	{Slug: "formula-source", Severity: SeverityWarning, Summary: "Formula field never triggers a sync",
		Explain: "A change to a formula (calculated) field does not trigger a sync: HubSpot sees its value only when something else on the record changes. Map a stored field, or accept stale values."},
	{Slug: "manual-step", Severity: SeverityInfo, Summary: "Change must be made by hand",
		Explain: "The provider has no API for this change: apply lists it as a numbered runbook step and the next plan verifies it."},
}

// Rules returns the catalog in a stable order.
func Rules() []Rule { return append([]Rule(nil), catalog...) }

// Slugs lists the catalog's slugs.
func Slugs() []string {
	out := make([]string, len(catalog))
	for i, r := range catalog {
		out[i] = r.Slug
	}
	return out
}

// LookupRule returns the rule of a slug.
func LookupRule(slug string) (Rule, bool) {
	for _, r := range catalog {
		if r.Slug == slug {
			return r, true
		}
	}
	return Rule{}, false
}

// Finding is the Extra of every diagnostic a rule produces: it carries the
// rule's slug into every rendering.
type Finding struct {
	Rule string
}

// RuleOf returns the slug of the rule that produced d, or "".
func RuleOf(d *hcl.Diagnostic) string {
	if f, ok := hcl.DiagnosticExtra[Finding](d); ok {
		return f.Rule
	}
	return ""
}

// finding builds the diagnostic of a rule at subject; detail says what is
// wrong in this instance and the rule's explanation follows with the fix.
func finding(slug string, subject hcl.Range, detail string, args ...any) *hcl.Diagnostic {
	r, ok := LookupRule(slug)
	if !ok {
		panic("planner: finding for unknown rule " + slug) // a programming error
	}
	sev := hcl.DiagError
	if r.Severity != SeverityError {
		sev = hcl.DiagWarning // info findings are not diagnostics; see note
	}
	return &hcl.Diagnostic{
		Severity: sev,
		Summary:  r.Summary,
		Detail:   fmt.Sprintf(detail, args...) + " " + r.Explain + " [" + slug + "]",
		Subject:  subject.Ptr(),
		Extra:    Finding{Rule: slug},
	}
}

// applySettings applies a rules block: a warning can be turned off or raised
// to an error; an error finding never changes. Unknown slugs, and settings
// on rules that only ever produce errors, are reported.
func applySettings(diags hcl.Diagnostics, settings []config.RuleSetting) hcl.Diagnostics {
	var out hcl.Diagnostics
	sev := map[string]string{}
	for _, s := range settings {
		r, ok := LookupRule(s.Slug)
		switch {
		case !ok:
			out = append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown rule",
				Detail: fmt.Sprintf("There is no rule %q.%s Run \"syncform rules\" for the list.", s.Slug, config.DidYouMean(s.Slug, Slugs())), Subject: s.Range.Ptr()})
		case !r.Tunable() && s.Severity != string(SeverityError):
			out = append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Rule cannot be relaxed",
				Detail: fmt.Sprintf("%q is an error: breaking it breaks the connector, so it cannot be set to %q.", s.Slug, s.Severity), Subject: s.Range.Ptr()})
		case r.Severity == SeverityInfo && s.Severity != string(SeverityOff):
			out = append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Informational rule",
				Detail: fmt.Sprintf("%q tells of steps a person must take; it can only be turned \"off\", not set to %q.", s.Slug, s.Severity), Subject: s.Range.Ptr()})
		default:
			sev[s.Slug] = s.Severity
		}
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d)
			continue
		}
		switch sev[RuleOf(d)] {
		case string(SeverityOff):
			continue
		case string(SeverityError):
			c := *d
			c.Severity = hcl.DiagError
			d = &c
		}
		out = append(out, d)
	}
	return out
}

const warningSeverity = hcl.DiagWarning

// Note is an informational finding: not a problem, but something a person
// should know before applying (manual-step). hcl diagnostics have no info
// severity, so notes travel beside them.
type Note struct {
	Rule    string    `json:"rule"`
	Summary string    `json:"summary"`
	Detail  string    `json:"detail"`
	Range   hcl.Range `json:"range"`
}

// note builds the Note of an info rule.
func note(slug string, subject hcl.Range, detail string, args ...any) Note {
	r, _ := LookupRule(slug)
	return Note{Rule: slug, Summary: r.Summary, Detail: fmt.Sprintf(detail, args...) + " " + r.Explain, Range: subject}
}

// silenced reports whether a rules block turned slug off.
func silenced(settings []config.RuleSetting, slug string) bool {
	for _, s := range settings {
		if s.Slug == slug && s.Severity == string(SeverityOff) {
			return true
		}
	}
	return false
}
