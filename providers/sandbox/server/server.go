package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/syncform/syncform/providers/apiwire"
	"github.com/syncform/syncform/providers/sandbox"
)

// Options configure the served sandbox. The zero value of every limit means
// no limit.
type Options struct {
	// Token is the bearer token every request must carry. An empty Token
	// refuses every request: a server is never open by accident.
	Token string
	// Latency is added to every response, refused ones included.
	Latency time.Duration
	// RateLimit is the most HubSpot requests accepted in any rolling ten
	// seconds (TEN_SECONDLY_ROLLING).
	RateLimit int
	// DailyLimit is the most HubSpot requests accepted in one UTC day
	// (DAILY).
	DailyLimit int
	// SalesforceDailyLimit is the org's daily API request limit; 0 means
	// Salesforce's default of 100,000.
	SalesforceDailyLimit int
	// Now is the clock the limits use; nil means time.Now. Tests inject a
	// fake one so they need not sleep.
	Now func() time.Time
	// FaultRate, from 0 to 1, is the share of requests that fail before
	// anything is done or counted: a third answer 502 or 503 in their API's
	// error shape, a third HubSpot's ten-second 429 with Retry-After (a 503
	// on the other APIs), a third lose their connection with no response.
	FaultRate float64
	// TimeoutRate, from 0 to 1, is the share of requests that are served
	// (their effect happens) but whose answer never comes: the server holds
	// the response for Hang (default 30 s) or until the client gives up,
	// then drops the connection, as a request timing out in flight would.
	TimeoutRate float64
	Hang        time.Duration
	// Rand draws the faults; nil means a randomly seeded source. A fixed
	// seed makes the same sequence of requests fail the same way.
	Rand rand.Source
}

// DefaultSalesforceDailyLimit is the daily request limit of an org without
// extra licences.
const DefaultSalesforceDailyLimit = 100000

type server struct {
	sb      *sandbox.Sandbox
	opts    Options
	token   [sha256.Size]byte
	hubspot *hubspotLimits
	sfLimit *dailyCounter
	mux     *http.ServeMux
	faultMu sync.Mutex
	rand    *rand.Rand // guarded by faultMu
}

// New returns a handler serving sb in the shapes of the HubSpot CRM v3 and
// Salesforce REST APIs. It does not close sb.
func New(sb *sandbox.Sandbox, opts Options) http.Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SalesforceDailyLimit <= 0 {
		opts.SalesforceDailyLimit = DefaultSalesforceDailyLimit
	}
	s := &server{
		sb:      sb,
		opts:    opts,
		token:   sha256.Sum256([]byte(opts.Token)),
		hubspot: &hubspotLimits{rate: opts.RateLimit, daily: dailyCounter{limit: opts.DailyLimit}},
		sfLimit: &dailyCounter{limit: opts.SalesforceDailyLimit},
		mux:     http.NewServeMux(),
	}
	if opts.Rand == nil {
		opts.Rand = rand.NewPCG(rand.Uint64(), rand.Uint64())
	}
	s.rand = rand.New(opts.Rand)
	s.routes()
	return s
}

func (s *server) routes() {
	m := s.mux
	m.HandleFunc("GET /crm/v3/properties/{objectType}", s.listProperties)
	m.HandleFunc("POST /crm/v3/properties/{objectType}", s.createProperty)
	m.HandleFunc("GET /crm/v3/properties/{objectType}/{name}", s.getProperty)
	m.HandleFunc("PATCH /crm/v3/properties/{objectType}/{name}", s.patchProperty)
	m.HandleFunc("POST /crm/v3/properties/{objectType}/batch/create", s.batchCreate)
	m.HandleFunc("POST /crm/v3/properties/{objectType}/batch/read", s.batchRead)
	m.HandleFunc("GET /crm/v3/owners", s.listOwners)
	m.HandleFunc("GET "+apiwire.AccountDetailsPath, s.accountDetails)
	s.listRoutes()
	m.HandleFunc("GET /services/data/{version}/sobjects/{name}/describe", s.describe)
	m.HandleFunc("GET /services/data/{version}/query", s.query)
	m.HandleFunc("GET /services/data/{version}/query/{cursor}", s.queryMore)
	m.HandleFunc("POST /services/data/{version}/composite", s.composite)
	s.connectorRoutes()
	// Catch-alls, so an unknown path gets its API's error shape rather
	// than net/http's plain text.
	m.HandleFunc("/crm/", func(w http.ResponseWriter, r *http.Request) {
		hubspotError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		salesforceError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	})
}

// api is which public API a path imitates; each has its own error shapes and
// limits.
type api int

const (
	apiHubSpot api = iota
	apiSalesforce
)

// apiOf: /crm/, /account-info/ and the sandbox's own /connector/ are
// HubSpot; everything else, /services/data/ and unknown paths alike,
// answers and counts as Salesforce.
func apiOf(path string) api {
	if strings.HasPrefix(path, "/crm/") || strings.HasPrefix(path, "/account-info/") || strings.HasPrefix(path, "/connector/") {
		return apiHubSpot
	}
	return apiSalesforce
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	which := apiOf(r.URL.Path)
	if s.fault(w, which) {
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="syncform-sandbox"`)
		// The messages name no token: neither the expected one nor the one
		// sent is ever echoed.
		if which == apiHubSpot {
			hubspotError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION", "Authentication credentials not found or invalid.")
		} else {
			// Shown but not counted: a refused login uses no API request.
			w.Header().Set("Sforce-Limit-Info", s.sfUsage(s.sfLimit.peek(s.opts.Now())))
			salesforceError(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		}
		return
	}
	now := s.opts.Now()
	if which == apiHubSpot {
		if !s.hubspot.admit(w, now) {
			return
		}
	} else {
		used, ok := s.sfLimit.take(now)
		w.Header().Set("Sforce-Limit-Info", s.sfUsage(used))
		if !ok {
			salesforceError(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED",
				"TotalRequests Limit exceeded.")
			return
		}
	}
	if s.timesOut() {
		s.mux.ServeHTTP(discard{header: http.Header{}}, r)
		hang := s.opts.Hang
		if hang <= 0 {
			hang = 30 * time.Second
		}
		t := time.NewTimer(hang)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		panic(http.ErrAbortHandler) // the connection closes with no answer
	}
	s.mux.ServeHTTP(w, r)
}

// timesOut draws whether this request's answer is lost (TimeoutRate).
func (s *server) timesOut() bool {
	if s.opts.TimeoutRate <= 0 {
		return false
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.rand.Float64() < s.opts.TimeoutRate
}

// discard is a ResponseWriter whose answer goes nowhere.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

func (s *server) sfUsage(used int) string {
	return "api-usage=" + itoa(used) + "/" + itoa(s.sfLimit.limit)
}

// authorized compares the bearer token in constant time; hashing both sides
// first keeps the comparison from leaking the token's length.
func (s *server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if s.opts.Token == "" || len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(h[len(prefix):]))
	return subtle.ConstantTimeCompare(got[:], s.token[:]) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// hubspotError writes HubSpot's error shape.
func hubspotError(w http.ResponseWriter, status int, category, message string) {
	writeJSON(w, status, map[string]string{"status": "error", "category": category, "message": message})
}

// salesforceError writes Salesforce's error shape: an array of errors.
func salesforceError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, []map[string]string{{"errorCode": code, "message": message}})
}

// fault kinds.
const (
	noFault = iota
	faultStatus
	faultDrop
	faultRateLimit // HubSpot's ten-second 429; a 503 on the other APIs
)

// draw decides whether this request fails and how, and the status of a
// failing response.
func (s *server) draw() (kind, status int) {
	if s.opts.FaultRate <= 0 {
		return noFault, 0
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.rand.Float64() >= s.opts.FaultRate {
		return noFault, 0
	}
	switch s.rand.IntN(6) {
	case 0:
		return faultStatus, http.StatusBadGateway
	case 1:
		return faultStatus, http.StatusServiceUnavailable
	case 2, 3:
		return faultRateLimit, http.StatusTooManyRequests
	}
	return faultDrop, 0
}

// fault injects a failure into the share of requests Options.FaultRate asks
// for, and reports whether it did; such a request is neither served nor
// counted against a limit.
func (s *server) fault(w http.ResponseWriter, which api) bool {
	kind, status := s.draw()
	switch kind {
	case faultStatus:
		msg := "injected fault: the server is temporarily unavailable"
		if which == apiHubSpot {
			hubspotError(w, status, "SERVICE_UNAVAILABLE", msg)
		} else {
			salesforceError(w, status, "SERVER_UNAVAILABLE", msg)
		}
		return true
	case faultRateLimit:
		if which == apiHubSpot {
			w.Header().Set("Retry-After", "1")
			rateLimited(w, "TEN_SECONDLY_ROLLING", "injected fault: you have reached your ten_secondly_rolling limit.")
		} else {
			salesforceError(w, http.StatusServiceUnavailable, "SERVER_UNAVAILABLE", "injected fault: the server is temporarily unavailable")
		}
		return true
	case faultDrop:
		// Close the connection without a byte of response. Where the
		// connection cannot be taken over (HTTP/2), aborting the handler
		// resets the stream, which a client sees the same way.
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		conn.Close()
		return true
	}
	return false
}
