// Package duckdb is the embedded implementation of store.Store: one DuckDB
// file, schema created by the embedded migrations in migrations/*.sql (applied
// in lexical order, each once, recorded in schema_migrations). Extension
// auto-install and auto-load are off, so the store never reaches the network.
package duckdb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultPath is the store file used when no --db is given.
const DefaultPath = "budgetlens.duckdb"

// Store is a DuckDB-backed store.Store.
type Store struct {
	db   *sql.DB
	path string
	// onTemp, when set (tests), is told the name of each temporary file.
	onTemp func(name string)
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the DuckDB file at path and applies any
// pending migrations. An empty path opens a private in-memory store.
func Open(path string) (*Store, error) {
	dsn := path + "?autoinstall_known_extensions=false&autoload_known_extensions=false"
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w (is another budgetlens process using it?)", path, err)
	}
	s := &Store{db: db, path: path}
	s.sweepTemp() // DuckDB's lock is held: no other process is importing here
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Path returns the file the store was opened from ("" for in-memory).
func (s *Store) Path() string { return s.path }

// DB exposes the underlying handle for read-only analytical queries.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// WithTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise, so a failed write leaves the store exactly as it was.
func (s *Store) WithTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: unable to begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: unable to commit: %w", err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("store: unable to create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
			return fmt.Errorf("store: unable to read schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.WithTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return budget.Errorf(budget.EINTERNAL, "store: migration %s failed: %v", base, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(name) VALUES (?)`, base)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
