package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
	"github.com/jackc/pgx/v5"
)

type runMeta struct {
	Indicators []string `json:"indicators"`
	Components []string `json:"components,omitempty"`
	Categories []string `json:"categories,omitempty"`
	TopTier    string   `json:"top_tier"`
}

// nowUTC is the time a record is written, to the microsecond that both
// stores keep.
func nowUTC() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// missing turns NaN (missing) into SQL NULL.
func missing(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
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
	err = s.withTx(ctx, func(tx pgx.Tx) error {
		if id == 0 {
			if err := tx.QueryRow(ctx, `SELECT nextval('need_run_ids')`).Scan(&id); err != nil {
				return s.errorf(budget.EINTERNAL, err, "unable to allocate a need run id")
			}
		} else if err := advanceSequence(ctx, tx, "need_run_ids", id); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to restore need run %d", id)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO need_runs(id, spec, spec_version, spec_hash, spec_yaml, layer, published, inputs, meta, created_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, r.Spec, r.SpecVersion, r.SpecHash, r.SpecYAML, r.Layer, r.Published, string(inputs), string(meta), r.CreatedAt, budget.Version); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save need run")
		}
		rows := make([][]any, len(r.Areas))
		for i := range r.Areas {
			a := &r.Areas[i]
			detail, err := json.Marshal(a)
			if err != nil {
				return err
			}
			rows[i] = []any{id, int32(i), a.ID, missing(float64(a.Score)), missing(float64(a.Percentile)), int32(a.Rank), a.Tier, missing(float64(a.Population)), string(detail)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"need_run_areas"}, []string{"run_id", "pos", "area_id", "score", "percentile", "rank", "tier", "population", "detail"},
			pgx.CopyFromRows(rows)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save the areas of need run %d", id)
		}
		return nil
	})
	return id, err
}

// Run returns a stored need run with its areas.
func (s *Store) Run(ctx context.Context, id int64) (*need.Run, error) {
	r := &need.Run{}
	var inputs, meta string
	err := s.pool.QueryRow(ctx, `SELECT id, spec, spec_version, spec_hash, spec_yaml, layer, published, inputs::text, meta::text, created_at FROM need_runs WHERE id = $1`, id).
		Scan(&r.ID, &r.Spec, &r.SpecVersion, &r.SpecHash, &r.SpecYAML, &r.Layer, &r.Published, &inputs, &meta, &r.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no need-index run %d (list them with: budgetlens index runs)", id)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read need run %d", id)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	var m runMeta
	if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
		return nil, fmt.Errorf("store: need run %d inputs: %w", id, err)
	}
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		return nil, fmt.Errorf("store: need run %d meta: %w", id, err)
	}
	r.Indicators, r.Components, r.Categories, r.TopTier = m.Indicators, m.Components, m.Categories, m.TopTier
	rows, err := s.pool.Query(ctx, `SELECT detail::text FROM need_run_areas WHERE run_id = $1 ORDER BY pos`, id)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read need run %d areas", id)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read need run %d areas", id)
		}
		var a need.AreaResult
		if err := json.Unmarshal([]byte(d), &a); err != nil {
			return nil, fmt.Errorf("store: need run %d area detail: %w", id, err)
		}
		r.Areas = append(r.Areas, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read need run %d areas", id)
	}
	return r, nil
}

// LatestRun returns the most recent need run.
func (s *Store) LatestRun(ctx context.Context) (*need.Run, error) {
	return s.latestRun(ctx, `SELECT max(id) FROM need_runs`)
}

// LatestRunForLayer returns the most recent need run over a layer.
func (s *Store) LatestRunForLayer(ctx context.Context, layer string) (*need.Run, error) {
	return s.latestRun(ctx, `SELECT max(id) FROM need_runs WHERE layer = $1`, layer)
}

func (s *Store) latestRun(ctx context.Context, q string, args ...any) (*need.Run, error) {
	var id *int64
	if err := s.pool.QueryRow(ctx, q, args...).Scan(&id); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to find the latest need run")
	}
	if id == nil {
		return nil, budget.Errorf(budget.ENOTFOUND, "no need-index run is stored yet (create one with: budgetlens index run --preset NAME --indicators FILE)")
	}
	return s.Run(ctx, *id)
}

// Runs lists the stored need runs, oldest first.
func (s *Store) Runs(ctx context.Context) ([]need.RunInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.spec, r.spec_version, r.spec_hash, r.layer, r.created_at,
		(SELECT count(*) FROM need_run_areas a WHERE a.run_id = r.id) FROM need_runs r ORDER BY r.id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list need runs")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (need.RunInfo, error) {
		var i need.RunInfo
		err := row.Scan(&i.ID, &i.Spec, &i.SpecVersion, &i.SpecHash, &i.Layer, &i.CreatedAt, &i.Areas)
		i.CreatedAt = i.CreatedAt.UTC()
		return i, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list need runs")
	}
	return out, nil
}

// SaveIndicators stores an indicator import in one transaction: the
// values of each indicator in the set replace that indicator's values for
// the same layer and period (COPY); metadata is upserted.
func (s *Store) SaveIndicators(ctx context.Context, set *need.IndicatorSet) (int64, error) {
	return s.saveIndicators(ctx, set, budget.ImportRun{})
}

func (s *Store) saveIndicators(ctx context.Context, set *need.IndicatorSet, given budget.ImportRun) (int64, error) {
	var id int64
	err := s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "indicators", set.Layer, set.Period); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock the indicators of %s %s", set.Layer, set.Period)
		}
		run := budget.ImportRun{ID: given.ID, Kind: "indicators", SourceFile: set.File, ContentHash: set.Hash, Rows: int64(len(set.Values)),
			Version: budget.Version, StartedAt: nowUTC()}
		if given.ID != 0 {
			run.StartedAt, run.Version, run.Rows = given.StartedAt.UTC(), given.Version, given.Rows
		}
		if err := insertImportRun(ctx, tx, &run); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to record the indicator import")
		}
		id = run.ID
		for _, m := range set.Meta {
			if _, err := tx.Exec(ctx, `INSERT INTO need_indicator_meta(name, domain, direction, unit, source, year) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (name) DO UPDATE SET domain = excluded.domain, direction = excluded.direction, unit = excluded.unit, source = excluded.source, year = excluded.year`,
				m.Name, m.Domain, m.Direction, m.Unit, m.Source, m.Year); err != nil {
				return s.errorf(budget.EINTERNAL, err, "unable to save indicator metadata %s", m.Name)
			}
		}
		var names []string
		seen := map[string]bool{}
		for _, v := range set.Values {
			if !seen[v.Indicator] {
				seen[v.Indicator] = true
				names = append(names, v.Indicator)
			}
		}
		if len(names) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM need_indicator_values WHERE layer = $1 AND period = $2 AND indicator = ANY($3)`, set.Layer, set.Period, names); err != nil {
				return s.errorf(budget.EINTERNAL, err, "unable to replace the indicators")
			}
		}
		rows := make([][]any, len(set.Values))
		for i, v := range set.Values {
			rows[i] = []any{set.Layer, set.Period, v.Area, v.Indicator, missing(v.Value), missing(v.MOE), id}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"need_indicator_values"}, []string{"layer", "period", "area_id", "indicator", "value", "moe", "import_id"},
			pgx.CopyFromRows(rows)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save the indicator values of %s", set.File)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Indicators returns the stored indicators of a layer and period.
func (s *Store) Indicators(ctx context.Context, layer, period string) (*need.Table, error) {
	rows, err := s.pool.Query(ctx, `SELECT area_id, indicator, value, moe FROM need_indicator_values
		WHERE layer = $1 AND period = $2 ORDER BY area_id`+byteOrder+`, indicator`+byteOrder, layer, period)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read indicators")
	}
	vals, err := collect(rows, scanIndicatorValue)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read indicators")
	}
	if len(vals) == 0 {
		return nil, budget.Errorf(budget.ENOTFOUND, "no indicators stored for layer %q period %q (import them with: budgetlens index import FILE --layer %s --period %s)", layer, period, layer, period)
	}
	return need.TableFromValues(fmt.Sprintf("store:%s/%s", layer, period), vals), nil
}

func scanIndicatorValue(row pgx.CollectableRow) (need.IndicatorValue, error) {
	var v need.IndicatorValue
	var x, m *float64
	err := row.Scan(&v.Area, &v.Indicator, &x, &m)
	v.Value, v.MOE = math.NaN(), math.NaN()
	if x != nil {
		v.Value = *x
	}
	if m != nil {
		v.MOE = *m
	}
	return v, err
}

// IndicatorMeta lists the stored indicator metadata.
func (s *Store) IndicatorMeta(ctx context.Context) ([]need.IndicatorMeta, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, domain, direction, unit, source, year FROM need_indicator_meta ORDER BY name`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read indicator metadata")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (need.IndicatorMeta, error) {
		var m need.IndicatorMeta
		err := row.Scan(&m.Name, &m.Domain, &m.Direction, &m.Unit, &m.Source, &m.Year)
		return m, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read indicator metadata")
	}
	return out, nil
}
