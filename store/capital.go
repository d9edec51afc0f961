package store

import (
	"context"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
)

// CapitalStore keeps capital plans (package capital/projects): each plan's
// projects with their costs per year and places, the scenarios saved from
// it (the optimiser's model and plan with their equity figures) and the
// plan's release state. A plan, like a budget phase, is held from its import
// until released; every release or hold is appended to a log.
type CapitalStore interface {
	// SaveCapitalPlan stores a plan in one transaction, replacing a plan of
	// the same name together with its scenarios (they were built from the
	// old projects); it sets p.Imported (UTC) and records an import run.
	// A plan without a name, a project without an id or two projects with
	// one id are EINVALID.
	SaveCapitalPlan(ctx context.Context, p *projects.Plan) error
	// CapitalPlan returns a stored plan with its projects in file order;
	// ENOTFOUND when missing.
	CapitalPlan(ctx context.Context, name string) (*projects.Plan, error)
	// CapitalPlans lists the stored plans by name, with their release state
	// and number of scenarios.
	CapitalPlans(ctx context.Context) ([]projects.PlanInfo, error)
	// DeleteCapitalPlan removes a plan, its scenarios and its release log;
	// ENOTFOUND when missing.
	DeleteCapitalPlan(ctx context.Context, name string) error
	// SaveCapitalScenario stores a scenario of a stored plan in one
	// transaction, replacing one of the same plan and name; it sets
	// s.Saved (UTC). ENOTFOUND when the plan is not stored; EINVALID
	// without a name, a model or a result.
	SaveCapitalScenario(ctx context.Context, s *projects.Scenario) error
	// CapitalScenario returns a saved scenario; ENOTFOUND when missing.
	CapitalScenario(ctx context.Context, plan, name string) (*projects.Scenario, error)
	// CapitalScenarios lists a plan's scenarios, oldest first (ENOTFOUND
	// when the plan is not stored).
	CapitalScenarios(ctx context.Context, plan string) ([]projects.ScenarioInfo, error)
	// DeleteCapitalScenario removes a scenario; ENOTFOUND when missing.
	DeleteCapitalScenario(ctx context.Context, plan, name string) error
	// SetCapitalRelease records a release or hold of a stored plan in one
	// transaction, with By, Note and At (the store's clock, UTC, when
	// zero). ENOTFOUND for a plan not stored; EINVALID without By.
	SetCapitalRelease(ctx context.Context, r projects.Release) error
	// CapitalReleaseLog lists every recorded release and hold, oldest
	// first.
	CapitalReleaseLog(ctx context.Context) ([]projects.Release, error)
}

// CapitalExporter is the part of Exporter that reads capital plans back
// for a copy.
type CapitalExporter interface {
	// CapitalPlanRuns maps each stored plan's name to the import run (kind
	// "capital") that stored it.
	CapitalPlanRuns(ctx context.Context) (map[string]int64, error)
}

// CapitalRestorer is the part of Restorer that writes capital plans as an
// exporter read them, keeping ids, times and order.
type CapitalRestorer interface {
	// RestoreCapitalPlan stores p as capital import run run.ID with its
	// own p.Imported, without the hold SaveCapitalPlan appends when a
	// released plan is imported again (the copied log carries it).
	RestoreCapitalPlan(ctx context.Context, run budget.ImportRun, p *projects.Plan) error
	// RestoreCapitalScenario stores a scenario with its own s.Saved, after
	// the scenarios already stored (so a copy lists them in their order).
	RestoreCapitalScenario(ctx context.Context, s *projects.Scenario) error
	// RestoreCapitalRelease appends a release or hold as it was recorded.
	RestoreCapitalRelease(ctx context.Context, r projects.Release) error
}

// CheckCapitalPlan is the rule both stores apply before saving a plan: a
// name, an id for every project, no id twice, and one cost per year (one
// in all when the plan has no years). Failures are EINVALID.
func CheckCapitalPlan(p *projects.Plan) error {
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

// CheckCapitalScenario is the rule both stores apply before saving a
// scenario: a name, a model, a result and who saved it (EINVALID).
func CheckCapitalScenario(sc *projects.Scenario) error {
	if sc == nil || strings.TrimSpace(sc.Name) == "" || sc.Model == nil || sc.Result == nil {
		return budget.Errorf(budget.EINVALID, "capital: a scenario needs a name, a model and a result")
	}
	if strings.TrimSpace(sc.By) == "" {
		return budget.Errorf(budget.EINVALID, "capital: a scenario must say who saved it")
	}
	return nil
}

// CapitalPlanNotFound is the ENOTFOUND both stores give for a plan that is
// not stored.
func CapitalPlanNotFound(name string) error {
	return budget.Errorf(budget.ENOTFOUND, "capital: no plan %q (list them with: budgetlens capital ls)", name)
}
