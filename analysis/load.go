package analysis

import (
	"math"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/paulmach/orb"
)

// ACSGroups are the population groups read from the ACS 2015-19 race,
// ethnicity and poverty table (B17020 universe: people whose poverty status
// is determined): label -> column. Black and Asian are "alone" counts and
// include Hispanic or Latino residents; White is non-Hispanic White.
var ACSGroups = []struct{ Label, Column string }{
	{"Latino", "TotalLatine"},
	{"White (non-Hispanic)", "TotalWhiteNH"},
	{"Black", "TotalBlack"},
	{"Asian", "TotalAsian"},
	{"Residents in poverty", "Poverty"},
}

// ReadGroupCounts reads population-group counts per tract from the ACS
// table (acs2019_race_poverty_gini_all_ca_tracts.csv): the groups of
// ACSGroups and the universe total (column Total). Missing cells count 0.
func ReadGroupCounts(path string) (*GroupCounts, error) {
	t, err := need.ReadTable(path, need.ReadOptions{IDColumn: "Census Tract"})
	if err != nil {
		return nil, err
	}
	g := &GroupCounts{Source: path, Hash: t.Hash, Counts: map[string]map[string]float64{}, Total: map[string]float64{}}
	tot, err := t.Numbers("Total")
	if err != nil {
		return nil, err
	}
	for i, id := range t.Areas {
		if !math.IsNaN(tot[i]) {
			g.Total[trimID(id)] = tot[i]
		}
	}
	for _, c := range ACSGroups {
		v, err := t.Numbers(c.Column)
		if err != nil {
			return nil, err
		}
		m := map[string]float64{}
		for i, id := range t.Areas {
			if !math.IsNaN(v[i]) {
				m[trimID(id)] = v[i]
			}
		}
		g.Groups = append(g.Groups, c.Label)
		g.Counts[c.Label] = m
	}
	return g, nil
}

// TractPoints builds a point layer of the tracts of one county from a
// CalEnviroScreen results table: id "Census Tract", point (Longitude,
// Latitude), population "Total Population"; county matches the "California
// County" column (spaces trimmed, case-insensitive; "" for all). Rows without
// coordinates are skipped; a coordinate that is not a number is an error
// naming the line and column.
func TractPoints(path, name, county string) (*geo.Layer, error) {
	t, err := need.ReadTable(path, need.ReadOptions{IDColumn: "Census Tract"})
	if err != nil {
		return nil, err
	}
	return TractPointsTable(t, name, county)
}

// TractPointsTable is TractPoints on a table already read.
func TractPointsTable(t *need.Table, name, county string) (*geo.Layer, error) {
	path := t.File
	lon, err := t.Numbers("Longitude")
	if err != nil {
		return nil, err
	}
	lat, err := t.Numbers("Latitude")
	if err != nil {
		return nil, err
	}
	pop, err := t.Numbers("Total Population")
	if err != nil {
		return nil, err
	}
	var cty []string
	if county != "" {
		if cty, err = t.Text("California County"); err != nil {
			return nil, err
		}
	}
	l := &geo.Layer{Name: name, Source: path}
	for i, id := range t.Areas {
		if county != "" && !strings.EqualFold(strings.TrimSpace(cty[i]), county) {
			continue
		}
		if math.IsNaN(lon[i]) || math.IsNaN(lat[i]) {
			continue
		}
		if lon[i] < -180 || lon[i] > 180 || lat[i] < -90 || lat[i] > 90 {
			return nil, &budget.InputError{File: path, Line: t.Line(i), Field: "Longitude/Latitude", Value: "out of range", Expected: "WGS84 degrees"}
		}
		p := pop[i]
		if math.IsNaN(p) {
			p = 0
		}
		l.Areas = append(l.Areas, geo.Area{ID: strings.TrimSpace(id), Name: strings.TrimSpace(id), Point: orb.Point{lon[i], lat[i]}, Population: p})
	}
	if len(l.Areas) == 0 {
		return nil, budget.Errorf(budget.EINVALID, "%s: no tract with coordinates in county %q", path, county)
	}
	return l, nil
}

// Within keeps the areas of l whose representative point lies in some area
// of ix (e.g. the tracts of a city), in their order.
func Within(l *geo.Layer, ix *geo.Index, name string) *geo.Layer {
	out := &geo.Layer{Name: name, Source: l.Source}
	for i := range l.Areas {
		pt := geo.RepresentativePoint(&l.Areas[i])
		if _, ok := ix.Locate(pt[0], pt[1]); ok {
			out.Areas = append(out.Areas, l.Areas[i])
		}
	}
	return out
}
