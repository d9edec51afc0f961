package postgres

import (
	"context"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store/embargo"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
)

// TestEmbargoSeesOtherWriters: the public view of a store opened read-only
// (as serve --db-read opens it) on one connection pool follows the
// releases, holds and imports another pool (another process, in life)
// makes through the primary: a hold hides the phase at the next read, a
// release shows it, a new version of a released phase shows its new
// figures. Between changes the version is unchanged, even while other
// schemas of the test server are written (other tests run at once).
func TestEmbargoSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	writer := open1(t, u, Options{})
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	j := budget.Jurisdiction{ID: "tc", Name: "Test City", StartMonth: 7}
	batch := func(hash string, adopted, proposed int64) *budget.Batch {
		return &budget.Batch{Jurisdiction: j, Dataset: "tc/exp", SourceFile: "exp.csv", ContentHash: hash, FiscalYear: fy, Phase: budget.Adopted,
			LineItems: []budget.LineItem{
				{FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: adopted, Key: "a", Line: 2},
				{FiscalYear: fy, Phase: budget.Proposed, Kind: budget.Expenditure, AmountCents: proposed, Key: "p", Line: 3}}}
	}
	if _, err := writer.ImportBatch(ctx, batch("v1", 100, 900)); err != nil {
		t.Fatal(err)
	}
	reader := open1(t, u, Options{ReadOnly: true})
	public := embargo.Wrap(reader)
	total := func(want int64, when string) {
		t.Helper()
		n, err := public.PhaseTotal(ctx, budget.Filter{Jurisdiction: "tc"})
		if err != nil || n != want {
			t.Fatalf("%s: the public total is %d (%v), want %d", when, n, err, want)
		}
	}
	set := func(ph budget.Phase, released bool) {
		t.Helper()
		k := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy, Phase: ph}
		if err := writer.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: k, Released: released, By: "clerk"}); err != nil {
			t.Fatal(err)
		}
	}
	total(0, "nothing released")
	v1, _ := public.Version(ctx)
	set(budget.Adopted, true)
	total(100, "adopted released by the other pool")
	v2, _ := public.Version(ctx)
	if v1 == v2 {
		t.Fatalf("the released set's version did not change: %q", v2)
	}
	set(budget.Proposed, true)
	total(1000, "both released")
	set(budget.Adopted, false)
	total(900, "adopted held again")
	if _, err := writer.ImportBatch(ctx, batch("v2", 150, 950)); err != nil {
		t.Fatal(err)
	}
	total(950, "a new version of the released proposed phase, adopted still held")
	set(budget.Adopted, true)
	total(1100, "adopted released again")
	a, err := reader.StoreVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total(1100, "no change")
	if b, _ := reader.StoreVersion(ctx); a != b {
		t.Fatalf("the version changed without a change: %q then %q", a, b)
	}
	if _, err := public.ImportBatch(ctx, batch("v3", 1, 1)); budget.ErrorCode(err) != budget.EFORBIDDEN {
		t.Fatalf("a write through the public view: %v", err)
	}
}

// TestStoreVersionSeesLateCommits: sequence ids are taken in one order and
// committed in another. A write whose transaction took the smaller id of
// the change log but commits last must still change the version (so the
// largest id alone would not do), and so must a commit made between two
// reads of the version that saw the same snapshot before.
func TestStoreVersionSeesLateCommits(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	s := open1(t, u, Options{})
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "T"}, Dataset: "tc/x", SourceFile: "x.csv", ContentHash: "h",
		LineItems: []budget.LineItem{{FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: 7, Key: "k", Line: 2}}}
	if _, err := s.ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	key := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy, Phase: budget.Adopted}
	late, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Rollback(ctx)
	if _, err := late.Exec(ctx, `INSERT INTO store_changes DEFAULT VALUES`); err != nil { // as withTx does
		t.Fatal(err)
	}
	if err := s.insertRelease(ctx, late, budget.PhaseRelease{PhaseKey: key, Released: true, By: "early id"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: key, Released: false, By: "later id"}); err != nil {
		t.Fatal(err)
	}
	reader := open1(t, u, Options{ReadOnly: true})
	before, err := reader.StoreVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := late.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := reader.StoreVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before == after {
		t.Fatalf("a late commit of a smaller id left the version at %q", after)
	}
}
