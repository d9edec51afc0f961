package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

func randomSample(rng *rand.Rand, n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = math.Exp(rng.NormFloat64()) * 100
		w[i] = 1 + float64(rng.IntN(5))
	}
	return x, w
}

// giniMeanDifference is the O(n^2) definition sum f_i f_j |x_i - x_j| / (2 mu).
func giniMeanDifference(x, w []float64) float64 {
	f, _ := normWeights(x, w)
	mu := wmean(x, f)
	var s float64
	for i := range x {
		for j := range x {
			s += f[i] * f[j] * math.Abs(x[i]-x[j])
		}
	}
	return s / (2 * mu)
}

type measure struct {
	name string
	fn   func(x, w []float64) (float64, error)
}

var inequalityMeasures = []measure{
	{"gini", func(x, w []float64) (float64, error) { return Gini(x, w, GiniOptions{}) }},
	{"theil", Theil},
	{"mld", MeanLogDeviation},
	{"ge2", func(x, w []float64) (float64, error) { return GeneralizedEntropy(x, w, 2) }},
	{"ge-1", func(x, w []float64) (float64, error) { return GeneralizedEntropy(x, w, -1) }},
	{"atkinson0.5", func(x, w []float64) (float64, error) { return Atkinson(x, w, 0.5) }},
	{"atkinson1", func(x, w []float64) (float64, error) { return Atkinson(x, w, 1) }},
	{"atkinson2", func(x, w []float64) (float64, error) { return Atkinson(x, w, 2) }},
	{"cv", func(x, w []float64) (float64, error) { return CoefficientOfVariation(x, w, CVOptions{}) }},
	{"palma", Palma},
	{"s80s20", S80S20},
	{"hoover", Hoover},
}

func TestGiniCovarianceEqualsMeanDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		x, w := randomSample(rng, 1+rng.IntN(60))
		if trial%3 == 0 { // ties
			for i := range x {
				x[i] = math.Round(x[i] / 100)
			}
			x[0] += 1
		}
		g := must(Gini(x, w, GiniOptions{}))
		near(t, "gini cov vs mean difference", g, giniMeanDifference(x, w), 1e-12)
		near(t, "gini unweighted", must(Gini(x, nil, GiniOptions{})), giniMeanDifference(x, nil), 1e-12)
	}
}

func TestScaleAndReplicationInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 20; trial++ {
		x, w := randomSample(rng, 5+rng.IntN(40))
		scaled := make([]float64, len(x))
		for i := range x {
			scaled[i] = 7.5 * x[i]
		}
		// Replication: every unit twice, weights unchanged; and integer
		// weights expanded into copies.
		var rep, repW, expanded []float64
		for i := range x {
			rep = append(rep, x[i], x[i])
			repW = append(repW, w[i], w[i])
			for k := 0; k < int(w[i]); k++ {
				expanded = append(expanded, x[i])
			}
		}
		for _, m := range inequalityMeasures {
			base := must(m.fn(x, w))
			near(t, m.name+" scale", must(m.fn(scaled, w)), base, 1e-10*math.Max(1, math.Abs(base)))
			near(t, m.name+" replication", must(m.fn(rep, repW)), base, 1e-10*math.Max(1, math.Abs(base)))
			if m.name != "palma" && m.name != "s80s20" { // boundary split differs by unit granularity only through weights, checked below
				near(t, m.name+" frequency weights", must(m.fn(expanded, nil)), base, 1e-10*math.Max(1, math.Abs(base)))
			} else {
				near(t, m.name+" frequency weights", must(m.fn(expanded, nil)), base, 1e-9*math.Max(1, math.Abs(base)))
			}
		}
		c := must(ConcentrationIndex(x, w, w))
		c2 := must(ConcentrationIndex(scaled, w, w))
		near(t, "concentration scale", c2.Index, c.Index, 1e-12)
	}
}

// TestTransferPrinciple: a transfer from a richer to a poorer unit that
// keeps their order lowers every measure (weakly for Palma/S80S20/Hoover,
// which only see group totals).
func TestTransferPrinciple(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 30; trial++ {
		x, _ := randomSample(rng, 10+rng.IntN(30))
		order := sortedOrder(x)
		lo, hi := order[1], order[len(order)-2]
		d := (x[hi] - x[lo]) / 10
		y := append([]float64(nil), x...)
		y[lo] += d
		y[hi] -= d
		for _, m := range inequalityMeasures {
			before, after := must(m.fn(x, nil)), must(m.fn(y, nil))
			weak := m.name == "palma" || m.name == "s80s20" || m.name == "hoover"
			if after > before+1e-12 || (!weak && !(after < before)) {
				t.Errorf("%s: %v before the transfer, %v after", m.name, before, after)
			}
		}
	}
}

func TestBounds(t *testing.T) {
	equal := []float64{5, 5, 5, 5}
	for _, m := range inequalityMeasures {
		near(t, m.name+" of equal values", must(m.fn(equal, nil)), map[string]float64{"palma": 0.25, "s80s20": 1}[m.name], 1e-12)
	}
	one := []float64{0, 0, 0, 0, 10}
	near(t, "gini all-to-one", must(Gini(one, nil, GiniOptions{})), 0.8, 1e-12)
	near(t, "gini all-to-one corrected", must(Gini(one, nil, GiniOptions{Corrected: true})), 1, 1e-12)
	near(t, "theil all-to-one", must(Theil(one, nil)), math.Log(5), 1e-12)
	near(t, "atkinson(1) with a zero", must(Atkinson(one, nil, 1)), 1, 0)
	near(t, "herfindahl one holder", must(Herfindahl(one)), 1, 0)
	near(t, "herfindahl equal", must(Herfindahl(equal)), 0.25, 1e-15)
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 20; trial++ {
		x, w := randomSample(rng, 3+rng.IntN(30))
		g := must(Gini(x, w, GiniOptions{}))
		if g < 0 || g >= 1 {
			t.Errorf("gini %v outside [0,1)", g)
		}
		c := must(ConcentrationIndex(x, x, w))
		near(t, "C(x ranked by x) = Gini", c.Index, g, 1e-12)
		rev := make([]float64, len(x))
		for i := range x {
			rev[i] = -x[i]
		}
		c = must(ConcentrationIndex(x, rev, w))
		near(t, "C(x ranked by -x) = -Gini", c.Index, -g, 1e-12)
		for _, e := range []float64{0.5, 1, 2, 3} {
			a := must(Atkinson(x, w, e))
			if a < 0 || a > 1 {
				t.Errorf("atkinson(%v) = %v", e, a)
			}
		}
	}
}

func TestDecompositionsAddUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	labels := []string{"a", "b", "c", "d"}
	for trial := 0; trial < 20; trial++ {
		x, w := randomSample(rng, 8+rng.IntN(40))
		g := make([]string, len(x))
		for i := range g {
			g[i] = labels[rng.IntN(len(labels))]
		}
		for _, alpha := range []float64{0, 0.5, 1, 2, -1} {
			d := must(GEDecomposition(x, w, g, alpha))
			near(t, "between + within", d.Between+d.Within, d.Total, 1e-12)
			near(t, "total = GE", d.Total, must(GeneralizedEntropy(x, w, alpha)), 1e-12)
		}
		p := must(ProgressivityOf(x, scaleBy(x, 0.2), w, Tax))
		near(t, "proportional tax kakwani", p.Kakwani, 0, 1e-12)
		near(t, "redistribution = RS - reranking", p.Redistrib, p.RS-p.Reranking, 1e-12)
		if p.Reranking < -1e-12 {
			t.Errorf("reranking %v < 0", p.Reranking)
		}
	}
}

func scaleBy(x []float64, k float64) []float64 {
	out := make([]float64, len(x))
	for i := range x {
		out[i] = k * x[i]
	}
	return out
}

// TestGroupedMatchesMicro: the grouped-data index equals the micro index
// when every member has the group mean.
func TestGroupedMatchesMicro(t *testing.T) {
	means := []float64{3, 5, 4, 9, 12}
	pops := []float64{10, 20, 15, 5, 8}
	var y, r, w []float64
	for g := range means {
		for k := 0; k < int(pops[g]); k++ {
			y = append(y, means[g])
			r = append(r, float64(g))
			w = append(w, 1)
		}
	}
	micro := must(ConcentrationIndex(y, r, w))
	grouped := must(ConcentrationIndexGrouped(means, pops, nil, 58))
	near(t, "grouped vs micro", grouped.Index, micro.Index, 1e-12)
	curve := must(ConcentrationCurve(y, r, w))
	var area float64
	for k := 1; k < len(curve.P); k++ {
		area += (curve.P[k] - curve.P[k-1]) * (curve.L[k] + curve.L[k-1]) / 2
	}
	near(t, "C = 1 - 2 area", 1-2*area, micro.Index, 1e-12)
}

// TestBootstrapDeterministic: same seed, same interval, whatever GOMAXPROCS.
func TestBootstrapDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	y, w := randomSample(rng, 300)
	z, _ := randomSample(rng, 300)
	a := must(BootstrapCI(y, z, w, 500, 42, 0.9))
	b := must(BootstrapCI(y, z, w, 500, 42, 0.9))
	if a != b {
		t.Fatalf("two runs differ: %+v %+v", a, b)
	}
	c := must(ConcentrationIndex(y, z, w))
	if !(a.Low < c.Index && c.Index < a.High) {
		t.Errorf("interval [%v, %v] misses C %v", a.Low, a.High, c.Index)
	}
	// The bootstrap SE and the delta SE estimate the same thing.
	if r := a.SE / c.SEDelta; r < 0.7 || r > 1.4 {
		t.Errorf("bootstrap SE %v vs delta SE %v", a.SE, c.SEDelta)
	}
	d := must(BootstrapCI(y, z, w, 500, 43, 0.9))
	if d == a {
		t.Error("a different seed gave the same interval")
	}
}

func TestMoranPermutationAgreesWithAnalytic(t *testing.T) {
	cols := dataset(t, "stl_stl_hom.txt", 1)
	w := gal(t, "stl_stl.gal", "r")
	m := must(MoranI(floats(t, cols["HR8893"]), w, 4999, 7))
	near(t, "E[I] by permutation", m.EISim, m.Expected, 0.005)
	near(t, "SE by permutation", m.SESim, math.Sqrt(m.VarRandom), 0.1*math.Sqrt(m.VarRandom))
	if m.PSim > 0.005 { // spdep moran.mc, 99,999 permutations: 0.00137
		t.Errorf("p_sim %v", m.PSim)
	}
	m2 := must(MoranI(floats(t, cols["HR8893"]), w, 4999, 7))
	if m2 != m {
		t.Error("same seed, different result")
	}
}

func TestLocalMoranSumsToGlobal(t *testing.T) {
	cols := dataset(t, "stl_stl_hom.txt", 1)
	w := gal(t, "stl_stl.gal", "r")
	x := floats(t, cols["HR8893"])
	g := must(MoranI(x, w, 0, 0))
	l := must(LocalMoran(x, w, LocalOptions{Permutations: 999, Seed: 3}))
	var s float64
	for _, v := range l.I {
		s += v
	}
	n := float64(len(x))
	// sum I_i = (n-1)/n * S0 * I for PySAL's scaling.
	near(t, "sum of local I", s, (n-1)/n*g.S0*g.I, 1e-10)
	sig := 0
	for i := range l.PSim {
		if l.PSim[i] < 1.0/1000 || l.PSim[i] > 0.5+1e-9 {
			t.Errorf("p[%d] = %v outside [1/1000, 0.5]", i, l.PSim[i])
		}
		if l.Significant[i] {
			sig++
			if l.Cluster[i] != l.Quadrant[i] {
				t.Errorf("significant area %d labelled %s, quadrant %s", i, l.Cluster[i], l.Quadrant[i])
			}
		}
	}
	f := must(LocalMoran(x, w, LocalOptions{Permutations: 999, Seed: 3, FDR: true}))
	fsig := 0
	for _, s := range f.Significant {
		if s {
			fsig++
		}
	}
	if fsig > sig || sig == 0 {
		t.Errorf("FDR kept %d areas, unadjusted %d", fsig, sig)
	}
}

func TestFDRThreshold(t *testing.T) {
	p := []float64{0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216}
	// m = 10, alpha 0.05: k*alpha/m = 0.005k; p_(2)=0.008 <= 0.010 is the last.
	near(t, "BH cut", FDRThreshold(p, 0.05), 0.008, 0)
}

func TestWeightsAlignSubset(t *testing.T) {
	w := latticeRook(2, 2) // 0-1, 0-2, 1-3, 2-3
	a := must(w.Align([]string{"3", "2", "1", "0"}))
	if a.IDs[0] != "3" || a.Cardinality(0) != 2 {
		t.Fatalf("align: %+v", a)
	}
	s := must(w.Subset([]bool{true, true, true, false}))
	if s.N() != 3 || s.Cardinality(1) != 1 || s.Cardinality(2) != 1 || s.Cardinality(0) != 2 {
		t.Fatalf("subset: %+v", s)
	}
	r := must(s.Transformed("r"))
	if r.Values[0] != 0.5 {
		t.Fatalf("row-standardised %v", r.Values)
	}
	if _, err := w.Align([]string{"0", "1", "2", "9"}); err == nil || !strings.Contains(err.Error(), "3") {
		t.Fatalf("align with unknown id: %v", err)
	}
}

func TestParseGALErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"x\n", "w.gal:1:1"},
		{"2\n1 1\n2\n2 1\n", "w.gal:4:3"},       // file ends (neighbour count, no ids)
		{"2\n1 1\n3\n2 1\n1\n", "w.gal:3:1"},    // unknown neighbour
		{"3\n1 1\n2\n2 1\n1\n", "w.gal:1:1"},    // header count
		{"2\n1 z\n", "w.gal:2:3"},               // bad count
		{"0 2 name id\n1 1\n2\n2 1\n1\n", "ok"}, // PySAL header
		{"2\n1 0\n\n2 0\n", "ok"},               // islands
	} {
		w, err := ParseGAL(strings.NewReader(tc.in), "w.gal")
		if tc.want == "ok" {
			if err != nil || w.N() != 2 {
				t.Errorf("%q: %v", tc.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseGAL(f *testing.F) {
	for _, name := range []string{"stl_stl.gal", "desmith_desmith.gal", "mexico_mexico.gal"} {
		if b, err := os.ReadFile("../../shared/reference/datasets/" + name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("2\n1 1\n2\n2 1\n1\n")
	f.Add("0 99999999999 layer id\na 1\nb\nb 1\na\n") // issue 14: a header claiming 10^11 units
	f.Fuzz(func(t *testing.T, s string) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		w, err := ParseGAL(strings.NewReader(s), "fuzz.gal")
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20+uint64(200*len(s)) {
			t.Fatalf("%d bytes allocated for %d bytes of input", d, len(s))
		}
		if err != nil {
			var ie *budget.InputError
			if !errors.As(err, &ie) || ie.File != "fuzz.gal" || (ie.Line == 0 && ie.Field == "") {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		if len(w.Offsets) != w.N()+1 {
			t.Fatalf("offsets %d for %d units", len(w.Offsets), w.N())
		}
		for _, j := range w.Neighbors {
			if j < 0 || j >= w.N() {
				t.Fatalf("neighbour %d out of range", j)
			}
		}
	})
}

func TestErrorsNameTheProblem(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{second(Gini([]float64{1, math.NaN()}, nil, GiniOptions{})), "x[1]"},
		{second(Gini([]float64{1, 2}, []float64{1}, GiniOptions{})), "1 weights for 2 values"},
		{second(Gini([]float64{1, 2}, []float64{1, -1}, GiniOptions{})), "w[1] is -1"},
		{second(MeanLogDeviation([]float64{1, 0}, nil)), "x[1] is 0"},
		{second(Atkinson([]float64{1, -2}, nil, 1)), "x[1] is -2"},
		{second(BootstrapCI([]float64{1, 2}, []float64{1, 2}, nil, 1, 1, 0.95)), "replicates"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want it to mention %q", tc.err, tc.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestFastRandUniform: chi-square check of intN for a few bounds.
func TestFastRandUniform(t *testing.T) {
	r := newFastRand(99, 0)
	for _, n := range []int{2, 7, 1000, 3_000_000} {
		bins := 10
		if n < bins {
			bins = n
		}
		counts := make([]float64, bins)
		const draws = 200000
		for i := 0; i < draws; i++ {
			v := r.intN(n)
			if v < 0 || v >= n {
				t.Fatalf("intN(%d) = %d", n, v)
			}
			counts[v*bins/n]++
		}
		var chi float64
		for b := range counts {
			lo, hi := (b*n+bins-1)/bins, ((b+1)*n+bins-1)/bins
			exp := draws * float64(hi-lo) / float64(n)
			chi += (counts[b] - exp) * (counts[b] - exp) / exp
		}
		if chi > 35 { // df <= 9: P(chi2 > 35) < 1e-4
			t.Errorf("intN(%d): chi-square %v over %d bins", n, chi, bins)
		}
	}
}

func TestRepresentationIntervals(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	n := 200
	groups, pop, spend, need := make([]string, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range groups {
		groups[i] = []string{"north", "south", "east"}[i%3]
		pop[i] = 500 + float64(rng.IntN(3000))
		need[i] = 0.05 + 0.3*rng.Float64()
		spend[i] = pop[i] * (1 + float64(i%3)) * (0.5 + rng.Float64())
	}
	opt := RepresentationOptions{Reps: 400, Seed: 5, Level: 0.9}
	r := must(RepresentationRatios(groups, pop, spend, need, opt))
	r2 := must(RepresentationRatios(groups, pop, spend, need, opt))
	var popShares, spendShares float64
	for g := range r {
		popShares += r[g].PopShare
		spendShares += r[g].SpendShare
		for _, iv := range []struct {
			est float64
			ci  [2]float64
		}{{r[g].RatioPop, r[g].RatioPopCI}, {r[g].RatioNeed, r[g].RatioNeedCI}} {
			if !(iv.ci[0] < iv.est && iv.est < iv.ci[1]) {
				t.Errorf("%s: interval %v misses %v", r[g].Group, iv.ci, iv.est)
			}
		}
		if r[g].RatioPopCI != r2[g].RatioPopCI {
			t.Errorf("intervals not reproducible")
		}
	}
	near(t, "population shares", popShares, 1, 1e-12)
	near(t, "spending shares", spendShares, 1, 1e-12)
	// Spending per person is 1x (north), 2x (south), 3x (east); labels are
	// reported in lexical order: east, north, south.
	if !(r[1].RatioPop < r[2].RatioPop && r[2].RatioPop < r[0].RatioPop) {
		t.Errorf("ratios %v %v %v not in the constructed order", r[0].RatioPop, r[1].RatioPop, r[2].RatioPop)
	}
}

// TestGroupedSEApproximatesMicro: with the within-group variance term, the
// grouped-data SE is close to the micro-data delta SE.
func TestGroupedSEApproximatesMicro(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const groups, per = 10, 300
	var y, r []float64
	means, pops, vars := make([]float64, groups), make([]float64, groups), make([]float64, groups)
	for g := 0; g < groups; g++ {
		var s, ss float64
		for k := 0; k < per; k++ {
			v := math.Exp(0.1*float64(g) + 0.5*rng.NormFloat64())
			y = append(y, v)
			r = append(r, float64(g))
			s += v
			ss += v * v
		}
		means[g], pops[g] = s/per, per
		vars[g] = ss/per - means[g]*means[g]
	}
	micro := must(ConcentrationIndex(y, r, nil))
	grouped := must(ConcentrationIndexGrouped(means, pops, vars, groups*per))
	near(t, "C", grouped.Index, micro.Index, 1e-12)
	if q := grouped.SE / micro.SEDelta; q < 0.9 || q > 1.1 {
		t.Errorf("grouped SE %v vs micro %v", grouped.SE, micro.SEDelta)
	}
}
