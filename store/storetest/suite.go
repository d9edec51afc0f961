// Package storetest is the one test suite every store.Store implementation
// must pass. Each domain adds its tests in its own file (budget.go, geo.go,
// need.go, analysis.go, settings.go, release.go, copy.go) and lists them in
// suites.
package storetest

import (
	"testing"

	"github.com/budgetlens/budgetlens/store"
)

// Store is what the suite needs: the domain interfaces.
type Store = store.Store

// Factory returns a new, empty store for one test.
type Factory func(t *testing.T) Store

// suite is one domain's tests.
type suite struct {
	name string
	run  func(t *testing.T, newStore Factory)
}

// suites lists each domain's tests; a domain adds its file and its line here.
func suites() []suite {
	return []suite{
		{"core", coreSuite},
		{"settings", settingsSuite},
		{"budget", budgetSuite},
		{"fiscal-year start", fiscalSuite},
		{"geo", geoSuite},
		{"need", needSuite},
		{"need-indicators", indicatorSuite},
		{"analysis", analysisSuite},
		{"release", releaseSuite},
		{"events", eventsSuite},
		{"event partition deltas", partitionDeltasSuite},
		{"geo-table", geoTableSuite},
		{"capital", capitalSuite},
		{"assess", assessSuite},
		{"assess fiscal year", assessFiscalSuite},
		{"users", userSuite},
		{"copy", copySuite},
	}
}

// Run runs every domain suite against the implementation.
func Run(t *testing.T, newStore Factory) {
	for _, s := range suites() {
		t.Run(s.name, func(t *testing.T) { s.run(t, newStore) })
	}
}
