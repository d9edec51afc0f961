package analysis

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
)

// Frame is what the analysis knows about each area of the layer before any
// dollar is placed: its residents, the small areas (census tracts) they
// live in with their need, and the counts of population groups. Slices are
// by position in the layer.
type Frame struct {
	Layer      *geo.Layer
	Population []float64
	// PopulationSource says where the populations come from: "need run
	// areas" (the sum of the populations of the run's small areas placed in
	// each area: the same residents on every layer and in every table) or
	// "layer" (the layer's own population attribute, used only without a
	// need run).
	PopulationSource string
	// Small lists the small areas of the need run (tracts), or, when the
	// run is over the layer itself, the layer's areas: where each lies, its
	// residents and whether the run designates it (its top tier).
	Small []SmallArea
	// Need is the primary need measure (the run's score) seen from the
	// layer; Score, Tier and Tiers repeat its area scores and tiers.
	Need  *NeedView
	Score []float64
	Tier  []int
	Tiers int
	// TopShare is the share of the area's population living in small areas
	// of the need run's top tier (CES: SB 535 designated).
	TopShare []float64
	// SmallAreas is the number of the run's small areas placed in each area.
	SmallAreas []int
	// Groups holds population-group counts per area (group -> by position).
	Groups map[string][]float64
	// Unplaced counts the run's small areas found in no area of the layer;
	// UnplacedPop their residents and UnplacedIDs their ids (in run order).
	Unplaced    int
	UnplacedPop float64
	UnplacedIDs []string
	// Mapping says how the run's areas reached the layer ("same layer" or
	// "small-area points located in the layer").
	Mapping string
}

// SmallArea is one small area of the need run as the frame sees it.
type SmallArea struct {
	ID string
	// Area is the position of the layer's area holding it, -1 for none.
	Area       int
	Population float64
	Score      float64 // the run's score, NaN when it has none
	Designated bool    // in the run's top tier (CES: SB 535)
}

// NeedView is one measure of need seen from the layer: each small area's
// value and tier, each area's population-weighted mean and tier, and how
// many of each area's residents live in each tier.
type NeedView struct {
	Name  string
	Label string
	// SmallScore and SmallTier are by position in Frame.Small; tiers are
	// population-weighted quantiles (PopulationTiers), 0 without a value.
	SmallScore []float64
	SmallTier  []int
	// Score is each area's population-weighted mean of its small areas'
	// values (NaN when none has one); Tier the tier whose range of values
	// holds that mean (AreaTiers).
	Score []float64
	Tier  []int
	Tiers int
	// TierPop[a][t] is the residents of area a living in small areas of
	// tier t (t = 0: no value).
	TierPop [][]float64
	// Cuts[t-1] is the highest value in tier t.
	Cuts []float64
}

// GroupCounts holds population counts by group for small areas (tracts), as
// read from the ACS race and ethnicity table: Counts[group][area id].
type GroupCounts struct {
	Source string
	Hash   string
	Groups []string
	Counts map[string]map[string]float64
	// Total is each small area's population of the table's universe, used
	// as the denominator of the group shares.
	Total map[string]float64
}

// trimID is the key small-area ids are matched by (geo.IDKey), so that
// "06037101110" and "6037101110" match.
func trimID(s string) string { return geo.IDKey(s) }

// BuildFrame prepares the layer's areas. run is the need run (nil: no need,
// every area untiered, populations from the layer); small is the layer of
// the run's areas (tract points or polygons) used to place them in layer
// when layer is not the run's own. ix indexes layer. With a run, the
// populations are the sums of the run's small areas placed in each area (so
// every layer and every table counts the same residents); without one they
// are the layer's own. Need tiers are population-weighted quantiles of the
// small areas (PopulationTiers): tier k holds about 1/tiers of the
// residents, whatever the layer.
func BuildFrame(layer *geo.Layer, ix *geo.Index, run *need.Run, small *geo.Layer, groups *GroupCounts, tiers int) (*Frame, error) {
	n := len(layer.Areas)
	f := &Frame{Layer: layer, Population: make([]float64, n), TopShare: make([]float64, n), SmallAreas: make([]int, n), Groups: map[string][]float64{}}
	f.placeSmallAreas(layer, ix, run, small)
	f.addGroups(groups)
	if run == nil {
		f.Mapping = "no need run"
		f.PopulationSource = "layer"
		for i, a := range layer.Areas {
			f.Population[i] = a.Population
		}
	} else {
		f.PopulationSource = "need run areas"
		for _, s := range f.Small {
			if s.Area >= 0 {
				f.Population[s.Area] += s.Population
			}
		}
	}
	scores := make([]float64, len(f.Small))
	for k, s := range f.Small {
		scores[k] = s.Score
	}
	f.Need = f.View("", "", scores, tiers)
	f.Score, f.Tier, f.Tiers = f.Need.Score, f.Need.Tier, f.Need.Tiers
	var wd, wp = make([]float64, n), make([]float64, n)
	for _, s := range f.Small {
		if s.Area < 0 || math.IsNaN(s.Score) || !(s.Population > 0) {
			continue
		}
		wp[s.Area] += s.Population
		if s.Designated {
			wd[s.Area] += s.Population
		}
	}
	for i := range f.TopShare {
		f.TopShare[i] = math.NaN()
		if wp[i] > 0 {
			f.TopShare[i] = wd[i] / wp[i]
		}
	}
	return f, nil
}

// placeSmallAreas lists the run's small areas and the area of the layer
// holding each (its representative point), or the layer's own areas when
// the run is over the layer.
func (f *Frame) placeSmallAreas(layer *geo.Layer, ix *geo.Index, run *need.Run, small *geo.Layer) {
	find := func(id string) (*need.AreaResult, bool) {
		if run == nil {
			return nil, false
		}
		return run.Area(id)
	}
	add := func(a *geo.Area, pos int) {
		s := SmallArea{ID: a.ID, Area: pos, Population: a.Population, Score: math.NaN()}
		if ar, ok := find(a.ID); ok {
			if !(s.Population > 0) && !ar.Population.Missing() {
				s.Population = float64(ar.Population)
			}
			if !ar.Score.Missing() {
				s.Score = float64(ar.Score)
			}
			s.Designated = run.TopTier != "" && ar.Tier == run.TopTier
		}
		if !(s.Population > 0) || math.IsInf(s.Population, 0) {
			s.Population = 0
		}
		if pos >= 0 {
			f.SmallAreas[pos]++
		} else {
			f.Unplaced++
			f.UnplacedPop += s.Population
			f.UnplacedIDs = append(f.UnplacedIDs, s.ID)
		}
		f.Small = append(f.Small, s)
	}
	if small == nil || small.Name == layer.Name {
		if run != nil {
			f.Mapping = "same layer"
		}
		for i := range layer.Areas {
			add(&layer.Areas[i], i)
		}
		return
	}
	f.Mapping = "small-area points located in the layer"
	for k := range small.Areas {
		a := &small.Areas[k]
		pt := geo.RepresentativePoint(a)
		pos, ok := ix.Locate(pt[0], pt[1])
		if !ok {
			pos = -1
		}
		add(a, pos)
	}
}

// addGroups sums the population-group counts of the small areas by area.
func (f *Frame) addGroups(groups *GroupCounts) {
	if groups == nil {
		return
	}
	n := len(f.Layer.Areas)
	for _, g := range groups.Groups {
		f.Groups[g] = make([]float64, n)
	}
	f.Groups["total"] = make([]float64, n)
	for _, s := range f.Small {
		if s.Area < 0 {
			continue
		}
		k := trimID(s.ID)
		for _, g := range groups.Groups {
			f.Groups[g][s.Area] += groups.Counts[g][k]
		}
		f.Groups["total"][s.Area] += groups.Total[k]
	}
}

// View builds a need measure's view from one value per small area (by
// position in f.Small; NaN = none): population-weighted tiers of the small
// areas, each area's population-weighted mean, its tier and its residents
// by tier. Never more tiers than small areas with a value and residents.
func (f *Frame) View(name, label string, values []float64, tiers int) *NeedView {
	n := len(f.Layer.Areas)
	v := &NeedView{Name: name, Label: label, SmallScore: values, Score: make([]float64, n), TierPop: make([][]float64, n)}
	pop := make([]float64, len(f.Small))
	scored := 0
	for k, s := range f.Small {
		pop[k] = s.Population
		if !math.IsNaN(values[k]) && s.Population > 0 {
			scored++
		}
	}
	if tiers > scored {
		tiers = scored
	}
	if tiers < 1 {
		tiers = 1
	}
	v.Tiers = tiers
	v.SmallTier = PopulationTiers(values, pop, tiers)
	v.Cuts = make([]float64, tiers)
	for t := range v.Cuts {
		v.Cuts[t] = math.Inf(-1)
	}
	ws, w := make([]float64, n), make([]float64, n)
	for i := range v.TierPop {
		v.TierPop[i] = make([]float64, tiers+1)
	}
	for k, s := range f.Small {
		t := v.SmallTier[k]
		if t > 0 {
			v.Cuts[t-1] = math.Max(v.Cuts[t-1], values[k])
		}
		if s.Area < 0 {
			continue
		}
		v.TierPop[s.Area][t] += s.Population
		if t > 0 && s.Population > 0 {
			ws[s.Area] += s.Population * values[k]
			w[s.Area] += s.Population
		}
	}
	for i := range v.Score {
		v.Score[i] = math.NaN()
		if w[i] > 0 {
			v.Score[i] = ws[i] / w[i]
		}
	}
	v.Tier = AreaTiers(v.Score, v.Cuts)
	return v
}

// PopulationTiers cuts units into n tiers of about equal population by
// their value: the units with a value and residents are ordered by value,
// and a unit goes to the tier holding the midpoint of its residents in the
// cumulative population, tier = floor(n (C + p/2) / P) + 1 (C the residents
// of lower values, p its own, P all), so tier n holds the highest values.
// Units with equal values form one block and share the tier of the block's
// midpoint. Units without a value (NaN) or without residents get tier 0.
// A tier can hold a little more or less than 1/n of the residents when a
// unit straddles a boundary: units are never split.
func PopulationTiers(value, pop []float64, n int) []int {
	if n < 1 {
		n = 1
	}
	out := make([]int, len(value))
	var idx []int
	var P float64
	for i, v := range value {
		if !math.IsNaN(v) && pop[i] > 0 && !math.IsInf(pop[i], 0) {
			idx = append(idx, i)
			P += pop[i]
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return value[idx[a]] < value[idx[b]] })
	var C float64
	for k := 0; k < len(idx); {
		j := k
		var p float64
		for j < len(idx) && value[idx[j]] == value[idx[k]] {
			p += pop[idx[j]]
			j++
		}
		t := int(math.Floor(float64(n)*(C+p/2)/P)) + 1
		t = min(max(t, 1), n)
		for q := k; q < j; q++ {
			out[idx[q]] = t
		}
		C += p
		k = j
	}
	return out
}

// AreaTiers places each area's value among the tiers' highest values
// (cuts, ascending by tier): the area goes to the first tier whose highest
// value is at least its own, the top tier when its value is above every
// cut, and tier 0 when it has no value. A layer of the small areas
// themselves gets each its own tier back.
func AreaTiers(value, cuts []float64) []int {
	out := make([]int, len(value))
	for i, v := range value {
		if math.IsNaN(v) {
			continue
		}
		out[i] = len(cuts)
		for t, c := range cuts {
			if v <= c {
				out[i] = t + 1
				break
			}
		}
	}
	return out
}

// AssignTiers groups areas into n tiers of equal numbers of areas by their
// score: the scored areas are sorted by score and area k of m (1-based,
// ascending) goes to tier ceil(n k / m), so tier n holds the highest
// scores. Tied scores share the highest position of their block, so equal
// scores are always in the same tier. Areas without a score (NaN) get
// tier 0. The analysis tiers residents (PopulationTiers); this is kept for
// callers that want equal counts of areas.
func AssignTiers(score []float64, n int) []int {
	if n < 1 {
		n = 1
	}
	idx := make([]int, 0, len(score))
	for i, s := range score {
		if !math.IsNaN(s) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	out := make([]int, len(score))
	m := len(idx)
	for k := 0; k < m; {
		j := k
		for j+1 < m && score[idx[j+1]] == score[idx[k]] {
			j++
		}
		pos := j + 1 // highest 1-based position of the tie block
		t := int(math.Ceil(float64(n) * float64(pos) / float64(m)))
		if t < 1 {
			t = 1
		}
		for q := k; q <= j; q++ {
			out[idx[q]] = t
		}
		k = j + 1
	}
	return out
}

// TierLabel names tier t of n for people: tiers are fifths (or n-ths) of
// the residents ordered by need.
func TierLabel(t, n int) string {
	switch {
	case t <= 0:
		return "no need score"
	case t == n && n > 1:
		return "Tier " + itoa(t) + " (highest need)"
	case t == 1 && n > 1:
		return "Tier 1 (lowest need)"
	}
	return "Tier " + itoa(t)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
