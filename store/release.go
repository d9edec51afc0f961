package store

import (
	"context"

	"github.com/budgetlens/budgetlens/budget"
)

// ReleaseStore keeps the release state of budget phases. A phase (a
// jurisdiction's fiscal year and phase) with stored rows is held until it is
// released: a newly imported phase is held without anyone saying so, and a
// store that has never recorded a release holds everything. Every change is
// appended to a log (who, when, note) and never rewritten.
type ReleaseStore interface {
	// PhaseReleases lists every phase that has current stored rows (line
	// items, requests, measures or descriptions), ordered by jurisdiction,
	// fiscal year and phase order (proposed, adopted, estimate, actual),
	// with its state and last change, and its current slices.
	PhaseReleases(ctx context.Context) ([]budget.PhaseRelease, error)
	// SetPhaseRelease records a release (Released true) or a hold of a
	// stored phase in one transaction, with By, Note and At (the store's
	// clock, UTC, when zero). A phase with no current rows is ENOTFOUND,
	// naming the stored phases; an empty By is EINVALID.
	SetPhaseRelease(ctx context.Context, r budget.PhaseRelease) error
	// PhaseReleaseLog lists every recorded change, oldest first.
	PhaseReleaseLog(ctx context.Context) ([]budget.PhaseRelease, error)
}
