package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

var (
	fy21  = budget.FiscalYear{Start: 2021, StartMonth: 7}
	fy20  = budget.FiscalYear{Start: 2020, StartMonth: 7}
	testJ = budget.Jurisdiction{ID: "tc", Name: "Test City", StartMonth: 7}
)

func item(dept, prog, fund, acct string, fy budget.FiscalYear, ph budget.Phase, cents int64) budget.LineItem {
	return budget.LineItem{
		Classification: budget.Classification{
			Department: budget.Code{Code: dept, Name: "Dept " + dept},
			Program:    budget.Code{Code: prog, Name: "Prog " + prog},
			Fund:       budget.Code{Code: fund, Name: "Fund " + fund},
			Account:    budget.Code{Code: acct, Name: "Acct " + acct},
		},
		FiscalYear: fy, Phase: ph, Kind: budget.Expenditure, AmountCents: cents,
		Key: budget.NaturalKey(dept, prog, fund, acct),
	}
}

func batch(dataset, hash string, items ...budget.LineItem) *budget.Batch {
	return &budget.Batch{Jurisdiction: testJ, Dataset: dataset, SourceFile: dataset + ".csv", ContentHash: hash,
		Profile: "test", FiscalYear: fy21, Phase: budget.Adopted, LineItems: items}
}

func adopted21(t *testing.T, s Store) int64 {
	t.Helper()
	n, err := s.PhaseTotal(context.Background(), budget.Filter{Jurisdiction: "tc", FiscalYear: &fy21, Phase: budget.Adopted, Kind: budget.Expenditure})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func budgetSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()

	t.Run("empty", func(t *testing.T) {
		s := newStore(t)
		if n := adopted21(t, s); n != 0 {
			t.Fatalf("empty store total %d", n)
		}
		items, err := s.LineItems(ctx, budget.Filter{})
		if err != nil || len(items) != 0 {
			t.Fatalf("%d items, %v", len(items), err)
		}
	})

	t.Run("import, totals, codes kept as text", func(t *testing.T) {
		s := newStore(t)
		run, err := s.ImportBatch(ctx, batch("tc/exp/sec2", "h1",
			item("02", "0201", "100", "001010", fy21, budget.Adopted, 12345),
			item("02", "0202", "100", "001010", fy21, budget.Adopted, 55),
			item("10", "1001", "100", "001010", fy21, budget.Adopted, -100),
			item("02", "0201", "100", "001010", fy20, budget.Actual, 999)))
		if err != nil || run.Unchanged || run.ID == 0 {
			t.Fatalf("run %+v, %v", run, err)
		}
		if n := adopted21(t, s); n != 12300 {
			t.Fatalf("adopted total %d, want 12300", n)
		}
		tot, err := s.Totals(ctx, budget.Filter{FiscalYear: &fy21, Phase: budget.Adopted}, budget.LevelDepartment)
		if err != nil || len(tot) != 2 || tot[0].Code != "02" || tot[0].AmountCents != 12400 || tot[0].Name != "Dept 02" || tot[1].AmountCents != -100 {
			t.Fatalf("totals %+v, %v", tot, err)
		}
		items, _ := s.LineItems(ctx, budget.Filter{Department: "02", Phase: budget.Adopted})
		if len(items) != 2 || items[0].Account.Code != "001010" || items[0].Program.Code != "0201" {
			t.Fatalf("items %+v", items)
		}
		fp, err := s.FiscalYearsPhases(ctx, "tc")
		if err != nil || len(fp) != 2 || fp[0].FiscalYear.Start != 2020 || fp[0].Phase != budget.Actual {
			t.Fatalf("slices %+v %v", fp, err)
		}
	})

	t.Run("same content twice is a no-op", func(t *testing.T) {
		s := newStore(t)
		b := batch("tc/exp/sec2", "same", item("02", "0201", "100", "001010", fy21, budget.Adopted, 700))
		if _, err := s.ImportBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
		run, err := s.ImportBatch(ctx, b)
		if err != nil || !run.Unchanged {
			t.Fatalf("second import: %+v %v", run, err)
		}
		// the same bytes under another name (another dataset) add nothing either
		renamed := *b
		renamed.Dataset, renamed.SourceFile = "tc/exp/file-copy", "copy.csv"
		run, err = s.ImportBatch(ctx, &renamed)
		if err != nil || !run.Unchanged || run.Dataset != "tc/exp/sec2" {
			t.Fatalf("renamed copy: %+v %v", run, err)
		}
		runs, _ := s.ImportRuns(ctx)
		if n := adopted21(t, s); n != 700 || len(runs) != 1 {
			t.Fatalf("total %d runs %d", n, len(runs))
		}
	})

	t.Run("an older version imported again becomes current again", func(t *testing.T) {
		s := newStore(t)
		v1 := batch("tc/exp/sec2", "v1", item("02", "0201", "100", "1", fy21, budget.Adopted, 100))
		mustImport(t, s, v1)
		mustImport(t, s, batch("tc/exp/sec2", "v2", item("02", "0201", "100", "1", fy21, budget.Adopted, 200)))
		run := mustImport(t, s, v1)
		if run.Unchanged || adopted21(t, s) != 100 {
			t.Fatalf("re-importing v1: %+v, total %d", run, adopted21(t, s))
		}
	})

	t.Run("newer version supersedes, other dataset adds, history kept", func(t *testing.T) {
		s := newStore(t)
		mustImport(t, s, batch("tc/exp/sec2", "v1", item("02", "0201", "100", "1", fy21, budget.Adopted, 100), item("02", "0201", "100", "1", fy20, budget.Actual, 5)))
		mustImport(t, s, batch("tc/exp/sec4", "s4", item("44", "4401", "300", "1", fy21, budget.Adopted, 40)))
		if n := adopted21(t, s); n != 140 {
			t.Fatalf("sec2+sec4 = %d, want 140", n)
		}
		run := mustImport(t, s, batch("tc/exp/sec2", "v2", item("02", "0201", "100", "1", fy21, budget.Adopted, 250)))
		if run.Superseded != 1 {
			t.Fatalf("superseded %d slices, want 1", run.Superseded)
		}
		if n := adopted21(t, s); n != 290 {
			t.Fatalf("after v2 = %d, want 290", n)
		}
		// the FY2020 actual slice was not in v2 and stays current
		n, _ := s.PhaseTotal(ctx, budget.Filter{FiscalYear: &fy20, Phase: budget.Actual})
		if n != 5 {
			t.Fatalf("fy20 actual %d, want 5", n)
		}
		runs, _ := s.ImportRuns(ctx)
		if len(runs) != 3 || runs[2].Superseded != 1 {
			t.Fatalf("runs %+v", runs)
		}
	})

	t.Run("large batch round-trips text exactly", func(t *testing.T) {
		s := newStore(t)
		names := []string{"Salaries, As-Needed", `Say "hi"`, "two\nlines", " padded ", "", "Ñandú €", "a\r\nb"}
		var items []budget.LineItem
		var want int64
		for i := 0; i < 25000; i++ {
			it := item("02", "0201", "100", fmt.Sprintf("%06d", i), fy21, budget.Adopted, int64(i-12000))
			it.Account.Name = names[i%len(names)]
			it.Line = i + 2
			items = append(items, it)
			want += int64(i - 12000)
		}
		mustImport(t, s, batch("tc/big", "big", items...))
		if n := adopted21(t, s); n != want {
			t.Fatalf("total %d, want %d", n, want)
		}
		got, err := s.LineItems(ctx, budget.Filter{Jurisdiction: "tc"})
		if err != nil || len(got) != len(items) {
			t.Fatalf("%d items, %v", len(got), err)
		}
		for _, g := range got {
			i := g.Line - 2
			if g.Account.Name != names[i%len(names)] || g.Account.Code != fmt.Sprintf("%06d", i) || g.AmountCents != int64(i-12000) || g.Key != items[i].Key {
				t.Fatalf("item %d came back as %+v", i, g)
			}
		}
	})

	t.Run("area codes, streaming and jurisdiction", func(t *testing.T) {
		s := newStore(t)
		a := item("02", "0201", "100", "1", fy21, budget.Adopted, 100)
		a.Area, a.AreaLayer, a.Line = "5, 11", "districts", 2
		b := item("02", "0202", "100", "1", fy21, budget.Adopted, 50)
		b.Line = 3
		mustImport(t, s, batch("tc/exp", "area", a, b))
		items, err := s.LineItems(ctx, budget.Filter{Jurisdiction: "tc"})
		if err != nil || len(items) != 2 || items[0].Area != "5, 11" || items[0].AreaLayer != "districts" || items[1].Area != "" || items[1].AreaLayer != "" {
			t.Fatalf("items %+v %v", items, err)
		}
		var streamed []budget.LineItem
		err = s.EachLineItem(ctx, budget.Filter{Jurisdiction: "tc"}, func(l *budget.LineItem) error {
			streamed = append(streamed, *l)
			return nil
		})
		if err != nil || len(streamed) != 2 || streamed[0] != items[0] || streamed[1] != items[1] {
			t.Fatalf("streamed %+v %v", streamed, err)
		}
		stop := errors.New("stop")
		n := 0
		if err := s.EachLineItem(ctx, budget.Filter{}, func(*budget.LineItem) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Fatalf("stop: %v after %d", err, n)
		}
		j, err := s.Jurisdiction(ctx, "tc")
		if err != nil || j != testJ {
			t.Fatalf("jurisdiction %+v %v", j, err)
		}
		if _, err := s.Jurisdiction(ctx, "nowhere"); budget.ErrorCode(err) != budget.ENOTFOUND {
			t.Fatalf("missing jurisdiction: %v", err)
		}
	})

	t.Run("requests, measures, descriptions", func(t *testing.T) {
		s := newStore(t)
		p, a := int64(-556600), int64(-556600)
		b := batch("tc/requests/sec2", "r1")
		b.Requests = []budget.Request{{Classification: budget.Classification{Department: budget.Code{Code: "02", Name: "Aging"}},
			FiscalYear: fy21, Description: "Salary", Category: "1-Obligatory Changes", Recurrence: "ongoing", ProposedCents: &p, AdoptedCents: &a, Key: "k", Line: 2},
			{Classification: budget.Classification{Department: budget.Code{Code: "02", Name: "Aging"}}, FiscalYear: fy21, Description: "Empty", Key: "k2", Line: 3}}
		b.Measures = []budget.Measure{{Department: budget.Code{Code: "02"}, Measure: budget.Code{Code: "02MEALS", Name: "Meals"}, FiscalYear: fy20, Phase: budget.Estimate, Value: 1583005, Line: 2}}
		b.Descriptions = []budget.Description{{Subject: "department", Code: "02", Name: "Aging", Text: "Plans programs", Line: 2}}
		mustImport(t, s, b)
		rs, err := s.Requests(ctx, budget.Filter{Department: "02"})
		if err != nil || len(rs) != 2 || rs[0].AdoptedCents == nil || *rs[0].AdoptedCents != a || rs[1].ProposedCents != nil {
			t.Fatalf("requests %+v %v", rs, err)
		}
		ms, err := s.Measures(ctx, budget.Filter{Phase: budget.Estimate})
		if err != nil || len(ms) != 1 || ms[0].Value != 1583005 || ms[0].FiscalYear.Start != 2020 {
			t.Fatalf("measures %+v %v", ms, err)
		}
		ds, err := s.Descriptions(ctx, "tc", "department")
		if err != nil || len(ds) != 1 || ds[0].Text != "Plans programs" {
			t.Fatalf("descriptions %+v %v", ds, err)
		}
	})

	t.Run("invalid batch leaves store unchanged", func(t *testing.T) {
		s := newStore(t)
		mustImport(t, s, batch("tc/exp/sec2", "ok", item("02", "0201", "100", "1", fy21, budget.Adopted, 100)))
		bad := batch("", "bad", item("02", "0201", "100", "1", fy21, budget.Adopted, 1))
		if _, err := s.ImportBatch(ctx, bad); err == nil || budget.ErrorCode(err) != budget.EINVALID {
			t.Fatalf("want EINVALID, got %v", err)
		}
		// a cancelled context fails the import midway; nothing may remain
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.ImportBatch(cctx, batch("tc/exp/sec4", "x", item("44", "1", "1", "1", fy21, budget.Adopted, 5)))
		if err == nil || !errors.Is(err, context.Canceled) && err.Error() == "" {
			t.Fatalf("cancelled import: %v", err)
		}
		runs, _ := s.ImportRuns(ctx)
		if n := adopted21(t, s); n != 100 || len(runs) != 1 {
			t.Fatalf("total %d runs %d after failures", n, len(runs))
		}
	})
}

func mustImport(t *testing.T, s Store, b *budget.Batch) budget.ImportRun {
	t.Helper()
	run, err := s.ImportBatch(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return run
}
