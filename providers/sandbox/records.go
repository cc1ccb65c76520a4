package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	sf "github.com/syncform/syncform"
)

// Pair is one linked record pair: a HubSpot record and the Salesforce record
// the connector links it to, with each side's values. HubSpot values are keyed
// by property, Salesforce values by the field's name on SObject (a contact
// linked to a Contact holds MailingStreet, not Street). A field a side does
// not hold is absent; a cleared one is present, empty, with its time.
type Pair struct {
	HubSpotID    int64
	SObject      string
	SalesforceID sf.SalesforceID
	HubSpot      map[string]sf.FieldValue
	Salesforce   map[string]sf.FieldValue
}

// Pairs calls fn with every linked pair of o, in HubSpot record ID order, from
// one consistent read. It stops at fn's first error and returns it. fn must
// not write to the sandbox (the read holds a transaction open).
func (s *Sandbox) Pairs(ctx context.Context, o sf.Object, fn func(Pair) error) error {
	if _, err := sf.ParseObject(string(o)); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return s.read(ctx, "reading records", func(tx *sql.Tx) error {
		var p pairRow
		var fnErr error
		err := eachRow(ctx, tx, `SELECT `+pairColumns+` FROM `+recordTable(o)+` l ORDER BY l.hubspot_id`, nil,
			func(r *sql.Rows) error {
				if err := scanPair(r, &p); err != nil {
					return err
				}
				fnErr = fn(Pair{HubSpotID: p.id, SObject: p.sobject, SalesforceID: sf.SalesforceID(p.sfID),
					HubSpot: p.hs.toMap(), Salesforce: p.sf.toMap()})
				return fnErr
			})
		if fnErr != nil {
			return fnErr
		}
		return storeErr("reading records", err)
	})
}

// linkedObject is the HubSpot object whose pairs hold sobject's records.
func linkedObject(sobject string) (sf.Object, bool) {
	for _, o := range sf.Objects() {
		if slices.Contains(o.SalesforceObjects(), sobject) {
			return o, true
		}
	}
	return "", false
}

// recordsChunk bounds the IDs one lookup query carries.
const recordsChunk = 500

// Records looks up the records among ids in the Salesforce object sobject,
// with the named fields ("Id" included), as a SOQL query by ID would: IDs are
// compared by their first 15 characters (SalesforceID.Equal), so 15- and
// 18-character forms both find a record; IDs that match no record are left
// out; each record appears once, in the order of ids, with its 18-character
// ID. An empty field is "". An unknown object or field is rejected, as
// Salesforce rejects the query.
func (s *Sandbox) Records(ctx context.Context, sobject string, ids []sf.SalesforceID, fieldNames []string) ([]sf.SalesforceRecord, error) {
	var out []sf.SalesforceRecord
	err := s.read(ctx, "reading records", func(tx *sql.Tx) error {
		live, err := s.settings(ctx, tx)
		if err != nil {
			return err
		}
		so, ok := live.SObjects[sobject]
		if !ok {
			return sf.Rejectf("sObject type %q is not supported", sobject)
		}
		for _, f := range fieldNames {
			if _, ok := so.Field(f); !ok {
				return sf.Rejectf("no such column %q on entity %q", f, sobject)
			}
		}
		query := `SELECT id, fields FROM salesforce_records WHERE sobject = ? AND substr(id, 1, 15) IN (SELECT value FROM json_each(?))`
		if o, ok := linkedObject(sobject); ok {
			query = `SELECT salesforce_id, salesforce FROM ` + recordTable(o) +
				` WHERE sobject = ? AND substr(salesforce_id, 1, 15) IN (SELECT value FROM json_each(?))`
		}
		var keys []string
		seen := map[string]bool{}
		for _, id := range ids {
			if k := id.Short(); len(k) == 15 && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		found := map[string]sf.SalesforceRecord{}
		for start := 0; start < len(keys); start += recordsChunk {
			chunk := keys[start:min(len(keys), start+recordsChunk)]
			var vals fields
			err := eachRow(ctx, tx, query, []any{sobject, stringList(chunk)}, func(r *sql.Rows) error {
				var id, raw string
				if err := r.Scan(&id, &raw); err != nil {
					return err
				}
				var err error
				if vals, err = decodeSide(vals, raw); err != nil {
					return fmt.Errorf("record %s: %w", id, err)
				}
				rec := sf.SalesforceRecord{ID: sf.SalesforceID(id), Fields: make(map[string]string, len(fieldNames))}
				for _, f := range fieldNames {
					if f == "Id" {
						rec.Fields[f] = id
					} else {
						rec.Fields[f] = vals.get(f).V
					}
				}
				found[rec.ID.Short()] = rec
				return nil
			})
			if err != nil {
				return storeErr("reading records", err)
			}
		}
		for _, k := range keys {
			if rec, ok := found[k]; ok {
				out = append(out, rec)
			}
		}
		return nil
	})
	return out, err
}

// Edit changes one value of a linked pair on one side (SideHubSpot: a
// property; SideSalesforce: a field of the pair's Salesforce object, where a
// contacts mapping's address field names the Contact's Mailing* field), as a
// person editing the record in that system would: the value is checked as
// that system checks it, and takes a logical time later than every other. An
// empty value clears the field. Setting the value a field already holds
// changes nothing. Edits do not sync; only back-fill jobs move values.
func (s *Sandbox) Edit(ctx context.Context, o sf.Object, hubspotID int64, side, field, value string) error {
	if _, err := sf.ParseObject(string(o)); err != nil {
		return sf.Rejectf("edit: unknown object %q", o)
	}
	addr := fmt.Sprintf("%s %d %s.%s", o, hubspotID, side, field)
	return s.write(ctx, "editing "+addr, func(tx *sql.Tx) (bool, error) {
		live, err := s.settings(ctx, tx)
		if err != nil {
			return false, err
		}
		var p pairRow
		found := false
		err = eachRow(ctx, tx, `SELECT `+pairColumns+` FROM `+recordTable(o)+` l WHERE l.hubspot_id = ?`,
			[]any{hubspotID}, func(r *sql.Rows) error {
				found = true
				return scanPair(r, &p)
			})
		if err != nil {
			return false, storeErr("reading record", err)
		}
		if !found {
			return false, fmt.Errorf("edit %s: %w: no such record", addr, sf.ErrNotFound)
		}
		var vals *fields
		switch side {
		case SideHubSpot:
			prop, ok := live.Property(o, field)
			if !ok {
				return false, sf.Rejectf("edit %s: %s has no property %q", addr, o, field)
			}
			if err := checkHubSpotValue(live, prop, value); err != nil {
				return false, sf.Rejectf("edit %s: %v", addr, err)
			}
			vals = &p.hs
		case SideSalesforce:
			if o == sf.Contacts {
				field = sf.FieldOn(p.sobject, field)
			}
			f, ok := live.SObjects[p.sobject].Field(field)
			if !ok {
				return false, sf.Rejectf("edit %s: %s has no field %q", addr, p.sobject, field)
			}
			if value, err = checkSalesforceValue(live, f, value); err != nil {
				return false, sf.Rejectf("edit %s: %v", addr, err)
			}
			vals = &p.sf
		default:
			return false, sf.Rejectf("edit %s: side %q; want %q or %q", addr, side, SideHubSpot, SideSalesforce)
		}
		if vals.get(field).V == value {
			return false, nil
		}
		at, err := tick(ctx, tx)
		if err != nil {
			return false, err
		}
		vals.set(field, sf.FieldValue{V: value, At: at})
		return true, execStmt(ctx, tx, "editing record",
			`UPDATE `+recordTable(o)+` SET owner = ?, hubspot = ?, salesforce = ? WHERE hubspot_id = ?`,
			p.hs.get(sf.OwnerProperty).V, string(encodeSide(nil, p.hs)), string(encodeSide(nil, p.sf)), p.id)
	})
}

// tick advances the logical clock and returns the new time.
func tick(ctx context.Context, q querier) (int64, error) {
	var at int64
	err := eachRow(ctx, q, `INSERT INTO meta (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value`, []any{metaClock},
		func(r *sql.Rows) error { return r.Scan(&at) })
	return at, storeErr("advancing the clock", err)
}

// checkHubSpotValue checks a value as HubSpot's API does for the property.
func checkHubSpotValue(live *sf.Snapshot, p sf.Property, v string) error {
	if v == "" {
		return nil
	}
	if p.OwnerReference {
		for _, o := range live.Owners {
			if o.ID == v {
				return nil
			}
		}
		return fmt.Errorf("%q is not a HubSpot owner", v)
	}
	switch p.Type {
	case sf.Number:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
	case sf.Checkbox:
		if v != "true" && v != "false" {
			return fmt.Errorf("%q is not true or false", v)
		}
	case sf.Date:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
	case sf.Dropdown, sf.Radio, sf.Checkboxes:
		parts := []string{v}
		if p.Type == sf.Checkboxes {
			parts = strings.Split(v, ";")
		}
		for _, part := range parts {
			if !slices.ContainsFunc(p.Options, func(o sf.Option) bool { return o.Value == part }) {
				return fmt.Errorf("%q is not an option of %s", part, p.Name)
			}
		}
	}
	return nil
}

// checkSalesforceValue checks a value as Salesforce does for the field, and
// returns it as Salesforce stores it (a reference as its 18-character ID).
func checkSalesforceValue(live *sf.Snapshot, f sf.SalesforceField, v string) (string, error) {
	if f.Type == sf.SFID || f.Calculated {
		return "", fmt.Errorf("%s is read only", f.Name)
	}
	if v == "" {
		if f.Name == sf.OwnerField {
			return "", fmt.Errorf("a record must have an owner")
		}
		return v, nil
	}
	switch f.Type {
	case sf.SFDouble, sf.SFCurrency, sf.SFPercent:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "", fmt.Errorf("%q is not a number", v)
		}
	case sf.SFInt:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "", fmt.Errorf("%q is not a whole number", v)
		}
	case sf.SFBoolean:
		if v != "true" && v != "false" {
			return "", fmt.Errorf("%q is not true or false", v)
		}
	case sf.SFDate:
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
	case sf.SFDatetime:
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			return "", fmt.Errorf("%q is not a date and time (RFC 3339)", v)
		}
	case sf.SFPicklist, sf.SFMultiPicklist:
		if !f.Restricted {
			break
		}
		parts := []string{v}
		if f.Type == sf.SFMultiPicklist {
			parts = strings.Split(v, ";")
		}
		for _, part := range parts {
			if !slices.ContainsFunc(f.Picklist, func(p sf.PicklistValue) bool { return p.Value == part && p.Active }) {
				return "", fmt.Errorf("bad value for restricted picklist field %s: %q", f.Name, part)
			}
		}
	case sf.SFReference:
		id, err := sf.ParseSalesforceID(v)
		if err != nil {
			return "", err
		}
		if !slices.ContainsFunc(f.ReferenceTo, func(to string) bool { return keyPrefix(live, to) == id.KeyPrefix() }) {
			return "", fmt.Errorf("%s is not the ID of a %s record", id, strings.Join(f.ReferenceTo, " or "))
		}
		return string(id), nil
	}
	return v, nil
}

// keyPrefix is the ID prefix of a Salesforce object: described ones from
// their describe, User and Group (owners) by their fixed prefixes.
func keyPrefix(live *sf.Snapshot, sobject string) string {
	switch sobject {
	case "User":
		return sf.PrefixUser
	case "Group":
		return sf.PrefixGroup
	}
	return live.SObjects[sobject].KeyPrefix
}
