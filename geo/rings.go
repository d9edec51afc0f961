package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Validation of a feature's rings against each other: crossings found
// through a grid of edges (so a 100,000-vertex zigzag is checked in linear
// time), holes placed against their shell, parts against each other.

// ringEdge is edge k of ring r of the feature (k from r's vertex k to k+1).
type ringEdge struct {
	ring, k int32
	p, q    orb.Point
}

// crossingReport is what findCrossings found.
type crossingReport struct {
	// self[r] counts the places where ring r crosses or touches itself
	// (up to maxSelf); selfAt[r] is the first.
	self   map[int]int
	selfAt map[int]orb.Point
	// between is the first proper crossing of two different rings.
	between       bool
	ringA, ringB  int
	betweenAt     orb.Point
	tooComplex    bool
	tooComplexAt  orb.Point
	pairsExamined int
}

// maxCrossingWork bounds the pairs of edges examined for one feature: a
// feature needing more (hundreds of thousands of edges through one small
// place) is refused as too complex to validate.
const maxCrossingWork = 50_000_000

const maxSelf = 1000

// findCrossings examines the pairs of edges of rings that share a cell of a
// grid laid over them: non-adjacent edges of one ring that touch or cross
// (a self-intersection), and edges of two rings that cross properly (each
// passes strictly from one side of the other to the other side).
func findCrossings(rings []orb.Ring) crossingReport {
	rep := crossingReport{self: map[int]int{}, selfAt: map[int]orb.Point{}}
	var edges []ringEdge
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for ri, r := range rings {
		for k := 0; k+1 < len(r); k++ {
			edges = append(edges, ringEdge{int32(ri), int32(k), r[k], r[k+1]})
			b = b.Extend(r[k])
		}
	}
	if len(edges) < 2 {
		return rep
	}
	w, h := math.Max(b.Max[0]-b.Min[0], 1e-300), math.Max(b.Max[1]-b.Min[1], 1e-300)
	s := layerShape{b: b, any: true, edges: len(edges)}
	for _, e := range edges {
		s.sumDX += math.Abs(e.q[0] - e.p[0])
		s.sumDY += math.Abs(e.q[1] - e.p[1])
	}
	s.sumBoxes = w * h
	s.b.Max = orb.Point{b.Min[0] + w, b.Min[1] + h}
	nx, ny := gridShape(s, maxCells)
	// a coarser grid than the index's: about 4 cells per edge
	for nx*ny > 4*len(edges) && nx*ny > 1 {
		nx, ny = max(1, nx/2), max(1, ny/2)
	}
	g := &Index{minX: b.Min[0], minY: b.Min[1], nx: nx, ny: ny}
	g.invW, g.invH = float64(nx)/w, float64(ny)/h
	g.cw, g.ch = w/float64(nx), h/float64(ny)
	scale := math.Max(math.Max(math.Abs(b.Min[0]), math.Abs(b.Max[0])), math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1])))
	g.epsX, g.epsY = math.Max(g.cw*1e-6, scale*1e-12), math.Max(g.ch*1e-6, scale*1e-12)
	// bucket the edges by cell (counting sort)
	count := make([]int32, nx*ny+1)
	var pairs [][2]int32 // (cell, edge)
	for i, e := range edges {
		g.markEdge(e.p, e.q, func(r, c0, c1 int) {
			for c := c0; c <= c1; c++ {
				pairs = append(pairs, [2]int32{int32(r*nx + c), int32(i)})
				count[r*nx+c+1]++
			}
		})
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	cellEdges := make([]int32, len(pairs))
	next := append([]int32(nil), count[:len(count)-1]...)
	for _, p := range pairs {
		cellEdges[next[p[0]]] = p[1]
		next[p[0]]++
	}
	pairs, next = nil, nil
	seen := map[[2]int32]bool{}
	for c := 0; c < nx*ny; c++ {
		es := cellEdges[count[c]:count[c+1]]
		for i := 0; i < len(es); i++ {
			for j := i + 1; j < len(es); j++ {
				rep.pairsExamined++
				if rep.pairsExamined > maxCrossingWork {
					rep.tooComplex, rep.tooComplexAt = true, edges[es[i]].p
					return rep
				}
				a, bb := &edges[es[i]], &edges[es[j]]
				if a.ring == bb.ring {
					if adjacentEdges(a, bb, len(rings[a.ring])-1) || rep.self[int(a.ring)] >= maxSelf {
						continue
					}
					key := [2]int32{min(es[i], es[j]), max(es[i], es[j])}
					if seen[key] || !segmentsTouch(a.p, a.q, bb.p, bb.q) {
						continue
					}
					seen[key] = true
					if rep.self[int(a.ring)] == 0 {
						rep.selfAt[int(a.ring)] = bb.p
					}
					rep.self[int(a.ring)]++
					continue
				}
				if !rep.between && properCrossing(a.p, a.q, bb.p, bb.q) {
					rep.between, rep.ringA, rep.ringB = true, int(min(a.ring, bb.ring)), int(max(a.ring, bb.ring))
					rep.betweenAt = crossingPoint(a.p, a.q, bb.p, bb.q)
				}
			}
		}
	}
	return rep
}

// adjacentEdges reports whether two edges of one closed ring of n edges
// share a vertex by being consecutive.
func adjacentEdges(a, b *ringEdge, n int) bool {
	i, j := int(a.k), int(b.k)
	return i == j+1 || j == i+1 || (i == 0 && j == n-1) || (j == 0 && i == n-1)
}

// properCrossing reports whether segments ab and cd cross at one point
// interior to both.
func properCrossing(a, b, c, d orb.Point) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

func crossingPoint(a, b, c, d orb.Point) orb.Point {
	den := (b[0]-a[0])*(d[1]-c[1]) - (b[1]-a[1])*(d[0]-c[0])
	if den == 0 {
		return a
	}
	t := ((c[0]-a[0])*(d[1]-c[1]) - (c[1]-a[1])*(d[0]-c[0])) / den
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// ringSide classifies ring r against a polygon by r's vertices that are
// not vertices of the polygon (pVerts): 1 all inside, -1 all outside, 0
// mixed, 2 none to test (r runs along the polygon's vertices). in answers
// the point-in-polygon question.
func ringSide(r orb.Ring, pVerts map[orb.Point]bool, in func(orb.Point) bool) (int, orb.Point) {
	nIn, nOut := 0, 0
	var at orb.Point
	for k := 0; k+1 < len(r); k++ {
		v := r[k]
		if pVerts[v] {
			continue
		}
		if in(v) {
			nIn++
		} else {
			nOut++
			if nOut == 1 {
				at = v
			}
		}
		if nIn > 0 && nOut > 0 {
			return 0, at
		}
	}
	switch {
	case nIn > 0:
		return 1, at
	case nOut > 0:
		return -1, at
	}
	return 2, r[0]
}

// pointTester returns a point-in-polygon test for the polygon (its shell
// and holes), with an Index when it is large.
func pointTester(p orb.Polygon, queries int) func(orb.Point) bool {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	if n*queries <= 1<<16 {
		es := edgesOf(orb.MultiPolygon{p})
		return func(v orb.Point) bool { return crossingInside(es, v[0], v[1]) }
	}
	ix := NewIndex(&Layer{Areas: []Area{{Geom: orb.MultiPolygon{p}}}})
	return func(v orb.Point) bool { return ix.Contains(0, v[0], v[1]) }
}

func ringVertices(rs ...orb.Ring) map[orb.Point]bool {
	m := map[orb.Point]bool{}
	for _, r := range rs {
		for _, v := range r {
			m[v] = true
		}
	}
	return m
}

// placeHoles checks the holes of polygon p against its shell and each
// other (there are no proper crossings): a hole wholly outside its shell
// removes nothing and is dropped (reported); a hole partly outside, or
// inside another hole, is an error.
func placeHoles(p orb.Polygon, pi int, add func(kind, format string, args ...any)) (orb.Polygon, error) {
	if len(p) < 2 {
		return p, nil
	}
	shellIn := pointTester(orb.Polygon{p[0]}, countVertices(p[1:]))
	shellVerts := ringVertices(p[0])
	out := orb.Polygon{p[0]}
	for hi := 1; hi < len(p); hi++ {
		side, at := ringSide(p[hi], shellVerts, shellIn)
		switch side {
		case -1:
			add("hole_outside_shell", "polygon %d ring %d: a hole wholly outside its outer ring removes nothing; dropped", pi+1, hi+1)
			continue
		case 0:
			return nil, fmt.Errorf("polygon %d ring %d is a hole that lies partly outside its outer ring (near %.7f,%.7f); fix the geometry (ST_MakeValid, QGIS Fix geometries)", pi+1, hi+1, at[0], at[1])
		}
		out = append(out, p[hi])
	}
	if len(out) > 2 {
		if err := holesApart(out[1:], pi); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// holesApart refuses holes of one polygon that lie inside each other (no
// two cross: that was checked): the crossing rule would read the inner one
// as part of the area again.
func holesApart(holes []orb.Ring, pi int) error {
	l := &Layer{Areas: make([]Area, len(holes))}
	for i, h := range holes {
		l.Areas[i].Geom = orb.MultiPolygon{{h}}
	}
	return nestedRings(l, func(i, j int, v orb.Point) error {
		return fmt.Errorf("polygon %d: holes %d and %d overlap (near %.7f,%.7f); fix the geometry (merge the holes)", pi+1, min(i, j)+2, max(i, j)+2, v[0], v[1])
	})
}

// nestedRings calls found for the first area i of l one of whose outer-ring
// vertices (not shared with another area) lies in another area j.
func nestedRings(l *Layer, found func(i, j int, v orb.Point) error) error {
	ix := NewIndex(l)
	owner := map[orb.Point]int{} // vertex -> the area having it (-1 several)
	for i := range l.Areas {
		for _, p := range l.Areas[i].Geom {
			for _, r := range p {
				for _, v := range r {
					if o, ok := owner[v]; ok && o != i {
						owner[v] = -1
					} else if !ok {
						owner[v] = i
					}
				}
			}
		}
	}
	for i := range l.Areas {
		for _, v := range l.Areas[i].Geom[0][0] {
			if owner[v] != i {
				continue // shared with another ring: touching there
			}
			for _, j := range ix.LocateAll(v[0], v[1]) {
				if j != i {
					return found(i, j, v)
				}
			}
			break
		}
	}
	return nil
}

func countVertices(rs []orb.Ring) int {
	n := 0
	for _, r := range rs {
		n += len(r)
	}
	return n
}

// checkParts refuses a multipolygon whose parts overlap (a part inside
// another's area: read by the crossing rule, the overlap would become a
// hole).
func checkParts(mp orb.MultiPolygon) error {
	if len(mp) < 2 {
		return nil
	}
	l := &Layer{Areas: make([]Area, len(mp))}
	for i, p := range mp {
		l.Areas[i].Geom = orb.MultiPolygon{p}
	}
	return nestedRings(l, func(i, j int, v orb.Point) error {
		return fmt.Errorf("polygons %d and %d of the feature overlap (near %.7f,%.7f); dissolve them into one polygon (ST_Union, QGIS Dissolve)", min(i, j)+1, max(i, j)+1, v[0], v[1])
	})
}
