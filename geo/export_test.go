package geo_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	_ "github.com/duckdb/duckdb-go/v2" // reads the GeoParquet files back
	"github.com/paulmach/orb"
)

// typedLayer: properties of every type, nulls, names that clash with the
// columns budgetlens adds (id, NAME, fid, geometry), and a point-only area.
func typedLayer(t *testing.T) *geo.Layer {
	t.Helper()
	src := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"id":"A-1","NAME":"Alpha","FID":"text fid","pop":1200,"share":0.25,"ok":true,"note":null,"geometry":"x"},
 "geometry":{"type":"Polygon","coordinates":[[[-118.3,34.0],[-118.2,34.0],[-118.2,34.1],[-118.3,34.1],[-118.3,34.0]]]}},
{"type":"Feature","id":"b","properties":{"id":"B-2","NAME":"Beta","FID":"2","pop":null,"share":1,"ok":false,"note":"n"},
 "geometry":{"type":"Polygon","coordinates":[[[-118.2,34.0],[-118.1,34.0],[-118.1,34.1],[-118.2,34.1],[-118.2,34.0]]]}},
{"type":"Feature","id":"c","properties":{"id":"C-3","NAME":"Gamma","FID":"3","pop":7,"share":0.5,"ok":true,"note":"m"},
 "geometry":{"type":"Point","coordinates":[-118.15,34.2]}}]}`
	l, _, err := geo.ReadGeoJSON(strings.NewReader(src), "typed.geojson", geo.ImportOptions{PopulationField: "pop"})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLayerColumnsTypesAndNames(t *testing.T) {
	cols := geo.LayerColumns(typedLayer(t))
	got := map[string]geo.ValueType{}
	var names []string
	for _, c := range cols {
		got[c.Name] = c.Type
		names = append(names, c.Name)
	}
	want := map[string]geo.ValueType{"id": geo.Text, "NAME": geo.Text, "FID": geo.Text, "pop": geo.Integer, "share": geo.Real,
		"ok": geo.Boolean, "note": geo.Text, "geometry": geo.Text, "area_id": geo.Text, "area_name": geo.Text, "population": geo.Real}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("column %s: %v %v, want %v (columns %v)", k, g, ok, v, names)
		}
	}
	if len(cols) != len(want) {
		t.Errorf("columns %v", names)
	}
}

func TestWriteGeoJSONTyped(t *testing.T) {
	l := typedLayer(t)
	var b bytes.Buffer
	if err := geo.WriteGeoJSON(&b, l); err != nil {
		t.Fatal(err)
	}
	written := append([]byte(nil), b.Bytes()...)
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	p := fc.Features[0].Properties
	if fc.Features[0].ID != "a" || p["id"] != "A-1" || p["area_id"] != "a" || p["pop"] != float64(1200) || p["share"] != 0.25 || p["ok"] != true || p["note"] != nil {
		t.Fatalf("feature 1: id %q properties %v", fc.Features[0].ID, p)
	}
	if v, ok := fc.Features[1].Properties["pop"]; !ok || v != nil {
		t.Fatalf("a null property must stay null: %v", fc.Features[1].Properties)
	}
	// read back: the same areas and property types
	l2, _, err := geo.ReadGeoJSON(&b, "again.geojson", geo.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l2.Areas[0].Props["pop"] != int64(1200) || l2.Areas[0].Props["ok"] != true || l2.Areas[1].Props["pop"] != nil {
		t.Fatalf("types lost: %v", l2.Areas[0].Props)
	}
	ogrinfo(t, writeTemp(t, "typed.geojson", written), "pop: Integer", "share: Real", "ok: Integer(Boolean)", "Feature Count: 3")
}

// TestWriteGeoJSONAnalysisColumns: the map-ready output of an analysis is
// the layer's geometry with the caller's typed columns.
func TestWriteGeoJSONAnalysisColumns(t *testing.T) {
	l, _, err := geo.ReadFile(fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), geo.ImportOptions{IDField: "District"})
	if err != nil {
		t.Fatal(err)
	}
	dollars := geo.Column{Name: "dollars_per_resident", Type: geo.Real, Values: make([]any, len(l.Areas))}
	tier := geo.Column{Name: "tier", Type: geo.Integer, Values: make([]any, len(l.Areas))}
	for i := range l.Areas {
		dollars.Values[i] = 100.5 + float64(i)
		tier.Values[i] = i%3 + 1
	}
	tier.Values[0] = nil
	cols := geo.AppendColumns(geo.AreaColumns(l), dollars, tier)
	var b bytes.Buffer
	if err := geo.WriteGeoJSONColumns(&b, l, cols); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"dollars_per_resident":100.5,"tier":null`) {
		t.Fatalf("%.400s", b.String())
	}
	ogrinfo(t, writeTemp(t, "cd.geojson", b.Bytes()), "dollars_per_resident: Real", "tier: Integer", "Feature Count: 15")
	// a column of the wrong type is refused
	bad := geo.Column{Name: "x", Type: geo.Integer, Values: make([]any, len(l.Areas))}
	bad.Values[0] = "1"
	if err := geo.WriteGeoJSONColumns(&b, l, append(cols, bad)); err == nil {
		t.Fatal("a text value in an integer column was accepted")
	}
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ogrinfo checks that GDAL reads the file and reports each wanted text
// (skipped when ogrinfo, Debian's gdal-bin, is not installed).
func ogrinfo(t *testing.T, path string, want ...string) {
	t.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Logf("ogrinfo (Debian gdal-bin) is not installed: %s not checked with GDAL", filepath.Base(path))
		return
	}
	out, err := exec.Command("ogrinfo", "-ro", "-al", "-so", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, out)
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Errorf("ogrinfo %s lacks %q:\n%s", filepath.Base(path), w, out)
		}
	}
}

func TestWriteGeoParquet(t *testing.T) {
	l := typedLayer(t)
	cols := geo.LayerColumns(l)
	var b bytes.Buffer
	if err := geo.WriteGeoParquet(&b, l, cols); err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "typed.parquet", b.Bytes())
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT area_id, \"NAME\", pop, share, ok, note, ST_AsText(area_geometry), octet_length(ST_AsWKB(area_geometry)) FROM read_parquet('" + path + "') ORDER BY area_id"
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, name string
		var pop sql.NullInt64
		var share float64
		var ok bool
		var note sql.NullString
		var g string
		var glen int
		if err := rows.Scan(&id, &name, &pop, &share, &ok, &note, &g, &glen); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{id, name, fmtNull(pop.Valid, pop.Int64), ftoa(share), btoa(ok), note.String}, "|"))
		if glen < 21 || !strings.HasPrefix(g, map[string]string{"a": "MULTIPOLYGON (((-118.3 34", "b": "MULTIPOLYGON (((-118.2 34", "c": "POINT (-118.15 34.2)"}[id]) {
			t.Fatalf("%s: geometry %s (%d bytes of WKB)", id, g, glen)
		}
	}
	want := []string{"a|Alpha|1200|0.25|true|", "b|Beta|null|1|false|n", "c|Gamma|7|0.5|true|m"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// the geo metadata
	var meta string
	if err := db.QueryRow("SELECT value FROM parquet_kv_metadata('" + path + "') WHERE key = 'geo'").Scan(&meta); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version       string `json:"version"`
		PrimaryColumn string `json:"primary_column"`
		Columns       map[string]struct {
			Encoding string    `json:"encoding"`
			Types    []string  `json:"geometry_types"`
			BBox     []float64 `json:"bbox"`
		} `json:"columns"`
	}
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		t.Fatal(err)
	}
	gc := m.Columns[m.PrimaryColumn]
	if m.Version != "1.0.0" || m.PrimaryColumn != "area_geometry" || gc.Encoding != "WKB" || len(gc.BBox) != 4 || gc.BBox[0] != -118.3 || gc.BBox[3] != 34.2 {
		t.Fatalf("geo metadata %s", meta)
	}
	// the WKB decodes to the areas' geometry
	_ = orb.Point{}
}

func fmtNull(valid bool, v int64) string {
	if !valid {
		return "null"
	}
	return itoa(v)
}

func itoa(v int64) string {
	return strings.TrimSpace(strings.Replace(jsonNum(float64(v)), ".0", "", 1))
}

func ftoa(v float64) string { return jsonNum(v) }

func jsonNum(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func btoa(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestWriteGeoPackage(t *testing.T) {
	for _, tc := range []struct {
		name, idField string
		l             *geo.Layer
	}{
		{"typed", "area_id", typedLayer(t)},
		{"councils", "id", func() *geo.Layer {
			l, _, err := geo.ReadFile(fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson"), geo.ImportOptions{IDField: "Name"})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.l
			var b bytes.Buffer
			if err := geo.WriteGeoPackage(&b, l, geo.LayerColumns(l), "areas"); err != nil {
				t.Fatal(err)
			}
			path := writeTemp(t, tc.name+".gpkg", b.Bytes())
			if _, err := exec.LookPath("sqlite3"); err == nil {
				out, err := exec.Command("sqlite3", path, "PRAGMA integrity_check; PRAGMA foreign_key_check; PRAGMA application_id; PRAGMA user_version; SELECT count(*) FROM areas;").CombinedOutput()
				want := fmt.Sprintf("ok\n1196444487\n10300\n%d\n", len(l.Areas))
				if err != nil || string(out) != want {
					t.Fatalf("sqlite3: %v\n%s\nwant\n%s", err, out, want)
				}
			} else {
				t.Log("sqlite3 is not installed: integrity not checked by SQLite itself")
			}
			// read back with budgetlens' own reader: the same areas
			back, _, err := geo.ReadGeoPackage(path, geo.ImportOptions{IDField: tc.idField})
			if err != nil {
				t.Fatal(err)
			}
			if len(back.Areas) != len(l.Areas) {
				t.Fatalf("%d areas, want %d", len(back.Areas), len(l.Areas))
			}
			for i := range l.Areas {
				a, g := &l.Areas[i], &back.Areas[i]
				if a.ID != g.ID || !orb.Equal(a.Geom, g.Geom) || (a.PointOnly() && a.Point != g.Point) {
					t.Fatalf("area %d: %s, read back %s (geometry equal: %v)", i, a.ID, g.ID, orb.Equal(a.Geom, g.Geom))
				}
				for k, v := range a.Attrs {
					gv := g.Attrs[k]
					if v == "true" || v == "false" {
						v = map[string]string{"true": "1", "false": "0"}[v] // BOOLEAN is 0/1 in SQLite
					}
					if gv != v {
						t.Fatalf("area %s property %s: %q, read back %q", a.ID, k, v, gv)
					}
				}
			}
			if tc.name == "typed" {
				ogrinfo(t, path, "Geometry: Unknown (any)", "Feature Count: 3", "FID Column = area_fid", "FID: String", "pop: Integer", "share: Real", "ok: Integer(Boolean)")
			} else {
				ogrinfo(t, path, "Geometry: Multi Polygon", "Feature Count: 99", "FID Column = area_fid", "FID: Integer64", "Name: String")
			}
		})
	}
}
