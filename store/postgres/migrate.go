package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the advisory-lock key that lets one process at a time
// migrate a database ("budgetlens migrate" as a 64-bit number); other
// openers wait for it and then find nothing left to do.
const migrateLock int64 = 0x6275646765746d67

// Migrations lists the migrations this binary knows, in order.
func Migrations() []string {
	names, err := migrate.Names(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded file system is fixed at build time
	}
	return names
}

func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "cannot connect to %s", s.where)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return s.errorf(budget.EINTERNAL, err, "cannot lock %s for its migrations", s.where)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, migrateLock)
	// every change in a READ WRITE transaction, so that a store opened
	// read-only (sessions default to read-only) can still be brought up to
	// date first (Options.Upgrade)
	readWrite := pgx.TxOptions{AccessMode: pgx.ReadWrite}
	err = pgx.BeginTxFunc(ctx, conn, readWrite, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
		return err
	})
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "cannot create schema_migrations in %s", s.where)
	}
	applied, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "cannot read schema_migrations of %s", s.where)
	}
	pending, err := migrate.Pending(Migrations(), applied, s.where)
	if err != nil {
		return err
	}
	for _, name := range pending {
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			return err
		}
		err = pgx.BeginTxFunc(ctx, conn, readWrite, func(tx pgx.Tx) error {
			// no arguments: the simple protocol, so a file may hold many statements
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return s.migrationError(name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations(name) VALUES ($1)`, name)
			return err
		})
		if err != nil {
			return s.errorf(budget.EINTERNAL, err, "migration %s of %s failed; nothing of it was applied", name, s.where)
		}
	}
	return nil
}

// migrationError explains the failures an operator can fix: PostGIS not
// installed on the server, or not installable by this user.
func (s *Store) migrationError(name string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && strings.Contains(strings.ToLower(pe.Message), "postgis") || errors.As(err, &pe) && pe.Code == "58P01" {
		switch pe.Code {
		case "42501":
			return budget.Errorf(budget.EFORBIDDEN, "store: migration %s of %s needs PostGIS, and this user may not install it: ask a superuser to run CREATE EXTENSION postgis; in this database, then open it again (%s)", name, s.where, scrub(pe.Message, s.secrets))
		case "58P01", "0A000":
			return budget.Errorf(budget.EINTERNAL, "store: migration %s of %s needs PostGIS 3, which is not installed on the server: install it (Debian: apt-get install postgresql-15-postgis-3) and open the store again (%s)", name, s.where, scrub(pe.Message, s.secrets))
		}
	}
	return err
}

// checkSchema is what a read-only open does instead of migrating: the
// schema must be exactly what this binary knows.
func (s *Store) checkSchema(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return s.errorf(budget.EINTERNAL, err, "cannot connect to %s", s.where)
	}
	defer conn.Release()
	applied, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
			return budget.Errorf(budget.EINVALID, "store: %s holds no budgetlens store yet: create it by opening the primary read-write once", s.where)
		}
		return s.errorf(budget.EINTERNAL, err, "cannot read schema_migrations of %s", s.where)
	}
	pending, err := migrate.Pending(Migrations(), applied, s.where)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return &budget.Error{Code: budget.ECONFLICT, Err: errSchemaBehind,
			Message: fmt.Sprintf("store: %s is read-only and its schema lacks migration(s) %s: open the primary with this budgetlens once to apply them", s.where, strings.Join(pending, ", "))}
	}
	return nil
}

// errSchemaBehind marks a read-only open of a schema that lacks migrations.
var errSchemaBehind = errors.New("the schema lacks migrations")

// AppliedMigrations lists the migrations recorded in the database.
func (s *Store) AppliedMigrations(ctx context.Context) ([]string, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "cannot connect to %s", s.where)
	}
	defer conn.Release()
	names, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		return nil, s.errorf(budget.EINTERNAL, err, "cannot read schema_migrations of %s", s.where)
	}
	return names, nil
}

func appliedMigrations(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	names, err := collect(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("schema_migrations: %w", err)
	}
	return names, nil
}
