package geo

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
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
	lim := opt.Limits.withDefaults()
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, nil, &budget.InputError{File: file, Field: "format", Expected: "a readable zip archive (" + err.Error() + ")"}
	}
	defer zr.Close()
	base := ""
	for _, f := range zr.File {
		if strings.ToLower(path.Ext(f.Name)) != ".shp" {
			continue
		}
		stem := strings.TrimSuffix(f.Name, path.Ext(f.Name))
		if base != "" {
			return nil, nil, &budget.InputError{File: file, Field: "format", Value: f.Name, Expected: "one .shp per archive; this one has several (" + base + ".shp too)"}
		}
		base = stem
	}
	if base == "" {
		return nil, nil, &budget.InputError{File: file, Field: "format", Expected: "a .shp file inside the zip archive"}
	}
	// Only the members of that Shapefile are read, each within its limit.
	parts := map[string][]byte{}
	for _, f := range zr.File {
		ext := strings.ToLower(path.Ext(f.Name))
		if strings.TrimSuffix(f.Name, path.Ext(f.Name)) != base || (ext != ".shp" && ext != ".dbf" && ext != ".prj" && ext != ".cpg") {
			continue
		}
		limit, name := lim.MemberBytes, "member_bytes"
		if ext == ".prj" || ext == ".cpg" {
			limit, name = lim.SidecarBytes, "sidecar_bytes"
		}
		ratio, ratioName := lim.ZipRatio, "zip_ratio"
		if ext == ".shp" {
			ratio, ratioName = lim.ShapeRatio, "shp_ratio"
		}
		b, err := readZipMember(file, f, limit, name, ratio, ratioName)
		if err != nil {
			return nil, nil, err
		}
		parts[base+ext] = b
	}
	shp, dbf := parts[base+".shp"], parts[base+".dbf"]
	if dbf == nil {
		return nil, nil, &budget.InputError{File: file, Field: "format", Value: base + ".dbf", Expected: "the .dbf attribute file beside " + base + ".shp"}
	}
	var geoms []orb.Geometry
	_, err = safeDecode(func() (any, error) {
		var err error
		geoms, err = readSHP(shp, &vertexBudget{lim: lim, file: file + ":" + base + ".shp"})
		return nil, err
	})
	if err != nil {
		var ie *budget.InputError
		if errors.As(err, &ie) {
			return nil, nil, err
		}
		return nil, nil, &budget.InputError{File: file + ":" + base + ".shp", Expected: err.Error()}
	}
	var recs []map[string]any
	_, err = safeDecode(func() (any, error) {
		var err error
		recs, err = readDBF(dbf, len(geoms))
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
// Vertices are counted against vb's limits before any ring is built.
func readSHP(b []byte, vb *vertexBudget) ([]orb.Geometry, error) {
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
		if len(out) >= vb.lim.Features {
			return nil, limitError(vb.file, 0, "features", vb.lim.Features, fmt.Sprintf("record %d at byte %d", recNo, off-clen-8))
		}
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
			g, err := shpPolygon(rec, int(recNo), vb)
			if err != nil {
				var ie *budget.InputError
				if errors.As(err, &ie) {
					return nil, err
				}
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

func shpPolygon(rec []byte, recNo int, vb *vertexBudget) (orb.Geometry, error) {
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
		if err := vb.ring(starts[i+1]-starts[i], 0, func() string { return fmt.Sprintf("record %d part %d", recNo, i+1) }); err != nil {
			return nil, err
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
	outers = assignHoles(outers, holes)
	mp := make(orb.MultiPolygon, len(outers))
	copy(mp, outers)
	return mp, nil
}

// assignHoles puts each hole in the smallest outer ring holding its first
// vertex (the Shapefile rule); a counter-clockwise ring inside no outer
// ring was written with the wrong winding and becomes an outer ring. The
// rings are found with an Index when there are many, so a record of
// thousands of rings is not quadratic.
func assignHoles(outers []orb.Polygon, holes []orb.Ring) []orb.Polygon {
	if len(holes) == 0 {
		return outers
	}
	areas := make([]float64, len(outers))
	for i, o := range outers {
		areas[i] = math.Abs(signedArea(o[0]))
	}
	var holding func(p orb.Point) []int
	if len(outers)*len(holes) <= 256 {
		holding = func(p orb.Point) []int {
			var out []int
			for i, o := range outers {
				if crossingInside(edgesOf(orb.MultiPolygon{{o[0]}}), p[0], p[1]) {
					out = append(out, i)
				}
			}
			return out
		}
	} else {
		l := &Layer{Areas: make([]Area, len(outers))}
		for i, o := range outers {
			l.Areas[i].Geom = orb.MultiPolygon{{o[0]}}
		}
		ix := NewIndex(l)
		holding = func(p orb.Point) []int { return ix.LocateAll(p[0], p[1]) }
	}
	n := len(outers)
	var extra []orb.Polygon
	for _, h := range holes {
		best, bestA := -1, math.Inf(1)
		if len(h) > 0 {
			for _, i := range holding(h[0]) {
				if i < n && areas[i] < bestA {
					best, bestA = i, areas[i]
				}
			}
		}
		if best < 0 {
			extra = append(extra, orb.Polygon{h})
			continue
		}
		outers[best] = append(outers[best], h)
	}
	return append(outers, extra...)
}

// readDBF decodes a dBase III table into one property map per record.
// Text is read as UTF-8 when valid, else as Latin-1. shapes is the number
// of shapes of the .shp, which the records must match.
func readDBF(b []byte, shapes int) ([]map[string]any, error) {
	if len(b) < 32 {
		return nil, fmt.Errorf("not a dBase file (too short)")
	}
	n := int(binary.LittleEndian.Uint32(b[4:8]))
	hlen := int(binary.LittleEndian.Uint16(b[8:10]))
	rlen := int(binary.LittleEndian.Uint16(b[10:12]))
	type field struct {
		name     string
		typ      byte
		off      int
		size     int
		decimals byte
	}
	var fields []field
	off := 1
	if rlen < 1 {
		return nil, fmt.Errorf("record length %d: not a dBase table", rlen)
	}
	for p := 32; p+32 <= hlen && p+32 <= len(b) && b[p] != 0x0D; p += 32 {
		name := string(bytes.TrimRight(b[p:p+11], "\x00 "))
		f := field{name: name, typ: b[p+11], off: off, size: int(b[p+16]), decimals: b[p+17]}
		if f.size == 0 {
			return nil, fmt.Errorf("field %d (%q) has length 0: not a dBase table", len(fields)+1, name)
		}
		off += f.size
		fields = append(fields, f)
	}
	if off > rlen {
		return nil, fmt.Errorf("the fields take %d bytes but a record has %d: not a dBase table", off, rlen)
	}
	if n < 0 || n > (len(b)-min(hlen, len(b)))/rlen {
		return nil, fmt.Errorf("%d records of %d bytes do not fit the file", n, rlen)
	}
	if shapes >= 0 && n != shapes {
		return nil, fmt.Errorf("the table has %d records but the .shp %d shapes; the files do not belong together", n, shapes)
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
				if i, err := strconv.ParseInt(raw, 10, 64); err == nil && f.decimals == 0 {
					m[f.name] = i
				} else if v, err := strconv.ParseFloat(raw, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
					m[f.name] = v
				} else if raw != "" {
					m[f.name] = raw
				} else {
					m[f.name] = nil
				}
			case 'L':
				switch strings.ToUpper(raw) {
				case "T", "Y":
					m[f.name] = true
				case "F", "N":
					m[f.name] = false
				default:
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

// readZipMember reads one member of a zip archive within limit bytes
// (named by the limit's name), refusing before decompressing when its
// declared size or compression ratio exceeds the limits, and while
// decompressing when the actual data do.
func readZipMember(file string, f *zip.File, limit int64, limitName string, ratio float64, ratioName string) ([]byte, error) {
	where := file + ":" + f.Name
	declared, packed := f.UncompressedSize64, f.CompressedSize64
	if declared > uint64(limit) {
		return nil, limitError(where, 0, limitName, limit, fmt.Sprintf("the member declares %s bytes", groupThousands(int64(min(declared, 1<<62)))))
	}
	const exempt = 1 << 20 // small members may compress as they like
	allowed := uint64(limit)
	if r := ratio * float64(packed); r < float64(allowed) {
		allowed = max(uint64(r), exempt)
	}
	if declared > allowed {
		return nil, limitError(where, 0, ratioName, ratio, fmt.Sprintf("the member declares %s bytes from %s compressed (ratio %.0f)",
			groupThousands(int64(declared)), groupThousands(int64(packed)), float64(declared)/math.Max(float64(packed), 1)))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &budget.InputError{File: where, Expected: "a readable zip member (" + err.Error() + ")"}
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, min(declared, 64<<20)))
	n, err := io.Copy(buf, io.LimitReader(rc, int64(min(allowed, declared))+1))
	if err != nil {
		return nil, &budget.InputError{File: where, Expected: "a readable zip member (" + err.Error() + "); the archive is corrupt"}
	}
	if uint64(n) > declared {
		return nil, &budget.InputError{File: where, Field: "format", Value: groupThousands(n) + " bytes",
			Expected: fmt.Sprintf("no more than the %s bytes the archive declares for this member; the archive is corrupt or forged", groupThousands(int64(declared)))}
	}
	return buf.Bytes(), nil
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
