package mip

import "math"

const intTol = 1e-6 // LP values within this of 0 or 1 count as integral

// process solves one node's relaxation and returns the child to dive into
// and the child to leave open (both nil when the node is pruned, proven
// infeasible or solved).
func (s *solver) process(nd *node) (dive, other *node) {
	s.nodes++
	if !s.nodeBounds(nd) || !s.propagate(s.lo, s.up, s.seedBuf) {
		return nil, nil
	}
	st := s.solveLP()
	if st == lpInfeasible {
		return nil, nil
	}
	// lagr goes with the reduced costs s.d; the subtree's bound may be
	// lower still (the parent's).
	lagr := s.lagrangian(s.multipliers(), s.lo, s.up, s.d)
	bound := math.Min(lagr, nd.bound)
	s.learnPseudoCost(nd, bound)
	root := nd.branchVar < 0 && len(nd.fix) == 0
	if root {
		s.rootBound = lagr
		copy(s.rootD, s.d)
		s.rootDone = true
	}
	if s.prunable(bound) {
		s.prunedMax = math.Max(s.prunedMax, bound)
		return nil, nil
	}
	x := s.lp.x[:s.n]
	if st == lpOptimal {
		s.roundingHeuristic(x)
		if s.stop != "" {
			return nil, nil
		}
		if s.prunable(bound) {
			s.prunedMax = math.Max(s.prunedMax, bound)
			return nil, nil
		}
	}
	fix := s.reducedCostFixing(lagr)
	if root {
		s.fixAtRoot(fix)
	}
	j, f := s.branchVariable(x, st == lpOptimal, lagr)
	if j < 0 {
		return nil, nil // integral: the heuristic has offered it as a solution
	}
	down := s.child(nd, fix, j, 0, bound, f)
	up := s.child(nd, fix, j, 1, bound, f)
	if f >= 0.5 {
		return up, down
	}
	return down, up
}

// nodeBounds sets s.lo/s.up to the root bounds plus the node's fixings;
// false when a fixing contradicts a root bound tightened since.
// The variables the fixings change are left in s.seedBuf for propagation.
func (s *solver) nodeBounds(nd *node) bool {
	if s.rootDead {
		return false
	}
	copy(s.lo, s.rootLo)
	copy(s.up, s.rootUp)
	s.seedBuf = s.seedBuf[:0]
	for _, f := range nd.fix {
		j, v := int(f>>1), int8(f&1)
		if s.lo[j] > v || s.up[j] < v {
			return false
		}
		if s.lo[j] != s.up[j] {
			s.seedBuf = append(s.seedBuf, j)
		}
		s.lo[j], s.up[j] = v, v
	}
	return true
}

// solveLP loads s.lo/s.up into the relaxation and reoptimises from the
// current basis.
func (s *solver) solveLP() lpStatus {
	for j := 0; j < s.n; j++ {
		if s.lo[j] != s.lpLo[j] || s.up[j] != s.lpUp[j] {
			s.lp.setBounds(j, float64(s.lo[j]), float64(s.up[j]))
			s.lpLo[j], s.lpUp[j] = s.lo[j], s.up[j]
		}
	}
	// Fixed variables' reduced costs are not maintained by the pivots;
	// recompute all before choosing each nonbasic variable's bound.
	s.lp.computeDuals()
	s.lp.placeNonbasic()
	s.lp.computePrimal()
	st := s.lp.run(20*(s.n+s.m) + 1000)
	if st == lpIterLimit {
		s.lp.refresh()
		st = s.lp.run(40*(s.n+s.m) + 2000)
	}
	return st
}

// reducedCostFixing returns fixings valid for the subtree: with d_j the
// Lagrangian reduced cost, moving a free x_j away from the value the bound
// prefers lowers the bound by |d_j|; when that already makes the subtree
// prunable, x_j is fixed at the preferred value.
func (s *solver) reducedCostFixing(bound float64) []int32 {
	if !s.hasInc {
		return nil
	}
	var fix []int32
	for j := 0; j < s.n; j++ {
		if s.lo[j] == s.up[j] {
			continue
		}
		d := s.d[j]
		switch {
		case d > 0 && s.prunable(bound-d):
			fix = append(fix, int32(j<<1|1))
		case d < 0 && s.prunable(bound+d):
			fix = append(fix, int32(j<<1))
		}
	}
	return fix
}

// fixAtRoot makes root fixings permanent and propagates them.
func (s *solver) fixAtRoot(fix []int32) {
	var changed []int
	for _, f := range fix {
		j, v := int(f>>1), int8(f&1)
		if s.rootLo[j] != s.rootUp[j] {
			s.rootLo[j], s.rootUp[j] = v, v
			s.rootFixed++
			changed = append(changed, j)
		}
	}
	s.propagateRoot(changed)
}

// propagateRoot propagates root fixings made after the search began. The
// fixings hold for every plan better than the incumbent, so when they
// cannot all hold no better plan exists and the search is over.
func (s *solver) propagateRoot(changed []int) {
	if len(changed) > 0 && !s.propagate(s.rootLo, s.rootUp, changed) {
		s.rootDead = true
	}
}

// refixRoot applies reduced-cost fixing with the root's multipliers after
// the incumbent improves: valid for the whole search.
func (s *solver) refixRoot() {
	if !s.rootDone {
		return
	}
	var changed []int
	for j := 0; j < s.n; j++ {
		if s.rootLo[j] == s.rootUp[j] {
			continue
		}
		d := s.rootD[j]
		switch {
		case d > 0 && s.prunable(s.rootBound-d):
			s.rootLo[j] = 1
		case d < 0 && s.prunable(s.rootBound+d):
			s.rootUp[j] = 0
		default:
			continue
		}
		s.rootFixed++
		changed = append(changed, j)
	}
	s.propagateRoot(changed)
}

func (s *solver) child(nd *node, fix []int32, j int, v int32, bound, f float64) *node {
	all := make([]int32, 0, len(nd.fix)+len(fix)+1)
	all = append(append(append(all, nd.fix...), fix...), int32(j)<<1|v)
	return &node{bound: bound, fix: all, parentBound: bound, branchVar: j, up: v == 1, frac: f}
}

// branchVariable picks the fractional variable with the best score: the
// product of the estimated bound losses down and up (pseudo-costs, or
// strong branching for variables without reliable ones); ties go to the
// lowest index. It returns the variable and its LP value. When the
// relaxation is integral (or was not solved to optimality) it returns the
// first free variable unless the rounded LP point is a solution, or -1.
func (s *solver) branchVariable(x []float64, optimal bool, bound float64) (int, float64) {
	avg := s.averagePseudoCosts()
	cands := s.cands[:0]
	for j := 0; j < s.n; j++ {
		if s.lo[j] == s.up[j] {
			continue
		}
		f := x[j]
		if f < intTol || f > 1-intTol {
			continue
		}
		dn := s.pseudoCost(0, j, avg[0]) * f
		up := s.pseudoCost(1, j, avg[1]) * (1 - f)
		cands = append(cands, scored{j, f, math.Max(dn, 1e-9) * math.Max(up, 1e-9)})
	}
	s.cands = cands
	if len(cands) > 0 {
		sortScored(cands)
		if optimal {
			if j, f := s.strongBranch(cands, bound); j >= 0 {
				return j, f
			}
		}
		return cands[0].j, cands[0].f
	}
	if optimal && s.roundedIsSolution(x) {
		return -1, 0
	}
	for j := 0; j < s.n; j++ {
		if s.lo[j] != s.up[j] {
			return j, x[j]
		}
	}
	return -1, 0
}

// roundedIsSolution reports whether the rounded LP point satisfies every
// row exactly (then the node is solved: its relaxation optimum is integral).
func (s *solver) roundedIsSolution(x []float64) bool {
	sel := s.work.sel
	for j := range sel {
		sel[j] = x[j] > 0.5
	}
	ok, _ := s.p.Feasible(sel)
	return ok
}

func (s *solver) pseudoCost(dir, j int, avg float64) float64 {
	if s.pcCnt[dir][j] == 0 {
		return avg
	}
	return s.pcSum[dir][j] / float64(s.pcCnt[dir][j])
}

func (s *solver) averagePseudoCosts() [2]float64 {
	var avg [2]float64
	for dir := 0; dir < 2; dir++ {
		sum, cnt := 0.0, 0
		for j := 0; j < s.n; j++ {
			if s.pcCnt[dir][j] > 0 {
				sum += s.pcSum[dir][j] / float64(s.pcCnt[dir][j])
				cnt++
			}
		}
		avg[dir] = 1
		if cnt > 0 {
			avg[dir] = sum / float64(cnt)
		}
	}
	return avg
}

// learnPseudoCost records the bound loss per unit of change of the
// variable branched on to make nd.
func (s *solver) learnPseudoCost(nd *node, bound float64) {
	if nd.branchVar < 0 || math.IsInf(nd.parentBound, 0) {
		return
	}
	loss := math.Max(nd.parentBound-bound, 0)
	dir, dist := 0, nd.frac
	if nd.up {
		dir, dist = 1, 1-nd.frac
	}
	if dist < intTol {
		return
	}
	s.pcSum[dir][nd.branchVar] += loss / dist
	s.pcCnt[dir][nd.branchVar]++
}
