package hubspot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/providers/sandbox/server"
)

const (
	hsToken = "hs-tok-QX7Z91-distinctive"
	sfToken = "sf-tok-KP3M44-distinctive"
)

// fakeClock is shared by the server's limits and the client's limiter and
// sleeps: a wait advances it instead of sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func openSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Open(context.Background(), filepath.Join(t.TempDir(), "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// serve runs a sandbox over HTTP on 127.0.0.1, both tokens accepted by
// serving the two APIs from two servers over one sandbox.
func serve(t *testing.T, sb *sandbox.Sandbox, opts server.Options) (hubspotURL, salesforceURL string) {
	t.Helper()
	hs := opts
	hs.Token = hsToken
	sfo := opts
	sfo.Token = sfToken
	if opts.Rand != nil {
		sfo.Rand = rand.NewPCG(99, 100) // a source is not safe to share between servers
	}
	a := httptest.NewServer(server.New(sb, hs))
	b := httptest.NewServer(server.New(sb, sfo))
	t.Cleanup(func() { a.Close(); b.Close() })
	return a.URL, b.URL
}

func config(hsURL, sfURL string) Config {
	return Config{
		HubSpotURL: hsURL, HubSpotToken: sf.NewSecret(hsToken),
		SalesforceURL: sfURL, SalesforceToken: sf.NewSecret(sfToken),
		ConnectorEndpoint: hsURL, Timeout: 5 * time.Second,
	}
}

// fast makes retries instant.
func fast(p *Provider) *Provider {
	p.c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return p
}

func newProvider(t *testing.T, c Config) *Provider {
	t.Helper()
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return fast(p)
}

var snapOpts = cmp.Options{cmpopts.EquateEmpty(), cmpopts.IgnoreFields(sf.Owner{}, "Records")}

// compareSnapshots checks the parts a provider over HTTP reads.
func compareSnapshots(t *testing.T, got, want *sf.Snapshot) {
	t.Helper()
	for _, part := range []struct {
		name      string
		got, want any
	}{
		{"properties", got.Properties, want.Properties},
		{"mappings", got.Mappings, want.Mappings},
		{"sync", got.Sync, want.Sync},
		{"owners", got.Owners, want.Owners},
		{"users", got.Users, want.Users},
		{"queues", got.Queues, want.Queues},
		{"segments", got.Segments, want.Segments},
	} {
		if d := cmp.Diff(part.want, part.got, snapOpts); d != "" {
			t.Errorf("%s differ (-in-process +http):\n%s", part.name, d)
		}
	}
	for _, name := range baseSObjects() {
		if d := cmp.Diff(want.SObjects[name], got.SObjects[name], snapOpts); d != "" {
			t.Errorf("describe of %s differs (-in-process +http):\n%s", name, d)
		}
	}
	for name, so := range got.SObjects {
		if d := cmp.Diff(want.SObjects[name], so, snapOpts); d != "" {
			t.Errorf("describe of referenced %s differs:\n%s", name, d)
		}
	}
}

func TestSnapshotMatchesSandbox(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	p := newProvider(t, config(serve(t, sb, server.Options{})))
	got, err := p.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sb.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, got, want)
	if len(got.Manual) != 0 {
		t.Errorf("manual = %v with an endpoint", got.Manual)
	}
	if len(got.Owners) == 0 || len(got.Users) == 0 || len(got.SObjects) < len(baseSObjects()) {
		t.Fatalf("snapshot looks empty: %d owners, %d users, %d sobjects", len(got.Owners), len(got.Users), len(got.SObjects))
	}

	// The Salesforce side is two composite calls: the synced objects'
	// describes with the users and queues queries, then the objects their
	// reference fields point at. Describes are cached: a second snapshot
	// only queries again, in one call.
	if n := p.Requests()["salesforce"]; n != 2 {
		t.Errorf("first snapshot made %d Salesforce requests, want 2", n)
	}
	before := p.Requests()["salesforce"]
	if _, err := p.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if n := p.Requests()["salesforce"] - before; n != 1 {
		t.Errorf("second snapshot made %d Salesforce requests, want 1", n)
	}
	if used, limit := p.SalesforceUsage(); used == 0 || limit != server.DefaultSalesforceDailyLimit {
		t.Errorf("SalesforceUsage = %d/%d", used, limit)
	}
}

func TestRecords(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	p := newProvider(t, config(serve(t, sb, server.Options{})))
	var ids []sf.SalesforceID
	sb.Pairs(ctx, sf.Companies, func(pr sandbox.Pair) error {
		if len(ids) < 3 {
			ids = append(ids, pr.SalesforceID)
		}
		return nil
	})
	if len(ids) == 0 {
		t.Skip("no seeded companies")
	}
	ids = append(ids, "001000000000000AAA") // does not exist: left out
	fields := []string{"Name"}
	got, err := p.Records(ctx, "Account", ids, fields)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sb.Records(ctx, "Account", ids, fields)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, snapOpts); d != "" {
		t.Errorf("records differ:\n%s", d)
	}
	// Values come from the connector endpoint and equal the sandbox's.
	for _, c := range []struct {
		side  sf.Side
		field string
	}{{sf.HubSpotSide, "industry"}, {sf.SalesforceSide, "Region__c"}} {
		gotV, err := p.Values(ctx, sf.Companies, c.side, c.field)
		if err != nil {
			t.Fatal(err)
		}
		wantV, _ := sb.Values(ctx, sf.Companies, c.side, c.field)
		if d := cmp.Diff(wantV, gotV); d != "" || len(wantV) == 0 {
			t.Errorf("values of %s differ (or are empty):\n%s", c.field, d)
		}
	}
}

func TestApplyMatchesInProcess(t *testing.T) {
	ctx := context.Background()
	remote, local := openSandbox(t), openSandbox(t)
	p := newProvider(t, config(serve(t, remote, server.Options{})))
	c := sf.Contacts
	prop := sf.Property{Object: c, Name: "tier", Label: "Tier", Type: sf.Dropdown, Group: "contactinformation",
		Options: []sf.Option{{Value: "a", Label: "A"}, {Value: "b", Label: "B"}}}
	updated := prop
	updated.Label, updated.Description = "Customer tier", "How big"
	opts := updated
	opts.Options = []sf.Option{{Value: "b", Label: "B"}, {Value: "c", Label: "C"}, {Value: "a", Label: "A", Hidden: true}}
	m := sf.Mapping{Object: c, Property: "utm_medium", SalesforceField: "utm_medium__c", Rule: sf.TwoWay}
	m2 := m
	m2.Rule = sf.AlwaysUseSalesforce
	off, on := false, true
	changes := []sf.Change{
		{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: c, Name: "tier", Property: &prop},
		{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: c, Name: "tier", Property: &prop}, // again: done
		{Op: sf.OpUpdate, Resource: sf.ResourceProperty, Object: c, Name: "tier", Property: &updated},
		{Op: sf.OpUpdate, Resource: sf.ResourceOptions, Object: c, Name: "tier", Property: &opts},
		{Op: sf.OpCreate, Resource: sf.ResourceMapping, Object: c, Name: m.Property, Mapping: &m},
		{Op: sf.OpUpdate, Resource: sf.ResourceMapping, Object: c, Name: m.Property, Mapping: &m2},
		{Op: sf.OpDelete, Resource: sf.ResourceMapping, Object: c, Name: m.Property},
		{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: sf.Deals, Sync: &on},
		{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: sf.Deals, Sync: &off},
	}
	for _, ch := range changes {
		lerr := local.Apply(ctx, ch)
		rerr := p.Apply(ctx, ch)
		if (lerr == nil) != (rerr == nil) || errors.Is(lerr, sf.ErrRejected) != errors.Is(rerr, sf.ErrRejected) {
			t.Fatalf("%s %s: in-process %v, over HTTP %v", ch.Op, ch.Address(), lerr, rerr)
		}
		ls, _ := local.Snapshot(ctx)
		rs, _ := remote.Snapshot(ctx)
		for _, part := range []struct {
			name      string
			got, want any
		}{{"properties", rs.Properties, ls.Properties}, {"mappings", rs.Mappings, ls.Mappings}, {"sync", rs.Sync, ls.Sync}} {
			if d := cmp.Diff(part.want, part.got, snapOpts); d != "" {
				t.Fatalf("after %s %s, %s differ (-in-process +http):\n%s", ch.Op, ch.Address(), part.name, d)
			}
		}
	}

	// Refusals keep their kind over HTTP.
	bad := sf.Mapping{Object: c, Property: "email", Rule: sf.DontSync}
	if err := p.Apply(ctx, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceMapping, Object: c, Name: "email", Mapping: &bad}); !errors.Is(err, sf.ErrRejected) {
		t.Errorf("fixed standard rule: %v, want ErrRejected", err)
	}
	miss := sf.Mapping{Object: c, Property: "nope", Rule: sf.TwoWay}
	if err := p.Apply(ctx, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceMapping, Object: c, Name: "nope", Mapping: &miss}); !errors.Is(err, sf.ErrNotFound) {
		t.Errorf("missing mapping: %v, want ErrNotFound", err)
	}
	other := prop
	other.Label = "Something else"
	if err := p.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: c, Name: "tier", Property: &other}); !errors.Is(err, sf.ErrRejected) {
		t.Errorf("create over a different property: %v, want ErrRejected", err)
	}
}

func TestBackfiller(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	pv, err := Connect(config(serve(t, sb, server.Options{})))
	if err != nil {
		t.Fatal(err)
	}
	defer pv.Close()
	bf, ok := pv.(sf.Backfiller)
	if !ok {
		t.Fatal("a provider with an endpoint is not a Backfiller")
	}
	impacts, err := bf.EstimateBackfills(ctx, []sf.Backfill{{Object: sf.Contacts, Direction: sf.ToHubSpot, Method: sf.MethodImport}})
	if err != nil || len(impacts) != 1 {
		t.Fatalf("estimate = %v, %v", impacts, err)
	}
	want, _ := sb.EstimateBackfills(ctx, []sf.Backfill{{Object: sf.Contacts, Direction: sf.ToHubSpot, Method: sf.MethodImport}})
	if d := cmp.Diff(want, impacts, snapOpts); d != "" {
		t.Errorf("impacts differ:\n%s", d)
	}
}

// TestSegmentsOverLists: a BackfillProvider reads and deletes segments by
// name through HubSpot's lists API, not the connector endpoint; only a batch
// is made there.
func TestSegmentsOverLists(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	if _, err := sb.CreateSegment(ctx, sandbox.SegmentDef{Name: "Gold", Object: sf.Companies, Property: "tier", Value: "Gold"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.CreateList(ctx, "EMEA / webinar", sf.Deals); err != nil {
		t.Fatal(err)
	}
	p := newProvider(t, config(serve(t, sb, server.Options{})))
	bf := &BackfillProvider{p}

	for _, tc := range []struct {
		name  string
		found bool
	}{
		{"All contacts", true},
		{"All companies", true},
		{"Key accounts", true},
		{"Gold", true},
		{"EMEA / webinar", true}, // a deals list, with a slash
		{"all companies", false}, // names are exact, whatever the API's case
		{"no such segment", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := bf.Segment(ctx, tc.name)
			want, werr := sb.Segment(ctx, tc.name)
			if !tc.found {
				if !errors.Is(err, sf.ErrNotFound) || !errors.Is(werr, sf.ErrNotFound) {
					t.Errorf("Segment = %+v, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || got != want {
				t.Errorf("Segment = %+v (%v), the sandbox holds %+v", got, err, want)
			}
		})
	}
	if n := p.Requests()[apiConnector]; n != 0 {
		t.Errorf("reading segments made %d connector requests", n)
	}

	batch, err := bf.CreateBatchSegment(ctx, "Gold batch 1", "Gold", 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Requests()[apiConnector] != 1 {
		t.Errorf("a batch took %d connector requests, want 1", p.Requests()[apiConnector])
	}
	if got, err := bf.Segment(ctx, "Gold batch 1"); err != nil || got != batch || !got.Static {
		t.Errorf("the batch read back: %+v (%v), made %+v", got, err, batch)
	}
	for range 2 { // deleting a missing segment is not an error
		if err := bf.DeleteSegment(ctx, "Gold batch 1"); err != nil {
			t.Fatal(err)
		}
		if _, err := sb.Segment(ctx, "Gold batch 1"); !errors.Is(err, sf.ErrNotFound) {
			t.Errorf("after DeleteSegment: %v", err)
		}
	}
	// A name that differs only in case is another segment: not deleted.
	if err := bf.DeleteSegment(ctx, "GOLD"); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Segment(ctx, "Gold"); err != nil {
		t.Errorf("DeleteSegment(GOLD) deleted Gold: %v", err)
	}
	if n := p.Requests()[apiConnector]; n != 1 {
		t.Errorf("%d connector requests in all, want the batch's 1", n)
	}
}

// TestSnapshotSegments: the snapshot's segments are the sandbox's, read from
// the lists API with or without a connector endpoint, over more lists than
// one search page holds.
func TestSnapshotSegments(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	if _, err := sb.CreateSegment(ctx, sandbox.SegmentDef{Name: "Gold", Object: sf.Companies, Property: "tier", Value: "Gold"}); err != nil {
		t.Fatal(err)
	}
	for i := range 510 {
		l, err := sb.CreateList(ctx, fmt.Sprintf("Campaign %03d", i), sf.Objects()[i%3])
		if err != nil {
			t.Fatal(err)
		}
		if l.Object != sf.Contacts {
			continue
		}
		// Sizes differ from list to list, so a size read wrong shows.
		if _, _, err := sb.AddListMembers(ctx, l.ID, []int64{10_000_001, 10_000_001 + int64(i%7)}); err != nil {
			t.Fatal(err)
		}
	}
	hsURL, sfURL := serve(t, sb, server.Options{})
	live, err := sb.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sf.WriteMappingsCSV(&buf, live, []sf.Object{sf.Contacts}); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "mappings.csv")
	if err := os.WriteFile(csv, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		endpoint bool
	}{{"connector endpoint", true}, {"CSV", false}} {
		t.Run(tc.name, func(t *testing.T) {
			c := config(hsURL, sfURL)
			if !tc.endpoint {
				c.ConnectorEndpoint, c.MappingsCSV = "", csv
			}
			p := newProvider(t, c)
			got, err := p.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Segments) != 515 {
				t.Errorf("%d segments, want 515", len(got.Segments))
			}
			if d := cmp.Diff(live.Segments, got.Segments, snapOpts); d != "" {
				t.Errorf("segments differ (-in-process +http):\n%s", d)
			}
		})
	}
}

func TestCSVMarksConnectorManual(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	hsURL, sfURL := serve(t, sb, server.Options{})
	live, err := sb.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sf.WriteMappingsCSV(&buf, live, []sf.Object{sf.Contacts}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mappings.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c := config(hsURL, sfURL)
	c.ConnectorEndpoint, c.MappingsCSV = "", path
	pv, err := Connect(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pv.(sf.Backfiller); ok {
		t.Error("a provider without an endpoint claims to back-fill")
	}
	// Without an endpoint nothing says which values records hold: the
	// planner then keeps options hidden rather than remove one.
	if _, err := pv.Values(ctx, sf.Companies, sf.HubSpotSide, "tier"); !errors.Is(err, sf.ErrUnavailable) {
		t.Errorf("Values without an endpoint: %v, want ErrUnavailable", err)
	}
	snap, err := pv.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []sf.Resource{sf.ResourceSync, sf.ResourceMapping, sf.ResourceBackfill} {
		if snap.ModeFor(r) != sf.ModeManual {
			t.Errorf("%s is not manual", r)
		}
	}
	if snap.ModeFor(sf.ResourceProperty) != sf.ModeAuto {
		t.Error("properties are manual")
	}
	if d := cmp.Diff(live.Mappings[sf.Contacts], snap.Mappings[sf.Contacts], snapOpts); d != "" {
		t.Errorf("mappings from the CSV differ:\n%s", d)
	}
	if !snap.Sync[sf.Contacts] || snap.Sync[sf.Deals] {
		t.Errorf("sync = %v, want contacts only", snap.Sync)
	}
	m := sf.Mapping{Object: sf.Contacts, Property: "utm_medium", SalesforceField: "utm_medium__c", Rule: sf.TwoWay}
	err = pv.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceMapping, Object: sf.Contacts, Name: m.Property, Mapping: &m})
	if !errors.Is(err, sf.ErrRejected) || !strings.Contains(err.Error(), "manual") {
		t.Errorf("mapping without an endpoint: %v", err)
	}
}

func TestRetriesSurviveFaults(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	hsURL, sfURL := serve(t, sb, server.Options{FaultRate: 0.3, Rand: rand.NewPCG(7, 11)})
	c := config(hsURL, sfURL)
	c.Retries = 12
	p := newProvider(t, c)
	var slept []time.Duration
	var mu sync.Mutex
	p.c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return nil
	}
	want, _ := sb.Snapshot(ctx)
	for range 3 {
		got, err := p.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		compareSnapshots(t, got, want)
	}
	prop := sf.Property{Object: sf.Deals, Name: "risk", Label: "Risk", Type: sf.Text, Group: "dealinformation"}
	for range 3 { // creates retried after faults still converge
		if err := p.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Deals, Name: "risk", Property: &prop}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("requests %v", p.Requests())
	if len(slept) == 0 {
		t.Error("no retry happened at a 30% fault rate")
	}
	for _, d := range slept {
		if d < 0 || d > maxBackoff {
			t.Errorf("backoff %v outside [0, %v]", d, maxBackoff)
		}
	}
}

func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sb := openSandbox(t)
	hsURL, sfURL := serve(t, sb, server.Options{RateLimit: 3, Now: clock.Now})
	c := config(hsURL, sfURL)
	c.RateLimit = 3
	p := newProvider(t, c)
	p.c.now, p.c.sleep = clock.Now, clock.Sleep
	start := clock.Now()
	for range 3 {
		if _, err := p.Snapshot(ctx); err != nil {
			t.Fatal(err)
		}
	}
	n := p.Requests()["hubspot"] + p.Requests()["connector"]
	if n < 15 {
		t.Fatalf("only %d HubSpot requests", n)
	}
	// n requests at 3 per 10 s take at least (n-3)/3 windows.
	if elapsed, least := clock.Now().Sub(start), time.Duration(n-3)*rateWindow/3; elapsed < least {
		t.Errorf("%d requests in %v of fake time; the limit needs at least %v", n, elapsed, least)
	}
}

// TestRetryAfter: a client allowed more than the server accepts gets 429
// TEN_SECONDLY_ROLLING and waits as Retry-After says.
func TestRetryAfter(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	sb := openSandbox(t)
	hsURL, sfURL := serve(t, sb, server.Options{RateLimit: 2, Now: clock.Now})
	c := config(hsURL, sfURL)
	c.Retries = 30
	p := newProvider(t, c)
	var mu sync.Mutex
	longest := time.Duration(0)
	p.c.now = clock.Now
	p.c.jitter = func(time.Duration) time.Duration { return 0 } // only Retry-After makes a wait
	p.c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		longest = max(longest, d)
		mu.Unlock()
		return clock.Sleep(ctx, d)
	}
	if _, err := p.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if longest < time.Second {
		t.Errorf("longest wait %v; Retry-After was not honoured", longest)
	}
}

func TestDailyLimitsStopAtOnce(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	hsURL, sfURL := serve(t, sb, server.Options{DailyLimit: 1, SalesforceDailyLimit: 1})
	p := newProvider(t, config(hsURL, sfURL))
	_, err := p.Snapshot(ctx)
	if !errors.Is(err, ErrDailyLimit) || !errors.Is(err, sf.ErrUnavailable) {
		t.Fatalf("snapshot over the daily limit: %v", err)
	}
	before := p.Requests()
	prop := sf.Property{Object: sf.Deals, Name: "risk", Label: "Risk", Type: sf.Text, Group: "dealinformation"}
	err = p.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Deals, Name: "risk", Property: &prop})
	if !errors.Is(err, ErrDailyLimit) || !strings.Contains(err.Error(), "DAILY") {
		t.Errorf("apply over HubSpot's daily limit: %v", err)
	}
	if n := p.Requests()["hubspot"] - before["hubspot"]; n != 1 {
		t.Errorf("apply made %d requests over the daily limit, want 1", n)
	}
	// The snapshot may have used the Salesforce quota up already; two more
	// queries surely do.
	p.query(ctx, "SELECT Id, Name FROM Group WHERE Type = 'Queue'", func(map[string]any) error { return nil })
	err2 := p.query(ctx, "SELECT Id, Name FROM Group WHERE Type = 'Queue'", func(map[string]any) error { return nil })
	if !errors.Is(err2, ErrDailyLimit) || !strings.Contains(err2.Error(), "Salesforce") {
		t.Errorf("query over Salesforce's daily limit: %v", err2)
	}
	if used, limit := p.SalesforceUsage(); limit != 1 || used != 1 {
		t.Errorf("SalesforceUsage = %d/%d, want 1/1", used, limit)
	}
}

// recorder checks every request on the wire: tokens only in Authorization.
type recorder struct {
	t    *testing.T
	next http.RoundTripper
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, tok := range []string{hsToken, sfToken} {
		if strings.Contains(req.URL.String(), tok) {
			r.t.Errorf("token in URL %s", req.URL.Path)
		}
		for k, vs := range req.Header {
			if k != "Authorization" && strings.Contains(strings.Join(vs, " "), tok) {
				r.t.Errorf("token in header %s", k)
			}
		}
	}
	return r.next.RoundTrip(req)
}

func TestSecretsNeverLeak(t *testing.T) {
	ctx := context.Background()
	sb := openSandbox(t)
	var errs []error
	note := func(err error) {
		if err == nil {
			_, file, line, _ := runtime.Caller(1)
			t.Errorf("the error path at %s:%d did not fail", filepath.Base(file), line)
			return
		}
		errs = append(errs, err)
	}
	mk := func(opts server.Options, mutate func(*Config)) *Provider {
		hsURL, sfURL := serve(t, sb, opts)
		c := config(hsURL, sfURL)
		c.Retries = 2
		c.HTTPClient = &http.Client{Transport: recorder{t, http.DefaultTransport}}
		if mutate != nil {
			mutate(&c)
		}
		return newProvider(t, c)
	}
	prop := sf.Property{Object: sf.Deals, Name: "risk", Label: "Risk", Type: sf.Text, Group: "dealinformation"}
	create := sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Deals, Name: "risk", Property: &prop}

	// Wrong tokens: both APIs answer 401.
	swapped := mk(server.Options{}, func(c *Config) { c.HubSpotToken, c.SalesforceToken = c.SalesforceToken, c.HubSpotToken })
	_, err := swapped.Snapshot(ctx)
	note(err)
	note(swapped.Apply(ctx, create))
	_, err = swapped.describe(ctx, []string{"Lead"}, nil)
	note(err)
	err = swapped.query(ctx, usersSOQL, func(map[string]any) error { return nil })
	note(err)

	ok := mk(server.Options{}, nil)
	bad := prop
	bad.Type = ""
	note(ok.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Deals, Name: "risk", Property: &bad}))  // 400
	note(ok.Apply(ctx, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceProperty, Object: sf.Deals, Name: "nope", Property: &prop})) // 404
	if err := ok.Apply(ctx, create); err != nil {
		t.Fatal(err)
	}
	other := prop
	other.Label = "Other"
	note(ok.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Deals, Name: "risk", Property: &other})) // 409
	_, err = ok.Records(ctx, "Account", []sf.SalesforceID{"001000000000000AAA"}, []string{"NoSuchField__c"})
	note(err)

	faulty := mk(server.Options{FaultRate: 1, Rand: rand.NewPCG(1, 2)}, nil) // 5xx and drops after retries
	_, err = faulty.Snapshot(ctx)
	note(err)
	err = faulty.query(ctx, usersSOQL, func(map[string]any) error { return nil })
	note(err)

	slow := mk(server.Options{Latency: 300 * time.Millisecond}, func(c *Config) { c.Timeout = 20 * time.Millisecond })
	_, err = slow.properties(ctx, sf.Contacts)
	note(err)

	daily := mk(server.Options{DailyLimit: 1, SalesforceDailyLimit: 1}, nil)
	_, err = daily.Snapshot(ctx)
	note(err)
	daily.query(ctx, usersSOQL, func(map[string]any) error { return nil }) // the Salesforce quota may be left over from the snapshot
	err = daily.query(ctx, usersSOQL, func(map[string]any) error { return nil })
	note(err)

	gone := mk(server.Options{}, nil)
	gone.cfg.HubSpotURL, gone.cfg.SalesforceURL = "http://127.0.0.1:1", "http://127.0.0.1:1"
	_, err = gone.properties(ctx, sf.Contacts)
	note(err)
	err = gone.query(ctx, usersSOQL, func(map[string]any) error { return nil })
	note(err)

	csv := mk(server.Options{}, func(c *Config) { c.ConnectorEndpoint, c.MappingsCSV = "", filepath.Join(t.TempDir(), "missing.csv") })
	_, err = csv.Snapshot(ctx)
	note(err)

	_, err = New(Config{HubSpotURL: "http://u:" + hsToken + "@127.0.0.1", SalesforceURL: "http://127.0.0.1",
		HubSpotToken: sf.NewSecret(hsToken), SalesforceToken: sf.NewSecret(sfToken), MappingsCSV: "x"})
	note(err)

	for _, err := range errs {
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(s, hsToken) || strings.Contains(s, sfToken) {
				t.Errorf("token in error: %s", s)
			}
		}
	}
	for _, s := range []string{fmt.Sprintf("%+v", ok.cfg), fmt.Sprintf("%#v", ok.cfg)} {
		if strings.Contains(s, hsToken) || strings.Contains(s, sfToken) {
			t.Errorf("token in printed config: %s", s)
		}
	}
}

// TestApplyBatchMatchesInProcess applies batches over HTTP and each of
// their changes in-process, one by one: every change gets the same outcome
// (kind of error included) and the two sandboxes end equal, with one
// request per batch; with 30% of requests failing on the way too.
func TestApplyBatchMatchesInProcess(t *testing.T) {
	c := sf.Contacts
	prop := func(name, label string) *sf.Property {
		return &sf.Property{Object: c, Name: name, Label: label, Type: sf.Text, Group: "contactinformation"}
	}
	mapping := func(name, field string, rule sf.SyncRule) *sf.Mapping {
		return &sf.Mapping{Object: c, Property: name, SalesforceField: field, Rule: rule}
	}
	createProp := func(name, label string) sf.Change {
		return sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: c, Name: name, Property: prop(name, label)}
	}
	mappingChange := func(op sf.Op, name, field string, rule sf.SyncRule) sf.Change {
		ch := sf.Change{Op: op, Resource: sf.ResourceMapping, Object: c, Name: name}
		if op != sf.OpDelete {
			ch.Mapping = mapping(name, field, rule)
		}
		return ch
	}
	batches := [][]sf.Change{
		{createProp("tier", "Tier"), createProp("region", "Region")},
		// Again (done), a different one over an existing name, a bad name,
		// and a new one: not atomic.
		{createProp("tier", "Tier"), createProp("region", "Other"), createProp("Bad Name", "Bad"), createProp("segment", "Segment")},
		{mappingChange(sf.OpCreate, "utm_medium", "utm_medium__c", sf.TwoWay), mappingChange(sf.OpCreate, "utm_campaign", "utm_campaign__c", sf.TwoWay),
			mappingChange(sf.OpCreate, "utm_term", "utm_medium__c", sf.TwoWay)}, // a field mapped already
		{mappingChange(sf.OpUpdate, "utm_medium", "", sf.AlwaysUseSalesforce), mappingChange(sf.OpUpdate, "email", "", sf.DontSync),
			mappingChange(sf.OpUpdate, "nope", "", sf.TwoWay)},
		{mappingChange(sf.OpDelete, "utm_medium", "", ""), mappingChange(sf.OpDelete, "firstname", "", ""), mappingChange(sf.OpDelete, "gone", "", "")},
	}
	for _, fault := range []float64{0, 0.3} {
		t.Run(fmt.Sprintf("faults %.0f%%", fault*100), func(t *testing.T) {
			ctx := context.Background()
			remote, local := openSandbox(t), openSandbox(t)
			p := newProvider(t, config(serve(t, remote, server.Options{FaultRate: fault, Rand: rand.NewPCG(3, 4)})))
			kind := func(err error) string {
				for _, k := range []error{sf.ErrRejected, sf.ErrNotFound, sf.ErrUnavailable} {
					if errors.Is(err, k) {
						return k.Error()
					}
				}
				if err != nil {
					return "other: " + err.Error()
				}
				return "done"
			}
			for _, b := range batches {
				if size := p.BatchSize(b[0]); size < len(b) {
					t.Fatalf("%s %s: batch size %d", b[0].Op, b[0].Resource, size)
				}
				before := p.Requests()
				errs := p.ApplyBatch(ctx, b)
				if len(errs) != len(b) {
					t.Fatalf("%d results for %d changes", len(errs), len(b))
				}
				for i, ch := range b {
					if want, got := kind(local.Apply(ctx, ch)), kind(errs[i]); want != got {
						t.Errorf("%s %s: in-process %s, batched over HTTP %s", ch.Op, ch.Address(), want, got)
					}
					if errs[i] != nil && !strings.Contains(errs[i].Error(), ch.Address()) {
						t.Errorf("error %q does not name %s", errs[i], ch.Address())
					}
				}
				if fault == 0 {
					after := p.Requests()
					// One request, and one read per conflict to resolve.
					if n := after["hubspot"] + after["connector"] - before["hubspot"] - before["connector"]; n > 3 {
						t.Errorf("%s %s batch of %d: %d requests", b[0].Op, b[0].Resource, len(b), n)
					}
				}
			}
			ls, _ := local.Snapshot(ctx)
			rs, _ := remote.Snapshot(ctx)
			if d := cmp.Diff(ls.Properties, rs.Properties, snapOpts); d != "" {
				t.Errorf("properties differ (-in-process +http):\n%s", d)
			}
			if d := cmp.Diff(ls.Mappings, rs.Mappings, snapOpts); d != "" {
				t.Errorf("mappings differ (-in-process +http):\n%s", d)
			}
		})
	}
	// Sync toggles and option lists have no batch endpoint, and without a
	// connector endpoint mappings do not either.
	p := newProvider(t, config("http://127.0.0.1:1", "http://127.0.0.1:1"))
	csv := config("http://127.0.0.1:1", "http://127.0.0.1:1")
	csv.ConnectorEndpoint, csv.MappingsCSV = "", "mappings.csv"
	pc := newProvider(t, csv)
	for _, tc := range []struct {
		p    *Provider
		c    sf.Change
		want int
	}{
		{p, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceSync}, 1},
		{p, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceOptions}, 1},
		{p, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceProperty}, 1},
		{p, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty}, apiwire.MaxBatchInputs},
		{p, sf.Change{Op: sf.OpDelete, Resource: sf.ResourceMapping}, apiwire.MaxBatchInputs},
		{pc, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceMapping}, 1},
		{pc, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty}, apiwire.MaxBatchInputs},
	} {
		if got := tc.p.BatchSize(tc.c); got != tc.want {
			t.Errorf("BatchSize(%s %s) = %d, want %d", tc.c.Op, tc.c.Resource, got, tc.want)
		}
	}
}

// TestBatchAnswersMustNameEveryInput: an answer that leaves an input out
// of both its results and its errors does not count that input as done.
func TestBatchAnswersMustNameEveryInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		op     sf.Op
		want   []bool // done per change
	}{
		{"create: one answered, one not", 207, `{"results":[{"property":"a"}],"errors":[{"category":"VALIDATION_ERROR","message":"x"}]}`, sf.OpCreate, []bool{true, false}},
		{"update: nothing answered", 200, `{"results":[]}`, sf.OpUpdate, []bool{false, false}},
		{"create: both answered", 201, `{"results":[{"property":"a"},{"property":"b"}]}`, sf.OpCreate, []bool{true, true}},
		{"archive: no content", 204, ``, sf.OpDelete, []bool{true, true}},
		{"archive: one named failure", 207, `{"errors":[{"category":"VALIDATION_ERROR","message":"standard","context":{"property":["b"]}}]}`, sf.OpDelete, []bool{true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			p := newProvider(t, config(srv.URL, srv.URL))
			var cs []sf.Change
			for _, n := range []string{"a", "b"} {
				c := sf.Change{Op: tc.op, Resource: sf.ResourceMapping, Object: sf.Contacts, Name: n}
				if tc.op != sf.OpDelete {
					c.Mapping = &sf.Mapping{Object: sf.Contacts, Property: n, SalesforceField: n + "__c", Rule: sf.TwoWay}
				}
				cs = append(cs, c)
			}
			errs := p.ApplyBatch(context.Background(), cs)
			for i, err := range errs {
				if (err == nil) != tc.want[i] {
					t.Errorf("%s: %v; want done %v", cs[i].Name, err, tc.want[i])
				}
			}
		})
	}
}
