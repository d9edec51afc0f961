package office

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

// TestRepeatFlagsAfterUpdates imports requests at a few places, then a
// file that closes most of them (an update that changes no flag's
// inputs), moves some in time (one that does) and adds new ones; the
// repeat flags stored must then be those computed afresh over every
// month. (The import computes flags only from the first month whose
// requests' time, type or place changed, and a closed request keeps its
// flag.)
//
// The imports go through a store that keeps the months decoded
// (duckdb.Store.CacheEvents), with measures computed before each import so
// that its cache holds months read as well as months written; after each
// import, the months, summaries and measure tables it answers must be those
// of a second Store on the same file that reads the file.
func TestRepeatFlagsAfterUpdates(t *testing.T) {
	ctx := context.Background()
	la, err := city.Builtin("la")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "o.duckdb")
	cached, err := duckdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer cached.Close()
	cached.CacheEvents(duckdb.DefaultEventCache)
	o := &Office{Store: cached, City: la}
	fresh, err := duckdb.Open(path) // shares the file, keeps nothing
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	fo := &Office{Store: fresh, City: la}
	if _, _, err := o.ImportLayer(ctx, filepath.Join(fixture.Root(), "testdata", "la", "boundaries", "council_districts_2025.geojson"),
		geo.ImportOptions{Layer: "council_districts", IDField: "District", NameField: "District_Name"}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	type req struct {
		id, typ         string
		created, closed time.Time
		lat, lon        float64
	}
	places := [][2]float64{{34.0485, -118.2582}, {34.0117, -118.2555}, {34.1, -118.3}, {34.2, -118.45}, {33.99, -118.3}, {34.06, -118.35}}
	types := []string{"Bulky Items", "Graffiti Removal", "Illegal Dumping Pickup"}
	start := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	var reqs []req
	for i := 0; i < 600; i++ {
		p := places[r.IntN(len(places))]
		c := start.Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour)))).Truncate(time.Second)
		reqs = append(reqs, req{id: fmt.Sprintf("1-%09d", 100000+i), typ: types[r.IntN(len(types))], created: c, lat: p[0], lon: p[1]})
	}
	write := func(name string, rs []req) string {
		path := filepath.Join(t.TempDir(), name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write(events.Header)
		for _, q := range rs {
			row := make([]string, len(events.Header))
			set := func(col, v string) {
				for i, h := range events.Header {
					if h == col {
						row[i] = v
					}
				}
			}
			set("SRNumber", q.id)
			set("CreatedDate", q.created.Format("2006-01-02 15:04:05"))
			set("UpdatedDate", q.created.Format("2006-01-02 15:04:05"))
			set("RequestType", q.typ)
			set("Status", "Open")
			if !q.closed.IsZero() {
				set("ClosedDate", q.closed.Format("2006-01-02 15:04:05"))
				set("UpdatedDate", q.closed.Format("2006-01-02 15:04:05"))
				set("Status", "Closed")
			}
			set("Latitude", fmt.Sprint(q.lat))
			set("Longitude", fmt.Sprint(q.lon))
			w.Write(row)
		}
		w.Flush()
		f.Close()
		return path
	}
	first := write("first.csv", reqs)
	for i := range reqs {
		switch {
		case i%20 == 0: // moved in time: what its flag, and others', rest on
			reqs[i].created = reqs[i].created.Add(-9 * 24 * time.Hour)
		case i%20 == 10:
			reqs[i].created = reqs[i].created.Add(12 * 24 * time.Hour)
		case i%3 != 0: // closed since
			reqs[i].closed = reqs[i].created.Add(50 * time.Hour)
		}
	}
	for i := 0; i < 60; i++ {
		p := places[r.IntN(len(places))]
		c := start.Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour)))).Truncate(time.Second)
		reqs = append(reqs, req{id: fmt.Sprintf("1-%09d", 900000+i), typ: types[r.IntN(len(types))], created: c, lat: p[0], lon: p[1]})
	}
	// a file of closings only (no flag is computed again: the requests
	// keep theirs), then the rest
	var closed []req
	for i := 1; i < 600; i++ {
		if i%10 != 0 {
			closed = append(closed, reqs[i])
		}
	}
	closings := write("closings.csv", closed)
	// pairs at places of their own: B repeats A three days after it
	for k := 0; k < 40; k++ {
		lat, lon := 34.0+float64(k)*0.003, -118.40
		a := time.Date(2018, 3, 25, 8, k, 0, 0, time.UTC)
		reqs = append(reqs, req{id: fmt.Sprintf("1-%09d", 800000+2*k), typ: types[0], created: a, lat: lat, lon: lon},
			req{id: fmt.Sprintf("1-%09d", 800001+2*k), typ: types[0], created: a.Add(72 * time.Hour), lat: lat, lon: lon})
	}
	second := write("second.csv", reqs)
	// then only each pair's A moved into April: B, left in March, no
	// longer repeats, so the month A leaves must be computed again too
	var later []req
	for _, q := range reqs {
		if q.id >= "1-000800000" && q.id < "1-000900000" && (q.id[len(q.id)-1]-'0')%2 == 0 {
			q.created = q.created.Add(12 * 24 * time.Hour)
			later = append(later, q)
		}
	}
	moved := write("moved.csv", later)
	tables := func(o *Office) string {
		t.Helper()
		ts, err := o.MeasureTables(ctx, MeasureOptions{By: []string{"request_type"}, Period: "month", Measures: []string{"requests", "median_days", "backlog", "repeat_share"}}, []string{"council_districts"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(ts)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for k, f := range []string{first, closings, second, moved} {
		if k > 0 {
			tables(o) // the cache then holds months read too
		}
		rep, err := o.ImportEvents(ctx, EventImportOptions{File: f})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: added %d, updated %d, months written %v", filepath.Base(f), rep.Added, rep.Updated, rep.Months)
		sameMonths(t, cached, fresh, filepath.Base(f))
		if a, b := tables(o), tables(fo); a != b {
			t.Fatalf("after %s: the measures of the store that keeps months differ from those read from the file:\n%s\n%s", filepath.Base(f), a, b)
		}
		parts, err := fresh.EventPartitions(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		stored := make([][]uint8, len(parts))
		repeats := 0
		for k, p := range parts {
			stored[k] = append([]uint8(nil), p.Flags...)
		}
		dict, err := fresh.EventDictionary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		measures.MarkRepeats(parts, parts[0].Month, la.Services.RepeatWindow(), measures.Canon(dict, la.Services))
		for k, p := range parts {
			for i := range p.Flags {
				if p.Flags[i]&measures.FlagRepeat != 0 {
					repeats++
				}
				if got, want := stored[k][i]&measures.FlagRepeat != 0, p.Flags[i]&measures.FlagRepeat != 0; got != want {
					t.Fatalf("after %s: request %d of %s is stored as repeat=%v; computed afresh, %v", filepath.Base(f), p.Seq[i], p.Month, got, want)
				}
			}
		}
		if repeats < 100 {
			t.Fatalf("after %s: %d repeats: the test does not reach what it tests", filepath.Base(f), repeats)
		}
	}
}

// sameMonths fails unless a and b hold the same months of requests with
// the same summaries (compared as stored: encoded) and counts.
func sameMonths(t *testing.T, a, b store.Store, step string) {
	t.Helper()
	ctx := context.Background()
	pa, err := a.EventPartitions(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.EventPartitions(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := a.EventSummaries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.EventSummaries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pa) != len(pb) || len(sa) != len(sb) || len(pa) == 0 {
		t.Fatalf("after %s: %d months and %d summaries, against %d and %d read from the file", step, len(pa), len(sa), len(pb), len(sb))
	}
	sta, err := a.EventStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stb, err := b.EventStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sta != stb {
		t.Fatalf("after %s: counts %+v, against %+v read from the file", step, sta, stb)
	}
	for k := range pa {
		if !bytes.Equal(pa[k].Encode(), pb[k].Encode()) {
			t.Fatalf("after %s: the requests of %s differ from those read from the file", step, pa[k].Month)
		}
		if !bytes.Equal(sa[k].Encode(), sb[k].Encode()) {
			t.Fatalf("after %s: the summary of %s differs from the one read from the file", step, sa[k].Month)
		}
	}
}
