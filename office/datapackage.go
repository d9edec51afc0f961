package office

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// DataPackageFile is the descriptor written beside an exported CSV.
const DataPackageFile = "datapackage.json"

// exportFields is the Table Schema (Frictionless Data) of an export's
// columns, in exportHeader's order: codes and names are strings (codes
// keep their leading zeros), amount a number.
var exportFields = map[string]map[string]any{
	"jurisdiction":     {"type": "string", "description": "jurisdiction id (budgetlens ls ... --jurisdiction)", "constraints": map[string]any{"required": true}},
	"fiscal_year":      {"type": "string", "description": "fiscal year as budgetlens writes it, e.g. 2021-22 (July 2021 to June 2022)", "constraints": map[string]any{"required": true}},
	"phase":            {"type": "string", "description": "budget phase", "constraints": map[string]any{"required": true, "enum": []string{"proposed", "adopted", "estimate", "actual"}}},
	"kind":             {"type": "string", "description": "line-item kind; it gives the unit of amount", "constraints": map[string]any{"required": true, "enum": []string{"expenditure", "revenue", "positions"}}},
	"department_code":  {"type": "string", "description": "department code as the source writes it (leading zeros kept)"},
	"department":       {"type": "string", "description": "department name"},
	"org_unit_code":    {"type": "string", "description": "organisational unit code"},
	"org_unit":         {"type": "string", "description": "organisational unit name"},
	"program_code":     {"type": "string", "description": "program code"},
	"program":          {"type": "string", "description": "program name"},
	"fund_code":        {"type": "string", "description": "fund code"},
	"fund":             {"type": "string", "description": "fund name"},
	"source_fund_code": {"type": "string", "description": "source fund code"},
	"source_fund":      {"type": "string", "description": "source fund name"},
	"account_code":     {"type": "string", "description": "account (object) code"},
	"account":          {"type": "string", "description": "account name"},
	"function_code":    {"type": "string", "description": "function code"},
	"function":         {"type": "string", "description": "function name"},
	"amount": {"type": "number", "description": "dollars exact to the cent for kinds expenditure and revenue; authorised positions (up to 4 decimals) for kind positions: never add the two",
		"constraints": map[string]any{"required": true}},
	"key":        {"type": "string", "description": "the row's natural key in its source (stable across imports of the same file)"},
	"area":       {"type": "string", "description": "area codes the row itself carries (a district or ward), when it has them"},
	"area_layer": {"type": "string", "description": "the stored layer whose area ids area holds"},
}

// dataResource describes one exported CSV as a Tabular Data Resource.
func dataResource(file string, rows int, size int64, sha string, comma rune) map[string]any {
	fields := make([]map[string]any, 0, len(exportHeader))
	for _, h := range exportHeader {
		f := map[string]any{"name": h}
		for k, v := range exportFields[h] {
			f[k] = v
		}
		fields = append(fields, f)
	}
	base := filepath.Base(file)
	return map[string]any{
		"name":      resourceName(base),
		"path":      base,
		"profile":   "tabular-data-resource",
		"title":     "budget line items exported by budgetlens",
		"format":    "csv",
		"mediatype": "text/csv",
		"encoding":  "utf-8",
		"bytes":     size,
		"hash":      "sha256:" + sha,
		"dialect":   map[string]any{"delimiter": string(comma), "doubleQuote": true, "header": true, "lineTerminator": "\n", "quoteChar": `"`},
		"schema":    map[string]any{"fields": fields, "missingValues": []string{""}},
		"sources":   []map[string]any{{"title": "budgetlens " + budget.Version + " (" + itoa(rows) + " rows)"}},
	}
}

var nameRE = regexp.MustCompile(`[^a-z0-9._-]+`)

// resourceName is a Data Package name from a file name: lower case
// letters, digits, ".", "_" and "-".
func resourceName(base string) string {
	n := strings.Trim(nameRE.ReplaceAllString(strings.ToLower(strings.TrimSuffix(base, filepath.Ext(base))), "-"), "-")
	if n == "" {
		n = "line-items"
	}
	return n
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// readDataPackage reads the datapackage.json in dir: nil when there is
// none; an error when there is one that is not a data package (it is never
// replaced then).
func readDataPackage(dir string) (map[string]any, error) {
	path := filepath.Join(dir, DataPackageFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "%s: cannot be read (%v): export elsewhere, or pass --datapackage=false", path, err)
	}
	var dp map[string]any
	if err := json.Unmarshal(b, &dp); err != nil {
		return nil, budget.Errorf(budget.EINVALID, "%s exists and is not a data package (%v): it is not replaced; export elsewhere, or pass --datapackage=false", path, err)
	}
	if _, ok := dp["resources"].([]any); !ok {
		return nil, budget.Errorf(budget.EINVALID, "%s exists and has no resources list: it is not replaced; export elsewhere, or pass --datapackage=false", path)
	}
	return dp, nil
}

// writeDataPackage adds (or replaces, by path) the resource of an exported
// CSV in the datapackage.json beside it, keeping the other resources, so
// several exports into one folder make one package.
func writeDataPackage(file string, res map[string]any) error {
	dir := filepath.Dir(file)
	dp, err := readDataPackage(dir)
	if err != nil {
		return err
	}
	if dp == nil {
		dp = map[string]any{"profile": "tabular-data-package", "name": "budgetlens-export",
			"title": "Budget line items exported by budgetlens", "resources": []any{}}
	}
	var kept []any
	for _, r := range dp["resources"].([]any) {
		if m, ok := r.(map[string]any); ok && m["path"] == res["path"] {
			continue
		}
		kept = append(kept, r)
	}
	dp["resources"] = append(kept, res)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(dp); err != nil {
		return err
	}
	out, err := CreateAtomic(filepath.Join(dir, DataPackageFile), "--out", false)
	if err != nil {
		return err
	}
	_, err = out.Write(b.Bytes())
	return out.Commit(err)
}
