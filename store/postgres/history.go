package postgres

import (
	"context"
	"errors"
	"math"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

var (
	_ store.Exporter = (*Store)(nil)
	_ store.Restorer = (*Store)(nil)
)

// ImportHistory lists every import run of every kind, oldest first.
func (s *Store) ImportHistory(ctx context.Context) ([]budget.ImportRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.kind, r.source_file, r.content_hash, coalesce(r.profile, ''), r.rows, r.started_at, r.version,
		coalesce(b.dataset, ''), coalesce(b.jurisdiction, ''),
		(SELECT count(*) FROM budget_slices s WHERE s.superseded_by = r.id)
		FROM import_runs r LEFT JOIN budget_runs b ON b.run_id = r.id ORDER BY r.id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list import runs")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (budget.ImportRun, error) {
		var r budget.ImportRun
		var sup int64
		err := row.Scan(&r.ID, &r.Kind, &r.SourceFile, &r.ContentHash, &r.Profile, &r.Rows, &r.StartedAt, &r.Version, &r.Dataset, &r.Jurisdiction, &sup)
		r.Superseded, r.StartedAt = int(sup), r.StartedAt.UTC()
		return r, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list import runs")
	}
	return out, nil
}

// ImportedBatch returns what budget import run id stored, superseded rows
// included.
func (s *Store) ImportedBatch(ctx context.Context, id int64) (*budget.Batch, error) {
	b := &budget.Batch{}
	var phase string
	err := s.pool.QueryRow(ctx, `SELECT b.jurisdiction, coalesce(j.name, ''), coalesce(j.start_month, 7), b.dataset, coalesce(b.fy_start, 0), coalesce(b.phase, ''),
		r.source_file, r.content_hash, coalesce(r.profile, '')
		FROM budget_runs b JOIN import_runs r ON r.id = b.run_id LEFT JOIN budget_jurisdictions j ON j.id = b.jurisdiction WHERE b.run_id = $1`, id).
		Scan(&b.Jurisdiction.ID, &b.Jurisdiction.Name, &b.Jurisdiction.StartMonth, &b.Dataset, &b.FiscalYear.Start, &phase, &b.SourceFile, &b.ContentHash, &b.Profile)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "store: no budget import run %d", id)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read import run %d", id)
	}
	month := store.StartMonths{b.Jurisdiction.ID: b.Jurisdiction.StartMonth}.Of(b.Jurisdiction.ID)
	b.FiscalYear.StartMonth, b.Phase = month, budget.Phase(phase)
	if err := s.runRows(ctx, id, b); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the rows of import run %d", id)
	}
	for i := range b.LineItems {
		b.LineItems[i].FiscalYear.StartMonth = month
	}
	for i := range b.Requests {
		b.Requests[i].FiscalYear.StartMonth = month
	}
	for i := range b.Measures {
		b.Measures[i].FiscalYear.StartMonth = month
	}
	return b, nil
}

// runRows reads the rows of every slice of run id into b, slice by slice
// in the listings' order.
func (s *Store) runRows(ctx context.Context, id int64, b *budget.Batch) error {
	query := func(table, cols string, order []string) (pgx.Rows, error) {
		return s.pool.Query(ctx, `SELECT `+cols+` FROM `+table+` WHERE slice_id IN (SELECT id FROM budget_slices WHERE run_id = $1)`+
			store.OrderBy(append([]string{"slice_id"}, order...), byteOrder), id)
	}
	rows, err := query("line_items", lineItemSelect, store.LineItemOrder)
	if err == nil {
		b.LineItems, err = collect(rows, scanLineItem)
	}
	if err == nil {
		rows, err = query("budget_requests", requestSelect, store.RequestOrder)
	}
	if err == nil {
		b.Requests, err = collect(rows, scanRequest)
	}
	if err == nil {
		rows, err = query("performance_measures", measureSelect, store.MeasureOrder)
	}
	if err == nil {
		b.Measures, err = collect(rows, scanMeasure)
	}
	if err == nil {
		rows, err = query("budget_descriptions", descriptionSelect, store.DescriptionOrder)
	}
	if err == nil {
		b.Descriptions, err = collect(rows, scanDescription)
	}
	return err
}

// LayerRuns maps each stored layer to the import run that stored it (0
// for a layer stored before runs were recorded).
func (s *Store) LayerRuns(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, coalesce(import_run, 0) FROM geo_layers`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var run int64
		if err := rows.Scan(&name, &run); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
		}
		out[name] = run
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list layers")
	}
	return out, nil
}

// ImportedIndicators returns the values still stored from indicator
// import run id, nil when none remain.
func (s *Store) ImportedIndicators(ctx context.Context, id int64) (*need.IndicatorSet, error) {
	set := &need.IndicatorSet{}
	err := s.pool.QueryRow(ctx, `SELECT source_file, content_hash FROM import_runs WHERE id = $1`, id).Scan(&set.File, &set.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "store: no import run %d", id)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read import run %d", id)
	}
	rows, err := s.pool.Query(ctx, `SELECT layer, period, area_id, indicator, value, moe FROM need_indicator_values WHERE import_id = $1
		ORDER BY layer`+byteOrder+`, period`+byteOrder+`, area_id`+byteOrder+`, indicator`+byteOrder, id)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the indicators of import run %d", id)
	}
	defer rows.Close()
	for rows.Next() {
		var v need.IndicatorValue
		var layer, period string
		var x, m *float64
		if err := rows.Scan(&layer, &period, &v.Area, &v.Indicator, &x, &m); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read the indicators of import run %d", id)
		}
		if len(set.Values) > 0 && (layer != set.Layer || period != set.Period) {
			return nil, budget.Errorf(budget.EINTERNAL, "store: import run %d holds indicators of two layers or periods (%s/%s and %s/%s)", id, set.Layer, set.Period, layer, period)
		}
		set.Layer, set.Period = layer, period
		v.Value, v.MOE = nanIfNull(x), nanIfNull(m)
		set.Values = append(set.Values, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the indicators of import run %d", id)
	}
	if len(set.Values) == 0 {
		return nil, nil
	}
	return set, nil
}

// DatasetKeys lists the stored analysis datasets as (kind, name) pairs.
func (s *Store) DatasetKeys(ctx context.Context) ([][2]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT kind, name FROM analysis_datasets ORDER BY kind`+byteOrder+`, name`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list datasets")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) ([2]string, error) {
		var k [2]string
		err := row.Scan(&k[0], &k[1])
		return k, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list datasets")
	}
	return out, nil
}

// RestoreImportRun records an import run whose data is no longer stored.
func (s *Store) RestoreImportRun(ctx context.Context, run budget.ImportRun) error {
	if run.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: an import run to restore needs its id")
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		run.StartedAt = run.StartedAt.UTC()
		if err := insertImportRun(ctx, tx, &run); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to restore import run %d", run.ID)
		}
		return nil
	})
}

// RestoreBatch stores b as budget import run run.ID (see store.Restorer).
func (s *Store) RestoreBatch(ctx context.Context, run budget.ImportRun, b *budget.Batch) error {
	if run.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: an import run to restore needs its id")
	}
	if err := checkBatchText(b); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockImport(ctx, tx, b); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock dataset %s", b.Dataset)
		}
		_, err := s.importTx(ctx, tx, b, run)
		return err
	})
}

// RestoreLayer stores l as layer import run run.ID.
func (s *Store) RestoreLayer(ctx context.Context, run budget.ImportRun, l *geo.Layer) error {
	if run.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: an import run to restore needs its id")
	}
	return s.saveLayer(ctx, l, run)
}

// RestoreIndicators stores set as indicator import run run.ID.
func (s *Store) RestoreIndicators(ctx context.Context, run budget.ImportRun, set *need.IndicatorSet) error {
	if run.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: an import run to restore needs its id")
	}
	_, err := s.saveIndicators(ctx, set, run)
	return err
}

// RestoreRun stores a need run under its own id.
func (s *Store) RestoreRun(ctx context.Context, r *need.Run) error {
	if r.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: a need run to restore needs its id")
	}
	_, err := s.saveRun(ctx, r, r.ID)
	return err
}

// RestoreAnalysis stores an analysis under its own id.
func (s *Store) RestoreAnalysis(ctx context.Context, r *analysis.Record) error {
	if r.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: an analysis to restore needs its id")
	}
	_, err := s.saveAnalysis(ctx, r, r.ID)
	return err
}

func nanIfNull(x *float64) float64 {
	if x == nil {
		return nanValue
	}
	return *x
}

var nanValue = math.NaN()
