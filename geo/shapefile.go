package geo

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

// ReadShapefileZip reads a zipped Shapefile: the .shp geometry (Polygon,
// PolygonZ/M, Point), the .dbf attributes and the .prj coordinate system
// (without a .prj, opt.CRS or WGS84 is assumed and plainly projected
// coordinates are refused). Rings are grouped into polygons by the
// Shapefile rule (outer rings clockwise, holes counter-clockwise, each hole
// belonging to the smallest outer ring holding it).
func ReadShapefileZip(file string, opt ImportOptions) (*Layer, *ImportReport, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, nil, &budget.InputError{File: file, Field: "format", Expected: "a readable zip archive (" + err.Error() + ")"}
	}
	defer zr.Close()
	parts := map[string][]byte{}
	base := ""
	for _, f := range zr.File {
		ext := strings.ToLower(path.Ext(f.Name))
		if ext != ".shp" && ext != ".dbf" && ext != ".prj" && ext != ".cpg" {
			continue
		}
		stem := strings.TrimSuffix(f.Name, path.Ext(f.Name))
		if ext == ".shp" {
			if base != "" {
				return nil, nil, &budget.InputError{File: file, Field: "format", Value: f.Name, Expected: "one .shp per archive; this one has several (" + base + ".shp too)"}
			}
			base = stem
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, &budget.InputError{File: file, Field: f.Name, Expected: err.Error()}
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<31))
		rc.Close()
		if err != nil {
			return nil, nil, &budget.InputError{File: file, Field: f.Name, Expected: err.Error()}
		}
		parts[stem+ext] = b
	}
	if base == "" {
		return nil, nil, &budget.InputError{File: file, Field: "format", Expected: "a .shp file inside the zip archive"}
	}
	shp, dbf := parts[base+".shp"], parts[base+".dbf"]
	if dbf == nil {
		return nil, nil, &budget.InputError{File: file, Field: "format", Value: base + ".dbf", Expected: "the .dbf attribute file beside " + base + ".shp"}
	}
	var geoms []orb.Geometry
	_, err = safeDecode(func() (any, error) {
		var err error
		geoms, err = readSHP(shp)
		return nil, err
	})
	if err != nil {
		return nil, nil, &budget.InputError{File: file + ":" + base + ".shp", Expected: err.Error()}
	}
	var recs []map[string]any
	_, err = safeDecode(func() (any, error) {
		var err error
		recs, err = readDBF(dbf)
		return nil, err
	})
	if err != nil {
		return nil, nil, &budget.InputError{File: file + ":" + base + ".dbf", Expected: err.Error()}
	}
	if len(recs) != len(geoms) {
		return nil, nil, &budget.InputError{File: file, Expected: fmt.Sprintf("%s.shp has %d shapes but %s.dbf %d records; the files do not belong together", base, len(geoms), base, len(recs))}
	}
	var tr func(orb.Point) orb.Point
	crs := ""
	if prj, ok := parts[base+".prj"]; ok && opt.CRS == "" {
		t, desc, err := prjTransform(string(prj))
		if err != nil {
			return nil, nil, &budget.InputError{File: file + ":" + base + ".prj", Field: "crs", Expected: err.Error()}
		}
		tr, crs = t, desc
	}
	feats := make([]feature, len(geoms))
	for i := range geoms {
		g := geoms[i]
		if tr != nil {
			g = transformGeometry(g, tr)
		}
		feats[i] = feature{props: recs[i], geom: g}
	}
	if tr != nil {
		l, rep, err := buildLayer(file, feats, "EPSG:4326", opt)
		if rep != nil {
			rep.CRS = crs
		}
		return l, rep, err
	}
	return buildLayer(file, feats, "", opt)
}

// readSHP decodes the shapes of a .shp file.
func readSHP(b []byte) ([]orb.Geometry, error) {
	if len(b) < 100 || binary.BigEndian.Uint32(b[0:4]) != 9994 {
		return nil, fmt.Errorf("not a Shapefile .shp (bad file code)")
	}
	var out []orb.Geometry
	off := 100
	for off+8 <= len(b) {
		recNo := binary.BigEndian.Uint32(b[off : off+4])
		clen := int(binary.BigEndian.Uint32(b[off+4:off+8])) * 2
		off += 8
		if clen < 4 || off+clen > len(b) {
			return nil, fmt.Errorf("record %d at byte %d: length %d runs past the end of the file", recNo, off-8, clen)
		}
		rec := b[off : off+clen]
		off += clen
		st := binary.LittleEndian.Uint32(rec[0:4])
		switch st {
		case 0:
			out = append(out, nil)
		case 1, 11, 21:
			if len(rec) < 20 {
				return nil, fmt.Errorf("record %d: short point", recNo)
			}
			out = append(out, orb.Point{f64(rec[4:]), f64(rec[12:])})
		case 5, 15, 25:
			g, err := shpPolygon(rec)
			if err != nil {
				return nil, fmt.Errorf("record %d: %v", recNo, err)
			}
			out = append(out, g)
		default:
			return nil, fmt.Errorf("record %d: shape type %d is not a polygon or point; area layers need polygons", recNo, st)
		}
	}
	return out, nil
}

func f64(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }

func shpPolygon(rec []byte) (orb.Geometry, error) {
	if len(rec) < 44 {
		return nil, fmt.Errorf("short polygon record")
	}
	nParts := int(binary.LittleEndian.Uint32(rec[36:40]))
	nPoints := int(binary.LittleEndian.Uint32(rec[40:44]))
	ptsOff := 44 + 4*nParts
	if nParts < 0 || nPoints < 0 || ptsOff+16*nPoints > len(rec) {
		return nil, fmt.Errorf("%d parts and %d points do not fit the record", nParts, nPoints)
	}
	starts := make([]int, nParts+1)
	for i := 0; i < nParts; i++ {
		starts[i] = int(binary.LittleEndian.Uint32(rec[44+4*i:]))
	}
	starts[nParts] = nPoints
	var outers []orb.Polygon
	var holes []orb.Ring
	for i := 0; i < nParts; i++ {
		if starts[i] < 0 || starts[i] > starts[i+1] || starts[i+1] > nPoints {
			return nil, fmt.Errorf("part %d has bad bounds", i+1)
		}
		r := make(orb.Ring, 0, starts[i+1]-starts[i])
		for k := starts[i]; k < starts[i+1]; k++ {
			o := ptsOff + 16*k
			r = append(r, orb.Point{f64(rec[o:]), f64(rec[o+8:])})
		}
		if signedArea(r) <= 0 { // clockwise: an outer ring
			outers = append(outers, orb.Polygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		best, bestA := -1, math.Inf(1)
		for i, o := range outers {
			if len(h) > 0 && crossingInside(edgesOf(orb.MultiPolygon{{o[0]}}), h[0][0], h[0][1]) {
				if a := math.Abs(signedArea(o[0])); a < bestA {
					best, bestA = i, a
				}
			}
		}
		if best < 0 {
			// A counter-clockwise ring inside no outer ring: written with
			// the wrong winding; take it as an outer ring.
			outers = append(outers, orb.Polygon{h})
			continue
		}
		outers[best] = append(outers[best], h)
	}
	mp := make(orb.MultiPolygon, len(outers))
	copy(mp, outers)
	return mp, nil
}

// readDBF decodes a dBase III table into one property map per record.
// Text is read as UTF-8 when valid, else as Latin-1.
func readDBF(b []byte) ([]map[string]any, error) {
	if len(b) < 32 {
		return nil, fmt.Errorf("not a dBase file (too short)")
	}
	n := int(binary.LittleEndian.Uint32(b[4:8]))
	hlen := int(binary.LittleEndian.Uint16(b[8:10]))
	rlen := int(binary.LittleEndian.Uint16(b[10:12]))
	type field struct {
		name string
		typ  byte
		off  int
		size int
	}
	var fields []field
	off := 1
	if rlen < 1 {
		return nil, fmt.Errorf("record length %d: not a dBase table", rlen)
	}
	for p := 32; p+32 <= hlen && p+32 <= len(b) && b[p] != 0x0D; p += 32 {
		name := string(bytes.TrimRight(b[p:p+11], "\x00 "))
		f := field{name: name, typ: b[p+11], off: off, size: int(b[p+16])}
		off += f.size
		fields = append(fields, f)
	}
	if hlen+n*rlen > len(b) {
		return nil, fmt.Errorf("%d records of %d bytes do not fit the file", n, rlen)
	}
	out := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		rec := b[hlen+i*rlen : hlen+(i+1)*rlen]
		if rec[0] == '*' {
			continue // deleted record (its shape is still in .shp; see below)
		}
		m := map[string]any{}
		for _, f := range fields {
			if f.off+f.size > len(rec) {
				return nil, fmt.Errorf("record %d: field %s runs past the record", i+1, f.name)
			}
			raw := strings.TrimSpace(decodeText(rec[f.off : f.off+f.size]))
			switch f.typ {
			case 'N', 'F':
				if v, err := strconv.ParseFloat(raw, 64); err == nil {
					m[f.name] = v
				} else if raw != "" {
					m[f.name] = raw
				} else {
					m[f.name] = nil
				}
			default:
				m[f.name] = raw
			}
		}
		out = append(out, m)
	}
	if len(out) != n {
		return nil, fmt.Errorf("the table has %d deleted records; pack the Shapefile (e.g. ogr2ogr) so records match shapes", n-len(out))
	}
	return out, nil
}

func decodeText(b []byte) string {
	b = bytes.TrimRight(b, "\x00")
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
