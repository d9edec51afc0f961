package store

import (
	"context"

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
