package hubspot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox/server"
)

// TestIdentity: the provider names the served sandbox by the portal and org
// it is served as, reads them once, and refuses a configured portal ID
// that is not the token's portal.
func TestIdentity(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	var requests atomic.Int64
	h := server.New(sb, server.Options{Token: hsToken})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		// One token for both APIs: the same server answers both.
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), sfToken, hsToken, 1))
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	portal, org, err := sb.Portal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := sf.Identity{PortalID: portal, OrgID: org}

	p := newProvider(t, config(srv.URL, srv.URL))
	for range 2 {
		got, err := p.Identity(ctx)
		if err != nil || got != want {
			t.Fatalf("Identity = %v, %v; want %v", got, err, want)
		}
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests for two calls; want the account details and the org's query, once", n)
	}

	c := config(srv.URL, srv.URL)
	c.PortalID = portal
	if got, err := newProvider(t, c).Identity(ctx); err != nil || got != want {
		t.Errorf("with its own portal_id: %v, %v", got, err)
	}
	c.PortalID = portal + 1
	_, err = newProvider(t, c).Identity(ctx)
	if err == nil || !strings.Contains(err.Error(), "portal_id is") {
		t.Errorf("with another portal's portal_id: %v", err)
	}
	if err != nil && (strings.Contains(err.Error(), hsToken) || strings.Contains(err.Error(), sfToken)) {
		t.Error("the error carries a token")
	}
}
