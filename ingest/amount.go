package ingest

import (
	"math"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// ParseCents reads a money amount in integer cents with budget.ParseAmount's
// grammar: "1234", "-5566", "1234.5", "$8,650.00", "(1,234.56)", "-$5",
// "4e+05", with surrounding spaces; one sign at most. empty is true for the
// markers of "no amount" (budget.IsNoAmount), which is not zero. Amounts
// beyond ±budget.MaxUnits cents are refused.
func ParseCents(s string) (cents int64, empty bool, err error) {
	return budget.ParseAmount(s, 2)
}

// ParseFixed is ParseCents with places decimals kept instead of two
// (positions are counted to 1/10,000: LA writes 0.4841 of a position).
func ParseFixed(s string, places int) (units int64, empty bool, err error) {
	return budget.ParseAmount(s, places)
}

// ParseValue reads a performance-measure value: a number, optionally with
// thousands commas, a leading "$" or a trailing "%". empty is true for the
// same empty markers as ParseCents.
func ParseValue(s string) (v float64, empty bool, err error) {
	s = strings.TrimSpace(s)
	if budget.IsNoAmount(s) {
		return 0, true, nil
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "$"), "%")
	s = strings.ReplaceAll(s, ",", "")
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, budget.ErrNotAmount
	}
	return v, false, nil
}

// FormatCents writes cents as dollars with two decimals, e.g. "-1234.50".
func FormatCents(c int64) string { return budget.FormatUnits(c, 2) }

// FormatFixed writes units of 10^-places with all places decimals.
func FormatFixed(c int64, places int) string { return budget.FormatUnits(c, places) }
