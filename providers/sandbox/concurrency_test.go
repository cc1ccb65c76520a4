package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
)

// writes applies n changes named after prefix: a property create and an
// update of its label each, plus a rule change of one mapping. It returns the
// first error.
func writes(ctx context.Context, s *Sandbox, prefix string, n int) error {
	for i := range n {
		p := sf.Property{Object: sf.Companies, Name: fmt.Sprintf("%s_%d", prefix, i), Label: "Draft", Type: sf.Text}
		if err := s.Apply(ctx, propChange(sf.OpCreate, p)); err != nil {
			return err
		}
		p.Label = fmt.Sprintf("Final %s %d", prefix, i)
		if err := s.Apply(ctx, propChange(sf.OpUpdate, p)); err != nil {
			return err
		}
	}
	return nil
}

// checkWrites verifies that every write of writes(prefix, n) is in snap.
func checkWrites(t *testing.T, snap *sf.Snapshot, prefix string, n int) {
	t.Helper()
	for i := range n {
		name := fmt.Sprintf("%s_%d", prefix, i)
		p, ok := snap.Property(sf.Companies, name)
		if want := fmt.Sprintf("Final %s %d", prefix, i); !ok || p.Label != want {
			t.Errorf("property %s = %+v (present %v), want label %q", name, p, ok, want)
		}
	}
}

func TestConcurrentHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	var handles [2]*Sandbox
	for i := range handles {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		handles[i] = s
	}
	const goroutines, n = 4, 15
	errs := make(chan error, len(handles)*goroutines+1)
	var wg sync.WaitGroup
	for h, s := range handles {
		for g := range goroutines {
			wg.Go(func() { errs <- writes(ctx, s, fmt.Sprintf("h%d_g%d", h, g), n) })
		}
	}
	// A reader alongside: every snapshot it takes is consistent.
	stop := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				errs <- nil
				return
			default:
			}
			snap, err := handles[0].Snapshot(ctx)
			if err != nil {
				errs <- err
				return
			}
			if len(snap.Mappings[sf.Contacts]) != len(sf.StandardMappings(sf.Contacts))+1 {
				errs <- fmt.Errorf("inconsistent snapshot: %d contact mappings", len(snap.Mappings[sf.Contacts]))
				return
			}
		}
	})
	go func() {
		// Stop the reader once the writers are done.
		for range len(handles) * goroutines {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		close(stop)
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	snap := snapshot(t, handles[1])
	for h := range handles {
		for g := range goroutines {
			checkWrites(t, snap, fmt.Sprintf("h%d_g%d", h, g), n)
		}
	}
}

// childEnv names the sandbox file a re-executed test binary writes to, and
// the prefix of its writes.
const (
	childPathEnv   = "SYNCFORM_SANDBOX_TEST_PATH"
	childPrefixEnv = "SYNCFORM_SANDBOX_TEST_PREFIX"
	childWrites    = 40
)

// TestChildProcess is the body of a child process of TestTwoProcesses; on its
// own it does nothing.
func TestChildProcess(t *testing.T) {
	path := os.Getenv(childPathEnv)
	if path == "" {
		t.Skip("run by TestTwoProcesses")
	}
	ctx := context.Background()
	s, err := Open(ctx, path) // both children race to create the file
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := writes(ctx, s, os.Getenv(childPrefixEnv), childWrites); err != nil {
		t.Fatal(err)
	}
}

func TestTwoProcesses(t *testing.T) {
	if os.Getenv(childPathEnv) != "" {
		t.Skip("in a child")
	}
	path := filepath.Join(t.TempDir(), "shared", "sandbox.db")
	prefixes := []string{"proc_a", "proc_b"}
	var cmds []*exec.Cmd
	outs := make([]*lockedBuffer, len(prefixes))
	for i, prefix := range prefixes {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), childPathEnv+"="+path, childPrefixEnv+"="+prefix)
		outs[i] = &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			for _, cmd := range cmds {
				cmd.Process.Kill()
			}
		}
	}()
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %s: %v\n%s", prefixes[i], err, outs[i].String())
		}
	}
	close(done)
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap := snapshot(t, s)
	for _, prefix := range prefixes {
		checkWrites(t, snap, prefix, childWrites)
	}
	// The seed is intact beneath both children's writes.
	if n := len(snap.Properties[sf.Companies]); n != len(seedSnapshot(t).Properties[sf.Companies])+2*childWrites {
		t.Errorf("%d company properties", n)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
