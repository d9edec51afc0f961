package metrics

import (
	"math"

	"github.com/budgetlens/budgetlens/budget"
)

// Atkinson returns Atkinson's index with inequality aversion epsilon >= 0:
//
//	A(e) = 1 - EDE/mu,
//	EDE  = (sum f_i x_i^(1-e))^(1/(1-e))   for e != 1,
//	EDE  = exp(sum f_i ln x_i)              for e == 1 (geometric mean),
//
// with f = w/sum(w). A(0) = 0. Zeros: for e < 1 a zero contributes 0; for
// e >= 1 a zero with positive weight makes EDE = 0 and A = 1 (the limit),
// which is reported rather than refused. Negative values and e < 0 are errors.
// Matches PySAL inequality.atkinson, R ineq::Atkinson, Inequality.jl
// atkinson (including e > 1) and IneqPy's weighted atkinson.
func Atkinson(x, w []float64, epsilon float64) (float64, error) {
	ede, mu, err := EquallyDistributedEquivalent(x, w, epsilon)
	if err != nil {
		return 0, err
	}
	return 1 - ede/mu, nil
}

// EquallyDistributedEquivalent returns Atkinson's equally-distributed
// equivalent value and the mean (see Atkinson).
func EquallyDistributedEquivalent(x, w []float64, epsilon float64) (ede, mu float64, err error) {
	f, err := normWeights(x, w)
	if err != nil {
		return 0, 0, err
	}
	if err := checkNonNegative("x", x); err != nil {
		return 0, 0, err
	}
	if !(epsilon >= 0) || math.IsInf(epsilon, 0) {
		return 0, 0, budget.Errorf(budget.EINVALID, "metrics: Atkinson epsilon %v: give a finite inequality aversion >= 0", epsilon)
	}
	mu = wmean(x, f)
	if mu <= 0 {
		return 0, 0, budget.Errorf(budget.EINVALID, "metrics: Atkinson needs a positive mean, got %v", mu)
	}
	if epsilon >= 1 {
		for i, v := range x {
			if v == 0 && f[i] > 0 {
				return 0, mu, nil
			}
		}
	}
	if epsilon == 1 {
		var s float64
		for i, v := range x {
			if f[i] > 0 {
				s += f[i] * math.Log(v/mu)
			}
		}
		return mu * math.Exp(s), mu, nil
	}
	var s float64
	for i, v := range x {
		if f[i] > 0 {
			s += f[i] * math.Pow(v/mu, 1-epsilon)
		}
	}
	return mu * math.Pow(s, 1/(1-epsilon)), mu, nil
}

// CVOptions selects the standard deviation of the coefficient of variation.
type CVOptions struct {
	// Sample uses the (n-1) sample standard deviation (for weights,
	// divided by 1 - sum f^2). The default is the population standard
	// deviation, as R ineq::var.coeff, so that CV = sqrt(2 GE(2)).
	Sample bool
}

// CoefficientOfVariation returns sd_f(x)/mu with the population standard
// deviation sqrt(sum f_i (x_i - mu)^2) unless opt.Sample.
func CoefficientOfVariation(x, w []float64, opt CVOptions) (float64, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return 0, err
	}
	mu := wmean(x, f)
	if mu == 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: the mean is 0: the coefficient of variation is undefined")
	}
	var v float64
	for i, xi := range x {
		v += f[i] * (xi - mu) * (xi - mu)
	}
	if opt.Sample {
		v *= correction(f)
	}
	return math.Sqrt(v) / mu, nil
}

// sortedShares prepares x (non-negative, positive total) sorted ascending.
type sortedShares struct {
	x, f []float64 // in ascending order of x
	mu   float64
}

func newSortedShares(x, w []float64) (sortedShares, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return sortedShares{}, err
	}
	if err := checkNonNegative("x", x); err != nil {
		return sortedShares{}, err
	}
	mu := wmean(x, f)
	if mu <= 0 {
		return sortedShares{}, budget.Errorf(budget.EINVALID, "metrics: the total is %v: share ratios need a positive total", mu)
	}
	order := sortedOrder(x)
	s := sortedShares{x: make([]float64, len(x)), f: make([]float64, len(x)), mu: mu}
	for k, i := range order {
		s.x[k], s.f[k] = x[i], f[i]
	}
	return s, nil
}

// bottom returns the share of the total held by the poorest fraction p of
// the weight; the unit straddling p is split in proportion to its weight.
func (s sortedShares) bottom(p float64) float64 {
	var cum, share float64
	for k, fk := range s.f {
		if cum+fk <= p {
			cum += fk
			share += fk * s.x[k]
			continue
		}
		share += (p - cum) * s.x[k]
		break
	}
	return share / s.mu
}

// BottomShare returns the share of sum(w x) held by the poorest fraction p
// (0 <= p <= 1) of the weight, units sorted by x ascending and the unit
// straddling p split in proportion (the Lorenz curve L(p), linearly
// interpolated).
func BottomShare(x, w []float64, p float64) (float64, error) {
	if !(p >= 0 && p <= 1) {
		return 0, budget.Errorf(budget.EINVALID, "metrics: share fraction %v is not in [0, 1]", p)
	}
	s, err := newSortedShares(x, w)
	if err != nil {
		return 0, err
	}
	return s.bottom(p), nil
}

// ShareRatio returns (share of the richest top fraction)/(share of the
// poorest bottom fraction), with the boundary units split: for example
// ShareRatio(x, w, 0.1, 0.4) is the Palma ratio and ShareRatio(x, w, 0.2,
// 0.2) the S80/S20 ratio. With top = 0.1 and bottom = 0.9 it reproduces
// IneqPy's top_rest. The denominator must be positive.
func ShareRatio(x, w []float64, top, bottom float64) (float64, error) {
	if !(top > 0 && bottom > 0 && top+bottom <= 1+1e-12) {
		return 0, budget.Errorf(budget.EINVALID, "metrics: share fractions top %v and bottom %v must be positive and add up to at most 1", top, bottom)
	}
	s, err := newSortedShares(x, w)
	if err != nil {
		return 0, err
	}
	b := s.bottom(bottom)
	if b <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: the bottom %v%% hold nothing: the share ratio is infinite", bottom*100)
	}
	return (1 - s.bottom(1-top)) / b, nil
}

// Palma returns the Palma ratio: the share of the top 10% of the weight
// divided by the share of the bottom 40%, units ranked by x and the boundary
// unit split (see ShareRatio).
func Palma(x, w []float64) (float64, error) { return ShareRatio(x, w, 0.1, 0.4) }

// S80S20 returns the quintile share ratio: share of the top 20% of the
// weight over the share of the bottom 20%, boundary units split. This is the
// share definition; laeken::qsr's quantile-based definition is
// QuintileShareRatioLaeken.
func S80S20(x, w []float64) (float64, error) { return ShareRatio(x, w, 0.2, 0.2) }

// QuintileShareRatioLaeken returns the quintile share ratio as R
// laeken::qsr computes it: q20 and q80 are weighted quantiles (the first x
// whose cumulative weight exceeds p times the total), the bottom group is
// x <= q20, the top group x > q80, and the ratio is of the weighted totals.
// At small n it differs from S80S20 because whole units are assigned.
func QuintileShareRatioLaeken(x, w []float64) (float64, error) {
	s, err := newSortedShares(x, w)
	if err != nil {
		return 0, err
	}
	q := func(p float64) float64 {
		var cum float64
		for k, fk := range s.f {
			cum += fk
			if cum > p*(1+1e-12) {
				return s.x[k]
			}
		}
		return s.x[len(s.x)-1]
	}
	q20, q80 := q(0.2), q(0.8)
	var lo, hi float64
	for k, v := range s.x {
		if v <= q20 {
			lo += s.f[k] * v
		}
		if v > q80 {
			hi += s.f[k] * v
		}
	}
	if lo == 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: the bottom quintile holds nothing: the quintile share ratio is infinite")
	}
	return hi / lo, nil
}

// Hoover returns the Hoover (Robin Hood, Schutz) index
//
//	H = sum f_i |x_i - mu| / (2 mu),
//
// the share of the total that would have to move to equalise, and the
// maximum vertical distance between the diagonal and the Lorenz curve.
func Hoover(x, w []float64) (float64, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return 0, err
	}
	mu := wmean(x, f)
	if mu <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: Hoover needs a positive mean, got %v", mu)
	}
	var s float64
	for i, v := range x {
		s += f[i] * math.Abs(v-mu)
	}
	return s / (2 * mu), nil
}

// SchutzResult reports the Schutz analysis of a distribution.
type SchutzResult struct {
	Distance float64 `json:"distance"` // max(p - L(p)) = Hoover index
	// Point is the population share at which the distance is attained; the
	// maximum is flat across units equal to the mean, and Point is its right
	// end (the weight share of units with x <= mean).
	Point float64 `json:"intersection_point"`
	// Coefficient is Schutz's original coefficient as PySAL computes it:
	// sum over units above the mean of 10 (x_i/mu - 1) n f_i.
	Coefficient float64 `json:"coefficient"`
}

// Schutz returns the Schutz distance, its point and coefficient (PySAL
// inequality.Schutz).
func Schutz(x, w []float64) (SchutzResult, error) {
	h, err := Hoover(x, w)
	if err != nil {
		return SchutzResult{}, err
	}
	f, _ := normWeights(x, w)
	mu := wmean(x, f)
	r := SchutzResult{Distance: h}
	n := float64(len(x))
	for i, v := range x {
		if v <= mu {
			r.Point += f[i]
		} else {
			r.Coefficient += 10 * (v/mu - 1) * n * f[i]
		}
	}
	return r, nil
}

// Herfindahl returns the Herfindahl-Hirschman index sum s_i^2 of the shares
// s_i = x_i/sum(x) (unweighted: each unit is one holder, such as one area's
// share of spending). 1/n for equal shares, 1 when one unit has everything.
// Matches R ineq::conc(type = "Herfindahl").
func Herfindahl(x []float64) (float64, error) {
	if _, err := normWeights(x, nil); err != nil {
		return 0, err
	}
	if err := checkNonNegative("x", x); err != nil {
		return 0, err
	}
	var t, s float64
	for _, v := range x {
		t += v
	}
	if t <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: the total is %v: Herfindahl needs a positive total", t)
	}
	for _, v := range x {
		s += (v / t) * (v / t)
	}
	return s, nil
}

// Rosenbluth returns the Rosenbluth (Hall-Tideman) concentration index
// 1/(n (1 - G)) with G the unweighted Gini (R ineq::conc(type="Rosenbluth")).
func Rosenbluth(x []float64) (float64, error) {
	g, err := Gini(x, nil, GiniOptions{})
	if err != nil {
		return 0, err
	}
	return 1 / (float64(len(x)) * (1 - g)), nil
}
