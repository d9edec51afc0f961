package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/budgetlens/budgetlens/store/postgres"
)

// This file is the one opener: the only place in the CLI that knows which
// kinds of store exist. --db (or $BUDGETLENS_DB) names the store: a DuckDB
// file, or a postgres:// (postgresql://) URL. --db-read (or
// $BUDGETLENS_DB_READ) names a store to read from instead, opened
// read-only: a streaming replica, or a URL whose user may only read.

// defaultDB is the store used when neither --db nor $BUDGETLENS_DB is given.
const defaultDB = duckdb.DefaultPath

// dbPath is the store named by --db, else $BUDGETLENS_DB, else the default.
func (e *env) dbPath() string {
	if e.db != "" {
		return e.db
	}
	if v := os.Getenv("BUDGETLENS_DB"); v != "" {
		return v
	}
	return defaultDB
}

// readPath is the store read-only commands read: --db-read, else
// $BUDGETLENS_DB_READ, else the store of dbPath.
func (e *env) readPath() (name string, replica bool) {
	if e.dbRead != "" {
		return e.dbRead, true
	}
	if v := os.Getenv("BUDGETLENS_DB_READ"); v != "" {
		return v, true
	}
	return e.dbPath(), false
}

// openStore opens the store. A read-only open reads --db-read when given
// and never creates a store: a mistyped --db is an error naming the file.
// A writing open creates a DuckDB store when there is none, and says so
// on standard error; it refuses --db-read, which names a store to read.
func (e *env) openStore(readOnly bool) (store.Store, error) {
	if readOnly {
		name, replica := e.readPath()
		return openRead(name, !replica)
	}
	if e.dbRead != "" {
		return nil, budget.Errorf(budget.EINVALID, "this command writes to the store, and --db-read %s names a store to read only (a replica or a read-only user): write through the primary with --db (or BUDGETLENS_DB)", redact(e.dbRead))
	}
	return openWrite(e.dbPath(), e.stderr)
}

// openRead opens the store name for reading only. upgrade lets the open
// first apply the migrations an older budgetlens did not (the primary
// named by --db; never a --db-read store).
func openRead(name string, upgrade bool) (store.Store, error) {
	if postgres.IsURL(name) {
		return postgres.Open(context.Background(), name, postgres.Options{ReadOnly: true, Upgrade: upgrade})
	}
	return cached(duckdb.OpenReadOnly(name))
}

// cached turns on a DuckDB store's cache of decoded months of requests
// (duckdb.Store.CacheEvents): measures computed after an import in one
// process (the server) do not read back what it wrote.
func cached(s *duckdb.Store, err error) (store.Store, error) {
	if err != nil {
		return nil, err
	}
	s.CacheEvents(duckdb.DefaultEventCache)
	return s, nil
}

// openWrite opens the store name for writing, creating a DuckDB file (and
// saying so on stderr, when given) or the schema of an empty PostgreSQL
// database.
func openWrite(name string, stderr io.Writer) (store.Store, error) {
	if postgres.IsURL(name) {
		return postgres.Open(context.Background(), name, postgres.Options{})
	}
	_, statErr := os.Stat(name)
	isNew := name != "" && name != ":memory:" && errors.Is(statErr, fs.ErrNotExist)
	s, err := cached(duckdb.Open(name))
	if err != nil {
		return nil, err
	}
	if isNew && stderr != nil {
		fmt.Fprintf(stderr, "budgetlens: created a new, empty store %s (to use an existing one, give its file with --db)\n", name)
	}
	return s, nil
}

// openServedWrite opens the store name read-write for the internal server:
// a PostgreSQL primary, or an existing DuckDB file (a missing file gets the
// read-only open's message instead of a new, empty store).
func openServedWrite(name string) (store.Store, error) {
	if postgres.IsURL(name) {
		return postgres.Open(context.Background(), name, postgres.Options{})
	}
	if _, err := os.Stat(name); err != nil {
		return cached(duckdb.OpenReadOnly(name))
	}
	return cached(duckdb.Open(name))
}

// createStore opens (creating) a store file at path, for the demo.
func createStore(path string) (store.Store, error) { return cached(duckdb.Open(path)) }

// isNewFile reports whether name is a DuckDB store file that does not
// exist yet (so that a failed copy into it can remove it).
func isNewFile(name string) bool {
	if postgres.IsURL(name) || name == "" || name == ":memory:" {
		return false
	}
	_, err := os.Stat(name)
	return errors.Is(err, fs.ErrNotExist)
}

// removeStoreFile removes a DuckDB store file and its write-ahead log.
func removeStoreFile(name string) {
	os.Remove(name)
	os.Remove(name + ".wal")
}

// sameStore reports whether a and b name the same store.
func sameStore(a, b string) bool {
	if postgres.IsURL(a) || postgres.IsURL(b) {
		return a == b
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return os.SameFile(fa, fb)
}

// redact returns a store name fit for messages: a URL's password replaced.
func redact(name string) string { return postgres.Redact(name) }

// withStore opens the store, runs fn and closes the store.
func (e *env) withStore(readOnly bool, fn func(s store.Store) error) error {
	s, err := e.openStore(readOnly)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// withOffice opens the store and runs fn on an office with the city profile
// of --profile, else the one saved in the store.
func (e *env) withOffice(readOnly bool, fn func(ctx context.Context, o *office.Office) error) error {
	var p *city.Profile
	if e.profile != "" {
		var err error
		if p, err = office.LoadCity(e.profile); err != nil {
			return err
		}
	}
	return e.withStore(readOnly, func(s store.Store) error {
		ctx := context.Background()
		o, err := office.New(ctx, s, p)
		if err != nil {
			return err
		}
		return fn(ctx, o)
	})
}

// storePath returns where a store is: its file, or its URL with the
// password redacted.
func storePath(s store.Store) string {
	switch x := s.(type) {
	case interface{ Path() string }:
		return x.Path()
	case interface{ Where() string }:
		return x.Where()
	}
	return ""
}

// markServing records beside a DuckDB store file that this process serves
// it, so that a command DuckDB's lock refuses can say which server holds
// the store; the returned function removes the record. A PostgreSQL store
// needs none: other processes write it while the server reads.
func markServing(s store.Store, addr string, public bool) (func(), error) {
	d, ok := s.(*duckdb.Store)
	if !ok || d.Path() == "" {
		return func() {}, nil
	}
	return duckdb.MarkServing(d.Path(), duckdb.Serving{PID: os.Getpid(), Addr: addr, Public: public, Started: time.Now()})
}
