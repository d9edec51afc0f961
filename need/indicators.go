package need

import (
	"math"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// IndicatorMeta describes an indicator: its domain, which way is need,
// unit, source and year.
type IndicatorMeta struct {
	Name      string `json:"name"`
	Domain    string `json:"domain"`
	Direction string `json:"direction"` // higher (default) or lower
	Unit      string `json:"unit"`
	Source    string `json:"source"`
	Year      int    `json:"year"`
}

// IndicatorValue is one stored value.
type IndicatorValue struct {
	Area, Indicator string
	Value, MOE      float64 // NaN when missing
}

// IndicatorSet is an import: values of some indicators for the areas of
// one layer and period, from one file.
type IndicatorSet struct {
	Layer, Period string
	File, Hash    string
	Meta          []IndicatorMeta
	Values        []IndicatorValue
}

// IndicatorSetFromTable takes the numeric columns of a table (all but the
// id column, or those named) and their "<name> MOE" margins. A named column
// with text that is not a number is an error naming its line; unnamed
// columns with text (names, counties) are skipped and returned.
func IndicatorSetFromTable(t *Table, layer, period string, columns []string) (*IndicatorSet, []string, error) {
	if layer == "" {
		return nil, nil, budget.Errorf(budget.EINVALID, "need: indicators need a layer name (the geography of the area ids, e.g. tracts2010)")
	}
	set := &IndicatorSet{Layer: layer, Period: period, File: t.File, Hash: t.Hash}
	var skipped []string
	named := len(columns) > 0
	if !named {
		for _, c := range t.Columns {
			if !strings.EqualFold(c, t.IDCol) && !t.IsMargin(c) {
				columns = append(columns, c)
			}
		}
	}
	for _, c := range columns {
		v, err := t.Numbers(c)
		if err != nil {
			if named {
				return nil, nil, err
			}
			skipped = append(skipped, c)
			continue
		}
		moe := nanSlice(len(v))
		if t.Has(c + " MOE") {
			if moe, err = t.Numbers(c + " MOE"); err != nil {
				return nil, nil, err
			}
		}
		for a, id := range t.Areas {
			set.Values = append(set.Values, IndicatorValue{Area: id, Indicator: NormaliseHeading(c), Value: v[a], MOE: moe[a]})
		}
	}
	return set, skipped, nil
}

// ReadMeta reads indicator metadata from a table with the columns
// indicator (or name), domain, direction, unit, source, year.
func ReadMeta(path string) ([]IndicatorMeta, error) {
	t, err := ReadTable(path, ReadOptions{IDColumn: "indicator"})
	if err != nil {
		if t, err = ReadTable(path, ReadOptions{IDColumn: "name"}); err != nil {
			return nil, err
		}
	}
	var cols [5][]string
	for k, col := range []string{"domain", "direction", "unit", "source", "year"} {
		cols[k] = make([]string, len(t.Areas))
		if t.Has(col) {
			if cols[k], err = t.Text(col); err != nil {
				return nil, err
			}
		}
	}
	dom, dir, unit, src, year := cols[0], cols[1], cols[2], cols[3], cols[4]
	var out []IndicatorMeta
	for a, name := range t.Areas {
		m := IndicatorMeta{Name: NormaliseHeading(name), Domain: dom[a], Direction: strings.ToLower(dir[a]), Unit: unit[a], Source: src[a]}
		if m.Direction == "" {
			m.Direction = "higher"
		}
		if m.Direction != "higher" && m.Direction != "lower" {
			return nil, &budget.InputError{File: path, Line: t.Line(a), Column: "direction", Value: dir[a], Expected: "higher (higher values mean more need) or lower"}
		}
		if year[a] != "" {
			y, err := strconv.Atoi(year[a])
			if err != nil {
				return nil, &budget.InputError{File: path, Line: t.Line(a), Column: "year", Value: year[a], Expected: "a year such as 2019"}
			}
			m.Year = y
		}
		out = append(out, m)
	}
	return out, nil
}

// TableFromValues builds a wide table from stored values (areas and
// indicators in first-seen order; margins as "<name> MOE" columns when any
// is present).
func TableFromValues(source string, vals []IndicatorValue) *Table {
	t := &Table{File: source, IDCol: "area_id", Columns: []string{"area_id"}, index: map[string]int{"area_id": 0}, dups: map[string][]int{}}
	area := map[string]int{}
	col := t.ensureColumn
	for _, v := range vals {
		a, ok := area[v.Area]
		if !ok {
			a = len(t.Areas)
			area[v.Area] = a
			t.Areas = append(t.Areas, v.Area)
			t.lines = append(t.lines, 0)
			t.cells = append(t.cells, make([]string, len(t.Columns)))
			t.cells[a][0] = v.Area
		}
		if !math.IsNaN(v.Value) {
			t.cells[a][col(v.Indicator)] = strconv.FormatFloat(v.Value, 'g', -1, 64)
		} else {
			col(v.Indicator)
		}
		if !math.IsNaN(v.MOE) {
			t.cells[a][col(v.Indicator+" MOE")] = strconv.FormatFloat(v.MOE, 'g', -1, 64)
		}
	}
	return t
}
