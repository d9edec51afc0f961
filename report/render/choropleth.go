package render

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/report"
	"github.com/paulmach/orb"
)

// ColorBrewer palettes, both safe for colour-blind readers: YlGnBu
// (sequential) and PuOr (diverging: orange below the midpoint, purple above).
var (
	sequentialPalettes = map[int][]string{
		2: {"#edf8b1", "#2c7fb8"},
		3: {"#edf8b1", "#7fcdbb", "#2c7fb8"},
		4: {"#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"},
		5: {"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"},
		6: {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"},
		7: {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"},
	}
	divergingPalettes = map[int][]string{
		2: {"#f1a340", "#998ec3"},
		3: {"#f1a340", "#f7f7f7", "#998ec3"},
		4: {"#e66101", "#fdb863", "#b2abd2", "#5e3c99"},
		5: {"#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"},
		6: {"#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"},
		7: {"#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"},
	}
)

// darkFills are the palette colours dark enough to need white labels.
var darkFills = map[string]bool{"#253494": true, "#0c2c84": true, "#225ea8": true, "#2c7fb8": true,
	"#5e3c99": true, "#542788": true, "#b35806": true, "#e66101": true, "#1d91c0": true}

const missingFill = "#d9d9d9"

// classes holds the class breaks of a map: class i holds the values v with
// breaks[i-1] < v ≤ breaks[i]; the first class has no lower bound and the
// last no upper bound, so every value has a class.
type classes struct {
	breaks []float64 // len = number of classes − 1
	min    float64
	max    float64
	colors []string
}

// classify computes the breaks of c:
//
//   - quantile (the default): with the m non-missing values sorted
//     ascending, the k-th break is the value at rank ceil(k·m/n) (1-based),
//     so each class holds about m/n areas and ties stay in one class.
//     Repeated breaks are merged, so there can be fewer classes than asked.
//   - equal-interval: breaks at min + k·(max−min)/n.
//   - manual: Breaks as given.
//
// A diverging palette ignores quantile and uses equal intervals on
// [mid−M, mid+M] where M is the largest distance of a value from the
// midpoint, so the midpoint sits in the neutral middle class (odd n) or on a
// break (even n) and colour means the same thing on both sides.
func mapClasses(c *report.Choropleth) classes {
	var vals []float64
	for _, a := range c.Areas {
		if !a.Missing {
			vals = append(vals, a.Value)
		}
	}
	sort.Float64s(vals)
	n := c.Classes
	if n == 0 {
		n = 5
	}
	var cl classes
	if len(vals) > 0 {
		cl.min, cl.max = vals[0], vals[len(vals)-1]
	}
	switch {
	case c.Method == report.ClassManual:
		cl.breaks = append([]float64(nil), c.Breaks...)
	case c.Palette == report.Diverging:
		m := 0.0
		for _, v := range vals {
			m = math.Max(m, math.Abs(v-c.Midpoint))
		}
		if m == 0 {
			m = 1
		}
		for k := 1; k < n; k++ {
			cl.breaks = append(cl.breaks, c.Midpoint-m+2*m*float64(k)/float64(n))
		}
	case c.Method == report.ClassEqualInterval:
		for k := 1; k < n && cl.max > cl.min; k++ {
			cl.breaks = append(cl.breaks, cl.min+(cl.max-cl.min)*float64(k)/float64(n))
		}
	default:
		for k := 1; k < n && len(vals) > 0; k++ {
			r := int(math.Ceil(float64(k)*float64(len(vals))/float64(n))) - 1
			b := vals[r]
			if b >= cl.max || (len(cl.breaks) > 0 && b <= cl.breaks[len(cl.breaks)-1]) {
				continue
			}
			cl.breaks = append(cl.breaks, b)
		}
	}
	nc := len(cl.breaks) + 1
	if nc > 7 {
		nc = 7
		cl.breaks = cl.breaks[:6]
	}
	pal := sequentialPalettes
	if c.Palette == report.Diverging {
		pal = divergingPalettes
	}
	if nc == 1 {
		cl.colors = []string{pal[3][1]}
	} else {
		cl.colors = pal[nc]
	}
	return cl
}

// class returns the class index of v.
func (cl classes) class(v float64) int {
	return sort.Search(len(cl.breaks), func(i int) bool { return v <= cl.breaks[i] })
}

// legendText returns the range label of class i.
func (cl classes) legendText(i int, k report.Kind, digits int) string {
	f := func(v float64) string { return report.Format(v, k, digits) }
	switch {
	case len(cl.breaks) == 0:
		return f(cl.min) + " to " + f(cl.max)
	case i == 0:
		return "up to " + f(cl.breaks[0])
	case i == len(cl.breaks):
		return "over " + f(cl.breaks[i-1])
	}
	return f(cl.breaks[i-1]) + " to " + f(cl.breaks[i])
}

// projection maps WGS84 lon/lat to SVG pixels with an equirectangular
// projection scaled by cos(latitude) at the centre of the map, which keeps
// shapes true to within a fraction of a percent across a city.
type projection struct {
	kx, scale, x0, y0, padX, padY float64
}

func newProjection(b orb.Bound, width, maxHeight float64) (projection, float64) {
	lat0 := (b.Min[1] + b.Max[1]) / 2
	p := projection{kx: math.Cos(lat0 * math.Pi / 180)}
	w := (b.Max[0] - b.Min[0]) * p.kx
	h := b.Max[1] - b.Min[1]
	if w <= 0 || h <= 0 {
		w, h = 1, 1
	}
	p.scale = math.Min(width/w, maxHeight/h)
	p.x0, p.y0 = b.Min[0]*p.kx, b.Max[1]
	p.padX = (width - w*p.scale) / 2
	return p, h * p.scale
}

func (p projection) project(pt orb.Point) (float64, float64) {
	return p.padX + (pt[0]*p.kx-p.x0)*p.scale, p.padY + (p.y0-pt[1])*p.scale
}

// dotRadius is the radius in px of an area drawn as a point.
const dotRadius = 2.6

// minVertexDistance is the display tolerance: a vertex closer than this (in
// px) to the last vertex kept is dropped.
const minVertexDistance = 0.5

// ringPath projects a ring, drops vertices closer than minVertexDistance to
// the previous kept one, and returns its path data ("" when fewer than three
// vertices remain, i.e. the ring is smaller than a pixel or two).
func (p projection) ringPath(r orb.Ring) (string, []orb.Point) {
	var pts []orb.Point
	for i, pt := range r {
		x, y := p.project(pt)
		if len(pts) > 0 && i < len(r)-1 {
			last := pts[len(pts)-1]
			if math.Hypot(x-last[0], y-last[1]) < minVertexDistance {
				continue
			}
		}
		pts = append(pts, orb.Point{x, y})
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return "", nil
	}
	d := []byte("M" + num(pts[0][0]) + " " + num(pts[0][1]))
	px, py := math.Round(pts[0][0]*10), math.Round(pts[0][1]*10)
	for _, pt := range pts[1:] {
		// relative moves in tenths of a pixel keep the markup short
		x, y := math.Round(pt[0]*10), math.Round(pt[1]*10)
		if x == px && y == py {
			continue
		}
		d = append(d, 'l')
		d = append(d, num((x-px)/10)...)
		d = append(d, ' ')
		d = append(d, num((y-py)/10)...)
		px, py = x, y
	}
	return string(append(d, 'z')), pts
}

func polygons(g orb.Geometry) []orb.Polygon {
	switch x := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{x}
	case orb.MultiPolygon:
		return x
	}
	return nil
}

// SVG renders the map with its legend. id must be unique in the HTML page.
func mapSVG(c *report.Choropleth, id string) template.HTML {
	const mapW, maxH, legendW = 520.0, 600.0, 210.0
	b, detached := mapExtent(c)
	p, h := newProjection(b, mapW-20, maxH)
	p.padX += 10
	p.padY = 10
	cl := mapClasses(c)
	nLegend := len(cl.colors) + 1
	height := math.Max(h+20, float64(nLegend)*22+60)
	if len(c.Overlay) > 0 {
		height = math.Max(height, float64(nLegend)*22+100)
	}

	if len(detached) > 0 {
		height += 16
	}
	w := &svgWriter{id: id}
	alt := mapAlt(c, cl)
	if len(detached) > 0 {
		alt += " " + detachedText(detached)
	}
	w.open(mapW+legendW, height, c.Title, alt)
	w.printf(`<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern></defs>`, id, missingFill)
	if len(c.Backdrop) > 0 {
		w.printf(`<g fill="#f2f2f2" stroke="#9a9a9a" stroke-width="0.8" fill-rule="evenodd" aria-hidden="true">`)
		for _, g := range c.Backdrop {
			var d []byte
			for _, poly := range polygons(g) {
				if !poly.Bound().Intersects(b) {
					continue
				}
				for _, ring := range poly {
					path, _ := p.ringPath(ring)
					d = append(d, path...)
				}
			}
			if len(d) > 0 {
				w.printf(`<path d="%s"/>`, d)
			}
		}
		w.printf(`</g>`)
	}
	w.printf(`<g stroke="#4d4d4d" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">`)
	type label struct {
		x, y float64
		text string
		dark bool
	}
	var labels []label
	var dots []string
	for _, a := range c.Areas {
		fill, valText := fmt.Sprintf("url(#%s-hatch)", id), "no data"
		dark := false
		if !a.Missing {
			col := cl.colors[cl.class(a.Value)]
			fill, valText, dark = col, report.Format(a.Value, c.Kind, c.Digits), darkFills[col]
		}
		var d []byte
		var biggest []orb.Point
		bigArea := 0.0
		for _, poly := range polygons(a.Geometry) {
			if !poly.Bound().Intersects(b) {
				continue // a detached part far from the map (named under it)
			}
			for ri, ring := range poly {
				path, pts := p.ringPath(ring)
				d = append(d, path...)
				if ri == 0 {
					if ar := math.Abs(ringArea(pts)); ar > bigArea {
						bigArea, biggest = ar, pts
					}
				}
			}
		}
		name := a.Name
		if name == "" {
			name = a.ID
		}
		if pt, ok := a.Geometry.(orb.Point); ok {
			x, y := p.project(pt)
			dots = append(dots, fmt.Sprintf(`<circle cx="%s" cy="%s" r="%s" fill="%s"><title>%s: %s</title></circle>`,
				num(x), num(y), num(dotRadius), fill, esc(name), esc(valText)))
			continue
		}
		if len(d) == 0 {
			continue
		}
		w.printf(`<path d="%s" fill="%s"><title>%s: %s</title></path>`, d, fill, esc(name), esc(valText))
		if c.Labels && biggest != nil {
			x, y := labelPoint(biggest)
			txt := orDefault(a.Label, a.ID)
			labels = append(labels, label{x, y, txt, dark})
		}
	}
	w.printf(`</g>`)
	if len(dots) > 0 {
		w.printf(`<g stroke="#4d4d4d" stroke-width="0.4">`)
		for _, d := range dots {
			w.b.WriteString(d)
		}
		w.printf(`</g>`)
	}
	if len(c.Overlay) > 0 {
		mapOverlay(c, w, p, b)
	}
	for _, l := range labels {
		fill := "#1a1a1a"
		halo := "#ffffff"
		if l.dark {
			fill, halo = "#ffffff", "#1a1a1a"
		}
		w.printf(`<text x="%s" y="%s" text-anchor="middle" dominant-baseline="central" font-size="10" font-weight="bold" fill="%s" stroke="%s" stroke-width="2" paint-order="stroke" aria-hidden="true">%s</text>`,
			num(l.x), num(l.y), fill, halo, esc(l.text))
	}
	mapLegend(c, w, cl, mapW+10, 20)
	if len(c.Overlay) > 0 {
		overlayLegend(c, w, mapW+10, 20+12+float64(nLegend)*22+8)
	}
	if len(detached) > 0 {
		w.printf(`<text x="10" y="%s" font-size="10" fill="#555">%s</text>`, num(height-6), esc(detachedText(detached)))
	}
	return w.close()
}

// extent returns the part of the world the map shows and the names of the
// areas with a part left out. The core is the union of every area's and
// backdrop geometry's largest polygon (or the whole geometry for a polygon
// or point); another part of a multipolygon is shown when its bounds meet
// the core grown by 10% on each side, and left out otherwise, so that a
// stray fragment far away (the 2025 Sunland-Tujunga council has one 70 km
// away) does not shrink the city to a corner. An explicit Extent wins.
func mapExtent(c *report.Choropleth) (orb.Bound, []string) {
	empty := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	if c.Extent != nil {
		return *c.Extent, mapOutside(c, *c.Extent)
	}
	geoms := make([]orb.Geometry, 0, len(c.Areas)+len(c.Backdrop))
	for _, a := range c.Areas {
		geoms = append(geoms, a.Geometry)
	}
	geoms = append(geoms, c.Backdrop...)
	core := empty
	for _, g := range geoms {
		if mp, ok := g.(orb.MultiPolygon); ok && len(mp) > 0 {
			big, bigArea := mp[0], -1.0
			for _, poly := range mp {
				if ar := math.Abs(lonLatArea(poly)); ar > bigArea {
					big, bigArea = poly, ar
				}
			}
			core = core.Union(big.Bound())
		} else if g != nil {
			core = core.Union(g.Bound())
		}
	}
	if math.IsInf(core.Min[0], 0) {
		return orb.Bound{Max: orb.Point{1, 1}}, nil
	}
	dx, dy := (core.Max[0]-core.Min[0])*0.1, (core.Max[1]-core.Min[1])*0.1
	grown := orb.Bound{Min: orb.Point{core.Min[0] - dx, core.Min[1] - dy}, Max: orb.Point{core.Max[0] + dx, core.Max[1] + dy}}
	b := core
	for _, g := range geoms {
		for _, poly := range polygons(g) {
			if pb := poly.Bound(); pb.Intersects(grown) {
				b = b.Union(pb)
			}
		}
	}
	return b, mapOutside(c, b)
}

// outside names the areas with a polygon entirely outside b.
func mapOutside(c *report.Choropleth, b orb.Bound) []string {
	var names []string
	for i := range c.Areas {
		for _, poly := range polygons(c.Areas[i].Geometry) {
			if !poly.Bound().Intersects(b) {
				names = append(names, areaName(&c.Areas[i]))
				break
			}
		}
	}
	return names
}

func detachedText(names []string) string {
	return fmt.Sprintf("Not shown: %s of %s, outside the map frame.", plural(len(names), "a detached part", "detached parts"), strings.Join(names, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// lonLatArea is the planar area of a polygon in square degrees (outer ring
// minus holes), enough to pick the largest part.
func lonLatArea(p orb.Polygon) float64 {
	a := 0.0
	for i, r := range p {
		ar := math.Abs(ringArea(r))
		if i > 0 {
			ar = -ar
		}
		a += ar
	}
	return a
}

func mapLegend(c *report.Choropleth, w *svgWriter, cl classes, x, y float64) {
	title := "Legend"
	if c.Method != report.ClassManual && c.Palette != report.Diverging {
		title = "Quantile classes"
		if c.Method == report.ClassEqualInterval {
			title = "Equal intervals"
		}
	} else if c.Palette == report.Diverging {
		title = "Centred on " + report.Format(c.Midpoint, c.Kind, c.Digits)
	}
	w.printf(`<g class="legend"><text x="%s" y="%s" font-weight="bold">%s</text>`, num(x), num(y), esc(title))
	counts := make([]int, len(cl.colors))
	missing := 0
	for _, a := range c.Areas {
		if a.Missing {
			missing++
		} else {
			counts[cl.class(a.Value)]++
		}
	}
	row := func(i int, fill, text string) {
		yy := y + 12 + float64(i)*22
		w.printf(`<rect x="%s" y="%s" width="18" height="14" fill="%s" stroke="#666" stroke-width="0.5"/>`, num(x), num(yy), fill)
		w.text(x+24, yy+11, "start", "", text)
	}
	for i := len(cl.colors) - 1; i >= 0; i-- {
		row(len(cl.colors)-1-i, cl.colors[i], fmt.Sprintf("%s (%d)", cl.legendText(i, c.Kind, c.Digits), counts[i]))
	}
	row(len(cl.colors), fmt.Sprintf("url(#%s-hatch)", w.id), fmt.Sprintf("No data (%d)", missing))
	w.printf(`</g>`)
}

// altText describes the map for screen readers: its classes and extremes.
func mapAlt(c *report.Choropleth, cl classes) string {
	s := c.Description
	if s != "" {
		s += " "
	}
	var lo, hi *report.MapArea
	for i := range c.Areas {
		a := &c.Areas[i]
		if a.Missing {
			continue
		}
		if lo == nil || a.Value < lo.Value {
			lo = a
		}
		if hi == nil || a.Value > hi.Value {
			hi = a
		}
	}
	s += fmt.Sprintf("Map of %d areas in %d classes.", len(c.Areas), len(cl.colors))
	if lo != nil {
		s += fmt.Sprintf(" Lowest: %s (%s). Highest: %s (%s).", areaName(lo), report.Format(lo.Value, c.Kind, c.Digits), areaName(hi), report.Format(hi.Value, c.Kind, c.Digits))
	}
	return s + " The values are listed in the table that follows the map."
}

func areaName(a *report.MapArea) string {
	if a.Name != "" {
		return a.Name
	}
	return a.ID
}

// mapTable returns the map's values as a table: the text alternative in
// the HTML and a sheet of the workbook.
func mapTable(c *report.Choropleth) *report.Table {
	cl := mapClasses(c)
	t := &report.Table{Name: c.Name, Title: c.Title, Synthetic: c.Synthetic, Note: c.Note,
		Columns: []report.Column{{Key: "area_id", Label: "Area", Kind: report.KindText}, {Key: "name", Label: "Name", Kind: report.KindText},
			{Key: "value", Label: "Value", Kind: c.Kind, Digits: c.Digits}, {Key: "class", Label: "Class", Kind: report.KindText}}}
	for _, a := range c.Areas {
		if a.Missing {
			t.Rows = append(t.Rows, []any{a.ID, a.Name, nil, "no data"})
			continue
		}
		t.Rows = append(t.Rows, []any{a.ID, a.Name, a.Value, cl.legendText(cl.class(a.Value), c.Kind, c.Digits)})
	}
	return t
}

// ringArea is the shoelace area of a pixel ring (any orientation).
func ringArea(pts []orb.Point) float64 {
	s := 0.0
	for i := range pts {
		j := (i + 1) % len(pts)
		s += pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1]
	}
	return s / 2
}

// labelPoint returns a point inside the ring for a label: the centroid when
// it is inside, else the middle of the widest run of the horizontal line
// through the centroid that lies inside the ring.
func labelPoint(pts []orb.Point) (float64, float64) {
	a := ringArea(pts)
	var cx, cy float64
	for i := range pts {
		j := (i + 1) % len(pts)
		f := pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1]
		cx += (pts[i][0] + pts[j][0]) * f
		cy += (pts[i][1] + pts[j][1]) * f
	}
	if a == 0 {
		return pts[0][0], pts[0][1]
	}
	cx, cy = cx/(6*a), cy/(6*a)
	var xs []float64
	for i := range pts {
		j := (i + 1) % len(pts)
		y1, y2 := pts[i][1], pts[j][1]
		if (y1 <= cy) != (y2 <= cy) {
			xs = append(xs, pts[i][0]+(cy-y1)/(y2-y1)*(pts[j][0]-pts[i][0]))
		}
	}
	sort.Float64s(xs)
	best, bx := -1.0, cx
	for i := 0; i+1 < len(xs); i += 2 {
		if xs[i] <= cx && cx <= xs[i+1] {
			return cx, cy
		}
		if wdt := xs[i+1] - xs[i]; wdt > best {
			best, bx = wdt, (xs[i]+xs[i+1])/2
		}
	}
	return bx, cy
}

// overlay strokes and dots: dark with a white halo, readable over every
// class colour.
const (
	overlayInk  = "#111111"
	overlayHalo = "#ffffff"
)

// mapOverlay draws the overlay's features over the areas: polygons
// outlined, lines as strokes, points as dots, each with its label as a
// tooltip; a feature wholly outside the map's extent b is left out.
func mapOverlay(c *report.Choropleth, w *svgWriter, p projection, b orb.Bound) {
	w.printf(`<g class="overlay" fill="none" stroke-linejoin="round" stroke-linecap="round">`)
	line := func(ls orb.LineString) string {
		var d []byte
		for i, pt := range ls {
			x, y := p.project(pt)
			if i == 0 {
				d = append(d, 'M')
			} else {
				d = append(d, 'L')
			}
			d = append(d, num(x)+" "+num(y)...)
		}
		return string(d)
	}
	for _, m := range c.Overlay {
		if m.Geometry == nil || !m.Geometry.Bound().Intersects(b) {
			continue
		}
		title := "<title>" + esc(m.Label) + "</title>"
		switch g := m.Geometry.(type) {
		case orb.Point:
			overlayDot(w, p, g, title)
		case orb.MultiPoint:
			for _, pt := range g {
				overlayDot(w, p, pt, title)
			}
		case orb.LineString, orb.MultiLineString:
			var d string
			if ls, ok := g.(orb.LineString); ok {
				d = line(ls)
			} else {
				for _, ls := range g.(orb.MultiLineString) {
					d += line(ls)
				}
			}
			w.printf(`<g><path d="%s" stroke="%s" stroke-width="3.4"/><path d="%s" stroke="%s" stroke-width="1.6"/>%s</g>`, d, overlayHalo, d, overlayInk, title)
		default:
			var d []byte
			for _, poly := range polygons(g) {
				for _, ring := range poly {
					path, _ := p.ringPath(ring)
					d = append(d, path...)
				}
			}
			if len(d) > 0 {
				w.printf(`<g><path d="%s" stroke="%s" stroke-width="3"/><path d="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="3 2"/>%s</g>`, d, overlayHalo, d, overlayInk, title)
			}
		}
	}
	w.printf(`</g>`)
}

func overlayDot(w *svgWriter, p projection, pt orb.Point, title string) {
	x, y := p.project(pt)
	w.printf(`<circle cx="%s" cy="%s" r="2.4" fill="%s" stroke="%s" stroke-width="1">%s</circle>`, num(x), num(y), overlayInk, overlayHalo, title)
}

// overlayLegend names the overlay: a stroke, a dot and a dashed outline.
func overlayLegend(c *report.Choropleth, w *svgWriter, x, y float64) {
	label := c.OverlayLabel
	if label == "" {
		label = "Features"
	}
	w.printf(`<g class="legend" aria-hidden="true"><text x="%s" y="%s" font-weight="bold">%s</text>`, num(x), num(y), esc(label))
	yy := y + 16
	w.printf(`<path d="M%s %sh18" stroke="%s" stroke-width="1.6"/>`, num(x), num(yy), overlayInk)
	w.text(x+24, yy+4, "start", "", "line: by length")
	yy += 18
	w.printf(`<circle cx="%s" cy="%s" r="2.4" fill="%s"/>`, num(x+9), num(yy), overlayInk)
	w.text(x+24, yy+4, "start", "", "point")
	yy += 18
	w.printf(`<rect x="%s" y="%s" width="18" height="10" fill="none" stroke="%s" stroke-width="1.2" stroke-dasharray="3 2"/>`, num(x), num(yy-5), overlayInk)
	w.text(x+24, yy+4, "start", "", "area: by its area")
	w.printf(`</g>`)
}
