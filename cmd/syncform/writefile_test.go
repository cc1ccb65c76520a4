package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWritesNeverFollowALinkOut: every file syncform writes (plan --out,
// fmt, import --out, export --out, init) refuses a destination that is a
// symbolic link leading out of its directory, whether the file it names
// exists or not, and leaves the file outside as it was; a link that stays
// inside the directory is followed and stays a link.
func TestWritesNeverFollowALinkOut(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		link string // the file in the configuration directory that is a link
		args []string
	}{
		{"plan --out", "plan.json", []string{"plan", "--out", "plan.json"}},
		{"plan --out in a directory", filepath.Join("plans", "plan.json"), []string{"plan", "--out", filepath.Join("plans", "plan.json")}},
		{"fmt", "main.hcl", []string{"fmt"}},
		{"fmt of a variable file", "prod.vars.hcl", []string{"fmt"}},
		{"import --out", filepath.Join("out", "main.hcl"), []string{"import", "--out", filepath.Join("out", "main.hcl"), "--force"}},
		{"export --out", "m.csv", []string{"export", "--out", "m.csv"}},
		{"init", ".gitignore", []string{"init"}},
	} {
		for _, dangling := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/existing", true: "/dangling"}[dangling]
			t.Run(name, func(t *testing.T) {
				dir := quickstart(t)
				if tc.args[0] == "init" {
					os.Remove(filepath.Join(dir, "main.hcl"))
				}
				outside := filepath.Join(t.TempDir(), "victim")
				const victim = "# not syncform's\n"
				if !dangling {
					writeTestFile(t, outside, []byte(victim))
				}
				link := filepath.Join(dir, tc.link)
				if tc.link == "main.hcl" {
					// The configuration itself lives outside: fmt must
					// refuse to rewrite it, though it reads it.
					writeTestFile(t, outside, []byte("object \"companies\" {\nsync=true\n}\n"))
					os.Remove(link)
				}
				if tc.link == "prod.vars.hcl" {
					writeTestFile(t, outside, []byte("x=1\n"))
				}
				os.MkdirAll(filepath.Dir(link), 0o755)
				if err := os.Symlink(outside, link); err != nil {
					t.Fatal(err)
				}
				before, beforeErr := os.ReadFile(outside)
				a, out, errb := testApp("", false)
				code := run(ctx, a, tc.args)
				// fmt refuses such a file before it reads it: configuration
				// is read only from inside the directory.
				refusal := "never writes through a link"
				if tc.args[0] == "fmt" {
					refusal = "reads configuration only from inside it"
				}
				if code != exitError || !strings.Contains(errb.String(), "outside") || !strings.Contains(errb.String(), refusal) {
					t.Errorf("exit %d; want 1 and the link refused:\n%s%s", code, out, errb)
				}
				after, afterErr := os.ReadFile(outside)
				if string(after) != string(before) || (beforeErr == nil) != (afterErr == nil) {
					t.Errorf("the file outside changed: %q (%v) → %q (%v)", before, beforeErr, after, afterErr)
				}
				if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("the link was replaced: %v", err)
				}
				tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(link), ".*.tmp"))
				if len(tmps) > 0 {
					t.Errorf("temporary files left: %v", tmps)
				}
			})
		}
	}
}

// TestWritesFollowALinkInside: a link to a file of the same directory is
// followed, and stays a link.
func TestWritesFollowALinkInside(t *testing.T) {
	dir := quickstart(t)
	os.Mkdir(filepath.Join(dir, "saved"), 0o755)
	if err := os.Symlink(filepath.Join("saved", "current.json"), filepath.Join(dir, "plan.json")); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "abs.json")
	if err := os.Symlink(filepath.Join(dir, "saved", "abs.json"), abs); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{"plan.json", "abs.json"} {
		a, _, errb := testApp("", false)
		if code := run(context.Background(), a, []string{"plan", "--out", out}); code != exitOK {
			t.Fatalf("plan --out %s: exit %d: %s", out, code, errb)
		}
		if fi, err := os.Lstat(filepath.Join(dir, out)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v", out, err)
		}
	}
	for _, f := range []string{"current.json", "abs.json"} {
		if _, err := loadPlan(filepath.Join(dir, "saved", f)); err != nil {
			t.Errorf("the plan was not written through the link: %v", err)
		}
	}
}

// TestWriteRefusesWhatIsNotAFile: a destination that is a directory or a
// named pipe is refused, never replaced.
func TestWriteRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	if err := replaceFile(filepath.Join(dir, "d"), []byte("x"), 0o600, false); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "d")); err != nil || !fi.IsDir() {
		t.Errorf("the directory was replaced: %v", err)
	}
}

// TestWritesThroughALinkedDirectory: a link anywhere on a destination's
// path counts, not only its last element. A committed `plans -> /tmp/x`
// turns `plan --out plans/p.json` into a write outside the directory: it
// is refused, and nothing is made there. A link between two places inside
// the directory (`sub/y.csv -> ../y.csv`) is followed, and a path outside
// the directory that goes through no link is the user's to choose.
func TestWritesThroughALinkedDirectory(t *testing.T) {
	ctx := context.Background()
	dir := quickstart(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "plans")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"plan", "--out", filepath.Join("plans", "p.json")},
		{"export", "--out", filepath.Join("plans", "m.csv")},
		{"import", "--out", filepath.Join("plans", "new", "main.hcl"), "--force"},
	} {
		a, _, errb := testApp("", false)
		if code := run(ctx, a, args); code != exitError || !strings.Contains(errb.String(), "never writes through a link") {
			t.Errorf("%v: exit %d; want 1 and the link refused:\n%s", args, code, errb)
		}
	}
	if names, _ := os.ReadDir(outside); len(names) > 0 {
		t.Errorf("written outside through the link: %v", names)
	}

	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if err := os.Symlink(filepath.Join("..", "y.csv"), filepath.Join(dir, "sub", "y.csv")); err != nil {
		t.Fatal(err)
	}
	elsewhere := filepath.Join(t.TempDir(), "p.json")
	for _, args := range [][]string{
		{"export", "--out", filepath.Join("sub", "y.csv")},
		{"plan", "--out", elsewhere},
	} {
		a, _, errb := testApp("", false)
		if code := run(ctx, a, args); code != exitOK {
			t.Errorf("%v: exit %d: %s", args, code, errb)
		}
	}
	if fi, err := os.Lstat(filepath.Join(dir, "y.csv")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("sub/y.csv was not written to y.csv through the link: %v", err)
	}
	if _, err := loadPlan(elsewhere); err != nil {
		t.Errorf("plan --out to a path outside with no link: %v", err)
	}
}

// TestFmtAndInitReadOnlyFiles: fmt and init read what they rewrite with
// the loader's checks. A named pipe among the configuration files (or as
// .gitignore) is reported at once, never opened for reading (which would
// block for ever), and the other files are still formatted.
func TestFmtAndInitReadOnlyFiles(t *testing.T) {
	ctx := context.Background()
	dir := quickstart(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "zz.hcl"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "extra.hcl"), []byte("locals {\nx=1\n}\n"))
	a, out, errb := testApp("", false)
	if code := run(ctx, a, []string{"fmt"}); code != exitError || !strings.Contains(errb.String(), "zz.hcl") {
		t.Errorf("fmt: exit %d; want 1 and zz.hcl reported:\n%s%s", code, out, errb)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "extra.hcl")); !strings.Contains(string(b), "x = 1") {
		t.Errorf("extra.hcl was not formatted beside the pipe: %q", b)
	}

	dir = t.TempDir()
	t.Chdir(dir)
	if err := syscall.Mkfifo(filepath.Join(dir, ".gitignore"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, _, errb = testApp("", false)
	if code := run(ctx, a, []string{"init"}); code != exitError || !strings.Contains(errb.String(), "not a regular file") {
		t.Errorf("init: exit %d; want 1 and .gitignore refused:\n%s", code, errb)
	}
}
