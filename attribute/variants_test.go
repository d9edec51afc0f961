package attribute

import (
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

// TestSplitCentsLargestRemainderOrder: 10 cents over 0.11, 0.45 and 0.44
// have quotas 1.1, 4.5 and 4.4; the floors give 1 + 4 + 4 = 9 and the last
// cent goes to the largest fractional part (0.5), so 1 / 5 / 4.
func TestSplitCentsLargestRemainderOrder(t *testing.T) {
	parts, rest := SplitCents(10, []float64{0.11, 0.45, 0.44}, 0)
	if parts[0] != 1 || parts[1] != 5 || parts[2] != 4 || rest != 0 {
		t.Fatalf("got %v rest %d, want [1 5 4] rest 0", parts, rest)
	}
	// the same with the unattributed remainder as the largest fraction
	parts, rest = SplitCents(10, []float64{0.11, 0.44}, 0.45)
	if parts[0] != 1 || parts[1] != 4 || rest != 5 {
		t.Fatalf("with rest: got %v rest %d, want [1 4] rest 5", parts, rest)
	}
}

// line3 is a layer of three point areas with populations 100, 300 and 600.
func line3() *Areas {
	l := &geo.Layer{Name: "three"}
	for i, p := range []float64{100, 300, 600} {
		l.Areas = append(l.Areas, geo.Area{ID: string(rune('a' + i)), Point: orb.Point{float64(i), 0}, Population: p})
	}
	return NewAreas(l, nil)
}

const classRules = `version: 1
name: classes
classes:
  - {name: debt service, kind: excluded, match: {account: ["Interest*", "*- Principal"]}, reason: debt service pays for past borrowing}
  - {name: capital, kind: capital, match: {account: [Capital Equipment Purchases]}}
  - {name: benefits, kind: excluded, match: [{department: [HR]}, {account: [Medicare Contributions]}], reason: benefits follow the staff}
default: {method: not_attributable, reason: no rule}
rules:
  - name: people
    match: {department: [A]}
    method: per_capita
    variants:
      - {name: equal shares, method: per_asset, attribute: one}
  - name: by-account
    match: {department: [A], account: ["Interest Expense"]}
    method: per_capita
`

// TestPerCapitaProportional: a per-resident rule splits an amount in
// proportion to the areas' populations (100:300:600 of $10.00), and the
// residents outside every area keep their share out of the areas.
func TestPerCapitaProportional(t *testing.T) {
	r, err := ParseRules([]byte(classRules), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := line3()
	res, err := Attribute([]Item{{ID: "x", DeptCode: "A", AccountName: "Salaries", Cents: 1000}}, r, a)
	if err != nil {
		t.Fatal(err)
	}
	if res.ByArea[0] != 100 || res.ByArea[1] != 300 || res.ByArea[2] != 600 {
		t.Fatalf("per capita: %v, want [100 300 600]", res.ByArea)
	}
	a.Outside, a.OutsideReason = 1000, "residents outside every area"
	res, err = Attribute([]Item{{ID: "x", DeptCode: "A", AccountName: "Salaries", Cents: 1000}}, r, a)
	if err != nil {
		t.Fatal(err)
	}
	if res.ByArea[0] != 50 || res.ByArea[1] != 150 || res.ByArea[2] != 300 || res.Total.Unattributed != 500 || res.Unattributed[0].Reason != "residents outside every area" {
		t.Fatalf("with 1,000 residents outside: %v, unattributed %d %+v", res.ByArea, res.Total.Unattributed, res.Unattributed)
	}
}

// TestClassesBeforeRules: an account of an excluded class is not placed
// even where a more specific rule would place it; capital is placed and
// marked; everything else is operating.
func TestClassesBeforeRules(t *testing.T) {
	r, err := ParseRules([]byte(classRules), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	items := []Item{
		{ID: "int", DeptCode: "A", AccountName: "Interest Expense", Cents: 700},
		{ID: "gob", DeptCode: "A", AccountName: "GOB Debt Service - Principal", Cents: 300},
		{ID: "cap", DeptCode: "A", AccountName: "Capital Equipment Purchases", Cents: 1000},
		{ID: "op", DeptCode: "A", AccountName: "Salaries", Cents: 2000},
		{ID: "own", DeptCode: "A", AccountName: "Interest Expense", Cents: 50, AreaCodes: "a", OwnCodes: true},
		{ID: "med", DeptCode: "A", AccountName: "Medicare Contributions", Cents: 40},
		{ID: "hr", DeptCode: "HR", AccountName: "Salaries", Cents: 20},
	}
	res, err := Attribute(items, r, line3())
	if err != nil {
		t.Fatal(err)
	}
	if res.ByClass["debt service"] != 1050 || res.ByClass["capital"] != 1000 || res.ByClass[Operating] != 2000 || res.ByClass["benefits"] != 60 {
		t.Fatalf("by class: %v", res.ByClass)
	}
	if res.Total.Attributed != 3000 || res.Total.Unattributed != 1110 {
		t.Fatalf("attributed %d unattributed %d, want 3000 and 1110", res.Total.Attributed, res.Total.Unattributed)
	}
	for _, u := range res.Unattributed {
		if u.Class == "benefits" && u.Rule == "class: benefits" {
			continue
		}
		if u.Class != "debt service" || u.Rule != "class: debt service" || u.Reason != "debt service pays for past borrowing" {
			t.Fatalf("unattributed %+v", u)
		}
	}
	for _, p := range res.Placements {
		if want := map[string]string{"cap": "capital", "op": Operating}[p.Item]; p.Class != want {
			t.Fatalf("placement %+v: class %q, want %q", p, p.Class, want)
		}
	}
}

func TestVariantsAndRestrict(t *testing.T) {
	r, err := ParseRules([]byte(classRules), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	vs := r.Variants()
	if len(vs) != 1 || vs[0].Rule != "people" || vs[0].Variant != "equal shares" || vs[0].Base != "per resident" {
		t.Fatalf("variants %+v", vs)
	}
	alt, err := r.WithVariant("people", "equal shares")
	if err != nil {
		t.Fatal(err)
	}
	a := line3()
	a.Assets["one"] = []float64{1, 1, 1}
	res, err := Attribute([]Item{{ID: "x", DeptCode: "A", Cents: 900}}, alt, a)
	if err != nil {
		t.Fatal(err)
	}
	if res.ByArea[0] != 300 || res.ByArea[1] != 300 || res.ByArea[2] != 300 {
		t.Fatalf("variant equal shares: %v", res.ByArea)
	}
	if got := alt.Select(&Item{DeptCode: "A"}); got.Variant() != "equal shares" || got.Describe() != "equal shares" {
		t.Fatalf("swapped rule %+v", got)
	}
	if r.Rules[0].Method != PerCapita { // the original is untouched
		t.Fatalf("WithVariant changed the rules it copied: %s", r.Rules[0].Method)
	}
	if _, err := r.WithVariant("people", "nope"); err == nil {
		t.Fatal("an unknown variant must be an error")
	}
	only := r.Restrict(func(ru *Rule) bool { return ru.Name != "people" }, "proxy rules left out")
	res, err = Attribute([]Item{{ID: "x", DeptCode: "A", Cents: 900}}, only, line3())
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Attributed != 0 || res.Unattributed[0].Reason != "proxy rules left out" {
		t.Fatalf("restricted: %+v", res.Unattributed)
	}
}

func TestClassAndVariantErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"classes:\n  - {name: x, kind: odd, match: {account: [a]}}\n", "kind"},
		{"classes:\n  - {name: x, kind: excluded, match: {account: [a]}}\n", "reason"},
		{"classes:\n  - {name: x, kind: capital}\n", "match"},
		{"classes:\n  - {name: x, kind: capital, match: {request: [a]}}\n", "match"},
		{"rules:\n  - {name: r, match: {department: [A]}, method: per_capita, variants: [{name: v, method: per_asset}]}\n", "attribute"},
		{"rules:\n  - {name: r, match: {department: [A]}, method: per_capita, variants: [{method: per_capita}]}\n", "variants[0].name"},
	} {
		_, err := ParseRules([]byte("version: 1\nname: t\n"+tc.yaml), "bad.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %q", tc.yaml, err, tc.want)
		}
	}
}
