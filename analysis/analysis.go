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
	"github.com/budgetlens/budgetlens/report"
)

// DefaultSeed seeds every permutation.
const DefaultSeed = 20210701

// Input is everything one analysis needs.
type Input struct {
	Jurisdiction string
	FiscalYear   budget.FiscalYear
	Phase        budget.Phase
	// Items are the phase's expenditure line items, each dollar once (the
	// caller consolidates transfers: budget.Consolidate, and says how in
	// Consolidation); PhaseTotal is their sum (checked against the items).
	Items         []budget.LineItem
	PhaseTotal    int64
	Consolidation *budget.Consolidation
	// Requests are the fiscal year's budget requests (optional).
	Requests []budget.Request

	Layer *geo.Layer
	Index *geo.Index // of Layer; built when nil
	// Lines describes the layer's lines and the period they were in force
	// (the caller resolves them); the analysis adds the counts.
	Lines LayerInfo
	// Run is the need run; Small the layer of its areas (tract points), nil
	// when the run's areas are Layer's own. Need describes the run's
	// measure; Measures are other measures of need per small area, each
	// one more member of the ensemble.
	Run      *need.Run
	Small    *geo.Layer
	Need     *NeedInfo
	Measures []NeedMeasure
	Rules    *attribute.Rules
	// Scenarios are whole rule sets added to the ensemble beside the
	// rules' declared variants (for example the rules restricted to the
	// strongest evidence: attribute.Rules.Restrict).
	Scenarios []Scenario

	// Events summarise service requests located in Layer (positions as in
	// Layer); optional. Demand, when set, overrides the per-type counts.
	Events *events.Summary
	Demand map[string][]float64
	// DemandEstimated marks Demand as an estimate of a period's requests
	// (a sample expanded to a volume), DemandOutside the requests it puts
	// in no area of Layer.
	DemandEstimated bool
	DemandOutside   float64
	// EventsSynthetic marks the events as synthetic.
	EventsSynthetic bool
	EventsSource    string

	// Sites are per_asset attributes computed from located things (loan
	// sites, parks, fire districts), by attribute name: each area's weight
	// is the sum of the sites in it (attribute.Areas.AddSites).
	Sites map[string][]attribute.Site

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

	Tiers  int    // need tiers (default 5: fifths of the residents)
	Perms  int    // LISA permutations (default 999; negative: none)
	Seed   uint64 // default DefaultSeed
	Inputs []Source
	// NoEnsemble skips the rule variants and need measures (comparisons
	// that only need the profile's figures).
	NoEnsemble bool
}

// Scenario is a whole rule set run beside the profile's in the ensemble.
type Scenario struct {
	Name  string
	Rules *attribute.Rules
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
	areas := newAreas(in, in.Layer, in.Index, fr, demand(in))
	items := LineItems(in.Items)
	att, err := attribute.Attribute(items, in.Rules, areas)
	if err != nil {
		return nil, err
	}
	op := operating(att, len(in.Layer.Areas))
	res := &Result{
		Jurisdiction: in.Jurisdiction, FiscalYear: in.FiscalYear.String(), Phase: string(in.Phase), Layer: layerInfo(in, fr), Tiers: in.Tiers,
		Need: needInfo(in), Notes: []string{},
	}
	res.Totals = totals(att, in, len(in.Items))
	res.City = cityRow(fr, op)
	res.Evidence = evidenceSteps(fr, att, int64(res.City.Amount))
	top := topFractions(fr, fr.Need)
	res.Areas = areaRows(in.Layer, fr, op, att.ByAreaClass)
	res.TierRows = tierRows(fr, fr.Need, op)
	res.Headline = headline(fr, op, res.TierRows, in.Tiers)
	res.Concentr, res.Curves = concentration(fr, fr.Need, op, &res.Notes)
	if res.Concentr != nil {
		res.Headline.Concentration = res.Concentr.Value
	}
	if in.Run != nil && !in.NoEnsemble {
		if err := runEnsemble(in, fr, areas, items, op, res); err != nil {
			return nil, err
		}
	} else if res.Concentr != nil {
		res.Concentr.Range = [2]Num{res.Concentr.Value, res.Concentr.Value}
		res.Concentr.Verdict = VerdictOf(res.Concentr.Value, res.Concentr.Value)
		res.Headline.ConcentrationMin, res.Headline.ConcentrationMax, res.Headline.Verdict = res.Concentr.Value, res.Concentr.Value, res.Concentr.Verdict
	}
	res.GroupRep = groupRepresentation(fr, op)
	if len(res.GroupRep) > 0 {
		res.GroupNote = groupNote(fr)
	}
	res.LISA = lisa(in.Layer, fr, op, res.Areas, in.Perms, in.Seed, &res.Notes)
	res.Depts = deptRows(att, items, in.Rules, top)
	res.Capital = capitalRes(att, in.Rules, fr, top)
	if len(in.Requests) > 0 {
		res.Requests, err = requestContributions(in, areas, att, top, res.Depts)
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
		res.Notes = append(res.Notes, outsideNote(fr, in.Layer.Name))
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

// outsideNote says how many of the need run's small areas, with how many
// residents, lie in no area of the layer, and what that does.
func outsideNote(fr *Frame, layer string) string {
	return fmt.Sprintf("%d small areas of the need run (%s residents) lie outside every area of layer %s: their residents are in no figure of this layer, and their share of every dollar placed per resident stays not attributable",
		fr.Unplaced, report.Format(fr.UnplacedPop, report.KindInt, 0), layer)
}

// layerInfo completes the caller's description of the layer's lines with
// the layer's counts.
func layerInfo(in *Input, fr *Frame) LayerInfo {
	l := in.Lines
	if l.Name == "" {
		l.Name = in.Layer.Name
	}
	if l.Lines == "" {
		l.Lines = in.Layer.Name
	}
	if l.From == "" && l.Note == "" {
		l.Note = "the period these lines were in force is not recorded"
	}
	l.Areas = len(in.Layer.Areas)
	for _, p := range fr.Population {
		l.Residents += p
	}
	l.OutsideAreas, l.Outside, l.OutsideIDs = fr.Unplaced, fr.UnplacedPop, fr.UnplacedIDs
	return l
}

func needInfo(in *Input) *NeedInfo {
	if in.Run == nil {
		return nil
	}
	n := NeedInfo{Name: in.Run.Spec, Label: specLabel(in.Run.Spec, in.Run.SpecVersion)}
	if in.Need != nil {
		n = *in.Need
		if n.Name == "" {
			n.Name = in.Run.Spec
		}
		if n.Label == "" {
			n.Label = specLabel(in.Run.Spec, in.Run.SpecVersion)
		}
	}
	return &n
}

// AreasOf prepares the analysis layer for attribution as Analyze does
// (populations of the frame, service demand, site lists, population
// groups, code layers), for callers that place the same items apart (the
// server's explorer), so that they place every dollar as the analysis does.
func AreasOf(in *Input, fr *Frame) *attribute.Areas {
	ix := in.Index
	if ix == nil {
		ix = geo.NewIndex(in.Layer)
	}
	return newAreas(in, in.Layer, ix, fr, demand(in))
}

// newAreas prepares the layer for attribution: the frame's populations
// (and the residents outside every area, whose per-resident share stays
// unattributed), service demand, the areas' population groups as
// per_asset attributes (residents_in_poverty, ...), and the code layers.
func newAreas(in *Input, l *geo.Layer, ix *geo.Index, fr *Frame, dem map[string][]float64) *attribute.Areas {
	areas := attribute.NewAreas(l, ix)
	areas.Population = fr.Population
	areas.Demand = dem
	areas.SyntheticDemand = in.EventsSynthetic
	for name, s := range in.Sites {
		areas.AddSites(name, s)
	}
	if fr.UnplacedPop > 0 {
		areas.Outside = fr.UnplacedPop
		areas.OutsideReason = fmt.Sprintf("the share of the %s residents living outside every area of layer %s", report.Format(fr.UnplacedPop, report.KindInt, 0), l.Name)
	}
	for g, v := range fr.Groups {
		if g != "total" {
			areas.Assets[assetName(g)] = v
		}
	}
	for _, c := range in.CodeLayers {
		areas.CodesOfLayer(c)
	}
	return areas
}

// assetName is the per_asset attribute a population group is known by:
// "Residents in poverty" -> "residents_in_poverty".
func assetName(group string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(group) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// operating returns the operating cents placed per area.
func operating(att *attribute.Result, n int) []int64 {
	if v := att.ByAreaClass[attribute.Operating]; v != nil {
		return v
	}
	return make([]int64, n)
}

// topFractions is, per area, the share of its residents in the highest
// need tier of a view (0 without need).
func topFractions(fr *Frame, v *NeedView) []float64 {
	out := make([]float64, len(fr.Population))
	for a := range out {
		if fr.Population[a] > 0 && v != nil && v.Tiers > 0 {
			out[a] = v.TierPop[a][v.Tiers] / fr.Population[a]
		}
	}
	return out
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

// cityRow sums the layer: the city's population, placed operating dollars
// and placed dollars per resident (the average every area is compared with).
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

func totals(att *attribute.Result, in *Input, n int) Totals {
	t := Totals{PhaseTotal: Dollars(in.PhaseTotal), GrossTotal: Dollars(in.PhaseTotal), Attributed: Dollars(att.Total.Attributed), Unattributed: Dollars(att.Total.Unattributed),
		ByMethod: map[string]Dollars{}, ByClass: map[string]Dollars{}, UnattributedReasons: map[string]Dollars{}, LineItems: n}
	t.AttributedShare = ratio(float64(att.Total.Attributed), float64(att.Total.Total))
	for m, c := range att.Total.ByMethod {
		t.ByMethod[m] = Dollars(c)
	}
	t.ByEvidence, t.EvidenceShare = map[string]Dollars{}, map[string]Num{}
	for _, e := range attribute.EvidenceClasses {
		t.ByEvidence[e] = Dollars(att.Total.ByEvidence[e])
		t.EvidenceShare[e] = ratio(float64(att.Total.ByEvidence[e]), float64(att.Total.Attributed))
	}
	t.StrongShare = ratio(float64(att.Total.ByEvidence[attribute.EvidenceLocation]+att.Total.ByEvidence[attribute.EvidenceService]), float64(att.Total.Attributed))
	t.PerResidentShare = ratio(float64(att.Total.ByMethod[attribute.PerCapita]), float64(att.Total.Attributed))
	t.PlacedOtherwise = t.Attributed - t.ByMethod[attribute.PerCapita]
	for k, c := range att.ByClass {
		t.ByClass[k] = Dollars(c)
	}
	for k, v := range att.ByAreaClass {
		var s int64
		for _, c := range v {
			s += c
		}
		if k == attribute.Operating {
			t.PlacedOperating += Dollars(s)
		} else {
			t.PlacedCapital += Dollars(s)
		}
	}
	for _, u := range att.Unattributed {
		r := u.Reason
		if r == "" {
			r = "not attributable"
		}
		t.UnattributedReasons[r] += Dollars(u.Cents)
	}
	if c := in.Consolidation; c != nil {
		t.GrossTotal = Dollars(c.Gross)
		for _, x := range c.Transfers {
			row := TransferRow{Name: x.Name, Receiving: Dollars(x.ReceivingCents), Applied: x.Applied, Note: x.Note}
			if x.Applied {
				row.Removed = Dollars(x.PayingCents)
				t.TransfersRemoved += row.Removed
			}
			t.Transfers = append(t.Transfers, row)
		}
	}
	return t
}

func ratio(a, b float64) Num {
	if b == 0 {
		return Num(math.NaN())
	}
	return Num(a / b)
}

func areaRows(l *geo.Layer, fr *Frame, byArea []int64, byClass map[string][]int64) []AreaRow {
	var S, P, N float64
	for i := range l.Areas {
		S += float64(byArea[i]) / 100
		P += fr.Population[i]
		if !math.IsNaN(fr.Score[i]) {
			N += fr.Population[i] * fr.Score[i]
		}
	}
	city := S / P
	rows := make([]AreaRow, len(l.Areas))
	for i, a := range l.Areas {
		amt := float64(byArea[i]) / 100
		r := AreaRow{AreaID: a.ID, Name: a.Name, Population: fr.Population[i], Amount: Dollars(byArea[i]),
			NeedScore: Num(fr.Score[i]), NeedTier: fr.Tier[i], TierLabel: TierLabel(fr.Tier[i], fr.Tiers),
			DesignatedShare: Num(fr.TopShare[i]), SmallAreas: fr.SmallAreas[i],
			PerCapita: ratio(amt, fr.Population[i]), SpendShare: ratio(amt, S), PopShare: ratio(fr.Population[i], P),
			PerNeedIndex: Num(math.NaN()), EventRate: Num(math.NaN()), MedianHours: Num(math.NaN()), P90Hours: Num(math.NaN())}
		r.Gap = r.SpendShare - r.PopShare
		r.PerCapitaGap = r.PerCapita - Num(city)
		if !math.IsNaN(fr.Score[i]) && N > 0 {
			r.PerNeedIndex = ratio(float64(r.SpendShare), fr.Population[i]*fr.Score[i]/N)
		}
		for k, v := range byClass {
			if k != attribute.Operating {
				r.Capital += Dollars(v[i])
			}
		}
		rows[i] = r
	}
	return rows
}

// tierRows sums the residents of each need tier of a view and the placed
// dollars reaching them: a resident of area a counts the area's dollars
// per resident, so tier t receives D_t = sum_a S_a R_at / P_a (R_at the
// area's residents in tier t, P_a all its residents). Exact when the layer
// is the small areas themselves.
func tierRows(fr *Frame, v *NeedView, byArea []int64) []TierRow {
	if v == nil {
		return nil
	}
	d := tierDollars(fr, v, byArea)
	var S, P, N float64
	for i := range byArea {
		S += float64(byArea[i]) / 100
		P += fr.Population[i]
	}
	pop := make([]float64, v.Tiers+1)
	units := make([]float64, v.Tiers+1)
	count := make([]int, v.Tiers+1)
	for k, s := range fr.Small {
		if s.Area < 0 {
			continue
		}
		t := v.SmallTier[k]
		pop[t] += s.Population
		count[t]++
		if t > 0 {
			units[t] += s.Population * v.SmallScore[k]
			N += s.Population * v.SmallScore[k]
		}
	}
	var rows []TierRow
	for k := 1; k <= v.Tiers+1; k++ {
		t := k % (v.Tiers + 1) // tiers 1..n, then the residents without a score
		if count[t] == 0 {
			continue
		}
		r := TierRow{Tier: t, Label: TierLabel(t, v.Tiers), SmallAreas: count[t], Population: pop[t], Amount: Dollars(math.Round(d[t] * 100)),
			PerCapita: ratio(d[t], pop[t]), SpendShare: ratio(d[t], S), PopShare: ratio(pop[t], P), MeanScore: ratio(units[t], pop[t]),
			NeedShare: Num(math.NaN()), PerNeedIndex: Num(math.NaN())}
		if t > 0 {
			r.NeedShare = ratio(units[t], N)
			r.PerNeedIndex = r.SpendShare / r.NeedShare
		} else {
			r.MeanScore = Num(math.NaN())
		}
		r.RatioPop = r.SpendShare / r.PopShare
		rows = append(rows, r)
	}
	return rows
}

// tierDollars returns the dollars reaching each tier of a view (index =
// tier, 0 = residents without a value).
func tierDollars(fr *Frame, v *NeedView, byArea []int64) []float64 {
	d := make([]float64, v.Tiers+1)
	for a := range byArea {
		if !(fr.Population[a] > 0) {
			continue
		}
		s := float64(byArea[a]) / 100
		for t, r := range v.TierPop[a] {
			d[t] += s * r / fr.Population[a]
		}
	}
	return d
}

// headline computes the summary figures. Every share is of the placed
// (operating) dollars; the tier figures are those of tierRows.
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
		Concentration: Num(math.NaN()), ConcentrationMin: Num(math.NaN()), ConcentrationMax: Num(math.NaN()), PerCapitaTopToBottom: Num(math.NaN())}
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
	if top != nil && bottom != nil && n > 1 {
		h.PerCapitaTopToBottom = ratio(float64(top.PerCapita), float64(bottom.PerCapita))
	}
	return h
}

// scored returns the positions of areas with a population and a value.
func scored(fr *Frame, score []float64) []int {
	var idx []int
	for i := range fr.Population {
		if fr.Population[i] > 0 && !math.IsNaN(score[i]) {
			idx = append(idx, i)
		}
	}
	return idx
}

// concentrationOf is the concentration index of the areas' placed dollars
// per resident ranked by their need score, population weights
// (metrics.ConcentrationIndex); NaN when it cannot be computed (fewer than
// 3 areas with residents and a score, or no dollar placed).
func concentrationOf(fr *Frame, score []float64, byArea []int64) float64 {
	idx := scored(fr, score)
	if len(idx) < 3 {
		return math.NaN()
	}
	y, rk, w := concInputs(fr, score, byArea, idx)
	c, err := metrics.ConcentrationIndex(y, rk, w)
	if err != nil {
		return math.NaN()
	}
	return c.Index
}

func concInputs(fr *Frame, score []float64, byArea []int64, idx []int) (y, rk, w []float64) {
	y, rk, w = make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		y[k] = float64(byArea[i]) / 100 / fr.Population[i]
		rk[k] = score[i]
		w[k] = fr.Population[i]
	}
	return y, rk, w
}

// concentration computes the base concentration index, the curves and
// the influence of single areas (the index with each area left out).
func concentration(fr *Frame, v *NeedView, byArea []int64, notes *[]string) (*ConcResult, *Curves) {
	idx := scored(fr, v.Score)
	if len(idx) < 3 {
		*notes = append(*notes, "concentration index not computed: fewer than 3 areas have both a population and a need score")
		return nil, nil
	}
	y, rk, w := concInputs(fr, v.Score, byArea, idx)
	c, err := metrics.ConcentrationIndex(y, rk, w)
	if err != nil {
		*notes = append(*notes, "concentration index not computed: "+err.Error())
		return nil, nil
	}
	r := &ConcResult{Value: Num(c.Index), Units: len(idx), RankedBy: "need score (ascending: most need last)", Variants: []Variant{}, Choices: []Choice{}}
	r.Influence = influence(fr, v.Score, byArea, idx)
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

// influence recomputes the index with each area left out in turn: how far
// one area moves it (a check of fragility, not sampling uncertainty: the
// areas are every area of the city). Nil with fewer than 4 areas.
func influence(fr *Frame, score []float64, byArea []int64, idx []int) *Influence {
	if len(idx) < 4 {
		return nil
	}
	out := &Influence{Min: Num(math.Inf(1)), Max: Num(math.Inf(-1))}
	for k := range idx {
		rest := append(append([]int{}, idx[:k]...), idx[k+1:]...)
		y, rk, w := concInputs(fr, score, byArea, rest)
		c, err := metrics.ConcentrationIndex(y, rk, w)
		if err != nil {
			continue
		}
		id := fr.Layer.Areas[idx[k]].ID
		if Num(c.Index) < out.Min {
			out.Min, out.MinArea = Num(c.Index), id
		}
		if Num(c.Index) > out.Max {
			out.Max, out.MaxArea = Num(c.Index), id
		}
	}
	if math.IsInf(float64(out.Min), 0) {
		return nil
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
	lm, err := metrics.LocalMoran(x, W, metrics.LocalOptions{Permutations: p, Seed: seed, Alpha: 0.05, FDR: true})
	if err != nil {
		*notes = append(*notes, "LISA not computed: "+err.Error())
		return nil
	}
	out := &LISAResult{Variable: "per-capita spending", Perms: p, Seed: seed, Alpha: 0.05, FDR: true, Cut: Num(lm.Threshold), Counts: map[string]int{}}
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
	var links int
	for _, nb := range sub {
		links += len(nb)
	}
	sig := 0
	for k := range keep {
		if lm.Significant[k] {
			sig++
		}
	}
	out.Areas, out.MeanNeighbours, out.Significant = len(keep), Num(float64(links)/float64(len(keep))), sig
	if p > 0 {
		out.MinP = Num(1 / float64(p+1))
	}
	out.Note = fmt.Sprintf("HighHigh: a hot spot (high per-resident dollars among high neighbours); LowLow: a cold spot. Each of the %s areas is tested against its neighbours (%s on average) by %s conditional permutations, and the false discovery rate is held at %s across the %s tests (Benjamini-Hochberg): %s With so few areas and neighbours a test can find only strong, isolated patterns; %s area(s) passed.",
		report.Format(float64(out.Areas), report.KindInt, 0), report.Format(float64(out.MeanNeighbours), report.KindNumber, 1), report.Format(float64(p), report.KindInt, 0),
		report.Format(float64(out.Alpha), report.KindPercent, report.NoDigits), report.Format(float64(out.Areas), report.KindInt, 0), cutText(out), report.Format(float64(sig), report.KindInt, 0))
	return out
}

// cutText says which p-values pass the false-discovery-rate cut.
func cutText(l *LISAResult) string {
	if !(l.Cut > 0) {
		return fmt.Sprintf("no p-value passes, the smallest that %s permutations can give being %s.", report.Format(float64(l.Perms), report.KindInt, 0), report.Format(float64(l.MinP), report.KindNumber, 3))
	}
	return fmt.Sprintf("an area is a cluster only if its p-value is at most %s.", report.Format(float64(l.Cut), report.KindNumber, 3))
}

func deptRows(att *attribute.Result, items []attribute.Item, rules *attribute.Rules, top []float64) []DeptRow {
	names := map[string]string{}
	for i := range items {
		k := items[i].Dept()
		if names[k] == "" {
			names[k] = items[i].DeptName
		}
	}
	topC := map[string]float64{}
	opC := map[string]int64{}
	used := map[string]map[string]bool{}
	byArea := map[string]map[string]Dollars{}
	for _, p := range att.Placements {
		if p.Class == attribute.Operating && p.Area >= 0 && p.Area < len(top) {
			topC[p.Dept] += float64(p.Cents) * top[p.Area]
			opC[p.Dept] += p.Cents
		}
		if used[p.Dept] == nil {
			used[p.Dept] = map[string]bool{}
		}
		used[p.Dept][p.Rule] = true
		if byArea[p.Dept] == nil {
			byArea[p.Dept] = map[string]Dollars{}
		}
		byArea[p.Dept][p.AreaID] += Dollars(p.Cents)
	}
	for _, u := range att.Unattributed {
		if used[u.Dept] == nil {
			used[u.Dept] = map[string]bool{}
		}
		used[u.Dept][u.Rule] = true
	}
	byClass := map[string]map[string]Dollars{}
	for i := range items {
		d := items[i].Dept()
		if byClass[d] == nil {
			byClass[d] = map[string]Dollars{}
		}
		byClass[d][rules.ClassOf(&items[i])] += Dollars(items[i].Cents)
	}
	var out []DeptRow
	for _, d := range att.Departments {
		r := DeptRow{Dept: d.Dept, Name: names[d.Dept], Total: Dollars(d.Total), Attributed: Dollars(d.Attributed), Unattributed: Dollars(d.Unattributed),
			AttributedShare: ratio(float64(d.Attributed), float64(d.Total)), TopTierShare: ratio(topC[d.Dept], float64(opC[d.Dept])),
			Methods: map[string]Dollars{}, Evidence: map[string]Dollars{}, ByArea: byArea[d.Dept], ByClass: byClass[d.Dept], RequestChange: Num(math.NaN()), TopRequestContribution: Num(math.NaN())}
		for m, c := range d.ByMethod {
			r.Methods[m] = Dollars(c)
		}
		for e, c := range d.ByEvidence {
			r.Evidence[e] = Dollars(c)
		}
		for rule := range used[d.Dept] {
			r.Rules = append(r.Rules, rule)
		}
		sort.Strings(r.Rules)
		r.How = ruleWords(rules, r.Rules)
		out = append(out, r)
	}
	return out
}

// requestContributions places each request's change with the same rules
// and says what the requests do: their gross increases and cuts, the share
// of each reaching the highest need tier, and the change in that tier's
// share of the placed operating dollars net of the baseline mix. With T and
// A the top-tier and placed operating dollars of the phase, t_r and a_r
// those of request r (a resident counted with their area's dollars per
// resident), the share without the requests is s0 = (T - sum t)/(A - sum a)
// and request r contributes (t_r - s0 a_r) / A: what it moves beyond
// keeping the baseline's mix; the contributions sum exactly to T/A - s0. A
// cut placed in the baseline's mix contributes nothing.
func requestContributions(in *Input, areas *attribute.Areas, att *attribute.Result, top []float64, depts []DeptRow) (*RequestsRes, error) {
	items, reqs := requestItems(in)
	out := &RequestsRes{Phase: string(in.Phase), Count: len(items), IncreasesTopShare: Num(math.NaN()), CutsTopShare: Num(math.NaN())}
	if len(items) == 0 {
		return out, nil
	}
	ra, err := attribute.Attribute(items, in.Rules, areas)
	if err != nil {
		return nil, err
	}
	attC := map[string]int64{}
	topC := map[string]float64{}
	method := map[string]string{}
	rule := map[string]string{}
	for _, p := range ra.Placements {
		if method[p.Item] == "" {
			method[p.Item], rule[p.Item] = p.Method, p.Rule
		}
		if p.Class != attribute.Operating {
			continue
		}
		attC[p.Item] += p.Cents
		topC[p.Item] += float64(p.Cents) * top[p.Area]
	}
	for _, u := range ra.Unattributed {
		if method[u.Item] == "" {
			method[u.Item], rule[u.Item] = attribute.NotAttributable, u.Rule
		}
	}
	var T, A float64
	for _, p := range att.Placements {
		if p.Class == attribute.Operating {
			A += float64(p.Cents)
			T += float64(p.Cents) * top[p.Area]
		}
	}
	var st, sa float64
	var incT, incA, cutT, cutA float64
	for _, it := range items {
		st += topC[it.ID]
		sa += float64(attC[it.ID])
		out.Change += Dollars(it.Cents)
		if it.Cents > 0 {
			out.Increases += Dollars(it.Cents)
			incT, incA = incT+topC[it.ID], incA+float64(attC[it.ID])
		} else {
			out.Cuts += Dollars(it.Cents)
			cutT, cutA = cutT+topC[it.ID], cutA+float64(attC[it.ID])
		}
	}
	out.IncreasesTopShare, out.CutsTopShare = ratio(incT, incA), ratio(cutT, cutA)
	out.Attributed = Dollars(sa)
	s0 := float64(ratio(T-st, A-sa))
	out.BaseShare = Num(s0)
	out.NewShare = ratio(T, A)
	out.ShareChange = out.NewShare - out.BaseShare
	byDept := map[string]float64{}
	for i, it := range items {
		c := float64(ratio(topC[it.ID]-s0*float64(attC[it.ID]), A))
		r := reqs[i]
		out.Rows = append(out.Rows, RequestRow{Key: it.ID, Dept: it.Dept(), DeptName: r.Department.Name, Program: r.Program.Name,
			Description: strings.TrimSpace(r.Description), Change: Dollars(it.Cents), Attributed: Dollars(attC[it.ID]), TopTier: Dollars(math.Round(topC[it.ID])),
			Method: method[it.ID], How: strings.Join(ruleWords(in.Rules, []string{rule[it.ID]}), ""), Contribution: Num(c)})
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

// ruleWords says how the named rules place their dollars, each once, in
// the order given: the rule's own words (Rule.Describe), "not placed:
// <class>" for a class never placed, "not placed" for a rule placing
// nothing.
func ruleWords(rules *attribute.Rules, names []string) []string {
	desc := map[string]string{rules.Default.Name: "not placed", attribute.OwnCodesRule: "the row's own area codes"}
	for i := range rules.Rules {
		ru := &rules.Rules[i]
		desc[ru.Name] = ru.Describe()
		if ru.Method == attribute.NotAttributable {
			desc[ru.Name] = "not placed"
		}
	}
	for _, c := range rules.Classes {
		if c.Kind == attribute.ClassExcluded {
			desc["class: "+c.Name] = "not placed: " + c.Name
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		w := desc[n]
		if w == "" {
			w = n
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.HasPrefix(out[j], "not placed") && !strings.HasPrefix(out[i], "not placed")
	})
	return out
}

// requestItems turns the phase's requests with a change into items.
func requestItems(in *Input) ([]attribute.Item, []budget.Request) {
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
	return items, reqs
}

// capitalRes measures the capital spending apart: placed capital dollars
// per resident and the share reaching the highest need tier.
func capitalRes(att *attribute.Result, rules *attribute.Rules, fr *Frame, top []float64) *CapitalRes {
	var total int64
	for k, c := range att.ByClass {
		if rules.ClassKind(k) == attribute.ClassCapital {
			total += c
		}
	}
	var placed int64
	var t float64
	for k, v := range att.ByAreaClass {
		if k == attribute.Operating {
			continue
		}
		for a, c := range v {
			placed += c
			t += float64(c) * top[a]
		}
	}
	if total == 0 && placed == 0 {
		return nil
	}
	var P float64
	for _, p := range fr.Population {
		P += p
	}
	return &CapitalRes{Total: Dollars(total), Attributed: Dollars(placed), PerCapita: ratio(float64(placed)/100, P), TopTierShare: ratio(t, float64(placed)),
		Note: "capital spending is measured apart from operating spending: one year's capital dollars say where assets are built, not where services reach residents"}
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
	fr, err := BuildFrame(units, uix, in.Run, in.Small, in.Groups, in.Tiers)
	if err != nil {
		return nil, err
	}
	dem := in.UnitsDemand
	if units.Name == in.Layer.Name {
		dem = demand(in)
	}
	ua := newAreas(in, units, uix, fr, dem)
	if in.Layer.Name != units.Name {
		ua.CodesOfLayer(in.Layer)
	}
	res, err := attribute.Sums(items, in.Rules, ua)
	if err != nil {
		return nil, err
	}
	op := operating(res, len(units.Areas))
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
		x = append(x, float64(op[i])/100/fr.Population[i])
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
	// tiers of residents: each resident counted with their area's requests
	// per resident; response times need the requests of a tier's own small
	// areas, so they are given only when the areas are the small areas
	count := make([]float64, len(rows))
	for i := range rows {
		if rows[i].Events != nil {
			count[i] = float64(*rows[i].Events)
		}
	}
	out.Tiers = eventTiers(fr, count)
	if fr.Mapping == "same layer" {
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
			for k, t := range ts {
				if k < len(out.Tiers) {
					out.Tiers[k].MedianHours, out.Tiers[k].P90Hours = numPtr(t.MedianHours), numPtr(t.P90Hours)
				}
			}
		}
	}
	for _, t := range s.Types {
		out.Types = append(out.Types, EvType{Type: t.Type, Count: t.Count, MedianHours: numPtr(t.MedianHours), P90Hours: numPtr(t.P90Hours)})
	}
	return out
}

// eventTiers sums requests by need tier of residents, each resident
// counted with their area's requests per resident (count by area).
func eventTiers(fr *Frame, count []float64) []EvTier {
	v := fr.Need
	if v == nil {
		return nil
	}
	var out []EvTier
	for t := 1; t <= v.Tiers; t++ {
		var c, pop float64
		for a := range count {
			if fr.Population[a] > 0 {
				c += count[a] * v.TierPop[a][t] / fr.Population[a]
				pop += v.TierPop[a][t]
			}
		}
		out = append(out, EvTier{Tier: t, Label: TierLabel(t, v.Tiers), Population: pop, Count: int(math.Round(c)),
			Rate: ratio(c*1000, pop), MedianHours: Num(math.NaN()), P90Hours: Num(math.NaN())})
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
	d := tierDollars(fr, fr.Need, att.ByArea)
	popTier := make([]float64, fr.Tiers+1)
	for a := range fr.Population {
		for t, r := range fr.Need.TierPop[a] {
			popTier[t] += r
		}
	}
	for t := 1; t <= fr.Tiers; t++ {
		out.Tiers = append(out.Tiers, ProjectTier{Tier: t, Label: TierLabel(t, fr.Tiers), Population: popTier[t], Amount: Dollars(math.Round(d[t] * 100)),
			PerCapita: ratio(d[t], popTier[t]), Share: ratio(d[t]*100, float64(att.Total.Attributed))})
	}
	out.TopTierShare = ratio(d[fr.Tiers]*100, float64(att.Total.Attributed))
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
	out := &EventsRes{Source: in.EventsSource, Synthetic: in.EventsSynthetic, Estimated: in.DemandEstimated}
	// counts as stored; an estimate is rounded to whole requests once per
	// area and per type
	area := make([]float64, len(rows))
	byType := map[string]float64{}
	for t, v := range in.Demand {
		for i, c := range v {
			area[i] += c
			byType[t] += c
		}
	}
	count := make([]int, len(rows))
	for i, c := range area {
		count[i] = int(math.Round(c))
	}
	types := map[string]int{}
	for t, c := range byType {
		types[t] = int(math.Round(c))
	}
	fc := make([]float64, len(rows))
	for i := range rows {
		c := count[i]
		rows[i].Events = &c
		rows[i].EventRate = ratio(float64(c)*1000, fr.Population[i])
		out.Located += c
		fc[i] = float64(c)
	}
	out.Unplaced = int(math.Round(in.DemandOutside))
	out.Rows = out.Located + out.Unplaced
	out.Tiers = eventTiers(fr, fc)
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
