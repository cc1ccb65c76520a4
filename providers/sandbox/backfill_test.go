package sandbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"testing"

	sf "github.com/syncform/syncform"
)

// mapEverything maps, two-way, every field pair the seed gives values that
// the connector accepts and that is not mapped yet, so back-fills cover
// every type of value.
func mapEverything(t *testing.T, s *Sandbox, o sf.Object) {
	t.Helper()
	ctx := context.Background()
	if o == sf.Deals {
		if err := s.Apply(ctx, syncChange(sf.Deals, true)); err != nil {
			t.Fatal(err)
		}
	}
	created := 0
	for _, spec := range newSeeder(DefaultSeedOptions).specs[o] {
		if spec.prop == "" || spec.field == "" {
			continue
		}
		if _, ok := snapshot(t, s).Mapping(o, spec.prop); ok {
			continue
		}
		err := s.Apply(ctx, mapChange(sf.OpCreate, o, spec.prop, spec.field, sf.TwoWay))
		switch {
		case err == nil:
			created++
		case !errors.Is(err, sf.ErrRejected): // a type mismatch is expected; anything else is not
			t.Fatal(err)
		}
	}
	if created < 4 {
		t.Fatalf("only %d %s mappings created", created, o)
	}
}

// setRules gives every mapping of o rule, where the connector accepts it
// (the opt-out mapping is fixed; Email takes two of the rules).
func setRules(t *testing.T, s *Sandbox, o sf.Object, rule sf.SyncRule) {
	t.Helper()
	for _, m := range snapshot(t, s).Mappings[o] {
		if err := s.Apply(context.Background(), mapChange(sf.OpUpdate, o, m.Property, "", rule)); err != nil && !errors.Is(err, sf.ErrRejected) {
			t.Fatal(err)
		}
	}
}

func importOf(o sf.Object) sf.Backfill {
	return sf.Backfill{Object: o, Direction: sf.ToHubSpot, Method: sf.MethodImport}
}

func resyncOf(o sf.Object, segment string) sf.Backfill {
	return sf.Backfill{Object: o, Direction: sf.ToSalesforce, Method: sf.MethodSegment, Segment: segment}
}

var allSegment = map[sf.Object]string{sf.Contacts: "All contacts", sf.Companies: "All companies", sf.Deals: "All deals"}

// expectation computes, independently of the engine's own reads, what a
// back-fill of b must leave in each pair: for every mapping, what
// syncform.SyncValue says (the owner mapping: the owner function; the
// company link: SyncValue over the translated reference).
type expectation struct {
	live      *sf.Snapshot
	b         sf.Backfill
	accounts  map[string]string // company record ID → Account ID
	companies map[string]string // Account ID → company record ID
}

func newExpectation(t *testing.T, s *Sandbox, b sf.Backfill) *expectation {
	e := &expectation{live: snapshot(t, s), b: b, accounts: map[string]string{}, companies: map[string]string{}}
	for _, p := range pairs(t, s, sf.Companies) {
		id := strconv.FormatInt(p.HubSpotID, 10)
		e.accounts[id], e.companies[string(p.SalesforceID)] = string(p.SalesforceID), id
	}
	return e
}

// each calls fn for every mapped value of p, in the engine's order, with the
// pair's field name on p's Salesforce object.
func (e *expectation) each(p Pair, fn func(m sf.Mapping, field string, formula bool)) {
	for _, m := range e.live.Mappings[e.b.Object] {
		for _, side := range e.live.Fields(e.b.Object, m.SalesforceField) {
			if side.SObject == p.SObject {
				fn(m, side.Field.Name, side.Field.Calculated)
			}
		}
	}
}

func (e *expectation) after(p Pair) Pair {
	out := p
	out.HubSpot, out.Salesforce = maps.Clone(p.HubSpot), maps.Clone(p.Salesforce)
	book := ownerBook{owners: e.live.Owners, users: e.live.Users, queues: e.live.Queues}
	e.each(p, func(m sf.Mapping, field string, formula bool) {
		if m.Rule == sf.DontSync {
			return
		}
		hs, sv := out.HubSpot[m.Property], out.Salesforce[field]
		var h2, s2 sf.FieldValue
		switch {
		case m.Property == sf.OwnerProperty:
			h2, s2 = book.sync(e.b.Direction, hs, sv)
		case m.Property == companyLinkProperty:
			h2, s2 = hs, sv
			if e.b.Direction == sf.ToHubSpot {
				if c, ok := e.companies[sv.V]; ok || sv.V == "" {
					h2, _ = sf.SyncValue(m.Rule, e.b.Direction, hs, sf.FieldValue{V: c, At: sv.At})
				}
			} else if a, ok := e.accounts[hs.V]; ok || hs.V == "" {
				_, s2 = sf.SyncValue(m.Rule, e.b.Direction, sf.FieldValue{V: a, At: hs.At}, sv)
			}
		default:
			h2, s2 = sf.SyncValue(m.Rule, e.b.Direction, hs, sv)
		}
		if formula {
			s2 = sv
		}
		put(out.HubSpot, m.Property, h2)
		put(out.Salesforce, field, s2)
	})
	return out
}

func put(m map[string]sf.FieldValue, k string, v sf.FieldValue) {
	if v == (sf.FieldValue{}) {
		delete(m, k)
	} else {
		m[k] = v
	}
}

// impactOf is the Impact of the difference between two readings of the same
// pairs, counted the way the contract defines it.
func (e *expectation) impactOf(t *testing.T, before, after []Pair, examined int) sf.Impact {
	t.Helper()
	imp := sf.Impact{Examined: examined}
	if len(before) != len(after) {
		t.Fatalf("%d pairs before, %d after", len(before), len(after))
	}
	for i := range before {
		b, a := before[i], after[i]
		label := recordLabel(e.b.Object)(&pairRow{id: b.HubSpotID, sfID: string(b.SalesforceID)})
		count := func(side string, field string, x, y sf.FieldValue) {
			if x == y {
				return
			}
			if side == SideHubSpot {
				imp.HubSpotChanges++
			} else {
				imp.SalesforceChanges++
			}
			if x.V != "" && y.V != x.V {
				imp.Overwrites++
			}
			if len(imp.Samples) < sf.MaxImpactSamples {
				imp.Samples = append(imp.Samples, sf.SampleChange{Record: label, Side: side, Field: field, Before: x.V, After: y.V})
			}
		}
		e.each(b, func(m sf.Mapping, field string, _ bool) {
			count(SideHubSpot, m.Property, b.HubSpot[m.Property], a.HubSpot[m.Property])
			count(SideSalesforce, field, b.Salesforce[field], a.Salesforce[field])
		})
	}
	return imp
}

// TestBackfillRules: for every object, rule and direction, a back-fill leaves
// every pair as SyncValue says, changes nothing else, changes exactly what
// its estimate said, and a second run changes nothing.
func TestBackfillRules(t *testing.T) {
	ctx := context.Background()
	smallBatches(t)
	for _, o := range sf.Objects() {
		for _, rule := range sf.SyncRules() {
			for _, b := range []sf.Backfill{importOf(o), resyncOf(o, allSegment[o])} {
				t.Run(fmt.Sprintf("%s/%s/%s", o, rule, b.Direction), func(t *testing.T) {
					s := seeded(t, SeedOptions{Contacts: 300, Companies: 120, Deals: 200, Seed: 11})
					mapEverything(t, s, o)
					setRules(t, s, o, rule)
					e := newExpectation(t, s, b)
					before := pairs(t, s, o)

					est, err := s.EstimateBackfill(ctx, b)
					if err != nil {
						t.Fatal(err)
					}
					var progress []sf.Job
					job, err := s.RunBackfill(ctx, b, func(j sf.Job) { progress = append(progress, j) })
					if err != nil {
						t.Fatal(err)
					}
					after := pairs(t, s, o)

					for i, p := range before {
						if want := e.after(p); !samePair(after[i], want) {
							t.Fatalf("pair %d after the back-fill:\n got %+v\nwant %+v", p.HubSpotID, after[i], want)
						}
					}
					got := e.impactOf(t, before, after, len(before))
					if !sameImpact(est, got) {
						t.Errorf("estimate %+v\n   job did %+v", est, got)
					}
					if job.State != sf.JobSucceeded || job.Done != len(before) || job.Total != len(before) ||
						job.Changed != got.HubSpotChanges+got.SalesforceChanges {
						t.Errorf("job %+v; want done with %d records and %d changes", job, len(before), got.HubSpotChanges+got.SalesforceChanges)
					}
					if rule == sf.DontSync && o != sf.Contacts && job.Changed != 0 {
						t.Errorf("dont_sync changed %d values", job.Changed)
					}
					if rule == sf.TwoWay && job.Changed == 0 {
						t.Error("a two-way back-fill of seeded data changed nothing")
					}
					checkProgress(t, progress, job)

					// Nothing left to do.
					if est, err := s.EstimateBackfill(ctx, b); err != nil || est.HubSpotChanges+est.SalesforceChanges != 0 {
						t.Errorf("estimate after the job: %+v (%v)", est, err)
					}
					again, err := s.RunBackfill(ctx, b, nil)
					if err != nil || again.Changed != 0 || again.Done != len(before) {
						t.Errorf("second run: %+v (%v)", again, err)
					}
				})
			}
		}
	}
}

// smallBatches makes jobs run in several batches over a test's few hundred
// records, for the rest of the test.
func smallBatches(t *testing.T) {
	old := batchSize
	batchSize = 37
	t.Cleanup(func() { batchSize = old })
}

// checkProgress: the statuses a job reported only move forward and end in
// its final status.
func checkProgress(t *testing.T, progress []sf.Job, final sf.Job) {
	t.Helper()
	if len(progress) == 0 || !reflect.DeepEqual(progress[len(progress)-1], final) {
		t.Fatalf("progress %+v does not end in %+v", progress, final)
	}
	for i := 1; i < len(progress); i++ {
		p, q := progress[i-1], progress[i]
		if q.Done < p.Done || q.Changed < p.Changed || q.Total < p.Total || q.Done > q.Total && q.Total > 0 {
			t.Errorf("progress went from %+v to %+v", p, q)
		}
	}
}

func samePair(a, b Pair) bool {
	return a.HubSpotID == b.HubSpotID && a.SObject == b.SObject && a.SalesforceID == b.SalesforceID &&
		maps.Equal(a.HubSpot, b.HubSpot) && maps.Equal(a.Salesforce, b.Salesforce)
}

func sameImpact(a, b sf.Impact) bool {
	if a.Examined != b.Examined || a.HubSpotChanges != b.HubSpotChanges || a.SalesforceChanges != b.SalesforceChanges ||
		a.Overwrites != b.Overwrites || len(a.Samples) != len(b.Samples) {
		return false
	}
	for i := range a.Samples {
		if a.Samples[i] != b.Samples[i] {
			return false
		}
	}
	return true
}

// TestBackfillRecords: a record resync syncs the listed records only, and
// ignores IDs of records that do not exist.
func TestBackfillRecords(t *testing.T) {
	ctx := context.Background()
	smallBatches(t)
	s := seeded(t, SeedOptions{Contacts: 50, Companies: 200, Deals: 10, Seed: 3})
	mapEverything(t, s, sf.Companies)
	before := pairs(t, s, sf.Companies)
	listed := map[int64]bool{}
	var ids []int64
	for i := 0; i < len(before); i += 7 {
		ids = append(ids, before[i].HubSpotID)
		listed[before[i].HubSpotID] = true
	}
	b := sf.Backfill{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodRecords,
		Records: append([]int64{999, ids[3]}, ids...)} // a missing ID, a repeat, out of order
	e := newExpectation(t, s, b)
	est, err := s.EstimateBackfill(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.RunBackfill(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	after := pairs(t, s, sf.Companies)
	for i, p := range before {
		want := p
		if listed[p.HubSpotID] {
			want = e.after(p)
		}
		if !samePair(after[i], want) {
			t.Fatalf("company %d (listed %v):\n got %+v\nwant %+v", p.HubSpotID, listed[p.HubSpotID], after[i], want)
		}
	}
	if got := e.impactOf(t, before, after, len(ids)); !sameImpact(est, got) || job.Changed == 0 {
		t.Errorf("estimate %+v, job did %+v (job %+v)", est, got, job)
	}
	if job.Total != len(ids) || job.Done != len(ids) {
		t.Errorf("job %+v, want %d records", job, len(ids))
	}
}

func TestBackfillRejects(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t)
	if _, err := s.CreateSegment(ctx, SegmentDef{Name: "Some contacts", Object: sf.Contacts, Property: "lastname", Value: "Kim"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    sf.Backfill
		want error
	}{
		{"object sync off", importOf(sf.Deals), sf.ErrRejected},
		{"import to Salesforce", sf.Backfill{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodImport}, sf.ErrRejected},
		{"resync to HubSpot", sf.Backfill{Object: sf.Companies, Direction: sf.ToHubSpot, Method: sf.MethodSegment, Segment: "All companies"}, sf.ErrRejected},
		{"unknown segment", resyncOf(sf.Companies, "nope"), sf.ErrNotFound},
		{"segment of another object", resyncOf(sf.Companies, "Some contacts"), sf.ErrRejected},
		{"no records", sf.Backfill{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodRecords}, sf.ErrRejected},
		{"unknown method", sf.Backfill{Object: sf.Companies, Direction: sf.ToSalesforce, Method: "csv"}, sf.ErrRejected},
		{"unknown object", importOf("tickets"), sf.ErrRejected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.EstimateBackfill(ctx, tc.b); !errors.Is(err, tc.want) {
				t.Errorf("EstimateBackfill: %v, want %v", err, tc.want)
			}
			if job, err := s.StartBackfill(ctx, tc.b); !errors.Is(err, tc.want) || job.ID != "" {
				t.Errorf("StartBackfill: %+v, %v; want %v", job, err, tc.want)
			}
		})
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM jobs`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d job rows for refused back-fills (%v)", n, err)
	}
}

// TestBackfillWindow: a segment back-fill narrowed to positions [Offset,
// Offset+Limit) syncs exactly those members.
func TestBackfillWindow(t *testing.T) {
	ctx := context.Background()
	smallBatches(t)
	tests := []struct {
		name          string
		offset, limit int
		from, to      int // the positions synced
	}{
		{"first", 0, 60, 0, 60},
		{"middle", 50, 60, 50, 110},
		{"past the end", 190, 60, 190, 200},
		{"beyond", 300, 10, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := seeded(t, SeedOptions{Companies: 200, Seed: 12})
			mapEverything(t, s, sf.Companies)
			b := resyncOf(sf.Companies, "All companies")
			b.Offset, b.Limit = tc.offset, tc.limit
			e := newExpectation(t, s, b)
			before := pairs(t, s, sf.Companies)
			est, err := s.EstimateBackfill(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			job, err := s.RunBackfill(ctx, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			after := pairs(t, s, sf.Companies)
			for i, p := range before {
				want := p
				if i >= tc.from && i < tc.to {
					want = e.after(p)
				}
				if !samePair(after[i], want) {
					t.Fatalf("position %d (window [%d, %d)): got %+v\nwant %+v", i, tc.from, tc.to, after[i], want)
				}
			}
			n := tc.to - tc.from
			if got := e.impactOf(t, before, after, n); !sameImpact(est, got) {
				t.Errorf("estimate %+v, job did %+v", est, got)
			}
			if job.Total != n || job.Done != n || (n > 0) != (job.Changed > 0) {
				t.Errorf("job %+v, want %d records", job, n)
			}
		})
	}
	s := newSandbox(t)
	for _, b := range []sf.Backfill{
		{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodSegment, Segment: "All companies", Offset: -1, Limit: 5},
		{Object: sf.Companies, Direction: sf.ToSalesforce, Method: sf.MethodSegment, Segment: "All companies", Offset: 5},
		{Object: sf.Companies, Direction: sf.ToHubSpot, Method: sf.MethodImport, Limit: 5},
	} {
		if _, err := s.EstimateBackfill(ctx, b); !errors.Is(err, sf.ErrRejected) {
			t.Errorf("%+v: %v, want a rejection", b, err)
		}
	}
}

// TestBackfillKey: a key starts one job, however often and from however many
// handles it is asked.
func TestBackfillKey(t *testing.T) {
	ctx := context.Background()
	a := seeded(t, SeedOptions{Companies: 300, Seed: 2})
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	keyed := importOf(sf.Companies)
	keyed.Key = "batch-1"
	first, err := a.StartBackfill(ctx, keyed)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.StartBackfill(ctx, keyed)
	if err != nil || again.ID != first.ID {
		t.Fatalf("same key from another handle: %+v (%v), want job %s", again, err, first.ID)
	}
	waitFor(t, "the job", func() bool { j, _ := a.Job(ctx, first.ID); return j.State != sf.JobRunning })
	done, err := a.StartBackfill(ctx, keyed)
	if err != nil || done.ID != first.ID || done.State != sf.JobSucceeded || done.Done != 300 {
		t.Errorf("same key after the job: %+v (%v)", done, err)
	}
	// RunBackfill with a key another handle started follows that job.
	keyed.Key = "batch-3"
	third, err := a.StartBackfill(ctx, keyed)
	if err != nil {
		t.Fatal(err)
	}
	followed, err := b.RunBackfill(ctx, keyed, nil)
	if err != nil || followed.ID != third.ID || followed.State != sf.JobSucceeded || followed.Done != 300 {
		t.Errorf("RunBackfill of a key started elsewhere: %+v (%v)", followed, err)
	}
	keyed.Key = "batch-2"
	other, err := a.StartBackfill(ctx, keyed)
	if err != nil || other.ID == first.ID {
		t.Errorf("another key: %+v (%v)", other, err)
	}
	var n int
	if err := a.db.QueryRow(`SELECT count(*) FROM jobs`).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d jobs (%v), want 3", n, err)
	}
}

// TestEstimatesInOrder: estimating several jobs at once gives each the
// impact it has when the jobs run one after another, each on what the ones
// before it changed: an import and a batched resync of every company, whose
// estimate is one pass that writes nothing, beside jobs that are estimated
// one after another (a dynamic segment's resync, whose members depend on
// values; a record resync).
func TestEstimatesInOrder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		rule  sf.SyncRule
		small bool // pages of 37 records, or pages split over the cores
	}{{sf.TwoWay, true}, {sf.PreferSalesforceUnlessBlank, true}, {sf.TwoWay, false}} {
		t.Run(fmt.Sprintf("%s/small=%v", tc.rule, tc.small), func(t *testing.T) {
			rule := tc.rule
			if tc.small {
				smallBatches(t)
			}
			s := seeded(t, SeedOptions{Contacts: 90, Companies: 1230, Deals: 60, Seed: 3})
			for _, o := range sf.Objects() {
				mapEverything(t, s, o)
				setRules(t, s, o, rule)
			}
			if _, err := s.CreateSegment(ctx, SegmentDef{Name: "Gold", Object: sf.Contacts, Property: "hs_lead_status", Value: "OPEN"}); err != nil {
				t.Fatal(err)
			}
			batch := func(offset, limit int) sf.Backfill {
				b := resyncOf(sf.Companies, allSegment[sf.Companies])
				b.Offset, b.Limit = offset, limit
				return b
			}
			records := sf.Backfill{Object: sf.Deals, Direction: sf.ToSalesforce, Method: sf.MethodRecords,
				Records: []int64{dealsBase, dealsBase + 7, dealsBase + 30}}
			jobs := []sf.Backfill{
				importOf(sf.Companies), importOf(sf.Contacts), batch(0, 100), resyncOf(sf.Contacts, "Gold"),
				batch(100, 600), importOf(sf.Deals), batch(700, 600), records,
			}
			est, err := s.EstimateBackfills(ctx, jobs)
			if err != nil {
				t.Fatal(err)
			}
			for i, b := range jobs {
				before := pairs(t, s, b.Object)
				run := b
				if b.Limit > 0 {
					// As apply runs a batch: a segment of its own.
					name := fmt.Sprintf("batch %d", i)
					if _, err := s.CreateBatchSegment(ctx, name, b.Segment, b.Offset, b.Limit); err != nil {
						t.Fatal(err)
					}
					run = resyncOf(b.Object, name)
				}
				e := newExpectation(t, s, run)
				job, err := s.RunBackfill(ctx, run, nil)
				if err != nil {
					t.Fatal(err)
				}
				got := e.impactOf(t, before, pairs(t, s, b.Object), job.Done)
				if !sameImpact(est[i], got) {
					t.Errorf("job %d (%s %s %s %d+%d): estimate %+v\n  the job did %+v", i, b.Object, b.Method, b.Segment, b.Offset, b.Limit, est[i], got)
				}
			}
		})
	}
}

// TestEstimatesOfOverlappingBatches: a resumed back-fill's batches beside a
// fresh one of the same segment cover the same records twice; each is
// estimated on what the ones before it changed, whatever the source.
func TestEstimatesOfOverlappingBatches(t *testing.T) {
	ctx := context.Background()
	window := func(b sf.Backfill, offset, limit int) sf.Backfill {
		b.Offset, b.Limit = offset, limit
		return b
	}
	for _, source := range []string{"static", "all", "all after a record resync"} {
		t.Run(source, func(t *testing.T) {
			s := seeded(t, SeedOptions{Contacts: 300, Companies: 10, Seed: 5})
			mapEverything(t, s, sf.Contacts)
			b := resyncOf(sf.Contacts, allSegment[sf.Contacts])
			var jobs []sf.Backfill
			switch source {
			case "static":
				var members []int64
				for _, p := range pairs(t, s, sf.Contacts) {
					if p.HubSpotID%3 != 0 {
						members = append(members, p.HubSpotID)
					}
				}
				if _, err := s.CreateSegment(ctx, SegmentDef{Name: "Static", Object: sf.Contacts, Static: true, Members: members}); err != nil {
					t.Fatal(err)
				}
				b = resyncOf(sf.Contacts, "Static")
			case "all after a record resync":
				jobs = append(jobs, sf.Backfill{Object: sf.Contacts, Direction: sf.ToSalesforce, Method: sf.MethodRecords, Records: []int64{contactsBase}})
			}
			jobs = append(jobs, window(b, 30, 30), window(b, 0, 30), window(b, 30, 30), window(b, 60, 30))
			est, err := s.EstimateBackfills(ctx, jobs)
			if err != nil {
				t.Fatal(err)
			}
			for i, j := range jobs {
				before := pairs(t, s, j.Object)
				run := j
				if j.Limit > 0 {
					name := fmt.Sprintf("batch %d", i)
					if _, err := s.CreateBatchSegment(ctx, name, j.Segment, j.Offset, j.Limit); err != nil {
						t.Fatal(err)
					}
					run = resyncOf(j.Object, name)
				}
				e := newExpectation(t, s, run)
				job, err := s.RunBackfill(ctx, run, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got := e.impactOf(t, before, pairs(t, s, j.Object), job.Done); !sameImpact(est[i], got) {
					t.Errorf("job %d (%s %d+%d): estimate %+v\n  the job did %+v", i, j.Method, j.Offset, j.Limit, est[i], got)
				}
			}
		})
	}
}
