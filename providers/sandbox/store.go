package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	sf "github.com/syncform/syncform"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// querier is what the readers need: a *sql.Tx, so every read of one snapshot
// or one Apply sees one consistent state.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// storeErr classifies a database error: lock timeouts and I/O failures are
// transient (ErrUnavailable); context errors pass through.
func storeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sandbox: %s: %w", op, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			// Another connection kept the file's write lock past the busy
			// timeout: say so, not SQLite's code.
			return fmt.Errorf("sandbox: %s: %w: another process kept the sandbox file locked for more than %v; try again once it is done",
				op, sf.ErrUnavailable, busyTimeoutMS*time.Millisecond)
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN:
			return fmt.Errorf("sandbox: %s: %w: %v", op, sf.ErrUnavailable, err)
		}
	}
	return fmt.Errorf("sandbox: %s: %w", op, err)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// marshalList stores a list as a JSON array ("[]" when empty).
func marshalList[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings and bools always marshal
	}
	return string(b)
}

// unmarshalList reads a JSON array; an empty one is nil, as in the seed.
func unmarshalList[T any](s, what string) ([]T, error) {
	if s == "[]" {
		return nil, nil // most lists are empty: no need to run the decoder
	}
	var v []T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", what, err)
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

// load reads the live settings (everything but segments), but for the
// owner counts (loadOwnerCounts).
func load(ctx context.Context, q querier) (*sf.Snapshot, error) {
	s := &sf.Snapshot{
		Provider:   "sandbox",
		Sync:       map[sf.Object]bool{},
		Mappings:   map[sf.Object][]sf.Mapping{},
		Properties: map[sf.Object][]sf.Property{},
		SObjects:   map[string]sf.SObject{},
		Owners:     []sf.Owner{},
		Users:      []sf.SalesforceUser{},
		Queues:     []sf.Queue{},
	}
	for _, o := range sf.Objects() {
		s.Sync[o] = false
		s.Mappings[o] = []sf.Mapping{}
		s.Properties[o] = []sf.Property{}
	}
	steps := []struct {
		what, query string
		scan        func(*sql.Rows) error
	}{
		{"sync toggles", `SELECT object, enabled FROM connector_sync`, func(r *sql.Rows) error {
			var o string
			var on bool
			if err := r.Scan(&o, &on); err != nil {
				return err
			}
			s.Sync[sf.Object(o)] = on
			return nil
		}},
		{"mappings", `SELECT object, property, salesforce_field, rule, standard FROM connector_mappings`, func(r *sql.Rows) error {
			var m sf.Mapping
			if err := r.Scan(&m.Object, &m.Property, &m.SalesforceField, &m.Rule, &m.Standard); err != nil {
				return err
			}
			s.Mappings[m.Object] = append(s.Mappings[m.Object], m)
			return nil
		}},
		{"properties", `SELECT object, name, label, type, group_name, description, options, hubspot_defined, owner_reference
			FROM hubspot_properties`, func(r *sql.Rows) error {
			var p sf.Property
			var opts string
			if err := r.Scan(&p.Object, &p.Name, &p.Label, &p.Type, &p.Group, &p.Description, &opts,
				&p.HubSpotDefined, &p.OwnerReference); err != nil {
				return err
			}
			var err error
			if p.Options, err = unmarshalList[sf.Option](opts, "options of "+p.Name); err != nil {
				return err
			}
			s.Properties[p.Object] = append(s.Properties[p.Object], p)
			return nil
		}},
		{"Salesforce objects", `SELECT name, label, key_prefix, custom FROM salesforce_objects`, func(r *sql.Rows) error {
			var so sf.SObject
			if err := r.Scan(&so.Name, &so.Label, &so.KeyPrefix, &so.Custom); err != nil {
				return err
			}
			so.Fields = []sf.SalesforceField{}
			s.SObjects[so.Name] = so
			return nil
		}},
		{"Salesforce fields", `SELECT sobject, name, label, type, reference_to, picklist, restricted, calculated, custom
			FROM salesforce_fields`, func(r *sql.Rows) error {
			var obj, refs, picks string
			var f sf.SalesforceField
			if err := r.Scan(&obj, &f.Name, &f.Label, &f.Type, &refs, &picks, &f.Restricted, &f.Calculated, &f.Custom); err != nil {
				return err
			}
			var err error
			if f.ReferenceTo, err = unmarshalList[string](refs, "referenceTo of "+obj+"."+f.Name); err != nil {
				return err
			}
			if f.Picklist, err = unmarshalList[sf.PicklistValue](picks, "picklist of "+obj+"."+f.Name); err != nil {
				return err
			}
			so, ok := s.SObjects[obj]
			if !ok {
				return fmt.Errorf("field %s.%s of an unknown object", obj, f.Name)
			}
			so.Fields = append(so.Fields, f)
			s.SObjects[obj] = so
			return nil
		}},
		{"owners", `SELECT id, first_name, last_name, email FROM hubspot_owners`, func(r *sql.Rows) error {
			var o sf.Owner
			if err := r.Scan(&o.ID, &o.FirstName, &o.LastName, &o.Email); err != nil {
				return err
			}
			o.Records = map[sf.Object]int{}
			for _, obj := range sf.Objects() {
				o.Records[obj] = 0
			}
			s.Owners = append(s.Owners, o)
			return nil
		}},
		{"users", `SELECT id, first_name, last_name, email, user_type, active FROM salesforce_users`, func(r *sql.Rows) error {
			var u sf.SalesforceUser
			if err := r.Scan(&u.ID, &u.FirstName, &u.LastName, &u.Email, &u.UserType, &u.Active); err != nil {
				return err
			}
			s.Users = append(s.Users, u)
			return nil
		}},
		{"the mapping limit", `SELECT CAST(value AS INTEGER) FROM meta WHERE key = '` + metaMappingLimit + `'`, func(r *sql.Rows) error {
			return r.Scan(&s.MappingLimit)
		}},
		{"queues", `SELECT id, name FROM salesforce_queues`, func(r *sql.Rows) error {
			var q sf.Queue
			if err := r.Scan(&q.ID, &q.Name); err != nil {
				return err
			}
			s.Queues = append(s.Queues, q)
			return nil
		}},
	}
	for _, st := range steps {
		if err := eachRow(ctx, q, st.query, nil, st.scan); err != nil {
			return nil, storeErr("reading "+st.what, err)
		}
	}
	s.Sort()
	return s, nil
}

// loadOwnerCounts fills in how many records of each object each owner
// owns. They change with the records, so they are read every time rather
// than cached with the settings: a few dozen rows.
func loadOwnerCounts(ctx context.Context, q querier, s *sf.Snapshot) error {
	byID := make(map[string]*sf.Owner, len(s.Owners))
	for i := range s.Owners {
		byID[s.Owners[i].ID] = &s.Owners[i]
	}
	err := eachRow(ctx, q, `SELECT object, owner, n FROM owner_counts WHERE n > 0`, nil, func(r *sql.Rows) error {
		var o, owner string
		var n int
		if err := r.Scan(&o, &owner, &n); err != nil {
			return err
		}
		if own := byID[owner]; own != nil {
			own.Records[sf.Object(o)] = n
		}
		return nil
	})
	return storeErr("reading owner counts", err)
}

// ---------------------------------------------------------------------------
// Writers. Each is one statement inside the caller's write transaction.

func execStmt(ctx context.Context, q querier, what, query string, args ...any) error {
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return storeErr(what, err)
	}
	return nil
}

func setSync(ctx context.Context, q querier, o sf.Object, on bool) error {
	return execStmt(ctx, q, "writing sync toggle",
		`INSERT INTO connector_sync (object, enabled) VALUES (?, ?)
		 ON CONFLICT (object) DO UPDATE SET enabled = excluded.enabled`, string(o), b2i(on))
}

func insertProperty(ctx context.Context, q querier, p sf.Property) error {
	return execStmt(ctx, q, "writing property",
		`INSERT INTO hubspot_properties (object, name, label, type, group_name, description, options, hubspot_defined, owner_reference)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(p.Object), p.Name, p.Label, string(p.Type), p.Group, p.Description, marshalList(p.Options),
		b2i(p.HubSpotDefined), b2i(p.OwnerReference))
}

func updateProperty(ctx context.Context, q querier, p sf.Property) error {
	return execStmt(ctx, q, "writing property",
		`UPDATE hubspot_properties SET label = ?, type = ?, group_name = ?, description = ?, options = ?
		 WHERE object = ? AND name = ?`,
		p.Label, string(p.Type), p.Group, p.Description, marshalList(p.Options), string(p.Object), p.Name)
}

func deleteProperty(ctx context.Context, q querier, o sf.Object, name string) error {
	return execStmt(ctx, q, "deleting property",
		`DELETE FROM hubspot_properties WHERE object = ? AND name = ?`, string(o), name)
}

func insertMapping(ctx context.Context, q querier, m sf.Mapping) error {
	return execStmt(ctx, q, "writing mapping",
		`INSERT INTO connector_mappings (object, property, salesforce_field, rule, standard) VALUES (?, ?, ?, ?, ?)`,
		string(m.Object), m.Property, m.SalesforceField, string(m.Rule), b2i(m.Standard))
}

func updateMappingRule(ctx context.Context, q querier, o sf.Object, property string, rule sf.SyncRule) error {
	return execStmt(ctx, q, "writing mapping",
		`UPDATE connector_mappings SET rule = ? WHERE object = ? AND property = ?`, string(rule), string(o), property)
}

func deleteMapping(ctx context.Context, q querier, o sf.Object, property string) error {
	return execStmt(ctx, q, "deleting mapping",
		`DELETE FROM connector_mappings WHERE object = ? AND property = ?`, string(o), property)
}

// writeSeed fills a freshly created schema with d.
func writeSeed(ctx context.Context, q querier, d seedData) error {
	if err := execStmt(ctx, q, "writing meta", `INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)`,
		metaSchemaVersion, strconv.Itoa(SchemaVersion), metaApplication, applicationName); err != nil {
		return err
	}
	for _, o := range sf.Objects() {
		if err := setSync(ctx, q, o, d.Sync[o]); err != nil {
			return err
		}
	}
	for _, so := range d.SObjects {
		if err := execStmt(ctx, q, "writing Salesforce object",
			`INSERT INTO salesforce_objects (name, label, key_prefix, custom) VALUES (?, ?, ?, ?)`,
			so.Name, so.Label, so.KeyPrefix, b2i(so.Custom)); err != nil {
			return err
		}
		for _, f := range so.Fields {
			if err := execStmt(ctx, q, "writing Salesforce field",
				`INSERT INTO salesforce_fields (sobject, name, label, type, reference_to, picklist, restricted, calculated, custom)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				so.Name, f.Name, f.Label, string(f.Type), marshalList(f.ReferenceTo), marshalList(f.Picklist),
				b2i(f.Restricted), b2i(f.Calculated), b2i(f.Custom)); err != nil {
				return err
			}
		}
	}
	for _, u := range d.Users {
		if err := execStmt(ctx, q, "writing user",
			`INSERT INTO salesforce_users (id, first_name, last_name, email, user_type, active) VALUES (?, ?, ?, ?, ?, ?)`,
			string(u.ID), u.FirstName, u.LastName, u.Email, u.UserType, b2i(u.Active)); err != nil {
			return err
		}
	}
	for _, qu := range d.Queues {
		if err := execStmt(ctx, q, "writing queue", `INSERT INTO salesforce_queues (id, name) VALUES (?, ?)`,
			string(qu.ID), qu.Name); err != nil {
			return err
		}
	}
	for _, o := range d.Owners {
		if err := execStmt(ctx, q, "writing owner",
			`INSERT INTO hubspot_owners (id, first_name, last_name, email) VALUES (?, ?, ?, ?)`,
			o.ID, o.FirstName, o.LastName, o.Email); err != nil {
			return err
		}
	}
	for _, p := range d.Properties {
		if err := insertProperty(ctx, q, p); err != nil {
			return err
		}
	}
	for _, m := range d.Mappings {
		if err := insertMapping(ctx, q, m); err != nil {
			return err
		}
	}
	return nil
}
