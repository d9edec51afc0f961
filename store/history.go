package store

import (
	"context"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
)

// Exporter reads back everything a store holds, history and ids included,
// in terms of the domain types, so that package storecopy can copy one
// store into another whatever their kinds (DuckDB to PostgreSQL and back).
type Exporter interface {
	// ImportHistory lists every import run of every kind ("budget", "geo",
	// "indicators", "capital"), oldest (lowest id) first, with Dataset and
	// Jurisdiction set for budget runs.
	ImportHistory(ctx context.Context) ([]budget.ImportRun, error)
	// ImportedBatch returns what budget import run id stored: every row it
	// brought, current or since superseded, as the batch it was given
	// (Jurisdiction carries the stored name and start month). ENOTFOUND
	// when id is not a budget run.
	ImportedBatch(ctx context.Context, id int64) (*budget.Batch, error)
	// LayerRuns maps each stored layer's name to the import run that
	// stored it.
	LayerRuns(ctx context.Context) (map[string]int64, error)
	// ImportedIndicators returns the values import run id stored that are
	// still stored (later imports of the same layer, period and indicator
	// replace them), with the run's file and hash; nil when none remain.
	ImportedIndicators(ctx context.Context, id int64) (*need.IndicatorSet, error)
	// DatasetKeys lists the stored analysis datasets as (kind, name)
	// pairs, in order.
	DatasetKeys(ctx context.Context) ([][2]string, error)
	// SettingKeys lists the keys of the stored settings, in byte order.
	SettingKeys(ctx context.Context) ([]string, error)
	CapitalExporter
	ReviewExporter
}

// Restorer writes what an Exporter read, keeping ids, times and versions,
// so that a copy reads back exactly as its source. Each method is one
// transaction and moves the store's id sequences past the ids it writes.
// Restoring into a store that already holds the same ids fails
// (ECONFLICT or the database's own key error) and changes nothing.
type Restorer interface {
	// RestoreImportRun records an import run whose data is no longer
	// stored (a layer replaced since, indicators since re-imported).
	RestoreImportRun(ctx context.Context, run budget.ImportRun) error
	// RestoreBatch stores b as budget import run run.ID, as ImportBatch
	// would (superseding the current slices of its dataset), but with
	// run's id, start time and version, and without the unchanged check.
	RestoreBatch(ctx context.Context, run budget.ImportRun, b *budget.Batch) error
	// RestoreLayer stores l as the layer import run run.ID.
	RestoreLayer(ctx context.Context, run budget.ImportRun, l *geo.Layer) error
	// RestoreIndicators stores set as the indicator import run run.ID.
	RestoreIndicators(ctx context.Context, run budget.ImportRun, set *need.IndicatorSet) error
	// RestoreRun stores a need run under its own r.ID.
	RestoreRun(ctx context.Context, r *need.Run) error
	// RestoreAnalysis stores an analysis under its own r.ID.
	RestoreAnalysis(ctx context.Context, r *analysis.Record) error
	// RestorePhaseRelease appends a release or hold to the release log as
	// it was recorded (who, when, note), after the events already there.
	// Unlike SetPhaseRelease it does not ask that the phase have current
	// rows: a copied log keeps the events of phases since superseded.
	RestorePhaseRelease(ctx context.Context, r budget.PhaseRelease) error
	CapitalRestorer
	ReviewRestorer
}
