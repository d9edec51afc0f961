package placement

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

// twoSquares is a layer of two unit squares on the equator, A west of B,
// with 100 and 300 residents.
func twoSquares() *geo.Layer {
	sq := func(x float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}}
	}
	return &geo.Layer{Name: "wards", Areas: []geo.Area{
		{ID: "A", Name: "A", Geom: sq(0), Population: 100, Attrs: map[string]string{"miles": "3"}},
		{ID: "B", Name: "B", Geom: sq(1), Population: 300, Attrs: map[string]string{"miles": "1"}}}}
}

func proj(id string, cost []int64, place projects.Place) projects.Project {
	return projects.Project{ID: id, Name: id, Cost: cost, Place: place}
}

func geom(g orb.Geometry) projects.Place {
	return projects.Place{Kind: projects.PlaceGeometry, Geometry: g}
}

// TestPlaceHandWorked: each way of placing, worked by hand.
func TestPlaceHandWorked(t *testing.T) {
	l := twoSquares()
	plan := &projects.Plan{Name: "p", AreaLayer: "wards", Projects: []projects.Project{
		proj("line", []int64{101}, geom(orb.LineString{{0.5, 0.5}, {1.5, 0.5}})),                             // half in each: 51 (tie to A) + 50
		proj("poly", []int64{300}, geom(orb.Polygon{{{0.75, 0}, {1.5, 0}, {1.5, 1}, {0.75, 1}, {0.75, 0}}})), // 1/3 in A, 2/3 in B
		proj("pt", []int64{7}, geom(orb.Point{1.5, 0.5})),                                                    // B
		proj("far", []int64{9}, geom(orb.Point{5, 5})),                                                       // outside: unplaced
		proj("half-out", []int64{10}, geom(orb.LineString{{1.5, 0.5}, {2.5, 0.5}})),                          // half outside
		proj("codes", []int64{1000}, projects.Place{Kind: projects.PlaceAreas, Areas: []string{"B", "A"}}),   // by population: 250 + 750
		proj("one", []int64{5}, projects.Place{Kind: projects.PlaceAreas, Areas: []string{"A"}}),             // A
		proj("cw", []int64{40}, projects.Place{Kind: projects.PlaceCitywide}),                                // citywide
		proj("none", []int64{3}, projects.Place{Kind: projects.PlaceNone}),                                   // unplaced
		proj("mega", []int64{1_000_000}, projects.Place{Kind: projects.PlaceAreas, Areas: []string{"A"}}),    // apart
	}}
	pl, err := Place(plan, l, geo.NewIndex(l), Options{ApartCents: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		method                        Method
		cents                         []int64
		placed, city, unplaced, apart int64
	}{
		"line":     {MethodLength, []int64{51, 50}, 101, 0, 0, 0},
		"poly":     {MethodArea, []int64{100, 200}, 300, 0, 0, 0},
		"pt":       {MethodPoint, []int64{7}, 7, 0, 0, 0},
		"far":      {MethodUnplaced, nil, 0, 0, 9, 0},
		"half-out": {MethodLength, []int64{5}, 5, 0, 5, 0},
		"codes":    {MethodCodes, []int64{250, 750}, 1000, 0, 0, 0},
		"one":      {MethodCode, []int64{5}, 5, 0, 0, 0},
		"cw":       {MethodCitywide, nil, 0, 40, 0, 0},
		"none":     {MethodNone, nil, 0, 0, 3, 0},
		"mega":     {MethodApart, nil, 0, 0, 0, 1_000_000},
	}
	for _, p := range pl.Projects {
		w := want[p.ID]
		if p.Method != w.method || !reflect.DeepEqual(p.Cents, w.cents) || p.Placed != w.placed || p.Citywide != w.city || p.Unplaced != w.unplaced || p.Apart != w.apart {
			t.Errorf("%s: method %s cents %v placed %d citywide %d unplaced %d apart %d; want %+v", p.ID, p.Method, p.Cents, p.Placed, p.Citywide, p.Unplaced, p.Apart, w)
		}
	}
	if a, b := pl.AreaTotal(0), pl.AreaTotal(1); a != 51+100+250+5 || b != 50+200+7+5+750 {
		t.Errorf("areas %d, %d", a, b)
	}
	tt := pl.Totals
	if tt.Placed+tt.Citywide+tt.Unplaced+tt.Apart != tt.Total || tt.Total != plan.Total() || tt.Citywide != 40 || tt.Unplaced != 17 || tt.Apart != 1_000_000 {
		t.Errorf("totals %+v (plan %d)", tt, plan.Total())
	}
	// equal and attribute splits
	for _, c := range []struct {
		split Split
		want  []int64
	}{{Split{Rule: "equal"}, []int64{500, 500}}, {Split{Rule: "attribute", Attribute: "miles"}, []int64{750, 250}}} {
		pl, err := Place(plan, l, geo.NewIndex(l), Options{Split: c.split})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pl.Projects {
			if p.ID == "codes" && !reflect.DeepEqual(p.Cents, c.want) {
				t.Errorf("split %v: %v, want %v", c.split, p.Cents, c.want)
			}
		}
	}
	// a layer without boundaries places codes, never geometry
	table := &geo.Layer{Name: "wards", NoGeometry: true, Areas: []geo.Area{{ID: "A", Population: 100}, {ID: "B", Population: 300}}}
	pl, err = Place(plan, table, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pl.Projects {
		if p.ID == "line" && (p.Method != MethodUnplaced || p.Unplaced != 101) || p.ID == "codes" && !reflect.DeepEqual(p.Cents, []int64{250, 750}) {
			t.Errorf("table layer: %s %s %v", p.ID, p.Method, p.Cents)
		}
	}
	// codes of another layer are not placed, and say why
	other := *plan
	other.AreaLayer = "districts"
	pl, _ = Place(&other, l, geo.NewIndex(l), Options{})
	if p := pl.Projects[5]; p.Method != MethodUnplaced || p.Reason == "" {
		t.Errorf("codes of another layer: %+v", p)
	}
}

// TestSplitYears: on random buckets and years, every bucket's row and
// every year's column add up exactly, nothing is negative, and a bucket
// gets a year's cents in proportion within one cent of its exact share.
func TestSplitYears(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 2000; k++ {
		ny, nb := 1+r.IntN(5), 1+r.IntN(6)
		cost := make([]int64, ny)
		var total int64
		for y := range cost {
			if r.IntN(4) > 0 {
				cost[y] = r.Int64N(1e12)
			}
			total += cost[y]
		}
		buckets := make([]int64, nb)
		left := total
		for i := 0; i < nb-1; i++ {
			buckets[i] = r.Int64N(left + 1)
			left -= buckets[i]
		}
		buckets[nb-1] = left
		out := SplitYears(cost, buckets)
		col := make([]int64, ny)
		for i, row := range out {
			var s int64
			for y, c := range row {
				if c < 0 {
					t.Fatalf("negative cents: %v", out)
				}
				s += c
				col[y] += c
			}
			if s != buckets[i] {
				t.Fatalf("bucket %d: %d, want %d (cost %v buckets %v: %v)", i, s, buckets[i], cost, buckets, out)
			}
		}
		if !reflect.DeepEqual(col, cost) {
			t.Fatalf("years %v, want %v", col, cost)
		}
		if total > 0 {
			exact := float64(buckets[0]) * float64(cost[0]) / float64(total)
			if math.Abs(float64(out[0][0])-exact) > 1+1e-6*exact {
				t.Fatalf("first year of bucket 0: %d, exact share %v", out[0][0], exact)
			}
		}
	}
}

// TestAnalyzeAndModel: tiers, shares and the concentration index of a
// hand-made frame; the optimiser's model counts high-need cents exactly as
// the placement does.
func TestAnalyzeAndModel(t *testing.T) {
	l := twoSquares()
	plan := &projects.Plan{Name: "p", AreaLayer: "wards", Years: []string{"Y1", "Y2"}, Columns: []string{"Score"}, Projects: []projects.Project{
		{ID: "a", Cost: []int64{300, 100}, Attrs: map[string]string{"Score": "2"}, Place: projects.Place{Kind: projects.PlaceAreas, Areas: []string{"A"}}},
		{ID: "b", Cost: []int64{0, 100}, Attrs: map[string]string{"Score": "$1,000"}, Place: projects.Place{Kind: projects.PlaceAreas, Areas: []string{"A", "B"}}},
		{ID: "c", Cost: []int64{50, 50}, Attrs: map[string]string{"Score": "1.5"}, Place: projects.Place{Kind: projects.PlaceCitywide}},
	}}
	fr := &Frame{Layer: l, Population: []float64{100, 300}, Need: &Need{Label: "test", Score: []float64{2, 1}, Tier: []int{2, 1}, Tiers: 2}}
	pl, err := Place(plan, l, geo.NewIndex(l), Options{Population: fr.Population})
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(pl, fr, nil)
	// A: 400 + 25; B: 75
	if a.Areas[0].Dollars != 425 || a.Areas[1].Dollars != 75 || a.NeedTiers[1].Dollars != 425 {
		t.Fatalf("areas %+v tiers %+v", a.Areas, a.NeedTiers)
	}
	if float64(a.TopTier.DollarShare) != 425.0/500 || float64(a.TopTier.PopulationShare) != 0.25 {
		t.Fatalf("top tier %+v", a.TopTier)
	}
	// two areas, y = per resident (4.25, 0.25), ranked with A needier:
	// C = 2 cov_w(y, r)/mu with r the midpoint ranks (B: 3/8, A: 7/8)
	mu := (0.25*4.25 + 0.75*0.25)
	want := 2 * (0.25*4.25*(7.0/8-0.5) + 0.75*0.25*(3.0/8-0.5)) / mu
	if math.Abs(float64(a.Concentration.Index)-want) > 1e-12 {
		t.Fatalf("concentration %v, want %v", a.Concentration.Index, want)
	}
	var yearSum int64
	for _, y := range a.ByYear {
		yearSum += int64(y.Placed)
	}
	if yearSum != int64(a.Totals.Placed) {
		t.Fatalf("years add to %d, placed %d", yearSum, a.Totals.Placed)
	}
	m, err := ModelOf(plan, pl, fr, ModelOptions{Benefit: "Score", Budgets: []capital.Budget{{Year: "Y2", Cents: 200}}, MinHighNeedShare: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if m.Projects[1].Benefit != 1000 || m.Projects[2].Benefit != 1.5 {
		t.Fatalf("benefits %v %v", m.Projects[1].Benefit, m.Projects[2].Benefit)
	}
	fig, _, err := capital.Check(m, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	// high-need cents: a 400 (all in A), b 25 (A's share), c round(0.25 x 100)
	if fig.HighNeed != 400+25+25 {
		t.Fatalf("high-need cents %d, want 450", fig.HighNeed)
	}
	sel := map[string]bool{"a": true, "b": true, "c": true}
	eq := EquityOf(pl, fr, sel, fig.HighNeed, fig.Cost)
	if eq.TopTierCents != 425 || eq.CitywideCents != 100 || eq.PlacedCents != 500 || !eq.Valid || math.Abs(eq.Concentration-want) > 1e-12 {
		t.Fatalf("equity %+v", eq)
	}
	if _, err := ModelOf(plan, pl, fr, ModelOptions{Benefit: "Nope"}); err == nil {
		t.Fatal("an unknown benefit column was accepted")
	}
	bad := *plan
	bad.Projects = append([]projects.Project{}, plan.Projects...)
	bad.Projects[0].Attrs = map[string]string{"Score": "lots"}
	if _, err := ModelOf(&bad, pl, fr, ModelOptions{Benefit: "Score"}); err == nil {
		t.Fatal("a benefit that is no number was accepted")
	}
}
