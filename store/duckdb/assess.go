package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

const assessCols = `id, jurisdiction, fy_start, phase, request_key, dept_code, dept_name, prog_code, prog_name, description, category,
	amount_cents, template, template_version, status, decision, due, reviewers_json, answers_json, reviews_json, comments_json,
	version, audit_seq, created_at, updated_at`

// assessSelect are the columns an assessment is read with (store.AssessmentRow's
// Targets): assessCols and the start month of the jurisdiction's fiscal year
// (July when the jurisdiction is not stored), for the fiscal year's label.
const assessSelect = assessCols + `, coalesce((SELECT j.start_month FROM budget_jurisdictions j WHERE j.id = assessments.jurisdiction), 7)`

func assessArgs(a *assess.Assessment) ([]any, error) {
	js := make([]string, 4)
	for i, v := range []any{nonNil(a.Reviewers), a.Answers, nonNilReviews(a.Reviews), nonNilComments(a.Comments)} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("store: assessment %d: %w", a.ID, err)
		}
		js[i] = string(b)
	}
	if js[1] == "null" {
		js[1] = "{}"
	}
	return []any{a.ID, a.Jurisdiction, a.FYStart, string(a.Phase), a.RequestKey, a.Department.Code, a.Department.Name, a.Program.Code, a.Program.Name,
		a.Description, a.Category, a.AmountCents, a.Template, a.TemplateVersion, string(a.Status), string(a.Decision), a.Due,
		js[0], js[1], js[2], js[3], a.Version, a.AuditSeq, a.Created, a.Updated}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
func nonNilReviews(s []assess.Review) []assess.Review {
	if s == nil {
		return []assess.Review{}
	}
	return s
}
func nonNilComments(s []assess.Comment) []assess.Comment {
	if s == nil {
		return []assess.Comment{}
	}
	return s
}

func scanAssessment(r rowScanner) (assess.Assessment, error) {
	var row store.AssessmentRow
	if err := r.Scan(row.Targets()...); err != nil {
		return assess.Assessment{}, err
	}
	return row.Assessment()
}

func assessObject(id int64) string { return "assessment/" + strconv.FormatInt(id, 10) }

// CreateAssessments stores new assessments, skipping requests that have one.
func (s *Store) CreateAssessments(ctx context.Context, as []assess.Assessment, by string) (int, error) {
	created := 0
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		have := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, request_key FROM assessments`)
		if err != nil {
			return fmt.Errorf("store: unable to read assessments: %w", err)
		}
		for rows.Next() {
			var j, p, k string
			var fy int
			if err := rows.Scan(&j, &fy, &p, &k); err != nil {
				rows.Close()
				return err
			}
			have[fmt.Sprint(j, "\x1f", fy, "\x1f", p, "\x1f", k)] = true
		}
		rows.Close()
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM assessments`).Scan(&id); err != nil {
			return err
		}
		prev, err := lastAudit(ctx, tx)
		if err != nil {
			return err
		}
		at := time.Now().UTC().Truncate(time.Microsecond)
		var rowsA, rowsL [][]any
		for _, a := range as {
			k := fmt.Sprint(a.Jurisdiction, "\x1f", a.FYStart, "\x1f", a.Phase, "\x1f", a.RequestKey)
			if have[k] {
				continue
			}
			have[k] = true
			id++
			a.ID, a.Version, a.Created, a.Updated = id, 1, at, at
			a.FiscalYear = budget.FiscalYear{Start: a.FYStart, StartMonth: 7}.Label()
			if a.Status == "" {
				a.Status = assess.Draft
			}
			after, err := json.Marshal(a)
			if err != nil {
				return err
			}
			e := audit.Entry{At: at, Actor: by, Action: "create", Object: assessObject(id), Before: json.RawMessage("null"), After: after}
			audit.Seal(&e, prev)
			prev = &e
			a.AuditSeq = e.Seq
			args, err := assessArgs(&a)
			if err != nil {
				return err
			}
			rowsA = append(rowsA, args)
			rowsL = append(rowsL, []any{e.Seq, e.At, e.Actor, e.Action, e.Object, string(e.Before), string(e.After), e.PrevHash, e.Hash})
			created++
		}
		if err := insertRows(ctx, tx, `INSERT INTO assessments (`+assessCols+`) VALUES `, rowsA); err != nil {
			return fmt.Errorf("store: unable to create assessments: %w", err)
		}
		if err := insertRows(ctx, tx, `INSERT INTO audit_log (seq, changed_at, actor, action, object, before_json, after_json, prev_hash, hash) VALUES `, rowsL); err != nil {
			return fmt.Errorf("store: unable to append to the audit log: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return created, nil
}

// Assessments lists assessments matching f.
func (s *Store) Assessments(ctx context.Context, f assess.Filter) ([]assess.Assessment, error) {
	q := `SELECT ` + assessSelect + ` FROM assessments WHERE 1=1`
	var args []any
	add := func(cond string, v any) {
		q += " AND " + cond
		args = append(args, v)
	}
	if f.Jurisdiction != "" {
		add("jurisdiction = ?", f.Jurisdiction)
	}
	if f.FYStart != 0 {
		add("fy_start = ?", f.FYStart)
	}
	if f.Phase != "" {
		add("phase = ?", string(f.Phase))
	}
	if f.Department != "" {
		add("dept_code = ?", f.Department)
	}
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY dept_code, request_key, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read assessments: %w", err)
	}
	defer rows.Close()
	out := []assess.Assessment{}
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: unable to read assessments: %w", err)
		}
		if f.Reviewer != "" && !a.HasReviewer(f.Reviewer) {
			continue
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Assessment returns one assessment.
func (s *Store) Assessment(ctx context.Context, id int64) (assess.Assessment, error) {
	return getAssessment(ctx, s.db.QueryRowContext(ctx, `SELECT `+assessSelect+` FROM assessments WHERE id = ?`, id), id)
}

func getAssessment(_ context.Context, row *sql.Row, id int64) (assess.Assessment, error) {
	a, err := scanAssessment(row)
	if errors.Is(err, sql.ErrNoRows) {
		return a, budget.Errorf(budget.ENOTFOUND, "no assessment %d (list them with budgetlens assess ls)", id)
	}
	if err != nil {
		return a, fmt.Errorf("store: unable to read assessment %d: %w", id, err)
	}
	return a, nil
}

// UpdateAssessment stores a new version of an assessment.
func (s *Store) UpdateAssessment(ctx context.Context, a assess.Assessment, action, by string) (assess.Assessment, error) {
	var stored assess.Assessment
	_, err := s.withAudit(ctx, func(tx *sql.Tx, seq int64, at time.Time) (audit.Entry, error) {
		old, err := getAssessment(ctx, tx.QueryRowContext(ctx, `SELECT `+assessSelect+` FROM assessments WHERE id = ?`, a.ID), a.ID)
		if err != nil {
			return audit.Entry{}, err
		}
		if old.Version != a.Version {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "assessment %d is at version %d, not %d: it changed since it was read", a.ID, old.Version, a.Version)
		}
		// what identifies the assessment never changes
		a.Jurisdiction, a.FYStart, a.Phase, a.RequestKey, a.Created = old.Jurisdiction, old.FYStart, old.Phase, old.RequestKey, old.Created
		a.FiscalYear = old.FiscalYear
		a.Version, a.AuditSeq, a.Updated = old.Version+1, seq, at
		args, err := assessArgs(&a)
		if err != nil {
			return audit.Entry{}, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE assessments SET dept_code = ?, dept_name = ?, prog_code = ?, prog_name = ?, description = ?, category = ?,
			amount_cents = ?, template = ?, template_version = ?, status = ?, decision = ?, due = ?, reviewers_json = ?, answers_json = ?,
			reviews_json = ?, comments_json = ?, version = ?, audit_seq = ?, updated_at = ? WHERE id = ? AND version = ?`,
			append(args[5:21:21], args[21], args[22], args[24], a.ID, old.Version)...)
		if err != nil {
			return audit.Entry{}, fmt.Errorf("store: unable to update assessment %d: %w", a.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "assessment %d changed while it was being saved", a.ID)
		}
		before, _ := json.Marshal(old)
		after, _ := json.Marshal(a)
		stored = a
		return audit.Entry{Actor: by, Action: action, Object: assessObject(a.ID), Before: before, After: after}, nil
	})
	return stored, err
}

// LockPhase records that a phase's review is closed.
func (s *Store) LockPhase(ctx context.Context, k budget.PhaseKey, by string) error {
	_, err := s.withAudit(ctx, func(tx *sql.Tx, seq int64, at time.Time) (audit.Entry, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assessment_locks WHERE jurisdiction = ? AND fy_start = ? AND phase = ?`,
			k.Jurisdiction, k.FiscalYear.Start, string(k.Phase)).Scan(&n); err != nil {
			return audit.Entry{}, err
		}
		if n > 0 {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "the review of %s is locked already", k)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_locks VALUES (?,?,?,?,?,?)`, k.Jurisdiction, k.FiscalYear.Start, string(k.Phase), by, at, seq); err != nil {
			return audit.Entry{}, fmt.Errorf("store: unable to lock %s: %w", k, err)
		}
		after, _ := json.Marshal(map[string]any{"jurisdiction": k.Jurisdiction, "fiscal_year": k.FiscalYear.Label(), "phase": k.Phase, "locked": true})
		return audit.Entry{Actor: by, Action: "lock", Object: fmt.Sprintf("lock/%s/%d/%s", k.Jurisdiction, k.FiscalYear.Start, k.Phase), Before: json.RawMessage("null"), After: after}, nil
	})
	return err
}

// PhaseLocks lists the locked phases.
func (s *Store) PhaseLocks(ctx context.Context) ([]store.PhaseLock, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, actor, locked_at FROM assessment_locks ORDER BY jurisdiction, fy_start, phase`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read phase locks: %w", err)
	}
	defer rows.Close()
	var out []store.PhaseLock
	for rows.Next() {
		var l store.PhaseLock
		var ph string
		if err := rows.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &ph, &l.By, &l.At); err != nil {
			return nil, err
		}
		l.FiscalYear.StartMonth, l.Phase, l.At = 7, budget.Phase(ph), l.At.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// insertRows inserts rows with multi-row VALUES statements of up to 200
// rows each (one statement per row is slow in DuckDB).
func insertRows(ctx context.Context, tx *sql.Tx, head string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), 200)
		var b strings.Builder
		b.WriteString(head)
		var args []any
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("(" + strings.TrimSuffix(strings.Repeat("?,", len(r)), ",") + ")")
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
