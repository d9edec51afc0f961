package projects

import (
	"time"

	"github.com/budgetlens/budgetlens/capital"
)

// Scenario is a saved plan selection: the model the optimiser was given
// (built from the plan, its placement and the constraints asked for), the
// plan it returned, what was asked in words, and the equity figures of the
// selection, so that scenarios can be compared (capital.Compare) and set
// side by side without solving again.
type Scenario struct {
	Plan string `json:"plan"`
	Name string `json:"name"`
	// Saved is when it was stored (set by the store, UTC); By who saved it;
	// Note why.
	Saved time.Time `json:"saved"`
	By    string    `json:"by"`
	Note  string    `json:"note,omitempty"`
	// Settings are the constraints as asked ("budget $10,000,000.00",
	// "min high-need share 0.4", ...), in order.
	Settings []string        `json:"settings"`
	Model    *capital.Model  `json:"model"`
	Result   *capital.Result `json:"result"`
	Equity   Equity          `json:"equity"`
}

// Info summarises the scenario for listings.
func (s *Scenario) Info() ScenarioInfo {
	si := ScenarioInfo{Plan: s.Plan, Name: s.Name, Saved: s.Saved, By: s.By, Note: s.Note, Settings: s.Settings, Equity: s.Equity}
	if r := s.Result; r != nil {
		si.Status, si.Optimal, si.Objective, si.Selected = string(r.Status), r.Optimal, r.Objective, len(r.Selected)
		si.CostCents = r.Figures.Cost
	}
	return si
}

// ScenarioInfo summarises a saved scenario.
type ScenarioInfo struct {
	Plan      string    `json:"plan"`
	Name      string    `json:"name"`
	Saved     time.Time `json:"saved"`
	By        string    `json:"by"`
	Note      string    `json:"note,omitempty"`
	Settings  []string  `json:"settings"`
	Status    string    `json:"status"`
	Optimal   bool      `json:"optimal"`
	Objective float64   `json:"objective"`
	Selected  int       `json:"selected"`
	CostCents int64     `json:"cost_cents"`
	Equity    Equity    `json:"equity"`
}

// Equity are a selection's equity figures on the layer it was placed on:
// where its dollars went by need tier, against where the residents live.
type Equity struct {
	Layer string `json:"layer"`
	// Need names the need measure the tiers come from.
	Need  string `json:"need"`
	Tiers int    `json:"tiers"`
	// Cents of the selection placed in areas, serving the whole city, with
	// no known place, and reported apart (regional megaprojects).
	PlacedCents   int64 `json:"placed_cents"`
	CitywideCents int64 `json:"citywide_cents"`
	UnplacedCents int64 `json:"unplaced_cents"`
	ApartCents    int64 `json:"apart_cents"`
	// TopTierCents are the placed cents in areas of the highest-need tier;
	// TopTierDollarShare = TopTierCents / PlacedCents, against
	// TopTierPopulationShare, the share of residents living there.
	TopTierCents           int64   `json:"top_tier_cents"`
	TopTierDollarShare     float64 `json:"top_tier_dollar_share"`
	TopTierPopulationShare float64 `json:"top_tier_population_share"`
	// HighNeedShare is the share the optimiser's constraint counts: the
	// high-need cents (top-tier cents and the top tier's population share
	// of citywide cents) over the whole cost.
	HighNeedShare float64 `json:"high_need_share"`
	// Concentration is the concentration index of placed dollars per
	// resident ranked by need (positive: more per resident where need is
	// higher); NaN-free: Valid says whether it could be computed.
	Concentration float64 `json:"concentration_index"`
	Valid         bool    `json:"concentration_valid"`
	// PerResident is the placed dollars per resident of each tier, tier 1
	// (least need) first.
	PerResident []float64 `json:"per_resident_by_tier"`
}

// Release is a change of a plan's release state: a plan (and its saved
// scenarios) is held from its import until released; the public view shows
// released plans only.
type Release struct {
	Plan     string    `json:"plan"`
	Released bool      `json:"released"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
}
