package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	sf "github.com/syncform/syncform"
)

// The sync engine: what a resync or an import does to linked pairs. A job and
// its estimate run exactly this code (runner.batch); a flag decides whether
// it writes.

// Sides of a pair, as Edit and Impact samples name them.
const (
	SideHubSpot    = "hubspot"
	SideSalesforce = "salesforce"
)

// companyLinkProperty is the standard contact mapping whose values are
// references to linked records, not plain values: HubSpot holds the
// associated company's record ID, Salesforce the Account's ID, and the
// connector translates one into the other through the company pairs.
const companyLinkProperty = "associatedcompanyid"

// pairRow is one linked pair as the engine reads and writes it.
type pairRow struct {
	id            int64
	sobject, sfID string
	owner         string
	hsRaw, sfRaw  string
	hs, sf        fields
}

func scanPair(r *sql.Rows, p *pairRow) error {
	if err := r.Scan(&p.id, &p.sobject, &p.sfID, &p.owner, &p.hsRaw, &p.sfRaw); err != nil {
		return err
	}
	return p.decode()
}

// decode parses the row's sides.
func (p *pairRow) decode() error {
	var err error
	if p.hs, err = decodeSide(p.hs, p.hsRaw); err != nil {
		return fmt.Errorf("HubSpot values of record %d: %w", p.id, err)
	}
	if p.sf, err = decodeSide(p.sf, p.sfRaw); err != nil {
		return fmt.Errorf("Salesforce values of record %d: %w", p.id, err)
	}
	return nil
}

type stepKind int

const (
	plainStep stepKind = iota
	ownerStep
	linkStep
)

// syncStep is one mapping the engine syncs.
type syncStep struct {
	m    sf.Mapping
	kind stepKind
	// sides are the mapping's field on each Salesforce object of the pair
	// that has it (MailingStreet on Contact); pairs of other objects skip
	// it. At most two, so a slice beats a map on the hot path.
	sides []stepSide
}

// stepSide is a step's field on one Salesforce object.
type stepSide struct {
	sobject, field string
	formula        bool // a calculated field, which nothing writes
}

// side returns the step's field on sobject.
func (st *syncStep) side(sobject string) (stepSide, bool) {
	for _, s := range st.sides {
		if s.sobject == sobject {
			return s, true
		}
	}
	return stepSide{}, false
}

// engine syncs one object's mappings in one direction.
type engine struct {
	object sf.Object
	dir    sf.Direction
	steps  []syncStep
	owners ownerBook
	links  bool
	// A record holds a few dozen fields where a configuration may map
	// hundreds, and a mapping neither side holds a value of moves nothing.
	// So syncPair runs only the steps a field of the record names, found
	// by property (byProperty) and by Salesforce object and field
	// (byField), and the steps that may move something from nothing
	// (always: the owner and link steps).
	byProperty map[string][]int
	byField    map[string]map[string][]int
	always     []int
}

func newEngine(live *sf.Snapshot, o sf.Object, dir sf.Direction) *engine {
	e := &engine{object: o, dir: dir, owners: ownerBook{owners: live.Owners, users: live.Users, queues: live.Queues}}
	for _, m := range live.Mappings[o] { // sorted by property: the order samples follow
		if m.Rule == sf.DontSync {
			continue // how one stops a mapping: nothing moves, owner included
		}
		st := syncStep{m: m}
		switch {
		case m.Property == sf.OwnerProperty && m.SalesforceField == sf.OwnerField:
			st.kind = ownerStep
		case o == sf.Contacts && m.Property == companyLinkProperty && m.SalesforceField == "AccountId":
			st.kind = linkStep
			e.links = true
		}
		for _, side := range live.Fields(o, m.SalesforceField) {
			st.sides = append(st.sides, stepSide{sobject: side.SObject, field: side.Field.Name, formula: side.Field.Calculated})
		}
		e.steps = append(e.steps, st)
	}
	e.byProperty, e.byField = map[string][]int{}, map[string]map[string][]int{}
	for i, st := range e.steps {
		if h, s := sf.SyncValue(st.m.Rule, dir, sf.FieldValue{}, sf.FieldValue{}); st.kind != plainStep || h != (sf.FieldValue{}) || s != (sf.FieldValue{}) {
			e.always = append(e.always, i)
			continue
		}
		e.byProperty[st.m.Property] = append(e.byProperty[st.m.Property], i)
		for _, side := range st.sides {
			if e.byField[side.sobject] == nil {
				e.byField[side.sobject] = map[string][]int{}
			}
			e.byField[side.sobject][side.field] = append(e.byField[side.sobject][side.field], i)
		}
	}
	return e
}

// stepsOf appends to dst, in step order, the steps that can change a value
// of p: those a field of p names, and those that always run.
func (e *engine) stepsOf(p *pairRow, dst []int) []int {
	dst = append(dst, e.always...)
	for _, f := range p.hs {
		dst = append(dst, e.byProperty[f.name]...)
	}
	if byField := e.byField[p.sobject]; byField != nil {
		for _, f := range p.sf {
			dst = append(dst, byField[f.name]...)
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// change is one value a sync changes.
type change struct {
	side          string
	field         string
	before, after sf.FieldValue
}

// syncPair syncs every mapping of p, changing p's sides in place, and calls
// visit for each value that changes.
func (e *engine) syncPair(p *pairRow, refs *linkRefs, visit func(change)) {
	var buf [64]int
	for _, i := range e.stepsOf(p, buf[:0]) {
		st := &e.steps[i]
		side, ok := st.side(p.sobject)
		if !ok {
			continue
		}
		field := side.field
		hs, sv := p.hs.get(st.m.Property), p.sf.get(field)
		var h2, s2 sf.FieldValue
		switch st.kind {
		case ownerStep:
			h2, s2 = e.owners.sync(e.dir, hs, sv)
		case linkStep:
			h2, s2 = refs.sync(st.m.Rule, e.dir, hs, sv)
		default:
			h2, s2 = sf.SyncValue(st.m.Rule, e.dir, hs, sv)
		}
		if side.formula {
			s2 = sv // Salesforce computes a formula field; no sync writes it
		}
		if h2 != hs {
			p.hs.set(st.m.Property, h2)
			visit(change{side: SideHubSpot, field: st.m.Property, before: hs, after: h2})
		}
		if s2 != sv {
			p.sf.set(field, s2)
			visit(change{side: SideSalesforce, field: field, before: sv, after: s2})
		}
	}
}

// ---------------------------------------------------------------------------
// Owners

// ownerBook resolves owners between HubSpot and Salesforce as the connector
// does.
type ownerBook struct {
	owners []sf.Owner
	users  []sf.SalesforceUser
	queues []sf.Queue
}

// sync is the owner mapping, which is two-way whatever rule it shows
// (DOMAIN.md, "Owners"). The two sides hold different IDs, so each direction
// translates the source's value into the target's terms and lets
// SyncValue's two-way rule decide:
//
//   - to HubSpot, any Salesforce owner syncs in: as the HubSpot owner with
//     the user's name and email or, when there is none, as the Salesforce ID
//     itself (HubSpot imports the user as an owner);
//   - to Salesforce, a HubSpot owner syncs out only as an active user with
//     exactly its name and email (syncform.MatchOwner). When HubSpot's value
//     would win but has no such user, it reverts instead: HubSpot takes the
//     last Salesforce value as the other direction would, with its time, so
//     the pair is stable.
func (b ownerBook) sync(dir sf.Direction, hs, sv sf.FieldValue) (sf.FieldValue, sf.FieldValue) {
	switch dir {
	case sf.ToHubSpot:
		h, _ := sf.SyncValue(sf.TwoWay, sf.ToHubSpot, hs, sf.FieldValue{V: b.hubspotOwner(sv.V), At: sv.At})
		return h, sv
	case sf.ToSalesforce:
		if u, ok := b.salesforceUser(hs.V); ok {
			_, s := sf.SyncValue(sf.TwoWay, sf.ToSalesforce, sf.FieldValue{V: string(u.ID), At: hs.At}, sv)
			return hs, s
		}
		// Would HubSpot's value win? Asked of SyncValue with the raw value,
		// which never equals a Salesforce ID unless it is one HubSpot
		// imported, and then it is already the last Salesforce value.
		if _, s := sf.SyncValue(sf.TwoWay, sf.ToSalesforce, hs, sv); s == sv {
			return hs, sv
		}
		back := sf.FieldValue{V: b.hubspotOwner(sv.V), At: sv.At}
		if back.V == hs.V {
			return hs, sv
		}
		return back, sv
	}
	return hs, sv
}

// hubspotOwner is the HubSpot owner value a Salesforce owner becomes.
func (b ownerBook) hubspotOwner(sfOwner string) string {
	if sfOwner == "" {
		return ""
	}
	id := sf.SalesforceID(sfOwner)
	for _, u := range b.users {
		if !u.ID.Equal(id) {
			continue
		}
		for _, o := range b.owners {
			if o.Name() == u.Name() && o.Email == u.Email {
				return o.ID
			}
		}
		return string(u.ID)
	}
	return sfOwner
}

// salesforceUser is the user a HubSpot owner value syncs out as, if any. A
// value that is a Salesforce user's ID is an owner HubSpot imported from
// that user, with the user's name and email.
func (b ownerBook) salesforceUser(hsOwner string) (sf.SalesforceUser, bool) {
	if hsOwner == "" {
		return sf.SalesforceUser{}, false
	}
	for _, o := range b.owners {
		if o.ID == hsOwner {
			return sf.MatchOwner(o, b.users)
		}
	}
	for _, u := range b.users {
		if u.ID.Equal(sf.SalesforceID(hsOwner)) {
			return sf.MatchOwner(sf.Owner{ID: hsOwner, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email}, b.users)
		}
	}
	return sf.SalesforceUser{}, false
}

// ---------------------------------------------------------------------------
// Company links

// linkRefs translates between company record IDs and Account IDs for one
// batch of contacts, looked up in one query per side.
type linkRefs struct {
	account map[string]string // company record ID → Account ID
	company map[string]string // Account ID (15 characters) → company record ID
}

func loadLinkRefs(ctx context.Context, q querier, batch []pairRow) (*linkRefs, error) {
	refs := &linkRefs{account: map[string]string{}, company: map[string]string{}}
	var ids []int64
	var keys []string
	for i := range batch {
		if v := batch[i].hs.get(companyLinkProperty).V; v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		if v := batch[i].sf.get("AccountId").V; len(v) >= 15 {
			keys = append(keys, v[:15])
		}
	}
	scan := func(r *sql.Rows) error {
		var id int64
		var acc string
		if err := r.Scan(&id, &acc); err != nil {
			return err
		}
		refs.account[strconv.FormatInt(id, 10)] = acc
		refs.company[sf.SalesforceID(acc).Short()] = strconv.FormatInt(id, 10)
		return nil
	}
	if len(ids) > 0 {
		if err := eachRow(ctx, q, `SELECT hubspot_id, salesforce_id FROM linked_companies
			WHERE hubspot_id IN (SELECT value FROM json_each(?))`, []any{int64List(ids)}, scan); err != nil {
			return nil, storeErr("reading companies", err)
		}
	}
	if len(keys) > 0 {
		if err := eachRow(ctx, q, `SELECT hubspot_id, salesforce_id FROM linked_companies
			WHERE substr(salesforce_id, 1, 15) IN (SELECT value FROM json_each(?))`, []any{stringList(keys)}, scan); err != nil {
			return nil, storeErr("reading companies", err)
		}
	}
	return refs, nil
}

// sync is the company link mapping under rule: the source's reference
// translated into the target's terms, then SyncValue. A reference to a
// record that is not linked cannot be translated and moves nothing.
func (r *linkRefs) sync(rule sf.SyncRule, dir sf.Direction, hs, sv sf.FieldValue) (sf.FieldValue, sf.FieldValue) {
	switch dir {
	case sf.ToHubSpot:
		in := sf.FieldValue{At: sv.At}
		if sv.V != "" {
			var ok bool
			if in.V, ok = r.company[sf.SalesforceID(sv.V).Short()]; !ok {
				return hs, sv
			}
		}
		h, _ := sf.SyncValue(rule, dir, hs, in)
		return h, sv
	case sf.ToSalesforce:
		out := sf.FieldValue{At: hs.At}
		if hs.V != "" {
			var ok bool
			if out.V, ok = r.account[hs.V]; !ok {
				return hs, sv
			}
		}
		_, s := sf.SyncValue(rule, dir, out, sv)
		return hs, s
	}
	return hs, sv
}

func stringList(vs []string) string {
	b := []byte{'['}
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, v)
	}
	return string(append(b, ']'))
}

// ---------------------------------------------------------------------------
// Running

// batchSize is how many records one job transaction syncs: large enough that
// commits are a small part of the time, small enough that other writers wait
// briefly for the lock and that progress moves often. A variable so tests can
// run several batches over a few hundred records.
var batchSize = 2000

// runner carries one back-fill over its records, a batch at a time.
type runner struct {
	e     *engine
	src   source
	write bool
	imp   sf.Impact
	rows  []pairRow
	buf   []byte
	// stmts are the batch's prepared updates, by query; batch closes them.
	stmts  map[string]*sql.Stmt
	record func(*pairRow) string // a sample's record label
}

// batch syncs up to limit records after the record ID after, in q. With
// write set it stores what changed; otherwise it only counts. It returns the
// cursor for the next batch, how many records it examined and values it
// changed, and whether more may follow.
func (r *runner) batch(ctx context.Context, q querier, after int64, limit int) (int64, int, int, bool, error) {
	rows, last, more, err := r.src.page(ctx, q, after, limit, r.rows)
	if err != nil {
		return after, 0, 0, false, storeErr("reading records", err)
	}
	r.rows = rows
	r.stmts = map[string]*sql.Stmt{}
	defer func() {
		for _, s := range r.stmts {
			s.Close()
		}
	}()
	refs, err := r.linkRefs(ctx, q, rows)
	if err != nil {
		return after, 0, 0, false, err
	}
	sides, changed := r.syncAll(rows, refs)
	if r.write {
		for i, s := range sides {
			if s.hubspot || s.salesforce {
				if err := r.store(ctx, q, &rows[i], s.hubspot, s.salesforce); err != nil {
					return after, 0, 0, false, storeErr("writing records", err)
				}
			}
		}
	}
	return last, len(rows), changed, more, nil
}

// changedSides says which sides of a record a sync changed.
type changedSides struct{ hubspot, salesforce bool }

// syncAll syncs rows in memory and adds what changed to the runner's
// impact, as syncing them one by one in order would. Records sync
// independently, so a large page is split over the cores, each part
// counting on its own; the parts' counts add up, and their samples, taken
// in order within each part, are taken in part order.
func (r *runner) syncAll(rows []pairRow, refs *linkRefs) ([]changedSides, int) {
	sides := make([]changedSides, len(rows))
	// A part of about 20,000 mapping syncs is worth a goroutine: many
	// records of few mappings, or few records of many.
	parts := min(runtime.GOMAXPROCS(0), len(rows), len(rows)*max(1, len(r.e.steps))/20000)
	if parts <= 1 {
		changed := 0
		for i := range rows {
			changed += r.sync(&r.imp, &rows[i], refs, &sides[i])
		}
		return sides, changed
	}
	imps := make([]sf.Impact, parts)
	changed := make([]int, parts)
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			for i := w * len(rows) / parts; i < (w+1)*len(rows)/parts; i++ {
				changed[w] += r.sync(&imps[w], &rows[i], refs, &sides[i])
			}
		})
	}
	wg.Wait()
	total := 0
	for w, imp := range imps {
		r.imp.Examined += imp.Examined
		r.imp.HubSpotChanges += imp.HubSpotChanges
		r.imp.SalesforceChanges += imp.SalesforceChanges
		r.imp.Overwrites += imp.Overwrites
		for _, s := range imp.Samples {
			if len(r.imp.Samples) < sf.MaxImpactSamples {
				r.imp.Samples = append(r.imp.Samples, s)
			}
		}
		total += changed[w]
	}
	return sides, total
}

// linkRefs reads what the engine's link mappings need of rows, if any.
func (r *runner) linkRefs(ctx context.Context, q querier, rows []pairRow) (*linkRefs, error) {
	if !r.e.links || len(rows) == 0 {
		return nil, nil
	}
	return loadLinkRefs(ctx, q, rows)
}

// sync syncs p in memory, counts what changed in imp and notes the sides
// it changed in sides; it returns how many values changed.
func (r *runner) sync(imp *sf.Impact, p *pairRow, refs *linkRefs, sides *changedSides) (changed int) {
	r.e.syncPair(p, refs, func(c change) {
		changed++
		if c.side == SideHubSpot {
			sides.hubspot = true
			imp.HubSpotChanges++
		} else {
			sides.salesforce = true
			imp.SalesforceChanges++
		}
		if c.before.V != "" && c.after.V != c.before.V {
			imp.Overwrites++
		}
		if len(imp.Samples) < sf.MaxImpactSamples {
			imp.Samples = append(imp.Samples, sf.SampleChange{Record: r.record(p), Side: c.side, Field: c.field,
				Before: c.before.V, After: c.after.V})
		}
	})
	imp.Examined++
	return changed
}

// store writes the sides of p that changed, and its owner only when that
// changed: rewriting an unchanged owner would still touch the owner index
// and fire the owner-count trigger.
func (r *runner) store(ctx context.Context, q querier, p *pairRow, hsChanged, sfChanged bool) error {
	owner := p.hs.get(sf.OwnerProperty).V
	var set []string
	var args []any
	if owner != p.owner {
		set, args = append(set, "owner = ?"), append(args, owner)
	}
	if hsChanged {
		r.buf = encodeSide(r.buf[:0], p.hs)
		set, args = append(set, "hubspot = ?"), append(args, string(r.buf))
	}
	if sfChanged {
		r.buf = encodeSide(r.buf[:0], p.sf)
		set, args = append(set, "salesforce = ?"), append(args, string(r.buf))
	}
	query := `UPDATE ` + recordTable(r.e.object) + ` SET ` + strings.Join(set, ", ") + ` WHERE hubspot_id = ?`
	stmt, ok := r.stmts[query]
	if !ok {
		var err error
		if stmt, err = prepare(ctx, q, query); err != nil {
			return err
		}
		r.stmts[query] = stmt
	}
	_, err := stmt.ExecContext(ctx, append(args, p.id)...)
	return err
}

// prepare prepares a statement on q's transaction.
func prepare(ctx context.Context, q querier, query string) (*sql.Stmt, error) {
	tx, ok := q.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("statement outside a transaction")
	}
	return tx.PrepareContext(ctx, query)
}

// recordLabel names a pair in samples: "company 20000042 / 001…".
func recordLabel(o sf.Object) func(*pairRow) string {
	noun := strings.TrimSuffix(string(o), "s")
	if o == sf.Companies {
		noun = "company"
	}
	return func(p *pairRow) string { return noun + " " + strconv.FormatInt(p.id, 10) + " / " + p.sfID }
}
