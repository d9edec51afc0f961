package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

// This file is the one opener: the only place in the CLI that knows which
// kinds of store exist. --db (or $BUDGETLENS_DB) names the store.

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

// openStore opens the store. A read-only open never creates a store: a
// mistyped --db is an error naming the file. A writing open creates the
// store when there is none, and says so on standard error.
func (e *env) openStore(readOnly bool) (store.Store, error) {
	path := e.dbPath()
	if readOnly {
		return duckdb.OpenReadOnly(path)
	}
	_, statErr := os.Stat(path)
	isNew := path != "" && path != ":memory:" && errors.Is(statErr, fs.ErrNotExist)
	s, err := duckdb.Open(path)
	if err != nil {
		return nil, err
	}
	if isNew && e.stderr != nil {
		fmt.Fprintf(e.stderr, "budgetlens: created a new, empty store %s (to use an existing one, give its file with --db)\n", path)
	}
	return s, nil
}

// createStore opens (creating) a store file at path, for the demo.
func createStore(path string) (store.Store, error) { return duckdb.Open(path) }

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

// storePath returns the file of a store that has one ("" otherwise).
func storePath(s store.Store) string {
	if p, ok := s.(interface{ Path() string }); ok {
		return p.Path()
	}
	return ""
}
