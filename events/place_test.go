package events

import (
	"math/rand"
	"strings"
	"testing"
)

// squares is a Locator of unit squares [i, i+1) x [0, 1), i = 0..n-1.
type squares struct{ n int }

func (s squares) Locate(lon, lat float64) (int, bool) {
	if !(lon >= 0 && lon < float64(s.n) && lat >= 0 && lat < 1) {
		return -1, false
	}
	return int(lon), true
}

// eachSquares is squares that also places many points at once.
type eachSquares struct{ squares }

func (s eachSquares) LocateEach(lons, lats []float64, areas []int32) {
	for i := range lons {
		a, ok := s.Locate(lons[i], lats[i])
		if !ok {
			a = -1
		}
		areas[i] = int32(a)
	}
}

// TestPlaceRequestsMatchesPlaceRequest: the block path places every
// request of a mix (points inside and outside, no point, codes known,
// unknown and absent) as PlaceRequest does, for locators that place many
// points at once, one at a time, and none.
func TestPlaceRequestsMatchesPlaceRequest(t *testing.T) {
	codes := map[string]int{"A": 0, "B": 1, "C": 2}
	layers := []PlaceLayer{
		{Name: "each", Locator: eachSquares{squares{3}}, CodeField: FieldCD, Codes: codes},
		{Name: "one", Locator: squares{2}, CodeField: FieldNC, Codes: codes, CodeKey: strings.ToUpper},
		{Name: "codes", CodeField: FieldNCName, Codes: codes},
		{Name: "points", Locator: eachSquares{squares{1}}, CodeField: NoCode},
	}
	rng := rand.New(rand.NewSource(3))
	pick := func() string { return []string{"", "A", "b", "C", "zz"}[rng.Intn(5)] }
	rs := make([]Request, 5000)
	for i := range rs {
		r := &rs[i]
		if rng.Intn(4) > 0 {
			r.HasPoint, r.Lon, r.Lat = true, rng.Float64()*5-1, rng.Float64()*1.5-0.25
		}
		r.CD, r.NC, r.NCName = pick(), pick(), pick()
	}
	L := len(layers)
	areas, how := make([]int32, len(rs)*L), make([]uint8, len(rs)*L)
	PlaceRequests(layers, rs, areas, how)
	seen := map[uint8]int{}
	for i := range rs {
		wa, wh := make([]int32, L), make([]uint8, L)
		PlaceRequest(layers, &rs[i], wa, wh)
		for l := range layers {
			if areas[i*L+l] != wa[l] || how[i*L+l] != wh[l] {
				t.Fatalf("request %d (%+v), layer %s: PlaceRequests gives %d (%s), PlaceRequest %d (%s)",
					i, rs[i], layers[l].Name, areas[i*L+l], HowText(how[i*L+l]), wa[l], HowText(wh[l]))
			}
			seen[wh[l]]++
		}
	}
	for _, h := range []uint8{PlacedByPoint, PlacedByCode, UnplacedNoPlace, UnplacedOutside, UnplacedNoCode} {
		if seen[h] == 0 {
			t.Errorf("no request was %q: the mix does not test it", HowText(h))
		}
	}
}
