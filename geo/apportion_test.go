package geo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/paulmach/orb"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestApportionLines(t *testing.T) {
	ix := NewIndex(gridLayer(3)) // unit squares near the equator
	cases := []struct {
		name string
		g    orb.Geometry
		want map[int]float64
	}{
		{"inside one", orb.LineString{{0.2, 0.5}, {0.8, 0.5}}, map[int]float64{0: 1}},
		{"across two", orb.LineString{{0.5, 0.5}, {1.5, 0.5}}, map[int]float64{0: 0.5, 1: 0.5}},
		{"half outside", orb.LineString{{2.5, 0.5}, {3.5, 0.5}}, map[int]float64{2: 0.5}},
		// Along the shared edge x=1 between squares 0 and 1: east wins.
		{"on shared edge", orb.LineString{{1, 0.2}, {1, 0.8}}, map[int]float64{1: 1}},
		{"multipoint", orb.MultiPoint{{0.5, 0.5}, {1.5, 0.5}, {1.6, 0.5}, {9, 9}}, map[int]float64{0: 0.25, 1: 0.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ix.Apportion(c.g)
			if len(got) != len(c.want) {
				t.Fatalf("%+v, want %v", got, c.want)
			}
			for _, s := range got {
				if !near(s.Fraction, c.want[s.Area], 1e-4) {
					t.Fatalf("%+v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestApportionPolygons(t *testing.T) {
	ix := NewIndex(gridLayer(3))
	cases := []struct {
		name string
		g    orb.Geometry
		want map[int]float64
	}{
		{"inside one", square(0.2, 0.2, 0.6, 0.6), map[int]float64{0: 1}},
		{"four corners", square(0.5, 0.5, 1.5, 1.5), map[int]float64{0: 0.25, 1: 0.25, 3: 0.25, 4: 0.25}},
		{"equal to an area", square(1, 1, 2, 2), map[int]float64{4: 1}},
		{"sharing an edge", square(1, 0, 1.5, 1), map[int]float64{1: 1}},
		{"half outside", square(2.5, 0, 3.5, 1), map[int]float64{2: 0.5}},
		{"clockwise input", orb.Polygon{orb.Ring{{0.5, 0.5}, {0.5, 1.5}, {1.5, 1.5}, {1.5, 0.5}, {0.5, 0.5}}}, map[int]float64{0: 0.25, 1: 0.25, 3: 0.25, 4: 0.25}},
		{"with hole", orb.Polygon{orb.Ring{{0, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}}, orb.Ring{{0.25, 0.25}, {0.25, 0.75}, {0.75, 0.75}, {0.75, 0.25}, {0.25, 0.25}}},
			map[int]float64{0: 0.75 / 1.75, 1: 1 / 1.75}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ix.Apportion(c.g)
			sum := 0.0
			for _, s := range got {
				sum += s.Fraction
				// Latitude scaling makes the squares very slightly unequal.
				if !near(s.Fraction, c.want[s.Area], 2e-4) {
					t.Fatalf("%+v, want %v", got, c.want)
				}
			}
			if len(got) != len(c.want) || sum > 1+1e-12 {
				t.Fatalf("%+v (sum %v), want %v", got, sum, c.want)
			}
		})
	}
}

// TestApportionRealPolygons: each council district apportioned to the
// councils' layer must give shares summing to (nearly) the part of the
// district covered by councils, and a council apportioned to its own layer
// must be (nearly) wholly itself.
func TestApportionRealPolygons(t *testing.T) {
	nc, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	ix := NewIndex(nc)
	for _, i := range []int{0, 10, 50, 98} {
		a := &nc.Areas[i]
		shares := ix.Apportion(a.Geom)
		self := 0.0
		for _, s := range shares {
			if s.Area == i {
				self = s.Fraction
			}
		}
		if self < 0.7 {
			t.Errorf("%s: only %.3f of itself (%+v)", a.ID, self, shares)
		}
	}
}

func TestCrosswalkWeights(t *testing.T) {
	from := gridLayer(2)
	for i := range from.Areas {
		from.Areas[i].Population = 100
	}
	to := &Layer{Name: "halves", Areas: []Area{
		{ID: "west", Geom: orb.MultiPolygon{square(0, 0, 1, 2)}},
		{ID: "east", Geom: orb.MultiPolygon{square(1, 0, 2, 2)}},
	}}
	cw := NewCrosswalk(from, to, AreaWeighted)
	if len(cw.Rows) != 4 {
		t.Fatalf("%+v", cw.Rows)
	}
	for _, r := range cw.Rows {
		if !near(r.Weight, 1, 1e-9) || !near(r.Population, 100, 1e-6) {
			t.Fatalf("%+v", r)
		}
	}
	// Population-weighted with a finer population layer: two points in the
	// big square straddling both halves, 30 people west and 90 east.
	big := &Layer{Name: "big", Areas: []Area{{ID: "all", Geom: orb.MultiPolygon{square(0, 0, 2, 2)}, Population: 120}}}
	pop := &Layer{Name: "pts", Areas: []Area{{ID: "p", Point: orb.Point{0.5, 0.5}, Population: 30}, {ID: "q", Point: orb.Point{1.5, 1.5}, Population: 90}}}
	cw = NewCrosswalk(big, to, PopulationWeighted, pop)
	if len(cw.Rows) != 2 || !near(cw.Rows[0].Weight, 0.25, 1e-12) || !near(cw.Rows[1].Weight, 0.75, 1e-12) || !near(cw.Rows[1].Population, 90, 1e-9) {
		t.Fatalf("population weights %+v", cw.Rows)
	}
	cw = NewCrosswalk(big, to, AreaWeighted)
	if len(cw.Rows) != 2 || !near(cw.Rows[0].Weight, 0.5, 1e-4) {
		t.Fatalf("area weights %+v", cw.Rows)
	}
	var b bytes.Buffer
	cw.WriteCSV(&b)
	if !strings.HasPrefix(b.String(), "from_id,to_id,weight,population\nall,west,0.5") {
		t.Fatalf("csv %q", b.String())
	}
}

func TestSimplifyKeepsSharedBoundaries(t *testing.T) {
	l, _ := readFixture(t, "la/boundaries/council_districts_2025.geojson", ImportOptions{IDField: "District"})
	s := Simplify(l, 30)
	before, after := 0, 0
	for i := range l.Areas {
		for _, p := range l.Areas[i].Geom {
			for _, r := range p {
				before += len(r)
			}
		}
		for _, p := range s.Areas[i].Geom {
			for _, r := range p {
				after += len(r)
			}
		}
	}
	if after*2 > before {
		t.Fatalf("simplified %d vertices to %d: too little", before, after)
	}
	// Topology: neighbours stay neighbours (rook) and the simplified layer
	// has no new overlaps.
	ra, rb := Adjacency(l, Rook), Adjacency(s, Rook)
	for i := range ra {
		if fmt.Sprint(ra[i]) != fmt.Sprint(rb[i]) {
			t.Errorf("district %s: rook neighbours %v became %v", l.Areas[i].ID, ra[i], rb[i])
		}
	}
	over, _ := CheckCoverage(s)
	if len(over) > 0 {
		t.Errorf("simplification created overlaps: %+v", over[:min(3, len(over))])
	}
	t.Logf("%d vertices -> %d at 30 m", before, after)
}

func TestAssignCSVMatchesLocate(t *testing.T) {
	l, _ := readFixture(t, "la/boundaries/neighborhood_councils_2025.geojson", ImportOptions{IDField: "Name"})
	ix := NewIndex(l)
	rng := rand.New(rand.NewSource(9))
	var in strings.Builder
	in.WriteString("lat,id,lon,extra\r\n")
	const n = 150000 // several 1 MiB blocks
	xs, ys := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		xs[i], _ = strconv.ParseFloat(strconvF(-118.67+rng.Float64()*0.52), 64)
		ys[i], _ = strconv.ParseFloat(strconvF(33.70+rng.Float64()*0.64), 64)
		id := fmt.Sprint(i)
		if i%1000 == 7 {
			id = `"q,` + id + `"`
		}
		fmt.Fprintf(&in, "%s,%s,%s,x\r\n", strconvF(ys[i]), id, strconvF(xs[i]))
	}
	for _, workers := range []int{1, 2, 3} {
		var out bytes.Buffer
		st, err := AssignCSV(ix, strings.NewReader(in.String()), &out, AssignOptions{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != n+1 || st.Points != n {
			t.Fatalf("%d lines, %d points", len(lines), st.Points)
		}
		var perArea int64
		for _, c := range st.PerArea {
			perArea += c
		}
		if perArea != st.Assigned || st.Assigned+st.Outside != n {
			t.Fatalf("stats %+v", st)
		}
		for i := 0; i < n; i++ {
			want := fmt.Sprint(i) + ","
			if i%1000 == 7 {
				want = `"q,` + fmt.Sprint(i) + `",`
			}
			if a, ok := ix.Locate(xs[i], ys[i]); ok {
				want += string(csvField(l.Areas[a].ID))
			}
			if lines[i+1] != want {
				t.Fatalf("workers %d row %d: %q, want %q", workers, i, lines[i+1], want)
			}
		}
	}
}

func strconvF(f float64) string { return fmt.Sprintf("%.7f", f) }

func TestParseFloat(t *testing.T) {
	for _, s := range []string{"0", "-118.2437", "34.0522", "1e3", "-0.000001", " 12.5 ", "123456789012345678", "0.1234567890123456789", "+7", ".5", "5."} {
		got, ok := parseFloat([]byte(s))
		want, err := parseFloatRef(s)
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("%q: got %v %v, want %v %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"", "-", "abc", "1.2.3", "--1"} {
		if _, ok := parseFloat([]byte(s)); ok {
			t.Errorf("%q accepted", s)
		}
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"-118.2437", "34.05", "1e-7", "0.0", "99999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseFloat([]byte(s))
		want, err := parseFloatRef(s)
		if ok != (err == nil) {
			t.Fatalf("%q: ok %v, strconv err %v", s, ok, err)
		}
		if ok && got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("%q: %v, strconv %v", s, got, want)
		}
	})
}

func FuzzAssignCSV(f *testing.F) {
	f.Add("id,lon,lat\n1,0.5,0.5\n2,\"1.5\",0.5\n")
	f.Add("id,lat,lon\r\na,0.1,0.2\r\n")
	f.Add("\"id\",\"lon\",\"lat\"\n\"a\",0.5,1.5\n")
	ix := NewIndex(gridLayer(2))
	f.Add("id,lon,lat\n1,0.5,0.5\n2,\"open,0.5,0.5\n")
	f.Add("id,lon,lat\n1,0.5,0.5\n2,bulky\"quote,0.5\n")
	f.Fuzz(func(t *testing.T, s string) {
		var out bytes.Buffer
		st, err := AssignCSV(ix, strings.NewReader(s), &out, AssignOptions{Workers: 2, File: "f.csv"})
		if err != nil {
			var ie *budget.InputError
			if !errors.As(err, &ie) || ie.File != "f.csv" || ie.Line > 1+strings.Count(s, "\n") {
				t.Fatalf("not an input error at a line of f.csv: %v", err)
			}
			return
		}
		if got := int64(strings.Count(out.String(), "\n")) - 1; got != st.Points {
			t.Fatalf("%d rows for %d points", got, st.Points)
		}
		// the output is CSV that reads back to one row per point
		recs, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
		if err != nil || int64(len(recs)) != st.Points+1 {
			t.Fatalf("output %q: %v", out.String(), err)
		}
	})
}

func TestAssignCSVLongLine(t *testing.T) {
	ix := NewIndex(gridLayer(2))
	long := strings.Repeat("x", chunkSize+chunkSize/2)
	in := "id,lon,lat\n" + long + ",0.5,0.5\nb,1.5,0.5\n"
	var out bytes.Buffer
	st, err := AssignCSV(ix, strings.NewReader(in), &out, AssignOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Points != 2 || out.String() != "id,area_id\n"+long+",aa\nb,ba\n" {
		t.Fatalf("%d points, output %.40q...", st.Points, out.String())
	}
}

func TestAssignCSVQuotedHeader(t *testing.T) {
	ix := NewIndex(gridLayer(2))
	var out bytes.Buffer
	st, err := AssignCSV(ix, strings.NewReader("\ufeff\"id\",\"lon\",\"lat\"\n\"a\",0.5,1.5\n"), &out, AssignOptions{})
	if err != nil || st.Points != 1 || out.String() != "id,area_id\na,ab\n" {
		t.Fatalf("%v %+v %q", err, st, out.String())
	}
}
