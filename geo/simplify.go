package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Simplify returns a copy of the layer simplified for display with
// tolerance metres, preserving the topology between areas: vertices where
// the set of areas sharing a boundary changes (junctions) are kept, and
// each stretch of boundary between two kept vertices is simplified once
// with Douglas-Peucker (in a canonical direction) and reused by every area
// that shares it, so neighbouring areas still meet exactly and no gaps or
// overlaps appear between them. A ring that would drop below four points
// is kept as it was. Vertices are matched after snapping to 1e-7 degrees.
func Simplify(l *Layer, tolerance float64) *Layer {
	owners := map[vkey]map[int]bool{}
	for ai := range l.Areas {
		for _, poly := range l.Areas[ai].Geom {
			for _, r := range poly {
				for _, p := range r {
					k := snap(p)
					if owners[k] == nil {
						owners[k] = map[int]bool{}
					}
					owners[k][ai] = true
				}
			}
		}
	}
	sameSet := func(a, b map[int]bool) bool {
		if len(a) != len(b) {
			return false
		}
		for k := range a {
			if !b[k] {
				return false
			}
		}
		return true
	}
	cache := map[[3]vkey][]orb.Point{}
	out := &Layer{Name: l.Name, Source: l.Source, NoGeometry: l.NoGeometry, Areas: make([]Area, len(l.Areas))}
	for ai := range l.Areas {
		a := l.Areas[ai]
		var mp orb.MultiPolygon
		for _, poly := range a.Geom {
			var np orb.Polygon
			for _, r := range poly {
				n := len(r) - 1
				fixed := make([]bool, n)
				any := false
				for i := 0; i < n; i++ {
					o := owners[snap(r[i])]
					prev := owners[snap(r[(i+n-1)%n])]
					next := owners[snap(r[(i+1)%n])]
					if len(o) > 2 || !sameSet(o, prev) || !sameSet(o, next) {
						fixed[i] = true
						any = true
					}
				}
				if !any {
					fixed[0] = true
				}
				// Walk the ring from its first fixed vertex.
				s := 0
				for !fixed[s] {
					s++
				}
				nr := orb.Ring{}
				i := s
				for {
					j := (i + 1) % n
					for !fixed[j] {
						j = (j + 1) % n
					}
					var chain []orb.Point
					for k := i; ; k = (k + 1) % n {
						chain = append(chain, r[k])
						if k == j && len(chain) > 1 {
							break
						}
					}
					nr = append(nr, simplifyChain(chain, tolerance, cache)...)
					nr = nr[:len(nr)-1] // the chain's end starts the next chain
					i = j
					if i == s {
						break
					}
				}
				nr = append(nr, nr[0])
				if len(nr) < 4 || signedArea(nr) == 0 {
					nr = r
				}
				np = append(np, nr)
			}
			mp = append(mp, np)
		}
		a.Geom = mp
		out.Areas[ai] = a
	}
	return out
}

// simplifyChain simplifies an open chain keeping its ends, in the
// canonical direction (from the smaller end key), caching the result.
func simplifyChain(chain []orb.Point, tol float64, cache map[[3]vkey][]orb.Point) []orb.Point {
	if len(chain) <= 2 {
		return chain
	}
	a, b := snap(chain[0]), snap(chain[len(chain)-1])
	rev := b.x < a.x || (b.x == a.x && b.y < a.y)
	if a == b { // a closed chain: direction from its second point
		s1, s2 := snap(chain[1]), snap(chain[len(chain)-2])
		rev = s2.x < s1.x || (s2.x == s1.x && s2.y < s1.y)
	}
	c := chain
	if rev {
		c = make([]orb.Point, len(chain))
		for i := range chain {
			c[len(chain)-1-i] = chain[i]
		}
	}
	key := [3]vkey{snap(c[0]), snap(c[1]), snap(c[len(c)-1])}
	res, ok := cache[key]
	if !ok {
		keep := make([]bool, len(c))
		keep[0], keep[len(c)-1] = true, true
		cosLat := math.Cos(c[0][1] * deg)
		douglasPeucker(c, 0, len(c)-1, tol/metresPerDegree, cosLat, keep)
		for i, p := range c {
			if keep[i] {
				res = append(res, p)
			}
		}
		cache[key] = res
	}
	if !rev {
		return res
	}
	out := make([]orb.Point, len(res))
	for i := range res {
		out[len(res)-1-i] = res[i]
	}
	return out
}

func douglasPeucker(c []orb.Point, i, j int, tol, cosLat float64, keep []bool) {
	if j <= i+1 {
		return
	}
	ax, ay := c[i][0]*cosLat, c[i][1]
	bx, by := c[j][0]*cosLat, c[j][1]
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	far, farD := -1, tol
	for k := i + 1; k < j; k++ {
		px, py := c[k][0]*cosLat, c[k][1]
		var d float64
		if l2 == 0 {
			d = math.Hypot(px-ax, py-ay)
		} else {
			t := math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
			d = math.Hypot(px-ax-t*dx, py-ay-t*dy)
		}
		if d > farD {
			far, farD = k, d
		}
	}
	if far < 0 {
		return
	}
	keep[far] = true
	douglasPeucker(c, i, far, tol, cosLat, keep)
	douglasPeucker(c, far, j, tol, cosLat, keep)
}
