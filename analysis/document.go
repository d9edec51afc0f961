package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/report"
	"github.com/paulmach/orb"
)

// DocOptions add context to a report built from a result.
type DocOptions struct {
	Jurisdiction string // "City of Los Angeles"
	// Layer gives the geometries of the result's areas (simplified for
	// display); Backdrop optional outlines drawn under point areas.
	Layer    *geo.Layer
	Backdrop *geo.Layer
	// Comparisons of the same layer for other phases and years.
	Comparisons []CompareRow
	// Synthetic lists what is synthetic (shown in a banner and the caveats).
	Synthetic []string
	// Caveats are added to the result's own.
	Caveats []string
	// Sources describe the inputs (matched to the provenance hashes by name).
	Sources []report.Source
	// Megaprojects lists regional megaprojects reported apart.
	Megaprojects []string
	// NeedPoints, when set, is drawn as a map of the small areas' need
	// (tract points) over the layer's outlines.
	NeedPoints []report.MapArea
	// SyntheticDemand marks every block that depends on where dollars were
	// placed, because some dollars are placed by synthetic service demand.
	SyntheticDemand bool
	// Words name the city's areas and need in the report's sentences (from
	// the city profile); empty fields take words from the result.
	Words Words
}

// Words name a city's areas and need for people.
type Words struct {
	Areas      string // the analysis layer's areas ("council districts"; default: the layer's name)
	SmallAreas string // where need is measured ("census tracts", the default)
	Need       string // the need index ("CalEnviroScreen 3.0"; default: the spec's name and version)
}

// hasNeed reports whether the result measured need: some area or tier row
// has a need tier, or a concentration index was computed.
func hasNeed(r *Result) bool {
	for _, a := range r.Areas {
		if a.NeedTier > 0 {
			return true
		}
	}
	for _, t := range r.TierRows {
		if t.Tier > 0 {
			return true
		}
	}
	return !r.Headline.Concentration.Missing()
}

// of fills the defaults.
func (w Words) of(r *Result) Words {
	if w.Areas == "" {
		w.Areas = strings.ReplaceAll(r.Layer, "_", " ")
	}
	if w.SmallAreas == "" {
		w.SmallAreas = "census tracts"
	}
	if w.Need == "" {
		w.Need = specLabel(r.Provenance.NeedSpec, r.Provenance.NeedVersion)
	}
	return w
}

// NeedPointsMap returns the need scores of the run's small areas at their
// representative points (tracts known by interior points).
func NeedPointsMap(run *need.Run, small *geo.Layer) []report.MapArea {
	if run == nil || small == nil {
		return nil
	}
	var out []report.MapArea
	for i := range small.Areas {
		a := &small.Areas[i]
		ar, ok := run.Area(a.ID)
		if !ok || ar.Score.Missing() {
			continue
		}
		out = append(out, report.MapArea{ID: a.ID, Name: a.Name, Geometry: geo.RepresentativePoint(a), Value: float64(ar.Score)})
	}
	return out
}

// CompareRow is the headline of one phase and year on the same layer.
type CompareRow struct {
	FiscalYear        string  `json:"fiscal_year"`
	Phase             string  `json:"phase"`
	PhaseTotal        Dollars `json:"phase_total"`
	Attributed        Dollars `json:"attributed"`
	AttributedShare   Num     `json:"attributed_share"`
	PerCapita         Num     `json:"per_capita"`
	TopTierSpendShare Num     `json:"top_tier_spend_share"`
	TopTierPopShare   Num     `json:"top_tier_pop_share"`
	Concentration     Num     `json:"concentration_index"`
}

// Compare summarises results for a comparison table, in the given order.
func Compare(rs ...*Result) []CompareRow {
	rs = append([]*Result{}, rs...)
	order := map[string]int{"proposed": 0, "adopted": 1, "estimate": 2, "actual": 3}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].FiscalYear != rs[j].FiscalYear {
			return rs[i].FiscalYear < rs[j].FiscalYear
		}
		return order[rs[i].Phase] < order[rs[j].Phase]
	})
	var out []CompareRow
	for _, r := range rs {
		out = append(out, CompareRow{FiscalYear: r.FiscalYear, Phase: r.Phase, PhaseTotal: r.Totals.PhaseTotal, Attributed: r.Totals.Attributed,
			AttributedShare: r.Totals.AttributedShare, PerCapita: r.Headline.PerCapita, TopTierSpendShare: r.Headline.TopTierSpendShare,
			TopTierPopShare: r.Headline.TopTierPopShare, Concentration: r.Headline.Concentration})
	}
	return out
}

func f64(n Num) any {
	if n.Missing() {
		return nil
	}
	return float64(n)
}

func fig(key, label string, v Num, k report.Kind, note string) report.Figure {
	return report.Figure{Key: key, Label: label, Value: float64(v), Kind: k, Missing: v.Missing(), Note: note, Digits: 0}
}

// Document builds the council report of a result.
func Document(r *Result, opt DocOptions) *report.Document {
	w := opt.Words.of(r)
	noNeed := !hasNeed(r)
	phase := strings.ToUpper(r.Phase[:1]) + r.Phase[1:]
	d := &report.Document{
		Title:        fmt.Sprintf("Equity assessment of the %s %s Budget", r.FiscalYear, phase),
		Subtitle:     fmt.Sprintf("Where the dollars go, by %s, against need (%s)", w.Areas, w.Need),
		Jurisdiction: opt.Jurisdiction, FiscalYear: r.FiscalYear, Phase: r.Phase, Version: r.Provenance.Version,
		Generated: fmt.Sprintf("inputs sha256 %s; budgetlens %s; seed %d", InputsHash(r)[:16], r.Provenance.Version, r.Provenance.Seed),
		Synthetic: opt.Synthetic,
		Summary:   Verdict(r, opt.SyntheticDemand),
	}
	t, h := r.Totals, r.Headline
	d.Headline = []report.Figure{
		fig("phase_total", "Total spending of the phase", Num(t.PhaseTotal.Float()), report.KindMoney, report.Format(float64(t.LineItems), report.KindInt, 0)+" expenditure line items"),
		fig("attributed", "Placed in areas", Num(t.Attributed.Float()), report.KindMoney, "by the attribution rules"),
		fig("attributed_share", "Share of dollars placed in areas", t.AttributedShare, report.KindPercent, "the rest is listed as not attributable"),
		fig("unattributed", "Not attributable", Num(t.Unattributed.Float()), report.KindMoney, "central administration, debt, benefits, reserves"),
		fig("per_capita", "Placed dollars per resident", h.PerCapita, report.KindDollars, ""),
		fig("top_tier_spend_share", "Share of placed dollars in the highest-need tier", h.TopTierSpendShare, report.KindPercent, ""),
		fig("top_tier_pop_share", "Highest-need tier's share of residents", h.TopTierPopShare, report.KindPercent, ""),
		fig("top_to_bottom", "Per-resident spending, highest vs lowest need tier", h.PerCapitaTopToBottom, report.KindRatio, "1.00 = equal"),
		fig("concentration_index", "Concentration index of per-resident spending by need", h.Concentration, report.KindRatio, concNote(h)),
		fig("designated_spend_share", "Share of placed dollars reaching residents of "+w.Need+" designated tracts", h.DesignatedSpendShare, report.KindPercent,
			fmt.Sprintf("they are %s of residents", report.Format(float64(h.DesignatedPopShare), report.KindPercent, 0))),
	}
	d.Headline[8].Digits = 3
	if noNeed {
		// without a need index only where the dollars go can be said
		d.Subtitle = fmt.Sprintf("Where the dollars go, by %s (no need index)", w.Areas)
		d.Headline = d.Headline[:5]
	}
	if opt.SyntheticDemand {
		// where the placed dollars fall depends on the synthetic demand;
		// how many dollars are placed does not
		for i := range d.Headline {
			switch d.Headline[i].Key {
			case "top_tier_spend_share", "top_to_bottom", "concentration_index", "designated_spend_share":
				d.Headline[i].Synthetic = true
			}
		}
	}
	// summary
	sum := report.Section{ID: "findings", Title: "Findings"}
	sum.Blocks = append(sum.Blocks, &report.Paragraph{Text: fmt.Sprintf(
		"Of the %s in the %s %s budget, %s (%s) can be placed in the %d %s of the city by the attribution rules (%s); %s is not attributable and is listed with its reasons. "+
			"The placed dollars come to %s per resident.",
		report.Format(t.PhaseTotal.Float(), report.KindMoney, 0), r.FiscalYear, r.Phase, report.Format(t.Attributed.Float(), report.KindMoney, 0),
		report.Format(float64(t.AttributedShare), report.KindPercent, 0), len(r.Areas), w.Areas, r.Provenance.Rules,
		report.Format(t.Unattributed.Float(), report.KindMoney, 0), report.Format(float64(h.PerCapita), report.KindDollars, 0))})
	if !noNeed {
		sum.Blocks = append(sum.Blocks, needParagraph(r, w))
	}
	if r.Requests != nil && r.Requests.Count > 0 && !noNeed {
		sum.Blocks = append(sum.Blocks, requestsParagraph(r))
	}
	if len(opt.Synthetic) > 0 {
		sum.Blocks = append(sum.Blocks, &report.Note{Kind: report.NoteSynthetic, Text: strings.ToUpper(opt.Synthetic[0][:1]) + strings.Join(opt.Synthetic, "; ")[1:] + "."})
	}
	d.Sections = append(d.Sections, sum)
	d.Sections = append(d.Sections, mapsSection(r, opt, w))
	if !noNeed {
		d.Sections = append(d.Sections, tiersSection(r))
	}
	return finishDocument(d, r, opt)
}

// needParagraph says how areas are ranked by need and what the highest-need
// tier receives.
func needParagraph(r *Result, w Words) *report.Paragraph {
	h := r.Headline
	return &report.Paragraph{Text: fmt.Sprintf(
		"Areas are ranked by need (%s, population-weighted from %s) and cut into %d tiers of equal numbers of areas. "+
			"The highest-need tier holds %s of residents and receives %s of the placed dollars. The concentration index of per-resident spending ranked by need is %s (95%% interval %s to %s): %s.",
		w.Need, w.SmallAreas, r.Tiers, report.Format(float64(h.TopTierPopShare), report.KindPercent, 0),
		report.Format(float64(h.TopTierSpendShare), report.KindPercent, 0), report.Format(float64(h.Concentration), report.KindRatio, 3),
		report.Format(float64(h.ConcentrationLow), report.KindRatio, 3), report.Format(float64(h.ConcentrationHigh), report.KindRatio, 3), concText(r))}
}

// requestsParagraph says how the phase's budget requests moved the
// highest-need tier's share.
func requestsParagraph(r *Result) *report.Paragraph {
	q := r.Requests
	return &report.Paragraph{Text: fmt.Sprintf(
		"The %s budget requests of this phase change spending by %s. Without them the highest-need tier would receive %s of the placed dollars; with them %s (a change of %s percentage points). The requests that moved it most are listed under Budget requests.",
		report.Format(float64(q.Count), report.KindInt, 0), report.Format(q.Change.Float(), report.KindMoney, 0), report.Format(float64(q.BaseShare), report.KindPercent, 2),
		report.Format(float64(q.NewShare), report.KindPercent, 2), report.Format(float64(q.ShareChange)*100, report.KindNumber, 3))}
}

// finish adds the sections after the tiers, the sources and the caveats.
func finishDocument(d *report.Document, r *Result, opt DocOptions) *report.Document {
	if r.Curves != nil {
		d.Sections = append(d.Sections, report.Section{ID: "curves", Title: "Lorenz and concentration curves", Intro: "Residents on the horizontal axis, placed dollars on the vertical. The further the Lorenz curve sags below the diagonal, the more unequal the dollars per resident; a concentration curve above the diagonal (negative index) means lower-need residents receive more than their share, below it (positive index) higher-need residents do.",
			Blocks: []report.Block{curveChart(r)}})
	}
	d.Sections = append(d.Sections, deptSection(r))
	if r.Requests != nil && len(r.Requests.Rows) > 0 {
		d.Sections = append(d.Sections, requestSection(r))
	}
	if len(opt.Comparisons) > 0 {
		d.Sections = append(d.Sections, compareSection(opt.Comparisons))
	}
	if r.Events != nil {
		d.Sections = append(d.Sections, eventsSection(r))
	}
	if r.Projects != nil {
		d.Sections = append(d.Sections, projectsSection(r))
		for _, m := range r.Projects.Mega {
			opt.Megaprojects = append(opt.Megaprojects, fmt.Sprintf("%s (%s, council district %s)", m.Title, report.Format(m.Amount.Float(), report.KindMoney, 0), m.CD))
		}
	}
	if r.Theil != nil {
		d.Sections = append(d.Sections, theilSection(r))
	}
	d.Sections = append(d.Sections, areaSection(r), methodsSection(r, opt.Words.of(r)))
	if opt.SyntheticDemand {
		// everything placed with the line items depends on the demand;
		// need maps and the capital projects do not
		for _, sec := range d.Sections {
			if sec.ID == "capital-projects" {
				continue
			}
			for _, b := range sec.Blocks {
				switch x := b.(type) {
				case *report.Choropleth:
					if !strings.HasPrefix(x.Name, "Map need") {
						x.Synthetic = true
					}
				case *report.BarChart:
					x.Synthetic = true
				case *report.CurveChart:
					x.Synthetic = true
				case *report.Table:
					x.Synthetic = true
				}
			}
		}
	}
	d.Sources = sources(r, opt)
	d.Caveats = caveats(r, opt)
	return d
}

// concNote explains the concentration index under its headline figure,
// with its interval when one was computed.
func concNote(h Headline) string {
	const sign = "above 0 = more per resident where need is higher"
	if h.ConcentrationLow.Missing() || h.ConcentrationHigh.Missing() {
		return "no interval computed; " + sign
	}
	return fmt.Sprintf("95%% interval %s to %s; %s", report.Format(float64(h.ConcentrationLow), report.KindRatio, 3), report.Format(float64(h.ConcentrationHigh), report.KindRatio, 3), sign)
}

func concText(r *Result) string {
	if r.Concentr == nil {
		return "not computed"
	}
	return r.Concentr.Interpretation
}

func mapGeom(l *geo.Layer) map[string]orb.Geometry {
	out := map[string]orb.Geometry{}
	if l == nil {
		return out
	}
	s := geo.Simplify(l, 60)
	for i := range s.Areas {
		a := &s.Areas[i]
		if a.PointOnly() {
			out[a.ID] = a.Point
		} else {
			out[a.ID] = a.Geom
		}
	}
	return out
}

func mapsSection(r *Result, opt DocOptions, w Words) report.Section {
	g := mapGeom(opt.Layer)
	var back []orb.Geometry
	if opt.Backdrop != nil {
		for _, a := range geo.Simplify(opt.Backdrop, 60).Areas {
			back = append(back, a.Geom)
		}
	}
	mk := func(name, title, desc string, kind report.Kind, val func(a AreaRow) Num, pal report.PaletteKind) *report.Choropleth {
		c := &report.Choropleth{Name: name, Title: title, Description: desc, Kind: kind, Palette: pal, Backdrop: back, Labels: len(r.Areas) <= 20}
		for _, a := range r.Areas {
			v := val(a)
			geom := g[a.AreaID]
			if geom == nil {
				continue
			}
			c.Areas = append(c.Areas, report.MapArea{ID: a.AreaID, Name: a.Name, Geometry: geom, Value: float64(v), Missing: v.Missing()})
		}
		return c
	}
	nd := mk("Map need", "Need score", "Population-weighted mean need score of each area's "+w.SmallAreas+" (higher = more need).", report.KindNumber,
		func(a AreaRow) Num { return a.NeedScore }, report.Sequential)
	pc := mk("Map per capita", "Placed dollars per resident", "Attributed dollars of the phase divided by the area's residents.", report.KindDollars,
		func(a AreaRow) Num { return a.PerCapita }, report.Sequential)
	gap := mk("Map gap", "Gap: per-resident dollars minus the citywide amount", "Areas above zero receive more per resident than the city as a whole, areas below zero less (see the legend).", report.KindDollars,
		func(a AreaRow) Num { return a.PerCapitaGap }, report.Diverging)
	gap.Midpoint = 0
	var blocks []report.Block
	title := "Maps of need, spending and the gap"
	if hasNeed(r) {
		blocks = append(blocks, nd)
	} else {
		title = "Maps of spending and the gap"
	}
	if len(opt.NeedPoints) > 0 {
		var outl []orb.Geometry
		for _, a := range r.Areas {
			if g[a.AreaID] != nil {
				outl = append(outl, g[a.AreaID])
			}
		}
		blocks = append(blocks, &report.Choropleth{Name: "Map need tracts", Title: "Need score of each census tract",
			Description: "Each dot is a census tract at its interior point, shaded by its need score; outlines are the areas of the analysis.",
			Kind:        report.KindNumber, Areas: opt.NeedPoints, Backdrop: outl})
	}
	blocks = append(blocks, pc, gap)
	if opt.SyntheticDemand {
		blocks = append(blocks, &report.Note{Kind: report.NoteSynthetic, Text: "Dollars placed by service demand use the synthetic service requests; the spending and gap maps depend on them."})
	}
	return report.Section{ID: "maps", Title: title, Blocks: blocks}
}

func tiersSection(r *Result) report.Section {
	bc := &report.BarChart{Name: "Tiers per capita", Title: "Placed dollars per resident by need tier", Kind: report.KindDollars,
		Description: "Bars: per-resident dollars of each tier; whiskers: 95% bootstrap interval resampling the tier's areas; line: citywide.", ValueLabel: "dollars per resident"}
	ref := float64(r.Headline.PerCapita)
	if !r.Headline.PerCapita.Missing() {
		bc.Reference, bc.ReferenceLabel = &ref, "citywide"
	}
	tab := &report.Table{Name: "Tiers", Title: "Need tiers", Columns: []report.Column{
		{Key: "tier", Label: "Tier", Kind: report.KindText}, {Key: "areas", Label: "Areas", Kind: report.KindInt},
		{Key: "pop", Label: "Residents", Kind: report.KindInt}, {Key: "amount", Label: "Placed dollars", Kind: report.KindMoney},
		{Key: "pc", Label: "Per resident", Kind: report.KindDollars}, {Key: "lo", Label: "95% interval low", Kind: report.KindDollars},
		{Key: "hi", Label: "95% interval high", Kind: report.KindDollars}, {Key: "ss", Label: "Share of dollars", Kind: report.KindPercent},
		{Key: "ps", Label: "Share of residents", Kind: report.KindPercent}, {Key: "score", Label: "Mean need score", Kind: report.KindNumber}}}
	for _, t := range r.TierRows {
		b := report.Bar{Label: t.Label, Value: float64(t.PerCapita), Missing: t.PerCapita.Missing()}
		if !t.PerCapitaLow.Missing() && !t.PerCapitaHigh.Missing() {
			b.Low, b.High, b.HasInterval = float64(t.PerCapitaLow), float64(t.PerCapitaHigh), true
		}
		bc.Bars = append(bc.Bars, b)
		tab.Rows = append(tab.Rows, []any{t.Label, t.Areas, math.Round(t.Population), t.Amount.Float(), f64(t.PerCapita), f64(t.PerCapitaLow), f64(t.PerCapitaHigh),
			f64(t.SpendShare), f64(t.PopShare), f64(t.MeanScore)})
	}
	s := report.Section{ID: "tiers", Title: "Spending by need tier", Blocks: []report.Block{bc, tab}}
	if len(r.Represent) > 0 {
		rc := &report.BarChart{Name: "Representation tiers", Title: "Representation ratio by need tier (share of dollars / share of residents)", Kind: report.KindRatio, Dots: true,
			Description: "1.00 = dollars in proportion to residents; whiskers: 95% bootstrap interval.", ValueLabel: "ratio"}
		one := 1.0
		rc.Reference, rc.ReferenceLabel = &one, "proportional"
		for _, x := range r.Represent {
			label := x.Group
			var tn int
			if _, err := fmt.Sscanf(x.Group, "tier %d", &tn); err == nil {
				label = TierLabel(tn, r.Tiers)
			}
			b := report.Bar{Label: label, Value: float64(x.RatioPop), Missing: x.RatioPop.Missing()}
			if !x.RatioPopLo.Missing() && !x.RatioPopHi.Missing() {
				b.Low, b.High, b.HasInterval = float64(x.RatioPopLo), float64(x.RatioPopHi), true
			}
			rc.Bars = append(rc.Bars, b)
		}
		s.Blocks = append(s.Blocks, rc)
	}
	if len(r.GroupRep) > 0 {
		gt := &report.Table{Name: "Population groups", Title: "Population groups (ACS 2015-19): share of placed dollars reaching each group vs its share of residents",
			Note: "Each area's dollars are shared among its residents; Black and Asian are race-alone counts and include Latino residents.",
			Columns: []report.Column{{Key: "g", Label: "Group", Kind: report.KindText}, {Key: "pop", Label: "Residents", Kind: report.KindInt},
				{Key: "dv", Label: "Share of dollars", Kind: report.KindPercent, Digits: 2}, {Key: "cv", Label: "Share of residents", Kind: report.KindPercent, Digits: 2},
				{Key: "diff", Label: "Difference (points)", Kind: report.KindNumber}, {Key: "ratio", Label: "Ratio", Kind: report.KindRatio},
				{Key: "pc", Label: "Dollars per resident", Kind: report.KindDollars}}}
		for _, g := range r.GroupRep {
			// shares as fractions (0-1), as every share of the report
			gt.Rows = append(gt.Rows, []any{g.Group, math.Round(g.Population), f64(g.DataValue / 100), f64(g.CityValue / 100), f64(g.Diff), f64(g.Ratio), f64(g.PerCapita)})
		}
		s.Blocks = append(s.Blocks, gt)
	}
	return s
}

func curveChart(r *Result) *report.CurveChart {
	c := &report.CurveChart{Name: "Curves", Title: "Lorenz curve of per-resident dollars and concentration curve by need", Diagonal: true,
		XLabel: "cumulative share of residents", YLabel: "cumulative share of placed dollars",
		Description: "Lorenz: areas from least to most dollars per resident. Concentration: areas from least to most need; below the diagonal = less than a proportional share to lower need (more to higher need)."}
	pts := func(p, l []float64) []report.Point {
		out := make([]report.Point, len(p))
		for i := range p {
			out[i] = report.Point{X: p[i], Y: l[i]}
		}
		return out
	}
	c.Curves = append(c.Curves, report.Curve{Label: "Lorenz (by dollars per resident)", Points: pts(r.Curves.LorenzP, r.Curves.LorenzL)},
		report.Curve{Label: "Concentration (by need)", Points: pts(r.Curves.ConcP, r.Curves.ConcL)})
	return c
}

func deptSection(r *Result) report.Section {
	tab := &report.Table{Name: "Departments", Title: "Departments: dollars placed and their reach",
		Note: "Requests' effect: the change, in percentage points, in the highest-need tier's share of all placed dollars made by the department's budget requests (– when the department has no requests); the request that moved it most is shown with its own contribution in the same unit, and omitted when no request moved the share by 0.0001 points or more.",
		Columns: []report.Column{{Key: "code", Label: "Department code", Kind: report.KindText}, {Key: "name", Label: "Department", Kind: report.KindText},
			{Key: "total", Label: "Total", Kind: report.KindMoney}, {Key: "att", Label: "Placed", Kind: report.KindMoney},
			{Key: "share", Label: "Placed share", Kind: report.KindPercent}, {Key: "top", Label: "To highest-need tier", Kind: report.KindPercent},
			{Key: "req", Label: "Requests' effect (pts)", Kind: report.KindNumber, Digits: 4}, {Key: "how", Label: "How placed", Kind: report.KindText},
			{Key: "topreq", Label: "Request that moved it most", Kind: report.KindText}}}
	rows := append([]DeptRow{}, r.Depts...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Total > rows[j].Total })
	for _, d := range rows {
		req := f64(d.RequestChange * 100)
		var how []string
		for m := range d.Methods {
			how = append(how, MethodLabel(m))
		}
		sort.Strings(how)
		if d.Unattributed != 0 {
			how = append(how, "not attributable")
		}
		name := d.Name
		if name == "" {
			name = d.Dept
		}
		var topReq any
		if c := float64(d.TopRequestContribution) * 100; d.TopRequest != "" && !d.TopRequestContribution.Missing() && math.Abs(c) >= 0.00005 {
			sign := ""
			if c > 0 {
				sign = "+"
			}
			topReq = fmt.Sprintf("%s (%s%s pts)", d.TopRequest, sign, report.Format(c, report.KindNumber, 4))
		}
		tab.Rows = append(tab.Rows, []any{deptCode(d.Dept, d.Name), name, d.Total.Float(), d.Attributed.Float(), f64(d.AttributedShare), f64(d.TopTierShare), req, strings.Join(how, ", "), topReq})
	}
	return report.Section{ID: "departments", Title: "Departments", Intro: "Every department's dollars, the share placed in areas and the share of those reaching the highest-need tier.", Blocks: []report.Block{tab}}
}

// deptCode is a department's code for a table, nil when the budget names
// departments without codes (the key is then the name).
func deptCode(key, name string) any {
	if key == "" || key == name {
		return nil
	}
	return key
}

// MethodLabel names an attribution method for people.
func MethodLabel(m string) string {
	switch m {
	case "per_capita":
		return "per resident"
	case "per_demand":
		return "by service demand"
	case "per_asset":
		return "by land area or asset"
	case "geometry":
		return "by project location"
	case "area_codes":
		return "by district code"
	case "not_attributable", "":
		return "not attributable"
	}
	return strings.ReplaceAll(m, "_", " ")
}

func requestSection(r *Result) report.Section {
	q := r.Requests
	tab := &report.Table{Name: "Requests", Title: "Budget requests that moved the highest-need tier's share most",
		Note: "Contribution = (request's dollars in the highest-need tier - share without requests x its placed dollars) / all placed dollars; the contributions of all requests sum to the change.",
		Columns: []report.Column{{Key: "dept_code", Label: "Department code", Kind: report.KindText}, {Key: "dept", Label: "Department", Kind: report.KindText}, {Key: "prog", Label: "Program", Kind: report.KindText},
			{Key: "desc", Label: "Request", Kind: report.KindText}, {Key: "chg", Label: "Change", Kind: report.KindMoney},
			{Key: "top", Label: "In highest-need tier", Kind: report.KindMoney}, {Key: "method", Label: "How placed", Kind: report.KindText},
			{Key: "c", Label: "Contribution (points)", Kind: report.KindNumber, Digits: 4}}}
	n := min(25, len(q.Rows))
	for _, x := range q.Rows[:n] {
		tab.Rows = append(tab.Rows, []any{deptCode(x.Dept, x.DeptName), x.DeptName, x.Program, x.Description, x.Change.Float(), x.TopTier.Float(), MethodLabel(x.Method), f64(x.Contribution * 100)})
	}
	return report.Section{ID: "requests", Title: "Budget requests", Intro: fmt.Sprintf("%s requests of the %s phase, %s in all; the share of placed dollars in the highest-need tier is %s without them and %s with them. The table lists the %d requests with the largest contributions to that change, in percentage points.",
		report.Format(float64(q.Count), report.KindInt, 0), q.Phase, report.Format(q.Change.Float(), report.KindMoney, 0), report.Format(float64(q.BaseShare), report.KindPercent, 2), report.Format(float64(q.NewShare), report.KindPercent, 2), n),
		Blocks: []report.Block{tab}}
}

func compareSection(rows []CompareRow) report.Section {
	tab := &report.Table{Name: "Comparisons", Title: "Phases and years compared on the same areas, rules and need",
		Columns: []report.Column{{Key: "fy", Label: "Fiscal year", Kind: report.KindText}, {Key: "ph", Label: "Phase", Kind: report.KindText},
			{Key: "tot", Label: "Total", Kind: report.KindMoney}, {Key: "att", Label: "Placed", Kind: report.KindMoney},
			{Key: "as", Label: "Placed share", Kind: report.KindPercent}, {Key: "pc", Label: "Per resident", Kind: report.KindDollars},
			{Key: "ts", Label: "Highest-need tier share", Kind: report.KindPercent}, {Key: "tp", Label: "Its share of residents", Kind: report.KindPercent},
			{Key: "ci", Label: "Concentration index", Kind: report.KindRatio, Digits: 3}}}
	for _, c := range rows {
		tab.Rows = append(tab.Rows, []any{c.FiscalYear, c.Phase, c.PhaseTotal.Float(), c.Attributed.Float(), f64(c.AttributedShare), f64(c.PerCapita),
			f64(c.TopTierSpendShare), f64(c.TopTierPopShare), f64(c.Concentration)})
	}
	return report.Section{ID: "comparisons", Title: "Proposed vs adopted, this year vs last", Blocks: []report.Block{tab}}
}

func eventsSection(r *Result) report.Section {
	e := r.Events
	tab := &report.Table{Name: "Service requests", Title: "Service requests by need tier", Synthetic: e.Synthetic,
		Columns: []report.Column{{Key: "t", Label: "Tier", Kind: report.KindText}, {Key: "p", Label: "Residents", Kind: report.KindInt},
			{Key: "n", Label: "Requests", Kind: report.KindInt}, {Key: "r", Label: "Per 1,000 residents", Kind: report.KindNumber, Digits: 1},
			{Key: "m", Label: "Median response (hours)", Kind: report.KindNumber, Digits: 1}, {Key: "p90", Label: "90th percentile (hours)", Kind: report.KindNumber, Digits: 1}}}
	for _, t := range e.Tiers {
		tab.Rows = append(tab.Rows, []any{t.Label, math.Round(t.Population), t.Count, f64(t.Rate), f64(t.MedianHours), f64(t.P90Hours)})
	}
	s := report.Section{ID: "services", Title: "Service requests (MyLA311 schema)", Intro: fmt.Sprintf("%s requests read, %s placed by coordinates, %s by district code, %s outside every area of the layer.",
		report.Format(float64(e.Rows), report.KindInt, 0), report.Format(float64(e.Located), report.KindInt, 0), report.Format(float64(e.ByCode), report.KindInt, 0), report.Format(float64(e.Unplaced), report.KindInt, 0))}
	if e.Rows > 0 && len(e.Tiers) > 0 && e.Tiers[0].MedianHours.Missing() && e.ByCode == 0 && e.Unplaced == 0 {
		s.Intro = fmt.Sprintf("%s requests placed in the areas, from the stored demand counts of %s.", report.Format(float64(e.Located), report.KindInt, 0), e.Source)
		s.Blocks = append(s.Blocks, &report.Note{Kind: report.NoteInfo, Text: "Response times need the requests themselves: run analyze or report with --events FILE."})
	}
	if e.Synthetic {
		s.Blocks = append(s.Blocks, &report.Note{Kind: report.NoteSynthetic, Text: "These service requests are SYNTHETIC, generated for the demo with the MyLA311 schema, weighted by tract population; they are not City data. Response times are illustrative."})
	}
	s.Blocks = append(s.Blocks, tab)
	return s
}

func theilSection(r *Result) report.Section {
	th := r.Theil
	tab := &report.Table{Name: "Theil", Title: fmt.Sprintf("Theil T of per-resident dollars across %d %s, by %s", th.N, strings.ReplaceAll(th.Units, "_", " "), strings.ReplaceAll(th.GroupedBy, "_", " ")),
		Columns: []report.Column{{Key: "g", Label: "District", Kind: report.KindText}, {Key: "u", Label: unitsLabel(th.Units), Kind: report.KindInt},
			{Key: "ps", Label: "Share of residents", Kind: report.KindPercent}, {Key: "ss", Label: "Share of dollars", Kind: report.KindPercent},
			{Key: "pc", Label: "Per resident", Kind: report.KindDollars}, {Key: "t", Label: "Theil within", Kind: report.KindNumber, Digits: 4}}}
	for _, g := range th.Groups {
		tab.Rows = append(tab.Rows, []any{g.Group, g.Units, f64(g.PopShare), f64(g.Share), f64(g.PerCapita), f64(g.Index)})
	}
	return report.Section{ID: "theil", Title: "Inequality between and within council districts", Intro: fmt.Sprintf(
		"Theil T = %s, of which %s between districts (%s) and %s within them. Theil T is 0 when every resident receives the same placed dollars and grows as dollars concentrate; with every unit's dollars per resident within 10%% of the city's it stays below about 0.005; the between share says how much of the inequality lies between districts rather than inside them.", report.Format(float64(th.Total), report.KindNumber, 4),
		report.Format(float64(th.Between), report.KindNumber, 4), report.Format(float64(th.BetweenPct), report.KindPercent, 0), report.Format(float64(th.Within), report.KindNumber, 4)),
		Blocks: []report.Block{tab}}
}

func areaSection(r *Result) report.Section {
	tab := &report.Table{Name: "Areas", Title: "Every area",
		Columns: []report.Column{{Key: "id", Label: "Area", Kind: report.KindText}, {Key: "name", Label: "Name", Kind: report.KindText},
			{Key: "pop", Label: "Residents", Kind: report.KindInt}, {Key: "amt", Label: "Placed dollars", Kind: report.KindMoney},
			{Key: "pc", Label: "Per resident", Kind: report.KindDollars}, {Key: "need", Label: "Need score", Kind: report.KindNumber, Digits: 1},
			{Key: "tier", Label: "Tier", Kind: report.KindInt}, {Key: "gap", Label: "Dollar share - resident share (points)", Kind: report.KindNumber, Digits: 2},
			{Key: "lisa", Label: "LISA cluster", Kind: report.KindText}}}
	if r.Events != nil {
		tab.Columns = append(tab.Columns, report.Column{Key: "rate", Label: "Requests per 1,000", Kind: report.KindNumber, Digits: 1},
			report.Column{Key: "med", Label: "Median response (h)", Kind: report.KindNumber, Digits: 1},
			report.Column{Key: "p90", Label: "90th pct response (h)", Kind: report.KindNumber, Digits: 1})
	}
	for _, a := range r.Areas {
		var gap any
		if !a.Gap.Missing() {
			gap = float64(a.Gap) * 100
		}
		row := []any{a.AreaID, a.Name, math.Round(a.Population), a.Amount.Float(), f64(a.PerCapita), f64(a.NeedScore), a.NeedTier, gap, a.LISA}
		if r.Events != nil {
			row = append(row, f64(a.EventRate), f64(a.MedianHours), f64(a.P90Hours))
		}
		tab.Rows = append(tab.Rows, row)
	}
	sec := report.Section{ID: "areas", Title: "Areas", Blocks: []report.Block{tab}}
	if l := r.LISA; l != nil {
		var parts []string
		for _, k := range sortedIntKeys(l.Counts) {
			parts = append(parts, fmt.Sprintf("%s %d", k, l.Counts[k]))
		}
		sec.Intro = fmt.Sprintf("Hot and cold spots of per-resident dollars (local Moran's I, %d permutations, 5%%): %s. High-high is a hot spot (high among high neighbours), low-low a cold spot.",
			l.Perms, strings.Join(parts, ", "))
	}
	return sec
}

func methodsSection(r *Result, w Words) report.Section {
	p := r.Provenance
	var b []report.Block
	add := func(s string) { b = append(b, &report.Paragraph{Text: s}) }
	add(fmt.Sprintf("Attribution: the rules file %q (format version %d, sha256 %s) says for each department, fund, program or account how its dollars are placed: by service demand, by land area, per resident, by geometry, or not at all. Every amount is split in whole cents by largest remainders, so placed + not attributable = total for every line, department and the phase.", p.Rules, p.RulesVersion, short(p.RulesHash)))
	if !hasNeed(r) {
		add(fmt.Sprintf("Need: no need index; population from %s.", p.PopSource))
		return report.Section{ID: "methods", Title: "Methods and sources", Blocks: b}
	}
	add(fmt.Sprintf("Need: %s, stored run %d (spec %q, sha256 %s) over layer %q; each area's score is the population-weighted mean of the scores of its %s (placed by their interior points); population from %s.", w.Need, p.NeedRun, p.NeedSpec, short(p.NeedHash), p.NeedLayer, w.SmallAreas, p.PopSource))
	add(fmt.Sprintf("Tiers: the areas with a score are sorted by score and cut into %d groups of equal numbers of areas (tied scores share a tier). Per-resident intervals resample each tier's areas with replacement (999 replicates, seed %d).", r.Tiers, p.Seed))
	theil := ""
	if th := r.Theil; th != nil {
		theil = fmt.Sprintf(" Theil T decomposition (Shorrocks 1980) of per-resident dollars over the %s grouped by the area of %s holding each unit's representative point.", strings.ReplaceAll(th.Units, "_", " "), strings.ReplaceAll(th.GroupedBy, "_", " "))
	}
	add("Concentration index: C = 2 cov(y, r) / mean(y) with y the area's dollars per resident, r its population-weighted fractional rank by need and population weights (Kakwani, Wagstaff & van Doorslaer 1997); 95% bootstrap percentile interval over areas." + theil + " Population-group shares follow the Urban Institute's Spatial Equity Data Tool demographic disparity. LISA: local Moran's I of per-resident dollars with queen contiguity, row-standardised, 999 conditional permutations.")
	return report.Section{ID: "methods", Title: "Methods and sources", Blocks: b}
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

func sources(r *Result, opt DocOptions) []report.Source {
	desc := map[string]report.Source{}
	for _, s := range opt.Sources {
		desc[s.File] = s
	}
	var out []report.Source
	for _, in := range r.Provenance.Inputs {
		s := report.Source{Name: in.Role, File: in.Name, SHA256: in.SHA256, Synthetic: in.Synthetic}
		if d, ok := desc[in.Name]; ok {
			s.Version, s.License, s.Description = d.Version, d.License, d.Description
			if d.Name != "" {
				s.Name = d.Name
			}
		}
		out = append(out, s)
	}
	out = append(out, report.Source{Name: "budgetlens", Version: r.Provenance.Version, Description: "the software that computed every number"})
	return out
}

func caveats(r *Result, opt DocOptions) []string {
	t := r.Totals
	out := []string{fmt.Sprintf("%s of the phase (%s) is not attributable to areas and is excluded from every per-resident figure.",
		report.Format(t.Unattributed.Float(), report.KindMoney, 0), report.Format(1-float64(t.AttributedShare), report.KindPercent, 0))}
	var reasons []string
	for k := range t.UnattributedReasons {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		out = append(out, fmt.Sprintf("Not attributable, %s: %s.", report.Format(t.UnattributedReasons[k].Float(), report.KindMoney, 0), k))
	}
	var methods []string
	for k := range t.ByMethod {
		methods = append(methods, k)
	}
	sort.Strings(methods)
	var parts []string
	for _, k := range methods {
		parts = append(parts, fmt.Sprintf("%s %s", MethodLabel(k), report.Format(t.ByMethod[k].Float(), report.KindMoney, 0)))
	}
	out = append(out, "Placed dollars by method: "+strings.Join(parts, ", ")+". Placement by method is an estimate of where services are delivered, not an accounting of where they were spent.")
	if p := r.Provenance; p.NeedLayer != "" && p.NeedLayer != r.Layer {
		out = append(out, fmt.Sprintf("Each area takes its need and residents from whole units of the need layer %q: each unit counts entirely in the area holding its interior point, so a unit cut by an area boundary is not split, and the units' boundaries may be drawn for another census than the areas' (see Sources for the vintages).",
			p.NeedLayer))
	}
	out = append(out, opt.Caveats...)
	out = append(out, r.Notes...)
	if len(opt.Megaprojects) > 0 {
		out = append(out, "Regional megaprojects are reported apart and not in any per-resident figure: "+strings.Join(opt.Megaprojects, "; ")+".")
	}
	return out
}

func projectsSection(r *Result) report.Section {
	p := r.Projects
	bc := &report.BarChart{Name: "Projects per capita", Title: "Capital project dollars per resident by need tier", Kind: report.KindDollars,
		Description: "Local projects placed by their geometry (points, lines, polygons) in the areas; megaprojects excluded.", ValueLabel: "dollars per resident"}
	tab := &report.Table{Name: "Megaprojects", Title: "Regional megaprojects reported apart (not placed)",
		Columns: []report.Column{{Key: "t", Label: "Project", Kind: report.KindText}, {Key: "cd", Label: "Council districts", Kind: report.KindText},
			{Key: "a", Label: "Budget", Kind: report.KindMoney}}}
	for _, t := range p.Tiers {
		bc.Bars = append(bc.Bars, report.Bar{Label: t.Label, Value: float64(t.PerCapita), Missing: t.PerCapita.Missing()})
	}
	for _, m := range p.Mega {
		tab.Rows = append(tab.Rows, []any{m.Title, m.CD, m.Amount.Float()})
	}
	var parts []string
	for _, k := range sortedKeys(p.ByMethod) {
		parts = append(parts, fmt.Sprintf("%s %s", MethodLabel(k), report.Format(p.ByMethod[k].Float(), report.KindMoney, 0)))
	}
	intro := fmt.Sprintf("%d local projects of %s (%s), %s placed (%s); %s of the placed dollars lie in the highest-need tier. "+
		"These are capital projects from the LADOT active-transportation database (2016), not part of the phase's line items.",
		p.Count, p.Source, report.Format(p.Total.Float(), report.KindMoney, 0), report.Format(p.Attributed.Float(), report.KindMoney, 0), strings.Join(parts, ", "),
		report.Format(float64(p.TopTierShare), report.KindPercent, 0))
	blocks := []report.Block{bc}
	if len(p.Mega) > 0 {
		blocks = append(blocks, tab)
	}
	return report.Section{ID: "capital-projects", Title: "Capital projects by location", Intro: intro, Blocks: blocks}
}

func sortedKeys(m map[string]Dollars) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// specLabel names a need index for people: "CalEnviroScreen 3.0".
func specLabel(spec, version string) string {
	name := map[string]string{"ces3": "CalEnviroScreen", "ces4": "CalEnviroScreen", "cejst": "CEJST", "metro-efc": "LA Metro Equity Focus Communities"}[spec]
	if name == "" {
		name = spec
	}
	if version != "" {
		return name + " " + version
	}
	return name
}

func sortedIntKeys(m map[string]int) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// unitsLabel names the units of a Theil decomposition for a column header:
// "neighborhood_councils" -> "Neighborhood councils".
func unitsLabel(u string) string {
	u = strings.ReplaceAll(u, "_", " ")
	if u == "" {
		return "Units"
	}
	return strings.ToUpper(u[:1]) + u[1:]
}
