package embargo

import (
	"context"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
)

// Capital plans are embargoed as budget phases are: a plan exists in the
// public view only while its latest release event releases it, and then
// with its saved scenarios; a held plan answers exactly as a plan never
// imported (ENOTFOUND naming only what was asked, empty listings).

// releasedPlans returns the plans released now.
func (e *Store) releasedPlans(ctx context.Context) (map[string]projects.PlanInfo, error) {
	ps, err := e.s.CapitalPlans(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]projects.PlanInfo{}
	for _, p := range ps {
		if p.Released {
			out[p.Name] = p
		}
	}
	return out, nil
}

func noPlan(name string) error {
	return budget.Errorf(budget.ENOTFOUND, "capital: no plan %q (list them with: budgetlens capital ls)", name)
}

func (e *Store) planVisible(ctx context.Context, name string) error {
	rel, err := e.releasedPlans(ctx)
	if err != nil {
		return err
	}
	if _, ok := rel[name]; !ok {
		return noPlan(name)
	}
	return nil
}

// SaveCapitalPlan is refused.
func (e *Store) SaveCapitalPlan(context.Context, *projects.Plan) error { return readOnly() }

// CapitalPlan returns a released plan.
func (e *Store) CapitalPlan(ctx context.Context, name string) (*projects.Plan, error) {
	if err := e.planVisible(ctx, name); err != nil {
		return nil, err
	}
	return e.s.CapitalPlan(ctx, name)
}

// CapitalPlans lists the released plans.
func (e *Store) CapitalPlans(ctx context.Context) ([]projects.PlanInfo, error) {
	ps, err := e.s.CapitalPlans(ctx)
	if err != nil {
		return nil, err
	}
	out := []projects.PlanInfo{}
	for _, p := range ps {
		if p.Released {
			out = append(out, p)
		}
	}
	return out, nil
}

// DeleteCapitalPlan is refused.
func (e *Store) DeleteCapitalPlan(context.Context, string) error { return readOnly() }

// SaveCapitalScenario is refused.
func (e *Store) SaveCapitalScenario(context.Context, *projects.Scenario) error { return readOnly() }

// CapitalScenario returns a scenario of a released plan.
func (e *Store) CapitalScenario(ctx context.Context, plan, name string) (*projects.Scenario, error) {
	if err := e.planVisible(ctx, plan); err != nil {
		return nil, err
	}
	return e.s.CapitalScenario(ctx, plan, name)
}

// CapitalScenarios lists the scenarios of a released plan.
func (e *Store) CapitalScenarios(ctx context.Context, plan string) ([]projects.ScenarioInfo, error) {
	if err := e.planVisible(ctx, plan); err != nil {
		return nil, err
	}
	return e.s.CapitalScenarios(ctx, plan)
}

// DeleteCapitalScenario is refused.
func (e *Store) DeleteCapitalScenario(context.Context, string, string) error { return readOnly() }

// SetCapitalRelease is refused.
func (e *Store) SetCapitalRelease(context.Context, projects.Release) error { return readOnly() }

// CapitalReleaseLog lists the changes of the plans released now.
func (e *Store) CapitalReleaseLog(ctx context.Context) ([]projects.Release, error) {
	rel, err := e.releasedPlans(ctx)
	if err != nil {
		return nil, err
	}
	log, err := e.s.CapitalReleaseLog(ctx)
	if err != nil {
		return nil, err
	}
	out := []projects.Release{}
	for _, r := range log {
		if _, ok := rel[r.Plan]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// capitalVersion names the released plans with the time of their release,
// for Version: releasing or holding a plan changes the released set.
func (e *Store) capitalVersion(ctx context.Context) ([]string, error) {
	log, err := e.s.CapitalReleaseLog(ctx)
	if err != nil {
		return nil, err
	}
	latest := map[string]projects.Release{}
	var order []string
	for _, r := range log {
		if _, seen := latest[r.Plan]; !seen {
			order = append(order, r.Plan)
		}
		latest[r.Plan] = r
	}
	var out []string
	for _, p := range order {
		if r := latest[p]; r.Released {
			out = append(out, "capital/"+p+"/"+r.At.UTC().Format("20060102T150405.000000000"))
		}
	}
	return out, nil
}
