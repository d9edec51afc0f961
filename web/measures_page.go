package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/office"
)

// measuresPage is the performance page's data.
type measuresPage struct {
	Layers   []layerInfo
	Layer    string
	Groups   []choiceGroup
	Measure  string
	Choice   office.MeasureChoice
	View     string // value or gap
	Period   string
	Periods  []string
	Map      *office.MeasureMap
	GeoURL   string
	Trend    []measures.Gap
	Chart    template.HTML
	Verdicts []string
	Programs []ProgramRow
	ProgFY   string
	Empty    bool
}

// choiceGroup is an optgroup of the measure selector.
type choiceGroup struct {
	Label   string
	Choices []office.MeasureChoice
}

func (s *Server) pageMeasures(w http.ResponseWriter, r *http.Request) error {
	v, err := s.viewOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t := T{Lang: lang(r)}
	q := r.URL.Query()
	pd := &measuresPage{View: q.Get("view"), Period: q.Get("period"), Periods: []string{"year", "fiscal_year", "quarter", "month", "all"}}
	if pd.View != "gap" {
		pd.View = "value"
	}
	if pd.Period == "" {
		pd.Period = "year"
	}
	if _, err := measures.ParsePeriod(pd.Period); err != nil {
		return err
	}
	ls, err := v.layers(ctx)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if ok, _ := v.isMoneyLayer(ctx, l.Layer); ok {
			pd.Layers = append(pd.Layers, l)
		}
	}
	if pd.Layer, err = v.pickLayer(ctx, q.Get("layer")); err != nil {
		return err
	}
	if ok, _ := v.isMoneyLayer(ctx, pd.Layer); !ok {
		return budget.Errorf(budget.ENOTFOUND, "no such layer")
	}
	choices, err := v.measureChoices(ctx)
	if err != nil {
		return err
	}
	// in the page's language (a copy: the view's list is shared)
	choices = slices.Clone(choices)
	for i := range choices {
		choices[i].Name = measures.NameIn(choices[i].Name, choices[i].Names, t.Lang)
		choices[i].Unit = t.Unit(choices[i].Unit)
	}
	pd.Groups = groupChoices(t, choices)
	pd.Measure = q.Get("measure")
	if pd.Measure == "" && len(choices) > 0 {
		pd.Measure = choices[0].Key
	}
	if err := s.fillProgramRows(r, v, pd); err != nil {
		return err
	}
	if len(choices) == 0 {
		pd.Empty = true
		return s.render(w, r, "measures", t.Get("meas.title"), "measures", pd)
	}
	if !hasChoice(choices, pd.Measure) {
		return budget.Errorf(budget.ENOTFOUND, "no measure")
	}
	for _, c := range choices {
		if c.Key == pd.Measure {
			pd.Choice = c
			if c.Kind == "score" {
				pd.Choice.Name, pd.Choice.Unit = t.Get("meas.score"), t.Get("meas.score_unit")
			}
		}
	}
	if pd.Map, err = v.measureMap(ctx, pd.Layer, pd.Measure); err != nil {
		return err
	}
	pd.GeoURL = fmt.Sprintf("/api/measures/areas?format=geojson&zoom=11&layer=%s&measure=%s", urlQueryEscape(pd.Layer), urlQueryEscape(pd.Measure))
	if pd.Trend, err = v.measureTrend(ctx, pd.Layer, pd.Measure, pd.Period); err != nil && budget.ErrorCode(err) != budget.EINVALID {
		return err
	}
	for i := range pd.Trend {
		pd.Verdicts = append(pd.Verdicts, verdictText(t, &pd.Trend[i]))
	}
	pd.Chart = trendChart(t, pd.Choice, pd.Trend)
	return s.render(w, r, "measures", t.Get("meas.title"), "measures", pd)
}

func urlQueryEscape(s string) string { return strings.ReplaceAll(urlPathEscape(s), "/", "%2F") }

// groupChoices puts the measures in the selector's groups.
func groupChoices(t T, cs []office.MeasureChoice) []choiceGroup {
	var out []choiceGroup
	for _, kind := range []string{"service", "published", "score"} {
		g := choiceGroup{Label: t.Get("meas.group." + kind)}
		for _, c := range cs {
			if c.Kind == kind {
				if kind == "score" {
					c.Name = t.Get("meas.score")
				}
				g.Choices = append(g.Choices, c)
			}
		}
		if len(g.Choices) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// fillProgramRows keeps the program measures of the latest fiscal year and
// phase that has dollars, with a cost per unit first.
func (s *Server) fillProgramRows(r *http.Request, v *view, pd *measuresPage) error {
	res, err := v.programs(r.Context())
	if err != nil {
		return err
	}
	best := ""
	for _, m := range res.Measures {
		for _, x := range m.Values {
			if x.Dollars != nil && x.FiscalYear+" "+x.Phase > best {
				best = x.FiscalYear + " " + x.Phase
			}
		}
	}
	if best == "" {
		return nil
	}
	pd.ProgFY = best
	for _, m := range res.Measures {
		for _, x := range m.Values {
			if x.FiscalYear+" "+x.Phase == best && x.CostPerUnit != nil {
				pd.Programs = append(pd.Programs, ProgramRow{Department: m.DepartmentName, Program: m.Program, ProgramName: m.ProgramName, Measure: m.Measure,
					Name: m.Name, Unit: m.Unit, FiscalYear: x.FiscalYear, Phase: x.Phase, Value: x.Value, Dollars: x.Dollars, CostPerUnit: x.CostPerUnit})
			}
		}
	}
	sort.SliceStable(pd.Programs, func(i, j int) bool { return *pd.Programs[i].Dollars > *pd.Programs[j].Dollars })
	if len(pd.Programs) > 25 {
		pd.Programs = pd.Programs[:25]
	}
	return nil
}

// verdictText says in the page's language what a comparison shows.
func verdictText(t T, g *measures.Gap) string {
	switch {
	case g.Gap == nil:
		return t.Get("meas.verdict.none")
	case g.GapLow == nil:
		return t.Get("meas.verdict.nointerval")
	case !g.Significant:
		return t.Get("meas.verdict.nogap")
	}
	key := "meas.verdict.higher"
	if *g.Gap < 0 {
		key = "meas.verdict.lower"
	}
	s := t.Get(key)
	switch {
	case g.Better == measures.Lower && *g.Gap > 0 || g.Better == measures.Higher && *g.Gap < 0:
		s += " " + t.Get("meas.verdict.worse")
	case g.Better != "":
		s += " " + t.Get("meas.verdict.better")
	}
	return s
}

// trendChart draws the lowest- and highest-need tiers of a measure period
// by period with their intervals (several periods), or every tier as bars
// (one period), as accessible SVG.
func trendChart(t T, c office.MeasureChoice, gs []measures.Gap) template.HTML {
	if len(gs) == 0 {
		return ""
	}
	digits := 2
	fmtv := func(x float64) string { return t.Number(x, digits) }
	if len(gs) == 1 {
		var bars []bar
		tiers := 0
		for _, tr := range gs[0].Tiers {
			tiers = max(tiers, tr.Tier)
		}
		for _, tr := range gs[0].Tiers {
			b := bar{Label: tierLabel(t, tr.Tier, tiers), Value: math.NaN(), Low: math.NaN(), High: math.NaN()}
			if tr.Value != nil {
				b.Value = *tr.Value
			}
			if tr.Low != nil && tr.High != nil {
				b.Low, b.High = *tr.Low, *tr.High
			}
			bars = append(bars, b)
		}
		return barChart(t, "trend", t.Get("meas.trend_chart", c.Name, gs[0].Period+" ("+gs[0].Coverage+")"), bars, math.NaN(), "", fmtv)
	}
	return lineChart(t, "trend", t.Get("meas.trend_chart", c.Name, gs[0].Period+" – "+gs[len(gs)-1].Period), gs, t.Get("meas.tier_low"), t.Get("meas.tier_high"), fmtv)
}

// lineChart draws two series (lowest and highest tier) over the periods,
// with interval whiskers; colours from Okabe-Ito, presentation attributes
// only (no style: the CSP forbids it).
func lineChart(t T, id, title string, gs []measures.Gap, loName, hiName string, format func(float64) string) template.HTML {
	const width, height, left, right, top, bottom = 640.0, 300.0, 64.0, 16.0, 40.0, 48.0
	lo, hi := math.Inf(1), math.Inf(-1)
	val := func(tr measures.TierValue) []float64 {
		var out []float64
		for _, p := range []*float64{tr.Value, tr.Low, tr.High} {
			if p != nil {
				out = append(out, *p)
			}
		}
		return out
	}
	for _, g := range gs {
		for _, tr := range []measures.TierValue{g.Tiers[0], g.Tiers[len(g.Tiers)-1]} {
			for _, v := range val(tr) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return ""
	}
	if hi == lo {
		hi = lo + 1
	}
	pad := (hi - lo) * 0.1
	lo, hi = lo-pad, hi+pad
	n := len(gs)
	x := func(i int) float64 { return left + (float64(i)+0.5)*(width-left-right)/float64(n) }
	y := func(v float64) float64 { return top + (hi-v)/(hi-lo)*(height-top-bottom) }
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-t %s-d">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(t.Get("chart.periods", n)))
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444444"/>`, left, top, left, height-bottom)
	for k := 0; k <= 4; k++ {
		v := lo + (hi-lo)*float64(k)/4
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" class="chart-label">%s</text>`, left-6, y(v)+4, esc(format(v)))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#dddddd"/>`, left, y(v), width-right, y(v))
	}
	for i, g := range gs {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="chart-label">%s</text>`, x(i), height-bottom+18, esc(g.Period))
	}
	series := []struct {
		tier   func(g measures.Gap) measures.TierValue
		colour string
		shift  float64
		name   string
	}{{func(g measures.Gap) measures.TierValue { return g.Tiers[0] }, "#0072B2", -4, loName},
		{func(g measures.Gap) measures.TierValue { return g.Tiers[len(g.Tiers)-1] }, "#D55E00", 4, hiName}}
	for k, s := range series {
		var path []string
		for i, g := range gs {
			tr := s.tier(g)
			if tr.Value == nil {
				continue
			}
			cx, cy := x(i)+s.shift, y(*tr.Value)
			cmd := "L"
			if len(path) == 0 {
				cmd = "M"
			}
			path = append(path, fmt.Sprintf("%s%.1f %.1f", cmd, cx, cy))
			if tr.Low != nil && tr.High != nil {
				fmt.Fprintf(&b, `<path d="M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f" stroke="%s" stroke-width="1.5" fill="none"/>`,
					cx, y(*tr.Low), y(*tr.High), cx-4, y(*tr.Low), cx+4, cx-4, y(*tr.High), cx+4, s.colour)
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s, %s: %s</title></circle>`, cx, cy, s.colour, esc(s.name), esc(g.Period), esc(format(*tr.Value)))
		}
		if len(path) > 1 {
			fmt.Fprintf(&b, `<path d="%s" stroke="%s" stroke-width="2" fill="none"/>`, strings.Join(path, ""), s.colour)
		}
		lx := left + float64(k)*220
		fmt.Fprintf(&b, `<rect x="%.1f" y="10" width="14" height="14" fill="%s"/><text x="%.1f" y="22" class="chart-label">%s</text>`, lx, s.colour, lx+20, esc(s.name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above went through esc
}
