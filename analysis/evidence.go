package analysis

import (
	"fmt"
	"math"
	"strings"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/report"
)

// EvidenceOnlyScenario names the member of the ensemble that places only
// by location and service evidence.
const EvidenceOnlyScenario = "location and service evidence only"

// evidenceWords says each evidence class for people.
var evidenceWords = map[string]string{
	attribute.EvidenceLocation: "location (the dollars' own place)",
	attribute.EvidenceService:  "measured service (requests, incidents, park acres)",
	attribute.EvidenceProxy:    "proxies (population, land area, residents in poverty)",
	attribute.EvidenceAssumed:  "assumptions",
}

// evidenceSteps computes the headline of the placed operating dollars as
// the evidence classes are added from the strongest (location) to the
// weakest (assumed): step k counts the classes 1..k. Steps that add no
// dollars are kept, so every class has its row. The concentration index
// and the top tier's share use the profile's need measure (missing
// without a need run or with fewer than 3 areas holding dollars).
func evidenceSteps(fr *Frame, att *attribute.Result, total int64) []EvidenceStep {
	n := len(fr.Population)
	sum := make([]int64, n)
	var out []EvidenceStep
	for k, cls := range attribute.EvidenceClasses {
		var placed int64
		for a, c := range att.ByAreaEvidence[cls] {
			sum[a] += c
		}
		for _, c := range sum {
			placed += c
		}
		byArea := append([]int64(nil), sum...)
		st := EvidenceStep{Classes: append([]string(nil), attribute.EvidenceClasses[:k+1]...), Placed: Dollars(placed), Share: ratio(float64(placed), float64(total)),
			Concentration: Num(math.NaN()), TopTierSpendShare: Num(math.NaN())}
		st.Label = stepLabel(k)
		c := cityRow(fr, byArea)
		st.PerCapita = c.PerCapita
		if fr.Need != nil && placed != 0 {
			v := variantOf(fr, needSet{view: fr.Need}, byArea)
			st.Concentration, st.TopTierSpendShare = v.Value, v.TopTierSpendShare
		}
		out = append(out, st)
	}
	return out
}

func stepLabel(k int) string {
	switch k {
	case 0:
		return "location evidence only"
	case 1:
		return "location and service evidence"
	case 2:
		return "with proxies added"
	}
	return "all placed dollars (with assumptions)"
}

// evidenceSentence states the share of the placed dollars resting on each
// evidence class, and the headline from the strongest evidence beside the
// headline of all placed dollars.
func evidenceSentence(r *Result) string {
	t := r.Totals
	if t.Attributed == 0 || len(t.ByEvidence) == 0 {
		return ""
	}
	var parts []string
	for _, e := range attribute.EvidenceClasses {
		parts = append(parts, fmt.Sprintf("%s %s", pct(t.EvidenceShare[e], 1), evidenceWords[e]))
	}
	for i := range parts[1:] {
		parts[i+1] = strings.Replace(parts[i+1], " ", " on ", 1)
	}
	parts[0] = strings.Replace(parts[0], " ", " rest on ", 1)
	s := "Of the placed dollars, " + joinAnd(parts) + "."
	if len(r.Evidence) < 4 {
		return s
	}
	strong, all := r.Evidence[1], r.Evidence[len(r.Evidence)-1]
	if strong.Placed == 0 || strong.Concentration.Missing() || all.Concentration.Missing() {
		return s
	}
	s += fmt.Sprintf(" The %s placed by location and service evidence alone have a concentration index of %s by need, and the highest-need tier receives %s of them; all placed dollars, proxies and assumptions included, %s and %s.",
		report.Format(strong.Placed.Float(), report.KindMoney, 0), signed(strong.Concentration, 3), pct(strong.TopTierSpendShare, 1),
		signed(all.Concentration, 3), pct(all.TopTierSpendShare, 1))
	return s
}

// evidenceChart shows the concentration index as the weaker evidence
// classes are added.
func evidenceChart(r *Result) *report.BarChart {
	if len(r.Evidence) == 0 {
		return nil
	}
	zero := 0.0
	c := &report.BarChart{Name: "Evidence chart", Title: "Concentration index by need as weaker evidence is added", Kind: report.KindRatio, Digits: 3,
		Reference: &zero, ReferenceLabel: "0 = no lean", ValueLabel: "concentration index", Dots: true,
		Note: "Each row adds the next evidence class to the placed operating dollars: location (the dollars' own place), measured service, proxies (population, land area), assumptions."}
	for _, st := range r.Evidence {
		if st.Concentration.Missing() {
			continue
		}
		c.Bars = append(c.Bars, report.Bar{Label: barLabels[len(st.Classes)-1], Value: float64(st.Concentration)})
	}
	if len(c.Bars) == 0 {
		return nil
	}
	return c
}

// barLabels are the chart's short names of the steps.
var barLabels = []string{"location", "+ service", "+ proxies", "+ assumptions"}

// evidenceTable lists the steps.
func evidenceTable(r *Result) *report.Table {
	tab := &report.Table{Name: "Evidence", Title: "The headline as weaker evidence is added",
		Columns: []report.Column{{Key: "step", Label: "Placed dollars counted", Kind: report.KindText}, {Key: "placed", Label: "Placed", Kind: report.KindMoney},
			{Key: "share", Label: "Share of placed", Kind: report.KindPercent}, {Key: "pc", Label: "Per resident", Kind: report.KindDollars},
			{Key: "ci", Label: "Concentration index", Kind: report.KindNumber, Digits: 3}, {Key: "top", Label: "To highest-need tier", Kind: report.KindPercent}}}
	for _, st := range r.Evidence {
		tab.Rows = append(tab.Rows, []any{st.Label, st.Placed.Float(), f64(st.Share), f64(st.PerCapita), f64(st.Concentration), f64(st.TopTierSpendShare)})
	}
	return tab
}

// deptEvidence names a department's evidence classes, strongest first.
func deptEvidence(d DeptRow) string {
	var out []string
	for _, e := range attribute.EvidenceClasses {
		if d.Evidence[e] != 0 {
			out = append(out, e)
		}
	}
	return strings.Join(out, ", ")
}
