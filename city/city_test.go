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
