package budget

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Phase is a stage of a budget's life. The four canonical phases are, in
// order, proposed, adopted, estimate (revised) and actual.
type Phase string

const (
	Proposed Phase = "proposed"
	Adopted  Phase = "adopted"
	Estimate Phase = "estimate" // also called revised or estimated
	Actual   Phase = "actual"
)

// Phases lists the canonical phases in the order a budget passes through them.
var Phases = []Phase{Proposed, Adopted, Estimate, Actual}

// ParsePhase accepts the canonical names and the common synonyms that city
// files use ("Adopted Budget", "Estimates", "Actuals", "revised", ...).
func ParsePhase(s string) (Phase, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.TrimSuffix(k, " budget")
	switch k {
	case "proposed", "propose", "requested", "recommended":
		return Proposed, nil
	case "adopted", "adopt", "enacted", "approved":
		return Adopted, nil
	case "estimate", "estimates", "estimated", "revised", "adjusted":
		return Estimate, nil
	case "actual", "actuals", "expended":
		return Actual, nil
	}
	return "", Errorf(EINVALID, "unknown budget phase %q: use proposed, adopted, estimate or actual", s)
}

// FiscalYear identifies a fiscal year by the calendar year in which it
// starts. LA's FY2021-22 runs from July 2021 to June 2022 and has Start 2021.
type FiscalYear struct {
	Start      int // calendar year in which the fiscal year starts
	StartMonth int // 1-12; 7 (July) for most US cities; 0 means 7
}

var fyPattern = regexp.MustCompile(`^(?i:fy)?\s*(\d{2}|\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?$`)

// ParseFiscalYear accepts "2021-22", "FY2021-22", "FY21-22", "2021-2022",
// "fy2122" style is not accepted because it is ambiguous. A single year such
// as "2022" is read as the fiscal year that ends in that year, which is how
// US cities name them ("FY2022" = 2021-22).
func ParseFiscalYear(s string) (FiscalYear, error) {
	m := fyPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return FiscalYear{}, Errorf(EINVALID, "cannot read fiscal year %q: write it as 2021-22 or FY2021-22", s)
	}
	first := expandYear(m[1], 0)
	if m[2] == "" {
		return FiscalYear{Start: first - 1, StartMonth: 7}, nil
	}
	second := expandYear(m[2], first)
	if second != first+1 {
		return FiscalYear{}, Errorf(EINVALID, "fiscal year %q does not span two consecutive years", s)
	}
	return FiscalYear{Start: first, StartMonth: 7}, nil
}

func expandYear(s string, near int) int {
	n, _ := strconv.Atoi(s)
	if len(s) == 4 {
		return n
	}
	if near == 0 {
		return 2000 + n
	}
	century := near / 100 * 100
	y := century + n
	if y < near {
		y += 100
	}
	return y
}

// Label returns the canonical label, e.g. "2021-22"; a fiscal year that
// is the calendar year (StartMonth 1) is labelled by its year, "2015".
func (fy FiscalYear) Label() string {
	if fy.StartMonth == 1 {
		return strconv.Itoa(fy.Start)
	}
	return fmt.Sprintf("%d-%02d", fy.Start, (fy.Start+1)%100)
}

// String returns the display form, e.g. "FY2021-22".
func (fy FiscalYear) String() string { return "FY" + fy.Label() }
