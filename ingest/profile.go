package ingest

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
)

// Profile is a saved, reusable column mapping: which heading holds which
// field of the domain model, which constants come from the file name, which
// pivoted columns are (fiscal year, phase) amounts. Profiles are YAML; the
// LA, Oakland and generic ones ship embedded under profiles/, and users
// write their own for any CSV or XLSX (see docs/budget.md).
type Profile struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Jurisdiction whose budget the file holds.
	Jurisdiction struct {
		ID         string `yaml:"id"`
		Name       string `yaml:"name"`
		StartMonth int    `yaml:"start_month"`
	} `yaml:"jurisdiction"`
	// Dataset names the series; "{section}" and "{file}" are replaced by the
	// file name's section group and base name. Default "{jurisdiction}/{file}".
	Dataset string `yaml:"dataset"`
	// Record is what one row holds: line_items (default), requests,
	// measures or descriptions.
	Record string `yaml:"record"`
	// Kind of line items: expenditure (default), revenue or positions;
	// KindValues maps the values of a "kind" column to kinds.
	Kind       string            `yaml:"kind"`
	KindValues map[string]string `yaml:"kind_values"`
	// Subject of description records: department, program, schedule, priority.
	Subject string `yaml:"subject"`
	// FileName is a regular expression on the file's base name whose named
	// groups fy, phase and section become constants.
	FileName string `yaml:"file_name"`
	// FiscalYear and Phase are constants (overridden by the file name's
	// groups, overridden in turn by the command line).
	FiscalYear string `yaml:"fiscal_year"`
	Phase      string `yaml:"phase"`
	// Columns maps a field to the headings that may hold it (alternatives,
	// matched case-insensitively after trimming; "re:" starts a regular
	// expression).
	Columns map[string][]string `yaml:"columns"`
	// Pivot is a regular expression on headings whose named groups fy and
	// phase turn each matching column into (fiscal year, phase) amounts.
	// It also reads a "period" column in long files.
	Pivot string `yaml:"pivot"`
	// Measures names amount columns one by one with their fiscal year and
	// phase (an explicit pivot, for headings no regular expression fits).
	Measures []MeasureColumn `yaml:"measures"`
	// Required fields must be found for the profile to apply.
	Required []string `yaml:"required"`
	// Ignore lists headings that are known and deliberately not stored.
	Ignore []string `yaml:"ignore"`
	// Pad left-pads a code field with zeros to a width (files that lost
	// their leading zeros: "2" -> "02").
	Pad map[string]int `yaml:"pad"`
	// TotalRow recognises grand-total rows (every classification cell empty,
	// amounts present), reconciles them to the cent and never stores them.
	TotalRow bool `yaml:"total_row"`
	// Sheet is the XLSX sheet to read (default: the first).
	Sheet string `yaml:"sheet"`
	// HeaderRow is the row (a CSV's line) the header starts on, as Excel
	// numbers rows: the title and note rows above it are skipped. SkipRows
	// says the same as pandas does (skip_rows: 3 is header_row: 4).
	// HeaderRows is the number of rows the header spans: a column's
	// headings are joined with a space, and an empty cell of an upper row
	// takes the heading to its left (a heading merged across columns).
	HeaderRow  int `yaml:"header_row"`
	HeaderRows int `yaml:"header_rows"`
	SkipRows   int `yaml:"skip_rows"`
	// Delimiter of a CSV: "," ";" "tab" or "|" (default: detected).
	Delimiter string `yaml:"delimiter"`
	// Limits raises (or lowers) the readers' limits for files of this
	// profile, by name: {cells: 50000000, record-bytes: 64MiB}; see
	// docs/limits.md.
	Limits map[string]string `yaml:"limits"`
	// Detect: false keeps a profile out of automatic detection.
	Detect *bool `yaml:"detect"`
	// AreaLayer names the layer whose area ids the "area" column holds (a
	// district or ward column); required when area is mapped.
	AreaLayer string `yaml:"area_layer"`

	fileRE  *regexp.Regexp
	pivotRE *regexp.Regexp
	source  string
	delim   byte
	lim     tabular.Limits
}

// limits returns base with the profile's limits applied.
func (p *Profile) limits(base tabular.Limits) tabular.Limits {
	for _, f := range tabular.LimitNames() {
		if v := p.lim.Get(f); v != 0 {
			base.SetValue(f, v)
		}
	}
	return base
}

// MeasureColumn is one amount column of an explicit pivot. FiscalYear is
// written as ParseFiscalYear accepts it ("2021-22"); a bare year is read by
// the jurisdiction's convention (see yearToFiscal). Without a FiscalYear
// the row's own (its fiscal_year, year or date column) is used.
type MeasureColumn struct {
	Column     string `yaml:"column"`
	FiscalYear string `yaml:"fiscal_year"`
	Phase      string `yaml:"phase"`
	// Measure and Unit name the performance measure a column holds, for
	// measure files with one column per measure.
	Measure string `yaml:"measure"`
	Unit    string `yaml:"unit"`
}

// Fields a profile may map.
var knownFields = map[string]bool{
	"department.code": true, "department.name": true, "org_unit.code": true, "org_unit.name": true,
	"program.code": true, "program.name": true, "fund.code": true, "fund.name": true,
	"source_fund.code": true, "source_fund.name": true, "account.code": true, "account.name": true,
	"function.code": true, "function.name": true,
	"amount": true, "proposed": true, "adopted": true, "description": true, "category": true, "recurrence": true,
	"measure.code": true, "measure.name": true, "unit": true, "code": true, "name": true, "text": true,
	"key": true, "fiscal_year": true, "year": true, "date": true, "phase": true, "period": true, "kind": true,
	"area": true,
}

//go:embed profiles/*.yaml
var embedded embed.FS

// LoadProfile reads a user-written profile from a YAML file.
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, tabular.OpenError(path, err)
	}
	return parseProfile(path, data)
}

func parseProfile(source string, data []byte) (*Profile, error) {
	var p Profile
	if err := yamlerr.Decode(source, data, &p, "a column-mapping profile", "see docs/budget.md for the profile format and ingest/profiles/ for examples"); err != nil {
		return nil, err
	}
	p.source = source
	if p.Name == "" {
		p.Name = strings.TrimSuffix(filepath.Base(source), filepath.Ext(source))
	}
	if p.Jurisdiction.ID == "" {
		return nil, budget.Errorf(budget.EINVALID, "profile %s: jurisdiction.id is missing: add e.g. `jurisdiction: {id: la, name: City of Los Angeles}`", source)
	}
	if p.Jurisdiction.StartMonth == 0 {
		p.Jurisdiction.StartMonth = 7
	}
	if p.Record == "" {
		p.Record = "line_items"
	}
	switch p.Record {
	case "line_items", "requests", "measures", "descriptions":
	default:
		return nil, budget.Errorf(budget.EINVALID, "profile %s: record %q: use line_items, requests, measures or descriptions", source, p.Record)
	}
	if p.Kind == "" {
		p.Kind = string(budget.Expenditure)
	}
	switch strings.ToLower(p.Delimiter) {
	case "":
	case ",", "comma":
		p.delim = ','
	case ";", "semicolon":
		p.delim = ';'
	case "\t", "tab":
		p.delim = '\t'
	case "|", "pipe":
		p.delim = '|'
	default:
		return nil, budget.Errorf(budget.EINVALID, "profile %s: delimiter %q: use \",\", \";\", \"tab\" or \"|\"", source, p.Delimiter)
	}
	if p.HeaderRow < 0 || p.HeaderRows < 0 || p.SkipRows < 0 || p.HeaderRow > 0 && p.SkipRows > 0 && p.HeaderRow != p.SkipRows+1 {
		return nil, budget.Errorf(budget.EINVALID, "profile %s: header_row %d, header_rows %d, skip_rows %d: use positive numbers, and header_row or skip_rows (header_row N is skip_rows N-1)", source, p.HeaderRow, p.HeaderRows, p.SkipRows)
	}
	for _, k := range sortedKeys(p.Limits) {
		if err := p.lim.Set(k, p.Limits[k]); err != nil {
			return nil, budget.Wrap(budget.EINVALID, err, "profile %s: limits", source)
		}
	}
	for field := range p.Columns {
		if !knownFields[field] {
			return nil, budget.Errorf(budget.EINVALID, "profile %s: unknown field %q in columns: use one of %s", source, field, strings.Join(sortedKeys(knownFields), ", "))
		}
	}
	if _, ok := p.Columns["area"]; ok && p.AreaLayer == "" {
		return nil, budget.Errorf(budget.EINVALID, "profile %s: columns maps area: name the layer its codes are ids of with area_layer (e.g. area_layer: districts)", source)
	}
	var err error
	if p.FileName != "" {
		if p.fileRE, err = regexp.Compile(p.FileName); err != nil {
			return nil, budget.Wrap(budget.EINVALID, err, "profile %s: file_name", source)
		}
	}
	if p.Pivot != "" {
		if p.pivotRE, err = regexp.Compile(p.Pivot); err != nil {
			return nil, budget.Wrap(budget.EINVALID, err, "profile %s: pivot", source)
		}
	}
	return &p, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Builtins returns the embedded profiles, by name. They are parsed once;
// one that does not parse is a defect of the build, and panics.
func Builtins() []*Profile { return builtins() }

var builtins = sync.OnceValue(func() []*Profile {
	names, err := fs.Glob(embedded, "profiles/*.yaml")
	if err != nil {
		panic(fmt.Sprintf("ingest: embedded profiles: %v", err))
	}
	sort.Strings(names)
	var out []*Profile
	for _, n := range names {
		data, err := embedded.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("ingest: embedded %s: %v", n, err))
		}
		p, err := parseProfile(n, data)
		if err != nil {
			panic(fmt.Sprintf("ingest: embedded %v", err))
		}
		out = append(out, p)
	}
	return out
})

// ColumnsProfile is a profile for a plain CSV or XLSX whose columns are
// named by the caller (the import command's --department, --amount, ...):
// fields maps a profile field ("department.name", "amount", "area", ...) to
// the heading that holds it. Every named column is required.
func ColumnsProfile(j budget.Jurisdiction, fields map[string]string, areaLayer string) (*Profile, error) {
	var y strings.Builder
	fmt.Fprintf(&y, "name: columns\ndetect: false\njurisdiction: {id: %q, name: %q, start_month: %d}\n", j.ID, j.Name, j.StartMonth)
	if areaLayer != "" {
		fmt.Fprintf(&y, "area_layer: %q\n", areaLayer)
	}
	y.WriteString("columns:\n")
	keys := sortedKeys(fields)
	for _, f := range keys {
		fmt.Fprintf(&y, "  %s: [%q]\n", f, fields[f])
	}
	fmt.Fprintf(&y, "required: [%s]\n", strings.Join(keys, ", "))
	return parseProfile("the column flags", []byte(y.String()))
}

// BuiltinProfile returns the embedded profile of that name.
func BuiltinProfile(name string) (*Profile, error) {
	for _, p := range Builtins() {
		if p.Name == name {
			return p, nil
		}
	}
	var names []string
	for _, p := range Builtins() {
		names = append(names, p.Name)
	}
	return nil, budget.Errorf(budget.EINVALID, "no built-in profile %q: use one of %s, or the path of a YAML profile", name, strings.Join(names, ", "))
}

// headingMatch reports whether heading h is one of the alternatives.
func headingMatch(alts []string, h string) bool {
	h = normHeading(h)
	for _, a := range alts {
		if strings.HasPrefix(a, "re:") {
			if re, err := compileCached(a[3:]); err == nil && re.MatchString(h) {
				return true
			}
			continue
		}
		if normHeading(a) == h {
			return true
		}
	}
	return false
}

func normHeading(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
