package store

import (
	"context"

	"github.com/budgetlens/budgetlens/budget"
)

// BudgetStore keeps budgets: line items, budget requests, performance
// measures and published descriptions, with the import runs that brought
// them in.
//
// Only current data is read: when a dataset is imported again with different
// content, its (fiscal year, phase) slices from the earlier run are marked
// superseded (kept, never deleted) and the reads below stop returning them.
// Different datasets (LA Sec2 and Sec4) add to each other.
type BudgetStore interface {
	// ImportBatch stores one parsed file in one transaction. When a run of
	// the same jurisdiction with the same content hash still has current
	// rows (whatever the file is called now) it changes nothing and returns
	// that run with Unchanged set.
	ImportBatch(ctx context.Context, b *budget.Batch) (budget.ImportRun, error)

	// ImportRuns lists the budget import runs, oldest first.
	ImportRuns(ctx context.Context) ([]budget.ImportRun, error)

	// LineItems returns the current line items matching f, ordered by
	// department, program, fund, account code and source line. Each carries
	// department/org unit/program/fund/source fund/account codes and names
	// and its amount in cents.
	LineItems(ctx context.Context, f budget.Filter) ([]budget.LineItem, error)

	// EachLineItem calls fn with each current line item matching f, in the
	// order of LineItems, without holding them all in memory. An error from
	// fn stops the iteration and is returned.
	EachLineItem(ctx context.Context, f budget.Filter, fn func(*budget.LineItem) error) error

	// Jurisdiction returns a stored jurisdiction (its name and the first
	// month of its fiscal year); ENOTFOUND when no budget of it is stored.
	Jurisdiction(ctx context.Context, id string) (budget.Jurisdiction, error)

	// Totals sums the current line items matching f by the given level and
	// returns one Total per code, ordered by code. Names are the name most
	// often written for that code (ties: the alphabetically first).
	Totals(ctx context.Context, f budget.Filter, by budget.Level) ([]budget.Total, error)

	// PhaseTotal is the sum in cents of the current line items matching f
	// (typically a jurisdiction, fiscal year, phase and Kind Expenditure).
	PhaseTotal(ctx context.Context, f budget.Filter) (int64, error)

	// Requests returns the current budget requests matching f (Phase and
	// Kind are ignored), with proposed and adopted changes in cents.
	Requests(ctx context.Context, f budget.Filter) ([]budget.Request, error)

	// Measures returns the current performance-measure values matching f.
	Measures(ctx context.Context, f budget.Filter) ([]budget.Measure, error)

	// Descriptions returns the published texts for one subject
	// ("department", "program", "schedule", "priority"; "" for all).
	Descriptions(ctx context.Context, jurisdiction, subject string) ([]budget.Description, error)

	// FiscalYearsPhases lists the (fiscal year, phase) pairs for which
	// current line items exist, oldest year first.
	FiscalYearsPhases(ctx context.Context, jurisdiction string) ([]budget.Slice, error)
}
