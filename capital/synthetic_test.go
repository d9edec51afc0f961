package capital

import (
	"reflect"
	"strings"
	"testing"
)

func TestSyntheticShape(t *testing.T) {
	m := Synthetic(SyntheticOptions{Seed: 3})
	if !strings.Contains(m.Name, "synthetic") {
		t.Errorf("name %q is not labelled synthetic", m.Name)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(m.Projects) != 500 || len(m.AreaLimits) != 30 || m.MinHighNeedShare != 0.4 || len(m.Budgets) != 1 {
		t.Fatalf("%d projects, %d area limits, share %v, %d budgets", len(m.Projects), len(m.AreaLimits), m.MinHighNeedShare, len(m.Budgets))
	}
	deps, citywide, multi := 0, 0, 0
	var total int64
	for _, p := range m.Projects {
		deps += len(p.Requires) + len(p.Excludes)
		if c := p.Cost[0]; c < 50_000_00 || c > 50_000_000_00 {
			t.Errorf("%s costs %s, outside $50k..$50M", p.ID, dollars(c))
		}
		total += p.Cost[0]
		switch len(p.Areas) {
		case 0:
			citywide++
		case 1:
		default:
			multi++
		}
	}
	if deps != 20 || citywide < 25 || citywide > 75 || multi < 30 || multi > 100 {
		t.Errorf("%d dependencies, %d citywide, %d multi-district projects", deps, citywide, multi)
	}
	if b := m.Budgets[0].Cents; b < total/5 || b > total/3 {
		t.Errorf("budget %s of %s", dollars(b), dollars(total))
	}
	if !reflect.DeepEqual(m, Synthetic(SyntheticOptions{Seed: 3})) || reflect.DeepEqual(m, Synthetic(SyntheticOptions{Seed: 4})) {
		t.Error("the generator is not a function of its seed")
	}
}
