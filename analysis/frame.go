package analysis

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
)

// Frame is what the analysis knows about each area of the layer before any
// dollar is placed: its population, its need score and tier, and the counts
// of population groups living in it. Slices are by position in the layer.
type Frame struct {
	Layer      *geo.Layer
	Population []float64
	// PopulationSource says where the populations come from: "layer" (the
	// layer's own population attribute) or "need run areas" (the sum of the
	// populations of the run's small areas placed in each area).
	PopulationSource string
	// Score is the need score; NaN when no small area with a score and a
	// population lies in the area.
	Score []float64
	// TopShare is the share of the area's population living in small areas
	// of the need run's top tier (CES: SB 535 designated).
	TopShare []float64
	// Tier is the analysis tier, 1 (least need) .. Tiers (most need); 0
	// without a score.
	Tier  []int
	Tiers int
	// SmallAreas is the number of the run's small areas placed in each area.
	SmallAreas []int
	// Groups holds population-group counts per area (group -> by position).
	Groups map[string][]float64
	// Unplaced lists the run's small areas found in no area of the layer.
	Unplaced int
	// Mapping says how the run's areas reached the layer ("same layer" or
	// "small-area points located in the layer").
	Mapping string
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
// every area untiered, populations from the layer); small is the
// layer of the run's areas (tract points or polygons) used to place them in
// layer when layer is not the run's own. ix indexes layer. Populations come
// from the layer when every area has one, otherwise from the small areas
// (their layer population, else the run's). Scores of larger areas are the
// population-weighted means of their small areas' scores; tiers are then
// formed by ranking the scored areas (see AssignTiers).
func BuildFrame(layer *geo.Layer, ix *geo.Index, run *need.Run, small *geo.Layer, groups *GroupCounts, tiers int) (*Frame, error) {
	n := len(layer.Areas)
	f := &Frame{Layer: layer, Population: make([]float64, n), Score: make([]float64, n), TopShare: make([]float64, n),
		SmallAreas: make([]int, n), Groups: map[string][]float64{}}
	var groupNames []string
	if groups != nil {
		groupNames = append(groupNames, groups.Groups...)
		for _, g := range groupNames {
			f.Groups[g] = make([]float64, n)
		}
		f.Groups["total"] = make([]float64, n)
	}
	pop := make([]float64, n)
	wsum := make([]float64, n)
	wscore := make([]float64, n)
	top := make([]float64, n)
	add := func(pos int, id string, p float64, ar *need.AreaResult) {
		if p <= 0 || math.IsNaN(p) {
			p = 0
		}
		pop[pos] += p
		f.SmallAreas[pos]++
		if ar != nil && !ar.Score.Missing() && p > 0 {
			wsum[pos] += p
			wscore[pos] += p * float64(ar.Score)
			if run != nil && run.TopTier != "" && ar.Tier == run.TopTier {
				top[pos] += p
			}
		}
		if groups != nil {
			k := trimID(id)
			for _, g := range groupNames {
				f.Groups[g][pos] += groups.Counts[g][k]
			}
			f.Groups["total"][pos] += groups.Total[k]
		}
	}
	find := func(id string) (*need.AreaResult, bool) {
		if run == nil {
			return nil, false
		}
		return run.Area(id)
	}
	if run == nil {
		f.Mapping = "no need run"
	}
	if small == nil || small.Name == layer.Name {
		if run != nil {
			f.Mapping = "same layer"
		}
		for i, a := range layer.Areas {
			ar, ok := find(a.ID)
			p := a.Population
			if ok && p <= 0 && !ar.Population.Missing() {
				p = float64(ar.Population)
			}
			if !ok {
				ar = nil
			}
			add(i, a.ID, p, ar)
		}
	} else {
		f.Mapping = "small-area points located in the layer"
		for k := range small.Areas {
			a := &small.Areas[k]
			pt := geo.RepresentativePoint(a)
			pos, ok := ix.Locate(pt[0], pt[1])
			if !ok {
				f.Unplaced++
				continue
			}
			ar, found := find(a.ID)
			p := a.Population
			if found && p <= 0 && !ar.Population.Missing() {
				p = float64(ar.Population)
			}
			if !found {
				ar = nil
			}
			add(pos, a.ID, p, ar)
		}
	}
	all := n > 0
	for _, a := range layer.Areas {
		if a.Population <= 0 {
			all = false
		}
	}
	if all {
		f.PopulationSource = "layer"
		for i, a := range layer.Areas {
			f.Population[i] = a.Population
		}
	} else {
		f.PopulationSource = "need run areas"
		copy(f.Population, pop)
	}
	for i := range f.Score {
		if wsum[i] > 0 {
			f.Score[i] = wscore[i] / wsum[i]
			f.TopShare[i] = top[i] / wsum[i]
		} else {
			f.Score[i] = math.NaN()
			f.TopShare[i] = math.NaN()
		}
	}
	// never more tiers than scored areas: with 3 districts, 3 tiers of one
	scoredAreas := 0
	for _, x := range f.Score {
		if !math.IsNaN(x) {
			scoredAreas++
		}
	}
	if tiers > scoredAreas && scoredAreas > 0 {
		tiers = scoredAreas
	}
	f.Tier = AssignTiers(f.Score, tiers)
	f.Tiers = tiers
	return f, nil
}

// AssignTiers groups areas into n need tiers by their score: the scored areas
// are sorted by score and area k of m (1-based, ascending) goes to tier
// ceil(n k / m), so tier n holds the highest scores. Tied scores share the
// highest position of their block, so equal scores are always in the same
// tier. Areas without a score (NaN) get tier 0.
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

// TierLabel names tier t of n for people.
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

func nan() float64 { return math.NaN() }
