package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// Boston publishes its budget as one JSON document per department,
// program and capital project (each wrapped in "---" lines for its web
// site). budgetlens reads:
//   - department files: the operating budget by program and the external
//     funds budget by fund, as line items (four years: two actuals, the
//     current budget and the adopted budget), each table reconciled to the
//     cent against its own "total" row;
//   - program files: performance measures (actuals and targets; a target
//     is stored as the adopted phase of that year).
// Boston's fiscal year runs July to June and is named by the year it ends:
// "FY19" is 2018-19. Boston gives names, no codes.

var bostonJurisdiction = budget.Jurisdiction{ID: "boston", Name: "City of Boston", StartMonth: 7}

var bostonHeading = regexp.MustCompile(`^FY(\d{2}) (Actual|Budget|Appropriation|Adopted|Expenditure|Target)$`)

var bostonCols = []string{"fy-2", "fy-1", "fy-0", "fy+1"}

type bostonTable struct {
	TableType   string                       `json:"table_type"`
	TableHeader map[string]any               `json:"table_header"`
	Data        []map[string]json.RawMessage `json:"data"`
}

type bostonDoc struct {
	SectionType string       `json:"section_type"`
	Name        string       `json:"name"`
	Department  string       `json:"department"`
	Cabinet     string       `json:"cabinet"`
	SourceYear  string       `json:"source_year"`
	Version     string       `json:"source_version"`
	Operating   *bostonTable `json:"operating_budget"`
	External    *bostonTable `json:"external_funds_budget"`
	Strategies  []struct {
		Measures []bostonTable `json:"performance_measures"`
	} `json:"performance_strategies"`
}

// bostonPeriod reads a column heading such as "FY16 Actual".
func bostonPeriod(h string) (budget.FiscalYear, budget.Phase, bool) {
	m := bostonHeading.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return budget.FiscalYear{}, "", false
	}
	y, _ := strconv.Atoi(m[1])
	fy := budget.FiscalYear{Start: 2000 + y - 1, StartMonth: 7}
	switch m[2] {
	case "Actual", "Expenditure":
		return fy, budget.Actual, true
	}
	return fy, budget.Adopted, true // Budget, Appropriation, Adopted, Target
}

// stripFrontMatter removes the "---" lines around the JSON.
func stripFrontMatter(b []byte) []byte {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	b = bytes.TrimPrefix(b, []byte("---"))
	b = bytes.TrimSuffix(bytes.TrimSpace(b), []byte("---"))
	return b
}

// BostonFile reads one Boston budget JSON document into a batch.
func BostonFile(path string, opt Options) (*budget.Batch, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, tabular.OpenError(path, err)
	}
	return bostonBytes(path, raw, opt)
}

// errNothingToImport marks a Boston document without budget tables or
// measures (a program page without measures): BostonDir skips those.
var errNothingToImport = errors.New("nothing to import")

func bostonBytes(path string, raw []byte, opt Options) (*budget.Batch, error) {
	if err := tabular.CheckJSON(path, raw, opt.Limits); err != nil {
		return nil, err
	}
	var d bostonDoc
	body := stripFrontMatter(raw)
	if err := json.Unmarshal(body, &d); err != nil {
		msg, line, col := jsonerr.Explain(body, err)
		if off := bytes.Index(raw, body); off > 0 && line > 0 {
			line += bytes.Count(raw[:off], []byte{'\n'}) // lines of the front matter
		}
		return nil, &budget.InputError{File: path, Line: line, ColIndex: col, Field: "JSON", Err: err, Expected: "a Boston budget JSON document: " + msg}
	}
	if d.SectionType == "" {
		return nil, &budget.InputError{File: path, Field: "section_type", Expected: "a Boston budget document with a section_type (department, program, ...); for other JSON use a Fiscal Data Package"}
	}
	for _, t := range []string{d.Name, d.Department, d.SectionType} {
		if strings.ContainsRune(t, 0) {
			return nil, &budget.InputError{File: path, Field: "name", Value: t, Expected: "names without NUL characters (\\u0000)"}
		}
	}
	b := &budget.Batch{Jurisdiction: bostonJurisdiction, SourceFile: path, ContentHash: ContentHash(raw), Profile: "boston-json",
		Dataset: "boston/" + d.SectionType + "/" + slug(d.Department) + "/" + slug(d.Name)}
	if y, err := strconv.Atoi(d.SourceYear); err == nil {
		b.FiscalYear = budget.FiscalYear{Start: 2000 + y - 1, StartMonth: 7}
	}
	b.Phase = budget.Adopted
	if ph, err := budget.ParsePhase(d.Version); err == nil {
		b.Phase = ph
	}
	dept := budget.Code{Name: d.Department}
	if d.Department == "" {
		dept.Name = d.Name
	}
	for _, t := range []struct {
		path string
		t    *bostonTable
	}{{"operating_budget", d.Operating}, {"external_funds_budget", d.External}} {
		if t.t == nil {
			continue
		}
		if err := bostonLineItems(path, b, dept, t.path, t.t); err != nil {
			return nil, err
		}
	}
	if d.SectionType == "program" {
		for i, s := range d.Strategies {
			for k, t := range s.Measures {
				where := fmt.Sprintf("performance_strategies[%d].performance_measures[%d]", i, k)
				if err := bostonMeasures(path, b, dept, budget.Code{Name: d.Name}, where, t); err != nil {
					return nil, err
				}
			}
		}
	}
	if b.Rows() == 0 {
		return nil, &budget.Error{Code: budget.EINVALID, Err: errNothingToImport,
			Message: fmt.Sprintf("%s: a Boston %s document with no operating budget, external funds or performance measures", path, d.SectionType)}
	}
	return b, nil
}

func slug(s string) string {
	var out []rune
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			out = append(out, r)
			dash = false
		} else if !dash && len(out) > 0 {
			out = append(out, '-')
			dash = true
		}
	}
	return strings.TrimSuffix(string(out), "-")
}

func bostonNumber(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true // a JSON number: its text
}

// bostonText reads a text member of a row ("" when absent); a member of
// another kind, or text with a NUL character, is an input error.
func bostonText(path, where string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		msg, _, _ := jsonerr.Explain(raw, err)
		return "", &budget.InputError{File: path, Field: where, Value: string(raw), Err: err, Expected: "text (" + msg + ")"}
	}
	if strings.ContainsRune(s, 0) {
		return "", &budget.InputError{File: path, Field: where, Value: s, Expected: "text without NUL characters (\\u0000)"}
	}
	return s, nil
}

type bostonCol struct {
	key   string
	fy    budget.FiscalYear
	phase budget.Phase
}

func bostonColumns(path, where string, t *bostonTable, example string) ([]bostonCol, error) {
	var cols []bostonCol
	for _, k := range bostonCols {
		h, _ := t.TableHeader[k].(string)
		fy, ph, ok := bostonPeriod(h)
		if !ok {
			return nil, &budget.InputError{File: path, Column: k, Field: where + ".table_header." + k, Value: h, Expected: "a column heading such as " + example}
		}
		cols = append(cols, bostonCol{k, fy, ph})
	}
	return cols, nil
}

// bostonLineItems reads a budget table; each column's "total" row is
// reconciled to the cent against the exact sum of the data rows above it.
func bostonLineItems(path string, b *budget.Batch, dept budget.Code, where string, t *bostonTable) error {
	cols, err := bostonColumns(path, where, t, "\"FY19 Budget\" or \"FY16 Actual\"")
	if err != nil {
		return err
	}
	sums := map[string]*budget.Sum{}
	for _, c := range cols {
		sums[c.key] = &budget.Sum{}
	}
	for i, r := range t.Data {
		row := fmt.Sprintf("%s.data[%d]", where, i)
		name, err := bostonText(path, row+".name", r["name"])
		if err != nil {
			return err
		}
		kind, err := bostonText(path, row+".line_type", r["line_type"])
		if err != nil {
			return err
		}
		for _, c := range cols {
			v, ok := bostonNumber(r[c.key])
			if !ok {
				continue
			}
			field := row + "." + c.key
			cents, empty, err := ParseCents(v)
			if err != nil {
				advice := amountAdvice
				if errors.Is(err, budget.ErrAmountRange) {
					advice = budget.RangeAdvice
				}
				return &budget.InputError{File: path, Column: c.key, Field: field, Value: v, Expected: advice, Err: err}
			}
			if empty {
				continue
			}
			switch kind {
			case "total":
				if sum := sums[c.key].Units(); cents != sum {
					return &budget.InputError{File: path, Column: c.key, Field: field, Value: v,
						Expected: fmt.Sprintf("the rows above add up to %s but the total says %s (difference %s)", FormatCents(sum), FormatCents(cents), FormatCents(cents-sum))}
				}
				b.Reconciled = append(b.Reconciled, budget.Reconciliation{Column: t.TableTitle() + " " + c.fy.String() + " " + string(c.phase), Line: i + 1, TotalCents: cents, SumCents: sums[c.key].Units()})
				continue
			case "data":
			default:
				continue
			}
			if err := sums[c.key].Add(cents); err != nil {
				return &budget.InputError{File: path, Column: c.key, Field: field, Value: v, Err: err,
					Expected: "rows that add up to at most " + FormatCents(budget.MaxUnits) + ": " + budget.RangeAdvice}
			}
			cl := budget.Classification{Department: dept}
			if t.TableType == "External Funds" {
				cl.Fund = budget.Code{Name: name}
				cl.Program = budget.Code{Name: "External funds"}
			} else {
				cl.Fund = budget.Code{Name: "Operating Budget"}
				cl.Program = budget.Code{Name: name}
			}
			b.LineItems = append(b.LineItems, budget.LineItem{Classification: cl, FiscalYear: c.fy, Phase: c.phase, Kind: budget.Expenditure,
				AmountCents: cents, Key: budget.NaturalKey(b.Dataset, t.TableType, name), Line: i + 1})
		}
	}
	return nil
}

// TableTitle names the table in messages.
func (t *bostonTable) TableTitle() string {
	if t.TableType != "" {
		return t.TableType
	}
	return "table"
}

func bostonMeasures(path string, b *budget.Batch, dept, prog budget.Code, where string, t bostonTable) error {
	var cols []bostonCol
	for i, r := range t.Data {
		row := fmt.Sprintf("%s.data[%d]", where, i)
		name, err := bostonText(path, row+".line_data", r["line_data"])
		if err != nil {
			return err
		}
		kind, err := bostonText(path, row+".line_type", r["line_type"])
		if err != nil {
			return err
		}
		if kind != "data" {
			continue
		}
		if cols == nil {
			if cols, err = bostonColumns(path, where, &t, "\"FY18 Target\""); err != nil {
				return err
			}
		}
		for _, c := range cols {
			v, ok := bostonNumber(r[c.key])
			if !ok {
				continue
			}
			x, empty, err := ParseValue(v)
			if err != nil {
				return &budget.InputError{File: path, Column: c.key, Field: row + "." + c.key + " (measure " + name + ")", Value: v, Expected: "a number such as 10,187 or 95%", Err: err}
			}
			if empty {
				continue
			}
			b.Measures = append(b.Measures, budget.Measure{Department: dept, Program: prog, Measure: budget.Code{Name: name},
				FiscalYear: c.fy, Phase: c.phase, Value: x, Line: i + 1})
		}
	}
	return nil
}

// BostonDir reads every department and program document under dir (in
// path order) into one batch per document.
func BostonDir(dir string, opt Options) ([]*budget.Batch, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(p, ".json") && (strings.Contains(p, "_departments") || strings.Contains(p, "_programs")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, tabular.OpenError(dir, err)
	}
	if len(files) == 0 {
		return nil, budget.Errorf(budget.EINVALID, "%s: no Boston _departments or _programs JSON files and no datapackage.json: import files one by one or point at a budget folder", dir)
	}
	sort.Strings(files)
	var out []*budget.Batch
	for _, f := range files {
		b, err := BostonFile(f, opt)
		if errors.Is(err, errNothingToImport) {
			continue // e.g. a program page without measures
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
