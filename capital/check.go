package capital

import (
	"fmt"
	"math"
)

// Figures are a plan's totals. Money is in cents.
type Figures struct {
	Projects int     `json:"projects"`
	Benefit  float64 `json:"benefit"` // summed in project order
	Cost     int64   `json:"cost_cents"`
	// Years holds the cost per year (Model.Years' order); empty when costs
	// are totals.
	Years []YearFigure `json:"years,omitempty"`
	// HighNeed is the plan's cents in the highest-need tier and
	// HighNeedShare = HighNeed / Cost (0 for an empty plan).
	HighNeed      int64   `json:"high_need_cents"`
	HighNeedShare float64 `json:"high_need_share"`
	// Areas holds the cents placed in each area the model mentions (area
	// limits first, then project splits, in order of first mention);
	// Unplaced the cents in no area (citywide or unplaced).
	Areas    []AreaFigure `json:"areas,omitempty"`
	Unplaced int64        `json:"unplaced_cents"`
}

// YearFigure is a plan's cost in one year.
type YearFigure struct {
	Year  string `json:"year"`
	Cents int64  `json:"cents"`
}

// AreaFigure is a plan's dollars placed in one area.
type AreaFigure struct {
	Area  string `json:"area"`
	Cents int64  `json:"cents"`
}

// Violation is a constraint a plan breaks.
type Violation struct {
	Constraint Constraint `json:"constraint"`
	// Value is the plan's figure for the constraint: cents spent (budget)
	// or placed (floor, ceiling), or high-need cents (share).
	Value int64 `json:"value_cents"`
	// Excess is how far past the limit: cents over a budget or ceiling,
	// short of a floor, or high-need cents missing for the share. Zero for
	// dependencies and fixings.
	Excess int64  `json:"excess_cents"`
	Text   string `json:"text"`
}

// Check evaluates the plan made of the selected project ids against the
// model exactly, in integer cents, and returns its figures and every
// constraint it breaks (none for a feasible plan), in the model's row order
// then fixings in project order. Unknown or repeated ids are an error.
func Check(m *Model, selected []string) (Figures, []Violation, error) {
	c, err := compile(m)
	if err != nil {
		return Figures{}, nil, err
	}
	sel, err := c.selection(selected)
	if err != nil {
		return Figures{}, nil, err
	}
	return c.figures(sel), c.violations(sel), nil
}

func (c *compiled) selection(ids []string) ([]bool, error) {
	sel := make([]bool, len(c.m.Projects))
	for _, id := range ids {
		i, ok := c.ids[id]
		if !ok {
			return nil, invalidf("selected project %q: no project has that id", id)
		}
		if sel[i] {
			return nil, invalidf("selected project %q is listed twice", id)
		}
		sel[i] = true
	}
	return sel, nil
}

func (c *compiled) selectedIDs(sel []bool) []string {
	ids := []string{}
	for i, on := range sel {
		if on {
			ids = append(ids, c.m.Projects[i].ID)
		}
	}
	return ids
}

func (c *compiled) figures(sel []bool) Figures {
	m := c.m
	f := Figures{}
	areas := make([]int64, len(c.areas))
	years := make([]int64, m.yearCount())
	for i, on := range sel {
		if !on {
			continue
		}
		p := &m.Projects[i]
		f.Projects++
		f.Benefit += p.Benefit
		f.Cost += c.total[i]
		f.HighNeed += c.highNeed[i]
		for y, v := range p.Cost {
			years[y] += v
		}
		placed := int64(0)
		for _, pl := range c.placed[i] {
			areas[pl.area] += pl.cents
			placed += pl.cents
		}
		f.Unplaced += c.total[i] - placed
	}
	if f.Cost > 0 {
		f.HighNeedShare = float64(f.HighNeed) / float64(f.Cost)
	}
	for y, label := range m.Years {
		f.Years = append(f.Years, YearFigure{label, years[y]})
	}
	for a, id := range c.areas {
		f.Areas = append(f.Areas, AreaFigure{id, areas[a]})
	}
	return f
}

// violations lists the rows and fixings sel breaks.
func (c *compiled) violations(sel []bool) []Violation {
	var out []Violation
	for r := range c.rows {
		if v, broken := c.rowViolation(r, sel); broken {
			out = append(out, v)
		}
	}
	for i, p := range c.m.Projects {
		switch {
		case p.Fixed == MustIn && !sel[i]:
			out = append(out, Violation{Constraint: Constraint{Kind: KindMustIn, Project: p.ID}, Text: fmt.Sprintf("%s must stay in but is left out", p.ID)})
		case p.Fixed == MustOut && sel[i]:
			out = append(out, Violation{Constraint: Constraint{Kind: KindMustOut, Project: p.ID}, Text: fmt.Sprintf("%s must stay out but is selected", p.ID)})
		}
	}
	return out
}

// rowViolation evaluates row r exactly.
func (c *compiled) rowViolation(r int, sel []bool) (Violation, bool) {
	row, con := &c.rows[r], c.cons[r]
	act := row.Activity(sel)
	if row.Holds(act) {
		return Violation{}, false
	}
	v := Violation{Constraint: con}
	switch con.Kind {
	case KindBudget, KindCeiling:
		v.Value, v.Excess = act, act-row.Hi
		v.Text = fmt.Sprintf("%s: %s is %s over", con, dollars(act), dollars(v.Excess))
	case KindFloor:
		v.Value, v.Excess = act, row.Lo-act
		v.Text = fmt.Sprintf("%s: %s placed, %s short", con, dollars(act), dollars(v.Excess))
	case KindEquity:
		// act = q*H - p*C < 0: the high-need cents missing are ceil(-act/q).
		fig := c.figures(sel)
		v.Value, v.Excess = fig.HighNeed, (-act+c.shareQ-1)/c.shareQ
		v.Text = fmt.Sprintf("%s: the plan's high-need share is %s (%s of %s), %s short", con,
			percentFloor(fig.HighNeed, fig.Cost), dollars(fig.HighNeed), dollars(fig.Cost), dollars(v.Excess))
	case KindRequires:
		v.Text = fmt.Sprintf("%s requires %s, which is not in the plan", con.Project, con.Other)
	case KindExcludes:
		v.Text = fmt.Sprintf("%s and %s exclude each other but both are in the plan", con.Project, con.Other)
	}
	return v, true
}

// percentFloor formats num/den as a percentage rounded down to 0.1 (so a
// share just below a minimum never prints as the minimum).
func percentFloor(num, den int64) string {
	if den == 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", math.Floor(1000*float64(num)/float64(den))/10)
}
