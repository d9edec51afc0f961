package capital

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// randomModel draws a test instance of varied shape: sizes 5-60, costs
// lognormal from $50k to $50M (per year or totals), budgets tight or loose,
// with and without the high-need share, area floors and ceilings,
// dependencies, fixings, and some instances built to be infeasible.
// kind selects the shape deterministically so that every shape is covered.
func randomModel(rng *rand.Rand, kind int) *Model {
	n := 5 + rng.IntN(56)
	m := &Model{Name: fmt.Sprintf("random %d (synthetic)", kind)}
	years := 1
	if kind%3 == 1 {
		years = 2 + rng.IntN(3)
		for y := 0; y < years; y++ {
			m.Years = append(m.Years, fmt.Sprintf("FY%d", 2027+y))
		}
	}
	nAreas := 0
	if kind%4 != 0 {
		nAreas = 2 + rng.IntN(6)
	}
	intBenefit := kind%2 == 0
	yearTotals := make([]int64, years)
	var total int64
	for i := 0; i < n; i++ {
		p := randomProject(rng, i, years, nAreas, intBenefit)
		for y, v := range p.Cost {
			yearTotals[y] += v
			total += v
		}
		m.Projects = append(m.Projects, p)
	}
	tight := kind%5 < 2
	frac := func() float64 {
		if tight {
			return 0.08 + 0.25*rng.Float64()
		}
		return 0.4 + 0.5*rng.Float64()
	}
	if years == 1 {
		m.Budgets = []Budget{{Cents: int64(frac() * float64(total))}}
	} else {
		for y := range m.Years {
			m.Budgets = append(m.Budgets, Budget{Year: m.Years[y], Cents: int64(frac() * float64(yearTotals[y]))})
		}
		if rng.IntN(2) == 0 {
			m.Budgets = append(m.Budgets, Budget{Cents: int64(0.8 * frac() * float64(total))})
		}
	}
	if kind%7 != 3 {
		m.MinHighNeedShare = float64(15+rng.IntN(50)) / 100
		if nAreas > 0 && rng.IntN(2) == 0 {
			m.HighNeedAreas = []string{"A1", "A2"}
		}
	}
	addAreaLimits(rng, m, nAreas, total)
	addDependencies(rng, m)
	if kind%11 == 5 {
		makeInfeasible(rng, m, total)
	}
	return m
}

func randomProject(rng *rand.Rand, i, years, nAreas int, intBenefit bool) Project {
	// lognormal cost, clamped to $50k..$50M
	cost := math.Exp(math.Log(1.5e6) + 1.3*rng.NormFloat64())
	cost = math.Min(math.Max(cost, 5e4), 5e7)
	cents := int64(cost * 100)
	p := Project{ID: fmt.Sprintf("P%03d", i+1), Cost: make([]int64, years)}
	if years == 1 {
		p.Cost[0] = cents
	} else {
		for y := 0; y < years; y++ {
			if y == 0 || rng.IntN(3) > 0 {
				p.Cost[y] = cents / int64(years) * int64(1+rng.IntN(2))
			}
		}
	}
	value := math.Pow(cost/1e5, 0.6) * math.Exp(0.6*rng.NormFloat64())
	if intBenefit {
		p.Benefit = math.Round(value)
	} else {
		p.Benefit = math.Round(value*100) / 100
	}
	if rng.IntN(25) == 0 {
		p.Benefit = -p.Benefit
	}
	switch rng.IntN(3) {
	case 0:
		p.HighNeedShare = 1
	case 1:
		p.HighNeedShare = float64(rng.IntN(101)) / 100
	}
	if nAreas > 0 && rng.IntN(6) > 0 {
		k := 1 + rng.IntN(3)
		left := 1.0
		if rng.IntN(4) == 0 {
			left = 0.5 + 0.5*rng.Float64() // part citywide
		}
		for s := 0; s < k; s++ {
			a := fmt.Sprintf("A%d", 1+rng.IntN(nAreas))
			if containsArea(p.Areas, a) {
				continue
			}
			f := left
			if s < k-1 {
				f = left * rng.Float64()
			}
			left -= f
			p.Areas = append(p.Areas, Share{Area: a, Fraction: f})
		}
	}
	return p
}

func containsArea(s []Share, a string) bool {
	for _, x := range s {
		if x.Area == a {
			return true
		}
	}
	return false
}

func addAreaLimits(rng *rand.Rand, m *Model, nAreas int, total int64) {
	if nAreas == 0 {
		return
	}
	per := float64(total) / float64(nAreas)
	for a := 1; a <= nAreas; a++ {
		id := fmt.Sprintf("A%d", a)
		if rng.IntN(2) == 0 {
			m.AreaLimits = append(m.AreaLimits, AreaLimit{Area: id, Kind: Floor, Cents: int64(per * 0.1 * rng.Float64())})
		}
		if rng.IntN(2) == 0 {
			m.AreaLimits = append(m.AreaLimits, AreaLimit{Area: id, Kind: Ceiling, Cents: int64(per * (0.2 + 0.5*rng.Float64()))})
		}
	}
}

func addDependencies(rng *rand.Rand, m *Model) {
	n := len(m.Projects)
	for k := 0; k < rng.IntN(n/4+1); k++ {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			continue
		}
		pi := &m.Projects[i]
		if rng.IntN(2) == 0 {
			pi.Requires = appendOnce(pi.Requires, m.Projects[j].ID)
		} else {
			pi.Excludes = appendOnce(pi.Excludes, m.Projects[j].ID)
		}
	}
	for k := 0; k < rng.IntN(3); k++ {
		m.Projects[rng.IntN(n)].Fixed = MustOut
	}
	if rng.IntN(3) == 0 {
		p := &m.Projects[rng.IntN(n)]
		if p.Fixed == Free {
			p.Fixed = MustIn
		}
	}
}

func appendOnce(list []string, id string) []string {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

// makeInfeasible breaks the model in one of several ways.
func makeInfeasible(rng *rand.Rand, m *Model, total int64) {
	switch rng.IntN(3) {
	case 0: // floors above the budget
		b := m.Budgets[0].Cents
		m.AreaLimits = append(m.AreaLimits, AreaLimit{Area: "A1", Kind: Floor, Cents: b/2 + 1}, AreaLimit{Area: "A2", Kind: Floor, Cents: b/2 + 1})
		for i := range m.Projects[:4] {
			m.Projects[i].Areas = []Share{{Area: "A1", Fraction: 0.5}, {Area: "A2", Fraction: 0.5}}
		}
	case 1: // must-in projects over the budget
		var in int64
		for i := range m.Projects {
			if in > m.Budgets[0].Cents {
				break
			}
			m.Projects[i].Fixed = MustIn
			in += m.Projects[i].Cost[0]
			m.Projects[i].Requires, m.Projects[i].Excludes = nil, nil
		}
		for i := range m.Projects {
			m.Projects[i].Excludes = nil
		}
	default: // a fixed-in project requires a fixed-out one
		m.Projects[0].Fixed, m.Projects[1].Fixed = MustIn, MustOut
		m.Projects[0].Requires = appendOnce(m.Projects[0].Requires, m.Projects[1].ID)
	}
}
