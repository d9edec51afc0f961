package measures

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/metrics"
)

// GapOptions describe the areas of the layer a Table was computed by
// (Query.Group nil): their need tier (1 lowest need .. Tiers highest; 0
// none), need score (NaN none) and population, and the bootstrap.
type GapOptions struct {
	Tier       []int
	Tiers      int
	Score      []float64
	Population []float64
	// Reps bootstrap replicates (default 999), Seed, Level (default 0.95).
	Reps  int
	Seed  uint64
	Level float64
	// TierLabel names a tier (default "Tier n").
	TierLabel func(tier, tiers int) string
}

// TierValue is a measure pooled over the areas of one tier, with the
// bootstrap interval of resampling them.
type TierValue struct {
	Tier     int      `json:"tier"`
	Label    string   `json:"label"`
	Areas    int      `json:"areas"`
	Requests int64    `json:"requests"`
	Value    *float64 `json:"value"`
	Low      *float64 `json:"low"`
	High     *float64 `json:"high"`
}

// Gap compares a measure between the highest- and lowest-need tiers, and
// measures its concentration by need, in one period.
type Gap struct {
	Measure string `json:"measure"`
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	Better  string `json:"better,omitempty"`
	Period  string `json:"period"`
	// Coverage says when the period's data were made or published ("4
	// days of January 2018", "2 months, January 2017 to February 2017").
	Coverage string      `json:"coverage"`
	Tiers    []TierValue `json:"tiers"`
	// Gap is the highest-need tier's value minus the lowest's, with its
	// interval; Significant when the interval excludes 0 (parity): only
	// then is it called a gap.
	Gap         *float64 `json:"gap"`
	GapLow      *float64 `json:"gap_low"`
	GapHigh     *float64 `json:"gap_high"`
	Significant bool     `json:"gap_significant"`
	// Ratio is the highest tier's value over the lowest's (nil when the
	// lowest is 0), with its interval.
	Ratio     *float64 `json:"ratio"`
	RatioLow  *float64 `json:"ratio_low"`
	RatioHigh *float64 `json:"ratio_high"`
	// Concentration is the concentration index of the areas' values ranked
	// by need score, weighted by population, with its interval; positive
	// means the measure is larger where need is higher.
	Concentration            *float64 `json:"concentration_index"`
	ConcentrationLow         *float64 `json:"concentration_low"`
	ConcentrationHigh        *float64 `json:"concentration_high"`
	ConcentrationSignificant bool     `json:"concentration_significant"`
	Areas                    int      `json:"areas_with_value"`
	Reps                     int      `json:"reps"`
	Seed                     uint64   `json:"seed"`
	Level                    float64  `json:"level"`
	Verdict                  string   `json:"verdict"`
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Gaps compares every measure of t between need tiers, period by period.
// t must be computed by area (Query.Group nil) without splits. A tier's
// value pools its areas (Table.Pool); the interval resamples each tier's
// areas with replacement (stratified by tier, Reps times, seeded) and
// takes the type-7 percentiles of the replicates. The gap, highest minus
// lowest tier, is called a gap (Significant) only when its interval
// excludes 0. The concentration index ranks the areas by need score
// (population-weighted, ties averaged; metrics.ConcentrationIndex) with a
// bootstrap over areas (metrics.BootstrapCI).
func Gaps(t *Table, opt GapOptions) ([]Gap, error) {
	if t.Group != nil || t.ByType || t.ByAgency || t.BySource || t.Layer == "" {
		return nil, budget.Errorf(budget.EINVALID, "measures: gaps need a table by area, without splits")
	}
	if opt.Tiers < 2 {
		return nil, budget.Errorf(budget.EINVALID, "measures: gaps need at least 2 need tiers (there are %d)", opt.Tiers)
	}
	if opt.Reps == 0 {
		opt.Reps = 999
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if opt.TierLabel == nil {
		opt.TierLabel = func(t, _ int) string { return fmt.Sprintf("Tier %d", t) }
	}
	periods := map[int32]bool{}
	for _, c := range t.Cells {
		periods[c.Period] = true
	}
	ps := make([]int32, 0, len(periods))
	for p := range periods {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	var out []Gap
	for _, p := range ps {
		cells := make([]int, len(opt.Tier))
		for a := range cells {
			cells[a] = t.Ensure(Cell{Group: int32(a), Type: -1, Agency: -1, Source: -1, Period: p})
		}
		for m := range t.Measures {
			g, err := gapOf(t, m, cells, opt)
			if err != nil {
				return nil, err
			}
			g.Period, g.Coverage = t.Calendar.Label(p), t.Coverage(p)
			out = append(out, g)
		}
	}
	return out, nil
}

// gapOf is one measure's comparison over the areas' cells.
func gapOf(t *Table, m int, cells []int, opt GapOptions) (Gap, error) {
	d := t.Measures[m]
	g := Gap{Measure: d.ID, Name: d.Name, Unit: d.Unit(), Better: d.Direction(), Reps: opt.Reps, Seed: opt.Seed, Level: opt.Level}
	members := make([][]int, opt.Tiers+1)
	for a, tier := range opt.Tier {
		if tier >= 1 && tier <= opt.Tiers {
			members[tier] = append(members[tier], cells[a])
		}
	}
	est := make([]float64, opt.Tiers+1)
	for k := 1; k <= opt.Tiers; k++ {
		v := t.Pool(m, members[k], nil)
		est[k] = math.NaN()
		if !v.Missing {
			est[k] = v.V
		}
		g.Tiers = append(g.Tiers, TierValue{Tier: k, Label: opt.TierLabel(k, opt.Tiers), Areas: len(members[k]), Requests: v.N, Value: ptr(est[k])})
	}
	reps := bootTiers(t, m, members, opt)
	for k := 1; k <= opt.Tiers; k++ {
		lo, hi := interval(reps[k], opt.Level)
		g.Tiers[k-1].Low, g.Tiers[k-1].High = ptr(lo), ptr(hi)
	}
	fillGap(&g, est, reps, opt)
	concentration(t, m, cells, opt, &g)
	g.Verdict = verdict(&g, opt)
	return g, nil
}

// bootTiers draws the replicates of every tier's pooled value: reps[k][b].
// Each tier's areas are resampled with replacement; replicate b uses the
// generator PCG(seed, b+1), so results do not depend on anything else.
func bootTiers(t *Table, m int, members [][]int, opt GapOptions) [][]float64 {
	reps := make([][]float64, len(members))
	for k := range reps {
		reps[k] = make([]float64, opt.Reps)
	}
	mult := make([]int, 0, 64)
	for b := 0; b < opt.Reps; b++ {
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(b)+1))
		for k := 1; k < len(members); k++ {
			n := len(members[k])
			mult = mult[:0]
			for range members[k] {
				mult = append(mult, 0)
			}
			for j := 0; j < n; j++ {
				mult[rng.IntN(n)]++
			}
			v := t.Pool(m, members[k], mult)
			reps[k][b] = math.NaN()
			if !v.Missing && n > 0 {
				reps[k][b] = v.V
			}
		}
	}
	return reps
}

// interval is the type-7 percentile interval of the finite replicates;
// NaN when fewer than half are finite.
func interval(reps []float64, level float64) (float64, float64) {
	ok := make([]float64, 0, len(reps))
	for _, v := range reps {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			ok = append(ok, v)
		}
	}
	if len(ok) < len(reps)/2 || len(ok) < 2 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(ok)
	a := (1 - level) / 2
	return quantile7(ok, a), quantile7(ok, 1-a)
}

// quantile7 is the type-7 (linear interpolation) quantile of sorted values.
func quantile7(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// concentration fills the concentration index of the areas' values by
// need score.
func concentration(t *Table, m int, cells []int, opt GapOptions, g *Gap) {
	var y, r, w []float64
	for a, ci := range cells {
		if a >= len(opt.Score) || math.IsNaN(opt.Score[a]) || a >= len(opt.Population) || !(opt.Population[a] > 0) {
			continue
		}
		v := t.Value(m, ci)
		if v.Missing {
			continue
		}
		y, r, w = append(y, v.V), append(r, opt.Score[a]), append(w, opt.Population[a])
	}
	g.Areas = len(y)
	concentrationOf(y, r, w, opt, g)
}

// concentrationOf fills the concentration index of values y ranked by r,
// weighted by w, with its bootstrap interval (at least 3 units).
func concentrationOf(y, r, w []float64, opt GapOptions, g *Gap) {
	if len(y) < 3 {
		return
	}
	iv, err := metrics.BootstrapCI(y, r, w, opt.Reps, opt.Seed, opt.Level)
	if err != nil {
		return // a mean of 0: no index
	}
	g.Concentration, g.ConcentrationLow, g.ConcentrationHigh = ptr(iv.Estimate), ptr(iv.Low), ptr(iv.High)
	g.ConcentrationSignificant = g.ConcentrationLow != nil && g.ConcentrationHigh != nil && (*g.ConcentrationLow > 0 || *g.ConcentrationHigh < 0)
}

// verdict says in words what the comparison shows.
func verdict(g *Gap, opt GapOptions) string {
	lev := fmt.Sprintf("%.0f%%", opt.Level*100)
	switch {
	case g.Gap == nil:
		return "no comparison: a tier has no value"
	case g.GapLow == nil:
		return "no interval: too few areas with a value"
	case !g.Significant:
		return fmt.Sprintf("no gap: the %s interval of the difference includes 0", lev)
	}
	dir := "higher"
	if *g.Gap < 0 {
		dir = "lower"
	}
	s := fmt.Sprintf("gap: %s in the highest-need tier than in the lowest (the %s interval excludes 0)", dir, lev)
	switch {
	case g.Better == Lower && *g.Gap > 0 || g.Better == Higher && *g.Gap < 0:
		s += "; worse where need is highest"
	case g.Better != "":
		s += "; better where need is highest"
	}
	return s
}

// Ensure returns the index of a cell, adding it with no requests when it
// has no row (an area without requests in a period still has residents).
func (t *Table) Ensure(c Cell) int {
	if i := t.Find(c); i >= 0 {
		return i
	}
	i := len(t.Cells)
	t.index[key(c)] = i
	t.Cells = append(t.Cells, c)
	for _, cl := range t.classes {
		if cl.base != nil {
			continue
		}
		cl.st = append(cl.st, stat{})
		if cl.needDur {
			cl.off = append(cl.off, cl.off[len(cl.off)-1])
		}
	}
	return i
}
