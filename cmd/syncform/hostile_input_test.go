package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/fixture"
)

// checkHostileOutput requires that what a command printed shows no part of
// the secret, in any form a function gives it (a run of 8 of its
// characters, in any case, either way round), and nothing a terminal would
// act on or hide (control and format characters, bidi overrides).
func checkHostileOutput(t *testing.T, what, out string) {
	t.Helper()
	if run := secretRun(out, hostileEnv["HOSTILE_TOKEN"], 8); run != "" {
		t.Errorf("%s printed part of the secret, %q:\n%s", what, run, clipped(out))
	}
	for i, r := range out {
		if r == utf8.RuneError || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Errorf("%s printed %q raw, at byte %d:\n%s", what, r, i, clipped(out))
			return
		}
	}
}

// secretRun returns a run of n characters of secret (or of it reversed)
// that out holds, compared without case, or "".
func secretRun(out, secret string, n int) string {
	lower := strings.ToLower(out)
	rs := []rune(strings.ToLower(secret))
	for _, form := range []string{string(rs), reverse(rs)} {
		f := []rune(form)
		for i := 0; i+n <= len(f); i++ {
			if run := string(f[i : i+n]); strings.Contains(lower, run) {
				return run
			}
		}
	}
	return ""
}

func reverse(rs []rune) string {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[len(rs)-1-i] = r
	}
	return string(out)
}

// hostileInputCases are the cases that need more than a file's text: named
// pipes, symbolic links out of the directory, files past the caps, binary
// files, splat chains, and the expressions the evaluation budget stops.
// README.md lists them with the others.
func hostileInputCases() []hostileCase {
	const valid = "object \"contacts\" {\n  sync = true\n}\n"
	expect := func(file string, line int, text string) fixture.Expectation {
		return fixture.Expectation{File: file, Line: line, Severity: hcl.DiagError, Text: text}
	}
	files := func(src string) map[string][]byte { return map[string][]byte{"main.hcl": []byte(src)} }
	link := func(target string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.Symlink(target, filepath.Join(dir, "zz.hcl")); err != nil {
				t.Fatal(err)
			}
		}
	}
	fifo := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
				t.Skipf("no FIFOs here: %v", err)
			}
		}
	}
	var out []hostileCase
	add := func(hc hostileCase) { out = append(out, hc) }

	add(hostileCase{name: "files_fifo", files: files(valid), setup: fifo("zz.hcl"),
		want: []fixture.Expectation{expect("zz.hcl", 1, "is a named pipe (FIFO)")}})
	add(hostileCase{name: "files_link_to_environ", files: files(valid), setup: link("/proc/self/environ"),
		want: []fixture.Expectation{expect("zz.hcl", 1, "symbolic link to /proc/self/environ, which is outside the configuration directory")}})
	add(hostileCase{name: "files_link_to_passwd", files: files(valid), setup: link("/etc/passwd"),
		want: []fixture.Expectation{expect("zz.hcl", 1, "outside the configuration directory")}})
	add(hostileCase{name: "files_link_to_dev_zero", files: files(valid), setup: link("/dev/zero"),
		want: []fixture.Expectation{expect("zz.hcl", 1, "outside the configuration directory")}})
	add(hostileCase{name: "files_link_out_of_the_directory", files: files(valid), setup: func(t *testing.T, dir string) {
		writeTestFile(t, filepath.Join(dir, "..", "outside.hcl"), []byte("# OUTSIDE-THE-DIRECTORY\nlocals {\n  a = \n}\n"))
		link("../outside.hcl")(t, dir)
	},
		want: []fixture.Expectation{expect("zz.hcl", 1, "outside the configuration directory")}})
	add(hostileCase{name: "files_past_the_cap", files: files(valid), setup: func(t *testing.T, dir string) {
		f, err := os.Create(filepath.Join(dir, "zz.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(10 << 30); err != nil { // sparse: 10 GB that take no room
			t.Fatal(err)
		}
	}, want: []fixture.Expectation{expect("zz.hcl", 1, "past 4 MiB")}})
	add(hostileCase{name: "files_8mb_of_nul_bytes", files: files("locals {\n  a = 1" + strings.Repeat("\x00", config.MaxConfigBytes-64) + "\n}\n"),
		want: []fixture.Expectation{expect("main.hcl", 2, "Not a text file")}})
	add(hostileCase{name: "varfile_dev_zero", files: files(valid), args: []string{"--var-file", "/dev/zero"},
		want: []fixture.Expectation{expect("/dev/zero", 1, "/dev/zero is a device")}})
	add(hostileCase{name: "varfile_fifo", files: files(valid), setup: fifo("v.vars.hcl"), args: []string{"--var-file", "v.vars.hcl"},
		want: []fixture.Expectation{expect("v.vars.hcl", 1, "is a named pipe")}})
	add(hostileCase{name: "varflag_past_the_cap", files: files("variable \"v\" {\n  type = list(number)\n}\n" + valid),
		args: []string{"--var", "v=[" + strings.Repeat("1,", config.MaxVarBytes/2+1) + "]"},
		want: []fixture.Expectation{expect("main.hcl", 1, "longer than 1 MiB")}})

	add(hostileCase{name: "deep_splat_chain", files: files("locals {\n  a = [[1]]\n  b = local.a" + strings.Repeat("[*]", 200000) + "\n}\n"),
		want: []fixture.Expectation{expect("main.hcl", 3, "nested too deeply")}})

	bomb := func(name, src string, line int, text string) {
		add(hostileCase{name: "budget_" + name, files: files(src), want: []fixture.Expectation{expect("main.hcl", line, text)}})
	}
	const tenK = `join("", [for i in range(1000) : "xxxxxxxxxx"])`
	bomb("replace_twice", "locals {\n  s = "+tenK+"\n  t = replace(local.s, \"x\", local.s)\n  u = replace(local.t, \"x\", local.s)\n}\n", 3, "more than 1 MiB of text")
	bomb("join_long_separator", "locals {\n  s = "+tenK+"\n  t = join(local.s, range(1000))\n}\n", 3, "more than 1 MiB of text")
	bomb("formatlist_width", "locals {\n  a = formatlist(\"%09999999d\", range(1000))\n}\n", 2, "larger than 10000")
	bomb("nested_for", "locals {\n  a = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n", 2, "more than 2000000 elements")
	var doubling, tuples strings.Builder
	doubling.WriteString("locals {\n  l0 = \"" + strings.Repeat("x", 74) + "\"\n")
	tuples.WriteString("locals {\n  l0 = [1, 2]\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&doubling, "  l%d = \"${local.l%d}${local.l%d}\"\n", i, i-1, i-1)
		fmt.Fprintf(&tuples, "  l%d = [local.l%d, local.l%d]\n", i, i-1, i-1)
	}
	bomb("doubling_strings", doubling.String()+"}\n", 16, "more than 1 MiB of text")
	bomb("doubling_tuples", tuples.String()+"  x = flatten(local.l30)\n}\n", 20, "more than 1000000 elements")
	bomb("too_many_dynamic_blocks", "object \"companies\" {\n  dynamic \"mapping\" {\n    for_each = setproduct(range(1000), range(101))\n"+
		"    labels   = [\"p${mapping.value[0]}_${mapping.value[1]}\"]\n    content {\n      salesforce_field = \"F__c\"\n      rule             = \"two_way\"\n    }\n  }\n}\n",
		3, "more than 100000 blocks")

	add(hostileCase{name: "escapes_terminal_control", setup: fifo("e\x1b[2J\u202evil.hcl"),
		files: files("object \"contacts\" {\n  sync = \"\x1b]0;pwned\x07\r\u202e\u200b\" # \x1b[31m\ufeff\n}\n"),
		want:  []fixture.Expectation{expect("main.hcl", 2, "bool is required")}})
	return out
}

// TestTransformedSecretsInEveryView: a secret changed by functions never
// shows, in any form (runs of four of its characters), in what validate
// and plan print as text, JSON or Markdown (the pull-request comment),
// whether the configuration is refused (the hostile secrets_transformed
// case) or used, derived, as a token (a plan is made). Only the exact
// value was scrubbed before: tonumber(upper(env(...))) printed the token
// in upper case.
func TestTransformedSecretsInEveryView(t *testing.T) {
	const secret = "Qz7xK3mWv9LpR2hJ"
	refused, err := os.ReadFile(filepath.Join("testdata", "hostile", "secrets_transformed.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	quick, err := os.ReadFile(filepath.Join("..", "..", "examples", "quickstart", "main.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	// The quickstart on its sandbox, with a hubspot block whose token is
	// made from the secret (the sandbox provider does not use it).
	used := strings.Replace(string(quick), "connection {", `connection {
  hubspot {
    portal_id = 1
    token     = "${local.token}-${upper(env("HOSTILE_TOKEN"))}"
  }`, 1) + "\nlocals {\n  token = lower(trimspace(env(\"HOSTILE_TOKEN\")))\n}\n"
	template := newSandboxTemplate(t)
	for name, src := range map[string]string{"refused": string(refused), "used as a token": used} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeTestFile(t, filepath.Join(dir, "main.hcl"), []byte(src))
			writeTestFile(t, filepath.Join(dir, ".syncform", "sandbox.db"), template)
			t.Chdir(dir)
			planned := false
			for _, args := range [][]string{
				{"validate"}, {"validate", "--format", "json"},
				{"plan"}, {"plan", "--format", "json"}, {"plan", "--format", "markdown"},
			} {
				a, out, errb := testApp("", false)
				a.lookupEnv = func(n string) (string, bool) {
					if n == "HOSTILE_TOKEN" {
						return secret, true
					}
					return "", false
				}
				code := run(t.Context(), a, args)
				printed := out.String() + errb.String()
				if run := secretRun(printed, secret, 4); run != "" {
					t.Errorf("%v printed %q of the secret:\n%s", args, run, clipped(printed))
				}
				planned = planned || args[0] == "plan" && code == 0
			}
			if want := name != "refused"; planned != want {
				t.Errorf("planned: %v, want %v", planned, want)
			}
		})
	}
}
