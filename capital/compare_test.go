package capital

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func scenario(t *testing.T, name string, m Model) Scenario {
	t.Helper()
	return Scenario{Name: name, Model: &m, Result: solveOrFatal(t, &m, Options{})}
}

func swapIDs(s []Swap) []string {
	var ids []string
	for _, sw := range s {
		ids = append(ids, sw.Project)
	}
	return ids
}

func TestCompareNamesTheConstraintBehindEachSwap(t *testing.T) {
	base := func() Model {
		return Model{Budgets: budgetOf(10), Projects: []Project{
			withShare(proj("A", 6, 10, "S"), 0), withShare(proj("B", 5, 7, "N"), 1), withShare(proj("C", 4, 6, "N"), 1)}}
	}
	cut := base()
	cut.Budgets = budgetOf(9)
	share := base()
	share.MinHighNeedShare = 0.7
	out := base()
	out.Projects[0].Fixed = MustOut
	cases := []struct {
		name        string
		b           Model
		kept        []string
		in, out     []string
		forcedIn    []ConstraintKind
		forcedOut   []ConstraintKind
		changedIn   []bool
		changedOut  []bool
		changeWords string
	}{
		{
			// $10: A+C -> 16. $9: B+C -> 13 (A+C no longer fits). A goes out
			// because adding it back breaks the cut budget; B was out of
			// the $10 plan because adding it broke that budget too.
			name: "budget cut", b: cut, kept: []string{"C"}, in: []string{"B"}, out: []string{"A"},
			forcedIn: []ConstraintKind{KindBudget}, forcedOut: []ConstraintKind{KindBudget},
			changedIn: []bool{true}, changedOut: []bool{true},
			changeWords: "the budget for the whole plan: $10.00 in A, $9.00 in B",
		},
		{
			// Share >= 70%: only B+C (100%) qualifies. A leaves because
			// adding it breaks the new share (and the budget, unchanged).
			name: "share added", b: share, kept: []string{"C"}, in: []string{"B"}, out: []string{"A"},
			forcedIn: []ConstraintKind{KindBudget}, forcedOut: []ConstraintKind{KindEquity},
			changedIn: []bool{false}, changedOut: []bool{true},
			changeWords: "B adds the minimum high-need share (70.0%)",
		},
		{
			name: "fixed out", b: out, kept: []string{"C"}, in: []string{"B"}, out: []string{"A"},
			forcedIn: []ConstraintKind{KindBudget}, forcedOut: []ConstraintKind{KindMustOut},
			changedIn: []bool{false}, changedOut: []bool{true},
			changeWords: "B adds A must stay out",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := scenario(t, "current", base())
			b := scenario(t, tc.name, tc.b)
			cmp, err := Compare(context.Background(), a, b, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cmp.Kept, tc.kept) || !slices.Equal(swapIDs(cmp.In), tc.in) || !slices.Equal(swapIDs(cmp.Out), tc.out) {
				t.Fatalf("kept %v in %v out %v", cmp.Kept, swapIDs(cmp.In), swapIDs(cmp.Out))
			}
			checkSwaps(t, "in", cmp.In, tc.forcedIn, tc.changedIn)
			checkSwaps(t, "out", cmp.Out, tc.forcedOut, tc.changedOut)
			if len(cmp.Changes) != 1 || cmp.Changes[0].Text != tc.changeWords {
				t.Errorf("changes %+v, want one: %q", cmp.Changes, tc.changeWords)
			}
			if cmp.FiguresA.Benefit != a.Result.Objective || cmp.FiguresB.Benefit != b.Result.Objective {
				t.Errorf("figures %v/%v, objectives %v/%v", cmp.FiguresA.Benefit, cmp.FiguresB.Benefit, a.Result.Objective, b.Result.Objective)
			}
		})
	}
}

func checkSwaps(t *testing.T, dir string, swaps []Swap, kinds []ConstraintKind, changed []bool) {
	t.Helper()
	for k, sw := range swaps {
		if sw.Forced == nil || sw.Forced.Kind != kinds[k] || sw.Changed != changed[k] {
			t.Errorf("%s %s: forced %+v changed %v, want %s changed %v (%s)", dir, sw.Project, sw.Forced, sw.Changed, kinds[k], changed[k], sw.Text)
		}
		if !strings.Contains(sw.Text, sw.Project) {
			t.Errorf("%s %s: text %q does not name the project", dir, sw.Project, sw.Text)
		}
	}
}

func TestCompareProjectChanges(t *testing.T) {
	a := scenario(t, "A", Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 6, 10, ""), proj("B", 5, 7, ""), proj("C", 4, 6, "")}})
	// B's benefit rises to 11: B+C -> 17 beats A+C -> 16. D is new.
	b := scenario(t, "B", Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 6, 10, ""), proj("B", 5, 11, ""), proj("C", 4, 6, ""), proj("D", 20, 1, "")}})
	cmp, err := Compare(context.Background(), a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, ch := range cmp.Changes {
		texts = append(texts, ch.Text)
	}
	want := []string{"B changed: benefit 7 -> 11", "D is a candidate in B only"}
	if !slices.Equal(texts, want) {
		t.Fatalf("changes %q, want %q", texts, want)
	}
	if len(cmp.In) != 1 || cmp.In[0].Project != "B" || !cmp.In[0].Changed || !strings.Contains(cmp.In[0].Text, "benefit 7 -> 11") {
		t.Fatalf("in %+v", cmp.In)
	}
}

func TestCompareRefusesStalePlans(t *testing.T) {
	a := scenario(t, "A", Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 6, 10, ""), proj("C", 4, 6, "")}})
	stale := a
	m := *a.Model
	m.Budgets = budgetOf(5) // the saved plan no longer fits
	stale.Model = &m
	if _, err := Compare(context.Background(), a, stale, Options{}); err == nil || !strings.Contains(err.Error(), "breaks its own model") {
		t.Fatalf("error %v", err)
	}
	infeasible := Scenario{Name: "X", Model: a.Model, Result: &Result{Status: StatusInfeasible}}
	if _, err := Compare(context.Background(), a, infeasible, Options{}); err == nil || !strings.Contains(err.Error(), "no plan") {
		t.Fatalf("error %v", err)
	}
}
