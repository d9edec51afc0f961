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
