package capital

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Scenario is a named model with its solved plan.
type Scenario struct {
	Name   string  `json:"name"`
	Model  *Model  `json:"model"`
	Result *Result `json:"result"`
}

// Comparison sets two scenarios' plans side by side: what differs between
// their models, which projects stay, and for each project that comes in or
// goes out the constraint that forced the swap.
type Comparison struct {
	A          string   `json:"a"`
	B          string   `json:"b"`
	FiguresA   Figures  `json:"figures_a"`
	FiguresB   Figures  `json:"figures_b"`
	ObjectiveA float64  `json:"objective_a"`
	ObjectiveB float64  `json:"objective_b"`
	Changes    []Change `json:"changes"`
	Kept       []string `json:"kept"`
	In         []Swap   `json:"in"`  // in B's plan, not in A's
	Out        []Swap   `json:"out"` // in A's plan, not in B's
}

// Change is one difference between the two scenarios' models.
type Change struct {
	// Constraint is the constraint that differs (its B version, or its A
	// version when B drops it); nil for changes to a project's own data.
	Constraint *Constraint `json:"constraint,omitempty"`
	// Project is the project whose data or candidacy differs.
	Project string `json:"project,omitempty"`
	Before  string `json:"before"`
	After   string `json:"after"`
	Text    string `json:"text"`
}

// Swap is a project selected in one scenario and not the other.
type Swap struct {
	Project string `json:"project"`
	// Reason is why the scenario that leaves the project out does so,
	// derived as for Result.Reasons (B's reason for an Out swap, A's for an
	// In swap).
	Reason Reason `json:"reason"`
	// Forced is the constraint that forced the swap: among those the
	// project's insertion breaks (or that conflict with it) in the scenario
	// leaving it out, the first that differs between the scenarios, else
	// the first. Nil when nothing is broken (a tie, or a change of the
	// project's own benefit).
	Forced *Constraint `json:"forced,omitempty"`
	// Changed says the forcing constraint, or the project itself, differs
	// between the scenarios.
	Changed bool   `json:"changed"`
	Text    string `json:"text"`
}

// Compare explains the difference between two solved scenarios. Each
// result must be a plan (optimal or feasible) that meets its own model;
// projects are matched by id. It re-solves each scenario once per swapped
// project (opt.ExplainNodeLimit, opt.Workers apply).
func Compare(ctx context.Context, a, b Scenario, opt Options) (*Comparison, error) {
	opt = opt.withDefaults()
	ca, selA, err := scenarioPlan(a)
	if err != nil {
		return nil, err
	}
	cb, selB, err := scenarioPlan(b)
	if err != nil {
		return nil, err
	}
	cmp := &Comparison{A: a.Name, B: b.Name, FiguresA: ca.figures(selA), FiguresB: cb.figures(selB),
		ObjectiveA: a.Result.Objective, ObjectiveB: b.Result.Objective, Kept: []string{}, In: []Swap{}, Out: []Swap{}}
	cmp.Changes = modelChanges(ca, cb)
	for i, p := range a.Model.Projects {
		j, inB := cb.ids[p.ID]
		switch {
		case selA[i] && inB && selB[j]:
			cmp.Kept = append(cmp.Kept, p.ID)
		case selA[i]:
			cmp.Out = append(cmp.Out, swap(ctx, cb, selB, b.Result.Objective, p.ID, cmp.Changes, b.Name, opt))
		}
	}
	for j, p := range b.Model.Projects {
		i, inA := ca.ids[p.ID]
		if selB[j] && !(inA && selA[i]) {
			cmp.In = append(cmp.In, swap(ctx, ca, selA, a.Result.Objective, p.ID, cmp.Changes, a.Name, opt))
		}
	}
	return cmp, nil
}

// scenarioPlan compiles the scenario and checks its plan against its model.
func scenarioPlan(s Scenario) (*compiled, []bool, error) {
	if s.Model == nil || s.Result == nil {
		return nil, nil, invalidf("scenario %q has no model or no result", s.Name)
	}
	if s.Result.Status != StatusOptimal && s.Result.Status != StatusFeasible {
		return nil, nil, invalidf("scenario %q has no plan (status %s): only plans can be compared", s.Name, s.Result.Status)
	}
	c, err := compile(s.Model)
	if err != nil {
		return nil, nil, fmt.Errorf("scenario %q: %w", s.Name, err)
	}
	sel, err := c.selection(s.Result.Selected)
	if err != nil {
		return nil, nil, fmt.Errorf("scenario %q: %w", s.Name, err)
	}
	if v := c.violations(sel); len(v) > 0 {
		return nil, nil, budget.Errorf(budget.EINVALID, "capital: scenario %q: its plan breaks its own model (%s): solve it again", s.Name, v[0].Text)
	}
	return c, sel, nil
}

// swap explains why the scenario (c, sel) named name leaves project id out.
func swap(ctx context.Context, c *compiled, sel []bool, objective float64, id string, changes []Change, name string, opt Options) Swap {
	sw := Swap{Project: id}
	i, ok := c.ids[id]
	if !ok {
		sw.Changed = true
		sw.Text = fmt.Sprintf("%s is not a candidate in %s", id, name)
		return sw
	}
	sw.Reason = c.explainOne(ctx, i, sel, objective, c.marginal(sel), opt)
	var involved []Constraint
	for _, v := range sw.Reason.Violations {
		involved = append(involved, v.Constraint)
	}
	if sw.Reason.Conflict != nil {
		involved = append(involved, sw.Reason.Conflict.Constraints...)
	}
	if sw.Reason.Code == ReasonKeptOut {
		involved = append(involved, Constraint{Kind: KindMustOut, Project: id})
	}
	for k := range involved {
		if changeOf(changes, involved[k]) != nil {
			sw.Forced, sw.Changed = &involved[k], true
			break
		}
	}
	if sw.Forced == nil && len(involved) > 0 {
		sw.Forced = &involved[0]
	}
	own := projectChange(changes, id)
	if own != nil {
		sw.Changed = true
	}
	sw.Text = fmt.Sprintf("in %s, %s", name, sw.Reason.Text)
	if ch := changeOf(changes, derefOr(sw.Forced)); ch != nil {
		sw.Text += "; changed between the scenarios: " + ch.Text
	}
	if own != nil {
		sw.Text += "; " + own.Text
	}
	return sw
}

func derefOr(c *Constraint) Constraint {
	if c == nil {
		return Constraint{}
	}
	return *c
}

// changeOf returns the change touching the same constraint (same kind and
// place; the limit may differ), or nil.
func changeOf(changes []Change, con Constraint) *Change {
	for k := range changes {
		ch := changes[k].Constraint
		if ch != nil && sameConstraint(*ch, con) {
			return &changes[k]
		}
	}
	return nil
}

func projectChange(changes []Change, id string) *Change {
	for k := range changes {
		if changes[k].Constraint == nil && changes[k].Project == id {
			return &changes[k]
		}
	}
	return nil
}

func sameConstraint(a, b Constraint) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case KindBudget:
		return a.Year == b.Year
	case KindFloor, KindCeiling:
		return a.Area == b.Area
	case KindExcludes:
		return a.Project == b.Project && a.Other == b.Other || a.Project == b.Other && a.Other == b.Project
	case KindRequires:
		return a.Project == b.Project && a.Other == b.Other
	case KindMustIn, KindMustOut:
		return a.Project == b.Project
	}
	return true // the high-need share
}

// modelChanges lists what differs from A's model to B's: constraints
// (budgets, the share, area limits, dependencies, fixings) and projects
// (candidacy, benefit, cost, placement, high-need dollars).
func modelChanges(a, b *compiled) []Change {
	var out []Change
	ka, kb := constraintSet(a), constraintSet(b)
	for _, key := range sortedKeys(ka, kb) {
		ca, inA := ka[key]
		cb, inB := kb[key]
		switch {
		case !inA:
			c := cb
			out = append(out, Change{Constraint: &c, Before: "none", After: limitWords(cb), Text: fmt.Sprintf("B adds %s", cb)})
		case !inB:
			c := ca
			out = append(out, Change{Constraint: &c, Before: limitWords(ca), After: "none", Text: fmt.Sprintf("B drops %s", ca)})
		case ca.Cents != cb.Cents || ca.Share != cb.Share:
			c := cb
			out = append(out, Change{Constraint: &c, Before: limitWords(ca), After: limitWords(cb),
				Text: fmt.Sprintf("%s: %s in A, %s in B", kindWords(cb), limitWords(ca), limitWords(cb))})
		}
	}
	return append(out, projectChanges(a, b)...)
}

// constraintSet keys every constraint of a model (fixings included) by
// kind and place.
func constraintSet(c *compiled) map[string]Constraint {
	set := map[string]Constraint{}
	add := func(con Constraint) {
		key := string(con.Kind) + "|" + con.Year + "|" + con.Area + "|" + con.Project + "|" + con.Other
		if con.Kind == KindExcludes && con.Other < con.Project {
			key = string(con.Kind) + "|||" + con.Other + "|" + con.Project
		}
		set[key] = con
	}
	for _, con := range c.cons {
		add(con)
	}
	for i, p := range c.m.Projects {
		switch p.Fixed {
		case MustIn:
			add(Constraint{Kind: KindMustIn, Project: c.m.Projects[i].ID})
		case MustOut:
			add(Constraint{Kind: KindMustOut, Project: c.m.Projects[i].ID})
		}
	}
	return set
}

func sortedKeys(a, b map[string]Constraint) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]Constraint{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func kindWords(c Constraint) string {
	switch c.Kind {
	case KindBudget:
		return "the budget for " + yearWords(c.Year)
	case KindEquity:
		return "the minimum high-need share"
	case KindFloor, KindCeiling:
		return fmt.Sprintf("the %s of area %s", c.Kind, c.Area)
	}
	return c.String()
}

func limitWords(c Constraint) string {
	switch c.Kind {
	case KindBudget, KindFloor, KindCeiling:
		return dollars(c.Cents)
	case KindEquity:
		return percent(c.Share)
	}
	return "yes"
}

// projectChanges compares the projects' own data.
func projectChanges(a, b *compiled) []Change {
	var out []Change
	for i, p := range a.m.Projects {
		j, ok := b.ids[p.ID]
		if !ok {
			out = append(out, Change{Project: p.ID, Before: "candidate", After: "absent", Text: fmt.Sprintf("%s is a candidate in A only", p.ID)})
			continue
		}
		q := &b.m.Projects[j]
		var diffs []string
		if p.Benefit != q.Benefit {
			diffs = append(diffs, fmt.Sprintf("benefit %s -> %s", num(p.Benefit), num(q.Benefit)))
		}
		if a.total[i] != b.total[j] || !equalCosts(p.Cost, q.Cost) {
			diffs = append(diffs, fmt.Sprintf("cost %s -> %s", dollars(a.total[i]), dollars(b.total[j])))
		}
		if a.highNeed[i] != b.highNeed[j] {
			diffs = append(diffs, fmt.Sprintf("high-need dollars %s -> %s", dollars(a.highNeed[i]), dollars(b.highNeed[j])))
		}
		if placementWords(a, i) != placementWords(b, j) {
			diffs = append(diffs, fmt.Sprintf("placement %s -> %s", placementWords(a, i), placementWords(b, j)))
		}
		if len(diffs) > 0 {
			out = append(out, Change{Project: p.ID, Before: "A", After: "B", Text: fmt.Sprintf("%s changed: %s", p.ID, strings.Join(diffs, ", "))})
		}
	}
	for _, q := range b.m.Projects {
		if _, ok := a.ids[q.ID]; !ok {
			out = append(out, Change{Project: q.ID, Before: "absent", After: "candidate", Text: fmt.Sprintf("%s is a candidate in B only", q.ID)})
		}
	}
	return out
}

func equalCosts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func placementWords(c *compiled, i int) string {
	var parts []string
	for _, pl := range c.placed[i] {
		parts = append(parts, fmt.Sprintf("%s %s", c.areas[pl.area], dollars(pl.cents)))
	}
	if len(parts) == 0 {
		return "citywide"
	}
	return strings.Join(parts, ", ")
}
