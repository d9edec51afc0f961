package geo

import (
	"strconv"

	"github.com/paulmach/orb"
)

// GeoJSONGeometry writes g as a GeoJSON geometry object (null for nil),
// numbers in the shortest form that reads back exactly: the inverse of
// ParseGeoJSONGeometry, for readers that keep features that are not areas.
func GeoJSONGeometry(g orb.Geometry) []byte { return appendGeometry(nil, g) }

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
