// Package duckdb is the embedded implementation of store.Store: one DuckDB
// file, schema created by the embedded migrations in migrations/*.sql (applied
// in lexical order, each once, recorded in schema_migrations). Extension
// auto-install and auto-load are off, so the store never reaches the network.
package duckdb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"

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
	db       *sql.DB
	path     string
	readOnly bool
	// onTemp, when set (tests), is told the name of each temporary file.
	onTemp func(name string)
	// commits counts the write transactions committed through this store
	// (StoreVersion): while it is open no other process can write it.
	commits atomic.Int64
	// auditMu serialises the writes that append to the audit log, so that
	// each entry's hash follows the one before it (see audit.go).
	auditMu sync.Mutex
	// feedOnce registers the events feed (event_feed.go) on first use.
	feedOnce sync.Once
	feedErr  error
	// cache keeps months of requests decoded (event_cache.go), shared by
	// the Stores open on the file; reads use it once useCache is set.
	cache    *eventCache
	useCache bool
	// threads is DuckDB's thread count held at one while large imports
	// feed their rows (event_feed.go, holdOneThread)
	threads struct {
		sync.Mutex
		held int   // transactions holding it
		was  int64 // the setting before the first of them
	}
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the DuckDB file at path and applies any
// pending migrations. An empty path opens a private in-memory store. A file
// that cannot be opened is explained (see OpenError).
func Open(path string) (*Store, error) {
	return open(path, false)
}

// OpenReadOnly opens an existing store for reading only, so that it works
// while other programs read the same file. It never creates a store: a
// path where there is no file is an EINVALID error naming it (wrapping
// fs.ErrNotExist). A store written by an older budgetlens is brought up to
// date first (which needs write access once).
func OpenReadOnly(path string) (*Store, error) {
	if path == "" || path == ":memory:" {
		return nil, budget.Errorf(budget.EINVALID, "a read-only store needs a file: give --db FILE")
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, budget.Errorf(budget.EINVALID, "store %s: %w: check --db (or BUDGETLENS_DB); a store is created by budgetlens init, import or demo", path, fs.ErrNotExist)
		}
		return nil, OpenError(path, err)
	}
	s, err := open(path, true)
	if budget.ErrorCode(err) == eOUTDATED {
		w, werr := open(path, false) // migrate once, then read only
		if werr != nil {
			return nil, werr
		}
		w.Close()
		s, err = open(path, true)
	}
	return s, err
}

// eOUTDATED marks a read-only open of a store with pending migrations.
const eOUTDATED = "outdated"

func open(path string, readOnly bool) (*Store, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, OpenError(path, fs.ErrInvalid)
	}
	dsn := path + "?autoinstall_known_extensions=false&autoload_known_extensions=false"
	if readOnly {
		dsn += "&access_mode=read_only"
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, OpenError(path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, OpenError(path, err)
	}
	s := &Store{db: db, path: path, readOnly: readOnly, cache: openCache(path)}
	if readOnly {
		pending, err := s.pendingMigrations(context.Background())
		if err != nil {
			s.Close()
			return nil, err
		}
		if len(pending) > 0 {
			s.Close()
			return nil, budget.Errorf(eOUTDATED, "store %s needs migrations %s", path, strings.Join(pending, ", "))
		}
		// a read-only open succeeds only when no process holds the store
		// for writing, so no import is running: its leftovers can go
		s.sweepTemp()
		return s, nil
	}
	s.sweepTemp() // DuckDB's lock is held: no other process is importing here
	if err := s.migrate(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// CacheEvents makes the store keep months of requests decoded, up to
// maxBytes of columns, as it commits or reads them, and read them from
// there (event_cache.go): measures computed after an import in the same
// process then do not read back what it wrote. The command line calls it
// with DefaultEventCache.
func (s *Store) CacheEvents(maxBytes int64) {
	if maxBytes > 0 {
		s.useCache = true
		s.cache.enable(maxBytes)
	}
}

// ReadOnly reports whether the store was opened for reading only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Path returns the file the store was opened from ("" for in-memory).
func (s *Store) Path() string { return s.path }

// DB exposes the underlying handle for read-only analytical queries.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the store.
func (s *Store) Close() error {
	if s.cache != nil {
		closeCache(s.path, s.cache)
		s.cache = nil
	}
	return s.db.Close()
}

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
	s.commits.Add(1)
	return nil
}

// StoreVersion is a token that changes whenever anything stored may have
// changed (see store.Versioner): a constant while the store is open
// read-only (DuckDB then keeps every writer out), else the number of write
// transactions this store committed (DuckDB keeps every other process out
// while it is open for writing).
func (s *Store) StoreVersion(context.Context) (string, error) {
	if s.readOnly {
		return "read-only", nil
	}
	return fmt.Sprintf("commit %d", s.commits.Load()), nil
}

// pendingMigrations lists the embedded migrations not yet applied, by
// name, in order. A store without schema_migrations (a new file) needs them
// all; one written by a newer budgetlens is refused (store/migrate).
func (s *Store) pendingMigrations(ctx context.Context) ([]string, error) {
	known, err := migrate.Names(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'schema_migrations'`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("store: unable to read the schema: %w", err)
	}
	if !exists {
		return known, nil
	}
	applied, err := s.AppliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	where := s.path
	if where == "" {
		where = "the in-memory store"
	}
	return migrate.Pending(known, applied, where)
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("store: unable to create schema_migrations: %w", err)
	}
	pending, err := s.pendingMigrations(ctx)
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
				return budget.Errorf(budget.EINTERNAL, "store: migration %s failed: %w", base, err)
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
