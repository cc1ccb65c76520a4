package reconciler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler/state"
)

// ReasonOutstanding marks a back-fill an earlier apply journalled but did
// not finish; apply runs it before anything else is back-filled.
const ReasonOutstanding planner.Reason = "outstanding back-fill of an interrupted apply"

// defaultPoll is how often a running job's status is read.
const defaultPoll = 50 * time.Millisecond

// BackfillError is a back-fill job that failed; the journal keeps the
// back-fill outstanding, so the next apply retries the failed batch.
type BackfillError struct {
	Address string
	Batch   int
	Batches int
	Message string
}

func (e *BackfillError) Error() string {
	return fmt.Sprintf("back-fill %s, batch %d of %d: %s", e.Address, e.Batch+1, e.Batches, e.Message)
}

// Estimate fills the Impact of every back-fill the provider can run. The
// jobs are estimated together, in the order apply runs them, since one
// object's import and resync interact.
func Estimate(ctx context.Context, p syncform.Provider, plan *planner.Result) error {
	bf, ok := p.(syncform.Backfiller)
	if !ok {
		return nil
	}
	var jobs []syncform.Backfill
	var owner []*planner.Backfill
	for i := range plan.Actions {
		a := &plan.Actions[i]
		if a.Backfill == nil || a.Mode != syncform.ModeAuto {
			continue
		}
		a.Backfill.Impact = &syncform.Impact{}
		for _, j := range a.Backfill.Jobs() {
			jobs = append(jobs, j)
			owner = append(owner, a.Backfill)
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	imps, err := bf.EstimateBackfills(ctx, jobs)
	if err != nil {
		return fmt.Errorf("estimating the back-fill: %w", err)
	}
	for i, im := range imps {
		total := owner[i].Impact
		total.Examined += im.Examined
		total.HubSpotChanges += im.HubSpotChanges
		total.SalesforceChanges += im.SalesforceChanges
		total.Overwrites += im.Overwrites
		for _, s := range im.Samples {
			if len(total.Samples) < syncform.MaxImpactSamples {
				total.Samples = append(total.Samples, s)
			}
		}
	}
	return nil
}

// Outstanding returns the journal's unfinished back-fills as plan actions
// (their remaining batches), so a plan shows what the next apply will run.
func Outstanding(ctx context.Context, j *state.DB, connection string) ([]planner.Action, error) {
	entries, err := j.Outstanding(ctx, connection)
	if err != nil {
		return nil, err
	}
	out := make([]planner.Action, 0, len(entries))
	for _, e := range entries {
		b := e.Backfill
		if len(b.Batches) > 0 {
			b.Batches = b.Batches[e.NextBatch:]
		}
		b.Impact = nil
		out = append(out, planner.Action{Address: e.Address, Backfill: &b, Reason: ReasonOutstanding, Mode: syncform.ModeAuto})
	}
	return out, nil
}

// mergeOutstanding puts the journal's outstanding back-fills first in the
// plan and drops planned back-fills they already cover: one job per object
// and direction syncs every live mapping of the object, so a back-fill
// journalled by an interrupted apply stands for a new one of the same
// address. This is what keeps a back-fill from running twice.
func mergeOutstanding(plan *planner.Result, outstanding []planner.Action) {
	covered := map[string]bool{}
	for _, a := range outstanding {
		covered[a.Address] = true
	}
	kept := append([]planner.Action{}, outstanding...)
	for _, a := range plan.Actions {
		if a.Backfill != nil && covered[a.Address] {
			continue
		}
		kept = append(kept, a)
	}
	plan.Actions = kept
}

// runBackfills runs every outstanding back-fill of the connection, oldest
// first, each batch exactly once: a batch's key is journalled before its job
// starts and the job is found by that key after a crash, and a batch is
// marked finished only when its job succeeded.
func runBackfills(ctx context.Context, bf syncform.Backfiller, opts Options, res *Result) error {
	entries, err := opts.Journal.Outstanding(ctx, opts.Connection)
	if err != nil {
		return err
	}
	for _, e := range entries {
		for batch := e.NextBatch; batch < e.Batches(); batch++ {
			if err := runBatch(ctx, bf, opts, &e, batch); err != nil {
				return err
			}
		}
		res.Backfilled = append(res.Backfilled, e.Address)
	}
	return nil
}

func runBatch(ctx context.Context, bf syncform.Backfiller, opts Options, e *state.Entry, batch int) error {
	j := opts.Journal
	job := e.Backfill.Jobs()[batch]
	if e.JobID != "" {
		st, err := bf.Job(ctx, e.JobID)
		if err == nil && st.State == syncform.JobFailed {
			// The batch's job failed (or was interrupted): run it again
			// under a new key. A resync is idempotent in effect.
			if err := j.Retry(ctx, e.ID, st.Error); err != nil {
				return err
			}
			e.JobKey, e.JobID = "", ""
		}
	}
	if e.JobKey == "" {
		e.JobKey = newKey()
		if err := j.Starting(ctx, e.ID, e.JobKey); err != nil {
			return err
		}
	}
	temp := ""
	if len(e.Backfill.Batches) > 0 && job.Method == syncform.MethodSegment {
		// The connector resyncs segments, not windows: make the batch a
		// temporary segment of its own, removed when the batch is done.
		temp = "syncform batch " + e.JobKey
		if _, err := bf.CreateBatchSegment(ctx, temp, job.Segment, job.Offset, job.Limit); err != nil {
			return fmt.Errorf("making the segment of %s batch %d: %w", e.Address, batch+1, err)
		}
		job.Segment, job.Offset, job.Limit = temp, 0, 0
	}
	job.Key = e.JobKey
	st, err := bf.StartBackfill(ctx, job)
	if err != nil {
		return fmt.Errorf("starting %s batch %d: %w", e.Address, batch+1, err)
	}
	if err := j.Started(ctx, e.ID, st.ID); err != nil {
		return err
	}
	e.JobID = st.ID
	st, err = wait(ctx, bf, st, opts, e, batch)
	if err != nil {
		return err
	}
	if st.State == syncform.JobFailed {
		return &BackfillError{Address: e.Address, Batch: batch, Batches: e.Batches(), Message: st.Error}
	}
	if temp != "" {
		if err := bf.DeleteSegment(ctx, temp); err != nil {
			return fmt.Errorf("removing the temporary segment %q: %w", temp, err)
		}
	}
	if err := j.Finished(ctx, e.ID, batch, e.Batches()); err != nil {
		return err
	}
	e.NextBatch, e.JobKey, e.JobID = batch+1, "", ""
	return nil
}

// wait follows a job until it ends, reporting progress.
func wait(ctx context.Context, bf syncform.Backfiller, st syncform.Job, opts Options, e *state.Entry, batch int) (syncform.Job, error) {
	poll := opts.Poll
	if poll <= 0 {
		poll = defaultPoll
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if opts.Progress != nil {
			s := st
			opts.Progress(Event{Backfill: &BackfillProgress{Address: e.Address, Batch: batch, Batches: e.Batches(), Job: s}})
		}
		if st.State != syncform.JobRunning {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("stopped waiting for %s: %w", e.Address, ctx.Err())
		case <-t.C:
		}
		next, err := bf.Job(ctx, st.ID)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return st, err
			}
			return st, fmt.Errorf("following %s: %w", e.Address, err)
		}
		st = next
	}
}

// newKey is a batch's idempotency key: random, so keys never repeat across
// state databases.
func newKey() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}
