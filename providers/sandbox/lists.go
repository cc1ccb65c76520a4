package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	sf "github.com/syncform/syncform"
)

// Segments as HubSpot's lists API sees them: addressed by list ID, found by
// name ignoring case, listed a page at a time, and a static one's members
// added to. The served sandbox answers /crm/v3/lists with these.

// List is a segment with its list ID, the number the sandbox gave it when it
// was created and gives no other segment (see segmentsTableSQL).
type List struct {
	ID int64
	sf.Segment
}

// ErrListExists is wrapped, with syncform.ErrRejected, by CreateList's error
// for a name a segment already has.
var ErrListExists = errors.New("a segment of that name exists")

// listOf is the segment d with list ID id, its size counted now.
func listOf(ctx context.Context, q querier, id int64, d SegmentDef) (List, error) {
	seg, err := segmentOf(ctx, q, d)
	return List{ID: id, Segment: seg}, err
}

// segmentRow is a segment's row: its list ID and definition.
type segmentRow struct {
	id  int64
	def SegmentDef
}

// segmentRows reads the rows of the segments where selects, in list ID
// order. Segments are few (a portal has hundreds of lists, not millions), so
// callers filter and page them in Go.
func segmentRows(ctx context.Context, q querier, where string, args ...any) ([]segmentRow, error) {
	var out []segmentRow
	err := eachRow(ctx, q, `SELECT `+segmentColumns+` FROM hubspot_segments WHERE `+where+` ORDER BY id`, args,
		func(r *sql.Rows) error {
			var row segmentRow
			err := scanSegment(r, &row.id, &row.def)
			out = append(out, row)
			return err
		})
	return out, storeErr("reading segments", err)
}

// Lists returns the segments whose names contain query, ignoring case (all
// of them for an empty query), in list ID order: limit of them from offset,
// and how many match in all. Only the returned segments' sizes are counted.
func (s *Sandbox) Lists(ctx context.Context, query string, offset, limit int) ([]List, int, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, sf.Rejectf("lists: offset %d and limit %d; want offset ≥ 0 and limit > 0", offset, limit)
	}
	var page []List
	var total int
	err := s.read(ctx, "reading segments", func(tx *sql.Tx) error {
		rows, err := segmentRows(ctx, tx, `1`)
		if err != nil {
			return err
		}
		query = strings.ToLower(query)
		matched := rows[:0]
		for _, r := range rows {
			if strings.Contains(strings.ToLower(r.def.Name), query) {
				matched = append(matched, r)
			}
		}
		total = len(matched)
		// Bounds without offset+limit, which a huge offset would overflow.
		start := min(offset, total)
		for _, r := range matched[start : start+min(limit, total-start)] {
			l, err := listOf(ctx, tx, r.id, r.def)
			if err != nil {
				return err
			}
			page = append(page, l)
		}
		return nil
	})
	return page, total, err
}

// ListByID returns the segment with list ID id. A missing one is an error
// wrapping syncform.ErrNotFound.
func (s *Sandbox) ListByID(ctx context.Context, id int64) (List, error) {
	var l List
	err := s.read(ctx, fmt.Sprintf("reading list %d", id), func(tx *sql.Tx) error {
		_, d, ok, err := readSegmentWhere(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("list %d: %w", id, sf.ErrNotFound)
		}
		l, err = listOf(ctx, tx, id, d)
		return err
	})
	return l, err
}

// ListByName returns the segment of object o named name, found as HubSpot
// finds a list by name: ignoring case, the exact spelling preferred, then
// the oldest. A missing one is an error wrapping syncform.ErrNotFound.
func (s *Sandbox) ListByName(ctx context.Context, o sf.Object, name string) (List, error) {
	var l List
	err := s.read(ctx, "reading list "+name, func(tx *sql.Tx) error {
		rows, err := segmentRows(ctx, tx, `object = ?`, string(o))
		if err != nil {
			return err
		}
		found := -1
		for i, r := range rows {
			if r.def.Name == name {
				found = i
				break
			}
			if found < 0 && strings.EqualFold(r.def.Name, name) {
				found = i
			}
		}
		if found < 0 {
			return fmt.Errorf("%s list %q: %w", o, name, sf.ErrNotFound)
		}
		l, err = listOf(ctx, tx, rows[found].id, rows[found].def)
		return err
	})
	return l, err
}

// CreateList creates an empty static segment of o, as creating a MANUAL list
// does. Unlike CreateSegment it is not idempotent: a name any segment
// already has, ignoring case, is refused with ErrListExists, since the API
// it serves answers a second create with a conflict.
func (s *Sandbox) CreateList(ctx context.Context, name string, o sf.Object) (List, error) {
	d := SegmentDef{Name: name, Object: o, Static: true}
	var l List
	err := s.write(ctx, "creating list "+name, func(tx *sql.Tx) (bool, error) {
		// validSegment needs the live state only for a dynamic segment's
		// property; a static one's check reads nothing.
		if err := validSegment(nil, &d); err != nil {
			return false, err
		}
		rows, err := segmentRows(ctx, tx, `1`)
		if err != nil {
			return false, err
		}
		for _, r := range rows {
			if strings.EqualFold(r.def.Name, name) {
				return false, fmt.Errorf("%w: %w: list %q: segment %q (list %d) has that name",
					sf.ErrRejected, ErrListExists, name, r.def.Name, r.id)
			}
		}
		if err := insertSegment(ctx, tx, d); err != nil {
			return false, err
		}
		id, _, ok, err := readSegmentWhere(ctx, tx, `name = ?`, name)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, fmt.Errorf("sandbox: list %q vanished after its write", name)
		}
		l = List{ID: id, Segment: sf.Segment{Name: name, Object: o, Static: true}}
		return true, nil
	})
	return l, err
}

// DeleteList deletes the segment with list ID id. A missing one is an error
// wrapping syncform.ErrNotFound, as HubSpot answers 404 for it
// (DeleteSegment, by name, is the idempotent one).
func (s *Sandbox) DeleteList(ctx context.Context, id int64) error {
	return s.write(ctx, fmt.Sprintf("deleting list %d", id), func(tx *sql.Tx) (bool, error) {
		_, d, ok, err := readSegmentWhere(ctx, tx, `id = ?`, id)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, fmt.Errorf("list %d: %w", id, sf.ErrNotFound)
		}
		return deleteSegment(ctx, tx, d.Name)
	})
}

// ListMembers returns up to limit record IDs of the members of list id above
// after, in record ID order, and whether more follow. A dynamic segment's
// members are evaluated now.
func (s *Sandbox) ListMembers(ctx context.Context, id, after int64, limit int) ([]int64, bool, error) {
	if limit <= 0 {
		return nil, false, sf.Rejectf("list %d members: limit %d; want limit > 0", id, limit)
	}
	var ids []int64
	var more bool
	err := s.read(ctx, fmt.Sprintf("reading list %d members", id), func(tx *sql.Tx) error {
		_, d, ok, err := readSegmentWhere(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("list %d: %w", id, sf.ErrNotFound)
		}
		ids, more, err = sourceOf(d).after(ctx, tx, after, limit)
		return err
	})
	return ids, more, err
}

// AddListMembers adds records to the static segment with list ID id. added
// are the records that became members; missing those that are not records of
// its object. Records already members are in neither, as HubSpot ignores
// them; both lists are in record ID order. A dynamic segment is refused: its
// filter decides its members.
func (s *Sandbox) AddListMembers(ctx context.Context, id int64, ids []int64) (added, missing []int64, err error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	err = s.write(ctx, fmt.Sprintf("adding list %d members", id), func(tx *sql.Tx) (bool, error) {
		added, missing = nil, nil
		_, d, ok, err := readSegmentWhere(ctx, tx, `id = ?`, id)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, fmt.Errorf("list %d: %w", id, sf.ErrNotFound)
		}
		if !d.Static {
			return false, sf.Rejectf("list %d (%q) is dynamic: its filter decides its members; only a static (MANUAL) list takes added records", id, d.Name)
		}
		exists := map[int64]bool{}
		members := map[int64]bool{}
		for _, q := range []struct {
			query string
			args  []any
			into  map[int64]bool
		}{
			{`SELECT hubspot_id FROM ` + recordTable(d.Object) + ` WHERE hubspot_id IN (SELECT value FROM json_each(?))`,
				[]any{int64List(ids)}, exists},
			{`SELECT hubspot_id FROM hubspot_segment_members WHERE segment = ? AND hubspot_id IN (SELECT value FROM json_each(?))`,
				[]any{d.Name, int64List(ids)}, members},
		} {
			err := eachRow(ctx, tx, q.query, q.args, func(r *sql.Rows) error {
				var id int64
				err := r.Scan(&id)
				q.into[id] = true
				return err
			})
			if err != nil {
				return false, storeErr("adding list members", err)
			}
		}
		for _, id := range ids {
			switch {
			case !exists[id]:
				missing = append(missing, id)
			case !members[id]:
				added = append(added, id)
			}
		}
		if len(added) == 0 {
			return false, nil
		}
		return true, execStmt(ctx, tx, "adding list members",
			`INSERT INTO hubspot_segment_members (segment, hubspot_id) SELECT ?, value FROM json_each(?)`,
			d.Name, int64List(added))
	})
	if err != nil {
		return nil, nil, err
	}
	return added, missing, nil
}
