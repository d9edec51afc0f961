// Package postgres is the PostgreSQL/PostGIS implementation of store.Store,
// for a budget office where many people read and write at once. It talks to
// the server through a pgx connection pool; the schema is created by the
// embedded migrations in migrations/*.sql (numbered as the DuckDB store's:
// 001 core, 010 budget, 020 geo, 030 need, 040 analysis, 050 release,
// 070 capital; 051 is the change log only PostgreSQL needs), each applied
// once in its own transaction and recorded in schema_migrations. Each
// domain interface of store.Store is one file here (budget.go, geo.go,
// need.go, analysis.go, settings.go, release.go, capital.go) over its
// own migrations. Geometry is
// stored as PostGIS geometry(MultiPolygon, 4326) with a GiST index, so that
// analysts can query layers in SQL.
//
// Every statement is parameterised. Bulk rows go in with COPY inside the
// import's transaction. Imports take a transaction-scoped advisory lock per
// dataset, so that two imports of one dataset run one after the other while
// reads (MVCC snapshots) never wait for them. URLs are redacted (Redact) in
// every message the package writes.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tunes how a store is opened. The zero value opens the primary
// read-write with the defaults below.
type Options struct {
	// ReadOnly opens the store for reading only, as on a streaming replica
	// or a read-only role: every session runs with
	// default_transaction_read_only, migrations are checked but never
	// applied, and every write method is refused with EFORBIDDEN.
	ReadOnly bool
	// StatementTimeout bounds every statement (server side). Zero keeps
	// the URL's statement_timeout parameter, or DefaultStatementTimeout
	// when the URL has none; a negative value means no limit.
	StatementTimeout time.Duration
	// MaxConns caps the pool; zero keeps the URL's pool_max_conns, or
	// pgx's default (the larger of 4 and the number of CPUs).
	MaxConns int32
	// Upgrade, with ReadOnly, first applies the migrations a primary's
	// schema lacks (in read-write transactions of their own), as the
	// DuckDB store's OpenReadOnly does, so that a newer budgetlens reads
	// a store an older one wrote. Without it, or on a standby, such a
	// store is refused, saying to open the primary once.
	Upgrade bool
}

// DefaultStatementTimeout bounds a statement when neither the URL nor the
// options say otherwise: long enough for a 1,000,000-row COPY on a small
// machine, short enough that a runaway query does not hold a connection
// for the day.
const DefaultStatementTimeout = 10 * time.Minute

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	pool     *pgxpool.Pool
	where    string // the redacted URL, for messages
	secrets  []string
	readOnly bool
	upgrade  bool // see Options.Upgrade

	versionMu sync.Mutex
	snapshot  string // the server's snapshot when version was read
	version   string // StoreVersion's last answer
}

var _ store.Store = (*Store)(nil)

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://) rather than a DuckDB file.
func IsURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Open connects to the database at url (a postgres:// URL; TLS and other
// libpq parameters such as sslmode, sslrootcert, sslcert, sslkey,
// search_path and statement_timeout pass through it), checks the schema and,
// unless opt.ReadOnly, applies pending migrations. A database whose schema is
// newer than this binary is refused (ECONFLICT) and left as it was; so is a
// hot standby opened read-write (EINVALID: open it with ReadOnly).
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	s := &Store{where: Redact(url), readOnly: opt.ReadOnly, upgrade: opt.Upgrade}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "store: cannot use the database URL %s: %s (its form is postgres://USER:PASSWORD@HOST:PORT/DATABASE?PARAMETERS; docs/postgres.md lists the parameters)",
			s.where, scrub(err.Error(), passwordsOf(url)))
	}
	s.secrets = append(passwordsOf(url), cfg.ConnConfig.Password)
	params := cfg.ConnConfig.RuntimeParams
	if params["application_name"] == "" {
		params["application_name"] = "budgetlens"
	}
	switch {
	case opt.StatementTimeout < 0:
		params["statement_timeout"] = "0"
	case opt.StatementTimeout > 0:
		params["statement_timeout"] = fmt.Sprint(opt.StatementTimeout.Milliseconds())
	case params["statement_timeout"] == "":
		params["statement_timeout"] = fmt.Sprint(DefaultStatementTimeout.Milliseconds())
	}
	if opt.ReadOnly {
		params["default_transaction_read_only"] = "on"
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "cannot open a connection pool to %s", s.where)
	}
	s.pool = pool
	if err := s.open(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	var standby bool
	if err := s.pool.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		return s.errorf(budget.EINTERNAL, err, "cannot reach PostgreSQL at %s (is the server running, and are the URL's host, port, user, password and database right?)", s.where)
	}
	if standby && !s.readOnly {
		return budget.Errorf(budget.EINVALID, "store: %s is a read-only standby (a streaming replica): open it read-only (--db-read) and write through the primary", s.where)
	}
	if s.readOnly {
		err := s.checkSchema(ctx)
		if errors.Is(err, errSchemaBehind) && s.upgrade && !standby {
			return s.migrate(ctx)
		}
		return err
	}
	return s.migrate(ctx)
}

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Where is the database's URL with its password redacted.
func (s *Store) Where() string { return s.where }

// Pool exposes the connection pool for read-only analytical queries.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes every connection of the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// withTx runs fn in one transaction: committed when fn returns nil,
// rolled back otherwise, so a failed write leaves the store as it was.
func (s *Store) withTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if err := s.writable(); err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to begin a transaction on %s", s.where)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, `INSERT INTO store_changes DEFAULT VALUES`); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to record a change on %s", s.where)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return s.errorf(budget.EINTERNAL, err, "unable to commit on %s", s.where)
	}
	return nil
}

// writable refuses writes on a store opened read-only.
func (s *Store) writable() error {
	if s.readOnly {
		return budget.Errorf(budget.EFORBIDDEN, "store: %s is open read-only (a replica or --db-read URL): write through the primary's --db URL", s.where)
	}
	return nil
}

// errorf wraps a database error for the user: the message says what was
// being done, PostgreSQL's own words follow with every password removed,
// and the cause stays reachable with errors.As/Is. Errors the server gives
// a meaning to (a read-only transaction, a statement timeout, a
// cancellation) get their own code and advice.
func (s *Store) errorf(code string, err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var be *budget.Error
	var ie *budget.InputError
	if errors.As(err, &be) || errors.As(err, &ie) {
		return err
	}
	msg := "store: " + fmt.Sprintf(format, args...)
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "25006": // read_only_sql_transaction
			code = budget.EFORBIDDEN
			msg += ": the database refused the write because it is read-only (a replica or a --db-read URL): write through the primary's --db URL"
		case "57014": // query_canceled: statement_timeout or a cancel
			msg += ": the statement was cancelled (it ran longer than statement_timeout, or was interrupted); raise statement_timeout in the URL if this work is expected to take longer"
		case "42501": // insufficient_privilege
			code = budget.EFORBIDDEN
			msg += ": the database user lacks a privilege (see docs/postgres.md for the grants budgetlens needs)"
		case "53300": // too_many_connections
			msg += ": the server has no free connection slot; lower pool_max_conns or raise max_connections"
		}
	}
	return &budget.Error{Code: code, Message: scrub(msg, s.secrets), Err: &scrubbed{err: err, secrets: s.secrets}}
}

// scrubbed is a cause whose text has the passwords removed; errors.As and
// errors.Is still reach the original error.
type scrubbed struct {
	err     error
	secrets []string
}

func (e *scrubbed) Error() string { return scrub(e.err.Error(), e.secrets) }
func (e *scrubbed) Unwrap() error { return e.err }

// StoreVersion is a token that changes whenever anything stored may have
// changed (see store.Versioner): the number of rows and the largest id of
// the change log, which every write transaction appends to. The count is
// part of it because ids are taken in one order and committed in another.
// The log is read only when the server's snapshot (pg_current_snapshot,
// which changes with every write transaction the cluster commits, also
// on a replica as it replays them) differs from the last call's, so a
// call costs one tiny query while nothing is written. The snapshot is read
// before the log: a transaction committing in between changes the next
// snapshot, so it is never missed.
func (s *Store) StoreVersion(ctx context.Context) (string, error) {
	var snap string
	if err := s.pool.QueryRow(ctx, `SELECT pg_current_snapshot()::text`).Scan(&snap); err != nil {
		return "", s.errorf(budget.EINTERNAL, err, "unable to read the snapshot of %s", s.where)
	}
	s.versionMu.Lock()
	if snap == s.snapshot {
		v := s.version
		s.versionMu.Unlock()
		return v, nil
	}
	s.versionMu.Unlock()
	var n, last int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(id), 0) FROM store_changes`).Scan(&n, &last); err != nil {
		return "", s.errorf(budget.EINTERNAL, err, "unable to read the change log of %s", s.where)
	}
	v := fmt.Sprintf("%d.%d", n, last)
	s.versionMu.Lock()
	s.snapshot, s.version = snap, v
	s.versionMu.Unlock()
	return v, nil
}
