package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
)

const testToken = "s3cr3t-token-9f2c71"

// fakeClock is the injected clock: tests move it instead of sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a sandbox in a temporary directory served on 127.0.0.1.
type harness struct {
	t   *testing.T
	sb  *sandbox.Sandbox
	srv *httptest.Server
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	sb, err := sandbox.Open(context.Background(), filepath.Join(t.TempDir(), "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Token == "" {
		opts.Token = testToken
	}
	srv := httptest.NewServer(New(sb, opts))
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	return &harness{t: t, sb: sb, srv: srv}
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// do sends a request with the test token; body, when not nil, is sent as
// JSON.
func (h *harness) do(method, path string, body any) response {
	h.t.Helper()
	return h.doAuth(method, path, body, "Bearer "+testToken)
}

func (h *harness) doAuth(method, path string, body any, auth string) response {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func (h *harness) snapshot() *sf.Snapshot {
	h.t.Helper()
	snap, err := h.sb.Snapshot(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return snap
}

// hsErr is HubSpot's error shape.
type hsErr struct {
	Status   string `json:"status"`
	Category string `json:"category"`
	Message  string `json:"message"`
}

// sfErr is Salesforce's error shape (an array of these).
type sfErr struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
}

func TestAuthRefused(t *testing.T) {
	h := newHarness(t, Options{})
	wrong := "Bearer not-the-" + testToken
	for _, tc := range []struct {
		name, path, auth string
		salesforce       bool
	}{
		{"hubspot no header", "/crm/v3/properties/contacts", "", false},
		{"hubspot wrong token", "/crm/v3/properties/contacts", wrong, false},
		{"hubspot token prefix only", "/crm/v3/owners", "Bearer " + testToken[:5], false},
		{"hubspot not bearer", "/crm/v3/owners", "Basic " + testToken, false},
		{"hubspot token with suffix", "/crm/v3/owners", "Bearer " + testToken + "x", false},
		{"salesforce no header", "/services/data/v60.0/sobjects/Lead/describe", "", true},
		{"salesforce wrong token", "/services/data/v60.0/sobjects/Lead/describe", wrong, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.doAuth("GET", tc.path, nil, tc.auth)
			if res.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", res.status, res.body)
			}
			if tc.salesforce {
				var e []sfErr
				res.decode(t, &e)
				if len(e) != 1 || e[0].ErrorCode != "INVALID_SESSION_ID" {
					t.Errorf("body %s", res.body)
				}
			} else {
				var e hsErr
				res.decode(t, &e)
				if e.Status != "error" || e.Category != "INVALID_AUTHENTICATION" {
					t.Errorf("body %s", res.body)
				}
			}
			noToken(t, res)
		})
	}
}

// noToken fails when the token, or any long piece of it, is in a response.
func noToken(t *testing.T, res response) {
	t.Helper()
	var all strings.Builder
	all.Write(res.body)
	for k, vs := range res.header {
		all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	if s := all.String(); strings.Contains(s, testToken) || strings.Contains(s, testToken[:8]) {
		t.Errorf("response echoes the token:\n%s", s)
	}
}

func TestAuthAcceptedAndTokenNeverEchoed(t *testing.T) {
	h := newHarness(t, Options{})
	for _, path := range []string{
		"/crm/v3/properties/contacts", "/crm/v3/properties/contacts/email", "/crm/v3/owners",
		"/crm/v3/properties/contacts/nope", "/crm/v3/nowhere", "/services/data/v60.0/sobjects/Lead/describe",
		"/services/data/v60.0/sobjects/Nope/describe",
	} {
		res := h.do("GET", path, nil)
		if res.status == http.StatusUnauthorized {
			t.Errorf("GET %s refused with the right token", path)
		}
		noToken(t, res)
	}
	// Lower-case scheme is accepted: the scheme is case-insensitive.
	if res := h.doAuth("GET", "/crm/v3/owners", nil, "bearer "+testToken); res.status != http.StatusOK {
		t.Errorf("lower-case bearer: status %d", res.status)
	}
}

func TestEmptyTokenRefusesEverything(t *testing.T) {
	sb, err := sandbox.Open(context.Background(), filepath.Join(t.TempDir(), "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	srv := httptest.NewServer(New(sb, Options{}))
	defer srv.Close()
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		req, _ := http.NewRequest("GET", srv.URL+"/crm/v3/owners", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("auth %q: status %d, want 401", auth, res.StatusCode)
		}
	}
}

func TestLatency(t *testing.T) {
	const lat = 30 * time.Millisecond
	h := newHarness(t, Options{Latency: lat})
	for _, auth := range []string{"Bearer " + testToken, ""} {
		start := time.Now()
		h.doAuth("GET", "/crm/v3/owners", nil, auth)
		if d := time.Since(start); d < lat {
			t.Errorf("authorized %v: answered in %v, want at least %v", auth != "", d, lat)
		}
	}
}
