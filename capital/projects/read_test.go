package projects

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var wardIDs = map[string]string{"1": "1", "2": "2", "3": "3", "B": "B", "E": "E", "I": "I"}

func opts(m Mapping) ReadOptions {
	return ReadOptions{Plan: "cip", Mapping: m, AreaIDs: []string{"1", "2", "3", "B", "E", "I"},
		AreaID: func(c string) (string, bool) { id, ok := wardIDs[strings.ToUpper(c)]; return id, ok }}
}

// TestReadCSV: money strings, per-year costs with blanks, units, every kind
// of place in its order of precedence, the line number as id, attributes.
func TestReadCSV(t *testing.T) {
	p := write(t, "cip.csv", "Name,Wards,FY25,FY26,WKT,Score\n"+
		"Library,\"B,E,I\",\"$12,997.5\",,,7\n"+ // in thousands: $12,997,500.00
		"Radio,Citywide,1,2,,\n"+
		"Bridge,2 & 3,(0),0.001,,\n"+
		"Lane,2,5,,\"LINESTRING (-71.1 42.3, -71.0 42.4)\",\n"+
		"Study,Various,,,,\n"+
		"Blank,,1e2,,,\n")
	plan, err := Read(p, opts(Mapping{Name: "Name", Years: []string{"FY25", "FY26"}, Units: 1000, Geometry: "WKT", AreaLayer: "wards", Area: "Wards",
		Citywide: []string{"citywide"}, Unplaced: []string{"Various"}}))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id    string
		cost  []int64
		kind  PlaceKind
		areas []string
	}{
		{"2", []int64{12_997_500_00, 0}, PlaceAreas, []string{"B", "E", "I"}},
		{"3", []int64{1000_00, 2000_00}, PlaceCitywide, nil},
		{"4", []int64{0, 1_00}, PlaceAreas, []string{"2", "3"}},
		{"5", []int64{5000_00, 0}, PlaceGeometry, nil},
		{"6", []int64{0, 0}, PlaceNone, nil},
		{"7", []int64{100_000_00, 0}, PlaceNone, nil},
	}
	if len(plan.Projects) != len(want) {
		t.Fatalf("%d projects", len(plan.Projects))
	}
	for i, w := range want {
		g := plan.Projects[i]
		if g.ID != w.id || !reflect.DeepEqual(g.Cost, w.cost) || g.Place.Kind != w.kind || !reflect.DeepEqual(g.Place.Areas, w.areas) {
			t.Errorf("project %d: %+v, want %+v", i, g, w)
		}
	}
	if _, ok := plan.Projects[3].Place.Geometry.(orb.LineString); !ok {
		t.Errorf("geometry %T", plan.Projects[3].Place.Geometry)
	}
	if plan.Projects[0].Attrs["Score"] != "7" || plan.Projects[0].Attrs["Wards"] != "B,E,I" || !reflect.DeepEqual(plan.Years, []string{"FY25", "FY26"}) {
		t.Errorf("attrs %v, years %v", plan.Projects[0].Attrs, plan.Years)
	}
	if plan.Total() != 12_997_500_00+3000_00+1_00+5000_00+100_000_00 || plan.SHA256 == "" || plan.Source != "cip.csv" {
		t.Errorf("total %d, sha %q, source %q", plan.Total(), plan.SHA256, plan.Source)
	}
}

// TestReadErrors: every bad cell is refused with its file, line and
// column, and what to write instead.
func TestReadErrors(t *testing.T) {
	m := Mapping{ID: "ID", Cost: "Cost", AreaLayer: "wards", Area: "Wards", Citywide: []string{"CW"}}
	cases := []struct {
		name, body string
		m          Mapping
		line       int
		column     string
		want       string
	}{
		{"money", "ID,Cost,Wards\nA,\"$1,2,3\",1\n", m, 2, "Cost", "a cost such as"},
		{"negative", "ID,Cost,Wards\nA,-5,1\n", m, 2, "Cost", "zero or more"},
		{"blank total", "ID,Cost,Wards\nA,,1\n", m, 2, "Cost", "the cell is blank"},
		{"code", "ID,Cost,Wards\nA,5,\"1,9\"\n", m, 2, "Wards", `"9" is not one`},
		{"duplicate id", "ID,Cost,Wards\nA,5,1\nA,6,2\n", m, 3, "ID", "unique"},
		{"blank id", "ID,Cost,Wards\n,5,1\n", m, 2, "ID", "needs an id"},
		{"lon", "ID,Cost,X,Y\nA,5,-200,34\n", Mapping{ID: "ID", Cost: "Cost", Lon: "X", Lat: "Y"}, 2, "X", "degrees"},
		{"wkt", "ID,Cost,G\nA,5,POINT(1\n", Mapping{ID: "ID", Cost: "Cost", Geometry: "G"}, 2, "G", "WKT"},
		{"projected", "ID,Cost,G\nA,5,POINT (6500000 1800000)\n", Mapping{ID: "ID", Cost: "Cost", Geometry: "G"}, 2, "G", "longitude/latitude"},
		{"marker without layer", "ID,Cost,Wards\nA,5,7\n", Mapping{ID: "ID", Cost: "Cost", Area: "Wards", Citywide: []string{"CW"}}, 2, "Wards", "markers"},
		{"missing column", "ID,Price\nA,5\n", m, 1, "", `"Cost"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, "bad.csv", c.body)
			_, err := Read(p, opts(c.m))
			var ie *budget.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%v: not an input error", err)
			}
			if ie.File != p || ie.Line != c.line || ie.Column != c.column || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("file %q line %d column %q: %v; want line %d column %q and %q", ie.File, ie.Line, ie.Column, err, c.line, c.column, c.want)
			}
		})
	}
	for _, m := range []Mapping{{}, {Cost: "a", Years: []string{"b"}}, {Cost: "a", Units: 1500}, {Cost: "a", Lon: "x"}, {Cost: "a", AreaLayer: "w"}, {Cost: "a", MissingCost: "zero"}} {
		if _, err := Read(write(t, "x.csv", "a,b\n1,2\n"), opts(m)); budget.ErrorCode(err) != budget.EINVALID {
			t.Errorf("mapping %+v: %v, want invalid", m, err)
		}
	}
}

// TestReadSkipMissingCost: rows without a cost (blank, N/A, ?, TBD) are
// left out and listed with MissingCost "skip", refused otherwise.
func TestReadSkipMissingCost(t *testing.T) {
	p := write(t, "req.csv", "ID,Cost\nA,5\nB,\nC, ?\nD,N/A\nE,TBD\nF,x\n")
	if _, err := Read(p, opts(Mapping{ID: "ID", Cost: "Cost"})); err == nil {
		t.Fatal("a blank cost was accepted")
	}
	_, err := Read(p, opts(Mapping{ID: "ID", Cost: "Cost", MissingCost: "skip"}))
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 7 {
		t.Fatalf("a cost of x must still be refused at line 7: %v", err)
	}
	p = write(t, "req.csv", "ID,Cost\nA,5\nB,\nC, ?\nD,N/A\nE,TBD\n")
	plan, err := Read(p, opts(Mapping{ID: "ID", Cost: "Cost", MissingCost: "skip"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Projects) != 1 || len(plan.Skipped) != 4 || plan.Skipped[0].Line != 3 || plan.Skipped[3].ID != "E" {
		t.Fatalf("projects %d, skipped %+v", len(plan.Projects), plan.Skipped)
	}
}

// TestReadGeoJSONAndXLSX: a GeoJSON's properties are columns (spelt with
// different cases across features, as LADOT's are) and its geometries the
// places; a workbook reads like a CSV.
func TestReadGeoJSONAndXLSX(t *testing.T) {
	gj := write(t, "p.geojson", `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"Title":"A","Bgt_Total":1320000,"CD":"CW"},"geometry":{"type":"Point","coordinates":[-118.2,34.0]}},
 {"type":"Feature","properties":{"Title":"B","Bgt_total":12.345,"CD":2},"geometry":{"type":"MultiLineString","coordinates":[[[-118.2,34.0],[-118.3,34.1]]]}},
 {"type":"Feature","properties":{"Title":"C","Bgt_Total":"5","CD":"2, 3"},"geometry":null}]}`)
	plan, err := Read(gj, opts(Mapping{Name: "Title", Cost: "Bgt_Total", AreaLayer: "wards", Area: "CD", Citywide: []string{"CW"}}))
	if err != nil {
		t.Fatal(err)
	}
	kinds := []PlaceKind{PlaceCitywide, PlaceGeometry, PlaceAreas}
	costs := []int64{1_320_000_00, 12_35, 5_00}
	for i, p := range plan.Projects {
		if p.Place.Kind != kinds[i] || p.Cost[0] != costs[i] || p.Line != i+1 {
			t.Errorf("feature %d: %+v", i+1, p)
		}
	}
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"Title", "in 2021-22", "Ward"})
	x.SetSheetRow("Sheet1", "A2", &[]any{"Park", 1234.5, "1"})
	x.SetSheetRow("Sheet1", "A3", &[]any{"Pool", "$2,000", "3"})
	xp := filepath.Join(t.TempDir(), "cip.xlsx")
	if err := x.SaveAs(xp); err != nil {
		t.Fatal(err)
	}
	plan, err = Read(xp, opts(Mapping{Name: "Title", Cost: "IN 2021-22", AreaLayer: "wards", Area: "Ward"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Projects) != 2 || plan.Projects[0].Cost[0] != 1234_50 || plan.Projects[1].Cost[0] != 2000_00 || plan.Projects[1].Place.Areas[0] != "3" {
		t.Fatalf("workbook: %+v", plan.Projects)
	}
}

// FuzzRead: any CSV is read or refused with an input error, never a
// panic; a plan read has unique ids, costs of zero or more and one cost
// per year.
func FuzzRead(f *testing.F) {
	f.Add("ID,Cost,Wards\nA,\"$1,000.00\",\"1,2\"\nB,(5),CW\n")
	f.Add("ID,Cost,Wards\nA,1e99,1\n")
	f.Add("ID,Cost,Wards\n\"A\nB\",3,\"2 & 3\"\n")
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(t.TempDir(), "f.csv")
		os.WriteFile(p, []byte(body), 0o644)
		plan, err := Read(p, opts(Mapping{ID: "ID", Cost: "Cost", AreaLayer: "wards", Area: "Wards", Citywide: []string{"CW"}}))
		if err != nil {
			if budget.ErrorCode(err) != budget.EINVALID {
				t.Fatalf("%v: not invalid input", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, pr := range plan.Projects {
			if seen[pr.ID] || len(pr.Cost) != 1 || pr.Cost[0] < 0 {
				t.Fatalf("project %+v", pr)
			}
			seen[pr.ID] = true
		}
	})
}
