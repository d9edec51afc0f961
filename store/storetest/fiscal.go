package storetest

import (
	"context"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

// fiscalSuite checks that every read gives a fiscal year its
// jurisdiction's real start month: a city whose fiscal year is the
// calendar year (start month 1) stored beside one starting in July reads
// back as "2021", never as "2021-22", in line items (listed and streamed),
// requests, measures, the fiscal-year listing, the release listing and log
// and the import history.
func fiscalSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	cal := budget.FiscalYear{Start: 2021, StartMonth: 1}
	cy := budget.Jurisdiction{ID: "cy", Name: "Calendar City", StartMonth: 1}
	it := item("10", "1001", "100", "1", cal, budget.Adopted, 300)
	it.Line = 2
	b := &budget.Batch{Jurisdiction: cy, Dataset: "cy/exp", SourceFile: "cy.csv", ContentHash: "cy1", Profile: "test",
		FiscalYear: cal, Phase: budget.Adopted, LineItems: []budget.LineItem{it}}
	p := int64(12)
	b.Requests = []budget.Request{{Classification: it.Classification, FiscalYear: cal, Description: "More", ProposedCents: &p, Key: "r", Line: 3}}
	b.Measures = []budget.Measure{{Department: budget.Code{Code: "10"}, Measure: budget.Code{Code: "M"}, FiscalYear: cal, Phase: budget.Adopted, Value: 2, Line: 4}}
	mustImport(t, s, b)
	mustImport(t, s, batch("tc/exp", "tc1", item("02", "0201", "100", "1", fy21, budget.Adopted, 100)))

	if j, err := s.Jurisdiction(ctx, "cy"); err != nil || j != cy {
		t.Fatalf("jurisdiction %+v %v, want %+v", j, err, cy)
	}
	want := map[string]int{"cy": 1, "tc": 7}
	check := func(what, j string, fy budget.FiscalYear) {
		t.Helper()
		if fy.StartMonth != want[j] {
			t.Errorf("%s of %s: start month %d (%s), want %d", what, j, fy.StartMonth, fy, want[j])
		}
	}
	items, err := s.LineItems(ctx, budget.Filter{})
	if err != nil || len(items) != 2 {
		t.Fatalf("items %+v %v", items, err)
	}
	for _, l := range items {
		check("line item", l.Jurisdiction, l.FiscalYear)
	}
	if err := s.EachLineItem(ctx, budget.Filter{Jurisdiction: "cy"}, func(l *budget.LineItem) error {
		check("streamed line item", l.Jurisdiction, l.FiscalYear)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	reqs, err := s.Requests(ctx, budget.Filter{Jurisdiction: "cy"})
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests %+v %v", reqs, err)
	}
	check("request", "cy", reqs[0].FiscalYear)
	ms, err := s.Measures(ctx, budget.Filter{Jurisdiction: "cy"})
	if err != nil || len(ms) != 1 {
		t.Fatalf("measures %+v %v", ms, err)
	}
	check("measure", "cy", ms[0].FiscalYear)
	for _, j := range []string{"cy", "tc"} {
		sl, err := s.FiscalYearsPhases(ctx, j)
		if err != nil || len(sl) != 1 {
			t.Fatalf("fiscal years of %s: %+v %v", j, sl, err)
		}
		check("fiscal-year listing", j, sl[0].FiscalYear)
	}
	if sl, err := s.FiscalYearsPhases(ctx, ""); err != nil || len(sl) != 2 || sl[0].FiscalYear.StartMonth != 1 || sl[1].FiscalYear.StartMonth != 7 {
		t.Fatalf("fiscal years of both (one per start month, calendar first): %+v %v", sl, err)
	}
	key := budget.PhaseKey{Jurisdiction: "cy", FiscalYear: cal, Phase: budget.Adopted}
	if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: key, Released: true, By: "clerk"}); err != nil {
		t.Fatal(err)
	}
	ps, err := s.PhaseReleases(ctx)
	if err != nil || len(ps) != 2 {
		t.Fatalf("phases %+v %v", ps, err)
	}
	for _, p := range ps {
		check("phase", p.Jurisdiction, p.FiscalYear)
	}
	log, err := s.PhaseReleaseLog(ctx)
	if err != nil || len(log) != 1 || log[0].PhaseKey.String() != "cy FY2021 adopted" {
		t.Fatalf("log %+v %v", log, err)
	}
	exp, ok := s.(store.Exporter)
	if !ok {
		return
	}
	runs, err := exp.ImportHistory(ctx)
	if err != nil || len(runs) != 2 {
		t.Fatalf("history %+v %v", runs, err)
	}
	got, err := exp.ImportedBatch(ctx, runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	check("imported batch", "cy", got.FiscalYear)
	check("imported line item", "cy", got.LineItems[0].FiscalYear)
	check("imported request", "cy", got.Requests[0].FiscalYear)
	check("imported measure", "cy", got.Measures[0].FiscalYear)
}
