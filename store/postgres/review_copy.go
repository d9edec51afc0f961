package postgres

import (
	"context"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// ReviewRecords reads the review's records for a copy (store.ReviewExporter).
func (s *Store) ReviewRecords(ctx context.Context) (store.ReviewRecords, error) {
	var r store.ReviewRecords
	var err error
	if r.Audit, err = s.AuditLog(ctx, store.AuditFilter{}); err != nil {
		return r, err
	}
	if r.Assessments, err = s.Assessments(ctx, assess.Filter{}); err != nil {
		return r, err
	}
	rows, err := s.pool.Query(ctx, `SELECT name, role, department, password_hash, subject, disabled, created_at, audit_seq FROM users ORDER BY name`+byteOrder)
	if err == nil {
		r.Users, err = collect(rows, func(row pgx.CollectableRow) (store.UserRecord, error) {
			var u store.UserRecord
			err := row.Scan(&u.Name, &u.Role, &u.Department, &u.PasswordHash, &u.Subject, &u.Disabled, &u.Created, &u.AuditSeq)
			u.Created = u.Created.UTC()
			return u, err
		})
	}
	if err != nil {
		return r, s.errorf(budget.EINTERNAL, err, "unable to read users")
	}
	rows, err = s.pool.Query(ctx, `SELECT jurisdiction, fy_start, phase, actor, locked_at, audit_seq FROM assessment_locks
		ORDER BY jurisdiction`+byteOrder+`, fy_start, phase`+byteOrder)
	if err == nil {
		r.Locks, err = collect(rows, func(row pgx.CollectableRow) (store.LockRecord, error) {
			var l store.LockRecord
			var ph string
			err := row.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &ph, &l.By, &l.At, &l.AuditSeq)
			l.FiscalYear.StartMonth, l.Phase, l.At = 7, budget.Phase(ph), l.At.UTC()
			return l, err
		})
	}
	if err != nil {
		return r, s.errorf(budget.EINTERNAL, err, "unable to read phase locks")
	}
	rows, err = s.pool.Query(ctx, `SELECT `+fileCols+`, data, audit_seq FROM assessment_files ORDER BY id`)
	if err == nil {
		r.Files, err = collect(rows, func(row pgx.CollectableRow) (store.FileRecord, error) {
			var f store.FileRecord
			err := scanFile(row, &f.File, &f.Data, &f.AuditSeq)
			return f, err
		})
	}
	if err != nil {
		return r, s.errorf(budget.EINTERNAL, err, "unable to read evidence")
	}
	return r, nil
}

// RestoreReview writes a copy's review records as they were read
// (store.ReviewRestorer), in one transaction holding the audit log's lock.
func (s *Store) RestoreReview(ctx context.Context, r store.ReviewRecords) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if _, err := s.lockAuditHead(ctx, tx); err != nil {
			return err
		}
		var auditRows, userRows, assessRows, lockRows, fileRows [][]any
		for _, e := range r.Audit {
			auditRows = append(auditRows, []any{e.Seq, e.At.UTC(), e.Actor, e.Action, e.Object, rawText(e.Before), rawText(e.After), e.PrevHash, e.Hash})
		}
		for _, u := range r.Users {
			if err := checkUser(u.User); err != nil {
				return err
			}
			userRows = append(userRows, []any{u.Name, string(u.Role), u.Department, u.PasswordHash, u.Subject, u.Disabled, u.Created.UTC(), u.AuditSeq})
		}
		for i := range r.Assessments {
			args, err := assessArgs(&r.Assessments[i])
			if err != nil {
				return err
			}
			assessRows = append(assessRows, args)
		}
		for _, l := range r.Locks {
			lockRows = append(lockRows, []any{l.Jurisdiction, l.FiscalYear.Start, string(l.Phase), l.By, l.At.UTC(), l.AuditSeq})
		}
		for _, f := range r.Files {
			fileRows = append(fileRows, []any{f.ID, f.Assessment, f.Name, f.Type, f.Size, f.SHA256, f.By, f.At.UTC(), f.Data, f.AuditSeq})
		}
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"audit_log", []string{"seq", "changed_at", "actor", "action", "object", "before_json", "after_json", "prev_hash", "hash"}, auditRows},
			{"users", []string{"name", "role", "department", "password_hash", "subject", "disabled", "created_at", "audit_seq"}, userRows},
			{"assessments", assessColumns, assessRows},
			{"assessment_locks", []string{"jurisdiction", "fy_start", "phase", "actor", "locked_at", "audit_seq"}, lockRows},
			{"assessment_files", []string{"id", "assessment_id", "name", "media_type", "size", "sha256", "actor", "added_at", "data", "audit_seq"}, fileRows},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return s.errorf(budget.EINTERNAL, err, "unable to restore %s", t.table)
			}
		}
		return nil
	})
}
