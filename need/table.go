package need

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/xuri/excelize/v2"
)

// Table holds indicator columns per area, as read from a file. Cells are kept
// as text and parsed when a spec asks for a column, so an error can name the
// file, line and column of the bad value.
type Table struct {
	File    string   // path the table was read from
	Hash    string   // sha256 of the file's bytes
	IDCol   string   // heading of the area id column
	Areas   []string // area ids, in file order
	Columns []string // headings (whitespace normalised), in file order
	cells   [][]string
	lines   []int // file line of each area (header = line 1)
	index   map[string]int
}

// ReadOptions control how a table is read.
type ReadOptions struct {
	// IDColumn names the area id column; when empty the first of area_id,
	// Census Tract, GEOID10_TRACT, GEOID, tract, id is used.
	IDColumn string
	// Sheet of an XLSX workbook (default: the first).
	Sheet string
	// Period selects the rows of a long table with a period column (year,
	// survey span); required when the column holds several periods.
	Period string
}

var idCandidates = []string{"area_id", "census tract", "geoid10_tract", "geoid", "geoid10", "geo_id", "tract", "id"}

// NormaliseHeading collapses runs of white space (including the newlines
// some published headers contain) to one space and trims the ends.
func NormaliseHeading(h string) string {
	return strings.Join(strings.Fields(strings.TrimPrefix(h, "\ufeff")), " ")
}

// ReadTable reads a wide or long indicator table from CSV or XLSX (by
// extension). Wide: one row per area, one column per indicator. Long: the
// columns area_id (or another id column), indicator, value and optionally
// moe; each indicator becomes a column, its margin of error a column named
// "<indicator> MOE". Latin-1 files are decoded when the bytes are not UTF-8.
func ReadTable(path string, opt ReadOptions) (*Table, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "need: unable to read indicators %s: %v", path, err)
	}
	sum := sha256.Sum256(raw)
	var rows [][]string
	var lines []int
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		rows, err = readXLSX(path, raw, opt.Sheet)
		for i := range rows {
			lines = append(lines, i+1)
		}
	default:
		rows, lines, err = readCSV(path, raw)
	}
	if err != nil {
		return nil, err
	}
	t, err := tableFromRows(path, rows, lines, opt)
	if err != nil {
		return nil, err
	}
	if len(t.Areas) == 0 {
		// a header and nothing under it would store an index of no areas
		return nil, &budget.InputError{File: path, Line: 2, Expected: "rows of indicator values under the header; the file has none"}
	}
	t.Hash = hex.EncodeToString(sum[:])
	return t, nil
}

func readCSV(path string, raw []byte) ([][]string, []int, error) {
	if !utf8.Valid(raw) {
		var b strings.Builder
		for _, c := range raw { // Latin-1: every byte is the code point
			b.WriteRune(rune(c))
		}
		raw = []byte(b.String())
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, nil, &budget.InputError{File: path, Line: line, Expected: "a well-formed CSV record (" + err.Error() + "); check the quoting on this line"}
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	return rows, lines, nil
}

func readXLSX(path string, raw []byte, sheet string) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "need: %s is not a readable XLSX workbook: %v", path, err)
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "need: %s: unable to read sheet %q: %v", path, sheet, err)
	}
	return rows, nil
}

func tableFromRows(path string, rows [][]string, lines []int, opt ReadOptions) (*Table, error) {
	if len(rows) < 1 {
		return nil, &budget.InputError{File: path, Line: 1, Expected: "a header row naming the area id column and the indicators"}
	}
	head := make([]string, len(rows[0]))
	for i, h := range rows[0] {
		head[i] = NormaliseHeading(h)
	}
	lower := map[string]int{}
	for i, h := range head {
		if _, dup := lower[strings.ToLower(h)]; !dup {
			lower[strings.ToLower(h)] = i
		}
	}
	idc := -1
	if opt.IDColumn != "" {
		i, ok := lower[strings.ToLower(NormaliseHeading(opt.IDColumn))]
		if !ok {
			return nil, &budget.InputError{File: path, Line: 1, Column: opt.IDColumn, Field: "area_id", Expected: "a column with this heading (the area id column); headings are: " + strings.Join(head, ", ")}
		}
		idc = i
	} else {
		for _, c := range idCandidates {
			if i, ok := lower[c]; ok {
				idc = i
				break
			}
		}
		if idc < 0 {
			return nil, &budget.InputError{File: path, Line: 1, Field: "area_id", Expected: "an area id column (area_id, Census Tract, GEOID10_TRACT, GEOID, tract or id), or name it with --id-column"}
		}
	}
	_, hasInd := lower["indicator"]
	_, hasVal := lower["value"]
	if hasInd && hasVal {
		return longTable(path, head, lower, idc, rows, lines, opt.Period)
	}
	t := &Table{File: path, IDCol: head[idc], Columns: head, index: map[string]int{}}
	for i, h := range head {
		if _, dup := t.index[strings.ToLower(h)]; !dup {
			t.index[strings.ToLower(h)] = i
		}
	}
	seen := map[string]int{}
	for r := 1; r < len(rows); r++ {
		rec := rows[r]
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		id := ""
		if idc < len(rec) {
			id = strings.TrimSpace(rec[idc])
		}
		if r == 1 && censusLabelRow(id) {
			continue // data.census.gov tables repeat the header as labels
		}
		id = censusGeoID(id)
		if id == "" {
			return nil, &budget.InputError{File: path, Line: lines[r], Column: head[idc], ColIndex: idc + 1, Field: "area_id", Expected: "an area id on every row; remove the row or fill in the id"}
		}
		if prev, dup := seen[id]; dup {
			return nil, &budget.InputError{File: path, Line: lines[r], Column: head[idc], ColIndex: idc + 1, Field: "area_id", Value: id, Expected: fmt.Sprintf("each area once (it is also on line %d); use the long format with a period column for several periods", prev)}
		}
		seen[id] = lines[r]
		cells := make([]string, len(head))
		copy(cells, rec)
		t.Areas = append(t.Areas, id)
		t.cells = append(t.cells, cells)
		t.lines = append(t.lines, lines[r])
	}
	return t, nil
}

func longTable(path string, head []string, lower map[string]int, idc int, rows [][]string, lines []int, period string) (*Table, error) {
	ic, vc := lower["indicator"], lower["value"]
	pc, hasPeriod := lower["period"]
	if hasPeriod && period == "" {
		periods := map[string]bool{}
		for r := 1; r < len(rows); r++ {
			if pc < len(rows[r]) && strings.TrimSpace(rows[r][pc]) != "" {
				periods[strings.TrimSpace(rows[r][pc])] = true
			}
		}
		if len(periods) > 1 {
			var ps []string
			for p := range periods {
				ps = append(ps, p)
			}
			sort.Strings(ps)
			return nil, &budget.InputError{File: path, Line: 1, Column: head[pc], ColIndex: pc + 1, Field: "period",
				Expected: "one period at a time: the file has " + strings.Join(ps, ", ") + "; choose one with --period"}
		}
	}
	mc, hasMOE := lower["moe"]
	if !hasMOE {
		mc, hasMOE = lower["margin of error"]
	}
	t := &Table{File: path, IDCol: head[idc], index: map[string]int{}}
	area := map[string]int{}
	col := t.ensureColumn
	col(head[idc])
	get := func(rec []string, i int) string {
		if i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for r := 1; r < len(rows); r++ {
		rec := rows[r]
		id, ind := get(rec, idc), NormaliseHeading(get(rec, ic))
		if id == "" && ind == "" {
			continue
		}
		if hasPeriod && period != "" && get(rec, pc) != period {
			continue
		}
		if id == "" || ind == "" {
			c, ci := head[idc], idc
			if ind == "" {
				c, ci = head[ic], ic
			}
			return nil, &budget.InputError{File: path, Line: lines[r], Column: c, ColIndex: ci + 1, Expected: "an area id and an indicator name on every row"}
		}
		a, ok := area[id]
		if !ok {
			a = len(t.Areas)
			area[id] = a
			t.Areas = append(t.Areas, id)
			t.lines = append(t.lines, lines[r])
			t.cells = append(t.cells, make([]string, len(t.Columns)))
			t.cells[a][0] = id
		}
		c := col(ind)
		if t.cells[a][c] != "" {
			return nil, &budget.InputError{File: path, Line: lines[r], Column: head[ic], ColIndex: ic + 1, Value: ind, Expected: "one value per area and indicator (area " + id + " has this indicator twice)"}
		}
		t.cells[a][c] = get(rec, vc)
		if hasMOE {
			t.cells[a][col(ind+" MOE")] = get(rec, mc)
		}
	}
	return t, nil
}

// Has reports whether the table has a column with this heading (case and
// white space insensitive).
func (t *Table) Has(col string) bool {
	_, ok := t.index[strings.ToLower(NormaliseHeading(col))]
	return ok
}

// Text returns the raw cells of a column.
func (t *Table) Text(col string) ([]string, error) {
	c, ok := t.index[strings.ToLower(NormaliseHeading(col))]
	if !ok {
		return nil, &budget.InputError{File: t.File, Line: 1, Column: col, Expected: "this column, which the index spec uses; map it with the indicator's column: setting or add it to the file"}
	}
	out := make([]string, len(t.Areas))
	for a := range t.Areas {
		out[a] = strings.TrimSpace(t.cells[a][c])
	}
	return out, nil
}

// censusLabelRow reports whether the id cell of the first data row is the
// label row of a data.census.gov table ("id", "Geography", "GEO_ID").
func censusLabelRow(id string) bool {
	switch strings.ToLower(id) {
	case "id", "geography", "geo_id", "geographic area name":
		return true
	}
	return false
}

// censusGeoID strips the summary-level prefix of a Census GEO_ID
// ("1400000US06001400100" -> "06001400100"); other ids are unchanged.
func censusGeoID(id string) string {
	i := strings.Index(id, "US")
	if i < 1 || i+2 >= len(id) {
		return id
	}
	for _, c := range id[:i] + id[i+2:] {
		if c < '0' || c > '9' {
			return id
		}
	}
	return id[i+2:]
}

// missingCell reports whether a cell means "no value" (including the
// American Community Survey's annotations "-", "N", "(X)" and "**", "***",
// "*****" for margins that do not apply).
func missingCell(s string) bool {
	switch strings.ToLower(s) {
	case "", "na", "n/a", "nan", "null", "-", "none", "..", "n", "(x)", "**", "***", "*****":
		return true
	}
	return false
}

// Numbers parses a column: numbers (thousands separators, a trailing % and
// True/False allowed; booleans give 1/0), NA/empty/"-" give NaN. Any other
// text is an error naming the line, column and value.
func (t *Table) Numbers(col string) ([]float64, error) {
	cells, err := t.Text(col)
	if err != nil {
		return nil, err
	}
	c := t.index[strings.ToLower(NormaliseHeading(col))]
	out := make([]float64, len(cells))
	for a, s := range cells {
		v, ok := parseNumber(s)
		if !ok {
			return nil, &budget.InputError{File: t.File, Line: t.lines[a], Column: t.Columns[c], ColIndex: c + 1, Value: s, Expected: "a number, True/False, or NA/empty for a missing value; correct the cell or mark it missing"}
		}
		out[a] = v
	}
	return out, nil
}

func parseNumber(s string) (float64, bool) {
	if missingCell(s) {
		return math.NaN(), true
	}
	switch strings.ToLower(s) {
	case "true", "yes":
		return 1, true
	case "false", "no":
		return 0, true
	}
	// ACS top- and bottom-coded values ("250,000+", "2,500-") are taken at
	// the coding limit
	if len(s) > 1 && (strings.HasSuffix(s, "+") || strings.HasSuffix(s, "-")) {
		s = s[:len(s)-1]
	}
	s = strings.ReplaceAll(strings.TrimSuffix(s, "%"), ",", "")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// Line returns the file line of area a.
func (t *Table) Line(a int) int { return t.lines[a] }

// ensureColumn returns the position of the column called name (compared
// without case), appending it, with an empty cell in every row so far, when
// the table has no such column yet.
func (t *Table) ensureColumn(name string) int {
	k := strings.ToLower(name)
	if i, ok := t.index[k]; ok {
		return i
	}
	t.Columns = append(t.Columns, name)
	t.index[k] = len(t.Columns) - 1
	for a := range t.cells {
		t.cells[a] = append(t.cells[a], "")
	}
	return len(t.Columns) - 1
}
