package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
)

type runMeta struct {
	Indicators []string `json:"indicators"`
	Components []string `json:"components,omitempty"`
	Categories []string `json:"categories,omitempty"`
	TopTier    string   `json:"top_tier"`
}

func nullable(n need.Num) any {
	if n.Missing() {
		return nil
	}
	return float64(n)
}

// SaveRun stores a need-index run and its areas in one transaction.
func (s *Store) SaveRun(ctx context.Context, r *need.Run) (int64, error) {
	inputs, err := json.Marshal(r.Inputs)
	if err != nil {
		return 0, err
	}
	meta, err := json.Marshal(runMeta{r.Indicators, r.Components, r.Categories, r.TopTier})
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT nextval('need_run_ids')`).Scan(&id); err != nil {
			return fmt.Errorf("store: unable to allocate a need run id: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO need_runs(id, spec, spec_version, spec_hash, spec_yaml, layer, published, inputs, meta, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, r.Spec, r.SpecVersion, r.SpecHash, r.SpecYAML, r.Layer, r.Published, string(inputs), string(meta), r.CreatedAt, budget.Version); err != nil {
			return fmt.Errorf("store: unable to save need run: %w", err)
		}
		// multi-row inserts: one statement per chunk is far faster than a
		// statement per area through cgo
		const chunk = 500
		for lo := 0; lo < len(r.Areas); lo += chunk {
			hi := min(lo+chunk, len(r.Areas))
			var q strings.Builder
			q.WriteString(`INSERT INTO need_run_areas(run_id, pos, area_id, score, percentile, rank, tier, population, detail) VALUES `)
			args := make([]any, 0, 9*(hi-lo))
			for i := lo; i < hi; i++ {
				a := &r.Areas[i]
				detail, err := json.Marshal(a)
				if err != nil {
					return err
				}
				if i > lo {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, id, i, a.ID, nullable(a.Score), nullable(a.Percentile), a.Rank, a.Tier, nullable(a.Population), string(detail))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("store: unable to save need areas %d-%d (%s ...): %w", lo+1, hi, r.Areas[lo].ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	r.ID = id
	return id, nil
}

// Run returns a stored need run with its areas.
func (s *Store) Run(ctx context.Context, id int64) (*need.Run, error) {
	r := &need.Run{}
	var inputs, meta string
	err := s.db.QueryRowContext(ctx, `SELECT id, spec, spec_version, spec_hash, spec_yaml, layer, published, inputs, meta, created_at FROM need_runs WHERE id = ?`, id).
		Scan(&r.ID, &r.Spec, &r.SpecVersion, &r.SpecHash, &r.SpecYAML, &r.Layer, &r.Published, &inputs, &meta, &r.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no need-index run %d (list them with: budgetlens index runs)", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read need run %d: %w", id, err)
	}
	var m runMeta
	if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
		return nil, fmt.Errorf("store: need run %d inputs: %w", id, err)
	}
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		return nil, fmt.Errorf("store: need run %d meta: %w", id, err)
	}
	r.Indicators, r.Components, r.Categories, r.TopTier = m.Indicators, m.Components, m.Categories, m.TopTier
	rows, err := s.db.QueryContext(ctx, `SELECT detail FROM need_run_areas WHERE run_id = ? ORDER BY pos`, id)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read need run %d areas: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		var a need.AreaResult
		if err := json.Unmarshal([]byte(d), &a); err != nil {
			return nil, fmt.Errorf("store: need run %d area detail: %w", id, err)
		}
		r.Areas = append(r.Areas, a)
	}
	return r, rows.Err()
}

// LatestRun returns the most recent need run.
func (s *Store) LatestRun(ctx context.Context) (*need.Run, error) {
	return s.latestRun(ctx, `SELECT max(id) FROM need_runs`)
}

// LatestRunForLayer returns the most recent need run over a layer.
func (s *Store) LatestRunForLayer(ctx context.Context, layer string) (*need.Run, error) {
	return s.latestRun(ctx, `SELECT max(id) FROM need_runs WHERE layer = ?`, layer)
}

func (s *Store) latestRun(ctx context.Context, q string, args ...any) (*need.Run, error) {
	var id sql.NullInt64
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
		return nil, fmt.Errorf("store: unable to find the latest need run: %w", err)
	}
	if !id.Valid {
		return nil, budget.Errorf(budget.ENOTFOUND, "no need-index run is stored yet (create one with: budgetlens index run --preset NAME --indicators FILE)")
	}
	return s.Run(ctx, id.Int64)
}

// Runs lists the stored need runs, oldest first.
func (s *Store) Runs(ctx context.Context) ([]need.RunInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.spec, r.spec_version, r.spec_hash, r.layer, r.created_at,
		(SELECT count(*) FROM need_run_areas a WHERE a.run_id = r.id) FROM need_runs r ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list need runs: %w", err)
	}
	defer rows.Close()
	var out []need.RunInfo
	for rows.Next() {
		var i need.RunInfo
		if err := rows.Scan(&i.ID, &i.Spec, &i.SpecVersion, &i.SpecHash, &i.Layer, &i.CreatedAt, &i.Areas); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}
