package store

import (
	"context"

	"github.com/budgetlens/budgetlens/need"
)

// NeedStore keeps need-index runs: every run with its spec (text and hash),
// its input hashes and each area's score, percentile, tier, population and
// explanation details.
type NeedStore interface {
	// SaveRun stores a run in one transaction and returns its new id (also
	// set in r.ID).
	SaveRun(ctx context.Context, r *need.Run) (int64, error)
	// Run returns a stored run with all its areas; ENOTFOUND when missing.
	Run(ctx context.Context, id int64) (*need.Run, error)
	// LatestRun returns the most recent run (highest id); ENOTFOUND when
	// none is stored.
	LatestRun(ctx context.Context) (*need.Run, error)
	// LatestRunForLayer returns the most recent run over a layer.
	LatestRunForLayer(ctx context.Context, layer string) (*need.Run, error)
	// Runs lists the stored runs, oldest first.
	Runs(ctx context.Context) ([]need.RunInfo, error)
}
