package web

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

// writeAreasGeoJSON writes a layer's areas (already simplified) as a
// GeoJSON FeatureCollection (RFC 7946, WGS84, coordinates rounded to 1e-5
// degree, about a metre) whose properties are the area's row of the table:
// the same columns as the CSV.
func writeAreasGeoJSON(w io.Writer, l *geo.Layer, rows []AreaValueRow) error {
	byID := map[string]AreaValueRow{}
	for _, r := range rows {
		byID[r.AreaID] = r
	}
	return writeGeoJSON(w, l, func(a *geo.Area) any {
		if row, ok := byID[a.ID]; ok {
			return row
		}
		return AreaValueRow{AreaID: a.ID, Name: a.Name}
	})
}

// writeGeoJSON writes a layer's areas as a FeatureCollection whose
// properties are props of each area (marshalled as JSON).
func writeGeoJSON(w io.Writer, l *geo.Layer, props func(a *geo.Area) any) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	var buf []byte
	for i := range l.Areas {
		a := &l.Areas[i]
		pj, err := json.Marshal(props(a))
		if err != nil {
			return err
		}
		id, _ := json.Marshal(a.ID)
		if i > 0 {
			bw.WriteByte(',')
		}
		buf = append(buf[:0], `{"type":"Feature","id":`...)
		buf = append(buf, id...)
		buf = append(buf, `,"properties":`...)
		buf = append(buf, pj...)
		buf = append(buf, `,"geometry":`...)
		if l.NoGeometry {
			buf = append(buf, "null}\n"...) // areas without boundaries
			bw.Write(buf)
			continue
		}
		if a.PointOnly() {
			buf = append(buf, `{"type":"Point","coordinates":`...)
			buf = appendPoint(buf, a.Point)
		} else {
			buf = append(buf, `{"type":"MultiPolygon","coordinates":[`...)
			for pi, p := range a.Geom {
				if pi > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, '[')
				for ri, r := range p {
					if ri > 0 {
						buf = append(buf, ',')
					}
					buf = append(buf, '[')
					for k, pt := range r {
						if k > 0 {
							buf = append(buf, ',')
						}
						buf = appendPoint(buf, pt)
					}
					buf = append(buf, ']')
				}
				buf = append(buf, ']')
			}
			buf = append(buf, ']')
		}
		buf = append(buf, "}}\n"...)
		bw.Write(buf)
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = strconv.AppendFloat(b, math.Round(p[0]*1e5)/1e5, 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, math.Round(p[1]*1e5)/1e5, 'f', -1, 64)
	return append(b, ']')
}

// urlPathEscape escapes an area id for a path segment.
func urlPathEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), "+", "%2B") }
