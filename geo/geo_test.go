package geo

import (
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/paulmach/orb"
)

func readFixture(t testing.TB, rel string, opt ImportOptions) (*Layer, *ImportReport) {
	t.Helper()
	path := fixture.Data(t, rel)
	l, rep, err := ReadFile(path, opt)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return l, rep
}

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// grid returns an n×n lattice of unit squares, area id "i,j".
func gridLayer(n int) *Layer {
	l := &Layer{Name: "grid"}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			l.Areas = append(l.Areas, Area{ID: string(rune('a'+i)) + string(rune('a'+j)), Geom: orb.MultiPolygon{square(float64(i), float64(j), float64(i+1), float64(j+1))}})
		}
	}
	return l
}

func TestReadBoundaries(t *testing.T) {
	cases := []struct {
		file  string
		idf   string
		areas int
	}{
		{"la/boundaries/council_districts_2025.geojson", "District", 15},
		{"la/boundaries/council_districts_2012.geojson", "name", 15},
		{"la/boundaries/neighborhood_councils_2025.geojson", "Name", 99},
		{"la/boundaries/neighborhood_councils_2019.geojson", "nc_id", 99},
		{"la/boundaries/neighborhoods_latimes_city.geojson", "name", 114},
		{"la/boundaries/neighborhoods_latimes_county.geojson", "name", 272},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			l, rep := readFixture(t, c.file, ImportOptions{IDField: c.idf})
			if len(l.Areas) != c.areas {
				t.Fatalf("%d areas, want %d", len(l.Areas), c.areas)
			}
			b := l.Bound()
			if b.Min[0] < -119.5 || b.Max[0] > -117 || b.Min[1] < 33 || b.Max[1] > 35.5 {
				t.Errorf("bound %v is not Los Angeles", b)
			}
			t.Logf("%s: %d areas, %d repairs, %d warnings, %d overlapping pairs, %d gaps", c.file, len(l.Areas), len(rep.Repairs), len(rep.Warnings), len(rep.Overlaps), len(rep.Gaps))
		})
	}
}

func TestLocateMatchesBruteForce(t *testing.T) {
	l, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	ix := NewIndex(l)
	edges := make([][]edge, len(l.Areas))
	for i := range l.Areas {
		edges[i] = edgesOf(l.Areas[i].Geom)
	}
	// Los Angeles' extent (the layer's own box is stretched by a stray part
	// of Sunland-Tujunga reaching 117.66°W, 34.91°N).
	b := orb.Bound{Min: orb.Point{-118.67, 33.70}, Max: orb.Point{-118.15, 34.34}}
	rng := rand.New(rand.NewSource(1))
	in := 0
	for k := 0; k < 20000; k++ {
		x := b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0])
		y := b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])
		want := -1
		for i := range edges {
			if crossingInside(edges[i], x, y) {
				want = i
				break
			}
		}
		got, ok := ix.Locate(x, y)
		if !ok {
			got = -1
		}
		if got != want {
			t.Fatalf("point (%v, %v): index says %d, brute force %d", x, y, got, want)
		}
		if ok {
			in++
		}
	}
	// Also every vertex of every area (the hardest points: exactly on boundaries).
	for i := range l.Areas {
		for _, p := range l.Areas[i].Geom {
			for _, r := range p {
				for _, v := range r {
					want := -1
					for a := range edges {
						if crossingInside(edges[a], v[0], v[1]) {
							want = a
							break
						}
					}
					got, ok := ix.Locate(v[0], v[1])
					if !ok {
						got = -1
					}
					if got != want {
						t.Fatalf("vertex %v of %s: index %d, brute force %d", v, l.Areas[i].ID, got, want)
					}
				}
			}
		}
	}
	if in < 5000 {
		t.Fatalf("only %d of 20000 points inside", in)
	}
}

func TestHalfOpenRule(t *testing.T) {
	l := gridLayer(3)
	ix := NewIndex(l)
	// Every point of a fine lattice including all edges and vertices lands
	// in exactly one square, the one whose half-open box [i,i+1)×[j,j+1) holds it.
	for y := 0.0; y <= 3; y += 0.25 {
		for x := 0.0; x <= 3; x += 0.25 {
			got, ok := ix.Locate(x, y)
			want, wantOK := -1, x < 3 && y < 3
			if wantOK {
				want = int(y)*3 + int(x)
			}
			if ok != wantOK || (ok && got != want) {
				t.Errorf("(%v,%v): got %d %v, want %d %v", x, y, got, ok, want, wantOK)
			}
			all := ix.LocateAll(x, y)
			if len(all) > 1 {
				t.Errorf("(%v,%v) in %d areas", x, y, len(all))
			}
		}
	}
}

func TestHolesAndMultipolygons(t *testing.T) {
	donut := orb.Polygon{
		orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		orb.Ring{{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}},
	}
	l := &Layer{Name: "t", Areas: []Area{
		{ID: "donut", Geom: orb.MultiPolygon{donut}},
		{ID: "islands", Geom: orb.MultiPolygon{square(4, 4, 6, 6), square(20, 20, 21, 21)}},
	}}
	ix := NewIndex(l)
	cases := []struct {
		x, y float64
		want int
	}{
		{1, 1, 0}, {5, 5, 1}, {3.5, 3.5, -1}, {20.5, 20.5, 1}, {15, 15, -1}, {3, 5, -1}, {7, 5, 0}, {-1, 5, -1},
	}
	for _, c := range cases {
		got, ok := ix.Locate(c.x, c.y)
		if !ok {
			got = -1
		}
		if got != c.want {
			t.Errorf("(%v,%v): got %d want %d", c.x, c.y, got, c.want)
		}
	}
}

func TestOverlapFirstWins(t *testing.T) {
	l := &Layer{Name: "t", Areas: []Area{
		{ID: "a", Geom: orb.MultiPolygon{square(0, 0, 2, 2)}},
		{ID: "b", Geom: orb.MultiPolygon{square(1, 1, 3, 3)}},
	}}
	ix := NewIndex(l)
	if a, _ := ix.Locate(1.5, 1.5); a != 0 {
		t.Fatalf("overlap went to %d, want 0 (first)", a)
	}
	if got := ix.LocateAll(1.5, 1.5); len(got) != 2 {
		t.Fatalf("LocateAll %v", got)
	}
	over, gaps := CheckCoverage(l)
	if len(over) != 1 || over[0].A != "a" || over[0].B != "b" {
		t.Fatalf("overlaps %+v", over)
	}
	if len(gaps) != 0 {
		t.Fatalf("gaps %+v", gaps)
	}
}

func TestGapDetected(t *testing.T) {
	// A ring of 8 unit squares around an empty centre square.
	l := &Layer{Name: "t"}
	for j := 0; j < 3; j++ {
		for i := 0; i < 3; i++ {
			if i == 1 && j == 1 {
				continue
			}
			l.Areas = append(l.Areas, Area{ID: string(rune('a' + len(l.Areas))), Geom: orb.MultiPolygon{square(float64(i)/100, float64(j)/100, float64(i+1)/100, float64(j+1)/100)}})
		}
	}
	_, gaps := CheckCoverage(l)
	if len(gaps) != 1 {
		t.Fatalf("%d gaps, want 1", len(gaps))
	}
	// 0.01° × 0.01° at the equator ≈ 1.236e6 m².
	if g := gaps[0].AreaM2; g < 1.2e6 || g > 1.27e6 {
		t.Fatalf("gap area %v m²", g)
	}
	if len(gaps[0].Neighbours) != 4 { // the squares sharing an edge with it
		t.Fatalf("neighbours %v", gaps[0].Neighbours)
	}
}

func TestAdjacency(t *testing.T) {
	l := gridLayer(3)
	q := Adjacency(l, Queen)
	r := Adjacency(l, Rook)
	if len(q[4]) != 8 || len(r[4]) != 4 || len(q[0]) != 3 || len(r[0]) != 2 {
		t.Fatalf("queen %v rook %v", q, r)
	}
	f, _ := os.CreateTemp(t.TempDir(), "*.gal")
	if err := WriteGAL(f, l, q); err != nil {
		t.Fatal(err)
	}
	f.Seek(0, 0)
	back, err := ReadGAL(f, l)
	if err != nil {
		t.Fatal(err)
	}
	for i := range q {
		if len(back[i]) != len(q[i]) {
			t.Fatalf("GAL round trip %v vs %v", back, q)
		}
	}
}

func readFixturePath(t testing.TB, rel string) string { return fixture.Data(t, rel) }

func parseFloatRef(s string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(s), 64) }

func TestAdjacencyWithin(t *testing.T) {
	// Two squares 1 m apart (about 9e-6 degrees of longitude at the equator).
	gap := 1 / metresPerDegree
	l := &Layer{Name: "t", Areas: []Area{
		{ID: "a", Geom: orb.MultiPolygon{square(0, 0, 0.001, 0.001)}},
		{ID: "b", Geom: orb.MultiPolygon{square(0.001+gap, 0, 0.002, 0.001)}},
	}}
	for _, c := range []Contiguity{Queen, Rook} {
		if adj := AdjacencyWithin(l, c, 0); len(adj[0]) != 0 {
			t.Fatalf("%v tol 0: %v", c, adj)
		}
		if adj := AdjacencyWithin(l, c, 0.5); len(adj[0]) != 0 {
			t.Fatalf("%v tol 0.5 m: %v", c, adj)
		}
		if adj := AdjacencyWithin(l, c, 2); len(adj[0]) != 1 || len(adj[1]) != 1 {
			t.Fatalf("%v tol 2 m: %v", c, adj)
		}
	}
	// Only a corner within tolerance: queen but not rook.
	l.Areas[1].Geom = orb.MultiPolygon{square(0.001+gap, 0.001+gap, 0.002, 0.002)}
	if q, r := AdjacencyWithin(l, Queen, 2), AdjacencyWithin(l, Rook, 2); len(q[0]) != 1 || len(r[0]) != 0 {
		t.Fatalf("corner: queen %v rook %v", q, r)
	}
}

func TestAdjacencyRealSeparatelyDigitised(t *testing.T) {
	l, _ := readFixture(t, "la/boundaries/neighborhood_councils_2019.geojson", ImportOptions{IDField: "nc_id"})
	exact, fuzzy := AdjacencyWithin(l, Rook, 0), AdjacencyWithin(l, Rook, 5)
	isolated := func(adj [][]int) (n int) {
		for i, nb := range adj {
			if len(nb) == 0 {
				n++
			}
			for _, j := range nb {
				if !containsInt(adj[j], i) {
					t.Fatalf("not symmetric: %d-%d", i, j)
				}
			}
		}
		return n
	}
	ie, iF := isolated(exact), isolated(fuzzy)
	if iF != 0 || ie <= iF {
		t.Fatalf("isolated councils: %d with shared vertices, %d within 5 m", ie, iF)
	}
	t.Logf("rook: %d councils without neighbours by shared vertices, %d within 5 m", ie, iF)
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestOverlapAreasExact: on the real councils, the exact overlap areas
// (Green's theorem) agree with the independent lattice estimates for the
// large overlaps, within 5 %.
func TestOverlapAreasExact(t *testing.T) {
	_, rep := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	checked := 0
	for _, o := range rep.Overlaps {
		if !o.Exact {
			t.Errorf("%s/%s not computed exactly", o.A, o.B)
		}
		if o.SampledM2 > 1e6 {
			if r := o.AreaM2 / o.SampledM2; r < 0.95 || r > 1.05 {
				t.Errorf("%s/%s: exact %.0f m², sampled %.0f m²", o.A, o.B, o.AreaM2, o.SampledM2)
			}
			checked++
		}
	}
	if checked < 5 {
		t.Fatalf("only %d large overlaps", checked)
	}
}

// TestNewIndexForAgrees: an index sized for few points gives the answers
// of the full index, on random points and on every vertex (points exactly
// on boundaries), for the three LA layers the requests are placed in.
func TestNewIndexForAgrees(t *testing.T) {
	for _, c := range []struct{ file, id string }{
		{"la/boundaries/council_districts_2025.geojson", "District"},
		{"la/boundaries/neighborhood_councils_2025.geojson", "Name"},
		{"la/fire/lafd_first_in_districts.geojson", ""},
	} {
		l, _ := readFixture(t, c.file, ImportOptions{IDField: c.id})
		full := NewIndex(l)
		small := NewIndexFor(l, 10_000)
		if small.nx*small.ny > 11_000 || small.nx*small.ny >= full.nx*full.ny {
			t.Fatalf("%s: the index for 10,000 points has %dx%d cells, the full one %dx%d", c.file, small.nx, small.ny, full.nx, full.ny)
		}
		if ix := NewIndexFor(l, 0); ix.nx != full.nx || ix.ny != full.ny {
			t.Fatalf("%s: NewIndexFor(l, 0) is not NewIndex", c.file)
		}
		same := func(x, y float64) {
			a, okA := full.Locate(x, y)
			b, okB := small.Locate(x, y)
			if a != b || okA != okB {
				t.Fatalf("%s: (%v, %v): full index %d %v, sized %d %v", c.file, x, y, a, okA, b, okB)
			}
		}
		rng := rand.New(rand.NewSource(2))
		for k := 0; k < 20000; k++ {
			same(-118.67+rng.Float64()*0.52, 33.70+rng.Float64()*0.64)
		}
		for i := range l.Areas {
			for _, p := range l.Areas[i].Geom {
				for _, r := range p {
					for _, v := range r {
						same(v[0], v[1])
					}
				}
			}
		}
	}
}

// TestLocateEachMatchesLocate: the many-points path gives what Locate
// gives, point by point, over random points in and around Los Angeles,
// every vertex, points that are not finite numbers, and overlapping areas.
func TestLocateEachMatchesLocate(t *testing.T) {
	l, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	overlap := &Layer{Name: "overlap", Areas: []Area{
		{ID: "a", Geom: orb.MultiPolygon{square(0, 0, 2, 2)}},
		{ID: "b", Geom: orb.MultiPolygon{square(1, 1, 3, 3)}},
	}}
	rng := rand.New(rand.NewSource(7))
	for _, c := range []struct {
		l    *Layer
		x, y [2]float64
	}{{l, [2]float64{-118.8, -118.0}, [2]float64{33.6, 34.4}}, {overlap, [2]float64{-1, 4}, [2]float64{-1, 4}}} {
		ix := NewIndex(c.l)
		var xs, ys []float64
		for k := 0; k < 50000; k++ {
			xs = append(xs, c.x[0]+rng.Float64()*(c.x[1]-c.x[0]))
			ys = append(ys, c.y[0]+rng.Float64()*(c.y[1]-c.y[0]))
		}
		for i := range c.l.Areas {
			for _, p := range c.l.Areas[i].Geom {
				for _, r := range p {
					for _, v := range r {
						xs, ys = append(xs, v[0]), append(ys, v[1])
					}
				}
			}
		}
		nan, inf := math.NaN(), math.Inf(1)
		xs = append(xs, nan, 0, inf, -inf, 1.5, c.x[0]-1e9)
		ys = append(ys, 0, nan, 0, 1, inf, 34)
		got := make([]int32, len(xs))
		ix.LocateEach(xs, ys, got)
		placed := 0
		for i := range xs {
			want, ok := ix.Locate(xs[i], ys[i])
			if !ok {
				want = -1
			}
			if int(got[i]) != want {
				t.Fatalf("%s: point (%v, %v): LocateEach %d, Locate %d", c.l.Name, xs[i], ys[i], got[i], want)
			}
			if ok {
				placed++
			}
		}
		if placed < len(xs)/4 {
			t.Fatalf("%s: only %d of %d points placed", c.l.Name, placed, len(xs))
		}
	}
	ix := NewIndex(overlap)
	got := []int32{9}
	ix.LocateEach([]float64{1.5}, []float64{1.5}, got)
	if got[0] != 0 {
		t.Fatalf("overlap: LocateEach gives area %d, want the first (0)", got[0])
	}
}
