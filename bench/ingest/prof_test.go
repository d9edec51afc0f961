package ingest_bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

func TestProf(t *testing.T) {
	t0 := time.Now()
	b, _ := ingest.File(os.Getenv("BUDGETLENS_BENCH_1M"), ingest.Options{})
	t1 := time.Now()
	s, _ := duckdb.Open(filepath.Join(t.TempDir(), "x.duckdb"))
	t2 := time.Now()
	s.ImportBatch(context.Background(), b[0])
	t3 := time.Now()
	s.DB().Exec(`CREATE TABLE t AS SELECT * FROM read_csv(?, header = true, all_varchar = true)`, os.Getenv("BUDGETLENS_BENCH_1M"))
	fmt.Println("parse", t1.Sub(t0), "store", t3.Sub(t2), "read_csv", time.Since(t3))
	s.Close()
}
