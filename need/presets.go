package need

import (
	"embed"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

//go:embed presets/*.yaml
var presetFS embed.FS

// Presets lists the names of the embedded presets.
func Presets() []string {
	ents, _ := presetFS.ReadDir("presets")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// PresetYAML returns the YAML text of a preset.
func PresetYAML(name string) ([]byte, error) {
	b, err := presetFS.ReadFile("presets/" + name + ".yaml")
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "need: no preset %q; presets are: %s", name, strings.Join(Presets(), ", "))
	}
	return b, nil
}

// Preset returns a parsed preset.
func Preset(name string) (*Spec, error) {
	b, err := PresetYAML(name)
	if err != nil {
		return nil, err
	}
	return ParseSpec(name+".yaml", b)
}
