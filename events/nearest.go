package events

import (
	"math"

	"github.com/paulmach/orb"
)

// NearestPoint is a Locator for layers whose areas are known only by a
// point (census tracts given by their interior points): a request goes to
// the area whose point is nearest (a Voronoi assignment), provided it is
// within MaxMeters; otherwise to none. Distances are measured on a local
// plane (longitude scaled by the cosine of the points' mean latitude), which
// at city scale is within 0.1% of the great-circle distance. Ties go to the
// lower position. It is safe for concurrent use.
type NearestPoint struct {
	pts    []orb.Point
	maxM   float64
	kx, ky float64 // metres per degree of longitude, latitude
	cell   float64 // cell side in metres
	minX   float64 // grid origin (metres)
	minY   float64
	nx, ny int
	cells  [][]int32
}

// NewNearestPoint indexes the points (WGS84 lon/lat) on a grid of cells
// about maxMeters wide (at least 250 m).
func NewNearestPoint(pts []orb.Point, maxMeters float64) *NearestPoint {
	n := &NearestPoint{pts: pts, maxM: maxMeters, cell: math.Max(250, maxMeters)}
	if len(pts) == 0 {
		return n
	}
	var lat float64
	for _, p := range pts {
		lat += p[1]
	}
	lat /= float64(len(pts))
	n.ky = 111320
	n.kx = 111320 * math.Cos(lat*math.Pi/180)
	n.minX, n.minY = math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x, y := p[0]*n.kx, p[1]*n.ky
		n.minX, n.minY = math.Min(n.minX, x), math.Min(n.minY, y)
		maxX, maxY = math.Max(maxX, x), math.Max(maxY, y)
	}
	n.nx = int((maxX-n.minX)/n.cell) + 1
	n.ny = int((maxY-n.minY)/n.cell) + 1
	n.cells = make([][]int32, n.nx*n.ny)
	for i, p := range pts {
		cx, cy := n.cellOf(p[0]*n.kx, p[1]*n.ky)
		n.cells[cy*n.nx+cx] = append(n.cells[cy*n.nx+cx], int32(i))
	}
	return n
}

func (n *NearestPoint) cellOf(x, y float64) (int, int) {
	cx := int(math.Floor((x - n.minX) / n.cell))
	cy := int(math.Floor((y - n.minY) / n.cell))
	return cx, cy
}

// Locate returns the area whose point is nearest to (lon, lat), if within MaxMeters.
func (n *NearestPoint) Locate(lon, lat float64) (int, bool) {
	if len(n.pts) == 0 {
		return -1, false
	}
	x, y := lon*n.kx, lat*n.ky
	cx, cy := n.cellOf(x, y)
	best, bestD := -1, math.Inf(1)
	// Rings of cells around the query cell; a point in ring r is at least
	// (r-1) cells away, so stop once that exceeds the best distance or the
	// maximum.
	maxRing := int(math.Ceil(n.maxM/n.cell)) + 1
	for r := 0; r <= maxRing; r++ {
		if float64(r-1)*n.cell > math.Min(bestD, n.maxM) {
			break
		}
		for gy := cy - r; gy <= cy+r; gy++ {
			if gy < 0 || gy >= n.ny {
				continue
			}
			for gx := cx - r; gx <= cx+r; gx++ {
				if gx < 0 || gx >= n.nx || (gy != cy-r && gy != cy+r && gx != cx-r && gx != cx+r) {
					continue
				}
				for _, i := range n.cells[gy*n.nx+gx] {
					p := n.pts[i]
					d := math.Hypot(p[0]*n.kx-x, p[1]*n.ky-y)
					if d < bestD || d == bestD && int(i) < best {
						best, bestD = int(i), d
					}
				}
			}
		}
	}
	if best < 0 || bestD > n.maxM {
		return -1, false
	}
	return best, true
}
