package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWatchCommand runs watch --apply in-process on the quickstart: it
// applies at start, serves its metrics, applies an edit, and stops cleanly
// with exit 0 when its context is cancelled (as SIGINT does).
func TestWatchCommand(t *testing.T) {
	dir := quickstart(t)
	var out, errb lockedBuffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, lookupEnv: func(string) (string, bool) { return "", false }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, a, []string{"watch", "--apply", "--log-format", "json", "--listen", "127.0.0.1:0", "--debounce", "50ms"})
	}()
	waitLog := func(what string, re *regexp.Regexp) []string { return waitOutput(t, &errb, done, what, re) }
	addr := waitLog("the metrics address", regexp.MustCompile(`"addr":"(127\.0\.0\.1:[0-9]+)"`))[1]
	waitLog("the first apply", regexp.MustCompile(`"trigger":"start","outcome":"applied"`))

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	res, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "syncform_watch_applies_total 1") {
		t.Errorf("/metrics:\n%s", body)
	}

	src, _ := os.ReadFile(dir + "/main.hcl")
	edited := strings.Replace(string(src), `rule             = "dont_sync"`, `rule             = "two_way"`, 1)
	if edited == string(src) {
		t.Fatal("the quickstart has no dont_sync rule to edit")
	}
	os.WriteFile(dir+"/main.hcl", []byte(edited), 0o644)
	waitLog("the edit's apply", regexp.MustCompile(`"trigger":"file","outcome":"applied"`))

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after interrupt: %s", code, errb.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("watch did not stop")
	}
	if out.String() != "" {
		t.Errorf("watch wrote to stdout: %s", out.String())
	}
}

func TestWatchFlags(t *testing.T) {
	quickstart(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--interval", "10ms"}, "--interval 10ms: want 1s or more"},
		{[]string{"--debounce", "-1s"}, "--debounce -1s: want 0 or more"},
		{[]string{"--log-format", "xml"}, `--log-format "xml": want one of auto, text, json`},
		{[]string{"--listen", "9090"}, `--listen "9090": want host:port`},
		{[]string{"--standby"}, "--standby takes over applying from another watcher: it needs --apply"},
		{[]string{"--apply", "--standby", "--lease", "100ms"}, "--lease 100ms: want 1s or more"},
	} {
		a, _, errb := testApp("", false)
		if code := run(context.Background(), a, append([]string{"watch"}, tc.args...)); code != exitError || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
}

// TestLineHandler: a readable line per record, multi-line values after it.
func TestLineHandler(t *testing.T) {
	var b strings.Builder
	a := &app{stderr: &b, stderrTTY: true}
	log := a.logger(logAuto)
	log.Info("cycle", "trigger", "file", "changes", 3, "err", "two words")
	log.Warn("the plan has warnings", "diagnostics", "Warning: x\n\n  on main.hcl line 1")
	log.Error("cycle failed", "err", "first\nsecond")
	got := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d `).ReplaceAllString(b.String(), "T ")
	want := "T INFO  cycle trigger=file changes=3 err=\"two words\"\n" +
		"T WARN  the plan has warnings\n  Warning: x\n  \n    on main.hcl line 1\n" +
		"T ERROR cycle failed\n  err:\n  first\n  second\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestWatchStopsOnSignal runs the syncform process and stops it with SIGINT
// and with SIGTERM: it exits 0 after logging that it stopped.
func TestWatchStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := quickstart(t)
			cmd := exec.Command("syncform", "--chdir", dir, "watch", "--apply", "--log-format", "json")
			stderr, _ := cmd.StderrPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(stderr)
			var lines []string
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if strings.Contains(sc.Text(), `"trigger":"start"`) {
					cmd.Process.Signal(sig)
				}
			}
			err := cmd.Wait()
			if err != nil || !strings.Contains(lines[len(lines)-1], `"msg":"stopped"`) {
				t.Errorf("after %v: %v; log:\n%s", sig, err, strings.Join(lines, "\n"))
			}
		})
	}
}
