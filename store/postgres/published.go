package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
)

// The published-measures store (store.PublishedStore) over migration 061:
// the same tables as the DuckDB store's; a set is written in one
// transaction under its name's advisory lock, and listed in byte order of
// its name as in the DuckDB store.

var _ store.PublishedStore = (*Store)(nil)

// SavePublished stores a published set, replacing one of the same name.
func (s *Store) SavePublished(ctx context.Context, set *measures.PublishedSet) error {
	if set == nil || set.Name == "" {
		return budget.Errorf(budget.EINVALID, "store: a published set needs a name")
	}
	checks, _ := json.Marshal(append([]string{}, set.Checks...))
	at := set.ImportedAt
	if at.IsZero() {
		at = nowUTC()
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "published set", set.Name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock published set %s", set.Name)
		}
		if err := s.deletePublished(ctx, tx, set.Name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO published_sets(name, source_file, content_hash, format, area_layer, derived, note, department, checks, imported_at, version)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, set.Name, set.File, set.SHA256, set.Format,
			set.Layer, set.Derived, set.Note, set.Department, string(checks), at.UTC(), budget.Version); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save published set %s", set.Name)
		}
		ms := make([][]any, len(set.Measures))
		for i, m := range set.Measures {
			ms[i] = []any{set.Name, int32(i), m.ID, m.Name, m.Unit, m.Better, m.Kind, m.WeightOf}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"published_measures"}, []string{"set_name", "pos", "measure", "name", "unit", "better", "kind", "weight_of"},
			pgx.CopyFromRows(ms)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save the measures of published set %s", set.Name)
		}
		vs := make([][]any, len(set.Values))
		for i := range set.Values {
			v := &set.Values[i]
			vs[i] = []any{set.Name, v.Measure, v.Area, int32(v.Month), int32(v.Months), v.Value, int32(v.Line)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"published_values"}, []string{"set_name", "measure", "area_key", "month", "months", "value", "line"},
			pgx.CopyFromRows(vs)); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to save the values of published set %s", set.Name)
		}
		return nil
	})
}

// deletePublished removes set name's rows, reporting whether it existed.
func (s *Store) deletePublished(ctx context.Context, tx pgx.Tx, name string) error {
	for _, t := range []string{"published_values", "published_measures"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE set_name = $1`, name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to replace published set %s", name)
		}
	}
	_, err := tx.Exec(ctx, `DELETE FROM published_sets WHERE name = $1`, name)
	return s.errorf(budget.EINTERNAL, err, "unable to replace published set %s", name)
}

// PublishedSets lists the stored sets by name (byte order).
func (s *Store) PublishedSets(ctx context.Context) ([]measures.PublishedInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT name FROM published_sets ORDER BY name`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list published sets")
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list published sets")
	}
	out := []measures.PublishedInfo{}
	for _, n := range names {
		set, err := s.publishedSet(ctx, n, false)
		if err != nil {
			return nil, err
		}
		var count int64
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM published_values WHERE set_name = $1`, n).Scan(&count); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to count published set %s", n)
		}
		out = append(out, measures.PublishedInfo{PublishedSet: *set, Values: int(count)})
	}
	return out, nil
}

// PublishedSet returns a stored set with its values.
func (s *Store) PublishedSet(ctx context.Context, name string) (*measures.PublishedSet, error) {
	return s.publishedSet(ctx, name, true)
}

func (s *Store) publishedSet(ctx context.Context, name string, values bool) (*measures.PublishedSet, error) {
	set := &measures.PublishedSet{Name: name}
	var checks string
	err := s.pool.QueryRow(ctx, `SELECT source_file, content_hash, format, area_layer, derived, note, department, checks, imported_at FROM published_sets WHERE name = $1`, name).
		Scan(&set.File, &set.SHA256, &set.Format, &set.Layer, &set.Derived, &set.Note, &set.Department, &checks, &set.ImportedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no published measures named %q (list them with budgetlens measures published)", name)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read published set %s", name)
	}
	set.ImportedAt = set.ImportedAt.UTC()
	if err := json.Unmarshal([]byte(checks), &set.Checks); err != nil {
		return nil, budget.Errorf(budget.EINTERNAL, "store: published set %s: checks: %v", name, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT measure, name, unit, better, kind, weight_of FROM published_measures WHERE set_name = $1 ORDER BY pos`, name)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read published set %s", name)
	}
	for rows.Next() {
		var m measures.PublishedMeasure
		if err := rows.Scan(&m.ID, &m.Name, &m.Unit, &m.Better, &m.Kind, &m.WeightOf); err != nil {
			rows.Close()
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read published set %s", name)
		}
		set.Measures = append(set.Measures, m)
	}
	rows.Close()
	var first, last *int32
	if err := s.pool.QueryRow(ctx, `SELECT min(month), max(month + months - 1) FROM published_values WHERE set_name = $1`, name).Scan(&first, &last); err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read published set %s", name)
	}
	if first != nil && last != nil {
		set.First, set.Last = measures.Month(*first), measures.Month(*last)
	}
	if !values {
		return set, nil
	}
	rows, err = s.pool.Query(ctx, `SELECT measure, area_key, month, months, value, line FROM published_values WHERE set_name = $1 ORDER BY line, measure`+byteOrder+`, area_key`+byteOrder+`, month, months, value`, name)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read published set %s", name)
	}
	defer rows.Close()
	for rows.Next() {
		var v measures.PublishedValue
		var m, n, line int32
		if err := rows.Scan(&v.Measure, &v.Area, &m, &n, &v.Value, &line); err != nil {
			return nil, s.errorf(budget.EINTERNAL, err, "unable to read published set %s", name)
		}
		v.Month, v.Months, v.Line = measures.Month(m), int(n), int(line)
		set.Values = append(set.Values, v)
	}
	return set, s.errorf(budget.EINTERNAL, rows.Err(), "unable to read published set %s", name)
}

// DeletePublished removes a set.
func (s *Store) DeletePublished(ctx context.Context, name string) error {
	return s.withTx(ctx, func(tx pgx.Tx) error {
		if err := lockName(ctx, tx, "published set", name); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to lock published set %s", name)
		}
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM published_sets WHERE name = $1`, name).Scan(&n); err != nil {
			return s.errorf(budget.EINTERNAL, err, "unable to delete published set %s", name)
		}
		if n == 0 {
			return budget.Errorf(budget.ENOTFOUND, "no published measures named %q", name)
		}
		return s.deletePublished(ctx, tx, name)
	})
}
