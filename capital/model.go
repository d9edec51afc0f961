// Package capital selects capital projects: the plan of greatest total
// benefit that fits the budget (per year when costs are per year), places at
// least a minimum share of its dollars in the highest-need tier, respects
// per-area floors and ceilings on dollars placed, honours projects that
// require or exclude others, and keeps the projects the user fixed in or
// out. The answer is proven optimal (or states its gap when a limit stops
// the search), infeasible models name the constraints that cannot hold
// together, every project left out gets a reason derived from the model,
// and two solved plans can be compared swap by swap.
//
// Money is integer cents throughout; every plan returned is checked against
// every constraint exactly in integer arithmetic. The optimiser is branch
// and bound over LP relaxations (internal/mip); docs/capital.md describes
// the model, the algorithm and how the reasons are derived.
package capital

import (
	"fmt"
	"math"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Fixing says whether the user fixed a project in or out of every plan.
type Fixing int8

// Fixings.
const (
	Free    Fixing = iota // the optimiser decides
	MustIn                // in every plan (already committed, mandated)
	MustOut               // in no plan (withdrawn, not ready)
)

// Share is the fraction of a project's dollars placed in one area.
type Share struct {
	Area     string  `json:"area"`
	Fraction float64 `json:"fraction"`
}

// Project is one candidate.
type Project struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Cost is in cents: one entry when costs are totals (Model.Years
	// empty), else one per year in Model.Years' order. Negative costs are
	// refused.
	Cost []int64 `json:"cost_cents"`
	// Benefit is what the plan maximises the sum of (a score from the
	// equity review, people served, ...). Any finite value.
	Benefit float64 `json:"benefit"`
	// HighNeedShare is the share (0..1) of the project's dollars in the
	// highest-need tier. Ignored when Model.HighNeedAreas is set: the share
	// then follows from Areas.
	HighNeedShare float64 `json:"high_need_share,omitempty"`
	// Areas splits the project's dollars over areas (fractions >= 0,
	// summing to at most 1; the rest is citywide or unplaced). Fractions
	// become cents by largest remainders (see Placement).
	Areas    []Share  `json:"areas,omitempty"`
	Requires []string `json:"requires,omitempty"` // ids this project cannot go ahead without
	Excludes []string `json:"excludes,omitempty"` // ids that cannot go ahead together with it
	Fixed    Fixing   `json:"fixed,omitempty"`
}

// Budget is the money available: in one year of Model.Years, or for the
// whole plan (all years together) when Year is "".
type Budget struct {
	Year  string `json:"year,omitempty"`
	Cents int64  `json:"cents"`
}

// LimitKind is a floor (at least) or a ceiling (at most).
type LimitKind string

// Limit kinds.
const (
	Floor   LimitKind = "floor"
	Ceiling LimitKind = "ceiling"
)

// AreaLimit is a floor or ceiling on the plan's dollars placed in an area
// (all years together).
type AreaLimit struct {
	Area  string    `json:"area"`
	Kind  LimitKind `json:"kind"`
	Cents int64     `json:"cents"`
}

// Model is a capital plan to optimise. Limits that are absent do not apply:
// a model with no Budgets has no budget constraint.
type Model struct {
	Name string `json:"name,omitempty"`
	// Years labels the cost years when costs are per year; empty when each
	// project has a single total cost.
	Years   []string `json:"years,omitempty"`
	Budgets []Budget `json:"budgets,omitempty"`
	// MinHighNeedShare (0..1) is the least share of the plan's dollars that
	// must be in the highest-need tier: sum c_i (h_i - s) x_i >= 0. It is
	// honoured to 6 decimal places (it is read as a fraction over 10^6).
	// 0 means no such constraint.
	MinHighNeedShare float64 `json:"min_high_need_share,omitempty"`
	// HighNeedAreas, when set, makes a project's high-need dollars exactly
	// its cents placed in these areas (rather than HighNeedShare x cost).
	HighNeedAreas []string    `json:"high_need_areas,omitempty"`
	AreaLimits    []AreaLimit `json:"area_limits,omitempty"`
	Projects      []Project   `json:"projects"`
}

// maxCents bounds every cost and limit ($1 trillion per project, per year
// and per plan) so that exact integer sums cannot overflow.
const maxCents = int64(1e14)

func invalidf(format string, args ...any) error {
	return budget.Errorf(budget.EINVALID, "capital: "+format, args...)
}

// projectRef names a project in messages: its id and 1-based position.
func projectRef(p *Project, i int) string {
	return fmt.Sprintf("project %q (number %d)", p.ID, i+1)
}

// Validate checks the model and returns the first problem as an invalid
// input error naming the project, field and value and what to do.
func (m *Model) Validate() error {
	_, err := compile(m)
	return err
}

func (m *Model) yearCount() int {
	if len(m.Years) == 0 {
		return 1
	}
	return len(m.Years)
}

func (m *Model) validateTop() error {
	seen := map[string]bool{}
	for _, y := range m.Years {
		if strings.TrimSpace(y) == "" || seen[y] {
			return invalidf("year labels must be distinct and not blank, got %q in %q", y, m.Years)
		}
		seen[y] = true
	}
	if s := m.MinHighNeedShare; math.IsNaN(s) || s < 0 || s > 1 {
		return invalidf("minimum high-need share %v: give a fraction from 0 to 1 (0.4 for 40%%)", s)
	}
	budgetYears := map[string]bool{}
	for _, b := range m.Budgets {
		if b.Year != "" && !seen[b.Year] {
			return invalidf("budget for year %q: no such year (years: %q); use \"\" for the whole plan", b.Year, m.Years)
		}
		if budgetYears[b.Year] {
			return invalidf("two budgets for %s: give one", yearWords(b.Year))
		}
		budgetYears[b.Year] = true
		if b.Cents < 0 || b.Cents > maxCents {
			return invalidf("budget for %s is %s: give an amount from $0 to $1 trillion", yearWords(b.Year), dollars(b.Cents))
		}
	}
	for _, l := range m.AreaLimits {
		if l.Kind != Floor && l.Kind != Ceiling {
			return invalidf("area limit for %q has kind %q: use %q or %q", l.Area, l.Kind, Floor, Ceiling)
		}
		if l.Area == "" {
			return invalidf("an area %s has no area id", l.Kind)
		}
		if l.Cents < 0 || l.Cents > maxCents {
			return invalidf("%s of area %q is %s: give an amount from $0 to $1 trillion", l.Kind, l.Area, dollars(l.Cents))
		}
	}
	return nil
}

func yearWords(y string) string {
	if y == "" {
		return "the whole plan"
	}
	return "year " + y
}

func (m *Model) validateProject(i int, ids map[string]int) error {
	p := &m.Projects[i]
	ref := projectRef(p, i)
	if len(p.Cost) != m.yearCount() {
		if len(m.Years) == 0 {
			return invalidf("%s has %d cost entries: give one total cost (or set the model's years)", ref, len(p.Cost))
		}
		return invalidf("%s has %d cost entries for %d years %q: give one per year (0 for none)", ref, len(p.Cost), len(m.Years), m.Years)
	}
	total := int64(0)
	for y, c := range p.Cost {
		if c < 0 || c > maxCents {
			return invalidf("%s: cost %s in %s: give an amount from $0 to $1 trillion", ref, dollars(c), yearWords(m.yearLabel(y)))
		}
		total += c
	}
	if total > maxCents {
		return invalidf("%s: total cost %s is above $1 trillion", ref, dollars(total))
	}
	if math.IsNaN(p.Benefit) || math.IsInf(p.Benefit, 0) {
		return invalidf("%s: benefit %v: give a finite number", ref, p.Benefit)
	}
	if h := p.HighNeedShare; math.IsNaN(h) || h < 0 || h > 1 {
		return invalidf("%s: high-need share %v: give a fraction from 0 to 1", ref, h)
	}
	if p.Fixed < Free || p.Fixed > MustOut {
		return invalidf("%s: fixing %d: use Free, MustIn or MustOut", ref, p.Fixed)
	}
	if err := validateShares(p, ref); err != nil {
		return err
	}
	for _, list := range []struct {
		what string
		ids  []string
	}{{"requires", p.Requires}, {"excludes", p.Excludes}} {
		for _, id := range list.ids {
			if _, ok := ids[id]; !ok {
				return invalidf("%s %s %q: no project has that id", ref, list.what, id)
			}
			if id == p.ID {
				return invalidf("%s %s itself: remove it from its own list", ref, list.what)
			}
		}
	}
	return nil
}

func validateShares(p *Project, ref string) error {
	sum := 0.0
	seen := map[string]bool{}
	for _, s := range p.Areas {
		if s.Area == "" {
			return invalidf("%s: an area share has no area id", ref)
		}
		if seen[s.Area] {
			return invalidf("%s: area %q appears twice in its split: give it once", ref, s.Area)
		}
		seen[s.Area] = true
		if math.IsNaN(s.Fraction) || s.Fraction < 0 || s.Fraction > 1 {
			return invalidf("%s: fraction %v for area %q: give a fraction from 0 to 1", ref, s.Fraction, s.Area)
		}
		sum += s.Fraction
	}
	if sum > 1+1e-9 {
		return invalidf("%s: area fractions sum to %v: they must not exceed 1", ref, sum)
	}
	return nil
}

func (m *Model) yearLabel(y int) string {
	if len(m.Years) == 0 {
		return ""
	}
	return m.Years[y]
}

// dollars formats cents as $1,234.56 (negative as -$...).
func dollars(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	whole := fmt.Sprint(c / 100)
	var b strings.Builder
	for i, ch := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return fmt.Sprintf("%s$%s.%02d", sign, b.String(), c%100)
}
