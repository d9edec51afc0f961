package web

import (
	"html/template"
	"math"
	"strconv"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
)

// evidencePanel is what the placed dollars rest on (docs/evidence.md), as
// the report's Findings give it: the phase's dollars by evidence class
// with those not placed, and the headline of the dollars placed by
// location and service evidence alone beside that of all placed dollars.
type evidencePanel struct {
	Layer string
	// Rows are the classes, strongest first, then the dollars not placed;
	// Total is the phase total they add up to.
	Rows  []evidenceRow
	Total analysis.Dollars
	// Placed is every placed dollar; StrongShare the share of it placed by
	// location or service evidence.
	Placed      analysis.Dollars
	StrongShare budget.Num
	// Steps are the headline as the weaker classes are added; Strong the
	// step of location and service evidence, All the last (every class).
	Steps       []evidenceStep
	Strong, All *evidenceStep
	Chart       template.HTML
}

// evidenceRow is one class's dollars.
type evidenceRow struct {
	Key   string // location, service, proxy, assumed or unattributed
	Label string
	// Amount with its share of the placed dollars (NaN for the dollars
	// not placed) and of the phase total.
	Amount      analysis.Dollars
	PlacedShare budget.Num
	PhaseShare  budget.Num
}

// evidenceStep is one step of the headline, labelled in the page language.
type evidenceStep struct {
	analysis.EvidenceStep
	Name string
}

// newEvidencePanel builds the panel of an analysis; nil when it placed
// nothing or predates evidence classes.
func newEvidencePanel(t T, r *analysis.Result) *evidencePanel {
	tt := r.Totals
	if tt.Attributed == 0 || len(tt.ByEvidence) == 0 {
		return nil
	}
	layer := r.Layer.Name
	if r.Layer.Title != "" {
		layer = r.Layer.Title // for people (the caption)
	}
	p := &evidencePanel{Layer: layer, Total: tt.PhaseTotal, Placed: tt.Attributed, StrongShare: tt.StrongShare}
	nan := budget.Num(math.NaN())
	var bars []bar
	for _, c := range attribute.EvidenceClasses {
		d := tt.ByEvidence[c]
		p.Rows = append(p.Rows, evidenceRow{Key: c, Label: t.Get("ev." + c), Amount: d, PlacedShare: ratioNum(d, tt.Attributed), PhaseShare: ratioNum(d, tt.PhaseTotal)})
		bars = append(bars, bar{Label: t.Get("ev.short." + c), Value: d.Float(), Low: math.NaN(), High: math.NaN()})
	}
	p.Rows = append(p.Rows, evidenceRow{Key: "unattributed", Label: t.Get("ev.unattributed"), Amount: tt.Unattributed, PlacedShare: nan, PhaseShare: ratioNum(tt.Unattributed, tt.PhaseTotal)})
	bars = append(bars, bar{Label: t.Get("ev.short.unattributed"), Value: tt.Unattributed.Float(), Low: math.NaN(), High: math.NaN()})
	p.Chart = barChart(t, "evidence", t.Get("ev.chart"), bars, math.NaN(), "", t.Money)
	for i, st := range r.Evidence {
		p.Steps = append(p.Steps, evidenceStep{EvidenceStep: st, Name: t.Get("ev.step." + strconv.Itoa(i))})
	}
	if len(p.Steps) == len(attribute.EvidenceClasses) {
		p.Strong, p.All = &p.Steps[1], &p.Steps[len(p.Steps)-1]
	}
	return p
}

func ratioNum(a, b analysis.Dollars) budget.Num {
	if b == 0 {
		return budget.Num(math.NaN())
	}
	return budget.Num(float64(a) / float64(b))
}
