package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// Text is ordered byte by byte (COLLATE "C") wherever order is visible, so
// that listings come out exactly as the DuckDB store gives them whatever
// the database's locale.
const byteOrder = ` COLLATE "C"`

// The columns the budget listings and ImportedBatch read, in the order
// the scan functions take them.
const (
	lineItemSelect = `jurisdiction, fy_start, phase, kind,
		coalesce(dept_code,''), coalesce(dept_name,''), coalesce(org_code,''), coalesce(org_name,''), coalesce(prog_code,''), coalesce(prog_name,''),
		coalesce(fund_code,''), coalesce(fund_name,''), coalesce(sfund_code,''), coalesce(sfund_name,''), coalesce(account_code,''), coalesce(account_name,''),
		coalesce(function_code,''), coalesce(function_name,''), amount_cents, nat_key, line, coalesce(area_code,''), coalesce(area_layer,'')`
	requestSelect = `jurisdiction, fy_start, coalesce(dept_code,''), coalesce(dept_name,''), coalesce(prog_code,''), coalesce(prog_name,''),
		coalesce(fund_code,''), coalesce(fund_name,''), coalesce(sfund_code,''), coalesce(sfund_name,''), coalesce(account_code,''), coalesce(account_name,''),
		coalesce(description,''), coalesce(category,''), coalesce(recurrence,''), proposed_cents, adopted_cents, nat_key, line`
	measureSelect = `jurisdiction, fy_start, phase, coalesce(dept_code,''), coalesce(dept_name,''), coalesce(org_code,''), coalesce(org_name,''),
		coalesce(prog_code,''), coalesce(prog_name,''), coalesce(measure_code,''), coalesce(measure_name,''), coalesce(unit,''), value, line`
	descriptionSelect = `subject, coalesce(code,''), coalesce(name,''), coalesce(text,''), line`
)

// ImportRuns lists the budget import runs, oldest first.
func (s *Store) ImportRuns(ctx context.Context) ([]budget.ImportRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.kind, r.source_file, r.content_hash, coalesce(r.profile, ''), r.rows, r.started_at, r.version,
		b.dataset, b.jurisdiction,
		(SELECT count(*) FROM budget_slices s WHERE s.superseded_by = r.id)
		FROM import_runs r JOIN budget_runs b ON b.run_id = r.id ORDER BY r.id`)
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

// where builds the WHERE clause of a filter with numbered parameters;
// phase and kind columns are used only when the table has them.
func where(f budget.Filter, hasPhase, hasKind bool) (string, []any) {
	var conds []string
	var args []any
	add := func(col string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if f.Jurisdiction != "" {
		add("jurisdiction", f.Jurisdiction)
	}
	if f.FiscalYear != nil {
		add("fy_start", f.FiscalYear.Start)
	}
	if hasPhase && f.Phase != "" {
		add("phase", string(f.Phase))
	}
	if hasKind && f.Kind != "" {
		add("kind", string(f.Kind))
	}
	if f.Department != "" {
		add("dept_code", f.Department)
	}
	if f.Program != "" {
		add("prog_code", f.Program)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// LineItems returns current line items matching f.
func (s *Store) LineItems(ctx context.Context, f budget.Filter) ([]budget.LineItem, error) {
	var out []budget.LineItem
	err := s.EachLineItem(ctx, f, func(l *budget.LineItem) error {
		out = append(out, *l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachLineItem streams the current line items matching f to fn, in the
// order of LineItems, one row in memory at a time. An error from fn stops
// the query (its connection is dropped rather than read to the end) and is
// returned as it is.
func (s *Store) EachLineItem(ctx context.Context, f budget.Filter, fn func(*budget.LineItem) error) error {
	months, err := s.startMonths(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, args := where(f, true, true)
	rows, err := s.pool.Query(ctx, `SELECT `+lineItemSelect+` FROM current_line_items`+w+store.OrderBy(store.LineItemOrder, byteOrder), args...)
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to read line items")
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLineItem(rows)
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to read line items")
		}
		l.FiscalYear.StartMonth = months.Of(l.Jurisdiction)
		if err := fn(&l); err != nil {
			cancel() // the rest is not wanted: do not read it
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to read line items")
	}
	return nil
}

func scanLineItem(row pgx.CollectableRow) (budget.LineItem, error) {
	var l budget.LineItem
	var phase, kind string
	err := row.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &phase, &kind, &l.Department.Code, &l.Department.Name, &l.OrgUnit.Code, &l.OrgUnit.Name,
		&l.Program.Code, &l.Program.Name, &l.Fund.Code, &l.Fund.Name, &l.SourceFund.Code, &l.SourceFund.Name,
		&l.Account.Code, &l.Account.Name, &l.Function.Code, &l.Function.Name, &l.AmountCents, &l.Key, &l.Line, &l.Area, &l.AreaLayer)
	l.Phase, l.Kind = budget.Phase(phase), budget.Kind(kind)
	return l, err
}

// startMonths reads each stored jurisdiction's first fiscal month.
func (s *Store) startMonths(ctx context.Context) (store.StartMonths, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, start_month FROM budget_jurisdictions`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read jurisdictions")
	}
	defer rows.Close()
	m := store.StartMonths{}
	for rows.Next() {
		var id string
		var month int
		if err := rows.Scan(&id, &month); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read jurisdictions")
		}
		m[id] = month
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read jurisdictions")
	}
	return m, nil
}

// Jurisdiction returns a stored jurisdiction: its name and the first month
// of its fiscal year; ENOTFOUND when no budget of it is stored.
func (s *Store) Jurisdiction(ctx context.Context, id string) (budget.Jurisdiction, error) {
	j := budget.Jurisdiction{ID: id}
	err := s.pool.QueryRow(ctx, `SELECT name, start_month FROM budget_jurisdictions WHERE id = $1`, id).Scan(&j.Name, &j.StartMonth)
	if errors.Is(err, pgx.ErrNoRows) {
		return j, budget.Errorf(budget.ENOTFOUND, "no budget of jurisdiction %q is stored", id)
	}
	if err != nil {
		return j, s.errorf(budget.EINTERNAL, err, "unable to read jurisdiction %s", id)
	}
	return j, nil
}

var levelColumns = map[budget.Level][2]string{
	budget.LevelDepartment: {"dept_code", "dept_name"},
	budget.LevelOrgUnit:    {"org_code", "org_name"},
	budget.LevelProgram:    {"prog_code", "prog_name"},
	budget.LevelFund:       {"fund_code", "fund_name"},
	budget.LevelSourceFund: {"sfund_code", "sfund_name"},
	budget.LevelAccount:    {"account_code", "account_name"},
	budget.LevelFunction:   {"function_code", "function_name"},
}

// Totals sums current line items by level. The name of a code is the name
// written most often for it; ties go to the first name in byte order.
func (s *Store) Totals(ctx context.Context, f budget.Filter, by budget.Level) ([]budget.Total, error) {
	cols, ok := levelColumns[by]
	if !ok {
		return nil, budget.Errorf(budget.EINVALID, "unknown level %q", by)
	}
	w, args := where(f, true, true)
	q := fmt.Sprintf(`SELECT coalesce(%[1]s,''), coalesce(%[2]s,''), sum(amount_cents)::bigint, count(*)
		FROM current_line_items%[3]s GROUP BY 1, 2 ORDER BY coalesce(%[1]s,'')%[4]s, coalesce(%[2]s,'')%[4]s`, cols[0], cols[1], w, byteOrder)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to total line items")
	}
	defer rows.Close()
	// Codes group; rows without a code group by name (Oakland's
	// departments have names only).
	var out []budget.Total
	pos := map[string]int{}
	best := map[string]int64{} // items behind the chosen name
	for rows.Next() {
		var code, name string
		var sum, n int64
		if err := rows.Scan(&code, &name, &sum, &n); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to total line items")
		}
		k := code
		if code == "" {
			k = "\x00" + name
		}
		if i, ok := pos[k]; ok {
			t := &out[i]
			t.AmountCents += sum
			t.Items += n
			if n > best[k] {
				t.Name, best[k] = name, n
			}
			continue
		}
		pos[k], best[k] = len(out), n
		out = append(out, budget.Total{Code: code, Name: name, AmountCents: sum, Items: n})
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to total line items")
	}
	return out, nil
}

// PhaseTotal sums the current line items matching f, in cents.
func (s *Store) PhaseTotal(ctx context.Context, f budget.Filter) (int64, error) {
	w, args := where(f, true, true)
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(amount_cents), 0)::bigint FROM current_line_items`+w, args...).Scan(&n); err != nil {
		return 0, s.errorf(budget.EINTERNAL, err, "unable to total line items")
	}
	return n, nil
}

// Requests returns current budget requests matching f.
func (s *Store) Requests(ctx context.Context, f budget.Filter) ([]budget.Request, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	w, args := where(f, false, false)
	rows, err := s.pool.Query(ctx, `SELECT `+requestSelect+` FROM current_budget_requests`+w+store.OrderBy(store.RequestOrder, byteOrder), args...)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read budget requests")
	}
	out, err := collect(rows, scanRequest)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read budget requests")
	}
	for i := range out {
		out[i].FiscalYear.StartMonth = months.Of(out[i].Jurisdiction)
	}
	return out, nil
}

func scanRequest(row pgx.CollectableRow) (budget.Request, error) {
	var r budget.Request
	err := row.Scan(&r.Jurisdiction, &r.FiscalYear.Start, &r.Department.Code, &r.Department.Name, &r.Program.Code, &r.Program.Name,
		&r.Fund.Code, &r.Fund.Name, &r.SourceFund.Code, &r.SourceFund.Name, &r.Account.Code, &r.Account.Name,
		&r.Description, &r.Category, &r.Recurrence, &r.ProposedCents, &r.AdoptedCents, &r.Key, &r.Line)
	return r, err
}

// Measures returns current performance-measure values matching f.
func (s *Store) Measures(ctx context.Context, f budget.Filter) ([]budget.Measure, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	w, args := where(f, true, false)
	rows, err := s.pool.Query(ctx, `SELECT `+measureSelect+` FROM current_performance_measures`+w+store.OrderBy(store.MeasureOrder, byteOrder), args...)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read measures")
	}
	out, err := collect(rows, scanMeasure)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read measures")
	}
	for i := range out {
		out[i].FiscalYear.StartMonth = months.Of(out[i].Jurisdiction)
	}
	return out, nil
}

func scanMeasure(row pgx.CollectableRow) (budget.Measure, error) {
	var m budget.Measure
	var phase string
	err := row.Scan(&m.Jurisdiction, &m.FiscalYear.Start, &phase, &m.Department.Code, &m.Department.Name, &m.OrgUnit.Code, &m.OrgUnit.Name,
		&m.Program.Code, &m.Program.Name, &m.Measure.Code, &m.Measure.Name, &m.Unit, &m.Value, &m.Line)
	m.Phase = budget.Phase(phase)
	return m, err
}

// Descriptions returns current published texts for a subject.
func (s *Store) Descriptions(ctx context.Context, jurisdiction, subject string) ([]budget.Description, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+descriptionSelect+`
		FROM current_budget_descriptions WHERE ($1 = '' OR jurisdiction = $1) AND ($2 = '' OR subject = $2)
		`+store.OrderBy(store.DescriptionOrder, byteOrder), jurisdiction, subject)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read descriptions")
	}
	out, err := collect(rows, scanDescription)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read descriptions")
	}
	return out, nil
}

// FiscalYearsPhases lists (fiscal year, phase) pairs with current line items.
func (s *Store) FiscalYearsPhases(ctx context.Context, jurisdiction string) ([]budget.Slice, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT s.fy_start, s.phase`+byteOrder+`, coalesce(j.start_month, 7)
		FROM budget_slices s LEFT JOIN budget_jurisdictions j ON j.id = s.jurisdiction
		WHERE s.kind = 'line_items' AND s.superseded_by IS NULL AND ($1 = '' OR s.jurisdiction = $1) ORDER BY 1, 2, 3`, jurisdiction)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list fiscal years")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (budget.Slice, error) {
		var sl budget.Slice
		var phase string
		err := row.Scan(&sl.FiscalYear.Start, &phase, &sl.FiscalYear.StartMonth)
		sl.Kind, sl.Phase = "line_items", budget.Phase(phase)
		return sl, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list fiscal years")
	}
	return out, nil
}

// collect gathers rows with fn; an empty result is nil, as the DuckDB
// store gives it, so that both stores' answers encode alike (JSON null).
func collect[T any](rows pgx.Rows, fn pgx.RowToFunc[T]) ([]T, error) {
	out, err := pgx.CollectRows(rows, fn)
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

func scanDescription(row pgx.CollectableRow) (budget.Description, error) {
	var d budget.Description
	err := row.Scan(&d.Subject, &d.Code, &d.Name, &d.Text, &d.Line)
	return d, err
}
