package metrics

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// Cluster labels of a local Moran statistic.
const (
	HighHigh       = "high-high"
	LowLow         = "low-low"
	HighLow        = "high-low"
	LowHigh        = "low-high"
	NotSignificant = "not significant"
	Island         = "island"
)

// LocalOptions controls LocalMoran's inference.
type LocalOptions struct {
	Permutations int     // conditional permutations per area (999 usual; 0 = none)
	Seed         uint64  // generator seed
	Alpha        float64 // significance level for cluster labels (0 means 0.05)
	// FDR applies the Benjamini-Hochberg false-discovery-rate rule at level
	// Alpha across all areas instead of comparing each p-value with Alpha.
	FDR bool
}

// LocalMoranResult holds one value per area (in the weights' order).
type LocalMoranResult struct {
	I   []float64 // local I_i
	Z   []float64 // x_i - mean(x)
	Lag []float64 // (W z)_i
	// Analytic moments (Sokal, Oden & Thomson 1998) under total
	// randomisation (EI, VI) and conditional randomisation with z_i fixed
	// (EIc, VIc). As in PySAL esda.Moran_Local, they are the moments of
	// Sokal's scaling z_i (W z)_i / m2 with m2 = sum z^2 / n, which is
	// n/(n-1) times I_i below: EI_i = -w_i./(n-1),
	// VI_i = w_i(2) (n - b2)/(n-1) + w_i(kh) (2 b2 - n)/((n-1)(n-2)) - EI_i^2,
	// EIc_i = -(z_i^2/m2) w_i./(n-1),
	// VIc_i = (z_i/m2)^2 s_i^2 ((n-1) w_i(2) - w_i.^2)/(n-2), where s_i^2 is
	// the population variance of the other n-1 values, w_i(2) = sum_j w_ij^2,
	// w_i(kh) = w_i.^2 - w_i(2) and b2 = m4/m2^2.
	EI, VI, EIc, VIc []float64
	// Quadrant is the Moran-scatterplot quadrant (HighHigh, LowLow, HighLow,
	// LowHigh; Island for areas without neighbours); z_i > 0 is "high",
	// z_i <= 0 "low", and likewise for the lag (PySAL's rule).
	Quadrant []string
	// PSim is the folded conditional-permutation pseudo p-value
	// (min(#sim >= I_i, #sim <= I_i) + 1)/(perms + 1) (PySAL p_sim; spdep
	// localmoran_perm's folded Pr(folded) Sim). NaN without permutations.
	PSim []float64
	// Significant reports PSim <= Alpha, or the Benjamini-Hochberg decision
	// when FDR is set; Cluster is Quadrant for significant areas and
	// NotSignificant otherwise.
	Significant []bool
	Cluster     []string
	Threshold   float64 // the p-value threshold used (Alpha or the FDR cut)
	Perms       int
	Seed        uint64
}

// LocalMoran returns the local Moran's I (LISA, Anselin 1995) of x with
// weights W (already transformed):
//
//	I_i = (n - 1) z_i (W z)_i / sum_j z_j^2,   z = x - mean(x),
//
// the scaling of PySAL esda.Moran_Local and GeoDa (spdep's localmoran uses
// n instead of n - 1 by default; multiply by n/(n-1) to compare).
// Inference by conditional permutation: for area i, z_i stays and its k_i
// neighbour values are drawn without replacement from the other n-1 areas,
// perms times; each area has its own draws (areas are processed in fixed
// chunks with generator PCG(seed, chunk+1), so results depend only on the
// seed). Islands get I_i = 0, p = NaN and the label Island.
func LocalMoran(x []float64, W *Weights, opt LocalOptions) (LocalMoranResult, error) {
	if err := checkSpatial(x, W); err != nil {
		return LocalMoranResult{}, err
	}
	if opt.Permutations < 0 {
		return LocalMoranResult{}, budget.Errorf(budget.EINVALID, "metrics: %d permutations: give 0 or more", opt.Permutations)
	}
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		return LocalMoranResult{}, budget.Errorf(budget.EINVALID, "metrics: significance level %v is not between 0 and 1", alpha)
	}
	n := len(x)
	z, ss := deviations(x)
	if ss == 0 {
		return LocalMoranResult{}, budget.Errorf(budget.EINVALID, "metrics: every value is the same: local Moran's I is undefined")
	}
	scale := float64(n-1) / ss
	r := LocalMoranResult{Z: z, Lag: lag(W, z), I: make([]float64, n), Quadrant: make([]string, n),
		PSim: make([]float64, n), Significant: make([]bool, n), Cluster: make([]string, n),
		Perms: opt.Permutations, Seed: opt.Seed}
	for i := range z {
		r.I[i] = scale * z[i] * r.Lag[i]
		r.Quadrant[i] = quadrant(z[i], r.Lag[i], W.Cardinality(i))
		r.PSim[i] = math.NaN()
	}
	r.EI, r.VI, r.EIc, r.VIc = localMoments(z, ss, W)
	if opt.Permutations > 0 {
		localPermutations(z, W, scale, r.I, r.PSim, opt.Permutations, opt.Seed)
	}
	r.Threshold = alpha
	if opt.FDR {
		r.Threshold = fdrThreshold(r.PSim, alpha)
	}
	for i := range r.Cluster {
		r.Significant[i] = !math.IsNaN(r.PSim[i]) && r.PSim[i] <= r.Threshold
		switch {
		case r.Quadrant[i] == Island:
			r.Cluster[i] = Island
		case r.Significant[i]:
			r.Cluster[i] = r.Quadrant[i]
		default:
			r.Cluster[i] = NotSignificant
		}
	}
	return r, nil
}

func quadrant(z, l float64, k int) string {
	switch {
	case k == 0:
		return Island
	case z > 0 && l > 0:
		return HighHigh
	case z <= 0 && l <= 0:
		return LowLow
	case z > 0:
		return HighLow
	default:
		return LowHigh
	}
}

// FDRThreshold returns the Benjamini-Hochberg cut-off for p-values p at
// false-discovery rate alpha: the largest p_(k) with p_(k) <= k alpha / m
// (m = number of non-NaN p-values), or 0 when none qualifies (nothing is
// significant). Areas with p <= the cut-off are discoveries.
func FDRThreshold(p []float64, alpha float64) float64 { return fdrThreshold(p, alpha) }

func fdrThreshold(p []float64, alpha float64) float64 {
	var s []float64
	for _, v := range p {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	sort.Float64s(s)
	m := float64(len(s))
	cut := 0.0
	for k, v := range s {
		if v <= float64(k+1)*alpha/m {
			cut = v
		}
	}
	return cut
}

// localMoments returns the Sokal et al. (1998) moments of I_i under total
// and conditional randomisation.
func localMoments(z []float64, ss float64, W *Weights) (ei, vi, eic, vic []float64) {
	n := len(z)
	nf := float64(n)
	var s4 float64
	for _, v := range z {
		s4 += v * v * v * v
	}
	m2 := ss / nf
	b2 := (s4 / nf) / (m2 * m2)
	ei, vi = make([]float64, n), make([]float64, n)
	eic, vic = make([]float64, n), make([]float64, n)
	for i := range z {
		var wi, wi2 float64
		for m := W.Offsets[i]; m < W.Offsets[i+1]; m++ {
			wi += W.Values[m]
			wi2 += W.Values[m] * W.Values[m]
		}
		wkh := wi*wi - wi2
		ei[i] = -wi / (nf - 1)
		vi[i] = wi2*(nf-b2)/(nf-1) + wkh*(2*b2-nf)/((nf-1)*(nf-2)) - ei[i]*ei[i]
		// Conditional: the other n-1 values, mean -z_i/(n-1).
		mo := -z[i] / (nf - 1)
		so := (ss-z[i]*z[i])/(nf-1) - mo*mo
		c := z[i] / m2
		eic[i] = c * wi * mo
		vic[i] = c * c * so / (nf - 2) * ((nf-1)*wi2 - wi*wi)
	}
	return ei, vi, eic, vic
}

// localPermutations fills p with the folded conditional-permutation p-values.
func localPermutations(z []float64, W *Weights, scale float64, obs, p []float64, perms int, seed uint64) {
	n := len(z)
	forChunks(n, seed, func(lo, hi int, rng *fastRand) {
		var pick []int
		for i := lo; i < hi; i++ {
			off, k := W.Offsets[i], W.Cardinality(i)
			if k == 0 {
				continue
			}
			if cap(pick) < k {
				pick = make([]int, k)
			}
			pick = pick[:k]
			var pool []int
			if k > 32 { // partial Fisher-Yates beats rejection for many neighbours
				pool = make([]int, 0, n-1)
				for j := 0; j < n; j++ {
					if j != i {
						pool = append(pool, j)
					}
				}
			}
			vals := W.Values[off : off+k]
			above, below := 0, 0
			zi := scale * z[i]
			for b := 0; b < perms; b++ {
				if pool != nil {
					for a := 0; a < k; a++ {
						c := a + rng.intN(len(pool)-a)
						pool[a], pool[c] = pool[c], pool[a]
						pick[a] = pool[a]
					}
				} else {
					drawDistinct(rng, pick, n-1, i)
				}
				var l float64
				for m, j := range pick {
					l += vals[m] * z[j]
				}
				s := zi * l
				if s >= obs[i] {
					above++
				}
				if s <= obs[i] {
					below++
				}
			}
			p[i] = float64(min(above, below)+1) / float64(perms+1)
		}
	})
}

// drawDistinct fills pick with distinct indices from {0..n}\{skip}
// (uniformly, without replacement; m = n is the size of the pool).
func drawDistinct(rng *fastRand, pick []int, m, skip int) {
	for a := range pick {
	again:
		j := rng.intN(m)
		if j >= skip {
			j++
		}
		for _, q := range pick[:a] {
			if q == j {
				goto again
			}
		}
		pick[a] = j
	}
}
