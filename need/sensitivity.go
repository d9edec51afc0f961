package need

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/budgetlens/budgetlens/budget"
)

// SensitivityOptions control the Monte Carlo.
type SensitivityOptions struct {
	Runs int    // number of Monte Carlo runs (default 1000)
	Seed uint64 // random seed (runs are reproducible for a seed)
	// Concentration of the Dirichlet distributions around the spec's
	// weights: each draw of a group of K weights with shares w has
	// alpha_k = Concentration x K x w_k. Larger means closer to the spec
	// (default 10).
	Concentration float64
	// Normalisations drawn uniformly per run (default: the spec's own
	// only). Names as in Normalisation.Method.
	Normalisations []string
	// LeaveOneOut: each run leaves out one indicator drawn uniformly from
	// "none" and each indicator.
	LeaveOneOut bool
	// MOE: in each run, indicators with margins of error get values drawn
	// from Normal(value, (MOE / 1.645)^2) (the ACS publishes 90% margins)
	// and are normalised again with the spec's normalisation.
	MOE bool
	// Workers (default GOMAXPROCS).
	Workers int
}

// AreaSensitivity is one area's rank distribution over the runs.
type AreaSensitivity struct {
	ID       string  `json:"id"`
	BaseRank int     `json:"base_rank"`
	P05      float64 `json:"rank_p05"`
	Median   float64 `json:"rank_median"`
	P95      float64 `json:"rank_p95"`
	TopShare float64 `json:"p_top_tier"` // share of runs in which the area is in the top tier
}

// InputShare is one input's first-order share of the rank variance.
type InputShare struct {
	Input string  `json:"input"`
	Share float64 `json:"share"`
}

// SensitivityResult is the outcome of a Monte Carlo.
type SensitivityResult struct {
	Runs    int               `json:"runs"`
	TopTier string            `json:"top_tier"`
	TopCut  float64           `json:"top_percentile_cut"`
	Areas   []AreaSensitivity `json:"areas"`
	Global  []InputShare      `json:"global"`
}

// SensitivityInput is what the Monte Carlo needs: the spec, the area ids,
// raw values and the run's normalised values, both [indicator][area].
type SensitivityInput struct {
	Spec *Spec
	IDs  []string
	Raw  [][]float64
	Norm [][]float64
	MOE  [][]float64 // nil, or margins [indicator][area] (NaN: none)
}

// InputFromRun rebuilds the Monte Carlo input from a stored run.
func InputFromRun(r *Run, spec *Spec) *SensitivityInput {
	in := &SensitivityInput{Spec: spec}
	k := len(r.Indicators)
	in.Raw = make([][]float64, k)
	in.Norm = make([][]float64, k)
	for j := 0; j < k; j++ {
		in.Raw[j] = make([]float64, len(r.Areas))
		in.Norm[j] = make([]float64, len(r.Areas))
	}
	for a, ar := range r.Areas {
		in.IDs = append(in.IDs, ar.ID)
		for j := 0; j < k; j++ {
			in.Raw[j][a] = float64(ar.Values[j])
			in.Norm[j][a] = float64(ar.Normalised[j])
		}
		if len(ar.MOE) == k {
			if in.MOE == nil {
				in.MOE = make([][]float64, k)
				for j := range in.MOE {
					in.MOE[j] = nanSlice(len(r.Areas))
				}
			}
			for j := 0; j < k; j++ {
				in.MOE[j][a] = float64(ar.MOE[j])
			}
		}
	}
	return in
}

// topCut is the percentile at or above which an area is in the top tier.
func topCut(s *Spec) float64 {
	switch s.Tiers.Method {
	case "cuts":
		if len(s.Tiers.Cuts) > 0 && (s.Tiers.On != "score" || s.Rerank) {
			return s.Tiers.Cuts[len(s.Tiers.Cuts)-1]
		}
	case "quantiles":
		n := len(s.TierLabels())
		return float64(n-1) / float64(n) * 100
	}
	return 75
}

// Sensitivity runs the Monte Carlo: in each run the indicator weights
// inside each domain and the domain weights inside each component are
// drawn from Dirichlet distributions centred on the spec's weights, one
// normalisation is drawn from opt.Normalisations and, with LeaveOneOut, one
// indicator (or none) is left out. Each run ranks the areas (1 = most
// need). Per area it reports the 5th, 50th and 95th percentiles of the rank
// (nearest-rank) and the share of runs in which the area's percentile
// (max-rank ties, 0-100) is above the top tier's cut. Globally it reports
// each input's first-order share of the rank variance, Var(E[rank |
// input]) / Var(rank) pooled over areas, estimated by binning continuous
// inputs into 10 equal-count bins (shares of a non-additive model need not
// sum to 1).
func Sensitivity(in *SensitivityInput, opt SensitivityOptions) (*SensitivityResult, error) {
	spec := in.Spec
	if spec.Method != "composite" {
		return nil, budget.Errorf(budget.EINVALID, "need: sensitivity needs a composite index (weights to vary); %s uses thresholds", spec.Name)
	}
	opt = opt.withDefaults()
	norms, names, err := alternativeNorms(in, opt.Normalisations)
	if err != nil {
		return nil, err
	}
	mc := newMonteCarlo(in, opt, norms, names)
	mc.run()
	res := &SensitivityResult{Runs: opt.Runs, TopTier: spec.TopTier(), TopCut: topCut(spec)}
	res.Areas = mc.areaSummaries(res.TopCut)
	res.Global = globalShares(mc)
	return res, nil
}

// withDefaults fills the zero options: 1,000 runs, concentration 10, a
// worker per core.
func (opt SensitivityOptions) withDefaults() SensitivityOptions {
	if opt.Runs <= 0 {
		opt.Runs = 1000
	}
	if opt.Concentration <= 0 {
		opt.Concentration = 10
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	return opt
}

// alternativeNorms returns the indicator matrices a run may draw: the
// spec's own normalisation first, then each alternative method (raw values
// normalised again; an indicator without raw values keeps its normalised
// ones), with their names.
func alternativeNorms(in *SensitivityInput, methods []string) ([][][]float64, []string, error) {
	spec := in.Spec
	norms := [][][]float64{in.Norm}
	names := []string{"spec"}
	for _, m := range methods {
		if m == "" || m == spec.Normalise.Method {
			continue
		}
		nm := Normalisation{Method: m, Ties: TiesAverage, Scale: 100}
		if err := nm.validate(); err != nil {
			return nil, nil, budget.Errorf(budget.EINVALID, "need: sensitivity: %w", err)
		}
		mat := make([][]float64, len(in.Raw))
		for k := range in.Raw {
			src := in.Raw[k]
			if allNaN(src) {
				src = in.Norm[k]
			}
			mat[k] = Normalise(src, nm, spec.Indicators[k].Direction == "lower")
		}
		norms = append(norms, mat)
		names = append(names, m)
	}
	return norms, names, nil
}

// monteCarlo holds one sensitivity analysis: the inputs, the draws of every
// run and the ranks they gave.
type monteCarlo struct {
	in       *SensitivityInput
	spec     *Spec
	opt      SensitivityOptions
	st       *structure
	names    []string    // normalisation of each matrix
	flat     [][]float64 // area-major matrices for the inner loop
	moeInd   []int       // indicators perturbed by their margins of error
	n, K, nd int
	// ranks[a*runs+r]: area-major, so per-area summaries read sequentially
	ranks []int32
	// the draws of each run: normalisation, left-out indicator (-1 none),
	// indicator weights (runs x K) and domain weights (runs x nd)
	normChoice, leftOut []int
	iwDraw, dwDraw      []float64
}

func newMonteCarlo(in *SensitivityInput, opt SensitivityOptions, norms [][][]float64, names []string) *monteCarlo {
	st := buildStructure(in.Spec)
	n, K := len(in.IDs), len(in.Spec.Indicators)
	mc := &monteCarlo{in: in, spec: in.Spec, opt: opt, st: st, names: names, n: n, K: K, nd: len(st.dw),
		ranks: make([]int32, opt.Runs*n), normChoice: make([]int, opt.Runs), leftOut: make([]int, opt.Runs),
		iwDraw: make([]float64, opt.Runs*K), dwDraw: make([]float64, opt.Runs*len(st.dw))}
	mc.flat = make([][]float64, len(norms))
	for m, mat := range norms {
		mc.flat[m] = make([]float64, n*K)
		for k := 0; k < K; k++ {
			for a := 0; a < n; a++ {
				mc.flat[m][a*K+k] = mat[k][a]
			}
		}
	}
	if opt.MOE && in.MOE != nil {
		for k := range in.MOE {
			if !allNaN(in.MOE[k]) {
				mc.moeInd = append(mc.moeInd, k)
			}
		}
	}
	return mc
}

// worker is one goroutine's scratch space.
type worker struct {
	score  []float64
	order  []scored
	rk     []int32
	buf    []float64
	iw, dw []float64
	own    []float64 // this worker's copy of a matrix, for MOE draws
	pert   []float64
}

func (mc *monteCarlo) newWorker() *worker {
	w := &worker{score: make([]float64, mc.n), order: make([]scored, 2*mc.n), rk: make([]int32, mc.n), buf: make([]float64, len(mc.st.cw)),
		iw: make([]float64, mc.K), dw: make([]float64, mc.nd), pert: make([]float64, mc.n)}
	if len(mc.moeInd) > 0 {
		w.own = make([]float64, mc.n*mc.K)
	}
	return w
}

// run computes every run on opt.Workers goroutines. Each run has its own
// random source seeded by (seed, run), so results do not depend on
// scheduling.
func (mc *monteCarlo) run() {
	var wg sync.WaitGroup
	next := make(chan int, mc.opt.Runs)
	for r := 0; r < mc.opt.Runs; r++ {
		next <- r
	}
	close(next)
	for range mc.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := mc.newWorker()
			for r := range next {
				mc.one(r, w)
			}
		}()
	}
	wg.Wait()
}

// one draws run r's weights, left-out indicator and normalisation, scores
// every area and records the ranks.
func (mc *monteCarlo) one(r int, w *worker) {
	K, nd := mc.K, mc.nd
	rng := rand.New(rand.NewPCG(mc.opt.Seed, uint64(r)))
	drawWeights(rng, mc.st, mc.opt.Concentration, w.iw, w.dw)
	lo := -1
	if mc.opt.LeaveOneOut {
		lo = rng.IntN(K+1) - 1
		if lo >= 0 {
			w.iw[lo] = 0
		}
	}
	m := rng.IntN(len(mc.flat))
	mc.normChoice[r], mc.leftOut[r] = m, lo
	copy(mc.iwDraw[r*K:], w.iw)
	copy(mc.dwDraw[r*nd:], w.dw)
	mat := mc.flat[m]
	if len(mc.moeInd) > 0 {
		mat = mc.perturb(rng, m, mat, w)
	}
	for a := 0; a < mc.n; a++ {
		mc.st.componentValuesW(mat[a*K:(a+1)*K], w.iw, w.dw, w.buf)
		w.score[a] = mc.st.combineComponents(w.buf)
	}
	rankInto(w.score, w.order, w.rk)
	for a, x := range w.rk {
		mc.ranks[a*mc.opt.Runs+r] = x
	}
}

// perturb draws the indicators with margins of error from normal
// distributions (a 90% margin is 1.645 standard errors) and normalises them
// again with matrix m's method, into the worker's own copy of mat.
func (mc *monteCarlo) perturb(rng *rand.Rand, m int, mat []float64, w *worker) []float64 {
	K, in, spec := mc.K, mc.in, mc.spec
	copy(w.own, mat)
	for _, k := range mc.moeInd {
		for a := 0; a < mc.n; a++ {
			w.pert[a] = in.Raw[k][a]
			if e := in.MOE[k][a]; !math.IsNaN(e) && !math.IsNaN(w.pert[a]) {
				w.pert[a] += rng.NormFloat64() * e / 1.645
			}
		}
		nm := spec.normalisationOf(&spec.Indicators[k])
		if m > 0 {
			nm = Normalisation{Method: mc.names[m], Ties: TiesAverage, Scale: 100}
		}
		col := Normalise(w.pert, nm, spec.Indicators[k].Direction == "lower")
		for a := 0; a < mc.n; a++ {
			w.own[a*K+k] = col[a]
		}
	}
	return w.own
}

// areaSummaries gives each area its base rank, the 5th, 50th and 95th
// percentiles of its ranks over the runs, and the share of runs that put it
// above topCut.
func (mc *monteCarlo) areaSummaries(topCut float64) []AreaSensitivity {
	n, K, runs := mc.n, mc.K, mc.opt.Runs
	nScored := 0
	for a := 0; a < n; a++ {
		if mc.ranks[a*runs] > 0 {
			nScored++
		}
	}
	baseScores := make([]float64, n)
	bbuf := make([]float64, len(mc.st.cw))
	for a := 0; a < n; a++ {
		mc.st.componentValuesW(mc.flat[0][a*K:(a+1)*K], mc.st.iw, mc.st.dw, bbuf)
		baseScores[a] = mc.st.combineComponents(bbuf)
	}
	baseRank := make([]int32, n)
	rankInto(baseScores, make([]scored, 2*n), baseRank)
	out := make([]AreaSensitivity, n)
	parallel(n, mc.opt.Workers, func(lo, hi int) {
		col := make([]int32, runs)
		for a := lo; a < hi; a++ {
			as := AreaSensitivity{ID: mc.in.IDs[a], BaseRank: int(baseRank[a])}
			top, valid := 0, 0
			for _, x := range mc.ranks[a*runs : (a+1)*runs] {
				if x == 0 {
					continue
				}
				col[valid] = x
				valid++
				// percentile with max ties: (scored - rank + 1) / scored * 100
				if float64(nScored-int(x)+1)/float64(nScored)*100 > topCut {
					top++
				}
			}
			if valid == 0 {
				as.P05, as.Median, as.P95 = math.NaN(), math.NaN(), math.NaN()
			} else {
				c := col[:valid]
				slices.Sort(c)
				as.P05, as.Median, as.P95 = nearestRank(c, 0.05), nearestRank(c, 0.50), nearestRank(c, 0.95)
				as.TopShare = float64(top) / float64(valid)
			}
			out[a] = as
		}
	})
	return out
}

func allNaN(x []float64) bool {
	for _, v := range x {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

func nearestRank(sorted []int32, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(sorted[i])
}

// parallel splits [0, n) into chunks run on workers goroutines.
func parallel(n, workers int, fn func(lo, hi int)) {
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

type scored struct {
	key uint64 // order-preserving bits of -score (ascending key = descending score)
	a   int32
}

// sortKey maps a float64 to a uint64 whose unsigned order is the float's
// order reversed (so an ascending sort puts the highest score first).
func sortKey(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 == 1 {
		b = ^b
	} else {
		b |= 1 << 63
	}
	return ^b
}

// radixSort sorts by key (LSD, 8 bits a pass, skipping passes where every
// key has the same byte); tmp has the same length as o.
func radixSort(o, tmp []scored) []scored {
	var count [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		for i := range count {
			count[i] = 0
		}
		for _, e := range o {
			count[byte(e.key>>shift)]++
		}
		if count[byte(o[0].key>>shift)] == len(o) {
			continue
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, e := range o {
			b := byte(e.key >> shift)
			tmp[count[b]] = e
			count[b]++
		}
		o, tmp = tmp, o
	}
	return o
}

// rankInto writes 1-based ranks (1 = highest score, ties share the best
// rank) into out; areas without a score get 0. order needs room for
// 2 x len(score) entries.
func rankInto(score []float64, order []scored, out []int32) {
	m := 0
	for a, s := range score {
		if !math.IsNaN(s) {
			order[m] = scored{sortKey(s), int32(a)}
			m++
		} else {
			out[a] = 0
		}
	}
	if m == 0 {
		return
	}
	o := radixSort(order[:m], order[len(score):len(score)+m])
	for i, e := range o {
		if i > 0 && e.key == o[i-1].key {
			out[e.a] = out[o[i-1].a]
		} else {
			out[e.a] = int32(i + 1)
		}
	}
}

// gamma draws from Gamma(alpha, 1) (Marsaglia and Tsang; alpha < 1 by
// boosting).
func gamma(rng *rand.Rand, alpha float64) float64 {
	if alpha < 1 {
		return gamma(rng, alpha+1) * math.Pow(rng.Float64(), 1/alpha)
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// dirichlet fills out (same length as w) with a draw centred on the shares
// of w, scaled back to w's total.
func dirichlet(rng *rand.Rand, w []float64, conc float64, out []float64) {
	var tot float64
	for _, x := range w {
		tot += x
	}
	if len(w) == 1 {
		out[0] = w[0]
		return
	}
	var s float64
	for i, x := range w {
		out[i] = gamma(rng, conc*float64(len(w))*x/tot)
		s += out[i]
	}
	for i := range out {
		out[i] = out[i] / s * tot
	}
}

func drawWeights(rng *rand.Rand, st *structure, conc float64, iw, dw []float64) {
	copy(iw, st.iw)
	for _, m := range st.members {
		w := make([]float64, len(m))
		o := make([]float64, len(m))
		for i, k := range m {
			w[i] = st.iw[k]
		}
		dirichlet(rng, w, conc, o)
		for i, k := range m {
			iw[k] = o[i]
		}
	}
	for c := range st.cw {
		var idx []int
		for d, dc := range st.dcomp {
			if dc == c {
				idx = append(idx, d)
			}
		}
		w := make([]float64, len(idx))
		o := make([]float64, len(idx))
		for i, d := range idx {
			w[i] = st.dw[d]
		}
		dirichlet(rng, w, conc, o)
		for i, d := range idx {
			dw[d] = o[i]
		}
	}
}

// componentValuesW is componentValues over a matrix with explicit domain
// weights (the Monte Carlo's inner loop).
func (st *structure) componentValuesW(row []float64, iw, dw, dst []float64) {
	for c := range dst {
		dst[c] = 0
	}
	var den [16]float64
	var miss [16]int
	var dn []float64
	var ms []int
	if len(dst) <= 16 {
		dn, ms = den[:len(dst)], miss[:len(dst)]
	} else {
		dn, ms = make([]float64, len(dst)), make([]int, len(dst))
	}
	for d, m := range st.members {
		var s, w float64
		c := st.dcomp[d]
		for _, k := range m {
			v := row[k]
			if math.IsNaN(v) {
				ms[c]++
				continue
			}
			s += iw[k] * v
			w += iw[k]
		}
		if w > 0 {
			dst[c] += dw[d] * s / w
			dn[c] += dw[d]
		}
	}
	for c := range dst {
		if dn[c] == 0 || (st.maxMiss[c] >= 0 && ms[c] > st.maxMiss[c]) {
			dst[c] = math.NaN()
		} else {
			dst[c] /= dn[c]
		}
	}
}

// globalShares estimates first-order variance shares of the ranks.
func globalShares(mc *monteCarlo) []InputShare {
	spec, st, ranks, n, runs, workers := mc.spec, mc.st, mc.ranks, mc.n, mc.opt.Runs, mc.opt.Workers
	names, normChoice, leftOut, iwDraw, dwDraw, loo := mc.names, mc.normChoice, mc.leftOut, mc.iwDraw, mc.dwDraw, mc.opt.LeaveOneOut
	K, nd := len(st.iw), len(st.dw)
	type factor struct {
		name  string
		level []int
	}
	var fs []factor
	if len(names) > 1 {
		fs = append(fs, factor{"normalisation", normChoice})
	}
	if loo {
		lv := make([]int, runs)
		for r := range lv {
			lv[r] = leftOut[r] + 1
		}
		fs = append(fs, factor{"left-out indicator", lv})
	}
	bin := func(vals []float64) []int {
		idx := make([]int, len(vals))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return vals[idx[i]] < vals[idx[j]] })
		lv := make([]int, len(vals))
		for p, i := range idx {
			lv[i] = p * 10 / len(vals)
		}
		return lv
	}
	for k := 0; k < K; k++ {
		if len(st.members[st.domain[k]]) < 2 {
			continue
		}
		v := make([]float64, runs)
		for r := range v {
			v[r] = iwDraw[r*K+k]
		}
		fs = append(fs, factor{"weight " + spec.Indicators[k].Name, bin(v)})
	}
	for d := 0; d < nd; d++ {
		same := 0
		for _, c := range st.dcomp {
			if c == st.dcomp[d] {
				same++
			}
		}
		if same < 2 {
			continue
		}
		v := make([]float64, runs)
		for r := range v {
			v[r] = dwDraw[r*nd+d]
		}
		fs = append(fs, factor{fmt.Sprintf("weight domain %s", domainName(spec, d)), bin(v)})
	}
	maxLevel := 0
	for _, fc := range fs {
		for _, l := range fc.level {
			if l+1 > maxLevel {
				maxLevel = l + 1
			}
		}
	}
	var mu sync.Mutex
	var total float64
	explained := make([]float64, len(fs))
	// counts per factor level over all runs (used for areas scored in
	// every run, which is the usual case)
	allNum := make([][]float64, len(fs))
	for f, fc := range fs {
		allNum[f] = make([]float64, maxLevel)
		for _, l := range fc.level {
			allNum[f][l]++
		}
	}
	parallel(n, workers, func(lo, hi int) {
		sum := make([]int64, maxLevel)
		num := make([]float64, maxLevel)
		var tot float64
		expl := make([]float64, len(fs))
		for a := lo; a < hi; a++ {
			rs := ranks[a*runs : (a+1)*runs]
			var s, ss int64
			var cnt float64
			for _, x := range rs {
				if x > 0 {
					s += int64(x)
					ss += int64(x) * int64(x)
					cnt++
				}
			}
			if cnt < 2 {
				continue
			}
			mean := float64(s) / cnt
			tot += float64(ss)/cnt - mean*mean
			complete := int(cnt) == runs
			for f, fc := range fs {
				for i := range sum {
					sum[i] = 0
				}
				if complete {
					for r, x := range rs {
						sum[fc.level[r]] += int64(x)
					}
					copy(num, allNum[f])
				} else {
					for i := range num {
						num[i] = 0
					}
					for r, x := range rs {
						if x > 0 {
							sum[fc.level[r]] += int64(x)
							num[fc.level[r]]++
						}
					}
				}
				var v float64
				for l := range sum {
					if num[l] > 0 {
						d := float64(sum[l])/num[l] - mean
						v += num[l] / cnt * d * d
					}
				}
				expl[f] += v
			}
		}
		mu.Lock()
		total += tot
		for f := range expl {
			explained[f] += expl[f]
		}
		mu.Unlock()
	})
	var out []InputShare
	for f, fc := range fs {
		sh := 0.0
		if total > 0 {
			sh = explained[f] / total
		}
		out = append(out, InputShare{fc.name, sh})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Share > out[j].Share })
	return out
}

func domainName(spec *Spec, d int) string {
	i := 0
	for _, c := range spec.Components {
		for _, dm := range c.Domains {
			if i == d {
				return dm.Name
			}
			i++
		}
	}
	return fmt.Sprint(d)
}
