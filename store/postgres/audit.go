package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// auditLock is the advisory lock every write that appends to the audit log
// holds for its whole transaction. PostgreSQL has many writers (processes
// and connections): the lock makes them take turns at the log's head, so
// each entry is sealed after the entry committed before it and the hash
// chain stays one line. It also serialises the ids the audited tables
// take (max + 1), and the read-compare-write of optimistic versions.
var auditLock = lockKey("audit log")

const auditInsert = `INSERT INTO audit_log (seq, changed_at, actor, action, object, before_json, after_json, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`

// withAudit runs fn in one transaction (withTx) holding auditLock: fn makes
// its change, given the Seq and time its entry will have, and returns the
// entry describing it, which is sealed after the log's last entry and
// appended before the commit. A change is never stored without its entry
// nor an entry without its change.
func (s *Store) withAudit(ctx context.Context, fn func(tx pgx.Tx, seq int64, at time.Time) (audit.Entry, error)) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		prev, err := s.lockAuditHead(ctx, tx)
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
		return s.appendAudit(ctx, tx, e)
	})
}

// lockAuditHead takes auditLock and returns the log's last entry (nil when
// the log is empty).
func (s *Store) lockAuditHead(ctx context.Context, tx pgx.Tx) (*audit.Entry, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, auditLock); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to take the audit log's lock")
	}
	var e audit.Entry
	err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the audit log")
	}
	return &e, nil
}

// appendAudit inserts a sealed entry.
func (s *Store) appendAudit(ctx context.Context, tx pgx.Tx, e audit.Entry) error {
	_, err := tx.Exec(ctx, auditInsert, e.Seq, e.At, e.Actor, e.Action, e.Object, rawText(e.Before), rawText(e.After), e.PrevHash, e.Hash)
	return s.errorf(budget.EINTERNAL, err, "unable to append to the audit log")
}

// rawText is JSON as stored: text exactly as written, "null" for none.
func rawText(r json.RawMessage) string {
	if len(r) == 0 {
		return "null"
	}
	return string(r)
}

// AuditLog lists audit entries, oldest first.
func (s *Store) AuditLog(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	q := `SELECT seq, changed_at, actor, action, object, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq > $1`
	args := []any{f.AfterSeq}
	if f.Object != "" {
		q += ` AND object = $2`
		args = append(args, f.Object)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the audit log")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (audit.Entry, error) {
		var e audit.Entry
		var before, after string
		err := row.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Object, &before, &after, &e.PrevHash, &e.Hash)
		e.At, e.Before, e.After = e.At.UTC(), json.RawMessage(before), json.RawMessage(after)
		return e, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the audit log")
	}
	return out, nil
}

// AuditClaimed is the highest audit entry a stored object names.
func (s *Store) AuditClaimed(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT greatest(
		(SELECT coalesce(max(audit_seq), 0) FROM assessments),
		(SELECT coalesce(max(audit_seq), 0) FROM users),
		(SELECT coalesce(max(audit_seq), 0) FROM assessment_locks),
		(SELECT coalesce(max(audit_seq), 0) FROM assessment_files))`).Scan(&n)
	if err != nil {
		return 0, s.errorf(budget.EINTERNAL, err, "unable to read the audit claims")
	}
	return n, nil
}
