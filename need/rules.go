package need

import (
	"fmt"
	"math"
	"strings"
)

// Rules are the threshold logic of CEJST-style and Metro-style
// designations. Gates are named conditions (low income, low high-school
// attainment); each category is true when its gate holds and any of its
// tests holds. An area is designated (flag "disadvantaged") when any
// category is true; the adjacency rule may add areas afterwards.
type Rules struct {
	Gates      []Gate     `yaml:"gates"`
	Categories []Category `yaml:"categories"`
	Adjacency  *Adjacency `yaml:"adjacency,omitempty"`
}

// Gate is a named condition: all of its tests hold.
type Gate struct {
	Name string `yaml:"name"`
	All  []Test `yaml:"all"`
}

// Category is true when Gate holds (if named) and any test holds.
type Category struct {
	Name string `yaml:"name"`
	Gate string `yaml:"gate,omitempty"`
	Any  []Test `yaml:"any"`
}

// Test compares an indicator's normalised value (or raw value, with Raw)
// with a threshold. A missing value fails every test. A test with All set
// holds when all its sub-tests hold (for compound conditions such as
// CEJST's lead paint AND median home value).
type Test struct {
	Label     string  `yaml:"label,omitempty"`
	Indicator string  `yaml:"indicator,omitempty"`
	Raw       bool    `yaml:"raw,omitempty"`
	Op        string  `yaml:"op,omitempty"` // >=, >, <=, <, ==
	Value     float64 `yaml:"value,omitempty"`
	All       []Test  `yaml:"all,omitempty"`
}

// Adjacency is CEJST's rule: an area not designated whose neighbours'
// designated share is at least MinShare and which passes Gate becomes
// designated. NeighbourShare names an indicator holding a precomputed
// neighbour share, used when no neighbour list is given.
type Adjacency struct {
	Gate           string  `yaml:"gate"`
	MinShare       float64 `yaml:"min_share"`
	NeighbourShare string  `yaml:"neighbour_share,omitempty"`
}

func (r *Rules) validate(inds map[string]bool) error {
	gates := map[string]bool{}
	for _, g := range r.Gates {
		gates[g.Name] = true
		for _, t := range g.All {
			if err := t.validate(inds); err != nil {
				return fmt.Errorf("gate %q: %v", g.Name, err)
			}
		}
	}
	for _, c := range r.Categories {
		if c.Gate != "" && !gates[c.Gate] {
			return fmt.Errorf("category %q: gate %q is not defined", c.Name, c.Gate)
		}
		for _, t := range c.Any {
			if err := t.validate(inds); err != nil {
				return fmt.Errorf("category %q: %v", c.Name, err)
			}
		}
	}
	if a := r.Adjacency; a != nil {
		if !gates[a.Gate] {
			return fmt.Errorf("adjacency: gate %q is not defined", a.Gate)
		}
		if a.NeighbourShare != "" && !inds[a.NeighbourShare] {
			return fmt.Errorf("adjacency: neighbour_share %q is not an indicator", a.NeighbourShare)
		}
	}
	return nil
}

func (t Test) validate(inds map[string]bool) error {
	if len(t.All) > 0 {
		for _, s := range t.All {
			if err := s.validate(inds); err != nil {
				return err
			}
		}
		return nil
	}
	if !inds[t.Indicator] {
		return fmt.Errorf("test names indicator %q, which is not in indicators", t.Indicator)
	}
	switch t.Op {
	case ">=", ">", "<=", "<", "==":
	default:
		return fmt.Errorf("test on %q: op %q: use >=, >, <=, < or ==", t.Indicator, t.Op)
	}
	return nil
}

// TestResult is one evaluated test, for explanations.
type TestResult struct {
	Label     string  `json:"label"`
	Indicator string  `json:"indicator"`
	Value     Num     `json:"value"`
	Op        string  `json:"op"`
	Threshold float64 `json:"threshold"`
	Met       bool    `json:"met"`
}

func (t Test) eval(get func(ind string, raw bool) float64, out *[]TestResult) bool {
	if len(t.All) > 0 {
		ok := true
		for _, s := range t.All {
			if !s.eval(get, out) {
				ok = false
			}
		}
		return ok
	}
	v := get(t.Indicator, t.Raw)
	met := false
	if !math.IsNaN(v) {
		switch t.Op {
		case ">=":
			met = v >= t.Value
		case ">":
			met = v > t.Value
		case "<=":
			met = v <= t.Value
		case "<":
			met = v < t.Value
		case "==":
			met = v == t.Value
		}
	}
	label := t.Label
	if label == "" {
		label = strings.ReplaceAll(t.Indicator, "_", " ")
		if !t.Raw {
			label += " percentile"
		}
	}
	*out = append(*out, TestResult{Label: label, Indicator: t.Indicator, Value: Num(v), Op: t.Op, Threshold: t.Value, Met: met})
	return met
}
