package mip

import (
	"math"
	"sort"
)

type heurWork struct {
	sel   []bool
	act   []int64
	tmp   []int64
	stamp []int
	gen   int
	order []int
}

func (w *heurWork) init(n, m int) {
	w.sel = make([]bool, n)
	w.act = make([]int64, m)
	w.tmp = make([]int64, m)
	w.stamp = make([]int, m)
	w.order = make([]int, 0, n)
}

// roundingHeuristic builds a solution from an LP point: the variables at 1
// (and those fixed to 1), then the fractional ones in decreasing LP value,
// each added only if it breaks no upper limit and takes no lower-limited row
// below (or further below) its limit. A feasible result is improved by
// local search and offered as the incumbent.
func (s *solver) roundingHeuristic(x []float64) {
	w := &s.work
	for r := range w.act {
		w.act[r] = 0
	}
	w.order = w.order[:0]
	for j := 0; j < s.n; j++ {
		w.sel[j] = false
		switch {
		case s.lo[j] == 1 || s.up[j] == 1 && x[j] >= 1-intTol:
			s.flip(j, true)
		case s.up[j] == 1 && x[j] > intTol:
			w.order = append(w.order, j)
		}
	}
	order := w.order
	sort.SliceStable(order, func(a, b int) bool {
		xa, xb := x[order[a]], x[order[b]]
		if xa != xb {
			return xa > xb
		}
		return s.p.Obj[order[a]] > s.p.Obj[order[b]]
	})
	for pass := 0; pass < 3; pass++ {
		added := false
		for _, j := range order {
			if !w.sel[j] && s.canAdd(j) {
				s.flip(j, true)
				added = true
			}
		}
		if !added {
			break
		}
	}
	if !s.hasInc && !s.repair(x) {
		return
	}
	for r := range s.p.Rows {
		if !s.p.Rows[r].Holds(w.act[r]) {
			return
		}
	}
	s.offer(append([]bool(nil), w.sel...))
}

// repair tries to lift rows below their lower limit (floors, the share)
// in the working solution: first by adding a variable that raises a short
// row without breaking any row that holds, then by swapping a chosen
// variable out for an unchosen one that raises it; candidates by LP value,
// then objective, then index. Used while no solution is known, so that a
// limited search still returns one. It reports whether every row holds.
func (s *solver) repair(x []float64) bool {
	order := s.repairOrder(x)
	for round := 0; round < 2*s.m+10; round++ {
		r := s.shortRow()
		if r < 0 {
			return s.allHold()
		}
		if !s.repairAdd(r, order) && !s.repairSwap(r, order) {
			return false
		}
	}
	return s.allHold()
}

func (s *solver) repairOrder(x []float64) []int {
	order := make([]int, 0, s.n)
	for j := 0; j < s.n; j++ {
		if s.up[j] == 1 && s.lo[j] == 0 {
			order = append(order, j)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		xa, xb := x[order[a]], x[order[b]]
		if xa != xb {
			return xa > xb
		}
		return s.p.Obj[order[a]] > s.p.Obj[order[b]]
	})
	return order
}

// shortRow returns the first row below its lower limit, or -1.
func (s *solver) shortRow() int {
	for r := range s.p.Rows {
		row := &s.p.Rows[r]
		if row.Lo != NoLower && s.work.act[r] < row.Lo {
			return r
		}
	}
	return -1
}

func (s *solver) allHold() bool {
	for r := range s.p.Rows {
		if !s.p.Rows[r].Holds(s.work.act[r]) {
			return false
		}
	}
	return true
}

// coef returns variable j's coefficient in row r (0 when absent).
func (s *solver) coef(j, r int) int64 {
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		if s.colRow[t] == r {
			return s.colInt[t]
		}
	}
	return 0
}

// repairAdd adds the first unchosen variable that raises short row r and
// keeps every other row's upper limit, and every lower limit that holds.
func (s *solver) repairAdd(r int, order []int) bool {
	for _, j := range order {
		if !s.work.sel[j] && s.coef(j, r) > 0 && s.canAdd(j) {
			s.flip(j, true)
			return true
		}
	}
	return false
}

// repairSwap swaps a chosen variable i out for an unchosen j when that
// raises short row r and breaks no row that held before.
func (s *solver) repairSwap(r int, order []int) bool {
	w := &s.work
	for _, j := range order {
		cj := s.coef(j, r)
		if w.sel[j] || cj <= 0 {
			continue
		}
		for k := len(order) - 1; k >= 0; k-- {
			i := order[k]
			if !w.sel[i] || cj-s.coef(i, r) <= 0 {
				continue
			}
			if s.swapKeepsHolding(i, j) {
				s.flip(i, false)
				s.flip(j, true)
				return true
			}
		}
	}
	return false
}

// swapKeepsHolding reports whether swapping i out and j in leaves every
// row that holds now still holding (short rows may stay short).
func (s *solver) swapKeepsHolding(i, j int) bool {
	w := &s.work
	s.swapHolds(i, j) // fills w.tmp for the rows i and j touch
	for _, v := range [2]int{i, j} {
		for t := s.colStart[v]; t < s.colStart[v+1]; t++ {
			r := s.colRow[t]
			row := &s.p.Rows[r]
			if row.Holds(w.act[r]) && !row.Holds(w.tmp[r]) {
				return false
			}
			if row.Hi != NoUpper && w.tmp[r] > row.Hi {
				return false
			}
		}
	}
	return true
}

// flip sets variable j in the working solution and updates activities.
func (s *solver) flip(j int, on bool) {
	w := &s.work
	if w.sel[j] == on {
		return
	}
	w.sel[j] = on
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		if on {
			w.act[s.colRow[t]] += s.colInt[t]
		} else {
			w.act[s.colRow[t]] -= s.colInt[t]
		}
	}
}

// canAdd: adding j breaks no upper limit and does not lower a row with a
// lower limit below it.
func (s *solver) canAdd(j int) bool {
	w := &s.work
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		row := &s.p.Rows[s.colRow[t]]
		a := w.act[s.colRow[t]] + s.colInt[t]
		if row.Hi != NoUpper && a > row.Hi || row.Lo != NoLower && s.colInt[t] < 0 && a < row.Lo {
			return false
		}
	}
	return true
}

// swapHolds reports whether removing i (when i >= 0) and adding j keeps
// every row touched within its limits.
func (s *solver) swapHolds(i, j int) bool {
	w := &s.work
	w.gen++
	touch := func(v int, sign int64) {
		for t := s.colStart[v]; t < s.colStart[v+1]; t++ {
			r := s.colRow[t]
			if w.stamp[r] != w.gen {
				w.stamp[r] = w.gen
				w.tmp[r] = w.act[r]
			}
			w.tmp[r] += sign * s.colInt[t]
		}
	}
	if i >= 0 {
		touch(i, -1)
	}
	touch(j, 1)
	check := func(v int) bool {
		for t := s.colStart[v]; t < s.colStart[v+1]; t++ {
			r := s.colRow[t]
			if !s.p.Rows[r].Holds(w.tmp[r]) {
				return false
			}
		}
		return true
	}
	return (i < 0 || check(i)) && check(j)
}

// offer verifies sel exactly and, when it beats the incumbent, improves it
// by local search (add one variable, or swap one in for one out, while the
// objective rises) and makes it the incumbent. Candidates that do not beat
// the incumbent are dropped without the search: at most nodes the rounded
// relaxation comes close to the incumbent without passing it, and
// searching around each of those costs more than it finds.
func (s *solver) offer(sel []bool) {
	if ok, _ := s.p.Feasible(sel); !ok {
		return
	}
	v := s.p.Value(sel)
	if s.hasInc && v <= s.incVal {
		return
	}
	s.loadWork(sel)
	s.localSearch()
	copy(sel, s.work.sel)
	if ok, _ := s.p.Feasible(sel); !ok {
		return // cannot happen: every move was checked; kept as a guard
	}
	v = s.p.Value(sel)
	if s.hasInc && v <= s.incVal {
		return
	}
	s.inc, s.incVal, s.hasInc = sel, v, true
	if s.opt.FirstFeasible {
		s.stop = "first feasible"
		return
	}
	s.refixRoot()
}

func (s *solver) loadWork(sel []bool) {
	w := &s.work
	for r := range w.act {
		w.act[r] = 0
	}
	for j := range w.sel {
		w.sel[j] = false
	}
	for j, on := range sel {
		if on {
			s.flip(j, true)
		}
	}
}

// localSearch improves the working solution (which must be feasible) by
// first-improvement moves: add a variable with positive objective, or swap
// a chosen variable for an unchosen one with a larger objective. Moves are
// tried in a fixed order (candidates to add by objective, largest first,
// ties to the lower index), so the result is deterministic. Variables fixed
// by the caller never move.
func (s *solver) localSearch() {
	w := &s.work
	obj := s.p.Obj
	order := w.order[:0]
	for j := 0; j < s.n; j++ {
		if s.p.fixed(j) == Free {
			order = append(order, j)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return obj[order[a]] > obj[order[b]] })
	w.order = order
	for pass := 0; pass < 20; pass++ {
		improved := false
		for _, j := range order {
			if !w.sel[j] && obj[j] > 0 && s.swapHolds(-1, j) {
				s.flip(j, true)
				improved = true
			}
		}
		// Swaps: for each chosen i (smallest objective first), the unchosen
		// j with larger objective, largest first.
		for k := len(order) - 1; k >= 0; k-- {
			i := order[k]
			if !w.sel[i] {
				continue
			}
			for _, j := range order {
				if obj[j] <= obj[i]+1e-12*math.Abs(obj[i]) {
					break
				}
				if !w.sel[j] && s.swapHolds(i, j) {
					s.flip(i, false)
					s.flip(j, true)
					improved = true
					break
				}
			}
		}
		if !improved {
			return
		}
	}
}
