package measures

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNearestRank: the rank of the q-quantile is max(1, ceil(q n)), at most
// n, with q n read exactly (0.7 x 10 is 7, not 8).
func TestNearestRank(t *testing.T) {
	for _, c := range []struct {
		q    float64
		n, k int64
	}{{0.5, 1, 1}, {0.5, 2, 1}, {0.5, 3, 2}, {0.5, 10, 5}, {0.9, 10, 9}, {0.9, 11, 10}, {0.7, 10, 7}, {0, 5, 1}, {1, 5, 5}, {0.9, 1, 1}, {0.95, 20, 19}} {
		if k := NearestRank(c.q, c.n); k != c.k {
			t.Errorf("NearestRank(%v, %d) = %d, want %d", c.q, c.n, k, c.k)
		}
	}
}

// event is one request of a synthetic test partition.
type event struct {
	month          Month
	area           int32
	typ, src       uint16
	created, close int64 // close 0: open
	place          uint64
	synthetic      bool
}

// build makes the data of a set of events: a dictionary of three types and
// two sources, one partition per month over one layer of n areas.
func build(evs []event) *Data {
	d := NewDictionary()
	for _, n := range []string{"Bulky Items", "Graffiti Removal", "Graffiti"} {
		d.ID(NameType, n)
	}
	for _, n := range []string{"Call", "Mobile App"} {
		d.ID(NameSource, n)
	}
	parts := map[Month]*Partition{}
	for i, e := range evs {
		p := parts[e.month]
		if p == nil {
			p = NewPartition(e.month, []LayerRef{{Name: "areas", Hash: "h"}})
			parts[e.month] = p
		}
		r := Row{Seq: int64(i + 1), Type: e.typ, Source: e.src, Created: e.created, Closed: e.close, Place: e.place, Area: []int32{e.area}, How: []uint8{1}}
		if e.synthetic {
			r.Flags |= FlagSynthetic
		}
		p.Append(&r)
	}
	data := &Data{Dict: d}
	var months []Month
	for m := range parts {
		months = append(months, m)
	}
	slices.Sort(months)
	for _, m := range months {
		data.Parts = append(data.Parts, parts[m])
		data.Sums = append(data.Sums, parts[m].Summary())
		for _, e := range evs {
			data.AsOf = max(data.AsOf, e.created, e.close)
		}
	}
	return data
}

// randomEvents are n requests over months m0..m0+span-1 in areas 0..3,
// some open, some repeating at a few places.
func randomEvents(rng *rand.Rand, n int, m0 Month, span int) []event {
	var evs []event
	for i := 0; i < n; i++ {
		m := m0 + Month(rng.IntN(span))
		c := m.Start() + rng.Int64N(m.End()-m.Start())
		e := event{month: m, area: int32(rng.IntN(4)), typ: uint16(1 + rng.IntN(3)), src: uint16(1 + rng.IntN(2)), created: c, place: uint64(1 + rng.IntN(50))}
		if rng.Float64() < 0.8 {
			e.close = c + rng.Int64N(40*86400)
		}
		if i%7 == 0 {
			e.area = -1
		}
		evs = append(evs, e)
	}
	return evs
}

func def(id, kind string, q float64, f Filter) *Definition {
	return &Definition{ID: id, Name: id, Kind: kind, Quantile: q, Filter: f}
}

// TestComputeAgainstDirectCount computes measures by area, type and month
// and checks every cell against a direct count over the events: counts,
// closed, exact nearest-rank quantiles, the on-time share against a
// service level, and the backlog at each month's end (open then, from any
// earlier month) with its mean age.
func TestComputeAgainstDirectCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	evs := randomEvents(rng, 3000, MonthOf(time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)), 5)
	data := build(evs)
	svc := &Services{RequestTypes: []RequestType{{Name: "Graffiti Removal", Aliases: []string{"Graffiti"}, OnTime: &ServiceLevel{Days: 2, Illustrative: true}}}}
	defs := []*Definition{def("med", KindDays, 0.5, Filter{}), def("p90", KindDays, 0.9, Filter{}), def("ontime", KindOnTime, 0, Filter{}),
		def("backlog", KindBacklog, 0, Filter{}), def("age", KindBacklogAge, 0, Filter{}), def("closed", KindShareClosed, 0, Filter{}),
		def("gmed", KindDays, 0.5, Filter{Types: []string{"Graffiti Removal"}})}
	tab, err := Compute(data, Query{Layer: "areas", Groups: 4, ByType: true, Calendar: Calendar{Period: ByMonth}, Measures: defs, Services: svc})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(tab.Types, "Graffiti") {
		t.Fatalf("the alias was not folded into its type: %v", tab.Types)
	}
	canon := func(typ uint16) string { return svc.Canonical(data.Dict.Name(NameType, typ)) }
	checked, rich := 0, 0
	for i, c := range tab.Cells {
		var durs []float64
		var req, closed, onTime, base, backlog int64
		var age float64
		_, last := tab.Calendar.Months(c.Period)
		end := min(last.End(), data.AsOf+1)
		for _, e := range evs {
			if e.area != c.Group || canon(e.typ) != tab.TypeName(c) {
				continue
			}
			if e.created <= end-1 && e.month <= last && (e.close == 0 || e.close >= last.End() && last.End() <= data.AsOf) {
				backlog++
				age += float64(end-e.created) / 86400
			}
			if int32(e.month) != c.Period {
				continue
			}
			req++
			if e.close != 0 {
				closed++
				durs = append(durs, float64(e.close-e.created))
				if canon(e.typ) == "Graffiti Removal" {
					base++
					if e.close-e.created <= 2*86400 {
						onTime++
					}
				}
			}
		}
		r, cl := tab.Counts(i)
		if r != req || cl != closed {
			t.Fatalf("cell %+v: %d requests, %d closed; want %d, %d", c, r, cl, req, closed)
		}
		slices.Sort(durs)
		for m, q := range map[int]float64{0: 0.5, 1: 0.9} {
			v := tab.Value(m, i)
			if len(durs) == 0 {
				if !v.Missing {
					t.Fatalf("cell %+v: a quantile of nothing", c)
				}
				continue
			}
			want := durs[NearestRank(q, int64(len(durs)))-1] / 86400
			if v.Missing || v.V != want {
				t.Fatalf("cell %+v quantile %v: %v, want %v", c, q, v, want)
			}
		}
		if g, m := tab.Value(6, i), tab.Value(0, i); tab.TypeName(c) == "Graffiti Removal" && (g.Missing != m.Missing || g.V != m.V) ||
			tab.TypeName(c) != "Graffiti Removal" && !g.Missing {
			t.Fatalf("cell %+v: graffiti median %v, median %v", c, g, m)
		}
		if v := tab.Value(2, i); base > 0 && (v.Missing || math.Abs(v.V-float64(onTime)/float64(base)) > 1e-12) || base == 0 && !v.Missing {
			t.Fatalf("cell %+v on time: %v, want %d/%d", c, v, onTime, base)
		}
		if v := tab.Value(3, i); v.V != float64(backlog) {
			t.Fatalf("cell %+v backlog: %v, want %d", c, v, backlog)
		}
		if v := tab.Value(4, i); backlog > 0 && math.Abs(v.V-age/float64(backlog)) > 1e-6 {
			t.Fatalf("cell %+v backlog age: %v, want %v", c, v.V, age/float64(backlog))
		}
		checked++
		if backlog > 0 && base > 0 {
			rich++
		}
	}
	if checked < 40 || rich < 10 || tab.Unplaced == 0 {
		t.Fatalf("only %d cells, %d with a backlog and a service level (%d unplaced)", checked, rich, tab.Unplaced)
	}
}

// TestPoolEqualsExpanded: pooling cells with multiplicities gives what one
// cell holding every value that many times gives (the bootstrap's replicate).
func TestPoolEqualsExpanded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	evs := randomEvents(rng, 800, 24216, 1)
	data := build(evs)
	defs := []*Definition{def("med", KindDays, 0.5, Filter{}), def("p90", KindDays, 0.9, Filter{}), def("sc", KindShareClosed, 0, Filter{})}
	tab, err := Compute(data, Query{Layer: "areas", Groups: 4, Calendar: Calendar{Period: AllPeriods}, Measures: defs})
	if err != nil {
		t.Fatal(err)
	}
	for trial := 0; trial < 50; trial++ {
		var cells, mult []int
		var all []float64
		var req, closed int64
		for i := range tab.Cells {
			k := rng.IntN(3)
			cells, mult = append(cells, i), append(mult, k)
			for _, e := range evs {
				if e.area == tab.Cells[i].Group {
					for j := 0; j < k; j++ {
						req++
						if e.close != 0 {
							closed++
							all = append(all, float64(e.close-e.created)/86400)
						}
					}
				}
			}
		}
		slices.Sort(all)
		for m, q := range []float64{0.5, 0.9} {
			v := tab.Pool(m, cells, mult)
			if len(all) == 0 {
				continue
			}
			if want := all[NearestRank(q, int64(len(all)))-1]; v.V != want {
				t.Fatalf("trial %d quantile %v: %v, want %v", trial, q, v.V, want)
			}
		}
		if v := tab.Pool(2, cells, mult); req > 0 && v.V != float64(closed)/float64(req) {
			t.Fatalf("share closed %v, want %d/%d", v.V, closed, req)
		}
	}
}

// TestPartitionRoundTrip: Encode and Decode are inverse; Update replaces
// by Seq and keeps Seq ascending; Remove drops; Align reorders and refuses
// a stale layer; damaged bytes are refused, never a panic.
func TestPartitionRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	data := build(randomEvents(rng, 500, 24216, 1))
	p := data.Parts[0]
	p.SetLayer(LayerRef{Name: "second", Hash: "x"}, make([]int32, p.Len()), make([]uint8, p.Len()))
	q, err := DecodePartition(p.Encode())
	if err != nil || !reflect.DeepEqual(p, q) {
		t.Fatalf("round trip: %v", err)
	}
	s := p.Summary()
	s2, err := DecodeSummary(s.Encode())
	if err != nil || !reflect.DeepEqual(s, s2) {
		t.Fatalf("summary round trip: %v", err)
	}
	row := q.Row(3)
	row.Closed = row.Created + 60
	if n := q.Update([]Row{row, {Seq: 10_000, Created: row.Created, Area: []int32{1, 0}, How: []uint8{1, 1}}}); n != 1 || q.Len() != p.Len()+1 {
		t.Fatalf("update: %d replaced, %d rows", n, q.Len())
	}
	if q.Closed[3] != row.Created+60 || !slices.IsSorted(q.Seq) {
		t.Fatal("update did not replace by Seq or broke the order")
	}
	if n := q.Remove(map[int64]bool{10_000: true, row.Seq: true}); n != 2 || q.Len() != p.Len()-1 {
		t.Fatalf("remove: %d", n)
	}
	if !q.Align([]LayerRef{{Name: "second", Hash: "x"}, {Name: "areas", Hash: "h"}}) || q.Layers[0].Name != "second" {
		t.Fatal("align")
	}
	if q.Align([]LayerRef{{Name: "areas", Hash: "other"}}) {
		t.Fatal("a stale layer was accepted")
	}
	b := p.Encode()
	for cut := 0; cut < len(b); cut += 7 {
		if _, err := DecodePartition(b[:cut]); err == nil {
			t.Fatalf("a partition cut at %d of %d bytes was read", cut, len(b))
		}
	}
}

// FuzzDecodePartition: any bytes decode or fail, never panic or hang.
func FuzzDecodePartition(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 8))
	data := build(randomEvents(rng, 20, 24216, 1))
	f.Add(data.Parts[0].Encode())
	f.Add(data.Sums[0].Encode())
	f.Add([]byte(partitionMagic + "\x00\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := DecodePartition(b); err == nil {
			if _, err := DecodePartition(p.Encode()); err != nil {
				t.Fatalf("re-encoded partition unreadable: %v", err)
			}
		}
		DecodeSummary(b)
	})
}

// TestMarkRepeats: a request repeats one of the same canonical type at the
// same place made at most the window before it; an alias counts as its
// type; unknown places never repeat; the look-back month keeps its flags.
func TestMarkRepeats(t *testing.T) {
	day := int64(86400)
	m0 := Month(24216)
	t0 := m0.Start()
	evs := []event{
		{month: m0, typ: 1, created: t0 + day, place: 7},
		{month: m0, typ: 1, created: t0 + 20*day, place: 7},     // repeat (19 days)
		{month: m0 + 1, typ: 1, created: t0 + 60*day, place: 7}, // 40 days: not
		{month: m0 + 1, typ: 2, created: t0 + 61*day, place: 7}, // other type
		{month: m0 + 1, typ: 3, created: t0 + 62*day, place: 7}, // alias of type 2, 1 day later: repeat
		{month: m0 + 1, typ: 1, created: t0 + 63*day, place: 0}, // no place
		{month: m0 + 1, typ: 1, created: t0 + 63*day, place: 0},
	}
	data := build(evs)
	svc := &Services{RequestTypes: []RequestType{{Name: "Graffiti Removal", Aliases: []string{"Graffiti"}}}}
	changed := MarkRepeats(data.Parts, m0, 30*day, Canon(data.Dict, svc))
	var got []bool
	for _, p := range data.Parts {
		for i := range p.Seq {
			got = append(got, p.Flags[i]&FlagRepeat != 0)
		}
	}
	want := []bool{false, true, false, false, true, false, false}
	if !reflect.DeepEqual(got, want) || len(changed) != 2 {
		t.Fatalf("repeats %v (changed %v), want %v", got, changed, want)
	}
	// From month 2 on, month 1 is look-back only: its flags stay.
	data.Parts[0].Flags[1] &^= FlagRepeat
	MarkRepeats(data.Parts, m0+1, 30*day, Canon(data.Dict, svc))
	if data.Parts[0].Flags[1]&FlagRepeat != 0 {
		t.Fatal("a look-back month was changed")
	}
}

// TestScore is the CityScore rule: actual/target or target/actual, capped.
func TestScore(t *testing.T) {
	for _, c := range []struct {
		a, tg  float64
		better string
		want   float64
		ok     bool
	}{{0.75, 0.75, Higher, 1, true}, {0.6, 0.75, Higher, 0.8, true}, {4, 4, Lower, 1, true}, {5, 4, Lower, 0.8, true},
		{1, 4, Lower, 2, true}, {0, 4, Lower, 2, true}, {3, 1, Higher, 2, true}, {1, 0, Higher, 0, false}, {1, 1, "", 0, false}, {math.NaN(), 1, Lower, 0, false}} {
		s, ok := Score(c.a, c.tg, c.better)
		if ok != c.ok || ok && math.Abs(s-c.want) > 1e-12 {
			t.Errorf("Score(%v, %v, %s) = %v %v, want %v %v", c.a, c.tg, c.better, s, ok, c.want, c.ok)
		}
	}
	if v, ok := RollUp([]float64{1, 0.5, 1.5}); !ok || v != 1 {
		t.Fatal("roll-up")
	}
}

// TestLabels: periods and coverage say what they are.
func TestLabels(t *testing.T) {
	m := MonthOf(time.Date(2018, 1, 15, 0, 0, 0, 0, time.UTC))
	fy := Calendar{Period: ByQuarter, FiscalStart: 7}
	if l := fy.Label(fy.Of(m)); l != "FY2017-18 Q3" {
		t.Errorf("quarter %q", l)
	}
	if l := (Calendar{Period: ByFiscalYear, FiscalStart: 7}).Label((Calendar{Period: ByFiscalYear, FiscalStart: 7}).Of(m)); l != "FY2017-18" {
		t.Errorf("fiscal year %q", l)
	}
	if l := (Calendar{Period: ByFiscalYear, FiscalStart: 1}).Label((Calendar{Period: ByFiscalYear, FiscalStart: 1}).Of(m)); l != "FY2018" {
		t.Errorf("calendar fiscal year %q", l)
	}
	f, l := fy.Months(fy.Of(m))
	if f.String() != "2018-01" || l.String() != "2018-03" {
		t.Errorf("quarter months %s %s", f, l)
	}
	at := func(s string) int64 {
		v, _ := time.Parse(time.DateTime, s)
		return v.Unix()
	}
	for _, c := range [][3]string{
		{"2018-01-01 00:00:09", "2018-01-04 09:33:23", "4 days of January 2018"},
		{"2022-09-19 11:07:12", "2022-09-23 19:39:57", "5 days of September 2022"},
		{"2017-12-27 00:00:00", "2018-01-02 10:00:00", "7 days, 27 December 2017 to 2 January 2018"},
		{"2013-01-01 00:00:00", "2017-02-10 00:00:00", "50 months, January 2013 to February 2017"},
	} {
		if got := Coverage(at(c[0]), at(c[1])); got != c[2] {
			t.Errorf("Coverage(%s, %s) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	if got := CoverageMonths(24156, 24157); got != "2 months, January 2013 to February 2013" {
		t.Errorf("months %q", got)
	}
}

// TestDefinitions: the shipped set parses; bad definitions are refused with
// their line.
func TestDefinitions(t *testing.T) {
	d := Defaults()
	if len(d.Measures) != 10 {
		t.Fatalf("%d shipped measures", len(d.Measures))
	}
	for _, c := range []struct{ yaml, want string }{
		{"version: 1\nmeasures:\n  - {id: a, kind: days_to_close}\n", "quantile"},
		{"version: 1\nmeasures:\n  - {id: a, kind: count}\n  - {id: a, kind: count}\n", "once"},
		{"version: 1\nmeasures:\n  - {id: A-b, kind: count}\n", "lower-case"},
		{"version: 1\nmeasures:\n  - {id: a, kind: backlog, filter: {sources: [Call]}}\n", "request types only"},
		{"version: 1\nmeasures:\n  - {id: a, kind: share_of}\n", "filter"},
		{"version: 2\nmeasures: []\n", "version"},
		{"version: 1\nmeasures:\n  - {id: a, kind: count, extra: 1}\n", "extra"},
		{"version: 1\nmeasures:\n  - {id: a, kind: count, names: {spanish: Solicitudes}}\n", "measures.names"},
		{"version: 1\nmeasures:\n  - {id: a, kind: count, names: {es: \" \"}}\n", "es: (empty)"},
	} {
		_, err := ParseSet("m.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.yaml, err, c.want)
		}
	}
	for _, m := range d.Measures {
		if m.Names["es"] == "" {
			t.Errorf("shipped measure %s has no Spanish name", m.ID)
		}
	}
	if s, err := ParseSet("m.yaml", []byte("version: 1\nmeasures:\n  - {id: a, name: Requests, kind: count, names: {es: Solicitudes}}\n")); err != nil ||
		NameIn(s.Measures[0].Name, s.Measures[0].Names, "es") != "Solicitudes" || NameIn(s.Measures[0].Name, s.Measures[0].Names, "fr") != "Requests" {
		t.Errorf("names: %v", err)
	}
	_, err := ParseSet("m.yaml", []byte("version: 1\nmeasures:\n  - {id: a, kind: count}\n  - {id: b, kind: wrong}\n"))
	if err == nil || !strings.Contains(err.Error(), "m.yaml:4") {
		t.Errorf("line of the bad definition: %v", err)
	}
}

// TestWorkingDays: 14 working days from a Friday end on the third Thursday.
func TestWorkingDays(t *testing.T) {
	fri := time.Date(2018, 1, 5, 15, 0, 0, 0, time.UTC)
	l := &ServiceLevel{WorkingDays: 14}
	in := time.Date(2018, 1, 25, 23, 59, 0, 0, time.UTC)
	out := time.Date(2018, 1, 26, 0, 0, 1, 0, time.UTC)
	if !l.OnTime(fri.Unix(), in.Unix()) || l.OnTime(fri.Unix(), out.Unix()) {
		t.Fatal("working days")
	}
	if !(&ServiceLevel{Days: 2}).OnTime(0, 2*86400) || (&ServiceLevel{Days: 2}).OnTime(0, 2*86400+1) {
		t.Fatal("calendar days")
	}
}

// TestPlaceKey: an address is matched case and spacing aside; coordinates
// to 1e-5 degree; nothing is 0.
func TestPlaceKey(t *testing.T) {
	a := PlaceKey("356 S Berendo  St, 90020", 0, 0, false)
	if a == 0 || a != PlaceKey("  356 s BERENDO St,   90020 ", 1, 1, true) || a == PlaceKey("356 S BERENDO ST, 90021", 0, 0, false) {
		t.Fatal("address keys")
	}
	p := PlaceKey("", -118.294017712, 34.0676390557, true)
	if p == 0 || p != PlaceKey(" ", -118.294019, 34.067641, true) || p == PlaceKey("", -118.29403, 34.06764, true) {
		t.Fatal("point keys")
	}
	if PlaceKey("", 0, 0, false) != 0 {
		t.Fatal("no place")
	}
}

// TestWorkingDeadline: the deadline counted in days from the epoch is the
// calendar's (the n-th weekday after the day of creation, in UTC), for
// times before and after 1970, at any hour, from any weekday.
func TestWorkingDeadline(t *testing.T) {
	calendar := func(created int64, n int) int64 {
		tm := time.Unix(created, 0).UTC()
		d := time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC)
		for k := 0; k < n; {
			d = d.AddDate(0, 0, 1)
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				k++
			}
		}
		return d.AddDate(0, 0, 1).Unix()
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20_000; i++ {
		created := r.Int64N(4_000_000_000) - 1_000_000_000 // 1938 to 2096
		if i < 20 {
			created = int64(i-10) * 43_200 // around the epoch
		}
		n := r.IntN(40)
		if got, want := workingDeadline(created, n), calendar(created, n); got != want {
			t.Fatalf("workingDeadline(%d (%s), %d) = %s, want %s", created, time.Unix(created, 0).UTC(), n, time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
		}
	}
}
