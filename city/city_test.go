package city

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
)

func TestLAProfile(t *testing.T) {
	p, err := Builtin("la")
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultLayer() != "council_districts" || p.Rules() == nil || p.Rules().Name != "la_demo" || len(p.Rules().Rules) < 10 {
		t.Fatalf("%+v", p)
	}
}

func TestTemplateParses(t *testing.T) {
	p, err := Parse("city.yaml", Template())
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultLayer() != "districts" || p.Rules() == nil || len(p.Rules().Rules) != 2 {
		t.Fatalf("%+v", p)
	}
	if _, err := attribute.ParseRules(attribute.Template(), "rules.yaml"); err != nil {
		t.Fatal(err)
	}
}

// TestBrokenProfileNamesItsLine: errors name the profile's line, in the
// profile's own part and in the inline rules.
func TestBrokenProfileNamesItsLine(t *testing.T) {
	good := string(Template())
	lines := strings.Split(good, "\n")
	find := func(prefix string) int {
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("template lacks %q", prefix)
		return -1
	}
	for _, tc := range []struct {
		name, from, to string
	}{
		{"unknown key", "currency: USD", "curency: USD"},
		{"bad month", "fiscal_year_start: 7", "fiscal_year_start: 13"},
		{"bad rule method", "      method: per_capita", "      method: per_person"},
		{"bad role", "    role: small_areas", "    role: tiny_areas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := find(tc.from)
			broken := append([]string{}, lines...)
			broken[i] = tc.to
			_, err := Parse("city.yaml", []byte(strings.Join(broken, "\n")))
			var ie *budget.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%v: not an input error", err)
			}
			// the rule's error names the rule's line; the others their own
			if ie.Line == 0 || ie.Line > i+1 || ie.Line < i-6 {
				t.Fatalf("error at line %d, the change is on line %d: %v", ie.Line, i+1, err)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("city.yaml:%d", ie.Line)) {
				t.Fatalf("message %q", err)
			}
		})
	}
}

// TestSitesAndVolumeErrors: a project-list site entry needs a cost column
// and no point or count columns; a site list may be a proxy but not
// assumed; a demo volume needs real requests to expand and its columns.
func TestSitesAndVolumeErrors(t *testing.T) {
	base := string(Template())
	for _, tc := range []struct{ add, want string }{
		{"sites:\n  - {name: p, file: p.geojson, plan: {name: Title}}\n", "plan.cost"},
		{"sites:\n  - {name: p, file: p.geojson, plan: {cost: Cost}, lon: X, lat: Y}\n", "sites[0].plan"},
		{"sites:\n  - {name: p, file: p.csv, lon: X, lat: Y, evidence: assumed}\n", "sites[0].evidence"},
		{"sites:\n  - {name: p, file: p.geojson, plan: {cost: Cost}, apart_above: -1}\n", "apart_above"},
		{"demo:\n  events: {points: t.csv, volume: {file: v.csv, key: nc, count: n}}\n", "demo.events.volume"},
		{"demo:\n  events: {file: r.csv, volume: {file: v.csv, key: nc}}\n", "demo.events.volume"},
		{"demo:\n  events: {file: r.csv, volume: {file: v.csv, key: nc, count: n, field: zip}}\n", "demo.events.volume.field"},
	} {
		_, err := Parse("city.yaml", []byte(base+"\n"+tc.add))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error naming %s", tc.add, err, tc.want)
		}
	}
	p, err := Parse("city.yaml", []byte(base+"\nsites:\n  - {name: p, file: p.geojson, plan: {name: Title, cost: Cost}, project: Title, exclude: {Status: [Closed]}, apart_above: 100000000, evidence: proxy}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Sites[0]; s.Plan == nil || s.Plan.Cost != "Cost" || s.ApartAbove != 1e8 || s.Exclude["Status"][0] != "Closed" {
		t.Errorf("site list %+v", s)
	}
}
