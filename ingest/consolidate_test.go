package ingest

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestTotalRowOneCentOff: a total row one cent away from the sum of the
// lines above it is refused, naming the total row's line, the column and
// the difference; so is a line one cent off against its total.
func TestTotalRowOneCentOff(t *testing.T) {
	path := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new, diff string
	}{
		// the grand-total row (line 6,057): the adopted total one cent up
		{"total row", ",,,,,,,,,,,,9781469334,10531278041,9869252831,,11480288113", ",,,,,,,,,,,,9781469334,10531278041,9869252831,,11480288113.01", "difference 0.01"},
		// the first line's adopted amount one cent up
		{"line", "001010,Salaries General,298824,798043,798000,745685,758985", "001010,Salaries General,298824,798043,798000,745685,758985.01", "difference -0.01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(data, []byte(tc.old)) {
				t.Fatalf("the file no longer holds %q", tc.old)
			}
			bad := bytes.Replace(data, []byte(tc.old), []byte(tc.new), 1)
			_, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", bad, Options{})
			var ie *budget.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an InputError", err)
			}
			if ie.Line != 6057 || ie.Field != "total" || !strings.Contains(err.Error(), "2021-22 Adopted") || !strings.Contains(err.Error(), tc.diff) {
				t.Fatalf("error %v (line %d, field %q), want line 6,057, column 2021-22 Adopted, %s", err, ie.Line, ie.Field, tc.diff)
			}
		})
	}
}

// TestConsolidatedTotalsReconcile: the lines of Sections 2 and 4 add up to
// the City's printed totals (the files' total rows, and the FY2021-22
// Proposed Budget's $11,230,298,313 for Section 2, whose total row is empty
// in that column); consolidated with the Los Angeles profile's transfers,
// each phase loses exactly the Section 2 appropriations to the Library and
// Recreation and Parks funds. The expected sums were computed apart, in
// Python, from the files' departments 44A and 88A.
func TestConsolidatedTotalsReconcile(t *testing.T) {
	la, err := city.Builtin("la")
	if err != nil {
		t.Fatal(err)
	}
	printed := map[string]int64{} // column -> Section 2 + Section 4 printed totals
	var items []budget.LineItem
	for _, f := range []string{"la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv", "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"} {
		bs, err := File(fixture.Data(t, f), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range bs[0].Reconciled {
			printed[r.Column] += r.TotalCents
		}
		items = append(items, bs[0].LineItems...)
	}
	printed["2021-22 Proposed Budget"] = 11_230_298_313_00 + 498_926_134_00 // Section 2 as printed in the Proposed Budget + Section 4's lines
	for _, tc := range []struct {
		column string
		phase  budget.Phase
		year   int
		paying int64 // departments 44A and 88A
		net    int64
	}{
		{"2019-20 Actuals", budget.Actual, 2019, 459_684_741_00, 9_781_469_332_00},
		{"2020-21 Adopted Budget", budget.Adopted, 2020, 430_997_179_00, 10_568_454_224_00},
		{"2021-22 Proposed Budget", budget.Proposed, 2021, 468_279_164_00, 11_260_945_283_00},
		{"2021-22 Adopted", budget.Adopted, 2021, 481_221_322_00, 11_514_935_083_00},
	} {
		var phase []budget.LineItem
		for _, li := range items {
			if li.Phase == tc.phase && li.FiscalYear.Start == tc.year {
				phase = append(phase, li)
			}
		}
		kept, c := budget.Consolidate(phase, la.Transfers)
		if c.Gross != printed[tc.column] {
			t.Errorf("%s: the lines add up to %d cents, the City printed %d", tc.column, c.Gross, printed[tc.column])
		}
		if c.Gross-c.Net != tc.paying || c.Net != tc.net || len(kept) >= len(phase) {
			t.Errorf("%s: consolidated %d (removed %d), want %d (removed %d)", tc.column, c.Net, c.Gross-c.Net, tc.net, tc.paying)
		}
		for _, x := range c.Transfers {
			if !x.Applied || x.ReceivingCents <= 0 {
				t.Errorf("%s: transfer %+v not applied", tc.column, x)
			}
		}
	}
}
