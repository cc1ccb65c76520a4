package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"

	sf "github.com/syncform/syncform"
)

// members lists a segment's members, as a resync of it would take them.
func members(t *testing.T, s *Sandbox, name string) []int64 {
	t.Helper()
	var out []int64
	err := s.read(context.Background(), "test", func(tx *sql.Tx) error {
		d, ok, err := readSegment(context.Background(), tx, name)
		if err != nil || !ok {
			t.Fatalf("segment %s: %v (exists %v)", name, err, ok)
		}
		return sourceOf(d).positions(context.Background(), tx, 0, 1<<30, func(id int64) { out = append(out, id) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSegments(t *testing.T) {
	ctx := context.Background()
	s := seeded(t, SeedOptions{Contacts: 50, Companies: 40, Deals: 10, Seed: 1})
	companies := pairs(t, s, sf.Companies)
	gold := 0
	for _, p := range companies {
		if p.HubSpot["tier"].V == "Gold" {
			gold++
		}
	}
	if gold == 0 || gold == len(companies) {
		t.Fatalf("%d of %d companies are Gold; the filter test needs some of each", gold, len(companies))
	}
	id := func(i int) int64 { return companies[i].HubSpotID }

	t.Run("create", func(t *testing.T) {
		tests := []struct {
			name     string
			def      SegmentDef
			wantSize int
			wantErr  error
		}{
			{"dynamic, every record", SegmentDef{Name: "d all", Object: sf.Companies}, len(companies), nil},
			{"dynamic, property equals", SegmentDef{Name: "d gold", Object: sf.Companies, Property: "tier", Value: "Gold"}, gold, nil},
			{"dynamic, nothing matches", SegmentDef{Name: "d none", Object: sf.Companies, Property: "tier", Value: "Tin"}, 0, nil},
			{"static, repeats and order ignored", SegmentDef{Name: "s three", Object: sf.Companies, Static: true,
				Members: []int64{id(5), id(1), id(5), id(3)}}, 3, nil},
			{"static, empty", SegmentDef{Name: "s empty", Object: sf.Deals, Static: true}, 0, nil},
			{"static, a record that does not exist", SegmentDef{Name: "s bad", Object: sf.Companies, Static: true,
				Members: []int64{id(1), 42}}, 0, sf.ErrNotFound},
			{"static, a record of another object", SegmentDef{Name: "s other", Object: sf.Deals, Static: true,
				Members: []int64{id(1)}}, 0, sf.ErrNotFound},
			{"unknown property", SegmentDef{Name: "x", Object: sf.Companies, Property: "nope", Value: "1"}, 0, sf.ErrRejected},
			{"static with a filter", SegmentDef{Name: "x", Object: sf.Companies, Static: true, Property: "tier"}, 0, sf.ErrRejected},
			{"dynamic with members", SegmentDef{Name: "x", Object: sf.Companies, Members: []int64{id(1)}}, 0, sf.ErrRejected},
			{"no name", SegmentDef{Object: sf.Companies}, 0, sf.ErrRejected},
			{"unknown object", SegmentDef{Name: "x", Object: "tickets"}, 0, sf.ErrRejected},
			{"same name, other definition", SegmentDef{Name: "All companies", Object: sf.Companies, Property: "tier", Value: "Gold"}, 0, sf.ErrRejected},
			{"same name, same definition", SegmentDef{Name: "All companies", Object: sf.Companies}, len(companies), nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				commits := s.commits.Load()
				seg, err := s.CreateSegment(ctx, tc.def)
				if tc.wantErr != nil {
					if !errors.Is(err, tc.wantErr) {
						t.Fatalf("err = %v, want %v", err, tc.wantErr)
					}
					if s.commits.Load() != commits {
						t.Error("a refused segment wrote")
					}
					if _, err := s.Segment(ctx, tc.def.Name); tc.def.Name != "All companies" && !errors.Is(err, sf.ErrNotFound) {
						t.Errorf("refused segment exists (%v)", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := sf.Segment{Name: tc.def.Name, Object: tc.def.Object, Static: tc.def.Static, Size: tc.wantSize}
				if seg != want {
					t.Errorf("created %+v, want %+v", seg, want)
				}
				if got, err := s.Segment(ctx, tc.def.Name); err != nil || got != want {
					t.Errorf("Segment = %+v (%v), want %+v", got, err, want)
				}
				// Creating it again is fine and writes nothing.
				commits = s.commits.Load()
				if again, err := s.CreateSegment(ctx, tc.def); err != nil || again != want || s.commits.Load() != commits {
					t.Errorf("again: %+v, %v (wrote %v)", again, err, s.commits.Load() != commits)
				}
			})
		}
		if got := members(t, s, "s three"); !slices.Equal(got, []int64{id(1), id(3), id(5)}) {
			t.Errorf("static members %v", got)
		}
	})

	t.Run("dynamic segments are evaluated when read", func(t *testing.T) {
		var notGold int64
		for _, p := range companies {
			if p.HubSpot["tier"].V != "Gold" {
				notGold = p.HubSpotID
				break
			}
		}
		if err := s.Edit(ctx, sf.Companies, notGold, SideHubSpot, "tier", "Gold"); err != nil {
			t.Fatal(err)
		}
		if seg, err := s.Segment(ctx, "d gold"); err != nil || seg.Size != gold+1 {
			t.Errorf("after an edit: %+v (%v), want size %d", seg, err, gold+1)
		}
		if !slices.Contains(members(t, s, "d gold"), notGold) {
			t.Error("the edited record is not a member")
		}
	})

	t.Run("batch positions", func(t *testing.T) {
		all := members(t, s, "All companies")
		if !slices.IsSorted(all) || len(all) != len(companies) {
			t.Fatalf("All companies: %d members, sorted %v", len(all), slices.IsSorted(all))
		}
		gold := members(t, s, "d gold")
		tests := []struct {
			name, from    string
			offset, limit int
			want          []int64
		}{
			{"first", "All companies", 0, 10, all[:10]},
			{"middle", "All companies", 10, 10, all[10:20]},
			{"past the end", "All companies", 35, 10, all[35:]},
			{"beyond", "All companies", 100, 10, []int64{}},
			{"of a filter", "d gold", 1, 2, gold[1:3]},
			{"of a static segment", "s three", 1, 5, []int64{id(3), id(5)}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				name := "batch " + tc.name
				seg, err := s.CreateBatchSegment(ctx, name, tc.from, tc.offset, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if !seg.Static || seg.Size != len(tc.want) || seg.Object != sf.Companies {
					t.Errorf("segment %+v, want static with %d members", seg, len(tc.want))
				}
				if got := members(t, s, name); !slices.Equal(got, tc.want) && len(tc.want) > 0 {
					t.Errorf("members %v, want %v", got, tc.want)
				}
				// Re-creating the same batch is fine; another batch under
				// the same name is not.
				if _, err := s.CreateBatchSegment(ctx, name, tc.from, tc.offset, tc.limit); err != nil {
					t.Errorf("identical batch again: %v", err)
				}
				if len(tc.want) > 0 {
					if _, err := s.CreateBatchSegment(ctx, name, tc.from, tc.offset+1, tc.limit); !errors.Is(err, sf.ErrRejected) {
						t.Errorf("a different batch under the same name: %v", err)
					}
				}
			})
		}
		for _, bad := range []struct {
			from          string
			offset, limit int
			want          error
		}{{"nope", 0, 10, sf.ErrNotFound}, {"All companies", -1, 10, sf.ErrRejected}, {"All companies", 0, 0, sf.ErrRejected}} {
			if _, err := s.CreateBatchSegment(ctx, "bad batch", bad.from, bad.offset, bad.limit); !errors.Is(err, bad.want) {
				t.Errorf("CreateBatchSegment(%q, %d, %d) = %v, want %v", bad.from, bad.offset, bad.limit, err, bad.want)
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := s.DeleteSegment(ctx, "s three"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Segment(ctx, "s three"); !errors.Is(err, sf.ErrNotFound) {
			t.Errorf("deleted segment: %v", err)
		}
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM hubspot_segment_members WHERE segment = 's three'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d members left (%v)", n, err)
		}
		commits := s.commits.Load()
		if err := s.DeleteSegment(ctx, "never existed"); err != nil || s.commits.Load() != commits {
			t.Errorf("deleting a missing segment: %v (wrote %v)", err, s.commits.Load() != commits)
		}
		// The name is free again, for another definition.
		if seg, err := s.CreateSegment(ctx, SegmentDef{Name: "s three", Object: sf.Companies, Static: true, Members: []int64{id(0)}}); err != nil || seg.Size != 1 {
			t.Errorf("re-created: %+v (%v)", seg, err)
		}
	})
}

func TestSnapshotSegments(t *testing.T) {
	ctx := context.Background()
	s := seeded(t, SeedOptions{Contacts: 30, Companies: 20, Deals: 10, Seed: 1})
	if _, err := s.CreateSegment(ctx, SegmentDef{Name: "Gold", Object: sf.Companies, Property: "tier", Value: "Gold"}); err != nil {
		t.Fatal(err)
	}
	snap := snapshot(t, s)
	var names []string
	for _, seg := range snap.Segments {
		names = append(names, seg.Name)
		if got, err := s.Segment(ctx, seg.Name); err != nil || got != seg {
			t.Errorf("snapshot has %+v, Segment %+v (%v)", seg, got, err)
		}
	}
	if want := []string{"All companies", "All contacts", "All deals", "Gold", "Key accounts"}; !slices.Equal(names, want) {
		t.Errorf("segments %v, want %v", names, want)
	}
	if seg, _ := snap.Segment("All contacts"); seg.Size != 30 || seg.Object != sf.Contacts {
		t.Errorf("All contacts = %+v", seg)
	}
}
