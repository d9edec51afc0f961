package store

import (
	"context"

	"github.com/budgetlens/budgetlens/analysis"
)

// AnalysisStore keeps equity assessments (package analysis) with their input
// hashes, and the auxiliary datasets they use (service demand per area,
// population-group counts).
type AnalysisStore interface {
	// SaveAnalysis stores an analysis in one transaction and returns its new
	// id (also set in r.ID).
	SaveAnalysis(ctx context.Context, r *analysis.Record) (int64, error)
	// Analysis returns a stored analysis; ENOTFOUND when missing.
	Analysis(ctx context.Context, id int64) (*analysis.Record, error)
	// LatestAnalysis returns the most recent analysis of a fiscal year
	// ("2021-22"), phase and layer; ENOTFOUND when none.
	LatestAnalysis(ctx context.Context, fiscalYear, phase, layer string) (*analysis.Record, error)
	// Analyses lists the stored analyses, oldest first.
	Analyses(ctx context.Context) ([]analysis.RecordInfo, error)
	// SaveDataset stores a dataset, replacing one of the same kind and name.
	SaveDataset(ctx context.Context, d *analysis.Dataset) error
	// Dataset returns a stored dataset; ENOTFOUND when missing.
	Dataset(ctx context.Context, kind, name string) (*analysis.Dataset, error)
}
