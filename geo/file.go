package geo

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// ReadFile reads a layer file, choosing the reader by extension and
// content: GeoJSON (.geojson, .json), zipped Shapefile (.zip, .shp.zip),
// GeoPackage (.gpkg) and CSV (.csv, .tsv) with a WKT column or longitude
// and latitude columns; with opt.NoGeometry, a CSV or XLSX table of areas
// without boundaries (ReadTable).
func ReadFile(path string, opt ImportOptions) (*Layer, *ImportReport, error) {
	l, rep, err := readFile(path, opt)
	if err == nil && l != nil {
		if sum, herr := fileHash(path); herr == nil {
			l.SourceHash = sum
		}
	}
	return l, rep, err
}

// fileHash is the sha256 of a file's bytes in hex, read as a stream.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readFile(path string, opt ImportOptions) (*Layer, *ImportReport, error) {
	if opt.NoGeometry {
		return ReadTable(path, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, budget.Errorf(budget.EINVALID, "geo: unable to open %s: %v", path, err)
	}
	defer f.Close()
	lim := opt.Limits.withDefaults()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > lim.FileBytes {
		return nil, nil, limitError(path, 0, "file_bytes", lim.FileBytes, fmt.Sprintf("the file has %s bytes", groupThousands(st.Size())))
	}
	br := bufio.NewReader(f)
	head, _ := br.Peek(16)
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return ReadShapefileZip(path, opt)
	case bytes.HasPrefix(head, []byte("SQLite format 3")):
		return ReadGeoPackage(path, opt)
	case ext == ".csv" || ext == ".tsv" || ext == ".txt":
		return ReadCSV(br, path, opt)
	case ext == ".geojson" || ext == ".json" || bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		return ReadGeoJSON(br, path, opt)
	}
	return nil, nil, &budget.InputError{File: path, Field: "format", Value: ext,
		Expected: "a GeoJSON (.geojson), zipped Shapefile (.zip), GeoPackage (.gpkg) or CSV (.csv) file"}
}

var (
	wktColumns = []string{"wkt", "geometry", "geom", "the_geom", "shape", "wkb_geometry"}
	lonColumns = []string{"lon", "longitude", "lng", "long", "x", "intptlon", "intptlon20", "intptlon10"}
	latColumns = []string{"lat", "latitude", "y", "intptlat", "intptlat20", "intptlat10"}
)

// ReadCSV reads areas from CSV: a geometry column in WKT (named wkt,
// geometry, geom, the_geom, shape) or a pair of longitude and latitude
// columns (lon/longitude/lng/x/INTPTLON20 and lat/latitude/y/INTPTLAT20),
// which make point-only areas (an area known by its interior point, as the
// census tracts of the CalEnviroScreen and DWR files). The other columns
// become attributes; a column named id gives the area ids (as a GeoJSON
// feature id does) unless --id-field names another column; --name-field and
// --population-field name columns. The text is read by internal/tabular:
// any delimiter (tab, semicolon), UTF-8, UTF-16 or Windows-1252, within
// opt.TableLimits; since every column becomes an attribute, a heading
// written twice is refused.
func ReadCSV(r io.Reader, name string, opt ImportOptions) (*Layer, *ImportReport, error) {
	cr, err := tabular.NewCSVReader(r, tabular.Options{File: name, Limits: opt.TableLimits})
	if err != nil {
		return nil, nil, err
	}
	h := cr.Header()
	for i := range h.Names {
		if d := h.Duplicated(i); d != nil {
			return nil, nil, h.DuplicateError(d)
		}
	}
	wc, xc, yc, ic, err := csvGeometryColumns(h)
	if err != nil {
		return nil, nil, err
	}
	if wc < 0 && (xc < 0 || yc < 0) {
		return nil, nil, &budget.InputError{File: name, Line: h.Line, Field: "geometry", Value: strings.Join(h.Names, ","),
			Expected: "a WKT column (wkt, geometry, geom) or longitude and latitude columns (lon, lat)"}
	}
	var feats []feature
	for {
		line, rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if len(rec) == 0 || len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		f, err := csvFeature(h, rec, line, wc, xc, yc, ic)
		if err != nil {
			return nil, nil, err
		}
		feats = append(feats, f)
	}
	return buildLayer(name, feats, "", opt)
}

// csvGeometryColumns finds the WKT, longitude, latitude and id columns
// (-1 when absent).
func csvGeometryColumns(h *tabular.Header) (wc, xc, yc, ic int, err error) {
	cols := [4]int{}
	for k, names := range [][]string{wktColumns, lonColumns, latColumns, {"id"}} {
		if cols[k], err = h.Find(names...); err != nil {
			return
		}
	}
	return cols[0], cols[1], cols[2], cols[3], nil
}

// csvFeature makes the feature of one row.
func csvFeature(h *tabular.Header, rec []string, line, wc, xc, yc, ic int) (feature, error) {
	f := feature{props: map[string]any{}, line: line}
	for i, name := range h.Names {
		if i < len(rec) && i != wc {
			f.props[name] = rec[i]
		}
	}
	cell := func(i int) string {
		if i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if ic >= 0 && ic != wc {
		// a column named id is the CSV's feature id (as a GeoJSON feature's
		// "id"): the area id unless --id-field names another column
		f.id = cell(ic)
	}
	if wc >= 0 {
		g, err := ParseWKT(cell(wc))
		if err != nil {
			return f, h.Err(line, wc, "geometry", abbreviate(cell(wc)), "a WKT geometry such as POLYGON((x y, ...)) ("+err.Error()+")")
		}
		f.geom = g
		return f, nil
	}
	var pt orb.Point
	for k, c := range []int{xc, yc} {
		v, err := strconv.ParseFloat(cell(c), 64)
		if err != nil {
			return f, h.Err(line, c, []string{"longitude", "latitude"}[k], cell(c), "a decimal number")
		}
		pt[k] = v
	}
	f.geom = pt
	return f, nil
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
