package projects

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the derived fixtures in testdata/")

// bostonDir holds Boston's published FY19 capital projects (one JSON file
// each, shipped under testdata/boston).
var bostonDir = filepath.Join("..", "..", "testdata", "boston", "_source", "fy19_adopted", "json", "_projects")

// BostonCIP is the derived fixture: Boston's FY19 capital projects as one
// CSV in the shape public capital plans take (money strings, a column of
// district codes, several separated by commas, citywide rows).
var BostonCIP = filepath.Join("..", "..", "testdata", "boston", "capital", "boston_fy19_capital_projects_DERIVED.csv")

// bostonCodes maps the published "location" to neighbourhood codes of the
// table testdata/boston/capital/boston_neighborhoods_ILLUSTRATIVE.csv:
// "Allston/Brighton" is two neighbourhoods; "Citywide" is the citywide
// marker CW; "Various neighborhoods" and "N/A" name no place (blank).
var bostonCodes = map[string]string{
	"Allston/Brighton": "AL,BR", "Back Bay": "BB", "Beacon Hill": "BH", "Charlestown": "CH", "Chinatown": "CT", "Dorchester": "DO",
	"East Boston": "EB", "Fenway/Kenmore": "FW", "Financial District/Downtown": "DT", "Government Center/Faneuil Hall": "DT",
	"Harbor Islands": "HI", "Hyde Park": "HP", "Jamaica Plain": "JP", "Mattapan": "MT", "Mission Hill": "MH", "North End": "NE",
	"Roslindale": "RS", "Roxbury": "RX", "South Boston": "SB", "South End": "SE", "West Roxbury": "WR", "Citywide": "CW",
	"Various neighborhoods": "", "Various Neighborhoods": "", "N/A": "",
}

type bostonProject struct {
	ID, Name, Dept, Category, Status, Location string
	Past, FY18, FY19, FY20to23, Total          int64
}

func readBoston(t *testing.T) []bostonProject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(bostonDir, "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Boston projects under %s: %v", bostonDir, err)
	}
	sort.Strings(files)
	var out []bostonProject
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// the published files are wrapped in "---" lines
		b = bytes.TrimSpace(bytes.Trim(bytes.TrimSpace(b), "-"))
		var d struct {
			SectionID                                    string `json:"section_id"`
			Name, Department, Category, Status, Location string
			Exp                                          struct {
				Data []struct {
					LineType string `json:"line_type"`
					Past     int64  `json:"past_spending"`
					FY18     int64  `json:"fy-1"`
					FY19     int64  `json:"fy-0"`
					FY20     int64  `json:"fy+1-4"`
					Total    int64  `json:"total"`
				} `json:"data"`
			} `json:"expenditures_detail"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		p := bostonProject{ID: d.SectionID, Name: d.Name, Dept: d.Department, Category: d.Category, Status: d.Status, Location: d.Location}
		for _, x := range d.Exp.Data {
			if x.LineType == "total" {
				p.Past, p.FY18, p.FY19, p.FY20to23, p.Total = x.Past, x.FY18, x.FY19, x.FY20, x.Total
			}
		}
		out = append(out, p)
	}
	return out
}

func moneyString(dollars int64) string {
	s := strconv.FormatInt(dollars, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return "$" + b.String() + ".00"
}

// TestBostonFixture rebuilds the derived CSV from the published JSON and
// checks it equals the file in testdata (go test -run TestBostonFixture
// -update rewrites it), so that the fixture cannot drift from its source.
func TestBostonFixture(t *testing.T) {
	ps := readBoston(t)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"Project ID", "Project Name", "Department", "Category", "Status", "Neighborhood", "District Codes",
		"Through 6/30/17", "FY18 Budget", "FY19 Budget", "FY20-23 Budget", "Total"})
	for _, p := range ps {
		codes, ok := bostonCodes[p.Location]
		if !ok {
			t.Fatalf("project %s: location %q has no code", p.ID, p.Location)
		}
		if p.Past+p.FY18+p.FY19+p.FY20to23 != p.Total {
			t.Fatalf("project %s: the published years do not add up to its total", p.ID)
		}
		w.Write([]string{p.ID, p.Name, p.Dept, p.Category, p.Status, p.Location, codes,
			moneyString(p.Past), moneyString(p.FY18), moneyString(p.FY19), moneyString(p.FY20to23), moneyString(p.Total)})
	}
	w.Flush()
	if *update {
		if err := os.MkdirAll(filepath.Dir(BostonCIP), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(BostonCIP, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(BostonCIP)
	if err != nil {
		t.Fatalf("%v (run go test -run TestBostonFixture -update)", err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("%s differs from its derivation from the published JSON: run go test ./capital/projects -run TestBostonFixture -update", BostonCIP)
	}
}
