package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// PhaseReleases lists the stored phases with their release state.
func (s *Store) PhaseReleases(ctx context.Context) ([]budget.PhaseRelease, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT jurisdiction, fy_start, phase, run_id, kind, rows FROM budget_slices
		WHERE superseded_by IS NULL AND phase <> '' ORDER BY jurisdiction, fy_start, phase, run_id, kind`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list phases: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*budget.PhaseRelease{}
	var out []*budget.PhaseRelease
	for rows.Next() {
		var k budget.PhaseKey
		var ph string
		var sl budget.PhaseSlice
		if err := rows.Scan(&k.Jurisdiction, &k.FiscalYear.Start, &ph, &sl.Run, &sl.Kind, &sl.Rows); err != nil {
			return nil, fmt.Errorf("store: unable to list phases: %w", err)
		}
		k.FiscalYear.StartMonth, k.Phase = 7, budget.Phase(ph)
		r := byKey[releaseKey(k)]
		if r == nil {
			r = &budget.PhaseRelease{PhaseKey: k}
			byKey[releaseKey(k)] = r
			out = append(out, r)
		}
		r.Slices = append(r.Slices, sl)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	log, err := s.PhaseReleaseLog(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range log { // oldest first: the latest event wins
		if r := byKey[releaseKey(e.PhaseKey)]; r != nil {
			r.Released, r.By, r.At, r.Note = e.Released, e.By, e.At, e.Note
		}
	}
	res := make([]budget.PhaseRelease, len(out))
	for i, r := range out {
		res[i] = *r
	}
	sort.SliceStable(res, func(i, j int) bool { return phaseLess(res[i].PhaseKey, res[j].PhaseKey) })
	return res, nil
}

func releaseKey(k budget.PhaseKey) string {
	return fmt.Sprintf("%s\x1f%d\x1f%s", k.Jurisdiction, k.FiscalYear.Start, k.Phase)
}

// phaseLess orders by jurisdiction, fiscal year and the phases' life order.
func phaseLess(a, b budget.PhaseKey) bool {
	if a.Jurisdiction != b.Jurisdiction {
		return a.Jurisdiction < b.Jurisdiction
	}
	if a.FiscalYear.Start != b.FiscalYear.Start {
		return a.FiscalYear.Start < b.FiscalYear.Start
	}
	return phaseOrder(a.Phase) < phaseOrder(b.Phase)
}

func phaseOrder(p budget.Phase) int {
	for i, x := range budget.Phases {
		if x == p {
			return i
		}
	}
	return len(budget.Phases)
}

// SetPhaseRelease records a release or hold of a stored phase.
func (s *Store) SetPhaseRelease(ctx context.Context, r budget.PhaseRelease) error {
	if strings.TrimSpace(r.By) == "" {
		return budget.Errorf(budget.EINVALID, "a release or hold must say who made it")
	}
	if r.At.IsZero() {
		r.At = time.Now().UTC()
	}
	stored, err := s.PhaseReleases(ctx)
	if err != nil {
		return err
	}
	found := false
	var have []string
	for _, x := range stored {
		have = append(have, x.PhaseKey.String())
		found = found || releaseKey(x.PhaseKey) == releaseKey(r.PhaseKey)
	}
	if !found {
		list := strings.Join(have, ", ")
		if list == "" {
			list = "none"
		}
		return budget.Errorf(budget.ENOTFOUND, "no %s budget is stored (stored phases: %s)", r.PhaseKey, list)
	}
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
		r.FiscalYear.StartMonth, r.Phase, r.At = 7, budget.Phase(ph), r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
