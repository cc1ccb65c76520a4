package sandbox

import (
	"context"

	sf "github.com/syncform/syncform"
)

// Manual is a sandbox whose connector settings have no API, as on a real
// portal: HubSpot publishes none for sync toggles, mappings, resyncs or
// imports. Properties still change through their API. A team uses it to
// rehearse the runbook a change will need: plans mark those changes manual,
// apply lists them, and Apply refuses them as the real system would.
type Manual struct {
	s *Sandbox
}

var _ sf.Provider = Manual{}

// ManualResources are the resources Manual leaves to a person.
var ManualResources = []sf.Resource{sf.ResourceSync, sf.ResourceMapping, sf.ResourceBackfill}

// NewManual wraps an open sandbox; closing the Manual closes it.
func NewManual(s *Sandbox) Manual { return Manual{s: s} }

// Snapshot is the sandbox's, with the connector's resources marked manual.
func (m Manual) Snapshot(ctx context.Context) (*sf.Snapshot, error) {
	snap, err := m.s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	snap.Manual = append([]sf.Resource(nil), ManualResources...)
	return snap, nil
}

// Records is the sandbox's.
func (m Manual) Records(ctx context.Context, sobject string, ids []sf.SalesforceID, fields []string) ([]sf.SalesforceRecord, error) {
	return m.s.Records(ctx, sobject, ids, fields)
}

// Apply changes properties and refuses connector settings.
func (m Manual) Apply(ctx context.Context, c sf.Change) error {
	for _, r := range ManualResources {
		if c.Resource == r {
			return sf.Rejectf("%s: the connector's settings have no API here; make this change by hand", c.Address())
		}
	}
	return m.s.Apply(ctx, c)
}

// Close closes the sandbox.
func (m Manual) Close() error { return m.s.Close() }

// Identity is the sandbox's: a portal is the same one whoever changes its
// settings.
func (m Manual) Identity(ctx context.Context) (sf.Identity, error) { return m.s.Identity(ctx) }

// Values is the sandbox's.
func (m Manual) Values(ctx context.Context, o sf.Object, side sf.Side, field string) ([]string, error) {
	return m.s.Values(ctx, o, side, field)
}

var _ sf.Claimer = Manual{}

// Claim is the sandbox's: its writer lease covers the changes Manual
// makes (properties).
func (m Manual) Claim(ctx context.Context, w sf.Writer) error { return m.s.Claim(ctx, w) }

// Unclaim is the sandbox's.
func (m Manual) Unclaim(ctx context.Context) error { return m.s.Unclaim(ctx) }
