package mip

import (
	"container/heap"
	"context"
	"math"
	"time"
)

// Options limit and steer a solve. The zero value searches to a proof of
// optimality with no limits.
type Options struct {
	// NodeLimit stops the search after this many nodes (0: no limit). A
	// node limit gives the same answer on every machine; a deadline does not.
	NodeLimit int
	// Deadline stops the search at this time (zero: none).
	Deadline time.Time
	// RelGap and AbsGap: a node is discarded when its bound exceeds the best
	// plan's objective by no more than max(AbsGap, RelGap*|objective|).
	// Zero means the defaults 1e-9 and 1e-9.
	RelGap, AbsGap float64
	// FirstFeasible stops at the first feasible solution (a feasibility
	// check rather than an optimisation).
	FirstFeasible bool
	// Start is an optional solution tried first; ignored unless feasible.
	Start []bool
}

// Status says what a solve established.
type Status int

// Statuses.
const (
	Optimal    Status = iota // the solution is proven optimal (within the gap tolerance)
	Feasible                 // a limit stopped the search: a solution, not proven optimal
	Infeasible               // proven: no 0-1 vector satisfies the rows and fixings
	NoSolution               // a limit stopped the search before any solution was found
)

func (st Status) String() string {
	return [...]string{"optimal", "feasible", "infeasible", "no solution"}[st]
}

// Result is the outcome of Solve.
type Result struct {
	Status    Status
	X         []bool  // the best solution found (nil when none)
	Objective float64 // its objective, summed in index order
	// Bound is a proven upper bound on the objective of every feasible
	// solution: the largest bound among the nodes discarded or left open,
	// at least Objective. For Optimal it exceeds Objective by at most the
	// gap tolerance (and equals it when the objective coefficients share
	// an integer step).
	Bound      float64
	RootBound  float64 // the LP relaxation's bound at the root (+Inf when the root was not solved)
	Nodes      int     // branch-and-bound nodes processed
	Iterations int     // dual simplex pivots
	RootFixed  int     // variables fixed at the root by propagation and reduced costs
	Dominance  int     // dominance implications x_i <= x_j used by propagation
	Limit      string  // what stopped the search early: "nodes", "time", "cancelled", "first feasible"; "" when complete
}

// Solve maximises p by branch and bound. It returns an error only for an
// invalid problem; infeasibility is a Status.
func Solve(ctx context.Context, p *Problem, opt Options) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s := newSolver(p, opt)
	return s.solve(ctx), nil
}

type node struct {
	bound float64 // a valid upper bound for the subtree (the parent's)
	seq   int64
	fix   []int32 // branching and reduced-cost fixings: var<<1 | value
	// how the node was made, for pseudo-costs
	parentBound float64
	branchVar   int
	up          bool
	frac        float64
}

type solver struct {
	p        *Problem
	opt      Options
	n, m     int
	colStart []int
	colRow   []int
	colCoef  []float64
	colInt   []int64
	rowMass  []float64

	lp       *lp
	rowScale []float64
	objScale float64
	lpLo     []int8
	lpUp     []int8

	rootLo, rootUp []int8
	lo, up         []int8
	d              []float64
	rootD          []float64
	rootBound      float64
	rootDone       bool
	rootFixed      int

	inc    []bool
	incVal float64
	hasInc bool
	step   float64 // objective granularity (0 when the coefficients share none)

	open      nodeHeap
	seq       int64
	nodes     int
	prunedMax float64
	stop      string
	ctx       context.Context

	pcSum   [2][]float64
	pcCnt   [2][]int
	work    heurWork
	cands   []scored
	saved   lpState
	dStrong []float64

	queue      []int // propagation
	varQueue   []int
	queued     []bool
	dominators [][]int32 // dominance.go
	dominated  [][]int32
	fixedBuf   []int
	seedBuf    []int
	rootDead   bool // root propagation after reduced-cost fixing found no improving plan
}

func newSolver(p *Problem, opt Options) *solver {
	if opt.RelGap <= 0 {
		opt.RelGap = 1e-9
	}
	if opt.AbsGap <= 0 {
		opt.AbsGap = 1e-9
	}
	n, m := len(p.Obj), len(p.Rows)
	s := &solver{p: p, opt: opt, n: n, m: m, prunedMax: math.Inf(-1), rootBound: math.Inf(1)}
	s.buildColumns()
	s.lp, s.rowScale, s.objScale = newLP(p)
	s.lpLo, s.lpUp = make([]int8, n), make([]int8, n)
	s.rootLo, s.rootUp = make([]int8, n), make([]int8, n)
	s.lo, s.up = make([]int8, n), make([]int8, n)
	s.d, s.rootD, s.dStrong = make([]float64, n), make([]float64, n), make([]float64, n)
	for j := 0; j < n; j++ {
		s.lpUp[j], s.rootUp[j] = 1, 1
		switch p.fixed(j) {
		case FixedZero:
			s.rootUp[j] = 0
		case FixedOne:
			s.rootLo[j] = 1
		}
	}
	for k := range s.pcSum {
		s.pcSum[k] = make([]float64, n)
		s.pcCnt[k] = make([]int, n)
	}
	s.step = objectiveStep(p.Obj)
	s.queued = make([]bool, m)
	s.work.init(n, m)
	return s
}

// buildColumns stores the rows by column (exact and float copies) and each
// row's magnitude (sum of |coefficients| and |limits|) for rounding margins.
func (s *solver) buildColumns() {
	s.colStart = make([]int, s.n+1)
	for _, row := range s.p.Rows {
		for _, j := range row.Vars {
			s.colStart[j+1]++
		}
	}
	for j := 0; j < s.n; j++ {
		s.colStart[j+1] += s.colStart[j]
	}
	nnz := s.colStart[s.n]
	s.colRow, s.colCoef, s.colInt = make([]int, nnz), make([]float64, nnz), make([]int64, nnz)
	next := append([]int(nil), s.colStart[:s.n]...)
	s.rowMass = make([]float64, s.m)
	for r, row := range s.p.Rows {
		mass := 0.0
		for k, j := range row.Vars {
			t := next[j]
			s.colRow[t], s.colInt[t], s.colCoef[t] = r, row.Coefs[k], float64(row.Coefs[k])
			next[j]++
			mass += math.Abs(float64(row.Coefs[k]))
		}
		if row.Lo != NoLower {
			mass += math.Abs(float64(row.Lo))
		}
		if row.Hi != NoUpper {
			mass += math.Abs(float64(row.Hi))
		}
		s.rowMass[r] = mass
	}
}

// objectiveStep returns g > 0 when every objective coefficient is an integer
// multiple of g (then every objective value is too), else 0.
func objectiveStep(obj []float64) float64 {
	var g int64
	for _, c := range obj {
		if c != math.Trunc(c) || math.Abs(c) > 1<<52 {
			return 0
		}
		g = gcd(g, int64(math.Abs(c)))
	}
	return float64(g)
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// prunable reports whether no solution in a subtree with this bound can
// improve on the incumbent by more than the tolerance.
func (s *solver) prunable(bound float64) bool {
	if !s.hasInc {
		return false
	}
	if s.step > 0 {
		return bound < s.incVal+s.step*(1-1e-9)
	}
	return bound <= s.incVal+math.Max(s.opt.AbsGap, s.opt.RelGap*math.Abs(s.incVal))
}

func (s *solver) solve(ctx context.Context) *Result {
	s.ctx = ctx
	copy(s.lo, s.rootLo)
	copy(s.up, s.rootUp)
	if !s.propagate(s.rootLo, s.rootUp, nil) {
		return s.result(true)
	}
	s.computeDominance()
	if s.opt.Start != nil && len(s.opt.Start) == s.n {
		s.offer(append([]bool(nil), s.opt.Start...))
	}
	s.push(&node{bound: math.Inf(1), branchVar: -1})
	for s.open.Len() > 0 && s.stop == "" {
		nd := heap.Pop(&s.open).(*node)
		if s.prunable(nd.bound) {
			s.prunedMax = math.Max(s.prunedMax, nd.bound)
			continue
		}
		s.dive(nd)
	}
	return s.result(s.stop == "")
}

// dive processes nd and keeps going down one child of each branching,
// leaving the other child open, until a node is pruned or solved.
func (s *solver) dive(nd *node) {
	for nd != nil {
		if s.limitReached() {
			s.push(nd)
			return
		}
		var other *node
		nd, other = s.process(nd)
		if other != nil {
			s.push(other)
		}
	}
}

func (s *solver) limitReached() bool {
	if s.stop != "" {
		return true
	}
	switch {
	case s.opt.NodeLimit > 0 && s.nodes >= s.opt.NodeLimit:
		s.stop = "nodes"
	case !s.opt.Deadline.IsZero() && s.nodes%16 == 0 && time.Now().After(s.opt.Deadline):
		s.stop = "time"
	case s.ctx != nil && s.nodes%16 == 0 && s.ctx.Err() != nil:
		s.stop = "cancelled"
	}
	return s.stop != ""
}

func (s *solver) push(nd *node) {
	s.seq++
	nd.seq = s.seq
	heap.Push(&s.open, nd)
}

// result assembles the Result; complete is true when the tree was exhausted.
func (s *solver) result(complete bool) *Result {
	res := &Result{Nodes: s.nodes, Iterations: s.lp.iters, RootBound: s.rootBound, RootFixed: s.rootFixed, Limit: s.stop}
	for _, d := range s.dominators {
		res.Dominance += len(d)
	}
	bound := s.prunedMax
	if !complete {
		for _, nd := range s.open {
			bound = math.Max(bound, nd.bound)
		}
	}
	if s.step > 0 && !math.IsInf(bound, 0) {
		bound = math.Floor(bound/s.step+1e-9) * s.step
	}
	switch {
	case s.hasInc:
		res.X, res.Objective = s.inc, s.incVal
		res.Bound = math.Max(bound, s.incVal)
		res.Status = Feasible
		if complete || s.prunable(res.Bound) && s.stop != "first feasible" {
			res.Status = Optimal
		}
	case complete:
		res.Status, res.Bound = Infeasible, math.Inf(-1)
	default:
		res.Status, res.Bound = NoSolution, bound
	}
	return res
}

type nodeHeap []*node

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(a, b int) bool {
	if h[a].bound != h[b].bound {
		return h[a].bound > h[b].bound
	}
	return h[a].seq < h[b].seq
}
func (h nodeHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(*node)) }
func (h *nodeHeap) Pop() any {
	old := *h
	nd := old[len(old)-1]
	*h = old[:len(old)-1]
	return nd
}
