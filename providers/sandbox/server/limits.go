package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateWindow is HubSpot's burst window (TEN_SECONDLY_ROLLING).
const rateWindow = 10 * time.Second

func itoa(n int) string { return strconv.Itoa(n) }

// dailyCounter counts requests per UTC day. Real quotas reset at different
// times (HubSpot at midnight in the portal's time zone, Salesforce over a
// rolling 24 hours); a UTC day is close enough to rehearse stopping on them.
type dailyCounter struct {
	limit int // 0: no limit
	mu    sync.Mutex
	day   string
	used  int
}

// peek returns the requests counted today without counting one.
func (d *dailyCounter) peek(now time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.UTC().Format(time.DateOnly) != d.day {
		return 0
	}
	return d.used
}

// take counts one request if the day's quota allows it, and returns the
// requests counted today.
func (d *dailyCounter) take(now time.Time) (used int, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if day := now.UTC().Format(time.DateOnly); day != d.day {
		d.day, d.used = day, 0
	}
	if d.limit > 0 && d.used >= d.limit {
		return d.used, false
	}
	d.used++
	return d.used, true
}

// hubspotLimits applies HubSpot's two policies. A refused request counts
// against neither, so a client that backs off as told gets through.
type hubspotLimits struct {
	rate  int // 0: no limit
	daily dailyCounter
	mu    sync.Mutex
	times []time.Time // accepted requests in the current window, oldest first
}

// admit answers 429 and returns false when a policy refuses the request.
func (h *hubspotLimits) admit(w http.ResponseWriter, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.rate > 0 {
		cut := 0
		for cut < len(h.times) && !h.times[cut].After(now.Add(-rateWindow)) {
			cut++
		}
		h.times = h.times[cut:]
		if len(h.times) >= h.rate {
			// Retry once the oldest request leaves the window, rounded up
			// to whole seconds as the header allows.
			wait := h.times[0].Add(rateWindow).Sub(now)
			secs := int((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", itoa(max(secs, 1)))
			rateLimited(w, "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.")
			return false
		}
	}
	if _, ok := h.daily.take(now); !ok {
		// No Retry-After: the daily quota is not worth waiting for.
		rateLimited(w, "DAILY", "You have reached your daily limit.")
		return false
	}
	if h.rate > 0 {
		h.times = append(h.times, now)
	}
	return true
}

func rateLimited(w http.ResponseWriter, policy, message string) {
	writeJSON(w, http.StatusTooManyRequests, map[string]string{
		"status": "error", "message": message, "errorType": "RATE_LIMIT", "policyName": policy,
	})
}
