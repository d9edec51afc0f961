package report

import (
	"fmt"
	"reflect"
	"regexp"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

var sectionID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Validate checks that the Document can be rendered: a title, unique
// section IDs and figure keys, tables whose rows have one cell per column of
// the right type, finite numbers (a missing value is nil or Missing, never
// NaN), polygonal map geometries and bar intervals. The error is a
// budget.Error with code EINVALID naming the section, block, row and column.
func (d *Document) Validate() error {
	if d.Title == "" {
		return invalid("the document has no Title; set Document.Title")
	}
	keys := map[string]bool{}
	for i, f := range d.Headline {
		if f.Key == "" || keys[f.Key] {
			return invalid("headline figure %d (%q): Key %q is empty or repeated; give every figure a unique key", i+1, f.Label, f.Key)
		}
		keys[f.Key] = true
		if !f.Missing && !finite(f.Value) {
			return invalid("headline figure %q: value %v is not a finite number; set Missing instead", f.Key, f.Value)
		}
	}
	ids := map[string]bool{"summary": true, "sources": true, "caveats": true, "contents": true}
	for _, s := range d.Sections {
		if !sectionID.MatchString(s.ID) || ids[s.ID] {
			return invalid("section %q: ID %q must be unique, lower-case letters, digits and '-', and not one of summary, sources, caveats, contents", s.Title, s.ID)
		}
		ids[s.ID] = true
		for j, b := range s.Blocks {
			if err := validateBlock(b); err != nil {
				return invalid("section %q, block %d: %v", s.ID, j+1, err)
			}
		}
	}
	return nil
}

func invalid(format string, args ...any) error {
	return budget.Errorf(budget.EINVALID, "report: "+format, args...)
}

func validateBlock(b Block) error {
	if b == nil || reflect.ValueOf(b).IsNil() {
		return fmt.Errorf("block is nil")
	}
	switch x := b.(type) {
	case *Table:
		return x.validate()
	case *Choropleth:
		return x.validate()
	case *CurveChart:
		for _, c := range x.Curves {
			for k, p := range c.Points {
				if !finite(p.X) || !finite(p.Y) {
					return fmt.Errorf("curve chart %q, curve %q, point %d: (%v, %v) is not finite", x.Title, c.Label, k+1, p.X, p.Y)
				}
			}
		}
	case *BarChart:
		for k, bar := range x.Bars {
			if bar.Missing {
				continue
			}
			if !finite(bar.Value) || (bar.HasInterval && (!finite(bar.Low) || !finite(bar.High))) {
				return fmt.Errorf("bar chart %q, bar %d (%q): value %v [%v, %v] is not finite; set Missing instead", x.Title, k+1, bar.Label, bar.Value, bar.Low, bar.High)
			}
		}
		if x.Reference != nil && !finite(*x.Reference) {
			return fmt.Errorf("bar chart %q: reference %v is not finite", x.Title, *x.Reference)
		}
	}
	return nil
}

func (t *Table) validate() error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %q has no columns", t.Title)
	}
	for i, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("table %q, row %d: %d cells for %d columns; give one cell per column (nil when missing)", t.Title, i+1, len(row), len(t.Columns))
		}
		for j, c := range t.Columns {
			v := row[j]
			if v == nil || c.Kind == KindText || c.Kind == "" {
				continue
			}
			f, ok := cellFloat(v)
			if !ok {
				return fmt.Errorf("table %q, row %d, column %q: value %v (%T) is not a number; give a number or nil", t.Title, i+1, c.Label, v, v)
			}
			if !finite(f) {
				return fmt.Errorf("table %q, row %d, column %q: value %v is not finite; give nil for a missing value", t.Title, i+1, c.Label, f)
			}
		}
	}
	return nil
}

func (c *Choropleth) validate() error {
	for i, a := range c.Areas {
		switch a.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon, orb.Point:
		default:
			return fmt.Errorf("map %q, area %d (%s): geometry %T is not a Polygon, MultiPolygon or Point", c.Title, i+1, a.ID, a.Geometry)
		}
		if !a.Missing && !finite(a.Value) {
			return fmt.Errorf("map %q, area %s: value %v is not finite; set Missing instead", c.Title, a.ID, a.Value)
		}
	}
	for i, m := range c.Overlay {
		switch m.Geometry.(type) {
		case orb.Point, orb.MultiPoint, orb.LineString, orb.MultiLineString, orb.Polygon, orb.MultiPolygon:
		default:
			return fmt.Errorf("map %q, overlay feature %d (%s): geometry %T is not a point, line or polygon", c.Title, i+1, m.Label, m.Geometry)
		}
	}
	if c.Method == ClassManual && len(c.Breaks) == 0 {
		return fmt.Errorf("map %q: manual classes need Breaks", c.Title)
	}
	for i := 1; i < len(c.Breaks); i++ {
		if !(c.Breaks[i] > c.Breaks[i-1]) {
			return fmt.Errorf("map %q: Breaks must increase strictly (%v then %v)", c.Title, c.Breaks[i-1], c.Breaks[i])
		}
	}
	if c.Classes != 0 && (c.Classes < 2 || c.Classes > 7) {
		return fmt.Errorf("map %q: Classes %d must be between 2 and 7", c.Title, c.Classes)
	}
	return nil
}
