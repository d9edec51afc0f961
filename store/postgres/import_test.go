package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
)

// laState is what an import must leave alone: the number of runs and the
// current totals.
func laState(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	runs, err := s.ImportRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tot, err := s.Totals(ctx, budget.Filter{}, budget.LevelDepartment)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d runs, totals %v", len(runs), tot)
}

// editLine writes a copy of a real file with line n (1-based) changed by
// edit, under the same name in a temporary directory.
func editLine(t *testing.T, src string, n int, edit func(string) string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(data, []byte("\n"))
	lines[n-1] = []byte(edit(string(lines[n-1])))
	p := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(p, bytes.Join(lines, []byte("\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadCellStoresNothing imports the real LA Sec2 expenditures, then two
// damaged copies of the Sec4 file: an amount that is not a number (the
// reader names file, line and column) and a NUL character in a department
// name (the reader refuses the byte; a batch holding one anyway is refused by
// the store, naming file, line and field, before it writes). Nothing is left
// behind.
func TestBadCellStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := open1(t, pgtest.URL(t), Options{})
	for _, b := range mustRead(t, fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")) {
		if _, err := s.ImportBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	before := laState(t, s)
	sec4 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")

	bad := editLine(t, sec4, 100, func(l string) string { return l[:strings.LastIndexByte(l, ',')+1] + "12x4\r" })
	_, err := ingest.File(bad, ingest.Options{})
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.File != bad || ie.Line != 100 || ie.ColIndex != 17 || !strings.Contains(err.Error(), bad+":100:17:") {
		t.Fatalf("a bad amount: %v, want %s:100:17", err, bad)
	}

	nul := editLine(t, sec4, 50, func(l string) string { // the department name, second field
		i := strings.IndexByte(l, ',') + 3
		return l[:i] + "\x00" + l[i:]
	})
	// the reader refuses a NUL byte itself, naming the place
	if _, err := ingest.File(nul, ingest.Options{}); !errors.As(err, &ie) || ie.File != nul || ie.Line != 50 {
		t.Fatalf("a NUL in the file: %v, want an input error at %s:50", err, nul)
	}
	// a batch that reaches the store with one anyway (another reader, an
	// API client) is refused by the store before it writes
	bs := mustRead(t, sec4)
	k := slices.IndexFunc(bs[0].LineItems, func(l budget.LineItem) bool { return l.Line == 50 })
	if k < 0 {
		t.Fatalf("no row of line 50 in %s", sec4)
	}
	bs[0].LineItems[k].Department.Name = "Ai\x00ng"
	_, err = s.ImportBatch(ctx, bs[0])
	if !errors.As(err, &ie) || ie.File != sec4 || ie.Line != 50 || ie.Field != "department name" || !strings.Contains(err.Error(), sec4+":50:") {
		t.Fatalf("a NUL in a name: %v, want %s:50 naming the department name", err, sec4)
	}
	t.Log(err)
	if after := laState(t, s); after != before {
		t.Fatalf("the failed imports changed the store:\n%s\n%s", before, after)
	}
}

// TestCancelledCopyStoresNothing cancels an import of 300,000 line items
// in the middle of its COPY (after 131,072 rows were sent, while the
// server loads them): the transaction is rolled back and the store is as
// it was.
func TestCancelledCopyStoresNothing(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	s := open1(t, u, Options{})
	for _, b := range mustRead(t, fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")) {
		if _, err := s.ImportBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	before := laState(t, s)
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "la", Name: "City of Los Angeles", StartMonth: 7}, Dataset: "la/synthetic", SourceFile: "synthetic.csv", ContentHash: "big"}
	for i := 0; i < 300000; i++ {
		b.LineItems = append(b.LineItems, budget.LineItem{Classification: budget.Classification{Department: budget.Code{Code: "99", Name: "Synthetic"},
			Account: budget.Code{Code: fmt.Sprintf("%06d", i), Name: "Synthetic account"}}, FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure,
			AmountCents: int64(i), Key: fmt.Sprint(i), Line: i + 2})
	}
	type mark struct{}
	cctx, cancel := context.WithCancel(context.WithValue(ctx, mark{}, true))
	defer cancel()
	sent := 0
	hook := func(ctx context.Context, table string, rows int) {
		if ctx.Value(mark{}) != nil && table == "line_items" && rows >= 131072 && sent == 0 {
			sent = rows
			cancel()
		}
	}
	copyProgress.Store(&hook)
	defer copyProgress.Store(nil)
	_, err := s.ImportBatch(cctx, b)
	if err == nil || sent == 0 {
		t.Fatalf("the import was not cancelled in its COPY (%d rows sent): %v", sent, err)
	}
	if !strings.Contains(err.Error(), "cancelled") || !strings.Contains(err.Error(), "nothing was stored") {
		t.Errorf("the message does not say what happened: %v", err)
	}
	t.Logf("cancelled after %d rows: %v", sent, err)
	if after := laState(t, s); after != before {
		t.Fatalf("the cancelled import changed the store:\n%s\n%s", before, after)
	}
}

func mustRead(t *testing.T, path string) []*budget.Batch {
	t.Helper()
	bs, err := ingest.File(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return bs
}
