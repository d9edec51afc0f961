// Package placement says where a capital plan's dollars went: it places
// every project's cost in the areas of a layer (a point in the area holding
// it, a line by its length in each area, a polygon by its area, a project
// coded with several areas by their population unless told otherwise),
// keeps citywide projects, projects with no known place and regional
// megaprojects apart, and accounts for every cent: per year, placed +
// citywide + unplaced + apart = the plan's cost. It then sets the placed
// dollars against need (Analyze): per area and year, per resident, the
// highest-need tier's share of dollars against its share of residents, and
// the concentration index by need with its range over need measures and
// placement rules.
//
// The package is pure computation on a plan (capital/projects) and a layer
// (geo): the caller loads them and the need measures.
package placement

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/geo"
)

// Method says how a project's dollars were placed.
type Method string

// Methods.
const (
	MethodPoint    Method = "point"       // the area holding the point
	MethodPoints   Method = "points"      // a multipoint: each point 1/n
	MethodLength   Method = "length"      // a line: by its length in each area
	MethodArea     Method = "area"        // a polygon: by its area in each area
	MethodCode     Method = "code"        // one area code
	MethodCodes    Method = "codes"       // several area codes, divided by the split rule
	MethodCitywide Method = "citywide"    // serves the whole city: not placed in any area
	MethodNone     Method = "no_place"    // the list gives no place
	MethodUnplaced Method = "unplaceable" // a place that cannot be placed in this layer (Reason says why)
	MethodApart    Method = "apart"       // a regional megaproject, reported apart
)

// Split says how a project coded with several areas is divided among them.
type Split struct {
	// Rule is "population" (default), "equal" or "attribute".
	Rule string `json:"rule"`
	// Attribute is the layer attribute whose values weight the areas
	// (Rule "attribute"), such as street miles.
	Attribute string `json:"attribute,omitempty"`
}

// ParseSplit reads "population", "equal" or "attribute:NAME".
func ParseSplit(s string) (Split, error) {
	switch rule, attr, _ := strings.Cut(strings.TrimSpace(s), ":"); rule {
	case "", "population":
		return Split{Rule: "population"}, nil
	case "equal":
		return Split{Rule: "equal"}, nil
	case "attribute":
		if attr != "" {
			return Split{Rule: "attribute", Attribute: attr}, nil
		}
	}
	return Split{}, budget.Errorf(budget.EINVALID, "split rule %q: use population, equal or attribute:NAME (a numeric attribute of the layer's areas)", s)
}

func (s Split) String() string {
	if s.Rule == "attribute" {
		return "attribute:" + s.Attribute
	}
	if s.Rule == "" {
		return "population"
	}
	return s.Rule
}

// Options say how to place a plan.
type Options struct {
	Split Split
	// ApartCents: projects costing at least this much (all years) are
	// reported apart, not placed, so that a few regional megaprojects do
	// not swamp every per-resident figure. 0: none.
	ApartCents int64
	// Population of each area (by layer position) for the population
	// split; nil: the layer's own. Analyses pass the population they use
	// (a layer without populations takes its census tracts').
	Population []float64
}

// Project is one project's placement.
type Project struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Category string `json:"category,omitempty"`
	Method   Method `json:"method"`
	// Reason says why dollars are unplaced (method unplaceable, or the part
	// of a geometry outside every area).
	Reason string `json:"reason,omitempty"`
	// Shares are the fractions of the project in each area (by position in
	// the layer), summing to at most 1.
	Shares []geo.Share `json:"-"`
	Total  int64       `json:"total_cents"`
	// Cents placed in each area (parallel to Shares), and per year.
	Cents     []int64   `json:"-"`
	YearCents [][]int64 `json:"-"`
	// Placed + Citywide + Unplaced + Apart = Total; Year* split each by year.
	Placed, Citywide, Unplaced, Apart int64
	YearUnplaced                      []int64 `json:"-"`
}

// Totals account for every cent of a plan.
type Totals struct {
	Total    int64 `json:"total_cents"`
	Placed   int64 `json:"placed_cents"`
	Citywide int64 `json:"citywide_cents"`
	Unplaced int64 `json:"unplaced_cents"`
	Apart    int64 `json:"apart_cents"`
	// ByMethod sums each method's placed cents (and citywide, unplaced and
	// apart under their methods).
	ByMethod map[Method]int64 `json:"by_method_cents"`
}

func (t *Totals) add(o Totals) {
	t.Total += o.Total
	t.Placed += o.Placed
	t.Citywide += o.Citywide
	t.Unplaced += o.Unplaced
	t.Apart += o.Apart
	for m, c := range o.ByMethod {
		t.ByMethod[m] += c
	}
}

// Placement is a plan placed in a layer.
type Placement struct {
	Plan  string   `json:"plan"`
	Layer string   `json:"layer"`
	Years []string `json:"years"` // the plan's years; one "all" when it has none
	Split Split    `json:"split"`
	// Areas[k][y] is the cents placed in area k (layer position) in year y.
	Areas    [][]int64 `json:"-"`
	Projects []Project `json:"projects"`
	Totals   Totals    `json:"totals"`
	// YearTotals are the totals of each year.
	YearTotals []Totals `json:"year_totals"`
}

// AllYears is the year label of a plan whose projects have one total cost.
const AllYears = "all"

// AreaTotal is the cents placed in area k over every year.
func (p *Placement) AreaTotal(k int) int64 {
	var s int64
	for _, c := range p.Areas[k] {
		s += c
	}
	return s
}

// Place places every project of plan in the areas of layer; ix is the
// layer's index (nil for a layer without boundaries: geometries then
// cannot be placed and count as unplaced, with the reason).
//
// A project's fractions become cents of its total cost by
// capital.Placement (largest remainders), exactly as the optimiser counts
// them; the part outside every area is unplaced. Each year's cents are
// then divided among the areas in proportion to what each area has left to
// receive (largest remainders again), so that every year and every area
// adds up exactly.
func Place(plan *projects.Plan, layer *geo.Layer, ix *geo.Index, opt Options) (*Placement, error) {
	if opt.Split.Rule == "" {
		opt.Split.Rule = "population"
	}
	years := plan.Years
	if len(years) == 0 {
		years = []string{AllYears}
	}
	pl := &Placement{Plan: plan.Name, Layer: layer.Name, Years: years, Split: opt.Split, Areas: make([][]int64, len(layer.Areas))}
	for k := range pl.Areas {
		pl.Areas[k] = make([]int64, len(years))
	}
	pl.Totals.ByMethod = map[Method]int64{}
	pl.YearTotals = make([]Totals, len(years))
	for y := range pl.YearTotals {
		pl.YearTotals[y].ByMethod = map[Method]int64{}
	}
	w, err := splitWeights(layer, opt)
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for k, a := range layer.Areas {
		pos[a.ID] = k
	}
	for i := range plan.Projects {
		pp := placeOne(&plan.Projects[i], plan, layer, ix, w, pos, opt)
		pl.record(pp, plan.Projects[i].Cost)
	}
	return pl, nil
}

// splitWeights returns each area's weight under the split rule.
func splitWeights(layer *geo.Layer, opt Options) ([]float64, error) {
	s := opt.Split
	w := make([]float64, len(layer.Areas))
	if s.Rule == "population" && opt.Population != nil {
		if len(opt.Population) != len(layer.Areas) {
			return nil, budget.Errorf(budget.EINTERNAL, "placement: %d populations for the %d areas of layer %s", len(opt.Population), len(layer.Areas), layer.Name)
		}
		copy(w, opt.Population)
		return w, nil
	}
	for k := range layer.Areas {
		a := &layer.Areas[k]
		switch s.Rule {
		case "population":
			w[k] = a.Population
		case "equal":
			w[k] = 1
		case "attribute":
			v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(a.Attrs[s.Attribute]), ",", ""), 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, budget.Errorf(budget.EINVALID, "split by attribute %q: area %s of layer %s has %q; every area needs a number of 0 or more (the layer's attributes: %s)",
					s.Attribute, a.ID, layer.Name, a.Attrs[s.Attribute], attrNames(a))
			}
			w[k] = v
		default:
			return nil, budget.Errorf(budget.EINVALID, "split rule %q: use population, equal or attribute:NAME", s.Rule)
		}
	}
	return w, nil
}

func attrNames(a *geo.Area) string {
	var n []string
	for k := range a.Attrs {
		n = append(n, k)
	}
	sort.Strings(n)
	if len(n) == 0 {
		return "none"
	}
	return strings.Join(n, ", ")
}

// placeOne finds a project's method and shares.
func placeOne(p *projects.Project, plan *projects.Plan, layer *geo.Layer, ix *geo.Index, w []float64, pos map[string]int, opt Options) Project {
	out := Project{ID: p.ID, Name: p.Name, Category: p.Category, Total: p.Total()}
	switch {
	case opt.ApartCents > 0 && out.Total >= opt.ApartCents:
		out.Method, out.Reason = MethodApart, "costs at least "+money(opt.ApartCents)+": reported apart, not placed"
	case p.Place.Kind == projects.PlaceCitywide:
		out.Method = MethodCitywide
	case p.Place.Kind == projects.PlaceGeometry:
		geometryShares(&out, p, layer, ix)
	case p.Place.Kind == projects.PlaceAreas:
		codeShares(&out, p, plan, layer, w, pos)
	default:
		out.Method, out.Reason = MethodNone, "the list gives no place"
	}
	return out
}

func geometryShares(out *Project, p *projects.Project, layer *geo.Layer, ix *geo.Index) {
	if ix == nil || !hasBoundaries(layer) {
		out.Method, out.Reason = MethodUnplaced, "layer "+layer.Name+" has no boundaries: a geometry cannot be placed in it"
		return
	}
	out.Method = geometryMethod(p.Place.Geometry)
	out.Shares = ix.Apportion(p.Place.Geometry)
	if len(out.Shares) == 0 {
		out.Method, out.Reason = MethodUnplaced, "the geometry lies outside every area of layer "+layer.Name
	}
}

// hasBoundaries reports whether some area of the layer has a shape.
func hasBoundaries(l *geo.Layer) bool {
	for i := range l.Areas {
		if !l.Areas[i].PointOnly() {
			return true
		}
	}
	return false
}

func geometryMethod(g interface{ GeoJSONType() string }) Method {
	switch g.GeoJSONType() {
	case "Point":
		return MethodPoint
	case "MultiPoint":
		return MethodPoints
	case "LineString", "MultiLineString":
		return MethodLength
	}
	return MethodArea
}

func codeShares(out *Project, p *projects.Project, plan *projects.Plan, layer *geo.Layer, w []float64, pos map[string]int) {
	if plan.AreaLayer != layer.Name {
		out.Method, out.Reason = MethodUnplaced, fmt.Sprintf("coded with areas of layer %s: analyse by that layer to place it", plan.AreaLayer)
		return
	}
	var ks []int
	for _, id := range p.Place.Areas {
		k, ok := pos[id]
		if !ok {
			out.Method, out.Reason = MethodUnplaced, fmt.Sprintf("area %s is no longer in layer %s (it was re-imported): import the plan again", id, layer.Name)
			return
		}
		ks = append(ks, k)
	}
	out.Method = MethodCode
	if len(ks) == 1 {
		out.Shares = []geo.Share{{Area: ks[0], Fraction: 1}}
		return
	}
	out.Method = MethodCodes
	sum := 0.0
	for _, k := range ks {
		sum += w[k]
	}
	if !(sum > 0) {
		out.Method, out.Reason = MethodUnplaced, "its areas "+strings.Join(p.Place.Areas, ", ")+" all weigh 0 under the split rule (no population): give the layer populations or split equally"
		return
	}
	sort.Ints(ks)
	for _, k := range ks {
		out.Shares = append(out.Shares, geo.Share{Area: k, Fraction: w[k] / sum})
	}
}

// record turns a project's shares into cents and adds them up.
func (pl *Placement) record(pp Project, cost []int64) {
	ny := len(pl.Years)
	tot := Totals{Total: pp.Total, ByMethod: map[Method]int64{}}
	yc := func() []int64 { return make([]int64, ny) }
	switch pp.Method {
	case MethodCitywide:
		pp.Citywide, tot.Citywide = pp.Total, pp.Total
	case MethodApart:
		pp.Apart, tot.Apart = pp.Total, pp.Total
	case MethodNone, MethodUnplaced:
		pp.Unplaced, tot.Unplaced = pp.Total, pp.Total
	default:
		shares := make([]capital.Share, len(pp.Shares))
		for k, s := range pp.Shares {
			shares[k] = capital.Share{Area: strconv.Itoa(s.Area), Fraction: s.Fraction}
		}
		pp.Cents = capital.Placement(pp.Total, shares)
		for _, c := range pp.Cents {
			pp.Placed += c
		}
		pp.Unplaced = pp.Total - pp.Placed
		if pp.Unplaced > 0 {
			pp.Reason = "part of the geometry lies outside every area of layer " + pl.Layer
		}
		tot.Placed, tot.Unplaced = pp.Placed, pp.Unplaced
		// every area's cents and the unplaced rest, divided among the years
		buckets := append(append([]int64{}, pp.Cents...), pp.Unplaced)
		split := SplitYears(cost, buckets)
		pp.YearCents = split[:len(pp.Cents)]
		pp.YearUnplaced = split[len(pp.Cents)]
		for k, s := range pp.Shares {
			for y := 0; y < ny; y++ {
				pl.Areas[s.Area][y] += pp.YearCents[k][y]
			}
		}
	}
	tot.ByMethod[pp.Method] = pp.Total
	pl.Totals.add(tot)
	for y := 0; y < ny; y++ {
		t := Totals{Total: cost[y], ByMethod: map[Method]int64{}}
		switch pp.Method {
		case MethodCitywide:
			t.Citywide = cost[y]
		case MethodApart:
			t.Apart = cost[y]
		case MethodNone, MethodUnplaced:
			t.Unplaced = cost[y]
		default:
			t.Unplaced = pp.YearUnplaced[y]
			t.Placed = cost[y] - t.Unplaced
		}
		t.ByMethod[pp.Method] = cost[y]
		pl.YearTotals[y].add(t)
	}
	if pp.YearUnplaced == nil {
		pp.YearUnplaced = yc()
		if pp.Unplaced > 0 {
			copy(pp.YearUnplaced, cost)
		}
	}
	pl.Projects = append(pl.Projects, pp)
}

// SplitYears divides buckets (cents that sum to the sum of cost) among the
// years: out[k][y] >= 0, each bucket's row sums to buckets[k] and each year's
// column to cost[y], exactly. Year by year, cost[y] is divided among the
// buckets in proportion to what each has left to receive, floor first and
// the cents left to the largest remainders (ties to the earlier bucket);
// the last year takes what is left.
func SplitYears(cost []int64, buckets []int64) [][]int64 {
	out := make([][]int64, len(buckets))
	left := append([]int64{}, buckets...)
	var remaining int64
	for _, c := range cost {
		remaining += c
	}
	for k := range out {
		out[k] = make([]int64, len(cost))
	}
	type rem struct {
		k int
		r uint64
	}
	for y, c := range cost {
		if y == len(cost)-1 || remaining == 0 {
			for k := range out {
				out[k][y] = left[k]
				left[k] = 0
			}
			remaining -= c
			continue
		}
		var given int64
		rems := make([]rem, 0, len(left))
		for k, l := range left {
			hi, lo := bits.Mul64(uint64(l), uint64(c))
			q, r := bits.Div64(hi, lo, uint64(remaining)) // l*c/remaining <= l: no overflow
			out[k][y] = int64(q)
			given += int64(q)
			rems = append(rems, rem{k, r})
		}
		sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
		for t := 0; given < c; t++ {
			out[rems[t].k][y]++
			given++
		}
		for k := range left {
			left[k] -= out[k][y]
		}
		remaining -= c
	}
	return out
}

// money formats cents as $1,234.56.
func money(c int64) string { return "$" + budget.GroupDigits(budget.FormatUnits(c, 2)) }
