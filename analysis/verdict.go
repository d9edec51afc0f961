package analysis

import (
	"fmt"
	"math"

	"github.com/budgetlens/budgetlens/report"
)

// smallTilt bounds a concentration index called "small": both ends of its
// interval within ±0.05, that is, per-resident dollars move by a few per cent
// across the need ranking (a concentration index of 0.05 corresponds to a
// linear tilt of about ±15% around the mean between the least and the most
// needy resident).
const smallTilt = 0.05

// Verdict writes the executive summary in plain sentences for a council
// committee: first whether the placed dollars reach need, read from the
// concentration index and its 95% interval (interval above zero: they lean
// toward need; below zero: away from it; containing zero: no clear tilt),
// with the highest-need tier's share of dollars against its share of
// residents; then how far the answer reaches (share of the budget placed,
// share placed per resident by assumption, what the interval does not
// cover) and whether synthetic data enter it.
func Verdict(r *Result, syntheticDemand bool) []string {
	h, t := r.Headline, r.Totals
	pct := func(n Num) string { return report.Format(float64(n), report.KindPercent, 0) }
	var out []string
	c, lo, hi := h.Concentration, h.ConcentrationLow, h.ConcentrationHigh
	ci := func() string {
		return fmt.Sprintf("concentration index %s, 95%% interval %s to %s",
			report.Format(float64(c), report.KindRatio, 3), report.Format(float64(lo), report.KindRatio, 3), report.Format(float64(hi), report.KindRatio, 3))
	}
	switch {
	case !hasNeed(r):
		out = append(out, "No need index was given, so this report shows where the placed dollars go and what they come to per resident, not whether they reach need (build a need index with budgetlens index run to see that).")
	case c.Missing():
		out = append(out, "Whether the placed dollars reach need could not be measured: the concentration index needs areas with residents, need scores and placed dollars.")
	case lo.Missing() || hi.Missing():
		dir := "more"
		if c < 0 {
			dir = "less"
		}
		out = append(out, fmt.Sprintf("Areas with more need receive %s per resident (concentration index %s); no interval was computed, so how sure this is cannot be said.", dir, report.Format(float64(c), report.KindRatio, 3)))
	default:
		size := ""
		if math.Max(math.Abs(float64(lo)), math.Abs(float64(hi))) < smallTilt {
			size = "slightly "
		}
		switch {
		case lo > 0:
			out = append(out, fmt.Sprintf("The placed dollars lean toward need: areas with more need receive %smore per resident (%s; the interval is above zero, so the lean is unlikely to be an accident of which areas happen to be included).", size, ci()))
		case hi < 0:
			out = append(out, fmt.Sprintf("The placed dollars do not lean toward need: areas with more need receive %sless per resident (%s; the interval is below zero, so the tilt away from need is unlikely to be an accident of which areas happen to be included).", size, ci()))
		default:
			out = append(out, fmt.Sprintf("The placed dollars show no clear lean toward or away from need (%s; the interval includes zero).", ci()))
		}
	}
	if len(r.TierRows) >= 2 && !h.TopTierSpendShare.Missing() && !h.TopTierPopShare.Missing() {
		top, bot := r.TierRows[len(r.TierRows)-1], r.TierRows[0]
		cmp := "about the same as"
		switch d := float64(h.TopTierSpendShare - h.TopTierPopShare); {
		case d >= 0.005:
			cmp = "more than"
		case d <= -0.005:
			cmp = "less than"
		}
		s := fmt.Sprintf("The highest-need tier (%d of %d areas) holds %s of residents and receives %s of the placed dollars, %s its share",
			top.Areas, len(r.Areas), pct(h.TopTierPopShare), pct(h.TopTierSpendShare), cmp)
		if !top.PerCapita.Missing() && !bot.PerCapita.Missing() {
			s += fmt.Sprintf("; %s per resident against %s in the lowest-need tier", report.Format(float64(top.PerCapita), report.KindDollars, 0), report.Format(float64(bot.PerCapita), report.KindDollars, 0))
		}
		out = append(out, s+".")
	}
	if t.PhaseTotal != 0 {
		s := fmt.Sprintf("This covers the %s of the budget (%s) that the rules can place in areas; the other %s (%s) is in no figure and is listed with its reasons under Caveats.",
			pct(t.AttributedShare), report.Format(t.Attributed.Float(), report.KindMoney, 0), pct(1-t.AttributedShare), report.Format(t.Unattributed.Float(), report.KindMoney, 0))
		if pc, ok := t.ByMethod["per_capita"]; ok && t.Attributed != 0 {
			rest := t.Attributed - pc
			s += fmt.Sprintf(" %s of the placed dollars are placed per resident, which spreads them in proportion to population by assumption; the differences between areas come from the other %s, placed by service demand, land area, project location or district codes.",
				pct(Num(pc.Float()/t.Attributed.Float())), report.Format(rest.Float(), report.KindMoney, 0))
		}
		out = append(out, s)
	}
	if len(r.Areas) > 0 && !lo.Missing() && !hi.Missing() {
		out = append(out, fmt.Sprintf("The intervals come from resampling the %d areas; they do not include the uncertainty of the attribution rules themselves.", len(r.Areas)))
	}
	if syntheticDemand {
		amt := ""
		if d, ok := t.ByMethod["per_demand"]; ok {
			amt = " (" + report.Format(d.Float(), report.KindMoney, 0) + ")"
		}
		out = append(out, fmt.Sprintf("The dollars placed by service demand%s follow SYNTHETIC service requests generated for the demo, so these figures show the method and are not a finding about the city.", amt))
	}
	return out
}
