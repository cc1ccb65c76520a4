package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"

	sf "github.com/syncform/syncform"
)

// fieldName is the shape of a HubSpot property or Salesforce field name;
// names are checked before they reach a JSON path.
var fieldName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// Values reads the distinct non-empty values o's linked records hold in
// field on side, sorted, as a search or an aggregate query would.
func (s *Sandbox) Values(ctx context.Context, o sf.Object, side sf.Side, field string) ([]string, error) {
	if _, err := sf.ParseObject(string(o)); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	var out []string
	err := s.read(ctx, "reading values", func(tx *sql.Tx) error {
		var err error
		out, err = heldValues(ctx, tx, o, side, field)
		return err
	})
	return out, err
}

// heldValues is Values inside a transaction.
func heldValues(ctx context.Context, q querier, o sf.Object, side sf.Side, field string) ([]string, error) {
	if !fieldName.MatchString(field) {
		return nil, sf.Rejectf("values of %s: %q is not a field name", o, field)
	}
	column := map[sf.Side]string{sf.HubSpotSide: "hubspot", sf.SalesforceSide: "salesforce"}[side]
	if column == "" {
		return nil, sf.Rejectf("values of %s: unknown side %q", o, side)
	}
	// Each side is field → [value, time]; on the Salesforce side a contacts
	// field has its Contact name on Contact records.
	names := map[string]string{"": field}
	if side == sf.SalesforceSide {
		names = map[string]string{}
		for _, so := range o.SalesforceObjects() {
			names[so] = sf.FieldOn(so, field)
		}
	}
	seen := map[string]bool{}
	err := func() error {
		for sobject, name := range names {
			query := `SELECT DISTINCT json_extract(` + column + `, '$."` + name + `"[0]') AS v FROM ` + recordTable(o) + ` WHERE v IS NOT NULL AND v != ''`
			args := []any{}
			if sobject != "" {
				query += ` AND sobject = ?`
				args = append(args, sobject)
			}
			err := eachRow(ctx, q, query, args, func(r *sql.Rows) error {
				var v string
				if err := r.Scan(&v); err != nil {
					return err
				}
				seen[v] = true
				return nil
			})
			if err != nil {
				return storeErr("reading values", err)
			}
		}
		return nil
	}()
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out, err
}
