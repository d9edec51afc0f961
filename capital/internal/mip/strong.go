package mip

import (
	"math"
	"sort"
)

// Reliability branching: a fractional variable whose pseudo-costs rest on
// fewer than reliable observations in either direction is scored by strong
// branching instead: both children's relaxations are reoptimised for at
// most strongPivots pivots from the node's basis and their Lagrangian
// bounds (valid even when the pivots stop early) measure the loss. At most
// strongCandidates variables, the best by their current score, are tried
// at a node. The observations also feed the pseudo-costs.
const (
	reliable         = 1
	strongCandidates = 8
	strongPivots     = 25
)

type scored struct {
	j     int
	f     float64
	score float64
}

// strongBranch returns the candidate (among cands, sorted by score) with
// the best strong-branching score, or -1 when none was tried. A candidate
// with a child that is infeasible or prunable is returned at once: that
// child dies immediately and the other is the node's only real successor.
func (s *solver) strongBranch(cands []scored, bound float64) (int, float64) {
	var tried []scored
	for _, c := range cands {
		if min(s.pcCnt[0][c.j], s.pcCnt[1][c.j]) < reliable {
			tried = append(tried, c)
		}
		if len(tried) == strongCandidates {
			break
		}
	}
	if len(tried) == 0 {
		return -1, 0
	}
	s.lp.save(&s.saved)
	best, bestScore, bestF := -1, -1.0, 0.0
	for _, c := range tried {
		var loss [2]float64
		for dir := 0; dir < 2; dir++ {
			b := s.strongChild(c.j, int8(dir))
			loss[dir] = math.Max(bound-b, 0)
			dist := c.f
			if dir == 1 {
				dist = 1 - c.f
			}
			if !math.IsInf(b, -1) {
				s.pcSum[dir][c.j] += loss[dir] / dist
				s.pcCnt[dir][c.j]++
			}
			s.lp.restore(&s.saved)
			if math.IsInf(b, -1) || s.prunable(b) {
				s.restoreBounds(c.j)
				return c.j, c.f
			}
		}
		s.restoreBounds(c.j)
		score := math.Max(loss[0], 1e-9) * math.Max(loss[1], 1e-9)
		if score > bestScore {
			best, bestScore, bestF = c.j, score, c.f
		}
	}
	return best, bestF
}

// strongChild fixes x_j = v in the relaxation, reoptimises for a few
// pivots and returns the child's Lagrangian bound (-Inf when infeasible).
func (s *solver) strongChild(j int, v int8) float64 {
	s.lp.setBounds(j, float64(v), float64(v))
	s.lp.placeNonbasic()
	s.lp.computePrimal()
	st := s.lp.run(strongPivots)
	if st == lpInfeasible {
		return math.Inf(-1)
	}
	lo, up := s.lo[j], s.up[j]
	s.lo[j], s.up[j] = v, v
	b := s.lagrangian(s.multipliers(), s.lo, s.up, s.dStrong)
	s.lo[j], s.up[j] = lo, up
	return b
}

// restoreBounds puts variable j's node bounds back into the relaxation.
func (s *solver) restoreBounds(j int) {
	s.lp.setBounds(j, float64(s.lo[j]), float64(s.up[j]))
}

func sortScored(c []scored) {
	sort.SliceStable(c, func(a, b int) bool {
		if c[a].score != c[b].score {
			return c[a].score > c[b].score
		}
		return c[a].j < c[b].j
	})
}
