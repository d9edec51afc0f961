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
	"github.com/budgetlens/budgetlens/sites"
	"slices"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/yamldoc"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
	"github.com/budgetlens/budgetlens/measures"
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
	// Transfers are appropriations from one fund to another that pay for
	// spending shown elsewhere in the budget; every analysis removes their
	// paying side so that each dollar counts once (budget.Consolidate).
	Transfers []budget.Transfer `yaml:"transfers"`
	// Sites are lists of located things (loan sites, parks, fire districts
	// with their incidents) whose weights the rules place dollars by: each
	// is the per_asset attribute of its name (see docs/evidence.md).
	Sites []sites.Spec `yaml:"sites"`
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
	// Services describes the city's service requests: request types and
	// their on-time service levels, area codes, the repeat window and the
	// targets measures are scored against (optional; docs/measures.md).
	Services *measures.Services `yaml:"services"`
	// MeasuresYAML are the city's own service measures (the format of
	// measures/defaults.yaml: version, name, measures), inline; they add to
	// the shipped ones (an id of the shipped set replaces it).
	MeasuresYAML yaml.Node `yaml:"measures"`

	// File is where the profile was read from; Source its bytes.
	File     string `yaml:"-"`
	Source   []byte `yaml:"-"`
	rules    *attribute.Rules
	measures *measures.Set
}

// Assess says which requests take the full equity template: those whose
// change is at least FullFromDollars (absolute) and those of the
// FullCategories; the rest take the short form.
type Assess struct {
	FullFromDollars float64  `yaml:"full_from_dollars"`
	FullCategories  []string `yaml:"full_categories"`
	// Full and Short name the templates triage gives (default the shipped
	// equity-full and equity-short): a shipped template or one of
	// Templates. A request takes the highest version of the id.
	Full  string `yaml:"full"`
	Short string `yaml:"short"`
	// Templates are the city's own assessment templates, inline, in the
	// format of the shipped ones (docs/assess.md): saved with the profile,
	// so every front end finds them. A template's id@version is never
	// reused for other questions: change a template by raising its version
	// (assessments keep the version they were made with).
	Templates []yaml.Node `yaml:"templates"`

	templates []*assess.Template
}

// Templates returns the city's own assessment templates (none: nil).
func (p *Profile) Templates() []*assess.Template {
	if p == nil || p.Assess == nil {
		return nil
	}
	return p.Assess.templates
}

// parseTemplates reads the inline templates: each must be valid, must not
// reuse the id@version of a shipped template or of another of the city's,
// and triage's full and short must name a template that exists.
func (p *Profile) parseTemplates() error {
	a := p.Assess
	if a == nil {
		return nil
	}
	shipped, err := assess.Builtin()
	if err != nil {
		return err
	}
	ids := map[string]bool{}
	for ref := range shipped {
		id, _, _ := strings.Cut(ref, "@")
		ids[id] = true
	}
	seen := map[string]bool{}
	for i := range a.Templates {
		n := &a.Templates[i]
		field := fmt.Sprintf("assess.templates[%d]", i)
		b, err := yaml.Marshal(n)
		if err != nil {
			return &budget.InputError{File: p.File, Line: n.Line, Field: field, Expected: "an assessment template (docs/assess.md)"}
		}
		t, err := assess.ParseTemplate(fmt.Sprintf("%s: %s (line %d)", p.File, field, n.Line), b)
		if err != nil {
			return err
		}
		ref := assess.Ref(t.ID, t.Version)
		if shipped[ref] != nil {
			return &budget.InputError{File: p.File, Line: n.Line, Field: field + ".id", Value: ref,
				Expected: "an id@version of the city's own: " + ref + " is a shipped template (give yours another id, or a version the shipped one does not have)"}
		}
		if seen[ref] {
			return &budget.InputError{File: p.File, Line: n.Line, Field: field + ".id", Value: ref, Expected: "each template once: raise the version of a changed template"}
		}
		seen[ref], ids[t.ID] = true, true
		a.templates = append(a.templates, t)
	}
	for _, f := range []struct{ key, id string }{{"assess.full", a.Full}, {"assess.short", a.Short}} {
		if f.id != "" && !ids[f.id] {
			known := make([]string, 0, len(ids))
			for id := range ids {
				known = append(known, id)
			}
			slices.Sort(known)
			return p.bad(f.key, f.id, "the id of a template: "+strings.Join(known, ", "))
		}
	}
	return nil
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
	// Vintage is the period the layer's lines are of ("2021 lines"), for a
	// layer whose Lines are not listed.
	Vintage string `yaml:"vintage"`
	// Lines lists the stored layers that held this layer's lines over time,
	// each with the period it was in force; an analysis uses the lines in
	// force during its fiscal year (see LinesFor). Without it the stored
	// layer of the same name is the only set of lines.
	Lines []Lines `yaml:"lines"`
	// AreaName names the areas for people, with {id} standing for the area
	// id ("District {id}"); by default the names in the layer's file. Use it
	// when the file names areas after people who held them later.
	AreaName string `yaml:"area_name"`
}

// Lines is one set of a layer's lines: the stored layer holding them and
// the period they were in force (dates YYYY-MM-DD; From empty when not
// recorded, To empty while still in force).
type Lines struct {
	Layer string `yaml:"layer"`
	Title string `yaml:"title"`
	From  string `yaml:"from"`
	To    string `yaml:"to"`
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
	// Score is the column of the index's published score; when set, the
	// published score is the need measure and the recomputation is only a
	// check of it.
	Score string `yaml:"score"`
	// Why says why this measure of need is used, for the report.
	Why string `yaml:"why"`
	// Measures are other measures of need the report sets beside the index
	// (a component alone, poverty, income): the headline is shown under
	// each.
	Measures []Measure `yaml:"measures"`
}

// Measure is one alternative measure of need per small area: a column of
// the need table, or the share of residents in a population group.
type Measure struct {
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	Why   string `yaml:"why"`
	// Column of the need table (higher = more need), or Group: the share
	// of the small area's residents in that population group.
	Column string `yaml:"column"`
	Group  string `yaml:"group"`
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
	// Measures are the real data of the service measures (optional).
	Measures *DemoMeasures `yaml:"measures"`
}

// DemoMeasures are what the demo stores for performance management: real
// service-request files, the layers measures are published by, and those
// published measures.
type DemoMeasures struct {
	Requests  []string        `yaml:"requests"`
	Layers    []DemoLayer     `yaml:"layers"`
	Published []DemoPublished `yaml:"published"`
}

// DemoPublished is a file of measures published by the areas of a layer.
type DemoPublished struct {
	File  string `yaml:"file"`
	Layer string `yaml:"layer"`
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
	// File is a real service-request file (MyLA311 schema): when given,
	// it is the demand the rules place by, and nothing is generated.
	File string `yaml:"file"`
	// Points is the tract interior points file (population weights) the
	// synthetic requests are generated over when no File is given.
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
	if err := p.parseMeasures(data); err != nil {
		return nil, err
	}
	if err := p.parseTemplates(); err != nil {
		return nil, err
	}
	return p, nil
}

// parseMeasures reads the inline measures and checks the services section
// against them and the layers.
func (p *Profile) parseMeasures(data []byte) error {
	set := measures.Defaults()
	if p.MeasuresYAML.Kind != 0 {
		block, ok := yamldoc.Section(data, "measures")
		if !ok {
			return &budget.InputError{File: p.File, Line: p.MeasuresYAML.Line, Field: "measures", Expected: "the city's measures as a block under measures: (version, name, measures)"}
		}
		own, err := measures.ParseSet(p.File, block)
		if err != nil {
			return err
		}
		set = set.Merge(own)
	}
	p.measures = set
	sv := p.Services
	if sv == nil {
		return nil
	}
	if err := sv.Check(p.File); err != nil {
		if ie, ok := err.(*budget.InputError); ok {
			ie.Line = p.lineOf(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(ie.Field, "[", "."), "]", ""), "..", "."))
		}
		return err
	}
	for i, c := range sv.AreaCodes {
		if _, ok := p.Layer(c.Layer); !ok {
			return p.bad(fmt.Sprintf("services.area_codes.%d.layer", i), c.Layer, "a layer listed under layers")
		}
	}
	for i, t := range sv.Targets {
		if _, ok := set.Measure(t.Measure); !ok && t.Set == "" {
			return p.bad(fmt.Sprintf("services.targets.%d.measure", i), t.Measure, "the id of a measure: "+strings.Join(set.IDs(), ", ")+" (or set: the published set it belongs to)")
		}
	}
	return nil
}

// Measures returns the service measures: the shipped ones with the city's
// own added (never nil).
func (p *Profile) Measures() *measures.Set {
	if p == nil || p.measures == nil {
		return measures.Defaults()
	}
	return p.measures
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
	if err := p.checkLines(); err != nil {
		return err
	}
	if err := p.checkMeasures(); err != nil {
		return err
	}
	if err := p.checkTransfers(); err != nil {
		return err
	}
	if err := p.checkSites(); err != nil {
		return err
	}
	return p.checkCapital()
}

// checkLines validates every layer's lines: a stored layer, dates that
// parse, From before To.
func (p *Profile) checkLines() error {
	for i, l := range p.Layers {
		for k, ln := range l.Lines {
			field := fmt.Sprintf("layers.%d.lines.%d", i, k)
			bad := func(key, value, expected string) error {
				return &budget.InputError{File: p.File, Field: fmt.Sprintf("layers[%d].lines[%d].%s", i, k, key), Value: value, Line: p.lineOf(field), Expected: expected + " (" + help + ")"}
			}
			if ln.Layer == "" {
				return bad("layer", "", "the stored layer holding these lines")
			}
			from, err := parseDay(ln.From)
			if err != nil {
				return bad("from", ln.From, "the first day the lines were in force, YYYY-MM-DD (or leave it out when not recorded)")
			}
			to, err := parseDay(ln.To)
			if err != nil {
				return bad("to", ln.To, "the last day the lines were in force, YYYY-MM-DD (or leave it out while they are)")
			}
			if !from.IsZero() && !to.IsZero() && to.Before(from) {
				return bad("to", ln.To, "a day on or after from ("+ln.From+")")
			}
		}
		if strings.Contains(l.AreaName, "{") && !strings.Contains(l.AreaName, "{id}") {
			return p.badLayer(i, "area_name", l.AreaName, "a name with {id} for the area id, such as \"District {id}\"")
		}
	}
	return nil
}

func (p *Profile) checkMeasures() error {
	if p.Need == nil {
		return nil
	}
	seen := map[string]bool{}
	for i, m := range p.Need.Measures {
		field := fmt.Sprintf("need.measures.%d", i)
		bad := func(key, value, expected string) error {
			return &budget.InputError{File: p.File, Field: fmt.Sprintf("need.measures[%d].%s", i, key), Value: value, Line: p.lineOf(field), Expected: expected + " (" + help + ")"}
		}
		if m.Name == "" || seen[m.Name] {
			return bad("name", m.Name, "every measure needs a unique name")
		}
		seen[m.Name] = true
		if (m.Column == "") == (m.Group == "") {
			return bad("column", m.Column, "give either column (of the need table) or group (a population group)")
		}
	}
	return nil
}

// checkSites validates the site lists: a unique name, a file, and for
// points the two coordinate columns, for areas a key and counts.
func (p *Profile) checkSites() error {
	seen := map[string]bool{}
	for i, st := range p.Sites {
		field := fmt.Sprintf("sites.%d", i)
		bad := func(key, value, expected string) error {
			return &budget.InputError{File: p.File, Field: fmt.Sprintf("sites[%d].%s", i, key), Value: value, Line: p.lineOf(field), Expected: expected + " (see docs/evidence.md)"}
		}
		switch {
		case st.Name == "" || seen[st.Name]:
			return bad("name", st.Name, "every site list needs a unique name (the per_asset attribute its rules name)")
		case st.File == "":
			return bad("file", "", "the CSV of points or GeoJSON of areas")
		case st.Counts == nil && (st.Lon == "" || st.Lat == ""):
			return bad("lon", st.Lon, "the longitude and latitude columns (lon, lat), or key and counts for a GeoJSON of areas")
		case st.Counts != nil && (st.Key == "" || st.Counts.File == "" || st.Counts.Key == ""):
			return bad("counts", "", "key (the areas' property), counts.file and counts.key")
		case st.Evidence != "" && st.Evidence != "location" && st.Evidence != "service":
			return bad("evidence", st.Evidence, "location or service (sites are evidence of where dollars land)")
		}
		seen[st.Name] = true
	}
	return nil
}

func (p *Profile) checkTransfers() error {
	seen := map[string]bool{}
	for i, t := range p.Transfers {
		field := fmt.Sprintf("transfers.%d", i)
		bad := func(key, value, expected string) error {
			return &budget.InputError{File: p.File, Field: fmt.Sprintf("transfers[%d].%s", i, key), Value: value, Line: p.lineOf(field), Expected: expected + " (" + help + ")"}
		}
		if t.Name == "" || seen[t.Name] {
			return bad("name", t.Name, "every transfer needs a unique name")
		}
		seen[t.Name] = true
		if t.Paying.Empty() {
			return bad("paying", "", "select the appropriation's lines (department, fund, program or account)")
		}
		if t.Receiving.Empty() {
			return bad("receiving", "", "select the spending the appropriation pays for")
		}
	}
	return nil
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
