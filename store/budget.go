package store

// BudgetStore keeps the budget domain. Methods are added with the budget package.
type BudgetStore interface {
}
