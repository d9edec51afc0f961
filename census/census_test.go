package census

import "testing"

func TestConventions(t *testing.T) {
	for _, s := range []string{"-666666666", "-999999999", "-888888888", "-222222222", "-333333333", "-555555555", " -666666666.0 "} {
		if !Missing(s) {
			t.Errorf("%q is a sentinel", s)
		}
	}
	for _, s := range []string{"", "-5", "666666666", "-666666665", "NA"} {
		if Missing(s) {
			t.Errorf("%q is not a sentinel", s)
		}
	}
	for _, c := range []struct {
		id, geo, want string
	}{{"6037101110", "tract", "06037101110"}, {"06037101110", "tract", "06037101110"}, {"603710111", "tract", "603710111"},
		{"6037", "county", "06037"}, {"1", "state", "01"}, {"60371011101", "block group", "060371011101"}, {"abc", "tract", "abc"}, {"6037101110", "", "6037101110"}} {
		g, _ := ParseGeography(c.geo)
		if got := Pad(c.id, g); got != c.want {
			t.Errorf("Pad(%q, %s) = %q, want %q", c.id, c.geo, got, c.want)
		}
	}
	for _, c := range []struct{ in, geo, id string }{
		{"1400000US06037101110", "tract", "06037101110"}, {"0500000US06037", "county", "06037"}, {"1500000US060371011101", "block group", "060371011101"},
		{"8600000US90012", "zip code tabulation area", "90012"}, {"06037101110", "", "06037101110"}, {"USA", "", "USA"}, {"x US1", "", "x US1"},
	} {
		g, id := SplitGEOID(c.in)
		if string(g) != c.geo || id != c.id {
			t.Errorf("SplitGEOID(%q) = %q %q, want %q %q", c.in, g, id, c.geo, c.id)
		}
	}
	if id, g, ok := Join("6", "37", "101110", ""); !ok || id != "06037101110" || g != Tract {
		t.Errorf("Join: %q %s %v", id, g, ok)
	}
	if id, g, ok := Join("06", "037", "101110", "1"); !ok || id != "060371011101" || g != BlockGroup {
		t.Errorf("Join with block group: %q %s %v", id, g, ok)
	}
	if _, _, ok := Join("06", "0037", "", ""); ok {
		t.Error("a county code of four digits joined")
	}
	for in, want := range map[string]string{"B19013_001E": "B19013_001M", "DP03_0128PE": "DP03_0128PM", "POP_E": "POP_M", "pop_e": "pop_m"} {
		if got, ok := PairedColumn(in); !ok || got != want {
			t.Errorf("PairedColumn(%q) = %q %v", in, got, ok)
		}
	}
	for _, in := range []string{"NAME", "PRICE", "E", "B19013_001M"} {
		if _, ok := PairedColumn(in); ok {
			t.Errorf("%q paired", in)
		}
	}
	if Base("B19013_001E") != "B19013_001" || Base("POP_E") != "POP" {
		t.Error("Base")
	}
	if g, ok := ParseGeography("Census Tracts"); !ok || g != Tract || g.Width() != 11 {
		t.Errorf("ParseGeography: %s %v", g, ok)
	}
}
