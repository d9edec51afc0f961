package need

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/census"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// Table holds indicator columns per area, as read from a file. Cells are kept
// as text and parsed when a spec asks for a column, so an error can name the
// file, line and column of the bad value.
type Table struct {
	File    string   // path the table was read from
	Hash    string   // sha256 of the file's bytes
	IDCol   string   // heading of the area id column
	Areas   []string // area ids, in file order (GEOIDs at full width)
	Columns []string // headings (whitespace normalised), in file order
	// Geography is the Census geography of the ids when known (from a
	// GEO_ID prefix, the id column's heading, state/county/tract columns
	// or ReadOptions.Geography); its GEOIDs are padded to full width.
	Geography census.Geography
	// Notes say what the reader did that a careful user should know (ids
	// given back their leading zero, margins paired with estimates).
	Notes []string
	cells [][]string
	lines []int // file line of each area (header = line 1)
	index map[string]int
	dups  map[string][]int // headings written more than once: refused when used
	head  *tabular.Header
	// margins are the columns that are another's margin of error.
	margins map[int]bool
}

// ReadOptions control how a table is read.
type ReadOptions struct {
	// IDColumn names the area id column; when empty the first of area_id,
	// Census Tract, GEOID10_TRACT, GEOID, GEOID10, GEOID20, GEO_ID, tract,
	// id is used, and failing those the Census API's state, county and
	// tract (and block group) columns are joined into GEOIDs.
	IDColumn string
	// Sheet of an XLSX workbook (default: the first).
	Sheet string
	// Period selects the rows of a long table with a period column (year,
	// survey span); required when the column holds several periods.
	Period string
	// Geography of the ids (a census geography such as "tract"); "" infers
	// it (see Table.Geography).
	Geography string
	// HeaderRow and HeaderRows place the header (see tabular.Options).
	HeaderRow, HeaderRows int
	// Limits bound what is read (tabular.DefaultLimits when zero).
	Limits tabular.Limits
}

var idCandidates = []string{"area_id", "census tract", "geoid10_tract", "geoid", "geoid10", "geoid20", "geo_id", "tract", "id"}

// NormaliseHeading collapses runs of white space (including the newlines
// some published headers contain) to one space and trims the ends.
func NormaliseHeading(h string) string {
	return strings.Join(strings.Fields(strings.TrimPrefix(h, "\ufeff")), " ")
}

// ReadTable reads a wide or long indicator table from CSV (any delimiter;
// UTF-8, UTF-16 or Windows-1252), XLSX (stored values) or the Census API's
// JSON, by extension and content, within opt.Limits. Wide: one row per
// area, one column per indicator. Long: the columns area_id (or another id
// column), indicator, value and optionally moe; each indicator becomes a
// column, its margin of error a column named "<indicator> MOE". Census
// conventions are applied: the API's sentinels (-666666666, ...) are
// missing values, GEOIDs get their full width, and estimate/margin pairs
// (B19013_001E and B19013_001M) are paired, the margin answering to
// "B19013_001E MOE" (and the estimate to "B19013_001").
func ReadTable(path string, opt ReadOptions) (*Table, error) {
	r, err := tabular.Open(path, tabular.Options{Sheet: opt.Sheet, HeaderRow: opt.HeaderRow, HeaderRows: opt.HeaderRows, Limits: opt.Limits})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var rows [][]string
	var lines []int
	for {
		line, rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, append([]string(nil), rec...))
		lines = append(lines, line)
	}
	t, err := tableFromRows(path, r.Header(), rows, lines, opt)
	if err != nil {
		return nil, err
	}
	if len(t.Areas) == 0 {
		// a header and nothing under it would store an index of no areas
		return nil, &budget.InputError{File: path, Line: r.Header().Line + 1, Expected: "rows of indicator values under the header; the file has none"}
	}
	t.Hash = r.SHA256()
	return t, nil
}

// idColumn finds the area id column: the one named, else the first
// candidate; -1 when there is none.
func idColumn(path string, h *tabular.Header, opt ReadOptions) (int, error) {
	if opt.IDColumn != "" {
		i, err := h.Find(opt.IDColumn)
		if err == nil && i < 0 {
			return -1, &budget.InputError{File: path, Line: h.Line, Column: opt.IDColumn, Field: "area_id", Expected: "a column with this heading (the area id column); headings are: " + strings.Join(h.Names, ", ")}
		}
		return i, err
	}
	return h.Find(idCandidates...)
}

func tableFromRows(path string, h *tabular.Header, rows [][]string, lines []int, opt ReadOptions) (*Table, error) {
	head := make([]string, h.Len())
	for i, n := range h.Names {
		head[i] = NormaliseHeading(n)
	}
	idc, err := idColumn(path, h, opt)
	if err != nil {
		return nil, err
	}
	geo, err := readGeography(path, opt.Geography)
	if err != nil {
		return nil, err
	}
	var join []int // state, county, tract, block group columns
	if parts := censusParts(h); opt.IDColumn == "" && parts != nil && (idc < 0 || idc == parts[2]) {
		idc, join = -1, parts // the API's columns: state, county, tract are one id
	}
	if idc < 0 && join == nil {
		if join = censusParts(h); join == nil {
			return nil, &budget.InputError{File: path, Line: h.Line, Field: "area_id", Expected: "an area id column (area_id, Census Tract, GEOID10_TRACT, GEOID, GEO_ID, tract or id), the Census API's state, county and tract columns, or name the column with --id-column"}
		}
	}
	ind, err := h.Find("indicator")
	if err != nil {
		return nil, err
	}
	val, err := h.Find("value")
	if err != nil {
		return nil, err
	}
	ids := newIDReader(path, h, idc, join, geo)
	if ind >= 0 && val >= 0 {
		return longTable(path, h, head, ids, rows, lines, opt.Period)
	}
	t := newTable(path, h, head)
	t.IDCol = ids.heading()
	seen := map[string]int{}
	for r, rec := range rows {
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		id, skip, err := ids.read(rec, lines[r], r == 0)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		if prev, dup := seen[id]; dup {
			return nil, ids.err(lines[r], id, fmt.Sprintf("each area once (it is also on line %d); use the long format with a period column for several periods", prev))
		}
		seen[id] = lines[r]
		cells := make([]string, len(head))
		copy(cells, rec)
		t.Areas = append(t.Areas, id)
		t.cells = append(t.cells, cells)
		t.lines = append(t.lines, lines[r])
	}
	if err := ids.finish(t); err != nil {
		return nil, err
	}
	t.pairMargins()
	return t, nil
}

// newTable makes an empty wide table with the file's headings.
func newTable(path string, h *tabular.Header, head []string) *Table {
	t := &Table{File: path, Columns: head, index: map[string]int{}, dups: map[string][]int{}, head: h}
	for i, c := range head {
		k := strings.ToLower(c)
		if k == "" {
			continue
		}
		if _, dup := t.index[k]; dup {
			t.dups[k] = h.Duplicated(i)
			continue
		}
		t.index[k] = i
	}
	return t
}

func readGeography(path, s string) (census.Geography, error) {
	if s == "" {
		return "", nil
	}
	g, ok := census.ParseGeography(s)
	if !ok {
		return "", budget.Errorf(budget.EINVALID, "%s: geography %q: use tract, block group, county, state, place, zcta or congressional district", path, s)
	}
	return g, nil
}

// censusParts returns the columns of the Census API's state, county, tract
// and block group (-1 when absent), when the table has state and county.
func censusParts(h *tabular.Header) []int {
	out := make([]int, 4)
	for k, name := range []string{"state", "county", "tract", "block group"} {
		i, err := h.Find(name)
		if err != nil {
			return nil
		}
		out[k] = i
	}
	if out[0] < 0 || out[1] < 0 {
		return nil
	}
	return out
}

func longTable(path string, h *tabular.Header, head []string, ids *idReader, rows [][]string, lines []int, period string) (*Table, error) {
	ic, _ := h.Find("indicator") // found without error by tableFromRows
	vc, _ := h.Find("value")
	pc, err := h.Find("period")
	if err != nil {
		return nil, err
	}
	hasPeriod := pc >= 0
	get := func(rec []string, i int) string {
		if i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if hasPeriod && period == "" {
		periods := map[string]bool{}
		for _, rec := range rows {
			if p := get(rec, pc); p != "" {
				periods[p] = true
			}
		}
		if len(periods) > 1 {
			var ps []string
			for p := range periods {
				ps = append(ps, p)
			}
			sort.Strings(ps)
			return nil, &budget.InputError{File: path, Line: h.Line, Column: head[pc], ColIndex: pc + 1, Field: "period",
				Expected: "one period at a time: the file has " + strings.Join(ps, ", ") + "; choose one with --period"}
		}
	}
	mc, err := h.Find("moe", "margin of error")
	if err != nil {
		return nil, err
	}
	t := &Table{File: path, IDCol: ids.heading(), index: map[string]int{}, dups: map[string][]int{}, head: h}
	area := map[string]int{}
	col := t.ensureColumn
	col(t.IDCol)
	for r, rec := range rows {
		ind := NormaliseHeading(get(rec, ic))
		if ids.blank(rec) && ind == "" {
			continue
		}
		if hasPeriod && period != "" && get(rec, pc) != period {
			continue
		}
		id, skip, err := ids.read(rec, lines[r], r == 0)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		if ind == "" {
			return nil, &budget.InputError{File: path, Line: lines[r], Column: head[ic], ColIndex: ic + 1, Expected: "an area id and an indicator name on every row"}
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
		if mc >= 0 {
			t.cells[a][col(ind+" MOE")] = get(rec, mc)
		}
	}
	if err := ids.finish(t); err != nil {
		return nil, err
	}
	return t, nil
}

// Has reports whether the table has a column with this heading (case and
// white space insensitive).
func (t *Table) Has(col string) bool {
	k := strings.ToLower(NormaliseHeading(col))
	_, ok := t.index[k]
	return ok || t.dups[k] != nil
}

// column returns the position of a column; a heading written twice is
// ambiguous and refused, naming both columns.
func (t *Table) column(col string) (int, error) {
	k := strings.ToLower(NormaliseHeading(col))
	if d := t.dups[k]; d != nil && t.head != nil {
		return -1, t.head.DuplicateError(d)
	}
	c, ok := t.index[k]
	if !ok {
		return -1, &budget.InputError{File: t.File, Line: 1, Column: col, Expected: "this column, which the index spec uses; map it with the indicator's column: setting or add it to the file"}
	}
	return c, nil
}

// Text returns the raw cells of a column.
func (t *Table) Text(col string) ([]string, error) {
	c, err := t.column(col)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(t.Areas))
	for a := range t.Areas {
		if c < len(t.cells[a]) {
			out[a] = strings.TrimSpace(t.cells[a][c])
		}
	}
	return out, nil
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
	c, _ := t.column(col)
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

// MaxPopulation is the largest population an area may have: ten billion,
// more than the world's. A larger value is a unit or export error.
const MaxPopulation = 1e10

// Populations parses a population column: like Numbers (missing cells are
// NaN), and every value must be a count of people: finite, not negative,
// at most MaxPopulation. A negative or absurd population would weight an
// index or a rate without a word.
func (t *Table) Populations(col string) ([]float64, error) {
	v, err := t.Numbers(col)
	if err != nil {
		return nil, err
	}
	c, _ := t.column(col)
	for a, x := range v {
		if math.IsNaN(x) || x >= 0 && x <= MaxPopulation {
			continue
		}
		return nil, &budget.InputError{File: t.File, Line: t.lines[a], Column: t.Columns[c], ColIndex: c + 1, Field: "population", Value: strings.TrimSpace(t.cells[a][c]),
			Expected: "a number of residents from 0 to 10,000,000,000, or NA when unknown"}
	}
	return v, nil
}

func parseNumber(s string) (float64, bool) {
	if missingCell(s) || census.Missing(s) {
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
	if census.IsSentinel(v) {
		return math.NaN(), true
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
