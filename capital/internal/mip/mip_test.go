package mip

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// bruteForce enumerates every 0-1 vector and returns the best objective
// (summed in index order like Problem.Value) and whether any is feasible.
func bruteForce(p *Problem) (float64, bool) {
	n := len(p.Obj)
	best, found := math.Inf(-1), false
	x := make([]bool, n)
	for mask := 0; mask < 1<<n; mask++ {
		for j := range x {
			x[j] = mask>>j&1 == 1
		}
		if ok, _ := p.Feasible(x); ok {
			found = true
			best = math.Max(best, p.Value(x))
		}
	}
	return best, found
}

// randomProblem draws a problem with knapsack rows, covering rows (>=),
// mixed-sign rows, ranged rows, two-variable implications and fixings.
func randomProblem(rng *rand.Rand, n int, integerObj bool) *Problem {
	p := &Problem{Obj: make([]float64, n)}
	for j := range p.Obj {
		if integerObj {
			p.Obj[j] = float64(rng.IntN(40) - 5)
		} else {
			p.Obj[j] = math.Round(rng.NormFloat64()*1000+500) / 7
		}
	}
	for r := 0; r < 1+rng.IntN(5); r++ {
		row := Row{Lo: NoLower, Hi: NoUpper}
		var sum int64
		for j := 0; j < n; j++ {
			if rng.IntN(3) == 0 {
				continue
			}
			c := int64(rng.IntN(1000) + 1)
			if r%3 == 2 {
				c -= 500 // mixed signs, like the equity-share row
			}
			row.Vars = append(row.Vars, j)
			row.Coefs = append(row.Coefs, c)
			sum += c
		}
		switch r % 3 {
		case 0:
			row.Hi = sum * int64(20+rng.IntN(60)) / 100
		case 1:
			row.Lo = sum * int64(rng.IntN(40)) / 100
			if rng.IntN(2) == 0 {
				row.Hi = row.Lo + sum/3
			}
		case 2:
			row.Lo = int64(rng.IntN(200)) - 100
		}
		p.Rows = append(p.Rows, row)
	}
	for k := 0; k < rng.IntN(4); k++ {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			continue
		}
		if rng.IntN(2) == 0 {
			p.Rows = append(p.Rows, Row{Name: "requires", Vars: []int{i, j}, Coefs: []int64{1, -1}, Lo: NoLower, Hi: 0})
		} else {
			p.Rows = append(p.Rows, Row{Name: "excludes", Vars: []int{i, j}, Coefs: []int64{1, 1}, Lo: NoLower, Hi: 1})
		}
	}
	if rng.IntN(3) == 0 {
		p.Fixed = make([]Fix, n)
		p.Fixed[rng.IntN(n)] = FixedOne
		p.Fixed[rng.IntN(n)] = FixedZero
	}
	return p
}

func TestSolveMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	infeasible := 0
	for it := 0; it < 1000; it++ {
		n := 1 + rng.IntN(18)
		p := randomProblem(rng, n, it%2 == 0)
		want, feasible := bruteForce(p)
		res, err := Solve(context.Background(), p, Options{})
		if err != nil {
			t.Fatalf("instance %d: %v", it, err)
		}
		if !feasible {
			infeasible++
			if res.Status != Infeasible {
				t.Fatalf("instance %d: status %v, brute force finds no feasible vector", it, res.Status)
			}
			continue
		}
		if res.Status != Optimal {
			t.Fatalf("instance %d: status %v, want optimal %v", it, res.Status, want)
		}
		if ok, r := p.Feasible(res.X); !ok {
			t.Fatalf("instance %d: returned solution violates row %d", it, r)
		}
		if math.Abs(res.Objective-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("instance %d (n=%d): objective %v, brute force %v", it, n, res.Objective, want)
		}
		if res.RootBound < want-1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("instance %d: root bound %v below the optimum %v", it, res.RootBound, want)
		}
		if res.Bound < res.Objective-1e-9 {
			t.Fatalf("instance %d: bound %v below objective %v", it, res.Bound, res.Objective)
		}
	}
	if infeasible < 20 || infeasible > 600 {
		t.Errorf("%d of 1000 instances infeasible: the generator no longer exercises both verdicts", infeasible)
	}
}

func TestNodeLimitReportsGap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	n := 60
	p := &Problem{Obj: make([]float64, n)}
	row := Row{Lo: NoLower}
	var sum int64
	for j := 0; j < n; j++ {
		c := int64(1000 + rng.IntN(100000))
		p.Obj[j] = float64(c) + float64(rng.IntN(500)) // strongly correlated: hard
		row.Vars = append(row.Vars, j)
		row.Coefs = append(row.Coefs, c)
		sum += c
	}
	row.Hi = sum / 2
	p.Rows = []Row{row}
	res, err := Solve(context.Background(), p, Options{NodeLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Limit != "nodes" || res.Nodes != 3 {
		t.Fatalf("limit %q after %d nodes, want nodes after 3", res.Limit, res.Nodes)
	}
	if res.Status == Optimal && res.Bound-res.Objective > 1 {
		t.Fatalf("optimal with a gap: %v .. %v", res.Objective, res.Bound)
	}
	if res.Bound < res.Objective {
		t.Fatalf("bound %v below objective %v", res.Bound, res.Objective)
	}
	full, _ := Solve(context.Background(), p, Options{})
	if full.Status != Optimal || full.Objective < res.Objective || full.Objective > res.Bound+1e-6 {
		t.Fatalf("full solve %v %v outside the limited run's [%v, %v]", full.Status, full.Objective, res.Objective, res.Bound)
	}
}

func TestValidateRefusesBadRows(t *testing.T) {
	cases := map[string]*Problem{
		"index":     {Obj: []float64{1}, Rows: []Row{{Vars: []int{1}, Coefs: []int64{1}, Lo: NoLower, Hi: 1}}},
		"no limits": {Obj: []float64{1}, Rows: []Row{{Vars: []int{0}, Coefs: []int64{1}, Lo: NoLower, Hi: NoUpper}}},
		"duplicate": {Obj: []float64{1}, Rows: []Row{{Vars: []int{0, 0}, Coefs: []int64{1, 1}, Lo: NoLower, Hi: 1}}},
		"huge":      {Obj: []float64{1, 1}, Rows: []Row{{Vars: []int{0, 1}, Coefs: []int64{1 << 61, 1}, Lo: NoLower, Hi: 1}}},
		"nan":       {Obj: []float64{math.NaN()}},
		"crossed":   {Obj: []float64{1}, Rows: []Row{{Vars: []int{0}, Coefs: []int64{1}, Lo: 2, Hi: 1}}},
	}
	for name, p := range cases {
		if _, err := Solve(context.Background(), p, Options{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
