package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	sf "github.com/syncform/syncform"
)

// deciding is the state a batch's changes are decided on: the live
// settings, and an index of the Salesforce fields each object's mappings
// write, so that checking a new mapping does not read every other one.
// Edits keep both as they are made.
type deciding struct {
	*sf.Snapshot
	// sides: object → "SObject.Field" → the property mapped to it. Built
	// when first needed.
	sides map[sf.Object]map[string]string
}

// mappedSide returns the mapping of o that writes side, if any.
func (d *deciding) mappedSide(o sf.Object, side string) (sf.Mapping, bool) {
	if d.sides == nil {
		d.sides = map[sf.Object]map[string]string{}
		for obj, ms := range d.Mappings {
			d.sides[obj] = map[string]string{}
			for _, m := range ms {
				for _, s := range sides(obj, m.SalesforceField) {
					d.sides[obj][s] = m.Property
				}
			}
		}
	}
	prop, ok := d.sides[o][side]
	if !ok {
		return sf.Mapping{}, false
	}
	return d.Mapping(o, prop)
}

// SetMapping is Snapshot.SetMapping, keeping the index.
func (d *deciding) SetMapping(m sf.Mapping) {
	d.DeleteMapping(m.Object, m.Property)
	d.Snapshot.SetMapping(m)
	if d.sides != nil {
		if d.sides[m.Object] == nil {
			d.sides[m.Object] = map[string]string{}
		}
		for _, s := range sides(m.Object, m.SalesforceField) {
			d.sides[m.Object][s] = m.Property
		}
	}
}

// DeleteMapping is Snapshot.DeleteMapping, keeping the index.
func (d *deciding) DeleteMapping(o sf.Object, property string) {
	if m, ok := d.Mapping(o, property); ok && d.sides != nil {
		for _, s := range sides(o, m.SalesforceField) {
			if d.sides[o][s] == property {
				delete(d.sides[o], s)
			}
		}
	}
	d.Snapshot.DeleteMapping(o, property)
}

// edit is an accepted change. write is its database side; it runs inside the
// write transaction that read the state the change was decided on. patch
// makes the same change to that state in memory, so the next change of a
// batch is decided on what this one leaves.
type edit struct {
	write func(ctx context.Context, q querier) error
	patch func(live *deciding)
}

// decide checks c against the live state as the connector and HubSpot would,
// and returns the edit that carries it out: nil when the live state already
// reflects c (idempotency), or an error wrapping ErrRejected or ErrNotFound.
// It is pure: it reads live and nothing else.
func decide(live *deciding, c sf.Change) (*edit, error) {
	if _, err := sf.ParseObject(string(c.Object)); err != nil {
		return nil, sf.Rejectf("%s: unknown object %q; want one of contacts, companies, deals", c.Address(), c.Object)
	}
	switch c.Resource {
	case sf.ResourceSync:
		return decideSync(live, c)
	case sf.ResourceProperty:
		name, err := changeName(c, c.Property != nil, func() (sf.Object, string) { return c.Property.Object, c.Property.Name })
		if err != nil {
			return nil, err
		}
		c.Name = name
		switch c.Op {
		case sf.OpCreate:
			return createProperty(live, c)
		case sf.OpUpdate:
			return updatePropertyChange(live, c)
		case sf.OpDelete:
			return deletePropertyChange(live, c)
		}
	case sf.ResourceOptions:
		name, err := changeName(c, c.Property != nil, func() (sf.Object, string) { return c.Property.Object, c.Property.Name })
		if err != nil {
			return nil, err
		}
		c.Name = name
		if c.Op != sf.OpUpdate {
			return nil, sf.Rejectf("%s: options are only ever replaced (update), not %s", c.Address(), c.Op)
		}
		return updateOptionsChange(live, c)
	case sf.ResourceMapping:
		name, err := changeName(c, c.Mapping != nil, func() (sf.Object, string) { return c.Mapping.Object, c.Mapping.Property })
		if err != nil {
			return nil, err
		}
		c.Name = name
		switch c.Op {
		case sf.OpCreate:
			return createMapping(live, c)
		case sf.OpUpdate:
			return updateMappingChange(live, c)
		case sf.OpDelete:
			return deleteMappingChange(live, c)
		}
	default:
		return nil, sf.Rejectf("%s: unknown resource %q", c.Address(), c.Resource)
	}
	return nil, sf.Rejectf("%s: unknown operation %q on a %s", c.Address(), c.Op, c.Resource)
}

// changeName is the name a property or mapping change targets: c.Name, or the
// name inside its value. The two must agree, as must the objects.
func changeName(c sf.Change, hasValue bool, inner func() (sf.Object, string)) (string, error) {
	name := c.Name
	if hasValue {
		o, n := inner()
		if o != "" && o != c.Object {
			return "", sf.Rejectf("%s: change is for %s but its %s is for %s", c.Address(), c.Object, c.Resource, o)
		}
		switch {
		case name == "":
			name = n
		case n != "" && n != name:
			return "", sf.Rejectf("%s: change names %q but its %s names %q", c.Address(), name, c.Resource, n)
		}
	}
	if name == "" {
		return "", sf.Rejectf("%s: change names no %s", c.Address(), c.Resource)
	}
	return name, nil
}

// ---------------------------------------------------------------------------
// Sync toggles

func decideSync(live *deciding, c sf.Change) (*edit, error) {
	if c.Op != sf.OpUpdate {
		return nil, sf.Rejectf("%s: a sync toggle can only be updated, not %sd", c.Address(), c.Op)
	}
	if c.Sync == nil {
		return nil, sf.Rejectf("%s: the change carries no sync value", c.Address())
	}
	on := *c.Sync
	if live.Sync[c.Object] == on {
		return nil, nil
	}
	if !on && c.Object.AlwaysSynced() {
		return nil, sf.Rejectf("%s: %s always sync once the connector is installed; their sync cannot be turned off", c.Address(), c.Object)
	}
	return &edit{
		write: func(ctx context.Context, q querier) error { return setSync(ctx, q, c.Object, on) },
		patch: func(live *deciding) { live.Sync[c.Object] = on },
	}, nil
}

// ---------------------------------------------------------------------------
// Properties

// propertyName is HubSpot's rule for internal names.
var propertyName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)

// sameOptions compares option lists in order; nil and empty are the same.
func sameOptions(a, b []sf.Option) bool {
	return len(a) == len(b) && (len(a) == 0 || slices.Equal(a, b))
}

// validProperty checks what HubSpot's properties API checks.
func validProperty(addr string, p sf.Property) error {
	if !propertyName.MatchString(p.Name) {
		return sf.Rejectf("%s: %q is not a valid internal name (lower-case letters, digits and underscores, starting with a letter, at most 100 characters)", addr, p.Name)
	}
	if strings.TrimSpace(p.Label) == "" {
		return sf.Rejectf("%s: a property needs a label", addr)
	}
	if _, err := sf.ParseFieldType(string(p.Type)); err != nil {
		return sf.Rejectf("%s: unknown field type %q", addr, p.Type)
	}
	if len(p.Options) > 0 && !p.Type.HasOptions() {
		return sf.Rejectf("%s: a %s property has no options", addr, p.Type)
	}
	if p.OwnerReference {
		if p.Type != sf.Dropdown {
			return sf.Rejectf("%s: a HubSpot user property is a dropdown, not a %s", addr, p.Type)
		}
		if len(p.Options) > 0 {
			return sf.Rejectf("%s: a HubSpot user property takes its options from the owners", addr)
		}
	}
	seen := map[string]bool{}
	for _, o := range p.Options {
		if o.Value == "" {
			return sf.Rejectf("%s: an option has an empty value", addr)
		}
		if strings.TrimSpace(o.Label) == "" {
			return sf.Rejectf("%s: option %q has no label", addr, o.Value)
		}
		if seen[o.Value] {
			return sf.Rejectf("%s: option value %q appears twice", addr, o.Value)
		}
		seen[o.Value] = true
	}
	return nil
}

func createProperty(live *deciding, c sf.Change) (*edit, error) {
	addr := c.Address()
	if c.Property == nil {
		return nil, sf.Rejectf("%s: the change carries no property", addr)
	}
	p := *c.Property
	p.Object, p.Name = c.Object, c.Name
	if p.Group == "" {
		p.Group = c.Object.DefaultPropertyGroup()
	}
	if cur, ok := live.Property(c.Object, c.Name); ok {
		if cur.SameSettings(p) && sameOptions(cur.Options, p.Options) {
			return nil, nil
		}
		return nil, sf.Rejectf("%s: a property named %q already exists with different settings (%s)", addr, c.Name, propertyDiff(cur, p))
	}
	if p.HubSpotDefined {
		return nil, sf.Rejectf("%s: HubSpot-defined properties cannot be created", addr)
	}
	if err := validProperty(addr, p); err != nil {
		return nil, err
	}
	return &edit{
		write: func(ctx context.Context, q querier) error { return insertProperty(ctx, q, p) },
		patch: func(live *deciding) { live.SetProperty(p) },
	}, nil
}

// propertyDiff names the settings in which two properties differ.
func propertyDiff(cur, want sf.Property) string {
	var d []string
	if cur.Label != want.Label {
		d = append(d, fmt.Sprintf("label %q, not %q", cur.Label, want.Label))
	}
	if cur.Type != want.Type {
		d = append(d, fmt.Sprintf("type %s, not %s", cur.Type, want.Type))
	}
	if cur.Group != want.Group {
		d = append(d, fmt.Sprintf("group %q, not %q", cur.Group, want.Group))
	}
	if cur.Description != want.Description {
		d = append(d, "a different description")
	}
	if !sameOptions(cur.Options, want.Options) {
		d = append(d, "different options")
	}
	return strings.Join(d, "; ")
}

func updatePropertyChange(live *deciding, c sf.Change) (*edit, error) {
	addr := c.Address()
	if c.Property == nil {
		return nil, sf.Rejectf("%s: the change carries no property", addr)
	}
	cur, ok := live.Property(c.Object, c.Name)
	if !ok {
		return nil, fmt.Errorf("%s: %w: %s has no property %q", addr, sf.ErrNotFound, c.Object, c.Name)
	}
	// The settings the change may set; the rest stay as they are. An update
	// that names no group leaves the property in its group.
	p := cur
	p.Label, p.Type, p.Description, p.Options = c.Property.Label, c.Property.Type, c.Property.Description, c.Property.Options
	if c.Property.Group != "" {
		p.Group = c.Property.Group
	}
	if cur.SameSettings(p) && sameOptions(cur.Options, p.Options) {
		return nil, nil
	}
	if cur.HubSpotDefined {
		return nil, sf.Rejectf("%s: %q is a HubSpot-defined property; its settings cannot be changed", addr, c.Name)
	}
	if err := validProperty(addr, p); err != nil {
		return nil, err
	}
	if p.Type != cur.Type {
		if m, ok := live.Mapping(c.Object, c.Name); ok {
			for _, side := range live.Fields(c.Object, m.SalesforceField) {
				if !sf.Compatible(p.Type, side.Field.Type) {
					return nil, sf.Rejectf("%s: the property is mapped to %s.%s (%s), which a %s property cannot map to; delete the mapping first",
						addr, side.SObject, side.Field.Name, side.Field.Type, p.Type)
				}
			}
		}
	}
	e := putProperty(p)
	if p.Type != cur.Type {
		// HubSpot refuses to change the type of a property whose records
		// hold values: they might not fit the new type.
		e.write = func(ctx context.Context, q querier) error {
			held, err := heldValues(ctx, q, c.Object, sf.HubSpotSide, c.Name)
			if err != nil {
				return err
			}
			if len(held) > 0 {
				return sf.Rejectf("%s: records hold values of %q (%d distinct, e.g. %q); its type cannot change from %s to %s",
					addr, c.Name, len(held), held[0], cur.Type, p.Type)
			}
			return updateProperty(ctx, q, p)
		}
	}
	return e, nil
}

// updateOptionsChange replaces a property's option list, as HubSpot's PATCH
// of a property's options does.
func updateOptionsChange(live *deciding, c sf.Change) (*edit, error) {
	addr := c.Address()
	cur, ok := live.Property(c.Object, c.Name)
	if !ok {
		return nil, fmt.Errorf("%s: %w: %s has no property %q", addr, sf.ErrNotFound, c.Object, c.Name)
	}
	if sameOptions(cur.Options, c.Property.Options) {
		return nil, nil
	}
	if cur.OwnerReference {
		return nil, sf.Rejectf("%s: %q takes its options from HubSpot's users", addr, c.Name)
	}
	p := cur
	p.Options = c.Property.Options
	if err := validProperty(addr, p); err != nil {
		return nil, err
	}
	return putProperty(p), nil
}

// putProperty is the edit that updates an existing property to p.
func putProperty(p sf.Property) *edit {
	return &edit{
		write: func(ctx context.Context, q querier) error { return updateProperty(ctx, q, p) },
		patch: func(live *deciding) { live.SetProperty(p) },
	}
}

func deletePropertyChange(live *deciding, c sf.Change) (*edit, error) {
	addr := c.Address()
	cur, ok := live.Property(c.Object, c.Name)
	if !ok {
		return nil, nil
	}
	if cur.HubSpotDefined {
		return nil, sf.Rejectf("%s: %q is a HubSpot-defined property; it cannot be deleted", addr, c.Name)
	}
	if m, ok := live.Mapping(c.Object, c.Name); ok {
		return nil, sf.Rejectf("%s: the property is used by mapping %s; delete the mapping first", addr, m.Address())
	}
	return &edit{
		write: func(ctx context.Context, q querier) error { return deleteProperty(ctx, q, c.Object, c.Name) },
		patch: func(live *deciding) { live.DeleteProperty(c.Object, c.Name) },
	}, nil
}

// ---------------------------------------------------------------------------
// Mappings

func parseRule(addr string, r sf.SyncRule) error {
	if _, err := sf.ParseSyncRule(string(r)); err != nil {
		return sf.Rejectf("%s: unknown sync rule %q", addr, r)
	}
	return nil
}

// sides names the Salesforce fields a mapping of o to field writes, one per
// Salesforce object o syncs with (Street is MailingStreet on Contact).
func sides(o sf.Object, field string) []string {
	var out []string
	for _, so := range o.SalesforceObjects() {
		out = append(out, so+"."+sf.FieldOn(so, field))
	}
	return out
}

func createMapping(live *deciding, c sf.Change) (*edit, error) {
	addr := c.Address()
	if c.Mapping == nil {
		return nil, sf.Rejectf("%s: the change carries no mapping", addr)
	}
	m := sf.Mapping{Object: c.Object, Property: c.Name, SalesforceField: c.Mapping.SalesforceField, Rule: c.Mapping.Rule}
	if m.SalesforceField == "" {
		return nil, sf.Rejectf("%s: the mapping names no Salesforce field", addr)
	}
	if err := parseRule(addr, m.Rule); err != nil {
		return nil, err
	}
	cur, exists := live.Mapping(c.Object, c.Name)
	if exists && cur.SalesforceField == m.SalesforceField && cur.Rule == m.Rule {
		return nil, nil
	}
	if !c.Object.AlwaysSynced() && !live.Sync[c.Object] {
		return nil, sf.Rejectf("%s: %s sync is off; turn it on before mapping %s", addr, c.Object, c.Object)
	}
	p, ok := live.Property(c.Object, c.Name)
	if !ok {
		return nil, sf.Rejectf("%s: %s has no HubSpot property %q", addr, c.Object, c.Name)
	}
	fields := live.Fields(c.Object, m.SalesforceField)
	if len(fields) == 0 {
		return nil, sf.Rejectf("%s: %s has no field %q", addr, strings.Join(c.Object.SalesforceObjects(), " or "), m.SalesforceField)
	}
	if p.OwnerReference && !p.HubSpotDefined {
		return nil, sf.Rejectf("%s: %q is a custom HubSpot user property; such properties cannot be mapped", addr, c.Name)
	}
	for _, side := range fields {
		if !sf.Compatible(p.Type, side.Field.Type) {
			want := sf.CompatibleFieldTypes(side.Field.Type)
			return nil, sf.Rejectf("%s: type mismatch: a %s property cannot map to %s.%s, a %s field (it maps to %s)",
				addr, p.Type, side.SObject, side.Field.Name, side.Field.Type, fieldTypeList(want))
		}
	}
	if exists {
		return nil, sf.Rejectf("%s: property %q is already mapped to %s", addr, c.Name, cur.SalesforceField)
	}
	for _, s := range sides(c.Object, m.SalesforceField) {
		if other, ok := live.mappedSide(c.Object, s); ok {
			return nil, sf.Rejectf("%s: Salesforce field %s is already mapped by %s", addr, s, other.Address())
		}
	}
	if n := len(live.Mappings[c.Object]); n >= live.MaxMappings() {
		return nil, sf.Rejectf("%s: %s already has %d mappings, the most the connector allows", addr, c.Object, n)
	}
	return &edit{
		write: func(ctx context.Context, q querier) error { return insertMapping(ctx, q, m) },
		patch: func(live *deciding) { live.SetMapping(m) },
	}, nil
}

func fieldTypeList(ts []sf.FieldType) string {
	if len(ts) == 0 {
		return "no HubSpot property type"
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " or ") + " properties"
}

func updateMappingChange(live *deciding, c sf.Change) (*edit, error) {
	addr := c.Address()
	if c.Mapping == nil {
		return nil, sf.Rejectf("%s: the change carries no mapping", addr)
	}
	cur, ok := live.Mapping(c.Object, c.Name)
	if !ok {
		return nil, fmt.Errorf("%s: %w: %s has no mapping of property %q", addr, sf.ErrNotFound, c.Object, c.Name)
	}
	if f := c.Mapping.SalesforceField; f != "" && f != cur.SalesforceField {
		return nil, sf.Rejectf("%s: the mapping's Salesforce field cannot be changed from %s to %s; delete the mapping and create a new one",
			addr, cur.SalesforceField, f)
	}
	rule := c.Mapping.Rule
	if err := parseRule(addr, rule); err != nil {
		return nil, err
	}
	if rule == cur.Rule {
		return nil, nil
	}
	if std, ok := sf.LookupStandard(c.Object, c.Name); ok && cur.Standard {
		if std.Fixed {
			return nil, sf.Rejectf("%s: the standard %s ↔ %s mapping is fixed; its rule cannot be changed", addr, std.Property, std.SalesforceField)
		}
		if len(std.AllowedRules) > 0 && !slices.Contains(std.AllowedRules, rule) {
			allowed := make([]string, len(std.AllowedRules))
			for i, r := range std.AllowedRules {
				allowed[i] = string(r)
			}
			return nil, sf.Rejectf("%s: the standard %s ↔ %s mapping accepts only %s, not %s",
				addr, std.Property, std.SalesforceField, strings.Join(allowed, " or "), rule)
		}
	}
	cur.Rule = rule
	return &edit{
		write: func(ctx context.Context, q querier) error { return updateMappingRule(ctx, q, c.Object, c.Name, rule) },
		patch: func(live *deciding) { live.SetMapping(cur) },
	}, nil
}

func deleteMappingChange(live *deciding, c sf.Change) (*edit, error) {
	cur, ok := live.Mapping(c.Object, c.Name)
	if !ok {
		return nil, nil
	}
	if cur.Standard {
		return nil, sf.Rejectf("%s: standard mappings cannot be deleted; set the rule to %s to stop syncing", c.Address(), sf.DontSync)
	}
	return &edit{
		write: func(ctx context.Context, q querier) error { return deleteMapping(ctx, q, c.Object, c.Name) },
		patch: func(live *deciding) { live.DeleteMapping(c.Object, c.Name) },
	}, nil
}
