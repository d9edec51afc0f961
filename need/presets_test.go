package need

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

func TestPresetsParse(t *testing.T) {
	names := Presets()
	if len(names) != 6 {
		t.Fatalf("presets %v, want 6", names)
	}
	for _, n := range names {
		if _, err := Preset(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := Preset("nope"); err == nil {
		t.Fatal("unknown preset accepted")
	}
}

// FuzzParseSpec: any YAML either parses to a valid spec or gives an
// EINVALID error; a parsed spec computes on a small table without
// panicking.
func FuzzParseSpec(f *testing.F) {
	for _, n := range Presets() {
		b, _ := PresetYAML(n)
		f.Add(b)
	}
	f.Add([]byte("name: x\nversion: '1'\nmethod: composite\nnormalise: {method: zscore}\nindicators: [{name: a}]\ncomponents: [{name: c, domains: [{name: d, indicators: [a]}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec("fuzz.yaml", data)
		if err != nil {
			if budget.ErrorCode(err) != budget.EINVALID {
				t.Fatalf("error kind: %v", err)
			}
			return
		}
		if len(s.Indicators) > 50 {
			return
		}
		var b strings.Builder
		b.WriteString("area_id")
		for _, ind := range s.Indicators {
			col := ind.Column
			if col == "" {
				col = ind.Name
			}
			b.WriteString("," + strings.NewReplacer(",", " ", "\"", " ", "\n", " ").Replace(col))
		}
		b.WriteString("\n1")
		for range s.Indicators {
			b.WriteString(",1")
		}
		b.WriteString("\n2")
		for range s.Indicators {
			b.WriteString(",2")
		}
		b.WriteString("\n")
		p := filepath.Join(t.TempDir(), "t.csv")
		os.WriteFile(p, []byte(b.String()), 0o644)
		tab, err := ReadTable(p, ReadOptions{})
		if err != nil {
			return
		}
		Compute(s, tab, Options{})
	})
}
