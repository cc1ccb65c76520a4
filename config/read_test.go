package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// loadBounded is Load with a safety bound: a FIFO used to block the read
// for ever, which only the bound turns into a failure.
func loadBounded(t *testing.T, dir string, opts Options) (*Config, hcl.Diagnostics, string) {
	t.Helper()
	type result struct {
		cfg   *Config
		diags hcl.Diagnostics
	}
	done := make(chan result, 1)
	go func() {
		cfg, diags := Load(dir, opts)
		done <- result{cfg, diags}
	}()
	select {
	case r := <-done:
		var b bytes.Buffer
		if err := WriteDiagnostics(&b, r.cfg.Files, r.diags, 0, false); err != nil {
			t.Fatal(err)
		}
		return r.cfg, r.diags, b.String()
	case <-time.After(time.Minute):
		t.Fatal("the load did not finish within a minute")
		return nil, nil, ""
	}
}

const validMain = "object \"contacts\" {\n  sync = true\n}\n"

// TestFilesThatAreNotConfiguration: a configuration file is a regular file
// inside the directory, of bounded size, and so is a variable file (which
// may be anywhere). Before, a FIFO blocked the load for ever, a link to
// /proc/self/environ printed the environment as quoted source lines, and
// /dev/zero ran the process out of memory.
func TestFilesThatAreNotConfiguration(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "other.hcl", "# PRIVATE-CONTENT-OUTSIDE\nlocals {\n  x = \n}\n")
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		opts    Options
		summary string
		detail  string // in the detail
		file    string // the diagnostic's file, when it has one
	}{
		{"a FIFO", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "zz.hcl")) }, Options{},
			"Configuration file refused", "is a named pipe (FIFO)", "zz.hcl"},
		{"a link to /proc/self/environ", func(t *testing.T, dir string) { symlink(t, "/proc/self/environ", filepath.Join(dir, "zz.hcl")) }, Options{},
			"Configuration file refused", "symbolic link to /proc/self/environ, which is outside the configuration directory", "zz.hcl"},
		{"a link to /etc/passwd", func(t *testing.T, dir string) { symlink(t, "/etc/passwd", filepath.Join(dir, "zz.hcl")) }, Options{},
			"Configuration file refused", "outside the configuration directory", "zz.hcl"},
		{"a link to /dev/zero", func(t *testing.T, dir string) { symlink(t, "/dev/zero", filepath.Join(dir, "zz.hcl")) }, Options{},
			"Configuration file refused", "outside the configuration directory", "zz.hcl"},
		{"a link to a file of another directory", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(outside, "other.hcl"), filepath.Join(dir, "zz.hcl"))
		}, Options{},
			"Configuration file refused", "outside the configuration directory", "zz.hcl"},
		{"a relative link out of the directory", func(t *testing.T, dir string) {
			rel, err := filepath.Rel(dir, filepath.Join(outside, "other.hcl"))
			if err != nil {
				t.Fatal(err)
			}
			symlink(t, rel, filepath.Join(dir, "zz.hcl"))
		}, Options{}, "Configuration file refused", "outside the configuration directory", "zz.hcl"},
		{"a broken link", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(dir, "missing"), filepath.Join(dir, "zz.hcl"))
		}, Options{},
			"Configuration file refused", "cannot be followed", "zz.hcl"},
		{"a link to a directory", func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			symlink(t, "sub", filepath.Join(dir, "zz.hcl"))
		}, Options{}, "Configuration file refused", "is a directory", "zz.hcl"},
		{"a file past the cap", func(t *testing.T, dir string) { sparse(t, filepath.Join(dir, "zz.hcl"), MaxConfigBytes+1) }, Options{},
			"Configuration too large", "past 8 MiB", "zz.hcl"},
		{"files together past the cap", func(t *testing.T, dir string) {
			writeFile(t, dir, "a.hcl", strings.Repeat("# a comment of 32 bytes, padded\n", MaxConfigBytes/2/32))
			sparse(t, filepath.Join(dir, "b.hcl"), MaxConfigBytes/2+1)
		}, Options{}, "Configuration too large", "b.hcl takes the configuration past 8 MiB", "b.hcl"},
		{"a variable file that is a FIFO", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "v.vars.hcl")) },
			Options{VarFiles: []string{"v.vars.hcl"}}, "Configuration file refused", "v.vars.hcl is a named pipe", "v.vars.hcl"},
		{"a variable file that is /dev/zero", nil, Options{VarFiles: []string{"/dev/zero"}},
			"Configuration file refused", "/dev/zero is a device", "/dev/zero"},
		{"a variable file past the cap", func(t *testing.T, dir string) { sparse(t, filepath.Join(dir, "big.vars.hcl"), MaxVarFileBytes+1) },
			Options{VarFiles: []string{"big.vars.hcl"}}, "Variable file too large", "larger than 1 MiB", "big.vars.hcl"},
		{"a --var value past the cap", nil, Options{Vars: []string{"v=" + strings.Repeat("x", MaxVarBytes+1)}},
			"Invalid value for variable", "longer than 1 MiB", "main.hcl"},
		{"a SYNCFORM_VAR_ value past the cap", nil, Options{Env: envOf("SYNCFORM_VAR_v", strings.Repeat("[", MaxVarBytes+1))},
			"Invalid value for variable", "longer than 1 MiB", "main.hcl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			writeFile(t, dir, "main.hcl", validMain+"variable \"v\" {\n  default = \"x\"\n}\n")
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			_, diags, text := loadBounded(t, ".", tt.opts)
			if len(diags) != 1 {
				t.Fatalf("%d diagnostics, want 1:\n%s", len(diags), text)
			}
			d := diags[0]
			if d.Summary != tt.summary || !strings.Contains(d.Detail, tt.detail) {
				t.Errorf("got %q: %q\nwant %q: …%s…", d.Summary, d.Detail, tt.summary, tt.detail)
			}
			if d.Subject == nil || filepath.Base(d.Subject.Filename) != filepath.Base(tt.file) {
				t.Errorf("subject %v, want in %s", d.Subject, tt.file)
			}
			for _, leak := range []string{"PATH=", "root:", "PRIVATE-CONTENT-OUTSIDE", "source code not available"} {
				if strings.Contains(text, leak) {
					t.Errorf("the output shows %q:\n%s", leak, text)
				}
			}
		})
	}
}

// TestLinksInsideTheDirectory: a symbolic link to a file inside the
// directory is read like the file, as is a directory reached through a
// link.
func TestLinksInsideTheDirectory(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "real")
	if err := os.MkdirAll(filepath.Join(dir, "shared"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "shared/rules.txt", "rules {\n  owner-unmatched = \"off\"\n}\n")
	writeFile(t, dir, "main.hcl", validMain)
	symlink(t, filepath.Join("shared", "rules.txt"), filepath.Join(dir, "rules.hcl"))
	symlink(t, dir, filepath.Join(root, "link"))
	for _, d := range []string{dir, filepath.Join(root, "link")} {
		cfg, diags, text := loadBounded(t, d, Options{})
		if len(diags) != 0 || len(cfg.Rules) != 1 {
			t.Errorf("%s: rules %v\n%s", d, cfg.Rules, text)
		}
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// sparse makes a file of size bytes that takes no room on disk.
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

// TestReadFile: fmt's read has Load's checks.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.hcl", validMain)
	mkfifo(t, filepath.Join(dir, "pipe.hcl"))
	symlink(t, "/etc/passwd", filepath.Join(dir, "passwd.hcl"))
	sparse(t, filepath.Join(dir, "big.hcl"), MaxConfigBytes+1)
	if b, err := ReadFile(dir, filepath.Join(dir, "main.hcl")); err != nil || string(b) != validMain {
		t.Errorf("main.hcl: %q, %v", b, err)
	}
	for name, want := range map[string]string{"pipe.hcl": "named pipe", "passwd.hcl": "outside the configuration directory", "big.hcl": "larger than 8 MiB"} {
		if _, err := ReadFile(dir, filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want …%s…", name, err, want)
		}
	}
}
