package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestDemoCapital is issue 12's third check: the LADOT funded projects are
// placed by their geometry (lines by length, polygons by area, points)
// with the four regional megaprojects apart, every cent accounted for; the
// grant applications are selected under a local-match budget with and
// without equity targets, saved as scenarios, compared; and all of it is in
// the demo's report (HTML and XLSX).
func TestDemoCapital(t *testing.T) {
	t.Parallel()
	dir := sharedDemo(t)
	db := filepath.Join(dir, "budgetlens.duckdb")
	var plans []struct {
		Name      string `json:"name"`
		Projects  int    `json:"projects"`
		Released  bool   `json:"released"`
		Scenarios int    `json:"scenarios"`
		Skipped   int    `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--db", db, "capital", "ls", "--format", "json")), &plans); err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2 || plans[0].Name != "ladot-funded-2016" || plans[0].Projects != 136 || !plans[0].Released ||
		plans[1].Name != "ladot-grant-requests-2016" || plans[1].Projects != 71 || plans[1].Skipped != 110 || plans[1].Scenarios != 3 {
		t.Fatalf("demo plans %+v", plans)
	}
	var sums capitalAnalysisJSON
	var a struct {
		Need   string `json:"need"`
		Totals struct {
			ByMethod map[string]json.Number `json:"by_method"`
		} `json:"totals"`
		Projects []struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Method string `json:"method"`
		} `json:"projects"`
	}
	out := mustRun(t, "--db", db, "capital", "analyze", "--plan", "ladot-funded-2016", "--format", "json")
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &sums); err != nil {
		t.Fatal(err)
	}
	tt := sums.Totals
	placed, citywide, unplaced, apart, total := centsOf(t, tt.Placed.String()), centsOf(t, tt.Citywide.String()), centsOf(t, tt.Unplaced.String()),
		centsOf(t, tt.Apart.String()), centsOf(t, tt.Total.String())
	if placed+citywide+unplaced+apart != total || total != 8_126_718_532_00 {
		t.Fatalf("totals: %d + %d + %d + %d vs %d", placed, citywide, unplaced, apart, total)
	}
	if apart != 7_752_000_000_00 {
		t.Errorf("apart %d cents, want the four megaprojects' $7,752,000,000", apart)
	}
	var areaSum int64
	for _, ar := range sums.Areas {
		areaSum += centsOf(t, ar.Dollars.String())
	}
	if areaSum != placed {
		t.Errorf("areas add to %d cents, placed is %d", areaSum, placed)
	}
	for _, m := range []string{"length", "area", "point", "points"} {
		if c := centsOf(t, a.Totals.ByMethod[m].String()); c <= 0 {
			t.Errorf("no dollars placed by %s: %v", m, a.Totals.ByMethod)
		}
	}
	methods := map[string]string{}
	for _, p := range a.Projects {
		methods[p.Name] = p.Method
	}
	if methods["Westside Subway Extension"] != "apart" {
		t.Errorf("the Westside Subway Extension is placed by %q, not apart", methods["Westside Subway Extension"])
	}
	if !strings.Contains(a.Need, "CalEnviroScreen") {
		t.Errorf("need %q", a.Need)
	}
	// the scenarios: the 80% target binds and costs grant dollars
	cmp := mustRun(t, "--db", db, "capital", "compare", "--plan", "ladot-grant-requests-2016", "match-10m-high-need-40", "match-10m-high-need-80", "--format", "json")
	var c struct {
		ObjectiveA float64 `json:"objective_a"`
		ObjectiveB float64 `json:"objective_b"`
		Out        []struct {
			Forced *struct {
				Kind string `json:"kind"`
			} `json:"forced"`
			Changed bool `json:"changed"`
		} `json:"out"`
	}
	if err := json.Unmarshal([]byte(cmp), &c); err != nil {
		t.Fatal(err)
	}
	forcedByShare := 0
	for _, s := range c.Out {
		if s.Forced != nil && s.Forced.Kind == "high_need_share" && s.Changed {
			forcedByShare++
		}
	}
	if !(c.ObjectiveB < c.ObjectiveA) || forcedByShare == 0 {
		t.Errorf("the 80%% target should cost grant dollars and force projects out: %s", cmp)
	}
	// the same comparison as CSV: one row per setting and project, the
	// projects out as many as in the JSON
	cr := csv.NewReader(strings.NewReader(mustRun(t, "--db", db, "capital", "compare", "--plan", "ladot-grant-requests-2016",
		"match-10m-high-need-40", "match-10m-high-need-80", "--format", "csv", "--delimiter", ";")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err == nil {
		outs := 0
		for _, r := range rows {
			if len(r) == 3 && r[0] == "out" {
				outs++
			}
		}
		if strings.Join(rows[0], ",") != "change,project,reason" || outs != len(c.Out) {
			err = fmt.Errorf("header %v, %d rows out for %d", rows[0], outs, len(c.Out))
		}
	}
	if err != nil {
		t.Errorf("compare --format csv --delimiter \";\": %v", err)
	}
	// the report: section, map with the projects, scenarios; the workbook's sheets
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Capital: LADOT funded active-transportation projects (2016)", "Projects over need: ladot-funded-2016", `class="overlay"`,
		"Scenarios side by side: ladot-grant-requests-2016", "match-10m-high-need-80", "Westside Subway Extension"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	x, err := excelize.OpenFile(filepath.Join(dir, "report.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := strings.Join(x.GetSheetList(), "|")
	for _, want := range []string{"Capital areas", "Capital tiers", "Capital scenarios", "Capital swaps", "Capital selection"} {
		if !strings.Contains(sheets, want) {
			t.Errorf("report.xlsx has no sheet %q (sheets: %s)", want, sheets)
		}
	}
}
