package sandbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	sf "github.com/syncform/syncform"
)

// SetMappingLimit sets the most field mappings one object may hold: n
// above the connector's documented 500 lets a sandbox measure how syncform
// scales past it; 0 restores the connector's limit. No real portal has
// another limit.
func (s *Sandbox) SetMappingLimit(ctx context.Context, n int) error {
	if n < 0 || n > 1_000_000 {
		return fmt.Errorf("sandbox: a mapping limit of %d: want 0 (the connector's) to 1,000,000", n)
	}
	return s.write(ctx, "setting the mapping limit", func(tx *sql.Tx) (bool, error) {
		if n == 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, metaMappingLimit)
			return err == nil, err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaMappingLimit, strconv.Itoa(n))
		return err == nil, err
	})
}

// CustomFieldName is the API name of the i-th generated custom field (1-based).
func CustomFieldName(i int) string { return fmt.Sprintf("Extra_%03d__c", i) }

// AddCustomFields adds n text custom fields, CustomFieldName(1) to
// CustomFieldName(n), to every Salesforce object the connector syncs, as a
// Salesforce admin would before mapping them: syncform itself never creates
// Salesforce fields. Fields that exist are kept, so it can be run again.
func (s *Sandbox) AddCustomFields(ctx context.Context, n int) error {
	if n < 0 || n > 9999 {
		return fmt.Errorf("sandbox: %d custom fields: want 0 to 9999", n)
	}
	return s.write(ctx, "adding custom fields", func(tx *sql.Tx) (bool, error) {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO salesforce_fields (sobject, name, label, type, custom) VALUES (?, ?, ?, ?, 1)`)
		if err != nil {
			return false, err
		}
		defer stmt.Close()
		for _, o := range sf.Objects() {
			for _, so := range o.SalesforceObjects() {
				for i := 1; i <= n; i++ {
					if _, err := stmt.ExecContext(ctx, so, CustomFieldName(i), fmt.Sprintf("Extra %d", i), string(sf.SFString)); err != nil {
						return false, err
					}
				}
			}
		}
		return n > 0, nil
	})
}
