package analysis_test

import (
	"testing"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/analysis/analysistest"
)

// TestSentencesNumbersFromResult: every number in a sentence of the small
// case's report is a figure of its result.
func TestSentencesNumbersFromResult(t *testing.T) {
	res, doc := analysis.SmallCase(t)
	if bad := analysistest.Unexplained(res, doc); len(bad) > 0 {
		for _, b := range bad {
			t.Error(b)
		}
	}
	// and the check can fail: a number typed into a sentence is caught
	doc.Summary = append(doc.Summary, "The placed dollars come to $1,234,567.89 per resident.")
	if bad := analysistest.Unexplained(res, doc); len(bad) != 1 {
		t.Fatalf("a typed number was not caught: %v", bad)
	}
}
