package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// ImportReport says what an import found and did.
type ImportReport struct {
	File     string  `json:"file"`
	Layer    string  `json:"layer"`
	Features int     `json:"features"`
	CRS      string  `json:"crs"`                // the coordinate system read ("EPSG:4326" when none was needed)
	Repairs  []Issue `json:"repairs,omitempty"`  // what was changed to make the geometry valid
	Warnings []Issue `json:"warnings,omitempty"` // problems kept as they are (the rules in the package doc apply)
	// Overlaps lists the pairs of areas that overlap, with the overlapping
	// area; Gaps the holes enclosed by the layer that no area covers.
	Overlaps []Overlap `json:"overlaps,omitempty"`
	Gaps     []Gap     `json:"gaps,omitempty"`
}

// Issue is one repair or warning about one feature.
type Issue struct {
	Feature int    `json:"feature"` // 1-based position in the file
	AreaID  string `json:"area_id"`
	Kind    string `json:"kind"` // unclosed_ring, duplicate_point, empty_part, winding, self_intersection, ...
	Detail  string `json:"detail"`
}

func (i Issue) String() string {
	return fmt.Sprintf("feature %d (id %q): %s: %s", i.Feature, i.AreaID, i.Kind, i.Detail)
}

// cleanPolygonal turns a Polygon or MultiPolygon into a valid-as-possible
// MultiPolygon: non-finite coordinates are refused; consecutive duplicate
// points removed; unclosed rings closed; rings with fewer than three distinct
// points or no area dropped (a dropped outer ring drops its holes); outer
// rings made counter-clockwise and holes clockwise. Self-intersections are
// reported, not changed (the even-odd crossing rule gives them a
// deterministic meaning). Every change is reported as an Issue.
func cleanPolygonal(g orb.Geometry, feature int, id string) (orb.MultiPolygon, []Issue, []Issue, error) {
	var in orb.MultiPolygon
	switch t := g.(type) {
	case orb.Polygon:
		in = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		in = t
	case nil:
		return nil, nil, nil, fmt.Errorf("the feature has no geometry; give every area a Polygon or MultiPolygon")
	default:
		return nil, nil, nil, fmt.Errorf("geometry type %s is not an area; expected Polygon or MultiPolygon", g.GeoJSONType())
	}
	var repairs, warnings []Issue
	add := func(list *[]Issue, kind, format string, args ...any) {
		*list = append(*list, Issue{Feature: feature, AreaID: id, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}
	var out orb.MultiPolygon
	for pi, poly := range in {
		var np orb.Polygon
		for ri, ring := range poly {
			for _, p := range ring {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
					return nil, nil, nil, fmt.Errorf("polygon %d ring %d has a non-finite coordinate %v; fix the coordinate", pi+1, ri+1, p)
				}
			}
			r, dups := dedupe(ring)
			if dups > 0 {
				add(&repairs, "duplicate_point", "polygon %d ring %d: removed %d repeated consecutive points", pi+1, ri+1, dups)
			}
			if len(r) > 0 && r[0] != r[len(r)-1] {
				r = append(r, r[0])
				add(&repairs, "unclosed_ring", "polygon %d ring %d: closed the ring by repeating its first point", pi+1, ri+1)
			}
			a := signedArea(r)
			if len(r) < 4 || collinear(r) {
				add(&repairs, "empty_part", "polygon %d ring %d: dropped a ring with %d distinct points and area %g", pi+1, ri+1, max(len(r)-1, 0), math.Abs(a))
				if ri == 0 {
					break // without its outer ring the polygon (and its holes) is dropped
				}
				continue
			}
			wantCCW := ri == 0
			if a != 0 && (a > 0) != wantCCW { // a self-crossing ring can have no net winding: left alone
				r = reverseRing(r)
				which := "outer ring made counter-clockwise"
				if !wantCCW {
					which = "hole made clockwise"
				}
				add(&repairs, "winding", "polygon %d ring %d: %s", pi+1, ri+1, which)
			}
			np = append(np, r)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	if len(out) == 0 {
		return nil, repairs, warnings, fmt.Errorf("no polygon with an area is left after dropping empty parts; the area's geometry is empty or degenerate")
	}
	out, err := checkRings(out, func(kind, format string, args ...any) { add(&repairs, kind, format, args...) },
		func(kind, format string, args ...any) { add(&warnings, kind, format, args...) })
	if err != nil {
		return nil, repairs, warnings, err
	}
	return out, repairs, warnings, nil
}

// checkRings checks the rings of a cleaned multipolygon against each other
// and themselves: a ring crossing or touching itself is kept and reported
// (the crossing rule reads it even-odd, as ST_MakeValid does); two rings
// crossing (a hole through its shell or another hole, two parts through
// each other) are an error with the place; a hole wholly outside its shell
// is dropped (it removes nothing), one partly outside or inside another
// hole is an error; parts inside each other are an error.
func checkRings(mp orb.MultiPolygon, repair, warn func(kind, format string, args ...any)) (orb.MultiPolygon, error) {
	var rings []orb.Ring
	type place struct{ poly, ring int }
	var where []place
	for pi, p := range mp {
		for ri, r := range p {
			rings = append(rings, r)
			where = append(where, place{pi, ri})
		}
	}
	cr := findCrossings(rings)
	if cr.tooComplex {
		return nil, fmt.Errorf("more than %d pairs of edges lie close together near %.7f,%.7f: too complex to validate; simplify the geometry", maxCrossingWork, cr.tooComplexAt[0], cr.tooComplexAt[1])
	}
	for i := range rings {
		if n := cr.self[i]; n > 0 {
			at, w := cr.selfAt[i], where[i]
			more := ""
			if n >= maxSelf {
				more = "at least "
			}
			warn("self_intersection", "polygon %d ring %d crosses or touches itself at %s%d places (first near %.7f,%.7f); kept, read with the even-odd rule (as ST_MakeValid does)", w.poly+1, w.ring+1, more, n, at[0], at[1])
		}
	}
	if cr.between {
		a, b, at := where[cr.ringA], where[cr.ringB], cr.betweenAt
		if a.poly == b.poly {
			what := "a hole crosses its outer ring"
			if a.ring > 0 {
				what = "two holes cross"
			}
			return nil, fmt.Errorf("polygon %d: rings %d and %d cross near %.7f,%.7f (%s); fix the geometry (ST_MakeValid, QGIS Fix geometries)", a.poly+1, a.ring+1, b.ring+1, at[0], at[1], what)
		}
		return nil, fmt.Errorf("polygons %d and %d of the feature cross near %.7f,%.7f; dissolve them into one polygon (ST_Union, QGIS Dissolve)", a.poly+1, b.poly+1, at[0], at[1])
	}
	for pi := range mp {
		p, err := placeHoles(mp[pi], pi, repair)
		if err != nil {
			return nil, err
		}
		mp[pi] = p
	}
	if err := checkParts(mp); err != nil {
		return nil, err
	}
	return mp, nil
}

// collinear reports whether every point of r lies on one line (no area).
func collinear(r orb.Ring) bool {
	for i := 2; i < len(r); i++ {
		if orient(r[0], r[1], r[i]) != 0 {
			return false
		}
	}
	return true
}

func dedupe(r orb.Ring) (orb.Ring, int) {
	out := make(orb.Ring, 0, len(r))
	dups := 0
	for _, p := range r {
		if len(out) > 0 && out[len(out)-1] == p {
			dups++
			continue
		}
		out = append(out, p)
	}
	return out, dups
}

// signedArea is the shoelace area in coordinate units, positive for a
// counter-clockwise ring.
func signedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	var s float64
	x0, y0 := r[0][0], r[0][1]
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

func reverseRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i := range r {
		out[len(r)-1-i] = r[i]
	}
	return out
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsTouch reports whether segments ab and cd share at least a point.
func segmentsTouch(a, b, c, d orb.Point) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(c, d, a)) || (d2 == 0 && onSegment(c, d, b)) ||
		(d3 == 0 && onSegment(a, b, c)) || (d4 == 0 && onSegment(a, b, d))
}
