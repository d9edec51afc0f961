package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store"
)

var (
	_ store.Exporter = (*Store)(nil)
	_ store.Restorer = (*Store)(nil)
)

// ImportHistory lists every import run of every kind, oldest first.
func (s *Store) ImportHistory(ctx context.Context) ([]budget.ImportRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.kind, r.source_file, r.content_hash, coalesce(r.profile, ''), r.rows, r.started_at, r.version,
		coalesce(b.dataset, ''), coalesce(b.jurisdiction, ''),
		(SELECT count(*) FROM budget_slices s WHERE s.superseded_by = r.id)
		FROM import_runs r LEFT JOIN budget_runs b ON b.run_id = r.id ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list import runs: %w", err)
	}
	defer rows.Close()
	var out []budget.ImportRun
	for rows.Next() {
		var r budget.ImportRun
		var sup int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.SourceFile, &r.ContentHash, &r.Profile, &r.Rows, &r.StartedAt, &r.Version, &r.Dataset, &r.Jurisdiction, &sup); err != nil {
			return nil, err
		}
		r.Superseded, r.StartedAt = int(sup), r.StartedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// ImportedBatch returns what budget import run id stored, superseded rows
// included.
func (s *Store) ImportedBatch(ctx context.Context, id int64) (*budget.Batch, error) {
	b := &budget.Batch{}
	var phase string
	err := s.db.QueryRowContext(ctx, `SELECT b.jurisdiction, coalesce(j.name, ''), coalesce(j.start_month, 7), b.dataset, coalesce(b.fy_start, 0), coalesce(b.phase, ''),
		r.source_file, r.content_hash, coalesce(r.profile, '')
		FROM budget_runs b JOIN import_runs r ON r.id = b.run_id LEFT JOIN budget_jurisdictions j ON j.id = b.jurisdiction WHERE b.run_id = ?`, id).
		Scan(&b.Jurisdiction.ID, &b.Jurisdiction.Name, &b.Jurisdiction.StartMonth, &b.Dataset, &b.FiscalYear.Start, &phase, &b.SourceFile, &b.ContentHash, &b.Profile)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "store: no budget import run %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read import run %d: %w", id, err)
	}
	month := store.StartMonths{b.Jurisdiction.ID: b.Jurisdiction.StartMonth}.Of(b.Jurisdiction.ID)
	b.FiscalYear.StartMonth, b.Phase = month, budget.Phase(phase)
	// slice by slice, in the listings' order (the same as the PostgreSQL store's)
	of := func(table string, order []string, cols string) string {
		return `SELECT ` + cols + ` FROM ` + table + ` t WHERE slice_id IN (SELECT id FROM budget_slices WHERE run_id = ?)` +
			store.OrderBy(append([]string{"slice_id"}, order...), "")
	}
	err = each(ctx, s.db, of("line_items", store.LineItemOrder, `t.jurisdiction, t.fy_start, t.phase, t.kind,
		coalesce(t.dept_code,''), coalesce(t.dept_name,''), coalesce(t.org_code,''), coalesce(t.org_name,''), coalesce(t.prog_code,''), coalesce(t.prog_name,''),
		coalesce(t.fund_code,''), coalesce(t.fund_name,''), coalesce(t.sfund_code,''), coalesce(t.sfund_name,''), coalesce(t.account_code,''), coalesce(t.account_name,''),
		coalesce(t.function_code,''), coalesce(t.function_name,''), t.amount_cents, t.nat_key, t.line, coalesce(t.area_code,''), coalesce(t.area_layer,'')`), id, func(rows *sql.Rows) error {
		var l budget.LineItem
		var phase, kind string
		if err := rows.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &phase, &kind, &l.Department.Code, &l.Department.Name, &l.OrgUnit.Code, &l.OrgUnit.Name,
			&l.Program.Code, &l.Program.Name, &l.Fund.Code, &l.Fund.Name, &l.SourceFund.Code, &l.SourceFund.Name,
			&l.Account.Code, &l.Account.Name, &l.Function.Code, &l.Function.Name, &l.AmountCents, &l.Key, &l.Line, &l.Area, &l.AreaLayer); err != nil {
			return err
		}
		l.FiscalYear.StartMonth, l.Phase, l.Kind = month, budget.Phase(phase), budget.Kind(kind)
		b.LineItems = append(b.LineItems, l)
		return nil
	})
	if err == nil {
		err = each(ctx, s.db, of("budget_requests", store.RequestOrder, `t.jurisdiction, t.fy_start, coalesce(t.dept_code,''), coalesce(t.dept_name,''), coalesce(t.prog_code,''), coalesce(t.prog_name,''),
			coalesce(t.fund_code,''), coalesce(t.fund_name,''), coalesce(t.sfund_code,''), coalesce(t.sfund_name,''), coalesce(t.account_code,''), coalesce(t.account_name,''),
			coalesce(t.description,''), coalesce(t.category,''), coalesce(t.recurrence,''), t.proposed_cents, t.adopted_cents, t.nat_key, t.line`), id, func(rows *sql.Rows) error {
			var r budget.Request
			var p, a sql.NullInt64
			if err := rows.Scan(&r.Jurisdiction, &r.FiscalYear.Start, &r.Department.Code, &r.Department.Name, &r.Program.Code, &r.Program.Name,
				&r.Fund.Code, &r.Fund.Name, &r.SourceFund.Code, &r.SourceFund.Name, &r.Account.Code, &r.Account.Name,
				&r.Description, &r.Category, &r.Recurrence, &p, &a, &r.Key, &r.Line); err != nil {
				return err
			}
			r.FiscalYear.StartMonth = month
			if p.Valid {
				r.ProposedCents = &p.Int64
			}
			if a.Valid {
				r.AdoptedCents = &a.Int64
			}
			b.Requests = append(b.Requests, r)
			return nil
		})
	}
	if err == nil {
		err = each(ctx, s.db, of("performance_measures", store.MeasureOrder, `t.jurisdiction, t.fy_start, t.phase, coalesce(t.dept_code,''), coalesce(t.dept_name,''), coalesce(t.org_code,''), coalesce(t.org_name,''),
			coalesce(t.prog_code,''), coalesce(t.prog_name,''), coalesce(t.measure_code,''), coalesce(t.measure_name,''), coalesce(t.unit,''), t.value, t.line`), id, func(rows *sql.Rows) error {
			var m budget.Measure
			var phase string
			if err := rows.Scan(&m.Jurisdiction, &m.FiscalYear.Start, &phase, &m.Department.Code, &m.Department.Name, &m.OrgUnit.Code, &m.OrgUnit.Name,
				&m.Program.Code, &m.Program.Name, &m.Measure.Code, &m.Measure.Name, &m.Unit, &m.Value, &m.Line); err != nil {
				return err
			}
			m.FiscalYear.StartMonth, m.Phase = month, budget.Phase(phase)
			b.Measures = append(b.Measures, m)
			return nil
		})
	}
	if err == nil {
		err = each(ctx, s.db, of("budget_descriptions", store.DescriptionOrder, `t.subject, coalesce(t.code,''), coalesce(t.name,''), coalesce(t.text,''), t.line`), id, func(rows *sql.Rows) error {
			var d budget.Description
			if err := rows.Scan(&d.Subject, &d.Code, &d.Name, &d.Text, &d.Line); err != nil {
				return err
			}
			b.Descriptions = append(b.Descriptions, d)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the rows of import run %d: %w", id, err)
	}
	return b, nil
}

// each runs q with its argument (nil: none) and calls fn for every row.
func each(ctx context.Context, db *sql.DB, q string, arg any, fn func(*sql.Rows) error) error {
	var args []any
	if arg != nil {
		args = append(args, arg)
	}
	rows, err := db.QueryContext(ctx, q, args...)
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

// LayerRuns maps each stored layer to the import run that stored it (0
// for a layer stored before runs were recorded).
func (s *Store) LayerRuns(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, coalesce(import_run, 0) FROM geo_layers`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list layers: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var run int64
		if err := rows.Scan(&name, &run); err != nil {
			return nil, err
		}
		out[name] = run
	}
	return out, rows.Err()
}

// ImportedIndicators returns the values still stored from indicator
// import run id, nil when none remain.
func (s *Store) ImportedIndicators(ctx context.Context, id int64) (*need.IndicatorSet, error) {
	set := &need.IndicatorSet{}
	err := s.db.QueryRowContext(ctx, `SELECT source_file, content_hash FROM import_runs WHERE id = ?`, id).Scan(&set.File, &set.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "store: no import run %d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read import run %d: %w", id, err)
	}
	err = each(ctx, s.db, `SELECT layer, period, area_id, indicator, value, moe FROM need_indicator_values WHERE import_id = ?
		ORDER BY layer, period, area_id, indicator`, id, func(rows *sql.Rows) error {
		var v need.IndicatorValue
		var layer, period string
		var x, m sql.NullFloat64
		if err := rows.Scan(&layer, &period, &v.Area, &v.Indicator, &x, &m); err != nil {
			return err
		}
		if len(set.Values) > 0 && (layer != set.Layer || period != set.Period) {
			return fmt.Errorf("import run %d holds indicators of two layers or periods (%s/%s and %s/%s)", id, set.Layer, set.Period, layer, period)
		}
		set.Layer, set.Period = layer, period
		v.Value, v.MOE = math.NaN(), math.NaN()
		if x.Valid {
			v.Value = x.Float64
		}
		if m.Valid {
			v.MOE = m.Float64
		}
		set.Values = append(set.Values, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the indicators of import run %d: %w", id, err)
	}
	if len(set.Values) == 0 {
		return nil, nil
	}
	return set, nil
}

// DatasetKeys lists the stored analysis datasets as (kind, name) pairs.
func (s *Store) DatasetKeys(ctx context.Context) ([][2]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, name FROM analysis_datasets ORDER BY kind, name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list datasets: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func needID(id int64, what string) error {
	if id <= 0 {
		return budget.Errorf(budget.EINVALID, "store: %s to restore needs its id", what)
	}
	return nil
}

// RestoreImportRun records an import run whose data is no longer stored.
func (s *Store) RestoreImportRun(ctx context.Context, run budget.ImportRun) error {
	if err := needID(run.ID, "an import run"); err != nil {
		return err
	}
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		run.StartedAt = run.StartedAt.UTC()
		if err := insertImportRun(ctx, tx, &run); err != nil {
			return fmt.Errorf("store: unable to restore import run %d: %w", run.ID, err)
		}
		return nil
	})
}

// RestoreBatch stores b as budget import run run.ID (see store.Restorer).
func (s *Store) RestoreBatch(ctx context.Context, run budget.ImportRun, b *budget.Batch) error {
	if err := needID(run.ID, "an import run"); err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: unable to get a connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	if _, err := s.importTx(ctx, conn, b, run); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return fmt.Errorf("store: unable to commit the restore of import run %d: %w", run.ID, err)
	}
	s.commits.Add(1)
	return nil
}

// RestoreLayer stores l as layer import run run.ID.
func (s *Store) RestoreLayer(ctx context.Context, run budget.ImportRun, l *geo.Layer) error {
	if err := needID(run.ID, "an import run"); err != nil {
		return err
	}
	return s.saveLayer(ctx, l, run)
}

// RestoreIndicators stores set as indicator import run run.ID.
func (s *Store) RestoreIndicators(ctx context.Context, run budget.ImportRun, set *need.IndicatorSet) error {
	if err := needID(run.ID, "an import run"); err != nil {
		return err
	}
	_, err := s.saveIndicators(ctx, set, run)
	return err
}

// RestoreRun stores a need run under its own id.
func (s *Store) RestoreRun(ctx context.Context, r *need.Run) error {
	if err := needID(r.ID, "a need run"); err != nil {
		return err
	}
	_, err := s.saveRun(ctx, r, r.ID)
	return err
}

// RestoreAnalysis stores an analysis under its own id.
func (s *Store) RestoreAnalysis(ctx context.Context, r *analysis.Record) error {
	if err := needID(r.ID, "an analysis"); err != nil {
		return err
	}
	_, err := s.saveAnalysis(ctx, r, r.ID)
	return err
}
