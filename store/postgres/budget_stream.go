package postgres

import (
	"context"
	"sort"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/jackc/pgx/v5"
)

// maxStreamSlices bounds the fiscal-year and phase slices one streamed
// file can hold: their ids are taken from the sequence before the COPY
// (the connection is busy with it until the end), 1,024 at a time; unused
// ones are left as gaps in the sequence.
const maxStreamSlices = 1024

// ImportLineItems implements store.BudgetStreamer: in one transaction it
// takes the dataset's locks, finds a run of the same content (then each is
// not called), COPYs the line items as each hands them over, and then
// records the run and its slices, superseding those of the dataset it
// replaces, as ImportBatch does.
func (s *Store) ImportLineItems(ctx context.Context, b *budget.Batch, each func(yield func(*budget.LineItem) error) error) (budget.ImportRun, error) {
	if err := s.writable(); err != nil {
		return budget.ImportRun{}, err
	}
	if b.Dataset == "" || b.Jurisdiction.ID == "" || b.ContentHash == "" {
		return budget.ImportRun{}, budget.Errorf(budget.EINVALID, "store: streamed batch from %s has no dataset, jurisdiction or content hash", b.SourceFile)
	}
	if err := checkBatchText(b); err != nil { // the batch's own text: jurisdiction, dataset, source, profile
		return budget.ImportRun{}, err
	}
	var run budget.ImportRun
	err := s.withTx(ctx, func(tx pgx.Tx) error {
		prev, found, err := s.lockedUnchanged(ctx, tx, b)
		if err != nil || found {
			run = prev
			return err
		}
		started := time.Now().UTC().Truncate(time.Microsecond)
		var reserved []int64
		rows, err := tx.Query(ctx, `SELECT nextval('budget_slice_ids') FROM generate_series(1, $1)`, maxStreamSlices)
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to number the slices of %s", b.SourceFile)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return s.errorf(budget.EINTERNAL, err, "unable to number the slices of %s", b.SourceFile)
			}
			reserved = append(reserved, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to number the slices of %s", b.SourceFile)
		}
		ids := map[sliceKey]int64{}
		counts := map[sliceKey]int64{}
		j := b.Jurisdiction.ID
		n, err := copyStream(ctx, tx, "line_items", lineItemColumns, func(add func(build func(r *copyRow)) error) error {
			return each(func(l *budget.LineItem) error {
				if err := checkItemText(b.SourceFile, l); err != nil {
					return err
				}
				k := sliceKey{"line_items", l.FiscalYear.Start, l.Phase}
				id, ok := ids[k]
				if !ok {
					if len(ids) == len(reserved) {
						return budget.Errorf(budget.EINVALID, "%s: more than %d fiscal years and phases in one file (line %d): split the file", b.SourceFile, maxStreamSlices, l.Line)
					}
					id = reserved[len(ids)]
					ids[k] = id
				}
				counts[k]++
				return add(func(r *copyRow) {
					r.Int8(id)
					r.Text(j)
					r.Int4(l.FiscalYear.Start)
					r.Text(string(l.Phase))
					r.Text(string(l.Kind))
					writeClassification(r, &l.Classification, true, true)
					r.Int8(l.AmountCents)
					r.Text(l.Key)
					r.Int4(l.Line)
					r.TextOrNull(l.Area)
					r.TextOrNull(l.AreaLayer)
				})
			})
		})
		if err != nil {
			if ctx.Err() != nil {
				return s.errorf(budget.EINTERNAL, ctx.Err(), "the import of %s was cancelled while loading line_items; nothing was stored", b.SourceFile)
			}
			if budget.ErrorCode(err) != budget.EINTERNAL {
				return err // the file's error (a bad cell, a total that does not reconcile): its own words
			}
			return s.errorf(budget.EINTERNAL, err, "unable to load the rows of %s into line_items; nothing was stored", b.SourceFile)
		}
		var total int64
		for _, c := range counts {
			total += c
		}
		if n != total {
			return budget.Errorf(budget.EINTERNAL, "store: loaded %d of %d rows of %s into line_items; nothing was stored", n, total, b.SourceFile)
		}
		run = budget.ImportRun{Kind: "budget", SourceFile: b.SourceFile, ContentHash: b.ContentHash, Profile: b.Profile,
			Dataset: b.Dataset, Jurisdiction: j, Rows: total, Version: budget.Version, StartedAt: started}
		if err := s.recordRun(ctx, tx, b, &run); err != nil {
			return err
		}
		keys := make([]sliceKey, 0, len(ids))
		for k := range ids {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, c int) bool {
			if keys[a].fy != keys[c].fy {
				return keys[a].fy < keys[c].fy
			}
			return keys[a].phase < keys[c].phase
		})
		for _, k := range keys {
			sup, err := s.addSlice(ctx, tx, b, run.ID, k, ids[k], counts[k])
			if err != nil {
				return err
			}
			run.Superseded += sup
		}
		return nil
	})
	if err != nil {
		return budget.ImportRun{}, err
	}
	return run, nil
}
