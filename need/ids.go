package need

import (
	"fmt"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/census"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// idReader reads the area id of each row, applying the Census Bureau's
// conventions: the label row of data.census.gov tables is skipped, the
// summary-level prefix of a GEO_ID is stripped (and names the geography),
// the API's state, county and tract columns are joined, and GEOIDs that
// lost their leading zero in a spreadsheet get it back, so that one layer
// never mixes 10- and 11-digit tract ids.
type idReader struct {
	file     string
	h        *tabular.Header
	col      int   // id column, -1 when joined
	join     []int // state, county, tract, block group columns
	geo      census.Geography
	explicit bool
	prefixed int
	widths   map[int]int // how many all-digit ids of each length
}

func newIDReader(file string, h *tabular.Header, col int, join []int, geo census.Geography) *idReader {
	r := &idReader{file: file, h: h, col: col, join: join, geo: geo, explicit: geo != "", widths: map[int]int{}}
	if r.geo == "" && col >= 0 {
		r.geo = geographyOfHeading(h.Key(col))
	}
	return r
}

// geographyOfHeading infers a geography from an id column's heading
// ("Census Tract", "GEOID10_TRACT", "tract" are tracts).
func geographyOfHeading(k string) census.Geography {
	switch {
	case strings.Contains(k, "block group") || strings.Contains(k, "blockgroup") || strings.HasSuffix(k, "_bg"):
		return census.BlockGroup
	case strings.Contains(k, "tract"):
		return census.Tract
	case strings.Contains(k, "zcta"):
		return census.ZCTA
	}
	return ""
}

func (r *idReader) heading() string {
	if r.col >= 0 {
		return NormaliseHeading(r.h.Names[r.col])
	}
	return "GEOID"
}

func (r *idReader) cell(rec []string, i int) string {
	if i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// blank reports whether the row has no id at all.
func (r *idReader) blank(rec []string) bool {
	if r.col >= 0 {
		return r.cell(rec, r.col) == ""
	}
	for _, c := range r.join {
		if r.cell(rec, c) != "" {
			return false
		}
	}
	return true
}

func (r *idReader) err(line int, id, expected string) error {
	e := &budget.InputError{File: r.file, Line: line, Field: "area_id", Value: id, Expected: expected}
	if r.col >= 0 {
		e.Column, e.ColIndex = r.h.Names[r.col], r.col+1
	}
	return e
}

// read returns the id of a row; skip is true for the label row of a
// data.census.gov table (first is true for the first row under the header).
func (r *idReader) read(rec []string, line int, first bool) (id string, skip bool, err error) {
	if r.col < 0 {
		parts := make([]string, 4)
		for k, c := range r.join {
			parts[k] = r.cell(rec, c)
		}
		id, g, ok := census.Join(parts[0], parts[1], parts[2], parts[3])
		if !ok {
			if first && censusLabelRow(parts[0]) {
				return "", true, nil
			}
			return "", false, r.err(line, strings.Join(parts, ","), "state, county and tract codes of digits (06, 037, 101110) to join into a GEOID")
		}
		if !r.explicit {
			r.geo = g
		}
		return id, false, nil
	}
	id = r.cell(rec, r.col)
	if first && censusLabelRow(id) {
		return "", true, nil // data.census.gov tables repeat the header as labels
	}
	if id == "" {
		return "", false, r.err(line, "", "an area id on every row; remove the row or fill in the id")
	}
	if g, rest := census.SplitGEOID(id); rest != id {
		id = rest
		r.prefixed++
		if r.geo == "" && g != "" {
			r.geo = g
		}
	}
	if isDigitString(id) {
		r.widths[len(id)]++
	}
	return id, false, nil
}

// finish gives every GEOID its full width once the geography is known
// (from the option, the heading, the GEO_ID prefix, the joined columns,
// or ids of 10 and 11 digits side by side, which are tracts), refusing two
// rows that turn out to be one area, and notes what it did.
func (r *idReader) finish(t *Table) error {
	if r.geo == "" && r.widths[11] > 0 && r.widths[10] > 0 && len(r.widths) == 2 {
		r.geo = census.Tract
	}
	t.Geography = r.geo
	if r.prefixed > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%d GEO_ID values lost their summary-level prefix (1400000US...)", r.prefixed))
	}
	if r.geo == "" || r.geo.Width() == 0 {
		return nil
	}
	padded := 0
	seen := make(map[string]int, len(t.Areas))
	for a, id := range t.Areas {
		if p := census.Pad(id, r.geo); p != id {
			t.Areas[a] = p
			if len(t.cells[a]) > 0 && t.cells[a][0] == id && t.IDCol == t.Columns[0] {
				t.cells[a][0] = p
			}
			padded++
		}
		if prev, dup := seen[t.Areas[a]]; dup {
			return r.err(t.lines[a], id, fmt.Sprintf("each area once: with its leading zero it is the area of line %d", t.lines[prev]))
		}
		seen[t.Areas[a]] = a
	}
	if padded > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%d %s ids were given back the leading zero a spreadsheet dropped (%s GEOIDs have %d digits)", padded, r.geo, r.geo, r.geo.Width()))
	}
	return nil
}

func isDigitString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// censusLabelRow reports whether the id cell of the first data row is the
// label row of a data.census.gov table ("id", "Geography", "GEO_ID").
func censusLabelRow(id string) bool {
	switch strings.ToLower(id) {
	case "id", "geography", "geo_id", "geographic area name", "state", "fips":
		return true
	}
	return false
}

// pairMargins pairs the Census estimate columns with their margins:
// B19013_001M (or POP_M, DP03_0128PM) becomes the margin of error of
// B19013_001E, reachable as "B19013_001E MOE" (the name the index spec
// looks for) and the estimate as "B19013_001" too.
func (t *Table) pairMargins() {
	var pairs []string
	for _, c := range t.Columns {
		m, ok := census.PairedColumn(c)
		if !ok {
			continue
		}
		mi, ok := t.index[strings.ToLower(m)]
		if !ok {
			continue
		}
		if t.margins == nil {
			t.margins = map[int]bool{}
		}
		t.margins[mi] = true
		ei := t.index[strings.ToLower(c)]
		if k := strings.ToLower(c + " MOE"); !t.Has(k) {
			t.index[k] = mi
		}
		if k := strings.ToLower(census.Base(c)); !t.Has(k) {
			t.index[k] = ei
		}
		pairs = append(pairs, c+" with "+m)
	}
	if len(pairs) > 0 {
		sort.Strings(pairs)
		ex := pairs
		if len(ex) > 3 {
			ex = append(ex[:3:3], "...")
		}
		t.Notes = append(t.Notes, fmt.Sprintf("%d estimate columns paired with their margins of error (%s); margins are 90%% and feed the Monte Carlo uncertainty", len(pairs), strings.Join(ex, ", ")))
	}
}

// IsMargin reports whether col is the margin of error of another column
// (a Census _M column paired with its _E, or a "<name> MOE" column).
func (t *Table) IsMargin(col string) bool {
	if strings.HasSuffix(strings.ToUpper(strings.TrimSpace(col)), " MOE") {
		return true
	}
	i, ok := t.index[strings.ToLower(NormaliseHeading(col))]
	return ok && t.margins[i] && strings.EqualFold(t.Columns[i], NormaliseHeading(col))
}

// Coverage says how a table's ids meet the areas of a layer.
type Coverage struct {
	Layer     string   `json:"layer"`
	IDs       int      `json:"ids"`                 // ids in the table
	Matched   int      `json:"matched"`             // of them, areas of the layer
	Unmatched []string `json:"unmatched,omitempty"` // the first ids (at most 10) that are not
	Areas     int      `json:"areas"`               // areas of the layer
}

// String says it in words: "0 of 6 ids in layer tracts (not found:
// 6037101110, ...)".
func (c Coverage) String() string {
	s := fmt.Sprintf("%d of %d ids in layer %s", c.Matched, c.IDs, c.Layer)
	if len(c.Unmatched) > 0 {
		s += " (not found: " + strings.Join(c.Unmatched, ", ")
		if c.IDs-c.Matched > len(c.Unmatched) {
			s += ", ..."
		}
		s += ")"
	}
	return s
}

// Coverage counts the table's ids found among a layer's area ids. Ids
// are compared as GEOIDs at full width for the table's geography, and
// without leading zeros otherwise.
func (t *Table) Coverage(layer string, layerIDs []string) Coverage {
	key := func(id string) string {
		if t.Geography != "" {
			id = census.Pad(id, t.Geography)
		}
		return strings.TrimLeft(id, "0")
	}
	in := make(map[string]bool, len(layerIDs))
	for _, id := range layerIDs {
		in[key(id)] = true
	}
	c := Coverage{Layer: layer, IDs: len(t.Areas), Areas: len(layerIDs)}
	for _, id := range t.Areas {
		if in[key(id)] {
			c.Matched++
		} else if len(c.Unmatched) < 10 {
			c.Unmatched = append(c.Unmatched, id)
		}
	}
	return c
}
