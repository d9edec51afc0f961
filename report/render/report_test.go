package render

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/report"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func render(t *testing.T, d *report.Document) (html, xlsx []byte) {
	t.Helper()
	var h, x bytes.Buffer
	if err := RenderHTML(&h, d); err != nil {
		t.Fatalf("RenderHTML: %v", err)
	}
	if err := RenderXLSX(&x, d); err != nil {
		t.Fatalf("RenderXLSX: %v", err)
	}
	return h.Bytes(), x.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		lo := max(0, i-80)
		t.Errorf("%s differs from the render at byte %d:\n got: %q\nwant: %q\n(inspect, then run with -update if the change is intended)",
			path, i, got[lo:min(len(got), i+80)], want[lo:min(len(want), i+80)])
	}
}

func TestGoldenHTML(t *testing.T) {
	d := sampleDocument(t)
	d.Workbook = "sample.xlsx"
	html, _ := render(t, d)
	golden(t, "sample.html", html)
	if len(html) > 400_000 {
		t.Errorf("sample HTML is %d bytes; geometry simplification should keep it well under 400 kB", len(html))
	}
}

// TestGoldenSVG keeps each kind of chart in its own golden file, so a
// change to one chart shows in one diff and the file opens in a viewer.
func TestGoldenSVG(t *testing.T) {
	d := sampleDocument(t)
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			var name string
			var svg string
			switch x := b.(type) {
			case *report.Choropleth:
				if x.Palette != report.Diverging {
					continue
				}
				name, svg = "gap-map.svg", string(mapSVG(x, "g"))
			case *report.CurveChart:
				name, svg = "curves.svg", string(curveSVG(x, "c"))
			case *report.BarChart:
				name, svg = "tiers.svg", string(barSVG(x, "b"))
			default:
				continue
			}
			golden(t, name, []byte(svg+"\n"))
		}
	}
}

func TestDeterministic(t *testing.T) {
	h1, x1 := render(t, sampleDocument(t))
	h2, x2 := render(t, sampleDocument(t))
	if !bytes.Equal(h1, h2) {
		t.Error("two renders of the same document gave different HTML")
	}
	if !bytes.Equal(x1, x2) {
		t.Error("two renders of the same document gave different XLSX bytes")
	}
}

// TestHeadlineHTMLEqualsXLSX reads the headline figures back from both
// files: the text shown and the raw value must agree for every figure.
func TestHeadlineHTMLEqualsXLSX(t *testing.T) {
	d := sampleDocument(t)
	html, xlsx := render(t, d)
	inHTML, err := HeadlineFromHTML(bytes.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	inXLSX, err := HeadlineFromXLSX(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	if len(inHTML) != len(d.Headline) || len(inXLSX) != len(d.Headline) {
		t.Fatalf("found %d figures in HTML and %d in XLSX, want %d", len(inHTML), len(inXLSX), len(d.Headline))
	}
	for _, want := range d.Headline {
		h, x := inHTML[want.Key], inXLSX[want.Key]
		if h.Text != x.Text || h.Text != want.Text() {
			t.Errorf("figure %s: HTML shows %q, XLSX shows %q, want %q", want.Key, h.Text, x.Text, want.Text())
		}
		if want.Missing {
			if h.Raw != "" || x.Raw != "" {
				t.Errorf("figure %s is missing but has raw values %q / %q", want.Key, h.Raw, x.Raw)
			}
			continue
		}
		// Excel keeps 15 significant digits; the HTML keeps them all.
		if h.Value != want.Value || math.Abs(x.Value-want.Value) > 1e-14*math.Abs(want.Value) {
			t.Errorf("figure %s: raw HTML %q, XLSX %q, want %v", want.Key, h.Raw, x.Raw, want.Value)
		}
	}
}

func TestXLSXSheets(t *testing.T) {
	d := sampleDocument(t)
	_, xlsx := render(t, d)
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Summary", "Notes", "Map need", "Map spending per resident", "Map gap", "Curves", "Tiers", "Departments", "Requests", "Sources"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	rows, err := f.GetRows("Departments", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// the unit in the header: dollars, shares 0-1
	if got := strings.Join(rows[0], "|"); got != "Department|Total ($)|Total (exact) ($)|Attributed (0-1)|To highest-need tier (0-1)|Requests" {
		t.Errorf("header %q", got)
	}
	if rows[2][0] != "Recreation & Parks <Dept>" || rows[1][2] != "312512345.0" || rows[3][4] != "" {
		t.Errorf("rows %q", rows[1:4])
	}
	// one header row and the data: nothing under the table
	if len(rows) != 5 {
		t.Errorf("%d rows on the Departments sheet, want the header and 4", len(rows))
	}
	shown, _ := f.GetCellValue("Departments", "D2")
	if shown != "82.0%" {
		t.Errorf("D2 shows %q, want 82.0%% (percent number format)", shown)
	}
	// money shows in whole dollars in the workbook: the column must fit
	// "$312,512,345" (12 characters), not the HTML's "$313 M"
	if w, err := f.GetColWidth("Departments", "B"); err != nil || w < float64(len("$312,512,345")) {
		t.Errorf("money column B is %v wide (%v); the whole-dollar value would show as ####", w, err)
	}
	panes, err := f.GetPanes("Departments")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	// every sheet is an Excel table over exactly its header and rows
	for _, sheet := range want {
		tables, err := f.GetTables(sheet)
		all, _ := f.GetRows(sheet)
		if err != nil || len(tables) != 1 || tables[0].Range != "A1:"+cell(len(all[0]), max(len(all), 2)) {
			t.Errorf("sheet %s: tables %+v (%v), %d rows", sheet, tables, err, len(all))
		}
	}
	// the title and note are in the first header cell's comment and on the
	// Notes sheet, not under the data
	comments, _ := f.GetComments("Departments")
	if len(comments) != 1 || !strings.Contains(comments[0].Text, "Departments: Attributed share") || !strings.Contains(comments[0].Text, "Invented numbers.") || !strings.Contains(comments[0].Text, "SYNTHETIC") {
		t.Errorf("Departments comment %+v", comments)
	}
	notes, _ := f.GetRows(NotesSheet)
	if strings.Join(notes[0], "|") != "Sheet|Kind|Text" || !containsRow(notes, "Departments", "note", "Invented numbers.") || !containsRow(notes, "(workbook)", "title", d.Title) {
		t.Errorf("Notes sheet %q", notes)
	}
	sum, _ := f.GetRows(SummarySheet)
	if strings.Join(sum[0], "|") != "Key|Figure|Value|Unit|As shown|Note|Synthetic" {
		t.Errorf("summary header %q", sum[0])
	}
	if r := sum[SummaryHeaderRow+5]; r[0] != "median_response_days" || r[4] != "3.3" || r[6] != "TRUE" {
		t.Errorf("summary row %q does not label the synthetic figure", r)
	}
	src, _ := f.GetRows("Sources")
	if len(src) != 3 || src[2][5] != "TRUE" || src[1][5] != "FALSE" {
		t.Errorf("Sources sheet %q does not label the synthetic source", src)
	}
	mapRows, _ := f.GetRows("Map spending per resident")
	if len(mapRows) < 16 || mapRows[15][3] != "no data" {
		t.Errorf("map data sheet rows %q: district 15 should be 'no data'", mapRows)
	}
}

func containsRow(rows [][]string, cells ...string) bool {
	for _, r := range rows {
		if len(r) >= len(cells) && strings.Join(r[:len(cells)], "\x00") == strings.Join(cells, "\x00") {
			return true
		}
	}
	return false
}

func TestHTMLContent(t *testing.T) {
	d := sampleDocument(t)
	html, _ := render(t, d)
	s := string(html)
	for _, want := range []string{
		`<a href="#maps">Maps</a>`,
		"Recreation &amp; Parks &lt;Dept&gt;", // escaped in the table
		"Contains synthetic data.",
		`class="tag-synthetic"`,
		"Also in the workbook, sheet “Departments”.",
		"District 15: no data",
		"<title id=\"fig1-t\">Need score by council district (test values)</title>",
		"Line of equality",
		"Citywide: $300",
		"$313 M", // compact money in tables, 312.5 rounded half away from zero
	} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(s, "<script") {
		t.Error("the report must not contain scripts")
	}
	if n := strings.Count(s, "<svg"); n != 5 {
		t.Errorf("%d SVG charts, want 5", n)
	}
}

func TestEscaping(t *testing.T) {
	d := sampleDocument(t)
	evil := `<script>alert("x")</script>`
	d.Title = evil
	d.Sections[0].Blocks[1].(*report.Choropleth).Areas[0].Name = evil
	d.Sections[1].Blocks[0].(*report.CurveChart).Curves[0].Label = evil
	html, _ := render(t, d)
	if bytes.Contains(html, []byte(evil)) {
		t.Error("unescaped text reached the HTML")
	}
}

func TestMapSimplification(t *testing.T) {
	areas := readDistricts(t)
	vertices := 0
	for _, a := range areas {
		for _, p := range polygons(a.Geometry) {
			for _, r := range p {
				vertices += len(r)
			}
		}
	}
	c := &report.Choropleth{Title: "Districts", Areas: areas}
	svg := string(mapSVG(c, "m"))
	drawn := strings.Count(svg, "l") // one relative lineto per vertex kept
	if drawn*3 > vertices {
		t.Errorf("kept %d of %d vertices; expected simplification to at most a third", drawn, vertices)
	}
	if len(svg) > 120_000 {
		t.Errorf("district map SVG is %d bytes", len(svg))
	}
	if got := strings.Count(svg, "<path"); got != 15 {
		t.Errorf("%d area paths, want 15", got)
	}
	t.Logf("vertices: %d in the source, about %d drawn; SVG %d bytes", vertices, drawn, len(svg))
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(d *report.Document)
		want   string
	}{
		{"no title", func(d *report.Document) { d.Title = "" }, "no Title"},
		{"duplicate key", func(d *report.Document) { d.Headline[1].Key = d.Headline[0].Key }, `Key "total" is empty or repeated`},
		{"NaN figure", func(d *report.Document) { d.Headline[0].Value = nan() }, "not a finite number"},
		{"bad section id", func(d *report.Document) { d.Sections[0].ID = "Maps!" }, `ID "Maps!"`},
		{"reserved section id", func(d *report.Document) { d.Sections[0].ID = "sources" }, `ID "sources"`},
		{"short row", func(d *report.Document) {
			t := d.Sections[3].Blocks[0].(*report.Table)
			t.Rows[1] = t.Rows[1][:3]
		}, "row 2: 3 cells for 6 columns"},
		{"text in number column", func(d *report.Document) {
			d.Sections[3].Blocks[0].(*report.Table).Rows[0][1] = "lots"
		}, `column "Total": value lots (string) is not a number`},
		{"NaN cell", func(d *report.Document) { d.Sections[3].Blocks[0].(*report.Table).Rows[0][3] = nan() }, "give nil for a missing value"},
		{"point geometry", func(d *report.Document) {
			d.Sections[0].Blocks[1].(*report.Choropleth).Areas[2].Geometry = orb.LineString{{0, 0}, {1, 1}}
		}, "orb.LineString is not a Polygon"},
		{"breaks not increasing", func(d *report.Document) {
			c := d.Sections[0].Blocks[1].(*report.Choropleth)
			c.Method, c.Breaks = report.ClassManual, []float64{5, 5}
		}, "Breaks must increase"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := sampleDocument(t)
			tc.modify(d)
			err := RenderHTML(&bytes.Buffer{}, d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if budget.ErrorCode(err) != budget.EINVALID {
				t.Errorf("code %q, want invalid", budget.ErrorCode(err))
			}
			if err := RenderXLSX(&bytes.Buffer{}, d); err == nil {
				t.Error("RenderXLSX accepted the invalid document")
			}
		})
	}
}

func TestWriteFileExtension(t *testing.T) {
	err := WriteFile(context.Background(), sampleDocument(t), filepath.Join(t.TempDir(), "r.docx"), Options{})
	if budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "use .html, .pdf or .xlsx") {
		t.Fatalf("error %v", err)
	}
}

// TestPointMap draws the real tract interior points (median household
// income, a real value) over the council districts.
func TestPointMap(t *testing.T) {
	districts := readDistricts(t)
	var box orb.Bound
	var backdrop []orb.Geometry
	for i, a := range districts {
		if i == 0 {
			box = a.Geometry.Bound()
		}
		box = box.Union(a.Geometry.Bound())
		backdrop = append(backdrop, a.Geometry)
	}
	tracts := readTractPoints(t, box)
	if len(tracts) < 800 {
		t.Fatalf("%d tract points in the city's bounding box, expected about a thousand or more", len(tracts))
	}
	c := &report.Choropleth{Name: "Tract income", Title: "Median household income by census tract, 2023", Areas: tracts, Kind: report.KindMoney, Backdrop: backdrop}
	svg := string(mapSVG(c, "p"))
	if got := strings.Count(svg, "<circle"); got != len(tracts) {
		t.Errorf("%d dots for %d tracts", got, len(tracts))
	}
	if got := strings.Count(svg, "<path"); got != 15 {
		t.Errorf("%d backdrop paths, want 15", got)
	}
	keepSample(t, "tracts.svg", svg)
	t.Logf("%d tracts, SVG %d bytes", len(tracts), len(svg))
}

// TestEmptyBlocks renders blocks with no data: nothing may panic and both
// outputs must still be written.
func TestEmptyBlocks(t *testing.T) {
	d := &report.Document{Title: "Empty", Sections: []report.Section{{ID: "s", Title: "S", Blocks: []report.Block{
		&report.Table{Title: "No rows", Columns: []report.Column{{Label: "A"}}},
		&report.Choropleth{Title: "No areas"},
		&report.Choropleth{Title: "All missing", Areas: []report.MapArea{{ID: "x", Geometry: orb.Point{-118, 34}, Missing: true}}},
		&report.CurveChart{Title: "No curves", Diagonal: true},
		&report.CurveChart{Title: "Flat", Curves: []report.Curve{{Label: "c", Points: []report.Point{{X: 1, Y: 2}, {X: 1, Y: 2}}}}},
		&report.BarChart{Title: "No bars"},
		&report.BarChart{Title: "Missing bar", Bars: []report.Bar{{Label: "a", Missing: true}}},
	}}}}
	html, xlsx := render(t, d)
	if !bytes.Contains(html, []byte("All missing")) || len(xlsx) == 0 {
		t.Error("empty blocks were not rendered")
	}
	d.Sections[0].Blocks = append(d.Sections[0].Blocks, (*report.Table)(nil))
	if err := RenderHTML(&bytes.Buffer{}, d); err == nil || !strings.Contains(err.Error(), "block 8: block is nil") {
		t.Errorf("nil block: %v", err)
	}
}

func TestDotChart(t *testing.T) {
	one := 1.0
	c := &report.BarChart{Title: "Representation ratios", Kind: report.KindRatio, Dots: true, Reference: &one, ReferenceLabel: "Parity", Bars: []report.Bar{
		{Label: "Hispanic or Latino residents", Value: 1.18, Low: 1.05, High: 1.31, HasInterval: true},
		{Label: "Black residents", Value: 0.86, Low: 0.74, High: 0.97, HasInterval: true},
		{Label: "Residents in poverty", Value: 1.02},
	}}
	svg := string(barSVG(c, "d"))
	keepSample(t, "dots.svg", svg)
	if strings.Count(svg, "<circle") != 3 || strings.Contains(svg, `fill="#5b8db8"`) {
		t.Error("a dot chart must draw one dot per value and no bars")
	}
	if !strings.Contains(svg, ">0.8<") || strings.Contains(svg, ">0<") {
		t.Errorf("a dot chart's axis should cover the data (0.74–1.31), not start at 0:\n%s", svg)
	}
	if !strings.Contains(svg, "Parity: 1.00") {
		t.Error("reference line label missing")
	}
}

// keepSample writes a rendered chart to $BUDGETLENS_REPORT_SAMPLE_DIR, when
// set, to look at it.
func keepSample(t *testing.T, name, data string) {
	if dir := os.Getenv("BUDGETLENS_REPORT_SAMPLE_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNeighbourhoodCouncilMap maps a real quantity on the 99 neighbourhood
// councils: the 2023 population of the census tracts whose interior point
// falls in each council (point in polygon, test-side), with the councils
// holding no tract point shown as missing.
func TestNeighbourhoodCouncilMap(t *testing.T) {
	ncs := readGeoJSON(t, "la/boundaries/neighborhood_councils_2025.geojson", func(p map[string]any) (string, string) {
		return fmt.Sprint(p["FID"]), fmt.Sprint(p["Name"])
	})
	if len(ncs) != 99 {
		t.Fatalf("%d neighbourhood councils, want 99", len(ncs))
	}
	var box orb.Bound
	for i, a := range ncs {
		if i == 0 {
			box = a.Geometry.Bound()
		}
		box = box.Union(a.Geometry.Bound())
	}
	tracts := readTracts(t, box)
	placed := 0
	for i := range ncs {
		ncs[i].Missing = true
		for _, tp := range tracts {
			if contains(ncs[i].Geometry, tp.pt) {
				ncs[i].Value += tp.pop
				ncs[i].Missing = false
				placed++
			}
		}
	}
	c := &report.Choropleth{Name: "NC population", Title: "Residents by neighbourhood council, 2023 (tracts by interior point)", Areas: ncs, Kind: report.KindInt}
	svg := string(mapSVG(c, "nc"))
	keepSample(t, "ncs.svg", svg)
	if got := strings.Count(svg, "<path"); got != 99 {
		t.Errorf("%d paths, want 99", got)
	}
	// The 2025 file has a fragment of Sunland-Tujunga about 70 km north-east
	// of the city; it must not shrink the map, and the map must say so.
	if !strings.Contains(svg, "Not shown: a detached part of Sunland-Tujunga, outside the map frame.") {
		t.Error("the detached fragment is not named under the map")
	}
	if b, _ := mapExtent(c); b.Max[1] > 34.4 || b.Max[0] > -118.1 {
		t.Errorf("map extent %v reaches the fragment", b)
	}
	cl := mapClasses(c)
	if len(cl.colors) != 5 {
		t.Errorf("%d classes, want 5", len(cl.colors))
	}
	t.Logf("%d tract points placed in councils; SVG %d bytes", placed, len(svg))
}

func contains(g orb.Geometry, pt orb.Point) bool {
	switch x := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(x, pt)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(x, pt)
	}
	return false
}
