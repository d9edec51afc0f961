package measures

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/budgetlens/budgetlens/budget"
)

// Carry says how a publisher's areas (units, by their code) lie in the
// areas of a layer: Shares[u] lists the target areas holding part of unit
// u and the fraction of u's ground area in each (geo's area-weighted
// crosswalk; a unit drawn as several polygons is one unit). UnitArea is
// each unit's ground area (m²). Population and the need tier and score
// are those of the target areas.
type Carry struct {
	Shares   map[string][]Share
	UnitArea map[string]float64
	Targets  int
}

// Share is the fraction of a unit lying in one target area.
type Share struct {
	Area int
	Frac float64
}

// Weightings of a published mean carried to other areas.
const (
	// WeightByEvents weights each unit's mean by its events (the mean's
	// weight_of count) apportioned by area share: an area's mean is the
	// mean over the events estimated to have happened in it.
	WeightByEvents = "events"
	// WeightByArea weights each unit's mean by the ground area it shares
	// with the target area.
	WeightByArea = "area"
)

// unitValue is one unit's value of a measure over a period: for a mean,
// the weighted mean and its weight; for a count, the count.
type unitValue struct {
	unit   string
	value  float64
	weight float64
}

// PublishedPeriod is a measure of a set carried to a layer over one
// period: each unit's value and weight.
type PublishedPeriod struct {
	Label string
	// First and Last are the first and last months with values.
	First, Last Month
	units       []unitValue
}

// Coverage says which months a period holds ("12 months, January 2013
// to December 2013").
func (p *PublishedPeriod) Coverage() string {
	return CoverageMonths(p.First, p.Last)
}

// Periods aggregates a measure of a set into periods: a mean over the
// months of a period is weighted by its weight_of counts (by the months
// equally with WeightByArea); counts add up. Values published over several
// months (a year's counts) form their own period, labelled by their span.
func (s *PublishedSet) Periods(measure string, cal Calendar, weighting string) ([]PublishedPeriod, error) {
	m, ok := s.Measure(measure)
	if !ok {
		return nil, budget.Errorf(budget.EINVALID, "published set %s has no measure %q", s.Name, measure)
	}
	type key struct {
		label string
		unit  string
	}
	type acc struct{ num, den, months float64 }
	sums := map[key]*acc{}
	order := map[string]int32{}
	spans := map[string][2]Month{}
	weights := map[[2]any]float64{} // (line, measure) -> value, for weight_of
	for _, v := range s.Values {
		weights[[2]any{v.Line, v.Measure}] = v.Value
	}
	for _, v := range s.Values {
		if v.Measure != measure {
			continue
		}
		label, ord := "", int32(0)
		if v.Months == 1 {
			ord = cal.Of(v.Month)
			label = cal.Label(ord)
		} else {
			ord = int32(v.Month)
			label = fmt.Sprintf("%s to %s", v.Month, v.Month+Month(v.Months)-1)
		}
		order[label] = ord
		if sp, ok := spans[label]; !ok {
			spans[label] = [2]Month{v.Month, v.Month + Month(v.Months) - 1}
		} else {
			spans[label] = [2]Month{min(sp[0], v.Month), max(sp[1], v.Month+Month(v.Months)-1)}
		}
		k := key{label, v.Area}
		a := sums[k]
		if a == nil {
			a = &acc{}
			sums[k] = a
		}
		switch {
		case m.Kind == PublishedCount:
			a.num += v.Value
		case m.WeightOf != "" && weighting != WeightByArea:
			w := weights[[2]any{v.Line, m.WeightOf}]
			a.num += w * v.Value
			a.den += w
		default:
			a.num += v.Value
			a.den++
		}
		a.months += float64(v.Months)
	}
	byLabel := map[string]*PublishedPeriod{}
	for k, a := range sums {
		p := byLabel[k.label]
		if p == nil {
			sp := spans[k.label]
			p = &PublishedPeriod{Label: k.label, First: sp[0], Last: sp[1]}
			byLabel[k.label] = p
		}
		uv := unitValue{unit: k.unit, value: a.num, weight: 1}
		if m.Kind == PublishedMean {
			if a.den == 0 {
				continue // no events: no mean
			}
			uv.value, uv.weight = a.num/a.den, a.den
		}
		p.units = append(p.units, uv)
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, func(a, b string) int { return int(order[a] - order[b]) })
	out := make([]PublishedPeriod, 0, len(labels))
	for _, l := range labels {
		p := byLabel[l]
		slices.SortFunc(p.units, func(a, b unitValue) int { return compareCodes(a.unit, b.unit) })
		out = append(out, *p)
	}
	return out, nil
}

// compareCodes orders codes as numbers when both are.
func compareCodes(a, b string) int {
	var x, y int
	if _, e1 := fmt.Sscan(a, &x); e1 == nil {
		if _, e2 := fmt.Sscan(b, &y); e2 == nil && x != y {
			return x - y
		}
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// carried is a period's measure in the target areas, as sums per unit
// and area, ready for pooling with unit multiplicities.
type carried struct {
	kind  string
	units []unitValue
	// pieces[u] are unit u's parts in target areas: area, fraction of its
	// weight.
	pieces [][]Share
	area   []float64 // unit ground areas (WeightByArea)
	byArea bool
}

func (c *Carry) carried(m PublishedMeasure, p *PublishedPeriod, weighting string) (*carried, []string) {
	cr := &carried{kind: m.Kind, byArea: m.Kind == PublishedMean && (m.WeightOf == "" || weighting == WeightByArea)}
	var missing []string
	for _, u := range p.units {
		sh, ok := c.Shares[u.unit]
		if !ok {
			missing = append(missing, u.unit)
			continue
		}
		cr.units = append(cr.units, u)
		cr.pieces = append(cr.pieces, sh)
		cr.area = append(cr.area, c.UnitArea[u.unit])
	}
	return cr, missing
}

// pool is the value over the target areas in group (by area position:
// in[a] true), units counted mult times (nil: once); pop is the group's
// population (counts are given per 1,000 residents; 0: the count).
func (cr *carried) pool(in func(a int) bool, mult []int, pop float64) float64 {
	var num, den float64
	for k, u := range cr.units {
		w := 1.0
		if mult != nil {
			w = float64(mult[k])
		}
		if w == 0 {
			continue
		}
		for _, s := range cr.pieces[k] {
			if !in(s.Area) {
				continue
			}
			switch {
			case cr.kind == PublishedCount:
				num += w * s.Frac * u.value
			case cr.byArea:
				wt := w * s.Frac * cr.area[k]
				num += wt * u.value
				den += wt
			default:
				wt := w * s.Frac * u.weight
				num += wt * u.value
				den += wt
			}
		}
	}
	if cr.kind == PublishedCount {
		if pop > 0 {
			return num / pop * 1000
		}
		return num
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// PublishedGaps compares a published measure, carried to the layer of
// opt, between need tiers in each period, with the concentration index of
// the areas' values by need. A mean is carried weighted by its events
// (weighting "events", default) or by ground area; a count is compared per
// 1,000 residents. The bootstrap resamples the publisher's units (the
// districts measured) with replacement, each bringing its parts of every
// target area, Reps times (seeded); a gap is called only when its interval
// excludes 0.
func PublishedGaps(s *PublishedSet, measure string, c *Carry, cal Calendar, weighting string, opt GapOptions) ([]Gap, []string, error) {
	m, ok := s.Measure(measure)
	if !ok {
		return nil, nil, budget.Errorf(budget.EINVALID, "published set %s has no measure %q", s.Name, measure)
	}
	if opt.Tiers < 2 {
		return nil, nil, budget.Errorf(budget.EINVALID, "measures: gaps need at least 2 need tiers (there are %d)", opt.Tiers)
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
	periods, err := s.Periods(measure, cal, weighting)
	if err != nil {
		return nil, nil, err
	}
	unit, name := m.Unit, m.Name
	if m.Kind == PublishedCount {
		unit, name = "per 1,000 residents", m.Name+" per 1,000 residents"
	}
	tierPop := make([]float64, opt.Tiers+1)
	for a, t := range opt.Tier {
		if t >= 1 && t <= opt.Tiers && a < len(opt.Population) {
			tierPop[t] += opt.Population[a]
		}
	}
	var out []Gap
	var notes []string
	for pi := range periods {
		p := &periods[pi]
		cr, missing := c.carried(m, p, weighting)
		if len(missing) > 0 && pi == 0 {
			notes = append(notes, fmt.Sprintf("%d of the set's area codes (%s) name no area of layer %s: their values are left out", len(missing), listCodes(missing), s.Layer))
		}
		g := Gap{Measure: m.ID, Name: name, Unit: unit, Better: m.Better, Period: p.Label, Coverage: p.Coverage(), Reps: opt.Reps, Seed: opt.Seed, Level: opt.Level}
		inTier := func(k int) func(a int) bool {
			return func(a int) bool { return a < len(opt.Tier) && opt.Tier[a] == k }
		}
		est := make([]float64, opt.Tiers+1)
		reps := make([][]float64, opt.Tiers+1)
		for k := 1; k <= opt.Tiers; k++ {
			pop := 0.0
			if m.Kind == PublishedCount {
				pop = tierPop[k]
			}
			est[k] = cr.pool(inTier(k), nil, pop)
			reps[k] = make([]float64, opt.Reps)
			areas := 0
			for _, t := range opt.Tier {
				if t == k {
					areas++
				}
			}
			g.Tiers = append(g.Tiers, TierValue{Tier: k, Label: opt.TierLabel(k, opt.Tiers), Areas: areas, Value: ptr(est[k])})
		}
		mult := make([]int, len(cr.units))
		for b := 0; b < opt.Reps; b++ {
			rng := rand.New(rand.NewPCG(opt.Seed, uint64(b)+1))
			clear(mult)
			for range cr.units {
				mult[rng.IntN(len(cr.units))]++
			}
			for k := 1; k <= opt.Tiers; k++ {
				pop := 0.0
				if m.Kind == PublishedCount {
					pop = tierPop[k]
				}
				reps[k][b] = cr.pool(inTier(k), mult, pop)
			}
		}
		for k := 1; k <= opt.Tiers; k++ {
			a, b := interval(reps[k], opt.Level)
			g.Tiers[k-1].Low, g.Tiers[k-1].High = ptr(a), ptr(b)
		}
		fillGap(&g, est, reps, opt)
		publishedConcentration(cr, m, opt, &g)
		g.Verdict = verdict(&g, opt)
		out = append(out, g)
	}
	return out, notes, nil
}

// fillGap sets the difference and ratio of the highest and lowest tiers
// with their intervals.
func fillGap(g *Gap, est []float64, reps [][]float64, opt GapOptions) {
	lo, hi := 1, opt.Tiers
	g.Gap = ptr(est[hi] - est[lo])
	diff, ratio := make([]float64, opt.Reps), make([]float64, opt.Reps)
	for b := range diff {
		diff[b] = reps[hi][b] - reps[lo][b]
		ratio[b] = reps[hi][b] / reps[lo][b]
	}
	if g.Gap != nil {
		a, b := interval(diff, opt.Level)
		g.GapLow, g.GapHigh = ptr(a), ptr(b)
		g.Significant = g.GapLow != nil && g.GapHigh != nil && (*g.GapLow > 0 || *g.GapHigh < 0)
	}
	if est[lo] != 0 {
		if g.Ratio = ptr(est[hi] / est[lo]); g.Ratio != nil {
			a, b := interval(ratio, opt.Level)
			g.RatioLow, g.RatioHigh = ptr(a), ptr(b)
		}
	}
}

// publishedConcentration is the concentration index of the target areas'
// carried values by need.
func publishedConcentration(cr *carried, m PublishedMeasure, opt GapOptions, g *Gap) {
	var y, r, w []float64
	for a := range opt.Tier {
		if a >= len(opt.Score) || math.IsNaN(opt.Score[a]) || a >= len(opt.Population) || !(opt.Population[a] > 0) {
			continue
		}
		pop := 0.0
		if m.Kind == PublishedCount {
			pop = opt.Population[a]
		}
		v := cr.pool(func(x int) bool { return x == a }, nil, pop)
		if math.IsNaN(v) {
			continue
		}
		y, r, w = append(y, v), append(r, opt.Score[a]), append(w, opt.Population[a])
	}
	g.Areas = len(y)
	concentrationOf(y, r, w, opt, g)
}

func listCodes(codes []string) string {
	if len(codes) > 8 {
		return fmt.Sprintf("%s, ... (%d)", joinCodes(codes[:8]), len(codes))
	}
	return joinCodes(codes)
}

func joinCodes(c []string) string {
	out := ""
	for i, x := range c {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// PublishedAreaValues are the carried values of a measure in each target
// area over a period (NaN where none), for maps.
func PublishedAreaValues(s *PublishedSet, measure string, c *Carry, cal Calendar, weighting string, population []float64) (map[string][]float64, error) {
	m, ok := s.Measure(measure)
	if !ok {
		return nil, budget.Errorf(budget.EINVALID, "published set %s has no measure %q", s.Name, measure)
	}
	periods, err := s.Periods(measure, cal, weighting)
	if err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for pi := range periods {
		cr, _ := c.carried(m, &periods[pi], weighting)
		vals := make([]float64, c.Targets)
		for a := range vals {
			pop := 0.0
			if m.Kind == PublishedCount && a < len(population) {
				pop = population[a]
			}
			vals[a] = cr.pool(func(x int) bool { return x == a }, nil, pop)
		}
		out[periods[pi].Label] = vals
	}
	return out, nil
}

// PublishedCityValues are a measure's values over every unit of the set
// (the city as published: a mean weighted as in Periods, a count summed),
// by period label.
func PublishedCityValues(s *PublishedSet, measure string, cal Calendar, weighting string) (map[string]float64, error) {
	m, ok := s.Measure(measure)
	if !ok {
		return nil, budget.Errorf(budget.EINVALID, "published set %s has no measure %q", s.Name, measure)
	}
	periods, err := s.Periods(measure, cal, weighting)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, p := range periods {
		var num, den float64
		for _, u := range p.units {
			if m.Kind == PublishedCount {
				num += u.value
				continue
			}
			num += u.weight * u.value
			den += u.weight
		}
		if m.Kind == PublishedCount {
			out[p.Label] = num
		} else if den > 0 {
			out[p.Label] = num / den
		}
	}
	return out, nil
}
