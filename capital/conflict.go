package capital

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/capital/internal/mip"
)

// Conflict is a set of constraints that cannot all hold together: no plan
// meets them all. It is found by a deletion filter (docs/capital.md): each
// constraint in turn is dropped for good when the rest are still proven
// infeasible without it.
type Conflict struct {
	Constraints []Constraint `json:"constraints"`
	// Minimal is true when every member was proven necessary: dropping any
	// one leaves a model some plan satisfies. It is false when a check hit
	// its node limit (the set is still proven infeasible, perhaps not the
	// smallest).
	Minimal bool   `json:"minimal"`
	Text    string `json:"text"`
}

// member is a row of the program or a fixing of a project.
type member struct {
	row     int // -1 for a fixing
	project int
	in      bool
}

// conflict finds constraints of the model (with the extra fixings force,
// which always stay) that cannot hold together. The model with force must
// be infeasible.
func (c *compiled) conflict(ctx context.Context, force map[int]bool, opt Options) *Conflict {
	members := c.conflictOrder(force)
	keep := make([]bool, len(members))
	for k := range keep {
		keep[k] = true
	}
	minimal := true
	for k := range members {
		keep[k] = false
		switch c.feasibleWith(ctx, members, keep, force, opt) {
		case mip.Infeasible:
			continue // not needed for the conflict
		case mip.NoSolution:
			minimal = false
		}
		keep[k] = true
	}
	out := &Conflict{Minimal: minimal}
	var words []string
	for k, mb := range members {
		if !keep[k] {
			continue
		}
		con := c.memberConstraint(mb)
		out.Constraints = append(out.Constraints, con)
		words = append(words, con.String())
	}
	out.Text = "no plan can meet all of: " + strings.Join(words, "; ")
	if len(words) == 1 {
		out.Text = fmt.Sprintf("no plan can meet %s", words[0])
	}
	return out
}

// conflictOrder lists the rows and the model's fixings (except those
// overridden by force) in the order the deletion filter tries to drop
// them: the constraints least likely to be the heart of a conflict first,
// so that budgets, floors and fixed-in projects are what remains when
// several conflicts exist.
func (c *compiled) conflictOrder(force map[int]bool) []member {
	rank := map[ConstraintKind]int{KindMustOut: 0, KindExcludes: 1, KindRequires: 2, KindCeiling: 3, KindEquity: 4, KindFloor: 5, KindBudget: 6, KindMustIn: 7}
	var members []member
	for r := range c.rows {
		members = append(members, member{row: r})
	}
	for i, in := range c.modelFixes() {
		if _, forced := force[i]; !forced {
			members = append(members, member{row: -1, project: i, in: in})
		}
	}
	kind := func(mb member) ConstraintKind { return c.memberConstraint(mb).Kind }
	sort.SliceStable(members, func(x, y int) bool {
		a, b := members[x], members[y]
		if rank[kind(a)] != rank[kind(b)] {
			return rank[kind(a)] < rank[kind(b)]
		}
		if a.row != b.row {
			return a.row < b.row
		}
		return a.project < b.project
	})
	return members
}

func (c *compiled) memberConstraint(mb member) Constraint {
	if mb.row >= 0 {
		return c.cons[mb.row]
	}
	kind := KindMustOut
	if mb.in {
		kind = KindMustIn
	}
	return Constraint{Kind: kind, Project: c.m.Projects[mb.project].ID}
}

// feasibleWith solves the feasibility problem with the kept members and
// the forced fixings, to the first plan found.
func (c *compiled) feasibleWith(ctx context.Context, members []member, keep []bool, force map[int]bool, opt Options) mip.Status {
	rows := make([]bool, len(c.rows))
	fixes := map[int]bool{}
	for k, mb := range members {
		if !keep[k] {
			continue
		}
		if mb.row >= 0 {
			rows[mb.row] = true
		} else {
			fixes[mb.project] = mb.in
		}
	}
	for i, in := range force {
		fixes[i] = in
	}
	res, err := mip.Solve(ctx, c.problem(rows, fixes), mip.Options{FirstFeasible: true, NodeLimit: opt.ExplainNodeLimit})
	if err != nil {
		return mip.NoSolution
	}
	return res.Status
}
