package metrics

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// vector is one entry of ../shared/reference/metric-vectors.json.
type vector struct {
	Metric     string          `json:"metric"`
	SourceRepo string          `json:"source_repo"`
	SourcePath string          `json:"source_path"`
	Provenance string          `json:"provenance"`
	Inputs     json.RawMessage `json:"inputs"`
	Params     json.RawMessage `json:"params"`
	Expected   json.RawMessage `json:"expected"`
	Tolerance  json.RawMessage `json:"tolerance"`
}

func (v vector) name() string { return v.Metric + "/" + v.SourceRepo }

// tol returns the vector's tolerance (for an object, the named entry).
func (v vector) tol(t *testing.T, key string) float64 {
	var f float64
	if json.Unmarshal(v.Tolerance, &f) == nil {
		return f
	}
	var m map[string]float64
	if err := json.Unmarshal(v.Tolerance, &m); err != nil {
		t.Fatalf("tolerance: %v", err)
	}
	return m[key]
}

func decode[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return out
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.15g, want %.15g (tolerance %g, off by %.3g)", what, got, want, tol, got-want)
	}
}

// must returns v, panicking (which fails the test with a stack trace) on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// dataset reads a CSV file under reference/datasets as columns. skip drops
// leading lines (the GeoDa header "n,k" of the .txt files).
func dataset(t *testing.T, name string, skip int) map[string][]string {
	t.Helper()
	p := fixture.Shared(t, filepath.Join("reference", "datasets", name))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", skip+1)
	r := csv.NewReader(strings.NewReader(lines[len(lines)-1]))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]string{}
	for _, row := range rows[1:] {
		for j, h := range rows[0] {
			cols[h] = append(cols[h], strings.TrimSpace(row[j]))
		}
	}
	return cols
}

func floats(t *testing.T, s []string) []float64 {
	t.Helper()
	out := make([]float64, len(s))
	for i, v := range s {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("value %d %q: %v", i, v, err)
		}
		out[i] = f
	}
	return out
}

func gal(t *testing.T, name, transform string) *Weights {
	t.Helper()
	p := fixture.Shared(t, filepath.Join("reference", "datasets", name))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := must(ParseGAL(f, p))
	return must(w.Transformed(transform))
}

// TestReferenceVectors runs every vector of metric-vectors.json; a vector
// without a handler fails the test, so new vectors cannot be ignored.
func TestReferenceVectors(t *testing.T) {
	p := fixture.Shared(t, "reference/metric-vectors.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 30 {
		t.Fatalf("only %d vectors read", len(vs))
	}
	seen := map[string]int{}
	for _, v := range vs {
		name := v.name()
		seen[name]++
		if seen[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, seen[name])
		}
		t.Run(name, func(t *testing.T) {
			h, ok := vectorHandlers[v.Metric]
			if !ok {
				t.Fatalf("no handler for metric %q (%s %s)", v.Metric, v.SourceRepo, v.SourcePath)
			}
			h(t, v)
		})
	}
}

var ilocosX = []float64{541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261}

var vectorHandlers = map[string]func(*testing.T, vector){
	"gini_spatial_components": func(t *testing.T, v vector) {
		cols := dataset(t, "mexico_mexico.csv", 0)
		x := floats(t, cols["pcgdp1940"])
		w := BlockWeights(cols["hanson98"])
		r := must(SpatialGini(x, w, 999, 12345))
		e := decode[map[string]float64](t, v.Expected)
		tol := v.tol(t, "")
		near(t, "g", r.Gini, e["g"], tol)
		near(t, "wg", r.WG, e["wg"], tol*e["wg"])
		near(t, "wcg", r.WCG, e["wcg"], tol*e["wcg"])
		// p_sim and e_wcg come from NumPy's stream (99 permutations): check
		// them statistically. E[WCG] under randomisation is exact:
		// total x (non-neighbour pairs)/(all ordered pairs).
		n := float64(len(x))
		links := float64(len(w.Neighbors))
		exact := (r.WG + r.WCG) * (n*(n-1) - links) / (n * (n - 1))
		near(t, "E[wcg] (exact)", exact, e["e_wcg"], 0.01*e["e_wcg"])
		near(t, "e_wcg (999 permutations)", r.EWCG, exact, 0.005*exact)
		if r.PSim > 0.1 {
			t.Errorf("p_sim = %v, PySAL's 99 permutations gave %v", r.PSim, e["p_sim"])
		}
	},
	"gini": func(t *testing.T, v vector) {
		in := decode[struct{ X []float64 }](t, v.Inputs)
		near(t, "gini", must(Gini(in.X, nil, GiniOptions{})), decode[float64](t, v.Expected), v.tol(t, ""))
	},
	"gini_small_sample_corrected": func(t *testing.T, v vector) {
		in := decode[map[string][]float64](t, v.Inputs)
		e := decode[map[string]float64](t, v.Expected)
		for _, k := range []string{"x", "y"} {
			near(t, k, must(Gini(in[k], nil, GiniOptions{Corrected: true})), e[k], v.tol(t, ""))
			near(t, k+" uncorrected", must(Gini(in[k], nil, GiniOptions{})), 0.4, 1e-12)
		}
	},
	"gini_weighted": func(t *testing.T, v vector) {
		switch v.SourceRepo {
		case "JosepER/Inequality.jl":
			in := decode[struct{ V, W []float64 }](t, v.Inputs)
			e := decode[map[string]float64](t, v.Expected)
			near(t, "unweighted", must(Gini(in.V, nil, GiniOptions{})), e["unweighted"], v.tol(t, ""))
			near(t, "weighted", must(Gini(in.V, in.W, GiniOptions{})), e["weighted"], v.tol(t, ""))
			a := must(Gini([]float64{8, 5, 1, 3, 5}, []float64{1, 2, 1, 3, 1}, GiniOptions{}))
			b := must(Gini([]float64{8, 5, 5, 1, 3, 3, 3, 5}, nil, GiniOptions{}))
			near(t, "frequency weights", a, b, 1e-15)
		case "mmngreco/IneqPy":
			// The notes say IneqPy's value is implementation-specific; the
			// standard weighted Gini for these data is given there.
			in := decode[struct{ X, W []float64 }](t, v.Inputs)
			near(t, "standard weighted gini", must(Gini(in.X, in.W, GiniOptions{})), 0.18075965187983054, 1e-12)
			near(t, "DescTools unbiased", must(Gini(in.X, in.W, GiniOptions{Corrected: true})), 0.20548919137773597, 1e-12)
		default:
			t.Fatalf("unknown source %s", v.SourceRepo)
		}
	},
	"gini_weighted_doc_example": func(t *testing.T, v vector) {
		e := decode[map[string]float64](t, v.Expected)
		tol := v.tol(t, "")
		c1 := []float64{10, 10, 0, 0, 0}
		near(t, "case1", must(Gini(c1, nil, GiniOptions{})), e["case1_unbiased_FALSE"], tol)
		near(t, "case2", must(Gini([]float64{10, 0}, []float64{2, 3}, GiniOptions{})), e["case2_unbiased_FALSE"], tol)
		near(t, "case1 unbiased", must(Gini(c1, nil, GiniOptions{Corrected: true})), e["case1_unbiased_TRUE"], tol)
	},
	"lorenz_curve": func(t *testing.T, v vector) {
		in := decode[struct{ X []float64 }](t, v.Inputs)
		e := decode[struct{ L []float64 }](t, v.Expected)
		c := must(Lorenz(in.X, nil))
		compareSlices(t, "L", c.L, e.L, v.tol(t, ""))
		for k, p := range c.P {
			near(t, "p", p, float64(k)/5, 1e-15)
		}
	},
	"lorenz_curve_weighted": func(t *testing.T, v vector) {
		in := decode[struct{ V, W []float64 }](t, v.Inputs)
		e := decode[struct{ P, L []float64 }](t, v.Expected)
		c := must(Lorenz(in.V, in.W))
		compareSlices(t, "p", c.P, e.P, v.tol(t, ""))
		compareSlices(t, "L", c.L, e.L, v.tol(t, ""))
	},
	"hoover_schutz": func(t *testing.T, v vector) {
		in := decode[struct{ Y []float64 }](t, v.Inputs)
		e := decode[map[string]float64](t, v.Expected)
		s := must(Schutz(in.Y, nil))
		rel := v.tol(t, "")
		near(t, "distance", s.Distance, e["distance"], rel*e["distance"])
		near(t, "intersection_point", s.Point, e["intersection_point"], rel*e["intersection_point"])
		near(t, "coefficient", s.Coefficient, e["coefficient"], rel*e["coefficient"])
		near(t, "hoover", must(Hoover(in.Y, nil)), e["distance"], 1e-15)
	},
	"theil_T": func(t *testing.T, v vector) {
		switch v.SourceRepo {
		case "pysal/inequality":
			cols := dataset(t, "mexico_mexico.csv", 0)
			e := decode[[]float64](t, v.Expected)
			for k, year := range []string{"1940", "1950", "1960", "1970", "1980", "1990", "2000"} {
				near(t, year, must(Theil(floats(t, cols["pcgdp"+year]), nil)), e[k], v.tol(t, ""))
			}
		default:
			in := decode[struct{ X []float64 }](t, v.Inputs)
			near(t, "theil", must(Theil(in.X, nil)), decode[float64](t, v.Expected), v.tol(t, ""))
		}
	},
	"theil_T_decomposition_toy": func(t *testing.T, v vector) {
		in := decode[struct {
			Y         []float64
			Partition []int
		}](t, v.Inputs)
		e := decode[map[string]float64](t, v.Expected)
		groups := make([]string, len(in.Partition))
		for i, p := range in.Partition {
			groups[i] = strconv.Itoa(p)
		}
		d := must(TheilDecomposition(in.Y, nil, groups))
		near(t, "T", d.Total, e["T"], v.tol(t, ""))
		near(t, "bg", d.Between, e["bg"], v.tol(t, ""))
		near(t, "wg", d.Within, e["wg"], v.tol(t, ""))
	},
	"generalized_entropy_weighted": func(t *testing.T, v vector) {
		in := decode[struct{ V, W []float64 }](t, v.Inputs)
		e := decode[map[string]map[string]float64](t, v.Expected)
		tol := v.tol(t, "")
		for key, alpha := range map[string]float64{"mld_GE0": 0, "theil_GE1": 1, "GE2": 2} {
			near(t, key+" unweighted", must(GeneralizedEntropy(in.V, nil, alpha)), e[key]["unweighted"], tol)
			near(t, key+" weighted", must(GeneralizedEntropy(in.V, in.W, alpha)), e[key]["weighted"], tol)
		}
		near(t, "cv", must(CoefficientOfVariation(in.V, nil, CVOptions{})), 0.42518833940612966, 1e-12)
	},
	"theil_T_and_mld_healthequal_scaled": healthequalVector,
	"atkinson": func(t *testing.T, v vector) {
		tol := v.tol(t, "")
		switch v.SourceRepo {
		case "pysal/inequality":
			in := decode[struct{ Y []float64 }](t, v.Inputs)
			e := decode[map[string]float64](t, v.Expected)
			near(t, "A_0", must(Atkinson(in.Y, nil, 0)), e["A_0"], tol)
			near(t, "A_0.5", must(Atkinson(in.Y, nil, 0.5)), e["A_0.5"], tol)
			near(t, "A_1", must(Atkinson(in.Y, nil, 1)), e["A_1"], tol)
			ede, _, err := EquallyDistributedEquivalent(in.Y, nil, 0.5)
			near(t, "EDE_0.5", must(ede, err), e["EDE_0.5"], tol)
			ede, _, err = EquallyDistributedEquivalent(in.Y, nil, 1)
			near(t, "EDE_1", must(ede, err), e["EDE_1"], tol)
		case "cran/ineq":
			near(t, "A(0.5)", must(Atkinson(ilocosX, nil, 0.5)), decode[float64](t, v.Expected), tol)
		case "JosepER/Inequality.jl":
			in := decode[struct{ V []float64 }](t, v.Inputs)
			for k, want := range decode[map[string]float64](t, v.Expected) {
				eps, _ := strconv.ParseFloat(k, 64)
				near(t, "A("+k+")", must(Atkinson(in.V, nil, eps)), want, tol)
			}
		default:
			t.Fatalf("unknown source %s", v.SourceRepo)
		}
	},
	"atkinson_weighted": func(t *testing.T, v vector) {
		in := decode[struct{ X, W []float64 }](t, v.Inputs)
		near(t, "A(0.5)", must(Atkinson(in.X, in.W, 0.5)), decode[float64](t, v.Expected), v.tol(t, ""))
	},
	"herfindahl_rosenbluth": func(t *testing.T, v vector) {
		e := decode[map[string]float64](t, v.Expected)
		near(t, "herfindahl", must(Herfindahl(ilocosX)), e["herfindahl"], v.tol(t, ""))
		near(t, "rosenbluth", must(Rosenbluth(ilocosX)), e["rosenbluth"], v.tol(t, ""))
	},
	"coefficient_of_variation": func(t *testing.T, v vector) {
		e := decode[map[string]float64](t, v.Expected)
		near(t, "population", must(CoefficientOfVariation(ilocosX, nil, CVOptions{})), e["cv_population_sd"], v.tol(t, ""))
		near(t, "sample", must(CoefficientOfVariation(ilocosX, nil, CVOptions{Sample: true})), e["cv_sample_sd"], v.tol(t, ""))
	},
	"top_share_ratio_interpolated": func(t *testing.T, v vector) {
		in := decode[struct{ X, W []float64 }](t, v.Inputs)
		near(t, "top10/rest", must(ShareRatio(in.X, in.W, 0.1, 0.9)), decode[float64](t, v.Expected), v.tol(t, ""))
		near(t, "equal shares", must(ShareRatio([]float64{1, 9}, []float64{9, 1}, 0.1, 0.9)), 1, 1e-12)
	},
	"palma_ratio_mean_ratio_variant": accessibilityPalma,
	"palma_s80s20_derived": func(t *testing.T, v vector) {
		e := decode[map[string]float64](t, v.Expected)
		tol := v.tol(t, "")
		near(t, "palma", must(Palma(ilocosX, nil)), e["palma_share"], tol*e["palma_share"])
		near(t, "s80/s20", must(S80S20(ilocosX, nil)), e["s80_s20_share"], tol*e["s80_s20_share"])
		near(t, "laeken qsr", must(QuintileShareRatioLaeken(ilocosX, nil)), e["laeken_qsr_style"], tol*e["laeken_qsr_style"])
	},
	"concentration_index_micro": accessibilityConcentration,
	"concentration_index_tie_handling": func(t *testing.T, v vector) {
		in := decode[struct{ Rankvar, Y []float64 }](t, v.Inputs)
		e := decode[map[string]float64](t, v.Expected)
		c := must(ConcentrationIndex(in.Y, in.Rankvar, nil))
		near(t, "ties averaged", c.Index, e["conindex_ties_averaged"], v.tol(t, ""))
		// Row order must not matter: swap the tied units.
		y := append([]float64(nil), in.Y...)
		y[0], y[1] = y[1], y[0]
		c2 := must(ConcentrationIndex(y, in.Rankvar, nil))
		near(t, "ties averaged, rows swapped", c2.Index, e["conindex_ties_averaged"], v.tol(t, ""))
	},
	"concentration_index_se_variants": func(t *testing.T, v vector) {
		in := decode[struct{ Rankvar, Y []float64 }](t, v.Inputs)
		e := decode[map[string]float64](t, v.Expected)
		tol := v.tol(t, "")
		c := must(ConcentrationIndex(in.Y, in.Rankvar, nil))
		near(t, "C", c.Index, e["C"], tol)
		near(t, "se kakwani", c.SEDelta, e["se_kakwani1997"], tol)
		near(t, "se convenient regression", c.SERegression, e["se_convenient_regression_ols"], tol)
		near(t, "se linreg_delta", c.SERegressionDelta, e["se_rineq_linreg_delta"], tol)
		w := must(c.Wagstaff(0, 10))
		near(t, "wagstaff", w.Index, e["wagstaff_bounds_0_10"], tol)
		er := must(c.Erreygers(0, 10))
		near(t, "erreygers", er.Index, e["erreygers_bounds_0_10"], tol)
	},
	"kakwani_suits_reynolds_smolensky": func(t *testing.T, v vector) {
		e := decode[map[string]float64](t, v.Expected)
		tol := v.tol(t, "")
		tax := make([]float64, len(ilocosX))
		poll := make([]float64, len(ilocosX))
		prop := make([]float64, len(ilocosX))
		for i, x := range ilocosX {
			tax[i] = 0.25 * math.Max(0, x-2000)
			poll[i] = 100
			prop[i] = 0.1 * x
		}
		p := must(ProgressivityOf(ilocosX, tax, nil, Tax))
		near(t, "gini_pre", p.GiniPre, e["gini_pre"], tol)
		near(t, "conc_tax", p.Concentration, e["conc_tax"], tol)
		near(t, "kakwani", p.Kakwani, e["kakwani"], tol)
		near(t, "gini_post", p.GiniPost, e["gini_post"], tol)
		near(t, "conc_post_by_pre", p.ConcPost, e["conc_post_by_pre"], tol)
		near(t, "reynolds_smolensky", p.RS, e["reynolds_smolensky"], tol)
		near(t, "reranking", p.Reranking, e["reranking"], tol)
		near(t, "tau", p.Tau, e["tau"], tol)
		near(t, "suits", p.Suits, e["suits"], tol)
		near(t, "RS = tau/(1-tau) K", p.Tau/(1-p.Tau)*p.Kakwani, e["reynolds_smolensky"], tol)
		near(t, "suits poll tax", must(Suits(ilocosX, poll, nil)), e["suits_poll_tax_100_each"], tol)
		near(t, "kakwani poll tax", must(Kakwani(ilocosX, poll, nil)), -e["gini_pre"], tol)
		near(t, "suits proportional", must(Suits(ilocosX, prop, nil)), e["suits_proportional"], tol)
	},
	"dissimilarity_index": func(t *testing.T, v vector) {
		in := decode[map[string]struct{ A, B []float64 }](t, v.Inputs)
		e := decode[map[string]float64](t, v.Expected)
		for k, m := range in {
			near(t, k, must(Dissimilarity(m.A, m.B)), e[k], v.tol(t, ""))
		}
	},
	"representation_ratio_derived": func(t *testing.T, v vector) {
		in := decode[struct{ Pop, Spend, NeedRate []float64 }](t, json.RawMessage(strings.ReplaceAll(string(v.Inputs), "need_rate", "NeedRate")))
		e := decode[map[string][]float64](t, v.Expected)
		groups := []string{"a", "b", "c"}
		r := must(RepresentationRatios(groups, in.Pop, in.Spend, in.NeedRate, RepresentationOptions{}))
		for g := range r {
			near(t, "pop ratio "+groups[g], r[g].RatioPop, e["spend_share_over_pop_share"][g], v.tol(t, ""))
			near(t, "need ratio "+groups[g], r[g].RatioNeed, e["spend_share_over_need_share"][g], v.tol(t, ""))
		}
	},
	"moran_global": func(t *testing.T, v vector) {
		cols := dataset(t, "stl_stl_hom.txt", 1)
		w := gal(t, "stl_stl.gal", "r")
		m := must(MoranI(floats(t, cols["HR8893"]), w, 0, 0))
		e := decode[map[string]float64](t, v.Expected)
		near(t, "I", m.I, e["I"], v.tol(t, "I"))
		near(t, "EI", m.Expected, e["EI"], 1e-15)
		near(t, "p_norm one-tailed", m.PNormalOneSided, e["p_norm_one_tailed"], v.tol(t, "p"))
		near(t, "p_norm two-tailed", m.PNormal, e["p_norm_two_tailed"], 5e-7)
		near(t, "VI_norm", m.VarNormal, 0.004968139260116136, 1e-12)
		near(t, "VI_rand", m.VarRandom, 0.0029761028286109437, 1e-12)
	},
	"moran_variance_normality_randomization": func(t *testing.T, v vector) {
		w := must(latticeRook(3, 3).Transformed("b"))
		m := must(MoranI([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, w, 0, 0))
		e := decode[map[string]float64](t, v.Expected)
		near(t, "S0", m.S0, 24, 0)
		near(t, "S1", m.S1, 48, 0)
		near(t, "S2", m.S2, 272, 0)
		near(t, "I", m.I, 0.5, 1e-12)
		near(t, "VI_rand", m.VarRandom, e["VI_rand"], v.tol(t, ""))
		near(t, "VI_norm", m.VarNormal, e["VI_norm"], v.tol(t, ""))
	},
	"moran_bivariate": func(t *testing.T, v vector) {
		cols := dataset(t, "sids2_extract.csv", 0)
		w := gal(t, "sids2_sids2.gal", "r")
		w = must(w.Align(cols["FIPSNO"]))
		e := decode[map[string]float64](t, v.Expected)
		near(t, "SIDR74,SIDR79", must(MoranBV(floats(t, cols["SIDR74"]), floats(t, cols["SIDR79"]), w)), e["I(x=SIDR74,y=SIDR79)"], v.tol(t, ""))
		near(t, "NWR79,SIDR74", must(MoranBV(floats(t, cols["NWR79"]), floats(t, cols["SIDR74"]), w)), e["I(x=NWR79,y=SIDR74)"], v.tol(t, ""))
	},
	"moran_local_analytic_moments": func(t *testing.T, v vector) {
		cols := dataset(t, "desmith_desmith.txt", 1)
		w := gal(t, "desmith_desmith.gal", "r")
		w = must(w.Align(cols["id"]))
		r := must(LocalMoran(floats(t, cols["z"]), w, LocalOptions{}))
		e := decode[struct {
			VI, EIc, VIc, IsRecomputed []float64 `json:"-"`
		}](t, v.Expected)
		_ = e
		m := decode[map[string]json.RawMessage](t, v.Expected)
		tol := v.tol(t, "")
		for i := range r.EI {
			near(t, "EI", r.EI[i], -1.0/9, tol)
		}
		compareSlices(t, "VI", r.VI, decode[[]float64](t, m["VI"]), tol)
		compareSlices(t, "EIc", r.EIc, decode[[]float64](t, m["EIc"]), tol)
		compareSlices(t, "VIc", r.VIc, decode[[]float64](t, m["VIc"]), tol)
		compareSlices(t, "Is", r.I, decode[[]float64](t, m["Is_recomputed"]), tol)
	},
}

func compareSlices(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		near(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i], tol)
	}
}

// latticeRook returns rook contiguity on a rows x cols grid (PySAL lat2W).
func latticeRook(rows, cols int) *Weights {
	adj := make([][]int, rows*cols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := r*cols + c
			if r > 0 {
				adj[i] = append(adj[i], i-cols)
			}
			if r < rows-1 {
				adj[i] = append(adj[i], i+cols)
			}
			if c > 0 {
				adj[i] = append(adj[i], i-1)
			}
			if c < cols-1 {
				adj[i] = append(adj[i], i+1)
			}
		}
	}
	w, _ := WeightsFromAdjacency(nil, adj)
	return w
}
