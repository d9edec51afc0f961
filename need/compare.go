package need

import (
	"math"
	"sort"
)

// TierMove is a set of areas that moved between two tiers.
type TierMove struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Areas      []string `json:"areas"`
	Population float64  `json:"population"`
}

// RankChange is one area's rank in both runs.
type RankChange struct {
	ID    string `json:"id"`
	RankA int    `json:"rank_a"`
	RankB int    `json:"rank_b"`
	Delta int    `json:"delta"` // RankB - RankA (negative: moved towards more need)
}

// Comparison of run B against run A.
type Comparison struct {
	A, B          int64              `json:"-"`
	Common        int                `json:"common_areas"`
	OnlyA         []string           `json:"only_in_a"`
	OnlyB         []string           `json:"only_in_b"`
	Moves         []TierMove         `json:"tier_moves"`
	Entering      map[string]int     `json:"entering"` // tier -> areas entering it
	Leaving       map[string]int     `json:"leaving"`  // tier -> areas leaving it
	PopEntering   map[string]float64 `json:"population_entering"`
	PopLeaving    map[string]float64 `json:"population_leaving"`
	Changes       []RankChange       `json:"rank_changes"` // largest moves first
	SpearmanRho   float64            `json:"spearman_rho"`
	MeanAbsChange float64            `json:"mean_abs_rank_change"`
}

// Compare compares two runs area by area (ids matched ignoring leading
// zeros). Population is run B's (A's when B has none). Spearman's rho is
// computed on the areas ranked in both runs, from the runs' ranks
// re-ranked among those areas (average ties).
func Compare(a, b *Run) *Comparison {
	c := &Comparison{A: a.ID, B: b.ID, Entering: map[string]int{}, Leaving: map[string]int{}, PopEntering: map[string]float64{}, PopLeaving: map[string]float64{}}
	inB := map[string]int{}
	for i, ar := range b.Areas {
		inB[trimZeros(ar.ID)] = i
	}
	seen := map[string]bool{}
	moves := map[[2]string]*TierMove{}
	var ra, rb []float64
	var sumAbs float64
	for _, x := range a.Areas {
		j, ok := inB[trimZeros(x.ID)]
		if !ok {
			c.OnlyA = append(c.OnlyA, x.ID)
			continue
		}
		seen[trimZeros(x.ID)] = true
		c.Common++
		y := b.Areas[j]
		pop := float64(y.Population)
		if math.IsNaN(pop) {
			pop = float64(x.Population)
		}
		if math.IsNaN(pop) {
			pop = 0
		}
		if x.Tier != y.Tier {
			k := [2]string{x.Tier, y.Tier}
			m := moves[k]
			if m == nil {
				m = &TierMove{From: x.Tier, To: y.Tier}
				moves[k] = m
			}
			m.Areas = append(m.Areas, x.ID)
			m.Population += pop
			c.Entering[y.Tier]++
			c.Leaving[x.Tier]++
			c.PopEntering[y.Tier] += pop
			c.PopLeaving[x.Tier] += pop
		}
		if x.Rank > 0 && y.Rank > 0 {
			d := y.Rank - x.Rank
			c.Changes = append(c.Changes, RankChange{x.ID, x.Rank, y.Rank, d})
			ra = append(ra, float64(x.Rank))
			rb = append(rb, float64(y.Rank))
			sumAbs += math.Abs(float64(d))
		}
	}
	for _, y := range b.Areas {
		if !seen[trimZeros(y.ID)] {
			c.OnlyB = append(c.OnlyB, y.ID)
		}
	}
	for _, m := range moves {
		c.Moves = append(c.Moves, *m)
	}
	sort.Slice(c.Moves, func(i, j int) bool {
		if len(c.Moves[i].Areas) != len(c.Moves[j].Areas) {
			return len(c.Moves[i].Areas) > len(c.Moves[j].Areas)
		}
		return c.Moves[i].From+c.Moves[i].To < c.Moves[j].From+c.Moves[j].To
	})
	sort.SliceStable(c.Changes, func(i, j int) bool {
		ai, aj := abs(c.Changes[i].Delta), abs(c.Changes[j].Delta)
		if ai != aj {
			return ai > aj
		}
		return c.Changes[i].ID < c.Changes[j].ID
	})
	if len(ra) > 1 {
		c.SpearmanRho = pearson(Percentile(ra, PercentileOptions{}), Percentile(rb, PercentileOptions{}))
		c.MeanAbsChange = sumAbs / float64(len(ra))
	} else {
		c.SpearmanRho = math.NaN()
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}
