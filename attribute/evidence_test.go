package attribute

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

const evidenceRules = `version: 1
name: evidence
default: {method: not_attributable, reason: no rule}
rules:
  - name: loans
    match: {department: [H]}
    method: per_asset
    attribute: loans
    evidence: location
    fallback: per_capita
  - name: requests
    match: {department: [S]}
    method: per_demand
    event_types: [Bulky Items]
  - name: people
    match: {department: [P]}
    method: per_capita
  - name: parks
    match: {department: [R]}
    method: per_asset
    attribute: acres
    evidence: service
    variants:
      - {name: per resident, method: per_capita}
`

// TestEvidenceClasses: a declared class holds for the rule's own method; a
// fallback takes its method's class (per resident: proxy); requests are
// service evidence unless synthetic (then assumed); the classes with the
// unplaced cents add up to the total, and EvidenceOnly keeps only the
// location and service rules, without their fallbacks.
func TestEvidenceClasses(t *testing.T) {
	r, err := ParseRules([]byte(evidenceRules), "e.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items := []Item{{ID: "h", DeptCode: "H", Cents: 1000}, {ID: "s", DeptCode: "S", Cents: 600}, {ID: "p", DeptCode: "P", Cents: 300}, {ID: "r", DeptCode: "R", Cents: 100}}
	for _, tc := range []struct {
		name      string
		loans     bool
		synthetic bool
		want      map[string]int64
	}{
		{"loan sites, real requests", true, false, map[string]int64{EvidenceLocation: 1000, EvidenceService: 700, EvidenceProxy: 300}},
		{"no loan sites: the fallback is a proxy", false, false, map[string]int64{EvidenceService: 700, EvidenceProxy: 1300}},
		{"synthetic requests are assumed", true, true, map[string]int64{EvidenceLocation: 1000, EvidenceService: 100, EvidenceProxy: 300, EvidenceAssumed: 600}},
	} {
		a := line3()
		a.Assets["acres"] = []float64{1, 1, 2}
		if tc.loans {
			a.Assets["loans"] = []float64{0, 5, 0}
		}
		a.Demand["Bulky Items"] = []float64{3, 0, 0}
		a.SyntheticDemand = tc.synthetic
		res, err := Attribute(items, r, a)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, e := range EvidenceClasses {
			if res.Total.ByEvidence[e] != tc.want[e] {
				t.Errorf("%s: %s = %d, want %d (all %v)", tc.name, e, res.Total.ByEvidence[e], tc.want[e], res.Total.ByEvidence)
			}
			sum += res.Total.ByEvidence[e]
		}
		if sum+res.Total.Unattributed != res.Total.Total {
			t.Errorf("%s: classes %d + unplaced %d != total %d", tc.name, sum, res.Total.Unattributed, res.Total.Total)
		}
	}
	a := line3()
	a.Assets["acres"] = []float64{1, 1, 2}
	ev := r.EvidenceOnly(a, "weak")
	kept := map[string]string{}
	for _, ru := range ev.Rules {
		kept[ru.Name] = ru.Method + "/" + ru.Fallback
	}
	want := map[string]string{"loans": "per_asset/", "requests": "per_demand/", "people": "not_attributable/", "parks": "per_asset/"}
	for k, v := range want {
		if kept[k] != v {
			t.Errorf("evidence only: rule %s is %s, want %s", k, kept[k], v)
		}
	}
	a.SyntheticDemand = true
	for _, ru := range r.EvidenceOnly(a, "weak").Rules {
		if ru.Name == "requests" && ru.Method != NotAttributable {
			t.Errorf("evidence only keeps the rule placing by synthetic requests")
		}
	}
}

// TestEvidenceErrors: an unknown class and a per-resident rule claiming
// location or service evidence are refused with the rule named.
func TestEvidenceErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"version: 1\nrules:\n  - {name: x, match: {department: [A]}, method: per_asset, attribute: a, evidence: strong}\n", "location, service, proxy or assumed"},
		{"version: 1\nrules:\n  - {name: x, match: {department: [A]}, method: per_capita, evidence: service}\n", "at best a proxy"},
		{"version: 1\nrules:\n  - {name: x, match: {department: [A]}, method: per_capita, variants: [{name: v, method: per_capita, evidence: location}]}\n", "at best a proxy"},
		{"version: 1\nrules:\n  - {name: x, match: {department: [A]}, method: not_attributable, evidence: proxy}\n", "places nothing"},
	} {
		_, err := ParseRules([]byte(tc.yaml), "e.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "e.yaml") {
			t.Errorf("%q: got %v, want an error naming the file and %q", tc.yaml, err, tc.want)
		}
	}
}

// TestAddSites: a point counts in the area holding it, a polygon is split
// by its area in each, and what lies outside every area is returned.
func TestAddSites(t *testing.T) {
	sq := func(x0 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, 0}, {x0 + 1, 0}, {x0 + 1, 1}, {x0, 1}, {x0, 0}}}}
	}
	l := &geo.Layer{Name: "two", Areas: []geo.Area{{ID: "a", Geom: sq(0), Population: 1}, {ID: "b", Geom: sq(1), Population: 1}}}
	a := NewAreas(l, geo.NewIndex(l))
	out := a.AddSites("w", []Site{
		{Geom: orb.Point{0.5, 0.5}, Weight: 10},
		{Geom: orb.Polygon{{{0.5, 0.2}, {1.5, 0.2}, {1.5, 0.4}, {0.5, 0.4}, {0.5, 0.2}}}, Weight: 4},
		{Geom: orb.Point{5, 5}, Weight: 7},
	})
	v := a.Assets["w"]
	if math.Abs(v[0]-12) > 1e-6 || math.Abs(v[1]-2) > 1e-6 || math.Abs(out-7) > 1e-9 {
		t.Fatalf("weights %v outside %v, want [12 2] and 7", v, out)
	}
	// $21.00 over weights 12, 2 and 7 outside: $12.00, $2.00, $7.00 unplaced
	r, err := ParseRules([]byte("version: 1\nrules:\n  - {name: w, match: {department: [A]}, method: per_asset, attribute: w, evidence: location}\n"), "w.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Attribute([]Item{{ID: "i", DeptCode: "A", Cents: 2100}}, r, a)
	if err != nil {
		t.Fatal(err)
	}
	if res.ByArea[0] != 1200 || res.ByArea[1] != 200 || res.Total.Unattributed != 700 || !strings.Contains(res.Unattributed[0].Reason, "outside every area") {
		t.Fatalf("placed %v, unplaced %d (%+v)", res.ByArea, res.Total.Unattributed, res.Unattributed)
	}
}

// TestSumsMatched: the matching of a rule set, reused for its variants and
// its evidence-only copy, gives the sums matching afresh gives.
func TestSumsMatched(t *testing.T) {
	r, err := ParseRules([]byte(evidenceRules), "e.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items := []Item{{ID: "h", DeptCode: "H", Cents: 1001}, {ID: "s", DeptCode: "S", Cents: 603}, {ID: "p", DeptCode: "P", Cents: 307}, {ID: "r", DeptCode: "R", Cents: 109}, {ID: "x", DeptCode: "X", Cents: 5}}
	a := line3()
	a.Assets["acres"], a.Assets["loans"] = []float64{1, 1, 2}, []float64{0, 5, 1}
	a.Demand["Bulky Items"] = []float64{3, 1, 0}
	m := r.Match(items)
	v, err := r.WithVariant("parks", "per resident")
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range []*Rules{r, v, r.EvidenceOnly(a, "weak")} {
		want, err := Sums(items, rs, a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := SumsMatched(items, rs, m, a)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want.ByArea {
			if got.ByArea[i] != want.ByArea[i] {
				t.Errorf("area %d: matched once %d, afresh %d", i, got.ByArea[i], want.ByArea[i])
			}
		}
		if got.Total.Unattributed != want.Total.Unattributed || got.Total.ByEvidence[EvidenceProxy] != want.Total.ByEvidence[EvidenceProxy] {
			t.Errorf("totals: matched once %+v, afresh %+v", got.Total, want.Total)
		}
	}
}

const officeRules = `version: 1
name: offices
default: {method: not_attributable, reason: no rule}
rules:
  - name: offices
    match: {department: [C]}
    method: area_codes
    codes: "1, 2, 3"
    codes_layer: districts
    fallback: per_capita
    variants:
      - {name: per resident, method: per_capita}
  - name: stated
    match: {department: [S]}
    method: area_codes
    codes: "1:20, 3:80"
    evidence: location
`

// TestRuleCodes: a rule's own codes place items without codes of their
// own, equally (or in stated shares), as one pool, on the layer they name
// or through it on a finer one (by population), and the dollars are
// assumed unless the rule declares a class; a row's own codes keep theirs.
// Its variants drop the codes with the method.
func TestRuleCodes(t *testing.T) {
	r, err := ParseRules([]byte(officeRules), "o.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// the districts themselves: equal thirds, within a cent, as one pool
	d := &geo.Layer{Name: "districts"}
	for i, id := range []string{"1", "2", "3"} {
		d.Areas = append(d.Areas, geo.Area{ID: id, Point: orb.Point{float64(i), 0}, Population: float64(100 * (i + 1))})
	}
	var items []Item
	for i := 0; i < 7; i++ {
		items = append(items, Item{ID: fmt.Sprint("c", i), DeptCode: "C", Cents: 101})
	}
	items = append(items, Item{ID: "own", DeptCode: "C", Cents: 90, AreaCodes: "2"}, Item{ID: "s", DeptCode: "S", Cents: 1000})
	res, err := Attribute(items, r, NewAreas(d, nil))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int64{}
	ev := map[string]int64{}
	for _, p := range res.Placements {
		if p.Rule == "offices" {
			by[p.AreaID] += p.Cents
		}
		ev[p.Evidence] += p.Cents
	}
	// 707 cents in thirds (236, 236, 235) and the row's own 90 in district 2
	if by["1"] != 236 || by["2"] != 236+90 || by["3"] != 235 {
		t.Errorf("offices by district %v, want 236, 326, 235", by)
	}
	if ev[EvidenceAssumed] != 707 || ev[EvidenceLocation] != 90+1000 {
		t.Errorf("evidence %v: the rule's own codes are assumed (707), the row's own and the declared ones location (1090)", ev)
	}
	// a finer layer: district 1's third to its two areas by population
	fine := &geo.Layer{Name: "fine"}
	for i, p := range []float64{100, 300, 500, 600} {
		fine.Areas = append(fine.Areas, geo.Area{ID: fmt.Sprint("f", i), Point: orb.Point{[]float64{-0.1, 0.1, 1, 2}[i], 0}, Population: p})
	}
	dl := &geo.Layer{Name: "districts"}
	for i, id := range []string{"1", "2", "3"} {
		x := float64(i)
		dl.Areas = append(dl.Areas, geo.Area{ID: id, Geom: orb.MultiPolygon{{{{x - 0.5, -1}, {x + 0.5, -1}, {x + 0.5, 1}, {x - 0.5, 1}, {x - 0.5, -1}}}}})
	}
	a := NewAreas(fine, nil)
	a.CodesOfLayer(dl)
	res, err = Attribute([]Item{{ID: "c", DeptCode: "C", Cents: 3000}}, r, a)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, p := range res.Placements {
		got[p.AreaID] = p.Cents
	}
	if got["f0"] != 250 || got["f1"] != 750 || got["f2"] != 1000 || got["f3"] != 1000 {
		t.Errorf("through the districts %v, want f0 250, f1 750, f2 1000, f3 1000", got)
	}
	// without the districts stored, the fallback places them per resident
	res, err = Attribute([]Item{{ID: "c", DeptCode: "C", Cents: 1500}}, r, NewAreas(fine, nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.ByMethod[PerCapita] != 1500 || len(res.Fallbacks) == 0 || !strings.Contains(res.Fallbacks[0].Reason, "layer districts") {
		t.Errorf("without the codes' layer: %+v, fallbacks %+v", res.Total, res.Fallbacks)
	}
	// the per-resident variant has no codes
	v, err := r.WithVariant("offices", "per resident")
	if err != nil {
		t.Fatal(err)
	}
	if ru := v.Select(&items[0]); ru.Method != PerCapita || ru.Codes != "" || ru.EvidenceOf(nil) != EvidenceProxy {
		t.Errorf("variant %+v", ru)
	}
	if ru := r.Select(&items[0]); ru.EvidenceOf(nil) != EvidenceAssumed {
		t.Errorf("the rule's class is %s, want assumed", ru.EvidenceOf(nil))
	}
	for _, bad := range []string{
		"version: 1\nname: x\nrules:\n  - {name: a, match: {department: [A]}, method: per_capita, codes: \"1\"}\n",
		"version: 1\nname: x\nrules:\n  - {name: a, match: {department: [A]}, method: area_codes, codes: \"1:x\"}\n",
		"version: 1\nname: x\nrules:\n  - {name: a, match: {department: [A]}, method: area_codes, codes_layer: d}\n",
	} {
		if _, err := ParseRules([]byte(bad), "b.yaml"); err == nil || !strings.Contains(err.Error(), "b.yaml:4") || !strings.Contains(err.Error(), "codes") {
			t.Errorf("%q: got %v, want an error at b.yaml:4 about codes", bad, err)
		}
	}
}
