package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

// PhaseReleases lists the stored phases with their release state.
func (s *Store) PhaseReleases(ctx context.Context) ([]budget.PhaseRelease, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, run_id, kind, rows FROM budget_slices
		WHERE superseded_by IS NULL AND phase <> '' ORDER BY jurisdiction, fy_start, phase, run_id, kind`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list phases: %w", err)
	}
	defer rows.Close()
	var slices []store.CurrentSlice
	for rows.Next() {
		var c store.CurrentSlice
		var ph string
		if err := rows.Scan(&c.Phase.Jurisdiction, &c.Phase.FiscalYear.Start, &ph, &c.Slice.Run, &c.Slice.Kind, &c.Slice.Rows); err != nil {
			return nil, fmt.Errorf("store: unable to list phases: %w", err)
		}
		c.Phase.FiscalYear.StartMonth, c.Phase.Phase = months.Of(c.Phase.Jurisdiction), budget.Phase(ph)
		slices = append(slices, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	log, err := s.PhaseReleaseLog(ctx)
	if err != nil {
		return nil, err
	}
	return store.PhaseReleasesOf(slices, log), nil
}

// SetPhaseRelease records a release or hold of a stored phase.
func (s *Store) SetPhaseRelease(ctx context.Context, r budget.PhaseRelease) error {
	stored, err := s.PhaseReleases(ctx)
	if err != nil {
		return err
	}
	if err := store.CheckPhaseRelease(&r, stored, time.Now()); err != nil {
		return err
	}
	return s.appendRelease(ctx, r)
}

// appendRelease appends event r to the log with the next id.
func (s *Store) appendRelease(ctx context.Context, r budget.PhaseRelease) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT nextval('phase_release_ids')`).Scan(&id); err != nil {
			return fmt.Errorf("store: unable to record the release: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO phase_release_events VALUES (?,?,?,?,?,?,?,?)`,
			id, r.Jurisdiction, r.FiscalYear.Start, string(r.Phase), r.Released, r.By, r.At.UTC(), r.Note)
		if err != nil {
			return fmt.Errorf("store: unable to record the release: %w", err)
		}
		return nil
	})
}

// PhaseReleaseLog lists every recorded release and hold, oldest first.
func (s *Store) PhaseReleaseLog(ctx context.Context) ([]budget.PhaseRelease, error) {
	months, err := s.startMonths(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, released, actor, changed_at, note FROM phase_release_events ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the release log: %w", err)
	}
	defer rows.Close()
	var out []budget.PhaseRelease
	for rows.Next() {
		var r budget.PhaseRelease
		var ph string
		if err := rows.Scan(&r.Jurisdiction, &r.FiscalYear.Start, &ph, &r.Released, &r.By, &r.At, &r.Note); err != nil {
			return nil, fmt.Errorf("store: unable to read the release log: %w", err)
		}
		r.FiscalYear.StartMonth, r.Phase, r.At = months.Of(r.Jurisdiction), budget.Phase(ph), r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// RestorePhaseRelease appends a copied release or hold as it was recorded.
func (s *Store) RestorePhaseRelease(ctx context.Context, r budget.PhaseRelease) error {
	if r.At.IsZero() || r.By == "" {
		return budget.Errorf(budget.EINVALID, "store: a restored release of %s needs who and when", r.PhaseKey)
	}
	return s.appendRelease(ctx, r)
}
