package analysis

import (
	"fmt"
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/report"
)

// Verdicts: the executive summary's first sentence follows one of them.
const (
	LeansToward = "leans toward need"
	LeansAway   = "leans away from need"
	NoClearLean = "no clear lean"
)

// Negligible bounds a concentration index too small to call a lean: 0.005
// is a linear tilt of about ±1.5% of the average dollars per resident
// between the least and the most needy resident (C = b/6 for dollars per
// resident mu (1 + b (r - 1/2)) over need rank r), well inside what any
// rule choice moves.
const Negligible = 0.005

// VerdictOf reads the verdict from the range of the concentration index
// over the ensemble: every variant above +Negligible leans toward need,
// every variant below -Negligible leans away from it, anything else (a
// range that reaches zero or stays within the negligible band) has no
// clear lean. A missing bound gives no clear lean.
func VerdictOf(min, max Num) string {
	switch {
	case min.Missing() || max.Missing():
		return NoClearLean
	case float64(min) > Negligible:
		return LeansToward
	case float64(max) < -Negligible:
		return LeansAway
	}
	return NoClearLean
}

// ruleSet is one member of the ensemble's rule dimension.
type ruleSet struct {
	name   string // "profile rules", "streets-by-land-area: per resident", a scenario's name
	choice string // the choice it varies ("" for the profile's rules)
	option string // how the choice is made in it ("per resident")
	base   string // how the profile makes the choice ("land area")
	rules  *attribute.Rules
	// derived marks the profile's rules with other methods (variants, the
	// evidence-only set): they match every item as the profile's rules do
	derived bool
}

// needSet is one member of the ensemble's need dimension.
type needSet struct {
	name, label string
	view        *NeedView
}

// runEnsemble runs every rule variant (one rule swapped at a time, and the
// scenarios) crossed with every need measure, fills the concentration
// result's range, variants, choices and driver, the headline's range and
// verdict, the figure ranges and the table of need measures.
func runEnsemble(in *Input, fr *Frame, areas *attribute.Areas, items []attribute.Item, base []int64, res *Result) error {
	sets, err := ruleSets(in, areas)
	if err != nil {
		return err
	}
	needs := needSets(in, fr, res)
	placed := make([][]int64, len(sets))
	shares := make([]Num, len(sets))
	placed[0], shares[0] = base, res.Totals.AttributedShare
	matched := in.Rules.Match(items)
	for k := 1; k < len(sets); k++ {
		var att *attribute.Result
		var err error
		if sets[k].derived {
			att, err = attribute.SumsMatched(items, sets[k].rules, matched, areas)
		} else {
			att, err = attribute.Sums(items, sets[k].rules, areas)
		}
		if err != nil {
			return err
		}
		placed[k], shares[k] = operating(att, len(fr.Population)), ratio(float64(att.Total.Attributed), float64(att.Total.Total))
	}
	c := res.Concentr
	if c == nil {
		return nil
	}
	var vs []Variant
	for k, rs := range sets {
		for _, ns := range needs {
			v := variantOf(fr, ns, placed[k])
			v.Name, v.Rules, v.Need, v.AttributedShare = rs.name+" · "+ns.label, rs.name, ns.name, shares[k]
			vs = append(vs, v)
		}
	}
	c.Variants = vs
	c.Range = rangeOf(vs, func(v Variant) Num { return v.Value })
	c.Verdict = VerdictOf(c.Range[0], c.Range[1])
	c.Choices = choices(sets, needs, vs, func(v Variant) Num { return v.Value })
	c.Driver = widest(c.Choices)
	h := &res.Headline
	h.ConcentrationMin, h.ConcentrationMax, h.Verdict = c.Range[0], c.Range[1], c.Verdict
	for _, f := range []struct {
		key string
		val Num
		get func(Variant) Num
	}{
		{"concentration_index", c.Value, func(v Variant) Num { return v.Value }},
		{"top_tier_spend_share", h.TopTierSpendShare, func(v Variant) Num { return v.TopTierSpendShare }},
		{"per_capita_top_to_bottom", h.PerCapitaTopToBottom, func(v Variant) Num { return v.PerCapitaTopToBottom }},
		{"attributed_share", res.Totals.AttributedShare, func(v Variant) Num { return v.AttributedShare }},
	} {
		r := rangeOf(vs, f.get)
		res.Ranges = append(res.Ranges, FigureRange{Key: f.key, Value: f.val, Min: r[0], Max: r[1], Driver: widest(choices(sets, needs, vs, f.get))})
	}
	res.NeedMeasures = measureRows(in, fr, needs, vs)
	return nil
}

// ruleSets lists the profile's rules, each declared variant (one rule at a
// time) and the caller's scenarios.
func ruleSets(in *Input, areas *attribute.Areas) ([]ruleSet, error) {
	out := []ruleSet{{name: "profile rules", rules: in.Rules}}
	for _, v := range in.Rules.Variants() {
		r, err := in.Rules.WithVariant(v.Rule, v.Variant)
		if err != nil {
			return nil, err
		}
		out = append(out, ruleSet{name: v.Rule + ": " + v.Variant, choice: "rule " + v.Rule, option: v.Label, base: v.Base, rules: r, derived: true})
	}
	if ev := evidenceOnly(in.Rules, areas); ev != nil {
		out = append(out, ruleSet{name: EvidenceOnlyScenario, choice: "evidence counted", option: EvidenceOnlyScenario, base: "every placed dollar", rules: ev, derived: true})
	}
	for _, s := range in.Scenarios {
		out = append(out, ruleSet{name: s.Name, choice: "scenario " + s.Name, option: s.Name, base: "the profile's rules", rules: s.Rules})
	}
	return out, nil
}

// evidenceOnly is the rule set that places only by location and service
// evidence, when some rules place that way and some do not (nil
// otherwise: it would repeat the profile's rules or place nothing).
func evidenceOnly(r *attribute.Rules, areas *attribute.Areas) *attribute.Rules {
	strong, weak := 0, 0
	for i := range r.Rules {
		switch e := r.Rules[i].EvidenceOf(areas); {
		case attribute.StrongEvidence(e):
			strong++
		case e != "":
			weak++
		}
	}
	if strong == 0 || weak == 0 {
		return nil
	}
	return r.EvidenceOnly(areas, "placed by a proxy or an assumption: left out of the "+EvidenceOnlyScenario+" variant")
}

// needSets lists the primary measure and the caller's other measures,
// each seen from the layer.
func needSets(in *Input, fr *Frame, res *Result) []needSet {
	label := "need index"
	name := "index"
	if res.Need != nil {
		label, name = res.Need.Label, res.Need.Name
	}
	out := []needSet{{name: name, label: label, view: fr.Need}}
	for i := range in.Measures {
		m := &in.Measures[i]
		out = append(out, needSet{name: m.Name, label: m.Label, view: fr.View(m.Name, m.Label, m.values(fr), fr.Tiers)})
	}
	return out
}

// variantOf computes the figures of one (rules, need) pair.
func variantOf(fr *Frame, ns needSet, byArea []int64) Variant {
	v := Variant{Value: Num(concentrationOf(fr, ns.view.Score, byArea)), TopTierSpendShare: Num(math.NaN()), TopTierPopShare: Num(math.NaN()),
		PerCapitaTopToBottom: Num(math.NaN())}
	rows := tierRows(fr, ns.view, byArea)
	h := headline(fr, byArea, rows, ns.view.Tiers)
	v.TopTierSpendShare, v.TopTierPopShare, v.PerCapitaTopToBottom = h.TopTierSpendShare, h.TopTierPopShare, h.PerCapitaTopToBottom
	return v
}

// rangeOf is [min, max] of a figure over the variants that have it.
func rangeOf(vs []Variant, get func(Variant) Num) [2]Num {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		x := get(v)
		if x.Missing() {
			continue
		}
		lo, hi = math.Min(lo, float64(x)), math.Max(hi, float64(x))
	}
	if math.IsInf(lo, 0) {
		return [2]Num{Num(math.NaN()), Num(math.NaN())}
	}
	return [2]Num{Num(lo), Num(hi)}
}

// choices gives, for each choice (each rule with variants, each scenario,
// the need measure), the range of a figure over its options with every
// other choice as in the profile. vs is ordered rule set by rule set, need
// by need, so vs[k*len(needs)+j] is rule set k with need j.
func choices(sets []ruleSet, needs []needSet, vs []Variant, get func(Variant) Num) []Choice {
	at := func(k, j int) Num { return get(vs[k*len(needs)+j]) }
	byChoice := map[string]*Choice{}
	var order []string
	for k, rs := range sets {
		if rs.choice == "" {
			continue
		}
		c := byChoice[rs.choice]
		if c == nil {
			c = &Choice{Choice: rs.choice, Options: []string{rs.base + " (the profile's choice)"}, Min: at(0, 0), Max: at(0, 0)}
			byChoice[rs.choice] = c
			order = append(order, rs.choice)
		}
		c.Options = append(c.Options, rs.option)
		widen(c, at(k, 0))
	}
	if len(needs) > 1 {
		c := &Choice{Choice: "need measure", Min: at(0, 0), Max: at(0, 0)}
		for j, ns := range needs {
			o := ns.label
			if j == 0 {
				o += " (the profile's choice)"
			}
			c.Options = append(c.Options, o)
			widen(c, at(0, j))
		}
		byChoice[c.Choice] = c
		order = append(order, c.Choice)
	}
	out := []Choice{}
	for _, k := range order {
		out = append(out, *byChoice[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return spread(out[i]) > spread(out[j]) })
	return out
}

func widen(c *Choice, x Num) {
	if x.Missing() {
		return
	}
	if c.Min.Missing() || x < c.Min {
		c.Min = x
	}
	if c.Max.Missing() || x > c.Max {
		c.Max = x
	}
}

func spread(c Choice) float64 {
	if c.Min.Missing() || c.Max.Missing() {
		return -1
	}
	return float64(c.Max - c.Min)
}

// widest names the choice whose options move the figure most ("" when no
// choice moves it).
func widest(cs []Choice) string {
	if len(cs) == 0 || spread(cs[0]) <= 0 {
		return ""
	}
	return cs[0].Choice
}

// measureRows is the headline under each need measure with the profile's
// rules, and how each measure's area means correlate with the primary's.
func measureRows(in *Input, fr *Frame, needs []needSet, vs []Variant) []MeasureRow {
	why := map[string]string{}
	for _, m := range in.Measures {
		why[m.Name] = m.Why
	}
	if in.Need != nil {
		why[needs[0].name] = in.Need.Why
	}
	var out []MeasureRow
	for j, ns := range needs {
		v := vs[j]
		out = append(out, MeasureRow{Name: ns.name, Label: ns.label, Why: why[ns.name], Concentration: v.Value, TopTierSpendShare: v.TopTierSpendShare,
			TopTierPopShare: v.TopTierPopShare, Correlation: correlation(fr, needs[0].view.Score, ns.view.Score)})
	}
	return out
}

// correlation is the population-weighted Pearson correlation of two area
// values over the areas with both (NaN with fewer than 3).
func correlation(fr *Frame, a, b []float64) Num {
	var x, y, w []float64
	for i := range a {
		if fr.Population[i] > 0 && !math.IsNaN(a[i]) && !math.IsNaN(b[i]) {
			x, y, w = append(x, a[i]), append(y, b[i]), append(w, fr.Population[i])
		}
	}
	if len(x) < 3 {
		return Num(math.NaN())
	}
	return Num(weightedPearson(x, y, w))
}

// weightedPearson is Pearson's r with weights w: cov_w(x, y) /
// sqrt(var_w(x) var_w(y)); NaN when either variance is 0.
func weightedPearson(x, y, w []float64) float64 {
	var W, mx, my float64
	for i := range x {
		W += w[i]
		mx += w[i] * x[i]
		my += w[i] * y[i]
	}
	mx, my = mx/W, my/W
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += w[i] * dx * dy
		sxx += w[i] * dx * dx
		syy += w[i] * dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// groupNote says how the group table counts residents, against the rest
// of the report.
func groupNote(fr *Frame) string {
	var T, P float64
	for i, t := range fr.Groups["total"] {
		T += t
		P += fr.Population[i]
	}
	return fmt.Sprintf("Each resident is counted with the average placed dollars per resident of their area: the table shows how the areas' dollars fall on groups, not what any group receives inside an area. "+
		"It counts the %s residents whose poverty status the ACS 2015-19 determines (table B17020); the rest of the report counts the %s residents of the need index's small areas, a different count of the same city.",
		report.Format(T, report.KindInt, 0), report.Format(P, report.KindInt, 0))
}
