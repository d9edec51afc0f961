package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
)

// SaveAnalysis stores an analysis in one transaction.
func (s *Store) SaveAnalysis(ctx context.Context, r *analysis.Record) (int64, error) {
	id, err := s.saveAnalysis(ctx, r, 0)
	if err != nil {
		return 0, err
	}
	r.ID = id
	return id, nil
}

// saveAnalysis stores r under a new id, or under the given one.
func (s *Store) saveAnalysis(ctx context.Context, r *analysis.Record, given int64) (int64, error) {
	body, err := json.Marshal(r.Result)
	if err != nil {
		return 0, err
	}
	id := given
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		if err := allocate(ctx, tx, "analysis_ids", &id); err != nil {
			return fmt.Errorf("store: unable to allocate an analysis id: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO analyses(id, jurisdiction, fiscal_year, phase, layer, need_run, inputs_hash, version, result)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, r.Jurisdiction, r.FiscalYear, r.Phase, r.Layer, r.NeedRun, r.InputsHash, r.Version, string(body))
		if err != nil {
			return fmt.Errorf("store: unable to save analysis: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

const analysisCols = `id, jurisdiction, fiscal_year, phase, layer, need_run, inputs_hash, version, result`

func scanAnalysis(row *sql.Row) (*analysis.Record, error) {
	var r analysis.Record
	var body string
	if err := row.Scan(&r.ID, &r.Jurisdiction, &r.FiscalYear, &r.Phase, &r.Layer, &r.NeedRun, &r.InputsHash, &r.Version, &body); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, budget.Errorf(budget.ENOTFOUND, "no such analysis")
		}
		return nil, err
	}
	r.Result = &analysis.Result{}
	if err := json.Unmarshal([]byte(body), r.Result); err != nil {
		return nil, fmt.Errorf("store: analysis %d: %w", r.ID, err)
	}
	return &r, nil
}

// Analysis returns a stored analysis.
func (s *Store) Analysis(ctx context.Context, id int64) (*analysis.Record, error) {
	r, err := scanAnalysis(s.DB().QueryRowContext(ctx, `SELECT `+analysisCols+` FROM analyses WHERE id = ?`, id))
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.ENOTFOUND, "no analysis %d: list them with budgetlens analyze --list", id)
	}
	return r, err
}

// LatestAnalysis returns the newest analysis of a fiscal year, phase and layer.
func (s *Store) LatestAnalysis(ctx context.Context, fiscalYear, phase, layer string) (*analysis.Record, error) {
	r, err := scanAnalysis(s.DB().QueryRowContext(ctx, `SELECT `+analysisCols+` FROM analyses
		WHERE fiscal_year = ? AND phase = ? AND layer = ? ORDER BY id DESC LIMIT 1`, fiscalYear, phase, layer))
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.ENOTFOUND, "no analysis of %s %s on layer %s", fiscalYear, phase, layer)
	}
	return r, err
}

// Analyses lists the stored analyses, oldest first.
func (s *Store) Analyses(ctx context.Context) ([]analysis.RecordInfo, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT id, jurisdiction, fiscal_year, phase, layer, need_run, inputs_hash FROM analyses ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []analysis.RecordInfo
	for rows.Next() {
		var r analysis.RecordInfo
		if err := rows.Scan(&r.ID, &r.Jurisdiction, &r.FiscalYear, &r.Phase, &r.Layer, &r.NeedRun, &r.InputsHash); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveDataset stores a dataset, replacing one of the same kind and name.
func (s *Store) SaveDataset(ctx context.Context, d *analysis.Dataset) error {
	if d.Kind == "" || d.Name == "" {
		return budget.Errorf(budget.EINVALID, "a dataset needs a kind and a name")
	}
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM analysis_datasets WHERE kind = ? AND name = ?`, d.Kind, d.Name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO analysis_datasets(kind, name, source, sha256, synthetic, body) VALUES (?, ?, ?, ?, ?, ?)`,
			d.Kind, d.Name, d.Source, d.SHA256, d.Synthetic, string(d.Body))
		return err
	})
}

// Dataset returns a stored dataset.
func (s *Store) Dataset(ctx context.Context, kind, name string) (*analysis.Dataset, error) {
	d := &analysis.Dataset{}
	var body string
	err := s.DB().QueryRowContext(ctx, `SELECT kind, name, source, sha256, synthetic, body FROM analysis_datasets WHERE kind = ? AND name = ?`, kind, name).
		Scan(&d.Kind, &d.Name, &d.Source, &d.SHA256, &d.Synthetic, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no %s dataset %q", kind, name)
	}
	if err != nil {
		return nil, err
	}
	d.Body = []byte(body)
	return d, nil
}
