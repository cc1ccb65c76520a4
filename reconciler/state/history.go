package state

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Outcomes of a run in the history.
const (
	OutcomeRunning     = "running"
	OutcomeSucceeded   = "succeeded"
	OutcomeFailed      = "failed"
	OutcomeInterrupted = "interrupted"
	OutcomeCrashed     = "crashed"   // its lock expired while it ran
	OutcomeAbandoned   = "abandoned" // its lock was force-unlocked while it ran
)

// Run is one apply in the history.
type Run struct {
	ID           int64     `json:"id"`
	Connection   string    `json:"connection"`
	LockID       string    `json:"lock_id,omitempty"`
	Operation    string    `json:"operation"`
	Who          string    `json:"who"`
	Host         string    `json:"host"`
	PID          int       `json:"pid"`
	ConfigDigest string    `json:"config_digest"`
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished,omitzero"`
	// Changes and Backfills count what the run did, as it did it: the
	// changes applied and the back-fills it finished (their last batch);
	// Actions are their addresses in order, and each batch of a back-fill
	// of several ("<address> batch 2/5"). A run that crashed keeps what it
	// did before it stopped.
	Changes   int      `json:"changes"`
	Backfills int      `json:"backfills"`
	Actions   []string `json:"actions"`
	Outcome   string   `json:"outcome"`
	Error     string   `json:"error,omitempty"`
}

// BeginRun records a run as running and returns its ID.
func (s *DB) BeginRun(ctx context.Context, connection, lockID, configDigest string, h Holder) (int64, error) {
	now, err := s.clock(ctx, s.db)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := s.db.QueryRowContext(ctx, `INSERT INTO history (connection, lock_id, operation, who, host, pid, config_digest, started_at, outcome)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, connection, lockID, h.Operation, h.Who, h.Host, h.PID, configDigest, now.UnixMilli(), OutcomeRunning).Scan(&id); err != nil {
		return 0, fmt.Errorf("recording the apply in the history: %w", s.busy(err))
	}
	return id, nil
}

// EndRun records how run id ended. What it did was credited to it as it
// happened (RecordApplied, Finished). A run another process ended already
// (abandoned by force-unlock, crashed when its lock was taken over) keeps
// that outcome: it is how the run lost its lock, which the holder's own
// ending, a failure to write, would hide.
func (s *DB) EndRun(ctx context.Context, id int64, outcome string, runErr error) error {
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	now, err := s.clock(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `UPDATE history SET finished_at = $1, outcome = $2, error = $3 WHERE id = $4 AND outcome = $5`,
		now.UnixMilli(), outcome, msg, id, OutcomeRunning)
	if err != nil {
		return fmt.Errorf("recording the end of the apply in the history: %w", s.busy(err))
	}
	return nil
}

// credit adds to run's history entry (none when run is 0), in the caller's
// transaction: the changes it applied, the back-fills it finished, and
// their actions. Only the run itself writes these columns, one transaction
// at a time, so reading the actions and writing them back loses nothing.
func credit(ctx context.Context, tx querier, run int64, changes, backfills int, actions []string) error {
	if run == 0 {
		return nil
	}
	var list string
	if err := tx.QueryRowContext(ctx, `SELECT actions FROM history WHERE id = $1`, run).Scan(&list); err != nil {
		return fmt.Errorf("crediting run %d in the history: %w", run, err)
	}
	var all []string
	if err := json.Unmarshal([]byte(list), &all); err != nil {
		return fmt.Errorf("%w: history entry %d: %v", ErrCorrupt, run, err)
	}
	b, err := json.Marshal(append(all, actions...))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE history SET changes = changes + $1, backfills = backfills + $2, actions = $3 WHERE id = $4`,
		changes, backfills, string(b), run); err != nil {
		return fmt.Errorf("crediting run %d in the history: %w", run, err)
	}
	return nil
}

// History lists a connection's runs, newest first, at most limit of them
// (0: all).
func (s *DB) History(ctx context.Context, connection string, limit int) ([]Run, error) {
	q, args := `SELECT id, connection, lock_id, operation, who, host, pid, config_digest, started_at, finished_at,
		changes, backfills, actions, outcome, error FROM history WHERE connection = $1 ORDER BY id DESC`, []any{connection}
	if limit > 0 {
		q, args = q+` LIMIT $2`, append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the history: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var started, finished int64
		var actions string
		if err := rows.Scan(&r.ID, &r.Connection, &r.LockID, &r.Operation, &r.Who, &r.Host, &r.PID, &r.ConfigDigest,
			&started, &finished, &r.Changes, &r.Backfills, &actions, &r.Outcome, &r.Error); err != nil {
			return nil, err
		}
		r.Started = time.UnixMilli(started).UTC()
		if finished > 0 {
			r.Finished = time.UnixMilli(finished).UTC()
		}
		if err := json.Unmarshal([]byte(actions), &r.Actions); err != nil {
			return nil, fmt.Errorf("%w: history entry %d: %v", ErrCorrupt, r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
