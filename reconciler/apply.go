package reconciler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/syncform/syncform"
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
	// Poll is how often a running job is read; 0 means a default.
	Poll time.Duration
	// Targets narrow PlanLive's plan (planner.Result.Target).
	Targets []string
}

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

// ActionError is the failure of one action; the actions before it were
// applied and the ones after it were not.
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

// Apply carries out plan's actions in order. It stops at the first failure,
// returning the partial Result and an *ActionError; because every provider
// write is idempotent and the next run re-plans from live state, running
// again converges. Cancelling ctx stops it between actions.
func Apply(ctx context.Context, p syncform.Provider, plan *planner.Result, opts Options) (*Result, error) {
	res := &Result{}
	bf, canBackfill := p.(syncform.Backfiller)
	if err := journalBackfills(ctx, plan, opts, canBackfill); err != nil {
		return res, err
	}
	total := len(plan.Actions)
	for i, a := range plan.Actions {
		if a.Mode == syncform.ModeManual {
			res.Runbook = append(res.Runbook, a)
			continue
		}
		if a.Backfill != nil {
			continue // run from the journal below, after every change
		}
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("apply stopped before %s: %w", a.Address, err)
		}
		ev := Event{Action: a, Index: i + 1, Total: total}
		if opts.Progress != nil {
			opts.Progress(ev)
		}
		err := p.Apply(ctx, a.Change)
		ev.Done, ev.Err = true, err
		if opts.Progress != nil {
			opts.Progress(ev)
		}
		if err != nil {
			return res, &ActionError{Action: a, Err: err}
		}
		res.Applied = append(res.Applied, a)
		if opts.Journal != nil {
			if err := opts.Journal.RecordApplied(ctx, opts.Connection, a.Address, planner.ChangeDigest(a.Change)); err != nil {
				return res, err
			}
		}
	}
	if opts.Journal != nil && canBackfill {
		if err := runBackfills(ctx, p, bf, opts, res); err != nil {
			return res, err
		}
	}
	return res, nil
}
