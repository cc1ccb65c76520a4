package hubspot

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/apiwire"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/providers/sandbox/server"
	"github.com/syncform/syncform/reconciler"
)

// TestApplyManyStaysUnderTheRate applies about 1,460 new mappings and their
// properties (the three objects near the 500 limit) through the provider
// against a served sandbox that enforces the same ten-second limit, on a
// shared fake clock: the client's limiter keeps every request under the
// limit, so each change takes exactly one request (no 429, no retry), and
// the whole takes the time the configured rate allows.
//
// By default it applies 50 mappings per object (a minute less of CI; the
// old token bucket already failed at this size); SYNCFORM_SCALE=1 applies
// the full size, as docs/performance.md records.
func TestApplyManyStaysUnderTheRate(t *testing.T) {
	ctx := context.Background()
	perObject, sb, p, clock := rateLimited(t)

	changes := manyChanges(perObject)
	start := clock.Now()
	for _, ch := range changes {
		if err := p.Apply(ctx, ch); err != nil {
			t.Fatalf("%s: %v", ch.Address(), err)
		}
	}
	elapsed := clock.Now().Sub(start)
	sent := p.Requests()["hubspot"] + p.Requests()["connector"]
	if sent != len(changes) {
		t.Errorf("%d changes took %d requests: the limiter let some through that the server refused", len(changes), sent)
	}
	// n requests at `rate` per window need (n-rate)/rate windows at least,
	// and the limiter should not be much slower than that.
	least := time.Duration(sent-rate) * rateWindow / rate
	if elapsed < least || elapsed > least+2*rateWindow {
		t.Errorf("%d requests in %v of fake time; the rate allows them in %v", sent, elapsed, least)
	}
	t.Logf("%d changes, %d requests, %v at %d requests per 10 s: %.1f requests/s", len(changes), sent, elapsed, rate, float64(sent)/elapsed.Seconds())
	live, _ := sb.Snapshot(ctx)
	if got := len(live.Mappings[sf.Companies]); got != 3+perObject {
		t.Errorf("companies hold %d mappings", got)
	}
}

// manyChanges turns deals' sync on and makes perObject new properties and
// mappings on each object (fewer on contacts, which has 25 standard
// mappings), in the order a plan has them: the toggle, the properties, the
// mappings.
func manyChanges(perObject int) []sf.Change {
	on := true
	changes := []sf.Change{{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: sf.Deals, Sync: &on}}
	var mappings []sf.Change
	for _, o := range sf.Objects() {
		n := perObject
		if o == sf.Contacts {
			n = min(n, 470)
		}
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("extra_%03d", i)
			prop := sf.Property{Object: o, Name: name, Label: fmt.Sprintf("Extra %d", i), Type: sf.Text, Group: o.DefaultPropertyGroup()}
			m := sf.Mapping{Object: o, Property: name, SalesforceField: fmt.Sprintf("Extra_%03d__c", i), Rule: sf.TwoWay}
			changes = append(changes, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: o, Name: name, Property: &prop})
			mappings = append(mappings, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceMapping, Object: o, Name: name, Mapping: &m})
		}
	}
	return append(changes, mappings...)
}

// TestApplyManyInBatches applies the same changes as
// TestApplyManyStaysUnderTheRate through reconciler.Apply, which batches
// them: property creates through HubSpot's batch endpoint and mappings
// through the connector endpoint's, 100 a request, with no 429.
func TestApplyManyInBatches(t *testing.T) {
	ctx := context.Background()
	perObject, sb, p, _ := rateLimited(t)

	plan := &planner.Result{}
	for _, ch := range manyChanges(perObject) {
		plan.Actions = append(plan.Actions, planner.Action{Address: ch.Address(), Change: ch, Mode: sf.ModeAuto})
	}
	start := time.Now()
	res, err := reconciler.Apply(ctx, p, plan, reconciler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	if len(res.Applied) != len(plan.Actions) {
		t.Fatalf("applied %d of %d", len(res.Applied), len(plan.Actions))
	}
	// The toggle, then per object ceil(n/100) requests for the properties
	// and as many for the mappings.
	want := 1
	for _, o := range sf.Objects() {
		n := perObject
		if o == sf.Contacts {
			n = min(n, 470)
		}
		want += 2 * ((n + apiwire.MaxBatchInputs - 1) / apiwire.MaxBatchInputs)
	}
	sent := p.Requests()["hubspot"] + p.Requests()["connector"]
	if sent != want {
		t.Errorf("%d changes took %d requests; want %d (a batch a request, no retry)", len(plan.Actions), sent, want)
	}
	live, _ := sb.Snapshot(ctx)
	if got := len(live.Mappings[sf.Companies]); got != 3+perObject {
		t.Errorf("companies hold %d mappings", got)
	}
	t.Logf("%d changes in %d requests, %v of real time (the server's work), %.0f changes per request",
		len(plan.Actions), sent, wall.Round(time.Millisecond), float64(len(plan.Actions))/float64(sent))
}

// rate is the HubSpot limit the scale tests' server enforces, per 10 s.
const rate = 100

// rateLimited is a sandbox with the custom fields the scale tests map, served
// with HubSpot's ten-second limit on a fake clock the client shares.
// perObject is 50, or 495 with SYNCFORM_SCALE=1.
func rateLimited(t *testing.T) (perObject int, sb *sandbox.Sandbox, p *Provider, clock *fakeClock) {
	t.Helper()
	perObject = 50
	if os.Getenv("SYNCFORM_SCALE") == "1" {
		perObject = 495
	}
	clock = &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sb = openSandbox(t)
	if err := sb.AddCustomFields(context.Background(), perObject); err != nil {
		t.Fatal(err)
	}
	hsURL, sfURL := serve(t, sb, server.Options{RateLimit: rate, Now: clock.Now})
	c := config(hsURL, sfURL)
	c.RateLimit = rate
	// The served sandbox takes seconds for a batch under -race; a timeout
	// would turn these into tests of retries.
	c.Timeout = 2 * time.Minute
	p = newProvider(t, c)
	p.c.now, p.c.sleep = clock.Now, clock.Sleep
	return perObject, sb, p, clock
}
