package attribute

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/jsonerr"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/paulmach/orb"
)

// MegaprojectCents is the default threshold of a regional megaproject:
// $100 million. In the LADOT funded-projects database it singles out the
// four regional transit projects (Westside Subway Extension $4.2 billion,
// Crenshaw/LAX $1.75 billion, Exposition LRT Phase II $1.63 billion, East San
// Fernando Valley rapidways $170 million), which together are 95% of the
// database's $8.1 billion and are Metro-led; the next largest project is $21
// million. Below the threshold the largest projects are local.
const MegaprojectCents = 100_000_000_00

// Project is one capital project of the LADOT active-transportation project
// database (ladot_atd_projects_funded.{csv,geojson}).
type Project struct {
	Line     int    // CSV line (header = 1)
	ID       string // "ladot-<line>": unique (project numbers repeat across phases)
	Number   string // dept_project_id as written, spaces normalised
	Title    string
	Category string
	Status   string
	CD       string // council districts as written: "14", "5, 11", "CW"
	Cents    int64  // budget_total
	// Funding is the split by source in cents (grant, other_fund, prop_c,
	// measure_r, gas_tax, general_fund).
	Funding map[string]int64
	Geom    orb.Geometry
	// Warnings are problems of the row that do not stop the import (a
	// funding cell holding text is read as 0 and reported here).
	Warnings []string
	// Mega is true for a regional megaproject (Cents >= the threshold given
	// to ReadProjects).
	Mega bool
}

var fundingColumns = []string{"grant", "other_fund", "prop_c", "measure_r", "gas_tax", "general_fund"}

// ReadProjects reads the project table (CSV: the attributes, one row per
// project) and its GeoJSON (the geometries, one feature per project, in the
// same order, titles matching). megaCents is the megaproject threshold
// (MegaprojectCents when 0). Errors name the file, line, column and value.
func ReadProjects(csvPath, geojsonPath string, megaCents int64) ([]Project, error) {
	if megaCents == 0 {
		megaCents = MegaprojectCents
	}
	out, err := readProjectTable(csvPath, megaCents)
	if err != nil || geojsonPath == "" {
		return out, err
	}
	geoms, titles, err := readFeatureGeometries(geojsonPath)
	if err != nil {
		return nil, err
	}
	if len(geoms) != len(out) {
		return nil, &budget.InputError{File: geojsonPath, Expected: fmt.Sprintf("%d features for the %d rows of %s; the two files must describe the same projects in the same order", len(geoms), len(out), csvPath)}
	}
	for i := range out {
		if norm(titles[i]) != norm(out[i].Title) {
			return nil, &budget.InputError{File: geojsonPath, Field: fmt.Sprintf("features[%d].properties.Project_Ti", i), Value: titles[i],
				Expected: fmt.Sprintf("the title of %s line %d (%q); the files are not in the same order", csvPath, out[i].Line, out[i].Title)}
		}
		out[i].Geom = geoms[i]
	}
	return out, nil
}

// projectColumns are the columns of the project table ReadProjects needs.
var projectColumns = append([]string{"project_title", "dept_project_id", "cd", "budget_total"}, fundingColumns...)

// readProjectTable reads the project table (CSV, through internal/tabular).
func readProjectTable(path string, megaCents int64) ([]Project, error) {
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h := r.Header()
	col := map[string]int{}
	for _, c := range append(projectColumns, "project_category", "current_status") {
		i, err := h.Find(c)
		if err != nil {
			return nil, err
		}
		if i < 0 && slices.Contains(projectColumns, c) {
			return nil, &budget.InputError{File: path, Line: h.Line, Column: c, Expected: "the LADOT project table needs project_title, dept_project_id, cd, budget_total and the funding columns"}
		}
		col[c] = i
	}
	var out []Project
	for {
		line, rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		p, err := projectRow(h, col, rec, line, megaCents)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
}

// projectRow reads one project.
func projectRow(h *tabular.Header, col map[string]int, rec []string, line int, megaCents int64) (Project, error) {
	get := func(c string) string {
		if i := col[c]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	p := Project{Line: line, Title: get("project_title"), Category: get("project_category"),
		Status: get("current_status"), CD: get("cd"), Funding: map[string]int64{}}
	p.ID = fmt.Sprintf("ladot-%d", line)
	p.Number = norm(get("dept_project_id"))
	money := func(c string) (int64, error) {
		v, err := parseDollars(get(c))
		if err != nil {
			e := h.Err(line, col[c], c, get(c), "an amount in dollars such as 1320000 or $ 783,000 ("+budget.AmountGrammar+")")
			e.Err = err
			return 0, e
		}
		return v, nil
	}
	var err error
	if p.Cents, err = money("budget_total"); err != nil {
		return p, err
	}
	for _, c := range fundingColumns {
		if p.Funding[c], err = money(c); err != nil {
			p.Warnings = append(p.Warnings, err.Error()+" (read as 0; the total budget is unaffected)")
		}
	}
	if _, err := ParseAreaCodes(p.CD); err != nil {
		return p, h.Err(line, col["cd"], "cd", p.CD, err.Error())
	}
	p.Mega = p.Cents >= megaCents
	return p, nil
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseDollars reads "1320000", "1,500,000", "$ 783,000", "960000.0" as
// cents, exactly, with budget.ParseAmount's grammar; "" and "NA" are 0.
func parseDollars(s string) (int64, error) {
	c, _, err := budget.ParseAmount(s, 2)
	return c, err
}

// readFeatureGeometries reads the geometry and title of every feature of a
// GeoJSON FeatureCollection (points, lines and polygons, single or multi).
func readFeatureGeometries(path string) ([]orb.Geometry, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, tabular.OpenError(path, err)
	}
	if err := tabular.CheckJSON(path, data, tabular.Limits{}); err != nil {
		return nil, nil, err
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   *rawGeom       `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		msg, line, col := jsonerr.Explain(data, err)
		return nil, nil, &budget.InputError{File: path, Line: line, ColIndex: col, Expected: "a GeoJSON FeatureCollection: " + msg}
	}
	geoms := make([]orb.Geometry, len(fc.Features))
	titles := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		if t, ok := f.Properties["Project_Ti"].(string); ok {
			titles[i] = t
		}
		if f.Geometry == nil {
			continue
		}
		g, err := f.Geometry.decode()
		if err != nil {
			return nil, nil, &budget.InputError{File: path, Field: fmt.Sprintf("features[%d].geometry", i), Value: f.Geometry.Type, Expected: err.Error()}
		}
		geoms[i] = g
	}
	return geoms, titles, nil
}

type rawGeom struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func (r *rawGeom) decode() (orb.Geometry, error) {
	pt := func(c []float64) (orb.Point, error) {
		if len(c) < 2 {
			return orb.Point{}, fmt.Errorf("a position needs longitude and latitude")
		}
		return orb.Point{c[0], c[1]}, nil
	}
	line := func(cs [][]float64) (orb.LineString, error) {
		ls := make(orb.LineString, 0, len(cs))
		for _, c := range cs {
			p, err := pt(c)
			if err != nil {
				return nil, err
			}
			ls = append(ls, p)
		}
		return ls, nil
	}
	poly := func(rs [][][]float64) (orb.Polygon, error) {
		var p orb.Polygon
		for _, r := range rs {
			ls, err := line(r)
			if err != nil {
				return nil, err
			}
			p = append(p, orb.Ring(ls))
		}
		return p, nil
	}
	var err error
	switch r.Type {
	case "Point":
		var c []float64
		if err = json.Unmarshal(r.Coordinates, &c); err == nil {
			return pt(c)
		}
	case "MultiPoint", "LineString":
		var c [][]float64
		if err = json.Unmarshal(r.Coordinates, &c); err == nil {
			ls, err := line(c)
			if r.Type == "MultiPoint" {
				return orb.MultiPoint(ls), err
			}
			return ls, err
		}
	case "MultiLineString", "Polygon":
		var c [][][]float64
		if err = json.Unmarshal(r.Coordinates, &c); err == nil {
			if r.Type == "Polygon" {
				return poly(c)
			}
			var ml orb.MultiLineString
			for _, l := range c {
				ls, err := line(l)
				if err != nil {
					return nil, err
				}
				ml = append(ml, ls)
			}
			return ml, nil
		}
	case "MultiPolygon":
		var c [][][][]float64
		if err = json.Unmarshal(r.Coordinates, &c); err == nil {
			var mp orb.MultiPolygon
			for _, pc := range c {
				p, err := poly(pc)
				if err != nil {
					return nil, err
				}
				mp = append(mp, p)
			}
			return mp, nil
		}
	default:
		return nil, fmt.Errorf("geometry type %q: expected Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon", r.Type)
	}
	return nil, fmt.Errorf("coordinates of a %s: %w", r.Type, err)
}

// ProjectItems turns projects into items for Attribute: department 94
// (Transportation), program "LADOT capital projects", fund "capital", the
// project's geometry and council districts. Megaprojects are returned
// separately so that they can be attributed and reported on their own.
func ProjectItems(ps []Project) (local, mega []Item) {
	for _, p := range ps {
		it := Item{ID: p.ID, DeptCode: "94", DeptName: "Transportation", ProgramCode: "LADOT-CAP",
			ProgramName: "LADOT capital projects", FundName: "capital", Request: p.Title, Cents: p.Cents, Geom: p.Geom, AreaCodes: p.CD}
		if p.Mega {
			mega = append(mega, it)
		} else {
			local = append(local, it)
		}
	}
	return local, mega
}
