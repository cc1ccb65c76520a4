package reconciler_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/testutil"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// stoppable is a fence that, once stopped, holds every check until it is
// continued: an apply whose process was stopped (SIGSTOP, Ctrl-Z) between
// two reads of its running job.
type stoppable struct {
	reconciler.Fence
	stopped, continued chan struct{}
}

func (s *stoppable) Check(ctx context.Context) error {
	select {
	case <-s.stopped:
		<-s.continued
	default:
	}
	return s.Fence.Check(ctx)
}

// takeoverConfig back-fills 3,000 companies in two batches; the first
// batch's job, 2,500 records, commits in two transactions of the sandbox,
// so it can be held between them.
const takeoverConfig = `object "companies" {
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  resync {
    to_hubspot = "none"
    batch_size = 2500
  }
}
rules {
  no-backfill = "off"
}`

// takeover is an apply (A) stopped in the middle of its first back-fill
// job, its lock released with force-unlock (and its sandbox lease
// revoked), and a second apply (B) of another handle that took the lock
// and follows A's job from the journal; then A goes on: its job is fenced
// out at its next transaction, and A gives the sandbox up. wrap, when not
// nil, is B's provider.
func takeover(t *testing.T, wrap func(*sandbox.Sandbox) syncform.Provider) takenOver {
	t.Helper()
	ctx := context.Background()
	env := testutil.New(t, &sandbox.SeedOptions{Contacts: 10, Companies: 3000, Deals: 10, Seed: 5})
	cfg := env.Config(takeoverConfig)
	a := env.Sandbox

	// A, held after the first transaction of its first job.
	held, resume := make(chan syncform.Job, 1), make(chan struct{})
	var once sync.Once
	a.AfterBatch(func(ctx context.Context, j syncform.Job) {
		once.Do(func() {
			held <- j
			select {
			case <-resume:
			case <-ctx.Done():
			}
		})
	})
	optsA := env.Options()
	lockA, err := env.Journal.Acquire(ctx, optsA.Connection, state.Holder{Operation: "apply", Who: "alice", Host: "laptop", PID: 101}, state.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	releaseA, err := reconciler.Claim(ctx, a, lockA, env.Journal, 0)
	if err != nil {
		t.Fatal(err)
	}
	fenceA := &stoppable{Fence: lockA, stopped: make(chan struct{}), continued: make(chan struct{})}
	optsA.Fence = fenceA
	_, planA, _, err := reconciler.PlanLive(ctx, a, cfg, optsA)
	if err != nil {
		t.Fatal(err)
	}
	doneA := make(chan error, 1)
	go func() {
		_, err := reconciler.ApplyLocked(ctx, a, planA, optsA, lockA, "digest")
		releaseA() // as syncform does when an apply ends: its jobs stop
		lockA.Release(ctx)
		doneA <- err
	}()
	var jobA syncform.Job
	select {
	case jobA = <-held:
	case err := <-doneA:
		t.Fatalf("A ended before its job was held: %v", err)
	}
	close(fenceA.stopped) // A's process stops

	// force-unlock, as syncform's command does it.
	if _, err := env.Journal.ForceUnlock(ctx, lockA.Info().ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Revoke(ctx, a.Path(), lockA.Info().ID); err != nil {
		t.Fatal(err)
	}

	// B takes the lock and follows A's job; once it does, A goes on.
	b, err := sandbox.Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	var pb syncform.Provider = b
	if wrap != nil {
		pb = wrap(b)
	}
	optsB := env.Options()
	lockB, err := env.Journal.Acquire(ctx, optsB.Connection, state.Holder{Operation: "apply", Who: "bob", Host: "laptop", PID: 202}, state.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer lockB.Release(ctx)
	releaseB, err := reconciler.Claim(ctx, b, lockB, env.Journal, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseB()
	_, planB, _, err := reconciler.PlanLive(ctx, pb, cfg, optsB)
	if err != nil {
		t.Fatal(err)
	}
	var following sync.Once
	optsB.Progress = func(ev reconciler.Event) {
		if ev.Backfill != nil && ev.Backfill.Job.ID == jobA.ID && ev.Backfill.Job.State == syncform.JobRunning {
			following.Do(func() {
				close(fenceA.continued)
				close(resume)
			})
		}
	}
	res, errB := reconciler.ApplyLocked(ctx, pb, planB, optsB, lockB, "digest")
	following.Do(func() { t.Error("B never followed A's job") })
	if err := <-doneA; !errors.Is(err, state.ErrLockLost) {
		t.Errorf("A after force-unlock: %v; want its lock lost", err)
	}
	jobs, err := b.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return takenOver{env: env, res: res, err: errB, jobs: jobs, jobA: jobA.ID}
}

// takenOver is how a takeover ended: B's result and error, the sandbox's
// jobs, and A's job's ID.
type takenOver struct {
	env  *testutil.Env
	res  *reconciler.Result
	err  error
	jobs []syncform.Job
	jobA string
}

// TestTakeoverRerunsAnInterruptedJob: an apply that took over the lock of
// a stopped one follows that one's job from the journal; when the stopped
// apply goes on, its job is fenced out and fails as interrupted. The new
// apply runs the batch again, once, and finishes the back-fill: it does
// not fail with the other run's interruption.
func TestTakeoverRerunsAnInterruptedJob(t *testing.T) {
	ctx := context.Background()
	to := takeover(t, nil)
	if to.err != nil {
		t.Fatalf("the apply that took over: %v", to.err)
	}
	if len(to.res.Backfilled) != 1 {
		t.Errorf("back-filled %v", to.res.Backfilled)
	}
	jobs, env := to.jobs, to.env
	// A's job, interrupted; batch 1 again; batch 2.
	if len(jobs) != 3 || jobs[0].ID != to.jobA || jobs[0].State != syncform.JobFailed || !strings.Contains(jobs[0].Error, "interrupted") && !strings.Contains(jobs[0].Error, "fenced out") {
		t.Fatalf("jobs %+v; want A's interrupted, then two that succeeded", jobs)
	}
	for _, j := range jobs[1:] {
		if j.State != syncform.JobSucceeded {
			t.Errorf("job %+v", j)
		}
	}
	if jobs[1].Done != 2500 || jobs[2].Done != 500 {
		t.Errorf("the batches ran %d and %d records; want 2500 and 500", jobs[1].Done, jobs[2].Done)
	}
	if out, err := env.Journal.Outstanding(ctx, env.Options().Connection); err != nil || len(out) != 0 {
		t.Errorf("outstanding after: %+v, %v", out, err)
	}
	_, plan, _, err := reconciler.PlanLive(ctx, env.Sandbox, env.Config(takeoverConfig), env.Options())
	if err != nil || !plan.Empty() {
		t.Errorf("not converged: %+v, %v", plan.Actions, err)
	}
}

// refusing is the sandbox refusing every new back-fill job: it answers a
// job that failed at once and starts nothing. A job started under a key
// already (the batch in flight) is left to the sandbox.
type refusing struct {
	*sandbox.Sandbox
	refused int
}

func (r *refusing) StartBackfill(ctx context.Context, b syncform.Backfill) (syncform.Job, error) {
	if jobs, err := r.Sandbox.Jobs(ctx); err == nil {
		for _, j := range jobs {
			if j.Backfill.Key == b.Key {
				return r.Sandbox.StartBackfill(ctx, b)
			}
		}
	}
	r.refused++
	return syncform.Job{ID: "job-refused", Backfill: b, State: syncform.JobFailed, Error: "refused"}, nil
}

// TestTakeoverReportsAJobThatFailsAgain: the batch of an interrupted job
// runs again once, not for ever: when that job fails too, the apply
// reports it (BackfillError).
func TestTakeoverReportsAJobThatFailsAgain(t *testing.T) {
	var r *refusing
	to := takeover(t, func(b *sandbox.Sandbox) syncform.Provider {
		r = &refusing{Sandbox: b}
		return r
	})
	var be *reconciler.BackfillError
	if !errors.As(to.err, &be) || be.Message != "refused" || be.Batch != 0 {
		t.Errorf("the apply that took over: %v; want batch 1's job refused", to.err)
	}
	if r.refused != 1 {
		t.Errorf("%d jobs refused; want the batch run again once", r.refused)
	}
}
