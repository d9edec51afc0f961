package need

import (
	"math"
	"sort"

	"github.com/budgetlens/budgetlens/geo"
)

// Link sends a fraction of a small area's population to a larger area (a
// row of a crosswalk, such as tract -> council district).
type Link struct {
	Target   string
	Fraction float64 // share of the small area's population in Target, 0-1
}

// Aggregate is one larger area's population-weighted index.
type Aggregate struct {
	ID         string             `json:"id"`
	Population float64            `json:"population"`
	Score      float64            `json:"score"`       // population-weighted mean score
	Areas      int                `json:"areas"`       // small areas contributing
	TierShares map[string]float64 `json:"tier_shares"` // share of the population in each tier
}

// AggregateRun rolls a run's area scores up to larger areas: each small
// area's population is split by the crosswalk fractions; a larger area's
// score is sum(pop_i f_i score_i) / sum(pop_i f_i) over small areas with a
// score and a population; TierShares are the population shares by tier
// (areas without a tier are counted under ""). Small areas missing from
// the crosswalk are skipped and listed in the second result.
func AggregateRun(r *Run, crosswalk map[string][]Link) ([]Aggregate, []string) {
	type acc struct {
		pop, wsum, w float64
		n            int
		tiers        map[string]float64
	}
	accs := map[string]*acc{}
	cw := map[string][]Link{}
	for k, v := range crosswalk {
		cw[trimZeros(k)] = v
	}
	var missing []string
	for _, a := range r.Areas {
		links, ok := cw[trimZeros(a.ID)]
		if !ok {
			missing = append(missing, a.ID)
			continue
		}
		pop := float64(a.Population)
		if math.IsNaN(pop) {
			continue
		}
		for _, l := range links {
			x := accs[l.Target]
			if x == nil {
				x = &acc{tiers: map[string]float64{}}
				accs[l.Target] = x
			}
			p := pop * l.Fraction
			x.pop += p
			x.tiers[a.Tier] += p
			x.n++
			if !a.Score.Missing() {
				x.wsum += p * float64(a.Score)
				x.w += p
			}
		}
	}
	var out []Aggregate
	for id, x := range accs {
		g := Aggregate{ID: id, Population: x.pop, Areas: x.n, Score: math.NaN(), TierShares: map[string]float64{}}
		if x.w > 0 {
			g.Score = x.wsum / x.w
		}
		for t, p := range x.tiers {
			if x.pop > 0 {
				g.TierShares[t] = p / x.pop
			}
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, missing
}

// CrosswalkFromLayers builds a crosswalk from small areas to large ones by
// geometry: each small area's polygon is apportioned over the large layer
// by area (geo.Index.Apportion), so a tract split by a district boundary
// sends its population in proportion to its land on each side (population
// assumed even within the tract). Small areas given as points go wholly to
// the area holding the point. Parts outside every large area are dropped.
func CrosswalkFromLayers(small, large *geo.Layer) map[string][]Link {
	ix := geo.NewIndex(large)
	out := map[string][]Link{}
	for _, a := range small.Areas {
		var shares []geo.Share
		if len(a.Geom) > 0 {
			shares = ix.Apportion(a.Geom)
		}
		for _, s := range shares {
			if s.Fraction > 0 {
				out[a.ID] = append(out[a.ID], Link{Target: large.Areas[s.Area].ID, Fraction: s.Fraction})
			}
		}
	}
	return out
}
