package postgres

import (
	"context"
	"errors"
	"hash/fnv"
	"sort"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/jackc/pgx/v5"
)

// ImportBatch stores b in one transaction. It first takes the advisory
// locks of b's dataset and of its content (so that two imports of one
// dataset, or of the same bytes under two names, run one after the other;
// other imports and every read go on), then does what the DuckDB store
// does: nothing when a run of the jurisdiction with the same content hash
// still has current rows, otherwise a new run whose slices supersede the
// dataset's current ones, with every row loaded by COPY. Text PostgreSQL
// cannot hold (a NUL character) is refused before anything is written,
// with the file, line and field.
func (s *Store) ImportBatch(ctx context.Context, b *budget.Batch) (budget.ImportRun, error) {
	if err := s.writable(); err != nil {
		return budget.ImportRun{}, err
	}
	if b.Dataset == "" || b.Jurisdiction.ID == "" {
		return budget.ImportRun{}, budget.Errorf(budget.EINVALID, "store: batch from %s has no dataset or jurisdiction", b.SourceFile)
	}
	if err := checkBatchText(b); err != nil {
		return budget.ImportRun{}, err
	}
	var run budget.ImportRun
	err := s.withTx(ctx, func(tx pgx.Tx) error {
		prev, found, err := s.lockedUnchanged(ctx, tx, b)
		if err != nil || found {
			run = prev
			return err
		}
		run, err = s.importTx(ctx, tx, b, budget.ImportRun{})
		return err
	})
	if err != nil {
		return budget.ImportRun{}, err
	}
	return run, nil
}

// lockedUnchanged begins every budget import inside its transaction: it
// takes the dataset's locks and finds a current run of b's content, which
// the import then returns as unchanged instead of storing b again.
func (s *Store) lockedUnchanged(ctx context.Context, tx pgx.Tx, b *budget.Batch) (budget.ImportRun, bool, error) {
	if err := lockImport(ctx, tx, b); err != nil {
		return budget.ImportRun{}, false, s.errorf(budget.EINTERNAL, err, "unable to lock dataset %s for import", b.Dataset)
	}
	prev, found, err := currentRunWithContent(ctx, tx, b)
	if err != nil {
		return budget.ImportRun{}, false, s.errorf(budget.EINTERNAL, err, "unable to read import runs")
	}
	return prev, found, nil
}

// lockImport takes the transaction-scoped advisory locks of b's dataset
// and of b's content, always in that order, so that two imports never wait
// for each other in a cycle.
func lockImport(ctx context.Context, tx pgx.Tx, b *budget.Batch) error {
	for _, k := range []int64{lockKey("dataset", b.Jurisdiction.ID, b.Dataset), lockKey("content", b.Jurisdiction.ID, b.ContentHash)} {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, k); err != nil {
			return err
		}
	}
	return nil
}

// lockName takes the transaction-scoped advisory lock named by parts
// (a layer's name, an indicator table's layer and period), so that two
// writers of the same thing run one after the other.
func lockName(ctx context.Context, tx pgx.Tx, parts ...string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey(parts...))
	return err
}

// lockKey is the 64-bit advisory-lock key of a name (FNV-1a of its parts
// joined by the unit separator, under a "budgetlens import" prefix).
func lockKey(parts ...string) int64 {
	h := fnv.New64a()
	h.Write([]byte("budgetlens import"))
	for _, p := range parts {
		h.Write([]byte{0x1f})
		h.Write([]byte(p))
	}
	return int64(h.Sum64())
}

// currentRunWithContent finds the latest run of b's jurisdiction with b's
// content hash that still has current rows.
func currentRunWithContent(ctx context.Context, tx pgx.Tx, b *budget.Batch) (budget.ImportRun, bool, error) {
	var prev budget.ImportRun
	err := tx.QueryRow(ctx, `SELECT r.id, r.source_file, r.content_hash, r.rows, r.started_at, b.dataset
		FROM import_runs r JOIN budget_runs b ON b.run_id = r.id
		WHERE r.content_hash = $1 AND b.jurisdiction = $2
		  AND EXISTS (SELECT 1 FROM budget_slices s WHERE s.run_id = r.id AND s.superseded_by IS NULL)
		ORDER BY r.id DESC LIMIT 1`, b.ContentHash, b.Jurisdiction.ID).Scan(&prev.ID, &prev.SourceFile, &prev.ContentHash, &prev.Rows, &prev.StartedAt, &prev.Dataset)
	if errors.Is(err, pgx.ErrNoRows) {
		return prev, false, nil
	}
	if err != nil {
		return prev, false, err
	}
	prev.StartedAt = prev.StartedAt.UTC()
	prev.Unchanged, prev.Kind, prev.Jurisdiction, prev.Profile = true, "budget", b.Jurisdiction.ID, b.Profile
	return prev, true, nil
}

type sliceKey struct {
	kind  string
	fy    int
	phase budget.Phase
}

// importTx records the run (a new id and time unless given, as a restore
// gives them), supersedes the dataset's current slices that b replaces,
// creates b's slices and copies its rows, all inside tx.
func (s *Store) importTx(ctx context.Context, tx pgx.Tx, b *budget.Batch, given budget.ImportRun) (budget.ImportRun, error) {
	run := budget.ImportRun{ID: given.ID, Kind: "budget", SourceFile: b.SourceFile, ContentHash: b.ContentHash, Profile: b.Profile,
		Dataset: b.Dataset, Jurisdiction: b.Jurisdiction.ID, Rows: int64(b.Rows()), Version: budget.Version, StartedAt: time.Now().UTC().Truncate(time.Microsecond)}
	if given.ID != 0 {
		run.StartedAt, run.Version, run.Rows = given.StartedAt.UTC(), given.Version, given.Rows
	}
	if err := s.recordRun(ctx, tx, b, &run); err != nil {
		return run, err
	}
	ids, superseded, err := s.createSlices(ctx, tx, b, run.ID)
	if err != nil {
		return run, err
	}
	run.Superseded = superseded
	if err := s.copyRows(ctx, tx, b, ids); err != nil {
		return run, err
	}
	return run, nil
}

// recordRun records run (its id allocated unless given), the batch's
// dataset, fiscal year and phase, and its jurisdiction.
func (s *Store) recordRun(ctx context.Context, tx pgx.Tx, b *budget.Batch, run *budget.ImportRun) error {
	if err := insertImportRun(ctx, tx, run); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to record the import run of %s", b.SourceFile)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO budget_runs(run_id, jurisdiction, dataset, fy_start, phase) VALUES ($1, $2, $3, $4, $5)`,
		run.ID, b.Jurisdiction.ID, b.Dataset, b.FiscalYear.Start, string(b.Phase)); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to record the import run of %s", b.SourceFile)
	}
	j := b.Jurisdiction
	if j.StartMonth == 0 {
		j.StartMonth = 7
	}
	if _, err := tx.Exec(ctx, `INSERT INTO budget_jurisdictions(id, name, start_month) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, start_month = excluded.start_month`, j.ID, j.Name, j.StartMonth); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to record jurisdiction %s", j.ID)
	}
	return nil
}

// insertImportRun records run, allocating its id when it has none and
// moving the sequence past a given one.
func insertImportRun(ctx context.Context, tx pgx.Tx, run *budget.ImportRun) error {
	if run.ID == 0 {
		if err := tx.QueryRow(ctx, `SELECT nextval('import_run_ids')`).Scan(&run.ID); err != nil {
			return err
		}
	} else if err := advanceSequence(ctx, tx, "import_run_ids", run.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO import_runs(id, kind, source_file, content_hash, profile, rows, started_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		run.ID, run.Kind, run.SourceFile, run.ContentHash, run.Profile, run.Rows, run.StartedAt, run.Version)
	return err
}

// advanceSequence makes sure that seq never again hands out id or less.
func advanceSequence(ctx context.Context, tx pgx.Tx, seq string, id int64) error {
	_, err := tx.Exec(ctx, `SELECT setval($1::regclass, greatest($2::bigint, (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM `+pgx.Identifier{seq}.Sanitize()+`)))`, seq, id)
	return err
}

// sliceCounts counts b's rows per slice and returns the slices in a fixed
// order (kind, fiscal year, phase).
func sliceCounts(b *budget.Batch) ([]sliceKey, map[sliceKey]int64) {
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
	return keys, counts
}

// createSlices supersedes the current slices b replaces and creates b's.
func (s *Store) createSlices(ctx context.Context, tx pgx.Tx, b *budget.Batch, runID int64) (map[sliceKey]int64, int, error) {
	keys, counts := sliceCounts(b)
	ids := make(map[sliceKey]int64, len(keys))
	superseded := 0
	for _, k := range keys {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT nextval('budget_slice_ids')`).Scan(&id); err != nil {
			return nil, 0, s.errorf(budget.EINTERNAL, err, "unable to create a slice of %s", b.Dataset)
		}
		sup, err := s.addSlice(ctx, tx, b, runID, k, id, counts[k])
		if err != nil {
			return nil, 0, err
		}
		superseded += sup
		ids[k] = id
	}
	return ids, superseded, nil
}

// addSlice supersedes the dataset's current slice of k and records the
// slice id of run runID with its rows; it returns the slices superseded.
func (s *Store) addSlice(ctx context.Context, tx pgx.Tx, b *budget.Batch, runID int64, k sliceKey, id, rows int64) (int, error) {
	tag, err := tx.Exec(ctx, `UPDATE budget_slices SET superseded_by = $1
		WHERE jurisdiction = $2 AND dataset = $3 AND kind = $4 AND fy_start = $5 AND phase = $6 AND superseded_by IS NULL`,
		runID, b.Jurisdiction.ID, b.Dataset, k.kind, k.fy, string(k.phase))
	if err != nil {
		return 0, s.errorf(budget.EINTERNAL, err, "unable to supersede earlier slices of %s", b.Dataset)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO budget_slices(id, run_id, jurisdiction, dataset, kind, fy_start, phase, rows, superseded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)`,
		id, runID, b.Jurisdiction.ID, b.Dataset, k.kind, k.fy, string(k.phase), rows); err != nil {
		return 0, s.errorf(budget.EINTERNAL, err, "unable to create a slice of %s", b.Dataset)
	}
	return int(tag.RowsAffected()), nil
}

var (
	lineItemColumns = []string{"slice_id", "jurisdiction", "fy_start", "phase", "kind", "dept_code", "dept_name", "org_code", "org_name",
		"prog_code", "prog_name", "fund_code", "fund_name", "sfund_code", "sfund_name", "account_code", "account_name",
		"function_code", "function_name", "amount_cents", "nat_key", "line", "area_code", "area_layer"}
	requestColumns = []string{"slice_id", "jurisdiction", "fy_start", "dept_code", "dept_name", "prog_code", "prog_name",
		"fund_code", "fund_name", "sfund_code", "sfund_name", "account_code", "account_name",
		"description", "category", "recurrence", "proposed_cents", "adopted_cents", "nat_key", "line"}
	measureColumns = []string{"slice_id", "jurisdiction", "fy_start", "phase", "dept_code", "dept_name", "org_code", "org_name",
		"prog_code", "prog_name", "measure_code", "measure_name", "unit", "value", "line"}
	descriptionColumns = []string{"slice_id", "jurisdiction", "subject", "code", "name", "text", "line"}
)

// copyRows loads b's rows with COPY inside tx.
func (s *Store) copyRows(ctx context.Context, tx pgx.Tx, b *budget.Batch, ids map[sliceKey]int64) error {
	j := b.Jurisdiction.ID
	items := b.LineItems
	if err := s.copyTable(ctx, tx, b, "line_items", lineItemColumns, len(items), func(i int, r *copyRow) {
		l := &items[i]
		r.Int8(ids[sliceKey{"line_items", l.FiscalYear.Start, l.Phase}])
		r.Text(j)
		r.Int4(l.FiscalYear.Start)
		r.Text(string(l.Phase))
		r.Text(string(l.Kind))
		writeClassification(r, &l.Classification, true, true)
		r.Int8(l.AmountCents)
		r.Text(l.Key)
		r.Int4(l.Line)
		r.TextOrNull(l.Area)
		r.TextOrNull(l.AreaLayer)
	}); err != nil {
		return err
	}
	reqSlice := ids[sliceKey{"requests", b.FiscalYear.Start, b.Phase}]
	if err := s.copyTable(ctx, tx, b, "budget_requests", requestColumns, len(b.Requests), func(i int, r *copyRow) {
		q := &b.Requests[i]
		r.Int8(reqSlice)
		r.Text(j)
		r.Int4(b.FiscalYear.Start)
		writeClassification(r, &q.Classification, false, false)
		r.Text(q.Description)
		r.Text(q.Category)
		r.Text(q.Recurrence)
		r.Int8OrNull(q.ProposedCents)
		r.Int8OrNull(q.AdoptedCents)
		r.Text(q.Key)
		r.Int4(q.Line)
	}); err != nil {
		return err
	}
	if err := s.copyTable(ctx, tx, b, "performance_measures", measureColumns, len(b.Measures), func(i int, r *copyRow) {
		m := &b.Measures[i]
		r.Int8(ids[sliceKey{"measures", m.FiscalYear.Start, m.Phase}])
		r.Text(j)
		r.Int4(m.FiscalYear.Start)
		r.Text(string(m.Phase))
		for _, c := range [...]budget.Code{m.Department, m.OrgUnit, m.Program, m.Measure} {
			r.Text(c.Code)
			r.Text(c.Name)
		}
		r.Text(m.Unit)
		r.Float8(m.Value)
		r.Int4(m.Line)
	}); err != nil {
		return err
	}
	descSlice := ids[sliceKey{"descriptions", b.FiscalYear.Start, b.Phase}]
	return s.copyTable(ctx, tx, b, "budget_descriptions", descriptionColumns, len(b.Descriptions), func(i int, r *copyRow) {
		d := &b.Descriptions[i]
		r.Int8(descSlice)
		r.Text(j)
		r.Text(d.Subject)
		r.Text(d.Code)
		r.Text(d.Name)
		r.Text(d.Text)
		r.Int4(d.Line)
	})
}

// writeClassification writes the code and name columns of c in the
// tables' order: department, [org unit,] program, fund, source fund,
// account[, function].
func writeClassification(r *copyRow, c *budget.Classification, org, function bool) {
	codes := [...]*budget.Code{&c.Department, &c.OrgUnit, &c.Program, &c.Fund, &c.SourceFund, &c.Account, &c.Function}
	for k, code := range codes {
		if k == 1 && !org || k == 6 && !function {
			continue
		}
		r.Text(code.Code)
		r.Text(code.Name)
	}
}

// copyTable streams n rows into table with COPY; write builds row i.
func (s *Store) copyTable(ctx context.Context, tx pgx.Tx, b *budget.Batch, table string, cols []string, n int, write func(i int, r *copyRow)) error {
	if n == 0 {
		return nil
	}
	got, err := copyBinary(ctx, tx, table, cols, n, write)
	if err != nil && ctx.Err() != nil {
		return s.errorf(budget.EINTERNAL, ctx.Err(), "the import of %s was cancelled while loading %s; nothing was stored", b.SourceFile, table)
	}
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to load the rows of %s into %s; nothing was stored", b.SourceFile, table)
	}
	if got != int64(n) {
		return budget.Errorf(budget.EINTERNAL, "store: loaded %d of %d rows of %s into %s; nothing was stored", got, n, b.SourceFile, table)
	}
	return nil
}
