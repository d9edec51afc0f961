package measures

import "time"

// PublishedSet is a set of measures a department publishes by area and
// period (LAFD's average turnout and travel times and incident counts by
// first-in district and month), as imported: values keyed by the
// publisher's own area codes, carried to any layer when measured
// (Carry).
type PublishedSet struct {
	// Name identifies the set ("lafd_response"); a later import of the same
	// name replaces it.
	Name   string `json:"name"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Format string `json:"format"`
	// Layer is the stored layer whose areas the codes name.
	Layer string `json:"layer"`
	// Derived marks values derived from published figures rather than
	// published as they are; they carry the DERIVED label wherever shown.
	Derived bool `json:"derived"`
	// Note says what the set is, with its source, for labels.
	Note string `json:"note"`
	// Department is the department the measures are of ("Fire").
	Department string             `json:"department,omitempty"`
	Measures   []PublishedMeasure `json:"measures"`
	Values     []PublishedValue   `json:"-"`
	// Checks lists what the import verified (totals rows against the
	// values).
	Checks     []string  `json:"checks,omitempty"`
	ImportedAt time.Time `json:"imported_at"`
	// First and Last are the first and last months with values.
	First, Last Month `json:"-"`
}

// Value kinds of published measures.
const (
	PublishedMean  = "mean"  // an average over the events of WeightOf (carried weighted by them)
	PublishedCount = "count" // a count (carried by area share)
)

// PublishedMeasure is one measure of a set.
type PublishedMeasure struct {
	ID     string `json:"id" yaml:"id"`
	Name   string `json:"name" yaml:"name"`
	Unit   string `json:"unit" yaml:"unit"`
	Better string `json:"better,omitempty" yaml:"better"`
	// Kind is mean or count.
	Kind string `json:"kind" yaml:"kind"`
	// WeightOf is the count measure a mean is an average over (EMS
	// incidents for the EMS travel time); its values weight the mean.
	WeightOf string `json:"weight_of,omitempty" yaml:"weight_of"`
	// Names is the name in the dashboard's other languages (es).
	Names map[string]string `json:"names,omitempty" yaml:"names"`
}

// PublishedValue is one published figure: a measure in one area (the
// publisher's code) over Months months from Month.
type PublishedValue struct {
	Measure string
	Area    string
	Month   Month
	Months  int
	Value   float64
	Line    int
}

// PublishedInfo describes a stored set without its values.
type PublishedInfo struct {
	PublishedSet
	Values int `json:"values"`
}
