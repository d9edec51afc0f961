package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/jackc/pgx/v5"
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

func (s *Store) saveAnalysis(ctx context.Context, r *analysis.Record, given int64) (int64, error) {
	body, err := json.Marshal(r.Result)
	if err != nil {
		return 0, err
	}
	id := given
	err = s.withTx(ctx, func(tx pgx.Tx) error {
		if id == 0 {
			if err := tx.QueryRow(ctx, `SELECT nextval('analysis_ids')`).Scan(&id); err != nil {
				return s.errorf(budget.EINTERNAL, err, "unable to allocate an analysis id")
			}
		} else if err := advanceSequence(ctx, tx, "analysis_ids", id); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to restore analysis %d", id)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO analyses(id, jurisdiction, fiscal_year, phase, layer, need_run, inputs_hash, version, result)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, r.Jurisdiction, r.FiscalYear, r.Phase, r.Layer, r.NeedRun, r.InputsHash, r.Version, string(body)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save analysis")
		}
		return nil
	})
	return id, err
}

const analysisCols = `id, jurisdiction, fiscal_year, phase, layer, need_run, inputs_hash, version, result::text`

func (s *Store) scanAnalysis(row pgx.Row) (*analysis.Record, error) {
	var r analysis.Record
	var body string
	if err := row.Scan(&r.ID, &r.Jurisdiction, &r.FiscalYear, &r.Phase, &r.Layer, &r.NeedRun, &r.InputsHash, &r.Version, &body); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, budget.Errorf(budget.ENOTFOUND, "no such analysis")
		}
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read an analysis")
	}
	r.Result = &analysis.Result{}
	if err := json.Unmarshal([]byte(body), r.Result); err != nil {
		return nil, budget.Errorf(budget.EINTERNAL, "store: analysis %d: %v", r.ID, err)
	}
	return &r, nil
}

// Analysis returns a stored analysis.
func (s *Store) Analysis(ctx context.Context, id int64) (*analysis.Record, error) {
	r, err := s.scanAnalysis(s.pool.QueryRow(ctx, `SELECT `+analysisCols+` FROM analyses WHERE id = $1`, id))
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.ENOTFOUND, "no analysis %d: list them with budgetlens analyze --list", id)
	}
	return r, err
}

// LatestAnalysis returns the newest analysis of a fiscal year, phase and layer.
func (s *Store) LatestAnalysis(ctx context.Context, fiscalYear, phase, layer string) (*analysis.Record, error) {
	r, err := s.scanAnalysis(s.pool.QueryRow(ctx, `SELECT `+analysisCols+` FROM analyses
		WHERE fiscal_year = $1 AND phase = $2 AND layer = $3 ORDER BY id DESC LIMIT 1`, fiscalYear, phase, layer))
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.ENOTFOUND, "no analysis of %s %s on layer %s", fiscalYear, phase, layer)
	}
	return r, err
}

// Analyses lists the stored analyses, oldest first.
func (s *Store) Analyses(ctx context.Context) ([]analysis.RecordInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, jurisdiction, fiscal_year, phase, layer, need_run, inputs_hash FROM analyses ORDER BY id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list analyses")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (analysis.RecordInfo, error) {
		var r analysis.RecordInfo
		err := row.Scan(&r.ID, &r.Jurisdiction, &r.FiscalYear, &r.Phase, &r.Layer, &r.NeedRun, &r.InputsHash)
		return r, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list analyses")
	}
	return out, nil
}

// SaveDataset stores a dataset, replacing one of the same kind and name.
func (s *Store) SaveDataset(ctx context.Context, d *analysis.Dataset) error {
	if d.Kind == "" || d.Name == "" {
		return budget.Errorf(budget.EINVALID, "a dataset needs a kind and a name")
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO analysis_datasets(kind, name, source, sha256, synthetic, body) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (kind, name) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256, synthetic = excluded.synthetic, body = excluded.body`,
			d.Kind, d.Name, d.Source, d.SHA256, d.Synthetic, string(d.Body)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save the %s dataset %s", d.Kind, d.Name)
		}
		return nil
	})
}

// Dataset returns a stored dataset.
func (s *Store) Dataset(ctx context.Context, kind, name string) (*analysis.Dataset, error) {
	d := &analysis.Dataset{}
	var body string
	err := s.pool.QueryRow(ctx, `SELECT kind, name, source, sha256, synthetic, body FROM analysis_datasets WHERE kind = $1 AND name = $2`, kind, name).
		Scan(&d.Kind, &d.Name, &d.Source, &d.SHA256, &d.Synthetic, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no %s dataset %q", kind, name)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the %s dataset %s", kind, name)
	}
	d.Body = []byte(body)
	return d, nil
}
