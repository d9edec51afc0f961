package need

import (
	"math"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

func square(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// TestCrosswalkFromLayers: tract "a" lies in district D1; tract "b" is
// split 1/4 : 3/4 between D1 and D2; the aggregate follows.
func TestCrosswalkFromLayers(t *testing.T) {
	small := &geo.Layer{Name: "tracts", Areas: []geo.Area{
		{ID: "a", Geom: square(0, 0, 0.01, 0.01)},
		{ID: "b", Geom: square(0.01, 0, 0.02, 0.01)},
	}}
	large := &geo.Layer{Name: "districts", Areas: []geo.Area{
		{ID: "D1", Geom: square(0, 0, 0.0125, 0.01)},
		{ID: "D2", Geom: square(0.0125, 0, 0.03, 0.01)},
	}}
	cw := CrosswalkFromLayers(small, large)
	if len(cw["a"]) != 1 || cw["a"][0].Target != "D1" || math.Abs(cw["a"][0].Fraction-1) > 1e-9 {
		t.Fatalf("a: %+v", cw["a"])
	}
	if len(cw["b"]) != 2 || math.Abs(cw["b"][0].Fraction-0.25) > 1e-6 || math.Abs(cw["b"][1].Fraction-0.75) > 1e-6 {
		t.Fatalf("b: %+v", cw["b"])
	}
	r := &Run{Areas: []AreaResult{{ID: "a", Population: 100, Score: 10, Tier: "high"}, {ID: "b", Population: 400, Score: 20, Tier: "low"}}}
	agg, _ := AggregateRun(r, cw)
	// D1: 100 x 10 + 100 x 20 over 200 = 15
	if agg[0].ID != "D1" || math.Abs(agg[0].Score-15) > 1e-6 || math.Abs(agg[1].Population-300) > 1e-6 {
		t.Fatalf("%+v", agg)
	}
}
