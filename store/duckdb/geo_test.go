package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

// TestSaveLayerRecordsImportRun: every saved layer is an import run of
// kind geo with its file's hash, in the same transaction.
func TestSaveLayerRecordsImportRun(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "g.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := &geo.Layer{Name: "cd", Source: "cd.geojson", SourceHash: "feed", Areas: []geo.Area{
		{ID: "1", Name: "one", Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}},
	}}
	for i := 0; i < 2; i++ {
		if err := s.SaveLayer(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	var runs, rows int
	var hash string
	if err := s.DB().QueryRow(`SELECT count(*), max(rows), max(content_hash) FROM import_runs WHERE kind = 'geo' AND source_file = 'cd.geojson'`).Scan(&runs, &rows, &hash); err != nil {
		t.Fatal(err)
	}
	if runs != 2 || rows != 1 || hash != "feed" {
		t.Fatalf("%d runs, %d rows, hash %q", runs, rows, hash)
	}
	var run int64
	if err := s.DB().QueryRow(`SELECT import_run FROM geo_layers WHERE name = 'cd'`).Scan(&run); err != nil || run == 0 {
		t.Fatalf("layer's import run %d, %v", run, err)
	}
}
