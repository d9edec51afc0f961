package store

// StartMonths maps each stored jurisdiction to the first month of its
// fiscal year (budget_jurisdictions), so that every fiscal year a store
// reads back carries its jurisdiction's real start month: a city whose
// fiscal year is the calendar year reads back as "2021", not "2021-22".
type StartMonths map[string]int

// Of returns the start month of jurisdiction j; 7 (July, what
// budget.FiscalYear assumes for 0) when j has none stored.
func (m StartMonths) Of(j string) int {
	if v := m[j]; v >= 1 && v <= 12 {
		return v
	}
	return 7
}
