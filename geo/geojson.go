package geo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/jsonerr"
	"github.com/paulmach/orb"
)

type rawFeature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

type rawCollection struct {
	Type     string       `json:"type"`
	CRS      *rawCRS      `json:"crs"`
	Features []rawFeature `json:"features"`
}

type rawCRS struct {
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// ReadGeoJSON reads a GeoJSON FeatureCollection (or a single Feature) of
// Polygon/MultiPolygon features (Point features make point-only areas) into
// a layer. name is the file name used in errors and as the default layer
// name. A legacy "crs" member (EPSG:n or OGC CRS84) is honoured; without one
// the coordinates are WGS84 unless opt.CRS says otherwise, and coordinates
// that are plainly projected are refused with advice to give --crs.
func ReadGeoJSON(r io.Reader, name string, opt ImportOptions) (*Layer, *ImportReport, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, budget.Errorf(budget.EINTERNAL, "geo: unable to read %s: %v", name, err)
	}
	var fc rawCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		line, col := offsetLineCol(data, jsonErrOffset(err))
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// valid JSON of the wrong shape: say which member, in GeoJSON's
			// terms rather than the Go type it was decoded into
			where := "the file"
			if te.Field != "" {
				where = "member " + strconv.Quote(te.Field)
			}
			return nil, nil, &budget.InputError{File: name, Line: line, ColIndex: col, Field: "geojson", Value: te.Value,
				Expected: fmt.Sprintf("%s is a JSON %s where GeoJSON has %s; export the layer as a GeoJSON FeatureCollection", where, te.Value, jsonerr.Kind(te.Type))}
		}
		return nil, nil, &budget.InputError{File: name, Line: line, ColIndex: col, Field: "geojson", Expected: "the file is not valid JSON (" + err.Error() + "); export the layer as GeoJSON"}
	}
	switch fc.Type {
	case "FeatureCollection":
	case "Feature":
		var f rawFeature
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, nil, &budget.InputError{File: name, Field: "geojson", Expected: err.Error()}
		}
		fc.Features = []rawFeature{f}
	default:
		return nil, nil, &budget.InputError{File: name, Field: "type", Value: fc.Type, Expected: "a GeoJSON FeatureCollection or Feature"}
	}
	crs := ""
	if fc.CRS != nil {
		crs = fc.CRS.Properties.Name
	}
	feats := make([]feature, 0, len(fc.Features))
	for i, rf := range fc.Features {
		f := feature{id: rf.ID, props: rf.Properties}
		if f.props == nil {
			f.props = map[string]any{}
		}
		if !isNullJSON(rf.Geometry) {
			g, err := decodeGeometry(rf.Geometry)
			if err != nil {
				return nil, nil, &budget.InputError{File: name, Field: "geometry", Value: fmt.Sprintf("feature %d", i+1), Expected: "a valid GeoJSON geometry (" + geometryErrText(err) + ")"}
			}
			f.geom = g
		}
		feats = append(feats, f)
	}
	return buildLayer(name, feats, crs, opt)
}

func jsonErrOffset(err error) int64 {
	switch e := err.(type) {
	case *json.SyntaxError:
		return e.Offset
	case *json.UnmarshalTypeError:
		return e.Offset
	}
	return 0
}

func offsetLineCol(data []byte, off int64) (int, int) {
	if off <= 0 || off > int64(len(data)) {
		return 0, 0
	}
	pre := data[:off]
	line := bytes.Count(pre, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(pre, '\n')
	return line, col
}

// WriteGeoJSON writes the layer as a GeoJSON FeatureCollection in WGS84:
// each feature has the area id as its id and properties id, name,
// population (when known) and the area's other attributes.
func WriteGeoJSON(w io.Writer, l *Layer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	var buf []byte
	for i := range l.Areas {
		a := &l.Areas[i]
		var g orb.Geometry = a.Geom
		if a.PointOnly() {
			g = a.Point
		}
		if l.NoGeometry {
			g = nil // an area without boundaries: "geometry": null
		}
		props := make(map[string]any, len(a.Attrs)+3)
		for k, v := range a.Attrs {
			props[k] = v
		}
		props["id"] = a.ID
		props["name"] = a.Name
		if a.Population > 0 {
			props["population"] = a.Population
		}
		pj, err := json.Marshal(props)
		if err != nil {
			return err
		}
		idj, _ := json.Marshal(a.ID)
		if i > 0 {
			bw.WriteByte(',')
		}
		buf = append(buf[:0], `{"type":"Feature","id":`...)
		buf = append(buf, idj...)
		buf = append(buf, `,"properties":`...)
		buf = append(buf, pj...)
		buf = append(buf, `,"geometry":`...)
		buf = appendGeometry(buf, g)
		buf = append(buf, "}\n"...)
		bw.Write(buf)
	}
	bw.WriteString("]}\n")
	return bw.Flush()
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

// geometryErrText words a geometry decoding error in GeoJSON's terms.
func geometryErrText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("the coordinates hold a JSON %s where %s is expected; coordinates are numbers: [lon, lat] for a Point, [[[lon, lat], ...]] for a Polygon", te.Value, jsonerr.Kind(te.Type))
	}
	return err.Error()
}
