package placement

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/projects"
)

// Benefit choices that are not columns.
const (
	BenefitCount = "count" // each project is worth 1: fund as many as possible
	BenefitCost  = "cost"  // each project is worth its cost in dollars: spend as much as possible
)

// ModelOptions say what the optimiser is asked.
type ModelOptions struct {
	// Benefit is the column whose numbers the plan maximises the sum of (a
	// score, people served; money strings are read as dollars), or
	// BenefitCount or BenefitCost.
	Benefit string
	// BudgetColumn, when set, is the column of amounts the budgets limit
	// instead of the projects' costs (a grant application's local match);
	// the model then has one amount per project, not one per year.
	BudgetColumn string
	Budgets      []capital.Budget
	// MinHighNeedShare is the least share of the budgeted dollars in the
	// highest-need tier (0: none).
	MinHighNeedShare float64
	// Floors and Ceilings by area id ("*" for every area), in cents.
	Floors, Ceilings map[string]int64
	// Requires and Excludes are pairs of project ids: A requires B, A
	// excludes B.
	Requires, Excludes [][2]string
	MustIn, MustOut    []string
}

// ModelOf builds the optimiser's model of a placed plan. Each project's
// amount is its cost (per year when the plan has years) or its
// BudgetColumn amount; its area split is its placement's fractions (so the
// optimiser's area cents are capital.Placement of that amount, exactly as
// the analysis counts them); its high-need dollars are its cents in areas
// of the highest-need tier plus, for a citywide project, the top tier's
// share of residents times its amount (a project that serves everyone
// serves the top tier in proportion to its residents). The high-need share
// is recovered from those cents exactly: h = cents / amount, and capital
// rounds h x amount back to the same cents.
func ModelOf(plan *projects.Plan, pl *Placement, fr *Frame, opt ModelOptions) (*capital.Model, error) {
	m := &capital.Model{Name: plan.Name, Budgets: opt.Budgets, MinHighNeedShare: opt.MinHighNeedShare}
	if opt.BudgetColumn == "" && len(plan.Years) > 0 {
		m.Years = plan.Years
	}
	top, topPop := topAreas(fr)
	byID := map[string]*Project{}
	for i := range pl.Projects {
		byID[pl.Projects[i].ID] = &pl.Projects[i]
	}
	for i := range plan.Projects {
		p := &plan.Projects[i]
		mp := capital.Project{ID: p.ID, Name: p.Name, Cost: append([]int64{}, p.Cost...)}
		if len(m.Years) == 0 {
			mp.Cost = []int64{p.Total()}
		}
		if opt.BudgetColumn != "" {
			c, err := moneyAttr(plan, p, opt.BudgetColumn, "budget column")
			if err != nil {
				return nil, err
			}
			mp.Cost = []int64{c}
		}
		b, err := benefit(plan, p, opt.Benefit, mp.Cost)
		if err != nil {
			return nil, err
		}
		mp.Benefit = b
		pp := byID[p.ID]
		var amount, high int64
		for _, c := range mp.Cost {
			amount += c
		}
		shares := make([]capital.Share, 0, len(pp.Shares))
		for _, s := range pp.Shares {
			shares = append(shares, capital.Share{Area: fr.Layer.Areas[s.Area].ID, Fraction: s.Fraction})
		}
		mp.Areas = shares
		cents := capital.Placement(amount, shares)
		for k, s := range pp.Shares {
			if top[s.Area] {
				high += cents[k]
			}
		}
		if pp.Method == MethodCitywide {
			high = int64(math.Round(topPop * float64(amount)))
		}
		if amount > 0 {
			mp.HighNeedShare = float64(high) / float64(amount)
		}
		m.Projects = append(m.Projects, mp)
	}
	if err := constraints(m, fr, opt); err != nil {
		return nil, err
	}
	return m, m.Validate()
}

// topAreas marks the areas of the highest-need tier and returns the tier's
// share of residents.
func topAreas(fr *Frame) (map[int]bool, float64) {
	out := map[int]bool{}
	if fr.Need == nil || fr.Need.Tiers < 1 {
		return out, 0
	}
	var pop, all float64
	for k, t := range fr.Need.Tier {
		all += fr.Population[k]
		if t == fr.Need.Tiers {
			out[k] = true
			pop += fr.Population[k]
		}
	}
	if all == 0 {
		return out, 0
	}
	return out, pop / all
}

func constraints(m *capital.Model, fr *Frame, opt ModelOptions) error {
	if opt.MinHighNeedShare > 0 && (fr.Need == nil || fr.Need.Tiers < 1) {
		return budget.Errorf(budget.EINVALID, "a minimum high-need share needs need tiers: give a need run on layer %s or --rank-by ATTR", fr.Layer.Name)
	}
	ids := map[string]bool{}
	for _, a := range fr.Layer.Areas {
		ids[a.ID] = true
	}
	for _, lim := range []struct {
		kind capital.LimitKind
		vals map[string]int64
	}{{capital.Floor, opt.Floors}, {capital.Ceiling, opt.Ceilings}} {
		for _, id := range sortedKeys(lim.vals) {
			if id == "*" {
				for _, a := range fr.Layer.Areas {
					if _, own := lim.vals[a.ID]; !own {
						m.AreaLimits = append(m.AreaLimits, capital.AreaLimit{Area: a.ID, Kind: lim.kind, Cents: lim.vals["*"]})
					}
				}
				continue
			}
			if !ids[id] {
				return budget.Errorf(budget.EINVALID, "%s of area %q: layer %s has no such area (its ids: %s)", lim.kind, id, fr.Layer.Name, idsText(layerIDs(fr)))
			}
			m.AreaLimits = append(m.AreaLimits, capital.AreaLimit{Area: id, Kind: lim.kind, Cents: lim.vals[id]})
		}
	}
	idx := map[string]int{}
	for i, p := range m.Projects {
		idx[p.ID] = i
	}
	find := func(what, id string) (int, error) {
		i, ok := idx[id]
		if !ok {
			return 0, budget.Errorf(budget.EINVALID, "%s %q: the plan has no project with that id", what, id)
		}
		return i, nil
	}
	for _, pair := range opt.Requires {
		i, err := find("--requires", pair[0])
		if err != nil {
			return err
		}
		if _, err := find("--requires", pair[1]); err != nil {
			return err
		}
		m.Projects[i].Requires = append(m.Projects[i].Requires, pair[1])
	}
	for _, pair := range opt.Excludes {
		i, err := find("--excludes", pair[0])
		if err != nil {
			return err
		}
		if _, err := find("--excludes", pair[1]); err != nil {
			return err
		}
		m.Projects[i].Excludes = append(m.Projects[i].Excludes, pair[1])
	}
	for _, f := range []struct {
		ids []string
		fix capital.Fixing
		opt string
	}{{opt.MustIn, capital.MustIn, "--must"}, {opt.MustOut, capital.MustOut, "--must-not"}} {
		for _, id := range f.ids {
			i, err := find(f.opt, id)
			if err != nil {
				return err
			}
			if m.Projects[i].Fixed != capital.Free && m.Projects[i].Fixed != f.fix {
				return budget.Errorf(budget.EINVALID, "project %q is both --must and --must-not: give one", id)
			}
			m.Projects[i].Fixed = f.fix
		}
	}
	return nil
}

func layerIDs(fr *Frame) []string {
	out := make([]string, len(fr.Layer.Areas))
	for k, a := range fr.Layer.Areas {
		out[k] = a.ID
	}
	return out
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// attrError locates a bad cell of the plan's source file.
func attrError(plan *projects.Plan, p *projects.Project, col, field, value, expected string) error {
	return &budget.InputError{File: plan.Source, Line: p.Line, Column: col, Field: field, Value: value,
		Expected: expected + fmt.Sprintf(" (project %q)", p.ID)}
}

// attr returns a project's cell of a column (headings compared without
// case), and whether the plan has the column at all.
func attr(plan *projects.Plan, p *projects.Project, col string) (string, bool) {
	for _, c := range plan.Columns {
		if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(col)) {
			return p.Attrs[c], true
		}
	}
	return "", false
}

func moneyAttr(plan *projects.Plan, p *projects.Project, col, field string) (int64, error) {
	s, ok := attr(plan, p, col)
	if !ok {
		return 0, budget.Errorf(budget.EINVALID, "the plan %s has no column %q (its columns: %s)", plan.Name, col, strings.Join(plan.Columns, ", "))
	}
	units := plan.Mapping.Units
	k := 0
	for u := units; u > 1; u /= 10 {
		k++
	}
	v, empty, err := budget.ParseAmount(s, 2+k)
	switch {
	case err != nil:
		return 0, attrError(plan, p, col, field, s, "an amount such as 200000 or $1,250,000.00 ("+budget.AmountGrammar+")")
	case empty:
		return 0, attrError(plan, p, col, field, s, "an amount: the cell is blank (write 0 for none)")
	case v < 0:
		return 0, attrError(plan, p, col, field, s, "an amount of zero or more")
	}
	return v, nil
}

// benefit reads a project's benefit.
func benefit(plan *projects.Plan, p *projects.Project, col string, cost []int64) (float64, error) {
	switch col {
	case BenefitCount:
		return 1, nil
	case BenefitCost:
		var t int64
		for _, c := range cost {
			t += c
		}
		return float64(t) / 100, nil
	case "":
		return 0, budget.Errorf(budget.EINVALID, "name the benefit the plan maximises: --benefit COLUMN (a score or people served), --benefit count (as many projects as possible) or --benefit cost (as many dollars as possible)")
	}
	s, ok := attr(plan, p, col)
	if !ok {
		return 0, budget.Errorf(budget.EINVALID, "--benefit %q: the plan %s has no such column (its columns: %s); or use count or cost", col, plan.Name, strings.Join(plan.Columns, ", "))
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(s, ",", "")), 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v, nil
	}
	v, empty, err := budget.ParseAmount(s, 6)
	if err != nil || empty {
		return 0, attrError(plan, p, col, "benefit", s, "a number (a score, people served, or dollars such as $1,200)")
	}
	return float64(v) / 1e6, nil
}
