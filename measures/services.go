package measures

import (
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Services is what a city profile says about its service requests
// (services: in the profile, see docs/measures.md): its request types and
// their service levels, which area codes place requests without
// coordinates, the repeat window, and the targets measures are scored
// against.
type Services struct {
	RequestTypes []RequestType `yaml:"request_types" json:"request_types"`
	// AreaCodes say which code of a request (cd, nc or nc_name) places it
	// in which layer when it has no usable coordinates.
	AreaCodes []AreaCode `yaml:"area_codes" json:"area_codes"`
	// RepeatWindowDays: a request repeats one of the same type at the same
	// place made at most this many days before it (default 30).
	RepeatWindowDays int      `yaml:"repeat_window_days" json:"repeat_window_days"`
	Targets          []Target `yaml:"targets" json:"targets"`
}

// RequestType is one of the city's request types: the name measures use,
// the other names its files have used for it, the department answering it
// and its on-time service level.
type RequestType struct {
	Name    string        `yaml:"name" json:"name"`
	Aliases []string      `yaml:"aliases" json:"aliases,omitempty"`
	Agency  string        `yaml:"agency" json:"agency,omitempty"`
	OnTime  *ServiceLevel `yaml:"on_time" json:"on_time,omitempty"`
}

// ServiceLevel is the time within which a request of a type is on time:
// Days calendar days (fractions allowed: 2 = 48 hours) from its creation,
// or by the end of the WorkingDays-th working day (Monday to Friday;
// holidays are not known) after the day it was made.
type ServiceLevel struct {
	Days         float64 `yaml:"days" json:"days,omitempty"`
	WorkingDays  int     `yaml:"working_days" json:"working_days,omitempty"`
	Source       string  `yaml:"source" json:"source,omitempty"`
	Illustrative bool    `yaml:"illustrative" json:"illustrative,omitempty"`
}

// OnTime reports whether a request made at created (Unix seconds) and
// closed at closed is on time.
func (l *ServiceLevel) OnTime(created, closed int64) bool {
	if l.WorkingDays > 0 {
		return closed < workingDeadline(created, l.WorkingDays)
	}
	return float64(closed-created) <= l.Days*86400
}

// Text is the level in words ("2 days", "14 working days").
func (l *ServiceLevel) Text() string {
	if l.WorkingDays > 0 {
		return fmt.Sprintf("%d working days", l.WorkingDays)
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", l.Days), "0"), ".") + " days"
}

// workingDeadline is the first second after the n-th weekday following
// the day of created (days in UTC). It counts in whole days from the Unix
// epoch (a Thursday): it is called for every request closed and counted,
// where calendar arithmetic took a sixth of the measures' time.
func workingDeadline(created int64, n int) int64 {
	day := created / 86400
	if created%86400 < 0 {
		day-- // the day before the epoch's, for a time before 1970
	}
	wd := ((day+4)%7 + 7) % 7 // 0 Sunday ... 6 Saturday
	for k := 0; k < n; {
		day++
		if wd = (wd + 1) % 7; wd != 0 && wd != 6 {
			k++
		}
	}
	return (day + 1) * 86400
}

// AreaCode places requests without usable coordinates in a layer by one
// of their codes: Field cd, nc or nc_name; Match id (the code is an area
// id) or name (compared with the areas' names, "Neighborhood Council" and
// the like dropped).
type AreaCode struct {
	Field string `yaml:"field" json:"field"`
	Layer string `yaml:"layer" json:"layer"`
	Match string `yaml:"match" json:"match"`
}

// Target is the value a measure should reach, for one request type or
// all (Type ""). Source says where the city published it; an Illustrative
// target is not the city's and is labelled so wherever it is used.
type Target struct {
	Measure string `yaml:"measure" json:"measure"`
	// Set names the published set (measures import-published) a measure
	// of that kind belongs to; empty for the service measures.
	Set          string  `yaml:"set" json:"set,omitempty"`
	Type         string  `yaml:"type" json:"type,omitempty"`
	Value        float64 `yaml:"value" json:"value"`
	Source       string  `yaml:"source" json:"source,omitempty"`
	Illustrative bool    `yaml:"illustrative" json:"illustrative,omitempty"`
}

// Check validates the section; file names the profile in errors.
func (s *Services) Check(file string) error {
	bad := func(field, value, expected string) error {
		return &budget.InputError{File: file, Field: "services." + field, Value: value, Expected: expected + " (see docs/measures.md, \"Targets\")"}
	}
	names := map[string]bool{}
	for i, t := range s.RequestTypes {
		if strings.TrimSpace(t.Name) == "" {
			return bad(fmt.Sprintf("request_types[%d].name", i), "", "the request type's name")
		}
		for _, n := range append([]string{t.Name}, t.Aliases...) {
			k := strings.ToLower(n)
			if names[k] {
				return bad(fmt.Sprintf("request_types[%d]", i), n, "each name or alias once across the request types")
			}
			names[k] = true
		}
		if l := t.OnTime; l != nil {
			if (l.Days > 0) == (l.WorkingDays > 0) || l.Days < 0 || l.WorkingDays < 0 {
				return bad(fmt.Sprintf("request_types[%d].on_time", i), t.Name, "either days (calendar days, 2 = 48 hours) or working_days, above 0")
			}
			if l.Source == "" && !l.Illustrative {
				return bad(fmt.Sprintf("request_types[%d].on_time.source", i), t.Name, "where the city publishes this service level, or illustrative: true")
			}
		}
	}
	for i, c := range s.AreaCodes {
		if _, ok := map[string]bool{"cd": true, "nc": true, "nc_name": true}[c.Field]; !ok {
			return bad(fmt.Sprintf("area_codes[%d].field", i), c.Field, "cd, nc or nc_name")
		}
		if c.Layer == "" {
			return bad(fmt.Sprintf("area_codes[%d].layer", i), "", "the layer the code names areas of")
		}
		if c.Match != "id" && c.Match != "name" && c.Match != "" {
			return bad(fmt.Sprintf("area_codes[%d].match", i), c.Match, "id or name")
		}
	}
	if s.RepeatWindowDays < 0 || s.RepeatWindowDays > 366 {
		return bad("repeat_window_days", fmt.Sprint(s.RepeatWindowDays), "a number of days from 1 to 366")
	}
	for i, t := range s.Targets {
		if t.Measure == "" {
			return bad(fmt.Sprintf("targets[%d].measure", i), "", "the id of the measure the target is for")
		}
		if t.Source == "" && !t.Illustrative {
			return bad(fmt.Sprintf("targets[%d].source", i), t.Measure, "where the city publishes this target, or illustrative: true")
		}
	}
	return nil
}

// RepeatWindow is the repeat window in seconds.
func (s *Services) RepeatWindow() int64 {
	if s == nil || s.RepeatWindowDays == 0 {
		return 30 * 86400
	}
	return int64(s.RepeatWindowDays) * 86400
}

// Canonical returns the canonical name of a request type as written: the
// request type it is the name or an alias of (case ignored), else the name
// itself.
func (s *Services) Canonical(name string) string {
	if t := s.typeOf(name); t != nil {
		return t.Name
	}
	return name
}

func (s *Services) typeOf(name string) *RequestType {
	if s == nil {
		return nil
	}
	for i := range s.RequestTypes {
		t := &s.RequestTypes[i]
		if strings.EqualFold(t.Name, name) {
			return t
		}
		for _, a := range t.Aliases {
			if strings.EqualFold(a, name) {
				return t
			}
		}
	}
	return nil
}

// Level returns the on-time service level of a request type (canonical
// name or alias), nil when none is set.
func (s *Services) Level(name string) *ServiceLevel {
	if t := s.typeOf(name); t != nil {
		return t.OnTime
	}
	return nil
}

// TargetFor returns the target of a measure for a type ("" all types):
// the type's own, else the measure's for all types.
func (s *Services) TargetFor(measure, typ string) (Target, bool) {
	return s.targetIn("", measure, typ)
}

// PublishedTarget returns the target of a measure of a published set.
func (s *Services) PublishedTarget(set, measure string) (Target, bool) {
	return s.targetIn(set, measure, "")
}

func (s *Services) targetIn(set, measure, typ string) (Target, bool) {
	if s == nil {
		return Target{}, false
	}
	var all *Target
	for i := range s.Targets {
		t := &s.Targets[i]
		if t.Measure != measure || t.Set != set {
			continue
		}
		if typ != "" && strings.EqualFold(s.Canonical(t.Type), s.Canonical(typ)) {
			return *t, true
		}
		if t.Type == "" && all == nil {
			all = t
		}
	}
	if all != nil {
		return *all, true
	}
	return Target{}, false
}
