package measures

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

func readLAFD(t *testing.T) *PublishedSet {
	t.Helper()
	path := fixture.Data(t, "la/fire/lafd_first_in_district_response_metrics_2013-01_to_2017-03.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadPublished(f, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestReadLAFD reads the real LAFD response metrics: the format is
// recognised from its headings, the 5,100 monthly rows of 102 districts
// give six values each, times are read in minutes, the 510 yearly totals
// rows are checked (counts exactly) and not stored.
func TestReadLAFD(t *testing.T) {
	set := readLAFD(t)
	if set.Name != "lafd_response" || set.Department != "Fire" || len(set.Measures) != 6 || len(set.Values) != 5100*6 {
		t.Fatalf("set %s: %d measures, %d values", set.Name, len(set.Measures), len(set.Values))
	}
	if set.First.String() != "2013-01" || set.Last.String() != "2017-02" {
		t.Fatalf("months %s to %s", set.First, set.Last)
	}
	if len(set.Checks) != 1 || !strings.HasPrefix(set.Checks[0], "510 totals rows") {
		t.Fatalf("checks %v", set.Checks)
	}
	// 2013, district 1, January: travel EMS 0:04:17, 183 EMS incidents.
	var travel, incidents float64
	for _, v := range set.Values {
		if v.Area == "1" && v.Month.String() == "2013-01" {
			switch v.Measure {
			case "ems_travel_minutes":
				travel = v.Value
			case "ems_incidents":
				incidents = v.Value
			}
		}
	}
	if math.Abs(travel-(4+17.0/60)) > 1e-12 || incidents != 183 {
		t.Fatalf("district 1, January 2013: %v minutes, %v incidents", travel, incidents)
	}
	if !strings.Contains(set.Label(), "2013-01 to 2017-02") {
		t.Fatalf("label %q", set.Label())
	}
}

// TestLAFDYearsReproduceTotals carries the LAFD set to its own districts
// (each district whole) and compares every district's yearly EMS travel
// time and incident count with the file's own "Overall" rows: counts equal,
// the incident-weighted mean of the months within 18 seconds of the
// published yearly average (the months are rounded to whole seconds).
func TestLAFDYearsReproduceTotals(t *testing.T) {
	set := readLAFD(t)
	_, rows := fixture.ReadCSV(t, fixture.Data(t, "la/fire/lafd_first_in_district_response_metrics_2013-01_to_2017-03.csv"))
	codes := map[string]int{}
	c := &Carry{Shares: map[string][]Share{}, UnitArea: map[string]float64{}}
	for _, v := range set.Values {
		if _, ok := codes[v.Area]; !ok {
			codes[v.Area] = len(codes)
			c.Shares[v.Area] = []Share{{Area: codes[v.Area], Frac: 1}}
			c.UnitArea[v.Area] = 1
		}
	}
	c.Targets = len(codes)
	cal := Calendar{Period: ByYear}
	travel, err := PublishedAreaValues(set, "ems_travel_minutes", c, cal, WeightByEvents, nil)
	if err != nil {
		t.Fatal(err)
	}
	count, err := PublishedAreaValues(set, "ems_incidents", c, cal, WeightByEvents, nil)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range rows {
		if !strings.HasPrefix(r[2], "Overall") {
			continue
		}
		a := codes[r[1]]
		want, _ := readValue(r[6], "duration")
		n, _ := strconv.ParseFloat(r[8], 64)
		if got := travel[r[0]][a]; math.Abs(got-want) > 18.0/60 {
			t.Errorf("%s district %s: %.4f minutes, published %.4f", r[0], r[1], got, want)
		}
		if got := count[r[0]][a]; got != n {
			t.Errorf("%s district %s: %v incidents, published %v", r[0], r[1], got, n)
		}
		checked++
	}
	if checked != 510 {
		t.Fatalf("%d totals rows checked", checked)
	}
}

// TestReadDerivedNC reads the derived full-year counts per neighbourhood
// council: labelled DERIVED, one value per council over 12 months, summing
// to the 1,042,202 requests of the pull.
func TestReadDerivedNC(t *testing.T) {
	path := fixture.Data(t, "la/services/la_myla311_requests_by_nc_2021-10-01_to_2022-10-01_DERIVED.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadPublished(f, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, v := range set.Values {
		sum += v.Value
		if v.Months != 12 || v.Month.String() != "2021-10" {
			t.Fatalf("value %+v", v)
		}
	}
	if !set.Derived || !strings.HasPrefix(set.Label(), "DERIVED") || len(set.Values) != 100 || sum != 1042202 {
		t.Fatalf("derived: %v %q %d %v", set.Derived, set.Label(), len(set.Values), sum)
	}
	ps, err := set.Periods("requests_all_types", Calendar{Period: ByYear}, WeightByEvents)
	if err != nil || len(ps) != 1 || ps[0].Label != "2021-10 to 2022-09" || ps[0].Coverage() != "12 months, October 2021 to September 2022" {
		t.Fatalf("periods %+v %v", ps, err)
	}
}

// TestReadPublishedErrors: a file of no known format, a totals row that
// does not add up and a bad duration are refused with their place.
func TestReadPublishedErrors(t *testing.T) {
	head := "YEAR,DISTRICT,MONTH,AVERAGE LAFD TURNOUT TIME IN DISTRICT - Non-EMS,AVERAGE LAFD TURNOUT TIME IN DISTRICT - EMS,AVERAGE LAFD TRAVEL TIME  IN DISTRICT - Non-EMS,AVERAGE LAFD TRAVEL TIME IN DISTRICT - EMS,INCIDENT COUNT IN DISTRICT - Non-EMS,INCIDENT COUNT IN DISTRICT - EMS\n"
	for _, c := range []struct{ body, want string }{
		{"a,b\n1,2\n", "known published format"},
		{head + "2013,1,Jan,0:01:22,0:01:10,0:04:39,0:04:17,45,183\n2013,1,Overall,0:01:22,0:01:10,0:04:39,0:04:17,45,184\n", "sum of its months"},
		{head + "2013,1,Jan,0:01:22,0:01:10,0:04:39,4 min,45,183\n", "h:mm:ss"},
		{head + "20x3,1,Jan,0:01:22,0:01:10,0:04:39,0:04:17,45,183\n", "year"},
	} {
		_, err := ReadPublished(strings.NewReader(c.body), "f.csv", nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.body, err, c.want)
		}
	}
}

// TestGapsSeparate: two tiers whose areas differ clearly give a gap whose
// interval excludes 0; identical tiers give none.
func TestGapsSeparate(t *testing.T) {
	m := Month(24216)
	var evs []event
	for a := int32(0); a < 10; a++ {
		for i := 0; i < 40; i++ {
			c := m.Start() + int64(i)*3600
			d := int64(86400)
			if a >= 5 {
				d = 5 * 86400
			}
			evs = append(evs, event{month: m, area: a, typ: 1, created: c, close: c + d + int64(i)*60})
		}
	}
	data := build(evs)
	defs := []*Definition{def("med", KindDays, 0.5, Filter{}), def("sc", KindShareClosed, 0, Filter{})}
	tab, err := Compute(data, Query{Layer: "areas", Groups: 10, Calendar: Calendar{Period: AllPeriods}, Measures: defs})
	if err != nil {
		t.Fatal(err)
	}
	tier := []int{1, 1, 1, 1, 1, 2, 2, 2, 2, 2}
	score := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	pop := []float64{100, 100, 100, 100, 100, 100, 100, 100, 100, 100}
	gs, err := Gaps(tab, GapOptions{Tier: tier, Tiers: 2, Score: score, Population: pop, Reps: 199, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	med, sc := gs[0], gs[1]
	if !med.Significant || *med.Gap < 3.9 || !med.ConcentrationSignificant || *med.Concentration <= 0 || !strings.HasPrefix(med.Verdict, "gap: higher") {
		t.Fatalf("median days: %+v", med)
	}
	if sc.Significant || *sc.Gap != 0 {
		t.Fatalf("share closed: %+v", sc)
	}
	gs2, _ := Gaps(tab, GapOptions{Tier: tier, Tiers: 2, Score: score, Population: pop, Reps: 199, Seed: 1})
	if *gs2[0].GapLow != *med.GapLow {
		t.Fatal("the same seed gave another interval")
	}
}
