package reconciler

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler/state"
)

// Event reports progress. For a change: once before it starts (Done false)
// and once after it ends (Done true, Err set on failure). For a back-fill:
// Backfill is set, each time its job's status is read.
type Event struct {
	Action   planner.Action
	Index    int // 1-based position among the plan's actions
	Total    int
	Done     bool
	Err      error
	Backfill *BackfillProgress
}

// BackfillProgress is where a running back-fill is.
type BackfillProgress struct {
	Address        string
	Batch, Batches int // 0-based batch, and how many there are
	Job            syncform.Job
}

// Options tune an apply.
type Options struct {
	// Progress, when set, receives every Event synchronously.
	Progress func(Event)
	// Journal records back-fills before the changes that need them, and is
	// where outstanding ones are found; required when the plan back-fills.
	Journal *state.DB
	// Connection names the live connection in the journal.
	Connection string
	// Run is the history entry the apply's work is credited to as it is
	// done (ApplyLocked sets it); 0: none.
	Run int64
	// Poll is how often a running job is read; 0 means a default.
	Poll time.Duration
	// Targets narrow PlanLive's plan (planner.Result.Target).
	Targets []string
	// Snapshot, when set, is the provider's snapshot PlanLive plans from,
	// read already (while the configuration loaded).
	Snapshot *syncform.Snapshot
	// Fence, when set, is checked before every write to the live system
	// and to the journal's back-fills; ApplyLocked sets it to the lock.
	Fence Fence
}

// Fence is what an apply checks before each write to the live system: a
// batch of changes, a back-fill batch's segment and job, a segment's
// removal, and between reads of a running job. Check fails, with an error
// wrapping state.ErrLockLost, once the connection's lock is no longer this
// apply's (force-unlock, or a takeover after its lease ran out): the apply
// stops at once, so a holder stops writing before its lock can pass to
// another, and at most the write already in flight follows a
// force-unlock. *state.Lock is one (its Check also renews the lease, so a
// write that passed it has a whole lease to finish in).
type Fence interface {
	Check(ctx context.Context) error
}

// check passes opts.Fence, when there is one.
func (opts Options) check(ctx context.Context) error {
	if opts.Fence == nil {
		return nil
	}
	return opts.Fence.Check(ctx)
}

// FinishGrace is how long a batch in flight may go on after its apply is
// cancelled.
const FinishGrace = 10 * time.Second

// Result is what an apply did.
type Result struct {
	// Applied are the actions the provider carried out.
	Applied []planner.Action
	// Backfilled are the addresses of the back-fills that finished.
	Backfilled []string
	// Abandoned are journalled back-fills dropped because none of their
	// mappings lets values flow their way any more.
	Abandoned []string
	// Runbook are the manual actions, in order, for a person to do.
	Runbook []planner.Action
}

// ActionError is the failure of one action (see Apply for what was applied
// around it).
type ActionError struct {
	Action planner.Action
	Err    error
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Action.Change.Op, e.Action.Address, e.Err)
}

func (e *ActionError) Unwrap() error { return e.Err }

// journalBackfills records the plan's new back-fills before any change is
// made: a crash after a mapping is created and before its back-fill ran
// still back-fills on the next run. A back-fill the journal already holds is
// not recorded again (see mergeOutstanding).
func journalBackfills(ctx context.Context, plan *planner.Result, opts Options, canBackfill bool) error {
	var backfills []planner.Action
	for _, a := range plan.Actions {
		if a.Backfill != nil && a.Mode == syncform.ModeAuto && a.Reason != ReasonOutstanding {
			backfills = append(backfills, a)
		}
	}
	if len(backfills) == 0 {
		return nil
	}
	if opts.Journal == nil || !canBackfill {
		return errors.New("apply: the plan back-fills, but no journal or no back-fill capable provider was given")
	}
	outstanding, err := opts.Journal.Outstanding(ctx, opts.Connection)
	if err != nil {
		return err
	}
	var fresh []planner.Action
	for _, a := range backfills {
		if !coveredByAny(outstanding, a) {
			fresh = append(fresh, a)
		}
	}
	_, err = opts.Journal.Record(ctx, opts.Connection, fresh)
	return err
}

// Apply carries out plan's actions in order, several in one request where
// the provider batches them (syncform.BatchApplier). It stops after the
// first batch with a failure, returning the partial Result and an
// *ActionError for the first failed action: the actions before its batch
// were applied, the ones after it were not, and its batch-mates may have
// been. Because every provider write is idempotent and the next run re-plans
// from live state, running again converges. Cancelling ctx stops it between
// batches: a batch in flight finishes (within FinishGrace) and is
// recorded, so an interrupted apply leaves no change made and unrecorded.
func Apply(ctx context.Context, p syncform.Provider, plan *planner.Result, opts Options) (*Result, error) {
	res := &Result{}
	bf, canBackfill := p.(syncform.Backfiller)
	if err := journalBackfills(ctx, plan, opts, canBackfill); err != nil {
		return res, err
	}
	ba, _ := p.(syncform.BatchApplier)
	var batch []int // indexes into plan.Actions
	var leftovers []int
	for i, a := range plan.Actions {
		if a.Mode == syncform.ModeManual {
			res.Runbook = append(res.Runbook, a)
			continue
		}
		if a.Backfill != nil {
			continue // run from the journal below, after every change
		}
		if a.Change.Resource == syncform.ResourceSegment {
			leftovers = append(leftovers, i) // removed below, before the back-fills
			continue
		}
		if len(batch) > 0 && !joins(ba, plan.Actions[batch[0]].Change, a.Change, len(batch)) {
			if err := applyBatch(ctx, p, ba, plan, batch, opts, res); err != nil {
				return res, err
			}
			batch = batch[:0]
		}
		batch = append(batch, i)
	}
	if len(batch) > 0 {
		if err := applyBatch(ctx, p, ba, plan, batch, opts, res); err != nil {
			return res, err
		}
	}
	if len(leftovers) > 0 && canBackfill {
		if err := removeLeftovers(ctx, bf, plan, leftovers, opts, res); err != nil {
			return res, err
		}
	}
	if opts.Journal != nil && canBackfill {
		if err := runBackfills(ctx, p, bf, opts, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// joins reports whether c may join a batch of n changes that starts with
// first.
func joins(ba syncform.BatchApplier, first, c syncform.Change, n int) bool {
	return ba != nil && syncform.Batchable(first, c) && n < ba.BatchSize(first)
}

// applyBatch carries out the actions at indexes idx: with Apply when there
// is one, else with ApplyBatch. Every action that succeeded is recorded,
// whatever happened to the others.
func applyBatch(ctx context.Context, p syncform.Provider, ba syncform.BatchApplier, plan *planner.Result, idx []int, opts Options, res *Result) error {
	first := plan.Actions[idx[0]]
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply stopped before %s: %w", first.Address, err)
	}
	if err := opts.check(ctx); err != nil {
		return fmt.Errorf("apply stopped before %s: %w", first.Address, err)
	}
	total := len(plan.Actions)
	events := make([]Event, len(idx))
	changes := make([]syncform.Change, len(idx))
	for k, i := range idx {
		events[k] = Event{Action: plan.Actions[i], Index: i + 1, Total: total}
		changes[k] = plan.Actions[i].Change
		if opts.Progress != nil {
			opts.Progress(events[k])
		}
	}
	// The batch finishes even when ctx is cancelled meanwhile, within
	// FinishGrace: enough for the request in flight, not for a long run of
	// retries against a failing API.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
		case <-finished:
			return
		}
		t := time.NewTimer(FinishGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-finished:
		}
	}()
	var errs []error
	if len(idx) == 1 {
		errs = []error{p.Apply(wctx, changes[0])}
	} else if errs = ba.ApplyBatch(wctx, changes); len(errs) != len(changes) {
		// A provider bug: which changes were made is unknown, so none is
		// recorded; the next plan reads what is live.
		return &ActionError{Action: first, Err: fmt.Errorf("the provider answered %d results for a batch of %d changes", len(errs), len(changes))}
	}
	var failed *ActionError
	var done []state.AppliedValue
	for k, ev := range events {
		if errs[k] != nil {
			if failed == nil {
				failed = &ActionError{Action: ev.Action, Err: errs[k]}
			}
			continue
		}
		res.Applied = append(res.Applied, ev.Action)
		done = append(done, state.AppliedValue{Address: ev.Action.Address, Digest: planner.ChangeDigest(ev.Action.Change)})
	}
	// Recorded before they are reported done: what a report says was done
	// is in the journal and credited to the run, even if the process is
	// killed right after.
	var recErr error
	if opts.Journal != nil {
		recErr = opts.Journal.RecordApplied(wctx, opts.Connection, opts.Run, done)
	}
	for k, ev := range events {
		ev.Done, ev.Err = true, errs[k]
		if opts.Progress != nil {
			opts.Progress(ev)
		}
	}
	if recErr != nil {
		return recErr
	}
	if failed != nil {
		return failed
	}
	return nil
}

// ApplyLocked is Apply under the connection's lock, recorded in the
// journal's history (who, the configuration's digest, what was applied as
// it was applied, how it ended). The lock is its fence (unless opts has
// another): it checks the lock before every write and stops at once when it
// is lost; it applies with the lock's context too. A write the live system
// refused because this writer's own lease there ended (syncform.ErrFenced:
// the sandbox was reset, or its lease revoked, under it) is a lost lock as
// well. opts.Journal is required.
func ApplyLocked(ctx context.Context, p syncform.Provider, plan *planner.Result, opts Options, lock *state.Lock, configDigest string) (*Result, error) {
	info := lock.Info()
	run, err := opts.Journal.BeginRun(ctx, opts.Connection, info.ID, configDigest, info.Holder)
	if err != nil {
		return &Result{}, err
	}
	opts.Run = run
	if opts.Fence == nil {
		opts.Fence = lock
	}
	lctx := lock.Context()
	res, err := Apply(lctx, p, plan, opts)
	if err != nil && !errors.Is(err, state.ErrLockLost) &&
		(errors.Is(context.Cause(lctx), state.ErrLockLost) || errors.Is(err, syncform.ErrFenced)) {
		err = fmt.Errorf("%w: %w", state.ErrLockLost, err)
	}
	outcome := state.OutcomeSucceeded
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) && !errors.Is(err, state.ErrLockLost):
		outcome = state.OutcomeInterrupted
	default:
		outcome = state.OutcomeFailed
	}
	if herr := opts.Journal.EndRun(context.WithoutCancel(ctx), run, outcome, err); herr != nil && err == nil {
		err = herr
	}
	return res, err
}

// Claim makes the holder of lock the writer of p, when p keeps a writer
// lease of its own (syncform.Claimer: the sandbox file, which two
// configuration directories with two state databases may share), waiting
// up to wait for another writer's. Callers take it right after the lock,
// before reading the live state, and call release before letting the lock
// go. For other providers it does nothing.
func Claim(ctx context.Context, p syncform.Provider, lock *state.Lock, journal *state.DB, wait time.Duration) (release func(), err error) {
	c, ok := p.(syncform.Claimer)
	if !ok {
		return func() {}, nil
	}
	info := lock.Info()
	w := syncform.Writer{Lock: info.ID, Scope: Scope(journal, info.Connection), Holder: info.Holder.String(), Lease: lock.Lease(), Wait: wait}
	if err := c.Claim(ctx, w); err != nil {
		return nil, err
	}
	return func() { c.Unclaim(context.WithoutCancel(ctx)) }, nil
}

// Scope names where a connection's locks live, for a Claimer: locks of one
// scope exclude each other already, so a writer lease of the same scope is
// its holder's to take over.
func Scope(journal *state.DB, connection string) string {
	loc := journal.Location()
	if !config.IsPostgresState(loc) {
		if abs, err := filepath.Abs(loc); err == nil {
			loc = abs
		}
	}
	return fmt.Sprintf("the state database %s (connection %s)", loc, connection)
}
