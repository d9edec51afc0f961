package geo

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCleanPolygonal(t *testing.T) {
	cases := []struct {
		name    string
		g       orb.Geometry
		repairs []string // kinds, in order
		warns   []string
		parts   int
		err     string
	}{
		{"valid ccw", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, nil, nil, 1, ""},
		{"clockwise outer", orb.Polygon{{{0, 0}, {1, 1}, {1, 0}, {0, 0}}}, []string{"winding"}, nil, 1, ""},
		{"unclosed", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}}}, []string{"unclosed_ring"}, nil, 1, ""},
		{"duplicates", orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 0}}}, []string{"duplicate_point"}, nil, 1, ""},
		{"empty part dropped", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{5, 5}, {6, 6}, {5, 5}}}}, []string{"empty_part"}, nil, 1, ""},
		{"counter-clockwise hole", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, []string{"winding"}, nil, 1, ""},
		{"bowtie", orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}, nil, []string{"self_intersection"}, 1, ""},
		{"all degenerate", orb.Polygon{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}, []string{"empty_part"}, nil, 0, "no polygon"},
		{"a line", orb.LineString{{0, 0}, {1, 1}}, nil, nil, 0, "not an area"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mp, reps, warns, err := cleanPolygonal(c.g, 1, "x")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kinds := func(is []Issue) []string {
				var k []string
				for _, i := range is {
					k = append(k, i.Kind)
				}
				return k
			}
			if strings.Join(kinds(reps), ",") != strings.Join(c.repairs, ",") || strings.Join(kinds(warns), ",") != strings.Join(c.warns, ",") {
				t.Fatalf("repairs %v warnings %v, want %v %v", kinds(reps), kinds(warns), c.repairs, c.warns)
			}
			if len(mp) != c.parts {
				t.Fatalf("%d parts", len(mp))
			}
			for _, p := range mp {
				if signedArea(p[0]) < 0 { // 0: a bowtie, left alone
					t.Fatalf("outer ring not counter-clockwise")
				}
				for _, h := range p[1:] {
					if signedArea(h) >= 0 {
						t.Fatalf("hole not clockwise")
					}
				}
				for _, r := range p {
					if r[0] != r[len(r)-1] {
						t.Fatalf("ring not closed")
					}
				}
			}
		})
	}
}
