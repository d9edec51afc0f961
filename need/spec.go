package need

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
	"gopkg.in/yaml.v3"
)

// Spec is an index specification, kept as a versioned YAML document.
type Spec struct {
	Name        string `yaml:"name"`
	Version     string `yaml:"version"`
	Description string `yaml:"description,omitempty"`
	Source      string `yaml:"source,omitempty"`
	// Method is "composite" (normalise, weight, aggregate) or "thresholds"
	// (CEJST / Metro-style rules: categories of tests, gates, adjacency).
	Method string `yaml:"method"`
	// Normalise is the default normalisation of every indicator.
	Normalise Normalisation `yaml:"normalise"`
	// Population names the population column, used for population-weighted
	// results and comparisons; optional.
	Population string          `yaml:"population,omitempty"`
	Indicators []IndicatorSpec `yaml:"indicators"`
	// Components (composite): each a weighted mean of domain scores, each
	// domain a weighted mean of its indicators' normalised values.
	Components []Component `yaml:"components,omitempty"`
	// Combine joins the components: "mean" (weighted arithmetic mean),
	// "sum", "product" (CalEnviroScreen) or "geometric" (weighted geometric
	// mean). Default mean.
	Combine string `yaml:"combine,omitempty"`
	// Rerank makes the score the percentile (0-100) of the combined value
	// (percentile-average indices).
	Rerank bool `yaml:"rerank,omitempty"`
	// Rules (thresholds method).
	Rules *Rules `yaml:"rules,omitempty"`
	Tiers Tiers  `yaml:"tiers,omitempty"`
	// PublishedPercentile names a column with the published percentile of
	// the score (statewide, for example); with published percentiles it
	// replaces the percentile computed among the run's areas, so a run
	// over a subset (the SB 535 list) is tiered as published.
	PublishedPercentile string `yaml:"published_percentile,omitempty"`
	// PopulationWeighted makes the score's percentile a population-weighted
	// fractional rank, so quantile tiers hold equal shares of the
	// population rather than equal numbers of areas.
	PopulationWeighted bool `yaml:"population_weighted,omitempty"`
}

// Normalisation turns an indicator's raw values into comparable values.
type Normalisation struct {
	// Method: percentile, zscore, minmax, rank, threshold or none (the
	// column already holds the normalised value, such as a published
	// percentile).
	Method string `yaml:"method"`
	// Ties (percentile): average, max or min.
	Ties Ties `yaml:"ties,omitempty"`
	// PositiveOnly (percentile): rank only values > 0, others get 0.
	PositiveOnly bool `yaml:"positive_only,omitempty"`
	// Scale (percentile, minmax, rank): 1 or 100.
	Scale float64 `yaml:"scale,omitempty"`
	// Threshold (threshold): 1 when the (direction-adjusted) value is at or
	// above it, else 0.
	Threshold float64 `yaml:"threshold,omitempty"`
}

// IndicatorSpec describes one indicator: where its values are, which way is
// need, and its metadata.
type IndicatorSpec struct {
	Name string `yaml:"name"`
	// Column is the heading of the raw values (default: Name).
	Column string `yaml:"column,omitempty"`
	// Published is the heading of a published percentile for the same
	// indicator, used instead of recomputing when the run asks for it.
	Published string `yaml:"published,omitempty"`
	// MOE is the heading of the margin of error (90%, as the ACS publishes
	// it); default "<column> MOE" when the table has it.
	MOE string `yaml:"moe,omitempty"`
	// Direction: "higher" (default; higher means more need) or "lower"
	// (assets such as income or life expectancy: ranked in reverse).
	Direction string         `yaml:"direction,omitempty"`
	Domain    string         `yaml:"domain,omitempty"`
	Weight    float64        `yaml:"weight,omitempty"`
	Normalise *Normalisation `yaml:"normalise,omitempty"`
	Unit      string         `yaml:"unit,omitempty"`
	Source    string         `yaml:"source,omitempty"`
	Year      int            `yaml:"year,omitempty"`
}

// Component is one part of a composite (CalEnviroScreen's Pollution Burden
// and Population Characteristics).
type Component struct {
	Name   string   `yaml:"name"`
	Weight float64  `yaml:"weight,omitempty"`
	Scale  *Scaling `yaml:"scale,omitempty"`
	// MaxMissing is the largest number of missing indicators with which the
	// component still gets a value (default: any number short of all).
	MaxMissing *int     `yaml:"max_missing,omitempty"`
	Domains    []Domain `yaml:"domains"`
}

// Scaling divides a component by its maximum and multiplies by To
// (CalEnviroScreen scales each component to 0-10 by its statewide maximum).
// The maximum is the larger of the maximum observed in the run and
// ReferenceMax, so a run over a subset of the areas (such as the SB 535
// list) can still use the statewide maximum.
type Scaling struct {
	To           float64 `yaml:"to"`
	ReferenceMax float64 `yaml:"reference_max,omitempty"`
}

// Domain is a weighted group of indicators.
type Domain struct {
	Name       string   `yaml:"name"`
	Weight     float64  `yaml:"weight,omitempty"`
	Indicators []string `yaml:"indicators"`
}

// Tiers label areas by their score or percentile.
type Tiers struct {
	// Method: quantiles (N equal groups of the score's percentile), cuts
	// (explicit cut points), flag (a rules flag such as "disadvantaged").
	Method string `yaml:"method,omitempty"`
	// On: score or percentile (default percentile).
	On     string    `yaml:"on,omitempty"`
	N      int       `yaml:"n,omitempty"`
	Cuts   []float64 `yaml:"cuts,omitempty"`
	Labels []string  `yaml:"labels,omitempty"`
	Flag   string    `yaml:"flag,omitempty"`
	// Top names the tier used for "probability of being in the top tier"
	// (default: the last label).
	Top string `yaml:"top,omitempty"`
}

// ParseSpec parses and validates a YAML spec. name is used in errors.
func ParseSpec(name string, data []byte) (*Spec, error) {
	var s Spec
	if err := yamlerr.Decode(name, data, &s, "a need-index spec", "see docs/need.md for the spec format, or start from budgetlens index spec --preset ces4"); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, budget.Wrap(budget.EINVALID, err, "need: spec %s", name)
	}
	return &s, nil
}

// Hash is the sha256 of the spec's canonical YAML (re-encoded, so comments
// and layout do not change it).
func (s *Spec) Hash() string {
	b, _ := yaml.Marshal(s)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// YAML returns the spec as YAML.
func (s *Spec) YAML() string {
	b, _ := yaml.Marshal(s)
	return string(b)
}

// Indicator returns the indicator named n.
func (s *Spec) Indicator(n string) (*IndicatorSpec, bool) {
	for i := range s.Indicators {
		if s.Indicators[i].Name == n {
			return &s.Indicators[i], true
		}
	}
	return nil, false
}

// Validate checks the spec is complete and consistent.
func (s *Spec) Validate() error {
	if s.Name == "" || s.Version == "" {
		return fmt.Errorf("name and version are required")
	}
	seen := map[string]bool{}
	for _, ind := range s.Indicators {
		if ind.Name == "" {
			return fmt.Errorf("an indicator has no name")
		}
		if seen[ind.Name] {
			return fmt.Errorf("indicator %q is listed twice", ind.Name)
		}
		seen[ind.Name] = true
		if d := ind.Direction; d != "" && d != "higher" && d != "lower" {
			return fmt.Errorf("indicator %q: direction %q: use higher or lower", ind.Name, d)
		}
		if ind.Weight < 0 || math.IsNaN(ind.Weight) {
			return fmt.Errorf("indicator %q: weight %v must be >= 0", ind.Name, ind.Weight)
		}
		n := s.Normalise
		if ind.Normalise != nil {
			n = *ind.Normalise
		}
		if err := n.validate(); err != nil {
			return fmt.Errorf("indicator %q: %w", ind.Name, err)
		}
	}
	switch s.Method {
	case "composite":
		if len(s.Components) == 0 {
			return fmt.Errorf("a composite needs at least one component")
		}
		for _, c := range s.Components {
			for _, d := range c.Domains {
				for _, n := range d.Indicators {
					if !seen[n] {
						return fmt.Errorf("component %q domain %q names indicator %q, which is not in indicators", c.Name, d.Name, n)
					}
				}
			}
		}
		switch s.Combine {
		case "", "mean", "sum", "product", "geometric":
		default:
			return fmt.Errorf("combine %q: use mean, sum, product or geometric", s.Combine)
		}
	case "thresholds":
		if s.Rules == nil || len(s.Rules.Categories) == 0 {
			return fmt.Errorf("the thresholds method needs rules with at least one category")
		}
		if err := s.Rules.validate(seen); err != nil {
			return err
		}
	default:
		return fmt.Errorf("method %q: use composite or thresholds", s.Method)
	}
	switch s.Tiers.Method {
	case "", "quantiles", "flag":
	case "cuts":
		if len(s.Tiers.Labels) != len(s.Tiers.Cuts)+1 {
			return fmt.Errorf("tiers: %d cut points need %d labels", len(s.Tiers.Cuts), len(s.Tiers.Cuts)+1)
		}
		for i := 1; i < len(s.Tiers.Cuts); i++ {
			if s.Tiers.Cuts[i] <= s.Tiers.Cuts[i-1] {
				return fmt.Errorf("tiers: cut points must increase")
			}
		}
	default:
		return fmt.Errorf("tiers method %q: use quantiles, cuts or flag", s.Tiers.Method)
	}
	return nil
}

func (n Normalisation) validate() error {
	switch n.Method {
	case "percentile", "zscore", "minmax", "rank", "threshold", "none":
	default:
		return fmt.Errorf("normalise method %q: use percentile, zscore, minmax, rank, threshold or none", n.Method)
	}
	switch n.Ties {
	case "", TiesAverage, TiesMax, TiesMin:
	default:
		return fmt.Errorf("ties %q: use average, max or min", n.Ties)
	}
	return nil
}
