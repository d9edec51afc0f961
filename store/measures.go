package store

import (
	"context"
	"time"

	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/measures"
)

// EventStore keeps service requests (events): one row per request number
// as last imported, the names of their types, agencies, sources and
// statuses (a dictionary of small numbers), the imports that brought them
// in, and the per-month partitions and summaries package measures computes
// from (one of each per calendar month of creation; see
// measures.Partition). Partitions carry every request's place in the
// stored layers, so they are the store's record of placements.
//
// Writes go through an EventTx: everything written through one is a
// single transaction, so an import that fails leaves the store as it was.
// One EventTx at a time: an implementation serialises them (DuckDB has one
// writer; PostgreSQL takes a lock on events).
type EventStore interface {
	// BeginEvents starts a write of events.
	BeginEvents(ctx context.Context) (EventTx, error)
	// EventImports lists the imports, oldest first.
	EventImports(ctx context.Context) ([]events.ImportInfo, error)
	// EventDictionary returns the names behind the partitions' numbers.
	EventDictionary(ctx context.Context) (*measures.Dictionary, error)
	// EventPartitions returns the decoded partitions of the months from to
	// to (0 for either: unbounded), by month. A store may keep them and
	// hand the same ones to later calls (DuckDB's CacheEvents): the caller
	// does not modify them (Clone first).
	EventPartitions(ctx context.Context, from, to measures.Month) ([]*measures.Partition, error)
	// EventSummaries returns the decoded summaries of every month up to to
	// (0: all), by month; shared like EventPartitions'.
	EventSummaries(ctx context.Context, to measures.Month) ([]*measures.Summary, error)
	// EventStats counts the stored requests.
	EventStats(ctx context.Context) (EventStats, error)
	// EachEvent calls fn with every stored request in Seq order, without
	// holding them all in memory; an error from fn stops it.
	EachEvent(ctx context.Context, fn func(*events.Stored) error) error
}

// EventStats counts the stored requests: all, synthetic ones, and the
// earliest and latest creation times and the latest time of any kind
// (creation or closing: the time the store is "as of"), with the months
// that have a partition.
type EventStats struct {
	Requests, Synthetic int64
	First, Last, AsOf   time.Time
	Months              int
}

// EventTx is one transaction writing events.
type EventTx interface {
	// Existing returns the stored requests with these numbers (any order;
	// numbers not stored are absent).
	Existing(ctx context.Context, ids []string) ([]events.Stored, error)
	// Empty reports whether no request is stored yet (an import into an
	// empty store need not look for existing ones).
	Empty(ctx context.Context) (bool, error)
	// NextSeq is the first unused request number in the store (1 for an
	// empty store); the caller numbers new requests from it.
	NextSeq(ctx context.Context) (int64, error)
	// Dictionary returns the stored names; SaveDictionary stores the names
	// added to it since.
	Dictionary(ctx context.Context) (*measures.Dictionary, error)
	SaveDictionary(ctx context.Context, d *measures.Dictionary) error
	// Insert stores new requests (Seq set by the caller).
	Insert(ctx context.Context, evs []events.Stored) error
	// Update replaces stored requests, by Seq.
	Update(ctx context.Context, evs []events.Stored) error
	// Partition returns the stored partition of a month, nil when none.
	Partition(ctx context.Context, m measures.Month) (*measures.Partition, error)
	// PutPartition stores a month's partition and summary, replacing any.
	PutPartition(ctx context.Context, p *measures.Partition, s *measures.Summary) error
	// Commit records the import (rec: its ID is set by the store when 0)
	// and commits everything; with rec nil (re-placing, rebuilding) it only
	// commits.
	Commit(ctx context.Context, rec *events.ImportInfo) (int64, error)
	// Rollback abandons everything written; harmless after Commit.
	Rollback() error
}

// EventStager is an EventTx whose Insert is done in two steps, so that a
// caller can prepare one batch of requests while the store writes the one
// before: Stage prepares evs (numbers their names, codes and request
// numbers as the store keeps them) and InsertStaged writes what Stage
// prepared, in the order staged. Stage may run on one goroutine while
// InsertStaged runs on another, once a first Stage has returned; nothing
// else may use the transaction meanwhile. Insert is Stage then
// InsertStaged.
type EventStager interface {
	Stage(ctx context.Context, evs []events.Stored) (StagedEvents, error)
	InsertStaged(ctx context.Context, s StagedEvents) error
}

// StagedEvents is requests prepared by EventStager.Stage.
type StagedEvents interface {
	// Len is the number of requests.
	Len() int
}

// PublishedStore keeps measures published by area (measures.PublishedSet).
type PublishedStore interface {
	// SavePublished stores a set, replacing one of the same name, in one
	// transaction.
	SavePublished(ctx context.Context, set *measures.PublishedSet) error
	// PublishedSets lists the stored sets without their values, by name.
	PublishedSets(ctx context.Context) ([]measures.PublishedInfo, error)
	// PublishedSet returns a stored set with its values; ENOTFOUND when
	// missing.
	PublishedSet(ctx context.Context, name string) (*measures.PublishedSet, error)
	// DeletePublished removes a set; ENOTFOUND when missing.
	DeletePublished(ctx context.Context, name string) error
}

// EventImportRestorer is an EventTx that can take a copy of another
// store's import records (storecopy): RestoreEventImports writes them with
// their own ids and times, and later imports are numbered after them. The
// copy then commits with Commit(ctx, nil).
type EventImportRestorer interface {
	RestoreEventImports(ctx context.Context, recs []events.ImportInfo) error
}
