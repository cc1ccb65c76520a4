package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// TestInjectedFaults: with a fixed seed, a share of requests fails both ways,
// and a failed write leaves the sandbox as it was.
func TestInjectedFaults(t *testing.T) {
	h := newHarness(t, Options{FaultRate: 0.5, Rand: rand.NewPCG(7, 7)})
	// No keep-alive: each request gets its own connection, so a dropped
	// one cannot be retried or taint the next.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	var ok, statuses, limited, drops int
	for i := range 40 {
		name := fmt.Sprintf("fault_probe_%d", i)
		body, _ := json.Marshal(apiwire.Property{Name: name, Label: name, Type: "string", FieldType: "text", GroupName: "contactinformation"})
		req, err := http.NewRequest("POST", h.srv.URL+"/crm/v3/properties/contacts", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		res, err := client.Do(req)
		want := false
		switch {
		case err != nil:
			drops++
		case res.StatusCode == http.StatusBadGateway || res.StatusCode == http.StatusServiceUnavailable:
			var e hsErr
			b, _ := io.ReadAll(res.Body)
			if json.Unmarshal(b, &e) != nil || e.Status != "error" || e.Message == "" {
				t.Errorf("%d body %s", res.StatusCode, b)
			}
			statuses++
		case res.StatusCode == http.StatusTooManyRequests:
			var e struct{ PolicyName string }
			b, _ := io.ReadAll(res.Body)
			if json.Unmarshal(b, &e) != nil || e.PolicyName != "TEN_SECONDLY_ROLLING" || res.Header.Get("Retry-After") == "" {
				t.Errorf("429 without the ten-second policy and Retry-After: %s", b)
			}
			limited++
		case res.StatusCode == http.StatusCreated:
			ok++
			want = true
		default:
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("status %d: %s", res.StatusCode, b)
		}
		if res != nil {
			res.Body.Close()
		}
		if _, got := h.snapshot().Property(sf.Contacts, name); got != want {
			t.Errorf("request %d: property exists = %v, want %v (err %v)", i, got, want, err)
		}
	}
	if ok == 0 || statuses == 0 || drops == 0 || limited == 0 {
		t.Errorf("%d served, %d 5xx, %d 429, %d dropped; want some of each", ok, statuses, limited, drops)
	}
}

// TestFaultsAreDeterministic: the same seed fails the same requests.
func TestFaultsAreDeterministic(t *testing.T) {
	pattern := func() []int {
		s := New(nil, Options{Token: testToken, FaultRate: 0.3, Rand: rand.NewPCG(1, 2)}).(*server)
		var out []int
		for range 50 {
			k, status := s.draw()
			out = append(out, k*1000+status)
		}
		return out
	}
	a, b := pattern(), pattern()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("patterns differ:\n%v\n%v", a, b)
	}
}

// TestNoFaultsByDefault: a zero FaultRate never fails a request.
func TestNoFaultsByDefault(t *testing.T) {
	h := newHarness(t, Options{})
	for range 20 {
		if res := h.do("GET", "/connector/v1/settings", nil); res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
	}
}
