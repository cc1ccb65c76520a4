package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSavedPlanReadIsBounded: apply and show read a saved plan only from a
// regular file of at most maxPlanSize bytes. A device that never ends
// (/dev/zero), a named pipe nobody writes, a directory and a file over the
// limit are each refused at once with an error saying why, never read
// without end or waited on.
func TestSavedPlanReadIsBounded(t *testing.T) {
	dir := quickstart(t)
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	writeTestFile(t, big, []byte(`{"format_version": "1.1", "x": "`))
	if err := os.Truncate(big, maxPlanSize+1); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "plans"), 0o755)
	for _, tc := range []struct{ arg, want string }{
		{"/dev/zero", "not a regular file"},
		{"pipe.json", "not a regular file"},
		{"plans", "not a regular file"},
		{"big.json", "larger than 32 MiB"},
	} {
		for _, cmd := range []string{"apply", "show"} {
			t.Run(cmd+" "+filepath.Base(tc.arg), func(t *testing.T) {
				r := runBounded([]string{cmd, tc.arg})
				switch {
				case r.hung:
					t.Fatal("still reading the plan")
				case r.panic != "":
					t.Fatal(r.panic)
				case r.code != exitError || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, tc.arg):
					t.Errorf("exit %d; want 1 and an error naming %s: %s:\n%s", r.code, tc.arg, tc.want, clipped(r.stderr))
				}
			})
		}
	}
}
