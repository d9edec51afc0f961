package office

import (
	"context"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

// TestProgramMeasuresEmbargo: the public view of the program measures
// shows neither the values nor the program dollars of a held phase (a
// proposed target beside the proposed budget of its program), and shows
// both once the phase is released; the internal view always shows them.
func TestProgramMeasuresEmbargo(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	j := budget.Jurisdiction{ID: "tc", Name: "Test City", StartMonth: 7}
	cl := budget.Classification{Department: budget.Code{Code: "02", Name: "Streets"}, Program: budget.Code{Code: "0201", Name: "Paving"},
		Fund: budget.Code{Code: "100", Name: "General"}, Account: budget.Code{Code: "001", Name: "Salaries"}}
	items := []budget.LineItem{
		{Jurisdiction: "tc", Classification: cl, FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: 120_000_00, Key: "a", Line: 2},
		{Jurisdiction: "tc", Classification: cl, FiscalYear: fy, Phase: budget.Proposed, Kind: budget.Expenditure, AmountCents: 987_654_32, Key: "a", Line: 2},
	}
	ms := []budget.Measure{
		{Jurisdiction: "tc", Department: cl.Department, Program: cl.Program, Measure: budget.Code{Code: "m1", Name: "Lane miles paved"}, Unit: "miles",
			FiscalYear: fy, Phase: budget.Adopted, Value: 400, Line: 2},
		{Jurisdiction: "tc", Department: cl.Department, Program: cl.Program, Measure: budget.Code{Code: "m1", Name: "Lane miles paved"}, Unit: "miles",
			FiscalYear: fy, Phase: budget.Proposed, Value: 800, Line: 3},
	}
	b := &budget.Batch{Jurisdiction: j, Dataset: "tc/exp", SourceFile: "exp.csv", ContentHash: "h1", Profile: "p", FiscalYear: fy, Phase: budget.Adopted, LineItems: items}
	mb := &budget.Batch{Jurisdiction: j, Dataset: "tc/pm", SourceFile: "pm.csv", ContentHash: "h2", Profile: "p", FiscalYear: fy, Phase: budget.Adopted, Measures: ms}
	for _, x := range []*budget.Batch{b, mb} {
		if _, err := s.ImportBatch(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	release := func(ph budget.Phase, on bool) {
		t.Helper()
		if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy, Phase: ph}, Released: on, By: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	release(budget.Adopted, true)
	// values by phase: value and program dollars
	type got struct {
		value   float64
		dollars float64
	}
	read := func(o *Office) map[string]got {
		t.Helper()
		res, err := o.ProgramMeasures(ctx, ProgramsOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]got{}
		for _, m := range res.Measures {
			for _, v := range m.Values {
				g := got{value: v.Value}
				if v.Dollars != nil {
					g.dollars = *v.Dollars
				}
				out[v.Phase] = g
			}
		}
		return out
	}
	internal := &Office{Store: s}
	want := map[string]got{"adopted": {400, 120_000}, "proposed": {800, 987_654.32}}
	if g := read(internal); len(g) != 2 || g["adopted"] != want["adopted"] || g["proposed"] != want["proposed"] {
		t.Fatalf("internal view %+v, want %+v", g, want)
	}
	if g := read(internal.Public()); len(g) != 1 || g["adopted"] != want["adopted"] {
		t.Errorf("public view with the proposed phase held: %+v, want the adopted value and dollars only", g)
	}
	release(budget.Proposed, true)
	if g := read(internal.Public()); len(g) != 2 || g["proposed"] != want["proposed"] {
		t.Errorf("public view after the release: %+v, want %+v", g, want)
	}
}
