package storecopy

import (
	"context"
	"fmt"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/store"
)

// eventBatch is how many requests one Insert of a copy writes.
const eventBatch = 50_000

// copyEvents copies the service requests in one EventTx of dst: the
// dictionary with its numbers (the partitions keep them), every request in
// Seq order, every month's partition and summary, and the import records
// with their ids and times.
func copyEvents(ctx context.Context, dst, src store.Store, sum *Summary, progress func(string, int, int)) error {
	st, err := src.EventStats(ctx)
	if err != nil {
		return err
	}
	imports, err := src.EventImports(ctx)
	if err != nil {
		return err
	}
	if st.Requests == 0 && st.Months == 0 && len(imports) == 0 {
		return nil
	}
	tx, err := dst.BeginEvents(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, ok := tx.(store.EventImportRestorer)
	if !ok {
		return budget.Errorf(budget.EINVALID, "storecopy: the target store (%T) cannot restore service-request imports", dst)
	}
	if err := copyDictionary(ctx, tx, src); err != nil {
		return err
	}
	batch := make([]events.Stored, 0, eventBatch)
	flush := func() error {
		if err := tx.Insert(ctx, batch); err != nil {
			return err
		}
		sum.Events += int64(len(batch))
		progress("service requests", int(sum.Events), int(st.Requests))
		batch = batch[:0]
		return nil
	}
	err = src.EachEvent(ctx, func(e *events.Stored) error {
		batch = append(batch, *e)
		if len(batch) == eventBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	if err := copyPartitions(ctx, tx, src, sum); err != nil {
		return err
	}
	if err := res.RestoreEventImports(ctx, imports); err != nil {
		return err
	}
	sum.EventImports = len(imports)
	_, err = tx.Commit(ctx, nil)
	return err
}

// copyDictionary gives tx's dictionary src's names under their numbers.
func copyDictionary(ctx context.Context, tx store.EventTx, src store.Store) error {
	from, err := src.EventDictionary(ctx)
	if err != nil {
		return err
	}
	d, err := tx.Dictionary(ctx)
	if err != nil {
		return err
	}
	for k := range from.Names {
		for id, name := range from.Names[k] {
			d.Set(k, uint16(id), name)
		}
	}
	return tx.SaveDictionary(ctx, d)
}

// copyPartitions writes every month's partition with its summary.
func copyPartitions(ctx context.Context, tx store.EventTx, src store.Store, sum *Summary) error {
	parts, err := src.EventPartitions(ctx, 0, 0)
	if err != nil {
		return err
	}
	sums, err := src.EventSummaries(ctx, 0)
	if err != nil {
		return err
	}
	if len(parts) != len(sums) {
		return budget.Errorf(budget.EINTERNAL, "storecopy: the source has %d months of requests but %d summaries", len(parts), len(sums))
	}
	for i, p := range parts {
		if sums[i].Month != p.Month {
			return budget.Errorf(budget.EINTERNAL, "storecopy: the source's partition of %s has no summary", p.Month)
		}
		if err := tx.PutPartition(ctx, p, sums[i]); err != nil {
			return err
		}
		sum.EventMonths++
	}
	return nil
}

// copyPublished copies every published set (its import time kept).
func copyPublished(ctx context.Context, dst, src store.Store, sum *Summary, progress func(string, int, int)) error {
	list, err := src.PublishedSets(ctx)
	if err != nil {
		return err
	}
	for i, pi := range list {
		set, err := src.PublishedSet(ctx, pi.Name)
		if err != nil {
			return err
		}
		if err := dst.SavePublished(ctx, set); err != nil {
			return fmt.Errorf("published measures %s: %w", pi.Name, err)
		}
		sum.PublishedSets++
		progress("published measures", i+1, len(list))
	}
	return nil
}

// eventsPart digests the service requests as read: counts, imports,
// dictionary, every request in Seq order and every month's partition and
// summary (encoded).
func eventsPart(ctx context.Context, s store.Store, _ store.Exporter, f *Fingerprint) error {
	d := newDigest()
	st, err := s.EventStats(ctx)
	if err != nil {
		return err
	}
	imports, err := s.EventImports(ctx)
	if err != nil {
		return err
	}
	dict, err := s.EventDictionary(ctx)
	if err != nil {
		return err
	}
	if err := d.add(st, st.First, st.Last, st.AsOf, len(imports)); err != nil {
		return err
	}
	for _, r := range imports {
		if err := d.add(r, r.First, r.Last, r.At); err != nil {
			return err
		}
	}
	if err := d.add(dict.Names[:]); err != nil {
		return err
	}
	err = s.EachEvent(ctx, func(e *events.Stored) error { return d.add(*e, e.Created, e.Closed, e.Lon, e.Lat) })
	if err != nil {
		return err
	}
	parts, err := s.EventPartitions(ctx, 0, 0)
	if err != nil {
		return err
	}
	sums, err := s.EventSummaries(ctx, 0)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if err := d.add(int(p.Month), p.Encode()); err != nil {
			return err
		}
	}
	for _, sm := range sums {
		if err := d.add(int(sm.Month), sm.Encode()); err != nil {
			return err
		}
	}
	f.Events = d.sum()
	return nil
}

// publishedPart digests every published set as listed and read.
func publishedPart(ctx context.Context, s store.Store, _ store.Exporter, f *Fingerprint) error {
	d := newDigest()
	list, err := s.PublishedSets(ctx)
	if err != nil {
		return err
	}
	for _, pi := range list {
		set, err := s.PublishedSet(ctx, pi.Name)
		if err != nil {
			return err
		}
		if err := d.add(pi, pi.ImportedAt, set, set.ImportedAt); err != nil {
			return err
		}
		for _, v := range set.Values {
			if err := d.add(v.Value); err != nil {
				return err
			}
		}
	}
	f.Published = d.sum()
	return nil
}
