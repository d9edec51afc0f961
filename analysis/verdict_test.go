package analysis

import (
	"math"
	"strings"
	"testing"
)

func TestVerdict(t *testing.T) {
	Missing := Num(math.NaN())
	base := func(c, lo, hi Num) *Result {
		r := &Result{Areas: make([]AreaRow, 10)}
		r.Headline.Concentration, r.Headline.ConcentrationLow, r.Headline.ConcentrationHigh = c, lo, hi
		r.Headline.TopTierSpendShare, r.Headline.TopTierPopShare = 0.25, 0.20
		r.TierRows = []TierRow{{Tier: 1, Areas: 5, PerCapita: 900}, {Tier: 2, Areas: 5, PerCapita: 1100}}
		r.Totals = Totals{PhaseTotal: 100_00, Attributed: 80_00, Unattributed: 20_00, AttributedShare: 0.8,
			ByMethod: map[string]Dollars{"per_capita": 60_00, "per_demand": 20_00}}
		return r
	}
	for _, tc := range []struct {
		name      string
		r         *Result
		synthetic bool
		want      []string
		not       []string
	}{
		{"toward need", base(0.03, 0.01, 0.045), false,
			[]string{"lean toward need", "slightly more per resident", "interval is above zero", "holds 20.0% of residents and receives 25.0%", "more than its share",
				"75.0% of the placed dollars are placed per resident", "other $20,", "resampling the 10 areas"}, []string{"SYNTHETIC"}},
		{"away from need, not small", base(-0.08, -0.12, -0.02), true,
			[]string{"do not lean toward need", "receive less per resident", "below zero", "SYNTHETIC", "($20) follow SYNTHETIC"}, []string{"slightly"}},
		{"no clear lean", base(0.01, -0.02, 0.03), false, []string{"no clear lean", "includes zero"}, []string{"lean toward need:"}},
		{"no interval", base(0.01, Missing, Missing), false, []string{"no interval was computed"}, []string{"resampling"}},
		{"nothing", base(Missing, Missing, Missing), false, []string{"could not be measured"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(Verdict(tc.r, tc.synthetic), "\n")
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
