package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	sf "github.com/syncform/syncform"
)

// The record seed: linked record pairs whose values look like a portal and an
// org that have synced for a while: already-mapped fields mostly agree,
// fields nobody has mapped yet disagree as unsynced data does, and times say
// which side changed last. Every record is generated from its own random
// stream, seeded by (Seed, object, index), so the content depends on the
// options alone and never on batch sizes or goroutines.

// SeedOptions says how many linked records Seed makes of each object, and the
// seed of their values.
type SeedOptions struct {
	Contacts  int
	Companies int
	Deals     int
	Seed      int64
}

// DefaultSeedOptions is what a newly created or reset sandbox holds: small, so
// creating a sandbox stays fast.
var DefaultSeedOptions = SeedOptions{Contacts: 200, Companies: 50, Deals: 30, Seed: 1}

// Record IDs: each object's HubSpot IDs count up from its base, so the IDs of
// a record do not depend on how many records other objects have.
const (
	contactsBase  = 10_000_001
	companiesBase = 20_000_001
	dealsBase     = 30_000_001
)

// seedClock is later than every seeded logical time; edits count up from it.
const seedClock = 1_000_000

func hubspotBase(o sf.Object) int64 {
	switch o {
	case sf.Contacts:
		return contactsBase
	case sf.Companies:
		return companiesBase
	}
	return dealsBase
}

// Seed replaces every record and segment of the sandbox at path (creating the
// sandbox when there is none) with o's; the settings (toggles, mappings,
// properties, owners, users) stay as they are. The same options always give
// the same content. It runs in one transaction, so other handles see the old
// records or the new ones, never a mix, and it streams: memory does not grow
// with the number of records. It refuses while a back-fill job is running,
// and while any writer holds the sandbox's lease (see SeedAs).
func Seed(ctx context.Context, path string, o SeedOptions) error {
	return SeedAs(ctx, path, o, sf.Writer{})
}

// SeedAs is Seed as w: it waits up to w.Wait while another writer's lease
// keeps w out (see syncform.Claimer), then fails with a *ClaimedError; the
// lease of any writer before it ends.
func SeedAs(ctx context.Context, path string, o SeedOptions, w sf.Writer) error {
	if o.Contacts < 0 || o.Companies < 0 || o.Deals < 0 {
		return fmt.Errorf("sandbox: seed: negative record count in %+v", o)
	}
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	return retryClaimed(ctx, w.Wait, func() error { return s.seed(ctx, path, o, w) })
}

func (s *Sandbox) seed(ctx context.Context, path string, o SeedOptions, w sf.Writer) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("seeding", err)
	}
	defer tx.Rollback()
	token, err := checkLease(ctx, tx, path, w)
	if err != nil {
		return err
	}
	if err := endLease(ctx, tx, token, "the sandbox was seeded"); err != nil {
		return err
	}
	var running int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE state = ?`, string(sf.JobRunning)).Scan(&running); err != nil {
		return storeErr("seeding", err)
	}
	if running > 0 {
		return sf.Rejectf("sandbox %s: %d back-fill job(s) running; seed once they finish", path, running)
	}
	// Dropping is far faster than deleting a million rows, and the tables
	// then load without index upkeep (loadRecords indexes them at the end).
	for _, t := range []string{"linked_contacts", "linked_companies", "linked_deals", "owner_counts",
		"salesforce_records", "hubspot_segments", "hubspot_segment_members"} {
		if err := execStmt(ctx, tx, "seeding", "DROP TABLE "+t); err != nil {
			return err
		}
	}
	if err := execStmt(ctx, tx, "seeding", recordsSQL); err != nil {
		return err
	}
	if err := loadRecords(ctx, tx, o); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return storeErr("seeding", err)
	}
	s.commits.Add(1)
	return nil
}

// loadRecords fills the empty record tables (recordsSQL) with o's records,
// then indexes them.
func loadRecords(ctx context.Context, tx *sql.Tx, o SeedOptions) error {
	// SQLite's default page cache (2 MB) is deliberate: the load appends in
	// rowid order and the index builds sort through temporary files, so a
	// larger cache made a million-record seed no faster, only bigger in
	// memory (64 MB of cache: 270 MB peak; default: under 30 MB).
	for _, r := range seedRegions() {
		if err := execStmt(ctx, tx, "seeding regions", `INSERT INTO salesforce_records (id, sobject, fields) VALUES (?, ?, ?)`,
			string(r.id), "Sales_Region__c", string(encodeSide(nil, r.fields))); err != nil {
			return err
		}
	}
	g := newSeeder(o)
	for _, obj := range sf.Objects() {
		n := g.count(obj)
		counts, err := insertPairs(ctx, tx, obj, n, g.pair)
		if err != nil {
			return err
		}
		for owner, c := range counts {
			if err := execStmt(ctx, tx, "seeding owner counts", `INSERT INTO owner_counts (object, owner, n) VALUES (?, ?, ?)`,
				string(obj), owner, c); err != nil {
				return err
			}
		}
	}
	for _, seg := range g.segments() {
		if err := insertSegment(ctx, tx, seg); err != nil {
			return err
		}
	}
	if err := execStmt(ctx, tx, "seeding", `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaClock, strconv.Itoa(seedClock)); err != nil {
		return err
	}
	return execStmt(ctx, tx, "indexing records", recordIndexesSQL)
}

// seedRow is one generated pair, encoded for the database.
type seedRow struct {
	id                   int64
	sobject, sfID, owner string
	hubspot, salesforce  string
}

// insertRows is how many pairs one INSERT statement carries: fewer round
// trips through database/sql, which dominate a row-at-a-time load.
const insertRows = 64

// insertPairs inserts n pairs of obj made by gen, generated on another
// goroutine while this one writes (the two costs are about even). It returns
// how many pairs each owner value holds.
func insertPairs(ctx context.Context, tx *sql.Tx, obj sf.Object, n int, gen func(sf.Object, int, *seedRow)) (map[string]int, error) {
	counts := map[string]int{}
	if n == 0 {
		return counts, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []seedRow, 4)
	go func() {
		defer close(chunks)
		for start := 0; start < n; start += 1024 {
			rows := make([]seedRow, min(1024, n-start))
			for i := range rows {
				gen(obj, start+i, &rows[i])
			}
			select {
			case chunks <- rows:
			case <-ctx.Done():
				return
			}
		}
	}()
	// Drain on every return, so the generator never blocks forever.
	defer func() {
		cancel()
		for range chunks {
		}
	}()

	cols := `INSERT INTO ` + recordTable(obj) + ` (hubspot_id, sobject, salesforce_id, owner, hubspot, salesforce) VALUES `
	many, err := tx.PrepareContext(ctx, cols+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", insertRows), ", "))
	if err != nil {
		return nil, storeErr("seeding", err)
	}
	defer many.Close()
	one, err := tx.PrepareContext(ctx, cols+"(?, ?, ?, ?, ?, ?)")
	if err != nil {
		return nil, storeErr("seeding", err)
	}
	defer one.Close()
	args := make([]any, 0, 6*insertRows)
	for rows := range chunks {
		for len(rows) > 0 {
			k := 1
			stmt := one
			if len(rows) >= insertRows {
				k, stmt = insertRows, many
			}
			args = args[:0]
			for _, r := range rows[:k] {
				args = append(args, r.id, r.sobject, r.sfID, r.owner, r.hubspot, r.salesforce)
				counts[r.owner]++
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return nil, storeErr("seeding "+string(obj), err)
			}
			rows = rows[k:]
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, storeErr("seeding", err)
	}
	return counts, nil
}

// ---------------------------------------------------------------------------
// Random streams

// rng is SplitMix64: tiny, fast, and good enough to make data look varied.
type rng struct{ s uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// stream is the random stream of one record: independent of every other.
func stream(seed int64, salt string, i int) rng {
	h := uint64(1469598103934665603)
	for j := 0; j < len(salt); j++ {
		h = (h ^ uint64(salt[j])) * 1099511628211
	}
	return rng{s: mix64(uint64(seed)^mix64(h^mix64(uint64(i)+0x9e3779b97f4a7c15))) | 1}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func (r *rng) intn(n int) int        { return int(r.next() % uint64(n)) }
func (r *rng) chance(p float64) bool { return r.float() < p }
func (r *rng) float() float64        { return float64(r.next()>>11) / (1 << 53) }
func (r *rng) pick(vs []string) string {
	return vs[r.intn(len(vs))]
}

// time is a logical time before seedClock.
func (r *rng) time() int64 { return 1 + int64(r.intn(seedClock-1)) }

// ---------------------------------------------------------------------------
// Identities shared between objects

var (
	firstNames = []string{"Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Mateo",
		"Hannah", "Jonas", "Chloe", "Arjun", "Yuki", "Lena", "Omar", "Grace", "Felix", "Isabel",
		"Kenji", "Nora", "Samuel", "Aisha", "Leon", "Clara", "David", "Freya", "Marco", "Zoe"}
	lastNames = []string{"Smith", "Müller", "Garcia", "Nguyen", "Johansson", "Rossi", "Kim", "Okafor", "Dubois", "Novak",
		"Tanaka", "Silva", "Fischer", "O'Brien", "Kowalski", "Haddad", "Larsen", "Moreau", "Schmidt", "Brown",
		"Costa", "Yilmaz", "Andersen", "Lopez", "Becker", "Sato", "Walsh", "Ivanova", "Patel", "Jensen"}
	companyWords = []string{"Northwind", "Blue Harbor", "Granite", "Lumen", "Contoso", "Fabrikam", "Silverline", "Redwood",
		"Alpine", "Brightwave", "Cobalt", "Evergreen", "Helix", "Ironbridge", "Juniper", "Keystone", "Meridian",
		"Nimbus", "Orchid", "Pioneer", "Quantum", "Riverstone", "Summit", "Tidewater", "Vertex", "Wildflower"}
	companyKinds = []string{"Logistics", "Analytics", "Health", "Foods", "Energy", "Robotics", "Media", "Capital",
		"Software", "Manufacturing", "Retail", "Labs", "Consulting", "Systems", "Bank", "Telecom"}
	companySuffixes = []string{"Inc.", "GmbH", "Ltd", "LLC", "AB", "S.A.", "Corp.", "AG", "BV", "Pty Ltd"}
	locations       = []struct{ city, state, zip, country string }{
		{"Boston", "MA", "02110", "United States"}, {"Austin", "TX", "73301", "United States"},
		{"Seattle", "WA", "98101", "United States"}, {"Toronto", "ON", "M5H 2N2", "Canada"},
		{"London", "", "EC1A 1BB", "United Kingdom"}, {"Berlin", "", "10115", "Germany"},
		{"Munich", "BY", "80331", "Germany"}, {"Zurich", "ZH", "8001", "Switzerland"},
		{"Stockholm", "", "111 20", "Sweden"}, {"Paris", "", "75001", "France"},
		{"Madrid", "", "28001", "Spain"}, {"São Paulo", "SP", "01000-000", "Brazil"},
		{"Mexico City", "CDMX", "06000", "Mexico"}, {"Sydney", "NSW", "2000", "Australia"},
		{"Tokyo", "", "100-0001", "Japan"}, {"Singapore", "", "018956", "Singapore"},
	}
	streets = []string{"Main St", "Harbor Way", "King Street", "Market St", "Elm Avenue", "Hauptstraße", "Rue de Rivoli",
		"Queen's Road", "Sveavägen", "Gran Vía", "Collins Street", "Park Lane"}
)

// companyName is company c's name: the same wherever it appears (the Account,
// its contacts' Company, its deals' names).
func companyName(seed int64, c int) string {
	r := stream(seed, "company name", c)
	return r.pick(companyWords) + " " + r.pick(companyKinds) + " " + r.pick(companySuffixes)
}

func domainOf(company string) string {
	var b strings.Builder
	for _, w := range strings.Fields(company) {
		w = strings.ToLower(strings.Trim(w, ".,"))
		switch w {
		case "inc", "gmbh", "ltd", "llc", "ab", "s.a", "corp", "ag", "bv", "pty":
			continue
		}
		b.WriteString(w)
	}
	return b.String() + ".example"
}

// salesforceID makes the idx-th ID of a key prefix: 15 characters (the
// prefix, an instance part, a base-62 counter), upgraded to 18.
func salesforceID(prefix string, idx int) sf.SalesforceID {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var b [15]byte
	copy(b[:], prefix+"8d000")
	for i, n := 14, idx; i >= 8; i-- {
		b[i] = digits[n%62]
		n /= 62
	}
	return mustID(string(b[:]))
}

// accountID is company c's Account.
func accountID(c int) sf.SalesforceID { return salesforceID(sf.PrefixAccount, c) }

// ---------------------------------------------------------------------------
// The custom object's records

type seededRecord struct {
	id     sf.SalesforceID
	fields fields
}

// seedRegions are the Sales_Region__c records Account.Region__c points at.
func seedRegions() []seededRecord {
	regions := []struct{ id, name, code string }{
		{"a0B8d00000Reg01", "EMEA", "EMEA"},
		{"a0B8d00000Reg02", "North America", "NA"},
		{"a0B8d00000Reg03", "APAC", "APAC"},
		{"a0B8d00000Reg04", "LATAM", "LATAM"},
		{"a0B8d00000Reg05", "DACH", "DACH"},
		{"a0B8d00000Reg06", "Nordics", "NORDICS"},
	}
	out := make([]seededRecord, len(regions))
	for i, r := range regions {
		out[i] = seededRecord{id: mustID(r.id), fields: fields{
			{name: "Code__c", v: sf.FieldValue{V: r.code, At: 1}},
			{name: "Name", v: sf.FieldValue{V: r.name, At: 1}},
		}}
	}
	return out
}
