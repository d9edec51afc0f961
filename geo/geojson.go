package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

// ReadGeoJSON reads a GeoJSON FeatureCollection (or a single Feature) of
// Polygon/MultiPolygon features (Point features make point-only areas) into
// a layer. name is the file name used in errors and as the default layer
// name. A legacy "crs" member (EPSG:n or OGC CRS84) is honoured; without one
// the coordinates are WGS84 unless opt.CRS says otherwise, and coordinates
// that are plainly projected are refused with advice to give --crs.
//
// The file is read as a stream: its size, nesting depth, features and
// vertices are counted against opt.Limits as they are read, and an error
// names the line and column (and the feature) where it occurred.
// Properties keep their JSON types (string, number, boolean, null; nested
// arrays and objects as JSON text).
func ReadGeoJSON(r io.Reader, name string, opt ImportOptions) (*Layer, *ImportReport, error) {
	lim := opt.Limits.withDefaults()
	feats, crs, err := readGeoJSONFeatures(newJSONScanner(r, name, lim), lim)
	if err != nil {
		return nil, nil, err
	}
	return buildLayer(name, feats, crs, opt)
}

// geojsonDoc collects the members of the top-level object; a single
// Feature's members are kept in case the document is one.
type geojsonDoc struct {
	typ      string
	crs      string
	feats    []feature
	sawFeats bool
	single   feature
}

func readGeoJSONFeatures(s *jsonScanner, lim Limits) ([]feature, string, error) {
	k, err := s.kind()
	if err != nil {
		return nil, "", err
	}
	if k != kindObject {
		if k == kindEOF {
			return nil, "", &budget.InputError{File: s.file, Field: "geojson", Expected: "the file is empty; export the layer as a GeoJSON FeatureCollection"}
		}
		return nil, "", &budget.InputError{File: s.file, Line: s.line, ColIndex: s.col + 1, Field: "geojson", Value: k.String(),
			Expected: fmt.Sprintf("the file is a JSON %s where GeoJSON has an object; export the layer as a GeoJSON FeatureCollection", k)}
	}
	vb := &vertexBudget{lim: lim, file: s.file}
	var doc geojsonDoc
	doc.single = feature{props: map[string]any{}}
	err = s.object(func(key string) error {
		switch key {
		case "type":
			return s.typeMember(&doc.typ)
		case "crs":
			v, err := s.value()
			doc.crs = crsName(v)
			return err
		case "features":
			doc.sawFeats = true
			if k, err := s.kind(); err != nil {
				return err
			} else if k != kindArray {
				return s.shapeError("features", k, "an array")
			}
			return s.array(func(i int) error {
				if i >= lim.Features {
					return limitError(s.file, s.line, "features", lim.Features, fmt.Sprintf("feature %d", i+1))
				}
				f, err := s.feature(i+1, vb)
				doc.feats = append(doc.feats, f)
				return err
			})
		case "id", "properties", "geometry":
			return s.featureMember(key, &doc.single, 1, vb)
		}
		return s.skip()
	})
	if err != nil {
		return nil, "", err
	}
	if k, err := s.kind(); err != nil {
		return nil, "", err
	} else if k != kindEOF {
		return nil, "", s.errorf("the file goes on after its GeoJSON object; export the layer as one GeoJSON FeatureCollection")
	}
	switch doc.typ {
	case "FeatureCollection":
		return doc.feats, doc.crs, nil
	case "Feature":
		return []feature{doc.single}, doc.crs, nil
	}
	return nil, "", &budget.InputError{File: s.file, Field: "type", Value: doc.typ, Expected: "a GeoJSON FeatureCollection or Feature"}
}

// typeMember reads a "type" member's string.
func (s *jsonScanner) typeMember(dst *string) error {
	k, err := s.kind()
	if err != nil {
		return err
	}
	if k != kindString {
		return s.shapeError("type", k, "a string")
	}
	*dst, err = s.str()
	return err
}

// shapeError reports valid JSON of the wrong shape in GeoJSON's terms.
func (s *jsonScanner) shapeError(member string, k jsonKind, want string) error {
	return &budget.InputError{File: s.file, Line: s.line, ColIndex: s.col + 1, Field: "geojson", Value: k.String(),
		Expected: fmt.Sprintf("member %q is a JSON %s where GeoJSON has %s; export the layer as a GeoJSON FeatureCollection", member, k, want)}
}

// crsName returns the name of a legacy GeoJSON crs member.
func crsName(v any) string {
	m, _ := v.(map[string]any)
	p, _ := m["properties"].(map[string]any)
	n, _ := p["name"].(string)
	return n
}

// feature reads one feature object (position pos, from 1).
func (s *jsonScanner) feature(pos int, vb *vertexBudget) (feature, error) {
	f := feature{props: map[string]any{}, line: s.line}
	k, err := s.kind()
	if err != nil {
		return f, err
	}
	if k != kindObject {
		return f, s.shapeError(fmt.Sprintf("features[%d]", pos-1), k, "an object (a Feature)")
	}
	err = s.object(func(key string) error {
		if key == "type" {
			var t string
			return s.typeMember(&t)
		}
		return s.featureMember(key, &f, pos, vb)
	})
	return f, err
}

// featureMember reads a feature's id, properties or geometry (anything
// else is skipped).
func (s *jsonScanner) featureMember(key string, f *feature, pos int, vb *vertexBudget) error {
	switch key {
	case "id":
		v, err := s.value()
		f.id = v
		return err
	case "properties":
		k, err := s.kind()
		if err != nil {
			return err
		}
		if k == kindNull {
			_, err := s.literal()
			return err
		}
		if k != kindObject {
			return s.shapeError("properties", k, "an object")
		}
		return s.object(func(name string) error {
			v, err := s.value()
			switch t := v.(type) {
			case map[string]any, []any:
				b, _ := json.Marshal(t)
				v = string(b)
			}
			f.props[name] = v
			return err
		})
	case "geometry":
		line, col := s.line, s.col
		g, err := s.geometry(pos, vb)
		if err != nil {
			var ie *budget.InputError
			if errors.As(err, &ie) && ie.Field == "geojson geometry" {
				ie.Field, ie.Value = "geometry", fmt.Sprintf("feature %d", pos)
			}
			return err
		}
		f.geom = g
		if f.line == 0 {
			f.line = line
		}
		_ = col
		return nil
	}
	return s.skip()
}

// coordTree holds a coordinates member as read, before its geometry type
// is known (members may come in any order): a position, or an array of
// positions (pts), or an array of such arrays (kids).
type coordTree struct {
	level int // 0 position, 1 positions, 2 arrays of positions, ...
	pt    orb.Point
	pts   []orb.Point
	kids  []coordTree
}

// geometry reads a geometry object (or null) into an orb geometry.
func (s *jsonScanner) geometry(pos int, vb *vertexBudget) (orb.Geometry, error) {
	k, err := s.kind()
	if err != nil {
		return nil, err
	}
	if k == kindNull {
		_, err := s.literal()
		return nil, err
	}
	if k != kindObject {
		return nil, s.geomError("the geometry is a JSON %s where GeoJSON has an object", k)
	}
	var typ string
	var coords *coordTree
	var parts []orb.Geometry
	sawParts := false
	line := s.line
	err = s.object(func(key string) error {
		switch key {
		case "type":
			return s.typeMember(&typ)
		case "coordinates":
			k, err := s.kind()
			if err != nil {
				return err
			}
			if k != kindArray {
				return s.geomError("the coordinates hold a JSON %s where an array is expected; coordinates are numbers: [lon, lat] for a Point, [[[lon, lat], ...]] for a Polygon", k)
			}
			ring := 0
			t, err := s.coords(pos, vb, &ring)
			coords = &t
			return err
		case "geometries":
			sawParts = true
			k, err := s.kind()
			if err != nil {
				return err
			}
			if k != kindArray {
				return s.geomError("\"geometries\" is a JSON %s where an array is expected", k)
			}
			return s.array(func(int) error {
				g, err := s.geometry(pos, vb)
				parts = append(parts, g)
				return err
			})
		}
		return s.skip()
	})
	if err != nil {
		return nil, err
	}
	want := map[string]int{"Point": 0, "MultiPoint": 1, "LineString": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}
	if typ == "GeometryCollection" {
		if !sawParts {
			return nil, s.geomErrorAt(line, "a GeometryCollection without \"geometries\"")
		}
		return collection(parts), nil
	}
	lv, ok := want[typ]
	if !ok {
		return nil, s.geomErrorAt(line, "unknown geometry type %q", typ)
	}
	if coords == nil {
		return nil, s.geomErrorAt(line, "a %s without \"coordinates\"", typ)
	}
	if coords.level != lv && !(coords.level == -1 && lv > 0) {
		return nil, s.geomErrorAt(line, "a %s needs coordinates nested %d deep, these are nested %d deep", typ, lv+1, coords.level+1)
	}
	return coords.geometry(typ), nil
}

// geomError is an error in a geometry at the scanner's place.
func (s *jsonScanner) geomError(format string, args ...any) error {
	return s.geomErrorAt(s.line, format, args...)
}

func (s *jsonScanner) geomErrorAt(line int, format string, args ...any) error {
	return &budget.InputError{File: s.file, Line: line, ColIndex: max(s.col, 1), Field: "geojson geometry",
		Expected: "a valid GeoJSON geometry (" + fmt.Sprintf(format, args...) + ")"}
}

// coords reads a coordinates array of any depth. Positions keep their
// first two numbers (longitude, latitude); a third (height) is ignored.
// Arrays of positions (rings and lines) are counted against the vertex
// limits as they grow. ring numbers the arrays of positions of the
// feature, for the place in errors.
func (s *jsonScanner) coords(pos int, vb *vertexBudget, ring *int) (coordTree, error) {
	var t coordTree
	t.level = -1 // an empty array: any type
	first := true
	var nums [2]float64
	nNums := 0
	err := s.array(func(i int) error {
		k, err := s.kind()
		if err != nil {
			return err
		}
		if first {
			first = false
			if k == kindNumber {
				t.level = 0
			}
		}
		if t.level == 0 {
			if k != kindNumber {
				return s.geomError("a position holds a JSON %s where a number is expected", k)
			}
			v, err := s.float()
			if err != nil {
				return err
			}
			if nNums < 2 {
				nums[nNums] = v
			}
			nNums++
			return nil
		}
		if k != kindArray {
			return s.geomError("the coordinates hold a JSON %s where an array is expected; coordinates are numbers: [lon, lat] for a Point, [[[lon, lat], ...]] for a Polygon", k)
		}
		sub, err := s.coords(pos, vb, ring)
		if err != nil {
			return err
		}
		lv := sub.level + 1
		if sub.level == -1 {
			lv = max(t.level, 1)
		}
		if t.level == -1 {
			t.level = lv
		} else if lv != t.level {
			return s.geomError("arrays of different depths in one coordinates member")
		}
		if t.level == 1 {
			if sub.level != 0 {
				return s.geomError("an empty position")
			}
			if len(t.pts) == 0 {
				*ring++
			}
			t.pts = append(t.pts, sub.pt)
			if len(t.pts) > vb.lim.RingVertices {
				return vb.ring(len(t.pts), s.line, func() string { return fmt.Sprintf("feature %d ring %d", pos, *ring) })
			}
			return nil
		}
		t.kids = append(t.kids, sub)
		return nil
	})
	if err != nil {
		return t, err
	}
	if t.level == 0 {
		if nNums < 2 {
			return t, s.geomError("a position has %d numbers; a position needs longitude and latitude", nNums)
		}
		t.pt = orb.Point{nums[0], nums[1]}
	}
	if t.level == 1 {
		if err := vb.ring(len(t.pts), s.line, func() string { return fmt.Sprintf("feature %d ring %d", pos, *ring) }); err != nil {
			return t, err
		}
	}
	return t, nil
}

// geometry turns the tree into the orb geometry of the given type (its
// level was checked).
func (t *coordTree) geometry(typ string) orb.Geometry {
	ring := func(t *coordTree) orb.Ring { return orb.Ring(t.pts) }
	poly := func(t *coordTree) orb.Polygon {
		p := make(orb.Polygon, len(t.kids))
		for i := range t.kids {
			p[i] = ring(&t.kids[i])
		}
		return p
	}
	switch typ {
	case "Point":
		return t.pt
	case "MultiPoint":
		return orb.MultiPoint(t.pts)
	case "LineString":
		return orb.LineString(t.pts)
	case "MultiLineString":
		out := make(orb.MultiLineString, len(t.kids))
		for i := range t.kids {
			out[i] = orb.LineString(t.kids[i].pts)
		}
		return out
	case "Polygon":
		return poly(t)
	}
	out := make(orb.MultiPolygon, len(t.kids))
	for i := range t.kids {
		out[i] = poly(&t.kids[i])
	}
	return out
}

// collection reads a GeometryCollection: of polygons only, one
// MultiPolygon.
func collection(parts []orb.Geometry) orb.Geometry {
	var mp orb.MultiPolygon
	for _, g := range parts {
		switch t := g.(type) {
		case orb.Polygon:
			mp = append(mp, t)
		case orb.MultiPolygon:
			mp = append(mp, t...)
		default:
			return orb.Collection(parts)
		}
	}
	return mp
}

// normCRS maps the spellings of a coordinate system's name to "EPSG:n".
func normCRS(s string) string {
	s = strings.TrimSpace(s)
	u := strings.ToUpper(s)
	switch {
	case u == "" || strings.HasSuffix(u, "CRS84") || u == "WGS84" || u == "WGS 84":
		return "EPSG:4326"
	case strings.HasPrefix(u, "URN:OGC:DEF:CRS:EPSG:"):
		parts := strings.Split(u, ":")
		return "EPSG:" + parts[len(parts)-1]
	case strings.HasPrefix(u, "EPSG:"):
		return "EPSG:" + strings.TrimSpace(u[5:])
	}
	if _, err := fmt.Sscanf(u, "%d", new(int)); err == nil {
		return "EPSG:" + u
	}
	return s
}

// ParseGeoJSONGeometry reads one GeoJSON geometry object (Point,
// LineString, Polygon, their Multi forms or a GeometryCollection) under the
// default limits; for readers of features that are not areas (capital
// projects). JSON null gives a nil geometry.
func ParseGeoJSONGeometry(data []byte) (orb.Geometry, error) {
	lim := DefaultLimits
	s := newJSONScanner(bytes.NewReader(data), "geometry", lim)
	return s.geometry(1, &vertexBudget{lim: lim, file: "geometry"})
}
