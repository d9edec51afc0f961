package city

import (
	"fmt"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/capital/projects"
)

// Capital says how the city's capital plans are read and placed.
type Capital struct {
	// Split is how a project coded with several areas is divided among
	// them: population (the default), equal, or attribute:NAME (a numeric
	// attribute of the layer's areas, such as street miles).
	Split string `yaml:"split"`
	// ApartAbove, in dollars: projects costing at least this much are
	// reported apart, not placed (regional megaprojects that would swamp
	// every per-resident figure). 0: none.
	ApartAbove float64 `yaml:"apart_above"`
	// Mappings are column mappings of the city's project lists, by name,
	// for budgetlens capital import --mapping NAME.
	Mappings map[string]projects.Mapping `yaml:"mappings"`
}

// DemoCapital is a capital plan the demo imports, analyses and optimises.
type DemoCapital struct {
	File    string `yaml:"file"`
	Plan    string `yaml:"plan"`
	Mapping string `yaml:"mapping"`
	// Title and Note describe the plan in the report.
	Title string `yaml:"title"`
	Note  string `yaml:"note"`
	// Scenarios are optimised and saved under their names.
	Scenarios []DemoScenario `yaml:"scenarios"`
}

// DemoScenario is one saved selection of the demo.
type DemoScenario struct {
	Name string `yaml:"name"`
	// Budget is the amount available ("$10,000,000"); BudgetColumn the
	// column it limits (a local match), default the cost.
	Budget       string `yaml:"budget"`
	BudgetColumn string `yaml:"budget_column"`
	// Benefit is the column maximised, or count or cost.
	Benefit          string  `yaml:"benefit"`
	MinHighNeedShare float64 `yaml:"min_high_need_share"`
	Note             string  `yaml:"note"`
}

// Mapping returns a named column mapping of the profile.
func (p *Profile) Mapping(name string) (projects.Mapping, bool) {
	if p.Capital == nil {
		return projects.Mapping{}, false
	}
	m, ok := p.Capital.Mappings[name]
	return m, ok
}

// MappingNames lists the profile's column mappings.
func (p *Profile) MappingNames() []string {
	if p.Capital == nil {
		return nil
	}
	var out []string
	for k := range p.Capital.Mappings {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkCapital validates the capital section.
func (p *Profile) checkCapital() error {
	c := p.Capital
	if c != nil {
		rule, attr, _ := strings.Cut(c.Split, ":")
		switch {
		case rule == "" || rule == "population" || rule == "equal":
		case rule == "attribute" && attr != "":
		default:
			return p.bad("capital.split", c.Split, "population, equal or attribute:NAME")
		}
		if c.ApartAbove < 0 {
			return p.bad("capital.apart_above", fmt.Sprint(c.ApartAbove), "an amount in dollars, 0 or more")
		}
	}
	if p.Demo == nil {
		return nil
	}
	for i, d := range p.Demo.Capital {
		if _, ok := p.Mapping(d.Mapping); !ok {
			return p.bad(fmt.Sprintf("demo.capital.%d.mapping", i), d.Mapping, "the name of a mapping under capital.mappings ("+strings.Join(p.MappingNames(), ", ")+")")
		}
		if strings.TrimSpace(d.Plan) == "" || d.File == "" {
			return p.bad(fmt.Sprintf("demo.capital.%d", i), d.Plan, "a file and a plan name")
		}
	}
	return nil
}
