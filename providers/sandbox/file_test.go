package sandbox

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// blockBound only turns a hang into a failure: every call it bounds
// returns at once.
const blockBound = time.Minute

// bounded runs fn, failing the test if it has not returned within
// blockBound (a named pipe opened for reading blocks until a writer comes).
func bounded(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(blockBound):
		t.Fatalf("%s still blocked after %v", what, blockBound)
		return nil
	}
}

// notFiles makes, at path, a sandbox path that names no regular file.
var notFiles = []struct {
	name string
	make func(t *testing.T, path string) string // returns the path to use
	want string
}{
	{"named pipe", func(t *testing.T, path string) string {
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}, "named pipe"},
	{"directory", func(t *testing.T, path string) string {
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		return path
	}, "directory"},
	{"device", func(*testing.T, string) string { return "/dev/zero" }, "device"},
	{"link to a named pipe", func(t *testing.T, path string) string {
		fifo := filepath.Join(filepath.Dir(path), "pipe")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(fifo, path); err != nil {
			t.Fatal(err)
		}
		return path
	}, "named pipe"},
}

// TestOpenRefusesWhatIsNotAFile: a sandbox path that is a named pipe, a
// directory or a device is refused at once, without being opened for
// reading (a pipe would block for ever), by Open, IsCurrent and FileID.
func TestOpenRefusesWhatIsNotAFile(t *testing.T) {
	ctx := context.Background()
	for _, tc := range notFiles {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.make(t, filepath.Join(t.TempDir(), "sb.db"))
			err := bounded(t, "Open", func() error {
				s, err := Open(ctx, path)
				if err == nil {
					s.Close()
				}
				return err
			})
			if !errors.Is(err, ErrNotSandbox) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open: %v; want an error naming %s, %s", err, path, tc.want)
			}
			bounded(t, "IsCurrent", func() error {
				if IsCurrent(ctx, path) {
					t.Error("IsCurrent")
				}
				return nil
			})
			bounded(t, "FileID", func() error {
				if _, ok := FileID(ctx, path); ok {
					t.Error("FileID found an ID")
				}
				return nil
			})
		})
	}
}

// TestResetRefusesWhatIsNotASandbox: reset replaces only what may be a
// sandbox (a missing or empty file, an SQLite database, damaged or not;
// TestReset). Any other file the sandbox attribute names by mistake (notes,
// the configuration, garbage, a pipe, a directory, a device) is refused
// with an error naming it, and left exactly as it was.
func TestResetRefusesWhatIsNotASandbox(t *testing.T) {
	ctx := context.Background()
	garbage := make([]byte, 8192)
	rand.New(rand.NewSource(1)).Read(garbage)
	type refusal struct {
		name string
		make func(t *testing.T, path string) string
		want string
	}
	var cases []refusal
	for name, b := range map[string][]byte{
		"notes":         []byte("call Ana about the Q3 sync\n"),
		"configuration": []byte("connection {\n  provider = \"sandbox\"\n  sandbox  = \"main.hcl\"\n}\n"),
		"garbage":       garbage,
		"one byte":      []byte("S"),
	} {
		cases = append(cases, refusal{name, func(t *testing.T, path string) string {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, "by hand"})
	}
	for _, nf := range notFiles {
		cases = append(cases, refusal{nf.name, nf.make, nf.want})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tc.make(t, filepath.Join(dir, "sb.db"))
			var before []byte // only that of a regular file matters; a pipe would block the read
			if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
				before, _ = os.ReadFile(path)
			}
			beforeNames := dirNames(t, dir)
			err := bounded(t, "Reset", func() error { return Reset(ctx, path) })
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Reset: %v; want an error naming %s: %s", err, path, tc.want)
			}
			if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
				if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
					t.Error("the file changed")
				}
			} else if path != "/dev/zero" && err != nil {
				t.Errorf("the file is gone: %v", err)
			}
			if names := dirNames(t, dir); strings.Join(names, " ") != strings.Join(beforeNames, " ") {
				t.Errorf("files beside it: %v, were %v", names, beforeNames)
			}
		})
	}
}
