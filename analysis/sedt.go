package analysis

// This file reproduces the Urban Institute's Spatial Equity Data Tool (SEDT)
// for point resources against census tracts: geographic disparity (each
// tract's share of the resource against its share of each population group)
// and demographic disparity (the average resident's exposure to the resource
// for each group against the city-wide share of that group).

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// SEDTResource is one point resource (a bike-share station, a library) with
// its weight (capacity, budget); a weight of 1 counts points.
type SEDTResource struct {
	ID       string
	Lon, Lat float64
	Weight   float64
}

// SEDTTract is one tract of the city: its polygon and, for each population
// group g, PropGroup[g] = the tract's share of the city's population of g
// (group "pop" is the total population). Pct holds, where known, the share in
// percent of the tract's baseline population that belongs to each group, for
// the demographic disparity.
type SEDTTract struct {
	GEOID     string
	Geom      orb.MultiPolygon
	PropGroup map[string]float64
	Pct       map[string]float64
}

// SEDTTractResult is the geographic disparity of one tract.
type SEDTTractResult struct {
	GEOID string
	// WeightedCount is the sum of the weights of the resources located in the tract.
	WeightedCount float64
	// DataProp = WeightedCount / sum of WeightedCount over all tracts.
	DataProp float64
	// Diff[g] = DataProp - PropGroup[g]: positive when the tract holds more of the
	// resource than its share of group g.
	Diff map[string]float64
	// Published[g] is the difference as SEDT publishes it:
	// round(data_prop, 3) - round(prop_g, 3) (see PublishedDiff).
	Published map[string]float64
}

// SEDTGeographic is the result of GeographicDisparity.
type SEDTGeographic struct {
	Tracts []SEDTTractResult
	// Located is the number of resources that fell in a tract; Outside the
	// number that fell in none (they are left out of every share, as SEDT does
	// for resources outside the chosen geography).
	Located, Outside int
	// TotalWeight is the weight of the located resources (the denominator of DataProp).
	TotalWeight float64
}

// LocateInTracts returns, for each resource, the position of the first tract
// (in the given order) whose polygon contains the resource's point, or -1. A
// point on a shared boundary belongs to the first tract listed that contains
// it, so no point is ever counted twice. A bounding-box test prunes the
// polygon tests.
func LocateInTracts(tracts []SEDTTract, res []SEDTResource) []int {
	boxes := make([]orb.Bound, len(tracts))
	for i, t := range tracts {
		boxes[i] = t.Geom.Bound()
	}
	out := make([]int, len(res))
	for j, r := range res {
		out[j] = -1
		p := orb.Point{r.Lon, r.Lat}
		for i, t := range tracts {
			if boxes[i].Contains(p) && planar.MultiPolygonContains(t.Geom, p) {
				out[j] = i
				break
			}
		}
	}
	return out
}

// GeographicDisparity joins the resources to the tracts (LocateInTracts) and
// computes, for every tract, the weighted count, its share of the total
// (data_prop) and, for every group present in the tracts' PropGroup,
// diff_g = data_prop - prop_g. Shares are not rounded (SEDT publishes the
// differences rounded to three decimals). Resources with a negative or
// non-finite weight are an error.
func GeographicDisparity(tracts []SEDTTract, res []SEDTResource) (*SEDTGeographic, error) {
	for _, r := range res {
		if r.Weight < 0 || math.IsNaN(r.Weight) || math.IsInf(r.Weight, 0) {
			return nil, fmt.Errorf("sedt: resource %q has weight %v; weights must be finite and not negative", r.ID, r.Weight)
		}
	}
	where := LocateInTracts(tracts, res)
	g := &SEDTGeographic{Tracts: make([]SEDTTractResult, len(tracts))}
	for i, t := range tracts {
		g.Tracts[i] = SEDTTractResult{GEOID: t.GEOID, Diff: map[string]float64{}, Published: map[string]float64{}}
	}
	for j, i := range where {
		if i < 0 {
			g.Outside++
			continue
		}
		g.Located++
		g.Tracts[i].WeightedCount += res[j].Weight
	}
	for _, t := range g.Tracts {
		g.TotalWeight += t.WeightedCount
	}
	for i := range g.Tracts {
		if g.TotalWeight > 0 {
			g.Tracts[i].DataProp = g.Tracts[i].WeightedCount / g.TotalWeight
		}
		for grp, p := range tracts[i].PropGroup {
			g.Tracts[i].Diff[grp] = g.Tracts[i].DataProp - p
			g.Tracts[i].Published[grp] = PublishedDiff(g.Tracts[i].DataProp, p)
		}
	}
	return g, nil
}

// PublishedDiff returns a difference of shares the way the SEDT publishes
// it: each share rounded to three decimals (half away from zero) before the
// subtraction, so the published figure can differ from the exact difference
// by up to 0.001. Checked against all 812 differences of the Minneapolis
// example, which it reproduces exactly.
func PublishedDiff(dataProp, prop float64) float64 {
	return sedtRound3(dataProp) - sedtRound3(prop)
}

func sedtRound3(x float64) float64 { return math.Round(x*1000) / 1000 }

// SEDTDemographic is the demographic disparity of one group.
type SEDTDemographic struct {
	Group string
	// DataValue = sum over tracts of data_prop x pct_group (percent): the
	// share of group g among the residents "reached" by the resource, when each
	// tract's residents are weighted by the tract's share of the resource.
	DataValue float64
	// CityValue is the city-wide share of the group (percent).
	CityValue float64
	// Diff = DataValue - CityValue.
	Diff float64
}

// DemographicDisparity computes, for every group that has a Pct in the
// tracts, DataValue = sum_i data_prop_i x pct_i (tracts without a Pct for the
// group contribute nothing) and compares it with cityPct[group]. Groups are
// returned sorted by name.
func DemographicDisparity(tracts []SEDTTract, geo *SEDTGeographic, cityPct map[string]float64) []SEDTDemographic {
	groups := map[string]bool{}
	for _, t := range tracts {
		for g := range t.Pct {
			groups[g] = true
		}
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	out := make([]SEDTDemographic, 0, len(names))
	for _, g := range names {
		var v float64
		for i, t := range tracts {
			if pct, ok := t.Pct[g]; ok {
				v += geo.Tracts[i].DataProp * pct
			}
		}
		out = append(out, SEDTDemographic{Group: g, DataValue: v, CityValue: cityPct[g], Diff: v - cityPct[g]})
	}
	return out
}
