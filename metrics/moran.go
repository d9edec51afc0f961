package metrics

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// MoranResult is the global Moran's I with its inference.
type MoranResult struct {
	N        int     `json:"n"`
	I        float64 `json:"I"`
	Expected float64 `json:"expected"` // E[I] = -1/(n-1)
	// Analytic variances of I: under normality and under randomisation
	// (Cliff & Ord 1981, with the sample kurtosis b2 = n sum z^4/(sum z^2)^2).
	VarNormal float64 `json:"variance_normal"`
	VarRandom float64 `json:"variance_random"`
	ZNormal   float64 `json:"z_normal"`
	ZRandom   float64 `json:"z_random"`
	// Two-sided normal p-values 2(1 - Phi(|z|)) (PySAL two_tailed=True) and
	// their one-sided halves 1 - Phi(|z|) (PySAL two_tailed=False, and spdep
	// moran.test's "greater" when z > 0).
	PNormal         float64 `json:"p_normal"`
	PRandom         float64 `json:"p_random"`
	PNormalOneSided float64 `json:"p_normal_one_sided"`
	PRandomOneSided float64 `json:"p_random_one_sided"`
	// Permutation inference (zero values when Permutations == 0). PSim is
	// PySAL's folded pseudo p-value (min(#sim >= I, #sim <= I)+1)/(perms+1)
	// (one-sided, in the direction of the observed I); spdep moran.mc's
	// "greater" p-value is PSimGreater = (#sim >= I + 1)/(perms+1).
	Permutations int     `json:"permutations"`
	Seed         uint64  `json:"seed"`
	PSim         float64 `json:"p_sim"`
	PSimGreater  float64 `json:"p_sim_greater"`
	EISim        float64 `json:"expected_sim"`
	SESim        float64 `json:"se_sim"`
	ZSim         float64 `json:"z_sim"`
	S0           float64 `json:"s0"`
	S1           float64 `json:"s1"`
	S2           float64 `json:"s2"`
}

// normalSF returns 1 - Phi(z).
func normalSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// checkSpatial validates x against W.
func checkSpatial(x []float64, W *Weights) error {
	if W == nil {
		return budget.Errorf(budget.EINVALID, "metrics: no spatial weights given")
	}
	if len(x) != W.N() {
		return budget.Errorf(budget.EINVALID, "metrics: %d values for %d areas in the weights: give one value per area, in the weights' order", len(x), W.N())
	}
	if len(x) < 4 {
		return budget.Errorf(budget.EINVALID, "metrics: Moran's I needs at least 4 areas, got %d", len(x))
	}
	return checkFinite("x", x)
}

// deviations returns z = x - mean(x) and sum z^2.
func deviations(x []float64) ([]float64, float64) {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	z := make([]float64, len(x))
	var ss float64
	for i, v := range x {
		z[i] = v - m
		ss += z[i] * z[i]
	}
	return z, ss
}

// lag returns (W z)_i for every i.
func lag(W *Weights, z []float64) []float64 {
	out := make([]float64, len(z))
	for i := range z {
		var s float64
		for k := W.Offsets[i]; k < W.Offsets[i+1]; k++ {
			s += W.Values[k] * z[W.Neighbors[k]]
		}
		out[i] = s
	}
	return out
}

// weightSums returns S0 = sum w_ij, S1 = 1/2 sum (w_ij + w_ji)^2 and
// S2 = sum_i (w_i. + w_.i)^2.
func weightSums(W *Weights) (s0, s1, s2 float64) {
	n := W.N()
	rowSum := make([]float64, n)
	colSum := make([]float64, n)
	// Sorted copy of each row for reverse-link look-ups.
	type link struct {
		j int
		v float64
	}
	rows := make([][]link, n)
	for i := 0; i < n; i++ {
		for k := W.Offsets[i]; k < W.Offsets[i+1]; k++ {
			j, v := W.Neighbors[k], W.Values[k]
			rows[i] = append(rows[i], link{j, v})
			s0 += v
			rowSum[i] += v
			colSum[j] += v
		}
		sort.Slice(rows[i], func(a, b int) bool { return rows[i][a].j < rows[i][b].j })
	}
	reverse := func(i, j int) (float64, bool) {
		r := rows[j]
		k := sort.Search(len(r), func(m int) bool { return r[m].j >= i })
		if k < len(r) && r[k].j == i {
			return r[k].v, true
		}
		return 0, false
	}
	for i := 0; i < n; i++ {
		for _, l := range rows[i] {
			if rv, ok := reverse(i, l.j); ok {
				s1 += (l.v + rv) * (l.v + rv)
			} else {
				s1 += 2 * l.v * l.v
			}
		}
		s2 += (rowSum[i] + colSum[i]) * (rowSum[i] + colSum[i])
	}
	return s0, s1 / 2, s2
}

// MoranI returns the global Moran's I of x with spatial weights W (already
// transformed; use W.Transformed("r") for row-standardised weights):
//
//	I = (n / S0) sum_ij w_ij z_i z_j / sum_i z_i^2,   z = x - mean(x),
//
// with E[I] = -1/(n-1), the variance under normality
// (n^2 S1 - n S2 + 3 S0^2)/((n^2-1) S0^2) - E[I]^2 and under randomisation
// (Cliff & Ord). Islands keep an empty row (they add to n but not to S0),
// as in PySAL and spdep with zero.policy=TRUE. With perms > 0, x is randomly
// permuted over the areas perms times (seeded chunks; see BootstrapCI) to
// give the pseudo p-values. Matches PySAL esda.Moran (I, EI, VI_norm,
// VI_rand, z_norm, p_norm) and spdep moran.test / moran.mc.
func MoranI(x []float64, W *Weights, perms int, seed uint64) (MoranResult, error) {
	if err := checkSpatial(x, W); err != nil {
		return MoranResult{}, err
	}
	if perms < 0 {
		return MoranResult{}, budget.Errorf(budget.EINVALID, "metrics: %d permutations: give 0 or more (999 is usual)", perms)
	}
	n := float64(len(x))
	z, ss := deviations(x)
	if ss == 0 {
		return MoranResult{}, budget.Errorf(budget.EINVALID, "metrics: every value is the same: Moran's I is undefined")
	}
	s0, s1, s2 := weightSums(W)
	if s0 == 0 {
		return MoranResult{}, budget.Errorf(budget.EINVALID, "metrics: the weights have no links: every area is an island")
	}
	wz := lag(W, z)
	var num, s4 float64
	for i := range z {
		num += z[i] * wz[i]
		s4 += z[i] * z[i] * z[i] * z[i]
	}
	r := MoranResult{N: len(x), I: n / s0 * num / ss, Expected: -1 / (n - 1), S0: s0, S1: s1, S2: s2, Permutations: perms, Seed: seed}
	ei2 := r.Expected * r.Expected
	r.VarNormal = (n*n*s1-n*s2+3*s0*s0)/((n*n-1)*s0*s0) - ei2
	b2 := n * s4 / (ss * ss)
	a := n * ((n*n-3*n+3)*s1 - n*s2 + 3*s0*s0)
	b := b2 * ((n*n-n)*s1 - 2*n*s2 + 6*s0*s0)
	r.VarRandom = (a-b)/((n-1)*(n-2)*(n-3)*s0*s0) - ei2
	r.ZNormal = (r.I - r.Expected) / math.Sqrt(r.VarNormal)
	r.ZRandom = (r.I - r.Expected) / math.Sqrt(r.VarRandom)
	r.PNormalOneSided = normalSF(math.Abs(r.ZNormal))
	r.PRandomOneSided = normalSF(math.Abs(r.ZRandom))
	r.PNormal, r.PRandom = 2*r.PNormalOneSided, 2*r.PRandomOneSided
	if perms > 0 {
		sims := moranPermutations(z, W, perms, seed)
		scale := n / s0 / ss
		var above, below int
		var m, v float64
		for k := range sims {
			sims[k] *= scale
			if sims[k] >= r.I {
				above++
			}
			if sims[k] <= r.I {
				below++
			}
			m += sims[k]
		}
		m /= float64(perms)
		for _, s := range sims {
			v += (s - m) * (s - m)
		}
		r.EISim, r.SESim = m, math.Sqrt(v/float64(perms-1))
		r.ZSim = (r.I - m) / r.SESim
		r.PSim = float64(min(above, below)+1) / float64(perms+1)
		r.PSimGreater = float64(above+1) / float64(perms+1)
	}
	return r, nil
}

// moranPermutations returns z'Wz for perms random permutations of z.
func moranPermutations(z []float64, W *Weights, perms int, seed uint64) []float64 {
	out := make([]float64, perms)
	forChunks(perms, seed, func(lo, hi int, rng *fastRand) {
		p := append([]float64(nil), z...)
		for b := lo; b < hi; b++ {
			for i := len(p) - 1; i > 0; i-- {
				j := rng.intN(i + 1)
				p[i], p[j] = p[j], p[i]
			}
			var s float64
			for i, pi := range p {
				var l float64
				for k := W.Offsets[i]; k < W.Offsets[i+1]; k++ {
					l += W.Values[k] * p[W.Neighbors[k]]
				}
				s += pi * l
			}
			out[b] = s
		}
	})
	return out
}

// MoranBV returns the bivariate Moran's I between x and the spatial lag of y:
//
//	I_BV = (n/S0) sum_ij w_ij zx_i zy_j / (n - 1),
//
// zx, zy standardised with the sample (n-1) standard deviation, so that for
// row-standardised weights (n/S0 = 1) it equals PySAL esda.Moran_BV.
func MoranBV(x, y []float64, W *Weights) (float64, error) {
	if err := checkSpatial(x, W); err != nil {
		return 0, err
	}
	if err := checkSpatial(y, W); err != nil {
		return 0, err
	}
	n := float64(len(x))
	zx, sx := deviations(x)
	zy, sy := deviations(y)
	if sx == 0 || sy == 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: a variable is constant: bivariate Moran's I is undefined")
	}
	sdx, sdy := math.Sqrt(sx/(n-1)), math.Sqrt(sy/(n-1))
	for i := range zx {
		zx[i] /= sdx
		zy[i] /= sdy
	}
	s0, _, _ := weightSums(W)
	wy := lag(W, zy)
	var num float64
	for i := range zx {
		num += zx[i] * wy[i]
	}
	return n / s0 * num / (n - 1), nil
}
