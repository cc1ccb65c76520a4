package reconciler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler/state"
)

// ReasonOutstanding marks a back-fill an earlier apply journalled but did
// not finish; apply runs it before anything else is back-filled.
const ReasonOutstanding = planner.ReasonOutstanding

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

// resumeAction is a journalled back-fill as a plan action: its remaining
// batches, so a plan shows what the next apply will run.
func resumeAction(e state.Entry) planner.Action {
	b := e.Backfill
	if len(b.Batches) > 0 {
		b.Batches = b.Batches[e.NextBatch:]
	}
	b.Impact = nil
	return planner.Action{Address: e.Address, Backfill: &b, Reason: ReasonOutstanding, Mode: syncform.ModeAuto}
}

// covers reports whether a journalled back-fill stands for a planned one:
// same object and direction, not started yet, and syncing at least the
// planned one's properties. (A job syncs every live mapping of its object,
// but a back-fill that already ran some batches has passed records by.)
// This is what keeps an interrupted apply's back-fill from running twice
// without ever dropping one that is still needed.
func covers(e state.Entry, a planner.Action) bool {
	if a.Backfill == nil || e.Address != a.Address || e.NextBatch > 0 || e.JobKey != "" {
		return false
	}
	have := map[string]bool{}
	for _, p := range e.Backfill.Job.Properties {
		have[p] = true
	}
	for _, p := range a.Backfill.Job.Properties {
		if !have[p] {
			return false
		}
	}
	return true
}

// mergeOutstanding adds the journal's outstanding back-fills to a plan,
// after its changes and before its new back-fills (the order apply runs
// them in), and drops the new back-fills they cover. Resumed back-fills are
// previewed with the mappings the plan leaves.
func mergeOutstanding(plan *planner.Result, entries []state.Entry) {
	var changes, resumed, fresh []planner.Action
	for _, e := range entries {
		a := resumeAction(e)
		if after, ok := plan.After[e.Backfill.Job.Object]; ok {
			a.Backfill.Job.Mappings = after
		}
		resumed = append(resumed, a)
	}
	for _, a := range plan.Actions {
		switch {
		case a.Backfill == nil:
			changes = append(changes, a)
		case !coveredByAny(entries, a):
			fresh = append(fresh, a)
		}
	}
	plan.Actions = append(append(changes, resumed...), fresh...)
}

func coveredByAny(entries []state.Entry, a planner.Action) bool {
	for _, e := range entries {
		if covers(e, a) {
			return true
		}
	}
	return false
}

// stillMapped reports whether one of the properties an entry back-fills is
// still mapped with a rule that lets values flow in its direction.
func stillMapped(live *syncform.Snapshot, e state.Entry) bool {
	j := e.Backfill.Job
	for _, prop := range j.Properties {
		m, ok := live.Mapping(j.Object, prop)
		if !ok {
			continue
		}
		if j.Direction == syncform.ToHubSpot && m.Rule.ToHubSpot() || j.Direction == syncform.ToSalesforce && m.Rule.ToSalesforce() {
			return true
		}
	}
	return false
}

// runBackfills runs every outstanding back-fill of the connection, oldest
// first, each batch exactly once: a batch's key is journalled before its job
// starts and the job is found by that key after a crash, and a batch is
// marked finished only when its job succeeded.
func runBackfills(ctx context.Context, p syncform.Provider, bf syncform.Backfiller, opts Options, res *Result) error {
	entries, err := opts.Journal.Outstanding(ctx, opts.Connection)
	if err != nil || len(entries) == 0 {
		return err
	}
	live, err := p.Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("reading the live mappings before back-filling: %w", err)
	}
	for _, e := range entries {
		if err := opts.check(ctx); err != nil {
			return fmt.Errorf("back-filling stopped before %s: %w", e.Address, err)
		}
		if !stillMapped(live, e) {
			// The configuration changed since the back-fill was journalled:
			// nothing it was for flows that way any more.
			if err := opts.Journal.Fail(ctx, e.ID, "abandoned: none of its mappings lets values flow that way any more"); err != nil {
				return err
			}
			res.Abandoned = append(res.Abandoned, e.Address)
			continue
		}
		for batch := e.NextBatch; batch < e.Batches(); batch++ {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("back-filling stopped before %s batch %d: %w", e.Address, batch+1, err)
			}
			if err := runBatch(ctx, bf, opts, &e, batch); err != nil {
				return err
			}
		}
		res.Backfilled = append(res.Backfilled, e.Address)
	}
	return nil
}

// runBatch runs batch of e to its end. A job an earlier run started (e
// has its key) and that failed, before this run got to it or while this
// run followed it, was most likely interrupted with that run: its process
// died, or it was fenced out when its lock passed to this run, or its run
// gave the sandbox up. Its batch runs again, once, under a new key; only
// a job that fails after that is reported (BackfillError), so a batch
// that fails on its own still stops the apply. The journal keeps the batch
// to one job at a time: a new key is journalled only once the old key's
// job has ended.
func runBatch(ctx context.Context, bf syncform.Backfiller, opts Options, e *state.Entry, batch int) error {
	j := opts.Journal
	if e.JobID != "" {
		if st, err := bf.Job(ctx, e.JobID); err == nil && st.State == syncform.JobFailed {
			if err := forget(ctx, bf, opts, e, st.Error); err != nil {
				return err
			}
		}
	}
	for {
		earlier := e.JobKey
		st, temp, err := start(ctx, bf, opts, e, batch)
		if err != nil {
			return err
		}
		// Under the key an earlier run journalled, the job is that run's
		// (or, if it never started one, this run's: then a failure is
		// reported one job later).
		inherited := earlier != "" && e.JobKey == earlier
		if st, err = wait(ctx, bf, st, opts, e, batch); err != nil {
			return err
		}
		// The job's end is reported once the journal has it: a batch
		// reported finished is recorded, and credited to the run, even if
		// the process is killed right after.
		if st.State == syncform.JobFailed {
			if err := forget(ctx, bf, opts, e, st.Error); err != nil {
				return err
			}
			report(opts, e, batch, st)
			if inherited {
				continue // under a new key: the next failure is reported
			}
			return &BackfillError{Address: e.Address, Batch: batch, Batches: e.Batches(), Message: st.Error}
		}
		if err := opts.check(ctx); err != nil {
			return fmt.Errorf("%s batch %d finished, but: %w", e.Address, batch+1, err)
		}
		if temp != "" {
			if err := bf.DeleteSegment(ctx, temp); err != nil {
				return fmt.Errorf("removing the temporary segment %q: %w", temp, err)
			}
		}
		if err := j.Finished(ctx, opts.Run, *e, batch); err != nil {
			return err
		}
		report(opts, e, batch, st)
		e.NextBatch, e.JobKey, e.JobID = batch+1, "", ""
		return nil
	}
}

// report sends the progress of a batch's job.
func report(opts Options, e *state.Entry, batch int, st syncform.Job) {
	if opts.Progress != nil {
		opts.Progress(Event{Backfill: &BackfillProgress{Address: e.Address, Batch: batch, Batches: e.Batches(), Job: st}})
	}
}

// start starts the batch's job under the entry's key, journalling a new key
// first when there is none, and returns it with its temporary segment, if
// any. A key an earlier run journalled without a job ID may have started a
// job that failed since (its process was killed): StartBackfill returns that
// job, and the batch starts afresh under a new key.
func start(ctx context.Context, bf syncform.Backfiller, opts Options, e *state.Entry, batch int) (syncform.Job, string, error) {
	j := opts.Journal
	for {
		if err := opts.check(ctx); err != nil {
			return syncform.Job{}, "", fmt.Errorf("back-filling stopped before %s batch %d: %w", e.Address, batch+1, err)
		}
		resumed := e.JobKey != ""
		if !resumed {
			e.JobKey = newKey()
			if err := j.Starting(ctx, e.ID, e.JobKey); err != nil {
				return syncform.Job{}, "", err
			}
		}
		job := e.Backfill.Jobs()[batch]
		temp := ""
		if len(e.Backfill.Batches) > 0 && job.Method == syncform.MethodSegment {
			// The connector resyncs segments, not windows: make the batch a
			// temporary segment of its own, removed when the batch is done.
			temp = batchSegment(e.JobKey)
			if _, err := bf.CreateBatchSegment(ctx, temp, job.Segment, job.Offset, job.Limit); err != nil {
				return syncform.Job{}, "", fmt.Errorf("making the segment of %s batch %d: %w", e.Address, batch+1, err)
			}
			job.Segment, job.Offset, job.Limit = temp, 0, 0
			// Making a segment of 200,000 members takes a while.
			if err := opts.check(ctx); err != nil {
				return syncform.Job{}, "", fmt.Errorf("back-filling stopped before %s batch %d: %w", e.Address, batch+1, err)
			}
		}
		job.Key = e.JobKey
		st, err := bf.StartBackfill(ctx, job)
		if err != nil {
			return st, "", fmt.Errorf("starting %s batch %d: %w", e.Address, batch+1, err)
		}
		if resumed && st.State == syncform.JobFailed {
			if err := forget(ctx, bf, opts, e, st.Error); err != nil {
				return st, "", err
			}
			continue
		}
		if err := j.Started(ctx, e.ID, st.ID); err != nil {
			return st, "", err
		}
		e.JobID = st.ID
		return st, temp, nil
	}
}

// forget drops the batch's failed job: its temporary segment (if it made
// one) and its key, so the batch runs again under a new key. A resync is
// idempotent in effect.
func forget(ctx context.Context, bf syncform.Backfiller, opts Options, e *state.Entry, reason string) error {
	if err := opts.check(ctx); err != nil {
		return fmt.Errorf("%s: its batch's job failed (%s), and: %w", e.Address, reason, err)
	}
	if err := bf.DeleteSegment(ctx, batchSegment(e.JobKey)); err != nil {
		return fmt.Errorf("removing the temporary segment of a failed batch: %w", err)
	}
	if err := opts.Journal.Retry(ctx, e.ID, reason); err != nil {
		return err
	}
	e.JobKey, e.JobID = "", ""
	return nil
}

// wait follows a job until it ends, reporting its progress while it runs
// (its end is the caller's to report). It reads the job soon after
// starting it and then less and less often, up to every opts.Poll: a short
// job is seen to end at once, a long one costs few reads. Each read passes
// the fence first: a job keeps writing while it is followed, and an apply
// that lost its lock stops following it at once (the caller then closes
// the provider, which stops a job it runs).
func wait(ctx context.Context, bf syncform.Backfiller, st syncform.Job, opts Options, e *state.Entry, batch int) (syncform.Job, error) {
	poll := opts.Poll
	if poll <= 0 {
		poll = defaultPoll
	}
	interval := max(poll/8, time.Millisecond)
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		if st.State != syncform.JobRunning {
			return st, nil
		}
		report(opts, e, batch, st)
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("stopped waiting for %s: %w", e.Address, ctx.Err())
		case <-t.C:
		}
		interval = min(2*interval, poll)
		t.Reset(interval)
		if err := opts.check(ctx); err != nil {
			return st, fmt.Errorf("stopped following %s: %w", e.Address, err)
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

// BatchSegmentPrefix starts the name of every temporary batch segment.
const BatchSegmentPrefix = "syncform batch "

// ReasonLeftover marks the removal of a temporary batch segment that no
// outstanding back-fill's batch in flight owns: an apply made it and was
// stopped (killed, or its lock taken) before removing it.
const ReasonLeftover planner.Reason = "a temporary segment an interrupted back-fill left"

// planLeftovers adds to plan the removal of every live temporary batch
// segment (BatchSegmentPrefix) whose key is no outstanding entry's batch
// in flight, after the plan's changes and before its back-fills (the order
// apply runs them in). A segment of a batch in flight is the entry's: its
// resumed batch uses it, or removes it when it forgets the batch.
func planLeftovers(plan *planner.Result, live *syncform.Snapshot, entries []state.Entry) {
	inFlight := map[string]bool{}
	for _, e := range entries {
		if e.JobKey != "" {
			inFlight[batchSegment(e.JobKey)] = true
		}
	}
	var removals []planner.Action
	for _, seg := range live.Segments {
		if !strings.HasPrefix(seg.Name, BatchSegmentPrefix) || inFlight[seg.Name] {
			continue
		}
		c := syncform.Change{Op: syncform.OpDelete, Resource: syncform.ResourceSegment, Object: seg.Object, Name: seg.Name}
		removals = append(removals, planner.Action{Address: c.Address(), Change: c, Reason: ReasonLeftover, Mode: syncform.ModeAuto})
	}
	if len(removals) == 0 {
		return
	}
	at := slices.IndexFunc(plan.Actions, func(a planner.Action) bool { return a.Backfill != nil })
	if at < 0 {
		at = len(plan.Actions)
	}
	plan.Actions = slices.Insert(plan.Actions, at, removals...)
}

// removeLeftovers removes the leftover segments of plan.Actions at idx
// (planLeftovers), each once the fence passed. Removing one that is gone
// already succeeds.
func removeLeftovers(ctx context.Context, bf syncform.Backfiller, plan *planner.Result, idx []int, opts Options, res *Result) error {
	for _, i := range idx {
		a := plan.Actions[i]
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("apply stopped before %s: %w", a.Address, err)
		}
		if err := opts.check(ctx); err != nil {
			return fmt.Errorf("apply stopped before %s: %w", a.Address, err)
		}
		ev := Event{Action: a, Index: i + 1, Total: len(plan.Actions)}
		if opts.Progress != nil {
			opts.Progress(ev)
		}
		ev.Done, ev.Err = true, bf.DeleteSegment(ctx, a.Change.Name)
		if opts.Progress != nil {
			opts.Progress(ev)
		}
		if ev.Err != nil {
			return &ActionError{Action: a, Err: ev.Err}
		}
		res.Applied = append(res.Applied, a)
	}
	return nil
}

func batchSegment(key string) string { return BatchSegmentPrefix + key }

// newKey is a batch's idempotency key: random, so keys never repeat across
// state databases.
func newKey() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}
