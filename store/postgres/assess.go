package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// The assessments of budget requests (store.AssessStore), as the DuckDB
// store keeps them (store/duckdb/assess.go): one row per assessment, the
// parts that change together as JSON text. Every write holds the audit
// log's lock (withAudit), so versions are compared and ids taken one
// writer at a time.

var assessColumns = []string{"id", "jurisdiction", "fy_start", "phase", "request_key", "dept_code", "dept_name", "prog_code", "prog_name",
	"description", "category", "amount_cents", "template", "template_version", "status", "decision", "due",
	"reviewers_json", "answers_json", "reviews_json", "comments_json", "version", "audit_seq", "created_at", "updated_at"}

const assessCols = `id, jurisdiction, fy_start, phase, request_key, dept_code, dept_name, prog_code, prog_name, description, category,
	amount_cents, template, template_version, status, decision, due, reviewers_json, answers_json, reviews_json, comments_json,
	version, audit_seq, created_at, updated_at`

// assessSelect are the columns an assessment is read with (store.AssessmentRow's
// Targets): assessCols and the start month of the jurisdiction's fiscal year
// (July when the jurisdiction is not stored), for the fiscal year's label.
const assessSelect = assessCols + `, coalesce((SELECT j.start_month FROM budget_jurisdictions j WHERE j.id = assessments.jurisdiction), 7)`

// assessArgs are a's values in the order of assessColumns, its lists as
// JSON text (empty lists as [], no answers as {}).
func assessArgs(a *assess.Assessment) ([]any, error) {
	js := make([]string, 4)
	for i, v := range []any{orEmpty(a.Reviewers), a.Answers, orEmpty(a.Reviews), orEmpty(a.Comments)} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("store: assessment %d: %w", a.ID, err)
		}
		js[i] = string(b)
	}
	if js[1] == "null" {
		js[1] = "{}"
	}
	for _, v := range []string{a.Jurisdiction, a.RequestKey, a.Department.Code, a.Department.Name, a.Program.Code, a.Program.Name,
		a.Description, a.Category, a.Template, a.Due} {
		if unstorable(v) {
			return nil, budget.Errorf(budget.EINVALID, "store: assessment %d (request %q) holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store", a.ID, a.RequestKey)
		}
	}
	return []any{a.ID, a.Jurisdiction, a.FYStart, string(a.Phase), a.RequestKey, a.Department.Code, a.Department.Name, a.Program.Code, a.Program.Name,
		a.Description, a.Category, a.AmountCents, a.Template, a.TemplateVersion, string(a.Status), string(a.Decision), a.Due,
		js[0], js[1], js[2], js[3], a.Version, a.AuditSeq, a.Created.UTC(), a.Updated.UTC()}, nil
}

// orEmpty is s, or an empty list for nil (stored as [] rather than null).
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func scanAssessment(r pgx.Row) (assess.Assessment, error) {
	var row store.AssessmentRow
	if err := r.Scan(row.Targets()...); err != nil {
		return assess.Assessment{}, err
	}
	return row.Assessment()
}

func assessObject(id int64) string { return "assessment/" + strconv.FormatInt(id, 10) }

// CreateAssessments stores new assessments, skipping requests that have
// one, with one audit entry each, in one transaction (COPY).
func (s *Store) CreateAssessments(ctx context.Context, as []assess.Assessment, by string) (int, error) {
	created := 0
	err := s.withTx(ctx, func(tx pgx.Tx) error {
		prev, err := s.lockAuditHead(ctx, tx)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		rows, err := tx.Query(ctx, `SELECT jurisdiction, fy_start, phase, request_key FROM assessments`)
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to read assessments")
		}
		for rows.Next() {
			var j, p, k string
			var fy int
			if err := rows.Scan(&j, &fy, &p, &k); err != nil {
				rows.Close()
				return s.errorf(budget.EINTERNAL, err, "unable to read assessments")
			}
			have[fmt.Sprint(j, "\x1f", fy, "\x1f", p, "\x1f", k)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to read assessments")
		}
		var id int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM assessments`).Scan(&id); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to read assessments")
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
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"assessments"}, assessColumns, pgx.CopyFromRows(rowsA)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to create assessments")
		}
		auditCols := []string{"seq", "changed_at", "actor", "action", "object", "before_json", "after_json", "prev_hash", "hash"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, auditCols, pgx.CopyFromRows(rowsL)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to append to the audit log")
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return created, nil
}

// Assessments lists assessments matching f, by department code, request
// key (byte order) and id; an empty list is [] as in DuckDB.
func (s *Store) Assessments(ctx context.Context, f assess.Filter) ([]assess.Assessment, error) {
	q := `SELECT ` + assessSelect + ` FROM assessments WHERE true`
	var args []any
	add := func(col string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND %s = $%d", col, len(args))
	}
	if f.Jurisdiction != "" {
		add("jurisdiction", f.Jurisdiction)
	}
	if f.FYStart != 0 {
		add("fy_start", f.FYStart)
	}
	if f.Phase != "" {
		add("phase", string(f.Phase))
	}
	if f.Department != "" {
		add("dept_code", f.Department)
	}
	if f.Status != "" {
		add("status", string(f.Status))
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY dept_code`+byteOrder+`, request_key`+byteOrder+`, id`, args...)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read assessments")
	}
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (assess.Assessment, error) { return scanAssessment(row) })
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read assessments")
	}
	out := []assess.Assessment{}
	for _, a := range all {
		if f.Reviewer == "" || a.HasReviewer(f.Reviewer) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Assessment returns one assessment.
func (s *Store) Assessment(ctx context.Context, id int64) (assess.Assessment, error) {
	return s.getAssessment(s.pool.QueryRow(ctx, `SELECT `+assessSelect+` FROM assessments WHERE id = $1`, id), id)
}

func (s *Store) getAssessment(row pgx.Row, id int64) (assess.Assessment, error) {
	a, err := scanAssessment(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, budget.Errorf(budget.ENOTFOUND, "no assessment %d (list them with budgetlens assess ls)", id)
	}
	if err != nil {
		return a, s.errorf(budget.EINTERNAL, err, "unable to read assessment %d", id)
	}
	return a, nil
}

// UpdateAssessment stores a new version of an assessment when the stored
// version is a.Version (compared under the audit log's lock, so of many
// writers of one version exactly one wins).
func (s *Store) UpdateAssessment(ctx context.Context, a assess.Assessment, action, by string) (assess.Assessment, error) {
	var stored assess.Assessment
	err := s.withAudit(ctx, func(tx pgx.Tx, seq int64, at time.Time) (audit.Entry, error) {
		old, err := s.getAssessment(tx.QueryRow(ctx, `SELECT `+assessSelect+` FROM assessments WHERE id = $1`, a.ID), a.ID)
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
		tag, err := tx.Exec(ctx, `UPDATE assessments SET dept_code = $1, dept_name = $2, prog_code = $3, prog_name = $4, description = $5, category = $6,
			amount_cents = $7, template = $8, template_version = $9, status = $10, decision = $11, due = $12, reviewers_json = $13, answers_json = $14,
			reviews_json = $15, comments_json = $16, version = $17, audit_seq = $18, updated_at = $19 WHERE id = $20 AND version = $21`,
			append(args[5:21:21], args[21], args[22], args[24], a.ID, old.Version)...)
		if err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to update assessment %d", a.ID)
		}
		if tag.RowsAffected() != 1 {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "assessment %d changed while it was being saved", a.ID)
		}
		before, err := json.Marshal(old)
		if err != nil {
			return audit.Entry{}, err
		}
		after, err := json.Marshal(a)
		if err != nil {
			return audit.Entry{}, err
		}
		stored = a
		return audit.Entry{Actor: by, Action: action, Object: assessObject(a.ID), Before: before, After: after}, nil
	})
	return stored, err
}

// LockPhase records that a phase's review is closed.
func (s *Store) LockPhase(ctx context.Context, k budget.PhaseKey, by string) error {
	return s.withAudit(ctx, func(tx pgx.Tx, seq int64, at time.Time) (audit.Entry, error) {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM assessment_locks WHERE jurisdiction = $1 AND fy_start = $2 AND phase = $3`,
			k.Jurisdiction, k.FiscalYear.Start, string(k.Phase)).Scan(&n); err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to read phase locks")
		}
		if n > 0 {
			return audit.Entry{}, budget.Errorf(budget.ECONFLICT, "the review of %s is locked already", k)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_locks (jurisdiction, fy_start, phase, actor, locked_at, audit_seq) VALUES ($1,$2,$3,$4,$5,$6)`,
			k.Jurisdiction, k.FiscalYear.Start, string(k.Phase), by, at, seq); err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to lock %s", k)
		}
		after, _ := json.Marshal(map[string]any{"jurisdiction": k.Jurisdiction, "fiscal_year": k.FiscalYear.Label(), "phase": k.Phase, "locked": true})
		return audit.Entry{Actor: by, Action: "lock", Object: fmt.Sprintf("lock/%s/%d/%s", k.Jurisdiction, k.FiscalYear.Start, k.Phase), Before: json.RawMessage("null"), After: after}, nil
	})
}

// PhaseLocks lists the locked phases (byte order).
func (s *Store) PhaseLocks(ctx context.Context) ([]store.PhaseLock, error) {
	rows, err := s.pool.Query(ctx, `SELECT jurisdiction, fy_start, phase, actor, locked_at FROM assessment_locks
		ORDER BY jurisdiction`+byteOrder+`, fy_start, phase`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read phase locks")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (store.PhaseLock, error) {
		var l store.PhaseLock
		var ph string
		err := row.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &ph, &l.By, &l.At)
		l.FiscalYear.StartMonth, l.Phase, l.At = 7, budget.Phase(ph), l.At.UTC()
		return l, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read phase locks")
	}
	return out, nil
}

// AddEvidence stores an uploaded file (bytea) with its audit entry.
func (s *Store) AddEvidence(ctx context.Context, f assess.File, data []byte, by string) (assess.File, error) {
	sum := sha256.Sum256(data)
	f.SHA256, f.Size, f.By = hex.EncodeToString(sum[:]), int64(len(data)), by
	if unstorable(f.Name) || unstorable(f.Type) || unstorable(by) {
		return f, budget.Errorf(budget.EINVALID, "store: the name of evidence file %q holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store", f.Name)
	}
	err := s.withAudit(ctx, func(tx pgx.Tx, seq int64, at time.Time) (audit.Entry, error) {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE id = $1`, f.Assessment).Scan(&n); err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to read assessments")
		}
		if n == 0 {
			return audit.Entry{}, budget.Errorf(budget.ENOTFOUND, "no assessment %d", f.Assessment)
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM assessment_files`).Scan(&f.ID); err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to read evidence")
		}
		f.At = at
		if _, err := tx.Exec(ctx, `INSERT INTO assessment_files (`+fileCols+`, data, audit_seq) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
			f.ID, f.Assessment, f.Name, f.Type, f.Size, f.SHA256, by, at, data, seq); err != nil {
			return audit.Entry{}, s.errorf(budget.EINTERNAL, err, "unable to store evidence %s", f.Name)
		}
		after, err := json.Marshal(f)
		if err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Actor: by, Action: "evidence", Object: fmt.Sprintf("assessment/%d/evidence/%d", f.Assessment, f.ID), Before: json.RawMessage("null"), After: after}, nil
	})
	return f, err
}

const fileCols = `id, assessment_id, name, media_type, size, sha256, actor, added_at`

func scanFile(r pgx.Row, f *assess.File, more ...any) error {
	if err := r.Scan(append([]any{&f.ID, &f.Assessment, &f.Name, &f.Type, &f.Size, &f.SHA256, &f.By, &f.At}, more...)...); err != nil {
		return err
	}
	f.At = f.At.UTC()
	return nil
}

// EvidenceList lists an assessment's files, oldest first ([] when none, as
// in DuckDB).
func (s *Store) EvidenceList(ctx context.Context, assessment int64) ([]assess.File, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+fileCols+` FROM assessment_files WHERE assessment_id = $1 ORDER BY id`, assessment)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list evidence")
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (assess.File, error) {
		var f assess.File
		err := scanFile(row, &f)
		return f, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list evidence")
	}
	return orEmpty(out), nil
}

// EvidenceData returns one file with its bytes.
func (s *Store) EvidenceData(ctx context.Context, assessment, file int64) (assess.File, []byte, error) {
	var f assess.File
	var data []byte
	err := scanFile(s.pool.QueryRow(ctx, `SELECT `+fileCols+`, data FROM assessment_files WHERE assessment_id = $1 AND id = $2`, assessment, file), &f, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, nil, budget.Errorf(budget.ENOTFOUND, "assessment %d has no evidence file %d", assessment, file)
	}
	if err != nil {
		return f, nil, s.errorf(budget.EINTERNAL, err, "unable to read evidence")
	}
	return f, data, nil
}
