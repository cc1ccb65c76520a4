package regularfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRead: a regular file is read whole, within its limit; what is not a
// regular file is refused at once, unopened (a pipe would block the open),
// naming what it is; a file over the limit, or with more bytes than its
// size says, is refused without being read further than the limit.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, []byte("hello"), 0o600)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(fifo, link)
	tests := []struct {
		path  string
		limit int64
		want  string // "" for the file's content
		kind  string
	}{
		{file, 5, "", ""},
		{file, 4, "", "too large"},
		{fifo, 1 << 20, "", "a named pipe (FIFO)"},
		{link, 1 << 20, "", "a named pipe (FIFO)"},
		{dir, 1 << 20, "", "a directory"},
		{"/dev/zero", 1 << 20, "", "a device"},
		{"/proc/self/status", 1 << 20, "", ""}, // size 0, content not
		{"/proc/self/status", 10, "", "too large"},
	}
	for _, tt := range tests {
		done := make(chan struct{})
		var b []byte
		var err error
		go func() { defer close(done); b, err = Read(tt.path, tt.limit) }()
		select {
		case <-done:
		case <-time.After(time.Minute): // only turns a hang into a failure
			t.Fatalf("%s: still blocked", tt.path)
		}
		var nr *NotRegularError
		switch {
		case tt.kind == "too large":
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s, limit %d: %v, want ErrTooLarge", tt.path, tt.limit, err)
			}
		case tt.kind != "":
			if !errors.As(err, &nr) || Kind(nr.Mode) != tt.kind || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("%s: %v, want it refused as %s", tt.path, err, tt.kind)
			}
		case err != nil || len(b) == 0:
			t.Errorf("%s: %q, %v", tt.path, b, err)
		}
	}
}
