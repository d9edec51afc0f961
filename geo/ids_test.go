package geo

import "testing"

// TestIDKey covers the edge cases of the copies it replaced: tract GEOIDs
// with and without the state's leading zero (need runs, ACS tables),
// district codes "05"/"5" (attribution), ids of zeros only, surrounding
// spaces (hand-typed CSV), and ids that must stay apart (letter case counts).
func TestIDKey(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"06037101110", "6037101110", true},
		{"05", "5", true},
		{" 5 ", "5", true},
		{"005", "05", true},
		{"0", "000", true},
		{"00", "0", true},
		{"cw", "CW", false},
		{"Arleta NC", "Arleta NC ", true},
		{"", "", true},
		{"", "0", false},
		{"5", "50", false},
		{"10", "1", false},
		{"0A", "A", true},
		{"A0", "A", false},
	} {
		if got := SameID(tc.a, tc.b); got != tc.same {
			t.Errorf("SameID(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	if IDKey("000") != "0" || IDKey("") != "" || IDKey(" 007 ") != "7" {
		t.Fatalf("IDKey: %q %q %q", IDKey("000"), IDKey(""), IDKey(" 007 "))
	}
}
