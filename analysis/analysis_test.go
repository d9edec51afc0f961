package analysis

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/report/render"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/need"
	"github.com/paulmach/orb"
)

var update = flag.Bool("update", false, "rewrite golden files")

// grid returns a 3 x 2 layer of 0.01-degree squares with populations
// 100..600 (ids a..f, row by row).
func grid() *geo.Layer {
	l := &geo.Layer{Name: "grid"}
	for k := 0; k < 6; k++ {
		x, y := -118.3+float64(k%3)*0.01, 34.0+float64(k/3)*0.01
		ring := orb.Ring{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}
		l.Areas = append(l.Areas, geo.Area{ID: string(rune('a' + k)), Name: "Area " + string(rune('A'+k)), Geom: orb.MultiPolygon{{ring}}, Population: float64(100 * (k + 1))})
	}
	return l
}

func gridRun(scores ...float64) *need.Run {
	r := &need.Run{ID: 7, Spec: "test", SpecVersion: "1", SpecHash: "spechash", Layer: "grid", TopTier: "high"}
	for i, s := range scores {
		tier := "low"
		if s >= 40 {
			tier = "high"
		}
		r.Areas = append(r.Areas, need.AreaResult{ID: string(rune('a' + i)), Score: need.Num(s), Population: need.NaN, Tier: tier})
	}
	return r
}

const testRules = `version: 1
name: test
default: {method: not_attributable, reason: no rule}
rules:
  - {name: people, match: {department: "A"}, method: per_capita, variants: [{name: land area, method: per_asset, attribute: area_km2}]}
  - {name: land, match: {department: "C"}, method: per_asset, attribute: area_km2, variants: [{name: per resident, method: per_capita}]}
  - {name: admin, match: {department: "B"}, method: not_attributable, reason: central administration}
`

func li(dept string, cents int64, line int) budget.LineItem {
	return budget.LineItem{Classification: budget.Classification{Department: budget.Code{Code: dept, Name: "Dept " + dept},
		Program: budget.Code{Code: dept + "1", Name: "Program " + dept}}, AmountCents: cents, Key: "k" + dept, Line: line, Kind: budget.Expenditure}
}

func smallInput(t *testing.T) *Input {
	rules, err := attribute.ParseRules([]byte(testRules), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items := []budget.LineItem{li("A", 1_000_000_01, 2), li("B", 250_000_00, 3), li("C", 333_333_33, 4), li("D", 7, 5)}
	var tot int64
	for _, x := range items {
		tot += x.AmountCents
	}
	p := int64(50_000_00)
	a := int64(-20_000_00)
	reqs := []budget.Request{
		{Classification: budget.Classification{Department: budget.Code{Code: "A", Name: "Dept A"}, Program: budget.Code{Name: "Program A"}}, Description: "More people", ProposedCents: &p, AdoptedCents: &p, Key: "r1", Line: 2},
		{Classification: budget.Classification{Department: budget.Code{Code: "C", Name: "Dept C"}, Program: budget.Code{Name: "Program C"}}, Description: "Less land", ProposedCents: &a, AdoptedCents: &a, Key: "r2", Line: 3},
	}
	l := grid()
	// two districts: the left column and the two right columns of the grid
	rect := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, 33.99}, {x1, 33.99}, {x1, 34.03}, {x0, 34.03}, {x0, 33.99}}}}
	}
	dists := &geo.Layer{Name: "districts", Areas: []geo.Area{{ID: "west", Geom: rect(-118.31, -118.29)}, {ID: "east", Geom: rect(-118.29, -118.26)}}}
	groups := &GroupCounts{Source: "groups.csv", Hash: "g", Groups: []string{"blue", "green"},
		Counts: map[string]map[string]float64{"blue": {"a": 50, "b": 20, "c": 0, "d": 300, "e": 100, "f": 60}, "green": {"a": 50, "b": 180, "c": 300, "d": 100, "e": 400, "f": 540}},
		Total:  map[string]float64{"a": 100, "b": 200, "c": 300, "d": 400, "e": 500, "f": 600}}
	return &Input{FiscalYear: budget.FiscalYear{Start: 2021}, Phase: budget.Proposed, Items: items, PhaseTotal: tot, Requests: reqs,
		Layer: l, Run: gridRun(10, 20, 30, 40, 50, 60), Rules: rules, Tiers: 3, Perms: 99, Seed: 1,
		Units: l, Districts: dists, Groups: groups,
		Measures: []NeedMeasure{{Name: "reverse", Label: "a measure ranking the other way", Values: map[string]float64{"a": 6, "b": 5, "c": 4, "d": 3, "e": 2, "f": 1}}}}
}

func TestAnalyzeSmallGolden(t *testing.T) {
	res, err := Analyze(smallInput(t))
	if err != nil {
		t.Fatal(err)
	}
	// the accounting identity, to the cent
	if res.Totals.Attributed+res.Totals.Unattributed != res.Totals.PhaseTotal {
		t.Fatalf("identity: %d + %d != %d", res.Totals.Attributed, res.Totals.Unattributed, res.Totals.PhaseTotal)
	}
	var sum Dollars
	for _, a := range res.Areas {
		sum += a.Amount
	}
	if sum != res.Totals.Attributed {
		t.Fatalf("areas sum to %d, attributed %d", sum, res.Totals.Attributed)
	}
	if res.Totals.UnattributedReasons["central administration"] != 250_000_00 || res.Totals.UnattributedReasons["no rule"] != 7 {
		t.Fatalf("reasons: %v", res.Totals.UnattributedReasons)
	}
	// per capita spending of dept A is equal everywhere: A's cents per area follow population
	if res.Requests == nil || len(res.Requests.Rows) != 2 {
		t.Fatalf("requests: %+v", res.Requests)
	}
	var c float64
	for _, r := range res.Requests.Rows {
		c += float64(r.Contribution)
	}
	if math.Abs(c-float64(res.Requests.ShareChange)) > 1e-12 {
		t.Fatalf("contributions sum to %v, change %v", c, res.Requests.ShareChange)
	}
	checkEnsemble(t, res)
	th := res.Theil
	if th == nil || th.N != 6 || len(th.Groups) != 2 || math.Abs(float64(th.Total-th.Between-th.Within)) > 1e-12 {
		t.Fatalf("theil: %+v", th)
	}
	if len(res.GroupRep) != 2 {
		t.Fatalf("groups: %+v", res.GroupRep)
	}
	for _, g := range res.GroupRep {
		// the ratio is the group's dollars per member over the citywide per-capita amount
		if math.Abs(float64(g.Ratio)-float64(g.PerCapita)/float64(res.Headline.PerCapita)) > 1e-9 {
			t.Fatalf("group %s: ratio %v, per capita %v / %v", g.Group, g.Ratio, g.PerCapita, res.Headline.PerCapita)
		}
	}
	got, err := json.MarshalIndent(withoutMetricsDraws(res), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "small.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./analysis -run Golden -update)", err)
	}
	if !bytes.Equal(append(got, '\n'), want) {
		t.Errorf("result differs from %s; if intended, rerun with -update:\n%s", golden, got)
	}
	// determinism: a second run gives the same bytes
	res2, _ := Analyze(smallInput(t))
	a1, _ := json.Marshal(res)
	a2, _ := json.Marshal(res2)
	if !bytes.Equal(a1, a2) {
		t.Fatal("two runs differ")
	}
	// the document renders
	if err := Document(res, DocOptions{Layer: grid()}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// checkEnsemble: the ensemble crosses every rule set with every measure,
// the range holds every variant and the base, and the verdict follows it.
func checkEnsemble(t *testing.T, r *Result) {
	t.Helper()
	c := r.Concentr
	if c == nil || len(c.Variants) != 3*2 {
		t.Fatalf("ensemble: %+v", c)
	}
	for _, v := range c.Variants {
		if v.Value < c.Range[0] || v.Value > c.Range[1] {
			t.Fatalf("variant %s = %v outside the range %v", v.Name, v.Value, c.Range)
		}
	}
	if c.Value < c.Range[0] || c.Value > c.Range[1] || c.Verdict != VerdictOf(c.Range[0], c.Range[1]) || r.Headline.Verdict != c.Verdict {
		t.Fatalf("value %v range %v verdict %q", c.Value, c.Range, c.Verdict)
	}
	if r.LISA == nil || r.LISA.Perms != 99 || !r.LISA.FDR {
		t.Fatalf("LISA: %+v", r.LISA)
	}
}

// withoutMetricsDraws blanks the values that depend on package metrics'
// random draws (permutation clusters), so that the golden file pins this
// package's arithmetic, not metrics' generator.
func withoutMetricsDraws(r *Result) *Result {
	c := *r
	c.Areas = append([]AreaRow{}, r.Areas...)
	for i := range c.Areas {
		c.Areas[i].LISA = ""
	}
	c.LISA = nil
	return &c
}

func TestAnalyzeErrors(t *testing.T) {
	in := smallInput(t)
	in.PhaseTotal++
	if _, err := Analyze(in); err == nil {
		t.Fatal("a phase total that the items do not sum to must fail")
	}
	// no need run: dollars and dollars per resident, no tiers, a note
	in = smallInput(t)
	in.Run = nil
	res, err := Analyze(in)
	if err != nil || res.Provenance.NeedRun != 0 || len(res.Notes) == 0 || !strings.Contains(strings.Join(res.Notes, " "), "no need-index run") {
		t.Fatalf("no run: %v %+v", err, res)
	}
	for _, a := range res.Areas {
		if a.NeedTier != 0 || a.PerCapita.Missing() {
			t.Fatalf("area without need: %+v", a)
		}
	}
	if res.City.Amount != res.Totals.Attributed || math.Abs(float64(res.City.PerCapita)-res.Totals.Attributed.Float()/res.City.Population) > 1e-9 {
		t.Fatalf("city row %+v, totals %+v", res.City, res.Totals)
	}
	// an area without population is refused, naming it
	in = smallInput(t)
	in.Layer.Areas[2].Population = 0
	in.Run = nil
	_, err = Analyze(in)
	var pe *PopulationError
	if budget.ErrorCode(err) != budget.EINVALID || !errors.As(err, &pe) || len(pe.Areas) != 1 || pe.Areas[0] != in.Layer.Areas[2].ID {
		t.Fatalf("population 0: %v", err)
	}
}

func TestAssignTiers(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name  string
		score []float64
		n     int
		want  []int
	}{
		{"quintiles of 10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
		{"order free", []float64{10, 1, 5}, 3, []int{3, 1, 2}},
		{"ties share the higher tier", []float64{1, 2, 2, 3}, 2, []int{1, 2, 2, 2}},
		{"missing scores get 0", []float64{nan, 1, 2}, 2, []int{0, 1, 2}},
		{"fewer areas than tiers", []float64{1, 2}, 5, []int{3, 5}},
		{"all tied", []float64{4, 4, 4}, 3, []int{3, 3, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AssignTiers(tc.score, tc.n)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestDollars(t *testing.T) {
	for _, tc := range []struct {
		c    int64
		want string
	}{{0, "0.00"}, {5, "0.05"}, {-5, "-0.05"}, {123456, "1234.56"}, {-100, "-1.00"}, {1199615640500, "11996156405.00"}} {
		b, _ := json.Marshal(Dollars(tc.c))
		if string(b) != tc.want {
			t.Errorf("%d: %s, want %s", tc.c, b, tc.want)
		}
		var d Dollars
		if err := json.Unmarshal(b, &d); err != nil || int64(d) != tc.c {
			t.Errorf("round trip %s: %d %v", b, d, err)
		}
	}
	var n Num
	if err := json.Unmarshal([]byte("null"), &n); err != nil || !n.Missing() {
		t.Fatal("null must read as missing")
	}
	if b, _ := json.Marshal(Num(math.NaN())); string(b) != "null" {
		t.Fatalf("NaN: %s", b)
	}
}

// TestFrameRealTracts places the CES 3.0 Los Angeles tracts in the 2025
// council districts by their points: every tract in the city lands in one
// district, and district populations sum to the tracts' population.
func TestFrameRealTracts(t *testing.T) {
	ces := fixture.Data(t, "la/need/ces3_results_all_ca_tracts.csv")
	cd, _, err := geo.ReadFile(fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), geo.ImportOptions{Layer: "council_districts", IDField: "District"})
	if err != nil {
		t.Fatal(err)
	}
	ix := geo.NewIndex(cd)
	county, err := TractPoints(ces, "tracts", "Los Angeles")
	if err != nil {
		t.Fatal(err)
	}
	if len(county.Areas) != 2343 {
		t.Fatalf("LA County tracts: %d, want 2343 (data README)", len(county.Areas))
	}
	city := Within(county, ix, "tracts")
	run := &need.Run{Layer: "tracts", TopTier: "top"}
	var pop float64
	for i, a := range city.Areas {
		tier := ""
		if i%4 == 0 {
			tier = "top"
		}
		run.Areas = append(run.Areas, need.AreaResult{ID: a.ID, Score: need.Num(i % 7), Population: need.Num(a.Population), Tier: tier})
		pop += a.Population
	}
	fr, err := BuildFrame(cd, ix, run, city, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	var got float64
	n := 0
	for i := range fr.Population {
		got += fr.Population[i]
		n += fr.SmallAreas[i]
	}
	if fr.Unplaced != 0 || n != len(city.Areas) || math.Abs(got-pop) > 1e-6 {
		t.Fatalf("placed %d of %d tracts, population %v vs %v, unplaced %d", n, len(city.Areas), got, pop, fr.Unplaced)
	}
	if len(city.Areas) < 900 || len(city.Areas) > 1200 || pop < 3.5e6 || pop > 4.2e6 {
		t.Fatalf("LA city: %d tracts, %v residents: implausible", len(city.Areas), pop)
	}
	t.Logf("LA city: %d CES 3.0 tracts, %.0f residents", len(city.Areas), pop)
	g, err := ReadGroupCounts(fixture.Data(t, "la/acs/acs2019_race_poverty_gini_all_ca_tracts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Total) < 8000 || g.Counts["Latino"]["6001400100"] != 118 {
		t.Fatalf("ACS groups: %d tracts, Latino in 6001400100 = %v", len(g.Total), g.Counts["Latino"]["6001400100"])
	}
}

// TestProjectsReal places the LADOT funded projects in the council districts
// by geometry: the megaprojects are listed apart, and the local projects'
// placed dollars never exceed their total.
func TestProjectsReal(t *testing.T) {
	ps, err := attribute.ReadProjects(fixture.Data(t, "la/projects/ladot_atd_projects_funded.csv"), fixture.Data(t, "la/projects/ladot_atd_projects_funded.geojson"), 0)
	if err != nil {
		t.Fatal(err)
	}
	cd, _, err := geo.ReadFile(fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), geo.ImportOptions{Layer: "council_districts", IDField: "District"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range cd.Areas {
		cd.Areas[i].Population = float64(1000 * (i + 1))
	}
	run := &need.Run{Layer: "council_districts", TopTier: "top"}
	for i, a := range cd.Areas {
		run.Areas = append(run.Areas, need.AreaResult{ID: a.ID, Score: need.Num(i), Population: need.NaN})
	}
	rules, err := laRules()
	if err != nil {
		t.Fatal(err)
	}
	in := &Input{FiscalYear: budget.FiscalYear{Start: 2021}, Phase: budget.Adopted, Items: []budget.LineItem{li("70", 100, 2)}, PhaseTotal: 100,
		Layer: cd, Run: run, Rules: rules, Projects: ps, ProjectsSource: "LADOT", Perms: -1}
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Projects
	if p == nil || len(p.Mega) != 4 || p.Count+len(p.Mega) != len(ps) {
		t.Fatalf("projects: %+v", p)
	}
	var sum Dollars
	for _, tr := range p.Tiers {
		sum += tr.Amount
	}
	if d := sum - p.Attributed; d < -Dollars(len(p.Tiers)) || d > Dollars(len(p.Tiers)) || p.Attributed > p.Total || p.Attributed <= 0 || p.ByMethod["geometry"] <= 0 {
		t.Fatalf("tiers sum %d, attributed %d of %d, by method %v", sum, p.Attributed, p.Total, p.ByMethod)
	}
	if p.Mega[0].Amount < p.Mega[1].Amount || p.MegaTotal < 100_000_000_00*4 {
		t.Fatalf("megaprojects: %+v", p.Mega)
	}
	t.Logf("%d local projects, $%s of $%s placed; %d megaprojects $%s", p.Count, FormatCents(int64(p.Attributed)), FormatCents(int64(p.Total)), len(p.Mega), FormatCents(int64(p.MegaTotal)))
}

// TestDocumentGolden renders the small case's report (without metrics'
// random draws) and compares the HTML with testdata/small-report.golden.html.
func TestDocumentGolden(t *testing.T) {
	res, err := Analyze(smallInput(t))
	if err != nil {
		t.Fatal(err)
	}
	doc := Document(withoutMetricsDraws(res), DocOptions{Jurisdiction: "Test city", Layer: grid(),
		Comparisons: Compare(res), Synthetic: []string{"nothing here is real"}, SyntheticDemand: true})
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := render.RenderHTML(&buf, doc); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "small-report.golden.html")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./analysis -run DocumentGolden -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("report HTML differs from %s; if intended, rerun with -update", golden)
	}
	for _, want := range []string{"Findings", "Test city", "Nothing here is real.", "Requests", "Departments", "class=\"verdict\""} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// FuzzDollars: any amount of cents survives JSON in dollars exactly.
func FuzzDollars(f *testing.F) {
	for _, c := range []int64{0, 1, -1, 99, -100, 123456789, math.MaxInt64 / 2} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c int64) {
		if c == math.MinInt64 {
			return
		}
		b, err := json.Marshal(Dollars(c))
		if err != nil {
			t.Fatal(err)
		}
		var d Dollars
		if err := json.Unmarshal(b, &d); err != nil || int64(d) != c {
			t.Fatalf("%d -> %s -> %d (%v)", c, b, d, err)
		}
	})
}

func TestLabels(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{specLabel("ces3", "3.0"), "CalEnviroScreen 3.0"},
		{specLabel("custom", ""), "custom"},
		{MethodLabel("per_capita"), "per resident"},
		{MethodLabel("not_attributable"), "not attributable"},
		{MethodLabel("new_method"), "new method"},
		{TierLabel(5, 5), "Tier 5 (highest need)"},
		{TierLabel(1, 5), "Tier 1 (lowest need)"},
		{TierLabel(0, 5), "no need score"},
		{TierLabel(3, 5), "Tier 3"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestAnalyzeNothingPlaced: when no dollar can be placed, every share is
// missing (null in JSON), nothing panics and the identity still holds.
func TestAnalyzeNothingPlaced(t *testing.T) {
	in := smallInput(t)
	in.Items = []budget.LineItem{li("B", 500, 2), li("Z", 7, 3)}
	in.PhaseTotal = 507
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Totals.Attributed != 0 || res.Totals.Unattributed != 507 || !res.Headline.TopTierSpendShare.Missing() || res.Concentr != nil {
		t.Fatalf("totals %+v headline %+v", res.Totals, res.Headline)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
	if err := Document(res, DocOptions{Layer: grid()}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// laRules returns the attribution rules of the Los Angeles city profile.
func laRules() (*attribute.Rules, error) {
	p, err := city.Builtin("la")
	if err != nil {
		return nil, err
	}
	return p.Rules(), nil
}
