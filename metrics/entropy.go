package metrics

import (
	"fmt"
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// GeneralizedEntropy returns the generalised entropy index GE(alpha) of x:
//
//	GE(a) = (sum f_i (x_i/mu)^a - 1) / (a (a - 1))   for a not in {0, 1},
//	GE(1) = sum f_i (x_i/mu) ln(x_i/mu)               (Theil T),
//	GE(0) = -sum f_i ln(x_i/mu)                        (mean log deviation),
//
// with f = w/sum(w). GE(2) is half the squared coefficient of variation
// (population standard deviation).
//
// Zeros: for a > 0 a zero contributes its limit (0^a = 0, and 0 ln 0 = 0 for
// Theil T), so zeros are kept, as in PySAL inequality.theil (which replaces 0
// by a tiny number) and R ineq (which drops them: the same sum). For a <= 0
// (MLD and below) a zero makes the index infinite; that is an error naming
// the unit, because silently dropping zeros would change the population.
// Negative values are always an error. Matches Inequality.jl
// (mld, theil, gen_entropy with weights), PySAL theil, IneqPy theil.
func GeneralizedEntropy(x, w []float64, alpha float64) (float64, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return 0, err
	}
	if err := checkGE(x, f, alpha); err != nil {
		return 0, err
	}
	mu := wmean(x, f)
	if mu <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: generalised entropy needs a positive mean, got %v", mu)
	}
	return geValue(x, f, mu, alpha), nil
}

// Theil returns the Theil T index, GE(1).
func Theil(x, w []float64) (float64, error) { return GeneralizedEntropy(x, w, 1) }

// MeanLogDeviation returns the mean log deviation (Theil L), GE(0).
func MeanLogDeviation(x, w []float64) (float64, error) { return GeneralizedEntropy(x, w, 0) }

func checkGE(x, f []float64, alpha float64) error {
	if math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return budget.Errorf(budget.EINVALID, "metrics: GE parameter %v is not a finite number", alpha)
	}
	if err := checkNonNegative("x", x); err != nil {
		return err
	}
	if alpha <= 0 {
		for i, v := range x {
			if v == 0 && f[i] > 0 {
				return valueError("x", i, 0, fmt.Sprintf("GE(%v) (mean log deviation for 0) is infinite with zero values; use Theil T or GE(2), or exclude the unit explicitly", alpha))
			}
		}
	}
	return nil
}

// geValue computes GE(alpha) assuming checked inputs.
func geValue(x, f []float64, mu, alpha float64) float64 {
	var s float64
	switch alpha {
	case 0:
		for i, v := range x {
			if f[i] > 0 {
				s -= f[i] * math.Log(v/mu)
			}
		}
		return s
	case 1:
		for i, v := range x {
			if v > 0 {
				r := v / mu
				s += f[i] * r * math.Log(r)
			}
		}
		return s
	case 2:
		for i, v := range x {
			r := v / mu
			s += f[i] * r * r
		}
		return (s - 1) / 2
	}
	for i, v := range x {
		if f[i] > 0 {
			s += f[i] * math.Pow(v/mu, alpha)
		}
	}
	return (s - 1) / (alpha * (alpha - 1))
}

// GroupTerm is one group's share of a decomposition.
type GroupTerm struct {
	Group       string  `json:"group"`
	PopShare    float64 `json:"pop_share"`    // v_g = sum of f in g
	IncomeShare float64 `json:"income_share"` // s_g = v_g mu_g / mu
	Mean        float64 `json:"mean"`         // mu_g
	Index       float64 `json:"index"`        // GE(a) within the group
	Weight      float64 `json:"weight"`       // v_g^(1-a) s_g^a
	Within      float64 `json:"within"`       // Weight x Index
}

// Decomposition splits an inequality index into between- and within-group
// parts: Total = Between + Within (exactly, up to rounding).
type Decomposition struct {
	Alpha   float64     `json:"alpha"`
	Total   float64     `json:"total"`
	Between float64     `json:"between"`
	Within  float64     `json:"within"`
	Groups  []GroupTerm `json:"groups"`
}

// GEDecomposition returns the additive decomposition of GE(alpha) by group
// (Shorrocks 1980, 1984):
//
//	Within  = sum_g v_g^(1-a) s_g^a GE_g(a),
//	Between = GE(a) of the distribution in which every unit has its group mean,
//
// with v_g the population (weight) share and s_g the income share of group g.
// For Theil T (a = 1) the within weights are the income shares s_g; for the
// MLD (a = 0) they are the population shares v_g. Groups are reported in
// lexical order of their labels. Zero handling is that of GeneralizedEntropy.
// Matches PySAL inequality.TheilD (bg, wg) for a = 1.
func GEDecomposition(x, w []float64, groups []string, alpha float64) (Decomposition, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return Decomposition{}, err
	}
	if len(groups) != len(x) {
		return Decomposition{}, budget.Errorf(budget.EINVALID, "metrics: %d group labels for %d values: give one label per value", len(groups), len(x))
	}
	if err := checkGE(x, f, alpha); err != nil {
		return Decomposition{}, err
	}
	mu := wmean(x, f)
	if mu <= 0 {
		return Decomposition{}, budget.Errorf(budget.EINVALID, "metrics: generalised entropy needs a positive mean, got %v", mu)
	}
	members := map[string][]int{}
	for i, g := range groups {
		members[g] = append(members[g], i)
	}
	labels := make([]string, 0, len(members))
	for g := range members {
		labels = append(labels, g)
	}
	sort.Strings(labels)
	d := Decomposition{Alpha: alpha, Total: geValue(x, f, mu, alpha)}
	means := make([]float64, len(x))
	for _, g := range labels {
		idx := members[g]
		var v, sx float64
		for _, i := range idx {
			v += f[i]
			sx += f[i] * x[i]
		}
		t := GroupTerm{Group: g, PopShare: v}
		if v == 0 {
			d.Groups = append(d.Groups, t)
			continue
		}
		t.Mean = sx / v
		t.IncomeShare = sx / mu
		for _, i := range idx {
			means[i] = t.Mean
		}
		if t.Mean > 0 {
			gx := make([]float64, len(idx))
			gf := make([]float64, len(idx))
			for k, i := range idx {
				gx[k], gf[k] = x[i], f[i]/v
			}
			t.Index = geValue(gx, gf, t.Mean, alpha)
		}
		t.Weight = groupWeight(v, t.IncomeShare, alpha)
		t.Within = t.Weight * t.Index
		d.Within += t.Within
		d.Groups = append(d.Groups, t)
	}
	d.Between = geValue(means, f, mu, alpha)
	return d, nil
}

func groupWeight(v, s, alpha float64) float64 {
	switch alpha {
	case 0:
		return v
	case 1:
		return s
	}
	return math.Pow(v, 1-alpha) * math.Pow(s, alpha)
}

// TheilDecomposition is GEDecomposition with alpha = 1 (Theil T).
func TheilDecomposition(x, w []float64, groups []string) (Decomposition, error) {
	return GEDecomposition(x, w, groups, 1)
}
