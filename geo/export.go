package geo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ValueType is the type of an exported column.
type ValueType int

const (
	// Text columns hold strings.
	Text ValueType = iota
	// Integer columns hold int64.
	Integer
	// Real columns hold float64 (a non-finite value is written as null).
	Real
	// Boolean columns hold bool.
	Boolean
)

func (t ValueType) String() string {
	return [...]string{"text", "integer", "real", "boolean"}[t]
}

// Column is one exported attribute: a name, a type and one value per area
// of the layer, in layer order (nil for a null). Values must be of the
// column's type: string, int64, float64 or bool (an int or an int32 is
// taken as int64).
type Column struct {
	Name   string
	Type   ValueType
	Values []any
}

// LayerColumns returns the layer's own properties as typed columns (sorted
// by name; a column is Integer when every non-null value is an integer,
// Real when every one is a number, Boolean when every one is a boolean,
// else Text with the values' text), followed by the area's id, name and
// population (when any area has one) under the names "id", "name" and
// "population", or "area_id", "area_name", "area_population" (then with
// "_2", "_3", ...) when the layer already has a property of that name (in
// any case), so no property is ever overwritten.
func LayerColumns(l *Layer) []Column {
	names := map[string]bool{}
	for i := range l.Areas {
		for k := range l.Areas[i].props() {
			names[k] = true
		}
	}
	var keys []string
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cols := make([]Column, 0, len(keys)+3)
	for _, k := range keys {
		vals := make([]any, len(l.Areas))
		for i := range l.Areas {
			vals[i] = l.Areas[i].props()[k]
		}
		c := typedColumn(k, vals)
		if c.Name == "" {
			c.Name = "property" // a property named "" (GeoJSON allows it)
		}
		// names that differ only in case are one name to GIS formats
		cols = AppendColumns(cols, c)
	}
	return AppendColumns(cols, AreaColumns(l)...)
}

// AreaColumns returns the columns id (Text), name (Text) and, when any
// area has a population, population (Real) of the layer's areas.
func AreaColumns(l *Layer) []Column {
	id := Column{Name: "id", Type: Text, Values: make([]any, len(l.Areas))}
	name := Column{Name: "name", Type: Text, Values: make([]any, len(l.Areas))}
	pop := Column{Name: "population", Type: Real, Values: make([]any, len(l.Areas))}
	anyPop := false
	for i := range l.Areas {
		a := &l.Areas[i]
		id.Values[i], name.Values[i] = a.ID, a.Name
		if a.Population > 0 {
			pop.Values[i], anyPop = a.Population, true
		}
	}
	if !anyPop {
		return []Column{id, name}
	}
	return []Column{id, name, pop}
}

// AppendColumns appends more to cols, renaming a column whose name is
// already taken (compared without case, as GIS formats do): "id" becomes
// "area_id", then "area_id_2", and so on.
func AppendColumns(cols []Column, more ...Column) []Column {
	taken := map[string]bool{}
	for _, c := range cols {
		taken[strings.ToLower(c.Name)] = true
	}
	for _, c := range more {
		name := c.Name
		if taken[strings.ToLower(name)] {
			base := "area_" + c.Name
			name = base
			for k := 2; taken[strings.ToLower(name)]; k++ {
				name = base + "_" + strconv.Itoa(k)
			}
		}
		taken[strings.ToLower(name)] = true
		c.Name = name
		cols = append(cols, c)
	}
	return cols
}

// typedColumn infers a column's type from its values.
func typedColumn(name string, vals []any) Column {
	allInt, allNum, allBool, any := true, true, true, false
	for _, v := range vals {
		switch v.(type) {
		case nil:
			continue
		case int64:
			allBool = false
		case float64:
			allInt, allBool = false, false
		case bool:
			allInt, allNum = false, false
		default:
			allInt, allNum, allBool = false, false, false
		}
		any = true
	}
	c := Column{Name: name, Values: vals}
	switch {
	case !any:
		c.Type = Text
	case allInt:
		c.Type = Integer
	case allNum:
		c.Type = Real
		for i, v := range vals {
			if n, ok := v.(int64); ok {
				vals[i] = float64(n)
			}
		}
	case allBool:
		c.Type = Boolean
	default:
		c.Type = Text
		for i, v := range vals {
			if v != nil {
				vals[i] = propText(v)
			}
		}
	}
	return c
}

// checkColumns verifies that every column has one value per area, of its
// type, and that names are unique (without case) and non-empty.
func checkColumns(l *Layer, cols []Column) error {
	seen := map[string]bool{}
	for ci := range cols {
		c := &cols[ci]
		key := strings.ToLower(c.Name)
		if c.Name == "" || seen[key] {
			return fmt.Errorf("geo: column %d: name %q is empty or repeated (use AppendColumns)", ci+1, c.Name)
		}
		seen[key] = true
		if len(c.Values) != len(l.Areas) {
			return fmt.Errorf("geo: column %q has %d values for %d areas", c.Name, len(c.Values), len(l.Areas))
		}
		for i, v := range c.Values {
			nv, ok := normalValue(c.Type, v)
			if !ok {
				return fmt.Errorf("geo: column %q (%s), area %d: a value of type %T", c.Name, c.Type, i+1, v)
			}
			c.Values[i] = nv
		}
	}
	return nil
}

// normalValue converts v to the Go type of t (nil stays nil); ok false
// when it cannot.
func normalValue(t ValueType, v any) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch t {
	case Text:
		s, ok := v.(string)
		return s, ok
	case Integer:
		switch n := v.(type) {
		case int64:
			return n, true
		case int:
			return int64(n), true
		case int32:
			return int64(n), true
		}
	case Real:
		switch n := v.(type) {
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, true
			}
			return n, true
		case int64:
			return float64(n), true
		case int:
			return float64(n), true
		}
	case Boolean:
		b, ok := v.(bool)
		return b, ok
	}
	return nil, false
}

// areaGeometry is what is written for an area: its polygons, or its point.
func areaGeometry(a *Area) orb.Geometry {
	if a.PointOnly() {
		return a.Point
	}
	return a.Geom
}

// WriteGeoJSON writes the layer as a GeoJSON FeatureCollection in WGS84
// (RFC 7946): each feature has the area id as its "id" and the columns of
// LayerColumns as properties, with their types (numbers as JSON numbers,
// booleans, nulls) and never a property overwritten.
func WriteGeoJSON(w io.Writer, l *Layer) error {
	return WriteGeoJSONColumns(w, l, LayerColumns(l))
}

// WriteGeoJSONColumns writes the layer's areas as a GeoJSON
// FeatureCollection with the given columns as properties (in their order):
// Integer and Real as JSON numbers (a non-finite Real as null), Boolean as
// true/false, Text as strings, nil as null. The feature's "id" is the area
// id. This is the map-ready output of an analysis: the caller passes the
// layer and one column per result (see AreaColumns, AppendColumns).
func WriteGeoJSONColumns(w io.Writer, l *Layer, cols []Column) error {
	if err := checkColumns(l, cols); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	var buf []byte
	for i := range l.Areas {
		a := &l.Areas[i]
		buf = append(buf[:0], `{"type":"Feature","id":`...)
		buf = appendJSONString(buf, a.ID)
		buf = append(buf, `,"properties":{`...)
		for ci, c := range cols {
			if ci > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, c.Name)
			buf = append(buf, ':')
			buf = appendJSONValue(buf, c.Values[i])
		}
		buf = append(buf, `},"geometry":`...)
		if l.NoGeometry {
			buf = append(buf, "null"...) // an area without boundaries
		} else {
			buf = appendGeometry(buf, areaGeometry(a))
		}
		buf = append(buf, '}')
		if i+1 < len(l.Areas) {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func appendJSONString(b []byte, s string) []byte {
	j, _ := json.Marshal(s)
	return append(b, j...)
}

func appendJSONValue(b []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, t)
	case int64:
		return strconv.AppendInt(b, t, 10)
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return append(b, "null"...)
		}
		// as encoding/json writes numbers: 353122450.61, not 3.5312245061e+08
		j, _ := json.Marshal(t)
		return append(b, j...)
	case bool:
		return strconv.AppendBool(b, t)
	}
	return append(b, "null"...)
}
