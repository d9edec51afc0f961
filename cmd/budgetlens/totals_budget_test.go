package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestTotalsEveryRealFile imports each real line-item file into its own
// store and checks every (fiscal year, phase) column's totals per
// department against sums computed straight from the CSV.
func TestTotalsEveryRealFile(t *testing.T) {
	t.Parallel()
	type col struct{ heading, fy, phase string }
	la5 := []col{{"2019-20 Actuals", "2019-20", "actual"}, {"2020-21 Adopted Budget", "2020-21", "adopted"},
		{"2020-21 Estimates", "2020-21", "estimate"}, {"2021-22 Proposed Budget", "2021-22", "proposed"}, {"2021-22 Adopted", "2021-22", "adopted"}}
	cases := []struct {
		file, kind, juris, deptCol, whereCol, whereVal string
		byName, byAccount                              bool
		cols                                           []col
	}{
		{file: "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv", kind: "expenditure", juris: "la", deptCol: "Dept Code", cols: la5},
		{file: "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv", kind: "expenditure", juris: "la", deptCol: "Dept Code", cols: la5},
		{file: "la/budget/FY21-22/General_Fund_Revenue_2122_Adopted.csv", kind: "revenue", juris: "la", deptCol: "Dept Code", cols: la5},
		{file: "la/budget/FY21-22/Positions_2122_Adopted.csv", kind: "positions", juris: "la", deptCol: "Dept Code",
			cols: []col{{"2020-21 Adopted Budget", "2020-21", "adopted"}, {"2021-22 Proposed Budget", "2021-22", "proposed"}, {"2021-22 Adopted", "2021-22", "adopted"}}},
		{file: "la/budget/FY17-18/final_actuals_budget_la_2014_2018_wide.csv", kind: "revenue", juris: "la", deptCol: "dept_code",
			cols: []col{{"2014_15_actuals", "2014-15", "actual"}, {"2015_16_adopted_budget", "2015-16", "adopted"}, {"2015_16_estimates", "2015-16", "estimate"},
				{"2016_17_adopted_budget", "2016-17", "adopted"}, {"2016_17_estimates", "2016-17", "estimate"}, {"2016_17_proposed_budget", "2016-17", "proposed"},
				{"2017_18_proposed", "2017-18", "proposed"}, {"2017_18_adopted_budget", "2017-18", "adopted"}}},
		{file: "la/history2014/General_Fund_Budget_Expenditures.csv", kind: "expenditure", juris: "la", deptCol: "DEPARTMENT NAME", whereCol: "BUDGET FISCAL YEAR", whereVal: "2014", byName: true,
			cols: []col{{"ADOPTED BUDGET AMOUNT", "2013-14", "adopted"}, {"TOTAL BUDGET", "2013-14", "estimate"}, {"TOTAL EXPENDITURES", "2013-14", "actual"}}},
		{file: "la/history2014/Neighborhood_Council_Expenditures.csv", kind: "expenditure", juris: "la", deptCol: "Neighborhood Council", whereCol: "BFY", whereVal: "2014", byName: true,
			cols: []col{{"Expenditure", "2013-14", "actual"}}},
		{file: "la/budget/FY18-19/revenues.csv", kind: "revenue", juris: "la", deptCol: "Revenue.Source", whereCol: "Fiscal.Year", whereVal: "2018-2019", byAccount: true,
			cols: []col{{"Amount", "2018-19", "adopted"}}},
		{file: "oakland/FY22-23__adopted.csv", kind: "expenditure", juris: "oakland", deptCol: "department", whereCol: "account_type", whereVal: "Expense", byName: true,
			cols: []col{{"amount", "2022-23", "adopted"}}},
		{file: "oakland/FY18-19__proposed.csv", kind: "revenue", juris: "oakland", deptCol: "department", whereCol: "account_type", whereVal: "Revenue", byName: true,
			cols: []col{{"amount", "2018-19", "proposed"}}},
		{file: "oakland/FY16-17__adjusted.csv", kind: "expenditure", juris: "oakland", deptCol: "department", whereCol: "account_type", whereVal: "Expense", byName: true,
			cols: []col{{"amount", "2016-17", "estimate"}}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := fixture.Data(t, tc.file)
			db := tempDB(t)
			if code, _, errOut := run(t, "--db", db, "import", path); code != 0 {
				t.Fatalf("import: %s", errOut)
			}
			places := 2
			if tc.kind == "positions" {
				places = 4
			}
			for _, c := range tc.cols {
				want := csvSumsWhere(t, path, tc.deptCol, c.heading, tc.whereCol, tc.whereVal)
				by := "department"
				if tc.byAccount {
					by = "account"
				}
				code, out, errOut := run(t, "--db", db, "totals", "--jurisdiction", tc.juris, "--fy", c.fy, "--phase", c.phase, "--kind", tc.kind, "--by", by, "--format", "json")
				if code != 0 {
					t.Fatalf("totals: %s", errOut)
				}
				var rows []map[string]json.RawMessage
				if err := json.Unmarshal([]byte(out), &rows); err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, r := range rows {
					var k string
					json.Unmarshal(r[by+"_code"], &k)
					if tc.byName || tc.byAccount {
						json.Unmarshal(r[by], &k)
					}
					got[k] = string(r["amount"])
				}
				checked := 0
				for k, w := range want {
					if got[k] != w.FloatString(places) {
						t.Errorf("%s %s department %q: totals %s, CSV %s", c.fy, c.phase, k, got[k], w.FloatString(places))
					}
					checked++
				}
				// departments whose cells are all empty in this column have no line items
				for k := range got {
					if _, ok := want[k]; !ok && !((tc.byName || tc.byAccount) && k == "") {
						t.Errorf("%s %s: department %q in totals but not in the column", c.fy, c.phase, k)
					}
				}
				if checked == 0 {
					t.Errorf("%s: nothing checked", c.heading)
				}
			}
		})
	}
}

// TestSec4AddsToSec2 checks that another section adds to the same phases
// instead of superseding them.
func TestSec4AddsToSec2(t *testing.T) {
	t.Parallel()
	p2 := fixture.Data(t, sec2)
	p4 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")
	db := tempDB(t)
	run(t, "--db", db, "import", p2, p4)
	_, out, _ := run(t, "--db", db, "totals", "--fy", "2021-22", "--phase", "adopted", "--format", "csv")
	var sum int64
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Split(line, ",")
		amt := strings.TrimSuffix(f[len(f)-1], ".00")
		var n int64
		for _, c := range strings.TrimPrefix(amt, "-") {
			n = n*10 + int64(c-'0')
		}
		if strings.HasPrefix(amt, "-") {
			n = -n
		}
		sum += n
	}
	if sum != 11480288113+515868292 {
		t.Fatalf("Sec2+Sec4 adopted = %d, want %d", sum, 11480288113+515868292)
	}
}
