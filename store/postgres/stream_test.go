package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/internal/hostile"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
)

// streamFile imports path into s with ImportLineItems, as the office does
// for a large file.
func streamFile(t *testing.T, s *Store, path string) (budget.ImportRun, error) {
	t.Helper()
	st, err := ingest.StreamLineItems(path, ingest.Options{})
	if err != nil || st == nil {
		t.Fatalf("%s not streamed: %v", path, err)
	}
	defer st.Close()
	return s.ImportLineItems(context.Background(), st.Batch, st.Each)
}

// storedState is everything a budget import leaves to read: every line
// item of every current slice (keys, lines, amounts), totals, fiscal years
// and phases, and the import runs without their ids and times.
func storedState(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	items, err := s.LineItems(ctx, budget.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	tot, err := s.Totals(ctx, budget.Filter{}, budget.LevelProgram)
	if err != nil {
		t.Fatal(err)
	}
	fps, err := s.FiscalYearsPhases(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := s.ImportRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		runs[i].ID, runs[i].StartedAt = 0, runs[i].StartedAt.Truncate(1<<62)
	}
	b, err := json.Marshal([]any{items, tot, fps, runs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStreamedImportEqualsBatch stores files with ImportLineItems in one
// store and with ImportBatch in another: real LA files (Sec2, then Sec4
// whose slices add to Sec2's, then Sec2 again: unchanged, then a changed
// Sec2 that supersedes the first) and a generated one with repeated rows.
// Every read of the two stores agrees, run counts and superseded slices
// included.
func TestStreamedImportEqualsBatch(t *testing.T) {
	ctx := context.Background()
	streamed, batched := open1(t, pgtest.URL(t), Options{}), open1(t, pgtest.URL(t), Options{})
	dir := t.TempDir()
	gen := filepath.Join(dir, "Expenditures_Sec2_for_2122_Adopted.csv")
	f, _ := os.Create(gen)
	hostile.LAExpenditures(f, 20_000)
	f.WriteString("01,SYNTHETIC dept 1,01L5,Org,0001,Program 1,001,Fund,001,Source,000001,Account 1,2.00\n")
	f.Close()
	sec2 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")
	sec4 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")
	for i, path := range []string{sec2, sec4, sec2, gen} {
		rs, err := streamFile(t, streamed, path)
		if err != nil {
			t.Fatal(err)
		}
		bs := mustRead(t, path)
		rb, err := batched.ImportBatch(ctx, bs[0])
		if err != nil {
			t.Fatal(err)
		}
		if rs.Rows != rb.Rows || rs.Superseded != rb.Superseded || rs.Unchanged != rb.Unchanged || rs.ContentHash != rb.ContentHash || rs.Dataset != rb.Dataset {
			t.Errorf("file %d %s: streamed run %+v, batch run %+v", i, filepath.Base(path), rs, rb)
		}
		if i == 2 && !rs.Unchanged {
			t.Errorf("%s imported again is not unchanged: %+v", filepath.Base(path), rs)
		}
		if i == 3 && rs.Superseded == 0 {
			t.Errorf("a changed Sec2 superseded nothing: %+v", rs)
		}
	}
	if a, b := storedState(t, streamed), storedState(t, batched); a != b {
		t.Fatalf("streamed and batch imports differ:\n%.600s\n---\n%.600s", a, b)
	}
	// a batch of the same content as a streamed run is unchanged (the
	// content hashes agree)
	if r, err := streamed.ImportBatch(ctx, mustRead(t, gen)[0]); err != nil || !r.Unchanged {
		t.Errorf("the generated file read whole after it was streamed: %+v, %v", r, err)
	}
}

// TestStreamedBadCellStoresNothing: a bad amount at line 20,002 of a
// streamed file, after 20,000 rows went to the server, fails the import
// with the reader's own error (file, line, column) and leaves nothing.
func TestStreamedBadCellStoresNothing(t *testing.T) {
	s := open1(t, pgtest.URL(t), Options{})
	ctx := context.Background()
	for _, b := range mustRead(t, fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")) {
		if _, err := s.ImportBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	before := laState(t, s)
	path := filepath.Join(t.TempDir(), "Expenditures_Sec4_for_2122_Adopted.csv")
	f, _ := os.Create(path)
	hostile.LAExpenditures(f, 20_000)
	f.WriteString("01,SYNTHETIC dept 1,01L5,Org,0001,Program 1,001,Fund,001,Source,000001,Account 1,7x7\n")
	f.Close()
	_, err := streamFile(t, s, path)
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 20_002 || ie.ColIndex != 13 || !strings.Contains(err.Error(), path+":20002:13:") {
		t.Fatalf("streamed bad cell: %v, want %s:20002:13", err, path)
	}
	if after := laState(t, s); after != before {
		t.Fatalf("the failed streamed import changed the store:\n%s\n%s", before, after)
	}
}
