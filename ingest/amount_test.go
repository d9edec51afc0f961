package ingest

import (
	"testing"
)

func TestParseCents(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  int64
		empty bool
		bad   bool
	}{
		{"1234", 123400, false, false},
		{"-5566", -556600, false, false},
		{"$8,650.00", 865000, false, false},
		{"8,650", 865000, false, false},
		{"(1,234.56)", -123456, false, false},
		{"20000.0", 2000000, false, false},
		{"0.5", 50, false, false},
		{".5", 50, false, false},
		{"+12", 1200, false, false},
		{" 7 ", 700, false, false},
		{"1.005", 101, false, false},   // half away from zero
		{"-1.005", -101, false, false}, // half away from zero
		{"1.0049", 100, false, false},
		{"4e+05", 40000000, false, false},
		{"5E5", 50000000, false, false},
		{"1.5e2", 15000, false, false},
		{"2e-2", 2, false, false},
		{"$-12", -1200, false, false},
		{"", 0, true, false},
		{"NA", 0, true, false},
		{"n/a", 0, true, false},
		{"-", 0, true, false},
		{"nfp", 0, true, false},
		{"12x4", 0, false, true},
		{"1,23", 0, false, true},
		{"12,3456", 0, false, true},
		{"1.2.3", 0, false, true},
		{"$", 0, false, true},
		{".", 0, false, true},
		{"99999999999999999999", 0, false, true},
		{"1e99", 0, false, true},
		{"abc", 0, false, true},
	} {
		got, empty, err := ParseCents(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: want error, got %d", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want || empty != tc.empty {
			t.Errorf("%q: got %d empty=%v err=%v; want %d empty=%v", tc.in, got, empty, err, tc.want, tc.empty)
		}
	}
}

func TestParseFixedPositions(t *testing.T) {
	for in, want := range map[string]int64{"0.4841": 4841, "-0.0012": -12, "6.3": 63000, "85": 850000} {
		got, _, err := ParseFixed(in, 4)
		if err != nil || got != want {
			t.Errorf("%q: got %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestFormatFixed(t *testing.T) {
	for _, tc := range []struct {
		v      int64
		places int
		want   string
	}{{0, 2, "0.00"}, {5, 2, "0.05"}, {-123456, 2, "-1234.56"}, {1148028811300, 2, "11480288113.00"}, {4841, 4, "0.4841"}, {-12, 4, "-0.0012"}, {7, 0, "7"}} {
		if got := FormatFixed(tc.v, tc.places); got != tc.want {
			t.Errorf("FormatFixed(%d, %d) = %q, want %q", tc.v, tc.places, got, tc.want)
		}
	}
}

func TestParseValue(t *testing.T) {
	for in, want := range map[string]float64{"1,341,733": 1341733, "97.5%": 97.5, "$12": 12, "220614487.8": 220614487.8} {
		got, empty, err := ParseValue(in)
		if err != nil || empty || got != want {
			t.Errorf("%q: got %v %v %v", in, got, empty, err)
		}
	}
	if _, _, err := ParseValue("many"); err == nil {
		t.Error("want error for text")
	}
	if _, empty, _ := ParseValue(""); !empty {
		t.Error("empty cell must be empty")
	}
}

// FuzzParseCents checks that whatever is accepted prints back to an
// amount that parses to the same cents.
func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"1234", "-5566", "$8,650.00", "(1,234.56)", "20000.0", "4e+05", "NA", "", "12x4", "1.005"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, empty, err := ParseCents(s)
		if err != nil || empty {
			return
		}
		back, empty2, err := ParseCents(FormatCents(c))
		if err != nil || empty2 || back != c {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, c, FormatCents(c), back, err)
		}
	})
}
