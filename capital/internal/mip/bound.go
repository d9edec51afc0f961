package mip

import "math"

// lagrangian returns an upper bound on the objective over every 0-1 vector
// within the variable bounds lo/up that satisfies the rows, using the row
// multipliers pi (one per row, in objective units per unit of the unscaled
// row):
//
//	obj·x = (obj - A'pi)·x + pi·(A x)
//	      <= sum_j max over x_j in [lo_j, up_j] of d_j x_j
//	       + sum_r (pi_r > 0 ? pi_r Hi_r : pi_r Lo_r),      d = obj - A'pi.
//
// This holds for any pi (a multiplier whose row side is unlimited is set to
// zero first), so the bound is valid whatever the accuracy of the LP that
// supplied pi; at the LP optimum it equals the LP value. The result is
// raised by a margin covering floating-point rounding of the sums. d
// receives the reduced costs (d_j is what moving x_j from 0 to 1 would add
// to the bound), used for reduced-cost fixing.
func (s *solver) lagrangian(pi []float64, lo, up []int8, d []float64) float64 {
	mass := 0.0
	bound := 0.0
	for r := range s.p.Rows {
		row := &s.p.Rows[r]
		v := pi[r]
		if v > 0 && row.Hi == NoUpper || v < 0 && row.Lo == NoLower || math.IsNaN(v) {
			v = 0
			pi[r] = 0
		}
		switch {
		case v > 0:
			bound += v * float64(row.Hi)
		case v < 0:
			bound += v * float64(row.Lo)
		}
		mass += math.Abs(v) * s.rowMass[r]
	}
	for j := range d {
		v := s.p.Obj[j]
		for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
			v -= pi[s.colRow[t]] * s.colCoef[t]
		}
		d[j] = v
		mass += math.Abs(s.p.Obj[j])
		switch {
		case lo[j] == up[j]:
			bound += v * float64(lo[j])
		case v > 0:
			bound += v
		}
	}
	return bound + 1e-11*mass
}

// multipliers converts the LP's duals (minimisation, scaled rows and
// objective) into row multipliers in objective units per unscaled row unit.
func (s *solver) multipliers() []float64 {
	y := s.lp.duals()
	for r := range y {
		y[r] = -y[r] * s.rowScale[r] / s.objScale
	}
	return y
}
