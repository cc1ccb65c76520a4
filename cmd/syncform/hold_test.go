package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
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
// (holdLine) and waits there to be killed.

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

// holdAt is app.serve for a process told to hold at point.
func holdAt(point string) func(context.Context, *sandbox.Sandbox, bool) (sf.Provider, error) {
	return func(_ context.Context, sb *sandbox.Sandbox, manual bool) (sf.Provider, error) {
		kind, n, ok := strings.Cut(point, ":")
		nth, err := strconv.Atoi(n)
		if !ok || err != nil || nth < 1 || manual || !slices.Contains([]string{"job", "start", "done"}, kind) {
			return nil, fmt.Errorf("%s=%q: want job:N, start:N or done:N on a sandbox without manual steps", holdEnv, point)
		}
		h := &holding{Sandbox: sb, kind: kind, nth: nth, index: map[string]int{}}
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
}

// hold says where the process is and waits until ctx ends (the process is
// killed long before).
func (h *holding) hold(ctx context.Context, what string) {
	fmt.Fprintf(os.Stderr, "%s%s:%d (%s)\n", holdLine, h.kind, h.nth, what)
	<-ctx.Done()
}

func (h *holding) StartBackfill(ctx context.Context, b sf.Backfill) (sf.Job, error) {
	h.mu.Lock()
	h.started++
	nth := h.started
	h.mu.Unlock()
	if h.kind == "start" && nth == h.nth {
		h.hold(ctx, fmt.Sprintf("before %s %s of %s", b.Object, b.Method, b.Segment))
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
		h.hold(ctx, fmt.Sprintf("%s succeeded, %d records", j.ID, j.Done))
		return j, ctx.Err()
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
	if nth == h.nth && j.Done < j.Total {
		h.hold(ctx, fmt.Sprintf("%s at %d of %d records", j.ID, j.Done, j.Total))
	}
}

// held is a syncform process holding at its point.
type held struct {
	cmd    *exec.Cmd
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
	h.cmd.Stdout, h.cmd.Stderr = io.Discard, h.stderr
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
