package placement

import (
	"fmt"
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/metrics"
)

// Need is one need measure of a layer's areas.
type Need struct {
	// Label names it for people: "CalEnviroScreen 3.0 (need run 3)",
	// "attribute median_income (lower is needier)".
	Label string
	// Score by layer position (higher is needier; NaN: no score) and the
	// tiers formed from it (1 least need .. Tiers; 0 without a score).
	Score []float64
	Tier  []int
	Tiers int
	// Values are what people read as the need value of each area (the
	// attribute as written when Score reverses it); nil: Score.
	Values []float64
}

// Frame is what the analysis knows of the areas before any dollar: their
// residents and need.
type Frame struct {
	Layer *geo.Layer
	// Population by layer position, and where it comes from ("layer",
	// "need run areas").
	Population       []float64
	PopulationSource string
	// Need is the main need measure (nil: dollars and per resident only).
	Need *Need
}

// Variant is another way of counting: the same plan placed with another
// split rule, or ranked by another need measure. The concentration index's
// range runs over the main analysis and every variant.
type Variant struct {
	Placement *Placement
	Need      *Need
}

// Analysis is where a plan's dollars went, set against need.
type Analysis struct {
	Plan  string   `json:"plan"`
	Layer string   `json:"layer"`
	Years []string `json:"years"`
	Split string   `json:"split"`
	// Need names the need measure of the tiers ("" without one); Tiers is
	// their number.
	Need             string `json:"need"`
	Tiers            int    `json:"tiers"`
	PopulationSource string `json:"population_source"`
	// Areas has one row per area of the layer, in layer order.
	Areas []AreaRow `json:"areas"`
	// NeedTiers sums the areas by need tier, tier 1 (least need) first.
	NeedTiers []TierRow `json:"need_tiers"`
	// TopTier compares the highest-need tier's share of placed dollars
	// with its share of residents, over every year.
	TopTier TopTier `json:"top_tier"`
	// Concentration is the concentration index of placed dollars per
	// resident ranked by need, over every year, with its range.
	Concentration Concentration `json:"concentration"`
	// ByYear holds the same figures for each year.
	ByYear   []YearRow    `json:"by_year"`
	Totals   TotalRow     `json:"totals"`
	Projects []ProjectRow `json:"projects"`
	Notes    []string     `json:"notes"`
}

// AreaRow is one area's dollars.
type AreaRow struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	Population  float64          `json:"population"`
	NeedScore   budget.Num       `json:"need_score"`
	Tier        int              `json:"tier"`
	Dollars     analysis.Dollars `json:"dollars"`
	PerResident budget.Num       `json:"per_resident"`
	Years       []AreaYear       `json:"years"`
}

// AreaYear is an area's dollars in one year.
type AreaYear struct {
	Year        string           `json:"year"`
	Dollars     analysis.Dollars `json:"dollars"`
	PerResident budget.Num       `json:"per_resident"`
}

// TierRow is one need tier's dollars against its residents.
type TierRow struct {
	Tier            int              `json:"tier"`
	Label           string           `json:"label"`
	Areas           int              `json:"areas"`
	Population      float64          `json:"population"`
	PopulationShare budget.Num       `json:"population_share"`
	Dollars         analysis.Dollars `json:"dollars"`
	DollarShare     budget.Num       `json:"dollar_share"`
	PerResident     budget.Num       `json:"per_resident"`
}

// TopTier is the highest-need tier's share of placed dollars against its
// share of residents.
type TopTier struct {
	DollarShare     budget.Num `json:"dollar_share"`
	PopulationShare budget.Num `json:"population_share"`
}

// Concentration is a concentration index with its range over the ways of
// counting (need measures, split rules).
type Concentration struct {
	Index budget.Num `json:"index"`
	// Low and High are the least and greatest index over the main analysis
	// and its variants (null with fewer than two).
	Low  budget.Num `json:"low"`
	High budget.Num `json:"high"`
	// Interval says what Low..High is, in words.
	Interval string    `json:"interval"`
	Variants []Counted `json:"variants"`
}

// Counted is the index under one way of counting.
type Counted struct {
	Need  string     `json:"need"`
	Split string     `json:"split"`
	Index budget.Num `json:"index"`
}

// YearRow is one year's figures.
type YearRow struct {
	Year          string           `json:"year"`
	Total         analysis.Dollars `json:"total"`
	Placed        analysis.Dollars `json:"placed"`
	Citywide      analysis.Dollars `json:"citywide"`
	Unplaced      analysis.Dollars `json:"unplaced"`
	Apart         analysis.Dollars `json:"apart"`
	TopTier       TopTier          `json:"top_tier"`
	Concentration Concentration    `json:"concentration"`
}

// TotalRow accounts for every cent: placed + citywide + unplaced + apart =
// total, exactly.
type TotalRow struct {
	Total    analysis.Dollars `json:"total"`
	Placed   analysis.Dollars `json:"placed"`
	Citywide analysis.Dollars `json:"citywide"`
	Unplaced analysis.Dollars `json:"unplaced"`
	Apart    analysis.Dollars `json:"apart"`
	// CitywideShare is citywide / total.
	CitywideShare budget.Num                  `json:"citywide_share"`
	ByMethod      map[Method]analysis.Dollars `json:"by_method"`
}

// ProjectRow is one project's placement.
type ProjectRow struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Category string           `json:"category"`
	Method   Method           `json:"method"`
	Reason   string           `json:"reason,omitempty"`
	Total    analysis.Dollars `json:"total"`
	Placed   analysis.Dollars `json:"placed"`
	Citywide analysis.Dollars `json:"citywide"`
	Unplaced analysis.Dollars `json:"unplaced"`
	Apart    analysis.Dollars `json:"apart"`
	Areas    []ProjectArea    `json:"areas"`
}

// ProjectArea is a project's dollars in one area.
type ProjectArea struct {
	Area    string           `json:"area"`
	Dollars analysis.Dollars `json:"dollars"`
}

// Analyze sets the placed dollars against the frame: per area and year,
// per resident (placed dollars / residents; null without residents), by
// need tier, the highest-need tier's share of placed dollars against its
// share of residents, and the concentration index of dollars per resident
// ranked by need score with population weights (metrics.ConcentrationIndex;
// areas without a score or residents left out), with its range over the
// variants. Citywide, unplaced and apart dollars are in no area: they count
// in the totals, never in a per-resident figure.
func Analyze(pl *Placement, fr *Frame, variants []Variant) *Analysis {
	a := &Analysis{Plan: pl.Plan, Layer: pl.Layer, Years: pl.Years, Split: pl.Split.String(), PopulationSource: fr.PopulationSource, Notes: []string{}}
	if fr.Need != nil {
		a.Need, a.Tiers = fr.Need.Label, fr.Need.Tiers
	}
	a.areaRows(pl, fr)
	all := areaTotals(pl)
	a.NeedTiers = tierRows(fr, all)
	a.TopTier = topTier(fr, all)
	a.Concentration = concentration(pl, fr, variants, -1)
	for y, label := range pl.Years {
		t := pl.YearTotals[y]
		yr := YearRow{Year: label, Total: analysis.Dollars(t.Total), Placed: analysis.Dollars(t.Placed), Citywide: analysis.Dollars(t.Citywide),
			Unplaced: analysis.Dollars(t.Unplaced), Apart: analysis.Dollars(t.Apart)}
		yr.TopTier = topTier(fr, yearCents(pl, y))
		yr.Concentration = concentration(pl, fr, variants, y)
		a.ByYear = append(a.ByYear, yr)
	}
	a.Totals = totalRow(pl.Totals)
	a.Projects = projectRows(pl, fr.Layer)
	a.notes(pl, fr)
	return a
}

func (a *Analysis) areaRows(pl *Placement, fr *Frame) {
	for k := range fr.Layer.Areas {
		ar := &fr.Layer.Areas[k]
		row := AreaRow{ID: ar.ID, Name: ar.Name, Population: fr.Population[k], NeedScore: budget.Num(math.NaN())}
		if n := fr.Need; n != nil {
			row.NeedScore, row.Tier = budget.Num(n.Score[k]), n.Tier[k]
			if n.Values != nil {
				row.NeedScore = budget.Num(n.Values[k])
			}
		}
		row.Dollars = analysis.Dollars(pl.AreaTotal(k))
		row.PerResident = perResident(pl.AreaTotal(k), fr.Population[k])
		for y, label := range pl.Years {
			c := pl.Areas[k][y]
			row.Years = append(row.Years, AreaYear{Year: label, Dollars: analysis.Dollars(c), PerResident: perResident(c, fr.Population[k])})
		}
		a.Areas = append(a.Areas, row)
	}
}

func perResident(cents int64, pop float64) budget.Num {
	if !(pop > 0) {
		return budget.Num(math.NaN())
	}
	return budget.Num(float64(cents) / 100 / pop)
}

func ratio(a, b float64) budget.Num {
	if b == 0 {
		return budget.Num(math.NaN())
	}
	return budget.Num(a / b)
}

func areaTotals(pl *Placement) []int64 {
	out := make([]int64, len(pl.Areas))
	for k := range out {
		out[k] = pl.AreaTotal(k)
	}
	return out
}

func yearCents(pl *Placement, y int) []int64 {
	out := make([]int64, len(pl.Areas))
	for k := range out {
		out[k] = pl.Areas[k][y]
	}
	return out
}

func tierRows(fr *Frame, cents []int64) []TierRow {
	if fr.Need == nil {
		return []TierRow{}
	}
	var popAll float64
	var centsAll int64
	rows := make([]TierRow, fr.Need.Tiers)
	for t := range rows {
		rows[t] = TierRow{Tier: t + 1, Label: analysis.TierLabel(t+1, fr.Need.Tiers)}
	}
	for k, t := range fr.Need.Tier {
		popAll += fr.Population[k]
		centsAll += cents[k]
		if t < 1 {
			continue
		}
		r := &rows[t-1]
		r.Areas++
		r.Population += fr.Population[k]
		r.Dollars += analysis.Dollars(cents[k])
	}
	for t := range rows {
		r := &rows[t]
		r.PopulationShare = ratio(r.Population, popAll)
		r.DollarShare = ratio(float64(r.Dollars), float64(centsAll))
		r.PerResident = perResident(int64(r.Dollars), r.Population)
	}
	return rows
}

func topTier(fr *Frame, cents []int64) TopTier {
	nan := budget.Num(math.NaN())
	if fr.Need == nil || fr.Need.Tiers < 1 {
		return TopTier{nan, nan}
	}
	rows := tierRows(fr, cents)
	top := rows[len(rows)-1]
	return TopTier{DollarShare: top.DollarShare, PopulationShare: top.PopulationShare}
}

// concentration computes the index of year y (-1: all years) for the main
// analysis and each variant, and their range.
func concentration(pl *Placement, fr *Frame, variants []Variant, y int) Concentration {
	nan := budget.Num(math.NaN())
	c := Concentration{Index: nan, Low: nan, High: nan, Variants: []Counted{}}
	if fr.Need == nil {
		c.Interval = "no need measure: no concentration index"
		return c
	}
	all := append([]Variant{{Placement: pl, Need: fr.Need}}, variants...)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for i, v := range all {
		p, nd := v.Placement, v.Need
		if p == nil {
			p = pl
		}
		if nd == nil {
			nd = fr.Need
		}
		cents := areaTotals(p)
		if y >= 0 {
			cents = yearCents(p, y)
		}
		idx, ok := ConcentrationIndex(cents, fr.Population, nd.Score)
		ci := budget.Num(math.NaN())
		if ok {
			ci = budget.Num(idx)
			lo, hi, n = math.Min(lo, idx), math.Max(hi, idx), n+1
		}
		if i == 0 {
			c.Index = ci
		}
		c.Variants = append(c.Variants, Counted{Need: nd.Label, Split: p.Split.String(), Index: ci})
	}
	if n >= 2 {
		c.Low, c.High = budget.Num(lo), budget.Num(hi)
		c.Interval = rangeWords(c.Variants, lo == hi)
	} else {
		c.Interval = "a single way of counting: no range (add need measures or split rules to see how much the choice matters)"
	}
	return c
}

// rangeWords says what the range runs over.
func rangeWords(vs []Counted, same bool) string {
	needs, splits := map[string]bool{}, map[string]bool{}
	for _, v := range vs {
		needs[v.Need], splits[v.Split] = true, true
	}
	w := fmt.Sprintf("range over %s and %s (see variants): the choices an analyst makes, not a sampling interval; the areas are every area of the city, not a sample, so no bootstrap is shown",
		plural(len(needs), "need measure"), plural(len(splits), "split rule"))
	if same {
		w += "; every way of counting gives the same index here"
	}
	return w
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// ConcentrationIndex is the concentration index of dollars per resident
// (cents / 100 / population) ranked by score, weighted by population, over
// the areas with a finite score and residents (metrics.ConcentrationIndex:
// tied scores share their rank). ok is false when fewer than two areas
// count or no dollar is placed in them.
func ConcentrationIndex(cents []int64, pop, score []float64) (float64, bool) {
	var y, r, w []float64
	for k := range cents {
		if !(pop[k] > 0) || math.IsNaN(score[k]) || math.IsInf(score[k], 0) {
			continue
		}
		y = append(y, float64(cents[k])/100/pop[k])
		r = append(r, score[k])
		w = append(w, pop[k])
	}
	if len(y) < 2 {
		return 0, false
	}
	c, err := metrics.ConcentrationIndex(y, r, w)
	if err != nil {
		return 0, false
	}
	return c.Index, true
}

func totalRow(t Totals) TotalRow {
	out := TotalRow{Total: analysis.Dollars(t.Total), Placed: analysis.Dollars(t.Placed), Citywide: analysis.Dollars(t.Citywide),
		Unplaced: analysis.Dollars(t.Unplaced), Apart: analysis.Dollars(t.Apart), CitywideShare: ratio(float64(t.Citywide), float64(t.Total)),
		ByMethod: map[Method]analysis.Dollars{}}
	for m, c := range t.ByMethod {
		out.ByMethod[m] = analysis.Dollars(c)
	}
	return out
}

func projectRows(pl *Placement, layer *geo.Layer) []ProjectRow {
	out := make([]ProjectRow, 0, len(pl.Projects))
	for _, p := range pl.Projects {
		row := ProjectRow{ID: p.ID, Name: p.Name, Category: p.Category, Method: p.Method, Reason: p.Reason, Total: analysis.Dollars(p.Total),
			Placed: analysis.Dollars(p.Placed), Citywide: analysis.Dollars(p.Citywide), Unplaced: analysis.Dollars(p.Unplaced), Apart: analysis.Dollars(p.Apart),
			Areas: []ProjectArea{}}
		for k, s := range p.Shares {
			if k < len(p.Cents) && p.Cents[k] != 0 {
				row.Areas = append(row.Areas, ProjectArea{Area: layer.Areas[s.Area].ID, Dollars: analysis.Dollars(p.Cents[k])})
			}
		}
		out = append(out, row)
	}
	return out
}

func (a *Analysis) notes(pl *Placement, fr *Frame) {
	t := pl.Totals
	a.Notes = append(a.Notes, fmt.Sprintf("Placed %s + citywide %s + unplaced %s + apart %s = total %s.", money(t.Placed), money(t.Citywide), money(t.Unplaced), money(t.Apart), money(t.Total)))
	if t.Citywide > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("Citywide projects (%s, %.1f%% of the plan) serve the whole city and are in no area's dollars.", money(t.Citywide), 100*float64(t.Citywide)/float64(t.Total)))
	}
	var missing []string
	for k := range fr.Layer.Areas {
		if !(fr.Population[k] > 0) {
			missing = append(missing, fr.Layer.Areas[k].ID)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		a.Notes = append(a.Notes, fmt.Sprintf("%d areas have no residents counted (%s): they have no per-resident figure and are left out of the concentration index.", len(missing), idsText(missing)))
	}
	if fr.Need == nil {
		a.Notes = append(a.Notes, "No need measure: give a need run on the layer (budgetlens index run) or --rank-by ATTR to see dollars by need.")
	}
}

func idsText(ids []string) string {
	if len(ids) > 10 {
		return fmt.Sprintf("%s, ... (%d in all)", joinIDs(ids[:10]), len(ids))
	}
	return joinIDs(ids)
}

func joinIDs(ids []string) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += ", "
		}
		s += id
	}
	return s
}

// EquityOf gives the scenario figures of a selection of the plan: the
// selected projects placed as pl placed them, by need tier.
func EquityOf(pl *Placement, fr *Frame, selected map[string]bool, highNeed int64, cost int64) projects.Equity {
	cents := make([]int64, len(pl.Areas))
	e := projects.Equity{Layer: pl.Layer}
	for _, p := range pl.Projects {
		if !selected[p.ID] {
			continue
		}
		e.PlacedCents += p.Placed
		e.CitywideCents += p.Citywide
		e.UnplacedCents += p.Unplaced
		e.ApartCents += p.Apart
		for k, s := range p.Shares {
			if k < len(p.Cents) {
				cents[s.Area] += p.Cents[k]
			}
		}
	}
	if cost > 0 {
		e.HighNeedShare = float64(highNeed) / float64(cost)
	}
	if fr.Need == nil {
		return e
	}
	e.Need, e.Tiers = fr.Need.Label, fr.Need.Tiers
	rows := tierRows(fr, cents)
	for _, r := range rows {
		e.PerResident = append(e.PerResident, nanZero(r.PerResident))
	}
	if len(rows) > 0 {
		top := rows[len(rows)-1]
		e.TopTierCents = int64(top.Dollars)
		e.TopTierDollarShare, e.TopTierPopulationShare = nanZero(top.DollarShare), nanZero(top.PopulationShare)
	}
	e.Concentration, e.Valid = ConcentrationIndex(cents, fr.Population, fr.Need.Score)
	return e
}

func nanZero(n budget.Num) float64 {
	if n.Missing() {
		return 0
	}
	return float64(n)
}
