package geo

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/internal/hugemem"
	"github.com/paulmach/orb"
)

// edge is one polygon edge stored lower end first (ay < by), so that the
// crossing decision for a point depends only on the edge, never on the
// direction in which a ring walks it.
type edge struct{ ax, ay, bx, by float64 }

// cand is one area that may hold a point of a boundary cell. Either it
// covers the whole cell (full), or the point is inside when
//
//	base XOR (an odd number of breaks <= y) XOR crossing(edges near the cell)
//
// where edges[e0:e1] are the area's edges that pass near the cell and
// breaks[b0:b1] the y of the in-row end points of the area's edges that lie
// wholly east of the cell (see build).
type cand struct {
	area   int32
	full   bool
	base   bool
	e0, e1 int32
	b0, b1 int32
}

// Index answers which area of a layer holds a point. It is a uniform grid
// over the layer's extent (computed from every vertex, never from a
// geometry's own idea of its bounds). A cell that no area boundary touches
// is resolved when the index is built and answered with one array read; a
// cell crossed by boundaries keeps, per candidate area, only the edges that
// pass near that cell plus a summary of the edges east of it, so a query
// costs the few edges near the point whatever the shape of the rings (a
// 100,000-vertex zigzag included). The answer is exactly the half-open
// crossing-number test described in the package documentation. Areas are
// tried in layer order, so in an overlap the first area wins. An Index is
// immutable and safe for concurrent use.
type Index struct {
	layer      *Layer
	minX, minY float64
	maxX, maxY float64
	invW, invH float64
	cw, ch     float64
	epsX, epsY float64
	nx, ny     int
	// cells: >= 0 the one area covering the cell; -1 none; <= -2 a
	// boundary cell whose candidates are cands[start[k]:start[k+1]] with
	// k = -(v+2).
	cells  []int32
	start  []int32
	cands  []cand
	edges  []edge
	breaks []float64
	// BoundaryCells counts (cell, area) pairs where the area's boundary
	// passes near the cell.
	BoundaryCells int
}

// maxCells bounds the grid (4 bytes a cell).
const maxCells = 1 << 22

// minEntryBudget is the smallest budget of (cell, edge) and (cell, area)
// entries the grid is sized to; the budget is 16 entries per edge above it.
const minEntryBudget = 1 << 22

// finite reports whether both coordinates of p are finite numbers.
func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// layerShape is what the grid is sized from, computed from the vertices
// themselves.
type layerShape struct {
	b        orb.Bound
	any      bool
	edges    int
	sumDX    float64 // sum of |dx| over edges
	sumDY    float64 // sum of |dy| over edges
	sumBoxes float64 // sum of the areas' bounding-box areas
}

func measureLayer(l *Layer) layerShape {
	var s layerShape
	for i := range l.Areas {
		a := &l.Areas[i]
		if a.PointOnly() {
			continue
		}
		ab, ok := vertexBound(a.Geom)
		if !ok {
			continue
		}
		if !s.any {
			s.b, s.any = ab, true
		} else {
			s.b = s.b.Union(ab)
		}
		s.sumBoxes += (ab.Max[0] - ab.Min[0]) * (ab.Max[1] - ab.Min[1])
		forEachEdge(a.Geom, func(p, q orb.Point) {
			s.edges++
			s.sumDX += math.Abs(q[0] - p[0])
			s.sumDY += math.Abs(q[1] - p[1])
		})
	}
	return s
}

// vertexBound is the bounding box of every finite vertex of every ring
// (holes included: a hole may stray outside its shell in bad input).
func vertexBound(mp orb.MultiPolygon) (orb.Bound, bool) {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	ok := false
	for _, poly := range mp {
		for _, r := range poly {
			for _, p := range r {
				if !finite(p) {
					continue
				}
				b.Min[0], b.Min[1] = math.Min(b.Min[0], p[0]), math.Min(b.Min[1], p[1])
				b.Max[0], b.Max[1] = math.Max(b.Max[0], p[0]), math.Max(b.Max[1], p[1])
				ok = true
			}
		}
	}
	return b, ok
}

// forEachEdge calls fn for every edge of every ring whose end points are
// finite and distinct.
func forEachEdge(mp orb.MultiPolygon, fn func(p, q orb.Point)) {
	for _, poly := range mp {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				p, q := r[k], r[k+1]
				if p == q || !finite(p) || !finite(q) {
					continue
				}
				fn(p, q)
			}
		}
	}
}

// NewIndex builds the point-in-polygon index of a layer. Point-only areas
// are not indexed (no point is ever located in them).
//
// The grid has about 64 cells per edge (at least 65,536, at most 4,194,304),
// square on the ground, unless that would put more than max(16 per edge,
// 4,194,304) (cell, edge) and (cell, area) entries in it (long edges
// crossing many cells, as in a zigzag ring, or many areas stacked on each
// other): then the cells are shaped and, if need be, made fewer to stay
// within that budget. Memory is therefore at most 16 MB of cells plus about
// 60 bytes per entry of the budget.
func NewIndex(l *Layer) *Index { return newIndex(l, maxCells) }

// NewIndexFor builds an index for locating about points points: the grid
// has at most max(points, 4,096) cells. Building a cell costs about what
// locating a point does, so a few thousand points (a day of requests) are
// located sooner with a coarser grid than with NewIndex's: for Los
// Angeles' council districts (33,000 edges) the build takes a fifth of the
// time and locating 10,000 points about as long. The answers are the same
// as NewIndex's (TestNewIndexForAgrees). points <= 0 gives NewIndex.
func NewIndexFor(l *Layer, points int) *Index {
	if points <= 0 {
		return NewIndex(l)
	}
	return newIndex(l, min(max(points, 1<<12), maxCells))
}

func newIndex(l *Layer, cellCap int) *Index {
	ix := &Index{layer: l}
	s := measureLayer(l)
	if !s.any || s.edges == 0 || !(s.b.Max[0] > s.b.Min[0]) || !(s.b.Max[1] > s.b.Min[1]) {
		return ix
	}
	ix.minX, ix.minY, ix.maxX, ix.maxY = s.b.Min[0], s.b.Min[1], s.b.Max[0], s.b.Max[1]
	nx, ny := gridShape(s, cellCap)
	w, h := ix.maxX-ix.minX, ix.maxY-ix.minY
	ix.nx, ix.ny = nx, ny
	ix.invW, ix.invH = float64(nx)/w, float64(ny)/h
	ix.cw, ix.ch = w/float64(nx), h/float64(ny)
	scale := math.Max(math.Max(math.Abs(ix.minX), math.Abs(ix.maxX)), math.Max(math.Abs(ix.minY), math.Abs(ix.maxY)))
	scale = math.Max(scale, math.Max(w, h))
	// Margins that cover the rounding of every computed position: an edge
	// farther than this from a cell cannot change its crossing decision
	// for a point of the cell.
	ix.epsX = math.Max(ix.cw*1e-6, scale*1e-12)
	ix.epsY = math.Max(ix.ch*1e-6, scale*1e-12)
	ix.build()
	return ix
}

// gridShape chooses the grid's columns and rows (see NewIndex).
func gridShape(s layerShape, cellCap int) (nx, ny int) {
	w, h := s.b.Max[0]-s.b.Min[0], s.b.Max[1]-s.b.Min[1]
	aspect := w * math.Cos((s.b.Min[1]+s.b.Max[1])/2*deg) / h
	if !(aspect > 0) || math.IsInf(aspect, 0) {
		aspect = w / h
	}
	target := float64(min(max(64*s.edges, 1<<16), maxCells, cellCap))
	nx = clampInt(math.Round(math.Sqrt(target*aspect)), 1, maxCells)
	ny = clampInt(math.Round(target/float64(nx)), 1, maxCells)
	for nx*ny > maxCells {
		nx, ny = max(1, nx*15/16), max(1, ny*15/16)
	}
	sx, sy := s.sumDX/w, s.sumDY/h // edge crossings of columns and of rows per unit
	depth := s.sumBoxes / (w * h)  // how many areas' boxes cover a point, on average
	budget := float64(max(16*s.edges, minEntryBudget))
	entries := func(nx, ny int) float64 {
		return float64(ny)*sy + float64(nx)*sx + 2*float64(s.edges) + depth*float64(nx)*float64(ny)
	}
	if entries(nx, ny) <= budget {
		return nx, ny
	}
	// Shape the cells to the edges (columns:rows as sy:sx minimises
	// ny*sy + nx*sx for a given number of cells), then shrink the grid
	// until the entries fit.
	n := float64(nx * ny)
	for {
		ratio := math.Max(sy, 1) / math.Max(sx, 1)
		cx := clampInt(math.Round(math.Sqrt(n*ratio)), 1, maxCells)
		cy := clampInt(math.Round(n/float64(cx)), 1, maxCells)
		if entries(cx, cy) <= budget || n <= 1 {
			return cx, cy
		}
		n = math.Floor(n * 0.7)
	}
}

func clampInt(v float64, lo, hi int) int {
	if !(v >= float64(lo)) {
		return lo
	}
	if v > float64(hi) {
		return hi
	}
	return int(v)
}

func (ix *Index) col(x float64) int {
	c := int((x - ix.minX) * ix.invW)
	if !(x-ix.minX >= 0) {
		return 0
	}
	return min(c, ix.nx-1)
}

func (ix *Index) row(y float64) int {
	r := int((y - ix.minY) * ix.invH)
	if !(y-ix.minY >= 0) {
		return 0
	}
	return min(r, ix.ny-1)
}

// rowEdge is one edge's passage through one grid row: the columns it may
// touch there (with the margin) and the edge (-1 for a horizontal edge,
// which only marks cells: it never crosses a horizontal ray).
type rowEdge struct {
	row, c0, c1 int32
	e           int32
}

// markList holds boundary (cell, area) pairs and extra full covers as two
// parallel slices (grouped by cell at the end of build).
type markList struct {
	cell []int32
	cand []cand
}

func (m *markList) add(cell int, c cand) {
	m.cell = append(m.cell, int32(cell))
	m.cand = append(m.cand, c)
}

func (ix *Index) build() {
	n := ix.nx * ix.ny
	// a grid of millions of cells read at random: in huge pages, a read
	// misses the processor's address cache less often
	owner := hugemem.Make[int32](n)
	for i := range owner {
		owner[i] = -1
	}
	var marks markList
	var areaEdges []edge
	var passes []rowEdge
	for ai := range ix.layer.Areas {
		a := &ix.layer.Areas[ai]
		if a.PointOnly() {
			continue
		}
		areaEdges, passes = areaEdges[:0], passes[:0]
		forEachEdge(a.Geom, func(p, q orb.Point) {
			e := int32(-1)
			if p[1] != q[1] {
				e = int32(len(areaEdges))
				if q[1] < p[1] {
					p, q = q, p
				}
				areaEdges = append(areaEdges, edge{p[0], p[1], q[0], q[1]})
			}
			ix.markEdge(p, q, func(r, c0, c1 int) {
				passes = append(passes, rowEdge{row: int32(r), c0: int32(c0), c1: int32(c1), e: e})
			})
		})
		sort.Slice(passes, func(i, j int) bool { return passes[i].row < passes[j].row })
		for i := 0; i < len(passes); {
			j := i
			for j < len(passes) && passes[j].row == passes[i].row {
				j++
			}
			ix.sweepRow(int32(ai), int(passes[i].row), passes[i:j], areaEdges, owner, &marks)
			i = j
		}
	}
	// Group the marks by cell (a counting sort keeps each cell's marks in
	// area order, the order they were made in) and put the first full
	// owner among them in its place.
	count := make([]int32, n+1)
	for _, c := range marks.cell {
		count[c+1]++
	}
	for i := 1; i <= n; i++ {
		count[i] += count[i-1]
	}
	perm := make([]int32, len(marks.cell)) // mark indices in cell order
	next := append([]int32(nil), count[:n]...)
	owners := 0
	for k, c := range marks.cell {
		if next[c] == count[c] && owner[c] >= 0 {
			owners++
		}
		perm[next[c]] = int32(k)
		next[c]++
	}
	next, marks.cell = nil, nil
	ix.start = make([]int32, 1, 1+len(perm))
	ix.cands = make([]cand, 0, len(perm)+owners)
	for cell := 0; cell < n; cell++ {
		lo, hi := count[cell], count[cell+1]
		if lo == hi {
			continue
		}
		o := owner[cell]
		for _, k := range perm[lo:hi] {
			c := marks.cand[k]
			if o >= 0 && o < c.area {
				ix.cands = append(ix.cands, cand{area: o, full: true})
				o = -1
			}
			ix.cands = append(ix.cands, c)
		}
		if o >= 0 {
			ix.cands = append(ix.cands, cand{area: o, full: true})
		}
		ix.start = append(ix.start, int32(len(ix.cands)))
		owner[cell] = -int32(len(ix.start)-2) - 2
	}
	ix.cells = owner
}

// sweepRow resolves one area's cells in one grid row, sweeping the columns
// from east to west. An edge passing near column c is kept for the cells it
// touches; once the sweep is west of it, the edge lies wholly east of every
// remaining cell, so it is crossed by the ray of a point (x, y) of the row
// exactly when ay <= y < by, which is [ay <= y] XOR [by <= y]. An end point
// in an earlier row makes its term 1 (folded into base), one in a later row
// 0, and one in this row is a break at its y; the terms of an end point
// shared by two such edges cancel, so a cell no edge passes near has no
// breaks and is wholly inside (base) or outside the area.
func (ix *Index) sweepRow(ai int32, r int, ps []rowEdge, areaEdges []edge, owner []int32, marks *markList) {
	byC1 := append([]rowEdge(nil), ps...)
	sort.Slice(byC1, func(i, j int) bool { return byC1[i].c1 > byC1[j].c1 })
	byC0 := ps // sorting in place is fine: the caller is done with the order
	sort.Slice(byC0, func(i, j int) bool { return byC0[i].c0 > byC0[j].c0 })
	base := false
	breaks := map[float64]struct{}{}
	toggle := func(y float64) {
		switch ry := ix.row(y); {
		case ry < r:
			base = !base
		case ry == r:
			if _, ok := breaks[y]; ok {
				delete(breaks, y)
			} else {
				breaks[y] = struct{}{}
			}
		}
	}
	var active []rowEdge
	i1, i0 := 0, 0
	c := int(byC1[0].c1)
	minC := int(byC0[len(byC0)-1].c0)
	for c >= minC {
		for i1 < len(byC1) && int(byC1[i1].c1) >= c {
			active = append(active, byC1[i1])
			i1++
		}
		for i0 < len(byC0) && int(byC0[i0].c0) > c {
			if e := byC0[i0].e; e >= 0 {
				toggle(areaEdges[e].ay)
				toggle(areaEdges[e].by)
			}
			i0++
		}
		k := 0
		for _, p := range active {
			if int(p.c0) <= c {
				active[k] = p
				k++
			}
		}
		active = active[:k]
		if len(active) > 0 {
			cd := cand{area: ai, base: base, e0: int32(len(ix.edges)), b0: int32(len(ix.breaks))}
			for _, p := range active {
				if p.e >= 0 {
					ix.edges = append(ix.edges, areaEdges[p.e])
				}
			}
			for y := range breaks {
				ix.breaks = append(ix.breaks, y)
			}
			cd.e1, cd.b1 = int32(len(ix.edges)), int32(len(ix.breaks))
			marks.add(r*ix.nx+c, cd)
			ix.BoundaryCells++
			c--
			continue
		}
		// No edge near: constant from c down to the next event.
		next := minC - 1
		if i1 < len(byC1) {
			next = max(next, int(byC1[i1].c1))
		}
		if i0 < len(byC0) {
			next = max(next, int(byC0[i0].c0)-1)
		}
		if base {
			for cc := c; cc > next; cc-- {
				cell := r*ix.nx + cc
				if owner[cell] < 0 {
					owner[cell] = ai
				} else {
					marks.add(cell, cand{area: ai, full: true})
				}
			}
		}
		c = next
	}
}

// markEdge calls mark for every grid row the segment pq may touch with the
// columns it may touch there, conservatively (a margin of epsX, epsY around
// the exact cells).
func (ix *Index) markEdge(p, q orb.Point, mark func(r, c0, c1 int)) {
	if q[1] < p[1] {
		p, q = q, p
	}
	r0, r1 := ix.row(p[1]-ix.epsY), ix.row(q[1]+ix.epsY)
	for r := r0; r <= r1; r++ {
		// The part of the segment inside this row's band, widened by the
		// margin so that every y the row formula puts in row r is covered.
		ylo := math.Max(p[1], ix.minY+float64(r)*ix.ch-ix.epsY)
		yhi := math.Min(q[1], ix.minY+float64(r+1)*ix.ch+ix.epsY)
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
		mark(r, ix.col(xa-ix.epsX), ix.col(xb+ix.epsX))
	}
}

// holds reports whether the candidate area holds the point.
func (ix *Index) holds(c *cand, x, y float64) bool {
	if c.full {
		return true
	}
	in := c.base
	for _, b := range ix.breaks[c.b0:c.b1] {
		if b <= y {
			in = !in
		}
	}
	if crossingInside(ix.edges[c.e0:c.e1], x, y) {
		in = !in
	}
	return in
}

// cellOf returns the cell value of a point inside the grid's extent.
func (ix *Index) cellOf(lon, lat float64) (int32, bool) {
	if !(lon >= ix.minX && lon < ix.maxX && lat >= ix.minY && lat < ix.maxY) {
		return -1, false
	}
	i := min(int((lon-ix.minX)*ix.invW), ix.nx-1)
	j := min(int((lat-ix.minY)*ix.invH), ix.ny-1)
	return ix.cells[j*ix.nx+i], true
}

// Locate returns the position of the one area holding the point (lon, lat)
// under the package's half-open boundary rule and first-area-wins overlap
// rule, or ok false when no area holds it.
func (ix *Index) Locate(lon, lat float64) (area int, ok bool) {
	v, in := ix.cellOf(lon, lat)
	if !in {
		return -1, false
	}
	if v >= -1 {
		return int(v), v >= 0
	}
	a := ix.boundary(v, lon, lat)
	return int(a), a >= 0
}

// boundary resolves a point of a boundary cell (cell value v <= -2): the
// first candidate holding it, or -1.
func (ix *Index) boundary(v int32, lon, lat float64) int32 {
	k := -(v + 2)
	cs := ix.cands[ix.start[k]:ix.start[k+1]]
	for i := range cs {
		if ix.holds(&cs[i], lon, lat) {
			return cs[i].area
		}
	}
	return -1
}

// LocateEach places many points at once: areas[i] is the position of the
// area holding (lons[i], lats[i]), as Locate gives it, or -1 when none
// does (a point that is not a finite number included). The slices have
// one length.
//
// It gives what Locate gives, faster on points in no order: the grid's
// cells are read first for all points, in a loop whose reads do not wait
// for one another, so that the processor fetches many from memory at a
// time; the few points in boundary cells are resolved after. Placed one
// by one among other work, each point waits for its cell (an import of
// ten million placed in three layers spent 2.5 s on it, bench/RESULTS.md).
func (ix *Index) LocateEach(lons, lats []float64, areas []int32) {
	if len(lats) != len(lons) || len(areas) != len(lons) {
		panic("geo: LocateEach of slices of different lengths")
	}
	for i, lon := range lons {
		areas[i], _ = ix.cellOf(lon, lats[i]) // -1 outside the grid
	}
	for i, v := range areas {
		if v <= -2 {
			areas[i] = ix.boundary(v, lons[i], lats[i])
		}
	}
}

// LocateAll returns every area holding the point (more than one only
// where areas overlap), in layer order.
func (ix *Index) LocateAll(lon, lat float64) []int {
	return ix.appendAll(nil, lon, lat)
}

// appendAll appends every area holding the point to dst, in layer order.
func (ix *Index) appendAll(dst []int, lon, lat float64) []int {
	v, in := ix.cellOf(lon, lat)
	if !in || v == -1 {
		return dst
	}
	if v >= 0 {
		return append(dst, int(v))
	}
	k := -(v + 2)
	cs := ix.cands[ix.start[k]:ix.start[k+1]]
	for i := range cs {
		if ix.holds(&cs[i], lon, lat) {
			dst = append(dst, int(cs[i].area))
		}
	}
	return dst
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
	v, in := ix.cellOf(lon, lat)
	if !in || v == -1 {
		return false
	}
	if v >= 0 {
		return int(v) == a
	}
	k := -(v + 2)
	cs := ix.cands[ix.start[k]:ix.start[k+1]]
	for i := range cs {
		if int(cs[i].area) == a {
			return ix.holds(&cs[i], lon, lat)
		}
	}
	return false
}

// Layer returns the indexed layer.
func (ix *Index) Layer() *Layer { return ix.layer }

// GridSize returns the grid's columns and rows.
func (ix *Index) GridSize() (nx, ny int) { return ix.nx, ix.ny }
