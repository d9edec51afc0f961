package geo

import (
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// sameLayer checks that two readings of the neighbourhood councils agree:
// same ids, bounding boxes within tol degrees, and the same answer for
// seeded random points (tolerating points within tol of a boundary, where
// the two readings' rounding may differ).
func sameLayer(t *testing.T, got, want *Layer, tol float64) {
	t.Helper()
	if len(got.Areas) != len(want.Areas) {
		t.Fatalf("%d areas, want %d", len(got.Areas), len(want.Areas))
	}
	for i := range want.Areas {
		g, w := &got.Areas[i], &want.Areas[i]
		if g.ID != w.ID {
			t.Fatalf("area %d: id %q, want %q", i, g.ID, w.ID)
		}
		gb, wb := g.Geom.Bound(), w.Geom.Bound()
		for k := 0; k < 2; k++ {
			if math.Abs(gb.Min[k]-wb.Min[k]) > tol || math.Abs(gb.Max[k]-wb.Max[k]) > tol {
				t.Fatalf("area %s: bound %v, want %v", g.ID, gb, wb)
			}
		}
	}
	gi, wi := NewIndex(got), NewIndex(want)
	rng := rand.New(rand.NewSource(5))
	differ := 0
	for k := 0; k < 20000; k++ {
		x, y := -118.67+rng.Float64()*0.52, 33.70+rng.Float64()*0.64
		a, _ := gi.Locate(x, y)
		b, _ := wi.Locate(x, y)
		if a != b {
			// Allowed only right at a boundary.
			a2, _ := gi.Locate(x+tol*4, y+tol*4)
			b2, _ := wi.Locate(x-tol*4, y-tol*4)
			if a2 == b && b2 == a || a2 == b || b2 == a {
				continue
			}
			differ++
		}
	}
	if differ > 0 {
		t.Fatalf("%d of 20000 points located differently", differ)
	}
}

func TestShapefileZipWithPrj(t *testing.T) {
	// nc2025_2229.shp.zip: the 99 councils projected to EPSG:2229 by GDAL
	// 3.6.2 (geopandas 0.12 to_crs(2229).to_file), .prj in ESRI WKT without
	// an EPSG code, so the projection is built from its parameters.
	shp, rep, err := ReadFile("testdata/nc2025_2229.shp.zip", ImportOptions{IDField: "Name"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.CRS, "StatePlane_California_V") {
		t.Errorf("crs %q", rep.CRS)
	}
	gj, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	sameLayer(t, shp, gj, 1e-7)
}

func TestGeoPackage(t *testing.T) {
	// nc2025.gpkg: the 99 councils written by GDAL 3.6.2 (geopandas 0.12
	// to_file(driver="GPKG")).
	gp, rep, err := ReadFile("testdata/nc2025.gpkg", ImportOptions{IDField: "Name"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.CRS != "EPSG:4326" {
		t.Errorf("crs %q", rep.CRS)
	}
	gj, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	sameLayer(t, gp, gj, 1e-12)
}

func TestCSVLayers(t *testing.T) {
	wkt := "id,name,pop,geometry\n" +
		"a,Alpha,100,\"POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))\"\n" +
		"b,Beta,200,\"MULTIPOLYGON(((1 0, 2 0, 2 1, 1 1, 1 0)))\"\n"
	l, _, err := ReadCSV(strings.NewReader(wkt), "w.csv", ImportOptions{IDField: "id", PopulationField: "pop"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Areas) != 2 || l.Areas[1].Population != 200 || l.Areas[0].Name != "Alpha" {
		t.Fatalf("%+v", l.Areas)
	}
	if a, ok := NewIndex(l).Locate(1.5, 0.5); !ok || a != 1 {
		t.Fatalf("locate: %d %v", a, ok)
	}
	// Bad WKT names line and column.
	_, _, err = ReadCSV(strings.NewReader("id,geometry\nx,\"POLYGON((0 0, 1\"\n"), "w.csv", ImportOptions{IDField: "id"})
	if err == nil || !strings.Contains(err.Error(), "w.csv:2:2") {
		t.Fatalf("bad wkt: %v", err)
	}
	// Unquoted WKT splits at its commas: the value past the header is refused.
	_, _, err = ReadCSV(strings.NewReader("id,geometry\nx,POLYGON((0 0, 1\n"), "w.csv", ImportOptions{IDField: "id"})
	if err == nil || !strings.Contains(err.Error(), "w.csv:2:3") || !strings.Contains(err.Error(), "quoted") {
		t.Fatalf("unquoted wkt: %v", err)
	}
	// Points (tract interior points) make point-only areas.
	pts := "GEOID20,INTPTLAT20,INTPTLON20,pop\n06037101110,34.2594,-118.2935,4000\n"
	l, _, err = ReadCSV(strings.NewReader(pts), "t.csv", ImportOptions{IDField: "GEOID20", PopulationField: "pop"})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Areas[0].PointOnly() || l.Areas[0].Point != (orb.Point{-118.2935, 34.2594}) {
		t.Fatalf("%+v", l.Areas[0])
	}
}

func TestRealTractPoints(t *testing.T) {
	path := readFixturePath(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv")
	l, _, err := ReadFile(path, ImportOptions{IDField: "GEOID20"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Areas) != 9129 {
		t.Fatalf("%d tracts, want 9129", len(l.Areas))
	}
	cd, _ := readFixture(t, "la/boundaries/council_districts_2025.geojson", ImportOptions{IDField: "District"})
	cw := NewCrosswalk(l, cd, Centroid)
	// Every row is a whole tract in one district.
	for _, r := range cw.Rows {
		if r.Weight != 1 {
			t.Fatalf("centroid weight %v", r.Weight)
		}
	}
	// About a thousand of California's tracts lie in the City of LA.
	if len(cw.Rows) < 900 || len(cw.Rows) > 1200 {
		t.Fatalf("%d tracts in LA's council districts", len(cw.Rows))
	}
	t.Logf("%d of %d tracts placed in a council district by their interior point", len(cw.Rows), len(l.Areas))
}

// TestTractPopulationByDistrict sums the 2023 population of California's
// tracts (placed by interior point) in the 2012 council districts and
// compares with the hand-compiled 2012 population table (2010 census):
// every district within 12 %, the city within 3 %.
func TestTractPopulationByDistrict(t *testing.T) {
	tracts, _, err := ReadFile(readFixturePath(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), ImportOptions{IDField: "GEOID20", PopulationField: "Pop23"})
	if err != nil {
		t.Fatal(err)
	}
	cd, _ := readFixture(t, "la/boundaries/council_districts_2012.geojson", ImportOptions{IDField: "name"})
	table, err := os.ReadFile(readFixturePath(t, "la/boundaries/council_districts_2012_population.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range NewCrosswalk(tracts, cd, Centroid).Rows {
		got[r.To] += r.Population
	}
	var sumGot, sumWant float64
	for _, line := range strings.Split(strings.TrimSpace(string(table)), "\n")[1:] {
		f := strings.Split(line, ",")
		want, _ := strconv.ParseFloat(f[2], 64)
		ratio := got[f[0]] / want
		if ratio < 0.88 || ratio > 1.12 {
			t.Errorf("district %s: %.0f from tracts, table %.0f (ratio %.3f)", f[0], got[f[0]], want, ratio)
		}
		sumGot += got[f[0]]
		sumWant += want
	}
	if r := sumGot / sumWant; r < 0.97 || r > 1.03 {
		t.Errorf("city: %.0f from tracts, table %.0f", sumGot, sumWant)
	}
	t.Logf("city population from tracts %.0f, 2012 table %.0f", sumGot, sumWant)
}
