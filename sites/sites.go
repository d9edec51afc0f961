// Package sites reads lists of located things whose weights say where a
// service's dollars land: loan sites with the dollars funded, parks with
// their acres and amenities, fire districts with their incidents, capital
// projects with their dollars along their geometry. A list is stored as it
// was read; Weights turns it into the weight of every site for one period
// (rows dated in it, a project's dollars counted once and split over its
// sites), which attribute.Areas.AddSites sums per area.
package sites

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// Spec says how to read a list of sites (a city profile's sites entry).
type Spec struct {
	// Name is the per_asset attribute the rules weigh areas by.
	Name string `yaml:"name" json:"name"`
	// Title says what the sites are, in the report.
	Title string `yaml:"title" json:"title"`
	// File is a CSV of points (Lon, Lat columns), a GeoJSON of areas (with
	// Key, the property joined to Counts), or a capital project list read
	// with Plan.
	File string `yaml:"file" json:"file"`
	Lon  string `yaml:"lon" json:"lon,omitempty"`
	Lat  string `yaml:"lat" json:"lat,omitempty"`
	// Weight lists the columns whose numbers are summed into a row's
	// weight; none: every row weighs 1.
	Weight []string `yaml:"weight" json:"weight,omitempty"`
	// Where keeps only rows whose column equals one of the values; Exclude
	// leaves out rows whose column equals one of its values (case ignored).
	Where   map[string][]string `yaml:"where" json:"where,omitempty"`
	Exclude map[string][]string `yaml:"exclude" json:"exclude,omitempty"`
	// Plan reads File as a capital project list (capital/projects.Read:
	// CSV, XLSX or GeoJSON) with this column mapping: every project placed
	// by a geometry (point, line or polygon) is a site weighing its cost in
	// dollars, a line split by its length and an area by its area in each
	// area analysed. Projects without a geometry (citywide, coded by area
	// or without a place) and projects costing ApartAbove dollars or more
	// (regional megaprojects, reported apart) are left out and counted in
	// the list's Left.
	Plan       *projects.Mapping `yaml:"plan" json:"plan,omitempty"`
	ApartAbove float64           `yaml:"apart_above" json:"apart_above,omitempty"`
	// Project names the column of the project a row belongs to, when a
	// project's weight is repeated on each of its sites (counted once per
	// project, split over its sites by Split). A project is known by the
	// first line of its cell, spaces and letter case ignored (LADOT's list
	// repeats some titles on several lines of one cell).
	Project string `yaml:"project" json:"project,omitempty"`
	Split   string `yaml:"split" json:"split,omitempty"`
	// Date names the column of the date that puts a row in a fiscal year
	// (M/D/YYYY or YYYY-MM-DD); without it every row counts every year.
	Date string `yaml:"date" json:"date,omitempty"`
	// Key (GeoJSON) is the property naming each area; Counts the table of
	// weights joined to it.
	Key    string  `yaml:"key" json:"key,omitempty"`
	Counts *Counts `yaml:"counts" json:"counts,omitempty"`
	// Evidence is the class of dollars placed by these sites (location or
	// service); the rules that use the attribute declare it.
	Evidence string `yaml:"evidence" json:"evidence,omitempty"`
	// Source names the data, its publisher and version, for the report.
	Source string `yaml:"source" json:"source,omitempty"`
}

// Counts is a table of weights per area of a GeoJSON site list: the rows
// kept by Where, their Weight columns summed by Key.
type Counts struct {
	File   string              `yaml:"file" json:"file"`
	Key    string              `yaml:"key" json:"key"`
	Weight []string            `yaml:"weight" json:"weight"`
	Where  map[string][]string `yaml:"where" json:"where,omitempty"`
}

// Site is one row as read: its place, weight, project, split weight and
// date ("" when undated).
type Site struct {
	// Point (longitude, latitude), Area or Geometry (any other place: a
	// project's line, points or polygon; WGS 84) is the site's place.
	Point    *orb.Point       `json:"point,omitempty"`
	Area     orb.MultiPolygon `json:"area,omitempty"`
	Geometry orb.Geometry     `json:"-"`
	Weight   float64          `json:"weight"`
	Project  string           `json:"project,omitempty"`
	Split    float64          `json:"split,omitempty"`
	Date     string           `json:"date,omitempty"`
	Line     int              `json:"line"`
}

// List is a read list of sites with its spec.
type List struct {
	Spec  Spec   `json:"spec"`
	Sites []Site `json:"sites"`
	// Left says what a project list left out, and why (no geometry,
	// megaprojects, Where and Exclude).
	Left []Left `json:"left,omitempty"`
}

// Left counts the rows of a list left out for one reason, with their
// weight (a project list: dollars).
type Left struct {
	Reason string  `json:"reason"`
	Rows   int     `json:"rows"`
	Weight float64 `json:"weight"`
}

// Read reads the sites of a spec; File (and Counts.File) are resolved
// against dir when relative. Every refused cell names its file, line and
// column.
func Read(spec Spec, dir string) (*List, error) {
	path := resolve(dir, spec.File)
	if spec.Plan != nil {
		return readPlan(spec, path)
	}
	if strings.EqualFold(filepath.Ext(path), ".geojson") || strings.EqualFold(filepath.Ext(path), ".json") {
		return readAreas(spec, path, dir)
	}
	return readPoints(spec, path)
}

func resolve(dir, f string) string {
	if filepath.IsAbs(f) || dir == "" {
		return f
	}
	return filepath.Join(dir, f)
}

// table is a CSV read whole, headings by name.
type table struct {
	file string
	col  map[string]int
	rows [][]string
}

func readTable(path string) (*table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "sites: %v", err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, &budget.InputError{File: path, Expected: "a CSV file: " + err.Error()}
	}
	if len(recs) == 0 {
		return nil, &budget.InputError{File: path, Expected: "a CSV file with a heading row"}
	}
	t := &table{file: path, col: map[string]int{}, rows: recs[1:]}
	for i, h := range recs[0] {
		t.col[strings.ToLower(strings.Join(strings.Fields(h), " "))] = i
	}
	return t, nil
}

// cell returns the row's value of a column; ok false when the file lacks it.
func (t *table) index(name string) (int, error) {
	i, ok := t.col[strings.ToLower(strings.Join(strings.Fields(name), " "))]
	if !ok {
		return 0, &budget.InputError{File: t.file, Line: 1, Field: name, Expected: "a column of that heading (check the sites entry of the city profile)"}
	}
	return i, nil
}

func (t *table) get(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// keep reports whether a row meets every Where condition and none of
// Exclude's.
func (t *table) keep(row []string, where, exclude map[string][]string) (bool, error) {
	return keepRow(func(c string) (string, error) {
		i, err := t.index(c)
		if err != nil {
			return "", err
		}
		return t.get(row, i), nil
	}, where, exclude)
}

// keepRow reports whether a row, whose cells value gives by column, meets
// every Where condition and none of Exclude's (values compared without
// letter case).
func keepRow(value func(col string) (string, error), where, exclude map[string][]string) (bool, error) {
	for _, m := range []struct {
		conds map[string][]string
		want  bool
	}{{where, true}, {exclude, false}} {
		cols := make([]string, 0, len(m.conds))
		for c := range m.conds {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		for _, c := range cols {
			vals := m.conds[c]
			v, err := value(c)
			if err != nil {
				return false, err
			}
			in := false
			for _, w := range vals {
				in = in || strings.EqualFold(v, strings.TrimSpace(w))
			}
			if in != m.want {
				return false, nil
			}
		}
	}
	return true, nil
}

// number reads a weight cell: blank is 0; thousands separators and a
// dollar sign are allowed.
func (t *table) number(row []string, i, line int, name string) (float64, error) {
	s := strings.NewReplacer(",", "", "$", "").Replace(t.get(row, i))
	if s == "" {
		return 0, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return 0, &budget.InputError{File: t.file, Line: line, Field: name, Value: t.get(row, i), Expected: "a non-negative number"}
	}
	return x, nil
}

func (t *table) weight(row []string, cols []string, line int) (float64, error) {
	if len(cols) == 0 {
		return 1, nil
	}
	var w float64
	for _, c := range cols {
		i, err := t.index(c)
		if err != nil {
			return 0, err
		}
		x, err := t.number(row, i, line, c)
		if err != nil {
			return 0, err
		}
		w += x
	}
	return w, nil
}

func readPoints(spec Spec, path string) (*List, error) {
	t, err := readTable(path)
	if err != nil {
		return nil, err
	}
	lon, err := t.index(spec.Lon)
	if err != nil {
		return nil, err
	}
	lat, err := t.index(spec.Lat)
	if err != nil {
		return nil, err
	}
	out := &List{Spec: spec}
	for k, row := range t.rows {
		line := k + 2
		if ok, err := t.keep(row, spec.Where, spec.Exclude); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		s := Site{Line: line}
		x, errX := strconv.ParseFloat(t.get(row, lon), 64)
		y, errY := strconv.ParseFloat(t.get(row, lat), 64)
		if errX != nil || errY != nil || x < -180 || x > 180 || y < -90 || y > 90 {
			return nil, &budget.InputError{File: path, Line: line, Field: spec.Lon + "/" + spec.Lat, Value: t.get(row, lon) + " " + t.get(row, lat),
				Expected: "longitude and latitude in degrees (WGS 84)"}
		}
		s.Point = &orb.Point{x, y}
		if s.Weight, err = t.weight(row, spec.Weight, line); err != nil {
			return nil, err
		}
		if err := s.readProject(t, row, spec, line); err != nil {
			return nil, err
		}
		out.Sites = append(out.Sites, s)
	}
	return out, nil
}

// readProject reads a row's project, split weight and date.
func (s *Site) readProject(t *table, row []string, spec Spec, line int) error {
	if spec.Project != "" {
		i, err := t.index(spec.Project)
		if err != nil {
			return err
		}
		s.Project = projectKey(t.get(row, i))
	}
	if spec.Split != "" {
		i, err := t.index(spec.Split)
		if err != nil {
			return err
		}
		if s.Split, err = t.number(row, i, line, spec.Split); err != nil {
			return err
		}
	}
	if spec.Date != "" {
		i, err := t.index(spec.Date)
		if err != nil {
			return err
		}
		d, err := parseDate(t.get(row, i))
		if err != nil {
			return &budget.InputError{File: t.file, Line: line, Field: spec.Date, Value: t.get(row, i), Expected: "a date (M/D/YYYY or YYYY-MM-DD), or blank"}
		}
		s.Date = d
	}
	return nil
}

// parseDate reads M/D/YYYY or YYYY-MM-DD (with an optional time) as
// YYYY-MM-DD; blank stays blank.
func parseDate(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if len(v) >= 10 && v[4] == '-' {
		t, err := time.Parse("2006-01-02", v[:10])
		if err != nil {
			return "", err
		}
		return t.Format("2006-01-02"), nil
	}
	t, err := time.Parse("1/2/2006", strings.Fields(v)[0])
	if err != nil {
		return "", err
	}
	return t.Format("2006-01-02"), nil
}

// readAreas reads a GeoJSON of areas, each weighed by the sum of its rows
// in Counts.
func readAreas(spec Spec, path, dir string) (*List, error) {
	if spec.Counts == nil || spec.Key == "" {
		return nil, &budget.InputError{File: path, Field: "counts", Expected: "a GeoJSON site list needs key (the property naming each area) and counts (the table of weights joined to it)"}
	}
	w, err := countsByKey(spec.Counts, dir)
	if err != nil {
		return nil, err
	}
	layer, _, err := geo.ReadFile(path, geo.ImportOptions{Layer: spec.Name})
	if err != nil {
		return nil, err
	}
	// an area drawn in several features shares its weight among them by
	// their areas
	parts := map[string]float64{}
	for i, a := range layer.Areas {
		k, ok := a.Attrs[spec.Key]
		if !ok || strings.TrimSpace(k) == "" {
			return nil, &budget.InputError{File: path, Field: fmt.Sprintf("features[%d].properties.%s", i, spec.Key), Expected: "every area needs its key (the sites entry's key)"}
		}
		parts[normKey(k)] += geo.AreaKM2(a.Geom)
	}
	out := &List{Spec: spec}
	for i, a := range layer.Areas {
		k := a.Attrs[spec.Key]
		share := 1.0
		if t := parts[normKey(k)]; t > 0 {
			share = geo.AreaKM2(a.Geom) / t
		}
		out.Sites = append(out.Sites, Site{Area: a.Geom, Weight: w[normKey(k)] * share, Line: i + 1, Project: k})
	}
	return out, nil
}

// readPlan reads a capital project list: each project placed by a geometry
// is a site weighing its cost in dollars; the others are counted in Left.
func readPlan(spec Spec, path string) (*List, error) {
	plan, err := projects.Read(path, projects.ReadOptions{Plan: spec.Name, Mapping: *spec.Plan})
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range append([]string{spec.Plan.Name, spec.Plan.Category, spec.Plan.ID}, plan.Columns...) {
		if c != "" {
			known[tabular.Normalize(c)] = true
		}
	}
	for _, conds := range []map[string][]string{spec.Where, spec.Exclude} {
		for c := range conds {
			if !known[tabular.Normalize(c)] {
				return nil, &budget.InputError{File: path, Line: 1, Field: c, Expected: "a column of the project list (check the sites entry of the city profile)"}
			}
		}
	}
	if spec.Project != "" && !known[tabular.Normalize(spec.Project)] {
		return nil, &budget.InputError{File: path, Line: 1, Field: spec.Project, Expected: "a column of the project list naming each project (check the sites entry of the city profile)"}
	}
	out := &List{Spec: spec}
	left := map[string]*Left{}
	var reasons []string
	leave := func(reason string, w float64) {
		l := left[reason]
		if l == nil {
			l = &Left{Reason: reason}
			left[reason] = l
			reasons = append(reasons, reason)
		}
		l.Rows++
		l.Weight += w
	}
	for i := range plan.Projects {
		p := &plan.Projects[i]
		value := func(col string) (string, error) { return planCell(spec.Plan, p, col), nil }
		w := float64(p.Total()) / 100
		if ok, _ := keepRow(value, spec.Where, spec.Exclude); !ok {
			leave("left out by where or exclude", w)
			continue
		}
		if spec.ApartAbove > 0 && w >= spec.ApartAbove {
			leave(fmt.Sprintf("costing %s or more: reported apart", budget.GroupDigits(strconv.FormatFloat(spec.ApartAbove, 'f', -1, 64))), w)
			continue
		}
		if p.Place.Kind != projects.PlaceGeometry || p.Place.Geometry == nil {
			leave("without a geometry ("+string(p.Place.Kind)+")", w)
			continue
		}
		s := Site{Geometry: p.Place.Geometry, Weight: w, Line: p.Line}
		if spec.Project != "" {
			s.Project = projectKey(planCell(spec.Plan, p, spec.Project))
		}
		out.Sites = append(out.Sites, s)
	}
	for _, r := range reasons {
		out.Left = append(out.Left, *left[r])
	}
	return out, nil
}

// planCell is a project's value of a column: its name, category or id
// when the mapping names that column, else the column as written.
func planCell(m *projects.Mapping, p *projects.Project, col string) string {
	switch n := tabular.Normalize(col); n {
	case tabular.Normalize(m.Name):
		return p.Name
	case tabular.Normalize(m.Category):
		return p.Category
	case tabular.Normalize(m.ID):
		return p.ID
	}
	for k, v := range p.Attrs {
		if tabular.Normalize(k) == tabular.Normalize(col) {
			return v
		}
	}
	return ""
}

// projectKey is how a project is known: the first non-blank line of its
// cell, runs of white space as one space, in upper case.
func projectKey(v string) string {
	for _, l := range strings.Split(strings.ReplaceAll(v, "\r", "\n"), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			return strings.ToUpper(strings.Join(f, " "))
		}
	}
	return ""
}

func normKey(k string) string { return strings.TrimLeft(strings.ToUpper(strings.TrimSpace(k)), "0") }

func countsByKey(c *Counts, dir string) (map[string]float64, error) {
	t, err := readTable(resolve(dir, c.File))
	if err != nil {
		return nil, err
	}
	ki, err := t.index(c.Key)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for k, row := range t.rows {
		if ok, err := t.keep(row, c.Where, nil); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		w, err := t.weight(row, c.Weight, k+2)
		if err != nil {
			return nil, err
		}
		out[normKey(t.get(row, ki))] += w
	}
	return out, nil
}

// Weights returns the sites of a period as attribute sites: rows dated
// from first to last (inclusive, YYYY-MM-DD; undated lists keep every
// row), then each project's weight counted once (the largest its rows
// state: they repeat it) and split over its kept sites in proportion to
// their Split weights (equally when those are all zero). Rows without a
// project keep their own weight.
func (l *List) Weights(first, last string) []attribute.Site {
	var kept []Site
	for _, s := range l.Sites {
		if l.Spec.Date != "" && (s.Date == "" || s.Date < first || s.Date > last) {
			continue
		}
		kept = append(kept, s)
	}
	type proj struct {
		weight, split float64
		n             int
	}
	projects := map[string]*proj{}
	for _, s := range kept {
		if s.Project == "" || l.Spec.Project == "" {
			continue
		}
		p := projects[s.Project]
		if p == nil {
			p = &proj{}
			projects[s.Project] = p
		}
		p.weight = math.Max(p.weight, s.Weight)
		p.split += s.Split
		p.n++
	}
	out := make([]attribute.Site, 0, len(kept))
	for _, s := range kept {
		w := s.Weight
		if p := projects[s.Project]; p != nil {
			if p.split > 0 {
				w = p.weight * s.Split / p.split
			} else {
				w = p.weight / float64(p.n)
			}
		}
		out = append(out, attribute.Site{Geom: s.Geom(), Weight: w})
	}
	return out
}

// Geom is the site's place as a geometry.
func (s *Site) Geom() orb.Geometry {
	switch {
	case s.Point != nil:
		return *s.Point
	case s.Geometry != nil:
		return s.Geometry
	}
	return s.Area
}

// siteJSON is a site as stored: Geometry as a GeoJSON geometry.
type siteJSON struct {
	siteFields
	Geometry json.RawMessage `json:"geometry,omitempty"`
}

type siteFields Site

// MarshalJSON writes the site with its geometry as GeoJSON.
func (s Site) MarshalJSON() ([]byte, error) {
	j := siteJSON{siteFields: siteFields(s)}
	if s.Geometry != nil {
		j.Geometry = geo.GeoJSONGeometry(s.Geometry)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a site written by MarshalJSON.
func (s *Site) UnmarshalJSON(b []byte) error {
	var j siteJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Site(j.siteFields)
	if len(j.Geometry) > 0 {
		g, err := geo.ParseGeoJSONGeometry(j.Geometry)
		if err != nil {
			return fmt.Errorf("sites: stored geometry of line %d: %w", s.Line, err)
		}
		s.Geometry = g
	}
	return nil
}

// Encode writes a list as JSON, for the store.
func (l *List) Encode(w io.Writer) error { return json.NewEncoder(w).Encode(l) }

// Decode reads a list written by Encode.
func Decode(b []byte) (*List, error) {
	var l List
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("sites: stored list: %w", err)
	}
	return &l, nil
}
