package mip

import "sort"

// Dominance. Variable j dominates variable i when, for every row, swapping
// i out of a solution and j in keeps the row within its limits whatever
// the other variables are: a_rj <= a_ri in rows with only an upper limit,
// a_rj >= a_ri in rows with only a lower limit, a_rj == a_ri in rows with
// both; and j's objective is at least i's. Then among the optimal
// solutions there is one that never takes i without j: starting from any
// optimal solution, swap each such i for its j while one exists. To make
// the swaps terminate, j must also come first in the order (objective
// descending, index ascending), so every swap moves a choice strictly up
// that order. Only variables free at the root qualify (a fixed or forced
// variable cannot be swapped).
//
// The implications x_i <= x_j are used by propagation only (fixing i to 1
// fixes j to 1; fixing j to 0 fixes i to 0), not as LP rows, and at most
// maxDominators per variable are kept (the first in the order). They cut
// off solutions, but never all the optimal ones, and every solution the
// search returns still meets the real rows exactly.
const (
	maxDominators   = 8
	maxDominanceVar = 4000 // above this many free variables the O(n^2) check is skipped
)

// computeDominance fills s.dominators[i] (the j that dominate i) and
// s.dominated[j] (the i that j dominates).
func (s *solver) computeDominance() {
	var free []int
	for j := 0; j < s.n; j++ {
		if s.rootLo[j] != s.rootUp[j] {
			free = append(free, j)
		}
	}
	if len(free) < 2 || len(free) > maxDominanceVar {
		return
	}
	obj := s.p.Obj
	sort.SliceStable(free, func(a, b int) bool { return obj[free[a]] > obj[free[b]] })
	s.dominators = make([][]int32, s.n)
	s.dominated = make([][]int32, s.n)
	coef := make([]int64, s.m) // column of i, dense
	for a, i := range free {
		for t := s.colStart[i]; t < s.colStart[i+1]; t++ {
			coef[s.colRow[t]] = s.colInt[t]
		}
		for _, j := range free[:a] { // every j before i in the order
			if len(s.dominators[i]) == maxDominators {
				break
			}
			if s.dominates(j, i, coef) {
				s.dominators[i] = append(s.dominators[i], int32(j))
				s.dominated[j] = append(s.dominated[j], int32(i))
			}
		}
		for t := s.colStart[i]; t < s.colStart[i+1]; t++ {
			coef[s.colRow[t]] = 0
		}
	}
}

// dominates reports whether j dominates i (coefI is i's column, dense).
func (s *solver) dominates(j, i int, coefI []int64) bool {
	// Rows where j has a coefficient.
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		r := s.colRow[t]
		if !s.rowAllows(r, s.colInt[t], coefI[r]) {
			return false
		}
	}
	// Rows where only i has one (j's coefficient is 0).
	for t := s.colStart[i]; t < s.colStart[i+1]; t++ {
		r := s.colRow[t]
		if s.coefIn(j, r) == 0 && !s.rowAllows(r, 0, s.colInt[t]) {
			return false
		}
	}
	return true
}

// rowAllows: in row r, putting coefficient cj in place of ci never breaks
// a limit.
func (s *solver) rowAllows(r int, cj, ci int64) bool {
	row := &s.p.Rows[r]
	switch {
	case row.Lo != NoLower && row.Hi != NoUpper:
		return cj == ci
	case row.Hi != NoUpper:
		return cj <= ci
	default:
		return cj >= ci
	}
}

func (s *solver) coefIn(j, r int) int64 {
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		if s.colRow[t] == r {
			return s.colInt[t]
		}
	}
	return 0
}

// implications applies the dominance implications of variable v, just
// fixed, and returns the variables they fix; false when they contradict
// the bounds.
func (s *solver) implications(v int, lo, up []int8, fixed []int) ([]int, bool) {
	if s.dominators == nil {
		return fixed, true
	}
	if lo[v] == 1 { // v taken: its dominators must be taken
		for _, j := range s.dominators[v] {
			switch {
			case up[j] == 0:
				return fixed, false
			case lo[j] == 0:
				lo[j] = 1
				fixed = append(fixed, int(j))
			}
		}
	}
	if up[v] == 0 { // v left out: what it dominates must be left out
		for _, i := range s.dominated[v] {
			switch {
			case lo[i] == 1:
				return fixed, false
			case up[i] == 1:
				up[i] = 0
				fixed = append(fixed, int(i))
			}
		}
	}
	return fixed, true
}
