package capital

import (
	"context"
	"testing"
)

// BenchmarkSolve500 solves the benchmark model (bench/capital: 500
// synthetic projects, 15 district floors and ceilings, 20 dependencies,
// a 40% high-need share) to a proven optimum.
func BenchmarkSolve500(b *testing.B) {
	m := Synthetic(SyntheticOptions{Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		res, err := Solve(context.Background(), m, Options{NodeLimit: -1, TimeLimit: -1})
		if err != nil || !res.Optimal {
			b.Fatalf("%v %v", err, res.Status)
		}
	}
}
