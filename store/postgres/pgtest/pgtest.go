// Package pgtest gives tests a PostgreSQL database of their own on the
// server that scripts/test.sh starts (BUDGETLENS_TEST_PG, and its streaming
// replica BUDGETLENS_TEST_PG_REPLICA). Each call of URL creates a fresh
// schema in the database budgetlens_test (PostGIS installed once in its
// public schema) and returns a URL whose search_path selects it; the
// schema is dropped when the test ends.
//
// Without a server the test is skipped with a message saying how to get
// one, except under CI=true, where a missing server is a failure: CI must
// run the PostgreSQL half of the store suite.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Database is the database on the test server that holds the tests'
// schemas.
const Database = "budgetlens_test"

// setupLock serialises the creation of Database and of PostGIS in it
// between test binaries running at once.
const setupLock int64 = 0x626c746573747067

// Server returns the test server's URL (its postgres database), or skips
// (fails under CI=true) when there is none.
func Server(t testing.TB) string {
	t.Helper()
	return fromEnv(t, "BUDGETLENS_TEST_PG", "a PostgreSQL 15 + PostGIS 3 server")
}

// Replica returns the URL of the test server's streaming replica (its
// postgres database), or skips (fails under CI=true) when there is none.
func Replica(t testing.TB) string {
	t.Helper()
	return fromEnv(t, "BUDGETLENS_TEST_PG_REPLICA", "a streaming replica of the test server")
}

func fromEnv(t testing.TB, name, what string) string {
	t.Helper()
	u := os.Getenv(name)
	if u == "" {
		msg := name + " is not set: this test needs " + what + " (run bash scripts/test.sh, which starts one, or source scripts/pgserver.sh and run pgserver_start PORT)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; under CI=true it must run")
		}
		t.Skip(msg)
	}
	return u
}

// WithDatabase returns u with its path set to database db.
func WithDatabase(t testing.TB, u, db string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	p.Path = "/" + db
	return p.String()
}

// WithSearchPath returns u with search_path set to schema, then public
// (where PostGIS lives), through the options parameter that both pgx and
// libpq (psql) understand.
func WithSearchPath(t testing.TB, u, schema string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	q := p.Query()
	q.Set("options", "-csearch_path="+schema+",public")
	p.RawQuery = q.Encode()
	return p.String()
}

// URL returns the URL of a fresh, empty schema for this test (see the
// package comment); the schema is dropped at the end of the test.
func URL(t testing.TB) string {
	t.Helper()
	server := Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ensureDatabase(t, ctx, server)
	db := WithDatabase(t, server, Database)
	schema := "t_" + randomHex(8)
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(t, db, schema)
}

// ensureDatabase creates Database with PostGIS once, under an advisory
// lock so that test binaries running at once do not race.
func ensureDatabase(t testing.TB, ctx context.Context, server string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("pgtest: cannot reach the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, setupLock); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, setupLock)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, Database).Scan(&exists); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{Database}.Sanitize()); err != nil {
			t.Fatalf("pgtest: create database: %v", err)
		}
	}
	db, err := pgx.Connect(ctx, WithDatabase(t, server, Database))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer db.Close(ctx)
	if _, err := db.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public`); err != nil {
		t.Fatalf("pgtest: PostGIS: %v (install postgresql-15-postgis-3)", err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
