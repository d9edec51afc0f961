package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/jsonerr"
)

// A Fiscal Data Package (https://specs.frictionlessdata.io/fiscal-data-package/)
// is a Tabular Data Package whose descriptor says what each column means:
// v0.3 in a "model" (or, earlier, "mapping") of measures and dimensions,
// v1.0 with a "columnType" on each schema field. Both are translated into a
// Profile over one joined table and then read like any other file.

type fdpDescriptor struct {
	Name         string `json:"name"`
	Title        string `json:"title"`
	FiscalPeriod *struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"fiscalPeriod"`
	Resources []fdpResource   `json:"resources"`
	Model     json.RawMessage `json:"model"`
	Mapping   json.RawMessage `json:"mapping"`
}

type fdpResource struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Schema struct {
		Fields      []fdpField `json:"fields"`
		ExtraFields []fdpField `json:"extraFields"`
	} `json:"schema"`
	ForeignKeys []struct {
		Fields    any `json:"fields"`
		Reference struct {
			Resource string `json:"resource"`
			Fields   any    `json:"fields"`
		} `json:"reference"`
	} `json:"foreignKeys"`
}

type fdpField struct {
	Name                string            `json:"name"`
	ColumnType          string            `json:"columnType"`
	Constant            any               `json:"constant"`
	Normalize           map[string]any    `json:"normalize"`
	NormalizationTarget bool              `json:"normalizationTarget"`
	Options             map[string]string `json:"-"`
}

type fdpAttr struct {
	Name     string
	Source   string `json:"source"`
	Resource string `json:"resource"`
	LabelFor string `json:"labelfor"`
	Parent   string `json:"parent"`
}

type fdpDim struct {
	Name               string
	DimensionType      string `json:"dimensionType"`
	ClassificationType string `json:"classificationType"`
	Attrs              []fdpAttr
	PrimaryKey         []string
}

type fdpMeasure struct {
	Name      string
	Source    string `json:"source"`
	Resource  string `json:"resource"`
	Direction string `json:"direction"`
	Phase     string `json:"phase"`
}

// orderedKeys returns the keys of a JSON object in document order.
func orderedKeys(raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// loadedTable is a CSV resource held in memory.
type loadedTable struct {
	path   string
	header []string
	rows   [][]string
	lines  []int
	hash   string
}

func loadCSVTable(path string) (*loadedTable, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "cannot read %s: %v (the datapackage.json names it as a resource path)", path, err)
	}
	t := &loadedTable{path: path, hash: ContentHash(data)}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = latin1ToUTF8(data)
	}
	src := newCSVSource(path, data, nil)
	if t.header, err = src.Header(); err != nil {
		return nil, err
	}
	for {
		line, rec, err := src.Next()
		if err == errEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		t.rows = append(t.rows, append([]string(nil), rec...))
		t.lines = append(t.lines, line)
	}
	return t, nil
}

// resolveColumn finds the heading for a descriptor field name: exactly,
// then ignoring case, then (warning) by the role synonyms the spec's own
// examples need, whose descriptors name columns their CSVs call otherwise.
func resolveColumn(header []string, name, role string, warn func(string)) (int, bool) {
	for i, h := range header {
		if h == name {
			return i, true
		}
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i, true
		}
	}
	syn := map[string][]string{
		"amount": {"amount", "budget", "expenditure", "value"},
		"date":   {"date", "budget_date", "year"},
		"label":  {"title", "name", "label"},
	}[role]
	for _, s := range syn {
		for i, h := range header {
			if strings.EqualFold(h, s) {
				warn(fmt.Sprintf("descriptor field %q is not a column of the data; used column %q instead (the descriptor and the CSV disagree)", name, h))
				return i, true
			}
		}
	}
	return -1, false
}

// FiscalDataPackage reads the fact resource of a Fiscal Data Package
// (v0.3 "model"/"mapping" or v1.0 "columnType") into one batch.
func FiscalDataPackage(path string, opt Options) ([]*budget.Batch, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "cannot read %s: %v", path, err)
	}
	var d fdpDescriptor
	if err := json.Unmarshal(raw, &d); err != nil {
		msg, line, col := jsonerr.Explain(raw, err)
		return nil, &budget.InputError{File: path, Line: line, ColIndex: col, Field: "datapackage.json",
			Expected: "a Fiscal Data Package descriptor: " + msg + " (see https://specs.frictionlessdata.io/fiscal-data-package/)"}
	}
	if len(d.Resources) == 0 {
		return nil, &budget.InputError{File: path, Field: "resources", Expected: "at least one resource with a path to a CSV file"}
	}
	p, header, rows, lines, hash, warns, err := fdpProfile(path, &d, opt)
	if err != nil {
		return nil, err
	}
	name := filepath.Join(filepath.Dir(path), "")
	b, err := table(name, &linedSource{name: path, header: header, rows: rows, lines: lines}, Options{Profile: p, FiscalYear: opt.FiscalYear, Phase: opt.Phase})
	if err != nil {
		return nil, err
	}
	b.SourceFile = path
	b.ContentHash = ContentHash(append(raw, []byte(hash)...))
	b.Warnings = append(b.Warnings, warns...)
	return []*budget.Batch{b}, nil
}

// linedSource serves in-memory rows with their original line numbers.
type linedSource struct {
	name   string
	header []string
	rows   [][]string
	lines  []int
	i      int
}

func (s *linedSource) Header() ([]string, error) { return s.header, nil }
func (s *linedSource) Next() (int, []string, error) {
	if s.i >= len(s.rows) {
		return 0, nil, errEOF
	}
	s.i++
	return s.lines[s.i-1], s.rows[s.i-1], nil
}

var levelRE = regexp.MustCompile(`level(\d+)`)

func fdpProfile(path string, d *fdpDescriptor, opt Options) (p *Profile, header []string, rows [][]string, lines []int, hash string, warns []string, err error) {
	dir := filepath.Dir(path)
	var resolved []string
	warn := func(s string) { resolved = append(resolved, filepath.Base(path)+": "+s) }
	p = &Profile{Name: "fdp", Record: "line_items", Kind: string(budget.Expenditure), Columns: map[string][]string{}}
	p.Jurisdiction.ID = d.Name
	if p.Jurisdiction.ID == "" {
		p.Jurisdiction.ID = filepath.Base(dir)
	}
	p.Jurisdiction.Name = d.Title
	p.Jurisdiction.StartMonth = 1
	if d.FiscalPeriod != nil && len(d.FiscalPeriod.Start) >= 7 {
		if m, e := strconv.Atoi(d.FiscalPeriod.Start[5:7]); e == nil && m >= 1 && m <= 12 {
			p.Jurisdiction.StartMonth = m
		}
	}
	p.Dataset = "fdp/" + filepath.Base(dir)

	v1 := false
	for _, r := range d.Resources {
		for _, f := range r.Schema.Fields {
			if f.ColumnType != "" {
				v1 = true
			}
		}
	}
	model := d.Model
	if len(model) == 0 {
		model = d.Mapping
	}
	if !v1 && len(model) == 0 {
		err = &budget.InputError{File: path, Field: "model", Expected: "a Fiscal Data Package: v0.3 with a \"model\" (or \"mapping\") of measures and dimensions, or v1.0 with a \"columnType\" on its fields"}
		return
	}
	tables := map[string]*loadedTable{}
	load := func(name string) (*loadedTable, error) {
		if t, ok := tables[name]; ok {
			return t, nil
		}
		for _, r := range d.Resources {
			if r.Name == name || (name == "" && r.Path != "") {
				t, err := loadCSVTable(filepath.Join(dir, filepath.FromSlash(r.Path)))
				if err != nil {
					return nil, err
				}
				tables[name] = t
				return t, nil
			}
		}
		return nil, &budget.InputError{File: path, Field: "resource", Value: name, Expected: "the name of one of the package's resources"}
	}
	if v1 {
		p, header, rows, lines, hash, warns, err = fdpV1(path, d, p, load, warn)
	} else {
		p, header, rows, lines, hash, warns, err = fdpV03(path, d, model, p, load, warn, opt)
	}
	return p, header, rows, lines, hash, append(resolved, warns...), err
}

// column accumulates the joined table: source columns plus derived ones.
type joined struct {
	main    *loadedTable
	header  []string
	addCols []func(row int) string
}

func newJoined(t *loadedTable) *joined {
	j := &joined{main: t, header: append([]string(nil), t.header...)}
	return j
}

// add appends a derived column and returns its heading.
func (j *joined) add(name string, f func(row int) string) string {
	h := "\x00" + name
	j.header = append(j.header, h)
	j.addCols = append(j.addCols, f)
	return h
}

func (j *joined) build() ([]string, [][]string) {
	rows := make([][]string, len(j.main.rows))
	for i, r := range j.main.rows {
		row := make([]string, 0, len(j.header))
		row = append(row, r...)
		for len(row) < len(j.main.header) {
			row = append(row, "")
		}
		for _, f := range j.addCols {
			row = append(row, f(i))
		}
		rows[i] = row
	}
	return j.header, rows
}

func fdpV03(path string, d *fdpDescriptor, model json.RawMessage, p *Profile, load func(string) (*loadedTable, error), warn func(string), opt Options) (*Profile, []string, [][]string, []int, string, []string, error) {
	var m struct {
		Measures   json.RawMessage `json:"measures"`
		Dimensions json.RawMessage `json:"dimensions"`
	}
	var warns []string
	if err := json.Unmarshal(model, &m); err != nil {
		return nil, nil, nil, nil, "", nil, budget.Errorf(budget.EINVALID, "%s: model: %v", path, err)
	}
	var measures []fdpMeasure
	var mm map[string]fdpMeasure
	json.Unmarshal(m.Measures, &mm)
	for _, k := range orderedKeys(m.Measures) {
		x := mm[k]
		x.Name = k
		measures = append(measures, x)
	}
	if len(measures) == 0 {
		return nil, nil, nil, nil, "", nil, &budget.InputError{File: path, Field: "model.measures", Expected: "at least one measure naming the amount column as its source"}
	}
	var dims []fdpDim
	var dm map[string]json.RawMessage
	json.Unmarshal(m.Dimensions, &dm)
	for _, k := range orderedKeys(m.Dimensions) {
		var x struct {
			DimensionType      string          `json:"dimensionType"`
			ClassificationType string          `json:"classificationType"`
			Attributes         json.RawMessage `json:"attributes"`
			PrimaryKey         any             `json:"primaryKey"`
		}
		json.Unmarshal(dm[k], &x)
		dim := fdpDim{Name: k, DimensionType: x.DimensionType, ClassificationType: x.ClassificationType, PrimaryKey: stringList(x.PrimaryKey)}
		var am map[string]fdpAttr
		json.Unmarshal(x.Attributes, &am)
		for _, an := range orderedKeys(x.Attributes) {
			a := am[an]
			a.Name = an
			dim.Attrs = append(dim.Attrs, a)
		}
		dims = append(dims, dim)
	}
	main, err := load(measures[0].Resource)
	if err != nil {
		return nil, nil, nil, nil, "", nil, err
	}
	j := newJoined(main)
	hash := main.hash

	// Measures: each is an amount column; a measure whose name is a
	// fiscal year ("2014-15") pivots by year.
	phase := opt.Phase
	for _, x := range measures {
		idx, ok := resolveColumn(main.header, x.Source, "amount", warn)
		if !ok {
			return nil, nil, nil, nil, "", nil, &budget.InputError{File: main.path, Line: 1, Field: "measure " + x.Name, Value: x.Source,
				Expected: "a column of that name in the header (" + strings.Join(main.header, ", ") + ")"}
		}
		if x.Direction == "revenue" {
			p.Kind = string(budget.Revenue)
		}
		ph := x.Phase
		if ph == "" {
			ph = phase
		}
		if len(measures) > 1 {
			fyOK := false
			if _, e := yearToFiscal(x.Name, p.Jurisdiction.StartMonth); e == nil {
				fyOK = true
			}
			if !fyOK {
				return nil, nil, nil, nil, "", nil, &budget.InputError{File: path, Field: "model.measures", Value: x.Name,
					Expected: "several measures only when each is named by its fiscal year (as \"2014-15\"); otherwise import with a profile"}
			}
			p.Measures = append(p.Measures, MeasureColumn{Column: main.header[idx], FiscalYear: x.Name, Phase: ph})
			if p.Phase == "" {
				p.Phase = ph
			}
			continue
		}
		p.Columns["amount"] = []string{main.header[idx]}
		if ph != "" {
			p.Phase = ph
		}
	}
	if p.Phase == "" {
		p.Phase = string(budget.Adopted)
		if gran := fdpGranularity(path); gran == "transactional" {
			p.Phase = string(budget.Actual)
		}
		warns = append(warns, fmt.Sprintf("%s: no budget phase in the descriptor; read as %s (pass --phase to say otherwise)", filepath.Base(path), p.Phase))
	}

	// Foreign keys of the main resource: field -> (resource, field).
	type fk struct{ res, field string }
	fks := map[string]fk{}
	for _, r := range d.Resources {
		if r.Name != measures[0].Resource && measures[0].Resource != "" {
			continue
		}
		for _, f := range r.ForeignKeys {
			from, to := stringList(f.Fields), stringList(f.Reference.Fields)
			if len(from) == 1 && len(to) == 1 {
				fks[from[0]] = fk{f.Reference.Resource, to[0]}
			}
		}
		break
	}
	// column returns the heading holding an attribute, joining another
	// resource through the foreign key when the attribute lives there.
	column := func(a fdpAttr, role string) (string, bool) {
		if a.Resource == "" || a.Resource == measures[0].Resource {
			idx, ok := resolveColumn(main.header, a.Source, role, warn)
			if !ok {
				return "", false
			}
			return main.header[idx], true
		}
		other, err := load(a.Resource)
		if err != nil {
			return "", false
		}
		var local string
		var ref fk
		for f, k := range fks {
			if k.res == a.Resource {
				local, ref = f, k
			}
		}
		li, ok1 := resolveColumn(main.header, local, "", warn)
		ri, ok2 := resolveColumn(other.header, ref.field, "", warn)
		ai, ok3 := resolveColumn(other.header, a.Source, role, warn)
		if !ok1 || !ok2 || !ok3 {
			return "", false
		}
		index := map[string]int{}
		for i, r := range other.rows {
			if ri < len(r) {
				index[r[ri]] = i
			}
		}
		hash += other.hash
		return j.add(a.Resource+"."+a.Source, func(row int) string {
			r := main.rows[row]
			if li >= len(r) {
				return ""
			}
			if k, ok := index[r[li]]; ok && ai < len(other.rows[k]) {
				return other.rows[k][ai]
			}
			return ""
		}), true
	}

	// Dimensions -> classification levels.
	adminSeen := false
	for _, dim := range dims {
		if fdpTarget(dim) == "department" {
			adminSeen = true
		}
	}
	for _, dim := range dims {
		target := fdpTarget(dim)
		if n := strings.ToLower(dim.Name); target == "" && !adminSeen && (dim.DimensionType == "entity" || n == "payee" || n == "recipient" || n == "supplier") {
			target, adminSeen = "department", true
		}
		if target == "" {
			continue
		}
		if target == "date" {
			for _, a := range dim.Attrs {
				if h, ok := column(a, "date"); ok {
					p.Columns["date"] = []string{h}
					break
				}
			}
			continue
		}
		levels := fdpLevels(dim)
		if len(levels) == 0 {
			continue
		}
		assign := func(field string, lv fdpLevel) {
			if lv.code.Source != "" {
				if h, ok := column(lv.code, ""); ok {
					p.Columns[field+".code"] = []string{h}
				}
			}
			if lv.label.Source != "" {
				if h, ok := column(lv.label, "label"); ok {
					p.Columns[field+".name"] = []string{h}
				}
			}
		}
		if target == "department" && len(levels) > 1 {
			assign("department", levels[0])
			assign("org_unit", levels[len(levels)-1])
			continue
		}
		if target == "department" {
			assign("department", levels[0])
			continue
		}
		assign(target, levels[len(levels)-1])
	}
	if _, ok := p.Columns["date"]; !ok && len(p.Measures) == 0 && d.FiscalPeriod != nil && len(d.FiscalPeriod.Start) >= 4 {
		p.FiscalYear = d.FiscalPeriod.Start[:4]
		if p.Jurisdiction.StartMonth != 1 {
			p.FiscalYear = fmt.Sprintf("%s-%02d", d.FiscalPeriod.Start[:4], (atoi(d.FiscalPeriod.Start[:4])+1)%100)
		}
		warns = append(warns, fmt.Sprintf("%s: no date dimension; every amount is placed in the fiscal period's first year, %s (fiscalPeriod starts %s)", filepath.Base(path), p.FiscalYear, d.FiscalPeriod.Start))
	}
	header, rows := j.build()
	lines := main.lines
	return p, header, rows, lines, hash, warns, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func fdpGranularity(path string) string {
	raw, _ := os.ReadFile(path)
	var x struct {
		Granularity string `json:"granularity"`
	}
	json.Unmarshal(raw, &x)
	return x.Granularity
}

// fdpTarget maps a v0.3 dimension to a classification of the model.
func fdpTarget(dim fdpDim) string {
	n := strings.ToLower(dim.Name)
	switch {
	case dim.DimensionType == "datetime" || n == "date" || n == "year" || strings.HasPrefix(n, "date"):
		return "date"
	case dim.ClassificationType == "administrative" || n == "administrative" || n == "administrator" || n == "organization" || n == "department" || n == "payor":
		return "department"
	case dim.ClassificationType == "functional" || n == "functional" || n == "function" || n == "cofog":
		return "function"
	case dim.ClassificationType == "economic" || n == "economic":
		return "account"
	case dim.DimensionType == "activity" && n == "fund", n == "fund", n == "source":
		return "fund"
	case dim.DimensionType == "activity" || n == "program" || n == "programme" || n == "activity":
		return "program"
	case n == "classification" || n == "cofog":
		return "function" // an untyped classification: read as functional (the spec example's 09 Education > 0901 Higher Education is COFOG)
	case dim.DimensionType == "classification":
		return "account"
	}
	return ""
}

type fdpLevel struct{ code, label fdpAttr }

// fdpLevels orders a dimension's code attributes (primaryKey order, else
// parent links) and pairs each with the attribute that is labelfor it. A
// dimension with one attribute uses it as both code and name.
func fdpLevels(dim fdpDim) []fdpLevel {
	byName := map[string]fdpAttr{}
	labels := map[string]fdpAttr{}
	for _, a := range dim.Attrs {
		byName[a.Name] = a
		if a.LabelFor != "" {
			labels[a.LabelFor] = a
		}
	}
	if len(dim.Attrs) == 1 {
		a := dim.Attrs[0]
		return []fdpLevel{{code: a, label: a}}
	}
	var codes []string
	for _, k := range dim.PrimaryKey {
		if _, ok := byName[k]; ok {
			codes = append(codes, k)
		}
	}
	if len(codes) == 0 {
		for _, a := range dim.Attrs {
			if a.LabelFor == "" {
				codes = append(codes, a.Name)
			}
		}
		// parents first
		depth := func(n string) int {
			d := 0
			for a := byName[n]; a.Parent != "" && d < 10; a = byName[a.Parent] {
				d++
			}
			return d
		}
		sort.SliceStable(codes, func(i, j int) bool { return depth(codes[i]) < depth(codes[j]) })
	}
	var out []fdpLevel
	for _, c := range codes {
		lv := fdpLevel{code: byName[c], label: labels[c]}
		if lv.label.Source == "" && len(codes) == 1 {
			// a lone key whose other attributes are descriptions: use the
			// first non-key attribute as its name
			for _, a := range dim.Attrs {
				if a.Name != c && a.LabelFor == "" {
					lv.label = a
					break
				}
			}
		}
		out = append(out, lv)
	}
	return out
}

// fdpV1 reads a v1.0 package: each field's columnType says what it holds;
// "normalize" on amount fields and extraFields give pivots and constants.
func fdpV1(path string, d *fdpDescriptor, p *Profile, load func(string) (*loadedTable, error), warn func(string)) (*Profile, []string, [][]string, []int, string, []string, error) {
	var res *fdpResource
	for i := range d.Resources {
		for _, f := range d.Resources[i].Schema.Fields {
			if f.ColumnType == "value" || len(f.Normalize) > 0 {
				res = &d.Resources[i]
			}
		}
		if res != nil {
			break
		}
	}
	if res == nil {
		return nil, nil, nil, nil, "", nil, &budget.InputError{File: path, Field: "columnType", Expected: "a field with columnType \"value\" (the amount) or amount fields with \"normalize\""}
	}
	main, err := load(res.Name)
	if err != nil {
		return nil, nil, nil, nil, "", nil, err
	}
	j := newJoined(main)
	var warns []string
	// extra fields: constants and the targets of normalisation
	extraType := map[string]string{}
	for _, f := range res.Schema.ExtraFields {
		extraType[f.Name] = f.ColumnType
		if f.Constant != nil && !f.NormalizationTarget {
			v := fmt.Sprint(f.Constant)
			h := j.add(f.Name, func(int) string { return v })
			fdpAssign(p, f.ColumnType, h)
		}
	}
	for _, f := range res.Schema.Fields {
		idx, ok := resolveColumn(main.header, f.Name, "", warn)
		if !ok {
			return nil, nil, nil, nil, "", nil, &budget.InputError{File: main.path, Line: 1, Field: f.Name,
				Expected: "a column of that name in the header (" + strings.Join(main.header, ", ") + "), as the descriptor's schema says"}
		}
		h := main.header[idx]
		if len(f.Normalize) > 0 {
			mc := MeasureColumn{Column: h}
			for k, v := range f.Normalize {
				switch ct := extraType[k]; {
				case strings.HasPrefix(ct, "date:fiscal-year") || strings.EqualFold(k, "fiscal year") || strings.EqualFold(k, "year"):
					mc.FiscalYear = fmt.Sprint(v)
				case strings.HasPrefix(ct, "phase") || strings.Contains(strings.ToLower(k), "phase"):
					mc.Phase = fdpPhase(fmt.Sprint(v))
				}
			}
			p.Measures = append(p.Measures, mc)
			continue
		}
		fdpAssign(p, f.ColumnType, h)
	}
	if len(p.Measures) > 0 {
		// columns with only a phase take the year from a constant or column
		for i := range p.Measures {
			if p.Measures[i].FiscalYear == "" {
				return nil, nil, nil, nil, "", nil, &budget.InputError{File: path, Field: p.Measures[i].Column,
					Expected: "a fiscal year in the field's normalize map, e.g. \"normalize\": {\"Fiscal Year\": 2015, \"Phase\": \"approved\"}"}
			}
			if p.Measures[i].Phase == "" {
				p.Measures[i].Phase = string(budget.Adopted)
			}
		}
	}
	if p.Phase == "" {
		p.Phase = string(budget.Adopted)
		warns = append(warns, fmt.Sprintf("%s: no budget phase in the descriptor; read as adopted (pass --phase to say otherwise)", filepath.Base(path)))
	}
	header, rows := j.build()
	return p, header, rows, main.lines, main.hash, warns, nil
}

// fdpPhase maps FDP phase words (approved, executed, ...) to ours.
func fdpPhase(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "executed", "actual", "spent", "paid":
		return string(budget.Actual)
	case "approved", "allocated", "adopted", "enacted", "planned", "plan":
		return string(budget.Adopted)
	case "modified", "revised", "adjusted":
		return string(budget.Estimate)
	case "proposed", "draft":
		return string(budget.Proposed)
	}
	return s
}

// fdpAssign maps one v1.0 columnType to a profile field.
func fdpAssign(p *Profile, ct, heading string) {
	parts := strings.Split(ct, ":")
	last := parts[len(parts)-1]
	suffix := ".code"
	if last == "label" || last == "name" || last == "title" {
		suffix = ".name"
	}
	level := 1
	if m := levelRE.FindStringSubmatch(ct); m != nil {
		level, _ = strconv.Atoi(m[1])
	}
	set := func(field string, deepest bool) {
		// keep the deepest level seen
		key := field + suffix
		if _, ok := p.Columns[key]; ok && !deepest {
			return
		}
		p.Columns[key] = []string{heading}
	}
	switch {
	case ct == "value":
		p.Columns["amount"] = []string{heading}
	case strings.HasPrefix(ct, "date:fiscal-year"):
		p.Columns["year"] = []string{heading}
	case strings.HasPrefix(ct, "date"):
		if _, ok := p.Columns["year"]; !ok {
			p.Columns["date"] = []string{heading}
		}
	case strings.HasPrefix(ct, "phase"):
		p.Columns["phase"] = []string{heading}
	case strings.HasPrefix(ct, "direction"):
		p.Columns["kind"] = []string{heading}
		p.KindValues = map[string]string{"expenditure": "expenditure", "revenue": "revenue", "expense": "expenditure", "income": "revenue"}
	case strings.HasPrefix(ct, "administrative-classification"):
		if level <= 1 {
			set("department", false)
		} else {
			set("org_unit", true)
		}
	case strings.HasPrefix(ct, "functional-classification"):
		set("function", true)
	case strings.HasPrefix(ct, "economic-classification"):
		set("account", true)
	case strings.HasPrefix(ct, "activity"):
		set("program", true)
	case strings.HasPrefix(ct, "fund") || strings.Contains(ct, "funding-source"):
		set("fund", true)
	}
}
