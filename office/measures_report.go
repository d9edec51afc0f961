package office

import (
	"context"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/report"
)

// MeasuresSectionOptions select the council report's section on service
// performance.
type MeasuresSectionOptions struct {
	Layer string
	// FiscalYear and Phase pick the program measures shown beside the
	// budget (the report's phase).
	FiscalYear, Phase string
	Reps              int
	Seed              uint64
}

// reportGapMeasures are the service measures the report compares.
var reportGapMeasures = []string{"per_1000", "median_days", "p90_days", "on_time_share", "share_closed", "repeat_share", "self_service_share"}

// MeasuresSection builds the council report's section "Service performance
// by area": the service measures by need tier with their gaps and
// intervals, the roll-up score of each area on a map and per department,
// the measures published by area (LAFD) by tier and year, and the city's
// own program measures (citywide) beside their dollars. nil when the store
// holds nothing of the kind. Every real sample says its dates; DERIVED and
// SYNTHETIC data say so.
func (o *Office) MeasuresSection(ctx context.Context, opt MeasuresSectionOptions) (*report.Section, error) {
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return nil, err
	}
	sets, err := o.Store.PublishedSets(ctx)
	if err != nil {
		return nil, err
	}
	progs, err := o.ProgramMeasures(ctx, ProgramsOptions{})
	if err != nil {
		return nil, err
	}
	if st.Requests == 0 && len(sets) == 0 && len(progs.Measures) == 0 {
		return nil, nil
	}
	sec := &report.Section{ID: "service-performance", Title: "Service performance by area",
		Intro: "Whether the city's services are as fast and as present where need is highest. Service measures come from the stored service requests, placed in the areas of the analysis; measures published by area are carried to them by ground area; each tier's value has a 95% bootstrap interval, and a difference between the highest- and lowest-need tiers is called a gap only where its interval excludes zero."}
	l, fr, err := o.areaFrame(ctx, opt.Layer, 5, 0)
	if err != nil {
		return nil, err
	}
	tiered := fr.Tiers >= 2 && fr.Mapping != "no need run"
	if st.Requests > 0 && tiered {
		if err := o.eventBlocks(ctx, sec, l.Name, opt); err != nil {
			return nil, err
		}
	}
	if len(sets) > 0 && tiered {
		if err := o.publishedBlocks(ctx, sec, l.Name, opt); err != nil {
			return nil, err
		}
	}
	if st.Requests > 0 || len(sets) > 0 {
		if err := o.scoreBlocks(ctx, sec, l.Name); err != nil {
			return nil, err
		}
	}
	if len(progs.Measures) > 0 {
		programBlocks(sec, progs, opt)
	}
	return sec, nil
}

func cell(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// eventBlocks: the service measures by tier and their gaps.
func (o *Office) eventBlocks(ctx context.Context, sec *report.Section, layer string, opt MeasuresSectionOptions) error {
	res, err := o.MeasureGaps(ctx, GapsOptions{Layer: layer, Period: "all", Measures: o.available(reportGapMeasures), Reps: opt.Reps, Seed: opt.Seed, NoPublished: true})
	if err != nil {
		return err
	}
	kind := report.NoteInfo
	if res.Synthetic {
		kind = report.NoteSynthetic
	}
	sec.Blocks = append(sec.Blocks, &report.Note{Kind: kind, Text: "Service requests: " + res.Label + ". A sample of days shows what the requests of those days were like, not a year."})
	tab := &report.Table{Name: "Service by tier", Title: "Service measures by need tier, with the gap between the highest- and lowest-need tiers", Synthetic: res.Synthetic,
		Columns: []report.Column{{Key: "m", Label: "Measure", Kind: report.KindText}, {Key: "lo", Label: "Lowest-need tier", Kind: report.KindNumber, Digits: 3},
			{Key: "hi", Label: "Highest-need tier", Kind: report.KindNumber, Digits: 3}, {Key: "gap", Label: "Gap (highest - lowest)", Kind: report.KindNumber, Digits: 3},
			{Key: "gl", Label: "95% interval low", Kind: report.KindNumber, Digits: 3}, {Key: "gh", Label: "95% interval high", Kind: report.KindNumber, Digits: 3},
			{Key: "ci", Label: "Concentration index by need", Kind: report.KindNumber, Digits: 3}, {Key: "v", Label: "Reading", Kind: report.KindText}}}
	for _, g := range res.Gaps {
		lo, hi := g.Tiers[0], g.Tiers[len(g.Tiers)-1]
		tab.Rows = append(tab.Rows, []any{g.Name, cell(lo.Value), cell(hi.Value), cell(g.Gap), cell(g.GapLow), cell(g.GapHigh), cell(g.Concentration), g.Verdict})
	}
	sec.Blocks = append(sec.Blocks, tab)
	for _, g := range res.Gaps {
		if g.Measure != "median_days" {
			continue
		}
		bc := &report.BarChart{Name: "Median days by tier", Title: "Median days to close by need tier (" + g.Coverage + ")", Kind: report.KindNumber, Digits: 2,
			Description: "Bars: the median days from request to closing of each tier's requests (nearest rank); whiskers: 95% bootstrap interval resampling the tier's areas.",
			ValueLabel:  "days", Synthetic: res.Synthetic}
		for _, t := range g.Tiers {
			b := report.Bar{Label: t.Label, Missing: t.Value == nil}
			if t.Value != nil {
				b.Value = *t.Value
			}
			if t.Low != nil && t.High != nil {
				b.Low, b.High, b.HasInterval = *t.Low, *t.High, true
			}
			bc.Bars = append(bc.Bars, b)
		}
		sec.Blocks = append(sec.Blocks, bc)
	}
	return nil
}

// available keeps the ids the profile's measures have.
func (o *Office) available(ids []string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := o.measureSet().Measure(id); ok {
			out = append(out, id)
		}
	}
	return out
}

// publishedBlocks: each published set's means by tier and year.
func (o *Office) publishedBlocks(ctx context.Context, sec *report.Section, layer string, opt MeasuresSectionOptions) error {
	res, err := o.MeasureGaps(ctx, GapsOptions{Layer: layer, Period: "year", Reps: opt.Reps, Seed: opt.Seed, NoEvents: true})
	if err != nil {
		return err
	}
	for _, p := range res.Published {
		kind := report.NoteInfo
		if p.Derived {
			kind = report.NoteCaveat
		}
		sec.Blocks = append(sec.Blocks, &report.Note{Kind: kind, Text: "Published by area: " + p.Label + ". Carried to the " + layer + " by ground area, averages weighted by their incidents; intervals resample the publisher's areas."})
		tab := &report.Table{Name: trimSheet(p.Set + " by tier"), Title: "Published measures by need tier and year (" + p.Set + ")",
			Columns: []report.Column{{Key: "m", Label: "Measure", Kind: report.KindText}, {Key: "p", Label: "Year", Kind: report.KindText},
				{Key: "c", Label: "Data", Kind: report.KindText}, {Key: "lo", Label: "Lowest-need tier", Kind: report.KindNumber, Digits: 2},
				{Key: "hi", Label: "Highest-need tier", Kind: report.KindNumber, Digits: 2}, {Key: "gap", Label: "Gap", Kind: report.KindNumber, Digits: 2},
				{Key: "gl", Label: "95% interval low", Kind: report.KindNumber, Digits: 2}, {Key: "gh", Label: "95% interval high", Kind: report.KindNumber, Digits: 2},
				{Key: "v", Label: "Reading", Kind: report.KindText}}}
		var travel []measures.Gap
		for _, g := range p.Gaps {
			lo, hi := g.Tiers[0], g.Tiers[len(g.Tiers)-1]
			tab.Rows = append(tab.Rows, []any{g.Name + " (" + g.Unit + ")", g.Period, g.Coverage, cell(lo.Value), cell(hi.Value), cell(g.Gap), cell(g.GapLow), cell(g.GapHigh), g.Verdict})
			if g.Measure == "ems_travel_minutes" {
				travel = append(travel, g)
			}
		}
		sec.Blocks = append(sec.Blocks, tab)
		if len(travel) > 0 {
			g := lastFullYear(travel)
			bc := &report.BarChart{Name: "EMS travel by tier", Title: "Average EMS travel time by need tier, " + g.Period + " (" + g.Coverage + ")", Kind: report.KindNumber, Digits: 2,
				Description: "Bars: the incident-weighted average travel time of the tier's areas; whiskers: 95% bootstrap interval resampling the first-in districts.", ValueLabel: "minutes"}
			if t, ok := o.services().PublishedTarget(p.Set, g.Measure); ok {
				v := t.Value
				bc.Reference, bc.ReferenceLabel = &v, "target"
			}
			for _, t := range g.Tiers {
				b := report.Bar{Label: t.Label, Missing: t.Value == nil}
				if t.Value != nil {
					b.Value = *t.Value
				}
				if t.Low != nil && t.High != nil {
					b.Low, b.High, b.HasInterval = *t.Low, *t.High, true
				}
				bc.Bars = append(bc.Bars, b)
			}
			sec.Blocks = append(sec.Blocks, bc)
		}
	}
	return nil
}

// lastFullYear is the last comparison covering 12 months (else the last).
func lastFullYear(gs []measures.Gap) measures.Gap {
	for i := len(gs) - 1; i >= 0; i-- {
		if strings.HasPrefix(gs[i].Coverage, "12 months") {
			return gs[i]
		}
	}
	return gs[len(gs)-1]
}

func trimSheet(s string) string {
	if r := []rune(s); len(r) > 31 {
		return string(r[:31])
	}
	return s
}

// scoreBlocks: the roll-up on a map and per department.
func (o *Office) scoreBlocks(ctx context.Context, sec *report.Section, layer string) error {
	res, err := o.MeasureScores(ctx, ScoresOptions{Layer: layer, Period: "all"})
	if err != nil {
		return err
	}
	if len(res.Measures) == 0 {
		return nil
	}
	l, err := o.Store.Layer(ctx, layer)
	if err != nil {
		return err
	}
	ch := &report.Choropleth{Name: "Map scores", Title: "Roll-up score of each area (1 = targets met)", Kind: report.KindNumber, Digits: 2, Palette: report.Diverging, Midpoint: 1,
		Method: report.ClassManual, Classes: 5, Breaks: []float64{0.8, 0.95, 1.05, 1.2}, Labels: len(l.Areas) <= 20,
		Description: "Each area's mean score over the measures with targets (value against target, capped at 2): below 1 the area's measures fall short of their targets on average."}
	score := map[string]*float64{}
	for _, a := range res.Areas {
		score[a.AreaID] = a.Score
	}
	for _, a := range l.Areas {
		if a.PointOnly() {
			continue
		}
		s := score[a.ID]
		ma := report.MapArea{ID: a.ID, Name: a.Name, Geometry: a.Geom, Missing: s == nil}
		if s != nil {
			ma.Value = *s
		}
		ch.Areas = append(ch.Areas, ma)
	}
	sec.Blocks = append(sec.Blocks, ch)
	tab := &report.Table{Name: "Scores", Title: "Roll-up scores: city and departments", Columns: []report.Column{{Key: "n", Label: "Roll-up", Kind: report.KindText},
		{Key: "s", Label: "Score", Kind: report.KindNumber, Digits: 2}, {Key: "m", Label: "Measures", Kind: report.KindInt}, {Key: "d", Label: "Data", Kind: report.KindText}}}
	for _, g := range append(res.City, res.Departments...) {
		tab.Rows = append(tab.Rows, []any{g.Name, cell(g.Score), g.Measures, g.Coverage})
	}
	sec.Blocks = append(sec.Blocks, tab)
	tt := &report.Table{Name: "Targets", Title: "Targets the scores rest on", Columns: []report.Column{{Key: "m", Label: "Measure", Kind: report.KindText},
		{Key: "t", Label: "Target", Kind: report.KindNumber, Digits: 2}, {Key: "b", Label: "Better", Kind: report.KindText}, {Key: "s", Label: "Source", Kind: report.KindText}}}
	for _, m := range res.Measures {
		src := m.Source
		if m.Illustrative {
			src = "ILLUSTRATIVE: not a city target"
		}
		tt.Rows = append(tt.Rows, []any{m.Name, m.Target, m.Better, src})
	}
	sec.Blocks = append(sec.Blocks, tt)
	for _, n := range res.Notes {
		sec.Blocks = append(sec.Blocks, &report.Note{Kind: report.NoteCaveat, Text: n})
	}
	return nil
}

// programBlocks: the city's program measures of the report's year,
// citywide, with cost per unit.
func programBlocks(sec *report.Section, progs *ProgramsResult, opt MeasuresSectionOptions) {
	fy, phase := opt.FiscalYear, opt.Phase
	if f, err := budget.ParseFiscalYear(fy); err == nil {
		fy = f.Label()
	}
	sec.Blocks = append(sec.Blocks, &report.Note{Kind: report.NoteCaveat, Text: "CITYWIDE: " + progs.Note})
	tab := &report.Table{Name: "Program measures", Title: fmt.Sprintf("The city's program measures, FY%s %s, beside their programs' dollars (citywide)", fy, phase),
		Columns: []report.Column{{Key: "d", Label: "Department", Kind: report.KindText}, {Key: "p", Label: "Program", Kind: report.KindText},
			{Key: "m", Label: "Measure", Kind: report.KindText}, {Key: "v", Label: "Value", Kind: report.KindNumber, Digits: report.NoDigits},
			{Key: "$", Label: "Program dollars", Kind: report.KindMoney}, {Key: "c", Label: "Cost per unit", Kind: report.KindDollars},
			{Key: "t", Label: "Change, first to last actual", Kind: report.KindPercent}, {Key: "y", Label: "Actuals compared", Kind: report.KindText}}}
	for _, m := range progs.Measures {
		for _, v := range m.Values {
			if v.FiscalYear != fy || v.Phase != phase {
				continue
			}
			years := ""
			if m.Change != nil {
				years = m.FirstActual + " to " + m.LastActual
			}
			tab.Rows = append(tab.Rows, []any{m.DepartmentName, m.ProgramName, m.Name, v.Value, cell(v.Dollars), cell(v.CostPerUnit), cell(m.Change), years})
		}
	}
	if len(tab.Rows) > 0 {
		sec.Blocks = append(sec.Blocks, tab)
	}
}

// addMeasuresSection puts the section before the methods section of doc
// (at the end when there is none); without data it changes nothing.
func (o *Office) addMeasuresSection(ctx context.Context, doc *report.Document, opt MeasuresSectionOptions) error {
	sec, err := o.MeasuresSection(ctx, opt)
	if err != nil || sec == nil {
		return err
	}
	at := len(doc.Sections)
	for i, s := range doc.Sections {
		if s.ID == "methods" {
			at = i
			break
		}
	}
	doc.Sections = append(doc.Sections[:at], append([]report.Section{*sec}, doc.Sections[at:]...)...)
	return nil
}
