package office

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/tabular"
)

// FuzzReadMetricsCSV: the CSV reader never panics, and every parsed value
// is finite or the error names a line.
func FuzzReadMetricsCSV(f *testing.F) {
	f.Add("id,v\n1,2\n2,3\n")
	f.Add("10,2\n\"id\",\"z\"\n1,2.24\n2,NaN\n")
	f.Add("a,b\n1\n")
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := readMetricsCSV(p, nil, tabular.Limits{})
		if err != nil {
			return
		}
		cols, _, err := tab.columns(false, map[string]string{"--value": tab.headers[len(tab.headers)-1]})
		if err != nil {
			if !strings.Contains(err.Error(), "f.csv") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, v := range cols["--value"] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite value %v accepted", v)
			}
		}
	})
}
