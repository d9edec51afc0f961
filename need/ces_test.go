package need

import (
	"math"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestCES4PublishedPercentiles: the ces4 preset with the published
// percentiles reproduces every published CES 4.0 score within 0.01.
func TestCES4PublishedPercentiles(t *testing.T) {
	path := fixture.Data(t, "la/need/ces4_sb535_dac_2022.csv")
	tab, err := ReadTable(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := Preset("ces4")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compute(spec, tab, Options{UsePublished: true})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := tab.Numbers("CES 4.0 Score")
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := tab.Numbers("Pollution Burden Score")
	pc, _ := tab.Numbers("Pop. Char. Score")
	n, worst := 0, 0.0
	for a, ar := range res.Areas {
		if math.IsNaN(pub[a]) {
			continue
		}
		n++
		d := math.Abs(float64(ar.Score) - pub[a])
		worst = math.Max(worst, d)
		if d > 0.01 {
			t.Errorf("tract %s: score %.4f, published %.2f", ar.ID, float64(ar.Score), pub[a])
		}
		if math.Abs(float64(ar.ComponentScaled[0])-pb[a]) > 0.01 || math.Abs(float64(ar.ComponentScaled[1])-pc[a]) > 0.01 {
			t.Errorf("tract %s: components %.4f %.4f, published %.2f %.2f", ar.ID, float64(ar.ComponentScaled[0]), float64(ar.ComponentScaled[1]), pb[a], pc[a])
		}
	}
	if n < 2000 {
		t.Fatalf("only %d scored tracts", n)
	}
	t.Logf("CES 4.0: %d tracts, all scores within 0.01 (largest difference %.4f)", n, worst)
}

// TestCES4ReferenceMaxima: the preset's statewide maxima are those of the
// full statewide table (third-party recomputation, shared folder only), and
// are needed: the SB 535 subset's own maximum of Population
// Characteristics is lower.
func TestCES4ReferenceMaxima(t *testing.T) {
	spec, _ := Preset("ces4")
	path := fixture.Shared(t, "data/la/need/ces4_scores_recomputed_all_ca_tracts.csv")
	tab, err := ReadTable(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for c, col := range []string{"Pollution Burden", "Pop Char"} {
		v, err := tab.Numbers(col)
		if err != nil {
			t.Fatal(err)
		}
		mx := math.Inf(-1)
		for _, x := range v {
			if !math.IsNaN(x) {
				mx = math.Max(mx, x)
			}
		}
		if ref := spec.Components[c].Scale.ReferenceMax; math.Abs(ref-mx) > 1e-9 {
			t.Errorf("%s: preset reference_max %v, statewide max %v", col, ref, mx)
		}
	}
}
