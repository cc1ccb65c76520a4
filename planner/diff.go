package planner

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
)

// Plan diffs the desired state against the live snapshot. It returns the
// ordered actions and every rule finding; a plan whose diagnostics hold an
// error must not be applied. Objects the configuration does not declare are
// left alone entirely.
func Plan(desired *config.Config, live *syncform.Snapshot) (*Result, hcl.Diagnostics) {
	p := &planning{desired: desired, live: live, plan: &Result{After: map[syncform.Object][]syncform.Mapping{}}}
	for _, ob := range desired.Objects {
		p.object(ob)
		p.plan.After[ob.Object] = p.mappingsAfter(ob.Object)
	}
	slices.SortStableFunc(p.plan.Actions, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.phase, b.phase), cmp.Compare(a.Object().Rank(), b.Object().Rank()), strings.Compare(a.Address, b.Address))
	})
	for _, a := range p.plan.Actions {
		if a.Mode == syncform.ModeManual && !silenced(desired.Rules, "manual-step") {
			p.plan.Notes = append(p.plan.Notes, note("manual-step", a.Range, "%s %s cannot be applied by the %s provider.", a.Change.Op, a.Address, live.Provider))
		}
	}
	p.ownersUnmatched()
	diags := applySettings(p.diags, desired.Rules)
	config.SortDiagnostics(diags)
	return p.plan, diags
}

type planning struct {
	desired *config.Config
	live    *syncform.Snapshot
	plan    *Result
	diags   hcl.Diagnostics
	// openedBy lists, per object and direction, the mappings that newly
	// let values flow that way.
	openedBy map[syncform.Object]map[syncform.Direction][]*config.Mapping
}

func (p *planning) add(ph phase, subject hcl.Range, a Action) {
	a.phase, a.Range, a.Source = ph, subject, jsonRange(&subject)
	if a.Backfill != nil {
		a.Address = BackfillAddress(a.Backfill.Job.Object, a.Backfill.Job.Direction)
		a.Mode = p.live.ModeFor(syncform.ResourceBackfill)
	} else {
		a.Address = a.Change.Address()
		a.Mode = p.live.ModeFor(a.Change.Resource)
	}
	p.plan.Actions = append(p.plan.Actions, a)
}

func (p *planning) report(d *hcl.Diagnostic) { p.diags = append(p.diags, d) }

func (p *planning) object(ob *config.Object) {
	o := ob.Object
	syncOn := p.live.Sync[o]
	if ob.Sync != nil {
		if !*ob.Sync && o.AlwaysSynced() {
			p.report(finding("contacts-sync-required", ob.SyncRange, "This block sets sync = false on %s.", o))
		} else if *ob.Sync != syncOn {
			before, after := syncOn, *ob.Sync
			ph := phaseSyncOn
			if !after {
				ph = phaseSyncOff
			}
			p.add(ph, ob.SyncRange, Action{
				Change: syncform.Change{Op: syncform.OpUpdate, Resource: syncform.ResourceSync, Object: o, Sync: &after},
				Before: &Value{Sync: &before}, Reason: ReasonChanged,
			})
			syncOn = after
		}
	}
	for _, prop := range ob.Properties {
		p.property(prop)
	}
	if r := ob.Resync; r != nil && o == syncform.Companies && r.BatchSize > syncform.MaxCompanyResync {
		p.report(finding("resync-batch", r.BatchRange, "batch_size is %d.", r.BatchSize))
	}
	p.mappings(ob, syncOn)
	p.backfills(ob)
}

func (p *planning) property(d *config.Property) {
	want := d.Property
	live, ok := p.live.Property(want.Object, want.Name)
	if !ok {
		p.add(phaseProperties, d.DeclRange, Action{
			Change: syncform.Change{Op: syncform.OpCreate, Resource: syncform.ResourceProperty, Object: want.Object, Name: want.Name, Property: &want},
			Reason: ReasonNew,
		})
		return
	}
	if live.HubSpotDefined {
		p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "HubSpot-defined property",
			Detail:  fmt.Sprintf("%q is one of HubSpot's own properties: it cannot be declared or changed. Remove the property block; a mapping can use it as it is.", want.Name),
			Subject: d.DeclRange.Ptr()})
		return
	}
	if live.SameSettings(want) {
		return
	}
	if live.Type != want.Type {
		if held, _ := p.live.HeldValues(want.Object, syncform.HubSpotSide, want.Name); len(held) > 0 {
			p.report(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Type change of a property that holds values",
				Detail: fmt.Sprintf("%s records hold %d distinct values of %q (for example %q); HubSpot refuses to change its type from %s to %s because they might not fit. Keep the type, or create a new property and map that instead.",
					want.Object, len(held), want.Name, held[0], live.Type, want.Type),
				Subject: d.TypeRange.Ptr()})
			return
		}
	}
	after := live // options have their own lifecycle: keep the live ones
	after.Label, after.Type, after.Group, after.Description = want.Label, want.Type, want.Group, want.Description
	before := live
	p.add(phaseProperties, d.DeclRange, Action{
		Change: syncform.Change{Op: syncform.OpUpdate, Resource: syncform.ResourceProperty, Object: want.Object, Name: want.Name, Property: &after},
		Before: &Value{Property: &before}, Reason: ReasonChanged,
	})
}

// mappings diffs one object's declared mappings against its live ones.
func (p *planning) mappings(ob *config.Object, syncOn bool) {
	o := ob.Object
	declared := map[string]*config.Mapping{}
	byField := map[string]*config.Mapping{}
	var valid []*config.Mapping
	for _, m := range ob.Mappings {
		if first, ok := declared[m.Property]; ok {
			p.report(finding("property-mapped-twice", m.DeclRange, "%q is already mapped at %s.", m.Property, config.Where(first.DeclRange)))
			continue
		}
		declared[m.Property] = m
		if first, ok := byField[m.SalesforceField]; ok && m.SalesforceField != "" {
			p.report(finding("field-mapped-twice", m.FieldRange, "%s is already mapped to %q at %s.", m.SalesforceField, first.Property, config.Where(first.DeclRange)))
			continue
		}
		byField[m.SalesforceField] = m
		if p.checkMapping(ob, m, syncOn) {
			valid = append(valid, m)
		}
	}

	// Live mappings the configuration leaves: pruned or listed as unmanaged.
	kept := map[string]syncform.Mapping{} // by Salesforce field, after the plan
	for _, lm := range p.live.Mappings[o] {
		if _, ok := declared[lm.Property]; ok {
			continue
		}
		switch {
		case lm.Standard:
			kept[lm.SalesforceField] = lm
		case ob.Prune:
			before := lm
			p.add(phaseMappingDeletes, ob.DeclRange, Action{
				Change: syncform.Change{Op: syncform.OpDelete, Resource: syncform.ResourceMapping, Object: o, Name: lm.Property},
				Before: &Value{Mapping: &before}, Reason: ReasonPruned,
			})
		default:
			kept[lm.SalesforceField] = lm
			p.plan.Unmanaged = append(p.plan.Unmanaged, lm)
		}
	}

	count := len(kept)
	for _, m := range valid {
		count++
		if other, ok := kept[m.SalesforceField]; ok {
			p.report(finding("field-mapped-twice", m.FieldRange, "%s is already mapped to the live %s mapping %q.", m.SalesforceField, other.Kind(), other.Property))
			continue
		}
		p.mapping(ob, m)
		p.options(ob, m)
	}
	p.checkLimit(ob, count)
}

// mapping plans one valid declared mapping against its live counterpart.
func (p *planning) mapping(ob *config.Object, m *config.Mapping) {
	o := m.Object
	want := m.Mapping
	want.Standard = false
	if _, ok := syncform.LookupStandard(o, m.Property); ok {
		want.Standard = true
	}
	live, ok := p.live.Mapping(o, m.Property)
	from := syncform.SyncRule("")
	if ok && live.SalesforceField == want.SalesforceField {
		from = live.Rule
	}
	if !isOwner(m.Property) {
		dirs := syncform.Opens(from, want.Rule)
		p.checkBackfill(ob, m, dirs)
		p.opened(ob, m, dirs)
	}
	switch {
	case !ok:
		p.add(phaseMappingCreates, m.DeclRange, Action{
			Change: syncform.Change{Op: syncform.OpCreate, Resource: syncform.ResourceMapping, Object: o, Name: m.Property, Mapping: &want},
			Reason: ReasonNew,
		})
	case live.SalesforceField != want.SalesforceField:
		// A custom mapping re-pointed at another field: delete, then create.
		before := live
		p.add(phaseMappingDeletes, m.FieldRange, Action{
			Change: syncform.Change{Op: syncform.OpDelete, Resource: syncform.ResourceMapping, Object: o, Name: m.Property},
			Before: &Value{Mapping: &before}, Reason: ReasonRepoint,
		})
		p.add(phaseMappingCreates, m.FieldRange, Action{
			Change: syncform.Change{Op: syncform.OpCreate, Resource: syncform.ResourceMapping, Object: o, Name: m.Property, Mapping: &want},
			Reason: ReasonRepoint,
		})
	case live.Rule != want.Rule && !isOwner(m.Property):
		// The owner mapping syncs two-way whatever rule the portal shows,
		// so its displayed rule is never a difference.
		before := live
		want.Standard = live.Standard
		p.add(phaseRuleChanges, m.RuleRange, Action{
			Change: syncform.Change{Op: syncform.OpUpdate, Resource: syncform.ResourceMapping, Object: o, Name: m.Property, Mapping: &want},
			Before: &Value{Mapping: &before}, Reason: ReasonChanged,
		})
	}
}

func isOwner(property string) bool { return property == syncform.OwnerProperty }

// Object is the object an action concerns.
func (a Action) Object() syncform.Object {
	if a.Backfill != nil {
		return a.Backfill.Job.Object
	}
	return a.Change.Object
}
