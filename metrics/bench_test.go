package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// benchData returns n log-normal values, a correlated ranking variable,
// integer weights and rook weights on a sqrt(n) x sqrt(n) grid.
func benchData(n int) (y, rank, w []float64, W *Weights) {
	rng := rand.New(rand.NewPCG(2500, uint64(n)))
	y, rank, w = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		rank[i] = math.Exp(rng.NormFloat64())
		y[i] = rank[i]*0.5 + math.Exp(rng.NormFloat64())
		w[i] = float64(1 + rng.IntN(9))
	}
	side := int(math.Sqrt(float64(n)))
	W, _ = latticeRook(side, n/side).Transformed("r")
	return y, rank, w, W
}

var benchSizes = []int{2500, 1_000_000}

func benchEach(b *testing.B, fn func(b *testing.B, y, rank, w []float64, W *Weights)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			y, rank, w, W := benchData(n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				fn(b, y, rank, w, W)
			}
		})
	}
}

func BenchmarkGini(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, w []float64, _ *Weights) { must(Gini(y, w, GiniOptions{})) })
}

func BenchmarkLorenz(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, w []float64, _ *Weights) { must(Lorenz(y, w)) })
}

func BenchmarkConcentrationIndex(b *testing.B) {
	benchEach(b, func(b *testing.B, y, r, w []float64, _ *Weights) { must(ConcentrationIndex(y, r, w)) })
}

// BenchmarkBootstrapCI: 1,000 replicates (R boot: 0.58 s at n = 2,500).
func BenchmarkBootstrapCI(b *testing.B) {
	benchEach(b, func(b *testing.B, y, r, w []float64, _ *Weights) { must(BootstrapCI(y, r, w, 1000, 1, 0.95)) })
}

func BenchmarkTheilDecomposition(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, w []float64, _ *Weights) {
		g := make([]string, len(y))
		for i := range g {
			g[i] = string(rune('a' + i%7))
		}
		must(TheilDecomposition(y, w, g))
	})
}

func BenchmarkGeneralizedEntropy(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, w []float64, _ *Weights) {
		for _, a := range []float64{0, 1, 2} {
			must(GeneralizedEntropy(y, w, a))
		}
	})
}

func BenchmarkAtkinson(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, w []float64, _ *Weights) {
		for _, e := range []float64{0.5, 1, 2} {
			must(Atkinson(y, w, e))
		}
	})
}

func BenchmarkShares(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, w []float64, _ *Weights) {
		must(Palma(y, w))
		must(S80S20(y, w))
		must(Hoover(y, w))
		must(Herfindahl(y))
		must(CoefficientOfVariation(y, w, CVOptions{}))
	})
}

func BenchmarkProgressivity(b *testing.B) {
	benchEach(b, func(b *testing.B, y, r, w []float64, _ *Weights) {
		must(ProgressivityOf(r, scaleBy(y, 0.1), w, Benefit))
	})
}

func BenchmarkRepresentation(b *testing.B) {
	benchEach(b, func(b *testing.B, y, r, w []float64, _ *Weights) {
		g := make([]string, len(y))
		for i := range g {
			g[i] = string(rune('a' + i%5))
		}
		must(Dissimilarity(y, r))
		must(RepresentationRatios(g, w, y, r, RepresentationOptions{}))
	})
}

// BenchmarkMoranI: 999 permutations (spdep moran.mc: 0.82 s at n = 2,500).
func BenchmarkMoranI(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, _ []float64, W *Weights) { must(MoranI(y, W, 999, 1)) })
}

// BenchmarkLocalMoran: 999 conditional permutations per area
// (spdep localmoran_perm: 1.57 s at n = 2,500).
func BenchmarkLocalMoran(b *testing.B) {
	benchEach(b, func(b *testing.B, y, _, _ []float64, W *Weights) {
		must(LocalMoran(y, W, LocalOptions{Permutations: 999, Seed: 1}))
	})
}
