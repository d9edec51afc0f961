package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
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
	err = s.queryEach(ctx, `SELECT name, role, department, password_hash, subject, disabled, created_at, audit_seq FROM users ORDER BY name`, func(rows *sql.Rows) error {
		var u store.UserRecord
		if err := rows.Scan(&u.Name, &u.Role, &u.Department, &u.PasswordHash, &u.Subject, &u.Disabled, &u.Created, &u.AuditSeq); err != nil {
			return err
		}
		u.Created = u.Created.UTC()
		r.Users = append(r.Users, u)
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("store: unable to read users: %w", err)
	}
	err = s.queryEach(ctx, `SELECT jurisdiction, fy_start, phase, actor, locked_at, audit_seq FROM assessment_locks ORDER BY jurisdiction, fy_start, phase`, func(rows *sql.Rows) error {
		var l store.LockRecord
		var ph string
		if err := rows.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &ph, &l.By, &l.At, &l.AuditSeq); err != nil {
			return err
		}
		l.FiscalYear.StartMonth, l.Phase, l.At = 7, budget.Phase(ph), l.At.UTC()
		r.Locks = append(r.Locks, l)
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("store: unable to read phase locks: %w", err)
	}
	err = s.queryEach(ctx, `SELECT `+fileCols+`, data, audit_seq FROM assessment_files ORDER BY id`, func(rows *sql.Rows) error {
		var f store.FileRecord
		if err := rows.Scan(&f.ID, &f.Assessment, &f.Name, &f.Type, &f.Size, &f.SHA256, &f.By, &f.At, &f.Data, &f.AuditSeq); err != nil {
			return err
		}
		f.At = f.At.UTC()
		r.Files = append(r.Files, f)
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("store: unable to read evidence: %w", err)
	}
	return r, nil
}

// queryEach runs q and calls fn for each row.
func (s *Store) queryEach(ctx context.Context, q string, fn func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RestoreReview writes a copy's review records as they were read
// (store.ReviewRestorer), in one transaction with the audit log held.
func (s *Store) RestoreReview(ctx context.Context, r store.ReviewRecords) error {
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		var auditRows, userRows, assessRows, lockRows, fileRows [][]any
		for _, e := range r.Audit {
			auditRows = append(auditRows, []any{e.Seq, e.At.UTC(), e.Actor, e.Action, e.Object, rawText(e.Before), rawText(e.After), e.PrevHash, e.Hash})
		}
		for _, u := range r.Users {
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
			fileRows = append(fileRows, []any{f.ID, f.Assessment, f.Name, f.Type, f.Size, f.SHA256, f.Data, f.By, f.At.UTC(), f.AuditSeq})
		}
		for _, t := range []struct {
			head string
			rows [][]any
		}{
			{`INSERT INTO audit_log (seq, changed_at, actor, action, object, before_json, after_json, prev_hash, hash) VALUES `, auditRows},
			{`INSERT INTO users (name, role, department, password_hash, subject, disabled, created_at, audit_seq) VALUES `, userRows},
			{`INSERT INTO assessments (` + assessCols + `) VALUES `, assessRows},
			{`INSERT INTO assessment_locks (jurisdiction, fy_start, phase, actor, locked_at, audit_seq) VALUES `, lockRows},
			{`INSERT INTO assessment_files (id, assessment_id, name, media_type, size, sha256, data, actor, added_at, audit_seq) VALUES `, fileRows},
		} {
			if err := insertRows(ctx, tx, t.head, t.rows); err != nil {
				return fmt.Errorf("store: unable to restore the review: %w", err)
			}
		}
		return nil
	})
}
