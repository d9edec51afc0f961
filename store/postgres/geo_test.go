package postgres

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
)

// TestLALayersArePostGISGeometries stores the real LA layers and queries
// them in SQL as an analyst would: every area is a valid MultiPolygon in
// SRID 4326 (ST_IsValid; the LA Times "Downtown" ring crosses itself and
// is stored made valid, its input kept), the GiST index exists, and
// PostGIS's own point-in-polygon agrees on a known point (LA City Hall lies
// in council district 14 and no other).
func TestLALayersArePostGISGeometries(t *testing.T) {
	ctx := context.Background()
	s := open1(t, pgtest.URL(t), Options{})
	layers := []struct {
		rel, name, id string
	}{
		{"la/boundaries/council_districts_2025.geojson", "council_districts", "District"},
		{"la/boundaries/neighborhood_councils_2025.geojson", "neighborhood_councils", "Name"},
	}
	// the layers that only the shared data folder holds are checked when
	// it is there
	if fixture.SharedDir() != "" {
		for _, l := range []struct{ rel, name, id string }{
			{"la/boundaries/council_districts_2012.geojson", "council_districts_2012", "name"},
			{"la/boundaries/neighborhood_councils_2019.geojson", "neighborhood_councils_2019", "name"},
			{"la/boundaries/neighborhoods_latimes_city.geojson", "neighborhoods_latimes_city", "name"},
			{"la/boundaries/neighborhoods_latimes_county.geojson", "neighborhoods_latimes_county", "slug"},
		} {
			if p := fixture.SharedDir() + "/data/" + l.rel; fileExists(p) {
				layers = append(layers, l)
			}
		}
	}
	total := 0
	var read []*geo.Layer
	for _, l := range layers {
		layer, _, err := geo.ReadFile(fixture.Data(t, l.rel), geo.ImportOptions{Layer: l.name, IDField: l.id})
		if err != nil {
			t.Fatalf("%s: %v", l.rel, err)
		}
		if err := s.SaveLayer(ctx, layer); err != nil {
			t.Fatal(err)
		}
		total += len(layer.Areas)
		read = append(read, layer)
	}
	// budgetlens reads back exactly what it stored, a ring that crosses
	// itself included (geom_input), whatever PostGIS made of it; typed
	// properties as their JSON reads (both stores keep AttrsJSON, in which
	// a whole float such as 0.0 is written 0 and reads back an integer)
	for _, l := range read {
		for i := range l.Areas {
			b, err := l.Areas[i].AttrsJSON()
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Areas[i].SetAttrsJSON(b); err != nil {
				t.Fatal(err)
			}
		}
		back, err := s.Layer(ctx, l.Name)
		if err != nil || !reflect.DeepEqual(back.Areas, l.Areas) {
			t.Fatalf("layer %s did not come back as stored: %v", l.Name, err)
		}
	}
	var n, valid, multi, srid4326 int
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE ST_IsValid(geom)), count(*) FILTER (WHERE GeometryType(geom) = 'MULTIPOLYGON'),
		count(*) FILTER (WHERE ST_SRID(geom) = 4326) FROM geo_areas WHERE geom IS NOT NULL`).Scan(&n, &valid, &multi, &srid4326)
	if err != nil {
		t.Fatal(err)
	}
	if valid != n {
		rows, _ := s.pool.Query(ctx, `SELECT layer, id, ST_IsValidReason(geom) FROM geo_areas WHERE NOT ST_IsValid(geom)`)
		for rows.Next() {
			var a, b, c string
			rows.Scan(&a, &b, &c)
			t.Errorf("invalid: layer %s area %s: %s", a, b, c)
		}
	}
	if n != total || valid != n || multi != n || srid4326 != n {
		t.Fatalf("%d areas stored of %d read: %d valid, %d multipolygons, %d in SRID 4326", n, total, valid, multi, srid4326)
	}
	t.Logf("%d areas of %d layers, all valid MultiPolygons in SRID 4326", n, len(layers))
	var gist bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'geo_areas' AND schemaname = current_schema() AND indexdef LIKE '%USING gist (geom)%')`).Scan(&gist); err != nil || !gist {
		t.Fatalf("no GiST index on geo_areas.geom: %v", err)
	}
	var hits []string
	rows, err := s.pool.Query(ctx, `SELECT id FROM geo_areas WHERE layer = 'council_districts' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(-118.2427, 34.0537), 4326))`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		hits = append(hits, id)
	}
	if len(hits) != 1 || hits[0] != "14" {
		t.Fatalf("City Hall in districts %v, want [14]", hits)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
