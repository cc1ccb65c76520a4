package sandbox

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"time"

	sf "github.com/syncform/syncform"
)

// Back-fill jobs. A job's row in the jobs table is its status: the goroutine
// running it updates the row in the same transaction as each batch of
// records, so the row never claims work that did not commit, and any handle
// or process reading the file can follow it.

// plan is a validated back-fill, ready to run or estimate.
type plan struct {
	b   sf.Backfill
	e   *engine
	src source
	// capped: a company resync, which syncs at most MaxCompanyResync
	// records.
	capped bool
}

// planBackfill checks b against the live settings as the connector would and
// prepares it.
func planBackfill(ctx context.Context, q querier, live *sf.Snapshot, b sf.Backfill) (*plan, error) {
	if _, err := sf.ParseObject(string(b.Object)); err != nil {
		return nil, sf.Rejectf("back-fill: unknown object %q", b.Object)
	}
	if !b.Object.AlwaysSynced() && !live.Sync[b.Object] {
		return nil, sf.Rejectf("back-fill of %s: %s sync is off; turn it on first", b.Object, b.Object)
	}
	want := sf.ToSalesforce
	if b.Method == sf.MethodImport {
		want = sf.ToHubSpot
	}
	if b.Direction != want {
		return nil, sf.Rejectf("back-fill of %s: a %s moves values %s, not %s", b.Object, b.Method, want, b.Direction)
	}
	if b.Offset < 0 || b.Limit < 0 || b.Limit == 0 && b.Offset > 0 {
		return nil, sf.Rejectf("back-fill of %s: offset %d and limit %d; want a limit > 0 with any offset ≥ 0", b.Object, b.Offset, b.Limit)
	}
	if b.Limit > 0 && b.Method != sf.MethodSegment {
		return nil, sf.Rejectf("back-fill of %s: only a segment back-fill takes an offset and a limit", b.Object)
	}
	p := &plan{b: b, e: newEngine(live, b.Object, b.Direction)}
	switch b.Method {
	case sf.MethodImport:
		p.src = sourceOf(SegmentDef{Object: b.Object})
	case sf.MethodSegment:
		d, ok, err := readSegment(ctx, q, b.Segment)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("back-fill of %s: segment %q: %w", b.Object, b.Segment, sf.ErrNotFound)
		}
		if d.Object != b.Object {
			return nil, sf.Rejectf("back-fill of %s: segment %q is a segment of %s", b.Object, b.Segment, d.Object)
		}
		p.src, p.capped = sourceOf(d), b.Object == sf.Companies
	case sf.MethodRecords:
		if len(b.Records) == 0 {
			return nil, sf.Rejectf("back-fill of %s: a record resync names no records", b.Object)
		}
		p.src, p.capped = recordsSource(b.Object, b.Records), b.Object == sf.Companies
	default:
		return nil, sf.Rejectf("back-fill of %s: unknown method %q", b.Object, b.Method)
	}
	return p, nil
}

// span is where the back-fill's records start (the record ID before the
// first, 0 for the beginning) and how many there are: all of its source's,
// or the window [Offset, Offset+Limit) of them.
func (p *plan) span(ctx context.Context, q querier) (int64, int, error) {
	total, err := p.src.count(ctx, q)
	if err != nil || p.b.Limit == 0 {
		return 0, total, err
	}
	n := min(max(total-p.b.Offset, 0), p.b.Limit)
	var start int64
	if p.b.Offset > 0 && n > 0 {
		err = p.src.positions(ctx, q, p.b.Offset-1, 1, func(id int64) { start = id })
	}
	return start, n, err
}

// limit is how many of total records the back-fill syncs, and whether it
// then fails as the connector does past its company resync limit.
func (p *plan) limit(total int) (int, bool) {
	if p.capped && total > sf.MaxCompanyResync {
		return sf.MaxCompanyResync, true
	}
	return total, false
}

func (p *plan) runner(write bool) *runner {
	return &runner{e: p.e, src: p.src, write: write, record: recordLabel(p.b.Object)}
}

// drive runs r over limit records of its source after the record ID start,
// one batch per call of inTx, which supplies the transaction; after each
// batch, progress runs in that same transaction. The estimate and the job
// differ only in inTx, progress and r.write.
func drive(ctx context.Context, r *runner, start int64, limit int, inTx func(func(querier) error) error,
	progress func(q querier, n, changed int) error) error {
	cursor, left := start, limit
	for left > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, more := 0, false
		err := inTx(func(q querier) error {
			next, got, changed, m, err := r.batch(ctx, q, cursor, min(batchSize, left))
			if err != nil {
				return err
			}
			if err := progress(q, got, changed); err != nil {
				return err
			}
			cursor, n, more = next, got, m
			return nil
		})
		if err != nil {
			return err
		}
		left -= n
		if !more {
			break
		}
	}
	return nil
}

// EstimateBackfill is EstimateBackfills of one back-fill.
func (s *Sandbox) EstimateBackfill(ctx context.Context, b sf.Backfill) (sf.Impact, error) {
	imps, err := s.EstimateBackfills(ctx, []sf.Backfill{b})
	if err != nil {
		return sf.Impact{}, err
	}
	return imps[0], nil
}

// EstimateBackfills is a dry run of the back-fills in order: the jobs' own
// code, in one transaction that is rolled back, each job seeing what the
// ones before it would change and nothing kept. Jobs of different objects
// never see each other's changes (records of one object never read
// another's values), so each object's jobs are estimated on their own: in
// one pass that writes nothing when each of them covers all of the
// object's records (estimateTogether), else one after another, a job
// writing what it would change only when a later one reads it.
func (s *Sandbox) EstimateBackfills(ctx context.Context, bs []sf.Backfill) ([]sf.Impact, error) {
	out := make([]sf.Impact, len(bs))
	err := s.writeUnfenced(ctx, "estimating back-fill", func(tx *sql.Tx) (bool, error) {
		// The jobs write values, never settings nor segments: one read of
		// them prepares every job.
		settings, err := s.settings(ctx, tx)
		if err != nil {
			return false, err
		}
		plans := make([]*plan, len(bs))
		for i, b := range bs {
			if plans[i], err = planBackfill(ctx, tx, preview(settings, b), b); err != nil {
				return false, err
			}
		}
		for _, o := range sf.Objects() {
			var idx []int
			for i, b := range bs {
				if b.Object == o {
					idx = append(idx, i)
				}
			}
			if len(idx) > 1 && !slices.ContainsFunc(idx, func(i int) bool { return !plans[i].src.whole }) {
				if err := estimateTogether(ctx, tx, plans, idx, out); err != nil {
					return false, err
				}
				continue
			}
			for k, i := range idx {
				p := plans[i]
				start, total, err := p.span(ctx, tx)
				if err != nil {
					return false, err
				}
				limit, _ := p.limit(total)
				r := p.runner(slices.ContainsFunc(idx[k+1:], func(j int) bool { return reads(bs[j], bs[i], p.src) }))
				err = drive(ctx, r, start, limit, func(f func(querier) error) error { return f(tx) },
					func(querier, int, int) error { return nil })
				if err != nil {
					return false, err
				}
				out[i] = r.imp
			}
		}
		return false, nil // never commit: an estimate changes nothing
	})
	return out, err
}

// preview is the settings b is estimated on: with b.Mappings, the settings
// a plan will make (see Backfill), on a copy.
func preview(settings *sf.Snapshot, b sf.Backfill) *sf.Snapshot {
	if b.Mappings == nil {
		return settings
	}
	p := *settings
	p.Mappings, p.Sync = maps.Clone(settings.Mappings), maps.Clone(settings.Sync)
	p.Mappings[b.Object] = b.Mappings
	p.Sync[b.Object] = true
	return &p
}

// estimateTogether estimates the jobs idx of one object, each over all of
// its records (an import, a resync of every record, whole or a batch), in
// one pass that writes nothing: each page of records goes through the jobs
// in order, in memory, each syncing the records of its window as the jobs
// before it left them, which is what writing between them would show it.
// A million records cost one read instead of a write and a read per job.
func estimateTogether(ctx context.Context, q querier, plans []*plan, idx []int, out []sf.Impact) error {
	type stage struct {
		r           *runner
		start       int64
		limit, seen int
	}
	stages := make([]stage, len(idx))
	for k, i := range idx {
		start, total, err := plans[i].span(ctx, q)
		if err != nil {
			return err
		}
		limit, _ := plans[i].limit(total)
		stages[k] = stage{r: plans[i].runner(false), start: start, limit: limit}
	}
	src := plans[idx[0]].src
	var rows []pairRow
	for cursor, more := int64(0), true; more; {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if rows, cursor, more, err = src.page(ctx, q, cursor, batchSize, rows); err != nil {
			return storeErr("reading records", err)
		}
		busy := false
		for k := range stages {
			st := &stages[k]
			refs, err := st.r.linkRefs(ctx, q, rows)
			if err != nil {
				return err
			}
			// The window's rows: those after its start, up to its limit.
			from, _ := slices.BinarySearchFunc(rows, st.start+1, func(p pairRow, id int64) int { return cmp.Compare(p.id, id) })
			to := min(len(rows), from+st.limit-st.seen)
			st.seen += to - from
			st.r.syncAll(rows[from:to], refs)
			busy = busy || st.seen < st.limit
		}
		more = more && busy
	}
	for k, i := range idx {
		out[i] = stages[k].r.imp
	}
	return nil
}

// reads reports whether job later can read values that job b, over src,
// changes. Records of one object never read another's values. Batches of
// one segment back-fill whose windows do not overlap read none of each
// other's records, unless membership itself depends on values (a dynamic
// segment's filter) and a change can move a record into a later batch.
// (Windows overlap when a resumed back-fill's batches run beside a fresh
// one of the same segment.)
func reads(later, b sf.Backfill, src source) bool {
	if later.Object != b.Object {
		return false
	}
	sameBackfill := later.Limit > 0 && b.Limit > 0 && later.Method == b.Method &&
		later.Direction == b.Direction && later.Segment == b.Segment &&
		(later.Offset >= b.Offset+b.Limit || later.Offset+later.Limit <= b.Offset)
	return !sameBackfill || src.byValue
}

// Errors a job ends with, as its row's error (context.Cause).
var (
	errClosed    = errors.New("interrupted: the sandbox was closed")
	errCanceled  = errors.New("interrupted: canceled")
	errDied      = errors.New("interrupted: the process running the job stopped")
	errUnclaimed = errors.New("interrupted: its writer gave the sandbox up")
	errPartial   = errors.New(sf.PartialResyncMessage)
)

// jobRun is a job this handle runs.
type jobRun struct {
	id     string
	cancel context.CancelCauseFunc
	done   chan struct{} // closed once the row holds the final state
	notify chan struct{} // a new status is in last
	mu     sync.Mutex
	last   sf.Job
	// afterBatch is the handle's AfterBatch when the job started.
	afterBatch func(context.Context, sf.Job)
}

func (r *jobRun) publish(j sf.Job) {
	r.mu.Lock()
	r.last = j
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

func (r *jobRun) latest() sf.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// liveJobs holds the IDs of the jobs running in this process, whichever
// handle runs them: a row that claims this process but is not here is a job
// whose handle went away without finishing it (see sweepJobs).
var liveJobs sync.Map

// StartBackfill starts b as a job and returns at once. The job runs on a
// goroutine of this handle, which Close stops. A back-fill the connector would
// refuse (unknown segment, object sync off, …) is an error here, with no job.
// With a Key some job already started under, in any handle or process, it
// starts nothing and returns that job's status, whatever its state.
func (s *Sandbox) StartBackfill(ctx context.Context, b sf.Backfill) (sf.Job, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return sf.Job{}, errors.New("sandbox: closed")
	}
	s.jobs.Add(1)
	s.mu.Unlock()
	started := false
	defer func() {
		if !started {
			s.jobs.Done()
		}
	}()

	id := newJobID()
	job := sf.Job{ID: id, Backfill: b, State: sf.JobRunning}
	spec, err := json.Marshal(b)
	if err != nil {
		return sf.Job{}, err
	}
	liveJobs.Store(id, struct{}{}) // before the row exists, so no sweep takes it for dead
	var p *plan
	var existing string
	err = s.write(ctx, "starting back-fill", func(tx *sql.Tx) (bool, error) {
		if b.Key != "" {
			// Checked and claimed in one write transaction: two callers
			// with one key cannot both start a job.
			err := eachRow(ctx, tx, `SELECT id FROM jobs WHERE key = ?`, []any{b.Key}, func(r *sql.Rows) error {
				return r.Scan(&existing)
			})
			if err != nil || existing != "" {
				return false, storeErr("starting back-fill", err)
			}
		}
		live, err := s.settings(ctx, tx)
		if err != nil {
			return false, err
		}
		if p, err = planBackfill(ctx, tx, live, b); err != nil {
			return false, err
		}
		now := s.clock.Now().UnixMilli()
		return true, execStmt(ctx, tx, "starting back-fill",
			`INSERT INTO jobs (id, backfill, state, pid, pid_start, host, started, heartbeat, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, string(spec), string(sf.JobRunning), os.Getpid(), selfStart(), hostname(), now, now, b.Key)
	})
	if err != nil || existing != "" {
		liveJobs.Delete(id)
		if err != nil {
			return sf.Job{}, err
		}
		return s.Job(ctx, existing)
	}
	jctx, cancel := context.WithCancelCause(s.ctx)
	run := &jobRun{id: id, cancel: cancel, done: make(chan struct{}), notify: make(chan struct{}, 1), last: job}
	s.mu.Lock()
	run.afterBatch = s.afterBatch
	s.runs[id] = run
	s.mu.Unlock()
	started = true
	go s.runJob(jctx, run, p)
	return job, nil
}

// runJob runs a job to its end and records how it ended. Meanwhile its
// heartbeat beats on a ticker of its own (beat), whatever the job is
// doing, so that a reader can tell a job whose process died from one that
// is slow.
func (s *Sandbox) runJob(ctx context.Context, run *jobRun, p *plan) {
	defer s.jobs.Done()
	defer run.cancel(nil)
	job := run.latest()
	finished := make(chan struct{})
	beating := make(chan struct{})
	tick, stop := s.clock.NewTicker(beatEvery)
	go s.beat(job.ID, tick, stop, finished, beating)
	err := s.execute(ctx, run, p, &job)
	close(finished)
	<-beating
	switch {
	case err == nil:
		job.State = sf.JobSucceeded // even if stopped just after its last batch
	case ctx.Err() != nil:
		job.State, job.Error = sf.JobFailed, context.Cause(ctx).Error()
	default:
		job.State, job.Error = sf.JobFailed, err.Error()
	}
	// The final state is written even when ctx is done (Close waits for it).
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*busyTimeoutMS*time.Millisecond)
	defer cancel()
	// Unfenced: a job whose writer lease ended still says it stopped.
	_ = s.writeUnfenced(fctx, "finishing back-fill", func(tx *sql.Tx) (bool, error) {
		return true, execStmt(fctx, tx, "finishing back-fill",
			`UPDATE jobs SET state = ?, error = ?, heartbeat = ? WHERE id = ?`,
			string(job.State), job.Error, s.clock.Now().UnixMilli(), job.ID)
	})
	s.mu.Lock()
	delete(s.runs, run.id)
	s.mu.Unlock()
	liveJobs.Delete(run.id)
	run.publish(job)
	close(run.done)
}

// beat writes the job's heartbeat at every tick until finished is closed,
// then closes done. A beat that fails (the file busy) is skipped: the
// next one, or the job's next batch, beats instead.
func (s *Sandbox) beat(id string, tick <-chan time.Time, stop func(), finished, done chan struct{}) {
	defer close(done)
	defer stop()
	for {
		select {
		case <-finished:
			return
		case <-tick:
		}
		ctx, cancel := context.WithTimeout(context.Background(), beatEvery)
		_ = s.writeUnfenced(ctx, "back-fill heartbeat", func(tx *sql.Tx) (bool, error) {
			return true, execStmt(ctx, tx, "back-fill heartbeat", `UPDATE jobs SET heartbeat = ? WHERE id = ? AND state = ?`,
				s.clock.Now().UnixMilli(), id, string(sf.JobRunning))
		})
		cancel()
	}
}

func (s *Sandbox) execute(ctx context.Context, run *jobRun, p *plan, job *sf.Job) error {
	var start int64
	var total int
	if err := s.read(ctx, "counting records", func(tx *sql.Tx) (err error) {
		start, total, err = p.span(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	job.Total = total
	if err := s.write(ctx, "back-fill progress", func(tx *sql.Tx) (bool, error) {
		return true, execStmt(ctx, tx, "back-fill progress", `UPDATE jobs SET total = ?, heartbeat = ? WHERE id = ?`,
			total, s.clock.Now().UnixMilli(), job.ID)
	}); err != nil {
		return err
	}
	run.publish(*job)
	limit, partial := p.limit(total)
	next := *job
	err := drive(ctx, p.runner(true), start, limit,
		func(f func(querier) error) error {
			next = *job
			if err := s.write(ctx, "back-fill", func(tx *sql.Tx) (bool, error) { return true, f(tx) }); err != nil {
				return err
			}
			// Reported once committed, as a reader of the row sees it.
			*job = next
			run.publish(next)
			if run.afterBatch != nil {
				run.afterBatch(ctx, next)
			}
			return nil
		},
		func(q querier, n, changed int) error {
			next.Done += n
			next.Changed += changed
			return execStmt(ctx, q, "back-fill progress", `UPDATE jobs SET done = ?, changed = ?, heartbeat = ? WHERE id = ?`,
				next.Done, next.Changed, s.clock.Now().UnixMilli(), job.ID)
		})
	if err != nil {
		return err
	}
	if partial {
		return errPartial
	}
	return nil
}

// AfterBatch makes f run after each batch that a job of this handle
// commits, in the job's goroutine, with the job's status as committed. f
// may block, which holds the job there until ctx ends (Close, or the job
// is canceled): tests hold a job mid-way with it, at a point they can see,
// rather than race it; syncform's kill tests kill a process holding one.
// Jobs started before the call are not affected.
func (s *Sandbox) AfterBatch(f func(ctx context.Context, j sf.Job)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterBatch = f
}

// Job reads a job's status from the file, so it works for jobs of any handle
// or process. A missing job is an error wrapping syncform.ErrNotFound.
func (s *Sandbox) Job(ctx context.Context, id string) (sf.Job, error) {
	jobs, err := s.listJobs(ctx, `WHERE id = ?`, id)
	if err != nil {
		return sf.Job{}, err
	}
	if len(jobs) == 0 {
		return sf.Job{}, fmt.Errorf("back-fill job %q: %w", id, sf.ErrNotFound)
	}
	return jobs[0], nil
}

// Jobs lists every back-fill job the sandbox has run or is running, oldest
// first: the connector's job history.
func (s *Sandbox) Jobs(ctx context.Context) ([]sf.Job, error) {
	return s.listJobs(ctx, `ORDER BY started, rowid`)
}

func (s *Sandbox) listJobs(ctx context.Context, where string, args ...any) ([]sf.Job, error) {
	var out []sf.Job
	var running []jobProcess
	err := s.read(ctx, "reading jobs", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, backfill, state, done, total, changed, error, pid, pid_start, host, heartbeat FROM jobs `+where, args...)
		if err != nil {
			return storeErr("reading jobs", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j sf.Job
			var spec string
			var p jobProcess
			if err := rows.Scan(&j.ID, &spec, &j.State, &j.Done, &j.Total, &j.Changed, &j.Error, &p.pid, &p.start, &p.host, &p.heartbeat); err != nil {
				return storeErr("reading jobs", err)
			}
			if err := json.Unmarshal([]byte(spec), &j.Backfill); err != nil {
				return fmt.Errorf("sandbox: job %s: %w", j.ID, err)
			}
			if j.State == sf.JobRunning {
				p.id, p.index = j.ID, len(out)
				running = append(running, p)
			}
			out = append(out, j)
		}
		return storeErr("reading jobs", rows.Err())
	})
	if err != nil {
		return nil, err
	}
	// A job that says it runs, but whose process is gone, failed: say so
	// now, rather than leave a reader waiting for it for ever.
	dead, err := s.reap(ctx, running)
	for _, p := range dead {
		out[p.index].State, out[p.index].Error = sf.JobFailed, errDied.Error()
	}
	return out, err
}

// RunBackfill starts b and waits for it, calling progress (when not nil)
// with each status the job reports, the last one included. It returns the
// final status, and an error when the job failed. When ctx ends first, the
// job is stopped (it fails as interrupted) and ctx's error returned.
func (s *Sandbox) RunBackfill(ctx context.Context, b sf.Backfill, progress func(sf.Job)) (sf.Job, error) {
	job, err := s.StartBackfill(ctx, b)
	if err != nil {
		return job, err
	}
	s.mu.Lock()
	run := s.runs[job.ID]
	s.mu.Unlock()
	result := func(j sf.Job) (sf.Job, error) {
		if j.State == sf.JobFailed {
			return j, fmt.Errorf("sandbox: back-fill %s failed: %s", j.ID, j.Error)
		}
		return j, nil
	}
	if run == nil {
		// Not this handle's goroutine: a job already started under b.Key,
		// maybe by another process, or one that has just finished. Follow
		// its row.
		for {
			if progress != nil {
				progress(job)
			}
			if job.State != sf.JobRunning {
				return result(job)
			}
			select {
			case <-ctx.Done():
				return job, ctx.Err()
			case <-time.After(followPoll):
			}
			if job, err = s.Job(ctx, job.ID); err != nil {
				return job, err
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			run.cancel(errCanceled)
			<-run.done
			return run.latest(), ctx.Err()
		case <-run.notify:
			if progress != nil {
				progress(run.latest())
			}
		case <-run.done:
			// The final status, as the job wrote it: no read, which a
			// concurrent Close could race.
			j := run.latest()
			if progress != nil {
				progress(j)
			}
			return result(j)
		}
	}
}

// followPoll is how often RunBackfill reads the status of a job another
// handle runs.
const followPoll = 20 * time.Millisecond

func newJobID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "job-" + hex.EncodeToString(b[:])
}

var hostname = sync.OnceValue(func() string {
	h, _ := os.Hostname()
	return h
})

// selfStart is this process's start (processStart).
var selfStart = sync.OnceValue(func() string { return processStart(os.Getpid()) })

// processGone reports whether the process pid of this host, which started
// at start ("" when unknown), is known to be gone: no process has the PID,
// or one that started at another time does (the PID was reused).
func processGone(pid int, start string) bool {
	runs, known := processRuns(pid, start)
	return known && !runs
}

// processRuns asks this host whether the process pid that started at start
// runs: known reports whether it could tell (the PID is free, or start and
// the PID's start time are both known).
func processRuns(pid int, start string) (runs, known bool) {
	if !processAlive(pid) {
		return false, true
	}
	now := processStart(pid)
	if start == "" || now == "" {
		return false, false
	}
	return now == start, true
}

// beatEvery is how often a running job's heartbeat beats; staleAfter how
// old it may grow before the job is taken for dead when its process cannot
// be asked (another host, or a system that does not tell when a process
// started, so that a PID given to a new process looks alive). The beat
// has its own ticker, so a slow batch or a busy file (a write waits up to
// busyTimeoutMS for the lock) does not stop it.
const (
	beatEvery  = 2 * time.Second
	staleAfter = 30 * time.Second
)

// jobProcess is what a running job's row says of the process running it.
type jobProcess struct {
	id        string
	index     int // in listJobs' answer
	pid       int
	start     string
	host      string
	heartbeat int64
}

// jobDead reports whether the process running p is gone, at now. The
// process decides when it can be asked: one of this process is gone when
// no handle runs it; one of another process of this host when no process
// has its PID, or one that started at another time does; else it runs,
// however old its heartbeat (a process stopped with SIGSTOP or Ctrl-Z
// beats no more, but its job goes on once it is resumed). The heartbeat
// decides only when the process cannot be asked: it runs on another host,
// or this system does not tell when a process started (a PID given to a
// new process would look alive).
func jobDead(p jobProcess, now time.Time) bool {
	if p.host == hostname() {
		if p.pid == os.Getpid() && (p.start == "" || p.start == selfStart()) {
			_, ok := liveJobs.Load(p.id)
			return !ok
		}
		if runs, known := processRuns(p.pid, p.start); known {
			return !runs
		}
	}
	return now.UnixMilli()-p.heartbeat > staleAfter.Milliseconds()
}

// sweepJobs marks failed, as interrupted, every job the file says is
// running but whose process is gone (jobDead): such a row would otherwise
// stay "running" for ever.
func (s *Sandbox) sweepJobs(ctx context.Context) error {
	var found []jobProcess
	err := eachRow(ctx, s.db, `SELECT id, pid, pid_start, host, heartbeat FROM jobs WHERE state = ?`, []any{string(sf.JobRunning)},
		func(r *sql.Rows) error {
			var p jobProcess
			err := r.Scan(&p.id, &p.pid, &p.start, &p.host, &p.heartbeat)
			found = append(found, p)
			return err
		})
	if err != nil {
		return storeErr("reading jobs", err)
	}
	_, err = s.reap(ctx, found)
	return err
}

// reap marks failed, as interrupted, the jobs of running whose process is
// gone, and returns them. A job whose row changed since it was read (it
// beat, or ended) is left alone.
func (s *Sandbox) reap(ctx context.Context, running []jobProcess) ([]jobProcess, error) {
	now := s.clock.Now()
	var dead []jobProcess
	for _, p := range running {
		if jobDead(p, now) {
			dead = append(dead, p)
		}
	}
	if len(dead) == 0 {
		return nil, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, storeErr("updating jobs", err)
	}
	defer tx.Rollback()
	var gone []jobProcess
	for _, p := range dead {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, error = ? WHERE id = ? AND state = ? AND heartbeat = ?`,
			string(sf.JobFailed), errDied.Error(), p.id, string(sf.JobRunning), p.heartbeat)
		if err != nil {
			return nil, storeErr("updating jobs", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			gone = append(gone, p)
		}
	}
	return gone, storeErr("updating jobs", tx.Commit())
}
