package geo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// Share is the part of one geometry that falls in one area.
type Share struct {
	Area     int     `json:"area"`
	Fraction float64 `json:"fraction"`
}

// Apportion divides a geometry among the index's areas:
//
//   - Point: the one area holding it (Locate), fraction 1.
//   - MultiPoint: each point counts 1/n for the area holding it.
//   - LineString, MultiLineString: length share. Each segment is cut where
//     it meets an area boundary and each piece goes to the area holding its
//     midpoint (so a piece running along a shared boundary follows the
//     half-open rule and an overlap goes to the first area). Lengths are
//     measured in a local plane (longitude scaled by the cosine of the
//     piece's latitude).
//   - Polygon, MultiPolygon: area share, |P ∩ A| / |P|, computed exactly
//     from Green's theorem: the boundary of P ∩ A is the part of P's
//     boundary inside A plus the part of A's boundary inside P (boundary
//     pieces shared by both counted once when the interiors lie on the same
//     side, not at all otherwise). Areas are measured with longitude scaled
//     by the cosine of the polygon's middle latitude. Where areas of the
//     layer overlap, the shares are scaled down together so that they sum
//     to at most 1.
//
// Shares are sorted by area position; the fractions sum to at most 1, the
// rest being outside every area. Other geometry types give nil.
func (ix *Index) Apportion(g orb.Geometry) []Share {
	acc := map[int]float64{}
	total := 0.0
	switch t := g.(type) {
	case orb.Point:
		if a, ok := ix.Locate(t[0], t[1]); ok {
			return []Share{{Area: a, Fraction: 1}}
		}
		return []Share{}
	case orb.MultiPoint:
		for _, p := range t {
			if a, ok := ix.Locate(p[0], p[1]); ok {
				acc[a]++
			}
		}
		total = float64(len(t))
	case orb.LineString:
		total = ix.apportionLine(t, acc)
	case orb.MultiLineString:
		for _, ls := range t {
			total += ix.apportionLine(ls, acc)
		}
	case orb.Ring:
		return ix.Apportion(orb.Polygon{t})
	case orb.Polygon:
		return ix.Apportion(orb.MultiPolygon{t})
	case orb.MultiPolygon:
		mp, _, _, err := cleanPolygonal(t, 0, "")
		if err != nil {
			return []Share{}
		}
		total = ix.apportionPolygon(mp, acc)
	default:
		return nil
	}
	return sharesOf(acc, total)
}

func sharesOf(acc map[int]float64, total float64) []Share {
	out := []Share{}
	if total <= 0 {
		return out
	}
	for a, v := range acc {
		if v > 0 {
			out = append(out, Share{Area: a, Fraction: v / total})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Area < out[j].Area })
	// summed in area order, not the map's: the same shares to the last bit
	// on every run
	sum := 0.0
	for _, s := range out {
		sum += s.Fraction
	}
	if sum > 1 {
		for i := range out {
			out[i].Fraction /= sum
		}
	}
	return out
}

// candidates returns the areas whose bounding box meets b, in order.
func (ix *Index) candidates(b orb.Bound) []int {
	var out []int
	for i := range ix.layer.Areas {
		a := &ix.layer.Areas[i]
		if !a.PointOnly() && a.Geom.Bound().Intersects(b) {
			out = append(out, i)
		}
	}
	return out
}

type seg struct{ p, q orb.Point }

func segmentsOf(mp orb.MultiPolygon, b orb.Bound) []seg {
	var out []seg
	for _, poly := range mp {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				s := seg{r[k], r[k+1]}
				sb := orb.Bound{Min: orb.Point{math.Min(s.p[0], s.q[0]), math.Min(s.p[1], s.q[1])},
					Max: orb.Point{math.Max(s.p[0], s.q[0]), math.Max(s.p[1], s.q[1])}}
				if sb.Intersects(b) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func groundLength(p, q orb.Point) float64 {
	c := math.Cos((p[1] + q[1]) / 2 * deg)
	return math.Hypot((q[0]-p[0])*c, q[1]-p[1]) * metresPerDegree
}

func (ix *Index) apportionLine(ls orb.LineString, acc map[int]float64) float64 {
	var cut []seg
	for _, a := range ix.candidates(ls.Bound()) {
		cut = append(cut, segmentsOf(ix.layer.Areas[a].Geom, ls.Bound())...)
	}
	total := 0.0
	for k := 0; k+1 < len(ls); k++ {
		pts := splitAt(ls[k], ls[k+1], cut)
		for i := 0; i+1 < len(pts); i++ {
			l := groundLength(pts[i], pts[i+1])
			total += l
			m := orb.Point{(pts[i][0] + pts[i+1][0]) / 2, (pts[i][1] + pts[i+1][1]) / 2}
			if a, ok := ix.Locate(m[0], m[1]); ok {
				acc[a] += l
			}
		}
	}
	return total
}

// splitAt returns p, the points where segment pq meets the other segments
// (exact vertex coordinates where a vertex lies on pq), and q, in order
// from p, without repeats.
func splitAt(p, q orb.Point, others []seg) []orb.Point {
	type cut struct {
		t  float64
		pt orb.Point
	}
	cuts := []cut{{0, p}, {1, q}}
	dx, dy := q[0]-p[0], q[1]-p[1]
	den := dx*dx + dy*dy
	if den == 0 {
		return []orb.Point{p}
	}
	param := func(v orb.Point) float64 { return ((v[0]-p[0])*dx + (v[1]-p[1])*dy) / den }
	for _, s := range others {
		if !segmentsTouch(p, q, s.p, s.q) {
			continue
		}
		o1, o2 := orient(p, q, s.p), orient(p, q, s.q)
		added := false
		for _, v := range []orb.Point{s.p, s.q} {
			if orient(p, q, v) == 0 && onSegment(p, q, v) {
				cuts = append(cuts, cut{param(v), v})
				added = true
			}
		}
		if added || (o1 == 0 && o2 == 0) {
			continue
		}
		// Proper crossing (or p/q on s): intersection of the two lines.
		ex, ey := s.q[0]-s.p[0], s.q[1]-s.p[1]
		d := dx*ey - dy*ex
		if d == 0 {
			continue
		}
		t := ((s.p[0]-p[0])*ey - (s.p[1]-p[1])*ex) / d
		if t > 0 && t < 1 {
			cuts = append(cuts, cut{t, orb.Point{p[0] + t*dx, p[1] + t*dy}})
		}
	}
	sort.SliceStable(cuts, func(i, j int) bool { return cuts[i].t < cuts[j].t })
	out := make([]orb.Point, 0, len(cuts))
	for _, c := range cuts {
		if c.t < 0 || c.t > 1 {
			continue
		}
		if len(out) > 0 && out[len(out)-1] == c.pt {
			continue
		}
		out = append(out, c.pt)
	}
	if out[len(out)-1] != q {
		out = append(out, q)
	}
	return out
}

// planarArea2 is twice the signed area contribution of the directed piece
// uv (shoelace), with longitude scaled by c, relative to origin o.
func planarArea2(u, v, o orb.Point, c float64) float64 {
	return ((u[0]-o[0])*c*(v[1]-o[1]) - (v[0]-o[0])*c*(u[1]-o[1]))
}

func edgesOf(mp orb.MultiPolygon) []edge {
	var out []edge
	for _, poly := range mp {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				p, q := r[k], r[k+1]
				if p[1] == q[1] {
					continue
				}
				if q[1] < p[1] {
					p, q = q, p
				}
				out = append(out, edge{p[0], p[1], q[0], q[1]})
			}
		}
	}
	return out
}

func (ix *Index) apportionPolygon(P orb.MultiPolygon, acc map[int]float64) float64 {
	b := P.Bound()
	o := b.Center()
	c := math.Cos(o[1] * deg)
	var total float64
	for _, poly := range P {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				total += planarArea2(r[k], r[k+1], o, c)
			}
		}
	}
	pSegs := segmentsOf(P, b)
	pEdges := edgesOf(P)
	for _, a := range ix.candidates(b) {
		A := ix.layer.Areas[a].Geom
		aSegs := segmentsOf(A, b)
		aEdges := edgesOf(A)
		aPieces := map[seg]bool{}
		var aOrder []seg // deterministic summation order
		var sum float64
		for _, s := range aSegs {
			pts := splitAt(s.p, s.q, pSegs)
			for i := 0; i+1 < len(pts); i++ {
				aPieces[seg{pts[i], pts[i+1]}] = true
				aOrder = append(aOrder, seg{pts[i], pts[i+1]})
			}
		}
		pPieces := map[seg]bool{}
		for _, s := range pSegs {
			pts := splitAt(s.p, s.q, aSegs)
			for i := 0; i+1 < len(pts); i++ {
				u, v := pts[i], pts[i+1]
				pPieces[seg{u, v}] = true
				switch {
				case aPieces[seg{u, v}]:
					sum += planarArea2(u, v, o, c)
				case aPieces[seg{v, u}]:
				default:
					m := orb.Point{(u[0] + v[0]) / 2, (u[1] + v[1]) / 2}
					if crossingInside(aEdges, m[0], m[1]) {
						sum += planarArea2(u, v, o, c)
					}
				}
			}
		}
		for _, piece := range aOrder {
			u, v := piece.p, piece.q
			if pPieces[seg{u, v}] || pPieces[seg{v, u}] {
				continue
			}
			m := orb.Point{(u[0] + v[0]) / 2, (u[1] + v[1]) / 2}
			if crossingInside(pEdges, m[0], m[1]) {
				sum += planarArea2(u, v, o, c)
			}
		}
		// A's boundary pieces wholly outside P's bounding box cannot be
		// inside P, so segmentsOf's box filter loses nothing.
		if sum > 0 {
			acc[a] += sum / 2
		}
	}
	return total / 2
}

// ApportionCSV reads CSV rows with an id column and a WKT column (wkt,
// geometry, geom, the_geom, shape) and writes id,area_id,fraction for each
// share of each geometry (Index.Apportion), in input order. crs names the
// coordinate system of the geometries ("" for WGS84). The input is read by
// internal/tabular, streamed (any delimiter and encoding, default limits).
func ApportionCSV(ix *Index, r io.Reader, w io.Writer, file, crs string) error {
	return ApportionCSVOptions(ix, r, w, ApportionOptions{File: file, CRS: crs})
}

// ApportionOptions control ApportionCSVOptions.
type ApportionOptions struct {
	File string // names the input in errors
	CRS  string // of the geometries ("" for WGS84)
	// Limits bound the input (tabular.DefaultLimits when zero).
	Limits tabular.Limits
}

// ApportionCSVOptions is ApportionCSV with the input's limits.
func ApportionCSVOptions(ix *Index, r io.Reader, w io.Writer, opt ApportionOptions) error {
	file, crs := opt.File, opt.CRS
	var tr func(orb.Point) orb.Point
	if crs != "" {
		t, _, err := transformTo84(crs)
		if err != nil {
			return &budget.InputError{File: file, Field: "crs", Value: crs, Expected: err.Error(), Err: err}
		}
		tr = t
	}
	cr, err := tabular.NewCSVReader(r, tabular.Options{File: file, Streaming: true, Limits: opt.Limits})
	if err != nil {
		return err
	}
	h := cr.Header()
	idc, err := h.Find("id")
	if err != nil {
		return err
	}
	wc, err := h.Find(wktColumns...)
	if err != nil {
		return err
	}
	if idc < 0 || wc < 0 {
		return &budget.InputError{File: file, Line: h.Line, Value: strings.Join(h.Names, ","), Expected: "a header with an id column and a WKT column (wkt, geometry, geom)"}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "area_id", "fraction"}); err != nil {
		return fmt.Errorf("geo: unable to write the shares: %w", err)
	}
	for {
		line, rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if idc >= len(rec) || wc >= len(rec) {
			return &budget.InputError{File: file, Line: line, Expected: "an id and a WKT value on every row"}
		}
		g, err := ParseWKT(rec[wc])
		if err != nil {
			return h.Err(line, wc, "geometry", abbreviate(rec[wc]), "a WKT geometry ("+err.Error()+")")
		}
		shares := ix.Apportion(transformGeometry(g, tr))
		if shares == nil {
			return h.Err(line, wc, "geometry", abbreviate(rec[wc]), "a point, line or polygon")
		}
		for _, s := range shares {
			if err := cw.Write([]string{rec[idc], ix.layer.Areas[s.Area].ID, strconv.FormatFloat(s.Fraction, 'f', 9, 64)}); err != nil {
				return fmt.Errorf("geo: unable to write the shares: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("geo: unable to write the shares: %w", err)
	}
	return nil
}
