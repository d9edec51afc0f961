// Package ingest_bench measures budget imports against DuckDB's own
// read_csv on the same files in the same run. Run it with
// bench/ingest/run.sh, which also generates the synthetic 1,000,000-row file.
package ingest_bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

// importFiles reads and stores files into a fresh store file.
func importFiles(b *testing.B, files []string) {
	s, err := duckdb.Open(filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, f := range files {
		bs, err := ingest.File(f, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, batch := range bs {
			if _, err := s.ImportBatch(context.Background(), batch); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func countLines(b *testing.B, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, c := range data {
		if c == '\n' {
			n++
		}
	}
	return n
}

// readCSV loads each file with DuckDB's read_csv into a table of one
// fresh store file: the peer's rate for the same bytes (it parses, it
// does not validate, reconcile or key the rows).
func readCSV(b *testing.B, paths ...string) {
	s, err := duckdb.Open(filepath.Join(b.TempDir(), "peer.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i, p := range paths {
		if _, err := s.DB().Exec(fmt.Sprintf(`CREATE TABLE t%d AS SELECT * FROM read_csv(?, header = true, all_varchar = true)`, i), p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportLAFY2122 imports the ten LA FY2021-22 exports (about
// 16,000 data lines) into a fresh store, alternating with read_csv of the
// same files, best of three each.
func BenchmarkImportLAFY2122(b *testing.B) {
	dir := filepath.Dir(fixture.Data(b, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	rows := 0
	for _, f := range files {
		rows += countLines(b, f) - 1
	}
	var ours, peer float64
	for i := 0; i < b.N*3; i++ {
		start := time.Now()
		importFiles(b, files)
		if d := time.Since(start).Seconds(); ours == 0 || d < ours {
			ours = d
		}
		start = time.Now()
		readCSV(b, files...)
		if d := time.Since(start).Seconds(); peer == 0 || d < peer {
			peer = d
		}
	}
	b.ReportMetric(ours, "s/set")
	b.ReportMetric(float64(rows)/ours, "rows/s")
	b.ReportMetric(float64(rows)/peer, "read_csv-rows/s")
	b.ReportMetric(ours/peer, "x-read_csv-time")
}

// BenchmarkImport1M alternates our import and the peer's read_csv three
// times on the same file and reports the best of each, so that a burst of
// load from other processes on the shared machine hits both alike.
func BenchmarkImport1M(b *testing.B) {
	path := os.Getenv("BUDGETLENS_BENCH_1M")
	if path == "" {
		b.Skip("set BUDGETLENS_BENCH_1M to the synthetic file (bench/ingest/run.sh generates it)")
	}
	rows := countLines(b, path) - 2 // header and total row
	rounds := 3
	if r := os.Getenv("BUDGETLENS_BENCH_ROUNDS"); r != "" {
		fmt.Sscan(r, &rounds)
	}
	var ours, peer float64
	for i := 0; i < b.N*rounds; i++ {
		start := time.Now()
		importFiles(b, []string{path})
		if d := time.Since(start).Seconds(); ours == 0 || d < ours {
			ours = d
		}
		start = time.Now()
		readCSV(b, path)
		if d := time.Since(start).Seconds(); peer == 0 || d < peer {
			peer = d
		}
	}
	b.ReportMetric(float64(rows)/ours, "rows/s")
	b.ReportMetric(float64(rows)/peer, "read_csv-rows/s")
	b.ReportMetric(ours/peer, "x-read_csv-time")
	b.ReportMetric((float64(rows)/ours)/(float64(rows)/peer), "rate-vs-read_csv")
}
