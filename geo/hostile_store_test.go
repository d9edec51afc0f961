package geo_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

// TestHostileImportLeavesStore follows `geo import` (read the whole file,
// then save in one transaction): a refused file leaves the stored layer of
// the same name as it was, and nothing in the temporary directory.
func TestHostileImportLeavesStore(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, err := duckdb.Open(filepath.Join(dir, "b.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	good := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[[[-118.3,34.0],[-118.2,34.0],[-118.2,34.1],[-118.3,34.0]]]}}]}`
	l, _, err := geo.ReadGeoJSON(strings.NewReader(good), "good.geojson", geo.ImportOptions{Layer: "x", IDField: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	attacks := map[string]string{
		"hole.geojson": `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"b"},"geometry":{"type":"Polygon","coordinates":[` +
			`[[-118.3,34.0],[-118.2,34.0],[-118.2,34.1],[-118.3,34.1],[-118.3,34.0]],[[-118.25,34.05],[-118.25,34.3],[-118.1,34.3],[-118.1,34.05],[-118.25,34.05]]]}}]}`,
		"deep.geojson": `{"type":"FeatureCollection","features":[{"properties":{"a":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}]}`,
		"cut.geojson":  good[:len(good)/2],
		"nan.csv":      "id,wkt\nb,\"POLYGON((0 0, NaN 0, 1 1, 0 0))\"\n",
		"bad.gpkg":     "SQLite format 3\x00" + strings.Repeat("\xff", 4000),
		"notazip.zip":  "PK\x03\x04garbage",
		"stacked.geojson": `{"type":"FeatureCollection","features":[` + strings.TrimSuffix(strings.Repeat(
			`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},`, 100), ",") + `]}`,
	}
	for name, content := range attacks {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		bad, _, err := geo.ReadFile(path, geo.ImportOptions{Layer: "x", IDField: "id"})
		if err == nil {
			err = s.SaveLayer(ctx, bad)
		}
		if budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v; want an input error naming the file", name, err)
		}
		got, err := s.Layer(ctx, "x")
		if err != nil || len(got.Areas) != 1 || got.Areas[0].ID != "a" {
			t.Fatalf("%s: the stored layer changed: %v %+v", name, err, got)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("%d files left in the temporary directory", len(left))
	}
}
