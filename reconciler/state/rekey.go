package state

import (
	"context"
	"fmt"
)

// Rekey moves everything the database holds of the connection named from
// to the name to: its journalled back-fills, the values applied to it, its
// history and its lock (unless to has a lock of its own), in one
// transaction. An applied value to has already wins over from's. It
// reports how many rows moved; when from has none it only reads.
//
// It is the upgrade of a database written when connections were named by
// how they were reached (a sandbox file's path, the configured portal
// alone) to their identity, so their history, applied values and
// outstanding back-fills carry on.
func (s *DB) Rekey(ctx context.Context, from, to string) (int, error) {
	if from == to {
		return 0, nil
	}
	fail := func(err error) (int, error) {
		return 0, fmt.Errorf("moving the records of %s to %s in the state database %s: %w", from, to, s.where, err)
	}
	var found bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM backfills WHERE connection = $1)
		OR EXISTS (SELECT 1 FROM applied WHERE connection = $1) OR EXISTS (SELECT 1 FROM history WHERE connection = $1)
		OR EXISTS (SELECT 1 FROM locks WHERE connection = $1)`, from).Scan(&found); err != nil {
		return fail(err)
	}
	if !found {
		return 0, nil
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	moved := 0
	for _, stmt := range []string{
		`DELETE FROM applied WHERE connection = $1 AND address IN (SELECT address FROM applied WHERE connection = $2)`,
		`UPDATE applied SET connection = $2 WHERE connection = $1`,
		`UPDATE backfills SET connection = $2 WHERE connection = $1`,
		`UPDATE history SET connection = $2 WHERE connection = $1`,
		`UPDATE locks SET connection = $2 WHERE connection = $1 AND NOT EXISTS (SELECT 1 FROM locks WHERE connection = $2)`,
	} {
		res, err := tx.ExecContext(ctx, stmt, from, to)
		if err != nil {
			return fail(err)
		}
		if n, err := res.RowsAffected(); err == nil && stmt[0] == 'U' {
			moved += int(n)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return moved, nil
}
