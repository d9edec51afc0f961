package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Overlap is a pair of areas of one layer that overlap.
type Overlap struct {
	A      string  `json:"a"`
	B      string  `json:"b"`
	AreaM2 float64 `json:"area_m2"`
	// Exact says AreaM2 is the exact area of A ∩ B (Green's theorem, as in
	// Index.Apportion); otherwise it is the sampled estimate (very large
	// pairs). SampledM2 is the lattice estimate that found the pair.
	Exact     bool      `json:"exact"`
	SampledM2 float64   `json:"sampled_m2"`
	Example   orb.Point `json:"example"` // a point inside both
}

// exactWork bounds the exact overlap computation (segment pairs).
const exactWork = 20_000_000

// exactOverlap returns the ground area of areas a ∩ b in m², computed
// exactly from the boundaries, unless the pair is too large to compute
// quickly.
func exactOverlap(l *Layer, a, b int) (float64, bool) {
	A, B := &l.Areas[a], &l.Areas[b]
	box := A.Geom.Bound()
	if !box.Intersects(B.Geom.Bound()) {
		return 0, true
	}
	na, nb := len(segmentsOf(A.Geom, B.Geom.Bound())), len(segmentsOf(B.Geom, box))
	if na*nb > exactWork {
		return 0, false
	}
	ix := NewIndex(&Layer{Areas: []Area{*B}})
	acc := map[int]float64{}
	total := ix.apportionPolygon(A.Geom, acc)
	if total <= 0 {
		return 0, false
	}
	// apportionPolygon works in degrees² with longitude scaled by the
	// cosine of A's middle latitude; convert to m².
	return acc[0] * metresPerDegree * metresPerDegree, true
}

// Gap is a region enclosed by the layer (not reachable from outside the
// layer's bounding box) that no area covers.
type Gap struct {
	AreaM2     float64   `json:"area_m2"`
	Neighbours []string  `json:"neighbours"` // ids of the areas around it
	Example    orb.Point `json:"example"`
}

// coverageSamples is the number of sample points CheckCoverage lays over
// the layer's bounding box.
const coverageSamples = 1 << 20

// metresPerDegree is the length of one degree of latitude on the mean
// Earth sphere (EarthRadiusM).
const metresPerDegree = EarthRadiusM * math.Pi / 180

// CheckCoverage measures the overlaps and gaps of a layer by sampling it
// on a regular lattice of about a million points over its bounding box
// (each sample standing for one lattice cell, whose ground area is
// computed at its latitude). Overlaps are the cells whose centre lies in
// two or more areas, summed per pair; gaps are the connected groups of
// cells in no area that cannot reach the edge of the lattice through other
// such cells. Features smaller than a lattice cell (tens of metres for a
// city) can be missed; the measured areas are estimates with that
// resolution. Results are sorted by area, largest first.
//
// Where more than DefaultLimits.OverlapDepth areas cover one point, only
// the first that many are counted there; the exact overlap areas are
// computed for the largest pairs within a fixed amount of work, the others
// keep their sampled estimate.
func CheckCoverage(l *Layer) ([]Overlap, []Gap) {
	over, gaps, _ := checkCoverage(l, DefaultLimits.OverlapDepth, false)
	return over, gaps
}

// deepOverlap says where more areas than allowed cover one point.
type deepOverlap struct {
	at    orb.Point
	areas int
}

// checkCoverage is CheckCoverage; with stop, it gives up at the first
// sample covered by more than maxDepth areas and says where.
func checkCoverage(l *Layer, maxDepth int, stop bool) ([]Overlap, []Gap, *deepOverlap) {
	ix := NewIndex(l)
	if ix.nx == 0 {
		return nil, nil, nil
	}
	w, h := ix.maxX-ix.minX, ix.maxY-ix.minY
	midLat := (ix.minY + ix.maxY) / 2
	aspect := w * math.Cos(midLat*deg) / h
	nx := int(math.Max(2, math.Round(math.Sqrt(coverageSamples*aspect))))
	ny := int(math.Max(2, math.Round(coverageSamples/float64(nx))))
	dx, dy := w/float64(nx), h/float64(ny)
	type pair struct{ a, b int }
	over := map[pair]*Overlap{}
	covered := make([]bool, nx*ny)
	var hits []int
	for j := 0; j < ny; j++ {
		lat := ix.minY + (float64(j)+0.5)*dy
		cellM2 := dx * math.Cos(lat*deg) * metresPerDegree * dy * metresPerDegree
		for i := 0; i < nx; i++ {
			lon := ix.minX + (float64(i)+0.5)*dx
			hits = ix.appendAll(hits[:0], lon, lat)
			covered[j*nx+i] = len(hits) > 0
			if len(hits) > maxDepth {
				if stop {
					return nil, nil, &deepOverlap{at: orb.Point{lon, lat}, areas: len(hits)}
				}
				hits = hits[:maxDepth]
			}
			for x := 0; x < len(hits); x++ {
				for y := x + 1; y < len(hits); y++ {
					k := pair{hits[x], hits[y]}
					o := over[k]
					if o == nil {
						o = &Overlap{A: l.Areas[k.a].ID, B: l.Areas[k.b].ID, Example: orb.Point{lon, lat}}
						over[k] = o
					}
					o.AreaM2 += cellM2
				}
			}
		}
	}
	// exact areas for the largest pairs first, within a budget of work
	keys := make([]pair, 0, len(over))
	for k := range over {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if over[keys[i]].AreaM2 != over[keys[j]].AreaM2 {
			return over[keys[i]].AreaM2 > over[keys[j]].AreaM2
		}
		return keys[i].a < keys[j].a || (keys[i].a == keys[j].a && keys[i].b < keys[j].b)
	})
	var overlaps []Overlap
	work := 0
	for _, k := range keys {
		o := over[k]
		o.SampledM2 = o.AreaM2
		if work < exactWorkTotal {
			if m2, ok := exactOverlap(l, k.a, k.b); ok {
				o.AreaM2, o.Exact = m2, true
			}
			work += edgeCount(l.Areas[k.a].Geom) + edgeCount(l.Areas[k.b].Geom) + 1<<16
		}
		overlaps = append(overlaps, *o)
	}
	sort.Slice(overlaps, func(i, j int) bool {
		if overlaps[i].AreaM2 != overlaps[j].AreaM2 {
			return overlaps[i].AreaM2 > overlaps[j].AreaM2
		}
		return overlaps[i].A+"\x00"+overlaps[i].B < overlaps[j].A+"\x00"+overlaps[j].B
	})
	return overlaps, findGaps(ix, covered, nx, ny, dx, dy), nil
}

// exactWorkTotal bounds the work of the exact overlap areas of one layer
// (edges of the pairs plus the grid of each pair's index).
const exactWorkTotal = 200_000_000

func edgeCount(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// findGaps flood-fills the uncovered lattice cells from the lattice's
// border; the uncovered cells left are enclosed gaps, grouped by 4-way
// connectivity.
func findGaps(ix *Index, covered []bool, nx, ny int, dx, dy float64) []Gap {
	const (
		unseen = iota
		outside
		gap
	)
	state := make([]uint8, nx*ny)
	var stack []int
	push := func(c int, s uint8) {
		if !covered[c] && state[c] == unseen {
			state[c] = s
			stack = append(stack, c)
		}
	}
	neighbours := func(c int, fn func(int)) {
		i, j := c%nx, c/nx
		if i > 0 {
			fn(c - 1)
		}
		if i+1 < nx {
			fn(c + 1)
		}
		if j > 0 {
			fn(c - nx)
		}
		if j+1 < ny {
			fn(c + nx)
		}
	}
	for i := 0; i < nx; i++ {
		push(i, outside)
		push((ny-1)*nx+i, outside)
	}
	for j := 0; j < ny; j++ {
		push(j*nx, outside)
		push(j*nx+nx-1, outside)
	}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		neighbours(c, func(n int) { push(n, outside) })
	}
	var gaps []Gap
	var hits []int
	for c0 := range state {
		if covered[c0] || state[c0] != unseen {
			continue
		}
		g := Gap{}
		around := map[int]bool{}
		push(c0, gap)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			lat := ix.minY + (float64(c/nx)+0.5)*dy
			lon := ix.minX + (float64(c%nx)+0.5)*dx
			if g.AreaM2 == 0 {
				g.Example = orb.Point{lon, lat}
			}
			g.AreaM2 += dx * math.Cos(lat*deg) * metresPerDegree * dy * metresPerDegree
			neighbours(c, func(n int) {
				if covered[n] {
					nlat := ix.minY + (float64(n/nx)+0.5)*dy
					nlon := ix.minX + (float64(n%nx)+0.5)*dx
					hits = ix.appendAll(hits[:0], nlon, nlat)
					for _, a := range hits {
						around[a] = true
					}
				}
				push(n, gap)
			})
		}
		var ids []int
		for a := range around {
			ids = append(ids, a)
		}
		sort.Ints(ids)
		for _, a := range ids {
			g.Neighbours = append(g.Neighbours, ix.layer.Areas[a].ID)
		}
		gaps = append(gaps, g)
	}
	sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].AreaM2 > gaps[j].AreaM2 })
	return gaps
}
