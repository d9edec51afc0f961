package store

import (
	"context"

	"github.com/budgetlens/budgetlens/need"
)

// NeedStore keeps need-index runs: every run with its spec (text and hash),
// its input hashes and each area's score, percentile, tier, population and
// explanation details.
type NeedStore interface {
	IndicatorStore
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

// IndicatorStore keeps imported indicators (part of NeedStore).
type IndicatorStore interface {
	// SaveIndicators stores an import in one transaction, replacing the
	// values of the same layer, period, areas and indicators, and upserting
	// the metadata; it records an import run and returns its id.
	SaveIndicators(ctx context.Context, set *need.IndicatorSet) (int64, error)
	// Indicators returns the stored values of a layer and period as a wide
	// table (ENOTFOUND when there are none).
	Indicators(ctx context.Context, layer, period string) (*need.Table, error)
	// IndicatorMeta lists the stored indicator metadata by name.
	IndicatorMeta(ctx context.Context) ([]need.IndicatorMeta, error)
}
