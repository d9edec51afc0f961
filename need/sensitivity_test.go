package need

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
)

// synthetic builds a composite over nAreas x nInd random indicators in
// four domains of one component.
func synthetic(nAreas, nInd int, seed uint64) (*Spec, *SensitivityInput) {
	rng := rand.New(rand.NewPCG(seed, 1))
	spec := &Spec{Name: "synthetic", Version: "1", Method: "composite", Normalise: Normalisation{Method: "percentile", Ties: TiesAverage, Scale: 100},
		Tiers: Tiers{Method: "quantiles", N: 5}}
	comp := Component{Name: "need"}
	for d := 0; d < 4; d++ {
		comp.Domains = append(comp.Domains, Domain{Name: fmt.Sprintf("d%d", d)})
	}
	in := &SensitivityInput{Spec: spec}
	for a := 0; a < nAreas; a++ {
		in.IDs = append(in.IDs, fmt.Sprint(a))
	}
	latent := make([]float64, nAreas)
	for a := range latent {
		latent[a] = rng.NormFloat64()
	}
	for k := 0; k < nInd; k++ {
		name := fmt.Sprintf("i%d", k)
		spec.Indicators = append(spec.Indicators, IndicatorSpec{Name: name})
		comp.Domains[k%4].Indicators = append(comp.Domains[k%4].Indicators, name)
		raw := make([]float64, nAreas)
		for a := range raw {
			raw[a] = latent[a] + rng.NormFloat64()
		}
		in.Raw = append(in.Raw, raw)
		in.Norm = append(in.Norm, Normalise(raw, spec.Normalise, false))
	}
	spec.Components = []Component{comp}
	return spec, in
}

func TestSensitivityBasics(t *testing.T) {
	_, in := synthetic(300, 8, 1)
	res, err := Sensitivity(in, SensitivityOptions{Runs: 200, Seed: 7, Normalisations: []string{"zscore", "minmax"}, LeaveOneOut: true})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Sensitivity(in, SensitivityOptions{Runs: 200, Seed: 7, Normalisations: []string{"zscore", "minmax"}, LeaveOneOut: true, Workers: 1})
	for a, as := range res.Areas {
		if !(as.P05 <= as.Median && as.Median <= as.P95) || as.P05 < 1 || as.P95 > 300 {
			t.Fatalf("area %s: interval %v %v %v", as.ID, as.P05, as.Median, as.P95)
		}
		if as.TopShare < 0 || as.TopShare > 1 {
			t.Fatalf("top share %v", as.TopShare)
		}
		if as != again.Areas[a] {
			t.Fatalf("not reproducible for a seed: %+v vs %+v", as, again.Areas[a])
		}
	}
	// the base rank 1 area is in the top quintile nearly always, the last
	// one never
	for _, as := range res.Areas {
		if as.BaseRank == 1 && as.TopShare < 0.9 {
			t.Errorf("top area in top tier only %.2f of runs", as.TopShare)
		}
		if as.BaseRank == 300 && as.TopShare != 0 {
			t.Errorf("bottom area in top tier %.2f of runs", as.TopShare)
		}
	}
	var sum float64
	for _, g := range res.Global {
		if g.Share < 0 || g.Share > 1 || math.IsNaN(g.Share) {
			t.Fatalf("share %+v", g)
		}
		sum += g.Share
	}
	if len(res.Global) != 2+8+4 || sum <= 0 {
		t.Fatalf("global %+v", res.Global)
	}
}

// TestSensitivityDetectsInfluence: when one normalisation choice changes
// the ranks a lot and weights barely matter (high concentration), the
// normalisation explains most of the rank variance.
func TestSensitivityDetectsInfluence(t *testing.T) {
	spec, in := synthetic(200, 4, 2)
	// indicator 0 has a huge outlier scale: min-max and z-scores are
	// dominated by it, percentiles are not
	for a := range in.Raw[0] {
		in.Raw[0][a] = math.Exp(3 * in.Raw[0][a])
	}
	in.Norm[0] = Normalise(in.Raw[0], spec.Normalise, false)
	res, err := Sensitivity(in, SensitivityOptions{Runs: 400, Seed: 3, Concentration: 1e6, Normalisations: []string{"minmax"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Global[0].Input != "normalisation" || res.Global[0].Share < 0.5 {
		t.Fatalf("global %+v", res.Global)
	}
}

func TestDirichletMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := []float64{1, 2, 7}
	out := make([]float64, 3)
	var mean [3]float64
	for i := 0; i < 20000; i++ {
		dirichlet(rng, w, 10, out)
		for j := range out {
			mean[j] += out[j] / 20000
		}
	}
	for j := range w {
		if math.Abs(mean[j]-w[j]) > 0.05 {
			t.Fatalf("mean %v, want %v", mean, w)
		}
	}
}

// BenchmarkSensitivity: 1,000 Monte Carlo runs over 2,500 areas and 20
// indicators (goal: under 2 s on 2 cores).
func BenchmarkSensitivity(b *testing.B) {
	_, in := synthetic(2500, 20, 9)
	b.ResetTimer()
	c0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := Sensitivity(in, SensitivityOptions{Runs: 1000, Seed: uint64(i), Normalisations: []string{"zscore", "minmax"}, LeaveOneOut: true}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per op, meaningful when the shared machine is busy
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// TestSensitivityMOE: margins of error widen the rank intervals; without
// them (or with MOE off) the draws are only over weights.
func TestSensitivityMOE(t *testing.T) {
	_, in := synthetic(200, 4, 5)
	width := func(res *SensitivityResult) float64 {
		var w float64
		for _, a := range res.Areas {
			w += a.P95 - a.P05
		}
		return w / float64(len(res.Areas))
	}
	base, err := Sensitivity(in, SensitivityOptions{Runs: 300, Seed: 1, Concentration: 1000})
	if err != nil {
		t.Fatal(err)
	}
	in.MOE = make([][]float64, 4)
	for k := range in.MOE {
		in.MOE[k] = make([]float64, 200)
		for a := range in.MOE[k] {
			in.MOE[k][a] = 2 // the indicators' sd is about 1.4
		}
	}
	off, _ := Sensitivity(in, SensitivityOptions{Runs: 300, Seed: 1, Concentration: 1000})
	on, _ := Sensitivity(in, SensitivityOptions{Runs: 300, Seed: 1, Concentration: 1000, MOE: true})
	if width(off) != width(base) {
		t.Fatalf("MOE off changed the result: %v vs %v", width(off), width(base))
	}
	if width(on) < 3*width(base) {
		t.Fatalf("MOE did not widen intervals: %v vs %v", width(on), width(base))
	}
	t.Logf("mean 5-95%% rank interval width: %.1f without margins, %.1f with", width(base), width(on))
}
