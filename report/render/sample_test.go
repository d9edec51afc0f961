package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/report"
	"github.com/paulmach/orb"
)

// readDistricts reads the real council district polygons (WGS84) of Los
// Angeles from the shipped GeoJSON. The test parses the file itself so the
// report package needs no GeoJSON dependency.
func readDistricts(t testing.TB) []report.MapArea {
	t.Helper()
	areas := readGeoJSON(t, "la/boundaries/council_districts_2025.geojson", func(p map[string]any) (string, string) {
		d := int(p["District"].(float64))
		return strconv.Itoa(d), fmt.Sprintf("District %d", d)
	})
	sort.Slice(areas, func(i, j int) bool {
		a, _ := strconv.Atoi(areas[i].ID)
		b, _ := strconv.Atoi(areas[j].ID)
		return a < b
	})
	if len(areas) != 15 {
		t.Fatalf("%d districts, want 15", len(areas))
	}
	return areas
}

// readGeoJSON reads the polygons of a shipped GeoJSON file; id gives each
// feature's ID and name from its properties.
func readGeoJSON(t testing.TB, rel string, id func(map[string]any) (string, string)) []report.MapArea {
	t.Helper()
	path := fixture.Data(t, rel)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var areas []report.MapArea
	for _, f := range fc.Features {
		var g orb.Geometry
		switch f.Geometry.Type {
		case "Polygon":
			var c [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
				t.Fatal(err)
			}
			g = toPolygon(c)
		case "MultiPolygon":
			var c [][][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil {
				t.Fatal(err)
			}
			var mp orb.MultiPolygon
			for _, p := range c {
				mp = append(mp, toPolygon(p))
			}
			g = mp
		default:
			t.Fatalf("%s: feature %v has geometry %s", path, f.Properties, f.Geometry.Type)
		}
		i, n := id(f.Properties)
		areas = append(areas, report.MapArea{ID: i, Name: n, Geometry: g})
	}
	return areas
}

func toPolygon(c [][][2]float64) orb.Polygon {
	var p orb.Polygon
	for _, r := range c {
		ring := make(orb.Ring, len(r))
		for i, pt := range r {
			ring[i] = orb.Point{pt[0], pt[1]}
		}
		p = append(p, ring)
	}
	return p
}

// sampleDocument is a report on the real district geometry with MADE-UP
// values (labelled as such in the document): they exercise every block type
// and do not describe Los Angeles.
// SampleDocument is the sample report of the tests (exported for the
// external tests that print it with report/pdf).
func SampleDocument(t testing.TB) *report.Document { return sampleDocument(t) }

func sampleDocument(t testing.TB) *report.Document {
	districts := readDistricts(t)
	need := make([]report.MapArea, len(districts))
	spend := make([]report.MapArea, len(districts))
	gap := make([]report.MapArea, len(districts))
	pop := make([]float64, len(districts))
	var needV, spendV []float64
	for i, a := range districts {
		d := float64(i + 1)
		need[i], spend[i], gap[i] = a, a, a
		need[i].Value = math.Mod(d*37, 15) / 14 * 100 // 0..100, a made-up need score
		spend[i].Value = 180 + math.Mod(d*53, 15)*22.5
		pop[i] = 250000 + math.Mod(d*29, 15)*1500
		needV = append(needV, need[i].Value)
		spendV = append(spendV, spend[i].Value)
	}
	spend[14].Missing = true // one district without data exercises the hatch
	needRank, spendRank := ranks(needV), ranks(spendV)
	for i := range gap {
		gap[i].Value = (spendRank[i] - needRank[i]) / 14
	}
	gap[14].Missing = true

	lorenz := report.Curve{Label: "Spending per resident (Lorenz)", Points: cumulative(spendV[:14], spendV[:14], pop[:14])}
	conc := report.Curve{Label: "Spending ranked by need (concentration)", Points: cumulative(needV[:14], spendV[:14], pop[:14])}
	ref := 300.0
	totalSpend := 0.0
	totalPop := 0.0
	for i := 0; i < 14; i++ {
		totalSpend += spendV[i] * pop[i]
		totalPop += pop[i]
	}
	topShare := 0.0
	topPop := 0.0
	for i := 0; i < 14; i++ {
		if needV[i] >= 70 {
			topShare += spendV[i] * pop[i]
			topPop += pop[i]
		}
	}
	topShare /= totalSpend
	topPop /= totalPop
	attributed := totalSpend
	unattributed := 1.234e9

	return &report.Document{
		Title:        "Equity assessment: report layout test",
		Subtitle:     "Real council district boundaries with made-up values (test fixture)",
		Jurisdiction: "City of Los Angeles (geometry only)",
		FiscalYear:   "2021-22",
		Phase:        "proposed",
		Generated:    "Test document; values are invented for layout tests",
		Version:      "test",
		Headline: []report.Figure{
			{Key: "total", Label: "Total of the phase", Value: attributed + unattributed, Kind: report.KindMoney},
			{Key: "attributed_share", Label: "Share of dollars placed in areas", Value: attributed / (attributed + unattributed), Kind: report.KindPercent, Note: "Made-up test value"},
			{Key: "top_tier_share", Label: "Share reaching the highest-need areas", Value: topShare, Kind: report.KindPercent, Note: fmt.Sprintf("Against %s of residents", report.Format(topPop, report.KindPercent, 0))},
			{Key: "concentration_index", Label: "Concentration index (need-ranked)", Value: concentrationIndex(conc.Points), Kind: report.KindRatio, Digits: 3},
			{Key: "districts", Label: "Council districts", Value: 15, Kind: report.KindInt},
			{Key: "median_response_days", Label: "Median days to close a service request", Value: 3.25, Kind: report.KindNumber, Digits: 1, Synthetic: true, Note: "Synthetic service requests"},
			{Key: "missing_figure", Label: "A figure without data", Missing: true, Kind: report.KindMoney},
		},
		Synthetic: []string{"Every value in this test document is invented; only the district boundaries are real."},
		Sections: []report.Section{
			{ID: "maps", Title: "Maps", Intro: "Need, spending per resident and the gap between them, by council district.", Blocks: []report.Block{
				&report.Note{Kind: report.NoteSynthetic, Text: "The values on these maps are invented for the layout test."},
				&report.Choropleth{Name: "Map need", Title: "Need score by council district (test values)", Areas: need, Kind: report.KindNumber, Digits: 1, Labels: true, Synthetic: true},
				&report.Choropleth{Name: "Map spending per resident", Title: "Spending per resident (test values)", Areas: spend, Kind: report.KindDollars, Labels: true, Synthetic: true, Classes: 4},
				&report.Choropleth{Name: "Map gap", Title: "Spending rank minus need rank (test values)", Areas: gap, Kind: report.KindRatio, Palette: report.Diverging, Labels: true, Synthetic: true,
					Note: "Purple: spending ranks above need; orange: below."},
			}},
			{ID: "curves", Title: "Lorenz and concentration curves", Blocks: []report.Block{
				&report.CurveChart{Name: "Curves", Title: "Cumulative share of spending against cumulative share of residents", Curves: []report.Curve{lorenz, conc}, Diagonal: true,
					XLabel: "Cumulative share of residents", YLabel: "Cumulative share of spending", Synthetic: true},
			}},
			{ID: "tiers", Title: "Need tiers", Blocks: []report.Block{
				&report.BarChart{Name: "Tiers", Title: "Spending per resident by need tier, with 95% intervals (test values)", Kind: report.KindDollars, Reference: &ref, ReferenceLabel: "Citywide",
					ValueLabel: "Dollars per resident", Synthetic: true, Bars: []report.Bar{
						{Label: "Tier 1 (lowest need)", Value: 260, Low: 240, High: 281, HasInterval: true},
						{Label: "Tier 2", Value: 292, Low: 270, High: 310, HasInterval: true},
						{Label: "Tier 3", Value: 318, Low: 301, High: 342, HasInterval: true},
						{Label: "Tier 4 (highest need)", Value: 337, Low: 305, High: 369, HasInterval: true},
						{Label: "Unknown tier", Missing: true},
					}},
			}},
			{ID: "departments", Title: "Departments", Blocks: []report.Block{
				&report.Table{Name: "Departments", Title: "Attributed share and share to high-need areas by department (test values)", Synthetic: true,
					Columns: []report.Column{{Key: "department", Label: "Department", Kind: report.KindText}, {Key: "total", Label: "Total", Kind: report.KindMoney},
						{Key: "total_exact", Label: "Total (exact)", Kind: report.KindDollars}, {Key: "attributed_share", Label: "Attributed", Kind: report.KindPercent},
						{Key: "top_share", Label: "To highest-need tier", Kind: report.KindPercent}, {Key: "requests", Label: "Requests", Kind: report.KindInt}},
					Rows: [][]any{
						{"Street Services", 312.5e6, 312512345.0, 0.82, 0.31, 41},
						{"Recreation & Parks <Dept>", 245.1e6, 245100000.0, 0.67, 0.27, 18},
						{"Police", 1.7e9, 1700000000.0, 0.05, nil, 73},
						{"Transportation", 198.25e6, 198250000.0, 0.91, 0.36, 29},
					}, Note: "Invented numbers."},
			}},
			{ID: "requests", Title: "Budget requests", Blocks: []report.Block{requestTable()}},
			{ID: "methods", Title: "Methods", Blocks: []report.Block{
				&report.Paragraph{Text: "Quantile classes; ties stay in one class. Gap = spending rank − need rank, scaled to [−1, 1]."},
			}},
		},
		Sources: []report.Source{
			{Name: "Council districts 2025", Version: "2021 lines", File: "testdata/la/boundaries/council_districts_2025.geojson", SHA256: "computed-by-the-caller", License: "City of Los Angeles"},
			{Name: "Test values", Version: "n/a", Synthetic: true, Description: "Invented for this test"},
		},
		Caveats: []string{"A district has no spending value, to show how missing data looks."},
	}
}

// requestTable is a long table (made-up rows) so that the PDF shows the
// header repeated on every page.
func requestTable() *report.Table {
	t := &report.Table{Name: "Requests", Title: "Requests that moved the share to high-need areas (test values)", Synthetic: true,
		Columns: []report.Column{{Key: "request", Label: "Request", Kind: report.KindText}, {Key: "department", Label: "Department", Kind: report.KindText},
			{Key: "change", Label: "Change", Kind: report.KindMoney}, {Key: "contribution", Label: "Contribution to the share", Kind: report.KindPercent, Digits: 2}}}
	depts := []string{"Street Services", "Recreation and Parks", "Transportation", "Library", "Fire"}
	for i := 0; i < 60; i++ {
		f := float64(i)
		t.Rows = append(t.Rows, []any{fmt.Sprintf("Request %02d", i+1), depts[i%len(depts)],
			math.Mod(f*7919, 97) * 113_000, (math.Mod(f*31, 23) - 11) / 2300})
	}
	return t
}

// ranks returns 0-based ranks (ties get the mean rank).
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j) / 2
		}
		i = j + 1
	}
	return r
}

// cumulative returns the curve of cumulative population share against
// cumulative spending share, areas ranked by rankBy ascending.
func cumulative(rankBy, perCapita, pop []float64) []report.Point {
	idx := make([]int, len(rankBy))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rankBy[idx[a]] < rankBy[idx[b]] })
	var tp, ts float64
	for i := range pop {
		tp += pop[i]
		ts += pop[i] * perCapita[i]
	}
	pts := []report.Point{{X: 0, Y: 0}}
	var cp, cs float64
	for _, i := range idx {
		cp += pop[i]
		cs += pop[i] * perCapita[i]
		pts = append(pts, report.Point{X: cp / tp, Y: cs / ts})
	}
	return pts
}

// concentrationIndex is 1 − 2 × (area under the curve), trapezoids.
func concentrationIndex(pts []report.Point) float64 {
	a := 0.0
	for i := 1; i < len(pts); i++ {
		a += (pts[i].X - pts[i-1].X) * (pts[i].Y + pts[i-1].Y) / 2
	}
	return 1 - 2*a
}

func toOrbPoints(pts [][2]float64) []orb.Point {
	out := make([]orb.Point, len(pts))
	for i, p := range pts {
		out[i] = orb.Point{p[0], p[1]}
	}
	return out
}

// tract is a 2020 census tract of the DWR file: interior point, 2023
// population and median household income (0 when not published).
type tract struct {
	id  string
	pt  orb.Point
	pop float64
	mhi float64
}

// readTracts reads the 2020 census tracts of Los Angeles County (county
// FIPS 37) whose interior point falls in box.
func readTracts(t testing.TB, box orb.Bound) []tract {
	t.Helper()
	path := fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	var out []tract
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec[col["COUNTYFP20"]] != "37" {
			continue
		}
		lat, err1 := strconv.ParseFloat(rec[col["INTPTLAT20"]], 64)
		lon, err2 := strconv.ParseFloat(rec[col["INTPTLON20"]], 64)
		if err1 != nil || err2 != nil || !box.Contains(orb.Point{lon, lat}) {
			continue
		}
		tr := tract{id: rec[col["GEOID20"]], pt: orb.Point{lon, lat}}
		tr.pop, _ = strconv.ParseFloat(rec[col["Pop23"]], 64)
		tr.mhi, _ = strconv.ParseFloat(rec[col["MHI23"]], 64)
		out = append(out, tr)
	}
	return out
}

// readTractPoints returns the tracts in box as point areas valued by median
// household income (missing when not published).
func readTractPoints(t testing.TB, box orb.Bound) []report.MapArea {
	var out []report.MapArea
	for _, tr := range readTracts(t, box) {
		out = append(out, report.MapArea{ID: tr.id, Geometry: tr.pt, Value: tr.mhi, Missing: tr.mhi <= 0})
	}
	return out
}
