package budget

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  int64
		empty bool
		err   error // nil: accepted
	}{
		{"1234", 123400, false, nil},
		{"-5566", -556600, false, nil},
		{"$8,650.00", 865000, false, nil},
		{"(1,234.56)", -123456, false, nil},
		{"( $1,234.56 )", -123456, false, nil},
		{"-$5", -500, false, nil},
		{"$-5", -500, false, nil},
		{"$ 783,000", 78300000, false, nil},
		{"+12", 1200, false, nil},
		{".5", 50, false, nil},
		{"1.005", 101, false, nil},
		{"-1.005", -101, false, nil},
		{"4e+05", 40000000, false, nil},
		{"2e-2", 2, false, nil},
		{"0.05e1", 50, false, nil},
		{"1234567.8899999999", 123456789, false, nil}, // a stored XLSX double
		{"9999999999999999.99", MaxUnits, false, nil},
		{"-9999999999999999.99", -MaxUnits, false, nil},
		{"", 0, true, nil},
		{" NA ", 0, true, nil},
		{"-", 0, true, nil},
		// one sign, written once
		{"--5", 0, false, ErrNotAmount},
		{"-$-5", 0, false, ErrNotAmount},
		{"(-5)", 0, false, ErrNotAmount},
		{"-(5)", 0, false, ErrNotAmount},
		{"(+5)", 0, false, ErrNotAmount},
		{"+-5", 0, false, ErrNotAmount},
		{"$$5", 0, false, ErrNotAmount},
		{"5-", 0, false, ErrNotAmount},
		// range
		{"92233720368547758.08", 0, false, ErrAmountRange},
		{"10000000000000000", 0, false, ErrAmountRange},
		{"9999999999999999.995", 0, false, ErrAmountRange},
		{"1e17", 0, false, ErrAmountRange},
		{"1e99", 0, false, ErrAmountRange},
		// syntax
		{"12x4", 0, false, ErrNotAmount},
		{"1,23", 0, false, ErrNotAmount},
		{"1.2.3", 0, false, ErrNotAmount},
		{"$", 0, false, ErrNotAmount},
		{".", 0, false, ErrNotAmount},
		{"1e", 0, false, ErrNotAmount},
		{"1e123", 0, false, ErrNotAmount},
		{"1,000e3", 0, false, ErrNotAmount},
		{"\x005", 0, false, ErrNotAmount},
	} {
		got, empty, err := ParseAmount(tc.in, 2)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%q: got %d, %v; want %v", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || empty != tc.empty {
			t.Errorf("%q: got %d empty=%v err=%v; want %d empty=%v", tc.in, got, empty, err, tc.want, tc.empty)
		}
	}
}

func TestSumRefusesOverflow(t *testing.T) {
	var s Sum
	if err := s.Add(MaxUnits); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(1); !errors.Is(err, ErrAmountRange) || s.Units() != MaxUnits {
		t.Fatalf("sum past the range: %v, sum %d", err, s.Units())
	}
	if err := s.Add(-MaxUnits); err != nil || s.Units() != 0 || s.Count() != 2 {
		t.Fatalf("back to zero: %v %d %d", err, s.Units(), s.Count())
	}
	if err := s.Add(math.MinInt64); !errors.Is(err, ErrAmountRange) {
		t.Fatalf("an amount out of range is refused: %v", err)
	}
}

func TestInputErrorShortensLongValues(t *testing.T) {
	e := &InputError{File: "x.csv", Line: 2, Value: strings.Repeat("a", 10000)}
	if msg := e.Error(); len(msg) > 400 || !strings.Contains(msg, "10000 bytes") {
		t.Fatalf("message of %d bytes: %.100s", len(msg), msg)
	}
}

// FuzzParseAmount: whatever is accepted is within range and prints back
// to text that parses to the same units; what is refused says why.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1234", "-5566", "$8,650.00", "(1,234.56)", "20000.0", "4e+05", "NA", "", "12x4", "1.005",
		"--5", "-$-5", "(-5)", "92233720368547758.08", "9999999999999999.99", "$ 783,000"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, places uint8) {
		pl := int(places % 7)
		u, empty, err := ParseAmount(s, pl)
		if err != nil {
			var ae *AmountError
			if !errors.As(err, &ae) || ae.Reason == "" || !(errors.Is(err, ErrNotAmount) || errors.Is(err, ErrAmountRange)) {
				t.Fatalf("%q: error %v is not an AmountError", s, err)
			}
			return
		}
		if empty {
			return
		}
		if u > MaxUnits || u < -MaxUnits {
			t.Fatalf("%q: %d beyond range", s, u)
		}
		back, empty2, err := ParseAmount(FormatUnits(u, pl), pl)
		if err != nil || empty2 || back != u {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, u, FormatUnits(u, pl), back, err)
		}
	})
}
