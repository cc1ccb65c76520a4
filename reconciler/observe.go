package reconciler

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
)

// Observe reads the live state a plan of cfg needs: the provider's snapshot,
// and the Salesforce records the configuration names by ID (reference
// labels), so the planner can tell which exist without doing I/O itself.
// Every object a label could point at is looked up, even when no ID is
// found, so the planner knows the lookup happened.
func Observe(ctx context.Context, p syncform.Provider, cfg *config.Config) (*syncform.Snapshot, error) {
	snap, err := p.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the live connection: %w", err)
	}
	wanted := map[string][]syncform.SalesforceID{}
	for _, ob := range cfg.Objects {
		for _, m := range ob.Mappings {
			for _, l := range m.Labels {
				id, err := syncform.ParseSalesforceID(l.ID)
				if err != nil {
					continue // the planner reports it
				}
				if so, ok := snap.SObjectByPrefix(id.KeyPrefix()); ok {
					wanted[so.Name] = append(wanted[so.Name], id)
				}
			}
		}
	}
	names := make([]string, 0, len(wanted))
	for n := range wanted {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, sobject := range names {
		recs, err := p.Records(ctx, sobject, wanted[sobject], []string{"Name"})
		if err != nil {
			return nil, fmt.Errorf("looking up %s records named in the configuration: %w", sobject, err)
		}
		if snap.Records == nil {
			snap.Records = map[string][]syncform.SalesforceRecord{}
		}
		snap.Records[sobject] = append([]syncform.SalesforceRecord{}, recs...)
	}
	return snap, nil
}

// PlanLive is a whole plan of cfg against a live connection: it observes the
// live state, plans, puts the journal's outstanding back-fills in (when a
// journal is given), and estimates every back-fill's impact. Diagnostics are
// the configuration's and the rules'; plan is nil when they hold an error.
// err is a failure to read the live system or the journal.
func PlanLive(ctx context.Context, p syncform.Provider, cfg *config.Config, opts Options) (*syncform.Snapshot, *planner.Result, hcl.Diagnostics, error) {
	live, err := Observe(ctx, p, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	plan, diags := planner.Plan(cfg, live)
	if diags.HasErrors() {
		return live, nil, diags, nil
	}
	if opts.Journal != nil {
		outstanding, err := Outstanding(ctx, opts.Journal, opts.Connection)
		if err != nil {
			return nil, nil, nil, err
		}
		mergeOutstanding(plan, outstanding)
	}
	if err := Estimate(ctx, p, plan); err != nil {
		return nil, nil, nil, err
	}
	return live, plan, diags, nil
}
