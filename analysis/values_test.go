package analysis

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/paulmach/orb"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestPopulationTiers: tiers hold equal numbers of residents, not of
// units; a unit whose midpoint falls exactly on a boundary goes to the
// upper tier (floor), equal values share a tier, and units without a value
// or residents get tier 0.
func TestPopulationTiers(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name       string
		value, pop []float64
		n          int
		want       []int
	}{
		// midpoints 0.5, 2 and 3.5 of 4 residents: 2 x 2/4 = 1 exactly -> tier 2
		{"boundary goes up", []float64{1, 2, 3}, []float64{1, 2, 1}, 2, []int{1, 2, 2}},
		{"residents, not units", []float64{1, 2, 3, 4}, []float64{700, 100, 100, 100}, 2, []int{1, 2, 2, 2}},
		{"ties share a tier", []float64{5, 5, 1, 9}, []float64{1, 1, 1, 1}, 2, []int{2, 2, 1, 2}},
		{"no value, no residents", []float64{nan, 2, 3}, []float64{5, 0, 5}, 2, []int{0, 0, 2}},
		{"quintiles", []float64{1, 2, 3, 4, 5}, []float64{1, 1, 1, 1, 1}, 5, []int{1, 2, 3, 4, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PopulationTiers(tc.value, tc.pop, tc.n)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	// an area's mean exactly at a tier's highest value belongs to that tier
	if got := AreaTiers([]float64{10, 10.0000001, 30, 31, nan}, []float64{10, 20, 30}); got[0] != 1 || got[1] != 2 || got[2] != 3 || got[3] != 3 || got[4] != 0 {
		t.Fatalf("AreaTiers: %v", got)
	}
}

// TestHeadlineSharesOverPlacedDollars: the highest tier's share is of the
// placed operating dollars (not of the phase total), on the small case
// where tier 3 is area f alone: 25.59...% = f's dollars / all placed.
func TestHeadlineSharesOverPlacedDollars(t *testing.T) {
	res, err := Analyze(smallInput(t))
	if err != nil {
		t.Fatal(err)
	}
	var f AreaRow
	for _, a := range res.Areas {
		if a.AreaID == "f" {
			f = a
		}
	}
	if f.NeedTier != 3 {
		t.Fatalf("area f in tier %d, want 3 (600 of 2,100 residents, the highest scores)", f.NeedTier)
	}
	want := f.Amount.Float() / res.Totals.PlacedOperating.Float()
	if h := res.Headline; !near(float64(h.TopTierSpendShare), want) || !near(float64(h.TopTierPopShare), 600.0/2100) {
		t.Fatalf("top tier share %v (want %v of placed dollars; of the phase it would be %v), residents %v",
			h.TopTierSpendShare, want, f.Amount.Float()/res.Totals.PhaseTotal.Float(), h.TopTierPopShare)
	}
	// tier 1 is a, b and c (midpoints 50, 200 and 450 of 2,100 residents)
	var d float64
	for _, a := range res.Areas[:3] {
		d += a.Amount.Float()
	}
	if r := res.TierRows[0]; r.Tier != 1 || r.Population != 600 || !near(float64(r.PerCapita), d/600) {
		t.Fatalf("tier 1: %+v, want 600 residents and %v per resident", r, d/600)
	}
}

// twoLevels is a layer of two districts over the 3 x 2 grid, each with a
// population attribute that is NOT that of its tracts (999), and a need run
// over the grid's six tracts with their own populations 100..600.
func twoLevels(t *testing.T) *Input {
	in := smallInput(t)
	rect := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, 33.99}, {x1, 33.99}, {x1, 34.03}, {x0, 34.03}, {x0, 33.99}}}}
	}
	in.Small = in.Layer
	in.Layer = &geo.Layer{Name: "districts", Areas: []geo.Area{{ID: "west", Geom: rect(-118.31, -118.29), Population: 999}, {ID: "east", Geom: rect(-118.29, -118.26), Population: 999}}}
	in.Index, in.Units, in.Districts, in.Measures = nil, nil, nil, nil
	return in
}

// TestPerResidentFromNeedRun: with a need run over small areas, every
// per-resident figure divides by the residents of the run's small areas:
// the rows (west = a + d = 500 residents) and the tiers alike, never by
// the layer's own population attribute.
func TestPerResidentFromNeedRun(t *testing.T) {
	res, err := Analyze(twoLevels(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Provenance.PopSource != "need run areas" {
		t.Fatalf("population source %q", res.Provenance.PopSource)
	}
	west, east := res.Areas[0], res.Areas[1]
	if west.Population != 500 || east.Population != 1600 {
		t.Fatalf("district residents %v and %v, want 500 (a + d) and 1,600", west.Population, east.Population)
	}
	if !near(float64(west.PerCapita), west.Amount.Float()/500) || !near(float64(res.City.PerCapita), res.City.Amount.Float()/2100) {
		t.Fatalf("per resident %v, city %v", west.PerCapita, res.City.PerCapita)
	}
	// tier 3 is tract f (600 residents of the east district): it gets the
	// east district's dollars per resident
	top := res.TierRows[len(res.TierRows)-1]
	if top.Population != 600 || !near(float64(top.PerCapita), float64(east.PerCapita)) || !near(top.Amount.Float(), math.Round(east.Amount.Float()*600/1600*100)/100) {
		t.Fatalf("top tier %+v, east %+v", top, east)
	}
}

// TestOutsideResidents: residents of small areas outside every area keep
// their share of per-resident dollars out of the areas (not attributable,
// with the reason), so dollars per resident equal the city's on any layer.
func TestOutsideResidents(t *testing.T) {
	in := twoLevels(t)
	in.Layer.Areas = in.Layer.Areas[:1] // only the west district: tracts b, c, e, f outside
	in.Items = []budget.LineItem{li("A", 2100_00, 2)}
	in.PhaseTotal = 2100_00
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Layer.OutsideAreas != 4 || res.Layer.Outside != 1600 || res.Areas[0].Population != 500 {
		t.Fatalf("layer %+v", res.Layer)
	}
	if res.Areas[0].Amount != 500_00 || res.Totals.Unattributed != 1600_00 || float64(res.Areas[0].PerCapita) != 1 {
		t.Fatalf("west $%v per resident %v, unattributed %v", res.Areas[0].Amount, res.Areas[0].PerCapita, res.Totals.Unattributed)
	}
	found := false
	for k := range res.Totals.UnattributedReasons {
		found = found || strings.Contains(k, "1,600 residents living outside every area")
	}
	if !found {
		t.Fatalf("reasons %v", res.Totals.UnattributedReasons)
	}
}

// TestRequestsGrossAndNet: the requests' increases and cuts are reported
// gross, and a cut placed in the baseline's own mix contributes nothing.
func TestRequestsGrossAndNet(t *testing.T) {
	in := smallInput(t)
	cut := int64(-100_000_00)
	add := int64(30_000_00)
	in.Requests = []budget.Request{
		{Classification: budget.Classification{Department: budget.Code{Code: "A"}}, Description: "cut per resident", ProposedCents: &cut, Key: "r1", Line: 2},
		{Classification: budget.Classification{Department: budget.Code{Code: "A"}}, Description: "add per resident", ProposedCents: &add, Key: "r2", Line: 3},
	}
	in.Items = []budget.LineItem{li("A", 1_000_000_00, 2)} // the baseline is all per resident
	in.PhaseTotal = 1_000_000_00
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	q := res.Requests
	if q.Increases != 30_000_00 || q.Cuts != -100_000_00 || q.Change != -70_000_00 {
		t.Fatalf("gross %v %v net %v", q.Increases, q.Cuts, q.Change)
	}
	for _, r := range q.Rows {
		if math.Abs(float64(r.Contribution)) > 1e-7 { // cents rounding only
			t.Fatalf("request %s placed in the baseline's mix contributes %v", r.Description, r.Contribution)
		}
	}
	if math.Abs(float64(q.CutsTopShare)-600.0/2100) > 1e-6 || math.Abs(float64(q.IncreasesTopShare)-600.0/2100) > 1e-6 { // to the cent
		t.Fatalf("shares reaching the top tier: increases %v cuts %v", q.IncreasesTopShare, q.CutsTopShare)
	}
}

// TestEnsembleDriver: the choice whose options move the index most is the
// driver; each choice's range is taken with every other choice as in the
// profile.
func TestEnsembleDriver(t *testing.T) {
	res, err := Analyze(smallInput(t))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Concentr
	if c.Driver != "rule people" || c.Choices[0].Choice != "rule people" {
		t.Fatalf("driver %q, choices %+v", c.Driver, c.Choices)
	}
	var landArea float64
	for _, v := range c.Variants {
		if v.Rules == "people: land area" && v.Need == "test" {
			landArea = float64(v.Value)
		}
	}
	if !near(float64(c.Choices[0].Min), landArea) || !near(float64(c.Choices[0].Max), float64(c.Value)) {
		t.Fatalf("choice %+v, land-area variant %v, base %v", c.Choices[0], landArea, c.Value)
	}
	// with the land-area variant the $1,000,000.01 of department A follows
	// land (equal squares), so per resident falls with population
	if !(landArea < float64(c.Value)) {
		t.Fatalf("land-area variant %v not below the base %v", landArea, c.Value)
	}
}

// TestMeasuresRankings: a measure that ranks the areas the other way gives
// the index with the opposite sign (per resident is the same, the ranking
// reversed).
func TestMeasuresRankings(t *testing.T) {
	res, err := Analyze(smallInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NeedMeasures) != 2 || !near(float64(res.NeedMeasures[1].Concentration), -float64(res.NeedMeasures[0].Concentration)) ||
		!near(float64(res.NeedMeasures[1].Correlation), -1) {
		t.Fatalf("measures %+v", res.NeedMeasures)
	}
}

// TestNoNeedRun keeps the ensemble out and the verdict empty.
func TestNoNeedRunNoVerdict(t *testing.T) {
	in := smallInput(t)
	in.Run = nil
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Concentr != nil || res.Headline.Verdict != "" || res.Need != nil {
		t.Fatalf("without need: %+v %q", res.Concentr, res.Headline.Verdict)
	}
	_ = need.NaN
	_ = attribute.Operating
}

// TestEnsembleRangeHoldsEveryVariant: the range is exactly the least and
// the greatest value over every variant, the scenarios included (a rule set
// added whole, as a scenario restricted to some evidence would be); here a
// scenario that places department A by residents x need is the extreme of
// both ends, and it is the last rule set run.
func TestEnsembleRangeHoldsEveryVariant(t *testing.T) {
	in := smallInput(t)
	for i := range in.Layer.Areas {
		s := 10 * (i + 1) // the area's need score: per resident grows as its fourth power
		in.Layer.Areas[i].Attrs = map[string]string{"need_weight": strconv.Itoa(100 * (i + 1) * s * s * s * s)}
	}
	sc, err := attribute.ParseRules([]byte(`version: 1
name: toward-need
rules:
  - {name: people, match: {department: "A"}, method: per_asset, attribute: need_weight}
  - {name: land, match: {department: "C"}, method: per_asset, attribute: area_km2}
`), "scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in.Scenarios = []Scenario{{Name: "dollars follow need", Rules: sc}}
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Concentr
	lo, hi := math.Inf(1), math.Inf(-1)
	var last Variant
	for _, v := range c.Variants {
		lo, hi = math.Min(lo, float64(v.Value)), math.Max(hi, float64(v.Value))
		last = v
	}
	if float64(c.Range[0]) != lo || float64(c.Range[1]) != hi || len(c.Variants) != 4*2 {
		t.Fatalf("range %v, variants span [%v, %v] over %d", c.Range, lo, hi, len(c.Variants))
	}
	if last.Rules != "dollars follow need" || float64(last.Value) != lo {
		t.Fatalf("the scenario with the reversed measure should be the least: %+v, least %v", last, lo)
	}
	found := false
	for _, ch := range c.Choices {
		found = found || ch.Choice == "scenario dollars follow need"
	}
	if !found || res.Headline.ConcentrationMin != c.Range[0] {
		t.Fatalf("choices %+v", c.Choices)
	}
}
