package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
)

// options plans the option list of a mapping's property when the mapping
// manages it: the labels of the records a reference field points at
// (labels, labels_from), or a picklist's active values (options =
// "salesforce"). An option no longer wanted is hidden while records hold its
// value and removed otherwise; a label change never changes a value.
func (p *planning) options(ob *config.Object, m *config.Mapping) {
	if len(m.Labels) == 0 && m.LabelsFrom == "" && m.Options == "" {
		return
	}
	fields := p.live.Fields(m.Object, m.SalesforceField)
	if len(fields) == 0 {
		return // unknown-field was reported
	}
	var want []syncform.Option
	var subject hcl.Range
	switch {
	case m.Options == config.OptionsFromSalesforce:
		subject = m.OptionsRange
		seen := map[string]bool{}
		for _, side := range fields { // contacts: Lead's values, then Contact's
			f := side.Field
			if f.Type != syncform.SFPicklist && f.Type != syncform.SFMultiPicklist {
				p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Options from a field that is not a picklist",
					Detail:  fmt.Sprintf("options = %q copies a picklist's values, but %s.%s is a %s field. Remove options.", config.OptionsFromSalesforce, side.SObject, f.Name, f.Type),
					Subject: subject.Ptr()})
				return
			}
			for _, v := range f.Picklist {
				if v.Active && !seen[v.Value] {
					seen[v.Value] = true
					want = append(want, syncform.Option{Value: v.Value, Label: v.Label})
				}
			}
		}
	default:
		subject = m.LabelsRange
		if m.LabelsFrom != "" && len(m.Labels) == 0 {
			subject = m.LabelsFromRange
		}
		ref, ok := reference(fields)
		if !ok {
			p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "labels_from on a field that is not a reference",
				Detail:  fmt.Sprintf("labels_from names a field of the records a reference field points at, but %s is a %s field. Remove labels_from.", m.SalesforceField, fields[0].Field.Type),
				Subject: m.LabelsFromRange.Ptr()})
			return
		}
		var ok2 bool
		if want, ok2 = p.labelOptions(m, ref); !ok2 {
			return
		}
	}
	p.planOptions(ob, m, want, subject)
}

// labelOptions is the option of every record ID a reference mapping labels:
// the IDs in labels, and with labels_from every ID records hold, labelled
// from that field of the referenced record (or with the ID itself when the
// record has none, so no value is left without an option). A label in
// labels wins. Options are sorted by label.
func (p *planning) labelOptions(m *config.Mapping, ref syncform.FieldSide) ([]syncform.Option, bool) {
	labels := map[syncform.SalesforceID]string{}
	if m.LabelsFrom != "" {
		for _, target := range ref.Field.ReferenceTo {
			so, ok := p.live.SObjects[target]
			if !ok {
				continue
			}
			if _, ok := so.Field(m.LabelsFrom); !ok {
				var names []string
				for _, f := range so.Fields {
					names = append(names, f.Name)
				}
				p.report(finding("unknown-field", m.LabelsFromRange, "%s has no field %q to take labels from.%s", target, m.LabelsFrom, config.DidYouMean(m.LabelsFrom, names)))
				return nil, false
			}
		}
		held, _ := p.live.HeldValues(m.Object, syncform.HubSpotSide, m.Property)
		referenced, _ := p.live.HeldValues(m.Object, syncform.SalesforceSide, m.SalesforceField)
		for _, v := range append(append([]string{}, held...), referenced...) {
			id, err := syncform.ParseSalesforceID(v)
			if err != nil {
				continue
			}
			label := string(id)
			if so, ok := p.live.SObjectByPrefix(id.KeyPrefix()); ok {
				if r, ok := p.live.Record(so.Name, id); ok && r.Fields[m.LabelsFrom] != "" {
					label = r.Fields[m.LabelsFrom]
				}
			}
			labels[id] = label
		}
	}
	for _, l := range m.Labels {
		if id, err := syncform.ParseSalesforceID(l.ID); err == nil {
			labels[id] = l.Label
		}
	}
	out := make([]syncform.Option, 0, len(labels))
	for id, label := range labels {
		out = append(out, syncform.Option{Value: string(id), Label: label})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Label != out[j].Label {
			return out[i].Label < out[j].Label
		}
		return out[i].Value < out[j].Value
	})
	return out, true
}

// planOptions compares the wanted options with the live ones and plans the
// replacement of the list when they differ.
func (p *planning) planOptions(ob *config.Object, m *config.Mapping, want []syncform.Option, subject hcl.Range) {
	live, exists := p.live.Property(m.Object, m.Property)
	prop := live
	if !exists {
		d := ob.Property(m.Property)
		if d == nil {
			return // unknown-property was reported
		}
		prop = d.Property
	}
	if prop.OwnerReference {
		return
	}
	// An option is in use when a HubSpot record holds it, or when a
	// Salesforce record does and the rule will bring it to HubSpot (the
	// back-fill would otherwise write a value with no option). A
	// checkboxes value holds several options joined by ";".
	held, looked := p.live.HeldValues(m.Object, syncform.HubSpotSide, m.Property)
	if m.Rule.ToHubSpot() {
		sfHeld, sfLooked := p.live.HeldValues(m.Object, syncform.SalesforceSide, m.SalesforceField)
		held, looked = append(append([]string{}, held...), sfHeld...), looked && sfLooked
	}
	inUse := map[string]bool{}
	for _, v := range held {
		for _, one := range strings.Split(v, ";") {
			inUse[one] = true
		}
	}
	wanted := map[string]bool{}
	final := append([]syncform.Option{}, want...)
	for _, o := range want {
		wanted[o.Value] = true
	}
	var stale []syncform.Option
	for _, o := range live.Options {
		// Without a lookup, keep (hidden) rather than risk deleting an
		// option records still hold.
		if !wanted[o.Value] && (inUse[o.Value] || !looked) {
			o.Hidden = true
			stale = append(stale, o)
		}
	}
	sort.Slice(stale, func(i, j int) bool { return stale[i].Value < stale[j].Value })
	final = append(final, stale...)
	if exists && sameOptionSet(live.Options, final) {
		return
	}
	after := prop
	after.Options = final
	a := Action{
		Change: syncform.Change{Op: syncform.OpUpdate, Resource: syncform.ResourceOptions, Object: m.Object, Name: m.Property, Property: &after},
		Reason: ReasonOptions,
	}
	if exists {
		before := live
		a.Before = &Value{Property: &before}
	}
	p.add(phaseOptions, subject, a)
}

// ReasonOptions: a mapping keeps its property's options.
const ReasonOptions Reason = "options follow the configuration"

// sameOptionSet compares option lists by value, label and visibility,
// whatever their order.
func sameOptionSet(a, b []syncform.Option) bool {
	if len(a) != len(b) {
		return false
	}
	by := map[string]syncform.Option{}
	for _, o := range a {
		by[o.Value] = o
	}
	for _, o := range b {
		if x, ok := by[o.Value]; !ok || x != o {
			return false
		}
	}
	return true
}

// OptionChanges counts how an options action changes a list.
type OptionChanges struct {
	Added, Relabelled, Hidden, Shown, Removed int
}

// CompareOptions counts the changes from before to after.
func CompareOptions(before, after []syncform.Option) OptionChanges {
	var c OptionChanges
	old := map[string]syncform.Option{}
	for _, o := range before {
		old[o.Value] = o
	}
	seen := map[string]bool{}
	for _, o := range after {
		seen[o.Value] = true
		b, ok := old[o.Value]
		switch {
		case !ok:
			c.Added++
		case b.Hidden != o.Hidden && o.Hidden:
			c.Hidden++
		case b.Hidden != o.Hidden:
			c.Shown++
		}
		if ok && b.Label != o.Label {
			c.Relabelled++
		}
	}
	for _, o := range before {
		if !seen[o.Value] {
			c.Removed++
		}
	}
	return c
}
