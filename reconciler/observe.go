package reconciler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
)

// Observe reads the live state a plan of cfg needs: the provider's
// snapshot, then only what the configuration makes relevant, so the planner
// can decide without doing I/O itself:
//   - the values records hold in the properties whose options a mapping
//     manages (an option still in use is hidden, not deleted) or whose type
//     a property block changes (refused while records hold values), and in
//     the reference fields whose labels come from records (labels_from);
//   - the Salesforce records that labels name or that records reference,
//     with Name and the labels_from field. Every object an ID could point at
//     is looked up, even when nothing is found, so the planner knows the
//     lookup happened.
func Observe(ctx context.Context, p syncform.Provider, cfg *config.Config) (*syncform.Snapshot, error) {
	return observe(ctx, p, cfg, nil)
}

// observe is Observe from snap, the provider's snapshot when it was read
// already (nil: read it).
func observe(ctx context.Context, p syncform.Provider, cfg *config.Config, snap *syncform.Snapshot) (*syncform.Snapshot, error) {
	if snap == nil {
		var err error
		if snap, err = p.Snapshot(ctx); err != nil {
			return nil, fmt.Errorf("reading the live connection: %w", err)
		}
	}
	snap.Values = map[string][]string{}
	values := func(o syncform.Object, side syncform.Side, field string) ([]string, error) {
		key := syncform.ValuesKey(o, side, field)
		if v, ok := snap.Values[key]; ok {
			return v, nil
		}
		v, err := p.Values(ctx, o, side, field)
		if errors.Is(err, syncform.ErrUnavailable) {
			// The provider cannot tell (no values API): leave the field not
			// looked up, and the planner hides options rather than remove
			// one that might be held.
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the values of %s %s: %w", o, field, err)
		}
		snap.Values[key] = v
		return v, nil
	}
	wanted := map[string][]syncform.SalesforceID{}
	fields := map[string]map[string]bool{}
	want := func(raw, labelsFrom string) {
		id, err := syncform.ParseSalesforceID(raw)
		if err != nil {
			return // the planner reports a bad label key; a bad value is not ours
		}
		so, ok := snap.SObjectByPrefix(id.KeyPrefix())
		if !ok {
			return
		}
		wanted[so.Name] = append(wanted[so.Name], id)
		if fields[so.Name] == nil {
			fields[so.Name] = map[string]bool{"Name": true}
		}
		// Only fields the object has: a typo is the planner's to report,
		// with its place in the configuration.
		if _, ok := so.Field(labelsFrom); ok {
			fields[so.Name][labelsFrom] = true
		}
	}
	for _, ob := range cfg.Objects {
		for _, pr := range ob.Properties {
			if live, ok := snap.Property(ob.Object, pr.Name); ok && live.Type != pr.Type {
				if _, err := values(ob.Object, syncform.HubSpotSide, pr.Name); err != nil {
					return nil, err
				}
			}
		}
		for _, m := range ob.Mappings {
			for _, l := range m.Labels {
				want(l.ID, m.LabelsFrom)
			}
			if len(m.Labels) == 0 && m.LabelsFrom == "" && m.Options == "" {
				continue
			}
			held, err := values(ob.Object, syncform.HubSpotSide, m.Property)
			if err != nil {
				return nil, err
			}
			if m.SalesforceField == "" || len(snap.Fields(ob.Object, m.SalesforceField)) == 0 {
				continue // unknown-field is the planner's to report
			}
			referenced, err := values(ob.Object, syncform.SalesforceSide, m.SalesforceField)
			if err != nil {
				return nil, err
			}
			if m.LabelsFrom == "" {
				continue
			}
			for _, v := range append(held, referenced...) {
				want(v, m.LabelsFrom)
			}
		}
	}
	names := make([]string, 0, len(wanted))
	for n := range wanted {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, sobject := range names {
		fs := make([]string, 0, len(fields[sobject]))
		for f := range fields[sobject] {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		recs, err := p.Records(ctx, sobject, wanted[sobject], fs)
		if err != nil {
			return nil, fmt.Errorf("looking up %s records the configuration names: %w", sobject, err)
		}
		if snap.Records == nil {
			snap.Records = map[string][]syncform.SalesforceRecord{}
		}
		snap.Records[sobject] = append([]syncform.SalesforceRecord{}, recs...)
	}
	return snap, nil
}

// PlanLive is a whole plan of cfg against a live connection: it observes the
// live state, plans, narrows to opts.Targets, puts the journal's outstanding
// back-fills in (when a journal is given), and estimates every back-fill's
// impact, after targeting so the preview is what apply will do. Diagnostics are
// the configuration's and the rules'; plan is nil when they hold an error.
// err is a failure to read the live system or the journal.
func PlanLive(ctx context.Context, p syncform.Provider, cfg *config.Config, opts Options) (*syncform.Snapshot, *planner.Result, hcl.Diagnostics, error) {
	live, err := observe(ctx, p, cfg, opts.Snapshot)
	if err != nil {
		return nil, nil, nil, err
	}
	plan, diags := planner.Plan(cfg, live)
	if diags.HasErrors() {
		return live, nil, diags, nil
	}
	for _, t := range plan.Target(opts.Targets, live) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Target matches no change",
			Detail: fmt.Sprintf("--target %s matches no planned change: it is spelled wrong, or already as configured.", t)})
	}
	if opts.Journal != nil {
		entries, err := opts.Journal.Outstanding(ctx, opts.Connection)
		if err != nil {
			return nil, nil, nil, err
		}
		mergeOutstanding(plan, entries)
		if err := markDrift(ctx, plan, opts); err != nil {
			return nil, nil, nil, err
		}
		if _, ok := p.(syncform.Backfiller); ok {
			planLeftovers(plan, live, entries)
		}
	}
	if err := Estimate(ctx, p, plan); err != nil {
		return nil, nil, nil, err
	}
	return live, plan, diags, nil
}

// markDrift gives the reason drift to every change that would set a value
// an earlier apply already set: the configuration still asks for it, so the
// live value was changed outside the configuration. A plan without changes
// reads nothing.
func markDrift(ctx context.Context, plan *planner.Result, opts Options) error {
	if !slices.ContainsFunc(plan.Actions, func(a planner.Action) bool { return a.Backfill == nil }) {
		return nil
	}
	applied, err := opts.Journal.Applied(ctx, opts.Connection)
	if err != nil {
		return err
	}
	for i := range plan.Actions {
		a := &plan.Actions[i]
		if d, ok := applied[a.Address]; ok && a.Backfill == nil && d == planner.ChangeDigest(a.Change) {
			a.Reason = planner.ReasonDrift
		}
	}
	return nil
}
