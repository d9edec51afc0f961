// Package mip solves 0-1 integer programs with integer constraint rows:
//
//	maximise   sum_j Obj[j] x[j]
//	subject to Lo[r] <= sum_j A[r][j] x[j] <= Hi[r]   for every row r
//	           x[j] in {0, 1}, some fixed by the caller
//
// by branch and bound on LP relaxations solved with a bounded dual simplex
// (lp.go). Row coefficients and limits are int64, so every claim that a
// 0-1 vector is feasible is checked exactly in integer arithmetic; only the
// bounds used to prune the search are floating point, and those are
// Lagrangian bounds that stay valid whatever the accuracy of the LP (see
// bound.go). Results are deterministic: no randomness, ties broken by
// variable index and node creation order.
package mip

import (
	"fmt"
	"math"
)

// Absent row limits.
const (
	NoLower int64 = math.MinInt64
	NoUpper int64 = math.MaxInt64
)

// MaxRowMass is the largest allowed sum of |coefficients| in a row (and of
// |Lo|, |Hi| when present): every partial activity then fits in an int64.
const MaxRowMass = int64(1) << 61

// Fix says whether a variable is free or fixed by the caller.
type Fix int8

// Fixings.
const (
	Free Fix = iota
	FixedZero
	FixedOne
)

// Row is one linear constraint Lo <= sum Coefs[k] x[Vars[k]] <= Hi.
// Lo may be NoLower and Hi NoUpper (not both).
type Row struct {
	Name  string
	Vars  []int
	Coefs []int64
	Lo    int64
	Hi    int64
}

// Problem is a 0-1 maximisation. Fixed is nil (all free) or one entry per
// variable.
type Problem struct {
	Obj   []float64
	Rows  []Row
	Fixed []Fix
}

// Validate checks shapes, indices, duplicate variables in a row, finite
// objective coefficients and the MaxRowMass limit.
func (p *Problem) Validate() error {
	n := len(p.Obj)
	for j, c := range p.Obj {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("mip: objective coefficient %d is %v", j, c)
		}
	}
	if p.Fixed != nil && len(p.Fixed) != n {
		return fmt.Errorf("mip: %d fixings for %d variables", len(p.Fixed), n)
	}
	for r, row := range p.Rows {
		if err := row.validate(n); err != nil {
			return fmt.Errorf("mip: row %d (%s): %w", r, row.Name, err)
		}
	}
	return nil
}

func (row *Row) validate(n int) error {
	if len(row.Vars) != len(row.Coefs) {
		return fmt.Errorf("%d variables but %d coefficients", len(row.Vars), len(row.Coefs))
	}
	if row.Lo == NoLower && row.Hi == NoUpper {
		return fmt.Errorf("no limit on either side")
	}
	if row.Lo != NoLower && row.Hi != NoUpper && row.Lo > row.Hi {
		return fmt.Errorf("lower limit %d above upper limit %d", row.Lo, row.Hi)
	}
	seen := make(map[int]bool, len(row.Vars))
	mass := int64(0)
	add := func(v int64) bool {
		if v < 0 {
			v = -v
		}
		if v < 0 || v > MaxRowMass-mass {
			return false
		}
		mass += v
		return true
	}
	for k, j := range row.Vars {
		if j < 0 || j >= n {
			return fmt.Errorf("variable %d out of range", j)
		}
		if seen[j] {
			return fmt.Errorf("variable %d appears twice", j)
		}
		seen[j] = true
		if !add(row.Coefs[k]) {
			return fmt.Errorf("coefficients too large (sum of magnitudes above 2^61)")
		}
	}
	if row.Lo != NoLower && !add(row.Lo) || row.Hi != NoUpper && !add(row.Hi) {
		return fmt.Errorf("limits too large (sum of magnitudes above 2^61)")
	}
	return nil
}

// Activity returns sum_k Coefs[k] x[Vars[k]] exactly.
func (row *Row) Activity(x []bool) int64 {
	var s int64
	for k, j := range row.Vars {
		if x[j] {
			s += row.Coefs[k]
		}
	}
	return s
}

// Holds reports whether activity a meets the row's limits.
func (row *Row) Holds(a int64) bool {
	return (row.Lo == NoLower || a >= row.Lo) && (row.Hi == NoUpper || a <= row.Hi)
}

// Feasible reports whether x satisfies every row and fixing exactly, and
// returns the index of the first violated row (-1 when a fixing is
// violated or all hold).
func (p *Problem) Feasible(x []bool) (bool, int) {
	for j := range x {
		if p.fixed(j) == FixedOne && !x[j] || p.fixed(j) == FixedZero && x[j] {
			return false, -1
		}
	}
	for r := range p.Rows {
		if !p.Rows[r].Holds(p.Rows[r].Activity(x)) {
			return false, r
		}
	}
	return true, -1
}

// Value returns sum Obj[j] over the chosen variables, summed in index order.
func (p *Problem) Value(x []bool) float64 {
	var s float64
	for j, on := range x {
		if on {
			s += p.Obj[j]
		}
	}
	return s
}

func (p *Problem) fixed(j int) Fix {
	if p.Fixed == nil {
		return Free
	}
	return p.Fixed[j]
}
