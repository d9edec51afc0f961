package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// polyLocator is a plain point-in-polygon locator for the tests (the real
// one is geo.Index): the first area whose polygon contains the point.
type polyLocator struct {
	ids   []string
	geoms []orb.MultiPolygon
	boxes []orb.Bound
}

func (l *polyLocator) Locate(lon, lat float64) (int, bool) {
	p := orb.Point{lon, lat}
	for i, g := range l.geoms {
		if l.boxes[i].Contains(p) && planar.MultiPolygonContains(g, p) {
			return i, true
		}
	}
	return -1, false
}

// councilDistricts reads the 15 current LA council districts.
func councilDistricts(t testing.TB) *polyLocator {
	t.Helper()
	data, err := os.ReadFile(fixture.Data(t, "la/boundaries/council_districts_2025.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	l := &polyLocator{}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				t.Fatal(err)
			}
			mp = orb.MultiPolygon{toPolygon(p)}
		case "MultiPolygon":
			var m [][][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &m); err != nil {
				t.Fatal(err)
			}
			for _, p := range m {
				mp = append(mp, toPolygon(p))
			}
		default:
			t.Fatalf("district geometry %s", f.Geometry.Type)
		}
		l.ids = append(l.ids, fmt.Sprint(f.Properties["District"]))
		l.geoms = append(l.geoms, mp)
		l.boxes = append(l.boxes, mp.Bound())
	}
	return l
}

func toPolygon(p [][][2]float64) orb.Polygon {
	var poly orb.Polygon
	for _, r := range p {
		var ring orb.Ring
		for _, c := range r {
			ring = append(ring, orb.Point{c[0], c[1]})
		}
		poly = append(poly, ring)
	}
	return poly
}

func (l *polyLocator) codes() map[string]int {
	m := map[string]int{}
	for i, id := range l.ids {
		m[id] = i
	}
	return m
}

func TestSketchAccuracyAndMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 10, 1000, 20000} {
		vals := make([]float64, n)
		var all, a, b Sketch
		for i := range vals {
			vals[i] = 48 * math.Exp(1.2*rng.NormFloat64())
			if i%7 == 0 {
				vals[i] = 0 // closed in the same second
			}
			all.Add(vals[i])
			if i%2 == 0 {
				a.Add(vals[i])
			} else {
				b.Add(vals[i])
			}
		}
		a.Merge(&b)
		for _, q := range []float64{0, 0.1, 0.5, 0.9, 0.99, 1} {
			exact, _ := ExactQuantile(vals, q)
			got, ok := all.Quantile(q)
			if !ok {
				t.Fatalf("n=%d q=%v: empty", n, q)
			}
			if exact == 0 && got != 0 || exact > 0 && math.Abs(got-exact)/exact > SketchAccuracy+1e-12 {
				t.Errorf("n=%d q=%v: sketch %v, exact %v (relative error %.4f > %v)", n, q, got, exact, math.Abs(got-exact)/exact, SketchAccuracy)
			}
			merged, _ := a.Quantile(q)
			if merged != got {
				t.Errorf("n=%d q=%v: merged halves give %v, whole gives %v", n, q, merged, got)
			}
		}
	}
	var empty Sketch
	if _, ok := empty.Quantile(0.5); ok {
		t.Error("empty sketch returned a quantile")
	}
}

func TestExactQuantileNearestRank(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.2, 1}, {0.21, 2}, {0.5, 3}, {0.9, 5}, {1, 5}} {
		if got, _ := ExactQuantile(v, c.q); got != c.want {
			t.Errorf("q=%v: %v, want %v", c.q, got, c.want)
		}
	}
}

// TestSummarizeRealSample runs the 100 real MyLA311 requests of 2016 through
// the current council districts and checks every count and the response
// times against a direct computation.
func TestSummarizeRealSample(t *testing.T) {
	path := fixture.Data(t, "la/services/myla311_sample_2016_100rows.csv")
	loc := councilDistricts(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pop := make([]float64, len(loc.ids))
	for i := range pop {
		pop[i] = 260000
	}
	s, err := Summarize(f, path, Options{Locator: loc, AreaIDs: loc.ids, Population: pop, CodeColumn: ColCD, Codes: loc.codes()})
	if err != nil {
		t.Fatal(err)
	}
	// Independent computation with encoding/csv.
	raw, _ := os.ReadFile(path)
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var hours []float64
	sameCD := 0
	perArea := map[string]int{}
	for _, r := range recs[1:] {
		created, _ := parseTime(r[col["CreatedDate"]])
		closed, _ := parseTime(r[col["ClosedDate"]])
		if closed.IsZero() && r[col["Status"]] == "Closed" {
			closed, _ = parseTime(r[col["UpdatedDate"]])
		}
		if !closed.IsZero() {
			hours = append(hours, closed.Sub(created).Hours())
		}
		lat, _ := strconv.ParseFloat(r[col["Latitude"]], 64)
		lon, _ := strconv.ParseFloat(r[col["Longitude"]], 64)
		if a, ok := loc.Locate(lon, lat); ok {
			perArea[loc.ids[a]]++
			if loc.ids[a] == r[col["CD"]] {
				sameCD++
			}
		}
	}
	if sum := sha256.Sum256(raw); s.InputSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("input hash %s", s.InputSHA256)
	}
	if s.Rows != 100 || s.Located+s.ByCode+s.Unplaced+s.Bad != s.Rows || s.Total.Count != 100 {
		t.Fatalf("rows %d located %d by code %d unplaced %d bad %d total %d", s.Rows, s.Located, s.ByCode, s.Unplaced, s.Bad, s.Total.Count)
	}
	if s.Total.Closed != len(hours) || s.Open != 100-len(hours) {
		t.Errorf("closed %d open %d, want %d closed", s.Total.Closed, s.Open, len(hours))
	}
	for _, a := range s.Areas {
		if want := perArea[a.AreaID]; a.Count != want && s.ByCode == 0 {
			t.Errorf("district %s: %d requests, want %d", a.AreaID, a.Count, want)
		}
		if a.Count > 0 && math.Abs(*a.RatePer1000-float64(a.Count)/260) > 1e-12 {
			t.Errorf("district %s: rate %v", a.AreaID, *a.RatePer1000)
		}
	}
	for _, q := range []struct {
		q   float64
		got *float64
	}{{0.5, s.Total.MedianHours}, {0.9, s.Total.P90Hours}} {
		exact, _ := ExactQuantile(hours, q.q)
		if q.got == nil || math.Abs(*q.got-exact)/exact > SketchAccuracy+1e-12 {
			t.Errorf("q%v: %v, exact %v", q.q, q.got, exact)
		}
	}
	types := 0
	for _, ty := range s.Types {
		types += ty.Count
	}
	if types != 100 || s.Types[0].Type != "Bulky Items" || s.Types[0].Count != 55 {
		t.Errorf("types: %+v", s.Types[0])
	}
	t.Logf("100 real requests: %d located by point, %d by CD; %d closed (%d closing time from UpdatedDate); median %.1f h, p90 %.1f h; 2016 CD column equals the 2021 district of the point for %d of %d",
		s.Located, s.ByCode, s.Total.Closed, s.ByEdit, *s.Total.MedianHours, *s.Total.P90Hours, sameCD, s.Located)
}

func TestSummarizeBadRows(t *testing.T) {
	good := "SRNumber,CreatedDate,ClosedDate,RequestType,Latitude,Longitude,CD\n" +
		"A1,2016-01-01 10:00:00,2016-01-02 10:00:00,Graffiti Removal,34.05,-118.25,14\n"
	cases := []struct {
		name, row, col string
		line           int
	}{
		{"bad date", "A2,2016-13-01 10:00:00,,Bulky Items,34.05,-118.25,14\n", "CreatedDate", 3},
		{"closed before created", "A2,2016-01-05 10:00:00,2016-01-02 10:00:00,Bulky Items,34.05,-118.25,14\n", "ClosedDate", 3},
		{"bad latitude", "A2,2016-01-05 10:00:00,,Bulky Items,north,-118.25,14\n", "Latitude", 3},
		{"no id", ",2016-01-05 10:00:00,,Bulky Items,34.05,-118.25,14\n", "SRNumber", 3},
		{"short row", "A2,2016-01-05 10:00:00\n", "", 3},
	}
	loc := councilDistricts(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good + c.row + strings.Replace(good[strings.Index(good, "\n")+1:], "A1,", "A3,", 1)
			_, err := Summarize(strings.NewReader(in), "x.csv", Options{Locator: loc, AreaIDs: loc.ids})
			var ie *budget.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v, want an InputError", err)
			}
			if ie.File != "x.csv" || ie.Line != c.line || ie.Column != c.col {
				t.Errorf("error %v: file %q line %d column %q, want line %d column %q", err, ie.File, ie.Line, ie.Column, c.line, c.col)
			}
			s, err := Summarize(strings.NewReader(in), "x.csv", Options{Locator: loc, AreaIDs: loc.ids, Lenient: true})
			if err != nil {
				t.Fatal(err)
			}
			if s.Rows != 3 || s.Bad != 1 || s.Located != 2 || len(s.BadExamples) != 1 || !strings.Contains(s.BadExamples[0], "x.csv:3") {
				t.Errorf("lenient: rows %d bad %d located %d examples %q", s.Rows, s.Bad, s.Located, s.BadExamples)
			}
		})
	}
	if _, err := Summarize(strings.NewReader("SRNumber,CreatedDate\n"), "y.csv", Options{}); err == nil || !strings.Contains(err.Error(), "RequestType") {
		t.Errorf("missing column: %v", err)
	}
}

// TestSummarizeBlocksAndWorkers checks that cutting the file into tiny
// blocks (records spanning blocks, a quoted newline) and running several
// workers give exactly the result of one worker reading one block.
func TestSummarizeBlocksAndWorkers(t *testing.T) {
	var buf bytes.Buffer
	places := []Place{{Lon: -118.25, Lat: 34.05, Weight: 1, RadiusM: 20000, CD: "14"}}
	if _, err := Generate(&buf, GenOptions{Rows: 3000, Seed: 7, Places: places, NoCoordsShare: 0.05}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// A quoted field with a newline and a doubled quote in the last row's NCName.
	data = append(data, []byte("0,SYN-x,2016-03-01 10:00:00,2016-03-01 10:00:00,,,\"Other\",Open,SYNTHETIC,,N,,,,N,Y,,,,,,,34.05,-118.25,,,,,,14,,1,\"A \"\"quoted\"\"\nname\",\n")...)
	loc := councilDistricts(t)
	opt := Options{Locator: loc, AreaIDs: loc.ids, CodeColumn: ColCD, Codes: loc.codes(), Workers: 1, BlockSize: 1 << 24}
	one, err := Summarize(bytes.NewReader(data), "g.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Workers, opt.BlockSize = 3, 97
	many, err := Summarize(bytes.NewReader(data), "g.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	if one.Rows != 3001 || one.Synthetic != 3001 || one.ByCode == 0 {
		t.Fatalf("rows %d synthetic %d by code %d", one.Rows, one.Synthetic, one.ByCode)
	}
	a, b := fmt.Sprintf("%+v", jsonish(one)), fmt.Sprintf("%+v", jsonish(many))
	if a != b {
		t.Errorf("results differ:\n%s\n%s", a, b)
	}
}

// jsonish flattens the parts of a summary that must not depend on blocks and workers.
func jsonish(s *Summary) []string {
	out := []string{fmt.Sprint(s.Rows, s.Located, s.ByCode, s.Unplaced, s.Open, *s.Total.MedianHours, *s.Total.P90Hours)}
	for _, a := range s.Areas {
		out = append(out, fmt.Sprint(a.AreaID, a.Count, a.Closed, a.MedianHours != nil, len(a.ByType)))
	}
	for _, ty := range s.Types {
		out = append(out, fmt.Sprint(ty.Type, ty.Count, *ty.MedianHours))
	}
	return out
}

func TestGenerateDeterministicAndLabelled(t *testing.T) {
	places, err := TractPlaces(fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		t.Fatal(err)
	}
	if len(places) < 2400 {
		t.Fatalf("%d LA County tracts", len(places))
	}
	gen := func(seed uint64) ([]byte, *GenReport) {
		var b bytes.Buffer
		rep, err := Generate(&b, GenOptions{Rows: 20000, Seed: seed, Places: places})
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes(), rep
	}
	a, rep := gen(42)
	b, _ := gen(42)
	c, _ := gen(43)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Error("same seed, different output")
	}
	if h := sha256.Sum256(a); rep.SHA256 != hex.EncodeToString(h[:]) {
		t.Errorf("report hash %s", rep.SHA256)
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds, same output")
	}
	recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 20001 || strings.Join(recs[0], ",") != strings.Join(Header, ",") {
		t.Fatalf("%d records, header %q", len(recs), recs[0])
	}
	for _, r := range recs[1:] {
		if !strings.HasPrefix(r[1], SyntheticPrefix) || r[8] != SyntheticSource {
			t.Fatalf("row not labelled synthetic: %q", r)
		}
	}
	s, err := Summarize(bytes.NewReader(a), "gen.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 20000 || s.Synthetic != 20000 || s.Open != rep.Open {
		t.Errorf("summary rows %d synthetic %d open %d, generator open %d", s.Rows, s.Synthetic, s.Open, rep.Open)
	}
	for _, ty := range s.Types {
		if ty.Count != rep.ByType[ty.Type] {
			t.Errorf("type %s: %d read, %d generated", ty.Type, ty.Count, rep.ByType[ty.Type])
		}
	}
	// The bulky-items median should be near its 48-hour lognormal median.
	for _, ty := range s.Types {
		if ty.Type == "Bulky Items" && math.Abs(*ty.MedianHours-48)/48 > 0.05 {
			t.Errorf("bulky items median %.1f h, want about 48", *ty.MedianHours)
		}
	}
}

// TestGenerateInOrder: with InOrder the rows come in creation order (as the
// portal's exports do), created times are still uniform over the span (each
// month of a two-year span gets its share of rows), and across workers the
// output is the same bytes.
func TestGenerateInOrder(t *testing.T) {
	places := []Place{{Lon: -118.25, Lat: 34.05, Weight: 1, RadiusM: 20000, CD: "14"}}
	const rows = 48000
	gen := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var b bytes.Buffer
		if _, err := Generate(&b, GenOptions{Rows: rows, Seed: 5, Places: places, Year: 2016, Years: 2, InOrder: true}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a := gen(1)
	if !bytes.Equal(a, gen(4)) {
		t.Fatal("the output depends on the number of workers")
	}
	recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	perMonth := map[string]int{}
	prev := ""
	for _, r := range recs[1:] {
		if r[2] < prev {
			t.Fatalf("row %s created %s after a row created %s", r[1], r[2], prev)
		}
		prev = r[2]
		perMonth[r[2][:7]]++
	}
	if len(perMonth) != 24 {
		t.Fatalf("%d months, want 24", len(perMonth))
	}
	for m, n := range perMonth {
		// 2,000 a month on average; months have 28 to 31 days
		if n < 1800 || n > 2150 {
			t.Errorf("%s: %d rows, want about %d", m, n, rows/24)
		}
	}
	// a later file continues the numbers, padded to the width of the last
	var b bytes.Buffer
	if _, err := Generate(&b, GenOptions{Rows: 3, Seed: 5, Places: places, FirstNumber: 98}); err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][1] + " " + recs[3][1]; got != SyntheticPrefix+"098 "+SyntheticPrefix+"100" {
		t.Errorf("numbers %s, want %s098 to %s100", got, SyntheticPrefix, SyntheticPrefix)
	}
}

func TestTierMerge(t *testing.T) {
	var buf bytes.Buffer
	places := []Place{{Lon: -118.25, Lat: 34.05, Weight: 1, RadiusM: 30000}}
	if _, err := Generate(&buf, GenOptions{Rows: 5000, Seed: 3, Places: places}); err != nil {
		t.Fatal(err)
	}
	loc := councilDistricts(t)
	pop := make([]float64, len(loc.ids))
	tiers := make([]string, len(loc.ids))
	for i := range pop {
		pop[i] = float64(100000 + 1000*i)
		tiers[i] = []string{"low", "mid", "high", ""}[i%4]
	}
	s, err := Summarize(&buf, "g.csv", Options{Locator: loc, AreaIDs: loc.ids, Population: pop})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := s.ByTier(tiers, []string{"low", "mid", "high"})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, tr := range ts {
		var sk Sketch
		n, p := 0, 0.0
		for i, a := range s.Areas {
			if tiers[i] == tr.Tier {
				n += a.Count
				p += a.Population
				sk.Merge(&a.sketch)
			}
		}
		m, _ := sk.Quantile(0.5)
		if tr.Count != n || tr.Population != p || *tr.MedianHours != m || math.Abs(*tr.RatePer1000-float64(n)/p*1000) > 1e-9 {
			t.Errorf("tier %s: %+v, want count %d pop %v median %v", tr.Tier, tr, n, p, m)
		}
		total += tr.Count
	}
	inTiers := 0
	for i, a := range s.Areas {
		if tiers[i] != "" {
			inTiers += a.Count
		}
	}
	if total != inTiers || len(ts) != 3 || ts[0].Tier != "low" || ts[2].Tier != "high" {
		t.Errorf("tiers hold %d events, areas with a tier %d; order %v", total, inTiers, ts)
	}
}

func FuzzSummarize(f *testing.F) {
	f.Add([]byte("SRNumber,CreatedDate,ClosedDate,RequestType,Latitude,Longitude,CD\nA,2016-01-01 10:00:00,,X,34,-118,5\n"))
	f.Add([]byte("SRNumber,CreatedDate,RequestType\n\"a\nb\",2016-01-01 10:00:00,\"q\"\"\"\n"))
	f.Add([]byte("SRNumber,CreatedDate,RequestType,CD\nA,2016-01-01 10:00:00,Bulky \"Items,5\nA,2016-01-01 10:00:00,X,5\nB,2016-01-01 10:00:00,\"open,5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Summarize(bytes.NewReader(data), "f.csv", Options{Lenient: true, BlockSize: 16, Workers: 2, AreaIDs: []string{"5"}, CodeColumn: ColCD, Codes: map[string]int{"5": 0}})
		if err != nil {
			return
		}
		if s.Located+s.ByCode+s.Unplaced+s.Bad+s.Duplicates != s.Rows {
			t.Fatalf("rows %d != %d+%d+%d+%d+%d", s.Rows, s.Located, s.ByCode, s.Unplaced, s.Bad, s.Duplicates)
		}
		// the same input in one block and one worker gives the same summary
		one, err := Summarize(bytes.NewReader(data), "f.csv", Options{Lenient: true, BlockSize: 1 << 20, Workers: 1, AreaIDs: []string{"5"}, CodeColumn: ColCD, Codes: map[string]int{"5": 0}})
		if err != nil || fmt.Sprint(one.Rows, one.Bad, one.Duplicates, one.Located, one.ByCode, one.Unplaced, one.BadExamples) != fmt.Sprint(s.Rows, s.Bad, s.Duplicates, s.Located, s.ByCode, s.Unplaced, s.BadExamples) {
			t.Fatalf("blocks change the result: %+v\n%+v (%v)", one, s, err)
		}
	})
}

// BenchmarkGenerateAndSummarize generates 1,000,000 synthetic requests and
// summarises them by the 99 neighbourhood councils through geo.Index, the
// demo's path. Run: go test ./events -run XXX -bench . -benchtime 1x
func BenchmarkGenerateAndSummarize(b *testing.B) {
	places, err := TractPlaces(fixture.Data(b, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		b.Fatal(err)
	}
	l, _, err := geo.ReadFile(fixture.Data(b, "la/boundaries/neighborhood_councils_2025.geojson"), geo.ImportOptions{Layer: "neighborhood_councils"})
	if err != nil {
		b.Fatal(err)
	}
	ix := geo.NewIndex(l)
	ids := make([]string, len(l.Areas))
	for i, a := range l.Areas {
		ids[i] = a.ID
	}
	for b.Loop() {
		var buf bytes.Buffer
		buf.Grow(180 << 20)
		t0 := time.Now()
		if _, err := Generate(&buf, GenOptions{Rows: 1000000, Seed: 1, Places: places}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		s, err := Summarize(&buf, "bench.csv", Options{Locator: ix, AreaIDs: ids})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(t1.Sub(t0).Seconds(), "generate-s")
		b.ReportMetric(time.Since(t1).Seconds(), "summarize-s")
		b.ReportMetric(float64(s.Located), "located")
	}
}

func TestParseCoordMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []string{"0", "-0", "34", "34.", ".5", "-118.208735", "33.7328808871", "1e3", "", "-", "12.34.5", "0x1p3", "+7.25", "123456789012345", "1234567890123456.7"}
	for range 20000 {
		cases = append(cases, strconv.FormatFloat((rng.Float64()-0.5)*360, 'f', rng.IntN(13), 64))
	}
	for _, c := range cases {
		got, gerr := parseCoord([]byte(c))
		want, werr := strconv.ParseFloat(c, 64)
		if (gerr == nil) != (werr == nil) || gerr == nil && got != want {
			t.Errorf("%q: %v %v, strconv %v %v", c, got, gerr, want, werr)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for _, c := range [][2]string{{"ARLETA NC", "Arleta"}, {"BEL AIR-BEVERLY CREST NC", "Bel Air-Beverly Crest"},
		{"CENTRAL SAN PEDRO NC", "Central San Pedro"}, {"Boyle Heights Neighborhood Council", "BOYLE HEIGHTS"}} {
		if a, b := NormalizeName(c[0]), NormalizeName(c[1]); a != b || a == "" {
			t.Errorf("%q -> %q, %q -> %q", c[0], a, c[1], b)
		}
	}
}

// TestSummarizeByNCName places the real sample by neighbourhood-council
// name only (no locator) and checks that every placed request's name matches.
func TestSummarizeByNCName(t *testing.T) {
	path := fixture.Data(t, "la/services/myla311_sample_2016_100rows.csv")
	l, _, err := geo.ReadFile(fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson"), geo.ImportOptions{Layer: "nc"})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{CodeColumn: ColNCName, Codes: map[string]int{}}
	for i, a := range l.Areas {
		opt.AreaIDs = append(opt.AreaIDs, a.ID)
		opt.Codes[NormalizeName(a.Name)] = i
	}
	f, _ := os.Open(path)
	defer f.Close()
	s, err := Summarize(f, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.ByCode < 70 || s.ByCode+s.Unplaced != 100 {
		t.Errorf("by name %d, unplaced %d", s.ByCode, s.Unplaced)
	}
	t.Logf("100 real requests placed by NCName in the 2025 councils: %d (the others name councils renamed since 2016)", s.ByCode)
}

func TestNearestPointMatchesBruteForce(t *testing.T) {
	places, err := TractPlaces(fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		t.Fatal(err)
	}
	pts := make([]orb.Point, len(places))
	for i, p := range places {
		pts[i] = orb.Point{p.Lon, p.Lat}
	}
	const maxM = 3000
	np := NewNearestPoint(pts, maxM)
	kx, ky := np.kx, np.ky
	rng := rand.New(rand.NewPCG(8, 9))
	none := 0
	for range 3000 {
		lon, lat := -118.95+0.9*rng.Float64(), 33.7+0.8*rng.Float64()
		want, wantD := -1, math.Inf(1)
		for i, p := range pts {
			d := math.Hypot((p[0]-lon)*kx, (p[1]-lat)*ky)
			if d < wantD {
				want, wantD = i, d
			}
		}
		if wantD > maxM {
			want = -1
		}
		got, ok := np.Locate(lon, lat)
		if !ok {
			got = -1
			none++
		}
		if got != want {
			t.Fatalf("(%v, %v): %d, brute force %d at %.0f m", lon, lat, got, want, wantD)
		}
	}
	t.Logf("3000 random points: %d farther than %d m from every tract point", none, maxM)
}

func TestSummarizeBOMAndCRLF(t *testing.T) {
	in := "\ufeffSRNumber,CreatedDate,ClosedDate,RequestType,Status,Latitude,Longitude\r\n" +
		"A1,2016-01-01 10:00:00,2016-01-01 12:00:00,Graffiti Removal,Closed,34.05,-118.25\r\n" +
		"\"A2\",2016-01-01 10:00:00,01/01/2016 02:00:00 PM,\"Bulky Items\",Closed,34.05,-118.25\r\n" +
		"A3,2016-01-01 10:00:00,,Bulky Items,Open,,\r\n"
	loc := councilDistricts(t)
	s, err := Summarize(strings.NewReader(in), "crlf.csv", Options{Locator: loc, AreaIDs: loc.ids})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 3 || s.Located != 2 || s.Unplaced != 1 || s.Open != 1 || s.Total.Closed != 2 {
		t.Fatalf("%+v", s)
	}
	if m := *s.Total.P90Hours; math.Abs(m-4)/4 > SketchAccuracy {
		t.Errorf("p90 %v h, want 4", m)
	}
}

// TestSummarizeFirstErrorInFileOrder puts bad rows at several places of a
// file cut into many blocks and checks that the strict run always reports
// the first, whichever worker meets which error first.
func TestSummarizeFirstErrorInFileOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("SRNumber,CreatedDate,ClosedDate,RequestType\n")
	for i := 2; i <= 3000; i++ {
		if i == 1234 || i == 2000 || i == 2999 {
			fmt.Fprintf(&b, "R%d,not a date,,Bulky Items\n", i)
			continue
		}
		fmt.Fprintf(&b, "R%d,2016-01-01 10:00:00,,Bulky Items\n", i)
	}
	for range 20 {
		_, err := Summarize(strings.NewReader(b.String()), "e.csv", Options{Workers: 4, BlockSize: 512})
		var ie *budget.InputError
		if !errors.As(err, &ie) || ie.Line != 1234 {
			t.Fatalf("error %v, want line 1234", err)
		}
	}
}

func TestEmbeddedTractsMatchSource(t *testing.T) {
	want, err := TractPlaces(fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		t.Fatal(err)
	}
	got := LACountyTracts()
	if len(got) != 2498 || len(got) != len(want) {
		t.Fatalf("%d embedded tracts, %d in the source", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Lon != w.Lon || g.Lat != w.Lat || g.Weight != w.Weight || g.RadiusM != w.RadiusM {
			t.Fatalf("tract %d: embedded %+v, source %+v", i, got[i], want[i])
		}
	}
}

func TestGenerateInsidePolygons(t *testing.T) {
	loc := councilDistricts(t)
	var places []Place
	for i, g := range loc.geoms {
		places = append(places, Place{ID: loc.ids[i], Weight: float64(1 + i), Geom: g, CD: loc.ids[i]})
	}
	var buf bytes.Buffer
	if _, err := Generate(&buf, GenOptions{Rows: 5000, Seed: 2, Places: places}); err != nil {
		t.Fatal(err)
	}
	s, err := Summarize(&buf, "p.csv", Options{Locator: loc, AreaIDs: loc.ids})
	if err != nil {
		t.Fatal(err)
	}
	if s.Located != 5000 {
		t.Errorf("%d of 5000 points inside the districts", s.Located)
	}
	// District i has weight i+1 of 120: its share of requests should be near that.
	for i, a := range s.Areas {
		want := 5000 * float64(i+1) / 120
		if math.Abs(float64(a.Count)-want) > 5*math.Sqrt(want) {
			t.Errorf("district %s: %d requests, expected about %.0f", a.AreaID, a.Count, want)
		}
	}
}
