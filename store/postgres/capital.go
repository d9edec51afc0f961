package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// The capital store (store.CapitalStore) over migration 070: the same
// tables as the DuckDB store's, project places as PostGIS geometry in SRID
// 4326 (so that analysts can map them in SQL), JSON kept as text so that it
// reads back byte for byte. Listings are in byte order of the plan name,
// as in the DuckDB store.

var (
	_ store.CapitalStore    = (*Store)(nil)
	_ store.CapitalRestorer = (*Store)(nil)
	_ store.CapitalExporter = (*Store)(nil)
)

// SaveCapitalPlan stores a plan, replacing one of the same name and its
// scenarios, in one transaction under the plan's advisory lock; a plan that
// was released is held again (new content is held until released).
func (s *Store) SaveCapitalPlan(ctx context.Context, p *projects.Plan) error {
	return s.saveCapitalPlan(ctx, p, budget.ImportRun{}, nowUTC())
}

// RestoreCapitalPlan stores p as capital import run run.ID with its own
// import time (see store.CapitalRestorer).
func (s *Store) RestoreCapitalPlan(ctx context.Context, run budget.ImportRun, p *projects.Plan) error {
	if run.ID <= 0 {
		return budget.Errorf(budget.EINVALID, "store: a restored capital plan needs its import run's id")
	}
	return s.saveCapitalPlan(ctx, p, run, p.Imported.UTC())
}

// saveCapitalPlan saves p imported at at: a new import when given.ID is
// zero, otherwise the restore of run given.
func (s *Store) saveCapitalPlan(ctx context.Context, p *projects.Plan, given budget.ImportRun, at time.Time) error {
	if err := store.CheckCapitalPlan(p); err != nil {
		return err
	}
	if err := checkPlanText(p); err != nil {
		return err
	}
	mapping, err := json.Marshal(p.Mapping)
	if err != nil {
		return budget.Errorf(budget.EINVALID, "capital: plan %s: mapping: %v", p.Name, err)
	}
	err = s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "capital plan", p.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock plan %s", p.Name)
		}
		if given.ID == 0 {
			if err := s.holdReimported(ctx, tx, p.Name, at); err != nil {
				return err
			}
		}
		if err := s.deletePlan(ctx, tx, p.Name, false); err != nil {
			return err
		}
		run := budget.ImportRun{ID: given.ID, Kind: "capital", SourceFile: p.Source, ContentHash: p.SHA256, Profile: string(mapping),
			Rows: int64(len(p.Projects)), Version: budget.Version, StartedAt: at}
		if given.ID != 0 {
			run.StartedAt, run.Version, run.Rows, run.Profile = given.StartedAt.UTC(), given.Version, given.Rows, given.Profile
		}
		if err := insertImportRun(ctx, tx, &run); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to record the import of plan %s", p.Name)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO capital_plans(name, source, sha256, years, area_layer, mapping, columns, skipped, imported_at, import_run)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			p.Name, p.Source, p.SHA256, jsonText(p.Years, "[]"), p.AreaLayer, string(mapping), jsonText(p.Columns, "[]"), jsonText(p.Skipped, "[]"), at, run.ID); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save plan %s", p.Name)
		}
		return s.insertProjects(ctx, tx, p)
	})
	if err == nil {
		p.Imported = at
	}
	return err
}

// holdReimported appends a hold when plan name is released: new content
// is held until released again (deny by default).
func (s *Store) holdReimported(ctx context.Context, tx pgx.Tx, name string, at time.Time) error {
	var released bool
	err := tx.QueryRow(ctx, `SELECT released FROM capital_release_events WHERE plan = $1 ORDER BY id DESC LIMIT 1`, name).Scan(&released)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return s.errorf(budget.EINTERNAL, err, "unable to read the release state of plan %s", name)
	}
	if !released {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO capital_release_events(id, plan, released, actor, changed_at, note)
		VALUES (nextval('capital_release_ids'), $1, false, 'budgetlens', $2, 'imported again: held until released again')`, name, at)
	return s.errorf(budget.EINTERNAL, err, "unable to hold plan %s", name)
}

// insertProjects writes p's projects and their costs in one batch.
func (s *Store) insertProjects(ctx context.Context, tx pgx.Tx, p *projects.Plan) error {
	b := &pgx.Batch{}
	for i := range p.Projects {
		pr := &p.Projects[i]
		var g, input []byte
		if pr.Place.Geometry != nil {
			var err error
			if g, err = wkb.Marshal(pr.Place.Geometry); err != nil {
				return budget.Errorf(budget.EINVALID, "capital: plan %s, project %s: geometry: %v", p.Name, pr.ID, err)
			}
			if !postgisParses(pr.Place.Geometry) {
				g, input = nil, g
			}
		}
		b.Queue(`INSERT INTO capital_projects(plan, pos, id, line, name, category, total, place_kind, place_text, areas, geom, geom_input, attrs)
			VALUES ($1, $2, $3, $4, $5, $6, round($7::bigint::numeric / 100, 2), $8, $9, $10, ST_GeomFromWKB($11::bytea, 4326), $12, $13)`,
			p.Name, i, pr.ID, pr.Line, pr.Name, pr.Category, pr.Total(), string(pr.Place.Kind), pr.Place.Text, jsonText(pr.Place.Areas, "[]"), g, input, jsonText(pr.Attrs, "{}"))
		for y, c := range pr.Cost {
			label := ""
			if len(p.Years) > 0 {
				label = p.Years[y]
			}
			b.Queue(`INSERT INTO capital_project_costs(plan, project, year_pos, year, cents, amount) VALUES ($1, $2, $3, $4, $5, round($5::bigint::numeric / 100, 2))`,
				p.Name, pr.ID, y, label, c)
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to save the projects of plan %s", p.Name)
	}
	return nil
}

// postgisParses reports whether PostGIS accepts g as a geometry: every
// line of at least 2 points, every ring closed and of at least 4. A place
// it would refuse (a hand-drawn ring left open) is kept as WKB in
// geom_input, with geom NULL, so that the import succeeds and budgetlens
// reads back what it was given.
func postgisParses(g orb.Geometry) bool {
	ring := func(r orb.Ring) bool { return len(r) >= 4 && r[0] == r[len(r)-1] }
	poly := func(p orb.Polygon) bool {
		for _, r := range p {
			if !ring(r) {
				return false
			}
		}
		return true
	}
	switch t := g.(type) {
	case orb.LineString:
		return len(t) >= 2
	case orb.MultiLineString:
		for _, l := range t {
			if len(l) < 2 {
				return false
			}
		}
	case orb.Ring:
		return ring(t)
	case orb.Polygon:
		return poly(t)
	case orb.MultiPolygon:
		for _, p := range t {
			if !poly(p) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range t {
			if !postgisParses(c) {
				return false
			}
		}
	}
	return true
}

// deletePlan removes a plan's rows; with log also its release events (a
// replaced plan keeps its release state, a deleted one does not).
func (s *Store) deletePlan(ctx context.Context, tx pgx.Tx, name string, log bool) error {
	stmts := []string{`DELETE FROM capital_project_costs WHERE plan = $1`, `DELETE FROM capital_projects WHERE plan = $1`,
		`DELETE FROM capital_scenarios WHERE plan = $1`, `DELETE FROM capital_plans WHERE name = $1`}
	if log {
		stmts = append(stmts, `DELETE FROM capital_release_events WHERE plan = $1`)
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q, name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to replace plan %s", name)
		}
	}
	return nil
}

// checkPlanText refuses, before anything is written, text PostgreSQL
// cannot store (a NUL character, bytes that are not UTF-8).
func checkPlanText(p *projects.Plan) error {
	bad := func(what string) error {
		return budget.Errorf(budget.EINVALID, "capital: plan %s: %s holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store: fix the file and import it again (nothing was stored)",
			strings.ToValidUTF8(strings.ReplaceAll(p.Name, "\x00", `\0`), "\uFFFD"), what)
	}
	for _, f := range []struct{ what, v string }{{"the name", p.Name}, {"the source", p.Source}, {"the area layer", p.AreaLayer}} {
		if unstorable(f.v) {
			return bad(f.what)
		}
	}
	for _, y := range append(append([]string(nil), p.Years...), p.Columns...) {
		if unstorable(y) {
			return bad("a year or column heading")
		}
	}
	for i := range p.Projects {
		pr := &p.Projects[i]
		texts := []string{pr.ID, pr.Name, pr.Category, pr.Place.Text}
		texts = append(texts, pr.Place.Areas...)
		for k, v := range pr.Attrs {
			texts = append(texts, k, v)
		}
		for _, t := range texts {
			if unstorable(t) {
				return bad("the project on line " + strconv.Itoa(pr.Line))
			}
		}
	}
	return nil
}

// jsonText is v as JSON, or empty for nil.
func jsonText(v any, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

// CapitalPlan returns a stored plan with its projects in file order.
func (s *Store) CapitalPlan(ctx context.Context, name string) (*projects.Plan, error) {
	p := &projects.Plan{Name: name}
	var years, mapping, columns, skipped string
	err := s.pool.QueryRow(ctx, `SELECT source, sha256, years, area_layer, mapping, columns, skipped, imported_at FROM capital_plans WHERE name = $1`, name).
		Scan(&p.Source, &p.SHA256, &years, &p.AreaLayer, &mapping, &columns, &skipped, &p.Imported)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.CapitalPlanNotFound(name)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read plan %s", name)
	}
	p.Imported = p.Imported.UTC()
	for _, x := range []struct {
		text string
		dst  any
	}{{years, &p.Years}, {mapping, &p.Mapping}, {columns, &p.Columns}, {skipped, &p.Skipped}} {
		if err := json.Unmarshal([]byte(x.text), x.dst); err != nil {
			return nil, budget.Errorf(budget.EINTERNAL, "store: plan %s: %v", name, err)
		}
	}
	if len(p.Skipped) == 0 {
		p.Skipped = nil
	}
	costs, err := s.planCosts(ctx, name)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, line, name, category, place_kind, place_text, areas, coalesce(geom_input, ST_AsBinary(geom)), attrs
		FROM capital_projects WHERE plan = $1 ORDER BY pos`, name)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read plan %s", name)
	}
	p.Projects, err = collect(rows, func(row pgx.CollectableRow) (projects.Project, error) {
		return scanProject(row, name, costs)
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read plan %s", name)
	}
	return p, nil
}

// scanProject reads one capital_projects row with its costs.
func scanProject(row pgx.CollectableRow, plan string, costs map[string][]int64) (projects.Project, error) {
	var pr projects.Project
	var kind, areas, attrs string
	var g []byte
	if err := row.Scan(&pr.ID, &pr.Line, &pr.Name, &pr.Category, &kind, &pr.Place.Text, &areas, &g, &attrs); err != nil {
		return pr, err
	}
	pr.Place.Kind = projects.PlaceKind(kind)
	if err := json.Unmarshal([]byte(areas), &pr.Place.Areas); err != nil {
		return pr, budget.Errorf(budget.EINTERNAL, "store: plan %s, project %s: %v", plan, pr.ID, err)
	}
	if len(pr.Place.Areas) == 0 {
		pr.Place.Areas = nil
	}
	if err := json.Unmarshal([]byte(attrs), &pr.Attrs); err != nil {
		return pr, budget.Errorf(budget.EINTERNAL, "store: plan %s, project %s: %v", plan, pr.ID, err)
	}
	if len(g) > 0 {
		var err error
		if pr.Place.Geometry, err = wkb.Unmarshal(g); err != nil {
			return pr, budget.Errorf(budget.EINTERNAL, "store: plan %s, project %s: geometry: %v", plan, pr.ID, err)
		}
	}
	pr.Cost = costs[pr.ID]
	return pr, nil
}

func (s *Store) planCosts(ctx context.Context, name string) (map[string][]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT project, cents FROM capital_project_costs WHERE plan = $1 ORDER BY project, year_pos`, name)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the costs of plan %s", name)
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id string
		var c int64
		if err := rows.Scan(&id, &c); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read the costs of plan %s", name)
		}
		out[id] = append(out[id], c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the costs of plan %s", name)
	}
	return out, nil
}

// CapitalPlans lists the stored plans in byte order of their names.
func (s *Store) CapitalPlans(ctx context.Context) ([]projects.PlanInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT p.name, p.source, p.sha256, p.years, p.area_layer, p.imported_at, p.skipped,
		(SELECT count(*) FROM capital_projects c WHERE c.plan = p.name),
		(SELECT coalesce(sum(cents), 0)::bigint FROM capital_project_costs c WHERE c.plan = p.name),
		(SELECT count(*) FROM capital_scenarios c WHERE c.plan = p.name),
		coalesce((SELECT released FROM capital_release_events e WHERE e.plan = p.name ORDER BY id DESC LIMIT 1), false)
		FROM capital_plans p ORDER BY p.name`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list plans")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (projects.PlanInfo, error) {
		var pi projects.PlanInfo
		var years, skipped string
		var n, sc int64
		if err := row.Scan(&pi.Name, &pi.Source, &pi.SHA256, &years, &pi.AreaLayer, &pi.Imported, &skipped, &n, &pi.TotalCents, &sc, &pi.Released); err != nil {
			return pi, err
		}
		pi.Imported, pi.Projects, pi.Scenarios = pi.Imported.UTC(), int(n), int(sc)
		if err := json.Unmarshal([]byte(years), &pi.Years); err != nil {
			return pi, err
		}
		if len(pi.Years) == 0 {
			pi.Years = nil
		}
		var sk []projects.Skipped
		if err := json.Unmarshal([]byte(skipped), &sk); err != nil {
			return pi, err
		}
		pi.Skipped = len(sk)
		return pi, nil
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list plans")
	}
	if out == nil {
		out = []projects.PlanInfo{}
	}
	return out, nil
}

// CapitalPlanRuns maps each stored plan to the import run that stored it.
func (s *Store) CapitalPlanRuns(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, import_run FROM capital_plans`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list the runs of capital plans")
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var run int64
		if err := rows.Scan(&name, &run); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to list the runs of capital plans")
		}
		out[name] = run
	}
	if err := rows.Err(); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list the runs of capital plans")
	}
	return out, nil
}

// DeleteCapitalPlan removes a plan with its scenarios and release log.
func (s *Store) DeleteCapitalPlan(ctx context.Context, name string) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "capital plan", name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock plan %s", name)
		}
		if err := s.planExists(ctx, tx, name); err != nil {
			return err
		}
		return s.deletePlan(ctx, tx, name, true)
	})
}

// planExists is ENOTFOUND when plan name is not stored.
func (s *Store) planExists(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, name string) error {
	var n int64
	if err := q.QueryRow(ctx, `SELECT count(*) FROM capital_plans WHERE name = $1`, name).Scan(&n); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to read plan %s", name)
	}
	if n == 0 {
		return store.CapitalPlanNotFound(name)
	}
	return nil
}

// SaveCapitalScenario stores a scenario of a stored plan, replacing one of
// the same plan and name.
func (s *Store) SaveCapitalScenario(ctx context.Context, sc *projects.Scenario) error {
	return s.saveCapitalScenario(ctx, sc, nowUTC())
}

// RestoreCapitalScenario stores a copied scenario with its own time.
func (s *Store) RestoreCapitalScenario(ctx context.Context, sc *projects.Scenario) error {
	if sc == nil || sc.Saved.IsZero() {
		return budget.Errorf(budget.EINVALID, "store: a restored scenario needs the time it was saved")
	}
	return s.saveCapitalScenario(ctx, sc, sc.Saved.UTC())
}

func (s *Store) saveCapitalScenario(ctx context.Context, sc *projects.Scenario, at time.Time) error {
	if err := store.CheckCapitalScenario(sc); err != nil {
		return err
	}
	for _, f := range []struct{ what, v string }{{"plan", sc.Plan}, {"name", sc.Name}, {"by", sc.By}, {"note", sc.Note}} {
		if unstorable(f.v) {
			return budget.Errorf(budget.EINVALID, "capital: the %s of a scenario holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store", f.what)
		}
	}
	parts := map[string]string{}
	for k, v := range map[string]any{"settings": sc.Settings, "model": sc.Model, "result": sc.Result, "equity": sc.Equity} {
		b, err := json.Marshal(v)
		if err != nil {
			return budget.Errorf(budget.EINVALID, "capital: scenario %s: %s: %v", sc.Name, k, err)
		}
		parts[k] = string(b)
	}
	err := s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "capital plan", sc.Plan); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock plan %s", sc.Plan)
		}
		if err := s.planExists(ctx, tx, sc.Plan); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM capital_scenarios WHERE plan = $1 AND name = $2`, sc.Plan, sc.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to replace scenario %s", sc.Name)
		}
		_, err := tx.Exec(ctx, `INSERT INTO capital_scenarios(plan, name, seq, saved_at, saved_by, note, settings, model, result, equity)
			VALUES ($1, $2, nextval('capital_scenario_seq'), $3, $4, $5, $6, $7, $8, $9)`,
			sc.Plan, sc.Name, at, sc.By, sc.Note, parts["settings"], parts["model"], parts["result"], parts["equity"])
		return s.errorf(budget.EINTERNAL, err, "unable to save scenario %s of plan %s", sc.Name, sc.Plan)
	})
	if err == nil {
		sc.Saved = at
	}
	return err
}

// CapitalScenario returns a saved scenario.
func (s *Store) CapitalScenario(ctx context.Context, plan, name string) (*projects.Scenario, error) {
	sc := &projects.Scenario{Plan: plan, Name: name}
	var settings, model, result, equity string
	err := s.pool.QueryRow(ctx, `SELECT saved_at, saved_by, note, settings, model, result, equity FROM capital_scenarios WHERE plan = $1 AND name = $2`, plan, name).
		Scan(&sc.Saved, &sc.By, &sc.Note, &settings, &model, &result, &equity)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "capital: plan %q has no scenario %q (list them with: budgetlens capital scenarios --plan %s)", plan, name, plan)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read scenario %s", name)
	}
	sc.Saved = sc.Saved.UTC()
	for _, x := range []struct {
		text string
		dst  any
	}{{settings, &sc.Settings}, {model, &sc.Model}, {result, &sc.Result}, {equity, &sc.Equity}} {
		if err := json.Unmarshal([]byte(x.text), x.dst); err != nil {
			return nil, budget.Errorf(budget.EINTERNAL, "store: scenario %s of plan %s: %v", name, plan, err)
		}
	}
	return sc, nil
}

// CapitalScenarios lists a plan's scenarios, oldest first.
func (s *Store) CapitalScenarios(ctx context.Context, plan string) ([]projects.ScenarioInfo, error) {
	if err := s.planExists(ctx, s.pool, plan); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT name FROM capital_scenarios WHERE plan = $1 ORDER BY seq`, plan)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list the scenarios of plan %s", plan)
	}
	names, err := collect(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list the scenarios of plan %s", plan)
	}
	out := []projects.ScenarioInfo{}
	for _, n := range names {
		sc, err := s.CapitalScenario(ctx, plan, n)
		if err != nil {
			return nil, err
		}
		out = append(out, sc.Info())
	}
	return out, nil
}

// DeleteCapitalScenario removes a scenario.
func (s *Store) DeleteCapitalScenario(ctx context.Context, plan, name string) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM capital_scenarios WHERE plan = $1 AND name = $2`, plan, name)
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to delete scenario %s", name)
		}
		if tag.RowsAffected() == 0 {
			return budget.Errorf(budget.ENOTFOUND, "capital: plan %q has no scenario %q", plan, name)
		}
		return nil
	})
}

// SetCapitalRelease records a release or hold of a stored plan.
func (s *Store) SetCapitalRelease(ctx context.Context, r projects.Release) error {
	if strings.TrimSpace(r.By) == "" {
		return budget.Errorf(budget.EINVALID, "a release or hold must say who made it")
	}
	if r.At.IsZero() {
		r.At = nowUTC()
	}
	return s.insertCapitalRelease(ctx, r)
}

// RestoreCapitalRelease appends a copied release or hold as it was
// recorded.
func (s *Store) RestoreCapitalRelease(ctx context.Context, r projects.Release) error {
	if r.At.IsZero() || strings.TrimSpace(r.By) == "" {
		return budget.Errorf(budget.EINVALID, "store: a restored release of plan %s needs who and when", r.Plan)
	}
	return s.insertCapitalRelease(ctx, r)
}

// insertCapitalRelease appends event r with the next id.
func (s *Store) insertCapitalRelease(ctx context.Context, r projects.Release) error {
	if unstorable(r.By) || unstorable(r.Note) {
		return budget.Errorf(budget.EINVALID, "store: the by or note of a release holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store")
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := s.planExists(ctx, tx, r.Plan); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO capital_release_events(id, plan, released, actor, changed_at, note)
			VALUES (nextval('capital_release_ids'), $1, $2, $3, $4, $5)`, r.Plan, r.Released, r.By, r.At.UTC(), r.Note)
		return s.errorf(budget.EINTERNAL, err, "unable to record the release of plan %s", r.Plan)
	})
}

// CapitalReleaseLog lists every release and hold, oldest first.
func (s *Store) CapitalReleaseLog(ctx context.Context) ([]projects.Release, error) {
	rows, err := s.pool.Query(ctx, `SELECT plan, released, actor, changed_at, note FROM capital_release_events ORDER BY id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the capital release log")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (projects.Release, error) {
		var r projects.Release
		err := row.Scan(&r.Plan, &r.Released, &r.By, &r.At, &r.Note)
		r.At = r.At.UTC()
		return r, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the capital release log")
	}
	if out == nil {
		out = []projects.Release{}
	}
	return out, nil
}
