package analysis

import (
	"math"
	"strings"
	"testing"
)

// TestVerdictOf: the verdict is read from the range over the variants, and
// a bound exactly at ±Negligible is not a lean (the comparison is strict).
func TestVerdictOf(t *testing.T) {
	nan := Num(math.NaN())
	for _, tc := range []struct {
		min, max Num
		want     string
	}{
		{0.01, 0.05, LeansToward},
		{Negligible, 0.05, NoClearLean}, // at the boundary: not above it
		{Negligible + 1e-12, 0.05, LeansToward},
		{-0.05, -0.01, LeansAway},
		{-0.05, -Negligible, NoClearLean},
		{-0.05, -Negligible - 1e-12, LeansAway},
		{-0.096, 0.062, NoClearLean},  // reaches zero
		{-0.004, -0.001, NoClearLean}, // every variant negligible
		{nan, 0.02, NoClearLean},
		{0.02, nan, NoClearLean},
	} {
		if got := VerdictOf(tc.min, tc.max); got != tc.want {
			t.Errorf("VerdictOf(%v, %v) = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

// TestVerdictSentences: the first sentence carries the verdict read from
// the range; the rest say what the figures cover and do not invent a
// sampling interval.
func TestVerdictSentences(t *testing.T) {
	base := func(value, lo, hi Num) *Result {
		r := &Result{Areas: make([]AreaRow, 10), Layer: LayerInfo{Name: "wards", Lines: "wards", Areas: 10}, Tiers: 2}
		r.Concentr = &ConcResult{Value: value, Range: [2]Num{lo, hi}, Verdict: VerdictOf(lo, hi),
			Variants: []Variant{{Value: lo}, {Value: value}, {Value: hi}},
			Choices:  []Choice{{Choice: "rule streets", Options: []string{"land area (the profile's choice)", "per resident"}, Min: lo, Max: hi}}, Driver: "rule streets"}
		r.Headline.Concentration, r.Headline.ConcentrationMin, r.Headline.ConcentrationMax, r.Headline.Verdict = value, lo, hi, r.Concentr.Verdict
		r.Headline.TopTierSpendShare, r.Headline.TopTierPopShare = 0.25, 0.20
		r.TierRows = []TierRow{{Tier: 1, SmallAreas: 5, PerCapita: 900}, {Tier: 2, SmallAreas: 5, PerCapita: 1100}}
		r.Totals = Totals{PhaseTotal: 100_00, Attributed: 80_00, PlacedOperating: 80_00, Unattributed: 20_00, AttributedShare: 0.8,
			ByMethod: map[string]Dollars{"per_capita": 60_00, "per_demand": 20_00}, PerResidentShare: 0.75, PlacedOtherwise: 20_00}
		return r
	}
	for _, tc := range []struct {
		name      string
		r         *Result
		synthetic bool
		first     string
		want      []string
		not       []string
	}{
		{"toward need", base(0.03, 0.01, 0.045), false, "leans toward need",
			[]string{"above zero (from +0.010 to +0.045; +0.030 with", "how the rule streets places its dollars", "20.0% of residents", "receives 25.0%",
				"75.0% of the placed dollars are spread per resident", "the other $20, placed by service demand", "No sampling interval"}, []string{"SYNTHETIC", "95%"}},
		{"away from need", base(-0.08, -0.12, -0.02), true, "leans away from need",
			[]string{"below zero", "SYNTHETIC", "$20 placed by service demand"}, []string{"interval is above", "95%"}},
		{"no clear lean", base(0.01, -0.02, 0.03), false, "no clear lean", []string{"runs from −0.020 to +0.030"}, []string{"leans toward"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := Verdict(tc.r, tc.synthetic)
			if !strings.Contains(out[0], tc.first) {
				t.Errorf("first sentence %q lacks the verdict %q", out[0], tc.first)
			}
			got := strings.Join(out, "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("verdict lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("verdict has %q:\n%s", w, got)
				}
			}
		})
	}
}
