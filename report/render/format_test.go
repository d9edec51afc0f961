package render

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/report"
)

func TestClassify(t *testing.T) {
	areas := func(vals ...float64) []report.MapArea {
		var a []report.MapArea
		for i, v := range vals {
			a = append(a, report.MapArea{ID: strconv.Itoa(i), Value: v})
		}
		return a
	}
	tests := []struct {
		name   string
		c      report.Choropleth
		breaks []float64
		counts []int
	}{
		{"quantile 10 values in 5", report.Choropleth{Areas: areas(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}, []float64{2, 4, 6, 8}, []int{2, 2, 2, 2, 2}},
		{"quantile ties stay together", report.Choropleth{Areas: areas(1, 1, 1, 1, 1, 1, 2, 3, 4, 5)}, []float64{1, 3}, []int{6, 2, 2}},
		{"quantile 4 classes of 7", report.Choropleth{Classes: 4, Areas: areas(7, 1, 6, 2, 5, 3, 4)}, []float64{2, 4, 6}, []int{2, 2, 2, 1}},
		{"all equal is one class", report.Choropleth{Areas: areas(3, 3, 3)}, nil, []int{3}},
		{"equal interval", report.Choropleth{Method: report.ClassEqualInterval, Classes: 4, Areas: areas(0, 1, 5, 10)}, []float64{2.5, 5, 7.5}, []int{2, 1, 0, 1}},
		{"manual", report.Choropleth{Method: report.ClassManual, Breaks: []float64{0, 100}, Areas: areas(-5, 0, 50, 100, 101)}, []float64{0, 100}, []int{2, 2, 1}},
		{"diverging symmetric around 0", report.Choropleth{Palette: report.Diverging, Areas: areas(-1, -0.1, 0, 0.5)}, []float64{-0.6, -0.2, 0.2, 0.6}, []int{1, 0, 2, 1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := mapClasses(&tc.c)
			if len(cl.breaks) != len(tc.breaks) {
				t.Fatalf("breaks %v, want %v", cl.breaks, tc.breaks)
			}
			for i := range cl.breaks {
				if math.Abs(cl.breaks[i]-tc.breaks[i]) > 1e-12 {
					t.Fatalf("breaks %v, want %v", cl.breaks, tc.breaks)
				}
			}
			if len(cl.colors) != len(tc.counts) {
				t.Fatalf("%d colours for %d classes", len(cl.colors), len(tc.counts))
			}
			counts := make([]int, len(cl.colors))
			for _, a := range tc.c.Areas {
				counts[cl.class(a.Value)]++
			}
			for i := range counts {
				if counts[i] != tc.counts[i] {
					t.Fatalf("class counts %v, want %v", counts, tc.counts)
				}
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   string
	}{
		{0, 1, "0 0.2 0.4 0.6 0.8 1"},
		{0, 369, "0 100 200 300 400"},
		{-0.15, 0.4, "-0.2 0 0.2 0.4"},
		{5, 5, "0 1 2 3 4 5"},
		{0, 0, "0 0.2 0.4 0.6 0.8 1"},
	}
	for _, tc := range tests {
		var parts []string
		for _, v := range niceTicks(tc.lo, tc.hi, 5) {
			parts = append(parts, strconv.FormatFloat(v, 'g', -1, 64))
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("niceTicks(%v, %v) = %s, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestLabelPointInsideConcaveRing(t *testing.T) {
	// A U shape whose centroid falls in the notch.
	u := []report.Point{{X: 0, Y: 0}, {X: 10, Y: 0}, {X: 10, Y: 10}, {X: 7, Y: 10}, {X: 7, Y: 2}, {X: 3, Y: 2}, {X: 3, Y: 10}, {X: 0, Y: 10}}
	pts := make([][2]float64, len(u))
	for i, p := range u {
		pts[i] = [2]float64{p.X, p.Y}
	}
	x, y := labelPoint(toOrbPoints(pts))
	inLeft := x > 0 && x < 3 && y > 0 && y < 10
	inRight := x > 7 && x < 10 && y > 0 && y < 10
	inBase := y > 0 && y < 2 && x > 0 && x < 10
	if !inLeft && !inRight && !inBase {
		t.Errorf("label point (%v, %v) is outside the U", x, y)
	}
}

func TestSheetNames(t *testing.T) {
	used := map[string]bool{"summary": true}
	got := []string{
		uniqueSheet("Per-capita spending by area / tier: [tracts]", used),
		uniqueSheet("Per-capita spending by area / tier: [tracts]", used),
		uniqueSheet("summary", used),
		uniqueSheet("  ", used),
	}
	want := []string{"Per-capita spending by area - t", "Per-capita spending by area (2)", "summary (2)", "Table"}
	for i := range want {
		if got[i] != want[i] || len([]rune(got[i])) > 31 {
			t.Errorf("sheet %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestSentence(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"the service requests are synthetic", "The service requests are synthetic."},
		{"Already a sentence.", "Already a sentence."},
		{"ends with a list:", "Ends with a list:"},
		{"quoted (see below.)", "Quoted (see below.)"},
		{"élan vital ", "Élan vital."},
		{"", ""},
	} {
		if got := sentence(tc.in); got != tc.want {
			t.Errorf("sentence(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
