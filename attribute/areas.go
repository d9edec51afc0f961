package attribute

import (
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
)

// AddDemand adds the per-area request counts of an events summary, by type,
// to the areas' demand (per_demand weights). The summary must be of the same
// layer (its areas in the same order); ok is false otherwise.
func (a *Areas) AddDemand(s *events.Summary) (ok bool) {
	if len(s.Areas) != len(a.Layer.Areas) {
		return false
	}
	for i, as := range s.Areas {
		if as.AreaID != a.Layer.Areas[i].ID {
			return false
		}
	}
	if a.Demand == nil {
		a.Demand = map[string][]float64{}
	}
	for i, as := range s.Areas {
		for t, c := range as.ByType {
			v := a.Demand[t]
			if v == nil {
				v = make([]float64, len(a.Layer.Areas))
				a.Demand[t] = v
			}
			v[i] += float64(c)
		}
	}
	return true
}

// CodesByContainment maps the codes of a coarser layer (the area ids of
// council districts, say) to the areas of a's layer (tracts) whose
// representative point lies in each coarse area, with fractions in
// proportion to population (equal fractions when the contained areas have no
// population). Codes whose area contains no representative point are left
// out, so items naming them stay unattributed with that reason. The result
// replaces a.Codes for those codes; the areas' own ids stay valid codes.
func (a *Areas) CodesByContainment(coarse *geo.Layer) {
	ix := geo.NewIndex(coarse)
	members := make([][]int, len(coarse.Areas))
	for i := range a.Layer.Areas {
		p := geo.RepresentativePoint(&a.Layer.Areas[i])
		if c, ok := ix.Locate(p[0], p[1]); ok {
			members[c] = append(members[c], i)
		}
	}
	if a.Codes == nil {
		a.Codes = map[string][]geo.Share{}
	}
	for c, ms := range members {
		if len(ms) == 0 {
			continue
		}
		var pop float64
		for _, m := range ms {
			pop += a.Population[m]
		}
		shares := make([]geo.Share, len(ms))
		for k, m := range ms {
			f := 1 / float64(len(ms))
			if pop > 0 {
				f = a.Population[m] / pop
			}
			shares[k] = geo.Share{Area: m, Fraction: f}
		}
		a.Codes[normCode(coarse.Areas[c].ID)] = shares
	}
}

// CodesOfLayer lets items carrying area ids of another layer (a budget's
// district column) be placed in a's layer: each area of other covers the
// areas of a's layer whose representative point lies in it, in proportion
// to population (equal shares without population), as CodesByContainment
// does. The mapping is kept apart from a's own ids, under other's name.
func (a *Areas) CodesOfLayer(other *geo.Layer) {
	saved := a.Codes
	a.Codes = map[string][]geo.Share{}
	a.CodesByContainment(other)
	if a.LayerCodes == nil {
		a.LayerCodes = map[string]map[string][]geo.Share{}
	}
	a.LayerCodes[other.Name] = a.Codes
	a.Codes = saved
}
