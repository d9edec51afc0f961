package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/store"
)

func TestSplitID(t *testing.T) {
	for _, c := range []struct {
		id, prefix string
		width      int
		num        int64
		ok         bool
	}{
		{"1-870704831", "1-", 0, 870704831, true},
		{"SYN-00000001", "SYN-", 8, 1, true},
		{"SYN-10000000", "SYN-", 0, 10000000, true},
		{"638344", "", 0, 638344, true},
		{"0", "", 1, 0, true},
		{"X-0007", "X-", 4, 7, true},
		{"ABC", "", 0, 0, false},
		{"", "", 0, 0, false},
		{"12-ab", "", 0, 0, false},
		// more than 18 digits: the earlier ones stay in the prefix
		{"1234567890123456789012", "1234", 0, 567890123456789012, true},
		{"A000000000000000000001", "A000", 18, 1, true},
	} {
		p, w, n, ok := splitID(c.id)
		if p != c.prefix || w != c.width || n != c.num || ok != c.ok {
			t.Errorf("splitID(%q) = %q, %d, %d, %v; want %q, %d, %d, %v", c.id, p, w, n, ok, c.prefix, c.width, c.num, c.ok)
		}
		if ok && joinID(p, w, n) != c.id {
			t.Errorf("joinID(splitID(%q)) = %q", c.id, joinID(p, w, n))
		}
	}
}

// TestMigration096 writes requests as stores before migration 096 kept
// them (request numbers and codes as text), opens the store (which
// applies 096), and checks that every request reads back as written, that
// service_requests shows the same text, and that the SQL split the
// migration made is the import's (a request imported again is found, not
// added).
func TestMigration096(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	for _, n := range names {
		base := filepath.Base(n)
		if base >= "096" {
			break
		}
		body, _ := migrations.ReadFile(n)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations(name) VALUES (?)`, base); err != nil {
			t.Fatal(err)
		}
	}
	ids := []string{"1-870704831", "SYN-00000001", "SYN-10000000", "638344", "0", "X-0007", "ABC", "12-ab", "1234567890123456789012", "A000000000000000000001", "1-870704832"}
	created := time.Date(2018, 1, 1, 0, 0, 9, 0, time.UTC)
	if _, err := db.Exec(`INSERT INTO event_names VALUES ('type', 1, 'Bulky Items'), ('agency', 1, 'BOS'), ('source', 1, 'Call'), ('status', 1, 'Closed')`); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		var cd, nc, ncName, addr any
		if i%2 == 0 {
			cd, nc, ncName, addr = "14", "52", "DOWNTOWN LOS ANGELES", "356 S BERENDO ST, 90020"
		} else if i%3 == 0 {
			cd = "9"
		}
		if _, err := db.Exec(`INSERT INTO events VALUES (?, ?, 1, 1, 1, 1, 0, ?, NULL, -118.25, 34.05, ?, ?, ?, ?)`, int64(i+1), id, created, addr, cd, nc, ncName); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []events.Stored
	if err := s.EachEvent(ctx, func(e *events.Stored) error { got = append(got, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) {
		t.Fatalf("%d requests after the migration, want %d", len(got), len(ids))
	}
	for i, e := range got {
		want := ""
		if i%2 == 0 {
			want = "14"
		} else if i%3 == 0 {
			want = "9"
		}
		if e.ID != ids[i] || e.CD != want || e.Type != "Bulky Items" || !e.Created.Equal(created) {
			t.Errorf("request %d after the migration: %q cd %q type %q created %v; want %q cd %q", i+1, e.ID, e.CD, e.Type, e.Created, ids[i], want)
		}
		if i%2 == 0 && (e.NC != "52" || e.NCName != "DOWNTOWN LOS ANGELES" || e.Address != "356 S BERENDO ST, 90020") {
			t.Errorf("request %d: nc %q %q address %q", i+1, e.NC, e.NCName, e.Address)
		}
	}
	rows, err := s.DB().Query(`SELECT request_id, coalesce(cd, '-') FROM service_requests ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var view []string
	for rows.Next() {
		var id, cd string
		rows.Scan(&id, &cd)
		view = append(view, id+" "+cd)
	}
	rows.Close()
	if len(view) != len(ids) || !strings.HasPrefix(view[0], "1-870704831 14") || view[1] != "SYN-00000001 -" || view[3] != "638344 9" || view[6] != "ABC 14" {
		t.Errorf("service_requests after the migration: %q", view)
	}
	// the migration's split is the import's: each is found by number
	tx, err := s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	found, err := tx.Existing(ctx, append(slices.Clone(ids), "1-870704833", "SYN-0000001", "ABCD"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range found {
		seen = append(seen, e.ID)
	}
	slices.Sort(seen)
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Errorf("Existing after the migration found %q, want %q", seen, want)
	}
}

// TestFeedText: requests with and without addresses and request numbers
// kept as text, in batches that switch the feed's columns, read back as
// written.
func TestFeedText(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "f.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2022, 9, 19, 11, 7, 12, 0, time.UTC)
	mk := func(seq int64, id, addr, cd string) events.Stored {
		e := events.Stored{Seq: seq}
		e.ID, e.Address, e.CD, e.Type, e.Created = id, addr, cd, "Bulky Items", created
		if seq%2 == 0 {
			e.Closed = created.Add(time.Hour)
			e.Lon, e.Lat, e.HasPoint = -118.4, 34.2, true
		}
		return e
	}
	batches := [][]events.Stored{
		{mk(1, "1-2500995771", "", "6"), mk(2, "1-2500995851", "", "")},
		{mk(3, "1-2500995852", "8209 N KESTER AVE, 91402", "6"), mk(4, "OPEN-X", "", "12")},
		{mk(5, "1-2500995853", "", "6")},
	}
	var want []events.Stored
	for _, b := range batches {
		if err := tx.Insert(ctx, b); err != nil {
			t.Fatal(err)
		}
		want = append(want, b...)
	}
	got := commitAndRead(t, s, tx, len(want))
	for i := range want {
		w, g := want[i], got[i]
		if g.ID != w.ID || g.Address != w.Address || g.CD != w.CD || g.Type != w.Type || !g.Created.Equal(w.Created) || !g.Closed.Equal(w.Closed) || g.HasPoint != w.HasPoint || g.Lon != w.Lon {
			t.Errorf("request %d read back as %+v, want %+v", i+1, g, w)
		}
	}
}

// TestStageWhileInserting: batches staged on one goroutine while the
// batch before is written on another (as an import's consumer and writer
// do) read back as written, with the prefixes, codes and names they
// brought numbered once.
func TestStageWhileInserting(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stager := tx.(store.EventStager)
	created := time.Date(2022, 9, 19, 11, 7, 12, 0, time.UTC)
	var want []events.Stored
	batches := make([][]events.Stored, 40)
	for b := range batches {
		for i := 0; i < 500; i++ {
			seq := int64(len(want) + 1)
			e := events.Stored{Seq: seq}
			e.ID = fmt.Sprintf("%c-%d", 'A'+b%5, seq)
			if seq%97 == 0 {
				e.ID = fmt.Sprintf("CASE-%d-X", seq) // kept as text
			}
			e.Type, e.Agency, e.CD, e.NC = fmt.Sprintf("Type %d", seq%13), fmt.Sprintf("Agency %d", b%3), fmt.Sprint(seq%15+1), fmt.Sprint(seq%99)
			e.Created = created.Add(time.Duration(seq) * time.Minute)
			batches[b] = append(batches[b], e)
			want = append(want, e)
		}
	}
	staged := make(chan store.StagedEvents, 2)
	errs := make(chan error, 1)
	go func() {
		var err error
		for st := range staged {
			if err == nil {
				err = stager.InsertStaged(ctx, st)
			}
		}
		errs <- err
	}()
	for _, b := range batches {
		st, err := stager.Stage(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if st.Len() != len(b) {
			t.Fatalf("staged %d requests, want %d", st.Len(), len(b))
		}
		staged <- st
	}
	close(staged)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	got := commitAndRead(t, s, tx, len(want))
	for i := range want {
		w, g := want[i], got[i]
		if g.Seq != w.Seq || g.ID != w.ID || g.Type != w.Type || g.Agency != w.Agency || g.CD != w.CD || g.NC != w.NC || !g.Created.Equal(w.Created) {
			t.Fatalf("request %d read back as %+v, want %+v", i+1, g, w)
		}
	}
	var prefixes, codes int
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM event_id_prefixes), (SELECT count(*) FROM event_names WHERE kind = 'cd')`).Scan(&prefixes, &codes); err != nil {
		t.Fatal(err)
	}
	if prefixes != 5 || codes != 15 {
		t.Fatalf("%d prefixes and %d council district codes stored, want 5 and 15", prefixes, codes)
	}
}

// commitAndRead commits tx and returns every stored request in Seq order,
// failing t unless there are n.
func commitAndRead(t *testing.T, s *Store, tx store.EventTx, n int) []events.Stored {
	t.Helper()
	ctx := context.Background()
	if _, err := tx.Commit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var got []events.Stored
	if err := s.EachEvent(ctx, func(e *events.Stored) error { got = append(got, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d requests read back, want %d", len(got), n)
	}
	return got
}
