package ingest

import (
	"os"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// BenchmarkParseSec2 reads LA's largest export (6,057 lines, 20,345 line
// items) without storing it.
func BenchmarkParseSec2(b *testing.B) {
	data, err := os.ReadFile(fixture.Data(b, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSynthetic reads the synthetic 1,000,000-row file that
// bench/ingest/run.sh generates (skipped when BUDGETLENS_BENCH_1M is unset).
func BenchmarkParseSynthetic(b *testing.B) {
	path := os.Getenv("BUDGETLENS_BENCH_1M")
	if path == "" {
		b.Skip("set BUDGETLENS_BENCH_1M")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := CSV("synthetic.csv", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
