package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	sf "github.com/syncform/syncform"
)

// SegmentDef defines a segment (a HubSpot list) for CreateSegment.
type SegmentDef struct {
	Name   string
	Object sf.Object
	// Static segments hold Members, HubSpot record IDs of Object. Dynamic
	// ones hold the records whose HubSpot property Property equals Value,
	// or, with no Property, every record of Object; they are evaluated
	// whenever they are read.
	Static   bool
	Members  []int64
	Property string
	Value    string
}

var _ sf.Backfiller = (*Sandbox)(nil)

// CreateSegment creates a segment. Creating one that exists with the same
// definition (and, for a static one, the same members) succeeds without
// writing; any other existing segment of that name is rejected, as HubSpot
// list names are unique.
func (s *Sandbox) CreateSegment(ctx context.Context, d SegmentDef) (sf.Segment, error) {
	var seg sf.Segment
	err := s.write(ctx, "creating segment "+d.Name, func(tx *sql.Tx) (bool, error) {
		live, err := s.settings(ctx, tx)
		if err != nil {
			return false, err
		}
		if err := validSegment(live, &d); err != nil {
			return false, err
		}
		if cur, ok, err := readSegment(ctx, tx, d.Name); err != nil {
			return false, err
		} else if ok {
			same, err := sameSegment(ctx, tx, cur, d)
			if err != nil {
				return false, err
			}
			if !same {
				return false, sf.Rejectf("segment %q already exists with a different definition", d.Name)
			}
			seg, err = segmentOf(ctx, tx, cur)
			return false, err
		}
		if d.Static {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+recordTable(d.Object)+
				` WHERE hubspot_id IN (SELECT value FROM json_each(?))`, int64List(d.Members)).Scan(&n); err != nil {
				return false, storeErr("creating segment", err)
			}
			if n != len(d.Members) {
				return false, fmt.Errorf("segment %q: %w: %d of its %d members are not %s records", d.Name, sf.ErrNotFound,
					len(d.Members)-n, len(d.Members), d.Object)
			}
		}
		if err := insertSegment(ctx, tx, d); err != nil {
			return false, err
		}
		seg, err = segmentOf(ctx, tx, d)
		return true, err
	})
	return seg, err
}

// validSegment checks a definition and normalizes its members (sorted,
// without repeats).
func validSegment(live *sf.Snapshot, d *SegmentDef) error {
	if strings.TrimSpace(d.Name) == "" {
		return sf.Rejectf("a segment needs a name")
	}
	if _, err := sf.ParseObject(string(d.Object)); err != nil {
		return sf.Rejectf("segment %q: unknown object %q", d.Name, d.Object)
	}
	if d.Static {
		if d.Property != "" || d.Value != "" {
			return sf.Rejectf("segment %q: a static segment has members, not a filter", d.Name)
		}
		d.Members = slices.Compact(slices.Sorted(slices.Values(d.Members)))
		return nil
	}
	if len(d.Members) > 0 {
		return sf.Rejectf("segment %q: a dynamic segment has a filter, not members", d.Name)
	}
	if d.Property == "" && d.Value != "" {
		return sf.Rejectf("segment %q: a filter value needs a property", d.Name)
	}
	if d.Property != "" {
		if _, ok := live.Property(d.Object, d.Property); !ok {
			return sf.Rejectf("segment %q: %s has no property %q", d.Name, d.Object, d.Property)
		}
	}
	return nil
}

func insertSegment(ctx context.Context, q querier, d SegmentDef) error {
	if err := execStmt(ctx, q, "writing segment",
		`INSERT INTO hubspot_segments (name, object, static, property, value) VALUES (?, ?, ?, ?, ?)`,
		d.Name, string(d.Object), b2i(d.Static), d.Property, d.Value); err != nil {
		return err
	}
	if !d.Static || len(d.Members) == 0 {
		return nil
	}
	return execStmt(ctx, q, "writing segment members",
		`INSERT INTO hubspot_segment_members (segment, hubspot_id) SELECT ?, value FROM json_each(?)`,
		d.Name, int64List(d.Members))
}

// int64List is ids as a JSON array, for json_each: one parameter however
// many IDs, where IN (?, ?, …) would hit SQLite's parameter limit.
func int64List(ids []int64) string {
	b := make([]byte, 0, 2+len(ids)*9)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// segmentColumns are the columns of a segment's row, as scanSegment reads
// them.
const segmentColumns = `id, name, object, static, property, value`

func scanSegment(r *sql.Rows, id *int64, d *SegmentDef) error {
	return r.Scan(id, &d.Name, &d.Object, &d.Static, &d.Property, &d.Value)
}

// readSegment reads a segment's definition (not a static one's members).
func readSegment(ctx context.Context, q querier, name string) (SegmentDef, bool, error) {
	_, d, ok, err := readSegmentWhere(ctx, q, `name = ?`, name)
	return d, ok, err
}

// readSegmentWhere reads the definition and list ID of the segment where
// selects (one column compared with arg).
func readSegmentWhere(ctx context.Context, q querier, where string, arg any) (int64, SegmentDef, bool, error) {
	var d SegmentDef
	var id int64
	rows, err := q.QueryContext(ctx, `SELECT `+segmentColumns+` FROM hubspot_segments WHERE `+where, arg)
	if err != nil {
		return 0, d, false, storeErr("reading segment", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, d, false, storeErr("reading segment", rows.Err())
	}
	if err := scanSegment(rows, &id, &d); err != nil {
		return 0, d, false, storeErr("reading segment", err)
	}
	return id, d, true, nil
}

// sameSegment reports whether the existing segment cur is what d defines.
func sameSegment(ctx context.Context, q querier, cur, d SegmentDef) (bool, error) {
	if cur.Object != d.Object || cur.Static != d.Static || cur.Property != d.Property || cur.Value != d.Value {
		return false, nil
	}
	if !d.Static {
		return true, nil
	}
	var have []int64
	err := eachRow(ctx, q, `SELECT hubspot_id FROM hubspot_segment_members WHERE segment = ? ORDER BY hubspot_id`,
		[]any{cur.Name}, func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			have = append(have, id)
			return err
		})
	if err != nil {
		return false, storeErr("reading segment", err)
	}
	return slices.Equal(have, d.Members), nil
}

func segmentOf(ctx context.Context, q querier, d SegmentDef) (sf.Segment, error) {
	n, err := sourceOf(d).count(ctx, q)
	if err != nil {
		return sf.Segment{}, err
	}
	return sf.Segment{Name: d.Name, Object: d.Object, Static: d.Static, Size: n}, nil
}

// loadSegments reads every segment, each size counted now.
func loadSegments(ctx context.Context, q querier) ([]sf.Segment, error) {
	var defs []SegmentDef
	err := eachRow(ctx, q, `SELECT `+segmentColumns+` FROM hubspot_segments`, nil, func(r *sql.Rows) error {
		var d SegmentDef
		var id int64
		err := scanSegment(r, &id, &d)
		defs = append(defs, d)
		return err
	})
	if err != nil {
		return nil, storeErr("reading segments", err)
	}
	out := make([]sf.Segment, 0, len(defs))
	for _, d := range defs {
		seg, err := segmentOf(ctx, q, d)
		if err != nil {
			return nil, err
		}
		out = append(out, seg)
	}
	return out, nil
}

// Segment returns the segment named name, its size counted now. A missing
// segment is an error wrapping syncform.ErrNotFound.
func (s *Sandbox) Segment(ctx context.Context, name string) (sf.Segment, error) {
	var seg sf.Segment
	err := s.read(ctx, "reading segment "+name, func(tx *sql.Tx) error {
		d, ok, err := readSegment(ctx, tx, name)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("segment %q: %w", name, sf.ErrNotFound)
		}
		seg, err = segmentOf(ctx, tx, d)
		return err
	})
	return seg, err
}

// CreateBatchSegment creates the static segment name of the members of from
// at positions [offset, offset+limit) in HubSpot record ID order (fewer, or
// none, past its end). An existing segment with exactly those members is
// fine; a different one is rejected.
func (s *Sandbox) CreateBatchSegment(ctx context.Context, name, from string, offset, limit int) (sf.Segment, error) {
	if offset < 0 || limit <= 0 {
		return sf.Segment{}, sf.Rejectf("batch segment %q: offset %d and limit %d; want offset ≥ 0 and limit > 0", name, offset, limit)
	}
	var seg sf.Segment
	var exists bool
	err := s.write(ctx, "creating segment "+name, func(tx *sql.Tx) (bool, error) {
		src, ok, err := readSegment(ctx, tx, from)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, fmt.Errorf("segment %q: %w", from, sf.ErrNotFound)
		}
		if _, exists, err = readSegment(ctx, tx, name); err != nil || exists {
			return false, err
		}
		d := SegmentDef{Name: name, Object: src.Object, Static: true}
		if strings.TrimSpace(name) == "" {
			return false, sf.Rejectf("a segment needs a name")
		}
		if err := insertSegment(ctx, tx, d); err != nil {
			return false, err
		}
		// The members go from one table to the other in SQLite: a batch of
		// 200,000 records never passes through memory.
		from := sourceOf(src)
		if err := execStmt(ctx, tx, "writing segment members", `INSERT INTO hubspot_segment_members (segment, hubspot_id)
			SELECT ?, `+from.key+` FROM `+from.from+` WHERE `+from.where+` ORDER BY `+from.key+` LIMIT ? OFFSET ?`,
			append(append([]any{name}, from.args...), limit, offset)...); err != nil {
			return false, err
		}
		seg, err = segmentOf(ctx, tx, d)
		return true, err
	})
	if err != nil || !exists {
		return seg, err
	}
	// A batch created before (a run that stopped after creating it): its
	// members must be the same.
	var d SegmentDef
	err = s.read(ctx, "creating segment "+name, func(tx *sql.Tx) error {
		src, _, err := readSegment(ctx, tx, from)
		if err != nil {
			return err
		}
		d = SegmentDef{Name: name, Object: src.Object, Static: true, Members: []int64{}}
		return sourceOf(src).positions(ctx, tx, offset, limit, func(id int64) { d.Members = append(d.Members, id) })
	})
	if err != nil {
		return sf.Segment{}, err
	}
	return s.CreateSegment(ctx, d)
}

// DeleteSegment deletes a segment; a missing one is not an error.
func (s *Sandbox) DeleteSegment(ctx context.Context, name string) error {
	return s.write(ctx, "deleting segment "+name, func(tx *sql.Tx) (bool, error) {
		return deleteSegment(ctx, tx, name)
	})
}

// deleteSegment deletes a segment and its members, and reports whether there
// was one.
func deleteSegment(ctx context.Context, q querier, name string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM hubspot_segments WHERE name = ?`, name)
	if err != nil {
		return false, storeErr("deleting segment", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, execStmt(ctx, q, "deleting segment", `DELETE FROM hubspot_segment_members WHERE segment = ?`, name)
}

// ---------------------------------------------------------------------------
// Sources: the records a segment, a list of IDs or a whole object covers, in
// HubSpot record ID order, read a page at a time.

type source struct {
	object sf.Object
	// from and where select the records (aliased l); args are where's.
	// key is the record ID column pages are ordered and cut by: a static
	// segment's own, so SQLite walks its members in order.
	from  string
	where string
	args  []any
	key   string
	// ids, when set, are the records (sorted, unique): pages take the IDs
	// after the cursor rather than a WHERE on it, so a long list is never
	// rescanned.
	ids []int64
	// byValue: which records belong depends on their values (a dynamic
	// segment's filter), so a sync can move records in or out.
	byValue bool
	// whole: every record of the object, in record ID order.
	whole bool
}

func sourceOf(d SegmentDef) source {
	t := recordTable(d.Object) + " l"
	switch {
	case d.Static:
		return source{object: d.Object, from: `hubspot_segment_members m JOIN ` + t + ` ON l.hubspot_id = m.hubspot_id`,
			where: `m.segment = ?`, args: []any{d.Name}, key: "m.hubspot_id"}
	case d.Property != "":
		return source{object: d.Object, from: t,
			where: `coalesce(json_extract(l.hubspot, ?), '') = ?`, args: []any{jsonPath(d.Property), d.Value}, key: "l.hubspot_id",
			byValue: true}
	}
	return source{object: d.Object, from: t, where: `1`, key: "l.hubspot_id", whole: true}
}

// recordsSource covers the listed records of o.
func recordsSource(o sf.Object, ids []int64) source {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	return source{object: o, from: recordTable(o) + " l", where: `l.hubspot_id IN (SELECT value FROM json_each(?))`,
		args: []any{int64List(ids)}, ids: ids, key: "l.hubspot_id"}
}

// jsonPath addresses a field's value in a side's JSON.
func jsonPath(field string) string {
	return `$."` + strings.ReplaceAll(field, `"`, `\"`) + `"[0]`
}

func (s source) count(ctx context.Context, q querier) (int, error) {
	var n int
	err := eachRow(ctx, q, `SELECT count(*) FROM `+s.from+` WHERE `+s.where, s.args, func(r *sql.Rows) error {
		return r.Scan(&n)
	})
	return n, storeErr("counting records", err)
}

func (s source) positions(ctx context.Context, q querier, offset, limit int, fn func(int64)) error {
	args := append(slices.Clone(s.args), limit, offset)
	err := eachRow(ctx, q, `SELECT `+s.key+` FROM `+s.from+` WHERE `+s.where+
		` ORDER BY `+s.key+` LIMIT ? OFFSET ?`, args, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		fn(id)
		return nil
	})
	return storeErr("reading segment members", err)
}

// after reads up to limit record IDs above after, in order, and whether
// more follow. It reads one more than asked, so a last full page does not
// claim more that are not there.
func (s source) after(ctx context.Context, q querier, after int64, limit int) ([]int64, bool, error) {
	limit = min(limit, math.MaxInt-1) // room for the one more
	args := append(slices.Clone(s.args), after, limit+1)
	ids := make([]int64, 0, min(limit+1, 1024))
	err := eachRow(ctx, q, `SELECT `+s.key+` FROM `+s.from+` WHERE `+s.where+` AND `+s.key+` > ? ORDER BY `+s.key+` LIMIT ?`,
		args, func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return nil, false, storeErr("reading segment members", err)
	}
	if len(ids) > limit {
		return ids[:limit], true, nil
	}
	return ids, false, nil
}

const pairColumns = `l.hubspot_id, l.sobject, l.salesforce_id, l.owner, l.hubspot, l.salesforce`

// page reads up to limit records after the record ID after. It returns the
// cursor for the next page and whether there may be more.
func (s source) page(ctx context.Context, q querier, after int64, limit int, dst []pairRow) ([]pairRow, int64, bool, error) {
	dst = dst[:0]
	query := `SELECT ` + pairColumns + ` FROM ` + s.from + ` WHERE ` + s.where + ` AND ` + s.key + ` > ? ORDER BY ` + s.key + ` LIMIT ?`
	args := append(slices.Clone(s.args), after, limit)
	var chunkEnd int64
	more := false
	if s.ids != nil {
		i, _ := slices.BinarySearch(s.ids, after+1)
		chunk := s.ids[i:min(len(s.ids), i+limit)]
		if len(chunk) == 0 {
			return dst, after, false, nil
		}
		chunkEnd, more = chunk[len(chunk)-1], i+len(chunk) < len(s.ids)
		query = `SELECT ` + pairColumns + ` FROM ` + s.from + ` WHERE l.hubspot_id IN (SELECT value FROM json_each(?)) ORDER BY l.hubspot_id`
		args = []any{int64List(chunk)}
	}
	err := eachRow(ctx, q, query, args, func(r *sql.Rows) error {
		// Reuse the previous page's rows, and with them the capacity of
		// their decoded sides: a page decodes thousands.
		if len(dst) < cap(dst) {
			dst = dst[:len(dst)+1]
		} else {
			dst = append(dst, pairRow{})
		}
		p := &dst[len(dst)-1]
		return r.Scan(&p.id, &p.sobject, &p.sfID, &p.owner, &p.hsRaw, &p.sfRaw)
	})
	if err != nil {
		return nil, after, false, err
	}
	if err := decodeRows(dst); err != nil {
		return nil, after, false, err
	}
	if s.ids != nil {
		return dst, chunkEnd, more, nil
	}
	last := after
	if len(dst) > 0 {
		last = dst[len(dst)-1].id
	}
	return dst, last, len(dst) == limit, nil
}

// eachRow calls scan for each row query with args returns.
func eachRow(ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// decodeRows decodes a page's sides on every core: after SQLite's own work,
// decoding is most of what reading a page costs.
func decodeRows(rows []pairRow) error {
	workers := min(runtime.GOMAXPROCS(0), (len(rows)+255)/256)
	if workers <= 1 {
		for i := range rows {
			if err := rows[i].decode(); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w * len(rows) / workers; i < (w+1)*len(rows)/workers; i++ {
				if err := rows[i].decode(); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
