package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
)

// CheckActions judges actions, in order, against live as the connector
// would carry them out: each change on the state the ones before it leave,
// and the connector's constraints (the rules of the catalog that concern
// the live settings: types, one mapping per property and per field,
// standard mappings, the owner and email rules, the mapping limit, an
// object's sync) on the state they all leave. It is how apply re-checks a
// saved plan before writing anything, since the file, not the planner,
// made its actions; a plan the planner made passes. Each diagnostic names
// the action's address in its detail and carries the rule's slug when a
// rule of the catalog refuses it.
func CheckActions(live *syncform.Snapshot, actions []Action) hcl.Diagnostics {
	c := checker{s: live.Clone(), touched: map[syncform.Object]bool{}}
	for _, a := range actions {
		c.addr = a.Address
		switch {
		case a.Backfill != nil:
			c.backfill(a.Backfill)
		case a.Change.Resource == syncform.ResourceSync:
			c.sync(a.Change)
		case a.Change.Resource == syncform.ResourceProperty, a.Change.Resource == syncform.ResourceOptions:
			c.property(a.Change)
		case a.Change.Resource == syncform.ResourceMapping:
			c.mapping(a.Change)
		default:
			c.refuse("%s is not a change syncform plans.", a.Change.Resource)
		}
	}
	c.addr = ""
	for _, o := range syncform.Objects() {
		if n, limit := len(c.s.Mappings[o]), c.s.MaxMappings(); c.touched[o] && n > limit {
			c.addr = string(o)
			c.rule("mapping-limit", "%s would hold %d mappings after this plan, over the limit of %d.", o, n, limit)
		}
	}
	return c.diags
}

// checker is CheckActions' state: the live settings as the actions so far
// leave them.
type checker struct {
	s       *syncform.Snapshot
	addr    string
	touched map[syncform.Object]bool
	diags   hcl.Diagnostics
}

func (c *checker) rule(slug, detail string, args ...any) {
	d := finding(slug, hcl.Range{}, detail, args...)
	d.Subject = nil
	d.Detail = c.addr + ": " + d.Detail
	c.diags = append(c.diags, d)
}

func (c *checker) refuse(detail string, args ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Change the live system would refuse",
		Detail: c.addr + ": " + fmt.Sprintf(detail, args...)})
}

func (c *checker) sync(ch syncform.Change) {
	if ch.Op != syncform.OpUpdate || ch.Sync == nil {
		c.refuse("a sync toggle is only ever updated to on or off.")
		return
	}
	if !*ch.Sync && ch.Object.AlwaysSynced() {
		c.rule("contacts-sync-required", "The plan turns %s sync off.", ch.Object)
		return
	}
	c.s.Sync[ch.Object] = *ch.Sync
}

func (c *checker) property(ch syncform.Change) {
	cur, exists := c.s.Property(ch.Object, ch.Name)
	p := ch.Property
	switch {
	case ch.Op == syncform.OpDelete:
		c.refuse("syncform creates and updates properties; it never deletes one.")
		return
	case p == nil:
		c.refuse("the change carries no property.")
		return
	case ch.Resource == syncform.ResourceOptions && (ch.Op != syncform.OpUpdate || !exists):
		c.refuse("options are only ever replaced, on a property that exists.")
		return
	case ch.Op == syncform.OpCreate && exists:
		c.refuse("the property %q exists already.", ch.Name)
		return
	case ch.Op == syncform.OpUpdate && !exists:
		c.refuse("there is no property %q to update.", ch.Name)
		return
	case ch.Op != syncform.OpCreate && ch.Op != syncform.OpUpdate:
		c.refuse("unknown operation %q.", ch.Op)
		return
	case exists && cur.HubSpotDefined || p.HubSpotDefined:
		c.refuse("%q is one of HubSpot's own properties: it cannot be created or changed.", ch.Name)
		return
	case ch.Resource == syncform.ResourceOptions && cur.OwnerReference:
		c.refuse("%q takes its options from HubSpot's users.", ch.Name)
		return
	}
	if _, err := syncform.ParseFieldType(string(p.Type)); err != nil {
		c.refuse("unknown field type %q.", p.Type)
		return
	}
	seen := map[string]bool{}
	for _, o := range p.Options {
		if o.Value == "" || seen[o.Value] {
			c.refuse("option values must be set and different; %q is not.", o.Value)
			return
		}
		seen[o.Value] = true
	}
	if m, ok := c.s.Mapping(ch.Object, ch.Name); ok && exists && p.Type != cur.Type {
		for _, f := range c.s.Fields(ch.Object, m.SalesforceField) {
			if !syncform.Compatible(p.Type, f.Field.Type) {
				c.rule("type-mismatch", "%q would become a %s property but is mapped to %s.%s, a Salesforce %s field.",
					ch.Name, p.Type, f.SObject, f.Field.Name, f.Field.Type)
				return
			}
		}
	}
	next := *p
	next.Object, next.Name = ch.Object, ch.Name
	if exists && ch.Resource == syncform.ResourceOptions {
		next = cur
		next.Options = p.Options
	}
	c.s.SetProperty(next)
}

func (c *checker) mapping(ch syncform.Change) {
	o := ch.Object
	cur, exists := c.s.Mapping(o, ch.Name)
	std, isStd := syncform.LookupStandard(o, ch.Name)
	c.touched[o] = true
	switch ch.Op {
	case syncform.OpDelete:
		switch {
		case !exists:
			c.refuse("there is no mapping of %q to delete.", ch.Name)
		case cur.Standard || isStd:
			c.rule("standard-undeletable", "The plan deletes the standard mapping %q.", ch.Name)
		default:
			c.s.DeleteMapping(o, ch.Name)
		}
		return
	case syncform.OpCreate, syncform.OpUpdate:
	default:
		c.refuse("unknown operation %q.", ch.Op)
		return
	}
	m := ch.Mapping
	if m == nil {
		c.refuse("the change carries no mapping.")
		return
	}
	if _, err := syncform.ParseSyncRule(string(m.Rule)); err != nil {
		c.refuse("unknown sync rule %q.", m.Rule)
		return
	}
	if isStd && !c.standard(std, m) {
		return
	}
	if ch.Op == syncform.OpUpdate {
		switch {
		case !exists:
			c.refuse("there is no mapping of %q to update.", ch.Name)
		case m.SalesforceField != cur.SalesforceField:
			c.refuse("a mapping's Salesforce field never changes in place (from %s to %s): it is deleted and created again.", cur.SalesforceField, m.SalesforceField)
		default:
			cur.Rule = m.Rule
			c.s.SetMapping(cur)
		}
		return
	}
	if exists {
		c.rule("property-mapped-twice", "%q is already mapped, to %s.", ch.Name, cur.SalesforceField)
		return
	}
	if !o.AlwaysSynced() && !c.s.Sync[o] {
		c.rule("object-sync-off", "%s sync is off, so mapping %q cannot sync.", o, ch.Name)
		return
	}
	prop, ok := c.s.Property(o, ch.Name)
	if !ok {
		c.rule("unknown-property", "HubSpot %s have no property %q.", o, ch.Name)
		return
	}
	if prop.OwnerReference && !prop.HubSpotDefined {
		c.rule("user-property", "%q is a HubSpot-user property.", ch.Name)
		return
	}
	fields := c.s.Fields(o, m.SalesforceField)
	if len(fields) == 0 {
		c.rule("unknown-field", "%s has no field %q.", strings.Join(o.SalesforceObjects(), " or "), m.SalesforceField)
		return
	}
	for _, f := range fields {
		switch {
		case f.Field.Type == syncform.SFReference && prop.Type != syncform.Dropdown && prop.Type != syncform.Radio:
			c.rule("reference-needs-dropdown", "%s.%s is a reference field but %q is a %s property.", f.SObject, f.Field.Name, ch.Name, prop.Type)
			return
		case !syncform.Compatible(prop.Type, f.Field.Type):
			c.rule("type-mismatch", "%q is a %s property but %s.%s is a Salesforce %s field.", ch.Name, prop.Type, f.SObject, f.Field.Name, f.Field.Type)
			return
		}
	}
	for _, other := range c.s.Mappings[o] {
		if sameField(o, other.SalesforceField, m.SalesforceField) {
			c.rule("field-mapped-twice", "%s is already mapped to %q.", m.SalesforceField, other.Property)
			return
		}
	}
	next := syncform.Mapping{Object: o, Property: ch.Name, SalesforceField: m.SalesforceField, Rule: m.Rule, Standard: isStd}
	c.s.SetMapping(next)
}

// standard judges a create or update of one of the connector's default
// mappings, as checkStandard judges its declaration.
func (c *checker) standard(std syncform.StandardMapping, m *syncform.Mapping) bool {
	cur, ok := c.s.Mapping(std.Object, std.Property)
	current := std.DefaultRule
	if ok {
		current = cur.Rule
	}
	switch {
	case m.SalesforceField != std.SalesforceField:
		slug := "standard-undeletable"
		if std.Fixed {
			slug = "optout-fixed"
		}
		c.rule(slug, "%q is a standard mapping to %s; the plan maps it to %s.", std.Property, std.SalesforceField, m.SalesforceField)
	case std.Fixed && m.Rule != current:
		c.rule("optout-fixed", "The rule of %q is %s and cannot change.", std.Property, current)
	case isOwner(std.Property) && m.Rule != syncform.TwoWay:
		c.rule("owner-two-way", "The plan sets the owner mapping to %s.", m.Rule)
	case len(std.AllowedRules) > 0 && !slices.Contains(std.AllowedRules, m.Rule):
		c.rule("email-rule", "The plan sets %q to %s.", std.Property, m.Rule)
	default:
		return true
	}
	return false
}

// sameField reports whether two Salesforce field names of o's mappings
// write the same field on some Salesforce object (Street is MailingStreet
// on Contact).
func sameField(o syncform.Object, a, b string) bool {
	for _, so := range o.SalesforceObjects() {
		if syncform.FieldOn(so, a) == syncform.FieldOn(so, b) {
			return true
		}
	}
	return false
}

// backfill checks that a back-fill is of an object and direction the
// connector back-fills, and for a property its object maps (an outstanding
// back-fill of an interrupted apply may list others since unmapped).
func (c *checker) backfill(b *Backfill) {
	j := b.Job
	if _, err := syncform.ParseObject(string(j.Object)); err != nil {
		c.refuse("a back-fill of an unknown object %q.", j.Object)
		return
	}
	if j.Direction != syncform.ToHubSpot && j.Direction != syncform.ToSalesforce {
		c.refuse("a back-fill in an unknown direction %q.", j.Direction)
		return
	}
	if j.Key != "" {
		c.refuse("a planned back-fill has no job key; apply gives one to each batch.")
		return
	}
	if !slices.ContainsFunc(j.Properties, func(p string) bool { _, ok := c.s.Mapping(j.Object, p); return ok }) {
		c.refuse("the back-fill is for properties %s do not map: %s.", j.Object, strings.Join(j.Properties, ", "))
	}
}
