package capital

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/budgetlens/budgetlens/capital/internal/mip"
)

// ReasonCode classifies why a project is left out of a plan.
type ReasonCode string

// Reason codes, from the checks described on Reason.
const (
	ReasonKeptOut        ReasonCode = "kept_out"               // the user fixed it out
	ReasonNoFeasiblePlan ReasonCode = "no_feasible_plan"       // no plan meeting the constraints can include it (Conflict says why)
	ReasonExcludedBy     ReasonCode = "excluded_by"            // it cannot go ahead with Others, which are in the plan (or fixed in)
	ReasonRequires       ReasonCode = "requires"               // it needs Others, which are not in the plan (or cannot be)
	ReasonEquityShare    ReasonCode = "high_need_share"        // adding it would take the plan below the minimum high-need share
	ReasonCeiling        ReasonCode = "ceiling"                // adding it would put an area over its ceiling
	ReasonOverBudget     ReasonCode = "over_budget_at_margin"  // worth as much per dollar as the marginal project, but the budget left is too small and making room costs more than it brings
	ReasonLowerValue     ReasonCode = "lower_value_per_dollar" // less benefit per dollar than the marginal project, and no budget left for it
	ReasonNoBenefit      ReasonCode = "no_benefit"             // it fits, but adding it does not raise the total benefit
	ReasonTie            ReasonCode = "alternative_optimum"    // a plan with it is as good: leaving it out is a tie-break
	ReasonUnresolved     ReasonCode = "unresolved"             // the re-solve with it forced in hit its limit before finding a plan
	ReasonSearchLimit    ReasonCode = "search_limit"           // a plan with it beats the plan returned, which a limit stopped short of optimal
)

// Reason explains why one project is not in the plan. Two exact checks
// produce it: adding the project (with every project it requires that is
// not in the plan) to the plan and listing what that breaks
// (Violations), and re-solving the model with the project forced in,
// which gives the best plan that includes it and so what leaving it out
// is worth (Loss), or proves no plan can include it (Conflict).
type Reason struct {
	Project string     `json:"project"`
	Code    ReasonCode `json:"code"`
	Text    string     `json:"text"`
	// Others are the projects the reason names: the selected projects that
	// exclude it, or the projects it requires that are not in the plan.
	Others     []string    `json:"others,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	Conflict   *Conflict   `json:"conflict,omitempty"`
	// ForcedObjective is the benefit of the best plan found that includes
	// the project, and Loss = Objective - ForcedObjective. LossProven says
	// the re-solve proved that plan best; otherwise the true loss is
	// between LossAtLeast and Loss. All zero for kept_out,
	// no_feasible_plan and unresolved.
	ForcedObjective float64 `json:"forced_objective"`
	Loss            float64 `json:"loss"`
	LossAtLeast     float64 `json:"loss_at_least"`
	LossProven      bool    `json:"loss_proven"`
	// Displaces lists the plan's projects that the best plan with this one
	// leaves out; BringsIn the other projects it adds.
	Displaces []string `json:"displaces,omitempty"`
	BringsIn  []string `json:"brings_in,omitempty"`
}

// explain returns a reason for every project not in sel, in project order.
func (c *compiled) explain(ctx context.Context, sel []bool, objective float64, opt Options) []Reason {
	var todo []int
	for i, on := range sel {
		if !on {
			todo = append(todo, i)
		}
	}
	out := make([]Reason, len(todo))
	marginal := c.marginal(sel)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				out[k] = c.explainOne(ctx, todo[k], sel, objective, marginal, opt)
			}
		}()
	}
	for k := range todo {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	return out
}

// marginal returns the selected project, not fixed in and with a positive
// cost, with the least benefit per dollar (ties to the later project), or
// -1.
func (c *compiled) marginal(sel []bool) int {
	best := -1
	for i, on := range sel {
		if !on || c.m.Projects[i].Fixed == MustIn || c.total[i] == 0 {
			continue
		}
		if best < 0 || c.perDollar(i) <= c.perDollar(best) {
			best = i
		}
	}
	return best
}

// perDollar is benefit per $1 million of total cost.
func (c *compiled) perDollar(i int) float64 {
	return c.m.Projects[i].Benefit / (float64(c.total[i]) / 1e8)
}

// closure returns i and every project it requires, directly or through
// others, that is not in sel, in breadth-first order.
func (c *compiled) closure(i int, sel []bool) []int {
	seen := map[int]bool{i: true}
	out := []int{i}
	for k := 0; k < len(out); k++ {
		for _, id := range c.m.Projects[out[k]].Requires {
			j := c.ids[id]
			if !sel[j] && !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
	}
	return out
}

func (c *compiled) explainOne(ctx context.Context, i int, sel []bool, z float64, marginal int, opt Options) Reason {
	p := &c.m.Projects[i]
	r := Reason{Project: p.ID}
	if p.Fixed == MustOut {
		r.Code, r.Text = ReasonKeptOut, fmt.Sprintf("%s is fixed out of every plan", p.ID)
		return r
	}
	with := append([]bool(nil), sel...)
	closure := c.closure(i, sel)
	for _, j := range closure {
		with[j] = true
	}
	r.Violations = c.violations(with)
	fixes := c.modelFixes()
	fixes[i] = true
	mr, err := mip.Solve(ctx, c.problem(nil, fixes), mip.Options{NodeLimit: opt.ExplainNodeLimit, RelGap: opt.RelGap})
	if err != nil || mr.Status == mip.NoSolution {
		r.Code = ReasonUnresolved
		r.Text = fmt.Sprintf("%s: no plan including it was found within %d nodes; adding it to the plan would break %s", p.ID, opt.ExplainNodeLimit, violationWords(r.Violations))
		return r
	}
	if mr.Status == mip.Infeasible {
		r.Conflict = c.conflict(ctx, map[int]bool{i: true}, opt)
		r.Code = conflictCode(r.Conflict, p.ID)
		r.Text = fmt.Sprintf("no plan that includes %s can meet %s", p.ID, strings.TrimPrefix(strings.TrimPrefix(r.Conflict.Text, "no plan can meet all of: "), "no plan can meet "))
		r.Others = conflictOthers(r.Conflict, p.ID, r.Code)
		return r
	}
	r.ForcedObjective = mr.Objective
	r.Loss, r.LossAtLeast = z-mr.Objective, math.Max(z-mr.Bound, 0)
	r.LossProven = mr.Status == mip.Optimal
	for j := range sel {
		switch {
		case sel[j] && !mr.X[j]:
			r.Displaces = append(r.Displaces, c.m.Projects[j].ID)
		case !sel[j] && mr.X[j] && j != i:
			r.BringsIn = append(r.BringsIn, c.m.Projects[j].ID)
		}
	}
	c.classify(&r, i, sel, closure, marginal, z)
	return r
}

// conflictCode picks the code for a project no feasible plan can include.
func conflictCode(cf *Conflict, id string) ReasonCode {
	for _, con := range cf.Constraints {
		if con.Kind == KindRequires && con.Project == id {
			return ReasonRequires
		}
	}
	for _, con := range cf.Constraints {
		if con.Kind == KindExcludes && (con.Project == id || con.Other == id) {
			return ReasonExcludedBy
		}
	}
	return ReasonNoFeasiblePlan
}

func conflictOthers(cf *Conflict, id string, code ReasonCode) []string {
	var out []string
	for _, con := range cf.Constraints {
		switch {
		case code == ReasonRequires && con.Kind == KindRequires && con.Project == id:
			out = append(out, con.Other)
		case code == ReasonExcludedBy && con.Kind == KindExcludes && con.Project == id:
			out = append(out, con.Other)
		case code == ReasonExcludedBy && con.Kind == KindExcludes && con.Other == id:
			out = append(out, con.Project)
		}
	}
	return out
}

// classify sets the code and text of a project some feasible plan includes.
func (c *compiled) classify(r *Reason, i int, sel []bool, closure []int, marginal int, z float64) {
	p := &c.m.Projects[i]
	cost := c.costWords(r)
	tol := 1e-9 * math.Max(1, math.Abs(z))
	if r.Loss < -tol {
		r.Code = ReasonSearchLimit
		r.Text = fmt.Sprintf("a plan with %s has benefit %s, more than the plan returned (%s): the search stopped at its limit before proving that plan optimal%s", p.ID, num(r.ForcedObjective), num(z), swapWords(r))
		return
	}
	if r.Loss <= tol {
		r.Code = ReasonTie
		r.Text = fmt.Sprintf("a plan with %s is as good (same benefit %s)%s: leaving it out is a tie-break", p.ID, num(r.ForcedObjective), swapWords(r))
		return
	}
	if len(r.Violations) == 0 {
		r.Code = ReasonNoBenefit
		r.Text = fmt.Sprintf("%s fits in the plan but adding it (with what it requires) does not raise the total benefit (its benefit is %s)", p.ID, num(p.Benefit))
		return
	}
	kinds := map[ConstraintKind]*Violation{}
	for k := range r.Violations {
		v := &r.Violations[k]
		if kinds[v.Constraint.Kind] == nil {
			kinds[v.Constraint.Kind] = v
		}
	}
	switch {
	case kinds[KindExcludes] != nil:
		r.Code = ReasonExcludedBy
		r.Others = c.excluders(i, sel)
		r.Text = fmt.Sprintf("%s cannot go ahead with %s, in the plan; %s", p.ID, strings.Join(r.Others, ", "), cost)
	case len(closure) > 1:
		r.Code = ReasonRequires
		for _, j := range closure[1:] {
			r.Others = append(r.Others, c.m.Projects[j].ID)
		}
		r.Text = fmt.Sprintf("%s requires %s, not in the plan; adding them would break %s; %s", p.ID, strings.Join(r.Others, ", "), violationWords(r.Violations), cost)
	case kinds[KindEquity] != nil:
		r.Code = ReasonEquityShare
		r.Text = fmt.Sprintf("adding %s (%s of its dollars in the highest-need tier) would break %s; %s", p.ID, percentFloor(c.highNeed[i], c.total[i]), kinds[KindEquity].Text, cost)
	case kinds[KindCeiling] != nil:
		r.Code = ReasonCeiling
		r.Text = fmt.Sprintf("adding %s would break %s; %s", p.ID, kinds[KindCeiling].Text, cost)
	default:
		c.budgetReason(r, i, marginal, cost)
	}
}

// budgetReason distinguishes a project worth less per dollar than the
// marginal project from one that is worth more but does not fit.
func (c *compiled) budgetReason(r *Reason, i, marginal int, cost string) {
	p := &c.m.Projects[i]
	broken := violationWords(r.Violations)
	if marginal >= 0 && c.total[i] > 0 && c.perDollar(i) < c.perDollar(marginal) {
		r.Code = ReasonLowerValue
		r.Others = []string{c.m.Projects[marginal].ID}
		r.Text = fmt.Sprintf("%s brings %s benefit per $1M, less than the marginal project in the plan, %s (%s per $1M), and adding it would break %s; %s",
			p.ID, num(c.perDollar(i)), c.m.Projects[marginal].ID, num(c.perDollar(marginal)), broken, cost)
		return
	}
	r.Code = ReasonOverBudget
	r.Text = fmt.Sprintf("%s is worth at least as much per dollar as the marginal project but adding it would break %s, and making room costs more than it brings; %s", p.ID, broken, cost)
}

func (c *compiled) excluders(i int, sel []bool) []string {
	var out []string
	for k := range c.rows {
		con := c.cons[k]
		if con.Kind != KindExcludes {
			continue
		}
		a, b := c.ids[con.Project], c.ids[con.Other]
		switch {
		case a == i && sel[b]:
			out = append(out, con.Other)
		case b == i && sel[a]:
			out = append(out, con.Project)
		}
	}
	return out
}

// costWords says what forcing the project in costs.
func (c *compiled) costWords(r *Reason) string {
	loss := "lower by " + num(r.Loss)
	if !r.LossProven {
		loss = fmt.Sprintf("lower by between %s and %s (the re-solve hit its node limit)", num(r.LossAtLeast), num(r.Loss))
	}
	return fmt.Sprintf("the best plan with it has benefit %s, %s%s", num(r.ForcedObjective), loss, swapWords(r))
}

func swapWords(r *Reason) string {
	var parts []string
	if len(r.Displaces) > 0 {
		parts = append(parts, "dropping "+strings.Join(r.Displaces, ", "))
	}
	if len(r.BringsIn) > 0 {
		parts = append(parts, "adding "+strings.Join(r.BringsIn, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, " and ") + ")"
}

func violationWords(vs []Violation) string {
	if len(vs) == 0 {
		return "nothing"
	}
	var parts []string
	for _, v := range vs {
		parts = append(parts, v.Text)
	}
	return strings.Join(parts, "; ")
}

// num formats a benefit figure: thousands separated, at most two
// decimals; values below 1 in magnitude with three significant digits.
func num(v float64) string {
	if v != 0 && math.Abs(v) < 1 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, ch := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
