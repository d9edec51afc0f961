package analysis

import (
	"encoding/json"
	"strconv"

	"github.com/budgetlens/budgetlens/budget"
)

// Dollars is an amount in integer cents that marshals to JSON as an exact
// decimal number of dollars (123456 -> 1234.56), so that sums of the JSON
// values equal the store's totals to the cent.
type Dollars int64

// MarshalJSON writes the amount as dollars with two decimals.
func (d Dollars) MarshalJSON() ([]byte, error) { return []byte(FormatCents(int64(d))), nil }

// UnmarshalJSON reads a decimal number of dollars.
func (d *Dollars) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	c, err := parseCents(string(n))
	if err != nil {
		return err
	}
	*d = Dollars(c)
	return nil
}

// Float returns the amount in dollars as a float (for ratios and charts).
func (d Dollars) Float() float64 { return float64(d) / 100 }

// FormatCents writes cents as a decimal number of dollars: -5 -> "-0.05".
func FormatCents(c int64) string {
	neg := c < 0
	u := uint64(c)
	if neg {
		u = uint64(-c)
	}
	s := strconv.FormatUint(u/100, 10) + "." + string([]byte{byte('0' + u%100/10), byte('0' + u%10)})
	if neg {
		s = "-" + s
	}
	return s
}

func parseCents(s string) (int64, error) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	whole, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			whole, frac = s[:i], s[i+1:]
			break
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseInt(frac[:2], 10, 64)
	if err != nil {
		return 0, err
	}
	c := w*100 + f
	if neg {
		c = -c
	}
	return c, nil
}

// Num is a float that marshals NaN and infinities as JSON null; see budget.Num.
type Num = budget.Num

// Result is one equity assessment of a budget phase over an area layer.
type Result struct {
	Jurisdiction string    `json:"jurisdiction,omitempty"`
	FiscalYear   string    `json:"fiscal_year"`
	Phase        string    `json:"phase"`
	Layer        LayerInfo `json:"layer"`
	Tiers        int       `json:"tiers"`

	Totals   Totals    `json:"totals"`
	City     CityRow   `json:"city"`
	Headline Headline  `json:"headline"`
	Need     *NeedInfo `json:"need,omitempty"`
	Areas    []AreaRow `json:"areas"`
	TierRows []TierRow `json:"tier_summary"`
	// Concentr is the headline measure with its range over the ensemble of
	// rule variants and need measures, and the verdict read from it.
	Concentr *ConcResult `json:"concentration,omitempty"`
	// Ranges gives each headline figure's range over the same ensemble.
	Ranges []FigureRange `json:"headline_ranges,omitempty"`
	// Evidence is the headline of the placed operating dollars as the
	// evidence classes are added, strongest first (location; + service;
	// + proxy; + assumed).
	Evidence []EvidenceStep `json:"evidence"`
	// NeedMeasures is the headline under each measure of need.
	NeedMeasures []MeasureRow `json:"need_measures,omitempty"`
	Curves       *Curves      `json:"curves,omitempty"`
	Theil        *TheilResult `json:"theil,omitempty"`
	GroupRep     []GroupRow   `json:"group_representation,omitempty"`
	GroupNote    string       `json:"group_note,omitempty"`
	LISA         *LISAResult  `json:"lisa,omitempty"`
	Depts        []DeptRow    `json:"departments"`
	Requests     *RequestsRes `json:"requests,omitempty"`
	Capital      *CapitalRes  `json:"capital,omitempty"`
	Events       *EventsRes   `json:"events,omitempty"`
	Projects     *ProjectsRes `json:"capital_projects,omitempty"`
	// Comparisons holds the other phase of the year, last year's adopted
	// budget and the actuals on the same layer, rules and need (set by the
	// caller).
	Comparisons []CompareRow `json:"comparisons,omitempty"`
	Notes       []string     `json:"notes"`
	Provenance  Provenance   `json:"provenance"`
}

// LayerInfo names the layer of an analysis and the lines it used: the
// layer asked for, the stored layer holding the lines, the period they
// were in force and whether that covers the fiscal year, and the small
// areas (with their residents) that lie in no area of it.
type LayerInfo struct {
	Name  string `json:"name"`
	Lines string `json:"lines"`
	Title string `json:"title,omitempty"`
	// From and To are the first and last days the lines were in force
	// ("" when not recorded, To "" while still in force).
	From string `json:"in_force_from,omitempty"`
	To   string `json:"in_force_to,omitempty"`
	// InForce says the lines were in force throughout the fiscal year;
	// Note explains when they were not or the period is not recorded.
	InForce bool   `json:"in_force_for_fiscal_year"`
	Note    string `json:"note,omitempty"`
	Areas   int    `json:"areas"`
	// Residents is the residents of the layer's areas; Outside those of
	// the need run's small areas lying in no area (OutsideIDs).
	Residents    float64  `json:"residents"`
	OutsideAreas int      `json:"small_areas_outside"`
	Outside      float64  `json:"residents_outside"`
	OutsideIDs   []string `json:"small_areas_outside_ids,omitempty"`
}

// UnmarshalJSON also reads the plain layer name that results stored before
// the layer became an object.
func (l *LayerInfo) UnmarshalJSON(b []byte) error {
	var name string
	if json.Unmarshal(b, &name) == nil {
		*l = LayerInfo{Name: name, Lines: name}
		return nil
	}
	type plain LayerInfo
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*l = LayerInfo(p)
	return nil
}

// NeedInfo says which need measure ranks the areas and why.
type NeedInfo struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Why   string `json:"why,omitempty"`
	// Check says how the published score compared with a recomputation.
	Check *NeedCheck `json:"check,omitempty"`
}

// NeedCheck compares a published score with its recomputation: of the
// Compared areas with both, how many are within 0.01 when recomputed from
// the published indicator percentiles and from the raw values.
type NeedCheck struct {
	Compared        int `json:"compared"`
	FromPercentiles int `json:"within_0_01_from_percentiles"`
	FromRaw         int `json:"within_0_01_from_raw_values"`
}

// CityRow is the whole layer as one row: its population, the operating
// dollars placed in it and the city's average placed dollars per resident.
type CityRow struct {
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
}

// Totals is the accounting identity: attributed + unattributed = phase
// total, with the phase's lines consolidated (each dollar once).
type Totals struct {
	// PhaseTotal is the sum of the phase's lines, each dollar counted once;
	// GrossTotal the sum as stored, and Transfers what consolidation
	// removed (budget.Consolidate).
	PhaseTotal      Dollars `json:"phase_total"`
	GrossTotal      Dollars `json:"gross_total"`
	Attributed      Dollars `json:"attributed"`
	Unattributed    Dollars `json:"unattributed"`
	AttributedShare Num     `json:"attributed_share"`
	// PlacedOperating and PlacedCapital split Attributed: the headline and
	// every area figure measure operating spending; capital apart.
	PlacedOperating Dollars `json:"placed_operating"`
	PlacedCapital   Dollars `json:"placed_capital"`
	// ByMethod is the attributed amount per attribution method.
	ByMethod map[string]Dollars `json:"by_method"`
	// ByEvidence is the attributed amount per evidence class (location,
	// service, proxy, assumed; every class present, zero when none): with
	// Unattributed it adds up to PhaseTotal to the cent.
	ByEvidence map[string]Dollars `json:"by_evidence"`
	// EvidenceShare is each class's share of the attributed amount.
	EvidenceShare map[string]Num `json:"evidence_share"`
	// StrongShare is the share of the attributed amount placed by location
	// or service evidence.
	StrongShare Num `json:"strong_evidence_share"`
	// PerResidentShare is the share of the attributed amount placed per
	// resident (which cannot make areas differ); PlacedOtherwise the rest.
	PerResidentShare Num     `json:"per_resident_share"`
	PlacedOtherwise  Dollars `json:"placed_otherwise"`
	// ByClass is every line's amount by class (operating, capital and the
	// classes never placed: debt service, benefits, ...).
	ByClass map[string]Dollars `json:"by_class"`
	// UnattributedReasons sums the unattributed amount by reason.
	UnattributedReasons map[string]Dollars `json:"unattributed_reasons"`
	Transfers           []TransferRow      `json:"transfers,omitempty"`
	// TransfersRemoved is the sum of the appropriations removed.
	TransfersRemoved Dollars `json:"transfers_removed"`
	LineItems        int     `json:"line_items"`
}

// TransferRow is one transfer between funds in the phase: the
// appropriation removed and the spending it pays for, kept.
type TransferRow struct {
	Name      string  `json:"name"`
	Removed   Dollars `json:"removed"`
	Receiving Dollars `json:"receiving_kept"`
	Applied   bool    `json:"applied"`
	Note      string  `json:"note,omitempty"`
}

// Headline holds the numbers of the executive summary. Every share is of
// the operating dollars placed in areas.
type Headline struct {
	Population float64 `json:"population"`
	// PerCapita is placed operating dollars per resident of the layer's areas.
	PerCapita Num `json:"per_capita"`
	// TopTierSpendShare is the share of the placed dollars reaching the
	// residents of the highest need tier (the fifth of residents living in
	// the highest-need small areas), each resident counted with the average
	// dollars per resident of their area; TopTierPopShare is that tier's
	// share of the residents.
	TopTierSpendShare Num `json:"top_tier_spend_share"`
	TopTierPopShare   Num `json:"top_tier_pop_share"`
	TopTierRatio      Num `json:"top_tier_ratio"`
	// DesignatedSpendShare is the population-apportioned share of the
	// placed dollars reaching residents of the need run's top tier (CES:
	// SB 535 disadvantaged tracts): sum_a S_a d_a / S with d_a the share of
	// area a's population in such tracts; DesignatedPopShare is their share
	// of the population.
	DesignatedSpendShare Num `json:"designated_spend_share"`
	DesignatedPopShare   Num `json:"designated_pop_share"`
	// Concentration index of per-capita spending ranked by need (positive:
	// spending per resident rises with need) with the profile's rules and
	// need measure, and its range over the ensemble of rule variants and
	// need measures; Verdict is read from the range.
	Concentration    Num    `json:"concentration_index"`
	ConcentrationMin Num    `json:"concentration_min"`
	ConcentrationMax Num    `json:"concentration_max"`
	Verdict          string `json:"verdict"`
	// PerCapitaTopToBottom is per-resident spending of the highest need
	// tier divided by that of the lowest.
	PerCapitaTopToBottom Num `json:"per_capita_top_to_bottom"`
}

// AreaRow is one area of the layer (operating dollars).
type AreaRow struct {
	AreaID     string  `json:"area_id"`
	Name       string  `json:"name"`
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
	NeedScore  Num     `json:"need_score"`
	// NeedTier is the tier whose range of need holds the area's mean need.
	NeedTier  int    `json:"need_tier"`
	TierLabel string `json:"need_tier_label"`
	// DesignatedShare is the share of the population in the need run's top tier.
	DesignatedShare Num `json:"designated_pop_share"`
	// SpendShare and PopShare are the area's shares of the placed dollars
	// and of the population; Gap = SpendShare - PopShare (the SEDT
	// geographic disparity against the total population).
	SpendShare Num `json:"spend_share"`
	PopShare   Num `json:"pop_share"`
	Gap        Num `json:"gap"`
	// PerCapitaGap is per-capita spending minus the citywide per-capita amount.
	PerCapitaGap Num `json:"per_capita_gap"`
	// PerNeedIndex is the area's dollars per unit of need (resident x need
	// score) over the city's: 1 = dollars in proportion to need.
	PerNeedIndex Num     `json:"per_need_unit_index"`
	Capital      Dollars `json:"capital,omitempty"`
	SmallAreas   int     `json:"small_areas"`
	LISA         string  `json:"lisa_cluster,omitempty"`
	Events       *int    `json:"service_requests,omitempty"`
	EventRate    Num     `json:"requests_per_1000"`
	MedianHours  Num     `json:"response_median_hours"`
	P90Hours     Num     `json:"response_p90_hours"`
}

// TierRow summarises one need tier: the residents of the small areas in
// it and the placed dollars reaching them, each resident counted with the
// dollars per resident of their area.
type TierRow struct {
	Tier       int     `json:"tier"`
	Label      string  `json:"label"`
	SmallAreas int     `json:"small_areas"`
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
	SpendShare Num     `json:"spend_share"`
	PopShare   Num     `json:"pop_share"`
	MeanScore  Num     `json:"mean_need_score"`
	// NeedShare is the tier's share of the units of need (residents x
	// score); PerNeedIndex = SpendShare / NeedShare (1 = dollars in
	// proportion to need), RatioPop = SpendShare / PopShare.
	NeedShare    Num `json:"need_share"`
	PerNeedIndex Num `json:"per_need_unit_index"`
	RatioPop     Num `json:"ratio_pop"`
}

// ConcResult is the concentration index of per-resident operating dollars
// ranked by need, with the profile's rules and need measure (Value), and
// over the ensemble of defensible alternatives: every declared rule
// variant, each crossed with every need measure. Range is [min, max] over
// the variants (the base included); Verdict is read from it (see
// VerdictOf); Choices give the range each choice alone spans, and Driver
// the widest.
type ConcResult struct {
	Value    Num       `json:"value"`
	Range    [2]Num    `json:"range"`
	Verdict  string    `json:"verdict"`
	Variants []Variant `json:"variants"`
	Choices  []Choice  `json:"choices"`
	Driver   string    `json:"driver"`
	Units    int       `json:"units"`
	RankedBy string    `json:"ranked_by"`
	// Influence is not sampling uncertainty (the areas are the whole city):
	// the range of the index when any one area is left out, and which.
	Influence *Influence `json:"single_area_influence,omitempty"`
}

// Variant is one analysis of the ensemble: a rule set (the profile's, or
// one rule swapped to a variant, or a scenario) and a need measure.
type Variant struct {
	Name                 string `json:"name"`
	Rules                string `json:"rules"`
	Need                 string `json:"need"`
	Value                Num    `json:"value"`
	TopTierSpendShare    Num    `json:"top_tier_spend_share"`
	TopTierPopShare      Num    `json:"top_tier_pop_share"`
	PerCapitaTopToBottom Num    `json:"per_capita_top_to_bottom"`
	AttributedShare      Num    `json:"attributed_share"`
}

// Choice is one choice of the analysis (how one rule places its dollars,
// or the need measure) and the range of the index over its options, every
// other choice as in the profile.
type Choice struct {
	Choice  string   `json:"choice"`
	Options []string `json:"options"`
	Min     Num      `json:"min"`
	Max     Num      `json:"max"`
}

// Influence is the concentration index with one area left out at a time.
type Influence struct {
	Min     Num    `json:"min"`
	Max     Num    `json:"max"`
	MinArea string `json:"min_without"`
	MaxArea string `json:"max_without"`
}

// FigureRange is a headline figure with its range over the ensemble.
type FigureRange struct {
	Key    string `json:"key"`
	Value  Num    `json:"value"`
	Min    Num    `json:"min"`
	Max    Num    `json:"max"`
	Driver string `json:"driver"`
}

// MeasureRow is the headline under one measure of need (the profile's
// rules).
type MeasureRow struct {
	Name              string `json:"name"`
	Label             string `json:"label"`
	Why               string `json:"why,omitempty"`
	Concentration     Num    `json:"concentration_index"`
	TopTierSpendShare Num    `json:"top_tier_spend_share"`
	TopTierPopShare   Num    `json:"top_tier_pop_share"`
	// Correlation is Pearson's r between the areas' mean values of this
	// measure and of the primary one.
	Correlation Num `json:"correlation_with_primary"`
}

// Curves holds the Lorenz curve of per-capita spending and its
// concentration curve ranked by need (population shares on x).
type Curves struct {
	LorenzP []float64 `json:"lorenz_p"`
	LorenzL []float64 `json:"lorenz_l"`
	ConcP   []float64 `json:"concentration_p"`
	ConcL   []float64 `json:"concentration_l"`
	Gini    Num       `json:"gini"`
}

// TheilResult is the Theil T decomposition of per-capita spending between
// and within groups of units.
type TheilResult struct {
	Units      string       `json:"units"`
	GroupedBy  string       `json:"grouped_by"`
	N          int          `json:"n"`
	Total      Num          `json:"total"`
	Between    Num          `json:"between"`
	Within     Num          `json:"within"`
	BetweenPct Num          `json:"between_share"`
	Groups     []TheilGroup `json:"groups"`
	Note       string       `json:"note,omitempty"`
}

// TheilGroup is one group's term: the units whose representative point
// lies in the group's area, their residents and dollars (not the area's
// own figures: units straddle the groups' lines).
type TheilGroup struct {
	Group     string `json:"group"`
	Units     int    `json:"units"`
	PopShare  Num    `json:"pop_share"`
	Share     Num    `json:"spend_share"`
	PerCapita Num    `json:"per_capita"`
	Index     Num    `json:"theil_within"`
}

// GroupRow is the demographic disparity of one population group in the
// SEDT manner: DataValue = sum_a (S_a/S) pct_ga, CityValue = the group's
// citywide percentage; Ratio = DataValue / CityValue (the group's share of
// the dollars, each area's dollars shared among its residents, over its
// share of the population).
type GroupRow struct {
	Group      string  `json:"group"`
	Population float64 `json:"population"`
	DataValue  Num     `json:"data_value_pct"`
	CityValue  Num     `json:"city_value_pct"`
	Diff       Num     `json:"diff_pct"`
	Ratio      Num     `json:"ratio"`
	PerCapita  Num     `json:"per_capita"`
}

// LISAResult is the local Moran's I of per-capita spending, with the false
// discovery rate controlled across the areas (Benjamini-Hochberg).
type LISAResult struct {
	Variable string `json:"variable"`
	Perms    int    `json:"permutations"`
	Seed     uint64 `json:"seed"`
	Alpha    Num    `json:"alpha"`
	FDR      bool   `json:"fdr"`
	Cut      Num    `json:"p_value_cut"`
	// Areas tested, their mean number of neighbours, the smallest p-value
	// the permutations can give, and the areas found significant.
	Areas          int            `json:"areas"`
	MeanNeighbours Num            `json:"mean_neighbours"`
	MinP           Num            `json:"min_p_value"`
	Significant    int            `json:"significant"`
	Counts         map[string]int `json:"clusters"`
	Islands        int            `json:"islands"`
	Note           string         `json:"note,omitempty"`
}

// EvidenceStep is the headline of the placed operating dollars resting on
// the evidence classes up to one (location; location and service; ...
// every class): a reader sees the answer from the strongest evidence and
// how it moves as weaker classes are added.
type EvidenceStep struct {
	// Classes are the evidence classes counted; Label says them in words.
	Classes []string `json:"classes"`
	Label   string   `json:"label"`
	// Placed is their placed operating amount; Share its share of all
	// placed operating dollars.
	Placed Dollars `json:"placed"`
	Share  Num     `json:"share"`
	// PerCapita is Placed per resident of the layer.
	PerCapita Num `json:"per_capita"`
	// Concentration is the concentration index of these dollars per
	// resident ranked by need; TopTierSpendShare the share reaching the
	// highest-need tier (missing without a need run).
	Concentration     Num `json:"concentration_index"`
	TopTierSpendShare Num `json:"top_tier_spend_share"`
}

// DeptRow is one department's accounting and reach.
type DeptRow struct {
	Dept            string  `json:"dept"`
	Name            string  `json:"name"`
	Total           Dollars `json:"total"`
	Attributed      Dollars `json:"attributed"`
	Unattributed    Dollars `json:"unattributed"`
	AttributedShare Num     `json:"attributed_share"`
	// TopTierShare is the share of its placed operating dollars reaching
	// the residents of the highest need tier.
	TopTierShare Num                `json:"top_tier_share"`
	Methods      map[string]Dollars `json:"by_method"`
	// Evidence is the placed amount per evidence class.
	Evidence map[string]Dollars `json:"by_evidence"`
	// ByArea is the placed amount (every class) per area id.
	ByArea  map[string]Dollars `json:"by_area"`
	ByClass map[string]Dollars `json:"by_class"`
	Rules   []string           `json:"rules"`
	// How says in words how those rules place the dollars.
	How []string `json:"how_placed"`
	// RequestChange is the share change contributed by the department's
	// requests (sum of their contributions).
	RequestChange Num `json:"request_contribution"`
	// TopRequest is the department's request with the largest contribution
	// in absolute value, and that contribution.
	TopRequest             string `json:"top_request,omitempty"`
	TopRequestContribution Num    `json:"top_request_contribution"`
}

// RequestsRes says what the phase's budget requests do: their gross
// increases and cuts, where each lands, and the change they make in the
// highest need tier's share of the placed dollars net of the baseline mix
// (see docs/analysis.md).
type RequestsRes struct {
	Phase      string  `json:"phase"`
	Count      int     `json:"count"`
	Change     Dollars `json:"change"`
	Increases  Dollars `json:"increases"`
	Cuts       Dollars `json:"cuts"`
	Attributed Dollars `json:"attributed_change"`
	// IncreasesTopShare and CutsTopShare are the shares of the placed
	// increases and of the placed cuts reaching the highest need tier.
	IncreasesTopShare Num          `json:"increases_top_tier_share"`
	CutsTopShare      Num          `json:"cuts_top_tier_share"`
	BaseShare         Num          `json:"share_without_requests"`
	NewShare          Num          `json:"share_with_requests"`
	ShareChange       Num          `json:"share_change"`
	Rows              []RequestRow `json:"rows"`
}

// RequestRow is one budget request's placement and contribution.
type RequestRow struct {
	Key          string  `json:"key"`
	Dept         string  `json:"dept"`
	DeptName     string  `json:"dept_name"`
	Program      string  `json:"program"`
	Description  string  `json:"description"`
	Change       Dollars `json:"change"`
	Attributed   Dollars `json:"attributed"`
	TopTier      Dollars `json:"top_tier"`
	Method       string  `json:"method"`
	How          string  `json:"how_placed"`
	Contribution Num     `json:"contribution"`
}

// CapitalRes is the capital spending of the phase, measured apart from
// operating spending.
type CapitalRes struct {
	Total        Dollars `json:"total"`
	Attributed   Dollars `json:"attributed"`
	PerCapita    Num     `json:"per_capita"`
	TopTierShare Num     `json:"top_tier_share"`
	Note         string  `json:"note"`
}

// EventsRes summarises service events per need tier.
type EventsRes struct {
	Source    string `json:"source"`
	Synthetic bool   `json:"synthetic"`
	// Estimated: the counts estimate a period's requests (a sample
	// expanded to a volume per stratum), not requests counted one by one.
	Estimated bool     `json:"estimated,omitempty"`
	Rows      int      `json:"rows"`
	Located   int      `json:"located"`
	ByCode    int      `json:"by_code"`
	Unplaced  int      `json:"unplaced"`
	Tiers     []EvTier `json:"tiers"`
	Types     []EvType `json:"types"`
}

// EvTier is one need tier's service requests.
type EvTier struct {
	Tier        int     `json:"tier"`
	Label       string  `json:"label"`
	Population  float64 `json:"population"`
	Count       int     `json:"count"`
	Rate        Num     `json:"per_1000"`
	MedianHours Num     `json:"median_hours"`
	P90Hours    Num     `json:"p90_hours"`
}

// EvType is one request type over all areas.
type EvType struct {
	Type        string `json:"type"`
	Count       int    `json:"count"`
	MedianHours Num    `json:"median_hours"`
	P90Hours    Num    `json:"p90_hours"`
}

// Provenance records what produced the result.
type Provenance struct {
	Version      string   `json:"budgetlens_version"`
	Rules        string   `json:"rules"`
	RulesVersion int      `json:"rules_version"`
	RulesHash    string   `json:"rules_hash"`
	NeedRun      int64    `json:"need_run"`
	NeedSpec     string   `json:"need_spec"`
	NeedVersion  string   `json:"need_spec_version"`
	NeedHash     string   `json:"need_spec_hash"`
	NeedLayer    string   `json:"need_layer"`
	Mapping      string   `json:"mapping"`
	PopSource    string   `json:"population_source"`
	Seed         uint64   `json:"seed"`
	Inputs       []Source `json:"inputs"`
}

// Source is one input with its content hash.
type Source struct {
	Role      string `json:"role"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
	Synthetic bool   `json:"synthetic,omitempty"`
}

// ProjectsRes places a capital-project database (LADOT's funded projects)
// in the areas by geometry, apart from the phase's line items; regional
// megaprojects are listed, not placed.
type ProjectsRes struct {
	Source       string             `json:"source"`
	Count        int                `json:"count"`
	Total        Dollars            `json:"total"`
	Attributed   Dollars            `json:"attributed"`
	ByMethod     map[string]Dollars `json:"by_method"`
	TopTierShare Num                `json:"top_tier_share"`
	Tiers        []ProjectTier      `json:"tiers"`
	Mega         []Megaproject      `json:"megaprojects"`
	MegaTotal    Dollars            `json:"megaprojects_total"`
}

// ProjectTier is the project dollars of one need tier.
type ProjectTier struct {
	Tier       int     `json:"tier"`
	Label      string  `json:"label"`
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
	Share      Num     `json:"share"`
}

// Megaproject is one regional project reported apart.
type Megaproject struct {
	Title  string  `json:"title"`
	Amount Dollars `json:"amount"`
	CD     string  `json:"cd"`
}
