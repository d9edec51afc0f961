package office

import (
	"context"
	"fmt"
)

// demoBy is who the demo records as saving scenarios and releasing plans.
const demoBy = "budgetlens demo"

// capitalPlans imports the profile's demo capital plans (each placed by
// its geometry, else its area codes), optimises and saves their
// scenarios, and releases them: they are published data.
func (b *demoBuild) capitalPlans(ctx context.Context) error {
	for _, d := range b.demo.Capital {
		if _, err := b.o.ImportCapitalPlan(ctx, b.path[d.File], CapitalImportOptions{Plan: d.Plan, Mapping: d.Mapping, Replace: true}); err != nil {
			return fmt.Errorf("demo capital plan %s: %w", d.Plan, err)
		}
		for _, sc := range d.Scenarios {
			opt := CapitalPlanOptions{Benefit: sc.Benefit, BudgetColumn: sc.BudgetColumn, MinHighNeedShare: sc.MinHighNeedShare,
				Save: sc.Name, By: demoBy, Note: sc.Note}
			opt.Plan = d.Plan
			if sc.Budget != "" {
				opt.Budget = []string{sc.Budget}
			}
			if _, err := b.o.PlanCapital(ctx, opt); err != nil {
				return fmt.Errorf("demo capital plan %s, scenario %s: %w", d.Plan, sc.Name, err)
			}
		}
		if err := b.o.SetCapitalRelease(ctx, CapitalReleaseOptions{Plan: d.Plan, Released: true, By: demoBy, Note: "published data"}); err != nil {
			return err
		}
	}
	return nil
}
