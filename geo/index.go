package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// edge is one polygon edge stored lower end first (ay < by), so that the
// crossing decision for a point depends only on the edge, never on the
// direction in which a ring walks it.
type edge struct{ ax, ay, bx, by float64 }

// cand is one area that may hold a point of a boundary cell: either it
// covers the whole cell (edges nil) or its edges that span the cell's row.
type cand struct {
	area  int32
	full  bool
	edges []edge
}

// Index answers which area of a layer holds a point. It is a uniform grid
// over the layer's bounding box. A cell that no area boundary touches is
// resolved when the index is built (by a scan-line fill of the cell
// centres) and answered with one array read; a cell crossed by boundaries
// keeps the candidate areas, each with its edges in the cell's row, and is
// answered by the half-open crossing-number test described in the package
// documentation. Areas are tried in layer order, so in an overlap the first
// area wins. An Index is immutable and safe for concurrent use.
type Index struct {
	layer      *Layer
	minX, minY float64
	maxX, maxY float64
	invW, invH float64
	cw, ch     float64
	nx, ny     int
	// cells: >= 0 the one area covering the cell; -1 none; <= -2 a
	// boundary cell whose candidates are cands[start[k]:start[k+1]] with
	// k = -(v+2).
	cells []int32
	start []int32
	cands []cand
	// rows[a] holds area a's non-horizontal edges by grid row (from row0[a]).
	rows [][][]edge
	row0 []int
	// Stats
	BoundaryCells int
}

// maxCells bounds the grid (4 bytes a cell).
const maxCells = 1 << 22

// NewIndex builds the point-in-polygon index of a layer. Point-only areas
// are not indexed (no point is ever located in them).
func NewIndex(l *Layer) *Index {
	ix := &Index{layer: l}
	var b orb.Bound
	nEdges, any := 0, false
	for i := range l.Areas {
		a := &l.Areas[i]
		if a.PointOnly() {
			continue
		}
		ab := a.Geom.Bound()
		if !any {
			b, any = ab, true
		} else {
			b = b.Union(ab)
		}
		for _, p := range a.Geom {
			for _, r := range p {
				nEdges += len(r)
			}
		}
	}
	ix.rows = make([][][]edge, len(l.Areas))
	ix.row0 = make([]int, len(l.Areas))
	if !any || b.Max[0] <= b.Min[0] || b.Max[1] <= b.Min[1] {
		return ix
	}
	ix.minX, ix.minY, ix.maxX, ix.maxY = b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	// Square cells on the ground: scale longitude by cos(latitude).
	aspect := w * math.Cos((b.Min[1]+b.Max[1])/2*deg) / h
	if aspect <= 0 || math.IsNaN(aspect) {
		aspect = w / h
	}
	target := float64(min(max(64*nEdges, 1<<16), maxCells))
	nx := int(math.Max(1, math.Round(math.Sqrt(target*aspect))))
	ny := int(math.Max(1, math.Round(target/float64(nx))))
	for nx*ny > maxCells {
		nx, ny = max(1, nx*15/16), max(1, ny*15/16)
	}
	ix.nx, ix.ny = nx, ny
	ix.invW, ix.invH = float64(nx)/w, float64(ny)/h
	ix.cw, ix.ch = w/float64(nx), h/float64(ny)
	ix.build()
	return ix
}

func (ix *Index) col(x float64) int {
	c := int((x - ix.minX) * ix.invW)
	return min(max(c, 0), ix.nx-1)
}

func (ix *Index) row(y float64) int {
	r := int((y - ix.minY) * ix.invH)
	return min(max(r, 0), ix.ny-1)
}

type cellArea struct {
	cell int32
	area int32
	full bool
}

func (ix *Index) build() {
	n := ix.nx * ix.ny
	owner := make([]int32, n)
	stamp := make([]int32, n)
	for i := range owner {
		owner[i] = -1
	}
	var marks []cellArea // boundary (area, cell) pairs and extra full covers
	for ai := range ix.layer.Areas {
		a := &ix.layer.Areas[ai]
		if a.PointOnly() {
			continue
		}
		tag := int32(ai + 1)
		ab := a.Geom.Bound()
		r0, r1 := ix.row(ab.Min[1]), ix.row(ab.Max[1])
		rows := make([][]edge, r1-r0+1)
		for _, poly := range a.Geom {
			for _, ring := range poly {
				for k := 0; k+1 < len(ring); k++ {
					p, q := ring[k], ring[k+1]
					ix.markEdge(p, q, func(cell int) {
						if stamp[cell] != tag {
							stamp[cell] = tag
							marks = append(marks, cellArea{cell: int32(cell), area: int32(ai)})
						}
					})
					if p[1] == q[1] {
						continue // horizontal edges never cross a horizontal ray
					}
					e := edge{p[0], p[1], q[0], q[1]}
					if q[1] < p[1] {
						e = edge{q[0], q[1], p[0], p[1]}
					}
					for r := ix.row(e.ay); r <= ix.row(e.by); r++ {
						rows[r-r0] = append(rows[r-r0], e)
					}
				}
			}
		}
		ix.rows[ai], ix.row0[ai] = rows, r0
		// Scan-line fill of the cells this area covers entirely.
		var xs []float64
		for r := r0; r <= r1; r++ {
			yc := ix.minY + (float64(r)+0.5)*ix.ch
			xs = xs[:0]
			for _, e := range rows[r-r0] {
				if e.ay <= yc && yc < e.by {
					xs = append(xs, e.ax+(yc-e.ay)*(e.bx-e.ax)/(e.by-e.ay))
				}
			}
			sort.Float64s(xs)
			for k := 0; k+1 < len(xs); k += 2 {
				c0 := int(math.Ceil((xs[k]-ix.minX)/ix.cw - 0.5))
				c1 := int(math.Ceil((xs[k+1]-ix.minX)/ix.cw-0.5)) - 1
				c0, c1 = max(c0, 0), min(c1, ix.nx-1)
				for c := c0; c <= c1; c++ {
					cell := r*ix.nx + c
					if stamp[cell] == tag {
						continue
					}
					if owner[cell] < 0 {
						owner[cell] = int32(ai)
					} else {
						marks = append(marks, cellArea{cell: int32(cell), area: int32(ai), full: true})
					}
				}
			}
		}
	}
	stamp = nil
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].cell < marks[j].cell })
	ix.start = []int32{0}
	for i := 0; i < len(marks); {
		j := i
		cell := marks[i].cell
		var cs []cand
		if o := owner[cell]; o >= 0 {
			cs = append(cs, cand{area: o, full: true})
		}
		for ; j < len(marks) && marks[j].cell == cell; j++ {
			m := marks[j]
			c := cand{area: m.area, full: m.full}
			if !m.full {
				// The margin of markEdge can reach a row just outside the
				// area's rows; the area has no edge there, so no point of
				// that row is in it (empty edge list).
				if r := int(cell)/ix.nx - ix.row0[m.area]; r >= 0 && r < len(ix.rows[m.area]) {
					c.edges = ix.rows[m.area][r]
				}
				ix.BoundaryCells++
			}
			cs = append(cs, c)
		}
		sort.Slice(cs, func(a, b int) bool { return cs[a].area < cs[b].area })
		ix.cands = append(ix.cands, cs...)
		ix.start = append(ix.start, int32(len(ix.cands)))
		owner[cell] = -int32(len(ix.start)-2) - 2
		i = j
	}
	ix.cells = owner
}

// markEdge calls mark for every grid cell the segment pq may touch,
// conservatively (a small margin around the exact cells).
func (ix *Index) markEdge(p, q orb.Point, mark func(cell int)) {
	if q[1] < p[1] {
		p, q = q, p
	}
	epsX, epsY := ix.cw*1e-6, ix.ch*1e-6
	r0, r1 := ix.row(p[1]-epsY), ix.row(q[1]+epsY)
	for r := r0; r <= r1; r++ {
		// The part of the segment inside this row's band.
		ylo := math.Max(p[1], ix.minY+float64(r)*ix.ch)
		yhi := math.Min(q[1], ix.minY+float64(r+1)*ix.ch)
		var xa, xb float64
		if q[1] == p[1] || ylo > yhi {
			xa, xb = p[0], q[0]
		} else {
			t0 := (ylo - p[1]) / (q[1] - p[1])
			t1 := (yhi - p[1]) / (q[1] - p[1])
			xa = p[0] + t0*(q[0]-p[0])
			xb = p[0] + t1*(q[0]-p[0])
		}
		if xa > xb {
			xa, xb = xb, xa
		}
		c0, c1 := ix.col(xa-epsX), ix.col(xb+epsX)
		for c := c0; c <= c1; c++ {
			mark(r*ix.nx + c)
		}
	}
}

// Locate returns the position of the one area holding the point (lon, lat)
// under the package's half-open boundary rule and first-area-wins overlap
// rule, or ok false when no area holds it.
func (ix *Index) Locate(lon, lat float64) (area int, ok bool) {
	if !(lon >= ix.minX && lon < ix.maxX && lat >= ix.minY && lat < ix.maxY) {
		return -1, false
	}
	i := min(int((lon-ix.minX)*ix.invW), ix.nx-1)
	j := min(int((lat-ix.minY)*ix.invH), ix.ny-1)
	v := ix.cells[j*ix.nx+i]
	if v >= -1 {
		return int(v), v >= 0
	}
	k := -(v + 2)
	for _, c := range ix.cands[ix.start[k]:ix.start[k+1]] {
		if c.full || crossingInside(c.edges, lon, lat) {
			return int(c.area), true
		}
	}
	return -1, false
}

// LocateAll returns every area holding the point (more than one only
// where areas overlap), in layer order.
func (ix *Index) LocateAll(lon, lat float64) []int {
	if !(lon >= ix.minX && lon < ix.maxX && lat >= ix.minY && lat < ix.maxY) {
		return nil
	}
	i := min(int((lon-ix.minX)*ix.invW), ix.nx-1)
	j := min(int((lat-ix.minY)*ix.invH), ix.ny-1)
	v := ix.cells[j*ix.nx+i]
	if v >= 0 {
		return []int{int(v)}
	}
	if v == -1 {
		return nil
	}
	var out []int
	k := -(v + 2)
	for _, c := range ix.cands[ix.start[k]:ix.start[k+1]] {
		if c.full || crossingInside(c.edges, lon, lat) {
			out = append(out, int(c.area))
		}
	}
	return out
}

// crossingInside is the half-open crossing-number test: an edge (lower end
// a, upper end b) is crossed by the ray going east from p when
// a.y <= p.y < b.y and p lies strictly left of the upward edge.
func crossingInside(edges []edge, px, py float64) bool {
	in := false
	for i := range edges {
		e := &edges[i]
		if e.ay <= py && py < e.by && (e.bx-e.ax)*(py-e.ay)-(px-e.ax)*(e.by-e.ay) > 0 {
			in = !in
		}
	}
	return in
}

// Contains reports whether area a of the index's layer holds the point
// under the half-open rule, ignoring other areas (overlaps included).
func (ix *Index) Contains(a int, lon, lat float64) bool {
	if a < 0 || a >= len(ix.rows) || ix.rows[a] == nil {
		return false
	}
	if !(lon >= ix.minX && lon < ix.maxX && lat >= ix.minY && lat < ix.maxY) {
		return false
	}
	r := ix.row(lat) - ix.row0[a]
	if r < 0 || r >= len(ix.rows[a]) {
		return false
	}
	return crossingInside(ix.rows[a][r], lon, lat)
}

// Layer returns the indexed layer.
func (ix *Index) Layer() *Layer { return ix.layer }

// GridSize returns the grid's columns and rows.
func (ix *Index) GridSize() (nx, ny int) { return ix.nx, ix.ny }
