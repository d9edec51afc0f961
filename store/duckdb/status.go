package duckdb

import (
	"context"
	"fmt"
	"os"

	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/migrate"
)

var _ store.StatusReporter = (*Store)(nil)

// Status describes the store file: DuckDB's version, migrations, the
// file's size and each table's exact row count.
func (s *Store) Status(ctx context.Context) (*store.Status, error) {
	st := &store.Status{Kind: "duckdb", Location: s.path, ReadOnly: s.readOnly}
	if s.path == "" {
		st.Location = "(in memory)"
	}
	if err := s.db.QueryRowContext(ctx, `SELECT 'DuckDB ' || version()`).Scan(&st.Server); err != nil {
		return nil, fmt.Errorf("store: unable to read the status: %w", err)
	}
	if fi, err := os.Stat(s.path); err == nil {
		st.SizeBytes = fi.Size()
	}
	applied, err := s.AppliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	known, err := migrate.Names(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	st.Migrations = store.Migrations{Applied: applied, Newest: known[len(known)-1]}
	if st.Migrations.Pending, err = migrate.Pending(known, applied, st.Location); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list tables: %w", err)
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
	for _, n := range names {
		t := store.TableStatus{Name: n}
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&t.Rows); err != nil {
			return nil, fmt.Errorf("store: unable to count %s: %w", n, err)
		}
		st.Tables = append(st.Tables, t)
	}
	return st, nil
}
