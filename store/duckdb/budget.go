package duckdb

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	duck "github.com/duckdb/duckdb-go/v2"
)

// ImportBatch stores b in one transaction on one connection. Rows are
// written with DuckDB's appender (the fast path); any failure rolls back
// everything, including the import run itself.
func (s *Store) ImportBatch(ctx context.Context, b *budget.Batch) (budget.ImportRun, error) {
	if b.Dataset == "" || b.Jurisdiction.ID == "" {
		return budget.ImportRun{}, budget.Errorf(budget.EINVALID, "store: batch from %s has no dataset or jurisdiction", b.SourceFile)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return budget.ImportRun{}, fmt.Errorf("store: unable to get a connection: %w", err)
	}
	defer conn.Close()

	// Same content as a run whose rows are still current (whatever the
	// file is called now): nothing to do.
	var prev budget.ImportRun
	err = conn.QueryRowContext(ctx, `SELECT r.id, r.source_file, r.content_hash, r.rows, r.started_at, b.dataset
		FROM import_runs r JOIN budget_runs b ON b.run_id = r.id
		WHERE r.content_hash = ? AND b.jurisdiction = ?
		  AND EXISTS (SELECT 1 FROM budget_slices s WHERE s.run_id = r.id AND s.superseded_by IS NULL)
		ORDER BY r.id DESC LIMIT 1`, b.ContentHash, b.Jurisdiction.ID).Scan(&prev.ID, &prev.SourceFile, &prev.ContentHash, &prev.Rows, &prev.StartedAt, &prev.Dataset)
	if err != nil && err != sql.ErrNoRows {
		return budget.ImportRun{}, fmt.Errorf("store: unable to read import runs: %w", err)
	}
	if err == nil {
		prev.Unchanged, prev.Kind, prev.Jurisdiction, prev.Profile = true, "budget", b.Jurisdiction.ID, b.Profile
		return prev, nil
	}

	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return budget.ImportRun{}, fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	run, err := s.importTx(ctx, conn, b, budget.ImportRun{})
	if err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return budget.ImportRun{}, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return budget.ImportRun{}, fmt.Errorf("store: unable to commit import of %s: %w", b.SourceFile, err)
	}
	s.commits.Add(1)
	return run, nil
}

type sliceKey struct {
	kind  string
	fy    int
	phase budget.Phase
}

// importTx records the run (a new id and time unless given, as a restore
// gives them), supersedes the dataset's current slices that b replaces and
// appends b's rows, all in the transaction open on conn.
func (s *Store) importTx(ctx context.Context, conn *sql.Conn, b *budget.Batch, given budget.ImportRun) (budget.ImportRun, error) {
	run := budget.ImportRun{ID: given.ID, Kind: "budget", SourceFile: b.SourceFile, ContentHash: b.ContentHash, Profile: b.Profile,
		Dataset: b.Dataset, Jurisdiction: b.Jurisdiction.ID, Rows: int64(b.Rows()), Version: budget.Version, StartedAt: time.Now().UTC()}
	if given.ID != 0 {
		run.StartedAt, run.Version, run.Rows = given.StartedAt.UTC(), given.Version, given.Rows
	}
	if err := insertImportRun(ctx, conn, &run); err != nil {
		return run, fmt.Errorf("store: unable to record the import run: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO budget_runs VALUES (?,?,?,?,?)`, run.ID, b.Jurisdiction.ID, b.Dataset, b.FiscalYear.Start, string(b.Phase)); err != nil {
		return run, fmt.Errorf("store: unable to record the import run: %w", err)
	}
	j := b.Jurisdiction
	if j.StartMonth == 0 {
		j.StartMonth = 7
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM budget_jurisdictions WHERE id = ?`, j.ID); err != nil {
		return run, err
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO budget_jurisdictions VALUES (?,?,?)`, j.ID, j.Name, j.StartMonth); err != nil {
		return run, err
	}

	// Count the rows of each slice, then supersede and create the slices.
	counts := map[sliceKey]int64{}
	for i := range b.LineItems {
		counts[sliceKey{"line_items", b.LineItems[i].FiscalYear.Start, b.LineItems[i].Phase}]++
	}
	for range b.Requests {
		counts[sliceKey{"requests", b.FiscalYear.Start, b.Phase}]++
	}
	for i := range b.Measures {
		counts[sliceKey{"measures", b.Measures[i].FiscalYear.Start, b.Measures[i].Phase}]++
	}
	for range b.Descriptions {
		counts[sliceKey{"descriptions", b.FiscalYear.Start, b.Phase}]++
	}
	keys := make([]sliceKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.kind != c.kind {
			return a.kind < c.kind
		}
		if a.fy != c.fy {
			return a.fy < c.fy
		}
		return a.phase < c.phase
	})
	ids := map[sliceKey]int64{}
	for _, k := range keys {
		res, err := conn.ExecContext(ctx, `UPDATE budget_slices SET superseded_by = ?
			WHERE jurisdiction = ? AND dataset = ? AND kind = ? AND fy_start = ? AND phase = ? AND superseded_by IS NULL`,
			run.ID, j.ID, b.Dataset, k.kind, k.fy, string(k.phase))
		if err != nil {
			return run, fmt.Errorf("store: unable to supersede earlier slices: %w", err)
		}
		n, _ := res.RowsAffected()
		run.Superseded += int(n)
		var id int64
		if err := conn.QueryRowContext(ctx, `SELECT nextval('budget_slice_ids')`).Scan(&id); err != nil {
			return run, err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO budget_slices VALUES (?,?,?,?,?,?,?,?,NULL)`,
			id, run.ID, j.ID, b.Dataset, k.kind, k.fy, string(k.phase), counts[k]); err != nil {
			return run, fmt.Errorf("store: unable to create a slice: %w", err)
		}
		ids[k] = id
	}

	if len(b.LineItems) >= bulkThreshold {
		if err := s.bulkLineItems(ctx, conn, j.ID, b.LineItems, func(l *budget.LineItem) int64 {
			return ids[sliceKey{"line_items", l.FiscalYear.Start, l.Phase}]
		}); err != nil {
			return run, err
		}
	}
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("store: unexpected driver connection %T", dc)
		}
		items := b.LineItems
		if len(items) >= bulkThreshold {
			items = nil
		}
		if err := appendAll(c, "line_items", len(items), func(i int) []driver.Value {
			l := &items[i]
			return []driver.Value{ids[sliceKey{"line_items", l.FiscalYear.Start, l.Phase}], j.ID, int32(l.FiscalYear.Start), string(l.Phase), string(l.Kind),
				l.Department.Code, l.Department.Name, l.OrgUnit.Code, l.OrgUnit.Name, l.Program.Code, l.Program.Name,
				l.Fund.Code, l.Fund.Name, l.SourceFund.Code, l.SourceFund.Name, l.Account.Code, l.Account.Name,
				l.Function.Code, l.Function.Name, l.AmountCents, l.Key, int32(l.Line), nullStr(l.Area), nullStr(l.AreaLayer)}
		}); err != nil {
			return err
		}
		if err := appendAll(c, "budget_requests", len(b.Requests), func(i int) []driver.Value {
			r := &b.Requests[i]
			return []driver.Value{ids[sliceKey{"requests", b.FiscalYear.Start, b.Phase}], j.ID, int32(b.FiscalYear.Start),
				r.Department.Code, r.Department.Name, r.Program.Code, r.Program.Name, r.Fund.Code, r.Fund.Name,
				r.SourceFund.Code, r.SourceFund.Name, r.Account.Code, r.Account.Name,
				r.Description, r.Category, r.Recurrence, nullInt(r.ProposedCents), nullInt(r.AdoptedCents), r.Key, int32(r.Line)}
		}); err != nil {
			return err
		}
		if err := appendAll(c, "performance_measures", len(b.Measures), func(i int) []driver.Value {
			m := &b.Measures[i]
			return []driver.Value{ids[sliceKey{"measures", m.FiscalYear.Start, m.Phase}], j.ID, int32(m.FiscalYear.Start), string(m.Phase),
				m.Department.Code, m.Department.Name, m.OrgUnit.Code, m.OrgUnit.Name, m.Program.Code, m.Program.Name,
				m.Measure.Code, m.Measure.Name, m.Unit, m.Value, int32(m.Line)}
		}); err != nil {
			return err
		}
		return appendAll(c, "budget_descriptions", len(b.Descriptions), func(i int) []driver.Value {
			d := &b.Descriptions[i]
			return []driver.Value{ids[sliceKey{"descriptions", b.FiscalYear.Start, b.Phase}], j.ID, d.Subject, d.Code, d.Name, d.Text, int32(d.Line)}
		})
	})
	return run, err
}

// nullStr stores "" as NULL (a row without area codes).
func nullStr(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(p *int64) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}

// bulkThreshold is the number of line items from which they are written
// to a temporary CSV file and loaded with DuckDB's read_csv inside the
// import's transaction: DuckDB's appender pays one cgo call per value,
// read_csv parses in parallel without them. Below it the appender wins
// (LA's 20,345-item Sec2 file: 150 ms appended, 300 ms through read_csv;
// the synthetic 1,000,000 items: 19 s through read_csv, 27 s appended, on
// the same loaded 2-core machine). A variable so that tests can force
// either path.
var bulkThreshold = 100000

var lineItemColumns = `{'slice_id': 'BIGINT', 'jurisdiction': 'VARCHAR', 'fy_start': 'INTEGER', 'phase': 'VARCHAR', 'kind': 'VARCHAR',
	'dept_code': 'VARCHAR', 'dept_name': 'VARCHAR', 'org_code': 'VARCHAR', 'org_name': 'VARCHAR', 'prog_code': 'VARCHAR', 'prog_name': 'VARCHAR',
	'fund_code': 'VARCHAR', 'fund_name': 'VARCHAR', 'sfund_code': 'VARCHAR', 'sfund_name': 'VARCHAR', 'account_code': 'VARCHAR', 'account_name': 'VARCHAR',
	'function_code': 'VARCHAR', 'function_name': 'VARCHAR', 'amount_cents': 'BIGINT', 'nat_key': 'VARCHAR', 'line': 'INTEGER',
	'area_code': 'VARCHAR', 'area_layer': 'VARCHAR'}`

// bulkLineItems writes items to a temporary CSV and inserts them with
// read_csv on conn (inside the caller's transaction). The file lives beside
// the store (see tempFile) and is removed on every return; a process killed
// mid-import leaves it for the next Open to sweep.
func (s *Store) bulkLineItems(ctx context.Context, conn *sql.Conn, jurisdiction string, items []budget.LineItem, slice func(*budget.LineItem) int64) error {
	f, err := s.tempFile()
	if err != nil {
		return fmt.Errorf("store: unable to create a temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	if err := writeItemsCSV(f, jurisdiction, items, slice); err != nil {
		f.Close()
		return fmt.Errorf("store: unable to write a temporary file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: unable to write a temporary file: %w", err)
	}
	q := `INSERT INTO line_items SELECT * FROM read_csv(?, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = ` + lineItemColumns + `)`
	if _, err := conn.ExecContext(ctx, q, f.Name()); err != nil {
		return fmt.Errorf("store: unable to load line items: %w", err)
	}
	return nil
}

// writeItemsCSV writes the line items in the column order of line_items.
func writeItemsCSV(f io.Writer, jurisdiction string, items []budget.LineItem, slice func(*budget.LineItem) int64) error {
	w := bufio.NewWriterSize(f, 1<<20)
	buf := make([]byte, 0, 512)
	for i := range items {
		l := &items[i]
		buf = buf[:0]
		buf = strconv.AppendInt(buf, slice(l), 10)
		buf = appendCSVField(buf, jurisdiction)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(l.FiscalYear.Start), 10)
		for _, v := range [...]string{string(l.Phase), string(l.Kind), l.Department.Code, l.Department.Name, l.OrgUnit.Code, l.OrgUnit.Name,
			l.Program.Code, l.Program.Name, l.Fund.Code, l.Fund.Name, l.SourceFund.Code, l.SourceFund.Name,
			l.Account.Code, l.Account.Name, l.Function.Code, l.Function.Name} {
			buf = appendCSVField(buf, v)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, l.AmountCents, 10)
		buf = appendCSVField(buf, l.Key)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(l.Line), 10)
		buf = appendCSVField(buf, l.Area)
		buf = appendCSVField(buf, l.AreaLayer)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}

// appendCSVField appends ",v", quoting v when it holds a comma, quote,
// line break or surrounding space.
func appendCSVField(buf []byte, v string) []byte {
	buf = append(buf, ',')
	if v == "" {
		return buf
	}
	if !strings.ContainsAny(v, ",\"\r\n") && v[0] != ' ' && v[len(v)-1] != ' ' {
		return append(buf, v...)
	}
	buf = append(buf, '"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, v[i])
	}
	return append(buf, '"')
}

// appendAll appends n rows to table with DuckDB's appender.
func appendAll(c driver.Conn, table string, n int, row func(i int) []driver.Value) error {
	if n == 0 {
		return nil
	}
	a, err := duck.NewAppenderFromConn(c, "", table)
	if err != nil {
		return fmt.Errorf("store: unable to append to %s: %w", table, err)
	}
	for i := 0; i < n; i++ {
		if err := a.AppendRow(row(i)...); err != nil {
			a.Close()
			return fmt.Errorf("store: unable to append to %s: %w", table, err)
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("store: unable to append to %s: %w", table, err)
	}
	return nil
}

// ImportRuns lists the budget import runs, oldest first.
func (s *Store) ImportRuns(ctx context.Context) ([]budget.ImportRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.kind, r.source_file, r.content_hash, coalesce(r.profile, ''), r.rows, r.started_at, r.version,
		b.dataset, b.jurisdiction,
		(SELECT count(*) FROM budget_slices s WHERE s.superseded_by = r.id)
		FROM import_runs r JOIN budget_runs b ON b.run_id = r.id ORDER BY r.id`)
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
		r.Superseded = int(sup)
		out = append(out, r)
	}
	return out, rows.Err()
}

// where builds the WHERE clause of a filter; phase and kind columns are
// used only when the table has them.
func where(f budget.Filter, hasPhase, hasKind, hasOrg bool) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, v any) { conds = append(conds, c); args = append(args, v) }
	if f.Jurisdiction != "" {
		add("jurisdiction = ?", f.Jurisdiction)
	}
	if f.FiscalYear != nil {
		add("fy_start = ?", f.FiscalYear.Start)
	}
	if hasPhase && f.Phase != "" {
		add("phase = ?", string(f.Phase))
	}
	if hasKind && f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.Department != "" {
		add("dept_code = ?", f.Department)
	}
	if f.Program != "" {
		add("prog_code = ?", f.Program)
	}
	_ = hasOrg
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
	return out, err
}

// EachLineItem streams the current line items matching f to fn, in the
// order of LineItems.
func (s *Store) EachLineItem(ctx context.Context, f budget.Filter, fn func(*budget.LineItem) error) error {
	months, err := s.startMonths(ctx)
	if err != nil {
		return err
	}
	w, args := where(f, true, true, true)
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, kind,
		coalesce(dept_code,''), coalesce(dept_name,''), coalesce(org_code,''), coalesce(org_name,''), coalesce(prog_code,''), coalesce(prog_name,''),
		coalesce(fund_code,''), coalesce(fund_name,''), coalesce(sfund_code,''), coalesce(sfund_name,''), coalesce(account_code,''), coalesce(account_name,''),
		coalesce(function_code,''), coalesce(function_name,''), amount_cents, nat_key, line, coalesce(area_code,''), coalesce(area_layer,'')
		FROM current_line_items`+w+store.OrderBy(store.LineItemOrder, ""), args...)
	if err != nil {
		return fmt.Errorf("store: unable to read line items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l budget.LineItem
		var phase, kind string
		if err := rows.Scan(&l.Jurisdiction, &l.FiscalYear.Start, &phase, &kind, &l.Department.Code, &l.Department.Name, &l.OrgUnit.Code, &l.OrgUnit.Name,
			&l.Program.Code, &l.Program.Name, &l.Fund.Code, &l.Fund.Name, &l.SourceFund.Code, &l.SourceFund.Name,
			&l.Account.Code, &l.Account.Name, &l.Function.Code, &l.Function.Name, &l.AmountCents, &l.Key, &l.Line, &l.Area, &l.AreaLayer); err != nil {
			return fmt.Errorf("store: unable to read line items: %w", err)
		}
		l.FiscalYear.StartMonth = months.Of(l.Jurisdiction)
		l.Phase, l.Kind = budget.Phase(phase), budget.Kind(kind)
		if err := fn(&l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// startMonths reads each stored jurisdiction's first fiscal month.
func (s *Store) startMonths(ctx context.Context) (store.StartMonths, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, start_month FROM budget_jurisdictions`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read jurisdictions: %w", err)
	}
	defer rows.Close()
	m := store.StartMonths{}
	for rows.Next() {
		var id string
		var month int
		if err := rows.Scan(&id, &month); err != nil {
			return nil, fmt.Errorf("store: unable to read jurisdictions: %w", err)
		}
		m[id] = month
	}
	return m, rows.Err()
}

// Jurisdiction returns a stored jurisdiction.
func (s *Store) Jurisdiction(ctx context.Context, id string) (budget.Jurisdiction, error) {
	j := budget.Jurisdiction{ID: id}
	err := s.db.QueryRowContext(ctx, `SELECT name, start_month FROM budget_jurisdictions WHERE id = ? LIMIT 1`, id).Scan(&j.Name, &j.StartMonth)
	if errors.Is(err, sql.ErrNoRows) {
		return j, budget.Errorf(budget.ENOTFOUND, "no budget of jurisdiction %q is stored", id)
	}
	if err != nil {
		return j, fmt.Errorf("store: unable to read jurisdiction %s: %w", id, err)
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
// written most often for it; ties go to the alphabetically first name.
func (s *Store) Totals(ctx context.Context, f budget.Filter, by budget.Level) ([]budget.Total, error) {
	cols, ok := levelColumns[by]
	if !ok {
		return nil, budget.Errorf(budget.EINVALID, "unknown level %q", by)
	}
	w, args := where(f, true, true, true)
	q := fmt.Sprintf(`SELECT coalesce(%[1]s,''), coalesce(%[2]s,''), sum(amount_cents)::BIGINT, count(*)
		FROM current_line_items%[3]s GROUP BY 1, 2 ORDER BY 1, 2`, cols[0], cols[1], w)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to total line items: %w", err)
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
			return nil, err
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
	return out, rows.Err()
}

// PhaseTotal sums the current line items matching f, in cents.
func (s *Store) PhaseTotal(ctx context.Context, f budget.Filter) (int64, error) {
	w, args := where(f, true, true, true)
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(sum(amount_cents), 0)::BIGINT FROM current_line_items`+w, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to total line items: %w", err)
	}
	return n, nil
}

// Requests returns current budget requests matching f.
func (s *Store) Requests(ctx context.Context, f budget.Filter) ([]budget.Request, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	w, args := where(f, false, false, false)
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, coalesce(dept_code,''), coalesce(dept_name,''), coalesce(prog_code,''), coalesce(prog_name,''),
		coalesce(fund_code,''), coalesce(fund_name,''), coalesce(sfund_code,''), coalesce(sfund_name,''), coalesce(account_code,''), coalesce(account_name,''),
		coalesce(description,''), coalesce(category,''), coalesce(recurrence,''), proposed_cents, adopted_cents, nat_key, line
		FROM current_budget_requests`+w+store.OrderBy(store.RequestOrder, ""), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read budget requests: %w", err)
	}
	defer rows.Close()
	var out []budget.Request
	for rows.Next() {
		var r budget.Request
		var p, a sql.NullInt64
		if err := rows.Scan(&r.Jurisdiction, &r.FiscalYear.Start, &r.Department.Code, &r.Department.Name, &r.Program.Code, &r.Program.Name,
			&r.Fund.Code, &r.Fund.Name, &r.SourceFund.Code, &r.SourceFund.Name, &r.Account.Code, &r.Account.Name,
			&r.Description, &r.Category, &r.Recurrence, &p, &a, &r.Key, &r.Line); err != nil {
			return nil, err
		}
		r.FiscalYear.StartMonth = months.Of(r.Jurisdiction)
		if p.Valid {
			r.ProposedCents = &p.Int64
		}
		if a.Valid {
			r.AdoptedCents = &a.Int64
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Measures returns current performance-measure values matching f.
func (s *Store) Measures(ctx context.Context, f budget.Filter) ([]budget.Measure, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	w, args := where(f, true, false, true)
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, coalesce(dept_code,''), coalesce(dept_name,''), coalesce(org_code,''), coalesce(org_name,''),
		coalesce(prog_code,''), coalesce(prog_name,''), coalesce(measure_code,''), coalesce(measure_name,''), coalesce(unit,''), value, line
		FROM current_performance_measures`+w+store.OrderBy(store.MeasureOrder, ""), args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read measures: %w", err)
	}
	defer rows.Close()
	var out []budget.Measure
	for rows.Next() {
		var m budget.Measure
		var phase string
		if err := rows.Scan(&m.Jurisdiction, &m.FiscalYear.Start, &phase, &m.Department.Code, &m.Department.Name, &m.OrgUnit.Code, &m.OrgUnit.Name,
			&m.Program.Code, &m.Program.Name, &m.Measure.Code, &m.Measure.Name, &m.Unit, &m.Value, &m.Line); err != nil {
			return nil, err
		}
		m.FiscalYear.StartMonth = months.Of(m.Jurisdiction)
		m.Phase = budget.Phase(phase)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Descriptions returns current published texts for a subject.
func (s *Store) Descriptions(ctx context.Context, jurisdiction, subject string) ([]budget.Description, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT subject, coalesce(code,''), coalesce(name,''), coalesce(text,''), line
		FROM current_budget_descriptions WHERE (? = '' OR jurisdiction = ?) AND (? = '' OR subject = ?)`+store.OrderBy(store.DescriptionOrder, ""),
		jurisdiction, jurisdiction, subject, subject)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read descriptions: %w", err)
	}
	defer rows.Close()
	var out []budget.Description
	for rows.Next() {
		var d budget.Description
		if err := rows.Scan(&d.Subject, &d.Code, &d.Name, &d.Text, &d.Line); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FiscalYearsPhases lists (fiscal year, phase) pairs with current line items.
func (s *Store) FiscalYearsPhases(ctx context.Context, jurisdiction string) ([]budget.Slice, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT s.fy_start, s.phase, coalesce(j.start_month, 7)
		FROM budget_slices s LEFT JOIN budget_jurisdictions j ON j.id = s.jurisdiction
		WHERE s.kind = 'line_items' AND s.superseded_by IS NULL AND (? = '' OR s.jurisdiction = ?) ORDER BY 1, 2, 3`, jurisdiction, jurisdiction)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list fiscal years: %w", err)
	}
	defer rows.Close()
	var out []budget.Slice
	for rows.Next() {
		var sl budget.Slice
		var phase string
		if err := rows.Scan(&sl.FiscalYear.Start, &phase, &sl.FiscalYear.StartMonth); err != nil {
			return nil, err
		}
		sl.Kind, sl.Phase = "line_items", budget.Phase(phase)
		out = append(out, sl)
	}
	return out, rows.Err()
}
