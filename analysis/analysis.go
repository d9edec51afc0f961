// Package analysis is budgetlens' equity assessment of a budget phase: it
// joins the phase's line items, the attribution rules that place each dollar
// in areas, the areas' populations and need (a need-index run aggregated to
// the layer), and service events, and measures whether spending reaches need.
//
// For a layer of n areas with attributed dollars S_a, population P_a and need
// score N_a it computes: per-capita spending S_a/P_a; need tiers (areas ranked
// by N_a and cut into equal counts, tier T = most need); per-capita spending by
// tier with bootstrap intervals; the top tier's share of dollars against its
// share of population; the concentration index of S_a/P_a ranked by N_a with
// weights P_a (positive = spending per resident rises with need) and its
// bootstrap interval; the Theil T decomposition of per-capita spending between
// and within council districts; representation ratios by tier and by
// population group; LISA clusters of per-capita spending; per-department
// accounting and reach; and each budget request's contribution to the change
// in the top tier's share. Every dollar of the phase is accounted for:
// attributed + unattributed = phase total, to the cent.
//
// The package is pure: inputs are values, nothing is read from a store.
// Results are deterministic (seeded bootstraps and permutations, ordered
// output), so two runs give identical output.
package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/metrics"
	"github.com/budgetlens/budgetlens/need"
)

// DefaultSeed seeds every bootstrap and permutation.
const DefaultSeed = 20210701

// Input is everything one analysis needs.
type Input struct {
	Jurisdiction string
	FiscalYear   budget.FiscalYear
	Phase        budget.Phase
	// Items are the phase's expenditure line items; PhaseTotal their sum as
	// the store reports it (checked against the items).
	Items      []budget.LineItem
	PhaseTotal int64
	// Requests are the fiscal year's budget requests (optional).
	Requests []budget.Request

	Layer *geo.Layer
	Index *geo.Index // of Layer; built when nil
	// Run is the need run; Small the layer of its areas (tract points), nil
	// when the run's areas are Layer's own.
	Run   *need.Run
	Small *geo.Layer
	Rules *attribute.Rules

	// Events summarise service requests located in Layer (positions as in
	// Layer); optional. Demand, when set, overrides the per-type counts.
	Events *events.Summary
	Demand map[string][]float64
	// EventsSynthetic marks the events as synthetic.
	EventsSynthetic bool
	EventsSource    string

	// Projects is a capital-project database placed apart (optional).
	Projects       []attribute.Project
	ProjectsSource string

	// Groups are population-group counts per small area (optional).
	Groups *GroupCounts

	// Units and Districts, when both set, give the Theil decomposition:
	// the units' per-capita spending grouped by the district holding each
	// unit's representative point. Units may be Layer itself.
	Units     *geo.Layer
	Districts *geo.Layer
	// UnitsDemand is the service demand by position in Units (optional;
	// without it demand rules fall back over the units).
	UnitsDemand map[string][]float64
	// CodeLayers are the layers whose area ids line items carry as their
	// own codes (Item.AreaLayer) when that is not Layer: rows coded by them
	// are placed in Layer's areas lying in the coded area.
	CodeLayers []*geo.Layer

	Tiers  int    // default 5
	Reps   int    // bootstrap replicates (default 999; negative: none)
	Perms  int    // LISA permutations (default 999; negative: none)
	Seed   uint64 // default DefaultSeed
	Inputs []Source
}

// Analyze runs the assessment.
func Analyze(in *Input) (*Result, error) {
	if in.Layer == nil || len(in.Layer.Areas) == 0 {
		return nil, budget.Errorf(budget.EINVALID, "analysis needs an area layer with areas")
	}
	if in.Rules == nil {
		return nil, budget.Errorf(budget.EINVALID, "analysis needs attribution rules")
	}
	if in.Tiers <= 0 {
		in.Tiers = 5
	}
	if in.Reps == 0 {
		in.Reps = 999
	}
	if in.Perms == 0 {
		in.Perms = 999
	}
	if in.Seed == 0 {
		in.Seed = DefaultSeed
	}
	if in.Index == nil {
		in.Index = geo.NewIndex(in.Layer)
	}
	fr, err := BuildFrame(in.Layer, in.Index, in.Run, in.Small, in.Groups, in.Tiers)
	if err != nil {
		return nil, err
	}
	if err := checkPopulation(fr); err != nil {
		return nil, err
	}
	in.Tiers = fr.Tiers
	var sum int64
	for _, li := range in.Items {
		sum += li.AmountCents
	}
	if sum != in.PhaseTotal {
		return nil, budget.Errorf(budget.EINTERNAL, "line items sum to %s but the phase total is %s", FormatCents(sum), FormatCents(in.PhaseTotal))
	}
	areas := attribute.NewAreas(in.Layer, in.Index)
	areas.Population = fr.Population
	areas.Demand = demand(in)
	for _, l := range in.CodeLayers {
		areas.CodesOfLayer(l)
	}
	items := LineItems(in.Items)
	att, err := attribute.Attribute(items, in.Rules, areas)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Jurisdiction: in.Jurisdiction, FiscalYear: in.FiscalYear.String(), Phase: string(in.Phase), Layer: in.Layer.Name, Tiers: in.Tiers,
		Notes: []string{},
	}
	res.Totals = totals(att, in.PhaseTotal, len(in.Items))
	res.City = cityRow(fr, att.ByArea)
	topArea := make([]bool, len(in.Layer.Areas))
	for i, t := range fr.Tier {
		topArea[i] = t == in.Tiers
	}
	res.Areas = areaRows(in.Layer, fr, att.ByArea)
	res.TierRows = tierRows(fr, att.ByArea, in.Reps, in.Seed)
	res.Headline = headline(fr, att.ByArea, res.TierRows, in.Tiers)
	res.Concentr, res.Curves = concentration(fr, att.ByArea, in.Reps, in.Seed, &res.Notes)
	if res.Concentr != nil {
		res.Headline.Concentration = res.Concentr.Index
		res.Headline.ConcentrationLow = res.Concentr.Low
		res.Headline.ConcentrationHigh = res.Concentr.High
	}
	res.Represent = representation(fr, att.ByArea, in.Reps, in.Seed, &res.Notes)
	res.GroupRep = groupRepresentation(fr, att.ByArea)
	res.LISA = lisa(in.Layer, fr, att.ByArea, res.Areas, in.Perms, in.Seed, &res.Notes)
	res.Depts = deptRows(att, items, topArea)
	if len(in.Requests) > 0 {
		res.Requests, err = requestContributions(in, areas, att, topArea, res.Depts)
		if err != nil {
			return nil, err
		}
	}
	if in.Units != nil && in.Districts != nil {
		res.Theil, err = theil(in, items)
		if err != nil {
			res.Notes = append(res.Notes, "Theil decomposition not computed: "+err.Error())
			res.Theil = nil
		}
	}
	if in.Events != nil {
		res.Events = eventsResult(in, fr, res.Areas)
	} else if in.Demand != nil {
		res.Events = demandResult(in, fr, res.Areas)
	}
	if len(in.Projects) > 0 {
		if res.Projects, err = projects(in, areas, fr); err != nil {
			return nil, err
		}
	}
	if fr.Unplaced > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d small areas of the need run lie outside every area of layer %s and are left out", fr.Unplaced, in.Layer.Name))
	}
	res.Provenance = Provenance{
		Version: budget.Version, Rules: in.Rules.Name, RulesVersion: in.Rules.Version, RulesHash: in.Rules.Hash,
		Mapping: fr.Mapping, PopSource: fr.PopulationSource, Seed: in.Seed, Inputs: inputsOf(in),
	}
	if r := in.Run; r != nil {
		res.Provenance.NeedRun, res.Provenance.NeedSpec, res.Provenance.NeedVersion = r.ID, r.Spec, r.SpecVersion
		res.Provenance.NeedHash, res.Provenance.NeedLayer = r.SpecHash, r.Layer
	} else {
		res.Notes = append(res.Notes, "no need-index run: dollars and dollars per resident only (build one with budgetlens index run to add need tiers)")
	}
	return res, nil
}

// PopulationError lists the areas of a layer whose population is 0 or
// missing: per-resident figures of such areas would be infinite or
// meaningless, so the analysis refuses them.
type PopulationError struct {
	Layer string
	Areas []string // ids, in layer order
}

func (e *PopulationError) Error() string {
	ids := e.Areas
	more := ""
	if len(ids) > 20 {
		ids, more = ids[:20], fmt.Sprintf(" and %d more", len(e.Areas)-20)
	}
	return fmt.Sprintf("layer %s: %d area(s) have no population (0 or missing): %s%s; import the layer with --population-field, or build a need run over small areas with population (budgetlens index run), then run budgetlens check",
		e.Layer, len(e.Areas), strings.Join(ids, ", "), more)
}

// checkPopulation refuses a frame in which an area has no population.
func checkPopulation(fr *Frame) error {
	var bad []string
	for i, p := range fr.Population {
		if !(p > 0) || math.IsInf(p, 0) {
			bad = append(bad, fr.Layer.Areas[i].ID)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return budget.Wrap(budget.EINVALID, &PopulationError{Layer: fr.Layer.Name, Areas: bad}, "analysis refused")
}

// cityRow sums the layer: the city's population, placed dollars and placed
// dollars per resident (the average every area is compared with).
func cityRow(fr *Frame, byArea []int64) CityRow {
	var c CityRow
	for i := range byArea {
		c.Amount += Dollars(byArea[i])
		c.Population += fr.Population[i]
	}
	c.PerCapita = ratio(c.Amount.Float(), c.Population)
	return c
}

func inputsOf(in *Input) []Source {
	out := append([]Source{}, in.Inputs...)
	if in.Run != nil {
		for _, x := range in.Run.Inputs {
			out = append(out, Source{Role: "need " + x.Role, Name: x.File, SHA256: x.Hash})
		}
	}
	if in.Groups != nil && in.Groups.Hash != "" {
		out = append(out, Source{Role: "population groups", Name: in.Groups.Source, SHA256: in.Groups.Hash})
	}
	out = append(out, Source{Role: "attribution rules", Name: in.Rules.Name, SHA256: in.Rules.Hash})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Role != out[j].Role {
			return out[i].Role < out[j].Role
		}
		return out[i].Name < out[j].Name
	})
	// drop exact duplicates
	var dedup []Source
	for i, x := range out {
		if i > 0 && x == out[i-1] {
			continue
		}
		dedup = append(dedup, x)
	}
	return dedup
}

// demand returns per-type event counts by area position.
func demand(in *Input) map[string][]float64 {
	if in.Demand != nil {
		return in.Demand
	}
	if in.Events == nil {
		return nil
	}
	return DemandOf(in.Events, in.Layer)
}

// DemandOf turns a summary's per-area type counts into attribute demand by
// position in layer (areas matched by id).
func DemandOf(s *events.Summary, layer *geo.Layer) map[string][]float64 {
	out := map[string][]float64{}
	for _, a := range s.Areas {
		pos, ok := layer.Index(a.AreaID)
		if !ok {
			continue
		}
		for t, c := range a.ByType {
			v := out[t]
			if v == nil {
				v = make([]float64, len(layer.Areas))
				out[t] = v
			}
			v[pos] += float64(c)
		}
	}
	return out
}

// LineItems turns budget line items into attribution items.
func LineItems(li []budget.LineItem) []attribute.Item {
	out := make([]attribute.Item, len(li))
	for i, l := range li {
		out[i] = attribute.Item{
			ID:       fmt.Sprintf("%s#%d", l.Key, l.Line),
			DeptCode: l.Department.Code, DeptName: l.Department.Name,
			FundCode: l.Fund.Code, FundName: l.Fund.Name,
			ProgramCode: l.Program.Code, ProgramName: l.Program.Name,
			AccountCode: l.Account.Code, AccountName: l.Account.Name,
			Cents: l.AmountCents, AreaCodes: l.Area, OwnCodes: l.Area != "", AreaLayer: l.AreaLayer,
		}
	}
	return out
}

func totals(att *attribute.Result, phaseTotal int64, n int) Totals {
	t := Totals{PhaseTotal: Dollars(phaseTotal), Attributed: Dollars(att.Total.Attributed), Unattributed: Dollars(att.Total.Unattributed),
		ByMethod: map[string]Dollars{}, UnattributedReasons: map[string]Dollars{}, LineItems: n}
	t.AttributedShare = ratio(float64(att.Total.Attributed), float64(att.Total.Total))
	for m, c := range att.Total.ByMethod {
		t.ByMethod[m] = Dollars(c)
	}
	for _, u := range att.Unattributed {
		r := u.Reason
		if r == "" {
			r = "not attributable"
		}
		t.UnattributedReasons[r] += Dollars(u.Cents)
	}
	return t
}

func ratio(a, b float64) Num {
	if b == 0 {
		return Num(math.NaN())
	}
	return Num(a / b)
}

func areaRows(l *geo.Layer, fr *Frame, byArea []int64) []AreaRow {
	var S, P float64
	for i := range l.Areas {
		S += float64(byArea[i]) / 100
		P += fr.Population[i]
	}
	city := S / P
	rows := make([]AreaRow, len(l.Areas))
	for i, a := range l.Areas {
		amt := float64(byArea[i]) / 100
		r := AreaRow{AreaID: a.ID, Name: a.Name, Population: fr.Population[i], Amount: Dollars(byArea[i]),
			NeedScore: Num(fr.Score[i]), NeedTier: fr.Tier[i], TierLabel: TierLabel(fr.Tier[i], fr.Tiers),
			DesignatedShare: Num(fr.TopShare[i]), SmallAreas: fr.SmallAreas[i],
			PerCapita: ratio(amt, fr.Population[i]), SpendShare: ratio(amt, S), PopShare: ratio(fr.Population[i], P),
			EventRate: Num(math.NaN()), MedianHours: Num(math.NaN()), P90Hours: Num(math.NaN())}
		r.Gap = r.SpendShare - r.PopShare
		r.PerCapitaGap = r.PerCapita - Num(city)
		rows[i] = r
	}
	return rows
}

// tierRows sums areas by tier; the per-capita interval resamples the tier's
// areas with replacement (reps times, seeded) and takes the 2.5th and 97.5th
// percentiles (type 7) of sum S / sum P.
func tierRows(fr *Frame, byArea []int64, reps int, seed uint64) []TierRow {
	var S, P float64
	for i := range byArea {
		S += float64(byArea[i]) / 100
		P += fr.Population[i]
	}
	var rows []TierRow
	for t := 0; t <= fr.Tiers; t++ {
		var idx []int
		for i, x := range fr.Tier {
			if x == t {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		r := TierRow{Tier: t, Label: TierLabel(t, fr.Tiers), Areas: len(idx)}
		var s, w, ws float64
		for _, i := range idx {
			r.Amount += Dollars(byArea[i])
			r.Population += fr.Population[i]
			s += float64(byArea[i]) / 100
			if !math.IsNaN(fr.Score[i]) {
				w += fr.Population[i]
				ws += fr.Population[i] * fr.Score[i]
			}
		}
		r.PerCapita = ratio(s, r.Population)
		r.SpendShare = ratio(s, S)
		r.PopShare = ratio(r.Population, P)
		r.MeanScore = ratio(ws, w)
		r.PerCapitaLow, r.PerCapitaHigh = Num(math.NaN()), Num(math.NaN())
		if reps > 0 && len(idx) > 1 {
			lo, hi := bootRatio(idx, byArea, fr.Population, reps, seed+uint64(t))
			r.PerCapitaLow, r.PerCapitaHigh = Num(lo), Num(hi)
		}
		rows = append(rows, r)
	}
	return rows
}

func headline(fr *Frame, byArea []int64, tiers []TierRow, n int) Headline {
	var S, P, D, DP float64
	for i := range byArea {
		s := float64(byArea[i]) / 100
		S += s
		P += fr.Population[i]
		if !math.IsNaN(fr.TopShare[i]) {
			D += s * fr.TopShare[i]
			DP += fr.Population[i] * fr.TopShare[i]
		}
	}
	h := Headline{Population: P, PerCapita: ratio(S, P), TopTierSpendShare: Num(math.NaN()), TopTierPopShare: Num(math.NaN()),
		TopTierRatio: Num(math.NaN()), DesignatedSpendShare: ratio(D, S), DesignatedPopShare: ratio(DP, P),
		Concentration: Num(math.NaN()), ConcentrationLow: Num(math.NaN()), ConcentrationHigh: Num(math.NaN()), PerCapitaTopToBottom: Num(math.NaN())}
	var top, bottom *TierRow
	for i := range tiers {
		if tiers[i].Tier == n {
			top = &tiers[i]
		}
		if tiers[i].Tier == 1 {
			bottom = &tiers[i]
		}
	}
	if top != nil {
		h.TopTierSpendShare, h.TopTierPopShare = top.SpendShare, top.PopShare
		h.TopTierRatio = ratio(float64(top.SpendShare), float64(top.PopShare))
	}
	if top != nil && bottom != nil {
		h.PerCapitaTopToBottom = ratio(float64(top.PerCapita), float64(bottom.PerCapita))
	}
	return h
}

// scored returns the positions of areas with a population and a need score.
func scored(fr *Frame) []int {
	var idx []int
	for i := range fr.Population {
		if fr.Population[i] > 0 && !math.IsNaN(fr.Score[i]) {
			idx = append(idx, i)
		}
	}
	return idx
}

func concentration(fr *Frame, byArea []int64, reps int, seed uint64, notes *[]string) (*ConcResult, *Curves) {
	idx := scored(fr)
	if len(idx) < 3 {
		*notes = append(*notes, "concentration index not computed: fewer than 3 areas have both a population and a need score")
		return nil, nil
	}
	y := make([]float64, len(idx))
	rk := make([]float64, len(idx))
	w := make([]float64, len(idx))
	for k, i := range idx {
		y[k] = float64(byArea[i]) / 100 / fr.Population[i]
		rk[k] = fr.Score[i]
		w[k] = fr.Population[i]
	}
	c, err := metrics.ConcentrationIndex(y, rk, w)
	if err != nil {
		*notes = append(*notes, "concentration index not computed: "+err.Error())
		return nil, nil
	}
	r := &ConcResult{Index: Num(c.Index), SEDelta: Num(c.SEDelta), Low: Num(math.NaN()), High: Num(math.NaN()), Level: 0.95,
		Units: len(idx), RankedBy: "need score (ascending: most need last)"}
	if reps > 0 {
		iv, err := metrics.BootstrapCI(y, rk, w, reps, seed, 0.95)
		if err == nil {
			r.Low, r.High, r.Reps, r.Seed = Num(iv.Low), Num(iv.High), iv.Reps, iv.Seed
		}
	}
	switch {
	case !r.Low.Missing() && r.Low > 0:
		r.Interpretation = "per-capita spending rises with need (the interval is above zero)"
	case !r.High.Missing() && r.High < 0:
		r.Interpretation = "per-capita spending falls as need rises (the interval is below zero)"
	default:
		r.Interpretation = "no clear relation between per-capita spending and need (the interval includes zero)"
	}
	cv := &Curves{Gini: Num(math.NaN())}
	if l, err := metrics.Lorenz(y, w); err == nil {
		cv.LorenzP, cv.LorenzL = l.P, l.L
	}
	if cc, err := metrics.ConcentrationCurve(y, rk, w); err == nil {
		cv.ConcP, cv.ConcL = cc.P, cc.L
	}
	if g, err := metrics.Gini(y, w, metrics.GiniOptions{}); err == nil {
		cv.Gini = Num(g)
	}
	return r, cv
}

func representation(fr *Frame, byArea []int64, reps int, seed uint64, notes *[]string) []RepRow {
	idx := scored(fr)
	if len(idx) < 2 {
		return nil
	}
	groups := make([]string, len(idx))
	pop := make([]float64, len(idx))
	spend := make([]float64, len(idx))
	nd := make([]float64, len(idx))
	for k, i := range idx {
		groups[k] = fmt.Sprintf("tier %d", fr.Tier[i])
		pop[k] = fr.Population[i]
		spend[k] = float64(byArea[i]) / 100
		nd[k] = fr.Score[i]
	}
	opt := metrics.RepresentationOptions{Reps: reps, Seed: seed, Level: 0.95}
	if reps < 0 {
		opt.Reps = 0
	}
	rr, err := metrics.RepresentationRatios(groups, pop, spend, nd, opt)
	if err != nil {
		*notes = append(*notes, "representation ratios not computed: "+err.Error())
		return nil
	}
	out := make([]RepRow, len(rr))
	for i, r := range rr {
		out[i] = RepRow{Group: r.Group, Units: r.Units, PopShare: Num(r.PopShare), SpendShare: Num(r.SpendShare), NeedShare: Num(r.NeedShare),
			RatioPop: Num(r.RatioPop), RatioPopLo: Num(r.RatioPopCI[0]), RatioPopHi: Num(r.RatioPopCI[1]), RatioNeed: Num(r.RatioNeed)}
	}
	return out
}

// groupRepresentation applies the SEDT demographic disparity to the areas:
// each area's share of the dollars weights its residents' group shares.
func groupRepresentation(fr *Frame, byArea []int64) []GroupRow {
	tot := fr.Groups["total"]
	if tot == nil {
		return nil
	}
	var S float64
	for i := range byArea {
		S += float64(byArea[i]) / 100
	}
	var T float64
	for _, v := range tot {
		T += v
	}
	if T <= 0 || S == 0 {
		return nil
	}
	tracts := make([]SEDTTract, len(byArea))
	g := &SEDTGeographic{Tracts: make([]SEDTTractResult, len(byArea))}
	city := map[string]float64{}
	var names []string
	for name := range fr.Groups {
		if name != "total" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		var c float64
		for _, v := range fr.Groups[name] {
			c += v
		}
		city[name] = 100 * c / T
	}
	for i := range byArea {
		tracts[i] = SEDTTract{GEOID: fr.Layer.Areas[i].ID, Pct: map[string]float64{}}
		if tot[i] > 0 {
			for _, name := range names {
				tracts[i].Pct[name] = 100 * fr.Groups[name][i] / tot[i]
			}
		}
		g.Tracts[i] = SEDTTractResult{GEOID: tracts[i].GEOID, DataProp: float64(byArea[i]) / 100 / S}
	}
	dd := DemographicDisparity(tracts, g, city)
	var out []GroupRow
	for _, d := range dd {
		var popg float64
		for _, v := range fr.Groups[d.Group] {
			popg += v
		}
		// dollars reaching the group: sum_a S_a g_a / t_a
		var reach float64
		for i := range byArea {
			if tot[i] > 0 {
				reach += float64(byArea[i]) / 100 * fr.Groups[d.Group][i] / tot[i]
			}
		}
		out = append(out, GroupRow{Group: d.Group, Population: popg, DataValue: Num(d.DataValue), CityValue: Num(d.CityValue),
			Diff: Num(d.Diff), Ratio: ratio(d.DataValue, d.CityValue), PerCapita: ratio(reach, popg)})
	}
	return out
}

func lisa(l *geo.Layer, fr *Frame, byArea []int64, rows []AreaRow, perms int, seed uint64, notes *[]string) *LISAResult {
	poly := 0
	for _, a := range l.Areas {
		if !a.PointOnly() {
			poly++
		}
	}
	if poly < len(l.Areas) || len(l.Areas) < 5 {
		*notes = append(*notes, "LISA clusters need a layer of at least 5 polygons; not computed for layer "+l.Name)
		return nil
	}
	adj := geo.Adjacency(l, geo.Queen)
	var keep []int
	for i := range l.Areas {
		if fr.Population[i] > 0 {
			keep = append(keep, i)
		}
	}
	pos := make([]int, len(l.Areas))
	for i := range pos {
		pos[i] = -1
	}
	for k, i := range keep {
		pos[i] = k
	}
	sub := make([][]int, len(keep))
	ids := make([]string, len(keep))
	x := make([]float64, len(keep))
	for k, i := range keep {
		ids[k] = l.Areas[i].ID
		x[k] = float64(byArea[i]) / 100 / fr.Population[i]
		for _, j := range adj[i] {
			if pos[j] >= 0 {
				sub[k] = append(sub[k], pos[j])
			}
		}
	}
	W, err := metrics.WeightsFromAdjacency(ids, sub)
	if err == nil {
		W, err = W.Transformed("r")
	}
	if err != nil {
		*notes = append(*notes, "LISA not computed: "+err.Error())
		return nil
	}
	p := perms
	if p < 0 {
		p = 0
	}
	lm, err := metrics.LocalMoran(x, W, metrics.LocalOptions{Permutations: p, Seed: seed, Alpha: 0.05})
	if err != nil {
		*notes = append(*notes, "LISA not computed: "+err.Error())
		return nil
	}
	out := &LISAResult{Variable: "per-capita spending", Perms: p, Seed: seed, Alpha: 0.05, Counts: map[string]int{}}
	for k, i := range keep {
		c := lm.Cluster[k]
		if p == 0 {
			c = lm.Quadrant[k]
		}
		rows[i].LISA = c
		out.Counts[c]++
		if lm.Quadrant[k] == "Island" {
			out.Islands++
		}
	}
	out.Note = "HighHigh: a hot spot (high per-capita spending among high neighbours); LowLow: a cold spot; significance by conditional permutation at 5%"
	return out
}

func deptRows(att *attribute.Result, items []attribute.Item, top []bool) []DeptRow {
	names := map[string]string{}
	for i := range items {
		k := items[i].Dept()
		if names[k] == "" {
			names[k] = items[i].DeptName
		}
	}
	topC := map[string]int64{}
	rules := map[string]map[string]bool{}
	for _, p := range att.Placements {
		if p.Area >= 0 && p.Area < len(top) && top[p.Area] {
			topC[p.Dept] += p.Cents
		}
		if rules[p.Dept] == nil {
			rules[p.Dept] = map[string]bool{}
		}
		rules[p.Dept][p.Rule] = true
	}
	for _, u := range att.Unattributed {
		if rules[u.Dept] == nil {
			rules[u.Dept] = map[string]bool{}
		}
		rules[u.Dept][u.Rule] = true
	}
	var out []DeptRow
	for _, d := range att.Departments {
		r := DeptRow{Dept: d.Dept, Name: names[d.Dept], Total: Dollars(d.Total), Attributed: Dollars(d.Attributed), Unattributed: Dollars(d.Unattributed),
			AttributedShare: ratio(float64(d.Attributed), float64(d.Total)), TopTierShare: ratio(float64(topC[d.Dept]), float64(d.Attributed)),
			Methods: map[string]Dollars{}, RequestChange: Num(math.NaN()), TopRequestContribution: Num(math.NaN())}
		for m, c := range d.ByMethod {
			r.Methods[m] = Dollars(c)
		}
		for rule := range rules[d.Dept] {
			r.Rules = append(r.Rules, rule)
		}
		sort.Strings(r.Rules)
		out = append(out, r)
	}
	return out
}

// requestContributions places each request's change with the same rules and
// decomposes the change in the top tier's share of attributed dollars:
// with T and A the top-tier and attributed dollars of the phase, t_r and a_r
// those of request r, the share without the requests is
// s0 = (T - sum t)/(A - sum a) and the contribution of r is
// (t_r - s0 a_r) / A; the contributions sum exactly to T/A - s0.
func requestContributions(in *Input, areas *attribute.Areas, att *attribute.Result, top []bool, depts []DeptRow) (*RequestsRes, error) {
	var items []attribute.Item
	var reqs []budget.Request
	for _, r := range in.Requests {
		var c *int64
		if in.Phase == budget.Proposed {
			c = r.ProposedCents
		} else {
			c = r.AdoptedCents
		}
		if c == nil || *c == 0 {
			continue
		}
		it := attribute.Item{ID: fmt.Sprintf("%s#%d", r.Key, r.Line), DeptCode: r.Department.Code, DeptName: r.Department.Name,
			FundCode: r.Fund.Code, FundName: r.Fund.Name, ProgramCode: r.Program.Code, ProgramName: r.Program.Name,
			AccountCode: r.Account.Code, AccountName: r.Account.Name, Cents: *c}
		items = append(items, it)
		reqs = append(reqs, r)
	}
	out := &RequestsRes{Phase: string(in.Phase), Count: len(items)}
	if len(items) == 0 {
		return out, nil
	}
	ra, err := attribute.Attribute(items, in.Rules, areas)
	if err != nil {
		return nil, err
	}
	attC := map[string]int64{}
	topC := map[string]int64{}
	method := map[string]string{}
	for _, p := range ra.Placements {
		attC[p.Item] += p.Cents
		if top[p.Area] {
			topC[p.Item] += p.Cents
		}
		if method[p.Item] == "" {
			method[p.Item] = p.Method
		}
	}
	for _, u := range ra.Unattributed {
		if method[u.Item] == "" {
			method[u.Item] = attribute.NotAttributable
		}
	}
	var T, A int64
	for _, p := range att.Placements {
		A += p.Cents
		if top[p.Area] {
			T += p.Cents
		}
	}
	var st, sa int64
	for _, it := range items {
		st += topC[it.ID]
		sa += attC[it.ID]
		out.Change += Dollars(it.Cents)
	}
	out.Attributed = Dollars(sa)
	s0 := float64(ratio(float64(T-st), float64(A-sa)))
	out.BaseShare = Num(s0)
	out.NewShare = ratio(float64(T), float64(A))
	out.ShareChange = out.NewShare - out.BaseShare
	byDept := map[string]float64{}
	for i, it := range items {
		c := float64(ratio(float64(topC[it.ID])-s0*float64(attC[it.ID]), float64(A)))
		r := reqs[i]
		out.Rows = append(out.Rows, RequestRow{Key: it.ID, Dept: it.Dept(), DeptName: r.Department.Name, Program: r.Program.Name,
			Description: strings.TrimSpace(r.Description), Change: Dollars(it.Cents), Attributed: Dollars(attC[it.ID]), TopTier: Dollars(topC[it.ID]),
			Method: method[it.ID], Contribution: Num(c)})
		byDept[it.Dept()] += c
	}
	sort.SliceStable(out.Rows, func(i, j int) bool {
		a, b := math.Abs(float64(out.Rows[i].Contribution)), math.Abs(float64(out.Rows[j].Contribution))
		if a != b {
			return a > b
		}
		return out.Rows[i].Key < out.Rows[j].Key
	})
	topRow := map[string]RequestRow{}
	for _, row := range out.Rows { // largest contribution first
		if _, ok := topRow[row.Dept]; !ok {
			topRow[row.Dept] = row
		}
	}
	for i := range depts {
		if v, ok := byDept[depts[i].Dept]; ok {
			depts[i].RequestChange = Num(v)
		}
		if row, ok := topRow[depts[i].Dept]; ok {
			depts[i].TopRequest = row.Description
			if row.Program != "" {
				depts[i].TopRequest = row.Program + ": " + row.Description
			}
			depts[i].TopRequestContribution = row.Contribution
		}
	}
	return out, nil
}

// theil attributes the items over the units layer and decomposes Theil T of
// per-capita spending by the district holding each unit's representative
// point.
func theil(in *Input, items []attribute.Item) (*TheilResult, error) {
	units := in.Units
	var uix *geo.Index
	if units.Name == in.Layer.Name {
		uix = in.Index
	} else {
		uix = geo.NewIndex(units)
	}
	fr, err := BuildFrame(units, uix, in.Run, in.Small, nil, in.Tiers)
	if err != nil {
		return nil, err
	}
	ua := attribute.NewAreas(units, uix)
	ua.Population = fr.Population
	for _, l := range in.CodeLayers {
		ua.CodesOfLayer(l)
	}
	if in.Layer.Name != units.Name {
		ua.CodesOfLayer(in.Layer)
	}
	if units.Name == in.Layer.Name {
		ua.Demand = demand(in)
	} else {
		ua.Demand = in.UnitsDemand
	}
	att, err := attribute.Attribute(items, in.Rules, ua)
	if err != nil {
		return nil, err
	}
	dix := geo.NewIndex(in.Districts)
	var x, w []float64
	var g []string
	for i := range units.Areas {
		if fr.Population[i] <= 0 {
			continue
		}
		pt := geo.RepresentativePoint(&units.Areas[i])
		d, ok := dix.Locate(pt[0], pt[1])
		if !ok {
			continue
		}
		x = append(x, float64(att.ByArea[i])/100/fr.Population[i])
		w = append(w, fr.Population[i])
		g = append(g, in.Districts.Areas[d].ID)
	}
	dec, err := metrics.TheilDecomposition(x, w, g)
	if err != nil {
		return nil, err
	}
	out := &TheilResult{Units: units.Name, GroupedBy: in.Districts.Name, N: len(x), Total: Num(dec.Total), Between: Num(dec.Between), Within: Num(dec.Within),
		BetweenPct: ratio(dec.Between, dec.Total)}
	cnt := map[string]int{}
	for _, s := range g {
		cnt[s]++
	}
	for _, t := range dec.Groups {
		out.Groups = append(out.Groups, TheilGroup{Group: t.Group, Units: cnt[t.Group], PopShare: Num(t.PopShare), Share: Num(t.IncomeShare), PerCapita: Num(t.Mean), Index: Num(t.Index)})
	}
	sort.SliceStable(out.Groups, func(i, j int) bool { return naturalLess(out.Groups[i].Group, out.Groups[j].Group) })
	if ua.Demand == nil && in.Events != nil {
		out.Note = "service demand at the unit level is not available; demand-based rules fall back as written in the rules"
	}
	return out, nil
}

// naturalLess orders "2" before "10".
func naturalLess(a, b string) bool {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		return len(a) < len(b)
	}
	return a < b
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func eventsResult(in *Input, fr *Frame, rows []AreaRow) *EventsRes {
	s := in.Events
	out := &EventsRes{Source: in.EventsSource, Synthetic: in.EventsSynthetic, Rows: s.Rows, Located: s.Located, ByCode: s.ByCode, Unplaced: s.Unplaced}
	for _, a := range s.Areas {
		pos, ok := in.Layer.Index(a.AreaID)
		if !ok {
			continue
		}
		c := a.Count
		rows[pos].Events = &c
		if fr.Population[pos] > 0 {
			rows[pos].EventRate = Num(float64(c) / fr.Population[pos] * 1000)
		}
		rows[pos].MedianHours = numPtr(a.MedianHours)
		rows[pos].P90Hours = numPtr(a.P90Hours)
	}
	// tiers by the summary's own area order, labelled by tier number
	tier := make([]string, len(s.Areas))
	for i, a := range s.Areas {
		if pos, ok := in.Layer.Index(a.AreaID); ok && fr.Tier[pos] > 0 {
			tier[i] = itoa(fr.Tier[pos])
			s.Areas[i].Population = fr.Population[pos]
		}
	}
	var order []string
	for t := 1; t <= fr.Tiers; t++ {
		order = append(order, itoa(t))
	}
	if ts, err := s.ByTier(tier, order); err == nil {
		for _, t := range ts {
			tn := 0
			fmt.Sscan(t.Tier, &tn)
			var pop float64
			for i, x := range fr.Tier {
				if x == tn {
					pop += fr.Population[i]
				}
			}
			out.Tiers = append(out.Tiers, EvTier{Tier: tn, Label: TierLabel(tn, fr.Tiers), Population: pop, Count: t.Count,
				Rate: ratio(float64(t.Count)*1000, pop), MedianHours: numPtr(t.MedianHours), P90Hours: numPtr(t.P90Hours)})
		}
	}
	for _, t := range s.Types {
		out.Types = append(out.Types, EvType{Type: t.Type, Count: t.Count, MedianHours: numPtr(t.MedianHours), P90Hours: numPtr(t.P90Hours)})
	}
	return out
}

func numPtr(p *float64) Num {
	if p == nil {
		return Num(math.NaN())
	}
	return Num(*p)
}

// projects places the local projects with the rules (by geometry, else as
// the rules fall back) and sums them by need tier; megaprojects are listed.
func projects(in *Input, areas *attribute.Areas, fr *Frame) (*ProjectsRes, error) {
	local, mega := attribute.ProjectItems(in.Projects)
	out := &ProjectsRes{Source: in.ProjectsSource, Count: len(local), ByMethod: map[string]Dollars{}}
	att, err := attribute.Attribute(local, in.Rules, areas)
	if err != nil {
		return nil, err
	}
	out.Total, out.Attributed = Dollars(att.Total.Total), Dollars(att.Total.Attributed)
	for m, c := range att.Total.ByMethod {
		out.ByMethod[m] = Dollars(c)
	}
	byTier := map[int]int64{}
	popTier := map[int]float64{}
	for i, t := range fr.Tier {
		byTier[t] += att.ByArea[i]
		popTier[t] += fr.Population[i]
	}
	for t := 1; t <= fr.Tiers; t++ {
		out.Tiers = append(out.Tiers, ProjectTier{Tier: t, Label: TierLabel(t, fr.Tiers), Population: popTier[t], Amount: Dollars(byTier[t]),
			PerCapita: ratio(float64(byTier[t])/100, popTier[t]), Share: ratio(float64(byTier[t]), float64(att.Total.Attributed))})
	}
	out.TopTierShare = ratio(float64(byTier[fr.Tiers]), float64(att.Total.Attributed))
	byID := map[string]attribute.Project{}
	for _, p := range in.Projects {
		byID[p.ID] = p
	}
	for _, m := range mega {
		p := byID[m.ID]
		out.Mega = append(out.Mega, Megaproject{Title: p.Title, Amount: Dollars(m.Cents), CD: p.CD})
		out.MegaTotal += Dollars(m.Cents)
	}
	sort.SliceStable(out.Mega, func(i, j int) bool { return out.Mega[i].Amount > out.Mega[j].Amount })
	return out, nil
}

// demandResult summarises stored demand counts (no response times: those
// need the requests themselves) per area and per tier.
func demandResult(in *Input, fr *Frame, rows []AreaRow) *EventsRes {
	out := &EventsRes{Source: in.EventsSource, Synthetic: in.EventsSynthetic}
	count := make([]int, len(rows))
	types := map[string]int{}
	for t, v := range in.Demand {
		for i, c := range v {
			count[i] += int(c)
			types[t] += int(c)
		}
	}
	byTier := map[int]int{}
	for i := range rows {
		c := count[i]
		rows[i].Events = &c
		rows[i].EventRate = ratio(float64(c)*1000, fr.Population[i])
		byTier[fr.Tier[i]] += c
		out.Located += c
	}
	out.Rows = out.Located
	for t := 1; t <= fr.Tiers; t++ {
		var pop float64
		for i, x := range fr.Tier {
			if x == t {
				pop += fr.Population[i]
			}
		}
		out.Tiers = append(out.Tiers, EvTier{Tier: t, Label: TierLabel(t, fr.Tiers), Population: pop, Count: byTier[t],
			Rate: ratio(float64(byTier[t])*1000, pop), MedianHours: Num(math.NaN()), P90Hours: Num(math.NaN())})
	}
	var names []string
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		out.Types = append(out.Types, EvType{Type: t, Count: types[t], MedianHours: Num(math.NaN()), P90Hours: Num(math.NaN())})
	}
	return out
}
