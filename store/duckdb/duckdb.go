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
	"os"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/migrate"
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
	// a bulk import killed while it wrote (kill -9, a power cut) leaves its
	// temporary CSV beside the store; the store is open only here now
	if f := s.bulkFile(); f != "" {
		os.Remove(f)
	}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// bulkFile is where a large import writes its temporary CSV: beside the
// store file, so that only the process holding the store uses it and the
// next Open removes what a killed import left; "" (the system's temporary
// directory) for an in-memory store.
func (s *Store) bulkFile() string {
	if s.path == "" {
		return ""
	}
	return s.path + ".importing.csv"
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
	applied, err := s.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	known, err := migrate.Names(migrations, "migrations")
	if err != nil {
		return err
	}
	where := s.path
	if where == "" {
		where = "the in-memory store"
	}
	pending, err := migrate.Pending(known, applied, where)
	if err != nil {
		return err
	}
	for _, base := range pending {
		body, err := migrations.ReadFile("migrations/" + base)
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

// AppliedMigrations lists the schema migrations recorded in the store.
func (s *Store) AppliedMigrations(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read schema_migrations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// querier is what allocate needs of a connection or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// allocate sets *id to the next value of seq when it is 0; a given id (a
// restore) is kept and seq is moved past it. DuckDB has no setval, so the
// sequence is drawn until it passes the id (restores run in id order, so
// few draws are wasted).
func allocate(ctx context.Context, q querier, seq string, id *int64) error {
	if *id == 0 {
		return q.QueryRowContext(ctx, `SELECT nextval(?)`, seq).Scan(id)
	}
	var cur int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(last_value), 0) FROM duckdb_sequences() WHERE sequence_name = ?`, seq).Scan(&cur); err != nil {
		return err
	}
	for cur < *id {
		if err := q.QueryRowContext(ctx, `SELECT nextval(?)`, seq).Scan(&cur); err != nil {
			return err
		}
	}
	return nil
}

// execQuerier is what insertImportRun needs of a connection or transaction.
type execQuerier interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertImportRun records run, allocating its id when it has none.
func insertImportRun(ctx context.Context, q execQuerier, run *budget.ImportRun) error {
	if err := allocate(ctx, q, "import_run_ids", &run.ID); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO import_runs(id, kind, source_file, content_hash, profile, rows, started_at, version) VALUES (?,?,?,?,?,?,?,?)`,
		run.ID, run.Kind, run.SourceFile, run.ContentHash, run.Profile, run.Rows, run.StartedAt, run.Version)
	return err
}
