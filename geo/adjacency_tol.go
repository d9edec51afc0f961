package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// AdjacencyWithin is Adjacency for boundaries that were digitised
// separately and do not share vertices exactly: two areas are queen
// neighbours when a vertex of one lies within tol metres of the other's
// boundary, and rook neighbours when some edge of one lies within tol
// metres of the other's boundary at both its ends and its middle (so the
// two share a stretch of boundary, not just a point). tol <= 0 gives
// Adjacency. The relation is made symmetric; lists are sorted.
func AdjacencyWithin(l *Layer, c Contiguity, tol float64) [][]int {
	if tol <= 0 {
		return Adjacency(l, c)
	}
	b := l.Bound()
	cosLat := math.Cos((b.Min[1] + b.Max[1]) / 2 * deg)
	// Planar metres around the layer's middle latitude.
	toM := func(p orb.Point) (float64, float64) {
		return p[0] * cosLat * metresPerDegree, p[1] * metresPerDegree
	}
	cell := math.Max(tol*4, 100) // metres
	type ref struct {
		area           int32
		ax, ay, bx, by float64
	}
	buckets := map[[2]int32][]ref{}
	key := func(x, y float64) [2]int32 { return [2]int32{int32(math.Floor(x / cell)), int32(math.Floor(y / cell))} }
	for ai := range l.Areas {
		for _, poly := range l.Areas[ai].Geom {
			for _, r := range poly {
				for k := 0; k+1 < len(r); k++ {
					ax, ay := toM(r[k])
					bx, by := toM(r[k+1])
					k0 := key(math.Min(ax, bx)-tol, math.Min(ay, by)-tol)
					k1 := key(math.Max(ax, bx)+tol, math.Max(ay, by)+tol)
					for i := k0[0]; i <= k1[0]; i++ {
						for j := k0[1]; j <= k1[1]; j++ {
							kk := [2]int32{i, j}
							buckets[kk] = append(buckets[kk], ref{int32(ai), ax, ay, bx, by})
						}
					}
				}
			}
		}
	}
	// near returns the areas other than self whose boundary is within tol of (x, y).
	near := func(self int, x, y float64, dst map[int]bool) {
		for _, e := range buckets[key(x, y)] {
			if int(e.area) == self || dst[int(e.area)] {
				continue
			}
			if segDist(x, y, e.ax, e.ay, e.bx, e.by) <= tol {
				dst[int(e.area)] = true
			}
		}
	}
	sets := make([]map[int]bool, len(l.Areas))
	add := func(a, b int) {
		for _, p := range [][2]int{{a, b}, {b, a}} {
			if sets[p[0]] == nil {
				sets[p[0]] = map[int]bool{}
			}
			sets[p[0]][p[1]] = true
		}
	}
	for ai := range l.Areas {
		for _, poly := range l.Areas[ai].Geom {
			for _, r := range poly {
				for k := 0; k+1 < len(r); k++ {
					ax, ay := toM(r[k])
					na := map[int]bool{}
					near(ai, ax, ay, na)
					if c == Queen {
						for o := range na {
							add(ai, o)
						}
						continue
					}
					if len(na) == 0 {
						continue
					}
					bx, by := toM(r[k+1])
					nb, nm := map[int]bool{}, map[int]bool{}
					near(ai, bx, by, nb)
					near(ai, (ax+bx)/2, (ay+by)/2, nm)
					for o := range na {
						if nb[o] && nm[o] {
							add(ai, o)
						}
					}
				}
			}
		}
	}
	out := make([][]int, len(l.Areas))
	for a := range out {
		out[a] = []int{}
		for o := range sets[a] {
			out[a] = append(out[a], o)
		}
		sort.Ints(out[a])
	}
	return out
}

// segDist is the distance from (px, py) to segment ab.
func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
	}
	return math.Hypot(px-ax-t*dx, py-ay-t*dy)
}
