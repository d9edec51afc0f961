// Package measures is budgetlens' performance management by area: service
// measures (YAML definitions) computed from stored service requests by area
// of any layer, need tier, request type, agency, source and period, with
// their trends; equity gaps between the highest- and lowest-need tiers and
// the concentration index by need, with bootstrap intervals; scores against
// targets rolled up per area, department and city (the idea of Boston's
// CityScore); measures published by area (LAFD response times) carried to
// any layer; and the city's own program measures beside its budget.
//
// It is pure computation: it reads the compact per-month partitions of the
// events (Partition, Summary) and plain slices, and knows nothing of
// stores, HTTP or the CLI. See docs/measures.md for every definition.
package measures

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
	"gopkg.in/yaml.v3"
)

// Kinds of measure.
const (
	KindCount       = "count"         // requests
	KindPer1000     = "per_1000"      // requests per 1,000 residents
	KindShareClosed = "share_closed"  // closed / requests
	KindDays        = "days_to_close" // nearest-rank quantile of days from creation to closing
	KindOnTime      = "on_time"       // closed within the type's service level / closed with a service level
	KindBacklog     = "backlog"       // requests open at the end of the period
	KindBacklogAge  = "backlog_age"   // mean days those have been open at the end of the period
	KindRepeat      = "repeat_share"  // requests repeating one of the same type at the same place within the repeat window (Services)
	KindShareOf     = "share_of"      // requests passing the filter / requests passing Of
)

var kinds = []string{KindCount, KindPer1000, KindShareClosed, KindDays, KindOnTime, KindBacklog, KindBacklogAge, KindRepeat, KindShareOf}

// Directions of a measure for scoring against a target.
const (
	Higher = "higher" // more is better (share closed, on time)
	Lower  = "lower"  // less is better (days, backlog, repeats)
)

// Filter selects requests by type, agency or source (values as written
// in the files, or a request type's canonical name; any listed value
// matches; an empty list matches all).
type Filter struct {
	Types    []string `yaml:"types" json:"types,omitempty"`
	Agencies []string `yaml:"agencies" json:"agencies,omitempty"`
	Sources  []string `yaml:"sources" json:"sources,omitempty"`
}

// Empty reports whether the filter selects every request.
func (f Filter) Empty() bool { return len(f.Types)+len(f.Agencies)+len(f.Sources) == 0 }

func (f Filter) key() string {
	return strings.Join(f.Types, "\x00") + "\x01" + strings.Join(f.Agencies, "\x00") + "\x01" + strings.Join(f.Sources, "\x00")
}

// Definition is one measure.
type Definition struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	Kind string `yaml:"kind" json:"kind"`
	// Quantile is the fraction of a days_to_close measure (0.5 median,
	// 0.9 90th percentile), nearest rank.
	Quantile float64 `yaml:"quantile" json:"quantile,omitempty"`
	Filter   Filter  `yaml:"filter" json:"filter"`
	// Of is the denominator of a share_of measure (default every request).
	Of *Filter `yaml:"of" json:"of,omitempty"`
	// Better is higher or lower; default from the kind, and none for
	// count, per_1000 and share_of (they are not scored).
	Better      string `yaml:"better" json:"better,omitempty"`
	Description string `yaml:"description" json:"description,omitempty"`
	// Names is the name in the dashboard's other languages, by language
	// code (es); a language without one shows Name.
	Names map[string]string `yaml:"names" json:"names,omitempty"`
	// Line is where the definition starts in its file.
	Line int `yaml:"-" json:"-"`
}

// Unit is what the measure's values count.
func (d *Definition) Unit() string {
	switch d.Kind {
	case KindCount, KindBacklog:
		return "requests"
	case KindPer1000:
		return "per 1,000 residents"
	case KindDays, KindBacklogAge:
		return "days"
	}
	return "share"
}

// Direction is Higher, Lower or "" (not scored).
func (d *Definition) Direction() string {
	if d.Better != "" {
		return d.Better
	}
	switch d.Kind {
	case KindShareClosed, KindOnTime:
		return Higher
	case KindDays, KindBacklog, KindBacklogAge, KindRepeat:
		return Lower
	}
	return ""
}

// Set is a list of measures read from one YAML document.
type Set struct {
	Version  int          `yaml:"version" json:"version"`
	Name     string       `yaml:"name" json:"name"`
	Measures []Definition `yaml:"measures" json:"measures"`
	File     string       `yaml:"-" json:"file"`
}

// Measure returns the definition with this id.
func (s *Set) Measure(id string) (*Definition, bool) {
	for i := range s.Measures {
		if s.Measures[i].ID == id {
			return &s.Measures[i], true
		}
	}
	return nil, false
}

// IDs lists the measures' ids in order.
func (s *Set) IDs() []string {
	out := make([]string, len(s.Measures))
	for i, m := range s.Measures {
		out[i] = m.ID
	}
	return out
}

//go:embed defaults.yaml
var defaultsYAML []byte

// Defaults returns the shipped measures (defaults.yaml).
func Defaults() *Set {
	s, err := ParseSet("measures:defaults", defaultsYAML)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return s
}

const defineHelp = "see docs/measures.md, \"Definitions\""

// ParseSet reads a measure set. Every problem is an input error naming the
// file, the line and what is expected.
func ParseSet(file string, data []byte) (*Set, error) {
	s := &Set{}
	if err := yamlerr.Decode(file, data, s, "a set of service measures", defineHelp); err != nil {
		return nil, err
	}
	s.File = file
	lines := itemLines(data, "measures")
	seen := map[string]bool{}
	for i := range s.Measures {
		d := &s.Measures[i]
		if i < len(lines) {
			d.Line = lines[i]
		}
		if err := d.check(file); err != nil {
			return nil, err
		}
		if seen[d.ID] {
			return nil, &budget.InputError{File: file, Line: d.Line, Field: "measures.id", Value: d.ID, Expected: "each measure id once"}
		}
		seen[d.ID] = true
	}
	if s.Version != 1 {
		return nil, &budget.InputError{File: file, Field: "version", Value: fmt.Sprint(s.Version), Expected: "version: 1 (" + defineHelp + ")"}
	}
	return s, nil
}

// Merge returns the measures of s followed by those of more, a measure of
// more replacing one of s with the same id.
func (s *Set) Merge(more *Set) *Set {
	out := &Set{Version: 1, Name: s.Name, File: s.File, Measures: slices.Clone(s.Measures)}
	if more == nil {
		return out
	}
	out.Name = s.Name + " + " + more.Name
	for _, m := range more.Measures {
		if i := slices.IndexFunc(out.Measures, func(x Definition) bool { return x.ID == m.ID }); i >= 0 {
			out.Measures[i] = m
			continue
		}
		out.Measures = append(out.Measures, m)
	}
	return out
}

func (d *Definition) check(file string) error {
	bad := func(field, value, expected string) error {
		return &budget.InputError{File: file, Line: d.Line, Field: "measures." + field, Value: value, Expected: expected + " (" + defineHelp + ")"}
	}
	if d.ID == "" || strings.Trim(d.ID, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return bad("id", d.ID, "an id of lower-case letters, digits and _ (such as median_days)")
	}
	if d.Name == "" {
		d.Name = d.ID
	}
	if !slices.Contains(kinds, d.Kind) {
		return bad("kind", d.Kind, "one of "+strings.Join(kinds, ", "))
	}
	if err := CheckNames(d.Names); err != nil {
		return bad("names", err.Error(), "names by language code, such as es: Mediana de días hasta el cierre")
	}
	switch {
	case d.Kind == KindDays && !(d.Quantile > 0 && d.Quantile <= 1):
		return bad("quantile", fmt.Sprint(d.Quantile), "the quantile of a days_to_close measure, above 0 and at most 1 (0.5 for the median)")
	case d.Kind != KindDays && d.Quantile != 0:
		return bad("quantile", fmt.Sprint(d.Quantile), "no quantile: only days_to_close measures take one")
	case d.Kind == KindShareOf && d.Filter.Empty():
		return bad("filter", "", "a filter: a share_of measure is the share of requests passing it")
	case d.Kind != KindShareOf && d.Of != nil:
		return bad("of", "", "no of: only share_of measures have a denominator filter")
	case (d.Kind == KindBacklog || d.Kind == KindBacklogAge) && (len(d.Filter.Agencies) > 0 || len(d.Filter.Sources) > 0):
		return bad("filter", "", "a filter by request types only: the backlog is kept by area and request type")
	case d.Better != "" && d.Better != Higher && d.Better != Lower:
		return bad("better", d.Better, "higher or lower")
	}
	return nil
}

// itemLines returns the line of each item of a top-level list key, from
// the parsed document.
func itemLines(data []byte, key string) []int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, it := range m.Content[i+1].Content {
				out = append(out, it.Line)
			}
			return out
		}
	}
	return nil
}

// CheckNames checks a measure's names in other languages: each keyed by a
// language code of two lower-case letters and not empty. The error names
// the faulty entry.
func CheckNames(names map[string]string) error {
	for lang, n := range names {
		if len(lang) != 2 || strings.Trim(lang, "abcdefghijklmnopqrstuvwxyz") != "" {
			return fmt.Errorf("%s: %s", lang, n)
		}
		if strings.TrimSpace(n) == "" {
			return fmt.Errorf("%s: (empty)", lang)
		}
	}
	return nil
}

// NameIn is a name in language lang when names has one, else name.
func NameIn(name string, names map[string]string, lang string) string {
	if n := names[lang]; n != "" {
		return n
	}
	return name
}
