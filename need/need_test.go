package need

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/census"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

func TestPercentileRules(t *testing.T) {
	nan := math.NaN()
	x := []float64{0, 3, 1, 3, nan, 5}
	cases := []struct {
		name string
		opt  PercentileOptions
		want []float64
	}{
		{"average ties, zeros ranked", PercentileOptions{}, []float64{0.2, 0.7, 0.4, 0.7, nan, 1}},
		{"max ties", PercentileOptions{Ties: TiesMax}, []float64{0.2, 0.8, 0.4, 0.8, nan, 1}},
		{"min ties", PercentileOptions{Ties: TiesMin}, []float64{0.2, 0.6, 0.4, 0.6, nan, 1}},
		{"positive only, max ties, 0-100", PercentileOptions{Ties: TiesMax, PositiveOnly: true, Scale: 100}, []float64{0, 75, 25, 75, nan, 100}},
		{"descending", PercentileOptions{Descending: true}, []float64{1, 0.5, 0.8, 0.5, nan, 0.2}},
	}
	for _, c := range cases {
		got := Percentile(x, c.opt)
		for i := range got {
			if math.IsNaN(c.want[i]) != math.IsNaN(got[i]) || (!math.IsNaN(got[i]) && math.Abs(got[i]-c.want[i]) > 1e-12) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestZScoresMinMax(t *testing.T) {
	z := ZScores([]float64{1, 2, 3, math.NaN()}, false)
	if z[0] != -1 || z[1] != 0 || z[2] != 1 || !math.IsNaN(z[3]) {
		t.Fatalf("zscores %v", z)
	}
	if z := ZScores([]float64{1, 2, 3}, true); z[0] != 1 {
		t.Fatalf("descending zscores %v", z)
	}
	m := MinMax([]float64{2, 4, 6}, true)
	if m[0] != 1 || m[1] != 0.5 || m[2] != 0 {
		t.Fatalf("minmax %v", m)
	}
}

func TestTiers(t *testing.T) {
	s := &Spec{Tiers: Tiers{Method: "cuts", On: "score", Cuts: []float64{60, 80}, Labels: []string{"low", "higher", "very high"}}}
	for _, c := range []struct {
		score float64
		want  string
	}{{59.99, "low"}, {60, "higher"}, {79.9, "higher"}, {80, "very high"}, {math.NaN(), ""}} {
		if got := s.TierOf(c.score, 0, nil); got != c.want {
			t.Errorf("score %v: %q, want %q", c.score, got, c.want)
		}
	}
	q := &Spec{Tiers: Tiers{Method: "quantiles", N: 4}}
	for _, c := range []struct {
		p    float64
		want string
	}{{0.1, "Q1"}, {25, "Q1"}, {25.01, "Q2"}, {100, "Q4"}} {
		if got := q.TierOf(0, c.p, nil); got != c.want {
			t.Errorf("percentile %v: %q, want %q", c.p, got, c.want)
		}
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadLongAndErrors(t *testing.T) {
	p := writeFile(t, "long.csv", "area_id,indicator,value,moe\n1,income,100,5\n1,rent,0.3,\n2,income,NA,\n2,rent,0.5,0.1\n")
	tab, err := ReadTable(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := tab.Numbers("income")
	if err != nil || inc[0] != 100 || !math.IsNaN(inc[1]) {
		t.Fatalf("income %v %v", inc, err)
	}
	if moe, _ := tab.Numbers("rent MOE"); moe[1] != 0.1 {
		t.Fatalf("moe %v", moe)
	}
	multi := writeFile(t, "multi.csv", "area_id,period,indicator,value\n1,2019,rent,0.3\n1,2020,rent,0.4\n")
	if _, err := ReadTable(multi, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "2019, 2020") {
		t.Fatalf("several periods without a choice: %v", err)
	}
	tab, err = ReadTable(multi, ReadOptions{Period: "2020"})
	if err != nil {
		t.Fatal(err)
	}
	if rent, _ := tab.Numbers("rent"); len(rent) != 1 || rent[0] != 0.4 {
		t.Fatalf("period 2020: %v", rent)
	}
	bad := writeFile(t, "bad.csv", "GEOID,poverty\n1,0.2\n2,lots\n")
	tab, err = ReadTable(bad, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Numbers("poverty")
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 3 || ie.ColIndex != 2 || ie.Value != "lots" {
		t.Fatalf("error %v", err)
	}
	dup := writeFile(t, "dup.csv", "GEOID,poverty\n1,0.2\n1,0.3\n")
	if _, err := ReadTable(dup, ReadOptions{}); err == nil || !strings.Contains(err.Error(), ":3") {
		t.Fatalf("duplicate id: %v", err)
	}
	noid := writeFile(t, "noid.csv", "name,poverty\nx,0.2\n")
	if _, err := ReadTable(noid, ReadOptions{}); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("no id column: %v", err)
	}
}

func TestReadLatin1NewlineHeaders(t *testing.T) {
	body := "Census Tract,\"Nearby City \n(to help)\",Score\n1,San Jos\xe9,3\n"
	tab, err := ReadTable(writeFile(t, "l1.csv", body), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	city, err := tab.Text("Nearby City (to help)")
	if err != nil || city[0] != "San José" {
		t.Fatalf("city %q %v", city, err)
	}
	if tab.Line(0) != 3 {
		t.Fatalf("line %d, want 3 (the header spans two lines)", tab.Line(0))
	}
}

func TestMetroEFC(t *testing.T) {
	p := writeFile(t, "efc.csv", "GEOID,population,share_low_income_households,share_non_white,share_zero_vehicle_households\n"+
		"a,100,0.45,0.85,0.05\nb,200,0.45,0.50,0.12\nc,300,0.40,0.95,0.30\nd,400,0.60,0.70,0.10\ne,50,NA,0.9,0.5\n")
	tab, err := ReadTable(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := Preset("metro-efc")
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"a": true, "b": true, "c": false, "d": false, "e": false}
	for _, ar := range res.Areas {
		if ar.Flags["efc"] != want[ar.ID] {
			t.Errorf("%s: efc %v, want %v (%s)", ar.ID, ar.Flags["efc"], want[ar.ID], Explain(res, 0).Sentence)
		}
	}
	if res.Areas[0].Tier != "Equity Focus Community" || res.Areas[2].Tier != "not EFC" {
		t.Fatalf("tiers %q %q", res.Areas[0].Tier, res.Areas[2].Tier)
	}
}

func TestPercentileAverageAndZscore(t *testing.T) {
	var b strings.Builder
	b.WriteString("Census Tract,Total Population,Ozone,PM2.5,Diesel PM,Drinking Water,Pesticides,Tox. Release,Traffic,Cleanup Sites,Groundwater Threats,Haz. Waste,Imp. Water Bodies,Solid Waste,Asthma,Low Birth Weight,Cardiovascular Disease,Education,Linguistic Isolation,Poverty,Unemployment,Housing Burden\n")
	for a := 1; a <= 10; a++ {
		row := []string{strconv.Itoa(a), "1000"}
		for k := 0; k < 20; k++ {
			row = append(row, strconv.Itoa(a*(k+1)))
		}
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	tab, err := ReadTable(writeFile(t, "t.csv", b.String()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"percentile-average", "zscore"} {
		spec, _ := Preset(name)
		res, err := Compute(spec, tab, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// every indicator increases with the area: area 10 ranks first
		if res.Areas[9].Rank != 1 || res.Areas[0].Rank != 10 {
			t.Fatalf("%s: ranks %d %d", name, res.Areas[9].Rank, res.Areas[0].Rank)
		}
		if name == "percentile-average" && (res.Areas[9].Score != 100 || res.Areas[9].Tier != "very high need" || res.Areas[0].Tier != "lower priority") {
			t.Fatalf("percentile-average top: %v %q", res.Areas[9].Score, res.Areas[9].Tier)
		}
	}
}

func TestCompareAndAggregate(t *testing.T) {
	mk := func(tiers []string, ranks []int) *Run {
		r := &Run{}
		for i, tr := range tiers {
			r.Areas = append(r.Areas, AreaResult{ID: string(rune('a' + i)), Tier: tr, Rank: ranks[i], Population: Num(100 * (i + 1)), Score: Num(10 - ranks[i])})
		}
		return r
	}
	a := mk([]string{"high", "high", "low", "low"}, []int{1, 2, 3, 4})
	b := mk([]string{"high", "low", "high", "low"}, []int{1, 3, 2, 4})
	c := Compare(a, b)
	if c.Entering["high"] != 1 || c.Leaving["high"] != 1 || c.PopEntering["high"] != 300 || c.PopLeaving["high"] != 200 {
		t.Fatalf("moves %+v", c)
	}
	if c.Changes[0].Delta == 0 || math.Abs(c.SpearmanRho-0.8) > 1e-12 || c.MeanAbsChange != 0.5 {
		t.Fatalf("ranks %+v rho %v mean %v", c.Changes, c.SpearmanRho, c.MeanAbsChange)
	}
	cw := map[string][]Link{"a": {{"D1", 1}}, "b": {{"D1", 0.5}, {"D2", 0.5}}, "c": {{"D2", 1}}}
	agg, missing := AggregateRun(a, cw)
	if len(missing) != 1 || missing[0] != "d" || len(agg) != 2 {
		t.Fatalf("aggregate %+v missing %v", agg, missing)
	}
	// D1: a (pop 100, score 9) + half of b (pop 100, score 8) = 8.5
	if agg[0].ID != "D1" || agg[0].Population != 200 || math.Abs(agg[0].Score-8.5) > 1e-12 || agg[0].TierShares["high"] != 1 {
		t.Fatalf("D1 %+v", agg[0])
	}
	// D2: half of b (100, 8, high) + c (300, 7, low)
	if math.Abs(agg[1].Score-7.25) > 1e-12 || agg[1].TierShares["low"] != 0.75 {
		t.Fatalf("D2 %+v", agg[1])
	}
}

func FuzzReadTable(f *testing.F) {
	f.Add([]byte("GEOID,a\n1,2\n"))
	f.Add([]byte("area_id,indicator,value\n1,x,2\n"))
	f.Add([]byte("Census Tract,\"b\nc\"\n1,\"2\n"))
	f.Add([]byte("NAME,B19013_001E,B19013_001M,state,county,tract\nx,-666666666,-222222222,6,37,101110\n"))
	f.Add([]byte("GEOID,x\n6037101110,1\n06037101110,2\n"))
	f.Add([]byte("GEOID,pop,x,X\na,-5,1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.csv")
		os.WriteFile(p, data, 0o644)
		tab, err := ReadTable(p, ReadOptions{Limits: tabular.Limits{Cells: 10000, RecordBytes: 1 << 16}})
		if err != nil {
			if budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), p) {
				t.Fatalf("not an input error naming the file: %v", err)
			}
			return
		}
		// every area once, with an id; GEOIDs of a known geography at full width
		seen := map[string]bool{}
		for _, id := range tab.Areas {
			if id == "" || seen[id] {
				t.Fatalf("area id %q empty or repeated", id)
			}
			seen[id] = true
			if w := tab.Geography.Width(); w > 0 && isDigitString(id) && len(id) == w-1 {
				t.Fatalf("GEOID %q not at full width for %s", id, tab.Geography)
			}
		}
		for _, c := range tab.Columns {
			v, err := tab.Numbers(c)
			var ie *budget.InputError
			if err != nil && (!errors.As(err, &ie) || ie.Line < 1) {
				t.Fatalf("column %q: %v", c, err)
			}
			for _, x := range v {
				if census.IsSentinel(x) || math.IsInf(x, 0) {
					t.Fatalf("column %q holds %v", c, x)
				}
			}
		}
	})
}

func TestWeightedPercentile(t *testing.T) {
	p := WeightedPercentile([]float64{1, 2, 2, 3, math.NaN()}, []float64{10, 20, 30, 40, 5})
	// below/ties: 1 -> 5/100; 2 -> (10+25)/100; 3 -> (60+20)/100
	want := []float64{5, 35, 35, 80}
	for i, w := range want {
		if math.Abs(p[i]-w) > 1e-12 {
			t.Fatalf("got %v, want %v", p, want)
		}
	}
	if !math.IsNaN(p[4]) {
		t.Fatal("missing value ranked")
	}
	// quantile tiers by population: an area is in the tier holding the
	// midpoint of its population (a 5, b 15, c 25, d 65)
	spec := &Spec{Name: "w", Version: "1", Method: "composite", Normalise: Normalisation{Method: "none"}, Population: "pop", PopulationWeighted: true,
		Indicators: []IndicatorSpec{{Name: "x"}}, Components: []Component{{Name: "c", Domains: []Domain{{Name: "d", Indicators: []string{"x"}}}}},
		Tiers: Tiers{Method: "quantiles", N: 4}}
	tab, err := ReadTable(writeFile(t, "w.csv", "GEOID,pop,x\na,10,1\nb,10,2\nc,10,3\nd,70,4\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, a := range res.Areas {
		got = append(got, a.Tier)
	}
	if strings.Join(got, ",") != "Q1,Q1,Q1,Q3" {
		t.Fatalf("tiers %v", got)
	}
}

func TestReadACS(t *testing.T) {
	tab, err := ReadTable(fixture.Data(t, "la/acs/ca_tract_median_hh_income_acs2018_B19013.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Areas) != 8057 || tab.Areas[0] != "06001400100" {
		t.Fatalf("%d areas, first %q", len(tab.Areas), tab.Areas[0])
	}
	inc, err := tab.Numbers("B19013_001E")
	if err != nil {
		t.Fatal(err)
	}
	top, missing := 0, 0
	for _, v := range inc {
		if v == 250000 {
			top++
		}
		if math.IsNaN(v) {
			missing++
		}
	}
	if top == 0 || missing == 0 {
		t.Fatalf("top-coded %d, missing %d", top, missing)
	}
	// a median-income index with margins: lower income is more need
	spec := &Spec{Name: "income", Version: "1", Method: "composite", Normalise: Normalisation{Method: "percentile", Scale: 100},
		Indicators: []IndicatorSpec{{Name: "income", Column: "B19013_001E", MOE: "B19013_001M", Direction: "lower"}},
		Components: []Component{{Name: "c", Domains: []Domain{{Name: "d", Indicators: []string{"income"}}}}}}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sr, err := Sensitivity(InputFromRun(NewRun(res, nil, "", false), spec), SensitivityOptions{Runs: 100, MOE: true, LeaveOneOut: false})
	if err != nil {
		t.Fatal(err)
	}
	wide := 0
	for _, a := range sr.Areas {
		if a.P95-a.P05 > 100 {
			wide++
		}
	}
	t.Logf("%d of %d tracts have a 5-95%% rank interval wider than 100 ranks from income margins alone", wide, len(sr.Areas))
	if wide == 0 {
		t.Fatal("margins had no effect")
	}
}
