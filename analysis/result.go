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
	Jurisdiction string `json:"jurisdiction,omitempty"`
	FiscalYear   string `json:"fiscal_year"`
	Phase        string `json:"phase"`
	Layer        string `json:"layer"`
	Tiers        int    `json:"tiers"`

	Totals    Totals       `json:"totals"`
	City      CityRow      `json:"city"`
	Headline  Headline     `json:"headline"`
	Areas     []AreaRow    `json:"areas"`
	TierRows  []TierRow    `json:"tier_summary"`
	Concentr  *ConcResult  `json:"concentration,omitempty"`
	Curves    *Curves      `json:"curves,omitempty"`
	Theil     *TheilResult `json:"theil,omitempty"`
	Represent []RepRow     `json:"representation,omitempty"`
	GroupRep  []GroupRow   `json:"group_representation,omitempty"`
	LISA      *LISAResult  `json:"lisa,omitempty"`
	Depts     []DeptRow    `json:"departments"`
	Requests  *RequestsRes `json:"requests,omitempty"`
	Events    *EventsRes   `json:"events,omitempty"`
	Projects  *ProjectsRes `json:"capital_projects,omitempty"`
	// Comparisons holds the other phase of the year and last year's
	// adopted budget on the same layer, rules and need (set by the caller).
	Comparisons []CompareRow `json:"comparisons,omitempty"`
	Notes       []string     `json:"notes"`
	Provenance  Provenance   `json:"provenance"`
}

// CityRow is the whole layer as one row: its population, the dollars
// placed in it and the city's average placed dollars per resident.
type CityRow struct {
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
}

// Totals is the accounting identity: attributed + unattributed = phase total.
type Totals struct {
	PhaseTotal      Dollars `json:"phase_total"`
	Attributed      Dollars `json:"attributed"`
	Unattributed    Dollars `json:"unattributed"`
	AttributedShare Num     `json:"attributed_share"`
	// ByMethod is the attributed amount per attribution method.
	ByMethod map[string]Dollars `json:"by_method"`
	// UnattributedReasons sums the unattributed amount by reason.
	UnattributedReasons map[string]Dollars `json:"unattributed_reasons"`
	LineItems           int                `json:"line_items"`
}

// Headline holds the numbers of the executive summary.
type Headline struct {
	Population float64 `json:"population"`
	// PerCapita is attributed dollars per resident of the layer's areas.
	PerCapita Num `json:"per_capita"`
	// TopTierSpendShare is the share of the attributed dollars placed in
	// areas of the highest need tier; TopTierPopShare that tier's share of
	// the population. Ratio = spend share / population share.
	TopTierSpendShare Num `json:"top_tier_spend_share"`
	TopTierPopShare   Num `json:"top_tier_pop_share"`
	TopTierRatio      Num `json:"top_tier_ratio"`
	// DesignatedSpendShare is the population-apportioned share of the
	// attributed dollars reaching residents of the need run's top tier
	// (CES: SB 535 disadvantaged tracts): sum_a S_a d_a / S with d_a the
	// share of area a's population in such tracts; DesignatedPopShare is
	// their share of the population.
	DesignatedSpendShare Num `json:"designated_spend_share"`
	DesignatedPopShare   Num `json:"designated_pop_share"`
	// Concentration index of per-capita spending ranked by need (positive:
	// spending per resident rises with need) and its 95% bootstrap interval.
	Concentration     Num `json:"concentration_index"`
	ConcentrationLow  Num `json:"concentration_low"`
	ConcentrationHigh Num `json:"concentration_high"`
	// PerCapitaTopToBottom is per-capita spending of the highest need tier
	// divided by that of the lowest.
	PerCapitaTopToBottom Num `json:"per_capita_top_to_bottom"`
}

// AreaRow is one area of the layer.
type AreaRow struct {
	AreaID     string  `json:"area_id"`
	Name       string  `json:"name"`
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
	NeedScore  Num     `json:"need_score"`
	NeedTier   int     `json:"need_tier"`
	TierLabel  string  `json:"need_tier_label"`
	// DesignatedShare is the share of the population in the need run's top tier.
	DesignatedShare Num `json:"designated_pop_share"`
	// SpendShare and PopShare are the area's shares of the attributed
	// dollars and of the population; Gap = SpendShare - PopShare (the SEDT
	// geographic disparity against the total population).
	SpendShare Num `json:"spend_share"`
	PopShare   Num `json:"pop_share"`
	Gap        Num `json:"gap"`
	// PerCapitaGap is per-capita spending minus the citywide per-capita amount.
	PerCapitaGap Num    `json:"per_capita_gap"`
	SmallAreas   int    `json:"small_areas"`
	LISA         string `json:"lisa_cluster,omitempty"`
	Events       *int   `json:"service_requests,omitempty"`
	EventRate    Num    `json:"requests_per_1000"`
	MedianHours  Num    `json:"response_median_hours"`
	P90Hours     Num    `json:"response_p90_hours"`
}

// TierRow summarises one need tier.
type TierRow struct {
	Tier       int     `json:"tier"`
	Label      string  `json:"label"`
	Areas      int     `json:"areas"`
	Population float64 `json:"population"`
	Amount     Dollars `json:"amount"`
	PerCapita  Num     `json:"per_capita"`
	// PerCapitaLow/High: 95% bootstrap percentile interval, resampling the
	// tier's areas with replacement.
	PerCapitaLow  Num `json:"per_capita_low"`
	PerCapitaHigh Num `json:"per_capita_high"`
	SpendShare    Num `json:"spend_share"`
	PopShare      Num `json:"pop_share"`
	MeanScore     Num `json:"mean_need_score"`
}

// ConcResult is the concentration index of per-capita spending by need.
type ConcResult struct {
	Index          Num    `json:"index"`
	SEDelta        Num    `json:"se_delta"`
	Low            Num    `json:"ci_low"`
	High           Num    `json:"ci_high"`
	Level          Num    `json:"level"`
	Reps           int    `json:"reps"`
	Seed           uint64 `json:"seed"`
	Units          int    `json:"units"`
	RankedBy       string `json:"ranked_by"`
	Interpretation string `json:"interpretation"`
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

// TheilGroup is one group's term.
type TheilGroup struct {
	Group     string `json:"group"`
	Units     int    `json:"units"`
	PopShare  Num    `json:"pop_share"`
	Share     Num    `json:"spend_share"`
	PerCapita Num    `json:"per_capita"`
	Index     Num    `json:"theil_within"`
}

// RepRow is the representation of one need tier (metrics.RepresentationRatios).
type RepRow struct {
	Group      string `json:"group"`
	Units      int    `json:"units"`
	PopShare   Num    `json:"pop_share"`
	SpendShare Num    `json:"spend_share"`
	NeedShare  Num    `json:"need_share"`
	RatioPop   Num    `json:"ratio_pop"`
	RatioPopLo Num    `json:"ratio_pop_low"`
	RatioPopHi Num    `json:"ratio_pop_high"`
	RatioNeed  Num    `json:"ratio_need"`
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

// LISAResult is the local Moran's I of per-capita spending.
type LISAResult struct {
	Variable string         `json:"variable"`
	Perms    int            `json:"permutations"`
	Seed     uint64         `json:"seed"`
	Alpha    Num            `json:"alpha"`
	Counts   map[string]int `json:"clusters"`
	Islands  int            `json:"islands"`
	Note     string         `json:"note,omitempty"`
}

// DeptRow is one department's accounting and reach.
type DeptRow struct {
	Dept            string             `json:"dept"`
	Name            string             `json:"name"`
	Total           Dollars            `json:"total"`
	Attributed      Dollars            `json:"attributed"`
	Unattributed    Dollars            `json:"unattributed"`
	AttributedShare Num                `json:"attributed_share"`
	TopTierShare    Num                `json:"top_tier_share"`
	Methods         map[string]Dollars `json:"by_method"`
	Rules           []string           `json:"rules"`
	// RequestChange is the share change contributed by the department's
	// requests (sum of their contributions).
	RequestChange Num `json:"request_contribution"`
	// TopRequest is the department's request with the largest contribution
	// in absolute value, and that contribution.
	TopRequest             string `json:"top_request,omitempty"`
	TopRequestContribution Num    `json:"top_request_contribution"`
}

// RequestsRes decomposes the change in the top tier's share of attributed
// dollars made by the phase's budget requests (see docs/analysis.md).
type RequestsRes struct {
	Phase       string       `json:"phase"`
	Count       int          `json:"count"`
	Change      Dollars      `json:"change"`
	Attributed  Dollars      `json:"attributed_change"`
	BaseShare   Num          `json:"share_without_requests"`
	NewShare    Num          `json:"share_with_requests"`
	ShareChange Num          `json:"share_change"`
	Rows        []RequestRow `json:"rows"`
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
	Contribution Num     `json:"contribution"`
}

// EventsRes summarises service events per need tier.
type EventsRes struct {
	Source    string   `json:"source"`
	Synthetic bool     `json:"synthetic"`
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
