package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
	duck "github.com/duckdb/duckdb-go/v2"
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
	id, err := s.saveRun(ctx, r, 0)
	if err != nil {
		return 0, err
	}
	r.ID = id
	return id, nil
}

// saveRun stores r under a new id, or under the given one (a restore).
func (s *Store) saveRun(ctx context.Context, r *need.Run, given int64) (int64, error) {
	inputs, err := json.Marshal(r.Inputs)
	if err != nil {
		return 0, err
	}
	meta, err := json.Marshal(runMeta{r.Indicators, r.Components, r.Categories, r.TopTier})
	if err != nil {
		return 0, err
	}
	id := given
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		if err := allocate(ctx, tx, "need_run_ids", &id); err != nil {
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

func nullableF(x float64) any {
	if math.IsNaN(x) {
		return nil
	}
	return x
}

// SaveIndicators stores an indicator import in one transaction: the
// values of each indicator in the set replace that indicator's values for
// the same layer and period; metadata is upserted. Values are written with
// DuckDB's appender.
func (s *Store) SaveIndicators(ctx context.Context, set *need.IndicatorSet) (int64, error) {
	return s.saveIndicators(ctx, set, budget.ImportRun{})
}

// saveIndicators stores set as a new import run, or as the given one.
func (s *Store) saveIndicators(ctx context.Context, set *need.IndicatorSet, given budget.ImportRun) (int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: unable to get a connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return 0, fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	id, err := saveIndicatorsTx(ctx, conn, set, given)
	if err == nil {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return 0, err
	}
	s.commits.Add(1)
	return id, nil
}

func saveIndicatorsTx(ctx context.Context, conn *sql.Conn, set *need.IndicatorSet, given budget.ImportRun) (int64, error) {
	run := budget.ImportRun{ID: given.ID, Kind: "indicators", SourceFile: set.File, ContentHash: set.Hash, Rows: int64(len(set.Values)),
		Version: budget.Version, StartedAt: time.Now().UTC()}
	if given.ID != 0 {
		run.StartedAt, run.Version, run.Rows = given.StartedAt.UTC(), given.Version, given.Rows
	}
	if err := insertImportRun(ctx, conn, &run); err != nil {
		return 0, fmt.Errorf("store: unable to record the indicator import: %w", err)
	}
	id := run.ID
	for _, m := range set.Meta {
		if _, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO need_indicator_meta(name, domain, direction, unit, source, year) VALUES (?, ?, ?, ?, ?, ?)`,
			m.Name, m.Domain, m.Direction, m.Unit, m.Source, m.Year); err != nil {
			return 0, fmt.Errorf("store: unable to save indicator metadata %s: %w", m.Name, err)
		}
	}
	seen := map[string]bool{}
	args := []any{set.Layer, set.Period}
	var marks []string
	for _, v := range set.Values {
		if !seen[v.Indicator] {
			seen[v.Indicator] = true
			args = append(args, v.Indicator)
			marks = append(marks, "?")
		}
	}
	if len(marks) > 0 {
		if _, err := conn.ExecContext(ctx, `DELETE FROM need_indicator_values WHERE layer = ? AND period = ? AND indicator IN (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
			return 0, fmt.Errorf("store: unable to replace the indicators: %w", err)
		}
	}
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("store: unexpected driver connection %T", dc)
		}
		a, err := duck.NewAppenderFromConn(c, "", "need_indicator_values")
		if err != nil {
			return fmt.Errorf("store: unable to append indicator values: %w", err)
		}
		for _, v := range set.Values {
			if err := a.AppendRow(set.Layer, set.Period, v.Area, v.Indicator, nullableF(v.Value), nullableF(v.MOE), id); err != nil {
				a.Close()
				return fmt.Errorf("store: unable to append indicator %s of area %s: %w", v.Indicator, v.Area, err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("store: unable to append indicator values: %w", err)
		}
		return nil
	})
	return id, err
}

// Indicators returns the stored indicators of a layer and period.
func (s *Store) Indicators(ctx context.Context, layer, period string) (*need.Table, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT area_id, indicator, value, moe FROM need_indicator_values
		WHERE layer = ? AND period = ? ORDER BY area_id, indicator`, layer, period)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read indicators: %w", err)
	}
	defer rows.Close()
	var vals []need.IndicatorValue
	for rows.Next() {
		var v need.IndicatorValue
		var x, m sql.NullFloat64
		if err := rows.Scan(&v.Area, &v.Indicator, &x, &m); err != nil {
			return nil, err
		}
		v.Value, v.MOE = math.NaN(), math.NaN()
		if x.Valid {
			v.Value = x.Float64
		}
		if m.Valid {
			v.MOE = m.Float64
		}
		vals = append(vals, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(vals) == 0 {
		return nil, budget.Errorf(budget.ENOTFOUND, "no indicators stored for layer %q period %q (import them with: budgetlens index import FILE --layer %s --period %s)", layer, period, layer, period)
	}
	t := need.TableFromValues(fmt.Sprintf("store:%s/%s", layer, period), vals)
	return t, nil
}

// IndicatorMeta lists the stored indicator metadata.
func (s *Store) IndicatorMeta(ctx context.Context) ([]need.IndicatorMeta, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, domain, direction, unit, source, year FROM need_indicator_meta ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read indicator metadata: %w", err)
	}
	defer rows.Close()
	var out []need.IndicatorMeta
	for rows.Next() {
		var m need.IndicatorMeta
		if err := rows.Scan(&m.Name, &m.Domain, &m.Direction, &m.Unit, &m.Source, &m.Year); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
