package assess

import (
	"math"

	"github.com/budgetlens/budgetlens/budget"
)

// Weights chooses the disagreement weights of WeightedKappa.
type Weights int

const (
	// Linear weights agreement 1 − |i−j|/(k−1) (R vcd's "Equal-Spacing").
	Linear Weights = iota
	// Quadratic weights agreement 1 − (i−j)²/(k−1)² (vcd's "Fleiss-Cohen").
	Quadratic
)

// WeightedKappa is Cohen's (1968) weighted kappa of a k×k table of counts
// (rows: the first rater's level, columns: the second's):
//
//	κw = (Po − Pe) / (1 − Pe), Po = Σ wᵢⱼ pᵢⱼ, Pe = Σ wᵢⱼ pᵢ. p.ⱼ
//
// with agreement weights w as chosen (1 on the diagonal). It matches R's
// vcd::Kappa (the "Weighted" value). An empty table, one that is not
// square, or k < 2 is EINVALID; when Pe = 1 (both raters always gave the
// same single level) κ is undefined and NaN is returned.
func WeightedKappa(table [][]float64, w Weights) (float64, error) {
	k := len(table)
	if k < 2 {
		return 0, budget.Errorf(budget.EINVALID, "kappa needs at least two levels")
	}
	n := 0.0
	for _, row := range table {
		if len(row) != k {
			return 0, budget.Errorf(budget.EINVALID, "kappa needs a square table (%d rows, a row of %d)", k, len(row))
		}
		for _, c := range row {
			n += c
		}
	}
	if n == 0 {
		return 0, budget.Errorf(budget.EINVALID, "kappa needs at least one pair of ratings")
	}
	rows, cols := make([]float64, k), make([]float64, k)
	for i := range table {
		for j, c := range table[i] {
			rows[i] += c / n
			cols[j] += c / n
		}
	}
	var po, pe float64
	for i := range table {
		for j, c := range table[i] {
			wij := agreement(i, j, k, w)
			po += wij * c / n
			pe += wij * rows[i] * cols[j]
		}
	}
	if pe == 1 {
		return math.NaN(), nil
	}
	return (po - pe) / (1 - pe), nil
}

func agreement(i, j, k int, w Weights) float64 {
	d := math.Abs(float64(i-j)) / float64(k-1)
	if w == Quadratic {
		return 1 - d*d
	}
	return 1 - d
}

// Agreement is the agreement between pairs of reviewers over a cycle (a
// fiscal year's phase): every question both reviewers of an assessment
// scored is one pair of ratings.
type Agreement struct {
	Pairs int     `json:"pairs"`       // pairs of ratings
	Items int     `json:"assessments"` // assessments with two or more reviews
	Kappa float64 `json:"weighted_kappa"`
	Exact float64 `json:"exact_agreement"` // share of pairs with the same level
}

// CycleAgreement pools the pairs of ratings of the first two reviews of
// every assessment (levels 0..levels-1) and computes the linear weighted
// kappa. Kappa is NaN with no pair.
func CycleAgreement(as []Assessment, levels int) Agreement {
	table := make([][]float64, levels)
	for i := range table {
		table[i] = make([]float64, levels)
	}
	var ag Agreement
	same := 0
	for _, a := range as {
		if len(a.Reviews) < 2 {
			continue
		}
		r1, r2 := a.Reviews[0].Scores, a.Reviews[1].Scores
		counted := false
		for q, s1 := range r1 {
			s2, ok := r2[q]
			if !ok || s1 < 0 || s2 < 0 || s1 >= levels || s2 >= levels {
				continue
			}
			table[s1][s2]++
			ag.Pairs++
			counted = true
			if s1 == s2 {
				same++
			}
		}
		if counted {
			ag.Items++
		}
	}
	ag.Kappa, ag.Exact = math.NaN(), math.NaN()
	if ag.Pairs > 0 {
		ag.Kappa, _ = WeightedKappa(table, Linear)
		ag.Exact = float64(same) / float64(ag.Pairs)
	}
	return ag
}
