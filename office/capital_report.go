package office

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/placement"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/report"
)

// CapitalReportOptions choose the capital plans a report presents.
type CapitalReportOptions struct {
	// Plans are the plans shown, in order (default: every stored plan).
	Plans []string
	// Layer is the layer they are placed in (default: each plan's area
	// layer, else the profile's reporting layer).
	Layer string
	Tiers int // default 5
}

// CapitalSections builds the council report's capital sections, one per
// plan: where its dollars went (a map of the projects over need, dollars
// per resident by need tier, every area), and its saved scenarios side by
// side with what changed between them and why, and the ranked selection
// of the last one. Plans that cannot be placed are skipped with a note.
func (o *Office) CapitalSections(ctx context.Context, opt CapitalReportOptions) ([]report.Section, error) {
	names := opt.Plans
	if len(names) == 0 {
		ps, err := o.Store.CapitalPlans(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			names = append(names, p.Name)
		}
	}
	var out []report.Section
	for i, name := range names {
		s, err := o.capitalSection(ctx, name, opt, i+1)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// AddCapital appends the capital sections to a document, before its
// methods section.
func (o *Office) AddCapital(ctx context.Context, doc *report.Document, opt CapitalReportOptions) error {
	secs, err := o.CapitalSections(ctx, opt)
	if err != nil || len(secs) == 0 {
		return err
	}
	at := len(doc.Sections)
	for i, s := range doc.Sections {
		if s.ID == "methods" {
			at = i
			break
		}
	}
	doc.Sections = append(doc.Sections[:at], append(secs, doc.Sections[at:]...)...)
	return nil
}

// planTitle is the plan's title from the city profile's demo list, else
// its name.
func (o *Office) planTitle(name string) (title, note string) {
	if o.City != nil && o.City.Demo != nil {
		for _, d := range o.City.Demo.Capital {
			if d.Plan == name && d.Title != "" {
				return d.Title, d.Note
			}
		}
	}
	return "Capital plan " + name, ""
}

func (o *Office) capitalSection(ctx context.Context, name string, opt CapitalReportOptions, n int) (report.Section, error) {
	title, note := o.planTitle(name)
	sec := report.Section{ID: fmt.Sprintf("capital-plan-%d", n), Title: title}
	cs, err := o.capitalSetup(ctx, CapitalNeedOptions{Plan: name, Layer: opt.Layer, Tiers: opt.Tiers})
	if err != nil {
		sec.Blocks = append(sec.Blocks, &report.Note{Kind: report.NoteCaveat, Text: "This plan could not be placed: " + err.Error()})
		return sec, nil
	}
	a := placement.Analyze(cs.place, cs.frame, cs.variants)
	infos, err := o.Store.CapitalPlans(ctx)
	if err != nil {
		return sec, err
	}
	released := false
	for _, pi := range infos {
		if pi.Name == name {
			released = pi.Released
		}
	}
	sec.Intro = capitalIntro(cs, a, released, o.areasWord(cs.layer.Name))
	if note != "" {
		sec.Blocks = append(sec.Blocks, &report.Paragraph{Text: note})
	}
	if m := projectsMap(cs, a, o.areasWord(cs.layer.Name)); m != nil {
		sec.Blocks = append(sec.Blocks, m)
	}
	sec.Blocks = append(sec.Blocks, tierBlocks(cs, a)...)
	sec.Blocks = append(sec.Blocks, areaTable(a, o.areasWord(cs.layer.Name)))
	if len(a.Years) > 1 {
		sec.Blocks = append(sec.Blocks, yearTable(a))
	}
	blocks, err := o.scenarioBlocks(ctx, cs, name)
	if err != nil {
		return sec, err
	}
	sec.Blocks = append(sec.Blocks, blocks...)
	return sec, nil
}

// areasWord names a layer's areas for people: its title in the city
// profile ("council districts"), else its name.
func (o *Office) areasWord(layer string) string {
	if o.City != nil {
		if l, ok := o.City.Layer(layer); ok && l.Title != "" {
			return l.Title
		}
	}
	return layer
}

func money(c int64) string { return report.Format(float64(c)/100, report.KindMoney, 0) }

// capitalIntro says what the plan holds and where its dollars went.
func capitalIntro(cs *capitalSetup, a *placement.Analysis, released bool, areasWord string) string {
	t := cs.place.Totals
	p := cs.plan
	var b strings.Builder
	fmt.Fprintf(&b, "%d projects, %s in all (%s, sha256 %s…).", len(p.Projects), money(t.Total), p.Source, p.SHA256[:min(12, len(p.SHA256))])
	if len(p.Skipped) > 0 {
		fmt.Fprintf(&b, " %d rows of the file without a cost estimate are not in the plan.", len(p.Skipped))
	}
	var how []string
	for _, m := range []struct {
		m    placement.Method
		word string
	}{{placement.MethodLength, "lines by their length in each area"}, {placement.MethodArea, "polygons by their area"}, {placement.MethodPoint, "points"},
		{placement.MethodPoints, "groups of points"}, {placement.MethodCode, "one area code"}, {placement.MethodCodes, "several area codes, by " + cs.place.Split.String()}} {
		if c := t.ByMethod[m.m]; c > 0 {
			how = append(how, fmt.Sprintf("%s %s", m.word, money(c)))
		}
	}
	fmt.Fprintf(&b, " Placed in the %s: %s (%s).", areasWord, money(t.Placed), strings.Join(how, "; "))
	if t.Citywide > 0 {
		fmt.Fprintf(&b, " Citywide projects: %s (%s of the plan), in no area.", money(t.Citywide), report.Format(float64(t.Citywide)/float64(t.Total), report.KindPercent, 1))
	}
	if t.Unplaced > 0 {
		fmt.Fprintf(&b, " Without a place in the layer: %s (no place given, or geometry outside the city).", money(t.Unplaced))
	}
	if t.Apart > 0 {
		var big []string
		for _, pp := range cs.place.Projects {
			if pp.Method == placement.MethodApart {
				big = append(big, fmt.Sprintf("%s (%s)", pp.Name, money(pp.Total)))
			}
		}
		fmt.Fprintf(&b, " Reported apart, not placed: %s of regional megaprojects (%s), which would swamp every per-resident figure.", money(t.Apart), strings.Join(big, "; "))
	}
	if a.Need != "" {
		fmt.Fprintf(&b, " Need: %s, in %d tiers.", a.Need, a.Tiers)
	}
	if !released {
		b.WriteString(" This plan is held: it is not shown by the public server until released.")
	}
	return b.String()
}

// projectsMap shades the areas by need (dollars per resident without a
// need measure) and draws the placed projects over them.
func projectsMap(cs *capitalSetup, a *placement.Analysis, areasWord string) *report.Choropleth {
	if cs.layer.NoGeometry {
		return nil
	}
	c := &report.Choropleth{Name: "Capital map", Title: "Projects over need: " + cs.plan.Name, Kind: report.KindNumber, Digits: 1,
		OverlayLabel: "Projects placed", Description: fmt.Sprintf("The %s shaded by need (%s); the plan's placed projects drawn over them.", areasWord, a.Need)}
	if a.Need == "" {
		c.Title, c.Kind, c.Digits = "Projects and dollars per resident: "+cs.plan.Name, report.KindDollars, 0
		c.Description = fmt.Sprintf("The %s shaded by the plan's placed dollars per resident; its projects drawn over them.", areasWord)
	}
	for k, ar := range a.Areas {
		g := cs.layer.Areas[k]
		v := ar.NeedScore
		if a.Need == "" {
			v = ar.PerResident
		}
		ma := report.MapArea{ID: ar.ID, Name: ar.Name, Value: float64(v), Missing: v.Missing()}
		if g.PointOnly() {
			ma.Geometry = g.Point
		} else {
			ma.Geometry = g.Geom
		}
		c.Areas = append(c.Areas, ma)
	}
	byID := map[string]*projects.Project{}
	for i := range cs.plan.Projects {
		byID[cs.plan.Projects[i].ID] = &cs.plan.Projects[i]
	}
	for _, pp := range cs.place.Projects {
		p := byID[pp.ID]
		if p.Place.Kind != projects.PlaceGeometry || pp.Method == placement.MethodApart || pp.Placed == 0 {
			continue
		}
		c.Overlay = append(c.Overlay, report.Mark{Label: fmt.Sprintf("%s (%s)", orDefault(p.Name, p.ID), money(pp.Total)), Geometry: p.Place.Geometry})
	}
	c.Note = fmt.Sprintf("%d projects drawn; megaprojects reported apart and citywide projects are not.", len(c.Overlay))
	return c
}

func f64(n budget.Num) any {
	if n.Missing() {
		return nil
	}
	return float64(n)
}

// tierBlocks are the tier chart, its table and what the concentration
// index says.
func tierBlocks(cs *capitalSetup, a *placement.Analysis) []report.Block {
	if len(a.NeedTiers) == 0 {
		return []report.Block{&report.Note{Kind: report.NoteInfo, Text: strings.Join(a.Notes, " ")}}
	}
	placed, pop := float64(cs.place.Totals.Placed)/100, 0.0
	for _, p := range cs.frame.Population {
		pop += p
	}
	bc := &report.BarChart{Name: "Capital tiers chart", Title: "Placed capital dollars per resident by need tier: " + cs.plan.Name, Kind: report.KindDollars,
		ValueLabel: "dollars per resident", Description: "Bars: placed dollars per resident of each need tier; line: the whole city's placed dollars per resident. Citywide and apart dollars are in no tier."}
	if pop > 0 {
		ref := placed / pop
		bc.Reference, bc.ReferenceLabel = &ref, "city"
	}
	tab := &report.Table{Name: "Capital tiers", Title: "Need tiers: " + cs.plan.Name, Columns: []report.Column{
		{Key: "tier", Label: "Tier", Kind: report.KindText}, {Key: "areas", Label: "Areas", Kind: report.KindInt}, {Key: "pop", Label: "Residents", Kind: report.KindInt},
		{Key: "ps", Label: "Share of residents", Kind: report.KindPercent}, {Key: "d", Label: "Placed dollars", Kind: report.KindMoney},
		{Key: "ds", Label: "Share of dollars", Kind: report.KindPercent}, {Key: "pc", Label: "Per resident", Kind: report.KindDollars}}}
	for _, t := range a.NeedTiers {
		bc.Bars = append(bc.Bars, report.Bar{Label: t.Label, Value: float64(t.PerResident), Missing: t.PerResident.Missing()})
		tab.Rows = append(tab.Rows, []any{t.Label, t.Areas, math.Round(t.Population), f64(t.PopulationShare), t.Dollars.Float(), f64(t.DollarShare), f64(t.PerResident)})
	}
	c := a.Concentration
	text := fmt.Sprintf("The highest-need tier holds %s of the residents and receives %s of the placed dollars. The concentration index of placed dollars per resident by need is %s",
		report.Format(float64(a.TopTier.PopulationShare), report.KindPercent, 1), report.Format(float64(a.TopTier.DollarShare), report.KindPercent, 1), report.Format(float64(c.Index), report.KindNumber, 3))
	if !c.Low.Missing() {
		text += fmt.Sprintf(", between %s and %s over the ways of counting (%s)", report.Format(float64(c.Low), report.KindNumber, 3), report.Format(float64(c.High), report.KindNumber, 3), c.Interval)
	} else {
		text += " (" + c.Interval + ")"
	}
	text += ". Positive means more dollars per resident where need is higher."
	return []report.Block{bc, tab, &report.Paragraph{Text: text}}
}

func areaTable(a *placement.Analysis, layer string) *report.Table {
	tab := &report.Table{Name: "Capital areas", Title: "Placed dollars by area (" + layer + "): " + a.Plan, Columns: []report.Column{
		{Key: "id", Label: "Area", Kind: report.KindText}, {Key: "name", Label: "Name", Kind: report.KindText}, {Key: "pop", Label: "Residents", Kind: report.KindInt},
		{Key: "need", Label: "Need", Kind: report.KindNumber}, {Key: "tier", Label: "Tier", Kind: report.KindInt},
		{Key: "d", Label: "Placed dollars", Kind: report.KindDollars}, {Key: "pc", Label: "Per resident", Kind: report.KindDollars}},
		Note: strings.Join(a.Notes, " ")}
	for _, ar := range a.Areas {
		var tier any
		if ar.Tier > 0 {
			tier = ar.Tier
		}
		tab.Rows = append(tab.Rows, []any{ar.ID, ar.Name, math.Round(ar.Population), f64(ar.NeedScore), tier, ar.Dollars.Float(), f64(ar.PerResident)})
	}
	return tab
}

func yearTable(a *placement.Analysis) *report.Table {
	tab := &report.Table{Name: "Capital years", Title: "By year: " + a.Plan, Columns: []report.Column{
		{Key: "y", Label: "Year", Kind: report.KindText}, {Key: "t", Label: "Total", Kind: report.KindDollars}, {Key: "p", Label: "Placed", Kind: report.KindDollars},
		{Key: "c", Label: "Citywide", Kind: report.KindDollars}, {Key: "u", Label: "No place", Kind: report.KindDollars}, {Key: "a", Label: "Apart", Kind: report.KindDollars},
		{Key: "ds", Label: "Highest-need tier's share of dollars", Kind: report.KindPercent}, {Key: "ci", Label: "Concentration index", Kind: report.KindNumber, Digits: 3}}}
	for _, y := range a.ByYear {
		tab.Rows = append(tab.Rows, []any{y.Year, y.Total.Float(), y.Placed.Float(), y.Citywide.Float(), y.Unplaced.Float(), y.Apart.Float(), f64(y.TopTier.DollarShare), f64(y.Concentration.Index)})
	}
	return tab
}

// scenarioBlocks set the saved scenarios side by side, say what changed
// between consecutive ones and rank the projects of the last.
func (o *Office) scenarioBlocks(ctx context.Context, cs *capitalSetup, plan string) ([]report.Block, error) {
	list, err := o.Store.CapitalScenarios(ctx, plan)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	side := &report.Table{Name: "Capital scenarios", Title: "Scenarios side by side: " + plan, Columns: []report.Column{
		{Key: "n", Label: "Scenario", Kind: report.KindText}, {Key: "s", Label: "Asked", Kind: report.KindText}, {Key: "st", Label: "Answer", Kind: report.KindText},
		{Key: "p", Label: "Projects", Kind: report.KindInt}, {Key: "c", Label: "Budgeted dollars", Kind: report.KindDollars}, {Key: "o", Label: "Benefit", Kind: report.KindNumber},
		{Key: "h", Label: "High-need share of budgeted dollars", Kind: report.KindPercent}, {Key: "t", Label: "Top tier's share of placed dollars", Kind: report.KindPercent},
		{Key: "r", Label: "Top tier's share of residents", Kind: report.KindPercent}, {Key: "ci", Label: "Concentration index", Kind: report.KindNumber, Digits: 3}},
		Note: "Each scenario is the plan of greatest benefit under what was asked; \"optimal\" means proven: no plan meeting the same constraints has more benefit."}
	for _, s := range list {
		answer := s.Status
		if s.Optimal {
			answer = "optimal (proven)"
		}
		var ci any
		if s.Equity.Valid {
			ci = s.Equity.Concentration
		}
		side.Rows = append(side.Rows, []any{s.Name, strings.Join(s.Settings, "; "), answer, s.Selected, float64(s.CostCents) / 100, s.Objective,
			s.Equity.HighNeedShare, s.Equity.TopTierDollarShare, s.Equity.TopTierPopulationShare, ci})
	}
	blocks := []report.Block{side}
	for i := 1; i < len(list); i++ {
		cmp, err := o.CompareCapital(ctx, plan, list[i-1].Name, list[i].Name)
		if err != nil {
			blocks = append(blocks, &report.Note{Kind: report.NoteCaveat, Text: fmt.Sprintf("Scenarios %s and %s cannot be compared: %v", list[i-1].Name, list[i].Name, err)})
			continue
		}
		blocks = append(blocks, swapTable(cmp))
	}
	last, err := o.Store.CapitalScenario(ctx, plan, list[len(list)-1].Name)
	if err != nil {
		return nil, err
	}
	blocks = append(blocks, rankingTable(last, cs))
	return blocks, nil
}

func swapTable(c *CapitalComparison) *report.Table {
	tab := &report.Table{Name: "Capital swaps", Title: fmt.Sprintf("From %s to %s: projects in and out, and why", c.A.Name, c.B.Name), Columns: []report.Column{
		{Key: "p", Label: "Project", Kind: report.KindText}, {Key: "w", Label: "Change", Kind: report.KindText},
		{Key: "f", Label: "Forced by", Kind: report.KindText}, {Key: "t", Label: "Why", Kind: report.KindText}}}
	var changes []string
	for _, ch := range c.Changes {
		changes = append(changes, ch.Text)
	}
	tab.Note = fmt.Sprintf("%d projects kept. What changed: %s.", len(c.Kept), orDefault(strings.Join(changes, "; "), "nothing in the model"))
	add := func(s capital.Swap, word string) {
		forced := ""
		switch {
		case s.Reason.Code == capital.ReasonTie:
			forced = "nothing: a tie (an equally good plan)"
		case s.Forced != nil:
			forced = s.Forced.String()
			if s.Changed {
				forced += " (changed)"
			}
		}
		tab.Rows = append(tab.Rows, []any{s.Project, word, forced, s.Text})
	}
	for _, s := range c.Out {
		add(s, "out")
	}
	for _, s := range c.In {
		add(s, "in")
	}
	return tab
}

// rankingTable lists a scenario's projects: the selected first, then by
// benefit per budgeted dollar, with the reason of each one left out.
func rankingTable(s *projects.Scenario, cs *capitalSetup) *report.Table {
	tab := &report.Table{Name: "Capital selection", Title: fmt.Sprintf("Scenario %s: every project, selected first, and why the others are out", s.Name), Columns: []report.Column{
		{Key: "r", Label: "Rank", Kind: report.KindInt}, {Key: "id", Label: "Project", Kind: report.KindText}, {Key: "n", Label: "Name", Kind: report.KindText},
		{Key: "s", Label: "Selected", Kind: report.KindText}, {Key: "a", Label: "Budgeted dollars", Kind: report.KindDollars}, {Key: "b", Label: "Benefit", Kind: report.KindNumber},
		{Key: "h", Label: "High-need share", Kind: report.KindPercent}, {Key: "why", Label: "Why not selected", Kind: report.KindText}}}
	out := &CapitalPlanResult{Model: s.Model, Selected: []string{}}
	fillPlanResult(out, cs, s.Result)
	for _, p := range out.Projects {
		sel := "no"
		if p.Selected {
			sel = "yes"
		}
		tab.Rows = append(tab.Rows, []any{p.Rank, p.ID, p.Name, sel, p.Amount.Float(), p.Benefit, p.HighNeedShare, p.Reason})
	}
	sort.SliceStable(tab.Rows, func(i, j int) bool { return tab.Rows[i][0].(int) < tab.Rows[j][0].(int) })
	return tab
}
