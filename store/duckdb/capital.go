package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/paulmach/orb/encoding/wkb"
)

// SaveCapitalPlan stores a plan, replacing one of the same name and its
// scenarios, in one transaction.
func (s *Store) SaveCapitalPlan(ctx context.Context, p *projects.Plan) error {
	if err := checkPlan(p); err != nil {
		return err
	}
	at := time.Now().UTC().Truncate(time.Microsecond) // as the database keeps it
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		// new content is held until released again (deny by default)
		var released bool
		err := tx.QueryRowContext(ctx, `SELECT released FROM capital_release_events WHERE plan = ? ORDER BY id DESC LIMIT 1`, p.Name).Scan(&released)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("store: unable to read the release state of plan %s: %w", p.Name, err)
		}
		if released {
			if _, err := tx.ExecContext(ctx, `INSERT INTO capital_release_events VALUES (nextval('capital_release_ids'), ?, false, 'budgetlens', ?, 'imported again: held until released again')`,
				p.Name, at); err != nil {
				return fmt.Errorf("store: unable to hold plan %s: %w", p.Name, err)
			}
		}
		if err := deletePlan(ctx, tx, p.Name, false); err != nil {
			return err
		}
		var run int64
		if err := tx.QueryRowContext(ctx, `SELECT nextval('import_run_ids')`).Scan(&run); err != nil {
			return fmt.Errorf("store: unable to allocate an import run: %w", err)
		}
		mapping, _ := json.Marshal(p.Mapping)
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_runs(id, kind, source_file, content_hash, profile, rows, version) VALUES (?, 'capital', ?, ?, ?, ?, ?)`,
			run, p.Source, p.SHA256, string(mapping), len(p.Projects), budget.Version); err != nil {
			return fmt.Errorf("store: unable to record the import of plan %s: %w", p.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO capital_plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Name, p.Source, p.SHA256, jsonText(p.Years, "[]"), p.AreaLayer, string(mapping), jsonText(p.Columns, "[]"), jsonText(p.Skipped, "[]"), at, run); err != nil {
			return fmt.Errorf("store: unable to save plan %s: %w", p.Name, err)
		}
		return insertProjects(ctx, tx, p)
	})
	if err == nil {
		p.Imported = at
	}
	return err
}

func checkPlan(p *projects.Plan) error {
	if p == nil || strings.TrimSpace(p.Name) == "" {
		return budget.Errorf(budget.EINVALID, "capital: a plan needs a name")
	}
	seen := map[string]int{}
	for i, pr := range p.Projects {
		if pr.ID == "" {
			return budget.Errorf(budget.EINVALID, "capital: plan %s: project %d has no id", p.Name, i+1)
		}
		if j, dup := seen[pr.ID]; dup {
			return budget.Errorf(budget.EINVALID, "capital: plan %s: projects %d and %d have the same id %q", p.Name, j+1, i+1, pr.ID)
		}
		seen[pr.ID] = i
		if n := max(1, len(p.Years)); len(pr.Cost) != n {
			return budget.Errorf(budget.EINVALID, "capital: plan %s: project %q has %d costs for %d years", p.Name, pr.ID, len(pr.Cost), n)
		}
	}
	return nil
}

func jsonText(v any, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

func insertProjects(ctx context.Context, tx *sql.Tx, p *projects.Plan) error {
	pst, err := tx.PrepareContext(ctx, `INSERT INTO capital_projects VALUES (?, ?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("store: unable to save plan %s: %w", p.Name, err)
	}
	defer pst.Close()
	cst, err := tx.PrepareContext(ctx, `INSERT INTO capital_project_costs VALUES (?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)))`)
	if err != nil {
		return fmt.Errorf("store: unable to save plan %s: %w", p.Name, err)
	}
	defer cst.Close()
	for i := range p.Projects {
		pr := &p.Projects[i]
		var g any
		if pr.Place.Geometry != nil {
			b, err := wkb.Marshal(pr.Place.Geometry)
			if err != nil {
				return fmt.Errorf("store: plan %s, project %s: geometry: %w", p.Name, pr.ID, err)
			}
			g = b
		}
		if _, err := pst.ExecContext(ctx, p.Name, i, pr.ID, pr.Line, pr.Name, pr.Category, budget.FormatUnits(pr.Total(), 2), string(pr.Place.Kind),
			pr.Place.Text, jsonText(pr.Place.Areas, "[]"), g, jsonText(pr.Attrs, "{}")); err != nil {
			return fmt.Errorf("store: unable to save project %q of plan %s: %w", pr.ID, p.Name, err)
		}
		for y, c := range pr.Cost {
			label := ""
			if len(p.Years) > 0 {
				label = p.Years[y]
			}
			if _, err := cst.ExecContext(ctx, p.Name, pr.ID, y, label, c, budget.FormatUnits(c, 2)); err != nil {
				return fmt.Errorf("store: unable to save the costs of project %q of plan %s: %w", pr.ID, p.Name, err)
			}
		}
	}
	return nil
}

// deletePlan removes a plan's rows; with log it also removes its release
// events (a replaced plan keeps its release state, a deleted one does not).
func deletePlan(ctx context.Context, tx *sql.Tx, name string, log bool) error {
	tables := []string{"capital_project_costs", "capital_projects", "capital_scenarios", "capital_plans"}
	if log {
		tables = append(tables, "capital_release_events")
	}
	for _, t := range tables {
		col := "plan"
		if t == "capital_plans" {
			col = "name"
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE `+col+` = ?`, name); err != nil {
			return fmt.Errorf("store: unable to replace plan %s: %w", name, err)
		}
	}
	return nil
}

func planNotFound(name string) error {
	return budget.Errorf(budget.ENOTFOUND, "capital: no plan %q (list them with: budgetlens capital ls)", name)
}

// CapitalPlan returns a stored plan with its projects.
func (s *Store) CapitalPlan(ctx context.Context, name string) (*projects.Plan, error) {
	p := &projects.Plan{Name: name}
	var years, mapping, columns, skipped string
	err := s.db.QueryRowContext(ctx, `SELECT source, sha256, years, area_layer, mapping, columns, skipped, imported_at FROM capital_plans WHERE name = ?`, name).
		Scan(&p.Source, &p.SHA256, &years, &p.AreaLayer, &mapping, &columns, &skipped, &p.Imported)
	if err == sql.ErrNoRows {
		return nil, planNotFound(name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read plan %s: %w", name, err)
	}
	p.Imported = p.Imported.UTC()
	for _, x := range []struct {
		text string
		dst  any
	}{{years, &p.Years}, {mapping, &p.Mapping}, {columns, &p.Columns}, {skipped, &p.Skipped}} {
		if err := json.Unmarshal([]byte(x.text), x.dst); err != nil {
			return nil, fmt.Errorf("store: plan %s: %w", name, err)
		}
	}
	if len(p.Skipped) == 0 {
		p.Skipped = nil
	}
	costs, err := s.planCosts(ctx, name)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, line, name, category, place_kind, place_text, areas, geom, attrs FROM capital_projects WHERE plan = ? ORDER BY pos`, name)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read plan %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var pr projects.Project
		var kind, areas, attrs string
		var g []byte
		if err := rows.Scan(&pr.ID, &pr.Line, &pr.Name, &pr.Category, &kind, &pr.Place.Text, &areas, &g, &attrs); err != nil {
			return nil, fmt.Errorf("store: unable to read plan %s: %w", name, err)
		}
		pr.Place.Kind = projects.PlaceKind(kind)
		if err := json.Unmarshal([]byte(areas), &pr.Place.Areas); err != nil {
			return nil, fmt.Errorf("store: plan %s, project %s: %w", name, pr.ID, err)
		}
		if len(pr.Place.Areas) == 0 {
			pr.Place.Areas = nil
		}
		if err := json.Unmarshal([]byte(attrs), &pr.Attrs); err != nil {
			return nil, fmt.Errorf("store: plan %s, project %s: %w", name, pr.ID, err)
		}
		if len(g) > 0 {
			if pr.Place.Geometry, err = wkb.Unmarshal(g); err != nil {
				return nil, fmt.Errorf("store: plan %s, project %s: geometry: %w", name, pr.ID, err)
			}
		}
		pr.Cost = costs[pr.ID]
		p.Projects = append(p.Projects, pr)
	}
	return p, rows.Err()
}

func (s *Store) planCosts(ctx context.Context, name string) (map[string][]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT project, cents FROM capital_project_costs WHERE plan = ? ORDER BY project, year_pos`, name)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the costs of plan %s: %w", name, err)
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id string
		var c int64
		if err := rows.Scan(&id, &c); err != nil {
			return nil, fmt.Errorf("store: unable to read the costs of plan %s: %w", name, err)
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// CapitalPlans lists the stored plans.
func (s *Store) CapitalPlans(ctx context.Context) ([]projects.PlanInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.name, p.source, p.sha256, p.years, p.area_layer, p.imported_at, p.skipped,
		(SELECT count(*) FROM capital_projects c WHERE c.plan = p.name),
		(SELECT coalesce(sum(cents), 0)::BIGINT FROM capital_project_costs c WHERE c.plan = p.name),
		(SELECT count(*) FROM capital_scenarios c WHERE c.plan = p.name),
		coalesce((SELECT released FROM capital_release_events e WHERE e.plan = p.name ORDER BY id DESC LIMIT 1), false)
		FROM capital_plans p ORDER BY p.name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list plans: %w", err)
	}
	defer rows.Close()
	out := []projects.PlanInfo{}
	for rows.Next() {
		var pi projects.PlanInfo
		var years, skipped string
		if err := rows.Scan(&pi.Name, &pi.Source, &pi.SHA256, &years, &pi.AreaLayer, &pi.Imported, &skipped, &pi.Projects, &pi.TotalCents, &pi.Scenarios, &pi.Released); err != nil {
			return nil, fmt.Errorf("store: unable to list plans: %w", err)
		}
		pi.Imported = pi.Imported.UTC()
		if err := json.Unmarshal([]byte(years), &pi.Years); err != nil {
			return nil, err
		}
		if len(pi.Years) == 0 {
			pi.Years = nil
		}
		var sk []projects.Skipped
		if err := json.Unmarshal([]byte(skipped), &sk); err != nil {
			return nil, err
		}
		pi.Skipped = len(sk)
		out = append(out, pi)
	}
	return out, rows.Err()
}

// DeleteCapitalPlan removes a plan with its scenarios and release log.
func (s *Store) DeleteCapitalPlan(ctx context.Context, name string) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM capital_plans WHERE name = ?`, name).Scan(&n); err != nil {
			return fmt.Errorf("store: unable to delete plan %s: %w", name, err)
		}
		if n == 0 {
			return planNotFound(name)
		}
		return deletePlan(ctx, tx, name, true)
	})
}

func (s *Store) planExists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM capital_plans WHERE name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("store: unable to read plan %s: %w", name, err)
	}
	if n == 0 {
		return planNotFound(name)
	}
	return nil
}

// SaveCapitalScenario stores a scenario of a stored plan.
func (s *Store) SaveCapitalScenario(ctx context.Context, sc *projects.Scenario) error {
	if sc == nil || strings.TrimSpace(sc.Name) == "" || sc.Model == nil || sc.Result == nil {
		return budget.Errorf(budget.EINVALID, "capital: a scenario needs a name, a model and a result")
	}
	if strings.TrimSpace(sc.By) == "" {
		return budget.Errorf(budget.EINVALID, "capital: a scenario must say who saved it")
	}
	parts := map[string]string{}
	for k, v := range map[string]any{"settings": sc.Settings, "model": sc.Model, "result": sc.Result, "equity": sc.Equity} {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("store: scenario %s: %s: %w", sc.Name, k, err)
		}
		parts[k] = string(b)
	}
	at := time.Now().UTC().Truncate(time.Microsecond) // as the database keeps it
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		if err := s.planExists(ctx, tx, sc.Plan); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM capital_scenarios WHERE plan = ? AND name = ?`, sc.Plan, sc.Name); err != nil {
			return fmt.Errorf("store: unable to replace scenario %s: %w", sc.Name, err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO capital_scenarios VALUES (?, ?, nextval('capital_scenario_seq'), ?, ?, ?, ?, ?, ?, ?)`,
			sc.Plan, sc.Name, at, sc.By, sc.Note, parts["settings"], parts["model"], parts["result"], parts["equity"])
		if err != nil {
			return fmt.Errorf("store: unable to save scenario %s of plan %s: %w", sc.Name, sc.Plan, err)
		}
		return nil
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
	err := s.db.QueryRowContext(ctx, `SELECT saved_at, saved_by, note, settings, model, result, equity FROM capital_scenarios WHERE plan = ? AND name = ?`, plan, name).
		Scan(&sc.Saved, &sc.By, &sc.Note, &settings, &model, &result, &equity)
	if err == sql.ErrNoRows {
		return nil, budget.Errorf(budget.ENOTFOUND, "capital: plan %q has no scenario %q (list them with: budgetlens capital scenarios --plan %s)", plan, name, plan)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read scenario %s: %w", name, err)
	}
	sc.Saved = sc.Saved.UTC()
	for _, x := range []struct {
		text string
		dst  any
	}{{settings, &sc.Settings}, {model, &sc.Model}, {result, &sc.Result}, {equity, &sc.Equity}} {
		if err := json.Unmarshal([]byte(x.text), x.dst); err != nil {
			return nil, fmt.Errorf("store: scenario %s of plan %s: %w", name, plan, err)
		}
	}
	return sc, nil
}

// CapitalScenarios lists a plan's scenarios, oldest first.
func (s *Store) CapitalScenarios(ctx context.Context, plan string) ([]projects.ScenarioInfo, error) {
	if err := s.planExists(ctx, s.db, plan); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM capital_scenarios WHERE plan = ? ORDER BY seq`, plan)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list the scenarios of plan %s: %w", plan, err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
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
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM capital_scenarios WHERE plan = ? AND name = ?`, plan, name)
		if err != nil {
			return fmt.Errorf("store: unable to delete scenario %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
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
		r.At = time.Now().UTC()
	}
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		if err := s.planExists(ctx, tx, r.Plan); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO capital_release_events VALUES (nextval('capital_release_ids'), ?, ?, ?, ?, ?)`,
			r.Plan, r.Released, r.By, r.At.UTC(), r.Note)
		if err != nil {
			return fmt.Errorf("store: unable to record the release of plan %s: %w", r.Plan, err)
		}
		return nil
	})
}

// CapitalReleaseLog lists every release and hold of a plan, oldest first.
func (s *Store) CapitalReleaseLog(ctx context.Context) ([]projects.Release, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT plan, released, actor, changed_at, note FROM capital_release_events ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the capital release log: %w", err)
	}
	defer rows.Close()
	out := []projects.Release{}
	for rows.Next() {
		var r projects.Release
		if err := rows.Scan(&r.Plan, &r.Released, &r.By, &r.At, &r.Note); err != nil {
			return nil, fmt.Errorf("store: unable to read the capital release log: %w", err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
