package need

import (
	"fmt"
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/budget"
)

// Options change how a spec is applied to a table.
type Options struct {
	// UsePublished takes each indicator's normalised value from its
	// Published column (for example CalEnviroScreen's "Pctl" columns)
	// instead of recomputing it.
	UsePublished bool
	// Neighbours, when set, lists each area's neighbours by position (as
	// geo.Adjacency returns them); the adjacency rule then uses the share of
	// designated neighbours computed here. Without it the rule reads the
	// spec's neighbour_share indicator.
	Neighbours [][]int
	// PublishedScore names a column holding the index's published score
	// (CalEnviroScreen's "CES 3.0 Score"). When set, each area's score is
	// the published one (missing where the column is blank) and the
	// computed score is only compared with it (Result.ScoreCheck):
	// published scores are the measure, recomputation is a check.
	PublishedScore string
}

// ScoreCheck compares computed scores with the published ones.
type ScoreCheck struct {
	Column string `json:"column"`
	// Compared counts areas with both scores; Within those whose scores
	// differ by at most 0.01; MaxDiff is the largest absolute difference.
	Compared int     `json:"compared"`
	Within   int     `json:"within_0_01"`
	MaxDiff  float64 `json:"max_difference"`
	// OnlyComputed counts areas with a computed score but no published
	// one; they are left without a score.
	OnlyComputed int `json:"only_computed"`
}

// Result is one application of a spec to a table.
type Result struct {
	Spec       *Spec
	Indicators []string // indicator names, the order of every per-indicator slice
	Components []string // component names (composite)
	Categories []string // category names (thresholds)
	Areas      []AreaResult
	// Weights[k] is indicator k's effective weight inside its component
	// (its share of the component's value); Component[k] its component.
	Weights   []float64
	Component []int
	// ScoreCheck compares the computed with the published scores when the
	// options name a published score column.
	ScoreCheck *ScoreCheck
}

// AreaResult is the index of one area.
type AreaResult struct {
	ID         string `json:"id"`
	Population Num    `json:"population"`
	// Score: composite value (CES: 0-100), or for thresholds the number of
	// categories met. Missing when too few indicators are present.
	Score Num `json:"score"`
	// Percentile of the score among areas with a score, 0-100, average
	// ties.
	Percentile Num `json:"percentile"`
	// Rank: 1 = most need; 0 when there is no score. Ties share the best
	// rank.
	Rank int    `json:"rank"`
	Tier string `json:"tier"`
	// Per indicator (Result.Indicators order): raw value, normalised value,
	// contribution (effective weight x normalised value, in the units of
	// the component).
	Values        []Num `json:"values"`
	MOE           []Num `json:"moe,omitempty"`
	Normalised    []Num `json:"normalised"`
	Contributions []Num `json:"contributions,omitempty"`
	// Per component (composite): the component's value before and after
	// scaling.
	ComponentRaw    []Num `json:"component_raw,omitempty"`
	ComponentScaled []Num `json:"component_scaled,omitempty"`
	// Flags (thresholds): every gate and category, "disadvantaged" (any
	// category), "disadvantaged_with_adjacency".
	Flags map[string]bool `json:"flags,omitempty"`
	// Tests: every threshold test evaluated, met or missed.
	Tests []TestResult `json:"tests,omitempty"`
	// NeighbourShare: share of designated neighbours (adjacency rule).
	NeighbourShare Num `json:"neighbour_share"`
}

// Compute applies spec to table.
func Compute(spec *Spec, t *Table, opt Options) (*Result, error) {
	if err := spec.Validate(); err != nil {
		return nil, budget.Errorf(budget.EINVALID, "need: spec %s: %v", spec.Name, err)
	}
	n := len(t.Areas)
	res := &Result{Spec: spec, Areas: make([]AreaResult, n)}
	pop := make([]float64, n)
	for i := range pop {
		pop[i] = math.NaN()
	}
	if spec.Population != "" && t.Has(spec.Population) {
		p, err := t.Populations(spec.Population)
		if err != nil {
			return nil, err
		}
		pop = p
	}
	raw := make([][]float64, len(spec.Indicators))
	norm := make([][]float64, len(spec.Indicators))
	moe := make([][]float64, len(spec.Indicators))
	anyMOE := false
	for k, ind := range spec.Indicators {
		col := ind.MOE
		if col == "" {
			col = ind.Column
			if col == "" {
				col = ind.Name
			}
			col += " MOE"
		}
		if t.Has(col) {
			m, err := t.Numbers(col)
			if err != nil {
				return nil, err
			}
			moe[k], anyMOE = m, true
		} else if ind.MOE != "" {
			return nil, &budget.InputError{File: t.File, Line: 1, Column: ind.MOE, Expected: "the margin-of-error column named by indicator " + ind.Name}
		}
	}
	for k, ind := range spec.Indicators {
		res.Indicators = append(res.Indicators, ind.Name)
		col := ind.Column
		if col == "" {
			col = ind.Name
		}
		var err error
		if opt.UsePublished && ind.Published != "" {
			if norm[k], err = t.Numbers(ind.Published); err != nil {
				return nil, err
			}
			if t.Has(col) {
				if raw[k], err = t.Numbers(col); err != nil {
					return nil, err
				}
			} else {
				raw[k] = nanSlice(n)
			}
			continue
		}
		if raw[k], err = t.Numbers(col); err != nil {
			return nil, err
		}
		norm[k] = Normalise(raw[k], spec.normalisationOf(&ind), ind.Direction == "lower")
	}
	for a := range res.Areas {
		ar := &res.Areas[a]
		ar.ID = t.Areas[a]
		ar.Population = Num(pop[a])
		ar.Values = make([]Num, len(raw))
		ar.Normalised = make([]Num, len(raw))
		for k := range raw {
			ar.Values[k] = Num(raw[k][a])
			ar.Normalised[k] = Num(norm[k][a])
		}
		if anyMOE {
			ar.MOE = make([]Num, len(raw))
			for k := range raw {
				ar.MOE[k] = NaN
				if moe[k] != nil {
					ar.MOE[k] = Num(moe[k][a])
				}
			}
		}
		ar.NeighbourShare = NaN
	}
	switch spec.Method {
	case "composite":
		composite(spec, res, norm)
	case "thresholds":
		if err := thresholds(spec, res, raw, norm, opt.Neighbours); err != nil {
			return nil, err
		}
	}
	if opt.PublishedScore != "" {
		if err := usePublishedScore(res, t, opt.PublishedScore); err != nil {
			return nil, err
		}
	}
	rankScores(res)
	if spec.PopulationWeighted {
		s := make([]float64, len(res.Areas))
		w := make([]float64, len(res.Areas))
		for a := range res.Areas {
			s[a], w[a] = float64(res.Areas[a].Score), float64(res.Areas[a].Population)
		}
		for a, p := range WeightedPercentile(s, w) {
			res.Areas[a].Percentile = Num(p)
		}
	}
	if opt.UsePublished && spec.PublishedPercentile != "" && t.Has(spec.PublishedPercentile) {
		p, err := t.Numbers(spec.PublishedPercentile)
		if err != nil {
			return nil, err
		}
		for a := range res.Areas {
			res.Areas[a].Percentile = Num(p[a])
		}
	}
	assignTiers(spec, res)
	return res, nil
}

// usePublishedScore replaces the computed scores by the published ones and
// records how far apart they were.
func usePublishedScore(res *Result, t *Table, col string) error {
	pub, err := t.Numbers(col)
	if err != nil {
		return err
	}
	c := &ScoreCheck{Column: col}
	for a := range res.Areas {
		ar := &res.Areas[a]
		computed, published := float64(ar.Score), pub[a]
		switch {
		case !math.IsNaN(computed) && !math.IsNaN(published):
			c.Compared++
			d := math.Abs(computed - published)
			if d <= 0.01+1e-9 {
				c.Within++
			}
			c.MaxDiff = math.Max(c.MaxDiff, d)
		case !math.IsNaN(computed):
			c.OnlyComputed++
		}
		ar.Score = Num(published)
	}
	res.ScoreCheck = c
	return nil
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

func (s *Spec) normalisationOf(ind *IndicatorSpec) Normalisation {
	if ind.Normalise != nil {
		return *ind.Normalise
	}
	return s.Normalise
}

// Normalise applies one normalisation to raw values. lower reverses the
// direction (lower raw values mean more need).
func Normalise(raw []float64, n Normalisation, lower bool) []float64 {
	switch n.Method {
	case "percentile":
		return Percentile(raw, PercentileOptions{Ties: n.Ties, PositiveOnly: n.PositiveOnly, Descending: lower, Scale: n.Scale})
	case "rank":
		p := Percentile(raw, PercentileOptions{Ties: n.Ties, Descending: lower, Scale: 1})
		cnt := 0.0
		for _, v := range raw {
			if !math.IsNaN(v) {
				cnt++
			}
		}
		for i := range p {
			p[i] *= cnt // rank 1..n
		}
		return p
	case "zscore":
		return ZScores(raw, lower)
	case "minmax":
		m := MinMax(raw, lower)
		if n.Scale != 0 {
			for i := range m {
				m[i] *= n.Scale
			}
		}
		return m
	case "threshold":
		out := make([]float64, len(raw))
		for i, v := range raw {
			switch {
			case math.IsNaN(v):
				out[i] = math.NaN()
			case (!lower && v >= n.Threshold) || (lower && v <= n.Threshold):
				out[i] = 1
			}
		}
		return out
	default: // none
		out := make([]float64, len(raw))
		copy(out, raw)
		return out
	}
}

// structure flattens a composite spec: for each indicator its component and
// effective weight within the component (indicator share of its domain x
// domain share of the component), for each component its weight.
type structure struct {
	comp    []int      // indicator -> component (-1 unused)
	domain  []int      // indicator -> global domain index
	iw      []float64  // indicator weight inside its domain
	dw      []float64  // domain weight inside its component
	dcomp   []int      // domain -> component
	cw      []float64  // component weights
	members [][]int    // domain -> indicators
	scale   []*Scaling // component scaling
	maxMiss []int      // component max missing (-1 = any)
	eff     []float64  // effective weight of indicator within component (all present)
	combine string
}

func buildStructure(spec *Spec) *structure {
	st := &structure{combine: spec.Combine}
	idx := map[string]int{}
	for k, ind := range spec.Indicators {
		idx[ind.Name] = k
		st.comp = append(st.comp, -1)
		st.domain = append(st.domain, -1)
		w := ind.Weight
		if w == 0 {
			w = 1
		}
		st.iw = append(st.iw, w)
		st.eff = append(st.eff, 0)
	}
	for c, comp := range spec.Components {
		w := comp.Weight
		if w == 0 {
			w = 1
		}
		st.cw = append(st.cw, w)
		st.scale = append(st.scale, comp.Scale)
		mm := -1
		if comp.MaxMissing != nil {
			mm = *comp.MaxMissing
		}
		st.maxMiss = append(st.maxMiss, mm)
		var dsum float64
		for _, d := range comp.Domains {
			dw := d.Weight
			if dw == 0 {
				dw = 1
			}
			dsum += dw
		}
		for _, d := range comp.Domains {
			dw := d.Weight
			if dw == 0 {
				dw = 1
			}
			di := len(st.dw)
			st.dw = append(st.dw, dw)
			st.dcomp = append(st.dcomp, c)
			var m []int
			var isum float64
			for _, name := range d.Indicators {
				k := idx[name]
				st.comp[k], st.domain[k] = c, di
				m = append(m, k)
				isum += st.iw[k]
			}
			for _, k := range m {
				st.eff[k] = st.iw[k] / isum * dw / dsum
			}
			st.members = append(st.members, m)
		}
	}
	return st
}

// componentValues computes each component's raw value for one area from
// the normalised values x (indexed by indicator), using indicator weights
// iw; missing indicators are skipped and weights renormalised within the
// domain (CalEnviroScreen's rule), a domain with no indicator is skipped
// within its component. dst receives the values (NaN when too many are
// missing).
func (st *structure) componentValues(x func(k int) float64, iw []float64, dst []float64) {
	nc := len(st.cw)
	var num, den [64]float64
	var miss [64]int
	var numS, denS []float64
	var missS []int
	if nc <= 64 {
		numS, denS, missS = num[:nc], den[:nc], miss[:nc]
	} else {
		numS, denS, missS = make([]float64, nc), make([]float64, nc), make([]int, nc)
	}
	for c := range numS {
		numS[c], denS[c], missS[c] = 0, 0, 0
	}
	for d, m := range st.members {
		var s, w float64
		for _, k := range m {
			v := x(k)
			if math.IsNaN(v) {
				missS[st.dcomp[d]]++
				continue
			}
			s += iw[k] * v
			w += iw[k]
		}
		if w > 0 {
			c := st.dcomp[d]
			numS[c] += st.dw[d] * s / w
			denS[c] += st.dw[d]
		}
	}
	for c := range dst {
		if denS[c] == 0 || (st.maxMiss[c] >= 0 && missS[c] > st.maxMiss[c]) {
			dst[c] = math.NaN()
		} else {
			dst[c] = numS[c] / denS[c]
		}
	}
}

// combineComponents joins scaled component values into a score.
func (st *structure) combineComponents(v []float64) float64 {
	var s, w float64
	switch st.combine {
	case "product":
		p := 1.0
		for _, x := range v {
			if math.IsNaN(x) {
				return math.NaN()
			}
			p *= x
		}
		return p
	case "geometric":
		for c, x := range v {
			if math.IsNaN(x) || x <= 0 {
				return math.NaN()
			}
			s += st.cw[c] * math.Log(x)
			w += st.cw[c]
		}
		return math.Exp(s / w)
	case "sum":
		for c, x := range v {
			if math.IsNaN(x) {
				return math.NaN()
			}
			s += st.cw[c] * x
		}
		return s
	default:
		for c, x := range v {
			if math.IsNaN(x) {
				return math.NaN()
			}
			s += st.cw[c] * x
			w += st.cw[c]
		}
		return s / w
	}
}

// scaleMaxima returns each component's scaling denominator: the larger of
// the observed maximum over areas and the reference maximum.
func (st *structure) scaleMaxima(comp [][]float64) []float64 {
	mx := make([]float64, len(st.cw))
	for c := range mx {
		mx[c] = math.NaN()
		if st.scale[c] == nil {
			continue
		}
		m := st.scale[c].ReferenceMax
		for _, v := range comp[c] {
			if !math.IsNaN(v) && v > m {
				m = v
			}
		}
		mx[c] = m
	}
	return mx
}

func composite(spec *Spec, res *Result, norm [][]float64) {
	st := buildStructure(spec)
	res.Weights, res.Component = st.eff, st.comp
	for _, c := range spec.Components {
		res.Components = append(res.Components, c.Name)
	}
	n, nc := len(res.Areas), len(st.cw)
	comp := make([][]float64, nc)
	for c := range comp {
		comp[c] = make([]float64, n)
	}
	buf := make([]float64, nc)
	for a := 0; a < n; a++ {
		st.componentValues(func(k int) float64 { return norm[k][a] }, st.iw, buf)
		for c := range buf {
			comp[c][a] = buf[c]
		}
	}
	mx := st.scaleMaxima(comp)
	scores := make([]float64, n)
	for a := range res.Areas {
		ar := &res.Areas[a]
		ar.ComponentRaw = make([]Num, nc)
		ar.ComponentScaled = make([]Num, nc)
		for c := 0; c < nc; c++ {
			v := comp[c][a]
			ar.ComponentRaw[c] = Num(v)
			if st.scale[c] != nil {
				v = v / mx[c] * st.scale[c].To
			}
			ar.ComponentScaled[c] = Num(v)
			buf[c] = v
		}
		scores[a] = st.combineComponents(buf)
		ar.Contributions = make([]Num, len(norm))
		for k := range norm {
			c := st.comp[k]
			if c < 0 || math.IsNaN(norm[k][a]) {
				ar.Contributions[k] = NaN
				continue
			}
			ar.Contributions[k] = Num(st.areaWeight(k, func(j int) float64 { return norm[j][a] }) * norm[k][a])
		}
	}
	if spec.Rerank {
		scores = Percentile(scores, PercentileOptions{Ties: TiesAverage, Scale: 100})
	}
	for a := range res.Areas {
		res.Areas[a].Score = Num(scores[a])
	}
}

// areaWeight is indicator k's weight in its component for an area, after
// renormalising over the indicators and domains present.
func (st *structure) areaWeight(k int, x func(j int) float64) float64 {
	d := st.domain[k]
	c := st.comp[k]
	var isum float64
	for _, j := range st.members[d] {
		if !math.IsNaN(x(j)) {
			isum += st.iw[j]
		}
	}
	var dsum float64
	for e, m := range st.members {
		if st.dcomp[e] != c {
			continue
		}
		for _, j := range m {
			if !math.IsNaN(x(j)) {
				dsum += st.dw[e]
				break
			}
		}
	}
	return st.iw[k] / isum * st.dw[d] / dsum
}

func thresholds(spec *Spec, res *Result, raw, norm [][]float64, neighbours [][]int) error {
	r := spec.Rules
	idx := map[string]int{}
	for k, ind := range spec.Indicators {
		idx[ind.Name] = k
	}
	for _, c := range r.Categories {
		res.Categories = append(res.Categories, c.Name)
	}
	n := len(res.Areas)
	base := make([]bool, n)
	for a := range res.Areas {
		ar := &res.Areas[a]
		get := func(ind string, isRaw bool) float64 {
			if isRaw {
				return raw[idx[ind]][a]
			}
			return norm[idx[ind]][a]
		}
		ar.Flags = map[string]bool{}
		for _, g := range r.Gates {
			ok := true
			for _, t := range g.All {
				if !t.eval(get, &ar.Tests) {
					ok = false
				}
			}
			ar.Flags[g.Name] = ok
		}
		count := 0
		for _, c := range r.Categories {
			any := false
			for _, t := range c.Any {
				if t.eval(get, &ar.Tests) {
					any = true
				}
			}
			met := any && (c.Gate == "" || ar.Flags[c.Gate])
			ar.Flags[c.Name] = met
			if met {
				count++
			}
		}
		base[a] = count > 0
		ar.Flags["disadvantaged"] = base[a]
		ar.Score = Num(count)
	}
	var share []float64
	if adj := r.Adjacency; adj != nil {
		if neighbours != nil {
			gate := make([]bool, n)
			for a := range res.Areas {
				gate[a] = res.Areas[a].Flags[adj.Gate]
			}
			share, _ = AdjacencyRule(base, gate, neighbours, adj.MinShare)
		} else {
			share = nanSlice(n)
			if adj.NeighbourShare != "" {
				copy(share, raw[idx[adj.NeighbourShare]])
			}
		}
	}
	for a := range res.Areas {
		ar := &res.Areas[a]
		final := base[a]
		if adj := r.Adjacency; adj != nil {
			ar.NeighbourShare = Num(share[a])
			if !final && !math.IsNaN(share[a]) && share[a] >= adj.MinShare && ar.Flags[adj.Gate] {
				final = true
				ar.Flags["adjacency"] = true
			}
		}
		ar.Flags["disadvantaged_with_adjacency"] = final
	}
	return nil
}

// AdjacencyRule applies CEJST's adjacency rule: share[i] is the share of
// area i's neighbours that are designated (NaN without neighbours); an area
// not designated whose share is at least minShare and which passes its gate
// is designated. neighbours lists each area's neighbours by position.
func AdjacencyRule(designated, gate []bool, neighbours [][]int, minShare float64) (share []float64, final []bool) {
	share = nanSlice(len(designated))
	final = append([]bool(nil), designated...)
	for i := range designated {
		if i >= len(neighbours) || len(neighbours[i]) == 0 {
			continue
		}
		d := 0
		for _, j := range neighbours[i] {
			if designated[j] {
				d++
			}
		}
		share[i] = float64(d) / float64(len(neighbours[i]))
		if !designated[i] && gate[i] && share[i] >= minShare {
			final[i] = true
		}
	}
	return share, final
}

// rankScores sets each area's percentile (average ties, 0-100) and rank (1
// = highest score; ties share the best rank).
func rankScores(res *Result) {
	s := make([]float64, len(res.Areas))
	for a := range res.Areas {
		s[a] = float64(res.Areas[a].Score)
	}
	p := Percentile(s, PercentileOptions{Ties: TiesAverage, Scale: 100})
	order := make([]int, 0, len(s))
	for a := range s {
		res.Areas[a].Percentile = Num(p[a])
		if !math.IsNaN(s[a]) {
			order = append(order, a)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return s[order[i]] > s[order[j]] })
	for i, a := range order {
		if i > 0 && s[a] == s[order[i-1]] {
			res.Areas[a].Rank = res.Areas[order[i-1]].Rank
		} else {
			res.Areas[a].Rank = i + 1
		}
	}
}

// TierLabels lists the tier labels of a spec, lowest need first.
func (s *Spec) TierLabels() []string {
	switch s.Tiers.Method {
	case "cuts":
		return s.Tiers.Labels
	case "quantiles":
		if len(s.Tiers.Labels) > 0 {
			return s.Tiers.Labels
		}
		n := s.Tiers.N
		if n < 1 {
			n = 4
		}
		var l []string
		for i := 1; i <= n; i++ {
			l = append(l, fmt.Sprintf("Q%d", i))
		}
		return l
	case "flag":
		if len(s.Tiers.Labels) == 2 {
			return s.Tiers.Labels
		}
		return []string{"not " + s.Tiers.Flag, s.Tiers.Flag}
	}
	return nil
}

// TopTier is the label whose membership sensitivity reports.
func (s *Spec) TopTier() string {
	if s.Tiers.Top != "" {
		return s.Tiers.Top
	}
	l := s.TierLabels()
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

// TierOf returns the tier label for a score and percentile (flags for the
// flag method). Cut points are inclusive lower bounds: a value equal to a
// cut point is in the higher tier. Quantile k of N holds percentiles in
// ((k-1)/N*100, k/N*100].
func (s *Spec) TierOf(score, pct float64, flags map[string]bool) string {
	labels := s.TierLabels()
	switch s.Tiers.Method {
	case "flag":
		if flags[s.Tiers.Flag] {
			return labels[1]
		}
		return labels[0]
	case "cuts":
		v := pct
		if s.Tiers.On == "score" {
			v = score
		}
		if math.IsNaN(v) {
			return ""
		}
		t := 0
		for i, c := range s.Tiers.Cuts {
			if v >= c {
				t = i + 1
			}
		}
		return labels[t]
	case "quantiles":
		if math.IsNaN(pct) {
			return ""
		}
		n := len(labels)
		k := int(math.Ceil(pct / 100 * float64(n)))
		if k < 1 {
			k = 1
		}
		if k > n {
			k = n
		}
		return labels[k-1]
	}
	return ""
}

func assignTiers(spec *Spec, res *Result) {
	for a := range res.Areas {
		ar := &res.Areas[a]
		ar.Tier = spec.TierOf(float64(ar.Score), float64(ar.Percentile), ar.Flags)
	}
}

// Find returns the position of the area with this id.
func (r *Result) Find(id string) (int, bool) {
	for a := range r.Areas {
		if sameID(r.Areas[a].ID, id) {
			return a, true
		}
	}
	return 0, false
}
