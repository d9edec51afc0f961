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
	// Publish names what the city would need to publish to place more of
	// its dollars by evidence; listed under the evidence table.
	Publish []string
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
		w.Areas = strings.ReplaceAll(r.Layer.Name, "_", " ")
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
// representative points (tracts known by interior points); a small area
// the run gives no score is there, marked missing, so the legend counts it.
func NeedPointsMap(run *need.Run, small *geo.Layer) []report.MapArea {
	if run == nil || small == nil {
		return nil
	}
	var out []report.MapArea
	for i := range small.Areas {
		a := &small.Areas[i]
		m := report.MapArea{ID: a.ID, Name: a.Name, Geometry: geo.RepresentativePoint(a), Missing: true}
		if ar, ok := run.Area(a.ID); ok && !ar.Score.Missing() {
			m.Value, m.Missing = float64(ar.Score), false
		}
		out = append(out, m)
	}
	return out
}

// CompareRow is the headline of one phase and year on the same layer,
// rules and need, with the lines of that year.
type CompareRow struct {
	FiscalYear        string  `json:"fiscal_year"`
	Phase             string  `json:"phase"`
	Lines             string  `json:"lines"`
	PhaseTotal        Dollars `json:"phase_total"`
	Attributed        Dollars `json:"attributed"`
	AttributedShare   Num     `json:"attributed_share"`
	PerCapita         Num     `json:"per_capita"`
	TopTierSpendShare Num     `json:"top_tier_spend_share"`
	TopTierPopShare   Num     `json:"top_tier_pop_share"`
	Concentration     Num     `json:"concentration_index"`
	ConcentrationMin  Num     `json:"concentration_min"`
	ConcentrationMax  Num     `json:"concentration_max"`
	Verdict           string  `json:"verdict"`
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
		out = append(out, CompareRow{FiscalYear: r.FiscalYear, Phase: r.Phase, Lines: r.Layer.Lines, PhaseTotal: r.Totals.PhaseTotal, Attributed: r.Totals.PlacedOperating,
			AttributedShare: r.Totals.AttributedShare, PerCapita: r.Headline.PerCapita, TopTierSpendShare: r.Headline.TopTierSpendShare,
			TopTierPopShare: r.Headline.TopTierPopShare, Concentration: r.Headline.Concentration, ConcentrationMin: r.Headline.ConcentrationMin,
			ConcentrationMax: r.Headline.ConcentrationMax, Verdict: r.Headline.Verdict})
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

// rangeNote writes a headline figure's range over the ensemble.
func rangeNote(r *Result, key string, k report.Kind, digits int) string {
	f := figureRange(r, key)
	if f == nil || f.Min.Missing() || f.Max.Missing() || f.Min == f.Max {
		return ""
	}
	format := func(n Num) string {
		if k == report.KindRatio && key == "concentration_index" {
			return signed(n, digits)
		}
		return report.Format(float64(n), k, digits)
	}
	n := 0
	if r.Concentr != nil {
		n = len(r.Concentr.Variants)
	}
	return fmt.Sprintf("%s to %s over %d variants of rules and need", format(f.Min), format(f.Max), n)
}

// Document builds the council report of a result.
func Document(r *Result, opt DocOptions) *report.Document {
	w := opt.Words.of(r)
	noNeed := !hasNeed(r)
	phase := strings.ToUpper(r.Phase[:1]) + r.Phase[1:]
	lines := w.Areas
	if r.Layer.Title != "" {
		lines += " (" + r.Layer.Title + ")"
	}
	d := &report.Document{
		Title:        fmt.Sprintf("Equity assessment of the %s %s Budget", r.FiscalYear, phase),
		Subtitle:     fmt.Sprintf("Where the operating dollars go, by %s, against need (%s)", lines, w.Need),
		Jurisdiction: opt.Jurisdiction, FiscalYear: r.FiscalYear, Phase: r.Phase, Version: r.Provenance.Version,
		Generated: fmt.Sprintf("inputs sha256 %s; budgetlens %s; seed %d", InputsHash(r)[:16], r.Provenance.Version, r.Provenance.Seed),
		Synthetic: opt.Synthetic,
		Summary:   Verdict(r, opt.SyntheticDemand),
	}
	t, h := r.Totals, r.Headline
	totalNote := report.Format(float64(t.LineItems), report.KindInt, 0) + " expenditure line items"
	if t.GrossTotal != t.PhaseTotal {
		totalNote = fmt.Sprintf("each dollar once: %s as stored less %s of transfers between funds", report.Format(t.GrossTotal.Float(), report.KindMoney, 0),
			report.Format((t.GrossTotal-t.PhaseTotal).Float(), report.KindMoney, 0))
	}
	d.Headline = []report.Figure{
		fig("phase_total", "Total spending of the phase", Num(t.PhaseTotal.Float()), report.KindMoney, totalNote),
		fig("attributed", "Operating dollars placed in areas", Num(t.PlacedOperating.Float()), report.KindMoney, "by the attribution rules; capital is measured apart"),
		fig("attributed_share", "Share of the phase's dollars placed in areas", t.AttributedShare, report.KindPercent, rangeNote(r, "attributed_share", report.KindPercent, 1)),
		fig("unattributed", "Not placed", Num(t.Unattributed.Float()), report.KindMoney, "debt service, benefits, reserves, reimbursements, administration: listed with reasons"),
		fig("per_capita", "Placed dollars per resident", h.PerCapita, report.KindDollars, ""),
		fig("concentration_index", "Concentration index of placed dollars per resident by need", h.Concentration, report.KindRatio, concNote(r)),
		fig("top_tier_spend_share", "Share of placed dollars reaching the highest-need fifth of residents", h.TopTierSpendShare, report.KindPercent, rangeNote(r, "top_tier_spend_share", report.KindPercent, 1)),
		fig("top_tier_pop_share", "That tier's share of residents", h.TopTierPopShare, report.KindPercent, ""),
		fig("top_to_bottom", "Dollars per resident, highest vs lowest need tier", h.PerCapitaTopToBottom, report.KindRatio, "1.00 = equal; "+rangeNote(r, "per_capita_top_to_bottom", report.KindRatio, 2)),
		fig("designated_spend_share", "Share of placed dollars reaching residents of "+w.Need+" designated tracts", h.DesignatedSpendShare, report.KindPercent,
			fmt.Sprintf("they are %s of residents", report.Format(float64(h.DesignatedPopShare), report.KindPercent, 1))),
	}
	d.Headline[5].Digits = 3
	if noNeed {
		// without a need index only where the dollars go can be said
		d.Subtitle = fmt.Sprintf("Where the operating dollars go, by %s (no need index)", lines)
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
	sum := report.Section{ID: "findings", Title: "Findings"}
	sum.Blocks = append(sum.Blocks, &report.Paragraph{Text: totalsParagraph(r, w)})
	if len(r.Evidence) > 0 && r.Totals.Attributed != 0 {
		sum.Blocks = append(sum.Blocks, evidenceTable(r))
		if c := evidenceChart(r); c != nil {
			sum.Blocks = append(sum.Blocks, c)
		}
		if len(opt.Publish) > 0 {
			sum.Blocks = append(sum.Blocks, &report.Note{Kind: report.NoteInfo,
				Text: "To place more of the dollars by evidence of where they land, the city would need to publish " + joinAnd(opt.Publish) + "."})
		}
	}
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
	if !noNeed && r.Concentr != nil && len(r.Concentr.Variants) > 1 {
		d.Sections = append(d.Sections, ensembleSection(r, w))
	}
	d.Sections = append(d.Sections, mapsSection(r, opt, w))
	if !noNeed {
		d.Sections = append(d.Sections, tiersSection(r, w))
	}
	return finishDocument(d, r, opt)
}

// totalsParagraph says what the phase spends, each dollar once, what is
// placed and what is not.
func totalsParagraph(r *Result, w Words) string {
	t, h := r.Totals, r.Headline
	s := fmt.Sprintf("The %s %s budget spends %s, each dollar counted once. The attribution rules (%s) place %s of operating spending in the %s %s of the city (on %s",
		r.FiscalYear, r.Phase, report.Format(t.PhaseTotal.Float(), report.KindMoney, 0), r.Provenance.Rules,
		report.Format(t.PlacedOperating.Float(), report.KindMoney, 0), report.Format(float64(r.Layer.Areas), report.KindInt, 0), w.Areas, layerLines(r))
	s += "); " + report.Format(t.Unattributed.Float(), report.KindMoney, 0) + " is not placed and is listed with its reasons. "
	s += fmt.Sprintf("The placed operating dollars come to %s per resident of the %s residents counted.", report.Format(float64(h.PerCapita), report.KindDollars, 0),
		report.Format(h.Population, report.KindInt, 0))
	if r.Layer.OutsideAreas > 0 {
		s += fmt.Sprintf(" %s %s (%s residents) lie outside every one of the %s: their share of the dollars placed per resident is left unplaced, so a dollar per resident means the same here as on any other layer.",
			report.Format(float64(r.Layer.OutsideAreas), report.KindInt, 0), w.SmallAreas, report.Format(r.Layer.Outside, report.KindInt, 0), w.Areas)
	}
	return s
}

// layerLines says which lines the analysis used: "the 2012 lines, in force
// from 2012-07-01 to 2022-12-11".
func layerLines(r *Result) string {
	l := r.Layer
	title := l.Title
	if title == "" {
		title = "layer " + l.Lines
	}
	switch {
	case l.From != "" && l.To != "":
		return fmt.Sprintf("the %s, in force from %s to %s", title, l.From, l.To)
	case l.From != "":
		return fmt.Sprintf("the %s, in force from %s", title, l.From)
	}
	return "the " + title + ", period in force not recorded"
}

// needParagraph names the need measure, why, and how the areas are tiered.
func needParagraph(r *Result, w Words) *report.Paragraph {
	s := fmt.Sprintf("Need is measured by %s", w.Need)
	if r.Need != nil && r.Need.Why != "" {
		s += ": " + strings.TrimSuffix(strings.TrimSpace(r.Need.Why), ".")
	}
	s += "."
	if r.Need != nil && r.Need.Check != nil {
		c := r.Need.Check
		s += fmt.Sprintf(" The published score is used; recomputed as a check, it is matched within 0.01 on %s of the %s tracts statewide from the published indicator percentiles, and on %s from the raw indicator values as printed (rounded values cannot be ranked as the publisher ranked them).",
			report.Format(float64(c.FromPercentiles), report.KindInt, 0), report.Format(float64(c.Compared), report.KindInt, 0), report.Format(float64(c.FromRaw), report.KindInt, 0))
	}
	s += fmt.Sprintf(" Residents are cut into %s tiers of about equal numbers of residents by the need of their %s (population quintiles when there are five), and each area's need is the population-weighted mean of its %s.",
		report.Format(float64(r.Tiers), report.KindInt, 0), w.SmallAreas, w.SmallAreas)
	if len(r.NeedMeasures) > 1 {
		s += " The table \"Need measures\" shows the headline under each measure."
	}
	return &report.Paragraph{Text: s}
}

// requestsParagraph says what the phase's budget requests do: their gross
// increases and cuts, where they land, and the change net of the baseline.
func requestsParagraph(r *Result) *report.Paragraph {
	q := r.Requests
	s := fmt.Sprintf("The %s budget requests of this phase add %s and cut %s (net %s).",
		report.Format(float64(q.Count), report.KindInt, 0), report.Format(q.Increases.Float(), report.KindMoney, 0), report.Format(-q.Cuts.Float(), report.KindMoney, 0),
		report.Format(q.Change.Float(), report.KindMoney, 0))
	if !q.IncreasesTopShare.Missing() || !q.CutsTopShare.Missing() {
		s += fmt.Sprintf(" Of the placed increases %s reach the highest-need tier, of the placed cuts %s fall there.", pct(q.IncreasesTopShare, 1), pct(q.CutsTopShare, 1))
	}
	s += fmt.Sprintf(" Net of the mix of the spending they change, they move that tier's share of placed dollars from %s to %s (%s points); a request that follows the mix it changes moves nothing.",
		pct(q.BaseShare, 1), pct(q.NewShare, 1), signedPoints(q.ShareChange))
	return &report.Paragraph{Text: s}
}

// signedPoints writes a share change in percentage points with 2 decimals
// and its sign.
func signedPoints(x Num) string { return signed(x*100, 2) }

// finish adds the sections after the tiers, the sources and the caveats.
func finishDocument(d *report.Document, r *Result, opt DocOptions) *report.Document {
	if r.Curves != nil {
		d.Sections = append(d.Sections, report.Section{ID: "curves", Title: "Lorenz and concentration curves", Intro: "Residents on the horizontal axis, placed dollars on the vertical. The further the Lorenz curve sags below the diagonal, the more unequal the dollars per resident; a concentration curve above the diagonal (negative index) means lower-need residents receive more than their share, below it (positive index) higher-need residents do. Each resident counts with their area's dollars per resident and need.",
			Blocks: []report.Block{curveChart(r)}})
	}
	d.Sections = append(d.Sections, deptSection(r))
	if r.Requests != nil && len(r.Requests.Rows) > 0 {
		d.Sections = append(d.Sections, requestSection(r))
	}
	if len(opt.Comparisons) > 0 {
		d.Sections = append(d.Sections, compareSection(opt.Comparisons))
	}
	if r.Capital != nil || r.Projects != nil {
		d.Sections = append(d.Sections, capitalSection(r))
		if r.Projects != nil {
			for _, m := range r.Projects.Mega {
				opt.Megaprojects = append(opt.Megaprojects, fmt.Sprintf("%s (%s, council district %s)", m.Title, report.Format(m.Amount.Float(), report.KindMoney, 0), m.CD))
			}
		}
	}
	if r.Events != nil {
		d.Sections = append(d.Sections, eventsSection(r))
	}
	if r.Theil != nil {
		d.Sections = append(d.Sections, theilSection(r))
	}
	d.Sections = append(d.Sections, areaSection(r))
	if r.Concentr != nil && len(r.Concentr.Variants) > 1 {
		d.Sections = append(d.Sections, variantsSection(r))
	}
	d.Sections = append(d.Sections, methodsSection(r, opt.Words.of(r)))
	if opt.SyntheticDemand {
		// everything placed with the line items depends on the demand;
		// need maps, need measures and the capital projects do not
		for _, sec := range d.Sections {
			if sec.ID == "capital" || sec.ID == "need-measures" {
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
					if x.Name != "Need measures" {
						x.Synthetic = true
					}
				}
			}
		}
	}
	d.Sources = sources(r, opt)
	d.Caveats = caveats(r, opt)
	return d
}

// concNote explains the concentration index under its headline figure:
// its sign, range and verdict.
func concNote(r *Result) string {
	const sign = "above 0: more per resident where need is higher"
	if n := rangeNote(r, "concentration_index", report.KindRatio, 3); n != "" && r.Headline.Verdict != "" {
		return fmt.Sprintf("%s: %s; %s", n, r.Headline.Verdict, sign)
	}
	return sign
}

// ensembleSection shows how far the answer moves with the choices of
// rules and need measure: each choice's range, and every variant.
func ensembleSection(r *Result, w Words) report.Section {
	c := r.Concentr
	ct := &report.Table{Name: "Choices", Title: "How far each choice moves the concentration index (every other choice as in the profile)",
		Columns: []report.Column{{Key: "c", Label: "Choice", Kind: report.KindText}, {Key: "o", Label: "Options", Kind: report.KindText},
			{Key: "lo", Label: "Lowest", Kind: report.KindRatio, Digits: 3}, {Key: "hi", Label: "Highest", Kind: report.KindRatio, Digits: 3}}}
	for _, x := range c.Choices {
		ct.Rows = append(ct.Rows, []any{choiceWords(x.Choice), strings.Join(x.Options, "; "), f64(x.Min), f64(x.Max)})
	}
	intro := fmt.Sprintf("The %s %s are every area of the city, not a sample, so what is uncertain is not which areas were observed but how the dollars are placed and how need is measured. Every rule with a defensible alternative declares it, and the analysis runs each alternative with each measure of need: %s variants. The concentration index runs from %s to %s; the verdict, %s, is read from that range (above +%s throughout, below −%s throughout, or neither).",
		report.Format(float64(r.Layer.Areas), report.KindInt, 0), w.Areas, report.Format(float64(len(c.Variants)), report.KindInt, 0),
		signed(c.Range[0], 3), signed(c.Range[1], 3), c.Verdict, report.Format(Negligible, report.KindRatio, 3), report.Format(Negligible, report.KindRatio, 3))
	blocks := []report.Block{ct}
	if len(r.NeedMeasures) > 1 {
		mt := &report.Table{Name: "Need measures", Title: "The headline under each measure of need (the profile's rules)",
			Columns: []report.Column{{Key: "m", Label: "Need measure", Kind: report.KindText}, {Key: "w", Label: "What it measures", Kind: report.KindText},
				{Key: "ci", Label: "Concentration index", Kind: report.KindRatio, Digits: 3}, {Key: "ts", Label: "Highest-need tier's share of dollars", Kind: report.KindPercent},
				{Key: "tp", Label: "Its share of residents", Kind: report.KindPercent}, {Key: "r", Label: "Correlation with " + w.Need + " (areas)", Kind: report.KindRatio}}}
		for _, m := range r.NeedMeasures {
			mt.Rows = append(mt.Rows, []any{m.Label, m.Why, f64(m.Concentration), f64(m.TopTierSpendShare), f64(m.TopTierPopShare), f64(m.Correlation)})
		}
		blocks = append(blocks, mt)
	}
	blocks = append(blocks, &report.Paragraph{Text: "Every variant, with its figures, is listed in the section \"All variants\" at the end of the report."})
	return report.Section{ID: "ensemble", Title: "How sure: the choices of rules and need", Intro: intro, Blocks: blocks}
}

// variantsSection lists every variant of the ensemble.
func variantsSection(r *Result) report.Section {
	c := r.Concentr
	vt := &report.Table{Name: "Variants", Title: "Every variant: rules crossed with need measures",
		Note: "Each row places the dollars with the profile's rules except the one named, and ranks residents by the need measure named.",
		Columns: []report.Column{{Key: "r", Label: "Rules", Kind: report.KindText}, {Key: "n", Label: "Need measure", Kind: report.KindText},
			{Key: "ci", Label: "Concentration index", Kind: report.KindRatio, Digits: 3}, {Key: "ts", Label: "Highest-need tier's share of dollars", Kind: report.KindPercent},
			{Key: "tb", Label: "Per resident, highest vs lowest tier", Kind: report.KindRatio}, {Key: "as", Label: "Share placed", Kind: report.KindPercent}}}
	label := map[string]string{}
	for _, m := range r.NeedMeasures {
		label[m.Name] = m.Label
	}
	for _, v := range c.Variants {
		n := label[v.Need]
		if n == "" {
			n = v.Need
		}
		vt.Rows = append(vt.Rows, []any{v.Rules, n, f64(v.Value), f64(v.TopTierSpendShare), f64(v.PerCapitaTopToBottom), f64(v.AttributedShare)})
	}
	return report.Section{ID: "variants", Title: "All variants", Blocks: []report.Block{vt}}
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
	noGeom := 0
	mk := func(name, title, desc string, kind report.Kind, val func(a AreaRow) Num, pal report.PaletteKind) *report.Choropleth {
		c := &report.Choropleth{Name: name, Title: title, Description: desc, Kind: kind, Palette: pal, Backdrop: back, Labels: len(r.Areas) <= 20}
		noGeom = 0
		for _, a := range r.Areas {
			v := val(a)
			geom := g[a.AreaID]
			if geom == nil {
				noGeom++
				continue
			}
			c.Areas = append(c.Areas, report.MapArea{ID: a.AreaID, Name: a.Name, Geometry: geom, Value: float64(v), Missing: v.Missing()})
		}
		return c
	}
	nd := mk("Map need", "Need score", "Population-weighted mean need score of each area's "+w.SmallAreas+" (higher = more need).", report.KindNumber,
		func(a AreaRow) Num { return a.NeedScore }, report.Sequential)
	// dollars per resident as a share of the city's average, in fixed
	// classes around parity: a 13% range shows as the near-parity colours
	// it is, not as the full palette
	pc := mk("Map per capita", "Placed dollars per resident, as a share of the city's average", "Each area's placed operating dollars per resident over the city's, in fixed classes around parity (100%): below 80%, 80-95%, 95-105%, 105-120%, above 120%.", report.KindPercent,
		func(a AreaRow) Num {
			if a.PerCapita.Missing() || r.City.PerCapita.Missing() || r.City.PerCapita == 0 {
				return Num(math.NaN())
			}
			return a.PerCapita / r.City.PerCapita
		}, report.Diverging)
	pc.Method, pc.Breaks, pc.Midpoint, pc.Digits = report.ClassManual, []float64{0.8, 0.95, 1.05, 1.2}, 1, report.NoDigits
	var blocks []report.Block
	title := "Maps of need and spending"
	if hasNeed(r) {
		blocks = append(blocks, nd)
	} else {
		title = "Map of spending"
	}
	if len(opt.NeedPoints) > 0 {
		var outl []orb.Geometry
		for _, a := range r.Areas {
			if g[a.AreaID] != nil {
				outl = append(outl, g[a.AreaID])
			}
		}
		blocks = append(blocks, &report.Choropleth{Name: "Map need tracts", Title: "Need score of each census tract",
			Description: "Each dot is a census tract at its interior point, shaded by its need score; outlines are the areas of the analysis. Tracts the index gives no score are hatched and counted in the legend.",
			Kind:        report.KindNumber, Areas: opt.NeedPoints, Backdrop: outl})
	}
	blocks = append(blocks, pc)
	if noGeom > 0 {
		blocks = append(blocks, &report.Note{Kind: report.NoteInfo, Text: fmt.Sprintf("%s area(s) have no geometry to draw and are not on the maps; their figures are in the Areas table.", report.Format(float64(noGeom), report.KindInt, 0))})
	}
	if opt.SyntheticDemand {
		blocks = append(blocks, &report.Note{Kind: report.NoteSynthetic, Text: "Dollars placed by service demand use the synthetic service requests; the spending map depends on them."})
	}
	return report.Section{ID: "maps", Title: title, Blocks: blocks}
}

// tiersSection shows the residents by need tier and the dollars reaching
// them, the areas as labelled points (dollars per resident against need)
// when there are few, and the population groups.
func tiersSection(r *Result, w Words) report.Section {
	bc := &report.BarChart{Name: "Tiers per capita", Title: "Placed dollars per resident by need tier", Kind: report.KindDollars,
		Description: "Bars from zero: dollars per resident of each tier's residents, each counted with their area's average; line: the city's average (parity).", ValueLabel: "dollars per resident"}
	ref := float64(r.Headline.PerCapita)
	if !r.Headline.PerCapita.Missing() {
		bc.Reference, bc.ReferenceLabel = &ref, "city average (parity)"
	}
	tab := &report.Table{Name: "Tiers", Title: "Need tiers of residents",
		Note: fmt.Sprintf("Tiers are fifths (or n-ths) of the city's residents by the need of their %s; a resident is counted with the placed dollars per resident of their %s. Per unit of need: the tier's share of dollars over its share of residents x need score (1.00 = dollars in proportion to need).", w.SmallAreas, singular(w.Areas)),
		Columns: []report.Column{
			{Key: "tier", Label: "Tier", Kind: report.KindText}, {Key: "small", Label: strings.ToUpper(w.SmallAreas[:1]) + w.SmallAreas[1:], Kind: report.KindInt},
			{Key: "pop", Label: "Residents", Kind: report.KindInt}, {Key: "amount", Label: "Placed dollars", Kind: report.KindMoney},
			{Key: "pc", Label: "Per resident", Kind: report.KindDollars}, {Key: "ps", Label: "Share of residents", Kind: report.KindPercent},
			{Key: "ss", Label: "Share of dollars", Kind: report.KindPercent}, {Key: "score", Label: "Mean need score", Kind: report.KindNumber, Digits: 1},
			{Key: "need", Label: "Per unit of need (1.00 = proportional)", Kind: report.KindRatio}}}
	for _, t := range r.TierRows {
		bc.Bars = append(bc.Bars, report.Bar{Label: t.Label, Value: float64(t.PerCapita), Missing: t.PerCapita.Missing()})
		tab.Rows = append(tab.Rows, []any{t.Label, t.SmallAreas, math.Round(t.Population), t.Amount.Float(), f64(t.PerCapita),
			f64(t.PopShare), f64(t.SpendShare), f64(t.MeanScore), f64(t.PerNeedIndex)})
	}
	blocks := []report.Block{}
	if len(r.Areas) <= 30 {
		blocks = append(blocks, pointsChart(r, w))
	}
	blocks = append(blocks, bc, tab)
	if len(r.GroupRep) > 0 {
		gt := &report.Table{Name: "Population groups", Title: "Population groups (ACS 2015-19): share of placed dollars reaching each group vs its share of residents",
			Note: r.GroupNote + " Black and Asian are race-alone counts and include Latino residents.",
			Columns: []report.Column{{Key: "g", Label: "Group", Kind: report.KindText}, {Key: "pop", Label: "Residents", Kind: report.KindInt},
				{Key: "dv", Label: "Share of dollars", Kind: report.KindPercent, Digits: 2}, {Key: "cv", Label: "Share of residents", Kind: report.KindPercent, Digits: 2},
				{Key: "diff", Label: "Difference (points)", Kind: report.KindNumber}, {Key: "ratio", Label: "Ratio", Kind: report.KindRatio},
				{Key: "pc", Label: "Dollars per resident", Kind: report.KindDollars}}}
		for _, g := range r.GroupRep {
			// shares as fractions (0-1), as every share of the report
			gt.Rows = append(gt.Rows, []any{g.Group, math.Round(g.Population), f64(g.DataValue / 100), f64(g.CityValue / 100), f64(g.Diff), f64(g.Ratio), f64(g.PerCapita)})
		}
		blocks = append(blocks, gt)
	}
	return report.Section{ID: "tiers", Title: "Spending by need", Intro: tiersIntro(r, w), Blocks: blocks}
}

func tiersIntro(r *Result, w Words) string {
	s := fmt.Sprintf("Residents are ranked by the need of their %s and cut into %s tiers of about equal numbers of residents.", w.SmallAreas, report.Format(float64(r.Tiers), report.KindInt, 0))
	if len(r.Areas) <= 30 {
		s += fmt.Sprintf(" With only %s %s, each is shown as a labelled point, its dollars per resident against its need, rather than as tiers of a few areas each.",
			report.Format(float64(len(r.Areas)), report.KindInt, 0), w.Areas)
	}
	return s
}

// pointsChart draws each area as a labelled dot at its dollars per
// resident, areas ordered by need (highest last), with the city's average.
func pointsChart(r *Result, w Words) *report.BarChart {
	rows := append([]AreaRow{}, r.Areas...)
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].NeedScore, rows[j].NeedScore
		if a.Missing() != b.Missing() {
			return b.Missing()
		}
		return a < b
	})
	c := &report.BarChart{Name: "Areas against need", Title: "Dollars per resident of each area, areas ordered by need (highest need last)", Kind: report.KindDollars, Dots: true,
		Description: "One labelled point per area at its placed dollars per resident; the label gives its mean need score; the line is the city's average (parity). The axis covers the real range of the areas.",
		ValueLabel:  "dollars per resident"}
	ref := float64(r.City.PerCapita)
	if !r.City.PerCapita.Missing() {
		c.Reference, c.ReferenceLabel = &ref, "city average (parity)"
	}
	for _, a := range rows {
		name := a.Name
		if name == "" {
			name = a.AreaID
		}
		c.Bars = append(c.Bars, report.Bar{Label: fmt.Sprintf("%s (need %s)", name, report.Format(float64(a.NeedScore), report.KindNumber, 1)), Value: float64(a.PerCapita), Missing: a.PerCapita.Missing()})
	}
	return c
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
		Note: "To highest-need tier: the share of the department's placed operating dollars reaching the highest-need fifth of residents. Requests' effect: the change, in percentage points net of the baseline mix, in that tier's share of all placed dollars made by the department's budget requests (– when it has none); the request that moved it most is shown with its own contribution, and omitted below 0.01 points.",
		Columns: []report.Column{{Key: "code", Label: "Department code", Kind: report.KindText}, {Key: "name", Label: "Department", Kind: report.KindText},
			{Key: "total", Label: "Total", Kind: report.KindMoney}, {Key: "att", Label: "Placed", Kind: report.KindMoney},
			{Key: "share", Label: "Placed share", Kind: report.KindPercent}, {Key: "top", Label: "To highest-need tier", Kind: report.KindPercent},
			{Key: "req", Label: "Requests' effect (pts)", Kind: report.KindNumber, Digits: 2}, {Key: "how", Label: "How placed", Kind: report.KindText},
			{Key: "evidence", Label: "Evidence", Kind: report.KindText},
			{Key: "topreq", Label: "Request that moved it most", Kind: report.KindText}}}
	rows := append([]DeptRow{}, r.Depts...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Total > rows[j].Total })
	for _, d := range rows {
		req := f64(d.RequestChange * 100)
		how := d.How
		name := d.Name
		if name == "" {
			name = d.Dept
		}
		var topReq any
		if c := float64(d.TopRequestContribution) * 100; d.TopRequest != "" && !d.TopRequestContribution.Missing() && math.Abs(c) >= 0.005 {
			topReq = fmt.Sprintf("%s (%s pts)", d.TopRequest, signed(Num(c), 2))
		}
		tab.Rows = append(tab.Rows, []any{deptCode(d.Dept, d.Name), name, d.Total.Float(), d.Attributed.Float(), f64(d.AttributedShare), f64(d.TopTierShare), req, strings.Join(how, ", "), deptEvidence(d), topReq})
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
		return "by an area measure (loan sites, park acres, incidents, land area, residents in poverty)"
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
	tab := &report.Table{Name: "Requests", Title: "Budget requests that moved the highest-need tier's share most, net of the baseline mix",
		Note: "Contribution = (the request's dollars reaching the highest-need tier - the share without requests x its placed dollars) / all placed dollars, in percentage points: what the request moves beyond the mix of the spending it changes; a cut placed in that mix contributes nothing. The contributions of all requests sum to the change.",
		Columns: []report.Column{{Key: "dept_code", Label: "Department code", Kind: report.KindText}, {Key: "dept", Label: "Department", Kind: report.KindText}, {Key: "prog", Label: "Program", Kind: report.KindText},
			{Key: "desc", Label: "Request", Kind: report.KindText}, {Key: "chg", Label: "Change", Kind: report.KindMoney},
			{Key: "top", Label: "To highest-need tier", Kind: report.KindMoney}, {Key: "method", Label: "How placed", Kind: report.KindText},
			{Key: "c", Label: "Contribution (points)", Kind: report.KindNumber, Digits: 2}}}
	n := 0
	for _, x := range q.Rows {
		if n == 25 || math.Abs(float64(x.Contribution)*100) < 0.005 {
			break
		}
		tab.Rows = append(tab.Rows, []any{deptCode(x.Dept, x.DeptName), x.DeptName, x.Program, x.Description, x.Change.Float(), x.TopTier.Float(), x.How, f64(x.Contribution * 100)})
		n++
	}
	intro := fmt.Sprintf("%s requests of the %s phase: %s of increases and %s of cuts, net %s. Of the placed increases %s reach the highest-need tier and of the placed cuts %s fall there. Net of the baseline mix, the requests move the tier's share of placed dollars from %s to %s (%s points). The table lists the %s requests that moved it by 0.01 points or more, largest first.",
		report.Format(float64(q.Count), report.KindInt, 0), q.Phase, report.Format(q.Increases.Float(), report.KindMoney, 0), report.Format(-q.Cuts.Float(), report.KindMoney, 0),
		report.Format(q.Change.Float(), report.KindMoney, 0), pct(q.IncreasesTopShare, 1), pct(q.CutsTopShare, 1), pct(q.BaseShare, 1), pct(q.NewShare, 1),
		signedPoints(q.ShareChange), report.Format(float64(n), report.KindInt, 0))
	return report.Section{ID: "requests", Title: "Budget requests", Intro: intro, Blocks: []report.Block{tab}}
}

func compareSection(rows []CompareRow) report.Section {
	tab := &report.Table{Name: "Comparisons", Title: "Phases and years compared on the same rules and need, each on the lines of its year",
		Columns: []report.Column{{Key: "fy", Label: "Fiscal year", Kind: report.KindText}, {Key: "ph", Label: "Phase", Kind: report.KindText},
			{Key: "tot", Label: "Total (each dollar once)", Kind: report.KindMoney}, {Key: "att", Label: "Placed (operating)", Kind: report.KindMoney},
			{Key: "as", Label: "Placed share", Kind: report.KindPercent}, {Key: "pc", Label: "Per resident", Kind: report.KindDollars},
			{Key: "ts", Label: "Highest-need tier share", Kind: report.KindPercent},
			{Key: "ci", Label: "Concentration index", Kind: report.KindRatio, Digits: 3}, {Key: "lo", Label: "Lowest variant", Kind: report.KindRatio, Digits: 3},
			{Key: "hi", Label: "Highest variant", Kind: report.KindRatio, Digits: 3}, {Key: "v", Label: "Verdict", Kind: report.KindText}}}
	for _, c := range rows {
		tab.Rows = append(tab.Rows, []any{c.FiscalYear, c.Phase, c.PhaseTotal.Float(), c.Attributed.Float(), f64(c.AttributedShare), f64(c.PerCapita),
			f64(c.TopTierSpendShare), f64(c.Concentration), f64(c.ConcentrationMin), f64(c.ConcentrationMax), c.Verdict})
	}
	return report.Section{ID: "comparisons", Title: "Proposed, adopted and actual spending",
		Intro:  "The same assessment of the other phases of the year, last year's adopted budget and the latest actual spending in the files: same rules, variants and need measures, each year on the district lines in force then.",
		Blocks: []report.Block{tab}}
}

// capitalSection shows the capital spending of the phase, measured apart,
// and the capital projects placed by location.
func capitalSection(r *Result) report.Section {
	s := report.Section{ID: "capital", Title: "Capital spending, measured apart"}
	var intro []string
	if c := r.Capital; c != nil {
		intro = append(intro, fmt.Sprintf("The phase's capital spending is %s, of which %s can be placed in areas (%s per resident). It is not in the operating figures above: %s.",
			report.Format(c.Total.Float(), report.KindMoney, 0), report.Format(c.Attributed.Float(), report.KindMoney, 0), report.Format(float64(c.PerCapita), report.KindDollars, 0), c.Note))
	}
	if p := r.Projects; p != nil {
		bc := &report.BarChart{Name: "Projects per capita", Title: "Capital project dollars per resident by need tier", Kind: report.KindDollars,
			Description: "Local projects placed by their geometry (points, lines, polygons) in the areas, each resident counted with their area's dollars per resident; megaprojects excluded. Bars from zero.", ValueLabel: "dollars per resident"}
		for _, t := range p.Tiers {
			bc.Bars = append(bc.Bars, report.Bar{Label: t.Label, Value: float64(t.PerCapita), Missing: t.PerCapita.Missing()})
		}
		var parts []string
		for _, k := range sortedKeys(p.ByMethod) {
			parts = append(parts, fmt.Sprintf("%s %s", MethodLabel(k), report.Format(p.ByMethod[k].Float(), report.KindMoney, 0)))
		}
		intro = append(intro, fmt.Sprintf("%s local projects of %s (%s), %s placed (%s); %s of the placed dollars reach the highest-need tier. These are capital projects from the LADOT active-transportation database (2016), not part of the phase's line items.",
			report.Format(float64(p.Count), report.KindInt, 0), p.Source, report.Format(p.Total.Float(), report.KindMoney, 0), report.Format(p.Attributed.Float(), report.KindMoney, 0), strings.Join(parts, ", "),
			pct(p.TopTierShare, 1)))
		s.Blocks = append(s.Blocks, bc)
		if len(p.Mega) > 0 {
			tab := &report.Table{Name: "Megaprojects", Title: "Regional megaprojects reported apart (not placed)",
				Columns: []report.Column{{Key: "t", Label: "Project", Kind: report.KindText}, {Key: "cd", Label: "Council districts", Kind: report.KindText},
					{Key: "a", Label: "Budget", Kind: report.KindMoney}}}
			for _, m := range p.Mega {
				tab.Rows = append(tab.Rows, []any{m.Title, m.CD, m.Amount.Float()})
			}
			s.Blocks = append(s.Blocks, tab)
		}
	}
	s.Intro = strings.Join(intro, " ")
	return s
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
	switch {
	case e.Estimated:
		s.Title = "Service requests of the year (MyLA311 schema; an estimate)"
		s.Intro = fmt.Sprintf("An estimated %s requests of the period placed in the areas, %s outside every area of the layer.",
			report.Format(float64(e.Located), report.KindInt, 0), report.Format(float64(e.Unplaced), report.KindInt, 0))
		s.Blocks = append(s.Blocks, &report.Note{Kind: report.NoteInfo, Text: "An estimate, not a count: " + e.Source + ". Each sample request stands for its stratum's requests of the period over the stratum's sample requests, so the areas' requests follow the volume of each stratum and, within it, the sample's types and places. Response times need the requests themselves: run analyze or report with --events FILE."})
	case e.Rows > 0 && len(e.Tiers) > 0 && e.Tiers[0].MedianHours.Missing() && e.ByCode == 0 && e.Unplaced == 0:
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
		Note: "A group is the units whose representative point lies in the district: their residents and dollars, not the district's own figures in the Areas table (units straddle district lines).",
		Columns: []report.Column{{Key: "g", Label: "Units centred in district", Kind: report.KindText}, {Key: "u", Label: unitsLabel(th.Units), Kind: report.KindInt},
			{Key: "ps", Label: "Their share of residents", Kind: report.KindPercent}, {Key: "ss", Label: "Their share of dollars", Kind: report.KindPercent},
			{Key: "pc", Label: "Per resident of those units", Kind: report.KindDollars}, {Key: "t", Label: "Theil within", Kind: report.KindNumber, Digits: 4}}}
	for _, g := range th.Groups {
		tab.Rows = append(tab.Rows, []any{g.Group, g.Units, f64(g.PopShare), f64(g.Share), f64(g.PerCapita), f64(g.Index)})
	}
	return report.Section{ID: "theil", Title: "Inequality between and within " + strings.ReplaceAll(th.GroupedBy, "_", " "), Intro: fmt.Sprintf(
		"Theil T = %s, of which %s between groups (%s) and %s within them. Theil T is 0 when every resident receives the same placed dollars and grows as dollars concentrate; with every unit's dollars per resident within 10%% of the city's it stays below about 0.005; the between share says how much of the inequality lies between districts rather than inside them.", report.Format(float64(th.Total), report.KindNumber, 4),
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
		sec.Intro = fmt.Sprintf("Hot and cold spots of per-resident dollars (local Moran's I): %s. %s",
			strings.Join(parts, ", "), l.Note)
	}
	return sec
}

func methodsSection(r *Result, w Words) report.Section {
	p := r.Provenance
	var b []report.Block
	add := func(s string) { b = append(b, &report.Paragraph{Text: s}) }
	add(fmt.Sprintf("Each dollar once: appropriations from one fund to another whose spending the budget shows elsewhere (the profile's transfers) are removed and the receiving departments' own spending kept, so the phase total is %s rather than the %s stored.",
		report.Format(r.Totals.PhaseTotal.Float(), report.KindMoney, 0), report.Format(r.Totals.GrossTotal.Float(), report.KindMoney, 0)))
	add(fmt.Sprintf("Attribution: the rules file %q (format version %d, sha256 %s) first classes every line by what it is (debt service, benefits, reserves, reimbursements and transfers are never placed, inside whichever department or fund they sit; capital is measured apart), then says for each department, fund, program or account how its dollars are placed: by service demand, by land area, per resident, per resident in poverty, by geometry, or not at all. Every amount is split in whole cents by largest remainders, so placed + not attributable = total for every line, department and the phase.", p.Rules, p.RulesVersion, short(p.RulesHash)))
	if !hasNeed(r) {
		add(fmt.Sprintf("Need: no need index; population from %s.", p.PopSource))
		return report.Section{ID: "methods", Title: "Methods and sources", Blocks: b}
	}
	add(fmt.Sprintf("Need: %s, stored run %d (spec %q, sha256 %s) over layer %q; each area's score is the population-weighted mean of the scores of its %s (placed by their interior points); population from %s.", w.Need, p.NeedRun, p.NeedSpec, short(p.NeedHash), p.NeedLayer, w.SmallAreas, p.PopSource))
	add(fmt.Sprintf("Lines: %s. Areas are named by number; the member of a district is named only with their term.", layerLines(r)))
	add(fmt.Sprintf("Tiers: the %s are ordered by need and cut into %d tiers of about equal numbers of residents, a small area never split and equal scores in one tier; each resident counts with the placed dollars per resident of their area. No interval is drawn by resampling areas: they are the whole city, not a sample; the uncertainty shown is that of the rules and the need measure (the ensemble).", w.SmallAreas, r.Tiers))
	theil := ""
	if th := r.Theil; th != nil {
		theil = fmt.Sprintf(" Theil T decomposition (Shorrocks 1980) of per-resident dollars over the %s grouped by the area of %s holding each unit's representative point.", strings.ReplaceAll(th.Units, "_", " "), strings.ReplaceAll(th.GroupedBy, "_", " "))
	}
	add(fmt.Sprintf("Concentration index: C = 2 cov(y, r) / mean(y) with y the area's dollars per resident, r its population-weighted fractional rank by need and population weights (Kakwani, Wagstaff & van Doorslaer 1997). It is computed for every variant: each declared alternative of each rule (one at a time) crossed with each measure of need; the verdict is %q, %q or %q as every variant lies above +%s, below −%s, or neither.",
		LeansToward, LeansAway, NoClearLean, report.Format(Negligible, report.KindRatio, 3), report.Format(Negligible, report.KindRatio, 3)) + theil + " Population-group shares follow the Urban Institute's Spatial Equity Data Tool demographic disparity. LISA: local Moran's I of per-resident dollars with queen contiguity, row-standardised, conditional permutations, the false discovery rate held at 5% (Benjamini-Hochberg).")
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
	if r.Layer.Note != "" {
		out = append(out, "District lines: "+r.Layer.Note+".")
	}
	if p := r.Provenance; p.NeedLayer != "" && p.NeedLayer != r.Layer.Lines {
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
