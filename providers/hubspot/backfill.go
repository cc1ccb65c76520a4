package hubspot

import (
	"context"
	"errors"
	"net/url"

	sf "github.com/syncform/syncform"
)

// BackfillProvider is a Provider with a connector endpoint: it also moves
// existing values through the endpoint's back-fill and segment routes.
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

// Segment reads a segment by name.
func (b *BackfillProvider) Segment(ctx context.Context, name string) (sf.Segment, error) {
	var seg sf.Segment
	_, err := b.c.do(ctx, b.connector("GET", "/connector/v1/segments/"+url.PathEscape(name), nil, true), &seg)
	return seg, err
}

// CreateBatchSegment makes a static batch segment; creating an identical
// one is not an error, so it is retried.
func (b *BackfillProvider) CreateBatchSegment(ctx context.Context, name, from string, offset, limit int) (sf.Segment, error) {
	var seg sf.Segment
	body := map[string]any{"name": name, "from": from, "offset": offset, "limit": limit}
	_, err := b.c.do(ctx, b.connector("POST", "/connector/v1/segments/batch", body, true), &seg)
	return seg, err
}

// DeleteSegment deletes a segment; a missing one is not an error.
func (b *BackfillProvider) DeleteSegment(ctx context.Context, name string) error {
	_, err := b.c.do(ctx, b.connector("DELETE", "/connector/v1/segments/"+url.PathEscape(name), nil, true), nil)
	if errors.Is(err, sf.ErrNotFound) {
		return nil
	}
	return err
}
