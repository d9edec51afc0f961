package projects

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// ReadOptions say how to read a project list.
type ReadOptions struct {
	// Plan names the plan.
	Plan    string
	Mapping Mapping
	// AreaID resolves an area code of Mapping.AreaLayer to the layer's id
	// (geo.IDKey rules: "05" finds "5"); false for a code the layer does
	// not have. Required when Mapping.Area names codes of a layer.
	AreaID func(code string) (string, bool)
	// AreaIDs lists the layer's ids for the message of an unknown code.
	AreaIDs []string
	Limits  tabular.Limits
}

// Read reads a project list: CSV or other delimited text, an XLSX workbook
// (through internal/tabular), or a GeoJSON FeatureCollection whose features'
// properties are the columns and whose geometries are the places. Every
// problem is an input error naming the file, line (a GeoJSON feature's
// number) and column, the value and what to write instead; nothing is
// returned then. Costs are read with budget.ParseAmount ("$12,997,000.00",
// "(1,250)", "1.2e6"), times Mapping.Units, exactly; a blank yearly cost is
// 0, a blank total cost an error.
func Read(path string, opt ReadOptions) (*Plan, error) {
	m := opt.Mapping
	if err := m.check(); err != nil {
		if ie, ok := err.(*budget.InputError); ok {
			ie.File = path
		}
		return nil, err
	}
	if strings.TrimSpace(opt.Plan) == "" {
		return nil, budget.Errorf(budget.EINVALID, "name the plan (--plan NAME)")
	}
	var src rows
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson":
		src, err = openGeoJSON(path, opt.Limits)
	case ".json":
		if isGeoJSON(path) {
			src, err = openGeoJSON(path, opt.Limits)
		} else {
			src, err = openTable(path, m, opt.Limits)
		}
	default:
		src, err = openTable(path, m, opt.Limits)
	}
	if err != nil {
		return nil, err
	}
	defer src.close()
	r, err := newRowReader(path, src, opt)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Name: opt.Plan, Source: filepath.Base(path), Years: m.yearLabels(), AreaLayer: m.AreaLayer, Mapping: m, Columns: r.kept}
	seen := map[string]int{}
	for {
		line, cells, geom, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		p, err := r.project(line, cells, geom)
		if err == errNoCost {
			plan.Skipped = append(plan.Skipped, Skipped{Line: line, ID: p.ID, Name: p.Name, Reason: "no cost: the cost cells are blank or unknown"})
			continue
		}
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[p.ID]; dup {
			return nil, r.errAt(line, r.col.id, "id", p.ID, fmt.Sprintf("project ids must be unique: line %d has the same id; name another --id column, or leave --id out to number projects by line", prev))
		}
		seen[p.ID] = line
		plan.Projects = append(plan.Projects, p)
	}
	if len(plan.Projects) == 0 {
		return nil, &budget.InputError{File: path, Expected: "the list has no projects: give a file with a header and at least one row"}
	}
	plan.SHA256 = src.sha256()
	if err := checkTotal(path, plan); err != nil {
		return nil, err
	}
	return plan, nil
}

// checkTotal refuses a plan whose total leaves the amount range.
func checkTotal(path string, p *Plan) error {
	var sum int64
	for i := range p.Projects {
		for _, c := range p.Projects[i].Cost {
			if sum > budget.MaxUnits-c {
				return &budget.InputError{File: path, Line: p.Projects[i].Line, Field: "cost", Expected: "the plan's total " + budget.RangeAdvice}
			}
			sum += c
		}
	}
	return nil
}

// rows is a source of rows: cells by column and, for GeoJSON, the
// feature's geometry.
type rows interface {
	header() *tabular.Header
	next() (line int, cells []string, geom orb.Geometry, err error)
	sha256() string
	close()
}

// tableRows reads CSV and workbooks through internal/tabular.
type tableRows struct{ r *tabular.Reader }

func openTable(path string, m Mapping, lim tabular.Limits) (rows, error) {
	r, err := tabular.Open(path, tabular.Options{Sheet: m.Sheet, HeaderRow: m.HeaderRow, Limits: lim})
	if err != nil {
		return nil, err
	}
	return &tableRows{r: r}, nil
}

func (t *tableRows) header() *tabular.Header { return t.r.Header() }
func (t *tableRows) next() (int, []string, orb.Geometry, error) {
	line, cells, err := t.r.Read()
	return line, cells, nil, err
}
func (t *tableRows) sha256() string { return t.r.SHA256() }
func (t *tableRows) close()         { t.r.Close() }

// columns are the positions of the mapped columns (-1 when not mapped).
type columns struct {
	id, name, category, cost, lon, lat, geometry, area int
	years                                              []int
}

// rowReader turns rows into projects.
type rowReader struct {
	file   string
	h      *tabular.Header
	m      Mapping
	opt    ReadOptions
	col    columns
	places int // decimal places ParseAmount reads: 2 + log10(units)
	kept   []string
	keptAt []int
	city   map[string]bool
	none   map[string]bool
}

func newRowReader(path string, src rows, opt ReadOptions) (*rowReader, error) {
	m := opt.Mapping
	h := src.header()
	r := &rowReader{file: path, h: h, m: m, opt: opt, city: markerSet(m.Citywide), none: markerSet(m.Unplaced)}
	k, _ := m.unitDigits()
	r.places = 2 + k
	find := func(field, name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		return h.Must(field, name)
	}
	var err error
	for _, f := range []struct {
		dst         *int
		field, name string
	}{{&r.col.id, "id", m.ID}, {&r.col.name, "name", m.Name}, {&r.col.category, "category", m.Category}, {&r.col.cost, "cost", m.Cost},
		{&r.col.lon, "longitude", m.Lon}, {&r.col.lat, "latitude", m.Lat}, {&r.col.geometry, "geometry", m.Geometry}, {&r.col.area, "area", m.Area}} {
		if *f.dst, err = find(f.field, f.name); err != nil {
			return nil, err
		}
	}
	for _, y := range m.Years {
		c, err := find("year cost", y)
		if err != nil {
			return nil, err
		}
		r.col.years = append(r.col.years, c)
	}
	if m.AreaLayer != "" && opt.AreaID == nil {
		return nil, budget.Errorf(budget.EINTERNAL, "projects: area codes of layer %s need a resolver", m.AreaLayer)
	}
	used := map[int]bool{r.col.id: true, r.col.name: true, r.col.category: true, r.col.cost: true, r.col.geometry: true}
	for _, c := range r.col.years {
		used[c] = true
	}
	for i, name := range h.Names {
		if used[i] || strings.TrimSpace(name) == "" || h.Duplicated(i) != nil {
			continue
		}
		r.kept, r.keptAt = append(r.kept, name), append(r.keptAt, i)
	}
	return r, nil
}

func markerSet(vals []string) map[string]bool {
	out := map[string]bool{}
	for _, v := range vals {
		out[tabular.Normalize(v)] = true
	}
	return out
}

func (r *rowReader) errAt(line, col int, field, value, expected string) *budget.InputError {
	return r.h.Err(line, col, field, value, expected)
}

func cell(cells []string, c int) string {
	if c >= 0 && c < len(cells) {
		return strings.TrimSpace(cells[c])
	}
	return ""
}

// project reads one row.
func (r *rowReader) project(line int, cells []string, geom orb.Geometry) (Project, error) {
	p := Project{Line: line, ID: cell(cells, r.col.id), Name: cell(cells, r.col.name), Category: cell(cells, r.col.category), Attrs: map[string]string{}}
	if r.col.id < 0 {
		p.ID = strconv.Itoa(line)
	} else if p.ID == "" {
		return p, r.errAt(line, r.col.id, "id", "", "every project needs an id: fill the cell, or leave --id out to number projects by line")
	}
	for k, c := range r.keptAt {
		if v := cell(cells, c); v != "" {
			p.Attrs[r.kept[k]] = v
		}
	}
	var err error
	if r.m.MissingCost == "skip" && r.costBlank(cells) {
		return p, errNoCost
	}
	if r.col.cost >= 0 {
		c, err := r.amount(line, r.col.cost, "cost", cells, false)
		if err != nil {
			return p, err
		}
		p.Cost = []int64{c}
	} else {
		for k, col := range r.col.years {
			c, err := r.amount(line, col, "cost in "+r.m.yearLabels()[k], cells, true)
			if err != nil {
				return p, err
			}
			p.Cost = append(p.Cost, c)
		}
	}
	if p.Place, err = r.place(line, cells, geom); err != nil {
		return p, err
	}
	return p, nil
}

// errNoCost marks a row whose cost cells are all blank, "no amount"
// markers (N/A, NA, -) or "not known yet" (?, TBD, unknown), skipped with
// MissingCost "skip".
var errNoCost = errors.New("no cost")

func (r *rowReader) costBlank(cells []string) bool {
	cols := r.col.years
	if r.col.cost >= 0 {
		cols = []int{r.col.cost}
	}
	for _, c := range cols {
		v := cell(cells, c)
		switch strings.ToUpper(v) {
		case "?", "TBD", "UNKNOWN":
			continue
		}
		if _, empty, err := budget.ParseAmount(v, r.places); err != nil || !empty {
			return false
		}
	}
	return true
}

// amount reads a cost cell in cents.
func (r *rowReader) amount(line, col int, field string, cells []string, blankIsZero bool) (int64, error) {
	s := cell(cells, col)
	v, empty, err := budget.ParseAmount(s, r.places)
	unit := ""
	if r.m.Units > 1 {
		unit = fmt.Sprintf(" (in units of %s: --units %d)", budget.GroupDigits(strconv.FormatInt(r.m.Units, 10)), r.m.Units)
	}
	switch {
	case err != nil:
		e := r.errAt(line, col, field, s, "a cost such as 1320000, $12,997,000.00 or (1,250)"+unit+"; "+budget.AmountGrammar)
		e.Err = err
		return 0, e
	case empty && !blankIsZero:
		return 0, r.errAt(line, col, field, s, "a cost: the cell is blank; write 0 if the project costs nothing, or leave rows without a cost out with --skip-missing-cost (they are listed)")
	case v < 0:
		return 0, r.errAt(line, col, field, s, "a cost of zero or more: a capital project cannot cost less than nothing (credits and transfers do not belong in a project list)")
	}
	return v, nil
}

// place reads where the project is.
func (r *rowReader) place(line int, cells []string, geom orb.Geometry) (Place, error) {
	area := cell(cells, r.col.area)
	key := tabular.Normalize(area)
	if r.col.area >= 0 && r.city[key] {
		return Place{Kind: PlaceCitywide, Text: area}, nil
	}
	g, err := r.geometry(line, cells, geom)
	if err != nil || g != nil {
		return Place{Kind: PlaceGeometry, Geometry: g, Text: area}, err
	}
	if r.col.area < 0 || area == "" || r.none[key] {
		return Place{Kind: PlaceNone, Text: area}, nil
	}
	if r.m.AreaLayer == "" {
		return Place{}, r.errAt(line, r.col.area, "area", area, fmt.Sprintf("one of the markers given (citywide: %s; unplaced: %s), or name the layer of the area codes with --layer",
			listOr(r.m.Citywide), listOr(r.m.Unplaced)))
	}
	ids, err := r.codes(line, area)
	if err != nil {
		return Place{}, err
	}
	return Place{Kind: PlaceAreas, Areas: ids, Text: area}, nil
}

func listOr(vals []string) string {
	if len(vals) == 0 {
		return "none"
	}
	return strings.Join(vals, ", ")
}

// codes splits an area cell into layer ids: the separator and "&" divide
// codes ("B,E,I", "1, 5, 9 & 14"); repeats count once.
func (r *rowReader) codes(line int, s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, r.m.separator()) {
		for _, tok := range strings.Split(part, "&") {
			code := strings.TrimSpace(tok)
			if code == "" {
				continue
			}
			id, ok := r.opt.AreaID(code)
			if !ok {
				return nil, r.errAt(line, r.col.area, "area", s, fmt.Sprintf("area codes of layer %s separated by %q; %q is not one (the layer's ids: %s); mark cells meaning the whole city with --citywide and cells without a place with --unplaced",
					r.m.AreaLayer, r.m.separator(), code, idList(r.opt.AreaIDs)))
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	if len(out) == 0 {
		return nil, r.errAt(line, r.col.area, "area", s, "at least one area code")
	}
	return out, nil
}

func idList(ids []string) string {
	if len(ids) > 40 {
		return strings.Join(ids[:40], ", ") + fmt.Sprintf(", ... (%d in all)", len(ids))
	}
	return strings.Join(ids, ", ")
}

// geometry returns the row's geometry: the feature's, the geometry
// column's (WKT or GeoJSON text) or its longitude/latitude; nil when none.
func (r *rowReader) geometry(line int, cells []string, geom orb.Geometry) (orb.Geometry, error) {
	if geom != nil {
		return geom, checkLonLat(r.file, line, geom)
	}
	if s := cell(cells, r.col.geometry); s != "" {
		g, err := parseGeometryText(s)
		if err != nil {
			return nil, r.errAt(line, r.col.geometry, "geometry", abbreviate(s), "a WKT geometry (POINT (lon lat), LINESTRING (...), POLYGON ((...))) or a GeoJSON geometry object in longitude/latitude ("+err.Error()+")")
		}
		if err := checkLonLat(r.file, line, g); err != nil {
			e := err.(*budget.InputError)
			e.ColIndex, e.Column = r.col.geometry+1, r.h.Names[r.col.geometry]
			return nil, e
		}
		return g, nil
	}
	lon, lat := cell(cells, r.col.lon), cell(cells, r.col.lat)
	if lon == "" && lat == "" {
		return nil, nil
	}
	var pt orb.Point
	for k, c := range []int{r.col.lon, r.col.lat} {
		v, err := strconv.ParseFloat(cell(cells, c), 64)
		lim := []float64{180, 90}[k]
		if err != nil || math.IsNaN(v) || math.Abs(v) > lim {
			return nil, r.errAt(line, c, []string{"longitude", "latitude"}[k], cell(cells, c), fmt.Sprintf("a decimal number of degrees from -%g to %g (WGS84); both cells blank when the project has no point", lim, lim))
		}
		pt[k] = v
	}
	return pt, nil
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// parseGeometryText reads WKT or a GeoJSON geometry object.
func parseGeometryText(s string) (orb.Geometry, error) {
	var g orb.Geometry
	var err error
	if strings.HasPrefix(s, "{") {
		g, err = geo.ParseGeoJSONGeometry([]byte(s))
	} else {
		g, err = geo.ParseWKT(s)
	}
	if err != nil {
		return nil, err
	}
	return g, simpleKind(g)
}

// simpleKind refuses geometries a project cannot be placed by: a
// collection of mixed kinds (lengths and areas do not add up) and empty
// ones.
func simpleKind(g orb.Geometry) error {
	switch t := g.(type) {
	case orb.Point, orb.MultiPoint, orb.LineString, orb.MultiLineString, orb.Polygon, orb.MultiPolygon, orb.Ring:
		return nil
	case orb.Collection:
		return fmt.Errorf("a collection of %d geometries of different kinds: give the project one kind (points, lines or polygons)", len(t))
	}
	return fmt.Errorf("%T is not a point, line or polygon", g)
}

// checkLonLat refuses coordinates that are not longitude/latitude.
func checkLonLat(file string, line int, g orb.Geometry) error {
	b := g.Bound()
	if math.Abs(b.Min[0]) > 180 || math.Abs(b.Max[0]) > 180 || math.Abs(b.Min[1]) > 90 || math.Abs(b.Max[1]) > 90 ||
		math.IsNaN(b.Min[0]) || math.IsNaN(b.Max[1]) {
		return &budget.InputError{File: file, Line: line, Field: "geometry", Value: fmt.Sprintf("%g,%g", b.Min[0], b.Min[1]),
			Expected: "longitude/latitude in WGS84 (EPSG:4326); coordinates in feet or metres must be transformed first (budgetlens geo transform)"}
	}
	return nil
}

// isGeoJSON tells a .json GeoJSON file from a Census API table by its
// first bytes.
func isGeoJSON(path string) bool {
	b, err := readHead(path, 4096)
	return err == nil && strings.Contains(string(b), `"FeatureCollection"`)
}

// jsonText writes a property value as text: strings as they are, numbers
// exactly as written in the file.
func jsonText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
