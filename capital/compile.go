package capital

import (
	"fmt"
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/capital/internal/mip"
)

// ConstraintKind names a kind of constraint of the model.
type ConstraintKind string

// Constraint kinds.
const (
	KindBudget   ConstraintKind = "budget"          // money available in a year or the whole plan
	KindEquity   ConstraintKind = "high_need_share" // minimum share of dollars in the highest-need tier
	KindFloor    ConstraintKind = "floor"           // at least this much placed in an area
	KindCeiling  ConstraintKind = "ceiling"         // at most this much placed in an area
	KindRequires ConstraintKind = "requires"        // Project cannot go ahead without Other
	KindExcludes ConstraintKind = "excludes"        // Project and Other cannot both go ahead
	KindMustIn   ConstraintKind = "must_in"         // the user fixed Project in
	KindMustOut  ConstraintKind = "must_out"        // the user fixed Project out
)

// Constraint identifies one constraint of a model.
type Constraint struct {
	Kind    ConstraintKind `json:"kind"`
	Year    string         `json:"year,omitempty"`    // budget: the year ("" for the whole plan)
	Area    string         `json:"area,omitempty"`    // floor, ceiling
	Project string         `json:"project,omitempty"` // requires, excludes, must_in, must_out
	Other   string         `json:"other,omitempty"`   // requires, excludes
	Cents   int64          `json:"cents,omitempty"`   // budget, floor, ceiling: the limit
	Share   float64        `json:"share,omitempty"`   // high_need_share: the minimum
}

// String describes the constraint in plain words.
func (c Constraint) String() string {
	switch c.Kind {
	case KindBudget:
		return fmt.Sprintf("the budget for %s (%s)", yearWords(c.Year), dollars(c.Cents))
	case KindEquity:
		return fmt.Sprintf("the minimum high-need share (%s)", percent(c.Share))
	case KindFloor:
		return fmt.Sprintf("the floor of area %s (%s)", c.Area, dollars(c.Cents))
	case KindCeiling:
		return fmt.Sprintf("the ceiling of area %s (%s)", c.Area, dollars(c.Cents))
	case KindRequires:
		return fmt.Sprintf("%s requires %s", c.Project, c.Other)
	case KindExcludes:
		return fmt.Sprintf("%s excludes %s", c.Project, c.Other)
	case KindMustIn:
		return fmt.Sprintf("%s must stay in", c.Project)
	case KindMustOut:
		return fmt.Sprintf("%s must stay out", c.Project)
	}
	return string(c.Kind)
}

func percent(f float64) string {
	return fmt.Sprintf("%.1f%%", 100*f)
}

// placement is a project's cents in one area (index into compiled.areas).
type placement struct {
	area  int
	cents int64
}

// compiled is a validated model turned into exact integer data and the
// rows of a 0-1 program. Row r means cons[r]; the fixings are the model's
// must-in and must-out projects.
type compiled struct {
	m        *Model
	ids      map[string]int
	areas    []string
	areaIdx  map[string]int
	total    []int64 // cents over all years, per project
	placed   [][]placement
	highNeed []int64 // cents in the highest-need tier, per project
	shareP   int64   // the minimum share is shareP/shareQ
	shareQ   int64
	rows     []mip.Row
	cons     []Constraint
}

func compile(m *Model) (*compiled, error) {
	if err := m.validateTop(); err != nil {
		return nil, err
	}
	c := &compiled{m: m, ids: make(map[string]int, len(m.Projects)), areaIdx: map[string]int{}}
	for i := range m.Projects {
		p := &m.Projects[i]
		if p.ID == "" {
			return nil, invalidf("project number %d has no id", i+1)
		}
		if j, dup := c.ids[p.ID]; dup {
			return nil, invalidf("%s repeats the id of project number %d: ids must be unique", projectRef(p, i), j+1)
		}
		c.ids[p.ID] = i
	}
	for i := range m.Projects {
		if err := m.validateProject(i, c.ids); err != nil {
			return nil, err
		}
	}
	c.placeDollars()
	if err := c.equityRatio(); err != nil {
		return nil, err
	}
	c.buildRows()
	return c, nil
}

func (c *compiled) area(id string) int {
	if k, ok := c.areaIdx[id]; ok {
		return k
	}
	c.areaIdx[id] = len(c.areas)
	c.areas = append(c.areas, id)
	return len(c.areas) - 1
}

// placeDollars turns each project's area fractions into cents (see
// Placement) and its high-need share into high-need cents.
func (c *compiled) placeDollars() {
	m := c.m
	for _, l := range m.AreaLimits {
		c.area(l.Area)
	}
	inHigh := map[string]bool{}
	for _, a := range m.HighNeedAreas {
		inHigh[a] = true
	}
	n := len(m.Projects)
	c.total, c.placed, c.highNeed = make([]int64, n), make([][]placement, n), make([]int64, n)
	for i := range m.Projects {
		p := &m.Projects[i]
		for _, v := range p.Cost {
			c.total[i] += v
		}
		cents := Placement(c.total[i], p.Areas)
		for k, s := range p.Areas {
			c.placed[i] = append(c.placed[i], placement{c.area(s.Area), cents[k]})
			if inHigh[s.Area] {
				c.highNeed[i] += cents[k]
			}
		}
		if len(m.HighNeedAreas) == 0 {
			c.highNeed[i] = int64(math.Round(p.HighNeedShare * float64(c.total[i])))
		}
	}
}

// Placement splits total cents over areas by the given fractions, exactly:
// the placed total is round(sum of fractions x total) (all of total when
// the fractions sum to 1 within 1e-9), and it is divided by largest
// remainders: each area gets floor(fraction x total), then the cents left
// go one each to the largest fractional parts, ties to the earlier area.
func Placement(total int64, shares []Share) []int64 {
	out := make([]int64, len(shares))
	sum := 0.0
	for _, s := range shares {
		sum += s.Fraction
	}
	placed := int64(math.Round(sum * float64(total)))
	if math.Abs(sum-1) <= 1e-9 || placed > total {
		placed = total
	}
	type rem struct {
		k    int
		frac float64
	}
	rems := make([]rem, len(shares))
	var given int64
	for k, s := range shares {
		raw := s.Fraction * float64(total)
		out[k] = int64(math.Floor(raw))
		given += out[k]
		rems[k] = rem{k, raw - math.Floor(raw)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for t := 0; given < placed && len(rems) > 0; t = (t + 1) % len(rems) {
		out[rems[t].k]++
		given++
	}
	for t := len(rems) - 1; given > placed && t >= 0; t-- {
		if out[rems[t].k] > 0 {
			out[rems[t].k]--
			given--
		}
	}
	return out
}

// equityRatio reads the minimum share as shareP/shareQ in lowest terms with
// shareQ dividing 10^6.
func (c *compiled) equityRatio() error {
	s := c.m.MinHighNeedShare
	if s == 0 {
		return nil
	}
	p, q := int64(math.Round(s*1e6)), int64(1e6)
	g := gcd(p, q)
	c.shareP, c.shareQ = p/g, q/g
	var mass float64
	for i := range c.total {
		mass += math.Abs(float64(c.shareQ*c.highNeed[i] - c.shareP*c.total[i]))
	}
	if mass > float64(mip.MaxRowMass)/2 {
		return invalidf("minimum high-need share %v has too many decimal places for a plan of this size: give at most 4 (for example %.4f)", s, s)
	}
	return nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// buildRows writes the constraints as rows of the 0-1 program, in a fixed
// order: budgets, the high-need share, area limits, requires, excludes.
func (c *compiled) buildRows() {
	m := c.m
	n := len(m.Projects)
	for _, b := range m.Budgets {
		row := mip.Row{Name: "budget", Lo: mip.NoLower, Hi: b.Cents}
		for i := range m.Projects {
			if v := c.yearCost(i, b.Year); v != 0 {
				row.Vars, row.Coefs = append(row.Vars, i), append(row.Coefs, v)
			}
		}
		c.add(row, Constraint{Kind: KindBudget, Year: b.Year, Cents: b.Cents})
	}
	if c.shareQ != 0 {
		row := mip.Row{Name: "high_need_share", Lo: 0, Hi: mip.NoUpper}
		for i := 0; i < n; i++ {
			if v := c.shareQ*c.highNeed[i] - c.shareP*c.total[i]; v != 0 {
				row.Vars, row.Coefs = append(row.Vars, i), append(row.Coefs, v)
			}
		}
		c.add(row, Constraint{Kind: KindEquity, Share: m.MinHighNeedShare})
	}
	for _, l := range m.AreaLimits {
		row := mip.Row{Name: string(l.Kind), Lo: mip.NoLower, Hi: mip.NoUpper}
		if l.Kind == Floor {
			row.Lo = l.Cents
		} else {
			row.Hi = l.Cents
		}
		a := c.areaIdx[l.Area]
		for i := 0; i < n; i++ {
			if v := c.areaCents(i, a); v != 0 {
				row.Vars, row.Coefs = append(row.Vars, i), append(row.Coefs, v)
			}
		}
		c.add(row, Constraint{Kind: limitKind(l.Kind), Area: l.Area, Cents: l.Cents})
	}
	c.dependencyRows()
}

// limitKind maps an area limit kind to its constraint kind.
func limitKind(k LimitKind) ConstraintKind {
	if k == Floor {
		return KindFloor
	}
	return KindCeiling
}

func (c *compiled) dependencyRows() {
	m := c.m
	for i := range m.Projects {
		for _, id := range m.Projects[i].Requires {
			j := c.ids[id]
			c.add(mip.Row{Name: "requires", Vars: []int{i, j}, Coefs: []int64{1, -1}, Lo: mip.NoLower, Hi: 0},
				Constraint{Kind: KindRequires, Project: m.Projects[i].ID, Other: id})
		}
	}
	done := map[[2]int]bool{}
	for i := range m.Projects {
		for _, id := range m.Projects[i].Excludes {
			j := c.ids[id]
			key := [2]int{min(i, j), max(i, j)}
			if done[key] {
				continue
			}
			done[key] = true
			c.add(mip.Row{Name: "excludes", Vars: []int{i, j}, Coefs: []int64{1, 1}, Lo: mip.NoLower, Hi: 1},
				Constraint{Kind: KindExcludes, Project: m.Projects[i].ID, Other: id})
		}
	}
}

func (c *compiled) add(row mip.Row, con Constraint) {
	c.rows = append(c.rows, row)
	c.cons = append(c.cons, con)
}

// yearCost is project i's cost in year label y ("" for its total).
func (c *compiled) yearCost(i int, y string) int64 {
	if y == "" {
		return c.total[i]
	}
	for k, label := range c.m.Years {
		if label == y {
			return c.m.Projects[i].Cost[k]
		}
	}
	return 0
}

func (c *compiled) areaCents(i, a int) int64 {
	for _, pl := range c.placed[i] {
		if pl.area == a {
			return pl.cents
		}
	}
	return 0
}

// modelFixes returns the model's must-in (true) and must-out (false)
// projects by index.
func (c *compiled) modelFixes() map[int]bool {
	fix := map[int]bool{}
	for i, p := range c.m.Projects {
		switch p.Fixed {
		case MustIn:
			fix[i] = true
		case MustOut:
			fix[i] = false
		}
	}
	return fix
}

// problem returns the 0-1 program with the rows kept (nil: all) and the
// given fixings (nil: the model's own).
func (c *compiled) problem(keep []bool, fixes map[int]bool) *mip.Problem {
	if fixes == nil {
		fixes = c.modelFixes()
	}
	p := &mip.Problem{Obj: make([]float64, len(c.m.Projects)), Fixed: make([]mip.Fix, len(c.m.Projects))}
	for i, pr := range c.m.Projects {
		p.Obj[i] = pr.Benefit
	}
	for i, in := range fixes {
		p.Fixed[i] = mip.FixedZero
		if in {
			p.Fixed[i] = mip.FixedOne
		}
	}
	for r, row := range c.rows {
		if keep == nil || keep[r] {
			p.Rows = append(p.Rows, row)
		}
	}
	return p
}
