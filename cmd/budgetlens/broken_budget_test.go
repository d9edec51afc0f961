package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestBrokenFiles imports broken files into a store that already holds
// LA's Sec4 expenditures and checks the exact error, the exit status and
// that the totals are exactly what they were.
func TestBrokenFiles(t *testing.T) {
	t.Parallel()
	sec2Path := fixture.Data(t, sec2)
	sec4Path := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")
	reqPath := fixture.Data(t, "la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv")
	oak := fixture.Data(t, "oakland/FY22-23__adopted.csv")
	db := tempDB(t)
	if code, _, e := run(t, "--db", db, "import", sec4Path); code != 0 {
		t.Fatal(e)
	}
	before := totalsJSON(t, db)

	edit := func(src, name string, f func(lines []string) []string) func(t *testing.T) string {
		return func(t *testing.T) string {
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			lines := f(strings.Split(string(data), "\n"))
			p := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	literal := func(name, content string) func(t *testing.T) string {
		return func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), name)
			os.WriteFile(p, []byte(content), 0o644)
			return p
		}
	}
	replaceIn := func(line int, old, new string) func([]string) []string {
		return func(l []string) []string {
			if !strings.Contains(l[line-1], old) {
				t.Fatalf("line %d has no %q", line, old)
			}
			l[line-1] = strings.Replace(l[line-1], old, new, 1)
			return l
		}
	}
	profile := literal("p.yaml", "name: mine\njurisdiction: {id: tc, name: Test City}\ncolumns:\n  department.code: [Dept]\n  amount: [Amount]\nrequired: [department.code, amount]\nfiscal_year: 2021-22\nphase: adopted\n")

	for _, tc := range []struct {
		name string
		file func(t *testing.T) string
		args []string
		want string
	}{
		{"bad amount", func(t *testing.T) string { return brokenCopy(t, sec2Path, 1234, 17, "12x4") }, nil,
			`broken.csv:1234:17: line 1234, column 17 "2021-22 Adopted" (field amount (FY2021-22 adopted)): value "12x4": an amount such as 1234, -56.78, (12.50), $8,650.00 or -$5 (one sign at most: a leading minus, or parentheses around the whole amount); leave the cell empty or write NA when there is no amount`},
		{"total row off by a dollar", edit(sec2Path, "Expenditures_Sec2_for_2122_Adopted.csv", replaceIn(6057, ",11480288113", ",11480288112")), nil,
			`Expenditures_Sec2_for_2122_Adopted.csv:6057:17: line 6057, column 17 "2021-22 Adopted" (field total): value "11480288112.00": the line items above add up to 11480288113.00 but the total row says 11480288112.00 (difference -1.00): correct the amounts or the total row`},
		{"amount changed so the total no longer adds up", edit(sec4Path, "Expenditures_Sec4_for_2122_Adopted.csv", replaceIn(2, ",45058580,45058580", ",45058580,45058581")), nil,
			`Expenditures_Sec4_for_2122_Adopted.csv:217:17: line 217, column 17 "2021-22 Adopted" (field total): value "515868292.00": the line items above add up to 515868293.00 but the total row says 515868292.00 (difference -1.00): correct the amounts or the total row`},
		{"two total rows", edit(sec4Path, "Expenditures_Sec4_for_2122_Adopted.csv", func(l []string) []string { return append(l[:217], append([]string{l[216]}, l[217:]...)...) }), nil,
			`Expenditures_Sec4_for_2122_Adopted.csv:218: line 218 (field total): value ",,,,,,,,,,,,459684739,468173362,482200000,,515868292": one grand-total row; line 217 is already one: remove the extra total row or fill in its classification`},
		{"pivot heading with an impossible year", edit(sec4Path, "x.csv", replaceIn(1, "2021-22 Adopted", "2021-23 Adopted")), nil,
			`x.csv:1:17: line 1, column 17 "2021-23 Adopted" (field pivot column): value "2021-23 Adopted": a heading such as "2021-22 Adopted" naming a fiscal year and a phase: fiscal year "2021-23" does not span two consecutive years`},
		{"unquoted quote", edit(sec4Path, "x.csv", replaceIn(10, "Library,", `Lib"rary,`)), nil,
			`x.csv:10:2: line 10, column 2 "Dept Name" (field CSV syntax): value "Lib\"": a quote inside a field that does not start with one: quote fields that contain the delimiter, quotes or line breaks, and double every quote inside them`},
		{"unknown layout", literal("x.csv", "Foo,Bar\n1,2\n"), nil,
			`x.csv:1: line 1 (field header): value "Foo,Bar": the headings of a known export (profiles la-actuals-long, la-actuals-wide, la-available-balances, la-expenditures, la-history-expenditures, la-history-revenue, la-measures-history, la-measures, la-neighborhood-councils, la-positions, la-program-priorities, la-requests, la-reserves, la-revenue-sources, la-revenue, la-text-department, la-text-program, la-text-schedule, oakland); for any other file write a profile and pass --profile FILE.yaml (see docs/budget.md)`},
		{"empty file", literal("x.csv", ""), nil,
			`x.csv:1: line 1 (field header): value "": a header row naming the columns; the file is empty`},
		{"Oakland file without a phase in its name", edit(oak, "oakland.csv", func(l []string) []string { return l[:5] }), nil,
			`oakland.csv: no budget phase: the file name, its columns and the profile oakland give none; pass --phase adopted (or proposed, estimate, actual)`},
		{"Oakland unknown account type", edit(oak, "FY22-23__adopted.csv", replaceIn(3, ",Expense,", ",Expenses,")), nil,
			`FY22-23__adopted.csv:3:3: line 3, column 3 "account_type" (field kind): value "Expenses": one of Expense, Revenue`},
		{"request with a bad adopted change", edit(reqPath, "Budget_Requests_Detail_Sec4_2122_Adopted.csv", replaceIn(2, ",-431677\r", ",-43l677\r")), nil,
			`Budget_Requests_Detail_Sec4_2122_Adopted.csv:2:15: line 2, column 15 "2021-22 (Adopted) Incremental change from 2020-21 Adopted Budget" (field adopted): value "-43l677": an amount such as 1234, -56.78, (12.50), $8,650.00 or -$5 (one sign at most: a leading minus, or parentheses around the whole amount); leave the cell empty or write NA when there is no amount`},
		{"user profile, column missing", literal("x.csv", "Dept,Amt\n02,5\n"), []string{"--profile", "PROFILE"},
			`x.csv:1: line 1 (field amount): value "Dept,Amt": profile mine needs amount (a column headed "Amount")`},
		{"user profile, bad fiscal year flag", literal("x.csv", "Dept,Amount\n02,5\n"), []string{"--profile", "PROFILE", "--fy", "2021-23"},
			`--fy "2021-23": fiscal year "2021-23" does not span two consecutive years`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.file(t)
			args := []string{"--db", db, "import"}
			for _, a := range tc.args {
				if a == "PROFILE" {
					a = profile(t)
				}
				args = append(args, a)
			}
			code, _, errOut := run(t, append(args, path)...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			got := strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(errOut, "budgetlens: "), filepath.Dir(path)+string(filepath.Separator), ""))
			if got != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tc.want)
			}
			if after := totalsJSON(t, db); !equalMaps(before, after) {
				t.Errorf("totals changed after a failed import")
			}
		})
	}
	_, runs, _ := run(t, "--db", db, "ls", "runs", "--format", "csv")
	if n := strings.Count(strings.TrimSpace(runs), "\n"); n != 1 {
		t.Errorf("%d import runs after the failures, want 1:\n%s", n, runs)
	}
}
