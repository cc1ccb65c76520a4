package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
)

// Kill tests must kill syncform at a point they choose, not at whatever
// point a race lets them reach: a back-fill of a few thousand records can
// finish before a signal sent on its "started" line lands, on a fast
// machine or a busy one. The syncform the tests run is this test binary
// (TestMain), which, given holdEnv, stops at that point, says so on stderr
// (holdLine) and waits there to be killed, or to be told to go on
// (releaseSignal): tests that act on a running apply (reset it, unlock it,
// start another) do so while it is held, then let it finish.

// holdEnv names the point:
//
//	job:N    the Nth back-fill job the process starts, mid-way: after its
//	         first committed batch of records, before its next (so the job
//	         needs more than one: over 2,000 records)
//	start:N  before the Nth job starts: its key journalled, the temporary
//	         segment of a batch made
//	done:N   the Nth job succeeded, before the process records so
const holdEnv = "SYNCFORM_TEST_HOLD"

// holdLine starts the line a held process writes to stderr.
const holdLine = "syncform test: holding at "

// releaseSignal tells a held process to go on from its point.
const releaseSignal = syscall.SIGUSR1

// holdAt is app.serve for a process told to hold at point.
func holdAt(point string) func(context.Context, *sandbox.Sandbox, bool) (sf.Provider, error) {
	return func(_ context.Context, sb *sandbox.Sandbox, manual bool) (sf.Provider, error) {
		kind, n, ok := strings.Cut(point, ":")
		nth, err := strconv.Atoi(n)
		if !ok || err != nil || nth < 1 || manual || !slices.Contains([]string{"job", "start", "done"}, kind) {
			return nil, fmt.Errorf("%s=%q: want job:N, start:N or done:N on a sandbox without manual steps", holdEnv, point)
		}
		h := &holding{Sandbox: sb, kind: kind, nth: nth, index: map[string]int{}, release: make(chan os.Signal, 1)}
		signal.Notify(h.release, releaseSignal)
		if kind == "job" {
			sb.AfterBatch(h.afterBatch)
		}
		return h, nil
	}
}

// holding is the sandbox, holding at its point.
type holding struct {
	*sandbox.Sandbox
	kind string
	nth  int

	mu      sync.Mutex
	started int            // jobs started
	index   map[string]int // job ID -> its place among them, from 1
	seen    []string       // job IDs in the order their batches were seen
	release chan os.Signal // releaseSignal
	held    bool           // a job:N point was held (only its job's goroutine reads it)
}

// hold says where the process is and waits until it is released or ctx
// ends; false: ctx ended.
func (h *holding) hold(ctx context.Context, what string) bool {
	fmt.Fprintf(os.Stderr, "%s%s:%d (%s)\n", holdLine, h.kind, h.nth, what)
	select {
	case <-h.release:
		return true
	case <-ctx.Done():
		return false
	}
}

func (h *holding) StartBackfill(ctx context.Context, b sf.Backfill) (sf.Job, error) {
	h.mu.Lock()
	h.started++
	nth := h.started
	h.mu.Unlock()
	if h.kind == "start" && nth == h.nth && !h.hold(ctx, fmt.Sprintf("before %s %s of %s", b.Object, b.Method, b.Segment)) {
		return sf.Job{}, ctx.Err()
	}
	j, err := h.Sandbox.StartBackfill(ctx, b)
	if err == nil {
		h.mu.Lock()
		h.index[j.ID] = nth
		h.mu.Unlock()
	}
	return j, err
}

func (h *holding) Job(ctx context.Context, id string) (sf.Job, error) {
	j, err := h.Sandbox.Job(ctx, id)
	h.mu.Lock()
	nth := h.index[id]
	h.mu.Unlock()
	if err == nil && h.kind == "done" && nth == h.nth && j.State == sf.JobSucceeded {
		h.mu.Lock()
		delete(h.index, id) // held once
		h.mu.Unlock()
		if !h.hold(ctx, fmt.Sprintf("%s succeeded, %d records", j.ID, j.Done)) {
			return j, ctx.Err()
		}
	}
	return j, err
}

// afterBatch runs in the job's goroutine after each batch it commits: jobs
// run one after another, so the Nth job ID seen is the Nth job.
func (h *holding) afterBatch(ctx context.Context, j sf.Job) {
	h.mu.Lock()
	i := slices.Index(h.seen, j.ID)
	if i < 0 {
		h.seen, i = append(h.seen, j.ID), len(h.seen)
	}
	h.mu.Unlock()
	nth := i + 1
	if nth == h.nth && j.Done < j.Total && !h.held {
		h.held = true
		h.hold(ctx, fmt.Sprintf("%s at %d of %d records", j.ID, j.Done, j.Total))
	}
}

// held is a syncform process holding at its point.
type held struct {
	cmd    *exec.Cmd
	stdout strings.Builder // written by exec's copier until Wait
	stderr *signalBuffer
	done   chan struct{} // closed once it ended
}

// startHeld starts syncform with args, told to hold at point, and waits for
// it to get there (an event: the line it writes then). The process is the
// test's to kill; it is killed when the test ends in any case.
func startHeld(t *testing.T, point string, args ...string) *held {
	t.Helper()
	h := &held{cmd: exec.Command("syncform", args...), stderr: &signalBuffer{at: holdLine, seen: make(chan struct{})}, done: make(chan struct{})}
	h.cmd.Env = append(os.Environ(), holdEnv+"="+point)
	h.cmd.Stdout, h.cmd.Stderr = &h.stdout, h.stderr
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(h.done)
		h.cmd.Wait()
	}()
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		<-h.done
	})
	select {
	case <-h.stderr.seen:
		return h
	case <-h.done:
		t.Fatalf("syncform %s ended (%v) before holding at %s:\n%s", strings.Join(args, " "), h.cmd.ProcessState, point, h.stderr)
		return nil
	}
}

// kill kills the process with SIGKILL and checks that the signal is what
// ended it.
func (h *held) kill(t *testing.T) {
	t.Helper()
	h.cmd.Process.Signal(syscall.SIGKILL)
	<-h.done
	if ws, ok := h.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("syncform was not killed: %v\n%s", h.cmd.ProcessState, h.stderr)
	}
}

// resume lets the process go on from its point.
func (h *held) resume(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Signal(releaseSignal); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("releasing syncform: %v", err)
	}
}

// wait waits for the process to end and returns its exit code and its
// output (stderr, then stdout).
func (h *held) wait() (int, string) {
	<-h.done
	return h.cmd.ProcessState.ExitCode(), h.stderr.String() + h.stdout.String()
}

// signalBuffer collects a process's output and closes seen once it holds
// the text at.
type signalBuffer struct {
	at        string
	seen      chan struct{}
	mu        sync.Mutex
	b         strings.Builder
	signalled bool
}

func (s *signalBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	if !s.signalled && strings.Contains(s.b.String(), s.at) {
		s.signalled = true
		close(s.seen)
	}
	return len(p), nil
}

func (s *signalBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
