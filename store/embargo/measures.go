package embargo

import (
	"context"

	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
)

// Service requests and measures published by area belong to no budget
// phase: the public view reads them as stored and refuses every write.

// BeginEvents is refused: the public view is read-only.
func (e *Store) BeginEvents(context.Context) (store.EventTx, error) { return nil, readOnly() }

// EventImports lists the imports of requests.
func (e *Store) EventImports(ctx context.Context) ([]events.ImportInfo, error) {
	return e.s.EventImports(ctx)
}

// EventDictionary returns the names of the stored requests' numbers.
func (e *Store) EventDictionary(ctx context.Context) (*measures.Dictionary, error) {
	return e.s.EventDictionary(ctx)
}

// EventPartitions returns the stored partitions.
func (e *Store) EventPartitions(ctx context.Context, from, to measures.Month) ([]*measures.Partition, error) {
	return e.s.EventPartitions(ctx, from, to)
}

// EventSummaries returns the stored summaries.
func (e *Store) EventSummaries(ctx context.Context, to measures.Month) ([]*measures.Summary, error) {
	return e.s.EventSummaries(ctx, to)
}

// EventStats counts the stored requests.
func (e *Store) EventStats(ctx context.Context) (store.EventStats, error) { return e.s.EventStats(ctx) }

// EachEvent streams the stored requests.
func (e *Store) EachEvent(ctx context.Context, fn func(*events.Stored) error) error {
	return e.s.EachEvent(ctx, fn)
}

// SavePublished is refused: the public view is read-only.
func (e *Store) SavePublished(context.Context, *measures.PublishedSet) error { return readOnly() }

// PublishedSets lists the stored published sets.
func (e *Store) PublishedSets(ctx context.Context) ([]measures.PublishedInfo, error) {
	return e.s.PublishedSets(ctx)
}

// PublishedSet returns a stored published set.
func (e *Store) PublishedSet(ctx context.Context, name string) (*measures.PublishedSet, error) {
	return e.s.PublishedSet(ctx, name)
}

// DeletePublished is refused: the public view is read-only.
func (e *Store) DeletePublished(context.Context, string) error { return readOnly() }
