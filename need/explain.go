package need

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// IndicatorLine is one indicator in an explanation.
type IndicatorLine struct {
	Name         string  `json:"name"`
	Domain       string  `json:"domain,omitempty"`
	Component    string  `json:"component,omitempty"`
	Value        Num     `json:"value"`
	Normalised   Num     `json:"normalised"`
	Contribution Num     `json:"contribution"`
	Weight       float64 `json:"weight"`
}

// Explanation says why an area has its score and tier.
type Explanation struct {
	Area       string          `json:"area"`
	Score      Num             `json:"score"`
	Percentile Num             `json:"percentile"`
	Rank       int             `json:"rank"`
	Tier       string          `json:"tier"`
	Components map[string]Num  `json:"components,omitempty"`
	Indicators []IndicatorLine `json:"indicators"`
	Tests      []TestResult    `json:"tests,omitempty"`
	Flags      map[string]bool `json:"flags,omitempty"`
	Sentence   string          `json:"sentence"`

	componentOrder []string
}

// Explain explains area a of a result.
func Explain(res *Result, a int) Explanation {
	return explain(res.Spec, res.Indicators, res.Components, res.Weights, &res.Areas[a])
}

// ExplainRun explains one area of a stored run (the spec is re-parsed from
// the stored text).
func ExplainRun(r *Run, spec *Spec, id string) (Explanation, bool) {
	ar, ok := r.Area(id)
	if !ok {
		return Explanation{}, false
	}
	var w []float64
	if spec.Method == "composite" {
		w = buildStructure(spec).eff
	}
	return explain(spec, r.Indicators, r.Components, w, ar), true
}

func explain(spec *Spec, inds, comps []string, weights []float64, ar *AreaResult) Explanation {
	e := Explanation{Area: ar.ID, Score: ar.Score, Percentile: ar.Percentile, Rank: ar.Rank, Tier: ar.Tier, Tests: ar.Tests, Flags: ar.Flags}
	compOf := map[string]string{}
	for _, c := range spec.Components {
		for _, d := range c.Domains {
			for _, n := range d.Indicators {
				compOf[n] = c.Name
			}
		}
	}
	e.componentOrder = comps
	if len(comps) > 0 {
		e.Components = map[string]Num{}
		for c, name := range comps {
			if c < len(ar.ComponentScaled) {
				e.Components[name] = ar.ComponentScaled[c]
			}
		}
	}
	for k, name := range inds {
		l := IndicatorLine{Name: name, Component: compOf[name], Value: ar.Values[k], Normalised: ar.Normalised[k], Contribution: NaN}
		if ind, ok := spec.Indicator(name); ok {
			l.Domain = ind.Domain
		}
		if k < len(ar.Contributions) {
			l.Contribution = ar.Contributions[k]
		}
		if k < len(weights) {
			l.Weight = weights[k]
		}
		e.Indicators = append(e.Indicators, l)
	}
	e.Sentence = sentence(spec, &e, ar)
	return e
}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "missing"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func sentence(spec *Spec, e *Explanation, ar *AreaResult) string {
	if spec.Method == "thresholds" {
		return thresholdSentence(spec, ar)
	}
	// composite: the three largest contributions
	type c struct {
		name, comp string
		v, p       float64
	}
	var cs []c
	for _, l := range e.Indicators {
		if !l.Contribution.Missing() {
			cs = append(cs, c{l.Name, l.Component, float64(l.Contribution), float64(l.Normalised)})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].v > cs[j].v })
	var parts []string
	for i := 0; i < len(cs) && i < 3; i++ {
		parts = append(parts, fmt.Sprintf("%s %s (%s of %s)", cs[i].name, fmtNum(cs[i].p), fmtNum(cs[i].v), cs[i].comp))
	}
	tier := ar.Tier
	if tier == "" {
		tier = "no tier"
	}
	if why := tierReason(spec, ar); why != "" {
		tier += " (" + why + ")"
	}
	if ar.Score.Missing() {
		return fmt.Sprintf("%s: no score (too many indicators missing)", ar.ID)
	}
	var comps []string
	for c, name := range e.componentOrder {
		comps = append(comps, fmt.Sprintf("%s %s", name, fmtNum(float64(ar.ComponentScaled[c]))))
	}
	join := " x "
	if spec.Combine != "product" {
		join = ", "
	}
	compText := ""
	if len(comps) > 1 {
		compText = " from " + strings.Join(comps, join)
	}
	return fmt.Sprintf("%s: %s, score %s%s (percentile %s, rank %d); largest contributions: %s",
		ar.ID, tier, fmtNum(float64(ar.Score)), compText, fmtNum(float64(ar.Percentile)), ar.Rank, strings.Join(parts, ", "))
}

func testText(t TestResult) string {
	return fmt.Sprintf("%s %s %s %s", t.Label, fmtNum(float64(t.Value)), t.Op, fmtNum(t.Threshold))
}

func negate(op string) string {
	switch op {
	case ">=":
		return "<"
	case ">":
		return "<="
	case "<=":
		return ">"
	case "<":
		return ">="
	}
	return "!="
}

// thresholdSentence names, for a designated area, the tests met in each
// category met and the gate; for others, the nearest misses.
func thresholdSentence(spec *Spec, ar *AreaResult) string {
	r := spec.Rules
	gateTests := map[string][]TestResult{}
	pos := 0
	for _, g := range r.Gates {
		n := countTests(g.All)
		gateTests[g.Name] = ar.Tests[pos : pos+n]
		pos += n
	}
	var met, missed []string
	for _, c := range r.Categories {
		var hit []string
		best := ""
		bestGap := math.Inf(1)
		for _, top := range c.Any {
			n := countTests([]Test{top})
			ts := ar.Tests[pos : pos+n]
			pos += n
			all := true
			var texts []string
			for _, t := range ts {
				all = all && t.Met
				texts = append(texts, testText(t))
			}
			if all {
				hit = append(hit, strings.Join(texts, " and "))
				continue
			}
			for _, t := range ts {
				if !t.Met && !t.Value.Missing() && math.Abs(t.Threshold-float64(t.Value)) < bestGap {
					bestGap = math.Abs(t.Threshold - float64(t.Value))
					best = fmt.Sprintf("%s %s %s %s", t.Label, fmtNum(float64(t.Value)), negate(t.Op), fmtNum(t.Threshold))
				}
			}
		}
		gate := ""
		for _, g := range gateTests[c.Gate] {
			op := g.Op
			if !g.Met {
				op = negate(op)
			}
			gate = fmt.Sprintf("%s %s %s %s", g.Label, fmtNum(float64(g.Value)), op, fmtNum(g.Threshold))
		}
		switch {
		case ar.Flags[c.Name]:
			met = append(met, fmt.Sprintf("%s (%s and %s)", c.Name, strings.Join(hit, " and "), gate))
		case len(hit) > 0:
			missed = append(missed, fmt.Sprintf("%s: %s but %s", c.Name, strings.Join(hit, " and "), gate))
		case best != "":
			missed = append(missed, fmt.Sprintf("%s: nearest %s", c.Name, best))
		}
	}
	switch {
	case ar.Flags["disadvantaged"]:
		return fmt.Sprintf("%s: disadvantaged: %s", ar.ID, strings.Join(met, "; "))
	case ar.Flags["adjacency"]:
		return fmt.Sprintf("%s: disadvantaged through adjacency: %s of neighbours are disadvantaged and %s", ar.ID, fmtNum(float64(ar.NeighbourShare)), gateText(gateTests[r.Adjacency.Gate]))
	default:
		s := fmt.Sprintf("%s: not disadvantaged", ar.ID)
		if len(missed) > 0 {
			s += ": " + strings.Join(missed, "; ")
		}
		return s
	}
}

func gateText(ts []TestResult) string {
	var p []string
	for _, g := range ts {
		op := g.Op
		if !g.Met {
			op = negate(op)
		}
		p = append(p, fmt.Sprintf("%s %s %s %s", g.Label, fmtNum(float64(g.Value)), op, fmtNum(g.Threshold)))
	}
	return strings.Join(p, " and ")
}

func countTests(ts []Test) int {
	n := 0
	for _, t := range ts {
		if len(t.All) > 0 {
			n += countTests(t.All)
		} else {
			n++
		}
	}
	return n
}

// tierReason says which cut point put the area in its tier, e.g.
// "percentile 99.97 >= 75" or "score 58.20 < 60".
func tierReason(spec *Spec, ar *AreaResult) string {
	if spec.Tiers.Method != "cuts" || len(spec.Tiers.Cuts) == 0 {
		return ""
	}
	what, v := "percentile", float64(ar.Percentile)
	if spec.Tiers.On == "score" {
		what, v = "score", float64(ar.Score)
	}
	if math.IsNaN(v) {
		return ""
	}
	cuts := spec.Tiers.Cuts
	for i := len(cuts) - 1; i >= 0; i-- {
		if v >= cuts[i] {
			if i+1 < len(cuts) {
				return fmt.Sprintf("%s %s >= %s and < %s", what, fmtNum(v), fmtNum(cuts[i]), fmtNum(cuts[i+1]))
			}
			return fmt.Sprintf("%s %s >= %s", what, fmtNum(v), fmtNum(cuts[i]))
		}
	}
	return fmt.Sprintf("%s %s < %s", what, fmtNum(v), fmtNum(cuts[0]))
}
