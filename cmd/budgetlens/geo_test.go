package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

func TestGeoImportLs(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	files := []struct {
		layer, file, idField string
		areas                int
	}{
		{"cd2025", "la/boundaries/council_districts_2025.geojson", "District", 15},
		{"nc2025", "la/boundaries/neighborhood_councils_2025.geojson", "Name", 99},
		{"cd2012", "la/boundaries/council_districts_2012.geojson", "", 15},
		{"nc2019", "la/boundaries/neighborhood_councils_2019.geojson", "", 99},
		{"hoods", "la/boundaries/neighborhoods_latimes_city.geojson", "name", 114},
		{"county", "la/boundaries/neighborhoods_latimes_county.geojson", "name", 272},
	}
	want := map[string]int{}
	for _, f := range files {
		path := filepath.Join(fixture.Root(), "testdata", f.file)
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(fixture.SharedDir(), "data", f.file)
			if _, err := os.Stat(path); err != nil {
				continue // not shipped and no shared folder
			}
		}
		args := []string{"--db", db, "geo", "import", "--layer", f.layer}
		if f.idField != "" {
			args = append(args, "--id-field", f.idField)
		}
		code, out, errOut := run(t, append(args, path)...)
		if code != 0 {
			t.Fatalf("import %s: exit %d: %s", f.file, code, errOut)
		}
		if !strings.Contains(out, fmt.Sprintf("%d areas", f.areas)) {
			t.Errorf("import %s: %s", f.file, out)
		}
		want[f.layer] = f.areas
	}
	code, out, errOut := run(t, "--db", db, "geo", "ls", "--format", "json")
	if code != 0 {
		t.Fatalf("ls: %d %s", code, errOut)
	}
	var got []struct {
		Layer string `json:"layer"`
		Areas int    `json:"areas"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("ls json: %v\n%s", err, out)
	}
	if len(got) != len(want) {
		t.Fatalf("ls: %d layers, want %d: %s", len(got), len(want), out)
	}
	for _, g := range got {
		if want[g.Layer] != g.Areas {
			t.Errorf("layer %s: %d areas, want %d", g.Layer, g.Areas, want[g.Layer])
		}
	}
}

func TestGeoAssign(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	nc := fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "nc", "--id-field", "Name", nc); code != 0 {
		t.Fatal(errOut)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "pts.csv")
	var b strings.Builder
	b.WriteString("id,lon,lat\n")
	rng := rand.New(rand.NewSource(3))
	const n = 5000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "p%d,%.6f,%.6f\n", i, -118.67+rng.Float64()*0.52, 33.70+rng.Float64()*0.64)
	}
	b.WriteString("far,0,0\n")
	os.WriteFile(in, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "out.csv")
	code, _, errOut := run(t, "--db", db, "geo", "assign", "--layer", "nc", "--in", in, "--out", out)
	if code != 0 {
		t.Fatalf("assign: %d %s", code, errOut)
	}
	data, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "id,area_id" || len(lines) != n+2 {
		t.Fatalf("header %q, %d lines", lines[0], len(lines))
	}
	inside := 0
	for i, l := range lines[1 : n+1] {
		id, area, _ := strings.Cut(l, ",")
		if id != fmt.Sprintf("p%d", i) {
			t.Fatalf("row %d is %q: order lost", i, l)
		}
		if area != "" {
			inside++
		}
	}
	if lines[n+1] != "far," {
		t.Fatalf("outside point row %q", lines[n+1])
	}
	if inside < n/5 || inside > n*3/5 {
		t.Fatalf("%d of %d inside", inside, n)
	}
	if !strings.Contains(errOut, fmt.Sprintf("%d outside every area", n+1-inside)) || !strings.Contains(errOut, "outside: line 3") {
		t.Errorf("summary lacks the outside example: %s", errOut)
	}
	// Bad input: exit 2 naming the line.
	os.WriteFile(in, []byte("id,lon,lat\na,-118.3,34.0\nb,west,34.0\n"), 0o644)
	code, _, errOut = run(t, "--db", db, "geo", "assign", "--layer", "nc", "--in", in, "--out", out)
	if code != 2 || !strings.Contains(errOut, ":3:") || !strings.Contains(errOut, "west") {
		t.Fatalf("bad coordinate: exit %d, %s", code, errOut)
	}
	// Unknown layer.
	code, _, errOut = run(t, "--db", db, "geo", "assign", "--layer", "nope", "--in", in)
	if code == 0 || !strings.Contains(errOut, "nope") {
		t.Fatalf("unknown layer: %d %s", code, errOut)
	}
}

func TestGeoImportErrors(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":"a"},"geometry":{"type":"Polygon","coordinates":[[[6480000,1840000],[6490000,1840000],[6490000,1850000],[6480000,1840000]]]}}]}`), 0o644)
	code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "x", bad)
	if code != 2 || !strings.Contains(errOut, "--crs") {
		t.Fatalf("projected: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "--db", db, "geo", "import", "--layer", "x", "--crs", "EPSG:2229", bad)
	if code != 0 || !strings.Contains(out, "EPSG:2229") {
		t.Fatalf("with --crs: %d %s %s", code, out, errOut)
	}
	code, _, errOut = run(t, "--db", db, "geo", "import", "--layer", "x", "--crs", "EPSG:2229", "--id-field", "nope", bad)
	if code != 2 || !strings.Contains(errOut, "nope") {
		t.Fatalf("missing id field: %d %s", code, errOut)
	}
}

func TestGeoExportAdjacencyCrosswalk(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	cd := fixture.Data(t, "la/boundaries/council_districts_2025.geojson")
	nc := fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson")
	run(t, "--db", db, "geo", "import", "--layer", "cd", "--id-field", "District", cd)
	run(t, "--db", db, "geo", "import", "--layer", "nc", "--id-field", "Name", nc)
	dir := t.TempDir()
	gal := filepath.Join(dir, "cd.gal")
	if code, _, e := run(t, "--db", db, "geo", "adjacency", "--layer", "cd", "--rule", "queen", "--out", gal); code != 0 {
		t.Fatal(e)
	}
	g, _ := os.ReadFile(gal)
	if !strings.HasPrefix(string(g), "0 15 cd id\n") {
		t.Fatalf("GAL: %.80s", g)
	}
	code, out, e := run(t, "--db", db, "geo", "export", "--layer", "cd", "--simplify", "20")
	if code != 0 || !strings.HasPrefix(out, `{"type":"FeatureCollection"`) {
		t.Fatalf("export: %d %s %.100s", code, e, out)
	}
	code, out, e = run(t, "--db", db, "geo", "crosswalk", "--from", "nc", "--to", "cd", "--weight", "area")
	if code != 0 || !strings.HasPrefix(out, "from_id,to_id,weight,population\n") {
		t.Fatalf("crosswalk: %d %s %.100s", code, e, out)
	}
}

func TestGeoApportion(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	cd := fixture.Data(t, "la/boundaries/council_districts_2025.geojson")
	run(t, "--db", db, "geo", "import", "--layer", "cd", "--id-field", "District", cd)
	in := filepath.Join(t.TempDir(), "g.csv")
	// A street segment along 34.05°N across downtown, a park-sized square and
	// a point far away.
	os.WriteFile(in, []byte("id,wkt\n"+
		"street,\"LINESTRING(-118.30 34.05, -118.20 34.05)\"\n"+
		"park,\"POLYGON((-118.29 34.06, -118.28 34.06, -118.28 34.07, -118.29 34.07, -118.29 34.06))\"\n"+
		"far,POINT(0 0)\n"), 0o644)
	code, out, e := run(t, "--db", db, "geo", "apportion", "--layer", "cd", "--in", in)
	if code != 0 {
		t.Fatal(e)
	}
	sums := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Split(l, ",")
		var v float64
		fmt.Sscan(f[2], &v)
		sums[f[0]] += v
	}
	if sums["street"] < 0.5 || sums["street"] > 1+1e-9 || sums["park"] < 0.99 || sums["park"] > 1+1e-9 || sums["far"] != 0 {
		t.Fatalf("sums %v\n%s", sums, out)
	}
}
