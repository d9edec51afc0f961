package postgres

import (
	"context"
	"reflect"
	"testing"

	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
	"github.com/paulmach/orb"
)

// TestCapitalPlacesInPostGIS: project places are PostGIS geometries in
// SRID 4326 for SQL; a place PostGIS cannot parse (a ring left open, a
// line of one point) is still imported and read back exactly as given,
// with geom NULL.
func TestCapitalPlacesInPostGIS(t *testing.T) {
	pgtest.Server(t)
	ctx := context.Background()
	s := open(t, Options{})
	places := []orb.Geometry{
		orb.Point{-118.25, 34.05},
		orb.LineString{{-118.3, 34}, {-118.2, 34.1}},
		orb.Polygon{{{-118, 34}, {-117.9, 34}, {-117.9, 34.1}, {-118, 34}}},
		orb.Polygon{{{-118, 34}, {-117.9, 34}, {-117.9, 34.1}}}, // open ring
		orb.LineString{{-118.3, 34}},                            // one point
		orb.Collection{orb.Point{-118, 34}, orb.LineString{{-118, 34}, {-118.1, 34.1}}},
	}
	p := &projects.Plan{Name: "places", Source: "p.geojson", SHA256: "x"}
	for i, g := range places {
		p.Projects = append(p.Projects, projects.Project{ID: string(rune('a' + i)), Line: i + 2, Cost: []int64{100},
			Place: projects.Place{Kind: projects.PlaceGeometry, Geometry: g}})
	}
	if err := s.SaveCapitalPlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.CapitalPlan(ctx, "places")
	if err != nil {
		t.Fatal(err)
	}
	for i := range places {
		if !reflect.DeepEqual(got.Projects[i].Place.Geometry, places[i]) {
			t.Errorf("project %d: place %#v, want %#v", i, got.Projects[i].Place.Geometry, places[i])
		}
	}
	var inPostGIS, in4326, kept int
	err = s.pool.QueryRow(ctx, `SELECT count(geom), count(*) FILTER (WHERE ST_SRID(geom) = 4326), count(geom_input) FROM capital_projects WHERE plan = 'places'`).
		Scan(&inPostGIS, &in4326, &kept)
	if err != nil {
		t.Fatal(err)
	}
	if inPostGIS != 4 || in4326 != 4 || kept != 2 {
		t.Fatalf("%d places in PostGIS (%d in SRID 4326), %d kept as given only; want 4, 4, 2", inPostGIS, in4326, kept)
	}
}
