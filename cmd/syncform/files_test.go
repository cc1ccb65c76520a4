package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFilesAreOwnerOnly: the sandbox, the state database (with SQLite's
// journal files) and a saved plan are readable by their owner only.
func TestFilesAreOwnerOnly(t *testing.T) {
	dir := quickstart(t)
	ctx := context.Background()
	for _, args := range [][]string{{"apply", "--auto-approve"}, {"plan", "--out", "plan.json"}} {
		a, _, errb := testApp("", false)
		if code := run(ctx, a, args); code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, errb)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, ".syncform", "*"))
	files = append(files, filepath.Join(dir, "plan.json"))
	if len(files) < 3 {
		t.Fatalf("files: %v", files)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v; want owner-only", filepath.Base(f), perm)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, ".syncform")); fi.Mode().Perm()&0o077 != 0 {
		t.Errorf(".syncform has mode %v", fi.Mode().Perm())
	}
}

// TestDamagedFilesAreNeverReset truncates, then garbles, the sandbox, the
// state database and a saved plan: each command that reads one fails with
// an error naming the file, and the file is left exactly as it was (never
// silently replaced by a new one).
func TestDamagedFilesAreNeverReset(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		file string
		args []string
		want string
	}{
		{".syncform/sandbox.db", []string{"plan"}, "sandbox.db"},
		{".syncform/state.db", []string{"plan"}, "state.db"},
		{"plan.json", []string{"apply", "plan.json"}, "plan.json"},
	} {
		for _, damage := range []string{"truncated", "garbled"} {
			t.Run(filepath.Base(tc.file)+"/"+damage, func(t *testing.T) {
				dir := quickstart(t)
				for _, args := range [][]string{{"apply", "--auto-approve"}, {"plan", "--out", "plan.json"}} {
					a, _, errb := testApp("", false)
					if code := run(ctx, a, args); code != exitOK {
						t.Fatalf("%v: exit %d\n%s", args, code, errb)
					}
				}
				path := filepath.Join(dir, tc.file)
				// The WAL would let SQLite recover what the test damages.
				os.Remove(path + "-wal")
				os.Remove(path + "-shm")
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if damage == "truncated" {
					b = b[:len(b)/3]
				} else {
					for i := 0; i < len(b); i += 7 {
						b[i] ^= 0x5a
					}
				}
				os.WriteFile(path, b, 0o600)
				a, out, errb := testApp("", false)
				code := run(ctx, a, tc.args)
				if code != exitError || !strings.Contains(errb.String(), tc.want) || strings.Contains(errb.String(), "panic") {
					t.Errorf("exit %d; want 1 and an error naming %s:\n%s%s", code, tc.want, out, errb)
				}
				after, _ := os.ReadFile(path)
				if !bytes.Equal(after, b) {
					t.Errorf("%s was rewritten", tc.file)
				}
			})
		}
	}
}
