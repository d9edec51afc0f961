package sites

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/internal/fixture"
)

const loans = "\ufeffPROJECT,FUNDED,UNITS,DATE,LON,LAT,KIND\n" +
	"X,\"1,000\",1,07/01/2021,-118.1,34.1,loan\n" + // first day of FY2021-22
	"X,\"1,000\",3,07/01/2021,-118.2,34.2,loan\n" +
	"Y,50,10,06/30/2021,-118.3,34.3,loan\n" + // last day of FY2020-21
	"Z,400,0,2022-06-30,-118.4,34.4,loan\n" + // last day, ISO
	"Z,400,0,2022-06-30,-118.5,34.5,loan\n" +
	"W,9,1,01/01/2022,-118.6,34.6,grant\n"

// TestWeights: a project's dollars, repeated on each of its sites, count
// once and split by units (1:3), equally when no site has units; rows
// outside the fiscal year (boundaries inclusive) and rows Where refuses
// are left out.
func TestWeights(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "l.csv"), []byte(loans), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := Spec{Name: "loans", File: "l.csv", Lon: "LON", Lat: "lat", Weight: []string{"FUNDED"}, Project: "PROJECT", Split: "UNITS", Date: "DATE",
		Where: map[string][]string{"KIND": {"Loan"}}}
	l, err := Read(spec, dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := l.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if l, err = Decode(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	w := l.Weights("2021-07-01", "2022-06-30")
	want := []float64{250, 750, 200, 200}
	if len(w) != len(want) {
		t.Fatalf("%d sites, want %d: %+v", len(w), len(want), w)
	}
	for i := range want {
		if math.Abs(w[i].Weight-want[i]) > 1e-9 {
			t.Errorf("site %d weighs %v, want %v", i, w[i].Weight, want[i])
		}
	}
	if all := l.Weights("2000-01-01", "2099-12-31"); len(all) != 5 {
		t.Errorf("every year: %d sites, want 5", len(all))
	}
}

// TestReadErrors: a bad number or coordinate names the file, line and
// column; a missing column names itself.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ csv, want string }{
		{"P,F,LON,LAT\nA,12x,-118,34\n", "line 2"},
		{"P,F,LON,LAT\nA,1,-118,\n", "LON/LAT"},
		{"P,F,LON\nA,1,-118\n", "LAT"},
	} {
		p := filepath.Join(dir, "e.csv")
		if err := os.WriteFile(p, []byte(tc.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(Spec{Name: "e", File: p, Lon: "LON", Lat: "LAT", Weight: []string{"F"}}, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "e.csv") {
			t.Errorf("%q: got %v, want an error naming e.csv and %q", tc.csv, err, tc.want)
		}
	}
}

// TestLADOTProjectSites reads LADOT's funded projects as a project list
// (the GeoJSON, through capital/projects) as the LA profile does, and
// checks the sites against an independent reading of the CSV the same
// database was exported to: the projects not finished or cancelled by June
// 2016 and below $100 million, each project's dollars once (a project drawn
// as several features repeats them), to the cent; and what is left out.
func TestLADOTProjectSites(t *testing.T) {
	spec := Spec{Name: "ladot_projects", File: fixture.Data(t, "la/projects/ladot_atd_projects_funded.geojson"),
		Plan: &projects.Mapping{Name: "Project_Ti", Category: "Project_Category", Cost: "Bgt_Total"}, Project: "Project_Ti",
		Exclude: map[string][]string{"Current_St": {"Post Construction", "Closed", "Cancelled"}}, ApartAbove: 100_000_000}
	l, err := Read(spec, "")
	if err != nil {
		t.Fatal(err)
	}
	// the stored list reads back with its geometries
	var buf bytes.Buffer
	if err := l.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if l, err = Decode(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	var got float64
	kinds := map[string]int{}
	for _, s := range l.Weights("2021-07-01", "2022-06-30") {
		got += s.Weight
		kinds[fmt.Sprintf("%T", s.Geom)]++
	}
	// independently: the CSV's rows, kept and deduplicated by title
	cols, rows := fixture.ReadCSV(t, fixture.Data(t, "la/projects/ladot_atd_projects_funded.csv"))
	dollars := map[string]float64{}
	var kept, megas, excluded int
	for _, r := range rows {
		cost, err := strconv.ParseFloat(strings.NewReplacer(",", "", "$", "", " ", "").Replace(r[cols["budget_total"]]), 64)
		if err != nil {
			t.Fatalf("budget_total %q: %v", r[cols["budget_total"]], err)
		}
		switch st := strings.TrimSpace(r[cols["current_status"]]); {
		case st == "Post Construction" || st == "Closed" || st == "Cancelled":
			excluded++
			continue
		case cost >= 100e6:
			megas++
			continue
		}
		kept++
		title := strings.ToUpper(strings.Join(strings.Fields(strings.Split(strings.ReplaceAll(r[cols["project_title"]], "\r", "\n"), "\n")[0]), " "))
		dollars[title] = math.Max(dollars[title], cost)
	}
	var want float64
	for _, d := range dollars {
		want += d
	}
	if len(l.Sites) != kept || math.Abs(got-want) > 0.005 {
		t.Errorf("%d sites weighing $%.2f; the CSV keeps %d rows of %d projects, $%.2f", len(l.Sites), got, kept, len(dollars), want)
	}
	if len(dollars) >= kept {
		t.Errorf("no project is drawn twice among the %d kept rows: the deduplication is untested", kept)
	}
	left := map[string]int{}
	for _, x := range l.Left {
		left[x.Reason] = x.Rows
	}
	if left["left out by where or exclude"] != excluded || left["costing 100,000,000 or more: reported apart"] != megas || megas != 4 {
		t.Errorf("left out %+v; the CSV has %d finished or cancelled rows and %d megaprojects", l.Left, excluded, megas)
	}
	if kinds["orb.MultiLineString"] == 0 || kinds["orb.Point"] == 0 || kinds["orb.MultiPolygon"] == 0 {
		t.Errorf("geometries read back %v: want lines, points and polygons", kinds)
	}
	t.Logf("%d sites of %d projects, $%.2f; left out %+v", len(l.Sites), len(dollars), got, l.Left)
}

// TestPlanSpecErrors: a where, exclude or project column the list lacks is
// refused with the file and the column.
func TestPlanSpecErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(p, []byte("Name,Cost,Lon,Lat,Status\nA,100,-118.2,34.0,Design\nB,50,-118.3,34.1,Closed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &projects.Mapping{Name: "Name", Cost: "Cost", Lon: "Lon", Lat: "Lat"}
	for _, spec := range []Spec{
		{Name: "x", File: p, Plan: m, Exclude: map[string][]string{"Phase": {"Closed"}}},
		{Name: "x", File: p, Plan: m, Where: map[string][]string{"Phase": {"Design"}}},
		{Name: "x", File: p, Plan: m, Project: "Phase"},
	} {
		if _, err := Read(spec, ""); err == nil || !strings.Contains(err.Error(), "p.csv") || !strings.Contains(err.Error(), "Phase") {
			t.Errorf("%+v: got %v, want an error naming p.csv and Phase", spec, err)
		}
	}
	l, err := Read(Spec{Name: "x", File: p, Plan: m, Exclude: map[string][]string{"status": {"closed"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sites) != 1 || l.Sites[0].Weight != 100 || len(l.Left) != 1 || l.Left[0].Weight != 50 {
		t.Errorf("sites %+v left %+v: want A ($100) kept and B ($50) left out", l.Sites, l.Left)
	}
}
