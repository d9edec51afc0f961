package city

import (
	"strings"
	"testing"
)

// TestLAMeasures reads the LA profile's services and measures: 20 measures
// (the shipped ten and LA's ten service lines), aliases that reach the
// 311 API's names, published targets that cite the budget, and every
// other target marked illustrative.
func TestLAMeasures(t *testing.T) {
	p, err := Builtin("la")
	if err != nil {
		t.Fatal(err)
	}
	set := p.Measures()
	if n := len(set.Measures); n != 20 {
		t.Fatalf("%d measures, want 20: %v", n, set.IDs())
	}
	sv := p.Services
	if sv.Canonical("Graffiti") != "Graffiti Removal" || sv.Canonical("graffiti removal") != "Graffiti Removal" || sv.Canonical("Unknown") != "Unknown" {
		t.Fatal("aliases")
	}
	if l := sv.Level("Graffiti"); l == nil || l.Days != 2 || l.Illustrative || !strings.Contains(l.Source, "74GRAFFITI") {
		t.Fatalf("graffiti level %+v", l)
	}
	if tg, ok := sv.TargetFor("graffiti_on_time", ""); !ok || tg.Value != 0.75 || tg.Illustrative {
		t.Fatalf("graffiti target %+v", tg)
	}
	if tg, ok := sv.PublishedTarget("lafd_response", "ems_travel_minutes"); !ok || tg.Value != 4 || !strings.Contains(tg.Source, "38EMSTRAVEL") {
		t.Fatalf("EMS target %+v", tg)
	}
	for _, tg := range sv.Targets {
		if !tg.Illustrative && !strings.Contains(tg.Source, "LA FY2021-22 adopted budget") {
			t.Errorf("target %s is neither sourced from the budget nor illustrative", tg.Measure)
		}
	}
}

// TestServicesErrors: a target for an unknown measure and a service level
// with neither days nor working days are refused with their line.
func TestServicesErrors(t *testing.T) {
	base := "version: 1\nname: X\nlayers:\n  - {name: d, role: reporting}\n"
	for _, c := range []struct{ yaml, want string }{
		{base + "services:\n  targets:\n    - {measure: nope, value: 1, illustrative: true}\n", "nope"},
		{base + "services:\n  request_types:\n    - {name: A, on_time: {source: s}}\n", "either days"},
		{base + "services:\n  targets:\n    - {measure: median_days, value: 1}\n", "illustrative"},
		{base + "services:\n  area_codes:\n    - {field: cd, layer: missing}\n", "layer"},
		{base + "measures:\n  version: 1\n  measures:\n    - {id: x, kind: wrong}\n", "kind"},
	} {
		_, err := Parse("p.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.yaml, err, c.want)
		}
	}
}
