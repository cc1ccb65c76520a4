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
func (r Rule) Tunable() bool { return r.Severity == SeverityWarning || r.Warns }

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
}

// Rules returns the catalog in a stable order.
func Rules() []Rule { return append([]Rule(nil), catalog...) }

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
	if r.Severity == SeverityWarning {
		sev = hcl.DiagWarning
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
			var slugs []string
			for _, r := range catalog {
				slugs = append(slugs, r.Slug)
			}
			hint := ""
			if near := config.Suggest(s.Slug, slugs); near != "" {
				hint = fmt.Sprintf(" Did you mean %q?", near)
			}
			out = append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown rule",
				Detail: fmt.Sprintf("There is no rule %q.%s Run \"syncform rules\" for the list.", s.Slug, hint), Subject: s.Range.Ptr()})
		case !r.Tunable() && s.Severity != string(SeverityError):
			out = append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Rule cannot be relaxed",
				Detail: fmt.Sprintf("%q is an error: breaking it breaks the connector, so it cannot be set to %q.", s.Slug, s.Severity), Subject: s.Range.Ptr()})
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
