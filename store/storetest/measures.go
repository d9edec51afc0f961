package storetest

import (
	"context"
	"math"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
)

// sampleRequests are three requests: one closed with coordinates and an
// address, one open with codes only, one synthetic.
func sampleRequests() []events.Stored {
	at := func(s string) time.Time {
		t, err := time.Parse(time.DateTime, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return []events.Stored{
		{Seq: 1, Request: events.Request{ID: "1-870704814", Type: "Bulky Items", Agency: "BOS", Source: "Mobile App", Status: "Closed",
			Created: at("2018-01-01 00:00:09"), Closed: at("2018-01-06 10:18:29"), Lon: -118.294017712, Lat: 34.0676390557, HasPoint: true,
			Address: "356 S BERENDO ST, 90020", CD: "10", NC: "55", NCName: "WILSHIRE CENTER - KOREATOWN NC", Line: 2}},
		{Seq: 2, Request: events.Request{ID: "1-870699501", Type: "Graffiti Removal", Agency: "OCB", Source: "Call", Status: "Open",
			Created: at("2018-01-01 00:05:43"), CD: "1", NCName: "HISTORIC HIGHLAND PARK NC", Line: 3}},
		{Seq: 3, Request: events.Request{ID: "SYN-000001", Type: "Bulky Items", Source: events.SyntheticSource, Created: at("2018-02-03 10:00:00"),
			Closed: at("2018-02-03 11:00:00"), ClosedByUpdate: true, Lon: -118.3, Lat: 34.1, HasPoint: true, Synthetic: true, Line: 4}},
	}
}

// eventsSuite checks the event store: an import is one transaction (a
// rollback leaves nothing), requests round-trip field for field, Existing
// finds them by number, Update replaces by Seq, names are numbered once,
// partitions and summaries round-trip and are listed by month, and the
// counts and import records are right.
func eventsSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	reqs := sampleRequests()

	// A rolled-back import leaves nothing.
	tx, err := s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if empty, err := tx.Empty(ctx); err != nil || !empty {
		t.Fatalf("empty store: %v %v", empty, err)
	}
	if err := tx.Insert(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if st, err := s.EventStats(ctx); err != nil || st.Requests != 0 {
		t.Fatalf("after rollback: %+v %v", st, err)
	}

	// An import, committed.
	tx, err = s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := tx.NextSeq(ctx); err != nil || n != 1 {
		t.Fatalf("NextSeq of an empty store: %d %v", n, err)
	}
	dict, err := tx.Dictionary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Insert(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	part := partitionOf(t, dict, reqs[:2])
	if err := tx.PutPartition(ctx, part, part.Summary()); err != nil {
		t.Fatal(err)
	}
	part2 := partitionOf(t, dict, reqs[2:])
	if err := tx.PutPartition(ctx, part2, part2.Summary()); err != nil {
		t.Fatal(err)
	}
	got, err := tx.Partition(ctx, part.Month)
	if err != nil || !reflect.DeepEqual(got, part) {
		t.Fatalf("partition within the transaction: %+v %v", got, err)
	}
	rec := &events.ImportInfo{File: "a.csv", SHA256: "abc", Schema: "myla311", Rows: 3, Added: 3, Synthetic: 1,
		First: reqs[0].Created, Last: reqs[2].Created, Coverage: "34 days", Version: budget.Version}
	id, err := tx.Commit(ctx, rec)
	if err != nil || id == 0 || rec.ID != id {
		t.Fatalf("commit: %d %v %+v", id, err, rec)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatalf("rollback after commit: %v", err)
	}

	var back []events.Stored
	if err := s.EachEvent(ctx, func(e *events.Stored) error { back = append(back, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(back) != len(reqs) {
		t.Fatalf("%d requests read back, want %d", len(back), len(reqs))
	}
	for i := range reqs {
		w, g := reqs[i], back[i]
		if g.Seq != w.Seq || !g.Same(&w.Request) {
			t.Errorf("request %d read back as %+v, want %+v", i, g, w)
		}
	}
	st, err := s.EventStats(ctx)
	if err != nil || st.Requests != 3 || st.Synthetic != 1 || !st.First.Equal(reqs[0].Created) || !st.Last.Equal(reqs[2].Created) ||
		!st.AsOf.Equal(reqs[2].Closed) || st.Months != 2 {
		t.Fatalf("stats: %+v %v", st, err)
	}
	imps, err := s.EventImports(ctx)
	if err != nil || len(imps) != 1 || imps[0].ID != id || imps[0].File != "a.csv" || imps[0].Added != 3 || !imps[0].First.Equal(rec.First) {
		t.Fatalf("imports: %+v %v", imps, err)
	}
	d2, err := s.EventDictionary(ctx)
	if err != nil || !reflect.DeepEqual(d2.Names, dict.Names) {
		t.Fatalf("dictionary: %+v, want %+v (%v)", d2.Names, dict.Names, err)
	}
	parts, err := s.EventPartitions(ctx, 0, 0)
	if err != nil || len(parts) != 2 || !reflect.DeepEqual(parts[0], part) || !reflect.DeepEqual(parts[1], part2) {
		t.Fatalf("partitions: %d %v", len(parts), err)
	}
	if parts, err := s.EventPartitions(ctx, part2.Month, part2.Month); err != nil || len(parts) != 1 || parts[0].Month != part2.Month {
		t.Fatalf("partitions of one month: %v", err)
	}
	sums, err := s.EventSummaries(ctx, part.Month)
	if err != nil || len(sums) != 1 || !reflect.DeepEqual(sums[0], part.Summary()) {
		t.Fatalf("summaries: %+v %v", sums, err)
	}

	// A second import: one request updated (now closed), one found as is.
	tx, err = s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if empty, err := tx.Empty(ctx); err != nil || empty {
		t.Fatalf("store with events reads as empty: %v", err)
	}
	if n, err := tx.NextSeq(ctx); err != nil || n != 4 {
		t.Fatalf("NextSeq: %d %v", n, err)
	}
	found, err := tx.Existing(ctx, []string{"1-870699501", "1-870704814", "not-there"})
	if err != nil || len(found) != 2 {
		t.Fatalf("existing: %+v %v", found, err)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Seq < found[j].Seq })
	if !found[1].Same(&reqs[1].Request) {
		t.Fatalf("existing returned %+v", found[1])
	}
	upd := found[1]
	upd.Closed, upd.Status = upd.Created.Add(36*time.Hour), "Closed"
	if err := tx.Update(ctx, []events.Stored{upd}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, &events.ImportInfo{File: "b.csv", Rows: 2, Updated: 1, Unchanged: 1, Version: budget.Version}); err != nil {
		t.Fatal(err)
	}
	back = back[:0]
	if err := s.EachEvent(ctx, func(e *events.Stored) error { back = append(back, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[1].Seq != 2 || !back[1].Closed.Equal(upd.Closed) || back[1].Status != "Closed" {
		t.Fatalf("after update: %+v", back)
	}
	// Every field but the number changed: the first loses its address and
	// point and gets other codes and a type, the second gets an address,
	// a point and a later creation time, the third is closed no more.
	moved := []events.Stored{back[0], back[1], back[2]}
	moved[0].Address, moved[0].HasPoint, moved[0].Lon, moved[0].Lat = "", false, 0, 0
	moved[0].CD, moved[0].NC, moved[0].NCName, moved[0].Type, moved[0].Agency = "14", "", "", "Graffiti Removal", ""
	moved[1].Address, moved[1].HasPoint, moved[1].Lon, moved[1].Lat = "200 N SPRING ST, 90012", true, -118.2437, 34.0537
	moved[1].Created, moved[1].ClosedByUpdate = moved[1].Created.Add(time.Hour), true
	moved[2].Closed, moved[2].ClosedByUpdate, moved[2].Status = time.Time{}, false, "Open"
	// the first alone (a write with no address or text number), then the
	// others
	for _, evs := range [][]events.Stored{moved[:1], moved[1:]} {
		tx, err = s.BeginEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Update(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	back = back[:0]
	if err := s.EachEvent(ctx, func(e *events.Stored) error { back = append(back, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 {
		t.Fatalf("after the second update: %d requests", len(back))
	}
	for i := range moved {
		if back[i].Seq != moved[i].Seq || !back[i].Same(&moved[i].Request) {
			t.Errorf("after the second update, request %d reads back as %+v, want %+v", i, back[i], moved[i])
		}
	}
	// as of: the third's creation, now that its closing an hour later is gone
	if st, err := s.EventStats(ctx); err != nil || st.Requests != 3 || !st.AsOf.Equal(moved[2].Created) {
		t.Fatalf("stats after the updates: %+v %v (as of: the creation of the third request)", st, err)
	}
	if imps, _ := s.EventImports(ctx); len(imps) != 2 || imps[1].Updated != 1 || !imps[1].First.IsZero() {
		t.Fatalf("second import record: %+v", imps)
	}
	publishedSuite(t, s)
}

// partitionOf builds the partition of requests of one month.
func partitionOf(t *testing.T, d *measures.Dictionary, reqs []events.Stored) *measures.Partition {
	p := measures.NewPartition(measures.MonthOf(reqs[0].Created), []measures.LayerRef{{Name: "districts", Hash: "h1"}})
	for k := range reqs {
		r := &reqs[k]
		var ids [4]uint16
		for kind, n := range [4]string{r.Type, r.Agency, r.Source, r.Status} {
			id, _, err := d.ID(kind, n)
			if err != nil {
				t.Fatal(err)
			}
			ids[kind] = id
		}
		row := measures.Row{Seq: r.Seq, Type: ids[0], Agency: ids[1], Source: ids[2], Status: ids[3], Created: r.Created.Unix(),
			Place: measures.PlaceKey(r.Address, r.Lon, r.Lat, r.HasPoint), Area: []int32{int32(k) - 1}, How: []uint8{events.PlacedByPoint}}
		if !r.Closed.IsZero() {
			row.Closed = r.Closed.Unix()
		}
		if r.Synthetic {
			row.Flags |= measures.FlagSynthetic
		}
		p.Append(&row)
	}
	return p
}

// publishedSuite checks published sets: save, list, read back, replace,
// delete, not found.
func publishedSuite(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.PublishedSet(ctx, "lafd"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing set: %v", err)
	}
	set := &measures.PublishedSet{Name: "lafd", File: "x.csv", SHA256: "h", Format: "lafd-response-metrics", Layer: "lafd_districts", Note: "LAFD", Department: "Fire",
		Checks: []string{"yearly totals agree"}, ImportedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Measures: []measures.PublishedMeasure{{ID: "ems_incidents", Name: "EMS incidents", Unit: "incidents", Kind: measures.PublishedCount},
			{ID: "ems_travel_minutes", Name: "EMS travel", Unit: "minutes", Better: measures.Lower, Kind: measures.PublishedMean, WeightOf: "ems_incidents"}},
		Values: []measures.PublishedValue{{Measure: "ems_incidents", Area: "1", Month: 24156, Months: 1, Value: 183, Line: 2},
			{Measure: "ems_travel_minutes", Area: "1", Month: 24156, Months: 1, Value: 257.0 / 60, Line: 2},
			{Measure: "ems_incidents", Area: "2", Month: 24157, Months: 1, Value: 0, Line: 3}}}
	if err := s.SavePublished(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, err := s.PublishedSet(ctx, "lafd")
	if err != nil {
		t.Fatal(err)
	}
	if got.File != set.File || got.Layer != set.Layer || got.Department != "Fire" || !got.ImportedAt.Equal(set.ImportedAt) || !reflect.DeepEqual(got.Measures, set.Measures) ||
		!reflect.DeepEqual(got.Checks, set.Checks) || len(got.Values) != 3 || got.First != 24156 || got.Last != 24157 {
		t.Fatalf("published set read back: %+v", got)
	}
	for i := range set.Values {
		if w, g := set.Values[i], got.Values[i]; g.Measure != w.Measure || g.Area != w.Area || g.Month != w.Month || math.Abs(g.Value-w.Value) > 1e-12 {
			t.Fatalf("value %d: %+v, want %+v", i, g, w)
		}
	}
	set.Values = set.Values[:1]
	if err := s.SavePublished(ctx, set); err != nil {
		t.Fatal(err)
	}
	infos, err := s.PublishedSets(ctx)
	if err != nil || len(infos) != 1 || infos[0].Values != 1 || infos[0].Name != "lafd" {
		t.Fatalf("sets after replace: %+v %v", infos, err)
	}
	if err := s.DeletePublished(ctx, "lafd"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePublished(ctx, "lafd"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("delete twice: %v", err)
	}
}
