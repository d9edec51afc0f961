package geo

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// Generators of hostile geometry (issue 14). They make the attack files in
// memory, so nothing large is committed; the fuzz targets seed from them too.

// zigzagRing returns a closed ring of n+3 vertices whose n teeth run between
// latitudes 34.0 and 34.2 over 0.3 degrees of longitude near Los Angeles:
// every edge spans the ring's whole height, the case a row-bucketed index
// handles worst.
func zigzagRing(n int) orb.Ring {
	r := make(orb.Ring, 0, n+3)
	for i := 0; i < n; i++ {
		r = append(r, orb.Point{-118.5 + 0.3*float64(i)/float64(n-1), 34 + 0.2*float64(i%2)})
	}
	r = append(r, orb.Point{-118.2, 33.95}, orb.Point{-118.5, 33.95}, r[0])
	return r
}

// zigzagGeoJSON is the zigzag as a one-feature GeoJSON file (about 2.2 MB
// for 100,000 vertices, as in the issue).
func zigzagGeoJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"zig"},"geometry":{"type":"Polygon","coordinates":[[`)
	for i, p := range zigzagRing(n) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%s,%s]", strconv.FormatFloat(p[0], 'f', 7, 64), strconv.FormatFloat(p[1], 'f', 7, 64))
	}
	b.WriteString("]]}}]}\n")
	return b.Bytes()
}

// holeOutsideGeoJSON: a square whose hole pokes out of it (issue 14 item 1).
func holeOutsideGeoJSON() []byte {
	return []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[
 [[-118.3,34.0],[-118.2,34.0],[-118.2,34.1],[-118.3,34.1],[-118.3,34.0]],
 [[-118.25,34.05],[-118.25,34.3],[-118.1,34.3],[-118.1,34.05],[-118.25,34.05]]]}},
{"type":"Feature","properties":{"id":"b"},"geometry":{"type":"Polygon","coordinates":[
 [[-118.2,34.0],[-118.1,34.0],[-118.1,34.1],[-118.2,34.1],[-118.2,34.0]]]}}]}`)
}

// TestIndexHoleOutsideShell builds an index over areas whose hole lies
// partly and wholly outside the shell (input never seen by validation):
// no panic, and the answers are those of the crossing test on all edges.
func TestIndexHoleOutsideShell(t *testing.T) {
	shell := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	cases := map[string]orb.Polygon{
		"crossing": {shell, {{0.5, 0.5}, {0.5, 3}, {3, 3}, {3, 0.5}, {0.5, 0.5}}},
		"outside":  {shell, {{5, 5}, {5, 6}, {6, 6}, {6, 5}, {5, 5}}},
		"below":    {shell, {{0.2, -4}, {0.2, -3}, {0.8, -3}, {0.8, -4}, {0.2, -4}}},
	}
	for name, p := range cases {
		l := &Layer{Areas: []Area{{ID: "a", Geom: orb.MultiPolygon{p}}, {ID: "b", Geom: orb.MultiPolygon{{{{1, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 0}}}}}}}
		ix := NewIndex(l)
		checkAgainstBrute(t, name, ix, l, 20000, 7)
	}
}

// checkAgainstBrute compares Locate with the crossing test over every edge
// of every area, on random points over the layer's extent and on every
// vertex.
func checkAgainstBrute(t *testing.T, name string, ix *Index, l *Layer, n int, seed int64) {
	t.Helper()
	all := make([][]edge, len(l.Areas))
	for i := range l.Areas {
		all[i] = edgesOf(l.Areas[i].Geom)
	}
	brute := func(x, y float64) int {
		for i := range all {
			if crossingInside(all[i], x, y) {
				return i
			}
		}
		return -1
	}
	b := l.Bound()
	rng := rand.New(rand.NewSource(seed))
	var pts []orb.Point
	for k := 0; k < n; k++ {
		pts = append(pts, orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])})
	}
	for _, a := range l.Areas {
		for _, poly := range a.Geom {
			for _, r := range poly {
				step := max(1, len(r)/2000) // every vertex of small rings, 2,000 of large ones
				for k := 0; k < len(r); k += step {
					pts = append(pts, r[k])
				}
			}
		}
	}
	bad := 0
	for _, p := range pts {
		got, ok := ix.Locate(p[0], p[1])
		if !ok {
			got = -1
		}
		if want := brute(p[0], p[1]); got != want {
			if bad++; bad <= 5 {
				t.Errorf("%s: point %v: Locate %d, crossing test %d", name, p, got, want)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%s: %d of %d points differ", name, bad, len(pts))
	}
}

// TestZigzagRing: the 100,000-vertex zigzag is indexed in bounded memory
// and time and located exactly as the crossing test over all its edges.
func TestZigzagRing(t *testing.T) {
	l := &Layer{Areas: []Area{{ID: "zig", Geom: orb.MultiPolygon{{zigzagRing(100000)}}}}}
	t0 := time.Now()
	ix := NewIndex(l)
	build := time.Since(t0)
	if build > 5*time.Second {
		t.Errorf("index built in %v", build)
	}
	n := 0
	for k := range ix.cands {
		n += int(ix.cands[k].e1-ix.cands[k].e0) + int(ix.cands[k].b1-ix.cands[k].b0)
	}
	if n > 16*100003 {
		t.Errorf("%d edge and break entries: more than 16 per edge", n)
	}
	t0 = time.Now()
	checkAgainstBrute(t, "zigzag", ix, l, 2000, 3)
	t.Logf("zigzag of 100,000 vertices: grid %d×%d built in %v, %d entries; points checked in %v",
		ix.nx, ix.ny, build.Round(time.Millisecond), n, time.Since(t0).Round(time.Millisecond))
	// Locating is fast: a million points in well under a second.
	rng := rand.New(rand.NewSource(9))
	t0 = time.Now()
	for k := 0; k < 1000000; k++ {
		ix.Locate(-118.5+rng.Float64()*0.3, 33.95+rng.Float64()*0.25)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Errorf("1M points in %v", d)
	}
}

// TestIndexStackedAreas: a thousand copies of one square (an overlap a
// thousand deep) keep the index small.
func TestIndexStackedAreas(t *testing.T) {
	l := &Layer{}
	for i := 0; i < 1000; i++ {
		l.Areas = append(l.Areas, Area{ID: strconv.Itoa(i), Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}})
	}
	ix := NewIndex(l)
	if len(ix.cands) > 2*minEntryBudget {
		t.Fatalf("%d candidates", len(ix.cands))
	}
	if a, ok := ix.Locate(0.5, 0.5); !ok || a != 0 {
		t.Fatalf("Locate %d %v", a, ok)
	}
	if all := ix.LocateAll(0.5, 0.5); len(all) != 1000 {
		t.Fatalf("LocateAll: %d areas", len(all))
	}
	if !ix.Contains(999, 0.25, 0.75) || ix.Contains(999, 1.5, 0.5) {
		t.Fatal("Contains")
	}
}

func TestIndexNonFinite(t *testing.T) {
	l := &Layer{Areas: []Area{{ID: "a", Geom: orb.MultiPolygon{{{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 1}, {math.Inf(1), 0}, {0, 0}}}}}}}
	ix := NewIndex(l) // must not panic
	ix.Locate(0.5, 0.5)
	ix.Locate(math.NaN(), 0.5)
}
