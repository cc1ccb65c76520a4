package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/hubspot"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/providers/sandbox/server"
)

// faultCounts counts what a faulty server did to its requests.
type faultCounts struct {
	mu                                  sync.Mutex
	requests, status5xx, status429, cut int
}

func (f *faultCounts) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("%d requests: %d answered 5xx, %d answered 429, %d cut off (dropped or timed out)", f.requests, f.status5xx, f.status429, f.cut)
}

// statusRecorder notes the status a handler answers.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(s int) { r.status = s; r.ResponseWriter.WriteHeader(s) }
func (r *statusRecorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter // lets the server hijack the connection to drop it
}

func (f *faultCounts) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			f.mu.Lock()
			f.requests++
			switch {
			case rec.status == 0:
				f.cut++
			case rec.status == http.StatusTooManyRequests:
				f.status429++
			case rec.status >= 500:
				f.status5xx++
			}
			f.mu.Unlock()
		}()
		h.ServeHTTP(rec, r)
	})
}

// TestApplyUnderFaults applies the quickstart, on a sandbox with a few
// thousand records, through the hubspot provider against a served sandbox
// that fails a fifth to a third of the requests (5xx, 429 with Retry-After,
// dropped connections) and lets 3% take effect but never answer (the
// connection is dropped after 100 ms), with a client that gives up after
// two retries. Each apply either completes or stops with a
// clear error; running it again until it completes leaves the settings,
// every record's values and the back-fill jobs exactly as an apply without
// faults does.
func TestApplyUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("applies under injected faults; run without -short")
	}
	ctx := context.Background()
	base := seededQuickstart(t, sandbox.SeedOptions{Contacts: 1000, Companies: 3000, Deals: 500, Seed: 9})
	ref := copyDir(t, base)
	run2(t, "--chdir", ref, "apply", "--auto-approve")
	want := outcome(t, ref)

	for _, tc := range []struct {
		seed      uint64
		faultRate float64
	}{{1, 0.2}, {2, 0.3}, {3, 0.35}} {
		seed := tc.seed
		t.Run(fmt.Sprintf("faults-%.0f%%-seed-%d", tc.faultRate*100, seed), func(t *testing.T) {
			dir := copyDir(t, base)
			counts := &faultCounts{}
			rng := rand.NewPCG(seed, 99)
			var rngMu sync.Mutex
			faulty := func(ctx context.Context, sb *sandbox.Sandbox, manual bool) (sf.Provider, error) {
				rngMu.Lock()
				src := rand.NewPCG(rand.New(rng).Uint64(), seed)
				rngMu.Unlock()
				return serveFaulty(sb, counts, server.Options{FaultRate: tc.faultRate, TimeoutRate: 0.03, Hang: 100 * time.Millisecond, Rand: src})
			}
			attempts, failures := 0, []string{}
			t.Chdir(dir)
			for attempts < 40 {
				attempts++
				a, out, errb := testApp("", false)
				a.serve = faulty
				code := run(ctx, a, []string{"apply", "--auto-approve"})
				if code == exitOK {
					break
				}
				msg := errb.String()
				if code != exitError || !strings.Contains(msg, "Error: ") || strings.Contains(msg, "panic") {
					t.Fatalf("attempt %d: exit %d; want a clear error:\n%s%s", attempts, code, out, msg)
				}
				failures = append(failures, firstLine(msg[strings.Index(msg, "Error: "):]))
			}
			t.Logf("%d attempts; %s", attempts, counts)
			for _, f := range failures {
				t.Logf("  stopped: %s", f)
			}
			a, out, errb := testApp("", false)
			if code := run(ctx, a, []string{"plan"}); code != exitOK || !strings.Contains(out.String(), "No changes.") {
				t.Fatalf("plan without faults after %d attempts: exit %d\n%s%s", attempts, code, out, errb)
			}
			got := outcome(t, dir)
			if d := cmp.Diff(want.jobs, got.jobs); d != "" {
				t.Errorf("successful jobs per back-fill (-without faults +with):\n%s", d)
			}
			if got.settings != want.settings || got.values != want.values {
				t.Error("the live settings or values differ from an apply without faults")
			}
		})
	}
}

// serveFaulty serves sb with the given faults and returns the hubspot
// provider connected to it, with a client that retries twice. Its timeout
// only guards against a hang: a timeout short enough to end the injected
// hangs (300 ms, once) also ended answers a busy machine was slow to give,
// and an apply then never completed. The server ends the hangs itself
// (Hang); the client's timeout has tests of its own (providers/hubspot).
func serveFaulty(sb *sandbox.Sandbox, counts *faultCounts, opts server.Options) (sf.Provider, error) {
	tok := make([]byte, 16)
	crand.Read(tok)
	opts.Token = hex.EncodeToString(tok)
	srv := httptest.NewServer(counts.wrap(server.New(sb, opts)))
	p, err := hubspot.Connect(hubspot.Config{HubSpotURL: srv.URL, HubSpotToken: sf.NewSecret(opts.Token),
		SalesforceURL: srv.URL, SalesforceToken: sf.NewSecret(opts.Token), ConnectorEndpoint: srv.URL,
		Timeout: time.Minute, Retries: 2})
	if err != nil {
		srv.Close()
		sb.Close()
		return nil, err
	}
	bp, ok := p.(*hubspot.BackfillProvider)
	if !ok {
		return nil, errors.New("no back-fill provider")
	}
	return servedBackfill{bp, func() { srv.CloseClientConnections(); srv.Close(); sb.Close() }}, nil
}
