package office

import (
	"io"
	"math"
	"reflect"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
)

// AreaColumns returns the per-area results of an analysis as typed columns
// in the order of layer's areas (matched by geo.IDKey), named as in the
// result's JSON (area_id, name, population, amount, per_capita, need_score,
// need_tier, ...: every field of analysis.AreaRow, in its order). Money is
// Real in dollars, counts and tiers Integer, shares Real (0-1); a value
// that is missing (NaN, an area without a need tier, an empty label, an
// area of the layer without a result) is nil, so it is written as null.
func AreaColumns(r *analysis.Result, layer *geo.Layer) []geo.Column {
	pos := make(map[string]int, len(r.Areas))
	for i := range r.Areas {
		pos[geo.IDKey(r.Areas[i].AreaID)] = i
	}
	rt := reflect.TypeFor[analysis.AreaRow]()
	var cols []geo.Column
	for f := 0; f < rt.NumField(); f++ {
		sf := rt.Field(f)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		typ, ok := columnType(sf.Type)
		if !ok {
			continue
		}
		c := geo.Column{Name: name, Type: typ, Values: make([]any, len(layer.Areas))}
		for i := range layer.Areas {
			if k, ok := pos[geo.IDKey(layer.Areas[i].ID)]; ok {
				c.Values[i] = columnValue(reflect.ValueOf(r.Areas[k]).Field(f), name)
			}
		}
		cols = append(cols, c)
	}
	return cols
}

var dollarsType = reflect.TypeFor[analysis.Dollars]()

// columnType is the exported type of an AreaRow field's Go type.
func columnType(t reflect.Type) (geo.ValueType, bool) {
	if t == dollarsType {
		return geo.Real, true
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return geo.Text, true
	case reflect.Int, reflect.Int32, reflect.Int64:
		return geo.Integer, true
	case reflect.Float32, reflect.Float64:
		return geo.Real, true
	case reflect.Bool:
		return geo.Boolean, true
	}
	return 0, false
}

// columnValue is one field's exported value (nil for missing).
func columnValue(v reflect.Value, name string) any {
	if v.Type() == dollarsType {
		return analysis.Dollars(v.Int()).Float()
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			return nil
		}
		return v.String()
	case reflect.Int, reflect.Int32, reflect.Int64:
		if name == "need_tier" && v.Int() == 0 {
			return nil // no need run: no tier
		}
		return v.Int()
	case reflect.Float32, reflect.Float64:
		if x := v.Float(); !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x
		}
		return nil
	case reflect.Bool:
		return v.Bool()
	}
	return nil
}

// WriteGeoJSON writes the analysis as a map: a GeoJSON FeatureCollection
// of the layer's areas (WGS84, full resolution) whose properties are the
// per-area results with their types (AreaColumns), ready for QGIS or any
// GIS. A result that no area has (response times without --events, tiers
// without a need run) is left out: GeoJSON has no schema, and a GIS would
// take a property that is null everywhere for text.
func (a *Analysis) WriteGeoJSON(w io.Writer) error {
	if a.Input == nil || a.Input.Layer == nil {
		return budget.Errorf(budget.EINTERNAL, "the analysis has no layer to map")
	}
	var cols []geo.Column
	for _, c := range AreaColumns(a.Result, a.Input.Layer) {
		for _, v := range c.Values {
			if v != nil {
				cols = append(cols, c)
				break
			}
		}
	}
	return geo.WriteGeoJSONColumns(w, a.Input.Layer, cols)
}
