package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/store"
)

// withAudit runs fn in one transaction with the audit log held: fn makes
// its change and returns the entry describing it, which is sealed after
// the log's last entry and appended before the commit. The entry's Seq is
// passed back through seq for fn's own rows (set before fn's rows are
// written: fn receives it as an argument). Writers are serialised by
// auditMu, so two entries never claim the same predecessor.
func (s *Store) withAudit(ctx context.Context, fn func(tx *sql.Tx, seq int64, at time.Time) (audit.Entry, error)) (int64, error) {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	var seq int64
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		prev, err := lastAudit(ctx, tx)
		if err != nil {
			return err
		}
		next := int64(1)
		if prev != nil {
			next = prev.Seq + 1
		}
		at := time.Now().UTC().Truncate(time.Microsecond)
		e, err := fn(tx, next, at)
		if err != nil {
			return err
		}
		e.At = at
		audit.Seal(&e, prev)
		seq = e.Seq
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, changed_at, actor, action, object, before_json, after_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`,
			e.Seq, e.At, e.Actor, e.Action, e.Object, rawText(e.Before), rawText(e.After), e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("store: unable to append to the audit log: %w", err)
		}
		return nil
	})
	return seq, err
}

func rawText(r json.RawMessage) string {
	if len(r) == 0 {
		return "null"
	}
	return string(r)
}

func lastAudit(ctx context.Context, tx *sql.Tx) (*audit.Entry, error) {
	var e audit.Entry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the audit log: %w", err)
	}
	return &e, nil
}

// AuditLog lists audit entries, oldest first.
func (s *Store) AuditLog(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	q := `SELECT seq, changed_at, actor, action, object, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq > ?`
	args := []any{f.AfterSeq}
	if f.Object != "" {
		q += ` AND object = ?`
		args = append(args, f.Object)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the audit log: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var before, after string
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Object, &before, &after, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("store: unable to read the audit log: %w", err)
		}
		e.At, e.Before, e.After = e.At.UTC(), json.RawMessage(before), json.RawMessage(after)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditClaimed is the highest audit entry a stored object names.
func (s *Store) AuditClaimed(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT greatest(
		(SELECT coalesce(max(audit_seq), 0) FROM assessments),
		(SELECT coalesce(max(audit_seq), 0) FROM users),
		(SELECT coalesce(max(audit_seq), 0) FROM assessment_locks),
		(SELECT coalesce(max(audit_seq), 0) FROM assessment_files))`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unable to read the audit claims: %w", err)
	}
	return n, nil
}
