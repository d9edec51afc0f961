package need

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/census"
	"github.com/budgetlens/budgetlens/internal/hostile"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/xuri/excelize/v2"
)

// TestCensusAPITable reads the Census API's answer as it comes (JSON, and
// the same saved as CSV): sentinels are missing, state/county/tract are
// joined into 11-digit GEOIDs, margins are paired with their estimates.
func TestCensusAPITable(t *testing.T) {
	dir := t.TempDir()
	js := `[["NAME","B19013_001E","B19013_001M","state","county","tract"],
["Census Tract 1011.10; Los Angeles County; California","78000","11234","06","037","101110"],
["Census Tract 1011.22; Los Angeles County; California","-666666666","-222222222","6","37","101122"],
["Census Tract 1012.10; Los Angeles County; California","52000","-555555555","06","037","101210"]]`
	os.WriteFile(filepath.Join(dir, "acs.json"), []byte(js), 0o644)
	os.WriteFile(filepath.Join(dir, "acs.csv"), []byte("NAME,B19013_001E,B19013_001M,state,county,tract\n"+
		"\"Census Tract 1011.10; Los Angeles County; California\",78000,11234,06,037,101110\n"+
		"\"Census Tract 1011.22; Los Angeles County; California\",-666666666,-222222222,6,37,101122\n"+
		"\"Census Tract 1012.10; Los Angeles County; California\",52000,-555555555,06,037,101210\n"), 0o644)
	for _, f := range []string{"acs.json", "acs.csv"} {
		tab, err := ReadTable(filepath.Join(dir, f), ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if strings.Join(tab.Areas, ",") != "06037101110,06037101122,06037101210" || tab.Geography != census.Tract {
			t.Fatalf("%s: ids %v (%s)", f, tab.Areas, tab.Geography)
		}
		est, err := tab.Numbers("B19013_001E")
		if err != nil || est[0] != 78000 || !math.IsNaN(est[1]) {
			t.Fatalf("%s: estimates %v %v", f, est, err)
		}
		moe, err := tab.Numbers("B19013_001E MOE")
		if err != nil || moe[0] != 11234 || !math.IsNaN(moe[1]) || !math.IsNaN(moe[2]) {
			t.Fatalf("%s: margins %v %v", f, moe, err)
		}
		if base, _ := tab.Numbers("B19013_001"); base[0] != 78000 {
			t.Fatalf("%s: the estimate by its base name: %v", f, base)
		}
		set, _, err := IndicatorSetFromTable(tab, "tracts", "2019", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range set.Values {
			if v.Indicator == "B19013_001M" {
				t.Fatalf("%s: the margin column stored as an indicator", f)
			}
			if v.Indicator == "B19013_001E" && v.Area == "06037101110" && v.MOE != 11234 {
				t.Fatalf("%s: stored margin %v", f, v.MOE)
			}
		}
	}
}

// TestSentinelNeverRanks: a tract whose income is the API's -666666666 is
// missing, not the poorest tract in the state.
func TestSentinelNeverRanks(t *testing.T) {
	p := writeFile(t, "inc.csv", "GEOID,median_income\n06037101110,90000\n06037101122,-666666666\n06037101210,30000\n")
	tab, err := ReadTable(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := &Spec{Name: "inc", Version: "1", Method: "composite", Normalise: Normalisation{Method: "percentile", Scale: 100},
		Indicators: []IndicatorSpec{{Name: "median_income", Direction: "lower"}},
		Components: []Component{{Name: "c", Domains: []Domain{{Name: "d", Indicators: []string{"median_income"}}}}}}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Areas {
		if a.ID == "06037101122" && (a.Rank != 0 || !a.Score.Missing()) {
			t.Fatalf("the sentinel tract is ranked %d with score %v", a.Rank, a.Score)
		}
		if a.ID == "06037101210" && a.Rank != 1 {
			t.Fatalf("the poorest tract is ranked %d", a.Rank)
		}
	}
}

func TestGEOIDWidths(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		opt        ReadOptions
		want       string
	}{
		{"10 and 11 digits mixed", "GEOID,x\n6037101110,1\n06037101122,2\n", ReadOptions{}, "06037101110,06037101122"},
		{"tract heading", "Census Tract,x\n6037101110,1\n", ReadOptions{}, "06037101110"},
		{"GEO_ID prefix", "GEO_ID,x\n1400000US06037101110,1\n", ReadOptions{}, "06037101110"},
		{"county by option", "GEOID,x\n6037,1\n", ReadOptions{Geography: "county"}, "06037"},
		{"unknown geography kept", "GEOID,x\n6037101110,1\n", ReadOptions{}, "6037101110"},
		{"not digits kept", "area_id,x\nnorth,1\n", ReadOptions{}, "north"},
	} {
		tab, err := ReadTable(writeFile(t, "g.csv", tc.body), tc.opt)
		if err != nil || strings.Join(tab.Areas, ",") != tc.want {
			t.Errorf("%s: %v %v, want %s", tc.name, tab.Areas, err, tc.want)
		}
	}
	// the same tract written both ways is one area twice
	if _, err := ReadTable(writeFile(t, "g.csv", "Census Tract,x\n6037101110,1\n06037101110,2\n"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("the same tract twice: %v", err)
	}
}

func TestCoverage(t *testing.T) {
	tab, err := ReadTable(writeFile(t, "c.csv", "Census Tract,x\n6037101110,1\n6037101122,2\n9999,3\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := tab.Coverage("tracts", []string{"06037101110", "06037101122", "06037101300"})
	if c.Matched != 2 || c.IDs != 3 || c.String() != "2 of 3 ids in layer tracts (not found: 9999)" {
		t.Fatalf("%+v %s", c, c)
	}
	if c := tab.Coverage("districts", []string{"1", "2"}); c.String() != "0 of 3 ids in layer districts (not found: 06037101110, 06037101122, 9999)" {
		t.Fatalf("%s", c)
	}
}

// TestPopulationRefused: a negative, absurd or infinite population stops
// the index with its line.
func TestPopulationRefused(t *testing.T) {
	spec := &Spec{Name: "p", Version: "1", Method: "composite", Normalise: Normalisation{Method: "none"}, Population: "pop", PopulationWeighted: true,
		Indicators: []IndicatorSpec{{Name: "x"}}, Components: []Component{{Name: "c", Domains: []Domain{{Name: "d", Indicators: []string{"x"}}}}},
		Tiers: Tiers{Method: "quantiles", N: 2}}
	for _, bad := range []string{"-5", "1e300", "2e10"} {
		tab, err := ReadTable(writeFile(t, "p.csv", "GEOID,pop,x\na,10,1\nb,"+bad+",2\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Compute(spec, tab, Options{})
		var ie *budget.InputError
		if !errors.As(err, &ie) || ie.Line != 3 || ie.Field != "population" {
			t.Errorf("population %s: %v", bad, err)
		}
	}
	tab, _ := ReadTable(writeFile(t, "p.csv", "GEOID,pop,x\na,10,1\nb,NA,2\n"), ReadOptions{})
	if _, err := Compute(spec, tab, Options{}); err != nil {
		t.Errorf("a missing population is allowed: %v", err)
	}
}

func TestDuplicateIndicatorHeadings(t *testing.T) {
	tab, err := ReadTable(writeFile(t, "d.csv", "GEOID,poverty,Poverty\na,1,2\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Numbers("poverty"); err == nil || !strings.Contains(err.Error(), "columns 2 and 3") {
		t.Fatalf("an ambiguous column: %v", err)
	}
}

// TestXLSXIndicatorsStored: an indicator table in a workbook with display
// formats reads the stored values (a share formatted 0% stays a share, a
// currency column is numeric), and the wide-rows attack is refused.
func TestXLSXIndicatorsStored(t *testing.T) {
	f := excelize.NewFile()
	pct, money, code := "0%", "$#,##0", "00000000000"
	sp, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &pct})
	sm, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &money})
	sc, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	f.SetSheetRow("Sheet1", "A1", &[]any{"GEOID", "poverty", "median rent"})
	f.SetSheetRow("Sheet1", "A2", &[]any{6037101110, 0.2374, 1234.56})
	f.SetCellStyle("Sheet1", "A2", "A2", sc)
	f.SetCellStyle("Sheet1", "B2", "B2", sp)
	f.SetCellStyle("Sheet1", "C2", "C2", sm)
	p := filepath.Join(t.TempDir(), "ind.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadTable(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pov, _ := tab.Numbers("poverty")
	rent, err := tab.Numbers("median rent")
	if tab.Areas[0] != "06037101110" || pov[0] != 0.2374 || err != nil || rent[0] != 1234.56 {
		t.Fatalf("%v %v %v %v", tab.Areas, pov, rent, err)
	}
	var buf bytes.Buffer
	hostile.WideRowsXLSX(&buf, 20000, "XFD")
	os.WriteFile(p, buf.Bytes(), 0o644)
	if _, err := ReadTable(p, ReadOptions{}); !errors.Is(err, tabular.ErrLimit) {
		t.Fatalf("wide rows: %v", err)
	}
}

// TestPairedMarginsFeedMonteCarlo: the margins of a Census table's _M
// columns reach the result, where the sensitivity analysis draws from them.
func TestPairedMarginsFeedMonteCarlo(t *testing.T) {
	p := writeFile(t, "acs.csv", "GEO_ID,B19013_001E,B19013_001M\n1400000US06037101110,50000,5000\n1400000US06037101122,60000,-555555555\n1400000US06037101210,70000,9000\n")
	tab, err := ReadTable(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := &Spec{Name: "inc", Version: "1", Method: "composite", Normalise: Normalisation{Method: "percentile", Scale: 100},
		Indicators: []IndicatorSpec{{Name: "income", Column: "B19013_001E", Direction: "lower"}},
		Components: []Component{{Name: "c", Domains: []Domain{{Name: "d", Indicators: []string{"income"}}}}}}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Areas[0].MOE) != 1 || res.Areas[0].MOE[0] != 5000 || !res.Areas[1].MOE[0].Missing() || res.Areas[2].MOE[0] != 9000 {
		t.Fatalf("margins %v %v %v", res.Areas[0].MOE, res.Areas[1].MOE, res.Areas[2].MOE)
	}
}
