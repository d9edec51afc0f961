package main

import (
	"encoding/csv"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var (
	bostonCIP   = filepath.Join("..", "..", "testdata", "boston", "capital", "boston_fy19_capital_projects_DERIVED.csv")
	bostonWards = filepath.Join("..", "..", "testdata", "boston", "capital", "boston_neighborhoods_ILLUSTRATIVE.csv")
)

// mustRun runs the CLI and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("budgetlens %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// centsOf reads "$1,234.56" or "1234.56" as cents, independently of the
// importer: digits only, two decimals.
func centsOf(t *testing.T, s string) int64 {
	t.Helper()
	s = strings.NewReplacer("$", "", ",", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("amount %q", s)
	}
	return w*100 + f
}

// independentBoston sums the Boston fixture by neighbourhood with exact
// rational arithmetic: a project coded with several neighbourhoods is
// divided by their populations, each gets the floor of its exact share and
// the cents left go to the largest remainders (ties to the area listed first
// in the table), as docs/capital.md says. It returns the cents per
// neighbourhood and the citywide, unplaced and total cents.
func independentBoston(t *testing.T) (areas map[string]int64, order []string, citywide, unplaced, total int64) {
	t.Helper()
	pop := map[string]int64{}
	pos := map[string]int{}
	_, wards := readAll(t, bostonWards)
	for i, r := range wards {
		p, _ := strconv.ParseInt(r[2], 10, 64)
		pop[r[0]], pos[r[0]] = p, i
		order = append(order, r[0])
	}
	h, rows := readAll(t, bostonCIP)
	col := map[string]int{}
	for i, n := range h {
		col[n] = i
	}
	areas = map[string]int64{}
	for _, r := range rows {
		var c int64
		for _, y := range []string{"Through 6/30/17", "FY18 Budget", "FY19 Budget", "FY20-23 Budget"} {
			c += centsOf(t, r[col[y]])
		}
		if c != centsOf(t, r[col["Total"]]) {
			t.Fatalf("project %s: years do not add up to its total", r[0])
		}
		total += c
		codes := r[col["District Codes"]]
		switch {
		case codes == "CW":
			citywide += c
			continue
		case codes == "":
			unplaced += c
			continue
		}
		ks := strings.Split(codes, ",")
		sort.Slice(ks, func(i, j int) bool { return pos[ks[i]] < pos[ks[j]] })
		var sum int64
		for _, k := range ks {
			sum += pop[k]
		}
		type part struct {
			k   string
			rem *big.Rat
		}
		var parts []part
		var given int64
		for _, k := range ks {
			exact := new(big.Rat).SetFrac(big.NewInt(pop[k]*c), big.NewInt(sum))
			fl := new(big.Int).Quo(exact.Num(), exact.Denom())
			areas[k] += fl.Int64()
			given += fl.Int64()
			parts = append(parts, part{k, new(big.Rat).Sub(exact, new(big.Rat).SetInt(fl))})
		}
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].rem.Cmp(parts[j].rem) > 0 })
		for i := 0; given < c; i++ {
			areas[parts[i].k]++
			given++
		}
	}
	return areas, order, citywide, unplaced, total
}

func readAll(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

// capitalAnalysisJSON is the part of capital analyze's JSON the tests read.
type capitalAnalysisJSON struct {
	Areas []struct {
		ID      string      `json:"id"`
		Dollars json.Number `json:"dollars"`
		Years   []struct {
			Year    string      `json:"year"`
			Dollars json.Number `json:"dollars"`
		} `json:"years"`
	} `json:"areas"`
	Totals struct {
		Total, Placed, Citywide, Unplaced, Apart json.Number
		CitywideShare                            float64 `json:"citywide_share"`
	} `json:"totals"`
	ByYear []struct {
		Year                                     string
		Total, Placed, Citywide, Unplaced, Apart json.Number
	} `json:"by_year"`
}

// TestBostonCapitalPlan is issue 12's first check: a public capital plan
// from another city (Boston's FY19 capital projects, derived into the shape
// such plans take: money strings, a column of district codes with several
// codes in a cell, citywide rows), imported with the flags, analysed by
// neighbourhood with a table layer (no boundaries), gives per-area dollars
// equal to an independent sum of the file, to the cent, and the citywide
// share; placed + citywide + unplaced = the total in every year.
func TestBostonCapitalPlan(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	mustRun(t, "--db", db, "geo", "import", "--layer", "neighborhoods", "--no-geometry", "--id-column", "Code", "--name-column", "Neighborhood", "--population-column", "Population", bostonWards)
	mustRun(t, "--db", db, "capital", "import", bostonCIP, "--plan", "boston-fy19", "--id", "Project ID", "--name", "Project Name", "--category", "Category",
		"--years", "Through 6/30/17,FY18 Budget,FY19 Budget,FY20-23 Budget", "--layer", "neighborhoods", "--area", "District Codes", "--citywide", "CW")
	out := mustRun(t, "--db", db, "capital", "analyze", "--plan", "boston-fy19", "--layer", "neighborhoods", "--format", "json")
	var got capitalAnalysisJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	areas, order, citywide, unplaced, total := independentBoston(t)
	if len(got.Areas) != len(order) {
		t.Fatalf("%d areas, want %d", len(got.Areas), len(order))
	}
	var placed int64
	for i, a := range got.Areas {
		if a.ID != order[i] {
			t.Fatalf("area %d is %s, want %s (layer order)", i, a.ID, order[i])
		}
		if c := centsOf(t, a.Dollars.String()); c != areas[a.ID] {
			t.Errorf("area %s: %d cents, independent sum %d", a.ID, c, areas[a.ID])
		}
		var years int64
		for _, y := range a.Years {
			years += centsOf(t, y.Dollars.String())
		}
		if years != areas[a.ID] {
			t.Errorf("area %s: its years add to %d cents, not %d", a.ID, years, areas[a.ID])
		}
		placed += areas[a.ID]
	}
	tt := got.Totals
	for _, c := range []struct {
		what      string
		got, want int64
	}{{"total", centsOf(t, tt.Total.String()), total}, {"citywide", centsOf(t, tt.Citywide.String()), citywide},
		{"unplaced", centsOf(t, tt.Unplaced.String()), unplaced}, {"placed", centsOf(t, tt.Placed.String()), placed}, {"apart", centsOf(t, tt.Apart.String()), 0}} {
		if c.got != c.want {
			t.Errorf("%s: %d cents, independent sum %d", c.what, c.got, c.want)
		}
	}
	if placed+citywide+unplaced != total {
		t.Fatalf("the independent sums do not add up: %d + %d + %d != %d", placed, citywide, unplaced, total)
	}
	if want := float64(citywide) / float64(total); tt.CitywideShare != want {
		t.Errorf("citywide share %v, want %v", tt.CitywideShare, want)
	}
	for _, y := range got.ByYear {
		p, c, u, tot := centsOf(t, y.Placed.String()), centsOf(t, y.Citywide.String()), centsOf(t, y.Unplaced.String()), centsOf(t, y.Total.String())
		if p+c+u != tot {
			t.Errorf("year %s: %d + %d + %d != %d", y.Year, p, c, u, tot)
		}
	}
	t.Logf("Boston FY19: total %d cents, placed %d, citywide %d (%.1f%%), unplaced %d", total, placed, citywide, 100*tt.CitywideShare, unplaced)

	// the same plan read by its total column gives the same areas
	mustRun(t, "--db", db, "capital", "import", bostonCIP, "--plan", "boston-total", "--id", "Project ID", "--cost", "Total",
		"--layer", "neighborhoods", "--area", "District Codes", "--citywide", "CW")
	var byTotal capitalAnalysisJSON
	json.Unmarshal([]byte(mustRun(t, "--db", db, "capital", "analyze", "--plan", "boston-total", "--format", "json")), &byTotal)
	for i, a := range byTotal.Areas {
		if a.Dollars != got.Areas[i].Dollars {
			t.Errorf("area %s: %s by the total column, %s by the years", a.ID, a.Dollars, got.Areas[i].Dollars)
		}
	}
	// CSV: the area rows and the citywide, unplaced and total rows
	csvOut := mustRun(t, "--db", db, "capital", "analyze", "--plan", "boston-total", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, r := range recs[1:] {
		if r[0] != "total" {
			sum += centsOf(t, r[6])
		} else if centsOf(t, r[6]) != total {
			t.Errorf("CSV total row %s", r[6])
		}
	}
	if sum != total {
		t.Errorf("CSV rows add to %d cents, not %d", sum, total)
	}
}

// TestTableLayerAnalyses: a layer of areas without boundaries serves the
// budget analysis (rows carrying their own ward codes, per resident), a
// need run on its own ids (tiers) and capital analyze, and is listed as
// such; nothing needs a point or a shape.
func TestTableLayerAnalyses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wards := write("wards.csv", "Ward,Name,Residents,poverty_rate,asthma_rate,unemployment_rate\n1,North,1000,5,30,3\n2,South,3000,25,50,9\n3,East,2000,15,40,6\n")
	mustRun(t, "--db", db, "geo", "import", "--layer", "wards", "--no-geometry", "--id-column", "Ward", "--name-column", "Name", "--population-column", "Residents", wards)
	var ls []map[string]any
	json.Unmarshal([]byte(mustRun(t, "--db", db, "geo", "ls", "--format", "json")), &ls)
	if len(ls) != 1 || ls[0]["no_geometry"] != true {
		t.Fatalf("geo ls: %v", ls)
	}
	budgetFile := write("budget.csv", "dept,program,amount,ward\nParks,Parks,1000.00,1\nParks,Parks,6000.00,2\nPolice,Patrol,2000.00,3\n")
	mustRun(t, "--db", db, "import", budgetFile, "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--program", "program", "--amount", "amount", "--area", "ward", "--layer", "wards")
	spec := filepath.Join("..", "..", "testdata", "maplebay", "need-spec.yaml")
	mustRun(t, "--db", db, "index", "run", "--spec", spec, "--indicators", wards, "--id-column", "Ward", "--layer", "wards")
	var an struct {
		Tiers int `json:"tiers"`
		Areas []struct {
			ID        string      `json:"area_id"`
			Amount    json.Number `json:"amount"`
			PerCapita json.Number `json:"per_capita"`
			Tier      int         `json:"need_tier"`
		} `json:"areas"`
	}
	out := mustRun(t, "--db", db, "analyze", "--layer", "wards", "--fy", "2024-25", "--phase", "adopted", "--format", "json")
	if err := json.Unmarshal([]byte(out), &an); err != nil {
		t.Fatal(err)
	}
	if an.Tiers != 3 || len(an.Areas) != 3 {
		t.Fatalf("analysis by a table layer: %s", out)
	}
	for i, want := range []string{"1000.00", "6000.00", "2000.00"} {
		if a := an.Areas[i]; a.Tier < 1 || a.Amount.String() != want {
			t.Errorf("ward %s: tier %d, %s placed by its own code (want %s)", a.ID, a.Tier, a.Amount, want)
		}
	}
	plan := write("cip.csv", "ID,Cost,Wards\nA,\"$100.00\",\"1,2\"\nB,$50.00,CW\n")
	mustRun(t, "--db", db, "capital", "import", plan, "--plan", "p", "--id", "ID", "--cost", "Cost", "--layer", "wards", "--area", "Wards", "--citywide", "CW")
	var ca struct {
		Need  string `json:"need"`
		Areas []struct {
			Dollars json.Number `json:"dollars"`
			Tier    int         `json:"tier"`
		} `json:"areas"`
	}
	json.Unmarshal([]byte(mustRun(t, "--db", db, "capital", "analyze", "--plan", "p", "--format", "json")), &ca)
	if ca.Need == "" || len(ca.Areas) != 3 || ca.Areas[0].Dollars.String() != "25.00" || ca.Areas[1].Dollars.String() != "75.00" || ca.Areas[1].Tier != 3 {
		t.Fatalf("capital analyze by a table layer: %+v", ca)
	}
}
