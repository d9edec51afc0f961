package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

// feature is one input record before it becomes an Area.
type feature struct {
	id    any // the format's own feature id, nil when none
	props map[string]any
	geom  orb.Geometry
	line  int // line in the file when the format has lines, else 0
}

// propText renders a property value as text: strings as they are, numbers
// in their shortest exact form, other values as JSON.
func propText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e15 {
			return strconv.FormatInt(int64(t), 10)
		}
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case bool:
		return strconv.FormatBool(t)
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}

// layerName returns opt.Layer or the file's base name without extension.
func layerName(file string, opt ImportOptions) string {
	if opt.Layer != "" {
		return opt.Layer
	}
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// buildLayer turns features into a validated layer: ids, names and
// population from the options, coordinates transformed to WGS84, geometry
// cleaned, then overlaps and gaps measured.
func buildLayer(file string, feats []feature, crs string, opt ImportOptions) (*Layer, *ImportReport, error) {
	rep := &ImportReport{File: file, Layer: layerName(file, opt), Features: len(feats)}
	if len(feats) == 0 {
		return nil, rep, &budget.InputError{File: file, Expected: "the file has no features; give at least one area"}
	}
	if crs == "" {
		crs = opt.CRS
	} else if opt.CRS != "" {
		// the file names its coordinate system and so does --crs: they must
		// agree, or the user's --crs would be silently ignored
		_, given, err := transformTo84(opt.CRS)
		if err != nil {
			return nil, rep, &budget.InputError{File: file, Field: "crs", Value: opt.CRS, Expected: err.Error()}
		}
		if _, declared, err := transformTo84(crs); err == nil && declared != given {
			return nil, rep, &budget.InputError{File: file, Field: "crs", Value: opt.CRS,
				Expected: fmt.Sprintf("the file declares its coordinates in %s (%s) but --crs says %s: drop --crs, or fix the file's declaration", declared, crs, given)}
		}
	}
	tr, code, err := transformTo84(crs)
	if err != nil {
		return nil, rep, &budget.InputError{File: file, Field: "crs", Value: crs, Expected: err.Error()}
	}
	rep.CRS = code
	if code == "EPSG:4326" {
		if p, ok := firstProjected(feats); ok {
			return nil, rep, &budget.InputError{File: file, Field: "crs", Value: fmt.Sprintf("%g,%g", p[0], p[1]),
				Expected: "coordinates look projected (feet or metres), not longitude/latitude; give their coordinate system with --crs (for example EPSG:2229 for California State Plane zone 5 in US feet)"}
		}
	}
	l := &Layer{Name: rep.Layer, Source: file, Areas: make([]Area, 0, len(feats))}
	seen := map[string]int{}
	lim := opt.Limits.withDefaults()
	if len(feats) > lim.Features {
		return nil, rep, limitError(file, feats[lim.Features].line, "features", lim.Features, fmt.Sprintf("feature %d", lim.Features+1))
	}
	// every reader's vertices against the limits (the streaming readers
	// counted them already as they read; this covers WKT in CSV)
	vb := &vertexBudget{lim: lim, file: file}
	for i, f := range feats {
		if err := countFeatureVertices(vb, f.geom, f.line, i+1); err != nil {
			return nil, rep, err
		}
	}
	for i, f := range feats {
		pos := i + 1
		id, err := featureID(f, pos, opt)
		if err != nil {
			return nil, rep, &budget.InputError{File: file, Line: f.line, Field: "id", Column: opt.IDField, Expected: fmt.Sprintf("feature %d: %v", pos, err)}
		}
		if prev, dup := seen[id]; dup {
			return nil, rep, &budget.InputError{File: file, Line: f.line, Column: opt.IDField, Field: "id", Value: id,
				Expected: fmt.Sprintf("feature %d repeats the id of feature %d; area ids must be unique (choose another --id-field)", pos, prev)}
		}
		seen[id] = pos
		a := Area{ID: id, Attrs: make(map[string]string, len(f.props)), Props: make(map[string]any, len(f.props))}
		for k, v := range f.props {
			v = typedValue(v)
			a.Props[k] = v
			a.Attrs[k] = propText(v)
		}
		a.Name = featureName(f, id, opt)
		if opt.PopulationField != "" {
			v, ok := f.props[opt.PopulationField]
			if !ok {
				return nil, rep, &budget.InputError{File: file, Line: f.line, Column: opt.PopulationField, Field: "population",
					Expected: fmt.Sprintf("feature %d (id %q) has no property %q; name an existing property with --population-field", pos, id, opt.PopulationField)}
			}
			s := strings.ReplaceAll(strings.TrimSpace(propText(v)), ",", "")
			p, err := strconv.ParseFloat(s, 64)
			if s == "" {
				p, err = 0, nil
			}
			if err != nil || p < 0 || math.IsNaN(p) || math.IsInf(p, 0) {
				return nil, rep, &budget.InputError{File: file, Line: f.line, Column: opt.PopulationField, Field: "population", Value: propText(v),
					Expected: fmt.Sprintf("feature %d (id %q): expected a non-negative number", pos, id)}
			}
			a.Population = p
		}
		g := transformGeometry(f.geom, tr)
		if pt, ok := g.(orb.Point); ok {
			a.Point = pt
		} else {
			mp, reps, warns, err := cleanPolygonal(g, pos, id)
			if err != nil {
				return nil, rep, &budget.InputError{File: file, Line: f.line, Field: "geometry", Value: id, Expected: fmt.Sprintf("feature %d: %v", pos, err)}
			}
			rep.Repairs = append(rep.Repairs, reps...)
			rep.Warnings = append(rep.Warnings, warns...)
			a.Geom = mp
		}
		l.Areas = append(l.Areas, a)
		feats[i] = feature{} // the parsed geometry and properties are no longer needed: let them go
	}
	if opt.skipCoverage {
		return l, rep, nil
	}
	var deep *deepOverlap
	rep.Overlaps, rep.Gaps, deep = checkCoverage(l, lim.OverlapDepth, true)
	if deep != nil {
		return nil, rep, limitError(file, 0, "overlap_depth", lim.OverlapDepth,
			fmt.Sprintf("%d areas cover the point %.7f,%.7f", deep.areas, deep.at[0], deep.at[1]))
	}
	return l, rep, nil
}

func featureID(f feature, pos int, opt ImportOptions) (string, error) {
	if opt.IDField != "" {
		v, ok := f.props[opt.IDField]
		if !ok {
			return "", fmt.Errorf("no property %q; name an existing property with --id-field (properties: %s)", opt.IDField, propNames(f.props))
		}
		s := strings.TrimSpace(propText(v))
		if s == "" {
			return "", fmt.Errorf("property %q is empty; every area needs an id", opt.IDField)
		}
		return s, nil
	}
	if f.id != nil {
		if s := strings.TrimSpace(propText(f.id)); s != "" {
			return s, nil
		}
	}
	return strconv.Itoa(pos), nil
}

func featureName(f feature, id string, opt ImportOptions) string {
	if opt.NameField != "" {
		if v, ok := f.props[opt.NameField]; ok {
			return propText(v)
		}
		return id
	}
	for _, k := range []string{"name", "Name", "NAME"} {
		if v, ok := f.props[k]; ok {
			if s := propText(v); s != "" {
				return s
			}
		}
	}
	return id
}

func propNames(m map[string]any) string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	sortStrings(names)
	return strings.Join(names, ", ")
}

// firstProjected returns a coordinate that cannot be longitude/latitude.
func firstProjected(feats []feature) (orb.Point, bool) {
	for _, f := range feats {
		if f.geom == nil {
			continue
		}
		b := f.geom.Bound()
		for _, p := range []orb.Point{b.Min, b.Max} {
			if math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
				return p, true
			}
		}
	}
	return orb.Point{}, false
}

// transformGeometry applies tr to every coordinate of g (nil tr: g itself).
func transformGeometry(g orb.Geometry, tr func(orb.Point) orb.Point) orb.Geometry {
	if tr == nil || g == nil {
		return g
	}
	ring := func(r []orb.Point) []orb.Point {
		out := make([]orb.Point, len(r))
		for i, p := range r {
			out[i] = tr(p)
		}
		return out
	}
	switch t := g.(type) {
	case orb.Point:
		return tr(t)
	case orb.MultiPoint:
		return orb.MultiPoint(ring(t))
	case orb.LineString:
		return orb.LineString(ring(t))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(t))
		for i, ls := range t {
			out[i] = ring(ls)
		}
		return out
	case orb.Ring:
		return orb.Ring(ring(t))
	case orb.Polygon:
		out := make(orb.Polygon, len(t))
		for i, r := range t {
			out[i] = ring(r)
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(t))
		for i, p := range t {
			out[i] = transformGeometry(p, tr).(orb.Polygon)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(t))
		for i, c := range t {
			out[i] = transformGeometry(c, tr)
		}
		return out
	}
	return g
}

// countFeatureVertices counts a feature's rings against the vertex limits.
func countFeatureVertices(vb *vertexBudget, g orb.Geometry, line, pos int) error {
	var rings [][]orb.Point
	switch t := g.(type) {
	case orb.Polygon:
		for _, r := range t {
			rings = append(rings, r)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			for _, r := range p {
				rings = append(rings, r)
			}
		}
	case orb.LineString:
		rings = append(rings, t)
	case orb.MultiPoint:
		rings = append(rings, t)
	}
	for k, r := range rings {
		if err := vb.ring(len(r), line, func() string { return fmt.Sprintf("feature %d ring %d", pos, k+1) }); err != nil {
			return err
		}
	}
	return nil
}
