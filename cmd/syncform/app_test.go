package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testApp is an app whose streams are buffers and whose stdin is a terminal
// answering with input.
func testApp(input string, tty bool) (*app, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &app{
		stdin: strings.NewReader(input), stdout: &out, stderr: &errb,
		lookupEnv: func(string) (string, bool) { return "", false },
		stdinTTY:  tty, stdoutTTY: tty,
	}, &out, &errb
}

// quickstart copies examples/quickstart into a temporary directory and makes
// it the working directory.
func quickstart(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

// TestGoldenPlan renders the quickstart's plan on a new sandbox, without and
// with colour, against golden files (go test -update rewrites them).
func TestGoldenPlan(t *testing.T) {
	for _, tc := range []struct {
		name string
		tty  bool
	}{{"quickstart.plan.txt", false}, {"quickstart.plan.color.txt", true}} {
		t.Run(tc.name, func(t *testing.T) {
			golden, _ := filepath.Abs(filepath.Join("testdata", "golden", tc.name))
			quickstart(t)
			a, out, errb := testApp("", tc.tty)
			if code := run(context.Background(), a, []string{"plan"}); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb)
			}
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out.String() != string(want) {
				t.Errorf("plan differs from %s (run with -update to accept):\n%s", tc.name, out)
			}
			if hasANSI := strings.Contains(out.String(), "\x1b["); hasANSI != tc.tty {
				t.Errorf("colour = %v on a terminal = %v", hasANSI, tc.tty)
			}
		})
	}
}

func TestApplyConfirmation(t *testing.T) {
	tests := []struct {
		answer  string
		code    int
		applied bool
	}{
		{"yes\n", exitOK, true},
		{"no\n", exitError, false},
		{"y\n", exitError, false},
		{"", exitError, false}, // stdin closed
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.answer), func(t *testing.T) {
			quickstart(t)
			a, out, errb := testApp(tt.answer, true)
			a.noColor = true
			if code := run(context.Background(), a, []string{"apply"}); code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errb)
			}
			if !strings.Contains(errb.String(), "Only 'yes' will be accepted") {
				t.Errorf("no prompt on stderr: %s", errb)
			}
			if got := strings.Contains(out.String(), "Apply complete"); got != tt.applied {
				t.Errorf("applied = %v, want %v\n%s", got, tt.applied, out)
			}
			b, _, _ := testApp("", false)
			var plan bytes.Buffer
			b.stdout = &plan
			run(context.Background(), b, []string{"plan"})
			if empty := strings.Contains(plan.String(), "No changes."); empty != tt.applied {
				t.Errorf("after the answer %q the plan is empty = %v", tt.answer, empty)
			}
		})
	}
}

// TestInterruptedExitCode: a command whose context is cancelled (SIGINT)
// stops with exit code 130. (Cancellation in the middle of an apply is the
// reconciler's TestProgressAndCancel.)
func TestInterruptedExitCode(t *testing.T) {
	quickstart(t)
	a, _, errb := testApp("", false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := run(ctx, a, []string{"apply", "--auto-approve"}); code != exitInterrupted {
		t.Errorf("exit %d, want %d: %s", code, exitInterrupted, errb)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestOutputThatCannotBeWrittenFails: batched output that cannot be written
// fails the command, and the error still reaches stderr.
func TestOutputThatCannotBeWrittenFails(t *testing.T) {
	out := bufio.NewWriter(failingWriter{})
	var stderr bytes.Buffer
	errw := flushFirst{w: &stderr, before: out}
	fmt.Fprintln(out, "Plan: 1 to create")
	fmt.Fprintln(errw, "Warning: something")
	if code := finish(exitChanges, out, &stderr); code != exitError {
		t.Errorf("exit %d; want %d", code, exitError)
	}
	if !strings.Contains(stderr.String(), "Warning: something") || !strings.Contains(stderr.String(), "no space left on device") {
		t.Errorf("stderr: %q", stderr.String())
	}
}
