package analysis

import (
	"testing"

	"github.com/budgetlens/budgetlens/report"
)

// SmallCase is the small golden case and its report, for external tests.
func SmallCase(t *testing.T) (*Result, *report.Document) {
	res, err := Analyze(smallInput(t))
	if err != nil {
		t.Fatal(err)
	}
	return res, Document(res, DocOptions{Jurisdiction: "Test city", Layer: grid(), Comparisons: Compare(res)})
}
