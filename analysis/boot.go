package analysis

import (
	"math/rand/v2"
	"sort"
)

// bootRatio returns the 95% percentile interval (type 7 quantiles 0.025 and
// 0.975) of sum(S)/sum(P) over reps resamples, with replacement, of the
// areas idx. The generator is PCG(seed, 1), so the interval depends only on
// the inputs and the seed.
func bootRatio(idx []int, byArea []int64, pop []float64, reps int, seed uint64) (lo, hi float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := len(idx)
	vals := make([]float64, 0, reps)
	for r := 0; r < reps; r++ {
		var s, p float64
		for k := 0; k < n; k++ {
			i := idx[rng.IntN(n)]
			s += float64(byArea[i]) / 100
			p += pop[i]
		}
		if p > 0 {
			vals = append(vals, s/p)
		}
	}
	if len(vals) == 0 {
		return nan(), nan()
	}
	sort.Float64s(vals)
	return quantile7(vals, 0.025), quantile7(vals, 0.975)
}

// quantile7 is R's type-7 quantile of sorted values.
func quantile7(v []float64, q float64) float64 {
	h := float64(len(v)-1) * q
	i := int(h)
	if i >= len(v)-1 {
		return v[len(v)-1]
	}
	return v[i] + (h-float64(i))*(v[i+1]-v[i])
}
