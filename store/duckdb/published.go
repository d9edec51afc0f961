package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/measures"
)

// SavePublished stores a published set, replacing one of the same name.
func (s *Store) SavePublished(ctx context.Context, set *measures.PublishedSet) error {
	if set == nil || set.Name == "" {
		return budget.Errorf(budget.EINVALID, "store: a published set needs a name")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: unable to get a connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	if err := s.savePublished(ctx, conn, set); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return fmt.Errorf("store: unable to commit published set %s: %w", set.Name, err)
	}
	return nil
}

func (s *Store) savePublished(ctx context.Context, conn *sql.Conn, set *measures.PublishedSet) error {
	for _, t := range []string{"published_values", "published_measures"} {
		if _, err := conn.ExecContext(ctx, `DELETE FROM `+t+` WHERE set_name = ?`, set.Name); err != nil {
			return fmt.Errorf("store: unable to replace published set %s: %w", set.Name, err)
		}
	}
	if _, err := conn.ExecContext(ctx, `DELETE FROM published_sets WHERE name = ?`, set.Name); err != nil {
		return fmt.Errorf("store: unable to replace published set %s: %w", set.Name, err)
	}
	checks, _ := json.Marshal(append([]string{}, set.Checks...))
	at := set.ImportedAt
	if at.IsZero() {
		at = time.Now().UTC()
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO published_sets VALUES (?,?,?,?,?,?,?,?,?,?,?)`, set.Name, set.File, set.SHA256, set.Format,
		set.Layer, set.Derived, set.Note, set.Department, string(checks), at, budget.Version); err != nil {
		return fmt.Errorf("store: unable to save published set %s: %w", set.Name, err)
	}
	for i, m := range set.Measures {
		if _, err := conn.ExecContext(ctx, `INSERT INTO published_measures VALUES (?,?,?,?,?,?,?,?)`, set.Name, i, m.ID, m.Name, m.Unit, m.Better, m.Kind, m.WeightOf); err != nil {
			return fmt.Errorf("store: unable to save published measure %s: %w", m.ID, err)
		}
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("store: unexpected driver connection %T", dc)
		}
		return appendAll(c, "published_values", len(set.Values), func(i int) []driver.Value {
			v := &set.Values[i]
			return []driver.Value{set.Name, v.Measure, v.Area, int32(v.Month), int32(v.Months), v.Value, int32(v.Line)}
		})
	})
}

// PublishedSets lists the stored sets by name.
func (s *Store) PublishedSets(ctx context.Context) ([]measures.PublishedInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM published_sets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list published sets: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	out := []measures.PublishedInfo{}
	for _, n := range names {
		set, err := s.publishedSet(ctx, n, false)
		if err != nil {
			return nil, err
		}
		var count int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM published_values WHERE set_name = ?`, n).Scan(&count); err != nil {
			return nil, err
		}
		out = append(out, measures.PublishedInfo{PublishedSet: *set, Values: count})
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
	err := s.db.QueryRowContext(ctx, `SELECT source_file, content_hash, format, area_layer, derived, note, department, checks, imported_at FROM published_sets WHERE name = ?`, name).
		Scan(&set.File, &set.SHA256, &set.Format, &set.Layer, &set.Derived, &set.Note, &set.Department, &checks, &set.ImportedAt)
	if err == sql.ErrNoRows {
		return nil, budget.Errorf(budget.ENOTFOUND, "no published measures named %q (list them with budgetlens measures published)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read published set %s: %w", name, err)
	}
	set.ImportedAt = set.ImportedAt.UTC()
	if err := json.Unmarshal([]byte(checks), &set.Checks); err != nil {
		return nil, fmt.Errorf("store: published set %s: checks: %w", name, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT measure, name, unit, better, kind, weight_of FROM published_measures WHERE set_name = ? ORDER BY pos`, name)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read published set %s: %w", name, err)
	}
	for rows.Next() {
		var m measures.PublishedMeasure
		if err := rows.Scan(&m.ID, &m.Name, &m.Unit, &m.Better, &m.Kind, &m.WeightOf); err != nil {
			rows.Close()
			return nil, err
		}
		set.Measures = append(set.Measures, m)
	}
	rows.Close()
	var first, last sql.NullInt32
	if err := s.db.QueryRowContext(ctx, `SELECT min(month), max(month + months - 1) FROM published_values WHERE set_name = ?`, name).Scan(&first, &last); err != nil {
		return nil, err
	}
	set.First, set.Last = measures.Month(first.Int32), measures.Month(last.Int32)
	if !values {
		return set, nil
	}
	rows, err = s.db.QueryContext(ctx, `SELECT measure, area_key, month, months, value, line FROM published_values WHERE set_name = ? ORDER BY line, measure, area_key, month, months, value`, name)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read published set %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v measures.PublishedValue
		var m, n int32
		if err := rows.Scan(&v.Measure, &v.Area, &m, &n, &v.Value, &v.Line); err != nil {
			return nil, err
		}
		v.Month, v.Months = measures.Month(m), int(n)
		set.Values = append(set.Values, v)
	}
	return set, rows.Err()
}

// DeletePublished removes a set.
func (s *Store) DeletePublished(ctx context.Context, name string) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM published_sets WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("store: unable to delete published set %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return budget.Errorf(budget.ENOTFOUND, "no published measures named %q", name)
		}
		for _, t := range []string{"published_values", "published_measures"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE set_name = ?`, name); err != nil {
				return fmt.Errorf("store: unable to delete published set %s: %w", name, err)
			}
		}
		return nil
	})
}
