package metrics

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// Dissimilarity returns the index of dissimilarity between two groups
// counted per unit (area):
//
//	D = 1/2 sum_i |a_i/A - b_i/B|,   A = sum a, B = sum b,
//
// the share of either group that would have to move for both to be
// distributed alike. 0 = identical distributions, 1 = complete separation.
// Matches R segregation::dissimilarity and, when b = total - a, PySAL
// segregation's D = sum t_i |p_i - P| / (2 T P (1-P)).
func Dissimilarity(a, b []float64) (float64, error) {
	if len(a) != len(b) {
		return 0, budget.Errorf(budget.EINVALID, "metrics: %d counts for group A and %d for group B: give one pair per unit", len(a), len(b))
	}
	for _, v := range [][]float64{a, b} {
		if err := checkFinite("count", v); err != nil {
			return 0, err
		}
		if err := checkNonNegative("count", v); err != nil {
			return 0, err
		}
	}
	var A, B float64
	for i := range a {
		A += a[i]
		B += b[i]
	}
	if A <= 0 || B <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: group totals are %v and %v: both groups must be present", A, B)
	}
	var d float64
	for i := range a {
		d += math.Abs(a[i]/A - b[i]/B)
	}
	return d / 2, nil
}

// Representation is one group's representation in spending.
type Representation struct {
	Group      string  `json:"group"`
	Units      int     `json:"units"`
	PopShare   float64 `json:"pop_share"`   // P_g / P
	SpendShare float64 `json:"spend_share"` // S_g / S
	NeedShare  float64 `json:"need_share"`  // N_g / N with N_i = need_i x pop_i
	// RatioPop = SpendShare / PopShare: 1 = spending in proportion to
	// population, above 1 = over-represented.
	RatioPop float64 `json:"ratio_pop"`
	// RatioNeed = SpendShare / NeedShare (NaN without need data).
	RatioNeed float64 `json:"ratio_need"`
	// Bootstrap percentile intervals (NaN when reps == 0).
	RatioPopCI  [2]float64 `json:"ratio_pop_ci"`
	RatioNeedCI [2]float64 `json:"ratio_need_ci"`
}

// RepresentationOptions controls the intervals of RepresentationRatios.
type RepresentationOptions struct {
	Reps  int     // bootstrap replicates (0: no intervals)
	Seed  uint64  // generator seed
	Level float64 // interval level, for example 0.95
}

// RepresentationRatios returns, for every group (in lexical order of the
// labels), the ratio of its share of spending to its share of population,
// RR_g = (S_g/S)/(P_g/P), and to its share of need,
// RR_g = (S_g/S)/(N_g/N) where N_i = need_i pop_i (need is a rate per person,
// for example the poverty rate; nil skips the need ratios).
//
// Intervals: the units (areas) are resampled with replacement (n draws,
// replicates in seeded chunks as in BootstrapCI) and the ratios recomputed;
// the interval is the type-7 percentile interval. It measures how much the
// ratio depends on which areas happen to make up each group; replicates in
// which a group is absent are dropped for that group.
func RepresentationRatios(groups []string, pop, spend, need []float64, opt RepresentationOptions) ([]Representation, error) {
	n := len(groups)
	if n == 0 || len(pop) != n || len(spend) != n || (need != nil && len(need) != n) {
		return nil, budget.Errorf(budget.EINVALID, "metrics: representation needs one group, population, spending (and need) value per unit; got %d, %d, %d, %d", n, len(pop), len(spend), len(need))
	}
	for name, v := range map[string][]float64{"pop": pop, "spend": spend, "need": need} {
		if err := checkFinite(name, v); err != nil {
			return nil, err
		}
		if err := checkNonNegative(name, v); err != nil {
			return nil, err
		}
	}
	if opt.Reps > 0 {
		if err := checkBootstrap(opt.Reps, opt.Level); err != nil {
			return nil, err
		}
	}
	labels, gi := groupIndex(groups)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	est := repRatios(len(labels), gi, pop, spend, need, ones)
	out := make([]Representation, len(labels))
	for g, l := range labels {
		out[g] = est[g]
		out[g].Group = l
		out[g].RatioPopCI = [2]float64{math.NaN(), math.NaN()}
		out[g].RatioNeedCI = [2]float64{math.NaN(), math.NaN()}
	}
	if err := checkTotals(est, need != nil); err != nil {
		return nil, err
	}
	if opt.Reps == 0 {
		return out, nil
	}
	G := len(labels)
	rp := make([]float64, opt.Reps*G)
	rn := make([]float64, opt.Reps*G)
	forChunks(opt.Reps, opt.Seed, func(lo, hi int, rng *fastRand) {
		mult := make([]float64, n)
		for b := lo; b < hi; b++ {
			clear(mult)
			for j := 0; j < n; j++ {
				mult[rng.intN(n)]++
			}
			r := repRatios(G, gi, pop, spend, need, mult)
			for g := range r {
				rp[b*G+g], rn[b*G+g] = r[g].RatioPop, r[g].RatioNeed
			}
		}
	})
	col := make([]float64, opt.Reps)
	for g := range out {
		for b := range col {
			col[b] = rp[b*G+g]
		}
		iv := percentileInterval(out[g].RatioPop, col, opt.Level, opt.Seed)
		out[g].RatioPopCI = [2]float64{iv.Low, iv.High}
		if need != nil {
			for b := range col {
				col[b] = rn[b*G+g]
			}
			iv = percentileInterval(out[g].RatioNeed, col, opt.Level, opt.Seed)
			out[g].RatioNeedCI = [2]float64{iv.Low, iv.High}
		}
	}
	return out, nil
}

func checkTotals(r []Representation, haveNeed bool) error {
	var p, s, nd float64
	for _, g := range r {
		p += g.PopShare
		s += g.SpendShare
		nd += g.NeedShare
	}
	if math.IsNaN(p) || math.IsNaN(s) || (haveNeed && math.IsNaN(nd)) {
		return budget.Errorf(budget.EINVALID, "metrics: total population, spending or need is 0: representation ratios are undefined")
	}
	return nil
}

// groupIndex maps labels to dense indices in lexical order.
func groupIndex(groups []string) ([]string, []int) {
	set := map[string]int{}
	for _, g := range groups {
		set[g] = 0
	}
	labels := make([]string, 0, len(set))
	for g := range set {
		labels = append(labels, g)
	}
	sort.Strings(labels)
	for k, l := range labels {
		set[l] = k
	}
	gi := make([]int, len(groups))
	for i, g := range groups {
		gi[i] = set[g]
	}
	return labels, gi
}

// repRatios computes shares and ratios with unit multiplicities mult.
func repRatios(G int, gi []int, pop, spend, need, mult []float64) []Representation {
	r := make([]Representation, G)
	P, S, N := make([]float64, G), make([]float64, G), make([]float64, G)
	var tp, ts, tn float64
	for i, g := range gi {
		m := mult[i]
		if m == 0 {
			continue
		}
		r[g].Units++
		P[g] += m * pop[i]
		S[g] += m * spend[i]
		tp += m * pop[i]
		ts += m * spend[i]
		if need != nil {
			N[g] += m * need[i] * pop[i]
			tn += m * need[i] * pop[i]
		}
	}
	for g := range r {
		r[g].PopShare, r[g].SpendShare = P[g]/tp, S[g]/ts
		r[g].RatioPop = r[g].SpendShare / r[g].PopShare
		r[g].NeedShare, r[g].RatioNeed = math.NaN(), math.NaN()
		if need != nil {
			r[g].NeedShare = N[g] / tn
			r[g].RatioNeed = r[g].SpendShare / r[g].NeedShare
		}
		if r[g].Units == 0 {
			r[g].RatioPop, r[g].RatioNeed = math.NaN(), math.NaN()
		}
	}
	return r
}
