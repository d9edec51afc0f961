package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/budgetlens/budgetlens/budget"
)

// ValueError names the unit of an input vector whose value a measure
// cannot take: Vector is the argument ("x", "w", "weights"), Index the
// 0-based position of the unit, Why what the measure needs. Front ends map
// Index back to the row of their file (errors.As). It comes wrapped in a
// *budget.Error of code EINVALID.
type ValueError struct {
	Vector string
	Index  int
	Value  float64
	Why    string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("metrics: %s[%d] is %v: %s", e.Vector, e.Index, e.Value, e.Why)
}

// valueError returns a ValueError as invalid input.
func valueError(vector string, i int, v float64, why string) error {
	return &budget.Error{Code: budget.EINVALID, Err: &ValueError{Vector: vector, Index: i, Value: v, Why: why}}
}

// checkFinite returns an error naming the first non-finite element of x.
func checkFinite(name string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return valueError(name, i, v, "every value must be a finite number (drop or impute missing rows first)")
		}
	}
	return nil
}

// checkNonNegative returns an error naming the first negative element of x.
func checkNonNegative(name string, x []float64) error {
	for i, v := range x {
		if v < 0 {
			return valueError(name, i, v, "this measure is defined for non-negative values only")
		}
	}
	return nil
}

// normWeights validates x and w and returns the normalised weights f (summing
// to 1). A nil w gives equal weights.
func normWeights(x, w []float64) ([]float64, error) {
	n := len(x)
	if n == 0 {
		return nil, budget.Errorf(budget.EINVALID, "metrics: no observations: give at least one value")
	}
	if err := checkFinite("x", x); err != nil {
		return nil, err
	}
	f := make([]float64, n)
	if w == nil {
		for i := range f {
			f[i] = 1 / float64(n)
		}
		return f, nil
	}
	if len(w) != n {
		return nil, budget.Errorf(budget.EINVALID, "metrics: %d weights for %d values: give one weight per value", len(w), n)
	}
	if err := checkFinite("w", w); err != nil {
		return nil, err
	}
	if err := checkNonNegative("w", w); err != nil {
		return nil, err
	}
	var s float64
	for _, v := range w {
		s += v
	}
	if s <= 0 {
		return nil, budget.Errorf(budget.EINVALID, "metrics: the weights sum to %v: at least one weight must be positive", s)
	}
	for i, v := range w {
		f[i] = v / s
	}
	return f, nil
}

// wmean returns sum f_i x_i.
func wmean(x, f []float64) float64 {
	var m float64
	for i, v := range x {
		m += f[i] * v
	}
	return m
}

// sortedOrder returns the indices of key in ascending order of key. The
// order among equal keys is unspecified: every caller treats a tie block as
// one unit (or the tied values are equal), so it cannot change a result.
func sortedOrder(key []float64) []int {
	type pair struct {
		k float64
		i int
	}
	p := make([]pair, len(key))
	for i, k := range key {
		p[i] = pair{k, i}
	}
	slices.SortFunc(p, func(a, b pair) int { // keys are finite (checked)
		switch {
		case a.k < b.k:
			return -1
		case a.k > b.k:
			return 1
		}
		return 0
	})
	idx := make([]int, len(key))
	for j := range p {
		idx[j] = p[j].i
	}
	return idx
}

// stableOrder is sortedOrder with ties kept in input order (for curves whose
// interior points are reported per unit).
func stableOrder(key []float64) []int {
	idx := make([]int, len(key))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
	return idx
}

// fractionalRank returns, for each unit in its original position, the
// midpoint fractional rank r_i = (F_before + F_block/2) where F_before is the
// total normalised weight of units with a strictly smaller key and F_block the
// total weight of the units whose key equals key_i. order is the ascending
// order of key (as returned by sortedOrder).
func fractionalRank(key, f []float64, order []int) []float64 {
	r := make([]float64, len(key))
	var before float64
	for s := 0; s < len(order); {
		e := s
		var block float64
		for e < len(order) && key[order[e]] == key[order[s]] {
			block += f[order[e]]
			e++
		}
		mid := before + block/2
		for k := s; k < e; k++ {
			r[order[k]] = mid
		}
		before += block
		s = e
	}
	return r
}
