package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
)

// checkMapping runs the rules that judge one declared mapping on its own and
// reports whether it can be planned.
func (p *planning) checkMapping(ob *config.Object, m *config.Mapping, syncOn bool) bool {
	o := m.Object
	if m.SalesforceField == "" || m.Rule == "" {
		return false // the loader reported it
	}
	ok := true
	if !syncOn && !o.AlwaysSynced() {
		p.report(finding("object-sync-off", m.DeclRange, "%s sync is off, so mapping %q cannot sync.", o, m.Property))
		ok = false
	}
	if std, isStd := syncform.LookupStandard(o, m.Property); isStd {
		return p.checkStandard(std, m) && ok
	}

	fields := p.live.Fields(o, m.SalesforceField)
	if len(fields) == 0 {
		p.report(finding("unknown-field", m.FieldRange, "%s has no field %q.%s", strings.Join(o.SalesforceObjects(), " or "), m.SalesforceField,
			config.DidYouMean(m.SalesforceField, p.fieldNames(o))))
		ok = false
	}
	propType, known := p.propertyType(ob, m.Property)
	if !known {
		p.report(finding("unknown-property", m.DeclRange, "HubSpot %s have no property %q.%s", o, m.Property, config.DidYouMean(m.Property, p.propertyNames(ob))))
		return false
	}
	if live, exists := p.live.Property(o, m.Property); exists && live.OwnerReference && !live.HubSpotDefined {
		p.report(finding("user-property", m.DeclRange, "%q is a HubSpot-user property.", m.Property))
		return false
	}
	if ref, isRef := reference(fields); isRef {
		if propType != syncform.Dropdown && propType != syncform.Radio {
			p.report(finding("reference-needs-dropdown", m.DeclRange, "%s.%s is a reference field but %q is a %s property.", ref.SObject, ref.Field.Name, m.Property, propType))
			return false
		}
		p.checkLabels(m, ref)
	} else if len(m.Labels) > 0 && len(fields) > 0 {
		p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Labels on a field that is not a reference",
			Detail:  fmt.Sprintf("labels name the records a reference field points at, but %s is a %s field. Remove labels.", m.SalesforceField, fields[0].Field.Type),
			Subject: m.LabelsRange.Ptr()})
		ok = false
	}
	for _, f := range fields {
		if !syncform.Compatible(propType, f.Field.Type) {
			p.report(finding("type-mismatch", m.DeclRange, "%q is a %s property but %s.%s is a Salesforce %s field (it maps to %s).",
				m.Property, propType, f.SObject, f.Field.Name, f.Field.Type, describeTypes(syncform.CompatibleFieldTypes(f.Field.Type))))
			return false
		}
	}
	p.checkFieldWarnings(ob, m, fields)
	return ok
}

// reference returns the mapping's field when it is a reference field.
func reference(fields []syncform.FieldSide) (syncform.FieldSide, bool) {
	for _, f := range fields {
		if f.Field.Type == syncform.SFReference {
			return f, true
		}
	}
	return syncform.FieldSide{}, false
}

// checkFieldWarnings runs the rules that warn about a valid custom mapping's
// Salesforce field.
func (p *planning) checkFieldWarnings(ob *config.Object, m *config.Mapping, fields []syncform.FieldSide) {
	if m.Object == syncform.Contacts && len(fields) == 1 {
		missing := "Contact"
		if fields[0].SObject == "Contact" {
			missing = "Lead"
		}
		p.report(finding("lead-contact-field", m.FieldRange, "%s exists on %s but not on %s.", m.SalesforceField, fields[0].SObject, missing))
	}
	for _, f := range fields {
		if f.Field.Calculated {
			p.report(finding("formula-source", m.FieldRange, "%s.%s is a formula field.", f.SObject, f.Field.Name))
			break
		}
	}
	if !m.Rule.ToSalesforce() || m.Options == config.OptionsFromSalesforce {
		return
	}
	prop, ok := p.live.Property(m.Object, m.Property)
	if !ok {
		return
	}
	for _, f := range fields {
		if !f.Field.Restricted || (f.Field.Type != syncform.SFPicklist && f.Field.Type != syncform.SFMultiPicklist) {
			continue
		}
		active := map[string]bool{}
		for _, v := range f.Field.Picklist {
			active[v.Value] = v.Active
		}
		var missing []string
		for _, opt := range prop.Options {
			if !opt.Hidden && !active[opt.Value] {
				missing = append(missing, fmt.Sprintf("%q", opt.Value))
			}
		}
		if len(missing) > 0 {
			p.report(finding("picklist-missing", m.DeclRange, "%q has options that %s.%s does not accept: %s.", m.Property, f.SObject, f.Field.Name, strings.Join(missing, ", ")))
		}
	}
}

// checkLabels checks every label key of a reference mapping: a valid ID, of
// an object the field references, of a record that exists.
func (p *planning) checkLabels(m *config.Mapping, ref syncform.FieldSide) {
	seen := map[syncform.SalesforceID]config.Label{}
	for _, l := range m.Labels {
		id, err := syncform.ParseSalesforceID(l.ID)
		if err != nil {
			p.report(finding("invalid-salesforce-id", l.Range, "%s.", strings.TrimPrefix(err.Error(), syncform.ErrInvalidID.Error()+" ")))
			continue
		}
		if first, dup := seen[id]; dup {
			p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Record labelled twice",
				Detail:  fmt.Sprintf("%s and %s are the same record (%s). Keep one label.", first.ID, l.ID, id),
				Subject: l.Range.Ptr()})
			continue
		}
		seen[id] = l
		so, known := p.live.SObjectByPrefix(id.KeyPrefix())
		if !known || !slices.Contains(ref.Field.ReferenceTo, so.Name) {
			target := "an unknown object"
			if known {
				target = so.Name
			}
			p.report(finding("reference-target", l.Range, "%s is the ID of a record of %s (prefix %s); %s.%s references %s.",
				l.ID, target, id.KeyPrefix(), ref.SObject, ref.Field.Name, strings.Join(ref.Field.ReferenceTo, " or ")))
			continue
		}
		if _, looked := p.live.Records[so.Name]; looked {
			if _, exists := p.live.Record(so.Name, id); !exists {
				p.report(finding("label-unknown-record", l.Range, "No %s record has the ID %s.", so.Name, id))
			}
		}
	}
}

// checkBackfill warns for each direction a mapping newly opens that the
// object's resync block does not back-fill.
func (p *planning) checkBackfill(ob *config.Object, m *config.Mapping, opened []syncform.Direction) {
	for _, d := range opened {
		if BackfillMethod(ob, d) != "" {
			continue
		}
		subject := m.RuleRange
		if ob.Resync != nil {
			subject = ob.Resync.DeclRange
		}
		p.report(finding("no-backfill", subject, "Mapping %q newly lets values flow %s, and the resync block turns that direction off.", m.Property, directionWords(d)))
	}
}

// BackfillMethod is how an object back-fills a direction: the resync block's
// choice, or by default an import to HubSpot and a resync of the object's
// all-records segment to Salesforce. "" means the configuration turned that
// direction off.
func BackfillMethod(ob *config.Object, d syncform.Direction) syncform.BackfillMethod {
	r := ob.Resync
	switch d {
	case syncform.ToHubSpot:
		if r != nil && r.ToHubSpot == config.ResyncNone {
			return ""
		}
		return syncform.MethodImport
	default:
		if r == nil || r.ToSalesforce == "" || r.ToSalesforce == config.ResyncSegment {
			return syncform.MethodSegment
		}
		if r.ToSalesforce == config.ResyncRecords {
			return syncform.MethodRecords
		}
		return ""
	}
}

func directionWords(d syncform.Direction) string {
	if d == syncform.ToHubSpot {
		return "from Salesforce to HubSpot"
	}
	return "from HubSpot to Salesforce"
}

// ownersUnmatched warns, in one finding, of every HubSpot owner whose
// changes cannot reach Salesforce: no active user of exactly the same name
// and email. It names each, why it does not match, and what it owns.
func (p *planning) ownersUnmatched() {
	subject, ok := p.ownerSubject()
	if !ok {
		return
	}
	var lines []string
	for _, o := range p.live.Owners {
		if _, matched := syncform.MatchOwner(o, p.live.Users); matched {
			continue
		}
		owns := ""
		if o.Records != nil { // a provider that cannot count leaves it nil
			owns = " owns " + ownedRecords(o) + ";"
		}
		lines = append(lines, fmt.Sprintf("- %s <%s> (%s)%s %s.", o.Name(), o.Email, o.ID, owns, p.whyUnmatched(o)))
	}
	if len(lines) == 0 {
		return
	}
	head := fmt.Sprintf("%d HubSpot owners have no matching Salesforce user:", len(lines))
	if len(lines) == 1 {
		head = "1 HubSpot owner has no matching Salesforce user:"
	}
	p.report(finding("owner-unmatched", subject, "%s\n%s\n", head, strings.Join(lines, "\n")))
}

// ownerSubject is where owner findings point: the first declared owner
// mapping, else the first object block; nothing when no object is declared.
func (p *planning) ownerSubject() (hcl.Range, bool) {
	for _, ob := range p.desired.Objects {
		if m := ob.Mapping(syncform.OwnerProperty); m != nil {
			return m.DeclRange, true
		}
	}
	if len(p.desired.Objects) > 0 {
		return p.desired.Objects[0].DeclRange, true
	}
	return hcl.Range{}, false
}

func (p *planning) whyUnmatched(o syncform.Owner) string {
	for _, u := range p.live.Users {
		if u.Name() != o.Name() {
			continue
		}
		switch {
		case !u.Active:
			return fmt.Sprintf("the Salesforce user %s is inactive", u.Name())
		case u.Email != o.Email:
			return fmt.Sprintf("the Salesforce user %s has the email %s", u.Name(), u.Email)
		case !syncform.IsOwnerType(u.UserType):
			return fmt.Sprintf("the Salesforce user %s is a %s user, which cannot own records", u.Name(), u.UserType)
		}
	}
	for _, q := range p.live.Queues {
		if q.Name == o.Name() {
			return fmt.Sprintf("%s is a Salesforce queue, not a user", q.Name)
		}
	}
	return "no Salesforce user has that name"
}

func ownedRecords(o syncform.Owner) string {
	var parts []string
	for _, ob := range syncform.Objects() {
		if n := o.Records[ob]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, ob.Noun(n)))
		}
	}
	if len(parts) == 0 {
		return "no records"
	}
	return strings.Join(parts, ", ")
}

// checkStandard judges a declaration of one of the connector's default
// mappings: it keeps its field, and some rules are restricted.
func (p *planning) checkStandard(std syncform.StandardMapping, m *config.Mapping) bool {
	if m.SalesforceField != std.SalesforceField {
		slug := "standard-undeletable"
		if std.Fixed {
			slug = "optout-fixed"
		}
		p.report(finding(slug, m.FieldRange, "%q is a standard mapping to %s; it cannot be mapped to %s.", m.Property, std.SalesforceField, m.SalesforceField))
		return false
	}
	live, ok := p.live.Mapping(std.Object, std.Property)
	current := std.DefaultRule
	if ok {
		current = live.Rule
	}
	switch {
	case std.Fixed && m.Rule != current:
		p.report(finding("optout-fixed", m.RuleRange, "The rule of %q is %s and cannot change.", m.Property, current))
		return false
	case isOwner(m.Property) && m.Rule != syncform.TwoWay:
		p.report(finding("owner-two-way", m.RuleRange, "The owner mapping is declared with %s.", m.Rule))
		return false
	case len(std.AllowedRules) > 0 && !slices.Contains(std.AllowedRules, m.Rule):
		p.report(finding("email-rule", m.RuleRange, "%q is declared with %s.", m.Property, m.Rule))
		return false
	}
	return true
}

// checkLimit reports an object that would hold too many mappings after the
// plan: an error over the limit, a warning near it.
func (p *planning) checkLimit(ob *config.Object, count int) {
	limit := p.live.MaxMappings()
	switch {
	case count > limit:
		p.report(finding("mapping-limit", ob.DeclRange, "%s would hold %d mappings after this plan, over the limit of %d.", ob.Object, count, limit))
	case count >= limit*9/10:
		d := finding("mapping-limit", ob.DeclRange, "%s would hold %d mappings after this plan, close to the limit of %d.", ob.Object, count, limit)
		d.Severity = warningSeverity
		p.report(d)
	}
}

// propertyType is the type a property will have when the plan has run: the
// declared one if the configuration owns the property, else the live one.
func (p *planning) propertyType(ob *config.Object, name string) (syncform.FieldType, bool) {
	if d := ob.Property(name); d != nil {
		return d.Type, d.Type != ""
	}
	if live, ok := p.live.Property(ob.Object, name); ok {
		return live.Type, true
	}
	return "", false
}

func (p *planning) propertyNames(ob *config.Object) []string {
	var names []string
	for _, pr := range p.live.Properties[ob.Object] {
		names = append(names, pr.Name)
	}
	for _, d := range ob.Properties {
		names = append(names, d.Name)
	}
	return names
}

func (p *planning) fieldNames(o syncform.Object) []string {
	var names []string
	for _, so := range o.SalesforceObjects() {
		for _, f := range p.live.SObjects[so].Fields {
			names = append(names, f.Name)
		}
	}
	return names
}

func describeTypes(ts []syncform.FieldType) string {
	if len(ts) == 0 {
		return "no HubSpot field type"
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return "a " + strings.Join(s, " or ") + " property"
}
