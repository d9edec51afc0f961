package report

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		v      float64
		kind   Kind
		digits int
		want   string
	}{
		{1_234_567_890, KindMoney, 0, "$1.23 B"},
		{45_640_000, KindMoney, 0, "$45.6 M"},
		{312_500_000, KindMoney, 0, "$313 M"}, // half away from zero
		{789_400, KindMoney, 0, "$789 K"},
		{999_600, KindMoney, 0, "$1.00 M"}, // 999.6 K would round to 1,000 K
		{999_400, KindMoney, 0, "$999 K"},
		{950, KindMoney, 0, "$950"},
		{-2_500_000, KindMoney, 0, "−$2.50 M"},
		{12_345_000, KindMoney, 3, "$12.345 M"},
		{1.5e13, KindMoney, 0, "$15.0 T"},
		{1234567.5, KindDollars, 0, "$1,234,568"},
		{-1234.4, KindDollars, 0, "−$1,234"},
		{0.4, KindDollars, 2, "$0.40"},
		{0.1234, KindPercent, 0, "12.3%"},
		{0.1234, KindPercent, NoDigits, "12%"},
		{-0.00001, KindPercent, 0, "0.0%"}, // no "−0.0%"
		{1, KindPercent, 0, "100.0%"},
		{1234567, KindInt, 0, "1,234,567"},
		{-7, KindInt, 0, "−7"},
		{1.125, KindRatio, 0, "1.13"}, // an exact binary half
		{1234.5678, KindNumber, 1, "1,234.6"},
		{math.NaN(), KindMoney, 0, MissingText},
		{math.Inf(1), KindPercent, 0, MissingText},
		{0, KindMoney, 0, "$0"},
	}
	for _, tc := range tests {
		if got := Format(tc.v, tc.kind, tc.digits); got != tc.want {
			t.Errorf("Format(%v, %s, %d) = %q, want %q", tc.v, tc.kind, tc.digits, got, tc.want)
		}
	}
}

// FuzzFormat checks that Format never panics and that the text of a
// dollar amount parses back to the value rounded to whole dollars.
func FuzzFormat(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 0.5, 1e6, 123456789.5, -9.99e11, 1e300} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		for _, k := range []Kind{KindMoney, KindDollars, KindPercent, KindInt, KindRatio, KindNumber, KindText} {
			if s := Format(v, k, 0); s == "" {
				t.Fatalf("Format(%v, %s) is empty", v, k)
			}
		}
		if !finite(v) || math.Abs(v) >= 1e15 {
			return
		}
		s := Format(v, KindDollars, 0)
		neg := strings.HasPrefix(s, "−")
		s = strings.TrimPrefix(strings.TrimPrefix(s, "−"), "$")
		got, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil {
			t.Fatalf("Format(%v, dollars) = %q does not parse: %v", v, s, err)
		}
		if neg {
			got = -got
		}
		if math.Abs(got-v) > 0.5+1e-9*math.Abs(v) {
			t.Fatalf("Format(%v, dollars) = %q, off by %v", v, s, got-v)
		}
	})
}

func TestClassify(t *testing.T) {
	areas := func(vals ...float64) []MapArea {
		var a []MapArea
		for i, v := range vals {
			a = append(a, MapArea{ID: strconv.Itoa(i), Value: v})
		}
		return a
	}
	tests := []struct {
		name   string
		c      Choropleth
		breaks []float64
		counts []int
	}{
		{"quantile 10 values in 5", Choropleth{Areas: areas(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}, []float64{2, 4, 6, 8}, []int{2, 2, 2, 2, 2}},
		{"quantile ties stay together", Choropleth{Areas: areas(1, 1, 1, 1, 1, 1, 2, 3, 4, 5)}, []float64{1, 3}, []int{6, 2, 2}},
		{"quantile 4 classes of 7", Choropleth{Classes: 4, Areas: areas(7, 1, 6, 2, 5, 3, 4)}, []float64{2, 4, 6}, []int{2, 2, 2, 1}},
		{"all equal is one class", Choropleth{Areas: areas(3, 3, 3)}, nil, []int{3}},
		{"equal interval", Choropleth{Method: ClassEqualInterval, Classes: 4, Areas: areas(0, 1, 5, 10)}, []float64{2.5, 5, 7.5}, []int{2, 1, 0, 1}},
		{"manual", Choropleth{Method: ClassManual, Breaks: []float64{0, 100}, Areas: areas(-5, 0, 50, 100, 101)}, []float64{0, 100}, []int{2, 2, 1}},
		{"diverging symmetric around 0", Choropleth{Palette: Diverging, Areas: areas(-1, -0.1, 0, 0.5)}, []float64{-0.6, -0.2, 0.2, 0.6}, []int{1, 0, 2, 1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := tc.c.classify()
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
	u := []Point{{0, 0}, {10, 0}, {10, 10}, {7, 10}, {7, 2}, {3, 2}, {3, 10}, {0, 10}}
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
