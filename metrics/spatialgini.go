package metrics

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// SpatialGiniResult is Rey & Smith's (2013) spatial decomposition of the
// Gini coefficient.
type SpatialGiniResult struct {
	Gini float64 `json:"gini"`
	// WG = sum over ordered neighbour pairs (w_ij > 0) of |x_i - x_j|;
	// WCG = sum over all other ordered pairs i != j. WG + WCG is the total
	// sum of absolute differences, 2 n^2 mu G.
	WG  float64 `json:"wg"`
	WCG float64 `json:"wcg"`
	// Permutation inference on WCG (x permuted over areas): PSim is the
	// folded pseudo p-value and EWCG the mean of the permuted WCG.
	Permutations int     `json:"permutations"`
	PSim         float64 `json:"p_sim"`
	EWCG         float64 `json:"e_wcg"`
}

// SpatialGini returns the Gini coefficient of x (unweighted) and its split
// into neighbour (WG) and non-neighbour (WCG) absolute differences for the
// links of W (binary: any positive weight is a link). Matches PySAL
// inequality.Gini_Spatial (g, wg, wcg); its p_sim depends on NumPy's random
// stream and is matched only in distribution.
func SpatialGini(x []float64, W *Weights, perms int, seed uint64) (SpatialGiniResult, error) {
	if err := checkSpatial(x, W); err != nil {
		return SpatialGiniResult{}, err
	}
	g, err := Gini(x, nil, GiniOptions{})
	if err != nil {
		return SpatialGiniResult{}, err
	}
	n := float64(len(x))
	var total float64
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	for k, v := range s { // sum_ij |x_i - x_j| = 2 sum_k (2k - n + 1) x_(k)
		total += 2 * (2*float64(k) - n + 1) * v
	}
	wg := neighbourAbsDiff(x, W)
	r := SpatialGiniResult{Gini: g, WG: wg, WCG: total - wg, Permutations: perms}
	if perms > 0 {
		sims := make([]float64, perms)
		forChunks(perms, seed, func(lo, hi int, rng *fastRand) {
			p := append([]float64(nil), x...)
			for b := lo; b < hi; b++ {
				for i := len(p) - 1; i > 0; i-- {
					j := rng.intN(i + 1)
					p[i], p[j] = p[j], p[i]
				}
				sims[b] = total - neighbourAbsDiff(p, W)
			}
		})
		above, below := 0, 0
		for _, v := range sims {
			r.EWCG += v / float64(perms)
			if v >= r.WCG {
				above++
			}
			if v <= r.WCG {
				below++
			}
		}
		r.PSim = float64(min(above, below)+1) / float64(perms+1)
	}
	if math.IsNaN(r.WG) {
		return r, budget.Errorf(budget.EINVALID, "metrics: spatial Gini is undefined for these values")
	}
	return r, nil
}

func neighbourAbsDiff(x []float64, W *Weights) float64 {
	var s float64
	for i := range x {
		for k := W.Offsets[i]; k < W.Offsets[i+1]; k++ {
			if W.Values[k] > 0 {
				s += math.Abs(x[i] - x[W.Neighbors[k]])
			}
		}
	}
	return s
}
