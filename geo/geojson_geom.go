package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

type rawGeometry struct {
	Type        string            `json:"type"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// ParseGeoJSONGeometry reads one GeoJSON geometry object (Point,
// LineString, Polygon, their Multi forms or a GeometryCollection) as
// decodeGeometry does; for readers of features that are not areas (capital
// projects).
func ParseGeoJSONGeometry(data []byte) (orb.Geometry, error) { return decodeGeometry(data) }

// decodeGeometry decodes a GeoJSON geometry object into an orb geometry.
// Positions keep their first two numbers (longitude, latitude); a third
// (height) is ignored.
func decodeGeometry(data []byte) (orb.Geometry, error) {
	var g rawGeometry
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, err
	}
	pts := func(c [][]float64) ([]orb.Point, error) {
		out := make([]orb.Point, len(c))
		for i, p := range c {
			if len(p) < 2 {
				return nil, fmt.Errorf("position %d has %d numbers; a position needs longitude and latitude", i+1, len(p))
			}
			out[i] = orb.Point{p[0], p[1]}
		}
		return out, nil
	}
	rings := func(c [][][]float64) ([][]orb.Point, error) {
		out := make([][]orb.Point, len(c))
		for i, r := range c {
			p, err := pts(r)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	polygon := func(c [][][]float64) (orb.Polygon, error) {
		rs, err := rings(c)
		if err != nil {
			return nil, err
		}
		p := make(orb.Polygon, len(rs))
		for i, r := range rs {
			p[i] = r
		}
		return p, nil
	}
	switch g.Type {
	case "Point":
		var c []float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, err
		}
		p, err := pts([][]float64{c})
		if err != nil {
			return nil, err
		}
		return p[0], nil
	case "MultiPoint", "LineString":
		var c [][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, err
		}
		p, err := pts(c)
		if err != nil {
			return nil, err
		}
		if g.Type == "MultiPoint" {
			return orb.MultiPoint(p), nil
		}
		return orb.LineString(p), nil
	case "MultiLineString":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, err
		}
		rs, err := rings(c)
		if err != nil {
			return nil, err
		}
		out := make(orb.MultiLineString, len(rs))
		for i, r := range rs {
			out[i] = r
		}
		return out, nil
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, err
		}
		return polygon(c)
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil {
			return nil, err
		}
		out := make(orb.MultiPolygon, len(c))
		for i, pc := range c {
			p, err := polygon(pc)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case "GeometryCollection":
		var out orb.Collection
		for _, raw := range g.Geometries {
			sub, err := decodeGeometry(raw)
			if err != nil {
				return nil, err
			}
			out = append(out, sub)
		}
		// A collection of polygons is read as one MultiPolygon.
		var mp orb.MultiPolygon
		for _, s := range out {
			switch t := s.(type) {
			case orb.Polygon:
				mp = append(mp, t)
			case orb.MultiPolygon:
				mp = append(mp, t...)
			default:
				return out, nil
			}
		}
		return mp, nil
	}
	return nil, fmt.Errorf("unknown geometry type %q", g.Type)
}

// appendGeometry appends g as a GeoJSON geometry object.
func appendGeometry(b []byte, g orb.Geometry) []byte {
	num := func(b []byte, f float64) []byte { return strconv.AppendFloat(b, f, 'f', -1, 64) }
	pos := func(b []byte, p orb.Point) []byte {
		b = append(b, '[')
		b = num(b, p[0])
		b = append(b, ',')
		b = num(b, p[1])
		return append(b, ']')
	}
	seq := func(b []byte, ps []orb.Point) []byte {
		b = append(b, '[')
		for i, p := range ps {
			if i > 0 {
				b = append(b, ',')
			}
			b = pos(b, p)
		}
		return append(b, ']')
	}
	poly := func(b []byte, p orb.Polygon) []byte {
		b = append(b, '[')
		for i, r := range p {
			if i > 0 {
				b = append(b, ',')
			}
			b = seq(b, r)
		}
		return append(b, ']')
	}
	switch t := g.(type) {
	case nil:
		return append(b, "null"...)
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = pos(b, t)
	case orb.MultiPoint:
		b = append(b, `{"type":"MultiPoint","coordinates":`...)
		b = seq(b, t)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = seq(b, t)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":[`...)
		for i, l := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = seq(b, l)
		}
		b = append(b, ']')
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = poly(b, t)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = poly(b, p)
		}
		b = append(b, ']')
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

func isNullJSON(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
