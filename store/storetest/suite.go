// Package storetest is the one test suite every store.Store implementation
// must pass. Each domain adds its tests in its own file (budget.go, geo.go,
// need.go, analysis.go) and registers them in Run.
package storetest

import (
	"testing"

	"github.com/budgetlens/budgetlens/store"
)

// Store is what the suite needs: the domain interfaces.
type Store = store.Store

// Factory returns a new, empty store for one test.
type Factory func(t *testing.T) Store

// suites holds each domain's tests, registered from the domain files' init.
var suites = map[string]func(t *testing.T, newStore Factory){}

// Run runs every registered domain suite against the implementation.
func Run(t *testing.T, newStore Factory) {
	if len(suites) == 0 {
		t.Fatal("storetest: no domain suites registered")
	}
	for name, fn := range suites {
		t.Run(name, func(t *testing.T) { fn(t, newStore) })
	}
}

func register(name string, fn func(t *testing.T, newStore Factory)) { suites[name] = fn }
