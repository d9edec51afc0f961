package projects

import (
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Mapping says which columns of a project list hold what. Columns are named
// by their headings (compared as internal/tabular does: case and runs of
// white space ignored); for GeoJSON, by property names. It is the "column
// mapping profile" of `budgetlens capital import` (a YAML file, a named entry
// of the city profile's capital.mappings, or the command's flags).
type Mapping struct {
	// ID is the column of project ids; "" numbers projects by their line.
	ID string `yaml:"id" json:"id,omitempty"`
	// Name and Category are optional columns.
	Name     string `yaml:"name" json:"name,omitempty"`
	Category string `yaml:"category" json:"category,omitempty"`
	// Cost is the column of each project's total cost; Years, instead, the
	// columns of its cost per year (their headings label the years unless
	// YearLabels gives labels). Exactly one of the two.
	Cost       string   `yaml:"cost" json:"cost,omitempty"`
	Years      []string `yaml:"years" json:"years,omitempty"`
	YearLabels []string `yaml:"year_labels" json:"year_labels,omitempty"`
	// Units multiplies every amount: 1000 for a list in thousands of
	// dollars. A power of ten from 1 to 10^9 (0 means 1), so that amounts
	// stay exact.
	Units int64 `yaml:"units" json:"units,omitempty"`
	// The place, in this order of precedence for each row: a Citywide
	// value in the Area column; a geometry (the GeoJSON feature's, the
	// Geometry column's WKT or GeoJSON text, or Lon/Lat); area codes of
	// AreaLayer in the Area column, separated by AreaSeparator (default
	// ",") or "&"; none.
	Lon      string `yaml:"lon" json:"lon,omitempty"`
	Lat      string `yaml:"lat" json:"lat,omitempty"`
	Geometry string `yaml:"geometry" json:"geometry,omitempty"`
	// AreaLayer is the stored layer whose area ids the Area column holds.
	AreaLayer     string `yaml:"layer" json:"layer,omitempty"`
	Area          string `yaml:"area" json:"area,omitempty"`
	AreaSeparator string `yaml:"area_separator" json:"area_separator,omitempty"`
	// Citywide are the Area cells (case ignored) of projects serving the
	// whole city ("CW", "Citywide"); Unplaced those that give no place
	// ("Various", "N/A"). A blank Area cell is unplaced too.
	Citywide []string `yaml:"citywide" json:"citywide,omitempty"`
	Unplaced []string `yaml:"unplaced" json:"unplaced,omitempty"`
	// MissingCost says what a row without a cost is: "error" (the
	// default: the cell is refused) or "skip" (the row is left out and
	// listed in Plan.Skipped: a request without an estimate yet).
	MissingCost string `yaml:"missing_cost" json:"missing_cost,omitempty"`
	// Sheet and HeaderRow choose a workbook's sheet and header row (as
	// Excel numbers rows); 0 and "" for the first.
	Sheet     string `yaml:"sheet" json:"sheet,omitempty"`
	HeaderRow int    `yaml:"header_row" json:"header_row,omitempty"`
}

// Override returns m with every field set in o replacing m's (flags given
// on the command line over a mapping profile).
func (m Mapping) Override(o Mapping) Mapping {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	str(&m.ID, o.ID)
	str(&m.Name, o.Name)
	str(&m.Category, o.Category)
	if o.Cost != "" {
		m.Cost, m.Years, m.YearLabels = o.Cost, nil, nil
	}
	if len(o.Years) > 0 {
		m.Years, m.Cost = o.Years, ""
	}
	if len(o.YearLabels) > 0 {
		m.YearLabels = o.YearLabels
	}
	if o.Units != 0 {
		m.Units = o.Units
	}
	str(&m.Lon, o.Lon)
	str(&m.Lat, o.Lat)
	str(&m.Geometry, o.Geometry)
	str(&m.AreaLayer, o.AreaLayer)
	str(&m.Area, o.Area)
	str(&m.AreaSeparator, o.AreaSeparator)
	if len(o.Citywide) > 0 {
		m.Citywide = o.Citywide
	}
	if len(o.Unplaced) > 0 {
		m.Unplaced = o.Unplaced
	}
	str(&m.MissingCost, o.MissingCost)
	str(&m.Sheet, o.Sheet)
	if o.HeaderRow != 0 {
		m.HeaderRow = o.HeaderRow
	}
	return m
}

// unitDigits returns k with Units = 10^k.
func (m *Mapping) unitDigits() (int, error) {
	u := m.Units
	if u == 0 {
		u = 1
	}
	k := 0
	for v := u; v > 1; v /= 10 {
		if v%10 != 0 {
			return 0, badMapping("units", fmt.Sprint(m.Units), "a power of ten (1, 1000 for thousands, 1000000 for millions), so that amounts stay exact")
		}
		k++
	}
	if u < 1 || k > 9 {
		return 0, badMapping("units", fmt.Sprint(m.Units), "a power of ten from 1 to 1000000000")
	}
	return k, nil
}

// check validates the mapping's fields against each other.
func (m *Mapping) check() error {
	switch {
	case m.Cost == "" && len(m.Years) == 0:
		return badMapping("cost", "", "name the column of each project's cost (--cost COL) or of its cost per year (--years COL,COL,...)")
	case m.Cost != "" && len(m.Years) > 0:
		return badMapping("cost", m.Cost, "give the total cost (--cost) or the cost per year (--years), not both")
	case len(m.YearLabels) > 0 && len(m.YearLabels) != len(m.Years):
		return badMapping("year_labels", strings.Join(m.YearLabels, ","), fmt.Sprintf("one label for each of the %d year columns", len(m.Years)))
	case (m.Lon == "") != (m.Lat == ""):
		return badMapping("lon", m.Lon+","+m.Lat, "name both the longitude and the latitude column (--lon COL --lat COL)")
	case m.Area != "" && m.AreaLayer == "" && !m.onlyMarkers():
		return badMapping("layer", "", "area codes need the stored layer they belong to: --layer NAME with --area COL")
	case m.AreaLayer != "" && m.Area == "":
		return badMapping("area", "", "--layer names the layer of the area codes: name their column with --area COL")
	case m.MissingCost != "" && m.MissingCost != "error" && m.MissingCost != "skip":
		return badMapping("missing_cost", m.MissingCost, "error (a blank cost is refused) or skip (the row is left out and listed)")
	}
	seen := map[string]bool{}
	for _, y := range m.yearLabels() {
		if strings.TrimSpace(y) == "" || seen[y] {
			return badMapping("years", strings.Join(m.Years, ","), "distinct, non-blank year columns (or labels)")
		}
		seen[y] = true
	}
	_, err := m.unitDigits()
	return err
}

// onlyMarkers reports whether the Area column is used for citywide and
// unplaced markers only (no layer: every other value is an error).
func (m *Mapping) onlyMarkers() bool { return len(m.Citywide) > 0 || len(m.Unplaced) > 0 }

func (m *Mapping) yearLabels() []string {
	if len(m.YearLabels) > 0 {
		return m.YearLabels
	}
	return m.Years
}

func (m *Mapping) separator() string {
	if m.AreaSeparator == "" {
		return ","
	}
	return m.AreaSeparator
}

func badMapping(field, value, expected string) error {
	return &budget.InputError{Field: "mapping " + field, Value: value, Expected: expected}
}
