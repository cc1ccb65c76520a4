package reconciler

import (
	"context"
	"fmt"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
)

// Event reports progress: once before an action starts (Done false) and once
// after it ends (Done true, Err set on failure).
type Event struct {
	Action planner.Action
	Index  int // 1-based position among the plan's actions
	Total  int
	Done   bool
	Err    error
}

// Options tune an apply.
type Options struct {
	// Progress, when set, receives every Event synchronously.
	Progress func(Event)
}

// Result is what an apply did.
type Result struct {
	// Applied are the actions the provider carried out.
	Applied []planner.Action
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

// Apply carries out plan's actions in order. It stops at the first failure,
// returning the partial Result and an *ActionError; because every provider
// write is idempotent and the next run re-plans from live state, running
// again converges. Cancelling ctx stops it between actions.
func Apply(ctx context.Context, p syncform.Provider, plan *planner.Result, opts Options) (*Result, error) {
	res := &Result{}
	total := len(plan.Actions)
	for i, a := range plan.Actions {
		if a.Mode == syncform.ModeManual {
			res.Runbook = append(res.Runbook, a)
			continue
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
	}
	return res, nil
}
