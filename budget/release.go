package budget

import "time"

// PhaseKey names one phase of one fiscal year of one jurisdiction: the unit
// that is released to the public or held.
type PhaseKey struct {
	Jurisdiction string     `json:"jurisdiction"`
	FiscalYear   FiscalYear `json:"-"`
	Phase        Phase      `json:"phase"`
}

// String is "la FY2021-22 proposed".
func (k PhaseKey) String() string {
	return k.Jurisdiction + " " + k.FiscalYear.String() + " " + string(k.Phase)
}

// PhaseRelease is the release state of a stored phase. A phase is held
// (Released false) from its first import until someone releases it; every
// change records who made it, when (UTC) and why.
//
// A held phase is confidential: the public server treats it as a phase that
// was never imported (see store/embargo).
type PhaseRelease struct {
	PhaseKey
	Released bool      `json:"released"`
	By       string    `json:"by,omitempty"` // who made the last change; "" when never changed
	At       time.Time `json:"at,omitzero"`  // when, UTC; zero when never changed
	Note     string    `json:"note,omitempty"`
	// Slices are the current stored slices of the phase (listing only).
	Slices []PhaseSlice `json:"slices,omitempty"`
}

// PhaseSlice is one current slice of a phase: the rows one import run
// stored for it, of one kind ("line_items", "requests", "measures",
// "descriptions").
type PhaseSlice struct {
	Run  int64  `json:"run"`
	Kind string `json:"kind"`
	Rows int64  `json:"rows"`
}

// LineItems is the number of current line items of the phase.
func (r PhaseRelease) LineItems() int64 {
	var n int64
	for _, s := range r.Slices {
		if s.Kind == "line_items" {
			n += s.Rows
		}
	}
	return n
}
