package metrics

import (
	"github.com/budgetlens/budgetlens/budget"
)

// GiniOptions selects variants of the Gini coefficient.
type GiniOptions struct {
	// Corrected multiplies the index by 1/(1 - sum f_i^2), which is n/(n-1)
	// for equal weights: the small-sample correction of R ineq::Gini(corr=TRUE)
	// and DescTools::Gini(unbiased=TRUE). The default (false) is the
	// population Gini of ineq (corr=FALSE), laeken, Stata and PySAL.
	Corrected bool
}

// Gini returns the (weighted) Gini coefficient
//
//	G = 2 cov_f(x, r) / mu,   mu = sum f_i x_i,
//
// where r is the midpoint fractional rank of x (see the package comment).
// This equals the mean absolute difference over twice the mean,
// sum_i sum_j f_i f_j |x_i - x_j| / (2 mu), the trapezoid area between the
// Lorenz curve and the diagonal, and the Gini of the frequency-expanded
// sample. Ties in x do not change G. Zeros are ordinary values; negative
// values are allowed (G may then exceed 1) but the mean must be positive.
// Weights: nil means equal weights.
//
// Matches R ineq::Gini (corr FALSE/TRUE), laeken::gini/100, Inequality.jl
// gini, DescTools::Gini (unbiased FALSE/TRUE) and PySAL inequality.gini.
func Gini(x, w []float64, opt GiniOptions) (float64, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return 0, err
	}
	mu := wmean(x, f)
	if mu <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "metrics: Gini needs a positive mean, got %v", mu)
	}
	order := sortedOrder(x)
	g := giniSorted(x, f, order, mu)
	if opt.Corrected {
		g *= correction(f)
	}
	return g, nil
}

// correction returns 1/(1 - sum f^2) (n/(n-1) for equal weights).
func correction(f []float64) float64 {
	var s float64
	for _, v := range f {
		s += v * v
	}
	return 1 / (1 - s)
}

// giniSorted returns 2 cov_f(y, r)/mu where r is the midpoint fractional rank
// in the given order (order must sort the ranking variable ascending with
// tie blocks contiguous; for a Gini, ties in x need no averaging because the
// tied values are equal).
func giniSorted(y, f []float64, order []int, mu float64) float64 {
	var before, s float64
	for _, i := range order {
		r := before + f[i]/2
		s += f[i] * y[i] * (r - 0.5)
		before += f[i]
	}
	return 2 * s / mu
}

// Curve is a Lorenz or concentration curve: P[k] is the cumulative population
// (weight) share and L[k] the cumulative share of the variable, with
// P[0] = L[0] = 0 and P[len-1] = L[len-1] = 1 (up to rounding).
type Curve struct {
	P []float64 `json:"p"`
	L []float64 `json:"l"`
}

// Lorenz returns the Lorenz curve of x: units sorted by x ascending (stable,
// so tied units keep their input order, which moves interior points along a
// straight segment but never changes the curve's shape or area), one point
// per unit, P = cumsum(w)/sum(w), L = cumsum(w x)/sum(w x), starting at (0,0).
// Matches R ineq::Lc(x, n = w) and PySAL's lorenz_curve. x must be
// non-negative with a positive total.
func Lorenz(x, w []float64) (Curve, error) {
	f, err := normWeights(x, w)
	if err != nil {
		return Curve{}, err
	}
	if err := checkNonNegative("x", x); err != nil {
		return Curve{}, err
	}
	mu := wmean(x, f)
	if mu <= 0 {
		return Curve{}, budget.Errorf(budget.EINVALID, "metrics: Lorenz curve needs a positive total, got mean %v", mu)
	}
	order := stableOrder(x)
	c := Curve{P: make([]float64, len(x)+1), L: make([]float64, len(x)+1)}
	var p, l float64
	for k, i := range order {
		p += f[i]
		l += f[i] * x[i] / mu
		c.P[k+1], c.L[k+1] = p, l
	}
	return c, nil
}
