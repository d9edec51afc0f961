package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/jsonerr"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// A Fiscal Data Package (https://specs.frictionlessdata.io/fiscal-data-package/)
// is a Tabular Data Package whose descriptor says what each column means:
// v0.3 in a "model" (or, earlier, "mapping") of measures and dimensions,
// v1.0 with a "columnType" on each schema field. Both are translated into a
// Profile over one joined table and then read like any other file.

type fdpDescriptor struct {
	Name         string `json:"name"`
	Title        string `json:"title"`
	Granularity  string `json:"granularity"`
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

// orderedKeys returns the keys of a JSON object in document order (nil
// for anything else: the caller has decoded raw already and reported what
// is not an object).
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
		k, ok := t.(string)
		if !ok {
			return keys
		}
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
	path       string
	header     []string
	headerLine int
	rows       [][]string
	lines      []int
	hash       string
}

// fdpPackage is a package being read: its descriptor and its folder, the
// only place resources are read from.
type fdpPackage struct {
	path   string // of datapackage.json
	dir    string
	root   *os.Root
	d      *fdpDescriptor
	opt    Options
	tables map[string]*loadedTable
	warns  []string
}

// fdpTable is the joined table a package is read as, with its profile.
type fdpTable struct {
	p     *Profile
	j     *joined
	lines []int
	hash  string
}

// resourceFile opens a resource's path inside the package's folder. A
// path that is absolute, climbs out with "..", names a URL or leads out
// through a symbolic link is refused before anything is read, and no
// error quotes a file's contents.
func (pkg *fdpPackage) resourceFile(r *fdpResource) (*os.File, string, error) {
	bad := func(why string, err error) error {
		return &budget.InputError{File: pkg.path, Field: "resources[" + strconv.Quote(r.Name) + "].path", Value: r.Path, Err: err,
			Expected: "the path of a CSV file inside the package's folder, relative to datapackage.json (" + why + ")"}
	}
	switch {
	case r.Path == "":
		return nil, "", bad("the resource has none", nil)
	case strings.Contains(r.Path, "://"):
		return nil, "", bad("budgetlens reads nothing from the network: download the file into the folder and name it here", nil)
	case !filepath.IsLocal(filepath.FromSlash(r.Path)):
		return nil, "", bad("it leads out of the folder: no absolute paths and no \"..\"", nil)
	}
	f, err := pkg.root.Open(filepath.FromSlash(r.Path))
	full := filepath.Join(pkg.dir, filepath.FromSlash(r.Path))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "", bad("no such file in the folder", err)
		}
		return nil, "", bad("it cannot be opened inside the folder; a symbolic link that leads out of it is not followed", err)
	}
	return f, full, nil
}

// load reads the resource called name ("" is the first with a path).
func (pkg *fdpPackage) load(name string) (*loadedTable, error) {
	if t, ok := pkg.tables[name]; ok {
		return t, nil
	}
	for i := range pkg.d.Resources {
		r := &pkg.d.Resources[i]
		if r.Name != name && !(name == "" && r.Path != "") {
			continue
		}
		f, full, err := pkg.resourceFile(r)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		t, err := loadCSVTable(f, full, pkg.opt.Limits)
		if err != nil {
			return nil, err
		}
		pkg.tables[name] = t
		return t, nil
	}
	return nil, &budget.InputError{File: pkg.path, Field: "resource", Value: name, Expected: "the name of one of the package's resources"}
}

// loadCSVTable reads a CSV resource whole, within the limits.
func loadCSVTable(f io.Reader, path string, lim tabular.Limits) (*loadedTable, error) {
	r, err := tabular.NewCSVReader(f, tabular.Options{File: path, Limits: lim})
	if err != nil {
		return nil, err
	}
	t := &loadedTable{path: path, header: r.Header().Names, headerLine: r.Header().Line}
	for {
		line, rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		t.rows = append(t.rows, append([]string(nil), rec...))
		t.lines = append(t.lines, line)
	}
	t.hash = r.SHA256()
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
// (v0.3 "model"/"mapping" or v1.0 "columnType") into one batch. Resources
// are read only from the package's own folder.
func FiscalDataPackage(path string, opt Options) ([]*budget.Batch, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, tabular.OpenError(path, err)
	}
	if err := tabular.CheckJSON(path, raw, opt.Limits); err != nil {
		return nil, err
	}
	var d fdpDescriptor
	if err := json.Unmarshal(raw, &d); err != nil {
		msg, line, col := jsonerr.Explain(raw, err)
		return nil, &budget.InputError{File: path, Line: line, ColIndex: col, Field: "datapackage.json", Err: err,
			Expected: "a Fiscal Data Package descriptor: " + msg + " (see https://specs.frictionlessdata.io/fiscal-data-package/)"}
	}
	if len(d.Resources) == 0 {
		return nil, &budget.InputError{File: path, Field: "resources", Expected: "at least one resource with a path to a CSV file"}
	}
	dir := filepath.Dir(path)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, tabular.OpenError(dir, err)
	}
	defer root.Close()
	pkg := &fdpPackage{path: path, dir: dir, root: root, d: &d, opt: opt, tables: map[string]*loadedTable{}}
	t, err := pkg.read()
	if err != nil {
		return nil, err
	}
	header, rows := t.j.build()
	src := &linedSource{head: tabular.NewHeader(path, t.j.main.headerLine, header), rows: rows, lines: t.lines}
	b, err := table(dir, src, Options{Profile: t.p, FiscalYear: opt.FiscalYear, Phase: opt.Phase, Limits: opt.Limits})
	if err != nil {
		return nil, err
	}
	b.SourceFile = path
	b.ContentHash = ContentHash(append(raw, []byte(t.hash)...))
	b.Warnings = append(b.Warnings, pkg.warns...)
	return []*budget.Batch{b}, nil
}

// linedSource serves in-memory rows with their original line numbers.
type linedSource struct {
	head  *tabular.Header
	rows  [][]string
	lines []int
	i     int
}

func (s *linedSource) Head() *tabular.Header { return s.head }
func (s *linedSource) Next() (int, []string, error) {
	if s.i >= len(s.rows) {
		return 0, nil, io.EOF
	}
	s.i++
	return s.lines[s.i-1], s.rows[s.i-1], nil
}

var levelRE = regexp.MustCompile(`level(\d+)`)

func (pkg *fdpPackage) warn(s string) { pkg.warns = append(pkg.warns, filepath.Base(pkg.path)+": "+s) }

// read translates the descriptor into a profile over one joined table.
func (pkg *fdpPackage) read() (*fdpTable, error) {
	d := pkg.d
	p := &Profile{Name: "fdp", Record: "line_items", Kind: string(budget.Expenditure), Columns: map[string][]string{}}
	p.Jurisdiction.ID = d.Name
	if p.Jurisdiction.ID == "" {
		p.Jurisdiction.ID = filepath.Base(pkg.dir)
	}
	p.Jurisdiction.Name = d.Title
	p.Jurisdiction.StartMonth = 1
	if d.FiscalPeriod != nil && len(d.FiscalPeriod.Start) >= 7 {
		if m, e := strconv.Atoi(d.FiscalPeriod.Start[5:7]); e == nil && m >= 1 && m <= 12 {
			p.Jurisdiction.StartMonth = m
		}
	}
	p.Dataset = "fdp/" + filepath.Base(pkg.dir)
	for _, r := range d.Resources {
		for _, f := range r.Schema.Fields {
			if f.ColumnType != "" {
				return pkg.v1(p)
			}
		}
	}
	model := d.Model
	if len(model) == 0 {
		model = d.Mapping
	}
	if len(model) == 0 {
		return nil, &budget.InputError{File: pkg.path, Field: "model", Expected: "a Fiscal Data Package: v0.3 with a \"model\" (or \"mapping\") of measures and dimensions, or v1.0 with a \"columnType\" on its fields"}
	}
	return pkg.v03(model, p)
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

// v03 reads a v0.3 package: the model's measures are the amount columns,
// its dimensions the classification levels, joined through foreign keys.
func (pkg *fdpPackage) v03(model json.RawMessage, p *Profile) (*fdpTable, error) {
	measures, dims, err := pkg.v03Model(model)
	if err != nil {
		return nil, err
	}
	main, err := pkg.load(measures[0].Resource)
	if err != nil {
		return nil, err
	}
	t := &fdpTable{p: p, j: newJoined(main), lines: main.lines, hash: main.hash}
	if err := pkg.v03Measures(t, measures); err != nil {
		return nil, err
	}
	cols := &v03Columns{pkg: pkg, t: t, mainRes: measures[0].Resource, fks: pkg.foreignKeys(measures[0].Resource)}
	if err := pkg.v03Dimensions(t, dims, cols); err != nil {
		return nil, err
	}
	pkg.v03FiscalPeriod(p)
	return t, nil
}

// modelErr is the error of a part of the model that is not what v0.3 says.
func (pkg *fdpPackage) modelErr(field string, raw json.RawMessage, err error) error {
	msg, _, _ := jsonerr.Explain(raw, err)
	return &budget.InputError{File: pkg.path, Field: field, Err: err,
		Expected: "the Fiscal Data Package v0.3 model (" + msg + "; see https://specs.frictionlessdata.io/fiscal-data-package/)"}
}

// v03Model decodes the model's measures and dimensions, keeping their
// order in the descriptor.
func (pkg *fdpPackage) v03Model(model json.RawMessage) ([]fdpMeasure, []fdpDim, error) {
	var m struct {
		Measures   json.RawMessage `json:"measures"`
		Dimensions json.RawMessage `json:"dimensions"`
	}
	if err := json.Unmarshal(model, &m); err != nil {
		return nil, nil, pkg.modelErr("model", model, err)
	}
	var mm map[string]fdpMeasure
	if len(m.Measures) > 0 {
		if err := json.Unmarshal(m.Measures, &mm); err != nil {
			return nil, nil, pkg.modelErr("model.measures", m.Measures, err)
		}
	}
	var measures []fdpMeasure
	for _, k := range orderedKeys(m.Measures) {
		x := mm[k]
		x.Name = k
		measures = append(measures, x)
	}
	if len(measures) == 0 {
		return nil, nil, &budget.InputError{File: pkg.path, Field: "model.measures", Expected: "at least one measure naming the amount column as its source"}
	}
	var dm map[string]json.RawMessage
	if len(m.Dimensions) > 0 {
		if err := json.Unmarshal(m.Dimensions, &dm); err != nil {
			return nil, nil, pkg.modelErr("model.dimensions", m.Dimensions, err)
		}
	}
	var dims []fdpDim
	for _, k := range orderedKeys(m.Dimensions) {
		dim, err := pkg.v03Dimension(k, dm[k])
		if err != nil {
			return nil, nil, err
		}
		dims = append(dims, dim)
	}
	return measures, dims, nil
}

func (pkg *fdpPackage) v03Dimension(name string, raw json.RawMessage) (fdpDim, error) {
	var x struct {
		DimensionType      string          `json:"dimensionType"`
		ClassificationType string          `json:"classificationType"`
		Attributes         json.RawMessage `json:"attributes"`
		PrimaryKey         any             `json:"primaryKey"`
	}
	field := "model.dimensions." + name
	if err := json.Unmarshal(raw, &x); err != nil {
		return fdpDim{}, pkg.modelErr(field, raw, err)
	}
	dim := fdpDim{Name: name, DimensionType: x.DimensionType, ClassificationType: x.ClassificationType, PrimaryKey: stringList(x.PrimaryKey)}
	var am map[string]fdpAttr
	if len(x.Attributes) > 0 {
		if err := json.Unmarshal(x.Attributes, &am); err != nil {
			return fdpDim{}, pkg.modelErr(field+".attributes", x.Attributes, err)
		}
	}
	for _, an := range orderedKeys(x.Attributes) {
		a := am[an]
		a.Name = an
		dim.Attrs = append(dim.Attrs, a)
	}
	return dim, nil
}

// v03Measures maps the measures to amount columns: one measure is the
// amount; several must each be named by a fiscal year ("2014-15") and
// pivot by year.
func (pkg *fdpPackage) v03Measures(t *fdpTable, measures []fdpMeasure) error {
	p, main := t.p, t.j.main
	for _, x := range measures {
		idx, ok := resolveColumn(main.header, x.Source, "amount", pkg.warn)
		if !ok {
			return &budget.InputError{File: main.path, Line: main.headerLine, Field: "measure " + x.Name, Value: x.Source,
				Expected: "a column of that name in the header (" + strings.Join(main.header, ", ") + ")"}
		}
		if x.Direction == "revenue" {
			p.Kind = string(budget.Revenue)
		}
		ph := x.Phase
		if ph == "" {
			ph = pkg.opt.Phase
		}
		if len(measures) > 1 {
			if _, err := yearToFiscal(x.Name, p.Jurisdiction.StartMonth); err != nil {
				return &budget.InputError{File: pkg.path, Field: "model.measures", Value: x.Name, Err: err,
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
		if pkg.d.Granularity == "transactional" {
			p.Phase = string(budget.Actual)
		}
		pkg.warn(fmt.Sprintf("no budget phase in the descriptor; read as %s (pass --phase to say otherwise)", p.Phase))
	}
	return nil
}

// fk is one foreign key of the main resource: a field of it refers to a
// field of another resource.
type fk struct{ res, field string }

// foreignKeys returns the main resource's single-field foreign keys, by
// local field.
func (pkg *fdpPackage) foreignKeys(mainRes string) map[string]fk {
	fks := map[string]fk{}
	for _, r := range pkg.d.Resources {
		if r.Name != mainRes && mainRes != "" {
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
	return fks
}

// v03Columns finds the heading that holds an attribute, joining another
// resource through the foreign key when the attribute lives there.
type v03Columns struct {
	pkg     *fdpPackage
	t       *fdpTable
	mainRes string
	fks     map[string]fk
}

func (c *v03Columns) heading(a fdpAttr, role string) (string, bool, error) {
	main := c.t.j.main
	if a.Resource == "" || a.Resource == c.mainRes {
		idx, ok := resolveColumn(main.header, a.Source, role, c.pkg.warn)
		if !ok {
			return "", false, nil
		}
		return main.header[idx], true, nil
	}
	other, err := c.pkg.load(a.Resource)
	if err != nil {
		return "", false, err
	}
	var local string
	var ref fk
	for _, f := range sortedKeys(c.fks) {
		if c.fks[f].res == a.Resource {
			local, ref = f, c.fks[f]
		}
	}
	li, ok1 := resolveColumn(main.header, local, "", c.pkg.warn)
	ri, ok2 := resolveColumn(other.header, ref.field, "", c.pkg.warn)
	ai, ok3 := resolveColumn(other.header, a.Source, role, c.pkg.warn)
	if !ok1 || !ok2 || !ok3 {
		return "", false, nil
	}
	index := map[string]int{}
	for i, r := range other.rows {
		if ri < len(r) {
			index[r[ri]] = i
		}
	}
	c.t.hash += other.hash
	return c.t.j.add(a.Resource+"."+a.Source, func(row int) string {
		r := main.rows[row]
		if li >= len(r) {
			return ""
		}
		if k, ok := index[r[li]]; ok && ai < len(other.rows[k]) {
			return other.rows[k][ai]
		}
		return ""
	}), true, nil
}

// v03Dimensions maps the dimensions to classification levels and the date.
func (pkg *fdpPackage) v03Dimensions(t *fdpTable, dims []fdpDim, cols *v03Columns) error {
	p := t.p
	adminSeen := false
	for _, dim := range dims {
		if fdpTarget(dim) == "department" {
			adminSeen = true
		}
	}
	assign := func(field string, lv fdpLevel) error {
		for _, part := range []struct {
			a          fdpAttr
			role, suff string
		}{{lv.code, "", ".code"}, {lv.label, "label", ".name"}} {
			if part.a.Source == "" {
				continue
			}
			h, ok, err := cols.heading(part.a, part.role)
			if err != nil {
				return err
			}
			if ok {
				p.Columns[field+part.suff] = []string{h}
			}
		}
		return nil
	}
	for _, dim := range dims {
		target := fdpTarget(dim)
		if n := strings.ToLower(dim.Name); target == "" && !adminSeen && (dim.DimensionType == "entity" || n == "payee" || n == "recipient" || n == "supplier") {
			target, adminSeen = "department", true
		}
		switch target {
		case "":
			continue
		case "date":
			for _, a := range dim.Attrs {
				h, ok, err := cols.heading(a, "date")
				if err != nil {
					return err
				}
				if ok {
					p.Columns["date"] = []string{h}
					break
				}
			}
			continue
		}
		levels := fdpLevels(dim)
		var err error
		switch {
		case len(levels) == 0:
		case target == "department" && len(levels) > 1:
			if err = assign("department", levels[0]); err == nil {
				err = assign("org_unit", levels[len(levels)-1])
			}
		case target == "department":
			err = assign("department", levels[0])
		default:
			err = assign(target, levels[len(levels)-1])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// v03FiscalPeriod places every amount in the fiscal period's first year
// when the model has no date and the measures are not years.
func (pkg *fdpPackage) v03FiscalPeriod(p *Profile) {
	fp := pkg.d.FiscalPeriod
	if _, ok := p.Columns["date"]; ok || len(p.Measures) > 0 || fp == nil || len(fp.Start) < 4 {
		return
	}
	y, err := strconv.Atoi(fp.Start[:4])
	if err != nil {
		pkg.warn(fmt.Sprintf("fiscalPeriod start %q does not begin with a year; pass --fy", fp.Start))
		return
	}
	p.FiscalYear = strconv.Itoa(y)
	if p.Jurisdiction.StartMonth != 1 {
		p.FiscalYear = fmt.Sprintf("%d-%02d", y, (y+1)%100)
	}
	pkg.warn(fmt.Sprintf("no date dimension; every amount is placed in the fiscal period's first year, %s (fiscalPeriod starts %s)", p.FiscalYear, fp.Start))
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

// v1 reads a v1.0 package: each field's columnType says what it holds;
// "normalize" on amount fields and extraFields give pivots and constants.
func (pkg *fdpPackage) v1(p *Profile) (*fdpTable, error) {
	d := pkg.d
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
		return nil, &budget.InputError{File: pkg.path, Field: "columnType", Expected: "a field with columnType \"value\" (the amount) or amount fields with \"normalize\""}
	}
	main, err := pkg.load(res.Name)
	if err != nil {
		return nil, err
	}
	t := &fdpTable{p: p, j: newJoined(main), lines: main.lines, hash: main.hash}
	// extra fields: constants and the targets of normalisation
	extraType := map[string]string{}
	for _, f := range res.Schema.ExtraFields {
		extraType[f.Name] = f.ColumnType
		if f.Constant != nil && !f.NormalizationTarget {
			v := fmt.Sprint(f.Constant)
			h := t.j.add(f.Name, func(int) string { return v })
			fdpAssign(p, f.ColumnType, h)
		}
	}
	for _, f := range res.Schema.Fields {
		idx, ok := resolveColumn(main.header, f.Name, "", pkg.warn)
		if !ok {
			return nil, &budget.InputError{File: main.path, Line: main.headerLine, Field: f.Name,
				Expected: "a column of that name in the header (" + strings.Join(main.header, ", ") + "), as the descriptor's schema says"}
		}
		h := main.header[idx]
		if len(f.Normalize) > 0 {
			mc := MeasureColumn{Column: h}
			for _, k := range sortedKeys(f.Normalize) {
				v := f.Normalize[k]
				switch ct := extraType[k]; {
				case strings.HasPrefix(ct, "date:fiscal-year") || strings.EqualFold(k, "fiscal year") || strings.EqualFold(k, "year"):
					mc.FiscalYear = fmt.Sprint(v)
				case strings.HasPrefix(ct, "phase") || strings.Contains(strings.ToLower(k), "phase"):
					mc.Phase = fdpPhase(fmt.Sprint(v))
				}
			}
			if mc.FiscalYear == "" {
				return nil, &budget.InputError{File: pkg.path, Field: mc.Column,
					Expected: "a fiscal year in the field's normalize map, e.g. \"normalize\": {\"Fiscal Year\": 2015, \"Phase\": \"approved\"}"}
			}
			if mc.Phase == "" {
				mc.Phase = string(budget.Adopted)
			}
			p.Measures = append(p.Measures, mc)
			continue
		}
		fdpAssign(p, f.ColumnType, h)
	}
	if p.Phase == "" {
		p.Phase = string(budget.Adopted)
		pkg.warn("no budget phase in the descriptor; read as adopted (pass --phase to say otherwise)")
	}
	return t, nil
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
		if n, err := strconv.Atoi(m[1]); err == nil {
			level = n
		}
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
