package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/xuri/excelize/v2"
)

// sensitivityStore is a store with one run of a two-indicator index over 30
// areas, one of which has no value (so no score, no rank and no interval).
// The indicator values are made up for the test (a seeded pattern).
func sensitivityStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Census Tract,Ozone,PM\n")
	for i := 0; i < 30; i++ {
		o, p := fmt.Sprintf("%.3f", float64((i*37)%101)/100), fmt.Sprintf("%.3f", float64((i*53)%97)/100)
		if i == 5 {
			o, p = "", ""
		}
		fmt.Fprintf(&b, "%d,%s,%s\n", 6037000100+i, o, p)
	}
	ind := writeFile(t, dir, "ind.csv", b.String())
	spec := writeFile(t, dir, "s.yaml", "name: s\nversion: '1'\nmethod: composite\nnormalise: {method: percentile}\nindicators: [{name: Ozone}, {name: PM}]\ncomponents: [{name: c, domains: [{name: d, indicators: [Ozone, PM]}]}]\n")
	db := filepath.Join(dir, "t.duckdb")
	if code, _, e := run(t, "--db", db, "index", "run", "--spec", spec, "--indicators", ind); code != 0 {
		t.Fatal(e)
	}
	return db
}

// TestSensitivityNoNaNNoTruncation: JSON with an area that has no score
// is valid (null, not NaN); CSV and JSON hold every area; the table shows
// --show areas and says how many more there are.
func TestSensitivityNoNaNNoTruncation(t *testing.T) {
	t.Parallel()
	db := sensitivityStore(t)
	code, out, e := run(t, "--db", db, "index", "sensitivity", "--runs", "50", "--format", "json")
	if code != 0 {
		t.Fatalf("json: %d %s", code, e)
	}
	var res struct {
		Areas []map[string]any `json:"areas"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Areas) != 30 {
		t.Fatalf("json: %v, %d areas", err, len(res.Areas))
	}
	nulls := 0
	for _, a := range res.Areas {
		if a["rank_p05"] == nil {
			nulls++
		}
	}
	if nulls != 1 {
		t.Errorf("%d areas without an interval, want 1 (the area without values)", nulls)
	}
	code, out, e = run(t, "--db", db, "index", "sensitivity", "--runs", "50", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 31 {
		t.Fatalf("csv: %d %v, %d rows, %s", code, err, len(recs), e)
	}
	code, out, _ = run(t, "--db", db, "index", "sensitivity", "--runs", "50", "--show", "20")
	if code != 0 || !strings.Contains(out, "... and 10 more areas") {
		t.Fatalf("table: %s", out)
	}
	code, out2, _ := run(t, "--db", db, "index", "sensitivity", "--runs", "50", "--out", "-", "--delimiter", ";")
	if code != 0 || !strings.HasPrefix(out2, "area_id;base_rank;") || strings.Count(out2, "\n") != 31 {
		t.Fatalf("--out - --delimiter ';': %q", out2)
	}
}

// TestExportDataPackage: a CSV export is described in datapackage.json:
// the columns' types (codes as strings), the delimiter and the file's
// sha256 and size, and a second export into the folder is added to it.
func TestExportDataPackage(t *testing.T) {
	t.Parallel()
	db := laStore(t)
	dir := t.TempDir()
	a := filepath.Join(dir, "adopted.csv")
	if code, _, e := run(t, "--db", db, "export", "--fy", "2021-22", "--phase", "adopted", "--out", a, "--delimiter", ";"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := run(t, "--db", db, "export", "--fy", "2021-22", "--phase", "adopted", "--department", "44", "--out", filepath.Join(dir, "dept44.csv")); code != 0 {
		t.Fatal(e)
	}
	var dp struct {
		Profile   string `json:"profile"`
		Resources []struct {
			Path    string `json:"path"`
			Hash    string `json:"hash"`
			Bytes   int64  `json:"bytes"`
			Dialect struct {
				Delimiter string `json:"delimiter"`
			} `json:"dialect"`
			Schema struct {
				Fields []struct {
					Name, Type string
				} `json:"fields"`
			} `json:"schema"`
		} `json:"resources"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &dp); err != nil || dp.Profile != "tabular-data-package" || len(dp.Resources) != 2 {
		t.Fatalf("datapackage.json: %v\n%s", err, b)
	}
	r := dp.Resources[0]
	data, _ := os.ReadFile(a)
	sum := sha256.Sum256(data)
	if r.Path != "adopted.csv" || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != int64(len(data)) || r.Dialect.Delimiter != ";" {
		t.Errorf("resource %+v does not describe the file (%d bytes)", r, len(data))
	}
	head, _, _ := strings.Cut(string(data), "\n")
	cols := strings.Split(head, ";")
	if len(r.Schema.Fields) != len(cols) {
		t.Fatalf("%d fields for %d columns", len(r.Schema.Fields), len(cols))
	}
	for i, f := range r.Schema.Fields {
		want := "string"
		if f.Name == "amount" {
			want = "number"
		}
		if f.Name != cols[i] || f.Type != want {
			t.Errorf("field %d: %s %s, column %s", i, f.Name, f.Type, cols[i])
		}
	}
	// exporting again replaces the resource; a foreign datapackage.json is
	// left alone and the export refused before anything is written
	if code, _, e := run(t, "--db", db, "export", "--fy", "2021-22", "--phase", "adopted", "--out", a); code != 0 {
		t.Fatal(e)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if strings.Count(string(b), `"path": "adopted.csv"`) != 1 {
		t.Errorf("the resource was not replaced:\n%s", b)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "datapackage.json"), []byte("not json"), 0o644)
	if code, _, e := run(t, "--db", db, "export", "--out", filepath.Join(other, "x.csv")); code != 2 || !strings.Contains(e, "is not a data package") {
		t.Fatalf("foreign datapackage.json: %d %s", code, e)
	}
	if _, err := os.Stat(filepath.Join(other, "x.csv")); err == nil {
		t.Error("the export was written beside a foreign datapackage.json")
	}
}

// TestLimitFlag: --limit reaches the readers of each kind of command, an
// unknown name lists the names, and a layer limit is refused where no
// layer is read.
func TestLimitFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, dir, "v.csv", "area,v\na,1\nb,2\nc,3\n")
	code, _, e := run(t, "metrics", "--in", in, "--value", "v", "--limit", "rows=2")
	if code != 2 || !strings.Contains(e, "the limit rows") || !strings.Contains(e, "v.csv") {
		t.Fatalf("metrics --limit rows=2: %d %s", code, e)
	}
	if code, _, e := run(t, "metrics", "--in", in, "--value", "v", "--limit", "rows=3"); code != 0 {
		t.Fatalf("metrics --limit rows=3: %d %s", code, e)
	}
	code, _, e = run(t, "metrics", "--in", in, "--value", "v", "--limit", "ring_vertices=10")
	if code != 2 || !strings.Contains(e, `--limit "ring_vertices=10"`) || !strings.Contains(e, "cells") {
		t.Fatalf("a layer limit on metrics: %d %s", code, e)
	}
	db := filepath.Join(dir, "t.duckdb")
	layer := writeFile(t, dir, "sq.csv", "id,wkt\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n")
	code, _, e = run(t, "--db", db, "geo", "import", layer, "--layer", "sq", "--limit", "ring-vertices=3")
	if code != 2 || !strings.Contains(e, "ring_vertices") {
		t.Fatalf("geo import --limit ring-vertices=3: %d %s", code, e)
	}
	code, _, e = run(t, "--db", db, "import", in, "--fy", "2024-25", "--phase", "adopted", "--department", "area", "--amount", "v", "--limit", "cells=4")
	if code != 2 || !strings.Contains(e, "the limit cells") {
		t.Fatalf("import --limit cells=4: %d %s", code, e)
	}
	code, _, e = run(t, "--db", db, "import", in, "--fy", "2024-25", "--phase", "adopted", "--department", "area", "--amount", "v", "--limit", "bogus")
	if code != 2 || !strings.Contains(e, "write NAME=VALUE") {
		t.Fatalf("--limit bogus: %d %s", code, e)
	}
}

// TestDelimiterAndFormatsOfGeoListings: geo assign, crosswalk and
// apportion write CSV with --delimiter, JSON and tables.
func TestDelimiterAndFormatsOfGeoListings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	layer := writeFile(t, dir, "sq.csv", "id,wkt\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\nB,\"POLYGON((1 0,2 0,2 1,1 1,1 0))\"\n")
	if code, _, e := run(t, "--db", db, "geo", "import", layer, "--layer", "sq"); code != 0 {
		t.Fatal(e)
	}
	pts := "id,lon,lat\np1,0.5,0.5\np2,1.5,0.5\n\"p;3\",5,5\n"
	var out, errb bytes.Buffer
	code := executeIn([]string{"--db", db, "geo", "assign", "--layer", "sq", "--in", "-", "--delimiter", ";"}, strings.NewReader(pts), &out, &errb)
	if code != 0 || out.String() != "id;area_id\np1;A\np2;B\n\"p;3\";\n" {
		t.Fatalf("assign --delimiter ';': %d %q %s", code, out.String(), errb.String())
	}
	out.Reset()
	code = executeIn([]string{"--db", db, "geo", "assign", "--layer", "sq", "--in", "-", "--format", "json"}, strings.NewReader(pts), &out, &errb)
	var rows []map[string]any
	if code != 0 || json.Unmarshal(out.Bytes(), &rows) != nil || len(rows) != 3 || rows[1]["area_id"] != "B" || rows[2]["area_id"] != "" {
		t.Fatalf("assign --format json: %d %s", code, out.String())
	}
	code, o, e := run(t, "--db", db, "geo", "crosswalk", "--from", "sq", "--to", "sq", "--format", "json")
	if code != 0 || !strings.Contains(o, `"weight": 1`) {
		t.Fatalf("crosswalk json: %d %s %s", code, o, e)
	}
	code, o, e = run(t, "--db", db, "geo", "crosswalk", "--from", "sq", "--to", "sq", "--format", "table")
	if code != 0 || !strings.HasPrefix(o, "from_id  to_id") || !strings.Contains(o, "B        B      1.000000000") {
		t.Fatalf("crosswalk table: %d %q %s", code, o, e)
	}
	geoms := writeFile(t, dir, "g.csv", "id,wkt\nl1,\"LINESTRING(0.5 0.5,1.5 0.5)\"\n")
	code, o, e = run(t, "--db", db, "geo", "apportion", "--layer", "sq", "--in", geoms, "--format", "csv", "--delimiter", "tab")
	if code != 0 || !strings.HasPrefix(o, "id\tarea_id\tfraction\nl1\tA\t0.5") {
		t.Fatalf("apportion tab: %d %q %s", code, o, e)
	}
}

// TestAnalyzeGeoJSON runs the check: analyze --format geojson on
// the demo store is a FeatureCollection of the 15 districts that GDAL
// reads, with per-resident dollars as numbers equal to those of --format
// csv.
func TestAnalyzeGeoJSON(t *testing.T) {
	t.Parallel()
	db := filepath.Join(sharedDemo(t), "budgetlens.duckdb")
	args := []string{"--db", db, "analyze", "--fy", "2021-22", "--phase", "proposed", "--layer", "council_districts"}
	code, out, e := run(t, append(args, "--format", "geojson")...)
	if code != 0 {
		t.Fatalf("geojson: %d %s", code, e)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string         `json:"type"`
			Geometry   map[string]any `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 15 {
		t.Fatalf("not a FeatureCollection of 15 features: %v %.300s", err, out)
	}
	code, csvOut, e := run(t, append(args, "--format", "csv")...)
	if code != 0 {
		t.Fatal(e)
	}
	recs, _ := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	perCapita := map[string]string{}
	for _, r := range recs[1:] {
		perCapita[r[0]] = r[4]
	}
	for _, f := range fc.Features {
		p := f.Properties
		pc, ok := p["per_capita"].(float64)
		if !ok || f.Geometry["type"] != "MultiPolygon" && f.Geometry["type"] != "Polygon" {
			t.Fatalf("feature %v: per_capita %T, geometry %v", p["area_id"], p["per_capita"], f.Geometry["type"])
		}
		if want := perCapita[p["area_id"].(string)]; fmt.Sprintf("%.4f", pc) != want {
			t.Errorf("district %v: per_capita %v in GeoJSON, %s in CSV", p["area_id"], pc, want)
		}
		if _, ok := p["need_tier"].(float64); !ok {
			t.Errorf("district %v: need_tier %T", p["area_id"], p["need_tier"])
		}
	}
	path := filepath.Join(t.TempDir(), "districts.geojson")
	os.WriteFile(path, []byte(out), 0o644)
	ogr, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo (Debian gdal-bin) is not installed; scripts/test.sh installs it")
		}
		t.Skip("ogrinfo (Debian gdal-bin) is not installed: the GeoJSON is not checked with GDAL")
	}
	info, err := exec.Command(ogr, "-ro", "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, info)
	}
	for _, w := range []string{"Feature Count: 15", "per_capita: Real", "amount: Real", "need_tier: Integer", "population: Integer", "area_id: String"} {
		if !strings.Contains(string(info), w) {
			t.Errorf("ogrinfo lacks %q:\n%s", w, info)
		}
	}
}

// TestDemoWorkbookTidy reads the demo's report.xlsx as the check
// does (pandas.read_excel on every sheet: no all-empty row, no row after
// the table, whole-number columns as integers), and checks that the
// Sources sheet's hashes are those sha256sum gives for the shipped files.
func TestDemoWorkbookTidy(t *testing.T) {
	t.Parallel()
	path := filepath.Join(sharedDemo(t), "report.xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sources")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{} // base name -> sha256 of the shipped file
	filepath.WalkDir(filepath.Join(fixture.Root(), "testdata", "la"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			sum := sha256.Sum256(b)
			files[filepath.Base(p)] = hex.EncodeToString(sum[:])
		}
		return nil
	})
	checked := 0
	for _, r := range rows[1:] {
		for len(r) < 4 {
			r = append(r, "")
		}
		name := r[2]
		if _, from, ok := strings.Cut(name, "(from "); ok {
			name = strings.TrimSuffix(from, ")")
		}
		if want, ok := files[name]; ok {
			checked++
			if r[3] != want {
				t.Errorf("Sources: %s has sha256 %s, sha256sum gives %s", r[2], r[3], want)
			}
		}
	}
	if checked < 6 {
		t.Errorf("only %d sources matched shipped files:\n%v", checked, rows)
	}
	deps, _ := f.GetRows("Departments")
	if deps[0][0] != "Department code" || deps[0][1] != "Department" || deps[1][0] != "70" || deps[1][1] != "Police" {
		t.Errorf("Departments sheet starts %q %q", deps[0], deps[1])
	}
	pandasCheck(t, path)
}

// pandasCheck runs scripts/check_workbook.py (pandas and openpyxl, as an
// analyst reads the workbook) on path. Without Debian's python3-pandas and
// python3-openpyxl it skips with a message, but never under CI=true.
func pandasCheck(t *testing.T, path string) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import pandas, openpyxl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s with pandas and openpyxl is needed (Debian python3-pandas python3-openpyxl; scripts/test.sh installs them): %v", py, err)
		}
		t.Skipf("%s with pandas and openpyxl is not installed (Debian python3-pandas python3-openpyxl): the workbook is not read with pandas", py)
	}
	out, err := exec.Command(py, filepath.Join(fixture.Root(), "scripts", "check_workbook.py"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas reads %s untidily (%v):\n%s", filepath.Base(path), err, out)
	}
}
