package capital

import (
	"context"
	"math"
	"runtime"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/internal/mip"
)

// Options limit the search and choose what is reported. The zero value
// uses the defaults given for each field.
type Options struct {
	// NodeLimit stops the search after this many branch-and-bound nodes.
	// 0: 1,000,000; negative: none. A node limit gives the same answer on
	// every machine; a time limit does not.
	NodeLimit int
	// TimeLimit stops the search after this long. 0: 60 s; negative: none.
	TimeLimit time.Duration
	// RelGap is the optimality tolerance: the plan is optimal when no plan
	// can beat it by more than RelGap x |objective| (and 1e-9 absolute).
	// 0: 1e-9. When every benefit is an integer the tolerance is below one
	// unit of benefit, so the optimum is exact.
	RelGap float64
	// Explain gives a reason for every project left out (Result.Reasons).
	// It re-solves the model once per project left out with that project
	// forced in; see docs/capital.md.
	Explain bool
	// ExplainNodeLimit bounds each of those re-solves. 0: 20,000.
	ExplainNodeLimit int
	// Workers run the explanation re-solves in parallel (results do not
	// depend on it). 0: GOMAXPROCS.
	Workers int
}

func (o Options) withDefaults() Options {
	if o.NodeLimit == 0 {
		o.NodeLimit = 1_000_000
	}
	if o.TimeLimit == 0 {
		o.TimeLimit = 60 * time.Second
	}
	if o.ExplainNodeLimit <= 0 {
		o.ExplainNodeLimit = 20_000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

func (o Options) mip(start time.Time) mip.Options {
	mo := mip.Options{RelGap: o.RelGap}
	if o.NodeLimit > 0 {
		mo.NodeLimit = o.NodeLimit
	}
	if o.TimeLimit > 0 {
		mo.Deadline = start.Add(o.TimeLimit)
	}
	return mo
}

// Status is what a solve established.
type Status string

// Statuses.
const (
	StatusOptimal    Status = "optimal"    // the plan is proven best (within Options.RelGap)
	StatusFeasible   Status = "feasible"   // a limit stopped the search: a plan, with Gap to the best possible
	StatusInfeasible Status = "infeasible" // proven: no plan meets every constraint; Conflict says which cannot hold together
	StatusUnknown    Status = "unknown"    // a limit stopped the search before any plan was found
)

// Result is a solved model.
type Result struct {
	Status  Status `json:"status"`
	Optimal bool   `json:"optimal"`
	// Selected lists the chosen project ids in the model's project order.
	Selected  []string `json:"selected"`
	Objective float64  `json:"objective"` // total benefit of Selected
	// Bound is a proven upper bound on the benefit of any plan meeting
	// every constraint (>= Objective); Gap = (Bound - Objective) /
	// max(|Bound|, |Objective|, 1e-9) for a plan (optimal or feasible),
	// 0 otherwise. For an optimal plan Bound equals Objective up to the
	// tolerance. For StatusUnknown Bound is the best bound known
	// (math.MaxFloat64 when none); for StatusInfeasible it is 0.
	Bound     float64 `json:"bound"`
	Gap       float64 `json:"gap"`
	RootBound float64 `json:"root_bound"` // the LP relaxation's bound: how much integrality cost
	// Figures are the plan's totals, checked exactly (every plan returned
	// meets every constraint to the cent).
	Figures Figures `json:"figures"`
	// Constraints gives each constraint's use and slack in the plan.
	Constraints []Use `json:"constraints,omitempty"`
	// Conflict names constraints that cannot hold together
	// (StatusInfeasible only).
	Conflict *Conflict `json:"conflict,omitempty"`
	// Reasons has one entry per project left out, in project order
	// (Options.Explain only).
	Reasons []Reason `json:"reasons,omitempty"`
	Stats   Stats    `json:"stats"`
}

// Use is a money constraint's use in a plan: Value cents against the limit
// and Slack cents to spare (placed above a floor, left below a budget or
// ceiling; for the share, high-need cents above the minimum).
type Use struct {
	Constraint Constraint `json:"constraint"`
	Value      int64      `json:"value_cents"`
	Slack      int64      `json:"slack_cents"`
}

// Stats describe the search.
type Stats struct {
	Nodes      int `json:"nodes"`
	Iterations int `json:"lp_iterations"`
	RootFixed  int `json:"root_fixed"` // projects fixed at the root by propagation and reduced costs
	// DominancePairs counts the pairs (i, j) with j at least as good as i
	// in every constraint and in benefit, used as "i only with j".
	DominancePairs int     `json:"dominance_pairs"`
	Limit          string  `json:"limit,omitempty"`
	Seconds        float64 `json:"seconds"`
	// ExplainSeconds is the time spent on Reasons (not in Seconds).
	ExplainSeconds float64 `json:"explain_seconds,omitempty"`
}

// Solve selects the plan of greatest total benefit that meets every
// constraint of m. It returns an error only for an invalid model (a
// budget.Error with code invalid naming what to fix) or an internal
// failure; an infeasible model is a Result with StatusInfeasible and a
// Conflict. Cancelling ctx stops the search like a limit.
func Solve(ctx context.Context, m *Model, opt Options) (*Result, error) {
	start := time.Now()
	opt = opt.withDefaults()
	c, err := compile(m)
	if err != nil {
		return nil, err
	}
	mr, err := mip.Solve(ctx, c.problem(nil, nil), opt.mip(start))
	if err != nil {
		return nil, budget.Errorf(budget.EINTERNAL, "capital: %v", err)
	}
	res := &Result{
		Selected:  []string{},
		Objective: mr.Objective,
		Bound:     mr.Bound,
		RootBound: finite(mr.RootBound),
		Stats:     Stats{Nodes: mr.Nodes, Iterations: mr.Iterations, RootFixed: mr.RootFixed, DominancePairs: mr.Dominance, Limit: mr.Limit},
	}
	switch mr.Status {
	case mip.Optimal, mip.Feasible:
		if err := c.fillPlan(res, mr); err != nil {
			return nil, err
		}
	case mip.Infeasible:
		res.Status, res.Bound = StatusInfeasible, 0
		res.Conflict = c.conflict(ctx, nil, opt)
	case mip.NoSolution:
		res.Status, res.Bound = StatusUnknown, finite(mr.Bound)
	}
	res.Stats.Seconds = time.Since(start).Seconds()
	if opt.Explain && res.Status != StatusInfeasible && res.Status != StatusUnknown {
		t := time.Now()
		sel, _ := c.selection(res.Selected)
		res.Reasons = c.explain(ctx, sel, res.Objective, opt)
		res.Stats.ExplainSeconds = time.Since(t).Seconds()
	}
	return res, nil
}

func finite(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return math.MaxFloat64
	}
	return v
}

// fillPlan records the plan, re-checks it exactly and computes its figures.
func (c *compiled) fillPlan(res *Result, mr *mip.Result) error {
	res.Status = StatusFeasible
	if mr.Status == mip.Optimal {
		res.Status, res.Optimal = StatusOptimal, true
	}
	res.Selected = c.selectedIDs(mr.X)
	if v := c.violations(mr.X); len(v) > 0 {
		return budget.Errorf(budget.EINTERNAL, "capital: the optimiser returned a plan that breaks %s; please report this with the model", v[0].Text)
	}
	res.Figures = c.figures(mr.X)
	res.Constraints = c.uses(mr.X)
	res.Gap = (res.Bound - res.Objective) / math.Max(math.Max(math.Abs(res.Bound), math.Abs(res.Objective)), 1e-9)
	return nil
}

// uses reports each money constraint's value and slack.
func (c *compiled) uses(sel []bool) []Use {
	var out []Use
	for r, row := range c.rows {
		con := c.cons[r]
		act := row.Activity(sel)
		u := Use{Constraint: con, Value: act}
		switch con.Kind {
		case KindBudget, KindCeiling:
			u.Slack = row.Hi - act
		case KindFloor:
			u.Slack = act - row.Lo
		case KindEquity:
			u.Value = c.figures(sel).HighNeed
			u.Slack = act / c.shareQ // high-need cents above shareP/shareQ of the cost (rounded down)
		default:
			continue
		}
		out = append(out, u)
	}
	return out
}
