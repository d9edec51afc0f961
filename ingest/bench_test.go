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
