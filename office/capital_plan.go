package office

import (
	"context"
	"fmt"
	"math"
	"os/user"
	"sort"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/placement"
	"github.com/budgetlens/budgetlens/capital/projects"
)

// CapitalPlanOptions say what the best plan must meet.
type CapitalPlanOptions struct {
	CapitalNeedOptions
	// Benefit is the column maximised, or placement.BenefitCount or
	// BenefitCost.
	Benefit string
	// BudgetColumn is the column of amounts the budget limits instead of
	// the cost (a grant application's local match).
	BudgetColumn string
	// Budget: "AMOUNT" (the whole plan; with costs per year, each year) or
	// "YEAR=AMOUNT"; TotalBudget the whole plan's when costs are per year.
	Budget      []string
	TotalBudget string
	// MinHighNeedShare is the least share of the budgeted dollars in the
	// highest-need tier (0: none).
	MinHighNeedShare float64
	// Floors and Ceilings: "AREA=AMOUNT" ("*=AMOUNT" for every area).
	Floors, Ceilings []string
	// Requires and Excludes: "A:B" (A requires B; A excludes B).
	Requires, Excludes []string
	MustIn, MustOut    []string
	TimeLimit          time.Duration
	NodeLimit          int
	// ExportLP writes the model in CPLEX LP format before solving.
	ExportLP string
	// Save keeps the result as a scenario of the plan under this name, by
	// By (default: the operating-system user), with Note.
	Save, By, Note string
}

// CapitalPlanResult is the best plan.
type CapitalPlanResult struct {
	Plan     string   `json:"plan"`
	Scenario string   `json:"scenario,omitempty"`
	Layer    string   `json:"layer"`
	Need     string   `json:"need"`
	Settings []string `json:"settings"`
	Status   string   `json:"status"`
	// Optimal: no plan is better (Bound says by how much at most one
	// could be: Objective within the tolerance); otherwise Gap is the
	// proven relative distance to the best possible.
	Optimal   bool     `json:"optimal"`
	Selected  []string `json:"selected"`
	Objective float64  `json:"objective"`
	Bound     float64  `json:"bound"`
	Gap       float64  `json:"gap"`
	// Cost is the selected projects' budgeted amount in dollars.
	Cost  analysis.Dollars `json:"cost"`
	Years []PlanYear       `json:"years,omitempty"`
	// HighNeedShare is the share of the budgeted dollars in the
	// highest-need tier, as the constraint counts it.
	HighNeedShare float64         `json:"high_need_share"`
	Equity        projects.Equity `json:"equity"`
	// LeftOut gives every project not selected with its reason.
	LeftOut []LeftOut `json:"left_out"`
	// Projects ranks every project: the selected first, then by benefit
	// per budgeted dollar.
	Projects []PlanProject     `json:"projects"`
	Conflict *capital.Conflict `json:"conflict,omitempty"`
	Stats    capital.Stats     `json:"stats"`
	LPFile   string            `json:"lp_file,omitempty"`

	Model  *capital.Model  `json:"-"`
	Result *capital.Result `json:"-"`
}

// PlanYear is the plan's cost in one year against its budget.
type PlanYear struct {
	Year   string            `json:"year"`
	Cost   analysis.Dollars  `json:"cost"`
	Budget *analysis.Dollars `json:"budget"`
}

// LeftOut is a project not in the plan and why.
type LeftOut struct {
	ID     string             `json:"id"`
	Name   string             `json:"name"`
	Code   capital.ReasonCode `json:"code"`
	Reason string             `json:"reason"`
	// Loss is what including it would cost in benefit (null when unknown).
	Loss budget.Num `json:"loss"`
}

// PlanProject is one project of the ranking.
type PlanProject struct {
	Rank             int              `json:"rank"`
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	Selected         bool             `json:"selected"`
	Amount           analysis.Dollars `json:"amount"`
	Benefit          float64          `json:"benefit"`
	BenefitPerDollar budget.Num       `json:"benefit_per_dollar"`
	HighNeedShare    float64          `json:"high_need_share"`
	Method           placement.Method `json:"placed_by"`
	Reason           string           `json:"reason,omitempty"`
}

// PlanCapital selects the plan of greatest benefit under the budget and
// the equity targets (capital.Solve, proven optimal or with its gap), with
// a reason for every project left out, and saves it as a scenario when
// asked.
func (o *Office) PlanCapital(ctx context.Context, opt CapitalPlanOptions) (*CapitalPlanResult, error) {
	if opt.ExportLP != "" {
		if err := CheckOutput(opt.ExportLP, "--export-lp"); err != nil {
			return nil, err
		}
	}
	cs, err := o.capitalSetup(ctx, opt.CapitalNeedOptions)
	if err != nil {
		return nil, err
	}
	mo, settings, err := o.modelOptions(cs, opt)
	if err != nil {
		return nil, err
	}
	m, err := placement.ModelOf(cs.plan, cs.place, cs.frame, mo)
	if err != nil {
		return nil, err
	}
	out := &CapitalPlanResult{Plan: cs.plan.Name, Layer: cs.layer.Name, Settings: settings, Model: m, Selected: []string{}, LeftOut: []LeftOut{}}
	if cs.frame.Need != nil {
		out.Need = cs.frame.Need.Label
	}
	if opt.ExportLP != "" {
		if err := writeLP(opt.ExportLP, m); err != nil {
			return nil, err
		}
		out.LPFile = opt.ExportLP
	}
	res, err := capital.Solve(ctx, m, capital.Options{Explain: true, TimeLimit: opt.TimeLimit, NodeLimit: opt.NodeLimit})
	if err != nil {
		return nil, err
	}
	out.Result = res
	fillPlanResult(out, cs, res)
	if opt.Save != "" {
		if err := o.saveScenario(ctx, out, opt); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func writeLP(path string, m *capital.Model) error {
	f, err := CreateAtomic(path, "--export-lp", true)
	if err != nil {
		return err
	}
	return f.Commit(capital.WriteLP(f, m))
}

// fillPlanResult copies the solver's answer and adds the figures.
func fillPlanResult(out *CapitalPlanResult, cs *capitalSetup, res *capital.Result) {
	out.Status, out.Optimal, out.Objective, out.Bound, out.Gap = string(res.Status), res.Optimal, res.Objective, res.Bound, res.Gap
	out.Selected = append(out.Selected, res.Selected...)
	out.Cost, out.HighNeedShare = analysis.Dollars(res.Figures.Cost), res.Figures.HighNeedShare
	out.Conflict, out.Stats = res.Conflict, res.Stats
	for _, y := range res.Figures.Years {
		py := PlanYear{Year: y.Year, Cost: analysis.Dollars(y.Cents)}
		for _, b := range out.Model.Budgets {
			if b.Year == y.Year {
				d := analysis.Dollars(b.Cents)
				py.Budget = &d
			}
		}
		out.Years = append(out.Years, py)
	}
	sel := map[string]bool{}
	for _, id := range res.Selected {
		sel[id] = true
	}
	out.Equity = placement.EquityOf(cs.place, cs.frame, sel, res.Figures.HighNeed, res.Figures.Cost)
	reasons := map[string]capital.Reason{}
	for _, r := range res.Reasons {
		reasons[r.Project] = r
	}
	methods := map[string]placement.Method{}
	for _, p := range cs.place.Projects {
		methods[p.ID] = p.Method
	}
	for _, p := range out.Model.Projects {
		var amount int64
		for _, c := range p.Cost {
			amount += c
		}
		pp := PlanProject{ID: p.ID, Name: p.Name, Selected: sel[p.ID], Amount: analysis.Dollars(amount), Benefit: p.Benefit,
			BenefitPerDollar: budget.Num(math.NaN()), HighNeedShare: p.HighNeedShare, Method: methods[p.ID]}
		if amount > 0 {
			pp.BenefitPerDollar = budget.Num(p.Benefit / (float64(amount) / 100))
		}
		if r, ok := reasons[p.ID]; ok && !sel[p.ID] {
			pp.Reason = r.Text
			lo := LeftOut{ID: p.ID, Name: p.Name, Code: r.Code, Reason: r.Text, Loss: budget.Num(math.NaN())}
			if r.LossProven || r.Code == capital.ReasonTie {
				lo.Loss = budget.Num(r.Loss)
			}
			out.LeftOut = append(out.LeftOut, lo)
		} else if !sel[p.ID] {
			lo := LeftOut{ID: p.ID, Name: p.Name, Code: "", Reason: "no plan: " + string(res.Status), Loss: budget.Num(math.NaN())}
			out.LeftOut = append(out.LeftOut, lo)
		}
		out.Projects = append(out.Projects, pp)
	}
	rank(out.Projects)
}

// rank orders the projects: selected first, then by benefit per budgeted
// dollar (a project costing nothing first), then in plan order.
func rank(ps []PlanProject) {
	key := func(p PlanProject) float64 {
		if p.BenefitPerDollar.Missing() {
			return math.Inf(1)
		}
		return float64(p.BenefitPerDollar)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Selected != ps[j].Selected {
			return ps[i].Selected
		}
		return key(ps[i]) > key(ps[j])
	})
	for i := range ps {
		ps[i].Rank = i + 1
	}
}

// modelOptions parses the constraints and says them in words.
func (o *Office) modelOptions(cs *capitalSetup, opt CapitalPlanOptions) (placement.ModelOptions, []string, error) {
	mo := placement.ModelOptions{Benefit: opt.Benefit, BudgetColumn: opt.BudgetColumn, MinHighNeedShare: opt.MinHighNeedShare,
		MustIn: opt.MustIn, MustOut: opt.MustOut}
	var words []string
	benefit := opt.Benefit
	switch benefit {
	case placement.BenefitCount:
		benefit = "1 per project (count)"
	case placement.BenefitCost:
		benefit = "dollars of cost"
	}
	words = append(words, "benefit: "+benefit)
	if opt.BudgetColumn != "" {
		words = append(words, "budgeted amount: column "+opt.BudgetColumn)
	}
	perYear := len(cs.plan.Years) > 0 && opt.BudgetColumn == ""
	var err error
	if mo.Budgets, err = parseBudgets(opt.Budget, opt.TotalBudget, cs.plan.Years, perYear); err != nil {
		return mo, nil, err
	}
	for _, b := range mo.Budgets {
		words = append(words, fmt.Sprintf("budget %s for %s", dollarText(b.Cents), yearText(b.Year)))
	}
	if opt.MinHighNeedShare > 0 {
		w := fmt.Sprintf("at least %s of the budgeted dollars in the highest-need tier", pct(opt.MinHighNeedShare))
		if n := cs.frame.Need; n != nil {
			w += fmt.Sprintf(" (tier %d of %d by %s)", n.Tiers, n.Tiers, n.Label)
		}
		words = append(words, w)
	}
	for _, lim := range []struct {
		vals []string
		dst  *map[string]int64
		word string
	}{{opt.Floors, &mo.Floors, "floor"}, {opt.Ceilings, &mo.Ceilings, "ceiling"}} {
		if *lim.dst, err = parseAreaAmounts(lim.vals, "--"+lim.word); err != nil {
			return mo, nil, err
		}
		for _, v := range lim.vals {
			words = append(words, lim.word+" "+v)
		}
	}
	if mo.Requires, err = parsePairs(opt.Requires, "--requires"); err != nil {
		return mo, nil, err
	}
	if mo.Excludes, err = parsePairs(opt.Excludes, "--excludes"); err != nil {
		return mo, nil, err
	}
	for _, p := range mo.Requires {
		words = append(words, p[0]+" requires "+p[1])
	}
	for _, p := range mo.Excludes {
		words = append(words, p[0]+" excludes "+p[1])
	}
	for _, id := range opt.MustIn {
		words = append(words, "must include "+id)
	}
	for _, id := range opt.MustOut {
		words = append(words, "must leave out "+id)
	}
	words = append(words, "placed in layer "+cs.layer.Name+" (split "+cs.place.Split.String()+")")
	return mo, words, nil
}

func pct(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", f*100), "0"), ".") + "%"
}

func yearText(y string) string {
	if y == "" {
		return "the whole plan"
	}
	return "year " + y
}

func dollarText(c int64) string { return "$" + budget.GroupDigits(budget.FormatUnits(c, 2)) }

// parseMoney reads an amount flag in cents.
func parseMoney(s, flag string) (int64, error) {
	v, empty, err := budget.ParseAmount(s, 2)
	if err != nil || empty || v < 0 {
		return 0, budget.Errorf(budget.EINVALID, "%s %q: give an amount of dollars such as 10000000 or $10,000,000", flag, s)
	}
	return v, nil
}

// parseBudgets reads --budget and --total-budget.
func parseBudgets(vals []string, total string, years []string, perYear bool) ([]capital.Budget, error) {
	var out []capital.Budget
	seen := map[string]bool{}
	add := func(year string, c int64) error {
		if seen[year] {
			return budget.Errorf(budget.EINVALID, "two budgets for %s: give one", yearText(year))
		}
		seen[year] = true
		out = append(out, capital.Budget{Year: year, Cents: c})
		return nil
	}
	for _, v := range vals {
		year, amount, hasYear := strings.Cut(v, "=")
		if !hasYear {
			amount, year = v, ""
		}
		c, err := parseMoney(amount, "--budget")
		if err != nil {
			return nil, err
		}
		switch {
		case hasYear && !perYear:
			return nil, budget.Errorf(budget.EINVALID, "--budget %s: the plan's amounts have no years here (one total per project): give --budget AMOUNT", v)
		case hasYear:
			if !contains(years, year) {
				return nil, budget.Errorf(budget.EINVALID, "--budget %s: the plan has no year %q (its years: %s)", v, year, strings.Join(years, ", "))
			}
		case perYear:
			for _, y := range years {
				if err := add(y, c); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := add(year, c); err != nil {
			return nil, err
		}
	}
	if total != "" {
		c, err := parseMoney(total, "--total-budget")
		if err != nil {
			return nil, err
		}
		if err := add("", c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseAreaAmounts(vals []string, flag string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, v := range vals {
		area, amount, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(area) == "" {
			return nil, budget.Errorf(budget.EINVALID, "%s %q: give AREA=AMOUNT (an area id of the layer, or * for every area)", flag, v)
		}
		c, err := parseMoney(amount, flag)
		if err != nil {
			return nil, err
		}
		if _, dup := out[strings.TrimSpace(area)]; dup {
			return nil, budget.Errorf(budget.EINVALID, "%s: area %s is given twice", flag, area)
		}
		out[strings.TrimSpace(area)] = c
	}
	return out, nil
}

func parsePairs(vals []string, flag string) ([][2]string, error) {
	var out [][2]string
	for _, v := range vals {
		a, b, ok := strings.Cut(v, ":")
		if !ok || strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
			return nil, budget.Errorf(budget.EINVALID, "%s %q: give two project ids as A:B", flag, v)
		}
		out = append(out, [2]string{strings.TrimSpace(a), strings.TrimSpace(b)})
	}
	return out, nil
}

func (o *Office) saveScenario(ctx context.Context, out *CapitalPlanResult, opt CapitalPlanOptions) error {
	if out.Result.Status != capital.StatusOptimal && out.Result.Status != capital.StatusFeasible {
		return budget.Errorf(budget.EINVALID, "--save %s: there is no plan to save (status %s)", opt.Save, out.Result.Status)
	}
	by := opt.By
	if by == "" {
		if u, err := user.Current(); err == nil {
			by = u.Username
		}
	}
	sc := &projects.Scenario{Plan: out.Plan, Name: opt.Save, By: by, Note: opt.Note, Settings: out.Settings, Model: out.Model, Result: out.Result, Equity: out.Equity}
	if err := o.Store.SaveCapitalScenario(ctx, sc); err != nil {
		return err
	}
	out.Scenario = opt.Save
	return nil
}

// CapitalScenarios lists a plan's saved scenarios with their equity
// figures side by side.
func (o *Office) CapitalScenarios(ctx context.Context, plan string) ([]projects.ScenarioInfo, error) {
	if _, err := o.CapitalPlan(ctx, plan); err != nil {
		return nil, err
	}
	return o.Store.CapitalScenarios(ctx, plan)
}

// CapitalComparison is two scenarios set side by side.
type CapitalComparison struct {
	Plan string                `json:"plan"`
	A    projects.ScenarioInfo `json:"a"`
	B    projects.ScenarioInfo `json:"b"`
	*capital.Comparison
}

// CompareCapital compares two saved scenarios of a plan: the changes
// between their models, the projects in and out and, for each swap, the
// constraint that forced it (capital.Compare), with both scenarios'
// equity figures.
func (o *Office) CompareCapital(ctx context.Context, plan, a, b string) (*CapitalComparison, error) {
	if _, err := o.CapitalPlan(ctx, plan); err != nil {
		return nil, err
	}
	sa, err := o.Store.CapitalScenario(ctx, plan, a)
	if err != nil {
		return nil, err
	}
	sb, err := o.Store.CapitalScenario(ctx, plan, b)
	if err != nil {
		return nil, err
	}
	cmp, err := capital.Compare(ctx, capital.Scenario{Name: a, Model: sa.Model, Result: sa.Result}, capital.Scenario{Name: b, Model: sb.Model, Result: sb.Result}, capital.Options{})
	if err != nil {
		return nil, err
	}
	return &CapitalComparison{Plan: plan, A: sa.Info(), B: sb.Info(), Comparison: cmp}, nil
}

// DeleteCapitalScenario removes a saved scenario.
func (o *Office) DeleteCapitalScenario(ctx context.Context, plan, name string) error {
	return o.Store.DeleteCapitalScenario(ctx, plan, name)
}
