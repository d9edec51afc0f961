package capital

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SyntheticOptions shape a synthetic capital list. Zero fields take the
// defaults in brackets.
type SyntheticOptions struct {
	Seed         uint64
	Projects     int     // candidates [500]
	Districts    int     // council districts, each with a floor and a ceiling [15]
	Dependencies int     // requires/excludes pairs, about 2 in 3 requires [20]
	Budget       float64 // share of the candidates' total cost that the budget covers [0.25]
	MinHighNeed  float64 // minimum high-need share [0.40]
	FloorShare   float64 // each district's floor as a share of the budget [0.02]
	CeilingShare float64 // each district's ceiling as a share of the budget [0.12]
}

func (o SyntheticOptions) withDefaults() SyntheticOptions {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if o.Projects == 0 {
		o.Projects = 500
	}
	if o.Districts == 0 {
		o.Districts = 15
	}
	if o.Dependencies == 0 {
		o.Dependencies = 20
	}
	def(&o.Budget, 0.25)
	def(&o.MinHighNeed, 0.40)
	def(&o.FloorShare, 0.02)
	def(&o.CeilingShare, 0.12)
	return o
}

// Synthetic returns a seeded synthetic capital list shaped like a large
// city's candidate list (Los Angeles' Capital and Technology Improvement
// Plan: 15 council districts). It is synthetic and labelled so in its name;
// use it for scale tests and benchmarks, never as data.
//
// Costs are lognormal (median $1.5M, log-sd 1.3) clamped to $50k..$50M;
// about 1 in 10 projects is citywide, 1 in 8 spans two or three districts,
// the rest lie in one. Each district has a need level (the share of its
// residents in the highest-need tier, from 0.05 to 0.65) and a project's
// high-need share scatters around its districts' level. The benefit is an
// integer count of people served, growing like cost^0.7 with lognormal
// scatter. The budget covers opt.Budget of the total candidate cost, with
// a floor and a ceiling for every district and the minimum high-need share.
func Synthetic(opt SyntheticOptions) *Model {
	opt = opt.withDefaults()
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6361706974616c))
	need := make([]float64, opt.Districts)
	for d := range need {
		need[d] = 0.05 + 0.6*float64(d)/float64(max(opt.Districts-1, 1))
	}
	rng.Shuffle(len(need), func(a, b int) { need[a], need[b] = need[b], need[a] })
	m := &Model{Name: fmt.Sprintf("synthetic LA-shaped capital list (seed %d, %d projects)", opt.Seed, opt.Projects)}
	var total int64
	for i := 0; i < opt.Projects; i++ {
		p := syntheticProject(rng, i, need)
		total += p.Cost[0]
		m.Projects = append(m.Projects, p)
	}
	b := int64(opt.Budget * float64(total))
	m.Budgets = []Budget{{Cents: b}}
	m.MinHighNeedShare = opt.MinHighNeed
	for d := 1; d <= opt.Districts; d++ {
		id := fmt.Sprintf("CD%d", d)
		m.AreaLimits = append(m.AreaLimits,
			AreaLimit{Area: id, Kind: Floor, Cents: int64(opt.FloorShare * float64(b))},
			AreaLimit{Area: id, Kind: Ceiling, Cents: int64(opt.CeilingShare * float64(b))})
	}
	syntheticDependencies(rng, m, opt.Dependencies)
	return m
}

func syntheticProject(rng *rand.Rand, i int, need []float64) Project {
	cost := math.Exp(math.Log(1.5e6) + 1.3*rng.NormFloat64())
	cost = math.Min(math.Max(cost, 5e4), 5e7)
	p := Project{ID: fmt.Sprintf("S%04d", i+1), Cost: []int64{int64(math.Round(cost * 100))}}
	p.Benefit = math.Max(1, math.Round(40*math.Pow(cost/1e5, 0.7)*math.Exp(0.5*rng.NormFloat64())))
	level := 0.0
	switch k := rng.IntN(40); {
	case k < 4: // citywide
		level = 0.4
	case k < 9: // two or three districts
		parts := 2 + rng.IntN(2)
		first := rng.IntN(len(need))
		for s := 0; s < parts; s++ {
			d := (first + s) % len(need)
			p.Areas = append(p.Areas, Share{Area: fmt.Sprintf("CD%d", d+1), Fraction: 1 / float64(parts)})
			level += need[d] / float64(parts)
		}
	default:
		d := rng.IntN(len(need))
		p.Areas = []Share{{Area: fmt.Sprintf("CD%d", d+1), Fraction: 1}}
		level = need[d]
	}
	h := level + 0.25*rng.NormFloat64()
	p.HighNeedShare = math.Round(100*math.Min(math.Max(h, 0), 1)) / 100
	return p
}

// syntheticDependencies adds count pairs: a later phase requiring an
// earlier one, or two alternatives for the same need excluding each other.
func syntheticDependencies(rng *rand.Rand, m *Model, count int) {
	n := len(m.Projects)
	for k := 0; k < count; k++ {
		i := rng.IntN(n)
		j := (i + 1 + rng.IntN(n-1)) % n
		if k%3 == 2 {
			m.Projects[i].Excludes = appendUnique(m.Projects[i].Excludes, m.Projects[j].ID)
		} else {
			m.Projects[i].Requires = appendUnique(m.Projects[i].Requires, m.Projects[j].ID)
		}
	}
}

func appendUnique(list []string, id string) []string {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}
