package postgres

import (
	"context"
	"testing"

	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
	"github.com/budgetlens/budgetlens/store/storetest"
)

// open opens a store on a fresh schema of the test server.
func open(t *testing.T, opt Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.URL(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreSuite(t *testing.T) {
	pgtest.Server(t) // skip (or fail under CI) once, not in every part
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t, Options{}) })
}
