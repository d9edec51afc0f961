package postgres

import (
	"context"
	"errors"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/jackc/pgx/v5"
)

// SetSetting stores value under key, replacing an earlier value, in one
// transaction. Keys are text without NUL; values are kept byte for byte.
func (s *Store) SetSetting(ctx context.Context, key string, value []byte) error {
	if key == "" {
		return budget.Errorf(budget.EINVALID, "store: a setting needs a key")
	}
	if unstorable(key) {
		return budget.Errorf(budget.EINVALID, "store: setting key %q holds a NUL character or bytes that are not UTF-8, which PostgreSQL cannot store", key)
	}
	if value == nil {
		value = []byte{}
	}
	return s.withTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO settings(key, value, updated_at) VALUES ($1, $2, now())
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value)
		return s.errorf(budget.EINTERNAL, err, "unable to save setting %s", key)
	})
}

// Setting returns the value stored under key; ENOTFOUND when none is.
func (s *Store) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no setting %q in the store", key)
	}
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to read setting %s", key)
	}
	return v, nil
}

// SettingKeys lists the keys of the stored settings in byte order.
func (s *Store) SettingKeys(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT key FROM settings ORDER BY key`+byteOrder)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list settings")
	}
	out, err := collect(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "unable to list settings")
	}
	return out, nil
}
