package mip

import (
	"math"
	"sort"
)

// lp is a bounded dual simplex for the relaxation
//
//	minimise cost·z  subject to  [A  -I] z = 0,  lo <= z <= up,
//
// where z = (x, s): x the n structural variables (boxed, 0..1 or fixed) and
// s the m logical variables, s_r = row r of A times x, bounded by the row's
// limits (one side may be infinite). A is stored by columns, each row scaled
// by 1/max|a_rj| and the cost by 1/max|obj| so that tolerances are relative.
//
// Why a dual simplex: every structural variable is boxed, so any basis is
// made dual feasible by putting each nonbasic variable at the bound its
// reduced cost prefers. Branching only changes bounds, so the previous
// node's basis is a dual feasible warm start for every other node: no
// phase 1, and typically a handful of pivots per node.
//
// The basis inverse is kept explicitly (m is small: one row per budget year,
// area, dependency and the equity share), updated in product form and
// recomputed every refactorEvery pivots. Pricing uses exact dual
// steepest-edge weights (row norms of the inverse, cheap when it is
// explicit); the ratio test flips boxed variables across their breakpoints
// (the long-step or bound-flipping ratio test) and picks the largest pivot
// among near-ties (Harris).
type lp struct {
	m, n     int
	colStart []int
	colRow   []int
	colVal   []float64
	cost     []float64 // n+m, minimisation
	lo, up   []float64 // n+m
	head     []int     // basic variable at each position
	pos      []int     // position in the basis, -1 when nonbasic
	atUp     []bool    // nonbasic at its upper bound
	x        []float64 // n+m values
	d        []float64 // n+m reduced costs
	binv     []float64 // m*m, row-major; row i belongs to basis position i
	w        []float64 // dual steepest-edge weights, ||row i of binv||^2
	since    int       // pivots since the last refactorisation
	iters    int       // pivots in total
	shaky    bool      // a pivot disagreed with its row computation: refactor

	rho, alpha, col, tmp []float64
	cand                 []candidate
	flips                []int
	nz                   []int
}

type candidate struct {
	j     int
	ratio float64
	abs   float64
}

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpInfeasible
	lpIterLimit
)

const (
	primalTol     = 1e-9
	dualTol       = 1e-9
	pivotTol      = 1e-9
	refactorEvery = 64
)

// newLP builds the scaled relaxation of p with every structural variable
// boxed to [0,1]; rowScale and objScale are returned for unscaling duals.
func newLP(p *Problem) (*lp, []float64, float64) {
	n, m := len(p.Obj), len(p.Rows)
	s := &lp{m: m, n: n}
	rowScale := make([]float64, m)
	for r, row := range p.Rows {
		mx := 0.0
		for _, c := range row.Coefs {
			mx = math.Max(mx, math.Abs(float64(c)))
		}
		if mx == 0 {
			mx = 1
		}
		rowScale[r] = 1 / mx
	}
	count := make([]int, n+1)
	for _, row := range p.Rows {
		for k, j := range row.Vars {
			if row.Coefs[k] != 0 {
				count[j+1]++
			}
		}
	}
	for j := 0; j < n; j++ {
		count[j+1] += count[j]
	}
	s.colStart = count
	s.colRow = make([]int, count[n])
	s.colVal = make([]float64, count[n])
	next := append([]int(nil), count[:n]...)
	for r, row := range p.Rows {
		for k, j := range row.Vars {
			if row.Coefs[k] != 0 {
				s.colRow[next[j]] = r
				s.colVal[next[j]] = float64(row.Coefs[k]) * rowScale[r]
				next[j]++
			}
		}
	}
	objScale := 0.0
	for _, c := range p.Obj {
		objScale = math.Max(objScale, math.Abs(c))
	}
	if objScale == 0 {
		objScale = 1
	}
	objScale = 1 / objScale
	t := n + m
	s.cost = make([]float64, t)
	s.lo = make([]float64, t)
	s.up = make([]float64, t)
	for j, c := range p.Obj {
		s.cost[j] = -c * objScale
		s.up[j] = 1
	}
	for r, row := range p.Rows {
		s.lo[n+r], s.up[n+r] = math.Inf(-1), math.Inf(1)
		if row.Lo != NoLower {
			s.lo[n+r] = float64(row.Lo) * rowScale[r]
		}
		if row.Hi != NoUpper {
			s.up[n+r] = float64(row.Hi) * rowScale[r]
		}
	}
	s.head = make([]int, m)
	s.pos = make([]int, t)
	s.atUp = make([]bool, t)
	s.x = make([]float64, t)
	s.d = make([]float64, t)
	s.binv = make([]float64, m*m)
	s.w = make([]float64, m)
	s.rho = make([]float64, m)
	s.alpha = make([]float64, t)
	s.col = make([]float64, m)
	s.tmp = make([]float64, m)
	s.slackBasis()
	return s, rowScale, objScale
}

// slackBasis makes every logical variable basic (B = -I).
func (s *lp) slackBasis() {
	for j := range s.pos {
		s.pos[j] = -1
	}
	for i := 0; i < s.m; i++ {
		s.head[i] = s.n + i
		s.pos[s.n+i] = i
	}
	s.since = refactorEvery // force a refactorisation before the next pivot
	s.refresh()
}

// setBounds sets structural variable j's bounds (0/1 values).
func (s *lp) setBounds(j int, lo, up float64) {
	s.lo[j], s.up[j] = lo, up
}

// refresh refactorises the basis, recomputes duals, places every nonbasic
// variable at the bound its reduced cost prefers (dual feasibility) and
// recomputes the basic values.
func (s *lp) refresh() {
	if !s.refactor() {
		s.slackBasis()
		return
	}
	s.computeDuals()
	s.placeNonbasic()
	s.computePrimal()
}

// placeNonbasic puts each nonbasic variable at a bound: fixed variables at
// their value, boxed ones where the reduced cost is dual feasible, others at
// their only finite bound.
func (s *lp) placeNonbasic() {
	for j := 0; j < s.n+s.m; j++ {
		if s.pos[j] >= 0 {
			continue
		}
		lo, up := s.lo[j], s.up[j]
		switch {
		case lo == up:
			s.atUp[j] = false
		case math.IsInf(up, 1):
			s.atUp[j] = false
		case math.IsInf(lo, -1):
			s.atUp[j] = true
		case s.d[j] < -dualTol:
			s.atUp[j] = true
		case s.d[j] > dualTol:
			s.atUp[j] = false
		}
		if s.atUp[j] {
			s.x[j] = up
		} else {
			s.x[j] = lo
		}
	}
}

// refactor recomputes binv from the basis; false when the basis is
// numerically singular. It works by blocks: a basic logical variable
// covers its own row with the column -e_r, so only the rows R without a
// basic logical and the positions S holding structural variables need a
// real inverse (|R| = |S|, small: one per basic project). With M = B[R,S],
//
//	x_S = M^-1 v_R,   x_logical(r) = B[r,S] x_S - v_r   for r outside R,
//
// so binv's row for a structural position is a row of M^-1 (columns R),
// and the row for the logical of r is B[r,S] M^-1 (columns R) with -1 at
// column r.
func (s *lp) refactor() bool {
	m := s.m
	s.since = 0
	s.shaky = false
	if m == 0 {
		return true
	}
	logicalAt := make([]int, m) // basis position of row r's logical, or -1
	for r := range logicalAt {
		logicalAt[r] = -1
	}
	var posS []int
	for k, j := range s.head {
		if j >= s.n {
			logicalAt[j-s.n] = k
		} else {
			posS = append(posS, k)
		}
	}
	rowIdx := make([]int, m) // index of row r within R, or -1
	var rowsR []int
	for r := 0; r < m; r++ {
		rowIdx[r] = -1
		if logicalAt[r] < 0 {
			rowIdx[r] = len(rowsR)
			rowsR = append(rowsR, r)
		}
	}
	p := len(posS)
	if len(rowsR) != p {
		return false
	}
	mat := make([]float64, p*p)
	for c, k := range posS {
		j := s.head[k]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			if ri := rowIdx[s.colRow[t]]; ri >= 0 {
				mat[ri*p+c] = s.colVal[t]
			}
		}
	}
	inv, ok := invertDense(mat, p)
	if !ok {
		return false
	}
	for i := range s.binv {
		s.binv[i] = 0
	}
	for c, k := range posS {
		row := s.binv[k*m : (k+1)*m]
		for ri, r := range rowsR {
			row[r] = inv[c*p+ri]
		}
		j := s.head[k]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			kk := logicalAt[s.colRow[t]]
			if kk < 0 {
				continue
			}
			v, lrow := s.colVal[t], s.binv[kk*m:(kk+1)*m]
			for ri, r := range rowsR {
				lrow[r] += v * inv[c*p+ri]
			}
		}
	}
	for r, kk := range logicalAt {
		if kk >= 0 {
			s.binv[kk*m+r] = -1
		}
	}
	s.computeWeights()
	return true
}

// invertDense inverts the p x p row-major matrix a (destroyed) by
// Gauss-Jordan elimination with partial pivoting; false when singular.
func invertDense(a []float64, p int) ([]float64, bool) {
	inv := make([]float64, p*p)
	for i := 0; i < p; i++ {
		inv[i*p+i] = 1
	}
	for c := 0; c < p; c++ {
		piv, best := -1, 1e-11
		for r := c; r < p; r++ {
			if v := math.Abs(a[r*p+c]); v > best {
				piv, best = r, v
			}
		}
		if piv < 0 {
			return nil, false
		}
		if piv != c {
			swapRows(a, p, piv, c)
			swapRows(inv, p, piv, c)
		}
		f := 1 / a[c*p+c]
		for k := 0; k < p; k++ {
			a[c*p+k] *= f
			inv[c*p+k] *= f
		}
		for r := 0; r < p; r++ {
			g := a[r*p+c]
			if r == c || g == 0 {
				continue
			}
			for k := 0; k < p; k++ {
				a[r*p+k] -= g * a[c*p+k]
				inv[r*p+k] -= g * inv[c*p+k]
			}
		}
	}
	return inv, true
}

func swapRows(a []float64, m, i, k int) {
	for c := 0; c < m; c++ {
		a[i*m+c], a[k*m+c] = a[k*m+c], a[i*m+c]
	}
}

// weight returns the dual steepest-edge weight of basis position i,
// ||row i of binv||^2, computed when first needed after the inverse
// changed (only rows that are candidates to leave ever need it).
func (s *lp) weight(i int) float64 {
	if s.w[i] < 0 {
		v := 0.0
		for _, e := range s.binv[i*s.m : (i+1)*s.m] {
			v += e * e
		}
		s.w[i] = math.Max(v, 1e-12)
	}
	return s.w[i]
}

func (s *lp) computeWeights() {
	for i := range s.w {
		s.w[i] = -1
	}
}

// computePrimal sets the basic values x_B = -binv (sum over nonbasic j of
// column_j x_j).
func (s *lp) computePrimal() {
	m := s.m
	r := s.tmp
	for i := range r {
		r[i] = 0
	}
	for j := 0; j < s.n; j++ {
		if s.pos[j] >= 0 || s.x[j] == 0 {
			continue
		}
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			r[s.colRow[t]] += s.colVal[t] * s.x[j]
		}
	}
	for i := 0; i < m; i++ {
		if s.pos[s.n+i] < 0 {
			r[i] -= s.x[s.n+i]
		}
	}
	nz := s.nonzeros(r)
	for i := 0; i < m; i++ {
		s.x[s.head[i]] = -s.rowDot(i, r, nz)
	}
}

// nonzeros lists the indices of v's nonzero entries (in s.nz).
func (s *lp) nonzeros(v []float64) []int {
	nz := s.nz[:0]
	for k, e := range v {
		if e != 0 {
			nz = append(nz, k)
		}
	}
	s.nz = nz
	return nz
}

// rowDot returns (row i of binv) . v over v's nonzero entries nz.
func (s *lp) rowDot(i int, v []float64, nz []int) float64 {
	row := s.binv[i*s.m : (i+1)*s.m]
	sum := 0.0
	for _, k := range nz {
		sum += row[k] * v[k]
	}
	return sum
}

// computeDuals sets y = c_B binv and d_j = c_j - y·column_j.
func (s *lp) computeDuals() {
	y := s.duals()
	for j := 0; j < s.n; j++ {
		v := s.cost[j]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			v -= y[s.colRow[t]] * s.colVal[t]
		}
		s.d[j] = v
	}
	for i := 0; i < s.m; i++ {
		s.d[s.n+i] = y[i]
	}
	for _, j := range s.head {
		s.d[j] = 0
	}
}

// duals returns y = c_B binv (in s.rho's storage is not used: a new slice).
func (s *lp) duals() []float64 {
	m := s.m
	y := make([]float64, m)
	for i, j := range s.head {
		c := s.cost[j]
		if c == 0 {
			continue
		}
		row := s.binv[i*m : (i+1)*m]
		for k, e := range row {
			y[k] += c * e
		}
	}
	return y
}

// alphaOf returns rho·column_j.
func (s *lp) alphaOf(j int) float64 {
	if j >= s.n {
		return -s.rho[j-s.n]
	}
	v := 0.0
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		v += s.rho[s.colRow[t]] * s.colVal[t]
	}
	return v
}

// chooseRow returns the basis position of the most infeasible basic
// variable relative to its steepest-edge weight, or -1 when x_B is feasible.
func (s *lp) chooseRow() int {
	best, r := 0.0, -1
	for i, j := range s.head {
		v := s.x[j]
		inf := 0.0
		if v < s.lo[j]-primalTol {
			inf = s.lo[j] - v
		} else if v > s.up[j]+primalTol {
			inf = v - s.up[j]
		} else {
			continue
		}
		if sc := inf * inf / s.weight(i); sc > best {
			best, r = sc, i
		}
	}
	return r
}

// run performs dual simplex pivots until the basis is primal feasible
// (optimal), the row chosen to leave proves the relaxation infeasible, or
// maxIter pivots have been made.
func (s *lp) run(maxIter int) lpStatus {
	unproved := 0
	for it := 0; it < maxIter; it++ {
		if s.since >= refactorEvery || s.shaky {
			s.refresh()
		}
		r := s.chooseRow()
		if r < 0 {
			return lpOptimal
		}
		switch s.pivot(r) {
		case pivotDone:
		case pivotInfeasible:
			if s.since == 0 || unproved > 0 {
				return lpInfeasible
			}
			unproved++
			s.refresh() // confirm on a fresh factorisation
		case pivotRetry:
			s.refresh()
		}
	}
	return lpIterLimit
}

type pivotResult int

const (
	pivotDone pivotResult = iota
	pivotInfeasible
	pivotRetry
)

// pivot makes basic position r leave at its violated bound.
func (s *lp) pivot(r int) pivotResult {
	m := s.m
	p := s.head[r]
	sgn, infeas := 1.0, s.x[p]-s.up[p]
	if s.x[p] < s.lo[p] {
		sgn, infeas = -1, s.lo[p]-s.x[p]
	}
	copy(s.rho, s.binv[r*m:(r+1)*m])
	q, theta, ok := s.ratioTest(sgn, infeas)
	if !ok {
		return pivotInfeasible
	}
	s.columnOf(q)
	piv := s.col[r]
	if math.Abs(piv) < 1e-11 {
		return pivotRetry
	}
	if math.Abs(piv-s.alpha[q]) > 1e-7*(1+math.Abs(piv)) {
		s.shaky = true
	}
	// Dual update: d_j -= theta * sgn * alpha_j over the nonbasic columns.
	for j := 0; j < s.n+m; j++ {
		if s.pos[j] < 0 && s.lo[j] != s.up[j] {
			s.d[j] -= theta * sgn * s.alpha[j]
		}
	}
	s.d[p] = -sgn * theta
	s.d[q] = 0
	s.applyFlips()
	target := s.up[p]
	if sgn < 0 {
		target = s.lo[p]
	}
	delta := (s.x[p] - target) / piv
	for i, j := range s.head {
		if i != r {
			s.x[j] -= delta * s.col[i]
		}
	}
	s.x[q] += delta
	s.x[p] = target
	s.atUp[p] = sgn > 0
	s.pos[p], s.pos[q], s.head[r] = -1, r, q
	s.updateInverse(r, piv)
	s.iters++
	s.since++
	return pivotDone
}

// ratioTest chooses the entering variable for a row leaving in direction
// sgn with primal infeasibility infeas, flipping boxed variables whose
// breakpoints are passed while the dual objective still improves. It
// records the flips in s.flips and returns the entering variable and the
// dual step; ok is false when no variable can enter (the row proves the
// relaxation infeasible).
func (s *lp) ratioTest(sgn, infeas float64) (q int, theta float64, ok bool) {
	s.cand = s.cand[:0]
	for j := 0; j < s.n+s.m; j++ {
		if s.pos[j] >= 0 || s.lo[j] == s.up[j] {
			continue
		}
		a := s.alphaOf(j)
		s.alpha[j] = a
		ap := sgn * a
		var ratio float64
		switch {
		case !s.atUp[j] && ap > pivotTol:
			ratio = math.Max(s.d[j], 0) / ap
		case s.atUp[j] && ap < -pivotTol:
			ratio = math.Max(-s.d[j], 0) / -ap
		default:
			continue
		}
		s.cand = append(s.cand, candidate{j, ratio, math.Abs(a)})
	}
	c := s.cand
	sort.Slice(c, func(a, b int) bool {
		if c[a].ratio != c[b].ratio {
			return c[a].ratio < c[b].ratio
		}
		return c[a].j < c[b].j
	})
	slope := infeas
	k := 0
	for ; k < len(c); k++ {
		rng := s.up[c[k].j] - s.lo[c[k].j]
		if math.IsInf(rng, 1) || slope-c[k].abs*rng <= 0 {
			break
		}
		slope -= c[k].abs * rng
	}
	if k == len(c) {
		return 0, 0, false
	}
	best := k
	for t := k + 1; t < len(c) && c[t].ratio <= c[k].ratio+dualTol; t++ {
		if c[t].abs > c[best].abs {
			best = t
		}
	}
	s.flips = s.flips[:0]
	for t := 0; t < k; t++ {
		s.flips = append(s.flips, c[t].j)
	}
	return c[best].j, c[best].ratio, true
}

// applyFlips moves each flipped variable to its other bound and updates the
// basic values: x_B -= binv (sum column_j delta_j).
func (s *lp) applyFlips() {
	if len(s.flips) == 0 {
		return
	}
	f := s.tmp
	for i := range f {
		f[i] = 0
	}
	for _, j := range s.flips {
		delta := s.up[j] - s.lo[j]
		if s.atUp[j] {
			delta = -delta
		}
		s.atUp[j] = !s.atUp[j]
		s.x[j] += delta
		if j >= s.n {
			f[j-s.n] -= delta
			continue
		}
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			f[s.colRow[t]] += s.colVal[t] * delta
		}
	}
	nz := s.nonzeros(f)
	for i, j := range s.head {
		s.x[j] -= s.rowDot(i, f, nz)
	}
}

// columnOf sets s.col = binv column_j.
func (s *lp) columnOf(j int) {
	m := s.m
	if j >= s.n {
		for i := 0; i < m; i++ {
			s.col[i] = -s.binv[i*m+j-s.n]
		}
		return
	}
	for i := 0; i < m; i++ {
		v := 0.0
		row := s.binv[i*m : (i+1)*m]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			v += row[s.colRow[t]] * s.colVal[t]
		}
		s.col[i] = v
	}
}

// updateInverse applies the product-form update for a pivot on position r
// with column s.col and marks the weights of the rows it changes stale.
func (s *lp) updateInverse(r int, piv float64) {
	m := s.m
	rowR := s.binv[r*m : (r+1)*m]
	for k := range rowR {
		rowR[k] /= piv
	}
	for i := 0; i < m; i++ {
		f := s.col[i]
		if i == r || f == 0 {
			continue
		}
		row := s.binv[i*m : (i+1)*m]
		for k, e := range rowR {
			row[k] -= f * e
		}
		s.w[i] = -1
	}
	s.w[r] = -1
}

// lpState is a copy of everything a pivot changes, to try a branching
// and come back.
type lpState struct {
	head, pos []int
	atUp      []bool
	x, d      []float64
	binv, w   []float64
	since     int
	shaky     bool
}

func (s *lp) save(st *lpState) {
	st.head = append(st.head[:0], s.head...)
	st.pos = append(st.pos[:0], s.pos...)
	st.atUp = append(st.atUp[:0], s.atUp...)
	st.x = append(st.x[:0], s.x...)
	st.d = append(st.d[:0], s.d...)
	st.binv = append(st.binv[:0], s.binv...)
	st.w = append(st.w[:0], s.w...)
	st.since, st.shaky = s.since, s.shaky
}

func (s *lp) restore(st *lpState) {
	copy(s.head, st.head)
	copy(s.pos, st.pos)
	copy(s.atUp, st.atUp)
	copy(s.x, st.x)
	copy(s.d, st.d)
	copy(s.binv, st.binv)
	copy(s.w, st.w)
	s.since, s.shaky = st.since, st.shaky
}
