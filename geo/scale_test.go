package geo

import (
	"math/rand"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// TestScaleNationalTracts builds an index over 90,000 areas (a 300×300
// lattice of 16-vertex squares over the continental US's extent, the size
// of a national tract layer) and checks it against the lattice arithmetic.
func TestScaleNationalTracts(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 300
	x0, y0, w, h := -125.0, 25.0, 58.0/n, 24.0/n
	l := &Layer{Name: "tracts", Areas: make([]Area, 0, n*n)}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			ax, ay := x0+float64(i)*w, y0+float64(j)*h
			var r orb.Ring
			for k := 0; k < 4; k++ { // 4 points per side
				r = append(r, orb.Point{ax + float64(k)*w/4, ay})
			}
			for k := 0; k < 4; k++ {
				r = append(r, orb.Point{ax + w, ay + float64(k)*h/4})
			}
			for k := 0; k < 4; k++ {
				r = append(r, orb.Point{ax + w - float64(k)*w/4, ay + h})
			}
			for k := 0; k < 4; k++ {
				r = append(r, orb.Point{ax, ay + h - float64(k)*h/4})
			}
			r = append(r, r[0])
			l.Areas = append(l.Areas, Area{ID: "t", Geom: orb.MultiPolygon{{r}}})
		}
	}
	t0 := time.Now()
	ix := NewIndex(l)
	build := time.Since(t0)
	rng := rand.New(rand.NewSource(1))
	t0 = time.Now()
	const pts = 1000000
	for k := 0; k < pts; k++ {
		x, y := x0+rng.Float64()*58, y0+rng.Float64()*24
		got, ok := ix.Locate(x, y)
		i, j := int((x-x0)/w), int((y-y0)/h)
		if !ok || (got != j*n+i && !nearLattice(x, y, x0, y0, w, h)) {
			t.Fatalf("(%v,%v): %d %v, want %d", x, y, got, ok, j*n+i)
		}
	}
	t.Logf("90,000 areas: index built in %v (grid %d×%d, %d boundary cells); 1M points located in %v",
		build.Round(time.Millisecond), ix.nx, ix.ny, ix.BoundaryCells, time.Since(t0).Round(time.Millisecond))
}

// nearLattice: the lattice arithmetic itself rounds differently within
// 1e-9 of a line.
func nearLattice(x, y, x0, y0, w, h float64) bool {
	fx, fy := (x-x0)/w, (y-y0)/h
	return fx-float64(int(fx)) < 1e-9 || fy-float64(int(fy)) < 1e-9 || float64(int(fx)+1)-fx < 1e-9 || float64(int(fy)+1)-fy < 1e-9
}
