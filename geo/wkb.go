package geo

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// wkbReader decodes Well-Known Binary (ISO and EWKB flags for Z and M;
// the extra ordinates are dropped). Every count is checked against the
// bytes left before anything is allocated, and vertices are counted against
// the vertex limits, so a forged count cannot allocate memory.
type wkbReader struct {
	b     []byte
	off   int
	vb    *vertexBudget
	where func() string
	depth int
}

// decodeWKB decodes one WKB geometry; where describes its place for
// errors.
func decodeWKB(b []byte, vb *vertexBudget, where func() string) (orb.Geometry, error) {
	r := &wkbReader{b: b, vb: vb, where: where}
	g, err := r.geometry()
	if err != nil {
		return nil, err
	}
	return g, nil
}

func (r *wkbReader) fail(format string, args ...any) error {
	return fmt.Errorf("WKB at byte %d: %s", r.off, fmt.Sprintf(format, args...))
}

func (r *wkbReader) u32(order binary.ByteOrder) (uint32, error) {
	if r.off+4 > len(r.b) {
		return 0, r.fail("the geometry is cut short")
	}
	v := order.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

// count reads a count of items of size bytes each and checks they fit.
func (r *wkbReader) count(order binary.ByteOrder, size int) (int, error) {
	n, err := r.u32(order)
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(size) > uint64(len(r.b)-r.off) {
		return 0, r.fail("a count of %d does not fit the %d bytes left", n, len(r.b)-r.off)
	}
	return int(n), nil
}

func (r *wkbReader) geometry() (orb.Geometry, error) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 8 {
		return nil, r.fail("geometries nested more than 8 deep")
	}
	if r.off >= len(r.b) {
		return nil, r.fail("the geometry is cut short")
	}
	var order binary.ByteOrder
	switch r.b[r.off] {
	case 0:
		order = binary.BigEndian
	case 1:
		order = binary.LittleEndian
	default:
		return nil, r.fail("byte order %d is neither 0 nor 1", r.b[r.off])
	}
	r.off++
	t, err := r.u32(order)
	if err != nil {
		return nil, err
	}
	dims := 2
	if t&0x80000000 != 0 { // EWKB Z
		dims++
	}
	if t&0x40000000 != 0 { // EWKB M
		dims++
	}
	if t&0x20000000 != 0 { // EWKB SRID
		if _, err := r.u32(order); err != nil {
			return nil, err
		}
	}
	t &= 0x0fffffff
	switch t / 1000 {
	case 1, 2:
		dims++
	case 3:
		dims += 2
	}
	base := t % 1000
	if t/1000 > 3 {
		return nil, r.fail("geometry type %d is not known", t)
	}
	ptSize := 8 * dims
	switch base {
	case 1:
		return r.point(order, dims)
	case 2:
		pts, err := r.points(order, dims, ptSize)
		return orb.LineString(pts), err
	case 3:
		return r.polygon(order, dims, ptSize)
	case 4, 5, 6, 7:
		n, err := r.count(order, 9) // every part takes at least 9 bytes
		if err != nil {
			return nil, err
		}
		parts := make([]orb.Geometry, 0, n)
		for i := 0; i < n; i++ {
			g, err := r.geometry()
			if err != nil {
				return nil, err
			}
			parts = append(parts, g)
		}
		return wkbMulti(base, parts)
	}
	return nil, r.fail("geometry type %d is not known", t)
}

func (r *wkbReader) point(order binary.ByteOrder, dims int) (orb.Point, error) {
	if r.off+8*dims > len(r.b) {
		return orb.Point{}, r.fail("the geometry is cut short")
	}
	p := orb.Point{math.Float64frombits(order.Uint64(r.b[r.off:])), math.Float64frombits(order.Uint64(r.b[r.off+8:]))}
	r.off += 8 * dims
	return p, nil
}

func (r *wkbReader) points(order binary.ByteOrder, dims, ptSize int) ([]orb.Point, error) {
	n, err := r.count(order, ptSize)
	if err != nil {
		return nil, err
	}
	if err := r.vb.ring(n, 0, r.where); err != nil {
		return nil, err
	}
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i], _ = r.point(order, dims)
	}
	return pts, nil
}

func (r *wkbReader) polygon(order binary.ByteOrder, dims, ptSize int) (orb.Polygon, error) {
	n, err := r.count(order, 4)
	if err != nil {
		return nil, err
	}
	p := make(orb.Polygon, 0, n)
	for i := 0; i < n; i++ {
		pts, err := r.points(order, dims, ptSize)
		if err != nil {
			return nil, err
		}
		p = append(p, pts)
	}
	return p, nil
}

func wkbMulti(base uint32, parts []orb.Geometry) (orb.Geometry, error) {
	switch base {
	case 4:
		mp := make(orb.MultiPoint, 0, len(parts))
		for _, g := range parts {
			p, ok := g.(orb.Point)
			if !ok {
				return nil, fmt.Errorf("a MultiPoint holds a %s", g.GeoJSONType())
			}
			mp = append(mp, p)
		}
		return mp, nil
	case 5:
		ml := make(orb.MultiLineString, 0, len(parts))
		for _, g := range parts {
			l, ok := g.(orb.LineString)
			if !ok {
				return nil, fmt.Errorf("a MultiLineString holds a %s", g.GeoJSONType())
			}
			ml = append(ml, l)
		}
		return ml, nil
	case 6:
		mp := make(orb.MultiPolygon, 0, len(parts))
		for _, g := range parts {
			p, ok := g.(orb.Polygon)
			if !ok {
				return nil, fmt.Errorf("a MultiPolygon holds a %s", g.GeoJSONType())
			}
			mp = append(mp, p)
		}
		return mp, nil
	}
	return collection(parts), nil
}
