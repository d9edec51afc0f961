package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/report"
)

// Verdict writes the executive summary in plain sentences for a council
// committee. The first sentence carries the verdict read from the range of
// the concentration index over the ensemble of rule variants and need
// measures (VerdictOf: every variant above zero, every one below, or
// neither) with that range and the value under the profile's choices; then
// the choice that moves the answer most; what the highest-need fifth of
// residents receives; how much of the budget the answer covers, each dollar
// counted once and what has no place left out; how much of it is placed
// per resident by assumption; why no sampling interval is shown; and what
// of it rests on synthetic data. Every number comes from the result.
func Verdict(r *Result, syntheticDemand bool) []string {
	t := r.Totals
	var out []string
	switch c := r.Concentr; {
	case !hasNeed(r):
		out = append(out, "No need index was given, so this report shows where the placed dollars go and what they come to per resident, not whether they reach need (build a need index with budgetlens index run to see that).")
	case c == nil || c.Value.Missing():
		out = append(out, "Whether the placed dollars reach need could not be measured: the concentration index needs at least 3 areas with residents, need scores and placed dollars.")
	default:
		out = append(out, leanSentence(r))
		if s := driverSentence(c); s != "" {
			out = append(out, s)
		}
	}
	if s := evidenceSentence(r); s != "" {
		out = append(out, s)
	}
	if s := tierSentence(r); s != "" {
		out = append(out, s)
	}
	if t.PhaseTotal != 0 {
		out = append(out, coverSentence(r))
		if s := methodSentence(t); s != "" {
			out = append(out, s)
		}
	}
	if c := r.Concentr; c != nil && !c.Value.Missing() {
		s := fmt.Sprintf("No sampling interval is shown: the %s %s are every area of the city, not a sample, so the uncertainty that matters is the choice of rules and need measure, shown as the range above.",
			report.Format(float64(r.Layer.Areas), report.KindInt, 0), areasWord(r))
		if in := c.Influence; in != nil {
			s += fmt.Sprintf(" Leaving any one area out moves the index between %s (without %s) and %s (without %s).",
				signed(in.Min, 3), areaName(r, in.MinArea), signed(in.Max, 3), areaName(r, in.MaxArea))
		}
		out = append(out, s)
	}
	if syntheticDemand {
		if d, ok := t.ByMethod[attribute.PerDemand]; ok && d != 0 {
			out = append(out, fmt.Sprintf("The %s placed by service demand follow SYNTHETIC service requests generated for the demo, not City data; the variants that place those dollars another way are part of the range above.",
				report.Format(d.Float(), report.KindMoney, 0)))
		}
	}
	return out
}

// leanSentence is the first sentence: the verdict, the range and the value
// under the profile's rules and need measure.
func leanSentence(r *Result) string {
	c := r.Concentr
	n := len(c.Variants)
	base := fmt.Sprintf("%s with the profile's choices", signed(c.Value, 3))
	if n <= 1 {
		switch c.Verdict {
		case LeansToward:
			return fmt.Sprintf("The spending placed in areas leans toward need: the concentration index of placed dollars per resident ranked by need is %s; no alternative rules or need measures were given to test it.", base)
		case LeansAway:
			return fmt.Sprintf("The spending placed in areas leans away from need: the concentration index of placed dollars per resident ranked by need is %s; no alternative rules or need measures were given to test it.", base)
		}
		return fmt.Sprintf("The spending placed in areas shows no clear lean toward or away from need: the concentration index of placed dollars per resident ranked by need is %s; no alternative rules or need measures were given to test it.", base)
	}
	rng := fmt.Sprintf("from %s to %s", signed(c.Range[0], 3), signed(c.Range[1], 3))
	switch c.Verdict {
	case LeansToward:
		return fmt.Sprintf("The spending placed in areas leans toward need: under all %d variants of the attribution rules and need measures the concentration index of placed dollars per resident is above zero (%s; %s).", n, rng, base)
	case LeansAway:
		return fmt.Sprintf("The spending placed in areas leans away from need: under all %d variants of the attribution rules and need measures the concentration index of placed dollars per resident is below zero (%s; %s).", n, rng, base)
	}
	return fmt.Sprintf("The spending placed in areas shows no clear lean toward or away from need: over %d defensible variants of the attribution rules and need measures, the concentration index of placed dollars per resident runs %s (%s).",
		n, rng, base)
}

// driverSentence names the choice that moves the index most.
func driverSentence(c *ConcResult) string {
	if c.Driver == "" || len(c.Choices) == 0 {
		return ""
	}
	d := c.Choices[0]
	return fmt.Sprintf("The choice that moves it most is %s: %s, every other choice as in the profile, the index runs from %s to %s.",
		choiceWords(d.Choice), joinOr(d.Options), signed(d.Min, 3), signed(d.Max, 3))
}

// choiceWords says a choice for people: "how rule streets-by-land-area
// places its dollars", "the need measure".
func choiceWords(c string) string {
	switch {
	case strings.HasPrefix(c, "rule "):
		return "how the rule " + strings.TrimPrefix(c, "rule ") + " places its dollars"
	case strings.HasPrefix(c, "scenario "):
		return "the scenario " + strings.TrimPrefix(c, "scenario ")
	}
	return "the " + c
}

// tierSentence says what the highest need tier receives.
func tierSentence(r *Result) string {
	h := r.Headline
	if len(r.TierRows) < 2 || h.TopTierSpendShare.Missing() || h.TopTierPopShare.Missing() {
		return ""
	}
	var top, bot *TierRow
	for i := range r.TierRows {
		switch r.TierRows[i].Tier {
		case 1:
			bot = &r.TierRows[i]
		case r.Tiers:
			top = &r.TierRows[i]
		}
	}
	if top == nil {
		return ""
	}
	s := fmt.Sprintf("The highest-need tier, the %s of residents living in the %s %s of highest need, receives %s of the placed dollars",
		pct(h.TopTierPopShare, 1), report.Format(float64(top.SmallAreas), report.KindInt, 0), smallWord(r), pct(h.TopTierSpendShare, 1))
	if fr := figureRange(r, "top_tier_spend_share"); fr != nil && !fr.Min.Missing() && fr.Min != fr.Max {
		s += fmt.Sprintf(" (%s to %s over the variants)", pct(fr.Min, 1), pct(fr.Max, 1))
	}
	if bot != nil && !top.PerCapita.Missing() && !bot.PerCapita.Missing() {
		s += fmt.Sprintf(": %s per resident against %s in the lowest-need tier", report.Format(float64(top.PerCapita), report.KindDollars, 0), report.Format(float64(bot.PerCapita), report.KindDollars, 0))
	}
	if r.Layer.Lines != "" && r.Provenance.NeedLayer != "" && r.Provenance.NeedLayer != r.Layer.Lines {
		s += fmt.Sprintf(", each resident counted with the average dollars per resident of their %s", singular(areasWord(r)))
	}
	return s + "."
}

// coverSentence says what share of the budget the answer covers, each
// dollar once, and what is left out and why.
func coverSentence(r *Result) string {
	t := r.Totals
	s := fmt.Sprintf("This covers %s (%s) of the phase's %s",
		report.Format(t.PlacedOperating.Float(), report.KindMoney, 0), pct(Num(t.PlacedOperating.Float()/t.PhaseTotal.Float()), 0), report.Format(t.PhaseTotal.Float(), report.KindMoney, 0))
	var names []string
	for _, x := range t.Transfers {
		if x.Applied {
			names = append(names, x.Name)
		}
	}
	if t.TransfersRemoved != 0 {
		s += fmt.Sprintf(", each dollar counted once (%s of appropriations to the %s funds are replaced by those departments' own spending)",
			report.Format(t.TransfersRemoved.Float(), report.KindMoney, 0), joinAnd(names))
	}
	var ex []string
	for _, k := range sortedClassKeys(t.ByClass) {
		if k == attribute.Operating || k == "capital" || t.ByClass[k] == 0 {
			continue
		}
		ex = append(ex, fmt.Sprintf("%s %s", k, report.Format(t.ByClass[k].Float(), report.KindMoney, 0)))
	}
	if len(ex) > 0 {
		s += "; " + joinAnd(ex) + " have no place and are left out"
	}
	if c, ok := t.ByClass["capital"]; ok && c != 0 {
		s += fmt.Sprintf("; capital, %s, is measured apart", report.Format(c.Float(), report.KindMoney, 0))
	}
	return s + ". The rest of the operating spending is listed as not attributable, with its reasons, under Caveats."
}

// methodSentence says how much is placed per resident by assumption and
// by which methods the rest is placed (only those used).
func methodSentence(t Totals) string {
	if _, ok := t.ByMethod[attribute.PerCapita]; !ok || t.Attributed == 0 {
		return ""
	}
	rest := t.PlacedOtherwise
	var others []string
	for _, m := range sortedKeys(t.ByMethod) {
		if m != attribute.PerCapita && t.ByMethod[m] != 0 {
			others = append(others, MethodLabel(m))
		}
	}
	s := fmt.Sprintf("%s of the placed dollars are spread per resident, which by assumption gives every resident the same and cannot make areas differ", pct(t.PerResidentShare, 0))
	if rest != 0 && len(others) > 0 {
		s += fmt.Sprintf("; the differences between areas come from the other %s, placed %s", report.Format(rest.Float(), report.KindMoney, 0), joinAnd(others))
	}
	return s + "."
}

func figureRange(r *Result, key string) *FigureRange {
	for i := range r.Ranges {
		if r.Ranges[i].Key == key {
			return &r.Ranges[i]
		}
	}
	return nil
}

// signed writes a number with 3 digits and its sign: +0.045, −0.017.
func signed(n Num, digits int) string {
	s := report.Format(float64(n), report.KindRatio, digits)
	if !n.Missing() && n > 0 && strings.Trim(s, "0.,") != "" {
		return "+" + s
	}
	return s
}

func pct(n Num, digits int) string { return report.Format(float64(n), report.KindPercent, digits) }

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func joinOr(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return "with " + strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func sortedClassKeys(m map[string]Dollars) []string {
	k := sortedKeys(m)
	sort.SliceStable(k, func(i, j int) bool { return math.Abs(m[k[i]].Float()) > math.Abs(m[k[j]].Float()) })
	return k
}

// areasWord names the layer's areas ("council districts").
func areasWord(r *Result) string { return strings.ReplaceAll(r.Layer.Name, "_", " ") }

func smallWord(r *Result) string {
	if r.Provenance.NeedLayer != "" && r.Provenance.NeedLayer != r.Layer.Lines {
		return "census tracts"
	}
	return areasWord(r)
}

// singular drops a plural s: "council districts" -> "council district".
func singular(s string) string { return strings.TrimSuffix(s, "s") }

// areaName is an area's name in the result (its id when unnamed).
func areaName(r *Result, id string) string {
	for _, a := range r.Areas {
		if a.AreaID == id && a.Name != "" {
			return a.Name
		}
	}
	return id
}
