package capital

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func solveOrFatal(t *testing.T, m *Model, opt Options) *Result {
	t.Helper()
	res, err := Solve(context.Background(), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func cloneModel(m *Model) *Model {
	c := *m
	c.Budgets = append([]Budget(nil), m.Budgets...)
	c.AreaLimits = append([]AreaLimit(nil), m.AreaLimits...)
	c.Projects = make([]Project, len(m.Projects))
	for i, p := range m.Projects {
		q := p
		q.Cost = append([]int64(nil), p.Cost...)
		q.Requires = append([]string(nil), p.Requires...)
		q.Excludes = append([]string(nil), p.Excludes...)
		c.Projects[i] = q
	}
	return &c
}

func tolerance(v float64) float64 { return 1e-9 * math.Max(1, math.Abs(v)) }

// TestPlanProperties checks, on random instances: the plan meets every
// constraint exactly in integer cents (an independent Check), the bound is
// at least the objective, dropping the high-need share or raising the
// budgets never lowers the optimum, and fixing the chosen projects in
// reproduces the optimum.
func TestPlanProperties(t *testing.T) {
	for k := 0; k < 120; k++ {
		rng := rand.New(rand.NewPCG(uint64(k), 77))
		m := randomModel(rng, k)
		res := solveOrFatal(t, m, Options{Workers: 1})
		if res.Status == StatusInfeasible {
			continue
		}
		if !res.Optimal {
			t.Fatalf("instance %d: %s", k, res.Status)
		}
		fig, viol, err := Check(m, res.Selected)
		if err != nil || len(viol) > 0 {
			t.Fatalf("instance %d: plan breaks %v (%v)", k, viol, err)
		}
		if fig.Benefit != res.Objective || fig.Cost != res.Figures.Cost {
			t.Fatalf("instance %d: figures %v/%v, result %v/%v", k, fig.Benefit, fig.Cost, res.Objective, res.Figures.Cost)
		}
		if res.Bound < res.Objective || res.RootBound < res.Objective-tolerance(res.Objective) {
			t.Fatalf("instance %d: bound %v, root bound %v below objective %v", k, res.Bound, res.RootBound, res.Objective)
		}
		noShare := cloneModel(m)
		noShare.MinHighNeedShare = 0
		if r := solveOrFatal(t, noShare, Options{}); r.Objective < res.Objective-tolerance(res.Objective) {
			t.Fatalf("instance %d: dropping the share lowered the optimum from %v to %v", k, res.Objective, r.Objective)
		}
		richer := cloneModel(m)
		for b := range richer.Budgets {
			richer.Budgets[b].Cents += richer.Budgets[b].Cents / 2
		}
		if r := solveOrFatal(t, richer, Options{}); r.Objective < res.Objective-tolerance(res.Objective) {
			t.Fatalf("instance %d: a larger budget lowered the optimum from %v to %v", k, res.Objective, r.Objective)
		}
		pinned := cloneModel(m)
		for i := range pinned.Projects {
			if slices.Contains(res.Selected, pinned.Projects[i].ID) {
				pinned.Projects[i].Fixed = MustIn
			}
		}
		if r := solveOrFatal(t, pinned, Options{}); math.Abs(r.Objective-res.Objective) > tolerance(res.Objective) {
			t.Fatalf("instance %d: fixing the plan in gives %v, not %v", k, r.Objective, res.Objective)
		}
	}
}

// TestReasonsAreConsistent checks every reason against the model: the
// plan with the project forced in (the plan minus Displaces plus BringsIn
// plus the project) meets every constraint and has ForcedObjective; the
// loss is not negative; a tie loses nothing; violations are what adding
// the project breaks.
func TestReasonsAreConsistent(t *testing.T) {
	codes := map[ReasonCode]int{}
	for k := 0; k < 60; k++ {
		rng := rand.New(rand.NewPCG(uint64(k), 91))
		m := randomModel(rng, k)
		res := solveOrFatal(t, m, Options{Explain: true})
		if res.Status == StatusInfeasible {
			continue
		}
		if want := len(m.Projects) - len(res.Selected); len(res.Reasons) != want {
			t.Fatalf("instance %d: %d reasons, want %d", k, len(res.Reasons), want)
		}
		for _, r := range res.Reasons {
			codes[r.Code]++
			checkReason(t, k, m, res, r)
		}
	}
	t.Logf("reason codes: %v", codes)
	for _, c := range []ReasonCode{ReasonLowerValue, ReasonOverBudget, ReasonEquityShare, ReasonKeptOut, ReasonExcludedBy, ReasonRequires, ReasonNoFeasiblePlan} {
		if codes[c] == 0 {
			t.Errorf("no instance produced reason %s: the test no longer covers it", c)
		}
	}
}

func checkReason(t *testing.T, k int, m *Model, res *Result, r Reason) {
	t.Helper()
	if r.Text == "" || slices.Contains(res.Selected, r.Project) {
		t.Fatalf("instance %d: reason %+v", k, r)
	}
	switch r.Code {
	case ReasonKeptOut, ReasonUnresolved:
		return
	case ReasonNoFeasiblePlan:
		if r.Conflict == nil || len(r.Conflict.Constraints) == 0 {
			t.Fatalf("instance %d: %s without a conflict", k, r.Project)
		}
		return
	}
	if r.Conflict != nil {
		if r.Code != ReasonRequires && r.Code != ReasonExcludedBy {
			t.Fatalf("instance %d: %s has a conflict and code %s", k, r.Project, r.Code)
		}
		return
	}
	forced := []string{r.Project}
	for _, id := range res.Selected {
		if !slices.Contains(r.Displaces, id) {
			forced = append(forced, id)
		}
	}
	forced = append(forced, r.BringsIn...)
	fig, viol, err := Check(m, forced)
	if err != nil || len(viol) > 0 {
		t.Fatalf("instance %d: the plan with %s breaks %v (%v)", k, r.Project, viol, err)
	}
	if math.Abs(fig.Benefit-r.ForcedObjective) > tolerance(fig.Benefit) {
		t.Fatalf("instance %d: forced plan benefit %v, reason says %v", k, fig.Benefit, r.ForcedObjective)
	}
	if r.Loss < -tolerance(res.Objective) || r.LossAtLeast > r.Loss+tolerance(r.Loss) {
		t.Fatalf("instance %d: %s loss %v (at least %v)", k, r.Project, r.Loss, r.LossAtLeast)
	}
	if r.Code == ReasonTie && r.Loss > tolerance(res.Objective) {
		t.Fatalf("instance %d: tie with loss %v", k, r.Loss)
	}
	if r.Code != ReasonTie && r.Code != ReasonNoBenefit && len(r.Violations) == 0 {
		t.Fatalf("instance %d: %s code %s without violations", k, r.Project, r.Code)
	}
}
