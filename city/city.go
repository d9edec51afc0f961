// Package city describes a city as a profile: one YAML file holding
// everything that differs from one city to the next, so that no Go code
// names a city's layers, rules or departments. A profile says which layers
// the city uses and what each is for (the small areas the need index is
// built on, the reporting layers and the default one, the units and groups
// of the Theil decomposition), its attribution rules (inline), its need
// preset, fiscal-year start and currency, the report's title, wording,
// sources and caveats, the names of its budget-request categories, and the
// data its demo loads.
//
// Los Angeles' profile ships embedded (profiles/la.yaml); Template is a
// commented starting point for any other city. Parse reports every problem
// with the profile's file and line.
package city

import (
	"embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamldoc"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
	"github.com/budgetlens/budgetlens/need"
	"gopkg.in/yaml.v3"
)

// Version is the version of the profile format this package reads.
const Version = 1

// Roles a layer plays in a profile.
const (
	RoleSmallAreas = "small_areas" // the need index is built on these (census tracts)
	RoleReporting  = "reporting"   // dollars and need are reported by these
)

// Profile is a parsed city profile.
type Profile struct {
	Version int `yaml:"version"`
	// Name is the city's name as the report shows it ("City of Springfield").
	Name string `yaml:"name"`
	// Jurisdiction is the short id budgets of the city are stored under.
	Jurisdiction string `yaml:"jurisdiction"`
	// FiscalYearStart is the first month of the fiscal year (1-12, 7 = July).
	FiscalYearStart int `yaml:"fiscal_year_start"`
	// Currency is the ISO 4217 code of the budget's amounts ("USD").
	Currency string `yaml:"currency"`
	// Layers lists the area layers the city uses and their roles.
	Layers []Layer `yaml:"layers"`
	// Theil names the units whose per-resident spending is decomposed and
	// the layer that groups them (optional).
	Theil *Theil `yaml:"theil"`
	// Need says how need is measured (optional: without it analyses report
	// dollars and dollars per resident only).
	Need *Need `yaml:"need"`
	// Report holds the council report's wording.
	Report Report `yaml:"report"`
	// RequestCategories are the names of the budget's request categories
	// as written in the city's files ("4-Increased Services").
	RequestCategories []string `yaml:"request_categories"`
	// Rules are the attribution rules (the format of docs/attribution.md),
	// inline; optional.
	RulesYAML yaml.Node `yaml:"rules"`
	// Capital says how capital plans are read and placed (optional).
	Capital *Capital `yaml:"capital"`
	// Assess is the triage of the equity review of requests (optional; see
	// docs/assess.md).
	Assess *Assess `yaml:"assess"`
	// Demo lists the embedded files the demo loads (optional).
	Demo *Demo `yaml:"demo"`

	// File is where the profile was read from; Source its bytes.
	File   string `yaml:"-"`
	Source []byte `yaml:"-"`
	rules  *attribute.Rules
}

// Assess says which requests take the full equity template: those whose
// change is at least FullFromDollars (absolute) and those of the
// FullCategories; the rest take the short form.
type Assess struct {
	FullFromDollars float64  `yaml:"full_from_dollars"`
	FullCategories  []string `yaml:"full_categories"`
}

// Layer is one area layer of the city.
type Layer struct {
	Name string `yaml:"name"`
	// Role is small_areas or reporting.
	Role string `yaml:"role"`
	// Default marks the reporting layer analyses use when none is named.
	Default bool `yaml:"default"`
	// Title names the areas for people ("council districts").
	Title string `yaml:"title"`
	// Vintage is the period the layer's lines are of ("2021 lines").
	Vintage string `yaml:"vintage"`
}

// Theil names the units and groups of the Theil decomposition.
type Theil struct {
	Units  string `yaml:"units"`
	Groups string `yaml:"groups"`
}

// Need names the need index of the city.
type Need struct {
	// Preset is a built-in index (budgetlens index presets).
	Preset string `yaml:"preset"`
	// Label is how the report names the index ("CalEnviroScreen 3.0").
	Label string `yaml:"label"`
}

// Report holds what the council report says about the city.
type Report struct {
	// Title is the name on the title page (default: Name).
	Title string `yaml:"title"`
	// Caveats are added to the report's own.
	Caveats []string `yaml:"caveats"`
	// Synthetic says what is synthetic in the city's data (a banner).
	Synthetic []string `yaml:"synthetic"`
	// Sources describe the inputs (file name, title, version, licence).
	Sources []Source `yaml:"sources"`
}

// Source describes one input of the report.
type Source struct {
	File    string `yaml:"file"`
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	License string `yaml:"license"`
}

// Demo lists what `budgetlens demo` loads, by path inside the binary's
// embedded data.
type Demo struct {
	// Budget files, imported in order with the ordinary readers.
	Budget []string `yaml:"budget"`
	// Layers are area layers read from files.
	Layers []DemoLayer `yaml:"layers"`
	// Need: an indicator table whose rows carry points and population (the
	// small areas), with the county kept and the preset computed over all.
	Need *DemoNeed `yaml:"need"`
	// Groups is the population-group table (ACS race, ethnicity, poverty).
	Groups string `yaml:"groups"`
	// Events are synthetic service requests placed around tract points.
	Events *DemoEvents `yaml:"events"`
	// Projects are capital projects placed by location.
	Projects *DemoProjects `yaml:"projects"`
	// Capital are capital plans imported, analysed and optimised.
	Capital []DemoCapital `yaml:"capital"`
	// Analyze is the phase the demo's report assesses.
	Analyze DemoAnalyze `yaml:"analyze"`
}

// DemoLayer is a layer file of the demo.
type DemoLayer struct {
	File      string `yaml:"file"`
	Layer     string `yaml:"layer"`
	IDField   string `yaml:"id_field"`
	NameField string `yaml:"name_field"`
}

// DemoNeed is the demo's indicator table.
type DemoNeed struct {
	File string `yaml:"file"`
	// County keeps the table's rows of this county ("California County")
	// as the city's small areas (those whose point lies in the default
	// reporting layer).
	County string `yaml:"county"`
}

// DemoEvents configures the synthetic service requests.
type DemoEvents struct {
	// Points is the tract interior points file (population weights).
	Points string `yaml:"points"`
	// County is the county FIPS code of the points kept.
	County string `yaml:"county"`
	// Source describes them in the report.
	Source string `yaml:"source"`
}

// DemoProjects are the capital projects of the demo.
type DemoProjects struct {
	CSV     string `yaml:"csv"`
	GeoJSON string `yaml:"geojson"`
	Source  string `yaml:"source"`
}

// DemoAnalyze names the phase the demo assesses.
type DemoAnalyze struct {
	FiscalYear string `yaml:"fiscal_year"`
	Phase      string `yaml:"phase"`
}

//go:embed profiles/*.yaml
var embedded embed.FS

//go:embed template.yaml
var template []byte

// Template returns a commented profile of a made-up city: a starting point
// that Parse accepts.
func Template() []byte { return append([]byte{}, template...) }

// Builtin returns an embedded profile by name ("la").
func Builtin(name string) (*Profile, error) {
	data, err := embedded.ReadFile("profiles/" + name + ".yaml")
	if err != nil {
		return nil, budget.Errorf(budget.ENOTFOUND, "no built-in city profile %q (have: %s); give the path of a profile YAML file", name, strings.Join(Builtins(), ", "))
	}
	return Parse("profile:"+name, data)
}

// Builtins lists the names of the embedded profiles.
func Builtins() []string {
	ents, _ := embedded.ReadDir("profiles")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return out
}

const help = "see docs/guide/your-city.md; budgetlens profile init writes a commented template"

// Parse reads a profile. Every error is a *budget.InputError naming file,
// line and field.
func Parse(file string, data []byte) (*Profile, error) {
	p := &Profile{File: file, Source: data}
	if err := yamlerr.Decode(file, data, p, "a city profile", help); err != nil {
		return nil, err
	}
	p.File, p.Source = file, data
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.RulesYAML.Kind != 0 {
		block, ok := yamldoc.Section(data, "rules")
		if !ok {
			return nil, &budget.InputError{File: file, Line: p.RulesYAML.Line, Field: "rules", Expected: "the attribution rules as a block under rules: (version, name, default, rules)"}
		}
		r, err := attribute.ParseRules(block, file)
		if err != nil {
			return nil, err
		}
		p.rules = r
	}
	return p, nil
}

func (p *Profile) bad(field, value, expected string) error {
	return &budget.InputError{File: p.File, Field: field, Value: value, Line: p.lineOf(field), Expected: expected + " (" + help + ")"}
}

// badLayer reports a problem with layers[i] (its key, when found).
func (p *Profile) badLayer(i int, key, value, expected string) error {
	return &budget.InputError{File: p.File, Field: fmt.Sprintf("layers[%d].%s", i, key), Value: value, Line: p.lineOf("layers." + strconv.Itoa(i) + "." + key),
		Expected: expected + " (" + help + ")"}
}

// lineOf finds the line of a key path: "layers", "need.preset",
// "layers.2.role" (a number indexes a list); the deepest part found counts.
func (p *Profile) lineOf(field string) int {
	var doc yaml.Node
	if yaml.Unmarshal(p.Source, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	n := doc.Content[0]
	line := 0
	for _, part := range strings.Split(field, ".") {
		found := false
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
		case yaml.SequenceNode:
			if k, err := strconv.Atoi(part); err == nil && k >= 0 && k < len(n.Content) {
				n, found = n.Content[k], true
				line = n.Line
			}
		}
		if !found {
			break
		}
	}
	return line
}

// check validates the profile's fields against each other.
func (p *Profile) check() error {
	if p.Version != Version {
		return p.bad("version", fmt.Sprint(p.Version), fmt.Sprintf("this budgetlens reads profile version %d; write version: %d", Version, Version))
	}
	if strings.TrimSpace(p.Name) == "" {
		return p.bad("name", "", "the city's name, as the report shows it")
	}
	if p.FiscalYearStart == 0 {
		p.FiscalYearStart = 7
	}
	if p.FiscalYearStart < 1 || p.FiscalYearStart > 12 {
		return p.bad("fiscal_year_start", fmt.Sprint(p.FiscalYearStart), "the first month of the fiscal year, 1 to 12 (7 = July)")
	}
	if p.Currency == "" {
		p.Currency = "USD"
	}
	if len(p.Currency) != 3 || strings.ToUpper(p.Currency) != p.Currency {
		return p.bad("currency", p.Currency, "an ISO 4217 code such as USD")
	}
	names := map[string]bool{}
	defaults := 0
	for i, l := range p.Layers {
		if l.Name == "" {
			return p.badLayer(i, "name", "", "every layer needs a name (as in budgetlens geo import --layer NAME)")
		}
		if names[l.Name] {
			return p.badLayer(i, "name", l.Name, "each layer is listed once")
		}
		names[l.Name] = true
		switch l.Role {
		case RoleSmallAreas, RoleReporting:
		default:
			return p.badLayer(i, "role", l.Role, fmt.Sprintf("layer %s: role must be %s or %s", l.Name, RoleSmallAreas, RoleReporting))
		}
		if l.Default {
			defaults++
			if l.Role != RoleReporting {
				return p.badLayer(i, "default", l.Name, "only a reporting layer can be the default")
			}
		}
	}
	if defaults > 1 {
		return p.bad("layers", "", "mark at most one reporting layer default: true")
	}
	if t := p.Theil; t != nil {
		for k, n := range map[string]string{"units": t.Units, "groups": t.Groups} {
			if !names[n] {
				return p.bad("theil."+k, n, "units and groups must be layers listed under layers")
			}
		}
	}
	if p.Need != nil && p.Need.Preset != "" && !slices.Contains(need.Presets(), p.Need.Preset) {
		return p.bad("need.preset", p.Need.Preset, "one of "+strings.Join(need.Presets(), ", "))
	}
	return p.checkCapital()
}

// Rules returns the profile's attribution rules; nil when it has none.
func (p *Profile) Rules() *attribute.Rules { return p.rules }

// Title is the name on the report's title page.
func (p *Profile) Title() string {
	if p.Report.Title != "" {
		return p.Report.Title
	}
	return p.Name
}

// DefaultLayer returns the default reporting layer ("" when none is
// marked: the first reporting layer, else nothing).
func (p *Profile) DefaultLayer() string {
	first := ""
	for _, l := range p.Layers {
		if l.Role != RoleReporting {
			continue
		}
		if l.Default {
			return l.Name
		}
		if first == "" {
			first = l.Name
		}
	}
	return first
}

// LayerNames lists the profile's layers of a role ("" for all), in order.
func (p *Profile) LayerNames(role string) []string {
	var out []string
	for _, l := range p.Layers {
		if role == "" || l.Role == role {
			out = append(out, l.Name)
		}
	}
	return out
}

// Layer returns the profile's entry for a layer name.
func (p *Profile) Layer(name string) (Layer, bool) {
	for _, l := range p.Layers {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// Jurisdiction returns the budget jurisdiction of the city.
func (p *Profile) JurisdictionInfo() budget.Jurisdiction {
	return budget.Jurisdiction{ID: p.Jurisdiction, Name: p.Name, StartMonth: p.FiscalYearStart}
}
