package capital

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

// proj builds a project costing whole dollars (one total) in one area.
func proj(id string, dollars int64, benefit float64, area string) Project {
	p := Project{ID: id, Cost: []int64{dollars * 100}, Benefit: benefit}
	if area != "" {
		p.Areas = []Share{{Area: area, Fraction: 1}}
	}
	return p
}

func withShare(p Project, h float64) Project { p.HighNeedShare = h; return p }
func fixed(p Project, f Fixing) Project      { p.Fixed = f; return p }
func requires(p Project, ids ...string) Project {
	p.Requires = append(p.Requires, ids...)
	return p
}
func excludes(p Project, ids ...string) Project {
	p.Excludes = append(p.Excludes, ids...)
	return p
}

func budgetOf(dollars int64) []Budget { return []Budget{{Cents: dollars * 100}} }

// Each case's answer was worked out by hand by listing the plans that fit;
// the comment gives the comparison that decides it.
var knownCases = []struct {
	name      string
	model     Model
	selected  []string
	objective float64
}{
	{
		// A+C $10 -> 16; B+C $9 -> 13; A+B $11 does not fit.
		name:      "knapsack",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 6, 10, ""), proj("B", 5, 7, ""), proj("C", 4, 6, "")}},
		selected:  []string{"A", "C"},
		objective: 16,
	},
	{
		// Greedy by benefit per dollar takes A (1.5/$) and then nothing
		// fits in $4; B+C ($10) -> 14 beats A alone (9).
		name:      "greedy fails",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 6, 9, ""), proj("B", 5, 7, ""), proj("C", 5, 7, "")}},
		selected:  []string{"B", "C"},
		objective: 14,
	},
	{
		// Share >= 50%: A+B and A+C have 40% in the top tier; B+C has
		// 100% -> 9. Without the share A+B -> 15.
		name: "high-need share",
		model: Model{Budgets: budgetOf(10), MinHighNeedShare: 0.5, Projects: []Project{
			withShare(proj("A", 6, 10, ""), 0), withShare(proj("B", 4, 5, ""), 1), withShare(proj("C", 4, 4, ""), 1)}},
		selected:  []string{"B", "C"},
		objective: 9,
	},
	{
		// Without the floor A+D -> 14; with N >= $4 only plans with C
		// qualify: A+C $10 -> 13 beats B+C 11 and C+D 7.
		name: "area floor",
		model: Model{Budgets: budgetOf(10), AreaLimits: []AreaLimit{{Area: "N", Kind: Floor, Cents: 400}},
			Projects: []Project{proj("A", 6, 10, "S"), proj("B", 5, 8, "S"), proj("C", 4, 3, "N"), proj("D", 3, 4, "S")}},
		selected:  []string{"A", "C"},
		objective: 13,
	},
	{
		// S <= $8 rules out A+D ($9 in S); A+C -> 13 beats B+D -> 12.
		name: "area ceiling",
		model: Model{Budgets: budgetOf(10), AreaLimits: []AreaLimit{{Area: "S", Kind: Ceiling, Cents: 800}},
			Projects: []Project{proj("A", 6, 10, "S"), proj("B", 5, 8, "S"), proj("C", 4, 3, "N"), proj("D", 3, 4, "S")}},
		selected:  []string{"A", "C"},
		objective: 13,
	},
	{
		// A needs B: A+C ($10, 15) is out; A+B $9 -> 9 beats B+C -> 8.
		name:      "requires",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{requires(proj("A", 5, 8, ""), "B"), proj("B", 4, 1, ""), proj("C", 5, 7, "")}},
		selected:  []string{"A", "B"},
		objective: 9,
	},
	{
		// A and C exclude each other: A+B $9 -> 10 beats B+C -> 9.
		name:      "excludes",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{excludes(proj("A", 5, 8, ""), "C"), proj("B", 4, 2, ""), proj("C", 5, 7, "")}},
		selected:  []string{"A", "B"},
		objective: 10,
	},
	{
		// B fixed in: B+C $9 -> 13 (A+B $11 does not fit).
		name:      "must stay in",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 6, 10, ""), fixed(proj("B", 5, 7, ""), MustIn), proj("C", 4, 6, "")}},
		selected:  []string{"B", "C"},
		objective: 13,
	},
	{
		// A fixed out: B+C -> 13.
		name:      "must stay out",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{fixed(proj("A", 6, 10, ""), MustOut), proj("B", 5, 7, ""), proj("C", 4, 6, "")}},
		selected:  []string{"B", "C"},
		objective: 13,
	},
	{
		// $5 a year: A+D uses (5,5) -> 11, B+C uses (5,5) -> 12; A with B
		// or C breaks a year. A $10 total budget alone would allow A+B+C.
		name: "per-year budgets",
		model: Model{Years: []string{"Y1", "Y2"}, Budgets: []Budget{{Year: "Y1", Cents: 500}, {Year: "Y2", Cents: 500}},
			Projects: []Project{{ID: "A", Cost: []int64{400, 400}, Benefit: 10}, {ID: "B", Cost: []int64{500, 0}, Benefit: 6},
				{ID: "C", Cost: []int64{0, 500}, Benefit: 6}, {ID: "D", Cost: []int64{100, 100}, Benefit: 1}}},
		selected:  []string{"B", "C"},
		objective: 12,
	},
	{
		// The share follows from the areas: H is the high-need area.
		// A (all in L) with B (all in H) is 50%; A+C is 0% < 30%; B+C
		// is 50%. A+B $9 -> 12 beats B+C -> 7.
		name: "high-need areas",
		model: Model{Budgets: budgetOf(10), MinHighNeedShare: 0.3, HighNeedAreas: []string{"H"},
			Projects: []Project{proj("A", 5, 8, "L"), proj("B", 4, 4, "H"), proj("C", 5, 3, "L")}},
		selected:  []string{"A", "B"},
		objective: 12,
	},
	{
		// A negative benefit fixed in still counts: with A ($2, -1) in,
		// $8 is left and B+C ($9) does not fit: A+B -> 6 beats A+C -> 5.
		name:      "negative benefit fixed in",
		model:     Model{Budgets: budgetOf(10), Projects: []Project{fixed(proj("A", 2, -1, ""), MustIn), proj("B", 5, 7, ""), proj("C", 4, 6, "")}},
		selected:  []string{"A", "B"},
		objective: 6,
	},
	{
		name:      "no projects",
		model:     Model{Budgets: budgetOf(10)},
		selected:  []string{},
		objective: 0,
	},
	{
		// No budget at all: every project of positive benefit.
		name:      "no budget",
		model:     Model{Projects: []Project{proj("A", 6, 10, ""), proj("B", 5, -2, ""), proj("C", 4, 0, "")}},
		selected:  []string{"A"},
		objective: 10,
	},
}

func TestKnownAnswers(t *testing.T) {
	for _, tc := range knownCases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Solve(context.Background(), &tc.model, Options{Explain: true})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Optimal || res.Status != StatusOptimal {
				t.Fatalf("status %s", res.Status)
			}
			if !slices.Equal(res.Selected, tc.selected) || res.Objective != tc.objective {
				t.Fatalf("selected %v objective %v, want %v %v", res.Selected, res.Objective, tc.selected, tc.objective)
			}
			if res.Bound != res.Objective || res.Gap != 0 {
				t.Errorf("bound %v gap %v for integer benefits: want the objective and 0", res.Bound, res.Gap)
			}
			if len(res.Reasons) != len(tc.model.Projects)-len(tc.selected) {
				t.Errorf("%d reasons for %d projects left out", len(res.Reasons), len(tc.model.Projects)-len(tc.selected))
			}
		})
	}
}

func TestInfeasibleModelsNameTheConflict(t *testing.T) {
	cases := []struct {
		name  string
		model Model
		want  []ConstraintKind
	}{
		{
			// $6 + $6 of floors cannot fit in a $10 budget.
			name: "floors above the budget",
			model: Model{Budgets: budgetOf(10), AreaLimits: []AreaLimit{{Area: "N", Kind: Floor, Cents: 600}, {Area: "S", Kind: Floor, Cents: 600}, {Area: "S", Kind: Ceiling, Cents: 5000}},
				Projects: []Project{proj("A", 6, 1, "N"), proj("B", 6, 1, "S"), proj("C", 3, 1, "N"), proj("D", 3, 1, "S")}},
			want: []ConstraintKind{KindFloor, KindFloor, KindBudget},
		},
		{
			name:  "fixed in over the budget",
			model: Model{Budgets: budgetOf(10), Projects: []Project{fixed(proj("A", 6, 1, ""), MustIn), fixed(proj("B", 5, 1, ""), MustIn), proj("C", 1, 1, "")}},
			want:  []ConstraintKind{KindBudget, KindMustIn, KindMustIn},
		},
		{
			name:  "requires a project fixed out",
			model: Model{Budgets: budgetOf(10), Projects: []Project{fixed(requires(proj("A", 1, 1, ""), "B"), MustIn), fixed(proj("B", 1, 1, ""), MustOut), proj("C", 1, 1, "")}},
			want:  []ConstraintKind{KindMustOut, KindRequires, KindMustIn},
		},
		{
			name:  "floor in an area no project reaches",
			model: Model{Budgets: budgetOf(10), AreaLimits: []AreaLimit{{Area: "X", Kind: Floor, Cents: 1}}, Projects: []Project{proj("A", 1, 1, "N")}},
			want:  []ConstraintKind{KindFloor},
		},
		{
			name: "share impossible",
			model: Model{Budgets: budgetOf(10), MinHighNeedShare: 0.6, Projects: []Project{
				fixed(withShare(proj("A", 5, 1, ""), 0.2), MustIn), withShare(proj("B", 5, 1, ""), 0.9)}},
			want: []ConstraintKind{KindEquity, KindMustIn},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Solve(context.Background(), &tc.model, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != StatusInfeasible || res.Optimal || len(res.Selected) != 0 {
				t.Fatalf("status %s selected %v", res.Status, res.Selected)
			}
			if res.Conflict == nil || !res.Conflict.Minimal {
				t.Fatalf("conflict %+v", res.Conflict)
			}
			var got []ConstraintKind
			for _, c := range res.Conflict.Constraints {
				got = append(got, c.Kind)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("conflict kinds %v, want %v (%s)", got, tc.want, res.Conflict.Text)
			}
			if !strings.HasPrefix(res.Conflict.Text, "no plan can meet") {
				t.Errorf("text %q", res.Conflict.Text)
			}
		})
	}
}

func TestInvalidModelsAreRefusedWithTheirPlace(t *testing.T) {
	good := func() Model {
		return Model{Budgets: budgetOf(10), Projects: []Project{proj("A", 1, 1, "N"), proj("B", 1, 1, "S")}}
	}
	cases := []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"duplicate id", func(m *Model) { m.Projects[1].ID = "A" }, `project "A" (number 2) repeats the id of project number 1`},
		{"blank id", func(m *Model) { m.Projects[0].ID = "" }, "project number 1 has no id"},
		{"negative cost", func(m *Model) { m.Projects[1].Cost[0] = -5 }, `project "B" (number 2): cost -$0.05`},
		{"cost per year", func(m *Model) { m.Years = []string{"Y1", "Y2"} }, "has 1 cost entries for 2 years"},
		{"unknown requirement", func(m *Model) { m.Projects[0].Requires = []string{"Z"} }, `requires "Z": no project has that id`},
		{"self exclusion", func(m *Model) { m.Projects[0].Excludes = []string{"A"} }, "excludes itself"},
		{"share above one", func(m *Model) { m.MinHighNeedShare = 40 }, "minimum high-need share 40"},
		{"fractions above one", func(m *Model) {
			m.Projects[0].Areas = []Share{{Area: "N", Fraction: 0.7}, {Area: "S", Fraction: 0.4}}
		}, "area fractions sum to 1.1"},
		{"budget for unknown year", func(m *Model) { m.Budgets = []Budget{{Year: "FY30", Cents: 1}} }, `budget for year "FY30": no such year`},
		{"two budgets", func(m *Model) { m.Budgets = append(m.Budgets, Budget{Cents: 5}) }, "two budgets for the whole plan"},
		{"limit kind", func(m *Model) { m.AreaLimits = []AreaLimit{{Area: "N", Kind: "most"}} }, `kind "most"`},
		{"NaN benefit", func(m *Model) { m.Projects[1].Benefit = math.NaN() }, "benefit NaN"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.edit(&m)
			_, err := Solve(context.Background(), &m, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			var be *budget.Error
			if !errors.As(err, &be) || be.Code != budget.EINVALID {
				t.Fatalf("error %T %v is not an invalid-input budget.Error", err, err)
			}
		})
	}
}

func TestPlacementIsExactToTheCent(t *testing.T) {
	cases := []struct {
		total  int64
		shares []Share
		want   []int64
	}{
		{100, []Share{{"A", 1.0 / 3}, {"B", 1.0 / 3}, {"C", 1.0 / 3}}, []int64{34, 33, 33}},
		{1001, []Share{{"A", 0.5}, {"B", 0.5}}, []int64{501, 500}},
		{1000, []Share{{"A", 0.25}}, []int64{250}},
		{999, []Share{{"A", 0.3}, {"B", 0.3}}, []int64{300, 299}}, // 599.4 placed -> 599
		{7, []Share{{"A", 0.1}, {"B", 0.2}, {"C", 0.7}}, []int64{1, 1, 5}},
	}
	for _, tc := range cases {
		got := Placement(tc.total, tc.shares)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Placement(%d, %v) = %v, want %v", tc.total, tc.shares, got, tc.want)
		}
	}
}

func TestNumberWords(t *testing.T) {
	cases := map[float64]string{0: "0", 1400000: "1,400,000", 128.458: "128.46", -2.5: "-2.5", 0.001234: "0.00123", 1e-12: "1e-12", 999.999: "1,000"}
	for v, want := range cases {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
	if got := dollars(-123456789); got != "-$1,234,567.89" {
		t.Errorf("dollars = %q", got)
	}
}
