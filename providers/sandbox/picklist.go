package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	sf "github.com/syncform/syncform"
)

// AddPicklistValue adds an active value to a picklist field, as a Salesforce
// admin would; adding a value the picklist has makes it active.
func (s *Sandbox) AddPicklistValue(ctx context.Context, sobject, field, value, label string) error {
	return s.write(ctx, "adding a picklist value", func(tx *sql.Tx) (bool, error) {
		var raw, typ string
		err := tx.QueryRowContext(ctx, `SELECT picklist, type FROM salesforce_fields WHERE sobject = ? AND name = ?`, sobject, field).Scan(&raw, &typ)
		if err == sql.ErrNoRows {
			return false, fmt.Errorf("%s.%s: %w", sobject, field, sf.ErrNotFound)
		}
		if err != nil {
			return false, storeErr("adding a picklist value", err)
		}
		if typ != string(sf.SFPicklist) && typ != string(sf.SFMultiPicklist) {
			return false, sf.Rejectf("%s.%s is a %s field, not a picklist", sobject, field, typ)
		}
		var values []sf.PicklistValue
		if err := json.Unmarshal([]byte(raw), &values); err != nil {
			return false, fmt.Errorf("sandbox: %s.%s picklist: %w", sobject, field, err)
		}
		found := false
		for i := range values {
			if values[i].Value == value {
				values[i].Active, found = true, true
			}
		}
		if !found {
			values = append(values, sf.PicklistValue{Value: value, Label: label, Active: true})
		}
		b, _ := json.Marshal(values)
		_, err = tx.ExecContext(ctx, `UPDATE salesforce_fields SET picklist = ? WHERE sobject = ? AND name = ?`, string(b), sobject, field)
		return err == nil, storeErr("adding a picklist value", err)
	})
}
