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
			"Configuration too large", "past 4 MiB", "zz.hcl"},
		// Loading takes memory for each token: a list of a million
		// one-character elements took 2.6 GB in 4 MiB.
		{"tokens past the cap", func(t *testing.T, dir string) {
			writeFile(t, dir, "zz.hcl", "locals {\n  l = ["+strings.Repeat("1,", MaxTokens/2)+"]\n}\n")
		}, Options{}, "Configuration too large", "zz.hcl takes the configuration past 1048576 tokens", "zz.hcl"},
		{"tokens of files together past the cap", func(t *testing.T, dir string) {
			writeFile(t, dir, "a.hcl", "locals {\n  a = ["+strings.Repeat("1,", MaxTokens/4)+"]\n}\n")
			writeFile(t, dir, "b.hcl", "locals {\n  b = ["+strings.Repeat("1,", MaxTokens/4)+"]\n}\n")
		}, Options{}, "Configuration too large", "b.hcl takes the configuration past 1048576 tokens", "b.hcl"},
		{"files together past the cap", func(t *testing.T, dir string) {
			writeFile(t, dir, "a.hcl", strings.Repeat("# a comment of 32 bytes, padded\n", MaxConfigBytes/2/32))
			sparse(t, filepath.Join(dir, "b.hcl"), MaxConfigBytes/2+1)
		}, Options{}, "Configuration too large", "b.hcl takes the configuration past 4 MiB", "b.hcl"},
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
	for name, want := range map[string]string{"pipe.hcl": "named pipe", "passwd.hcl": "outside the configuration directory", "big.hcl": "larger than 4 MiB"} {
		if _, err := ReadFile(dir, filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want …%s…", name, err, want)
		}
	}
}

// TestVarFileLinks: a variable file named inside the configuration
// directory is held to what the directory's files are, its links followed
// (it is what a pull request can replace with a link); one named outside
// it is read where it is named, with no link on the way. Before, a
// v.vars.hcl linked to a file outside, to /etc/passwd or to
// /proc/self/environ was read, and its lines quoted in diagnostics.
func TestVarFileLinks(t *testing.T) {
	const secretLine = "FAKE_SECRET=Zq8wFakeSecretOutside\n"
	const main = "variable \"v\" {\n  type    = number\n  default = 1\n}\nobject \"contacts\" {\n  sync = var.v == 7\n}\n"
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir, outside string) string // the --var-file
		detail string                                         // of the one diagnostic; "" when it loads
	}{
		{"a link to a file outside", func(t *testing.T, dir, outside string) string {
			symlink(t, filepath.Join(outside, "secret"), filepath.Join(dir, "v.vars.hcl"))
			return "v.vars.hcl"
		}, "v.vars.hcl is a symbolic link to " + "OUTSIDE/secret, which is outside the configuration directory"},
		{"a relative link out", func(t *testing.T, dir, outside string) string {
			symlink(t, filepath.Join("..", filepath.Base(outside), "secret"), filepath.Join(dir, "v.vars.hcl"))
			return "v.vars.hcl"
		}, "which is outside the configuration directory"},
		{"a link to /proc/self/environ", func(t *testing.T, dir, _ string) string {
			symlink(t, "/proc/self/environ", filepath.Join(dir, "v.vars.hcl"))
			return "v.vars.hcl"
		}, "v.vars.hcl is a symbolic link to /proc/self/environ, which is outside"},
		{"a link to /etc/passwd, named by its absolute path", func(t *testing.T, dir, _ string) string {
			symlink(t, "/etc/passwd", filepath.Join(dir, "v.vars.hcl"))
			return filepath.Join(dir, "v.vars.hcl")
		}, "which is outside the configuration directory"},
		{"a link to /dev/zero", func(t *testing.T, dir, _ string) string {
			symlink(t, "/dev/zero", filepath.Join(dir, "v.vars.hcl"))
			return "v.vars.hcl"
		}, "which is outside the configuration directory"},
		{"a file in a linked directory outside", func(t *testing.T, dir, outside string) string {
			symlink(t, outside, filepath.Join(dir, "shared"))
			return filepath.Join("shared", "secret")
		}, "shared/secret leads through a symbolic link to OUTSIDE/secret, which is outside"},
		{"a link to a FIFO inside", func(t *testing.T, dir, _ string) string {
			mkfifo(t, filepath.Join(dir, "pipe"))
			symlink(t, "pipe", filepath.Join(dir, "v.vars.hcl"))
			return "v.vars.hcl"
		}, "v.vars.hcl is a named pipe (FIFO)"},
		{"a FIFO outside", func(t *testing.T, _, outside string) string {
			mkfifo(t, filepath.Join(outside, "pipe"))
			return filepath.Join(outside, "pipe")
		}, "OUTSIDE/pipe is a named pipe (FIFO)"},
		{"/dev/zero, named", func(t *testing.T, _, _ string) string { return "/dev/zero" }, "/dev/zero is a device"},
		{"/proc/self/environ, named", func(t *testing.T, _, _ string) string { return "/proc/self/environ" },
			"/proc/self/environ leads through a symbolic link to /proc/"},
		{"a link outside, named outside", func(t *testing.T, _, outside string) string {
			symlink(t, "secret", filepath.Join(outside, "link.vars.hcl"))
			return filepath.Join(outside, "link.vars.hcl")
		}, "OUTSIDE/link.vars.hcl is a symbolic link to secret, but a variable file outside the configuration directory is read only where it is named"},
		{"a link to a file inside", func(t *testing.T, dir, _ string) string {
			writeFile(t, dir, "real.txt", "v = 7\n")
			symlink(t, "real.txt", filepath.Join(dir, "v.vars.hcl"))
			return "v.vars.hcl"
		}, ""},
		{"a file outside, named", func(t *testing.T, _, outside string) string {
			writeFile(t, outside, "ok.vars.hcl", "v = 7\n")
			return filepath.Join(outside, "ok.vars.hcl")
		}, ""},
		{"a file outside, named relative", func(t *testing.T, _, outside string) string {
			writeFile(t, outside, "ok.vars.hcl", "v = 7\n")
			return filepath.Join("..", filepath.Base(outside), "ok.vars.hcl")
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir, outside := filepath.Join(root, "config"), filepath.Join(root, "outside")
			for _, d := range []string{dir, outside} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeFile(t, outside, "secret", secretLine)
			writeFile(t, dir, "main.hcl", main)
			t.Chdir(dir)
			varFile := tt.setup(t, dir, outside)
			cfg, diags, text := loadBounded(t, ".", Options{VarFiles: []string{varFile}})
			if strings.Contains(text, "FakeSecret") || strings.Contains(text, "root:") || strings.Contains(text, "PATH=") {
				t.Errorf("the output quotes the file:\n%s", text)
			}
			if tt.detail == "" {
				if len(diags) != 0 || len(cfg.Objects) != 1 || cfg.Objects[0].Sync == nil || !*cfg.Objects[0].Sync {
					t.Errorf("not read: %v\n%s", cfg.Objects, text)
				}
				return
			}
			want := strings.ReplaceAll(tt.detail, "OUTSIDE", outside)
			if len(diags) != 1 || diags[0].Summary != "Configuration file refused" || !strings.Contains(diags[0].Detail, want) {
				t.Errorf("want one refusal, …%s…:\n%s", want, text)
			}
		})
	}
}
