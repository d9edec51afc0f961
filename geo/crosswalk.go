package geo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Weighting is how a crosswalk divides an area among the areas of another
// layer.
type Weighting int

const (
	// AreaWeighted: the share of the source area's ground area lying in
	// each target area (Index.Apportion).
	AreaWeighted Weighting = iota
	// PopulationWeighted: the share of the source area's population lying
	// in each target area, estimated from a finer population layer (areas
	// with population, located by their representative point) when one is
	// given, else from ground area (uniform density).
	PopulationWeighted
	// Centroid: the whole source area goes to the target area holding its
	// representative point (its own point for point-only areas, else its
	// centroid, or a point on its surface when the centroid falls outside).
	Centroid
)

// ParseWeighting reads area, population or centroid.
func ParseWeighting(s string) (Weighting, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "area", "":
		return AreaWeighted, nil
	case "population", "pop":
		return PopulationWeighted, nil
	case "centroid", "point":
		return Centroid, nil
	}
	return AreaWeighted, fmt.Errorf("weighting %q: expected area, population or centroid", s)
}

func (w Weighting) String() string {
	return [...]string{"area", "population", "centroid"}[w]
}

// CrosswalkRow says that Weight of area From lies in area To; Population
// is Weight times From's population.
type CrosswalkRow struct {
	From       string  `json:"from"`
	To         string  `json:"to"`
	Weight     float64 `json:"weight"`
	Population float64 `json:"population"`
}

// Crosswalk holds the weights from one layer to another. For each source
// area the weights sum to at most 1 (less when part of it is outside every
// target area); rows are in source-layer order, then target-layer order.
type Crosswalk struct {
	From, To  string
	Weighting Weighting
	Rows      []CrosswalkRow
}

// NewCrosswalk builds the crosswalk from layer from to layer to. pop is
// the optional finer population layer used by PopulationWeighted.
func NewCrosswalk(from, to *Layer, w Weighting, pop ...*Layer) *Crosswalk {
	cw := &Crosswalk{From: from.Name, To: to.Name, Weighting: w}
	ix := NewIndex(to)
	var popShares map[int][]Share
	if w == PopulationWeighted && len(pop) > 0 && pop[0] != nil {
		popShares = populationShares(from, ix, pop[0])
	}
	for i := range from.Areas {
		a := &from.Areas[i]
		var shares []Share
		switch {
		case w == Centroid || a.PointOnly():
			p := RepresentativePoint(a)
			if t, ok := ix.Locate(p[0], p[1]); ok {
				shares = []Share{{Area: t, Fraction: 1}}
			}
		case popShares != nil:
			shares = popShares[i]
		default:
			shares = ix.Apportion(a.Geom)
		}
		for _, s := range shares {
			cw.Rows = append(cw.Rows, CrosswalkRow{From: a.ID, To: to.Areas[s.Area].ID, Weight: s.Fraction, Population: s.Fraction * a.Population})
		}
	}
	return cw
}

// populationShares locates each population area's representative point in
// a source area and a target area and returns, per source area, the share
// of its located population in each target area.
func populationShares(from *Layer, to *Index, pop *Layer) map[int][]Share {
	fx := NewIndex(from)
	sums := map[int]map[int]float64{}
	totals := map[int]float64{}
	for i := range pop.Areas {
		p := RepresentativePoint(&pop.Areas[i])
		f, ok := fx.Locate(p[0], p[1])
		if !ok {
			continue
		}
		totals[f] += pop.Areas[i].Population
		if t, ok := to.Locate(p[0], p[1]); ok {
			if sums[f] == nil {
				sums[f] = map[int]float64{}
			}
			sums[f][t] += pop.Areas[i].Population
		}
	}
	out := map[int][]Share{}
	for f, m := range sums {
		out[f] = sharesOf(m, totals[f])
	}
	for f := range from.Areas {
		if _, ok := out[f]; !ok {
			out[f] = []Share{}
		}
	}
	return out
}

// WriteCSV writes from_id,to_id,weight,population.
func (cw *Crosswalk) WriteCSV(w io.Writer) error {
	c := csv.NewWriter(w)
	if err := c.Write([]string{"from_id", "to_id", "weight", "population"}); err != nil {
		return fmt.Errorf("geo: unable to write the crosswalk: %w", err)
	}
	for _, r := range cw.Rows {
		if err := c.Write([]string{r.From, r.To, strconv.FormatFloat(r.Weight, 'f', 9, 64), strconv.FormatFloat(r.Population, 'f', 3, 64)}); err != nil {
			return fmt.Errorf("geo: unable to write the crosswalk: %w", err)
		}
	}
	c.Flush()
	if err := c.Error(); err != nil {
		return fmt.Errorf("geo: unable to write the crosswalk: %w", err)
	}
	return nil
}

// RepresentativePoint returns a point standing for the area: its own point
// when point-only; else the area-weighted centroid when the area holds it;
// else the middle of the widest span of the largest polygon along the
// horizontal line through that polygon's vertical middle.
func RepresentativePoint(a *Area) orb.Point {
	if a.PointOnly() {
		return a.Point
	}
	var cx, cy, total float64
	for _, poly := range a.Geom {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				c := r[k][0]*r[k+1][1] - r[k+1][0]*r[k][1]
				total += c
				cx += (r[k][0] + r[k+1][0]) * c
				cy += (r[k][1] + r[k+1][1]) * c
			}
		}
	}
	edges := edgesOf(a.Geom)
	if total != 0 {
		p := orb.Point{cx / (3 * total), cy / (3 * total)}
		if crossingInside(edges, p[0], p[1]) {
			return p
		}
	}
	best, bestA := 0, -1.0
	for i, poly := range a.Geom {
		if ar := math.Abs(signedArea(poly[0])); ar > bestA {
			best, bestA = i, ar
		}
	}
	b := a.Geom[best].Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, e := range edgesOf(orb.MultiPolygon{a.Geom[best]}) {
		if e.ay <= y && y < e.by {
			xs = append(xs, e.ax+(y-e.ay)*(e.bx-e.ax)/(e.by-e.ay))
		}
	}
	sort.Float64s(xs)
	mid, width := b.Center(), -1.0
	for k := 0; k+1 < len(xs); k += 2 {
		if w := xs[k+1] - xs[k]; w > width {
			width = w
			mid = orb.Point{(xs[k] + xs[k+1]) / 2, y}
		}
	}
	return mid
}
