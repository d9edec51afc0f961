package geo

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// Fuzz targets of the spatial readers, with properties rather than "no
// panic": an error is an input error naming the file and a place; a file
// that reads writes back and reads again to the same thing; memory stays
// bounded (allocation under a fixed multiple of the input plus a constant,
// with the limits lowered so that a fuzzer's inputs reach them). Seeds are
// real files (testdata/) and the attack files of hostile_test.go.
// scripts/fuzz-geo.sh runs each for longer.

// fuzzLimits are small enough for fuzz inputs to hit.
var fuzzLimits = Limits{FileBytes: 1 << 20, Features: 2000, RingVertices: 20000, LayerVertices: 100000, Depth: 32, Pages: 4000}

// checkInputError fails unless err is an input error naming file and a
// place (a line, a field, a value or advice).
func checkInputError(t *testing.T, err error, file string) {
	t.Helper()
	var ie *budget.InputError
	if !errors.As(err, &ie) {
		if budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), file) {
			t.Fatalf("not an input error naming %s: %T %v", file, err, err)
		}
		return
	}
	if !strings.HasPrefix(ie.File, file) || (ie.Line == 0 && ie.Field == "" && ie.Value == "" && ie.Expected == "") {
		t.Fatalf("input error without its file or place: %v", err)
	}
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func checkAlloc(t *testing.T, n uint64, input int) {
	t.Helper()
	if limit := uint64(256<<20) + 400*uint64(input); n > limit {
		t.Fatalf("%d bytes allocated for %d bytes of input (more than %d)", n, input, limit)
	}
}

// sameRings compares two layers' ids and vertices exactly.
func sameRings(t *testing.T, a, b *Layer) {
	t.Helper()
	if len(a.Areas) != len(b.Areas) {
		t.Fatalf("%d areas, then %d", len(a.Areas), len(b.Areas))
	}
	for i := range a.Areas {
		x, y := &a.Areas[i], &b.Areas[i]
		if x.ID != y.ID || x.PointOnly() != y.PointOnly() || (x.PointOnly() && x.Point != y.Point) {
			t.Fatalf("area %d: %q %v, then %q %v", i, x.ID, x.Point, y.ID, y.Point)
		}
		if !orb.Equal(x.Geom, y.Geom) {
			t.Fatalf("area %d (%s): geometry changed in the round trip", i, x.ID)
		}
	}
}

func FuzzGeoJSON(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a","n":1.5,"b":true,"z":null},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[0,1]]]]}}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]}`))
	f.Add(holeOutsideGeoJSON())
	f.Add(zigzagGeoJSON(1000))
	f.Add(crossingZigzagGeoJSON(1000))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"properties":{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}]}`))
	if b, err := os.ReadFile("../../shared/data/la/boundaries/council_districts_2012.geojson"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		opt := ImportOptions{Limits: fuzzLimits, skipCoverage: true}
		var l *Layer
		var err error
		n := allocated(func() { l, _, err = ReadGeoJSON(bytes.NewReader(b), "f.geojson", opt) })
		checkAlloc(t, n, len(b))
		if err != nil {
			checkInputError(t, err, "f.geojson")
			return
		}
		// round trip: written and read again, the same areas
		var out bytes.Buffer
		if err := WriteGeoJSON(&out, l); err != nil {
			t.Fatal(err)
		}
		l2, _, err := ReadGeoJSON(&out, "again.geojson", opt)
		if err != nil {
			t.Fatalf("written layer does not read back: %v\n%.300s", err, out.String())
		}
		sameRings(t, l, l2)
		ix := NewIndex(l)
		ix.Locate(0.5, 0.25)
	})
}

func FuzzWKT(f *testing.F) {
	f.Add("POLYGON((0 0, 1 0, 1 1, 0 0))")
	f.Add("SRID=4326;MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)),((2 2, 3 2, 3 3, 2 2)))")
	f.Add("POINT(1 2)")
	f.Add(wktOf(orb.Polygon{{{-118.3, 34.0}, {-118.2, 34.0}, {-118.2, 34.1}, {-118.3, 34.0}}, {{-118.25, 34.05}, {-118.25, 34.3}, {-118.1, 34.3}, {-118.25, 34.05}}}))
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseWKT(s)
		if err != nil || g == nil {
			return
		}
		// round trip through orb's writer
		g2, err := ParseWKT(wkt.MarshalString(g))
		if err != nil {
			t.Fatalf("%q: written %q does not parse: %v", s, wkt.MarshalString(g), err)
		}
		if !orb.Equal(g, g2) {
			t.Fatalf("%q: %v, then %v", s, g, g2)
		}
		// a CSV of it reads or is refused with its line
		csv := "id,wkt\na,\"" + strings.ReplaceAll(wkt.MarshalString(g), `"`, `""`) + "\"\n"
		if _, _, err := ReadCSV(strings.NewReader(csv), "w.csv", ImportOptions{Limits: fuzzLimits, skipCoverage: true}); err != nil {
			checkInputError(t, err, "w.csv")
		}
	})
}

// realShapefile returns the members of the stored Shapefile (the 99
// councils in EPSG:2229 written by GDAL).
func realShapefile(f *testing.F) map[string][]byte {
	f.Helper()
	zr, err := zip.OpenReader("testdata/nc2025_2229.shp.zip")
	if err != nil {
		f.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, m := range zr.File {
		rc, _ := m.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[m.Name[strings.LastIndexByte(m.Name, '.'):]] = b
	}
	return out
}

func FuzzSHP(f *testing.F) {
	real := realShapefile(f)
	f.Add(real[".shp"])
	f.Add(shapefileSHP([]orb.MultiPolygon{{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}}))
	f.Add(shapefileSHP([]orb.MultiPolygon{{{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}, {1, 1}}}}}))
	f.Add([]byte{0, 0, 0x27, 0x0a})
	f.Fuzz(func(t *testing.T, b []byte) {
		var gs []orb.Geometry
		var err error
		vb := &vertexBudget{lim: fuzzLimits.withDefaults(), file: "f.shp"}
		n := allocated(func() { _, err = safeDecode(func() (any, error) { gs, err = readSHP(b, vb); return nil, err }) })
		checkAlloc(t, n, len(b))
		if err != nil {
			return
		}
		// round trip of the polygons: written again, read the same
		var mps []orb.MultiPolygon
		for _, g := range gs {
			mp, ok := g.(orb.MultiPolygon)
			if !ok {
				return
			}
			for _, p := range mp {
				for _, r := range p {
					if len(r) == 0 {
						return
					}
				}
			}
			mps = append(mps, mp)
		}
		again, err := readSHP(shapefileSHP(mps), &vertexBudget{lim: fuzzLimits.withDefaults()})
		if err != nil {
			t.Fatalf("written shapes do not read back: %v", err)
		}
		if len(again) != len(mps) {
			t.Fatalf("%d shapes, then %d", len(mps), len(again))
		}
		for i := range mps {
			if countVertices(flatRings(mps[i])) != countVertices(flatRings(again[i].(orb.MultiPolygon))) {
				t.Fatalf("shape %d: vertices changed in the round trip", i+1)
			}
		}
	})
}

func flatRings(mp orb.MultiPolygon) []orb.Ring {
	var out []orb.Ring
	for _, p := range mp {
		out = append(out, p...)
	}
	return out
}

func FuzzDBF(f *testing.F) {
	real := realShapefile(f)
	f.Add(real[".dbf"])
	f.Add(dbfBytes(3))
	f.Add([]byte{3, 0, 0, 0, 1, 0, 0, 0, 65, 0, 11, 0})
	zero := dbfBytes(1)
	zero[32+16] = 0
	f.Add(zero)
	f.Fuzz(func(t *testing.T, b []byte) {
		var recs []map[string]any
		var err error
		n := allocated(func() { _, err = safeDecode(func() (any, error) { recs, err = readDBF(b, -1); return nil, err }) })
		checkAlloc(t, n, len(b))
		if err != nil || len(recs) == 0 {
			return
		}
		// every record has the header's fields, each a trimmed string, a
		// number or null
		for i, r := range recs {
			if len(r) != len(recs[0]) {
				t.Fatalf("record %d has %d fields, record 1 %d", i+1, len(r), len(recs[0]))
			}
			for k, v := range r {
				switch x := v.(type) {
				case nil, float64, int64, bool:
				case string:
					if x != strings.TrimSpace(x) {
						t.Fatalf("record %d field %s: untrimmed %q", i+1, k, x)
					}
				default:
					t.Fatalf("record %d field %s: %T", i+1, k, v)
				}
			}
		}
	})
}

func FuzzGeoPackage(f *testing.F) {
	b, err := os.ReadFile("testdata/nc2025.gpkg")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:min(len(b), 65536)])
	f.Add([]byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		db, err := openSQLite(b)
		if err != nil {
			return
		}
		db.file, db.maxPages = "f.gpkg", fuzzLimits.Pages
		pages := len(b) / db.pageSize
		n := allocated(func() {
			_, err = safeDecode(func() (any, error) {
				_, _, err := gpkgFeatures(db, ImportOptions{Limits: fuzzLimits}, &vertexBudget{lim: fuzzLimits.withDefaults(), file: "f.gpkg"})
				return nil, err
			})
		})
		checkAlloc(t, n, len(b))
		// each scan visits a page at most once: schema, geometry columns,
		// feature table (and the limit)
		if db.visits > 3*pages+1 || db.visits > fuzzLimits.Pages+1 {
			t.Fatalf("%d page visits in a file of %d pages", db.visits, pages)
		}
	})
}

func FuzzGAL(f *testing.F) {
	l := &Layer{Areas: []Area{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	f.Add("0 3 layer id\na 1\nb\nb 2\na c\nc 1\nb\n")
	f.Add("0 99999999999 layer id\na 1\nb\nb 1\na\n")
	f.Add("3\na 0\n\nb 0\n\nc 0\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		adj, err := ReadGAL(strings.NewReader(s), l)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "gal: ") {
				t.Fatalf("error without its place: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteGAL(&out, l, adj); err != nil {
			t.Fatal(err)
		}
		adj2, err := ReadGAL(&out, l)
		if err != nil {
			t.Fatalf("written GAL does not read back: %v\n%s", err, out.String())
		}
		for i := range adj {
			if len(adj[i]) != len(adj2[i]) {
				t.Fatalf("area %d: %v, then %v", i, adj[i], adj2[i])
			}
		}
	})
}

func FuzzPRJ(f *testing.F) {
	f.Add(`PROJCS["NAD_1983_StatePlane_California_V_FIPS_0405_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",6561666.667],PARAMETER["Standard_Parallel_1",35.4666666666667],PARAMETER["Standard_Parallel_2",34.0333333333333],UNIT["US survey foot",0.304800609601219]]`)
	f.Fuzz(func(t *testing.T, s string) {
		prjTransform(s)
	})
}
