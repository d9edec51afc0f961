package attribute

import (
	"bytes"
	"fmt"
	"github.com/budgetlens/budgetlens/internal/yamldoc"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/paulmach/orb"
)

func TestSplitCentsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 20000 {
		n := 1 + rng.IntN(12)
		w := make([]float64, n)
		for i := range w {
			switch rng.IntN(4) {
			case 0:
				w[i] = 0
			case 1:
				w[i] = 1 // ties
			default:
				w[i] = rng.Float64() * math.Pow(10, float64(rng.IntN(8)))
			}
		}
		rest := 0.0
		if rng.IntN(3) == 0 {
			rest = rng.Float64()
		}
		cents := rng.Int64N(1_000_000_000_000) - 300_000_000_000
		if trial%7 == 0 {
			cents = rng.Int64N(20) - 10
		}
		parts, rc := SplitCents(cents, w, rest)
		var s int64
		total := rest
		for _, x := range w {
			total += x
		}
		for i, p := range parts {
			s += p
			if w[i] == 0 && p != 0 {
				t.Fatalf("zero weight got %d cents: w=%v cents=%d", p, w, cents)
			}
			if total > 0 {
				exact := float64(cents) * w[i] / total
				if math.Abs(float64(p)-exact) >= 1+1e-6*math.Abs(exact) {
					t.Fatalf("part %d = %d, exact quota %v (w=%v, cents=%d)", i, p, exact, w, cents)
				}
			}
		}
		if s+rc != cents {
			t.Fatalf("parts %v + rest %d = %d, want %d", parts, rc, s+rc, cents)
		}
		if rest == 0 && total > 0 && rc != 0 {
			t.Fatalf("no rest weight but %d rest cents", rc)
		}
	}
}

func TestSplitCentsTies(t *testing.T) {
	// 100 cents in three equal parts: 34, 33, 33 (ties go to the lower position).
	parts, rest := SplitCents(100, []float64{1, 1, 1}, 0)
	if parts[0] != 34 || parts[1] != 33 || parts[2] != 33 || rest != 0 {
		t.Errorf("got %v rest %d", parts, rest)
	}
	parts, rest = SplitCents(-100, []float64{1, 1, 1}, 0)
	if parts[0] != -34 || parts[1] != -33 || parts[2] != -33 || rest != 0 {
		t.Errorf("negative: got %v rest %d", parts, rest)
	}
	// Half outside: 101 cents -> 51 inside, 50 rest (the rest bucket loses ties).
	parts, rest = SplitCents(101, []float64{0.5}, 0.5)
	if parts[0] != 51 || rest != 50 {
		t.Errorf("rest: got %v rest %d", parts, rest)
	}
	parts, rest = SplitCents(7, []float64{0, 0}, 0)
	if parts[0] != 0 || rest != 7 {
		t.Errorf("no weight: got %v rest %d", parts, rest)
	}
}

func TestParseAreaCodes(t *testing.T) {
	cases := []struct {
		in   string
		want string // code:share percent, comma separated
	}{
		{"5", "5:100"},
		{"5, 11", "5:50,11:50"},
		{"8,9", "8:50,9:50"},
		{"4,5, 14", "4:33.3,5:33.3,14:33.3"},
		{"2,3,5,6,7,& 12", "2:16.7,3:16.7,5:16.7,6:16.7,7:16.7,12:16.7"},
		{"1, 5, 9, 10, 11 & 14", "1:16.7,5:16.7,9:16.7,10:16.7,11:16.7,14:16.7"},
		{"5:60, 11:40", "5:60,11:40"},
		{"5=3, 11=1", "5:75,11:25"},
		{"CW", "CW:100"},
		{"citywide", "CW:100"},
		{"5, 5", "5:100"},
		{"", ""},
		{"N", ""},
	}
	for _, c := range cases {
		got, err := ParseAreaCodes(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		var parts []string
		for _, g := range got {
			parts = append(parts, g.Code+":"+strings.TrimSuffix(strings.TrimSuffix(strconvF(g.Share*100), "0"), "."))
		}
		if s := strings.Join(parts, ","); s != c.want {
			t.Errorf("%q: %s, want %s", c.in, s, c.want)
		}
	}
	for _, bad := range []string{"5:60, 11", "5:-1", "5:x", ",,"} {
		if got, err := ParseAreaCodes(bad); err == nil && len(got) > 0 {
			t.Errorf("%q: no error (%v)", bad, got)
		}
	}
}

func strconvF(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64) }

func TestParseRulesEmbedded(t *testing.T) {
	r, err := laRules()
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || len(r.Rules) < 10 || len(r.Hash) != 64 {
		t.Fatalf("version %d, %d rules, hash %q", r.Version, len(r.Rules), r.Hash)
	}
	for _, c := range []struct {
		it   Item
		rule string
	}{
		{Item{DeptCode: "70", DeptName: "Police"}, "police-per-capita"},
		{Item{DeptCode: "56LVL4", AccountName: "Homeless Shelter Program"}, "gcp-homelessness"},
		{Item{DeptCode: "56LVL4", AccountName: "COVID-19 Emergency Response"}, "general-city-purposes-per-capita"},
		{Item{DeptName: "bureau of sanitation"}, "sanitation-by-demand"},
		{Item{DeptCode: "94", ProgramCode: "LADOT-CAP"}, "ladot-capital-projects"},
		{Item{DeptCode: "94", ProgramCode: "9405"}, "transportation-by-land-area"},
		{Item{DeptCode: "ZZ"}, "default"},
	} {
		if got := r.Select(&c.it).Name; got != c.rule {
			t.Errorf("%+v: rule %s, want %s", c.it, got, c.rule)
		}
	}
}

func TestRulePrecedence(t *testing.T) {
	src := `version: 1
name: t
rules:
  - name: dept
    match: {department: "10"}
    method: per_capita
  - name: dept-and-fund
    match: {department: "10", fund: "100"}
    method: per_capita
  - name: program
    match: {program: "P1"}
    method: per_capita
  - name: program-again
    match: {program: "P1"}
    method: not_attributable
  - name: account
    match: {account: ["A1", "Salaries"]}
    method: not_attributable
  - name: request
    match: {request: "R1"}
    method: per_capita
`
	r, err := ParseRules([]byte(src), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		it   Item
		want string
	}{
		{Item{DeptCode: "10"}, "dept"},
		{Item{DeptCode: "10", FundCode: "100"}, "dept-and-fund"},
		{Item{DeptCode: "10", FundCode: "100", ProgramCode: "P1"}, "program"},
		{Item{DeptCode: "10", ProgramCode: "P1", AccountName: "salaries"}, "account"},
		{Item{DeptCode: "10", ProgramCode: "P1", AccountCode: "A1", Request: "R1"}, "request"},
		{Item{DeptCode: "11"}, "default"},
	} {
		if got := r.Select(&c.it).Name; got != c.want {
			t.Errorf("%+v: %s, want %s", c.it, got, c.want)
		}
	}
}

func TestParseRulesErrors(t *testing.T) {
	cases := []struct{ src, field string }{
		{"version: 2\nname: x\n", "version"},
		{"version: 1\nrules:\n  - name: a\n    match: {department: x}\n    method: teleport\n", "method"},
		{"version: 1\nrules:\n  - name: a\n    match: {division: x}\n    method: per_capita\n", "match"},
		{"version: 1\nrules:\n  - name: a\n    method: per_capita\n", "match"},
		{"version: 1\nrules:\n  - name: a\n    match: {department: x}\n    method: per_asset\n", "attribute"},
		{"version: 1\nrules:\n  - name: a\n    match: {department: x}\n    method: per_capita\n  - name: a\n    match: {department: y}\n    method: per_capita\n", "name"},
		{"version: 1\nrulez: []\n", ""},
	}
	for _, c := range cases {
		_, err := ParseRules([]byte(c.src), "r.yaml")
		ie, ok := err.(*budget.InputError)
		if !ok {
			t.Errorf("%q: error %v, want an InputError", c.src, err)
			continue
		}
		if ie.File != "r.yaml" || ie.Field != c.field {
			t.Errorf("%q: %v (field %q, want %q)", c.src, err, ie.Field, c.field)
		}
		if strings.Contains(c.src, "rules:\n  - name: a\n    match") && c.field != "name" && ie.Line != 3 {
			t.Errorf("%q: line %d, want 3", c.src, ie.Line)
		}
	}
}

// laDistricts reads the 15 council districts with their 2023 populations
// summed from the tracts whose interior points fall in them.
func laDistricts(t testing.TB) *Areas {
	t.Helper()
	l, _, err := geo.ReadFile(fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), geo.ImportOptions{Layer: "council_districts", IDField: "District"})
	if err != nil {
		t.Fatal(err)
	}
	ix := geo.NewIndex(l)
	places, err := events.TractPlaces(fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range places {
		if a, ok := ix.Locate(p.Lon, p.Lat); ok {
			l.Areas[a].Population += p.Weight
		}
	}
	return NewAreas(l, ix)
}

func checkIdentity(t *testing.T, items []Item, res *Result) {
	t.Helper()
	want := map[string]int64{}
	var total int64
	for _, it := range items {
		want[it.Dept()] += it.Cents
		total += it.Cents
	}
	if res.Total.Total != total || res.Total.Attributed+res.Total.Unattributed != total {
		t.Fatalf("overall: total %d attributed %d + unattributed %d, items sum to %d", res.Total.Total, res.Total.Attributed, res.Total.Unattributed, total)
	}
	var placed, unplaced, byArea int64
	for _, p := range res.Placements {
		placed += p.Cents
	}
	for _, u := range res.Unattributed {
		unplaced += u.Cents
		if u.Reason == "" {
			t.Errorf("unattributed %+v has no reason", u)
		}
	}
	for _, c := range res.ByArea {
		byArea += c
	}
	if placed != res.Total.Attributed || unplaced != res.Total.Unattributed || byArea != placed {
		t.Fatalf("placements %d, by area %d, attributed %d; unattributed rows %d vs %d", placed, byArea, res.Total.Attributed, unplaced, res.Total.Unattributed)
	}
	for _, d := range res.Departments {
		if d.Total != want[d.Dept] || d.Attributed+d.Unattributed != d.Total {
			t.Errorf("dept %s: total %d (items %d), attributed %d + unattributed %d", d.Dept, d.Total, want[d.Dept], d.Attributed, d.Unattributed)
		}
	}
}

// TestLADOTProjects attributes the 136 funded LADOT projects to the
// council districts by geometry and checks the accounting to the cent.
func TestLADOTProjects(t *testing.T) {
	ps, err := ReadProjects(fixture.Data(t, "la/projects/ladot_atd_projects_funded.csv"), fixture.Data(t, "la/projects/ladot_atd_projects_funded.geojson"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 136 {
		t.Fatalf("%d projects", len(ps))
	}
	local, mega := ProjectItems(ps)
	var megaTitles []string
	var megaCents, allCents int64
	for _, p := range ps {
		allCents += p.Cents
		if p.Mega {
			megaTitles = append(megaTitles, p.Title)
			megaCents += p.Cents
		}
	}
	if len(mega) != 4 || len(local) != 132 {
		t.Errorf("megaprojects %d (%q), local %d", len(mega), megaTitles, len(local))
	}
	rules, err := laRules()
	if err != nil {
		t.Fatal(err)
	}
	areas := laDistricts(t)
	res, err := Attribute(local, rules, areas)
	if err != nil {
		t.Fatal(err)
	}
	checkIdentity(t, local, res)
	resMega, err := Attribute(mega, rules, areas)
	if err != nil {
		t.Fatal(err)
	}
	checkIdentity(t, mega, resMega)
	if res.Total.ByMethod[Geometry] == 0 {
		t.Error("no dollars placed by geometry")
	}
	t.Logf("projects $%.1fM, megaprojects %d ($%.1fM, %.1f%%): %q", float64(allCents)/1e8, len(mega), float64(megaCents)/1e8, 100*float64(megaCents)/float64(allCents), megaTitles)
	t.Logf("local projects: $%.2fM, attributed %.2f%% (by method %v), unattributed $%.2fM in %d parts", float64(res.Total.Total)/1e8, 100*res.Total.AttributedShare, res.Total.ByMethod, float64(res.Total.Unattributed)/1e8, len(res.Unattributed))
	for _, u := range res.Unattributed {
		t.Logf("  unattributed %s $%.2f: %s", u.Item, float64(u.Cents)/100, u.Reason)
	}
	// A project in one district by its point must land in that district.
	agree, single := 0, 0
	byItem := map[string][]Placement{}
	for _, p := range res.Placements {
		byItem[p.Item] = append(byItem[p.Item], p)
	}
	for _, it := range local {
		codes, _ := ParseAreaCodes(it.AreaCodes)
		if _, ok := it.Geom.(orb.Point); !ok || len(codes) != 1 || codes[0].Citywide {
			continue
		}
		single++
		if pl := byItem[it.ID]; len(pl) == 1 && pl[0].AreaID == codes[0].Code {
			agree++
		}
	}
	t.Logf("point projects with one stated district: %d of %d placed in that district", agree, single)
	if single > 0 && agree*10 < single*8 {
		t.Errorf("only %d of %d point projects fall in their stated district", agree, single)
	}
}

// TestAttributeAllMethods runs random items through every method and checks
// the identity to the cent, per department and overall.
func TestAttributeAllMethods(t *testing.T) {
	areas := laDistricts(t)
	n := len(areas.Layer.Areas)
	areas.Demand["Graffiti Removal"] = make([]float64, n)
	areas.Demand["Bulky Items"] = make([]float64, n)
	for i := range n {
		areas.Demand["Graffiti Removal"][i] = float64(i * 10)
		areas.Demand["Bulky Items"][i] = float64(100 - i)
	}
	src := `version: 1
name: all
rules:
  - name: geom
    match: {department: G}
    method: geometry
    fallback: per_capita
  - name: codes
    match: {department: C}
    method: area_codes
    shares: {"5": 3, "11": 1}
  - name: cap
    match: {department: P}
    method: per_capita
  - name: demand
    match: {department: D}
    method: per_demand
    event_types: [Graffiti Removal]
  - name: demand-none
    match: {department: D, program: none}
    method: per_demand
    event_types: [No Such Type]
  - name: asset
    match: {department: A}
    method: per_asset
    attribute: area_km2
  - name: asset-missing
    match: {department: A, program: missing}
    method: per_asset
    attribute: park_acres
    fallback: per_capita
  - name: none
    match: {department: N}
    method: not_attributable
    reason: test
`
	rules, err := ParseRules([]byte(src), "all.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	depts := []string{"G", "C", "P", "D", "A", "N", "X"}
	codes := []string{"5", "5, 11", "CW", "1, 5, 9, 10, 11 & 14", "99", "5:70, 99:30", "", "2,3,& 12"}
	var items []Item
	for i := range 3000 {
		it := Item{ID: "i" + string(rune('A'+i%26)) + string(rune('0'+i%10)), DeptCode: depts[rng.IntN(len(depts))], Cents: rng.Int64N(2_000_000_00) - 20_000_00}
		switch rng.IntN(3) {
		case 0:
			it.Geom = orb.Point{-118.6 + 0.5*rng.Float64(), 33.7 + 0.6*rng.Float64()} // some outside the city
		case 1:
			it.Geom = orb.LineString{{-118.3, 34.0}, {-118.3 + 0.4*rng.Float64(), 34.0 + 0.3*rng.Float64()}}
		}
		it.AreaCodes = codes[rng.IntN(len(codes))]
		if rng.IntN(4) == 0 {
			it.ProgramCode = []string{"none", "missing"}[rng.IntN(2)]
		}
		items = append(items, it)
	}
	res, err := Attribute(items, rules, areas)
	if err != nil {
		t.Fatal(err)
	}
	checkIdentity(t, items, res)
	for _, m := range []string{Geometry, AreaCodes, PerCapita, PerDemand, PerAsset} {
		if res.Total.ByMethod[m] == 0 {
			t.Errorf("method %s placed nothing", m)
		}
	}
	reasons := map[string]bool{}
	for _, u := range res.Unattributed {
		reasons[strings.SplitN(u.Reason, " ", 4)[0]+" "+u.Rule] = true
	}
	t.Logf("attributed %.1f%%; by method %v; %d unattributed parts; reasons %v", 100*res.Total.AttributedShare, res.Total.ByMethod, len(res.Unattributed), reasons)
	// Stated shares 3:1 between districts 5 and 11.
	one := []Item{{ID: "s", DeptCode: "C", Cents: 1000_01, AreaCodes: "5, 11"}}
	r1, _ := Attribute(one, rules, areas)
	got := map[string]int64{}
	for _, p := range r1.Placements {
		got[p.AreaID] = p.Cents
	}
	if got["5"] != 750_01 || got["11"] != 250_00 {
		t.Errorf("stated shares: %v", got)
	}
}

func FuzzParseAreaCodes(f *testing.F) {
	for _, s := range []string{"5, 11", "CW", "5:60, 11:40", "2,3,5,6,7,& 12", "x=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseAreaCodes(s)
		if err != nil || len(cs) == 0 {
			return
		}
		var sum float64
		for _, c := range cs {
			if !(c.Share > 0) {
				t.Fatalf("%q: share %v", s, c.Share)
			}
			sum += c.Share
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("%q: shares sum to %v", s, sum)
		}
	})
}

func FuzzParseRules(f *testing.F) {
	data, err := laRulesYAML()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("version: 1\nrules:\n  - match: {department: x}\n    method: per_capita\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRules(b, "f.yaml")
		if err != nil {
			return
		}
		it := Item{DeptCode: "70", DeptName: "Police"}
		if r.Select(&it) == nil {
			t.Fatal("no rule selected")
		}
	})
}

// TestTractsWithDistrictCodes places district-coded items on a tract layer
// (interior points) through the containment crosswalk, with demand from
// service events, and checks the identity and that each district's dollars
// stay in its tracts.
func TestTractsWithDistrictCodes(t *testing.T) {
	districts := laDistricts(t)
	places, err := events.TractPlaces(fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	if err != nil {
		t.Fatal(err)
	}
	tl := &geo.Layer{Name: "tracts"}
	for _, p := range places {
		if _, ok := districts.Index.Locate(p.Lon, p.Lat); ok {
			tl.Areas = append(tl.Areas, geo.Area{ID: p.ID, Point: orb.Point{p.Lon, p.Lat}, Population: p.Weight})
		}
	}
	areas := NewAreas(tl, nil)
	areas.CodesByContainment(districts.Layer)
	if len(areas.Codes) != len(tl.Areas)+15 {
		t.Fatalf("%d codes for %d tracts + 15 districts", len(areas.Codes), len(tl.Areas))
	}
	// Demand: 100 graffiti requests at the first tract's point.
	var sum events.Summary
	for i, a := range tl.Areas {
		as := events.AreaSummary{AreaID: a.ID, ByType: map[string]int{}}
		if i == 0 {
			as.ByType["Graffiti Removal"] = 100
		}
		sum.Areas = append(sum.Areas, as)
	}
	if !areas.AddDemand(&sum) {
		t.Fatal("AddDemand refused a summary of the same layer")
	}
	rules, _ := ParseRules([]byte("version: 1\nname: t\nrules:\n  - name: c\n    match: {department: C}\n    method: area_codes\n  - name: d\n    match: {department: D}\n    method: per_demand\n"), "t.yaml")
	items := []Item{{ID: "a", DeptCode: "C", Cents: 123456789, AreaCodes: "5, 11"}, {ID: "b", DeptCode: "C", Cents: 1000, AreaCodes: "CW"},
		{ID: "c", DeptCode: "D", Cents: 555}, {ID: "d", DeptCode: "C", Cents: 999, AreaCodes: "77"}}
	res, err := Attribute(items, rules, areas)
	if err != nil {
		t.Fatal(err)
	}
	checkIdentity(t, items, res)
	d5, _ := districts.Layer.Index("5")
	d11, _ := districts.Layer.Index("11")
	var in5, in11 int64
	for _, p := range res.Placements {
		if p.Item != "a" {
			continue
		}
		pt := tl.Areas[p.Area].Point
		switch a, _ := districts.Index.Locate(pt[0], pt[1]); a {
		case d5:
			in5 += p.Cents
		case d11:
			in11 += p.Cents
		default:
			t.Errorf("item a placed in tract %s outside districts 5 and 11", p.AreaID)
		}
	}
	if in5+in11 != 123456789 || in5 < 61728394-1 || in5 > 61728395 {
		t.Errorf("district 5 got %d, district 11 %d", in5, in11)
	}
	for _, p := range res.Placements {
		if p.Item == "c" && (p.Area != 0 || p.Cents != 555) {
			t.Errorf("demand item placed %+v", p)
		}
	}
	if len(res.Unattributed) != 1 || res.Unattributed[0].Item != "d" {
		t.Errorf("unattributed %+v", res.Unattributed)
	}
}

func TestAreaKM2(t *testing.T) {
	areas := laDistricts(t)
	v, err := areas.asset("area_km2")
	if err != nil {
		t.Fatal(err)
	}
	total := sum(v)
	// The City of Los Angeles covers about 1,302 km² of land and water (469 sq mi).
	if total < 1200 || total > 1320 {
		t.Errorf("council districts cover %.0f km²", total)
	}
	pt := &geo.Layer{Name: "p", Areas: []geo.Area{{ID: "a", Point: orb.Point{-118, 34}, Attrs: map[string]string{"ALAND20": "2,500,000"}},
		{ID: "b", Point: orb.Point{-118, 34}, Attrs: map[string]string{"LandSqMile": "1"}}, {ID: "c", Point: orb.Point{-118, 34}}}}
	pv, err := NewAreas(pt, nil).asset("area_km2")
	if err != nil {
		t.Fatal(err)
	}
	if pv[0] != 2.5 || math.Abs(pv[1]-2.589988) > 1e-6 || pv[2] != 0 {
		t.Errorf("point areas: %v", pv)
	}
	t.Logf("council districts: %.1f km² in total", total)
}

func FuzzParseDollars(f *testing.F) {
	for _, s := range []string{"1320000", "   $ 783,000", "    1,500,000", "960000.0", "", "NA", "-5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseDollars(s)
		if err == nil && strings.TrimSpace(s) == "" && c != 0 {
			t.Fatalf("%q: %d", s, c)
		}
	})
}

func TestParseDollars(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"1320000", 132000000}, {"   $ 783,000", 78300000}, {"    1,500,000", 150000000}, {"960000.0", 96000000}, {"0.105", 11}, {"", 0}, {"NA", 0}} {
		if got, err := parseDollars(c.in); err != nil || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.in, got, err, c.want)
		}
	}
	if _, err := parseDollars("Fed SRTS Cycle3"); err == nil {
		t.Error("text accepted as an amount")
	}
}

// TestLADemoRulesOnAdoptedBudget runs the embedded demo rules over every
// line of the real FY2021-22 adopted Section 2 budget, with service demand
// from a synthetic set of requests, on the council districts. Every
// department must be named by a rule, and the accounting must hold to the cent.
func TestLADemoRulesOnAdoptedBudget(t *testing.T) {
	path := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")
	col, recs := fixture.ReadCSV(t, path)
	var items []Item
	for n, r := range recs {
		if r[col["Dept Code"]] == "" {
			continue // the file's grand-total row
		}
		cents, err := parseDollars(r[col["2021-22 Adopted"]])
		if err != nil {
			t.Fatalf("line %d: %v", n+2, err)
		}
		items = append(items, Item{ID: strconv.Itoa(n + 2), DeptCode: r[col["Dept Code"]], DeptName: r[col["Dept Name"]],
			ProgramCode: r[col["Prog Code"]], ProgramName: r[col["Prog Name"]], FundCode: r[col["Fund Code"]], FundName: r[col["Fund Name"]],
			AccountCode: r[col["Account Code"]], AccountName: r[col["Account Name"]], Cents: cents})
	}
	areas := laDistricts(t)
	places, _ := events.TractPlaces(fixture.Data(t, "la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"), "037")
	var buf bytes.Buffer
	if _, err := events.Generate(&buf, events.GenOptions{Rows: 50000, Seed: 1, Places: places}); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(areas.Layer.Areas))
	for i, a := range areas.Layer.Areas {
		ids[i] = a.ID
	}
	sum, err := events.Summarize(&buf, "synthetic.csv", events.Options{Locator: areas.Index, AreaIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if !areas.AddDemand(sum) {
		t.Fatal("AddDemand refused the summary")
	}
	rules, _ := laRules()
	res, err := Attribute(items, rules, areas)
	if err != nil {
		t.Fatal(err)
	}
	checkIdentity(t, items, res)
	unnamed := map[string]bool{}
	for i := range items {
		if rules.Select(&items[i]).Name == "default" {
			unnamed[items[i].DeptCode+" "+items[i].DeptName] = true
		}
	}
	if len(unnamed) > 0 {
		t.Errorf("departments no demo rule names: %v", unnamed)
	}
	for _, m := range []string{PerCapita, PerDemand, PerAsset} {
		if res.Total.ByMethod[m] <= 0 {
			t.Errorf("no dollars placed %s", m)
		}
	}
	// the classes, summed independently (Python, from the account names of
	// the file's adopted column): each is applied inside every department
	for class, want := range map[string]int64{"benefits": 229068296400, "debt service": 65321291400, "reserves": 100007422100,
		"reimbursements": 48757826900, "transfers": 10000000, "capital": 42197807800, Operating: 662666166700} {
		if res.ByClass[class] != want {
			t.Errorf("class %s: %d cents, want %d", class, res.ByClass[class], want)
		}
	}
	for _, u := range res.Placements {
		if k := rules.ClassKind(u.Class); k == ClassExcluded {
			t.Fatalf("a line of excluded class %s was placed: %+v", u.Class, u)
		}
	}
	parks := false
	for _, fb := range res.Fallbacks {
		t.Logf("fallback: rule %s placed %d items ($%.1f M) by %s: %s", fb.Rule, fb.Items, float64(fb.Cents)/1e8, fb.Fallback, fb.Reason)
		parks = parks || fb.Rule == "parks-by-acres" && fb.Fallback == PerCapita && strings.Contains(fb.Reason, "park_acres")
	}
	if !parks {
		t.Error("the parks rule's fallback (no park_acres attribute) is not reported")
	}
	t.Logf("%d line items, $%.1f M; attributed %.1f%% ($%.1f M); by method (M$): capita %.1f demand %.1f asset %.1f",
		len(items), float64(res.Total.Total)/1e8, 100*res.Total.AttributedShare, float64(res.Total.Attributed)/1e8,
		float64(res.Total.ByMethod[PerCapita])/1e8, float64(res.Total.ByMethod[PerDemand])/1e8, float64(res.Total.ByMethod[PerAsset])/1e8)
}

// laRulesYAML returns the rules block of the Los Angeles city profile, with
// the profile's line numbers.
func laRulesYAML() ([]byte, error) {
	data, err := os.ReadFile("../city/profiles/la.yaml")
	if err != nil {
		return nil, err
	}
	block, ok := yamldoc.Section(data, "rules")
	if !ok {
		return nil, fmt.Errorf("la.yaml has no rules block")
	}
	return block, nil
}

// laRules parses the rules of the Los Angeles city profile.
func laRules() (*Rules, error) {
	b, err := laRulesYAML()
	if err != nil {
		return nil, err
	}
	return ParseRules(b, "city/profiles/la.yaml")
}
