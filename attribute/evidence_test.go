package attribute

import (
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
