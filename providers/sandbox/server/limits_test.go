package server

import (
	"net/http"
	"testing"
	"time"
)

type rateLimitBody struct {
	Status     string `json:"status"`
	Message    string `json:"message"`
	ErrorType  string `json:"errorType"`
	PolicyName string `json:"policyName"`
}

// expect429 checks a HubSpot rate-limit refusal of the given policy.
func expect429(t *testing.T, res response, policy string) {
	t.Helper()
	var b rateLimitBody
	res.decode(t, &b)
	if res.status != http.StatusTooManyRequests || b.Status != "error" || b.ErrorType != "RATE_LIMIT" || b.PolicyName != policy || b.Message == "" {
		t.Fatalf("status %d body %s, want 429 %s", res.status, res.body, policy)
	}
}

func TestTenSecondlyRollingLimit(t *testing.T) {
	clock := newClock()
	h := newHarness(t, Options{RateLimit: 3, Now: clock.Now})
	const path = "/crm/v3/owners"
	for i := 0; i < 3; i++ {
		if res := h.do("GET", path, nil); res.status != 200 {
			t.Fatalf("request %d: status %d", i, res.status)
		}
		clock.Advance(time.Second)
	}
	// t0+3s: three requests in the window (t0, t0+1s, t0+2s); the oldest
	// leaves it at t0+10s, 7s from now.
	res := h.do("GET", path, nil)
	expect429(t, res, "TEN_SECONDLY_ROLLING")
	if ra := res.header.Get("Retry-After"); ra != "7" {
		t.Errorf("Retry-After %q, want 7", ra)
	}
	// Half a second later the wait rounds up.
	clock.Advance(500 * time.Millisecond)
	res = h.do("GET", path, nil)
	expect429(t, res, "TEN_SECONDLY_ROLLING")
	if ra := res.header.Get("Retry-After"); ra != "7" {
		t.Errorf("Retry-After %q, want 7 (6.5s rounded up)", ra)
	}
	// Every HubSpot endpoint shares the limit; Salesforce's does not.
	expect429(t, h.do("GET", "/crm/v3/properties/contacts", nil), "TEN_SECONDLY_ROLLING")
	if res := h.do("GET", "/services/data/v60.0/sobjects/Lead/describe", nil); res.status != 200 {
		t.Errorf("Salesforce refused by HubSpot's limit: %d", res.status)
	}
	// Refusals do not count: waiting as told is enough.
	clock.Advance(7 * time.Second) // t0+10.5s: t0 has left the window
	if res := h.do("GET", path, nil); res.status != 200 {
		t.Fatalf("after Retry-After: status %d body %s", res.status, res.body)
	}
	// The window now holds t0+1s, t0+2s, t0+10.5s: full until t0+11s.
	res = h.do("GET", path, nil)
	expect429(t, res, "TEN_SECONDLY_ROLLING")
	if ra := res.header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1", ra)
	}
}

func TestHubSpotDailyLimit(t *testing.T) {
	clock := newClock()
	h := newHarness(t, Options{DailyLimit: 4, RateLimit: 100, Now: clock.Now})
	for i := 0; i < 4; i++ {
		if res := h.do("GET", "/crm/v3/owners", nil); res.status != 200 {
			t.Fatalf("request %d: status %d", i, res.status)
		}
	}
	for _, wait := range []time.Duration{0, time.Minute, time.Hour} {
		clock.Advance(wait)
		res := h.do("GET", "/crm/v3/properties/deals", nil)
		expect429(t, res, "DAILY")
		if ra := res.header.Get("Retry-After"); ra != "" {
			t.Errorf("DAILY carries Retry-After %q", ra)
		}
	}
	// Salesforce's quota is its own.
	if res := h.do("GET", "/services/data/v60.0/sobjects/Lead/describe", nil); res.status != 200 {
		t.Errorf("Salesforce refused by HubSpot's daily limit: %d", res.status)
	}
	// The quota resets with the (UTC) day.
	clock.Advance(24 * time.Hour)
	if res := h.do("GET", "/crm/v3/owners", nil); res.status != 200 {
		t.Errorf("next day: status %d body %s", res.status, res.body)
	}
}

// TestRateRefusalSpendsNoDailyQuota: a request refused by the burst limit
// must not use up the day's quota.
func TestRateRefusalSpendsNoDailyQuota(t *testing.T) {
	clock := newClock()
	h := newHarness(t, Options{DailyLimit: 2, RateLimit: 1, Now: clock.Now})
	h.do("GET", "/crm/v3/owners", nil)
	for i := 0; i < 5; i++ {
		expect429(t, h.do("GET", "/crm/v3/owners", nil), "TEN_SECONDLY_ROLLING")
	}
	clock.Advance(10 * time.Second)
	if res := h.do("GET", "/crm/v3/owners", nil); res.status != 200 {
		t.Fatalf("second request of the day: status %d body %s", res.status, res.body)
	}
	clock.Advance(10 * time.Second)
	expect429(t, h.do("GET", "/crm/v3/owners", nil), "DAILY")
}

func TestSalesforceLimitInfo(t *testing.T) {
	clock := newClock()
	h := newHarness(t, Options{SalesforceDailyLimit: 3, Now: clock.Now})
	const lead = "/services/data/v60.0/sobjects/Lead/describe"
	for i, path := range []string{lead, "/services/data/v60.0/sobjects/Nope/describe", lead} {
		res := h.do("GET", path, nil)
		if want := "api-usage=" + itoa(i+1) + "/3"; res.header.Get("Sforce-Limit-Info") != want {
			t.Errorf("request %d: Sforce-Limit-Info %q, want %q", i, res.header.Get("Sforce-Limit-Info"), want)
		}
	}
	// HubSpot requests neither count nor carry the header.
	if res := h.do("GET", "/crm/v3/owners", nil); res.header.Get("Sforce-Limit-Info") != "" {
		t.Errorf("HubSpot response carries Sforce-Limit-Info")
	}
	// A refused login is shown the usage but not counted.
	res := h.doAuth("GET", lead, nil, "")
	if res.status != 401 || res.header.Get("Sforce-Limit-Info") != "api-usage=3/3" {
		t.Errorf("401: status %d Sforce-Limit-Info %q", res.status, res.header.Get("Sforce-Limit-Info"))
	}
	for i := 0; i < 2; i++ {
		res := h.do("GET", lead, nil)
		var e []sfErr
		res.decode(t, &e)
		if res.status != http.StatusForbidden || len(e) != 1 || e[0].ErrorCode != "REQUEST_LIMIT_EXCEEDED" || e[0].Message == "" {
			t.Fatalf("over the limit: status %d body %s", res.status, res.body)
		}
		if got := res.header.Get("Sforce-Limit-Info"); got != "api-usage=3/3" {
			t.Errorf("over the limit: Sforce-Limit-Info %q", got)
		}
	}
	clock.Advance(24 * time.Hour)
	if res := h.do("GET", lead, nil); res.status != 200 || res.header.Get("Sforce-Limit-Info") != "api-usage=1/3" {
		t.Errorf("next day: status %d Sforce-Limit-Info %q", res.status, res.header.Get("Sforce-Limit-Info"))
	}
}

func TestSalesforceDefaultLimit(t *testing.T) {
	h := newHarness(t, Options{})
	res := h.do("GET", "/services/data/v60.0/sobjects/Account/describe", nil)
	if got := res.header.Get("Sforce-Limit-Info"); got != "api-usage=1/100000" {
		t.Errorf("Sforce-Limit-Info %q", got)
	}
}

// TestRateLimitUnderConcurrency: parallel clients get exactly the limit
// through, no more.
func TestRateLimitUnderConcurrency(t *testing.T) {
	clock := newClock()
	h := newHarness(t, Options{RateLimit: 10, Now: clock.Now})
	const n = 40
	statuses := make(chan int, n)
	done := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			req, _ := http.NewRequest("GET", h.srv.URL+"/crm/v3/owners?limit=1", nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			res, err := h.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	for i := 0; i < n; i++ {
		<-done
	}
	close(statuses)
	ok := 0
	for s := range statuses {
		if s == 200 {
			ok++
		} else if s != http.StatusTooManyRequests {
			t.Errorf("status %d", s)
		}
	}
	if ok != 10 {
		t.Errorf("%d requests accepted, want exactly 10", ok)
	}
}
