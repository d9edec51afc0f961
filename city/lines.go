package city

import (
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// parseDay reads YYYY-MM-DD ("" is the zero time).
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}

// LinesChoice is the set of lines an analysis of a fiscal year uses and
// why.
type LinesChoice struct {
	Lines
	// Days of the fiscal year the lines were in force, of FYDays.
	Days, FYDays int
	// InForce says the lines were in force for the whole fiscal year.
	InForce bool
	// Note explains a choice that is not the lines of the whole year.
	Note string
}

// FiscalYearDays returns the first and last day of a fiscal year of a city
// whose year starts in month start (1-12).
func FiscalYearDays(fy budget.FiscalYear, start int) (first, last time.Time) {
	if start < 1 || start > 12 {
		start = 7
	}
	first = time.Date(fy.Start, time.Month(start), 1, 0, 0, 0, 0, time.UTC)
	return first, first.AddDate(1, 0, -1)
}

// LinesFor returns the lines of a layer for a fiscal year: those in force
// for most of its days (ties: the earlier set listed). A layer without
// listed lines is its own stored layer, period not recorded. When no set
// was in force during any day of the year (or none has a recorded
// period), the set listed first is used and the note says so.
func (p *Profile) LinesFor(layer string, fy budget.FiscalYear) (LinesChoice, bool) {
	l, ok := p.Layer(layer)
	if !ok {
		return LinesChoice{}, false
	}
	first, last := FiscalYearDays(fy, p.FiscalYearStart)
	fyDays := int(last.Sub(first).Hours()/24) + 1
	if len(l.Lines) == 0 {
		return LinesChoice{Lines: Lines{Layer: l.Name, Title: l.Vintage}, FYDays: fyDays,
			Note: "the period these lines were in force is not recorded in the city profile"}, true
	}
	best, bestDays := -1, 0
	for i, ln := range l.Lines {
		from, _ := parseDay(ln.From)
		to, _ := parseDay(ln.To)
		if from.IsZero() {
			continue // period not recorded
		}
		a, b := first, last
		if from.After(a) {
			a = from
		}
		if !to.IsZero() && to.Before(b) {
			b = to
		}
		if d := int(b.Sub(a).Hours()/24) + 1; d > bestDays {
			best, bestDays = i, d
		}
	}
	if best < 0 {
		c := LinesChoice{Lines: l.Lines[0], FYDays: fyDays}
		c.Note = fmt.Sprintf("no lines listed were in force during %s; the %s are used", fy, title(c.Lines))
		if c.From == "" {
			c.Note = fmt.Sprintf("the %s are used; the period they were in force is not recorded, so they may not be the lines of %s", title(c.Lines), fy)
		}
		return c, true
	}
	c := LinesChoice{Lines: l.Lines[best], Days: bestDays, FYDays: fyDays, InForce: bestDays == fyDays}
	if !c.InForce {
		c.Note = fmt.Sprintf("the %s were in force for %d of the %d days of %s, the longest of any lines", title(c.Lines), bestDays, fyDays, fy)
	}
	return c, true
}

func title(l Lines) string {
	if l.Title != "" {
		return l.Title
	}
	return "lines of layer " + l.Layer
}

// StoredLayers lists every stored layer a profile layer's lines name (its
// own name when it lists none).
func (l Layer) StoredLayers() []string {
	if len(l.Lines) == 0 {
		return []string{l.Name}
	}
	var out []string
	for _, ln := range l.Lines {
		out = append(out, ln.Layer)
	}
	return out
}
