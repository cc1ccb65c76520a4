package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer a running command writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSandboxServe runs serve in-process on a free loopback port, talks to
// it, and interrupts it: it stops cleanly and never prints the token.
func TestSandboxServe(t *testing.T) {
	quickstart(t)
	const token = "serve-test-token-4b1d"
	var out, errb lockedBuffer
	a := &app{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		lookupEnv: func(k string) (string, bool) {
			if k == sandboxTokenEnv {
				return token, true
			}
			return "", false
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, a, []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--latency", "1ms"}) }()

	base := waitOutput(t, &errb, done, "the address", regexp.MustCompile(`Serving sandbox \S+ on (http://127\.0\.0\.1:[0-9]+)\n`))[1]

	client := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		auth string
		want int
	}{{"Bearer " + token, http.StatusOK}, {"Bearer wrong", http.StatusUnauthorized}, {"", http.StatusUnauthorized}} {
		req, _ := http.NewRequest("GET", base+"/connector/v1/settings", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("auth %q: status %d, want %d", tc.auth, res.StatusCode, tc.want)
		}
	}
	client.CloseIdleConnections()

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after interrupt: %s", code, errb.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if !strings.Contains(errb.String(), "Stopped serving after 3 HubSpot and connector requests and 0 Salesforce requests.") {
		t.Errorf("stderr: %s", errb.String())
	}
	if strings.Contains(errb.String()+out.String(), token) {
		t.Error("the token was printed")
	}
	if _, err := http.Get(base + "/connector/v1/settings"); err == nil {
		t.Error("still serving after shutdown")
	}
}

// waitOutput waits for re to match what a command running in the
// background has written to out, and returns the match; the command ending
// first (done) fails the test. The deadline only turns a hang into a
// failure: far longer than any wait takes on a saturated machine.
func waitOutput(t *testing.T, out *lockedBuffer, done <-chan int, what string, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		select {
		case code := <-done:
			t.Fatalf("the command ended before %s, exit %d:\n%s", what, code, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s:\n%s", what, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8790": true, "127.1.2.3:0": true, "[::1]:8790": true, "localhost:8790": true,
		"0.0.0.0:8790": false, ":8790": false, "[::]:8790": false, "192.168.1.5:8790": false,
		"example.com:8790": false, "127.0.0.1": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
