package postgres

import (
	"context"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// PhaseReleases lists the stored phases with their release state (one
// rule for both stores: store.PhaseReleasesOf).
func (s *Store) PhaseReleases(ctx context.Context) ([]budget.PhaseRelease, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT jurisdiction, fy_start, phase, run_id, kind, rows FROM budget_slices
		WHERE superseded_by IS NULL AND phase <> '' ORDER BY jurisdiction`+byteOrder+`, fy_start, phase`+byteOrder+`, run_id, kind`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list phases")
	}
	slices, err := collect(rows, func(row pgx.CollectableRow) (store.CurrentSlice, error) {
		var c store.CurrentSlice
		var ph string
		err := row.Scan(&c.Phase.Jurisdiction, &c.Phase.FiscalYear.Start, &ph, &c.Slice.Run, &c.Slice.Kind, &c.Slice.Rows)
		c.Phase.FiscalYear.StartMonth, c.Phase.Phase = months.Of(c.Phase.Jurisdiction), budget.Phase(ph)
		return c, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list phases")
	}
	log, err := s.PhaseReleaseLog(ctx)
	if err != nil {
		return nil, err
	}
	return store.PhaseReleasesOf(slices, log), nil
}

// SetPhaseRelease records a release or hold of a stored phase: one
// appended event (two people changing one phase at once are recorded in
// the order their transactions took ids; the latest wins).
func (s *Store) SetPhaseRelease(ctx context.Context, r budget.PhaseRelease) error {
	if err := s.writable(); err != nil {
		return err
	}
	stored, err := s.PhaseReleases(ctx)
	if err != nil {
		return err
	}
	if err := store.CheckPhaseRelease(&r, stored, time.Now()); err != nil {
		return err
	}
	if err := checkReleaseText(r); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx pgx.Tx) error { return s.insertRelease(ctx, tx, r) })
}

// checkReleaseText refuses text PostgreSQL cannot store in an event.
func checkReleaseText(r budget.PhaseRelease) error {
	for _, f := range []struct{ name, v string }{{"by", r.By}, {"note", r.Note}} {
		if unstorable(f.v) {
			return budget.Errorf(budget.EINVALID, "store: the %s of a release holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store", f.name)
		}
	}
	return nil
}

// insertRelease appends event r with the next id.
func (s *Store) insertRelease(ctx context.Context, tx pgx.Tx, r budget.PhaseRelease) error {
	_, err := tx.Exec(ctx, `INSERT INTO phase_release_events(id, jurisdiction, fy_start, phase, released, actor, changed_at, note)
		VALUES (nextval('phase_release_ids'), $1, $2, $3, $4, $5, $6, $7)`,
		r.Jurisdiction, r.FiscalYear.Start, string(r.Phase), r.Released, r.By, r.At.UTC(), r.Note)
	return s.errorf(budget.EINTERNAL, err, "unable to record the release of %s", r.PhaseKey)
}

// PhaseReleaseLog lists every recorded release and hold, oldest first.
func (s *Store) PhaseReleaseLog(ctx context.Context) ([]budget.PhaseRelease, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT jurisdiction, fy_start, phase, released, actor, changed_at, note FROM phase_release_events ORDER BY id`)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the release log")
	}
	out, err := collect(rows, func(row pgx.CollectableRow) (budget.PhaseRelease, error) {
		var r budget.PhaseRelease
		var ph string
		err := row.Scan(&r.Jurisdiction, &r.FiscalYear.Start, &ph, &r.Released, &r.By, &r.At, &r.Note)
		r.FiscalYear.StartMonth, r.Phase, r.At = months.Of(r.Jurisdiction), budget.Phase(ph), r.At.UTC()
		return r, err
	})
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read the release log")
	}
	return out, nil
}

// RestorePhaseRelease appends a copied release or hold as it was recorded.
func (s *Store) RestorePhaseRelease(ctx context.Context, r budget.PhaseRelease) error {
	if r.At.IsZero() || r.By == "" {
		return budget.Errorf(budget.EINVALID, "store: a restored release of %s needs who and when", r.PhaseKey)
	}
	if err := checkReleaseText(r); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx pgx.Tx) error { return s.insertRelease(ctx, tx, r) })
}
