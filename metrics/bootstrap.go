package metrics

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// Interval is a bootstrap percentile interval.
type Interval struct {
	Estimate float64 `json:"estimate"` // the statistic on the original sample
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	SE       float64 `json:"se"` // standard deviation of the replicates (n-1)
	Level    float64 `json:"level"`
	Reps     int     `json:"reps"` // replicates used (undefined ones dropped)
	Seed     uint64  `json:"seed"`
}

// quantile7 returns the type-7 (R default, linear interpolation) quantile of
// sorted values.
func quantile7(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i >= n-1 {
		return sorted[n-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// percentileInterval summarises replicates (NaN ones are dropped).
func percentileInterval(est float64, reps []float64, level float64, seed uint64) Interval {
	ok := reps[:0:0]
	for _, v := range reps {
		if !math.IsNaN(v) {
			ok = append(ok, v)
		}
	}
	sort.Float64s(ok)
	iv := Interval{Estimate: est, Level: level, Reps: len(ok), Seed: seed}
	a := (1 - level) / 2
	iv.Low, iv.High = quantile7(ok, a), quantile7(ok, 1-a)
	var m, ss float64
	for _, v := range ok {
		m += v
	}
	m /= float64(len(ok))
	for _, v := range ok {
		ss += (v - m) * (v - m)
	}
	iv.SE = math.Sqrt(ss / float64(len(ok)-1))
	return iv
}

func checkBootstrap(reps int, level float64) error {
	if reps < 2 {
		return budget.Errorf(budget.EINVALID, "metrics: %d bootstrap replicates: ask for at least 2 (1,000 or more for a 95%% interval)", reps)
	}
	if !(level > 0 && level < 1) {
		return budget.Errorf(budget.EINVALID, "metrics: confidence level %v is not between 0 and 1: give for example 0.95", level)
	}
	return nil
}

// BootstrapCI returns a nonparametric bootstrap percentile interval for the
// concentration index of y ranked by rankBy. Each replicate draws n units
// with replacement (the unit keeps its weight, so a unit drawn k times has
// weight k w_i), re-ranks the resample (ties averaged) and recomputes C;
// replicates whose resampled mean is 0 are dropped. The interval is the
// type-7 quantiles (1-level)/2 and (1+level)/2 of the replicates, as R
// quantile() and boot.ci(type = "perc") up to its interpolation rule.
// Replicates are drawn in fixed chunks of 64, chunk k from PCG(seed, k+1), so
// the interval depends only on the inputs and the seed, not on the number of
// CPUs. Cost O(n log n + reps x n): the sort is done once.
func BootstrapCI(y, rankBy, w []float64, reps int, seed uint64, level float64) (Interval, error) {
	c, err := ConcentrationIndex(y, rankBy, w)
	if err != nil {
		return Interval{}, err
	}
	if err := checkBootstrap(reps, level); err != nil {
		return Interval{}, err
	}
	n := len(y)
	order := sortedOrder(rankBy)
	ys := make([]float64, n)
	ws := make([]float64, n)
	blockEnd := make([]int32, 0, n) // exclusive end of each tie block
	for k, i := range order {
		ys[k] = y[i]
		if w == nil {
			ws[k] = 1
		} else {
			ws[k] = w[i]
		}
		if k == n-1 || rankBy[order[k+1]] != rankBy[i] {
			blockEnd = append(blockEnd, int32(k+1))
		}
	}
	out := make([]float64, reps)
	forChunks(reps, seed, func(lo, hi int, rng *fastRand) {
		counts := make([]int32, n)
		for b := lo; b < hi; b++ {
			clear(counts)
			for j := 0; j < n; j++ {
				counts[rng.intN(n)]++
			}
			out[b] = resampledC(ys, ws, counts, blockEnd)
		}
	})
	return percentileInterval(c.Index, out, level, seed), nil
}

// resampledC computes C for units in rank order with multiplicities counts.
func resampledC(ys, ws []float64, counts []int32, blockEnd []int32) float64 {
	// One pass: with unnormalised cumulative weight B before each block,
	// C = 2 sum_blocks Y_b (B + W_b/2) / (W S) - 1, W = total weight and
	// S = total weighted outcome.
	var W, S, acc float64
	start := int32(0)
	for _, end := range blockEnd {
		var bw, by float64
		for k := start; k < end; k++ {
			if c := counts[k]; c != 0 {
				wk := ws[k] * float64(c)
				bw += wk
				by += wk * ys[k]
			}
		}
		acc += by * (W + bw/2)
		W += bw
		S += by
		start = end
	}
	if W == 0 || S == 0 {
		return math.NaN()
	}
	return 2*acc/(W*S) - 1
}
