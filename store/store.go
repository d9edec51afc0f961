// Package store defines the Store interface through which budgetlens keeps
// everything it knows: budgets, geography, need indices, analyses. Each domain
// has its own interface in its own file (budget.go, geo.go, need.go,
// analysis.go); Store is their union. Every implementation (store/duckdb, the
// embedded default) must pass the shared suite in store/storetest.
//
// Every method that writes is one transaction: it either stores all it was
// given or leaves the store exactly as it was.
package store

// Store is the union of the domain stores.
type Store interface {
	BudgetStore
	GeoStore
	NeedStore
	AnalysisStore
	Close() error
}
