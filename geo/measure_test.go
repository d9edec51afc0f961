package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// TestAreaM2 covers the cases of the copies it replaced (attribution's land
// area, the event generator's disc radius): a degree square at the equator
// and at 60°, a hole, either ring orientation, an empty part, a point-only
// area (nil geometry).
func TestAreaM2(t *testing.T) {
	deg := EarthRadiusM * math.Pi / 180
	sq := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	rev := func(r orb.Ring) orb.Ring {
		out := make(orb.Ring, len(r))
		for i := range r {
			out[i] = r[len(r)-1-i]
		}
		return out
	}
	for _, tc := range []struct {
		name string
		mp   orb.MultiPolygon
		want float64
	}{
		{"equator square", orb.MultiPolygon{{sq(0, -0.5, 1)}}, deg * deg},
		{"clockwise", orb.MultiPolygon{{rev(sq(0, -0.5, 1))}}, deg * deg},
		{"at 60 degrees", orb.MultiPolygon{{sq(10, 59.95, 0.1)}}, deg * deg * 0.01 * math.Cos(60*math.Pi/180)},
		{"hole", orb.MultiPolygon{{sq(0, -0.5, 1), sq(0.25, -0.25, 0.5)}}, deg * deg * 0.75},
		{"two parts and an empty one", orb.MultiPolygon{{sq(0, -0.5, 1)}, {}, {sq(2, -0.5, 1)}}, 2 * deg * deg},
		{"nothing", nil, 0},
	} {
		if got := AreaM2(tc.mp); math.Abs(got-tc.want) > 1e-6*math.Max(1, tc.want) {
			t.Errorf("%s: %v m², want %v", tc.name, got, tc.want)
		}
	}
}
