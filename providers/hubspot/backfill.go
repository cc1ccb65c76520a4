package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// BackfillProvider is a Provider with a connector endpoint: it also moves
// existing values through the endpoint's back-fill and batch-segment routes,
// and finds and deletes segments through HubSpot's lists API.
type BackfillProvider struct {
	*Provider
}

var (
	_ sf.Provider   = (*BackfillProvider)(nil)
	_ sf.Backfiller = (*BackfillProvider)(nil)
)

// EstimateBackfills is a dry run on the endpoint; read-only, so retried.
func (b *BackfillProvider) EstimateBackfills(ctx context.Context, bs []sf.Backfill) ([]sf.Impact, error) {
	var out struct {
		Impacts []sf.Impact `json:"impacts"`
	}
	if bs == nil {
		bs = []sf.Backfill{}
	}
	_, err := b.c.do(ctx, b.connector("POST", "/connector/v1/backfills/estimate", map[string]any{"backfills": bs}, true), &out)
	return out.Impacts, err
}

// StartBackfill starts a job. Only a keyed job is retried: without a key a
// retry after a lost response could start the job twice.
func (b *BackfillProvider) StartBackfill(ctx context.Context, bf sf.Backfill) (sf.Job, error) {
	var job sf.Job
	_, err := b.c.do(ctx, b.connector("POST", "/connector/v1/backfills", bf, bf.Key != ""), &job)
	return job, err
}

// Job reads a job's status.
func (b *BackfillProvider) Job(ctx context.Context, id string) (sf.Job, error) {
	var job sf.Job
	_, err := b.c.do(ctx, b.connector("GET", "/connector/v1/backfills/"+url.PathEscape(id), nil, true), &job)
	return job, err
}

// Segment reads a segment by name from HubSpot's lists API.
func (b *BackfillProvider) Segment(ctx context.Context, name string) (sf.Segment, error) {
	_, seg, err := b.listByName(ctx, name)
	return seg, err
}

// CreateBatchSegment makes a static batch segment; creating an identical
// one is not an error, so it is retried.
//
// It stays on the connector endpoint although HubSpot's lists API could
// make the list: copying a batch through it means paging the source's
// members, at most 250 a request, and adding them. A company batch holds
// 200,000 memberships: 800 requests to read them before the first add, all
// against the portal's ten-second and daily limits, where the endpoint's one
// request copies them in place.
func (b *BackfillProvider) CreateBatchSegment(ctx context.Context, name, from string, offset, limit int) (sf.Segment, error) {
	var seg sf.Segment
	body := map[string]any{"name": name, "from": from, "offset": offset, "limit": limit}
	_, err := b.c.do(ctx, b.connector("POST", "/connector/v1/segments/batch", body, true), &seg)
	return seg, err
}

// DeleteSegment finds the list by name and deletes it by its list ID; a
// missing one is not an error, nor is one gone by the time of the delete (a
// retry after a lost response, or another run).
func (b *BackfillProvider) DeleteSegment(ctx context.Context, name string) error {
	l, _, err := b.listByName(ctx, name)
	if errors.Is(err, sf.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = b.c.do(ctx, b.hubspot("DELETE", "/crm/v3/lists/"+url.PathEscape(l.ListID), nil, true), nil)
	if errors.Is(err, sf.ErrNotFound) {
		return nil
	}
	return err
}

// listByName finds the list named name. The lists API finds a list by name
// only within one object type, and a segment's name does not say its
// object, so it asks for each synced object's in turn. That route ignores
// case; segments are found by their exact name (syncform.Backfiller), so a
// list spelled otherwise is not the one asked for.
func (p *Provider) listByName(ctx context.Context, name string) (apiwire.List, sf.Segment, error) {
	for _, o := range sf.Objects() {
		path := "/crm/v3/lists/object-type-id/" + url.PathEscape(apiwire.ObjectTypeID(o)) + "/name/" + url.PathEscape(name)
		var res apiwire.ListResponse
		_, err := p.c.do(ctx, p.hubspot("GET", path, nil, true), &res)
		if errors.Is(err, sf.ErrNotFound) {
			continue
		}
		if err != nil {
			return apiwire.List{}, sf.Segment{}, err
		}
		if seg, ok := res.List.Segment(); ok && seg.Name == name {
			return res.List, seg, nil
		}
	}
	return apiwire.List{}, sf.Segment{}, fmt.Errorf("segment %q: %w: no list of that name", name, sf.ErrNotFound)
}
