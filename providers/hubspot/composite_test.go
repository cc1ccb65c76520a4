package hubspot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/syncform/syncform/providers/apiwire"
)

// TestCompositeRetriesFailedSubrequests: a subrequest that fails as a GET
// would be retried (503, 429) is sent again, alone, up to the client's
// retries; the others are not.
func TestCompositeRetriesFailedSubrequests(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failCalls int // calls in which the second subrequest fails
		wantCalls int
		wantLast  int // its final status
	}{
		{"recovers", 1, 2, 200},
		{"gives up", 99, 3, 503}, // two retries
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sizes []int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var in apiwire.CompositeRequest
				if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
					t.Error(err)
				}
				sizes = append(sizes, len(in.Requests))
				var out apiwire.CompositeResponse
				for _, sub := range in.Requests {
					status := http.StatusOK
					if sub.URL == "/services/data/v1/b" && len(sizes) <= tc.failCalls {
						status = http.StatusServiceUnavailable
					}
					body, _ := json.Marshal(map[string]string{"url": sub.URL})
					out.Responses = append(out.Responses, apiwire.CompositeSubresponse{Body: body, StatusCode: status, ReferenceID: sub.ReferenceID})
				}
				json.NewEncoder(w).Encode(out)
			}))
			defer srv.Close()
			p := newProvider(t, config(srv.URL, srv.URL))
			p.c.retries = 2
			var subs []apiwire.CompositeSubrequest
			for _, u := range []string{"a", "b", "c"} {
				subs = append(subs, apiwire.CompositeSubrequest{Method: http.MethodGet, URL: "/services/data/v1/" + u})
			}
			got, err := p.composite(context.Background(), subs)
			if err != nil {
				t.Fatal(err)
			}
			if len(sizes) != tc.wantCalls || sizes[0] != 3 || sizes[len(sizes)-1] != 1 {
				t.Errorf("calls of %v subrequests; want %d calls, the retries of one", sizes, tc.wantCalls)
			}
			for i, r := range got {
				var b map[string]string
				json.Unmarshal(r.Body, &b)
				if b["url"] != subs[i].URL {
					t.Errorf("answer %d is for %s", i, b["url"])
				}
			}
			if got[0].StatusCode != 200 || got[1].StatusCode != tc.wantLast || got[2].StatusCode != 200 {
				t.Errorf("statuses %d %d %d", got[0].StatusCode, got[1].StatusCode, got[2].StatusCode)
			}
		})
	}
}
