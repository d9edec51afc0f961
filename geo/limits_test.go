package geo

import (
	"strings"
	"testing"
)

func TestLimitsSet(t *testing.T) {
	var l Limits
	for _, c := range []struct{ name, value string }{
		{"file_bytes", "2GiB"}, {"ring-vertices", "3,000,000"}, {"LAYER_VERTICES", "12_000_000"}, {"zip_ratio", "250"}, {"shp_ratio", "12.5"},
		{"member_bytes", "512 MiB"}, {"sidecar_bytes", "64KiB"}, {"features", "2e6"}, {"depth", "100"}, {"pages", "5000000"}, {"overlap_depth", "200"},
	} {
		if err := l.Set(c.name, c.value); err != nil {
			t.Fatalf("%s=%s: %v", c.name, c.value, err)
		}
	}
	got := l.withDefaults()
	want := Limits{FileBytes: 2 << 30, MemberBytes: 512 << 20, SidecarBytes: 64 << 10, ZipRatio: 250, ShapeRatio: 12.5, Features: 2_000_000,
		RingVertices: 3_000_000, LayerVertices: 12_000_000, Depth: 100, Pages: 5_000_000, OverlapDepth: 200}
	if got != want {
		t.Fatalf("%+v\nwant %+v", got, want)
	}
	if (Limits{}).withDefaults() != DefaultLimits {
		t.Fatal("zero limits are not the defaults")
	}
	for _, c := range []struct{ name, value, want string }{
		{"rings", "5", "unknown limit"}, {"depth", "-1", "positive"}, {"depth", "x", "positive"}, {"file_bytes", "0", "positive"},
	} {
		if err := l.Set(c.name, c.value); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s: %v, want %q", c.name, c.value, err, c.want)
		}
	}
	if len(LimitNames()) != len(limitNames) {
		t.Fatal("LimitNames")
	}
}

// TestWKTVertexLimit: vertices of WKT in a CSV are counted against the
// limits too, with the line.
func TestWKTVertexLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,wkt\na,\"POLYGON((0 0")
	for i := 1; i < 200; i++ {
		b.WriteString(", 1 1")
	}
	b.WriteString(", 0 0))\"\n")
	opt := ImportOptions{}
	opt.Limits.Set("ring_vertices", "100")
	_, _, err := ReadCSV(strings.NewReader(b.String()), "w.csv", opt)
	if err == nil || !strings.Contains(err.Error(), "w.csv:2") || !strings.Contains(err.Error(), "ring_vertices") {
		t.Fatalf("%v", err)
	}
}
