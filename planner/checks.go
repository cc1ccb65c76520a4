package planner

import (
	"fmt"
	"strings"

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
			hint(m.SalesforceField, p.fieldNames(o))))
		ok = false
	}
	propType, known := p.propertyType(ob, m.Property)
	if !known {
		p.report(finding("unknown-property", m.DeclRange, "HubSpot %s have no property %q.%s", o, m.Property, hint(m.Property, p.propertyNames(ob))))
		return false
	}
	if live, exists := p.live.Property(o, m.Property); exists && live.OwnerReference && !live.HubSpotDefined {
		p.report(finding("user-property", m.DeclRange, "%q is a HubSpot-user property.", m.Property))
		return false
	}
	for _, f := range fields {
		if !syncform.Compatible(propType, f.Field.Type) {
			p.report(finding("type-mismatch", m.DeclRange, "%q is a %s property but %s.%s is a Salesforce %s field (it maps to %s).",
				m.Property, propType, f.SObject, f.Field.Name, f.Field.Type, describeTypes(syncform.CompatibleFieldTypes(f.Field.Type))))
			return false
		}
	}
	return ok
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
	case len(std.AllowedRules) > 0 && !allowed(m.Rule, std.AllowedRules):
		p.report(finding("email-rule", m.RuleRange, "%q is declared with %s.", m.Property, m.Rule))
		return false
	}
	return true
}

func allowed(r syncform.SyncRule, rules []syncform.SyncRule) bool {
	for _, x := range rules {
		if x == r {
			return true
		}
	}
	return false
}

// checkLimit reports an object that would hold too many mappings after the
// plan: an error over the limit, a warning near it.
func (p *planning) checkLimit(ob *config.Object, count int) {
	const warnAt = syncform.MaxMappingsPerObject * 9 / 10
	switch {
	case count > syncform.MaxMappingsPerObject:
		p.report(finding("mapping-limit", ob.DeclRange, "%s would hold %d mappings after this plan, over the limit of %d.", ob.Object, count, syncform.MaxMappingsPerObject))
	case count >= warnAt:
		d := finding("mapping-limit", ob.DeclRange, "%s would hold %d mappings after this plan, close to the limit of %d.", ob.Object, count, syncform.MaxMappingsPerObject)
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

func hint(given string, candidates []string) string {
	if s := config.Suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
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
