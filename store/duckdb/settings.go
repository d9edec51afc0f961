package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/budgetlens/budgetlens/budget"
)

// SetSetting stores value under key, replacing an earlier value.
func (s *Store) SetSetting(ctx context.Context, key string, value []byte) error {
	if key == "" {
		return budget.Errorf(budget.EINVALID, "store: a setting needs a key")
	}
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, key); err != nil {
			return fmt.Errorf("store: unable to save setting %s: %w", key, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)`, key, value); err != nil {
			return fmt.Errorf("store: unable to save setting %s: %w", key, err)
		}
		return nil
	})
}

// Setting returns the value stored under key.
func (s *Store) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no setting %q in the store", key)
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read setting %s: %w", key, err)
	}
	return v, nil
}

// SettingKeys lists the keys of the stored settings in byte order.
func (s *Store) SettingKeys(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key FROM settings ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list settings: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: unable to list settings: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
