package sandbox

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	sf "github.com/syncform/syncform"
)

// listNames are the names of ls, in order.
func listNames(ls []List) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

func TestLists(t *testing.T) {
	ctx := context.Background()
	s := seeded(t, SeedOptions{Contacts: 30, Companies: 20, Deals: 10, Seed: 1})
	// The seed's segments, in the order Seed creates them: IDs 1 to 4.
	seed := []string{"All contacts", "All companies", "All deals", "Key accounts"}

	t.Run("search", func(t *testing.T) {
		tests := []struct {
			name          string
			query         string
			offset, limit int
			want          []string
			total         int
		}{
			{"everything", "", 0, 10, seed, 4},
			{"a page", "", 1, 2, seed[1:3], 4},
			{"the last page", "", 3, 2, seed[3:], 4},
			{"past the end", "", 10, 5, nil, 4},
			{"a substring", "all ", 0, 10, seed[:3], 3},
			{"ignoring case", "ACCOUNTS", 0, 10, seed[3:], 1},
			{"nothing matches", "zzz", 0, 10, nil, 0},
			{"the largest offset and limit", "", math.MaxInt, math.MaxInt, nil, 4},
			{"the largest limit", "", 2, math.MaxInt, seed[2:], 4},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, total, err := s.Lists(ctx, tc.query, tc.offset, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(listNames(got), tc.want) || total != tc.total {
					t.Errorf("Lists = %v of %d, want %v of %d", listNames(got), total, tc.want, tc.total)
				}
				for _, l := range got {
					if seg, err := s.Segment(ctx, l.Name); err != nil || seg != l.Segment {
						t.Errorf("list %+v, Segment %+v (%v)", l, seg, err)
					}
					if l.ID != int64(slices.Index(seed, l.Name)+1) {
						t.Errorf("%s has list ID %d", l.Name, l.ID)
					}
				}
			})
		}
		for _, bad := range [][2]int{{-1, 10}, {0, 0}} {
			if _, _, err := s.Lists(ctx, "", bad[0], bad[1]); !errors.Is(err, sf.ErrRejected) {
				t.Errorf("Lists(offset %d, limit %d) = %v, want ErrRejected", bad[0], bad[1], err)
			}
		}
	})

	t.Run("by ID and by name", func(t *testing.T) {
		for _, def := range []SegmentDef{
			{Name: "Tier gold", Object: sf.Companies, Property: "tier", Value: "Gold"},
			{Name: "TIER GOLD", Object: sf.Companies, Static: true},
		} {
			if _, err := s.CreateSegment(ctx, def); err != nil {
				t.Fatal(err)
			}
		}
		key, err := s.ListByID(ctx, 4)
		if err != nil || key.Name != "Key accounts" || !key.Static || key.Size != 8 {
			t.Fatalf("list 4 = %+v (%v)", key, err)
		}
		if _, err := s.ListByID(ctx, 999); !errors.Is(err, sf.ErrNotFound) {
			t.Errorf("missing list ID: %v", err)
		}
		tests := []struct {
			object sf.Object
			name   string
			want   string
		}{
			{sf.Companies, "Key accounts", "Key accounts"},
			{sf.Companies, "key ACCOUNTS", "Key accounts"},
			{sf.Contacts, "all contacts", "All contacts"},
			{sf.Companies, "TIER GOLD", "TIER GOLD"}, // the exact spelling first
			{sf.Companies, "Tier gold", "Tier gold"},
			{sf.Companies, "tier Gold", "Tier gold"}, // else the oldest
			{sf.Contacts, "Key accounts", ""},        // another object's
			{sf.Companies, "Key", ""},                // not a substring
		}
		for _, tc := range tests {
			l, err := s.ListByName(ctx, tc.object, tc.name)
			if tc.want == "" {
				if !errors.Is(err, sf.ErrNotFound) {
					t.Errorf("ListByName(%s, %q) = %+v, %v; want ErrNotFound", tc.object, tc.name, l, err)
				}
				continue
			}
			if err != nil || l.Name != tc.want {
				t.Errorf("ListByName(%s, %q) = %+v, %v; want %q", tc.object, tc.name, l, err, tc.want)
				continue
			}
			if byID, err := s.ListByID(ctx, l.ID); err != nil || byID != l {
				t.Errorf("list %d by ID = %+v (%v), by name %+v", l.ID, byID, err, l)
			}
		}
	})

	t.Run("create and delete", func(t *testing.T) {
		l, err := s.CreateList(ctx, "Webinar", sf.Contacts)
		if err != nil {
			t.Fatal(err)
		}
		if want := (List{ID: 7, Segment: sf.Segment{Name: "Webinar", Object: sf.Contacts, Static: true}}); l != want {
			t.Errorf("created %+v, want %+v", l, want)
		}
		for _, tc := range []struct {
			name   string
			object sf.Object
			want   error
		}{
			{"Webinar", sf.Contacts, ErrListExists},
			{"webinar", sf.Deals, ErrListExists}, // names are unique across objects, ignoring case
			{"  ", sf.Contacts, sf.ErrRejected},
			{"Tickets", "tickets", sf.ErrRejected},
		} {
			commits := s.commits.Load()
			if _, err := s.CreateList(ctx, tc.name, tc.object); !errors.Is(err, tc.want) || !errors.Is(err, sf.ErrRejected) {
				t.Errorf("CreateList(%q, %s) = %v, want %v", tc.name, tc.object, err, tc.want)
			}
			if s.commits.Load() != commits {
				t.Errorf("CreateList(%q) wrote", tc.name)
			}
		}
		if err := s.DeleteList(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Segment(ctx, "Webinar"); !errors.Is(err, sf.ErrNotFound) {
			t.Errorf("deleted list: %v", err)
		}
		commits := s.commits.Load()
		if err := s.DeleteList(ctx, l.ID); !errors.Is(err, sf.ErrNotFound) || s.commits.Load() != commits {
			t.Errorf("deleting it again: %v (wrote %v)", err, s.commits.Load() != commits)
		}
		// A list ID is never given out twice, even to the same name.
		again, err := s.CreateList(ctx, "Webinar", sf.Contacts)
		if err != nil || again.ID != l.ID+1 {
			t.Errorf("re-created %+v (%v), want list ID %d", again, err, l.ID+1)
		}
	})

	t.Run("add members", func(t *testing.T) {
		companies := pairs(t, s, sf.Companies)
		id := func(i int) int64 { return companies[i].HubSpotID }
		deal := pairs(t, s, sf.Deals)[0].HubSpotID
		l, err := s.CreateList(ctx, "Picked", sf.Companies)
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name           string
			ids            []int64
			added, missing []int64
			size           int
		}{
			{"new, repeated and unknown", []int64{id(3), id(1), id(1), 42, deal}, []int64{id(1), id(3)}, []int64{42, deal}, 2},
			{"members already are ignored", []int64{id(3), id(5)}, []int64{id(5)}, nil, 3},
			{"nothing new", []int64{id(1)}, nil, nil, 3},
			{"none", nil, nil, nil, 3},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				commits := s.commits.Load()
				added, missing, err := s.AddListMembers(ctx, l.ID, tc.ids)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(added, tc.added) || !slices.Equal(missing, tc.missing) {
					t.Errorf("added %v, missing %v; want %v, %v", added, missing, tc.added, tc.missing)
				}
				if wrote := s.commits.Load() != commits; wrote != (len(tc.added) > 0) {
					t.Errorf("wrote %v with %d added", wrote, len(tc.added))
				}
				if got, err := s.ListByID(ctx, l.ID); err != nil || got.Size != tc.size {
					t.Errorf("size %d (%v), want %d", got.Size, err, tc.size)
				}
			})
		}
		if got := members(t, s, "Picked"); !slices.Equal(got, []int64{id(1), id(3), id(5)}) {
			t.Errorf("members %v", got)
		}
		all, _ := s.ListByName(ctx, sf.Companies, "All companies")
		if _, _, err := s.AddListMembers(ctx, all.ID, []int64{id(1)}); !errors.Is(err, sf.ErrRejected) {
			t.Errorf("adding to a dynamic list: %v", err)
		}
		if _, _, err := s.AddListMembers(ctx, 999, []int64{id(1)}); !errors.Is(err, sf.ErrNotFound) {
			t.Errorf("adding to a missing list: %v", err)
		}
	})

	t.Run("members paged", func(t *testing.T) {
		for _, name := range []string{"All companies", "Tier gold", "Key accounts", "Picked", "TIER GOLD"} {
			want := members(t, s, name)
			l, err := s.ListByName(ctx, sf.Companies, name)
			if err != nil {
				t.Fatal(err)
			}
			for _, limit := range []int{1, 3, len(want), 1000} {
				if limit == 0 {
					continue
				}
				var got []int64
				after, pages := int64(0), 0
				for {
					ids, more, err := s.ListMembers(ctx, l.ID, after, limit)
					if err != nil {
						t.Fatal(err)
					}
					pages++
					if len(ids) > limit || (more && len(ids) != limit) {
						t.Fatalf("%s: a page of %d with limit %d, more %v", name, len(ids), limit, more)
					}
					got = append(got, ids...)
					if !more {
						break
					}
					after = ids[len(ids)-1]
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s by %d: %v, want %v", name, limit, got, want)
				}
				// A last full page says there is no more: no empty page.
				if wantPages := max(1, (len(want)+limit-1)/limit); pages != wantPages {
					t.Errorf("%s by %d: %d pages, want %d", name, limit, pages, wantPages)
				}
			}
		}
		if ids, more, err := s.ListMembers(ctx, 4, 0, math.MaxInt); err != nil || len(ids) != 8 || more {
			t.Errorf("the largest limit: %d members, more %v (%v)", len(ids), more, err)
		}
		if _, _, err := s.ListMembers(ctx, 999, 0, 10); !errors.Is(err, sf.ErrNotFound) {
			t.Errorf("missing list: %v", err)
		}
		if _, _, err := s.ListMembers(ctx, 1, 0, 0); !errors.Is(err, sf.ErrRejected) {
			t.Errorf("limit 0: %v", err)
		}
	})
}

// TestOpenMigratesVersion2: a file of the schema before list IDs keeps its
// segments, which get IDs in the order they were created.
func TestOpenMigratesVersion2(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []SegmentDef{
		{Name: "Zebra", Object: sf.Companies, Property: "tier", Value: "Gold"},
		{Name: "Aardvark", Object: sf.Contacts, Static: true, Members: []int64{contactsBase, contactsBase + 2}},
	} {
		if _, err := s.CreateSegment(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	want := snapshot(t, s).Segments
	before, _, err := s.Lists(ctx, "", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	// Back to version 2's segments table, keyed by name, rows in the order
	// they were created, and without version 4's settings version.
	downgradeSettingsVersion(t, s.db)
	if _, err := s.db.Exec(`
ALTER TABLE hubspot_segments RENAME TO segments_v3;
CREATE TABLE hubspot_segments (
	name     TEXT PRIMARY KEY,
	object   TEXT NOT NULL,
	static   INTEGER NOT NULL CHECK (static IN (0, 1)),
	property TEXT NOT NULL DEFAULT '',
	value    TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO hubspot_segments SELECT name, object, static, property, value FROM segments_v3 ORDER BY id;
DROP TABLE segments_v3;
UPDATE meta SET value = '2' WHERE key = 'schema_version';`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a version 2 file: %v", err)
	}
	defer s.Close()
	var version string
	if err := s.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&version); err != nil || version != strconv.Itoa(SchemaVersion) {
		t.Errorf("schema version %q (%v) after Open", version, err)
	}
	sameSnapshot(t, "segments after migrating", &sf.Snapshot{Segments: snapshot(t, s).Segments}, &sf.Snapshot{Segments: want})
	after, _, err := s.Lists(ctx, "", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(after, before) {
		t.Errorf("lists after migrating %+v, before %+v", after, before)
	}
	l, err := s.CreateList(ctx, "New", sf.Deals)
	if err != nil || l.ID != before[len(before)-1].ID+1 {
		t.Errorf("a new list after migrating: %+v (%v)", l, err)
	}
	// The file is now of this version: it opens as it is.
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}
