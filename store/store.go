// Package store defines the Store interface through which budgetlens keeps
// everything it knows: budgets, geography, need indices, analyses. Each domain
// has its own interface in its own file (budget.go, geo.go, need.go,
// analysis.go, measures.go, capital.go, assess.go); Store is their union. Every implementation (store/duckdb, the
// embedded default) must pass the shared suite in store/storetest.
//
// Every method that writes is one transaction: it either stores all it was
// given or leaves the store exactly as it was.
package store

import (
	"context"

	"github.com/budgetlens/budgetlens/budget"
)

// Store is the union of the domain stores.
type Store interface {
	BudgetStore
	GeoStore
	NeedStore
	AnalysisStore
	SettingsStore
	ReleaseStore
	EventStore
	PublishedStore
	CapitalStore
	AssessStore
	UserStore
	AuditStore
	Close() error
}

// BudgetStreamer is an optional capability of a store: loading the line
// items of one file while the file is read (ingest.StreamLineItems), in
// one transaction, so that a file of millions of rows is never held in
// memory and reading it overlaps loading it. b is the file's batch without
// its line items (jurisdiction, dataset, source, profile, period, content
// hash); each hands the line items over, in file order, and may fail (a bad
// cell): then nothing is stored. A file stored before with the same
// content is found unchanged without calling each. The result is what
// ImportBatch gives for the same file. The PostgreSQL store has it (its
// COPY is fed as the file is read); the DuckDB store imports batches.
type BudgetStreamer interface {
	ImportLineItems(ctx context.Context, b *budget.Batch, each func(yield func(*budget.LineItem) error) error) (budget.ImportRun, error)
}

// Versioner is an optional capability of a store: a cheap token that
// changes whenever anything stored may have changed, whoever changed it
// (this process, or another writing the same database). Readers that keep
// what they read (the public view's release state, the server's answers)
// keep it under the token and read again when it differs. Equal tokens
// promise that nothing changed; a different token may be a false alarm.
// Both stores of budgetlens implement it: the DuckDB store counts its own
// commits (no other process can write while it is open) and answers with
// a constant when opened read-only; the PostgreSQL store reads its change
// log (store_changes), once per change of the server's snapshot.
type Versioner interface {
	StoreVersion(ctx context.Context) (string, error)
}

// ParquetExporter is an optional capability of a store: writing the
// current line items matching a filter to a Parquet file at path (columns
// as the export command's CSV, amounts as exact decimals). Callers check for
// it with a type assertion and say so when the store lacks it.
type ParquetExporter interface {
	ExportParquet(ctx context.Context, f budget.Filter, path string) error
}
