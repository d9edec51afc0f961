package metrics

import (
	"math"

	"github.com/budgetlens/budgetlens/budget"
)

// Concentration is a concentration index with its standard errors.
type Concentration struct {
	N     int     `json:"n"`
	Index float64 `json:"index"` // C
	Mean  float64 `json:"mean"`  // weighted mean of y
	// SEDelta is the Kakwani, Wagstaff & van Doorslaer (1997, eq. 14)
	// standard error: var(C) = (1/n)[sum f_i a_i^2 - (1+C)^2] with
	// a_i = (y_i/mu)(2 r_i - 1 - C) + 2 - q_{i-1} - q_i and q_i the
	// cumulative (weighted) share of y in rank order. With equal weights this
	// is rineq::ci(method = "direct") and the "Kakwani" SE of the literature.
	SEDelta float64 `json:"se_delta"`
	// SERegression is the OLS standard error of the slope in the
	// "convenient regression" 2 var_f(r) y_i/mu = alpha + beta r_i + e_i
	// (weighted least squares with weights f; the mean is treated as known).
	// This is conindex's default SE and rineq's linreg_convenience.
	SERegression float64 `json:"se_regression"`
	// SERegressionDelta is rineq's linreg_delta SE: y is regressed on r,
	// C = 2 var(r) b/(a + b/2) and its variance is obtained by the delta
	// method from the OLS covariance of (a, b), so the sampling variability
	// of the mean is taken into account (O'Donnell et al. 2008, eq. 8.12).
	// As in rineq, the rank variance in the gradient is the sample variance,
	// which multiplies the SE by n/(n-1).
	SERegressionDelta float64 `json:"se_regression_delta"`
}

// ConcentrationIndex returns the concentration index of y ranked by rankBy
// (for benefit incidence: y = spending or benefit per unit, rankBy = income
// or need, w = population):
//
//	C = 2 cov_f(y, r) / mu_y
//
// with r the midpoint fractional rank of rankBy; units tied in rankBy share
// their block's mean rank, so the result does not depend on row order
// (Stata conindex, rineq::rank_gwt; NOT rineq's default rank_wt, ipeaGIT
// accessibility or IneqPy, which rank tied units in data order). C lies in
// [-1, 1] for non-negative y; C < 0 means y is concentrated among low-ranked
// units (pro-poor when rankBy is income). y may contain zeros; the weighted
// mean of y must be non-zero. Standard errors: see Concentration.
func ConcentrationIndex(y, rankBy, w []float64) (Concentration, error) {
	f, err := normWeights(y, w)
	if err != nil {
		return Concentration{}, err
	}
	if len(rankBy) != len(y) {
		return Concentration{}, budget.Errorf(budget.EINVALID, "metrics: %d ranking values for %d outcomes: give one per unit", len(rankBy), len(y))
	}
	if err := checkFinite("rankBy", rankBy); err != nil {
		return Concentration{}, err
	}
	mu := wmean(y, f)
	if mu == 0 {
		return Concentration{}, budget.Errorf(budget.EINVALID, "metrics: the weighted mean of the outcome is 0: a concentration index is undefined")
	}
	order := sortedOrder(rankBy)
	r := fractionalRank(rankBy, f, order)
	c := Concentration{N: len(y), Mean: mu}
	var s float64
	for i := range y {
		s += f[i] * y[i] * (r[i] - 0.5)
	}
	c.Index = 2 * s / mu
	c.SEDelta = kakwaniSE(y, f, r, order, mu, c.Index)
	c.SERegression, c.SERegressionDelta = regressionSEs(y, f, r, mu)
	return c, nil
}

// kakwaniSE is eq. 14 of Kakwani, Wagstaff & van Doorslaer (1997) with
// weights: q_i accumulates f_i y_i/mu in rank order.
func kakwaniSE(y, f, r []float64, order []int, mu, c float64) float64 {
	n := float64(len(y))
	var q, s float64
	for _, i := range order {
		qPrev := q
		q += f[i] * y[i] / mu
		a := y[i]/mu*(2*r[i]-1-c) + 2 - qPrev - q
		s += f[i] * a * a
	}
	v := (s - (1+c)*(1+c)) / n
	if v < 0 {
		v = 0
	}
	return math.Sqrt(v)
}

// regressionSEs returns the convenient-regression OLS SE and the
// linreg_delta SE. Both use weighted least squares with weights f scaled to
// sum to n (so the residual variance has n-2 degrees of freedom).
func regressionSEs(y, f, r []float64, mu float64) (conv, delta float64) {
	n := float64(len(y))
	if len(y) < 3 {
		return math.NaN(), math.NaN()
	}
	rbar := wmean(r, f)
	var srr float64 // sum f (r - rbar)^2
	for i := range r {
		d := r[i] - rbar
		srr += f[i] * d * d
	}
	if srr == 0 {
		return math.NaN(), math.NaN()
	}
	// Regression of y on r: slope b, intercept a.
	var sry float64
	for i := range r {
		sry += f[i] * (r[i] - rbar) * (y[i] - mu)
	}
	b := sry / srr
	a := mu - b*rbar
	var rss float64 // with weights n*f
	for i := range y {
		e := y[i] - a - b*r[i]
		rss += n * f[i] * e * e
	}
	s2 := rss / (n - 2)
	sxx := n * srr // sum of n f (r - rbar)^2
	varB := s2 / sxx
	// Convenient regression: lhs = 2 srr y/mu, so its residuals are those of
	// y scaled by 2 srr/mu.
	k := 2 * srr / mu
	conv = math.Sqrt(varB) * k
	// Delta method on C = 2 srr b/(a + b/2) using cov(a, b).
	rbarN := rbar
	varA := s2 * (1/n + rbarN*rbarN/sxx)
	covAB := -s2 * rbarN / sxx
	dterm := 8 * srr / ((2*a + b) * (2*a + b))
	ga, gb := -b*dterm, a*dterm
	v := ga*ga*varA + 2*ga*gb*covAB + gb*gb*varB
	// rineq uses the sample variance of the rank (denominator n-1, or
	// 1 - sum f^2 with weights) in the gradient, which scales the SE by
	// n/(n-1); we follow it so the numbers agree.
	delta = math.Sqrt(v) * correction(f)
	return conv, delta
}

// Corrected is a concentration index rescaled for a bounded outcome.
type Corrected struct {
	Index   float64 `json:"index"`
	SEDelta float64 `json:"se_delta"` // the delta SE times the same factor
}

func checkBounds(c Concentration, lo, hi float64) error {
	if !(hi > lo) || math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return budget.Errorf(budget.EINVALID, "metrics: bounds [%v, %v] are invalid: give finite bounds with low < high", lo, hi)
	}
	if c.Mean < lo || c.Mean > hi {
		return budget.Errorf(budget.EINVALID, "metrics: the mean %v lies outside the bounds [%v, %v]: give bounds that contain every value", c.Mean, lo, hi)
	}
	return nil
}

// Erreygers returns Erreygers' (2009) corrected index for an outcome bounded
// in [lo, hi]: E = 4 mu C / (hi - lo). The bounds are the user's (the
// theoretical range of the outcome); passing the sample min and max
// reproduces ipeaGIT accessibility's "corrected" index and rineq type "CIc".
// The SE is scaled by the same factor (the mean treated as fixed, as in
// rineq and conindex).
func (c Concentration) Erreygers(lo, hi float64) (Corrected, error) {
	if err := checkBounds(c, lo, hi); err != nil {
		return Corrected{}, err
	}
	k := 4 * c.Mean / (hi - lo)
	return Corrected{Index: k * c.Index, SEDelta: k * c.SEDelta}, nil
}

// Wagstaff returns Wagstaff's (2005) normalised index for an outcome bounded
// in [lo, hi]: W = C / (1 - mu*), mu* = (mu - lo)/(hi - lo). Undefined when
// the mean equals the upper bound.
func (c Concentration) Wagstaff(lo, hi float64) (Corrected, error) {
	if err := checkBounds(c, lo, hi); err != nil {
		return Corrected{}, err
	}
	ms := (c.Mean - lo) / (hi - lo)
	if ms == 1 {
		return Corrected{}, budget.Errorf(budget.EINVALID, "metrics: the mean equals the upper bound %v: the Wagstaff index is undefined", hi)
	}
	k := 1 / (1 - ms)
	return Corrected{Index: k * c.Index, SEDelta: k * c.SEDelta}, nil
}

// ConcentrationCurve returns the concentration curve of y against rankBy:
// points at the end of each tie block of rankBy (tied units are merged into
// one segment, so the curve does not depend on row order), P the cumulative
// weight share and L the cumulative share of sum(w y), starting at (0,0).
func ConcentrationCurve(y, rankBy, w []float64) (Curve, error) {
	f, err := normWeights(y, w)
	if err != nil {
		return Curve{}, err
	}
	if len(rankBy) != len(y) {
		return Curve{}, budget.Errorf(budget.EINVALID, "metrics: %d ranking values for %d outcomes: give one per unit", len(rankBy), len(y))
	}
	if err := checkFinite("rankBy", rankBy); err != nil {
		return Curve{}, err
	}
	mu := wmean(y, f)
	if mu == 0 {
		return Curve{}, budget.Errorf(budget.EINVALID, "metrics: the weighted mean of the outcome is 0: the concentration curve is undefined")
	}
	order := sortedOrder(rankBy)
	c := Curve{P: []float64{0}, L: []float64{0}}
	var p, l float64
	for k, i := range order {
		p += f[i]
		l += f[i] * y[i] / mu
		if k == len(order)-1 || rankBy[order[k+1]] != rankBy[i] {
			c.P = append(c.P, p)
			c.L = append(c.L, l)
		}
	}
	return c, nil
}

// GroupedConcentration is the concentration index computed from grouped
// data (for example spending per income decile).
type GroupedConcentration struct {
	Index float64 `json:"index"`
	Mean  float64 `json:"mean"`
	// SE is the Kakwani, Wagstaff & van Doorslaer (1997) grouped-data
	// standard error (their eq. 17-18): the first term of the micro formula
	// over groups plus, when within-group variances are given, the term
	// (1/(n mu^2)) sum f_t sigma_t^2 (2 R_t - 1 - C)^2. NaN when n is 0.
	SE float64 `json:"se"`
}

// ConcentrationIndexGrouped returns the concentration index of grouped data.
// means[t] is the mean outcome in group t, pops[t] its population (or
// weight); groups must be given in ascending order of the ranking variable
// (poorest first). R_t = F_{t-1} + f_t/2 and
//
//	C = (2/mu) sum_t f_t mu_t R_t - 1,
//
// which equals 1 - 2 x (trapezoid area under the concentration curve) and the
// micro-data index when every member of a group has the group mean.
// withinVar (optional, nil allowed) gives each group's variance of the
// outcome; n is the total sample size for the SE (0 to skip the SE).
func ConcentrationIndexGrouped(means, pops, withinVar []float64, n int) (GroupedConcentration, error) {
	f, err := normWeights(means, pops)
	if err != nil {
		return GroupedConcentration{}, err
	}
	if withinVar != nil && len(withinVar) != len(means) {
		return GroupedConcentration{}, budget.Errorf(budget.EINVALID, "metrics: %d within-group variances for %d groups", len(withinVar), len(means))
	}
	mu := wmean(means, f)
	if mu == 0 {
		return GroupedConcentration{}, budget.Errorf(budget.EINVALID, "metrics: the mean outcome is 0: a concentration index is undefined")
	}
	var before, s float64
	R := make([]float64, len(means))
	for t := range means {
		R[t] = before + f[t]/2
		s += f[t] * means[t] * R[t]
		before += f[t]
	}
	g := GroupedConcentration{Index: 2*s/mu - 1, Mean: mu, SE: math.NaN()}
	if n > 0 {
		var q, sa, sw float64
		for t := range means {
			qPrev := q
			q += f[t] * means[t] / mu
			a := means[t]/mu*(2*R[t]-1-g.Index) + 2 - qPrev - q
			sa += f[t] * a * a
			if withinVar != nil {
				d := 2*R[t] - 1 - g.Index
				sw += f[t] * withinVar[t] * d * d
			}
		}
		v := (sa-(1+g.Index)*(1+g.Index))/float64(n) + sw/(float64(n)*mu*mu)
		g.SE = math.Sqrt(math.Max(v, 0))
	}
	return g, nil
}
