package geo

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

// ReadFile reads a layer file, choosing the reader by extension and
// content: GeoJSON (.geojson, .json), zipped Shapefile (.zip, .shp.zip),
// GeoPackage (.gpkg) and CSV (.csv, .tsv) with a WKT column or longitude
// and latitude columns.
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

func findColumn(header []string, names []string) int {
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

// ReadCSV reads areas from CSV: a geometry column in WKT (named wkt,
// geometry, geom, the_geom, shape) or a pair of longitude and latitude
// columns (lon/longitude/lng/x/INTPTLON20 and lat/latitude/y/INTPTLAT20),
// which make point-only areas (an area known by its interior point, as the
// census tracts of the CalEnviroScreen and DWR files). The other columns
// become attributes; a column named id gives the area ids (as a GeoJSON
// feature id does) unless --id-field names another column; --name-field and
// --population-field name columns. A tab-separated file is read when the header has tabs and no
// commas.
func ReadCSV(r io.Reader, name string, opt ImportOptions) (*Layer, *ImportReport, error) {
	br := bufio.NewReader(r)
	first, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	if line, _, _ := bytes.Cut(first, []byte("\n")); bytes.Count(line, []byte("\t")) > 0 && bytes.Count(line, []byte(",")) == 0 {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, &budget.InputError{File: name, Line: 1, Expected: "a header line naming the columns"}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	latin1Cells(header)
	wc := findColumn(header, wktColumns)
	xc, yc := findColumn(header, lonColumns), findColumn(header, latColumns)
	// a column named id is the CSV's feature id (as a GeoJSON feature's "id"):
	// the area id unless --id-field names another column
	ic := findColumn(header, []string{"id"})
	if wc < 0 && (xc < 0 || yc < 0) {
		return nil, nil, &budget.InputError{File: name, Line: 1, Field: "geometry", Value: strings.Join(header, ","),
			Expected: "a WKT column (wkt, geometry, geom) or longitude and latitude columns (lon, lat)"}
	}
	var feats []feature
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, &budget.InputError{File: name, Line: line, Expected: "well-formed CSV (" + err.Error() + ")"}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		latin1Cells(rec)
		f := feature{props: map[string]any{}, line: line}
		for i, h := range header {
			if i < len(rec) && i != wc {
				f.props[h] = rec[i]
			}
		}
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if ic >= 0 && ic != wc {
			f.id = cell(ic)
		}
		if wc >= 0 {
			g, err := ParseWKT(cell(wc))
			if err != nil {
				return nil, nil, &budget.InputError{File: name, Line: line, Column: header[wc], ColIndex: wc + 1, Field: "geometry", Value: abbreviate(cell(wc)),
					Expected: "a WKT geometry such as POLYGON((x y, ...)) (" + err.Error() + ")"}
			}
			f.geom = g
		} else {
			var pt orb.Point
			for k, c := range []int{xc, yc} {
				v, err := strconv.ParseFloat(cell(c), 64)
				if err != nil {
					return nil, nil, &budget.InputError{File: name, Line: line, Column: header[c], ColIndex: c + 1, Field: []string{"longitude", "latitude"}[k], Value: cell(c),
						Expected: "a decimal number"}
				}
				pt[k] = v
			}
			f.geom = pt
		}
		feats = append(feats, f)
	}
	return buildLayer(name, feats, "", opt)
}

// latin1Cells re-reads, in place, every cell that is not valid UTF-8 as
// Latin-1 (each byte is its code point), as a CSV saved by Excel in a
// Western European code page is; the store only holds UTF-8 text.
func latin1Cells(rec []string) {
	for i, c := range rec {
		if utf8.ValidString(c) {
			continue
		}
		r := make([]rune, len(c))
		for j := 0; j < len(c); j++ {
			r[j] = rune(c[j])
		}
		rec[i] = string(r)
	}
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
