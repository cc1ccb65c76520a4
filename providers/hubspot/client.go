package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	sf "github.com/syncform/syncform"
)

// The APIs requests are counted by (Requests).
const (
	apiHubSpot    = "hubspot"
	apiSalesforce = "salesforce"
	apiConnector  = "connector"
)

// ErrDailyLimit is wrapped by the error of a request refused by a daily
// quota (HubSpot's DAILY policy, Salesforce's REQUEST_LIMIT_EXCEEDED). It
// also wraps syncform.ErrUnavailable: a later run, after the quota resets,
// may succeed; retrying now would only spend more of a shared quota.
var ErrDailyLimit = errors.New("daily API limit reached")

// maxBackoff caps one wait between attempts.
const maxBackoff = 10 * time.Second

// baseBackoff is the first attempt's backoff ceiling.
const baseBackoff = 200 * time.Millisecond

// bucket limits requests to n in any rolling window, the way HubSpot
// counts them (TEN_SECONDLY_ROLLING): it remembers when the last n requests
// were sent and lets another go only once the oldest has left the window. (A
// token bucket that starts full would let up to 2n through in one window,
// and the server would answer 429.) Its clock and sleep are the client's,
// so tests can run it on a fake clock.
type bucket struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	sent   []time.Time // the last n grants, oldest first
}

func newBucket(n int, window time.Duration) *bucket {
	return &bucket{n: n, window: window}
}

// wait grants one request, sleeping until the window has room.
func (b *bucket) wait(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	for {
		b.mu.Lock()
		t := now()
		if len(b.sent) < b.n {
			b.sent = append(b.sent, t)
			b.mu.Unlock()
			return nil
		}
		free := b.sent[0].Add(b.window)
		if !t.Before(free) {
			b.sent = append(b.sent[1:], t)
			b.mu.Unlock()
			return nil
		}
		b.mu.Unlock()
		if err := sleep(ctx, free.Sub(t)); err != nil {
			return err
		}
	}
}

// client is the HTTP side: auth, limits, retries, error mapping, counting.
type client struct {
	http    *http.Client
	timeout time.Duration
	retries int
	limiter *bucket // HubSpot and the connector endpoint, which counts against HubSpot's limits
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	jitter  func(time.Duration) time.Duration

	mu       sync.Mutex
	requests map[string]int
	sfUsed   int
	sfLimit  int
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fullJitter draws uniformly from [0, d): spreads retries of many clients.
func fullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)))
}

// request is one call to make.
type request struct {
	api    string
	method string
	url    string // absolute
	what   string // method and path for messages: never the token, never the host's userinfo
	token  sf.Secret
	body   any
	// retry allows retrying after a failure that may have reached the
	// server; true for idempotent requests.
	retry bool
}

// apiError is a decoded error response.
type apiError struct {
	status   int
	category string // HubSpot category or Salesforce errorCode
	policy   string // HubSpot 429 policyName
	message  string
	retryIn  time.Duration
}

// do runs r, decoding a 2xx body into out (when non-nil), and returns the
// final status; errors wrap the syncform kinds.
func (c *client) do(ctx context.Context, r request, out any) (int, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return 0, fmt.Errorf("%s: encoding the request: %w", r.what, err)
		}
	}
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			// Backoff ceiling doubles per attempt; Retry-After, when the
			// server gave one, is a floor.
			wait := c.jitter(min(maxBackoff, baseBackoff<<min(attempt-1, 20)))
			var ae *apiError
			if errors.As(last, &ae) && ae.retryIn > wait {
				wait = ae.retryIn
			}
			if err := c.sleep(ctx, wait); err != nil {
				return 0, fmt.Errorf("%s: %w: %w", r.what, sf.ErrUnavailable, err)
			}
		}
		status, err, again := c.once(ctx, r, body, out)
		if err == nil {
			return status, nil
		}
		last = err
		if !again || attempt >= c.retries || ctx.Err() != nil {
			return status, c.classify(r, status, err, attempt)
		}
	}
}

// once makes one attempt; again says whether a retry could help.
func (c *client) once(ctx context.Context, r request, body []byte, out any) (status int, err error, again bool) {
	if r.api != apiSalesforce && c.limiter != nil {
		if err := c.limiter.wait(ctx, c.now, c.sleep); err != nil {
			return 0, err, false
		}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, r.url, rd)
	if err != nil {
		return 0, errors.New("invalid request URL"), false // the URL error could quote userinfo
	}
	req.Header.Set("Authorization", "Bearer "+r.token.Reveal())
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.count(r.api)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err(), false
		}
		// A timeout or a dropped connection: the request may or may not
		// have had its effect, so only a retryable request is retried.
		return 0, transportError(err), r.retry
	}
	defer resp.Body.Close()
	if r.api == apiSalesforce {
		c.noteUsage(resp.Header.Get("Sforce-Limit-Info"))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.StatusCode, transportError(err), r.retry
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && len(data) > 0 {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(out); err != nil {
				return resp.StatusCode, fmt.Errorf("decoding the response: %v", err), false
			}
		}
		return resp.StatusCode, nil, false
	}
	ae := decodeError(resp.StatusCode, resp.Header.Get("Retry-After"), data)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		// A 429 was refused before any effect: safe to retry whatever the
		// method, except on the daily quota.
		return resp.StatusCode, ae, ae.policy != "DAILY"
	case resp.StatusCode >= 500:
		// 5xx: POST creates are retried too; the caller treats a 409 on
		// the retry as success when the live resource equals the request.
		return resp.StatusCode, ae, true
	}
	return resp.StatusCode, ae, false
}

func (e *apiError) Error() string {
	msg := e.message
	if e.category != "" {
		msg = e.category + ": " + msg
	}
	return fmt.Sprintf("HTTP %d: %s", e.status, msg)
}

// decodeError reads an error response of either API: its status, its
// Retry-After header and its body.
func decodeError(status int, retryAfter string, data []byte) *apiError {
	ae := &apiError{status: status}
	if s := retryAfter; s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			ae.retryIn = time.Duration(n) * time.Second
		}
	}
	var hs struct {
		Message    string `json:"message"`
		Category   string `json:"category"`
		PolicyName string `json:"policyName"`
	}
	var sfe []struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
	}
	switch {
	case json.Unmarshal(data, &hs) == nil && (hs.Message != "" || hs.PolicyName != ""):
		ae.message, ae.category, ae.policy = hs.Message, hs.Category, hs.PolicyName
	case json.Unmarshal(data, &sfe) == nil && len(sfe) > 0:
		ae.message, ae.category = sfe[0].Message, sfe[0].ErrorCode
	default:
		ae.message = http.StatusText(status)
	}
	return ae
}

// transportError describes a failed round trip without the URL (which
// net/http quotes in full).
func transportError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errors.New("request timed out")
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return fmt.Errorf("connection failed: %v", inner)
		}
	}
	return errors.New("connection failed")
}

// classify wraps the final error of r in the syncform kind it belongs to.
func (c *client) classify(r request, status int, err error, attempt int) error {
	tries := ""
	if attempt > 0 {
		tries = fmt.Sprintf(" (after %d attempts)", attempt+1)
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s: %w", r.what, err)
		}
		return fmt.Errorf("%s: %w: %v%s", r.what, sf.ErrUnavailable, err, tries)
	}
	switch {
	case status == http.StatusTooManyRequests && ae.policy == "DAILY":
		return fmt.Errorf("%s: %w: %w: HubSpot's DAILY request quota is used up; stopping (%s)", r.what, sf.ErrUnavailable, ErrDailyLimit, ae.message)
	case status == http.StatusForbidden && ae.category == "REQUEST_LIMIT_EXCEEDED":
		used, limit := c.usage()
		return fmt.Errorf("%s: %w: %w: the Salesforce org's daily API request limit is used up (api-usage=%d/%d); stopping", r.what, sf.ErrUnavailable, ErrDailyLimit, used, limit)
	case status == http.StatusTooManyRequests:
		return fmt.Errorf("%s: %w: rate limited (%s)%s", r.what, sf.ErrUnavailable, ae.message, tries)
	case status >= 500:
		return fmt.Errorf("%s: %w: %v%s", r.what, sf.ErrUnavailable, ae, tries)
	case status == http.StatusNotFound:
		return fmt.Errorf("%s: %w: %s", r.what, sf.ErrNotFound, ae.message)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%s: %w: authentication failed; check the %s token", r.what, sf.ErrRejected, r.api)
	}
	return fmt.Errorf("%s: %w: %s", r.what, sf.ErrRejected, ae.message)
}

func (c *client) count(api string) {
	c.mu.Lock()
	c.requests[api]++
	c.mu.Unlock()
}

var limitInfo = regexp.MustCompile(`api-usage=(\d+)/(\d+)`)

func (c *client) noteUsage(h string) {
	m := limitInfo.FindStringSubmatch(h)
	if m == nil {
		return
	}
	used, _ := strconv.Atoi(m[1])
	limit, _ := strconv.Atoi(m[2])
	c.mu.Lock()
	c.sfUsed, c.sfLimit = used, limit
	c.mu.Unlock()
}

func (c *client) usage() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sfUsed, c.sfLimit
}
