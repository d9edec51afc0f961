package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

func testLayer(name string, n int) *geo.Layer {
	l := &geo.Layer{Name: name, Source: "test.geojson", SourceHash: "abc123"}
	for i := 0; i < n; i++ {
		x := float64(i)
		l.Areas = append(l.Areas, geo.Area{
			ID: string(rune('a' + i)), Name: "Area " + string(rune('A'+i)), Population: float64(100 * (i + 1)),
			Geom: orb.MultiPolygon{{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}},
			// properties keep their types through the store (geo export
			// writes them typed): text, integer, real, boolean and null
			// (a whole real, 2.0 or 0.0, stays a real)
			Attrs: map[string]string{"k": "v", "n": "3", "x": "1.5", "b": "true", "z": "", "w": "2", "zero": "0"},
			Props: map[string]any{"k": "v", "n": int64(3), "x": 1.5, "b": true, "z": nil, "w": 2.0, "zero": 0.0},
		})
	}
	l.Areas = append(l.Areas, geo.Area{ID: "pt", Name: "point", Point: orb.Point{-118.25, 34.05}, Attrs: map[string]string{}, Props: map[string]any{}})
	return l
}

// geoSuite checks SaveLayer / Layer / Layers / DeleteLayer.
func geoSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	if _, err := s.Layer(ctx, "none"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing layer: %v, want not_found", err)
	}
	l := testLayer("tract", 3)
	if err := s.SaveLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	// a layer that repeats an id is refused whole, and the stored layer of
	// the same name is left as it was
	dup := testLayer("tract", 3)
	dup.Areas[2].ID = dup.Areas[0].ID
	if err := s.SaveLayer(ctx, dup); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("duplicate ids: %v, want invalid", err)
	}
	if got, err := s.Layer(ctx, "tract"); err != nil || len(got.Areas) != len(l.Areas) || got.Areas[2].ID != l.Areas[2].ID {
		t.Fatalf("after a refused save the layer changed: %v", err)
	}
	got, err := s.Layer(ctx, "tract")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, l) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, l)
	}
	// Replacing keeps one copy.
	if err := s.SaveLayer(ctx, testLayer("tract", 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLayer(ctx, testLayer("district", 1)); err != nil {
		t.Fatal(err)
	}
	infos, err := s.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []geo.LayerInfo{{Layer: "district", Areas: 2, Population: 100, Source: "test.geojson", SourceHash: "abc123"}, {Layer: "tract", Areas: 3, Population: 300, Source: "test.geojson", SourceHash: "abc123"}}
	if !reflect.DeepEqual(infos, want) {
		t.Fatalf("layers %+v, want %+v", infos, want)
	}
	// A failing save (duplicate id) leaves the old layer in place.
	bad := testLayer("tract", 2)
	bad.Areas[1].ID = bad.Areas[0].ID
	if err := s.SaveLayer(ctx, bad); err == nil {
		t.Fatal("duplicate ids accepted")
	}
	if got, err := s.Layer(ctx, "tract"); err != nil || len(got.Areas) != 3 {
		t.Fatalf("after failed save: %v, %v", got, err)
	}
	if err := s.DeleteLayer(ctx, "tract"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLayer(ctx, "tract"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("second delete: %v", err)
	}
}
