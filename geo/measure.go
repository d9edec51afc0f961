package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusM is the mean Earth radius in metres (IUGG R1), the one
// budgetlens measures lengths and areas on.
const EarthRadiusM = 6371008.8

// AreaKM2 is the area of a WGS84 (lon/lat) multipolygon in km², measured on
// a local equirectangular plane per polygon (longitude scaled by the cosine
// of the latitude of the polygon's bounding-box centre, on a sphere of
// radius EarthRadiusM): within well under 1% at city scale. Holes are
// subtracted; ring orientation does not matter; empty parts count 0.
func AreaKM2(mp orb.MultiPolygon) float64 {
	const r = EarthRadiusM / 1000
	var total float64
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) == 0 {
			continue
		}
		lat0 := p[0].Bound().Center()[1] * math.Pi / 180
		kx, ky := r*math.Pi/180*math.Cos(lat0), r*math.Pi/180
		for k, ring := range p {
			var s float64
			for i := 0; i+1 < len(ring); i++ {
				s += ring[i][0]*kx*ring[i+1][1]*ky - ring[i+1][0]*kx*ring[i][1]*ky
			}
			s = math.Abs(s) / 2
			if k == 0 {
				total += s
			} else {
				total -= s
			}
		}
	}
	return total
}

// AreaM2 is AreaKM2 in square metres.
func AreaM2(mp orb.MultiPolygon) float64 { return AreaKM2(mp) * 1e6 }
