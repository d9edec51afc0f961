package store

import "strings"

// The orders of the budget listings, one for every store: the documented
// keys first (department, program, ...), then every other column, so that
// the order is total (identical rows are the only ties) and two stores
// holding the same rows list them in the same order, byte for byte.
var (
	LineItemOrder = []string{"dept_code", "prog_code", "fund_code", "account_code", "fy_start", "phase", "line", "kind", "amount_cents", "nat_key",
		"jurisdiction", "dept_name", "org_code", "org_name", "prog_name", "fund_name", "sfund_code", "sfund_name", "account_name", "function_code", "function_name", "area_code", "area_layer"}
	RequestOrder = []string{"dept_code", "prog_code", "line", "fy_start", "nat_key", "jurisdiction", "dept_name", "prog_name", "fund_code", "fund_name",
		"sfund_code", "sfund_name", "account_code", "account_name", "description", "category", "recurrence", "proposed_cents", "adopted_cents"}
	MeasureOrder = []string{"dept_code", "prog_code", "measure_code", "fy_start", "phase", "line", "jurisdiction", "dept_name", "org_code", "org_name",
		"prog_name", "measure_name", "unit", "value"}
	DescriptionOrder = []string{"subject", "code", "line", "jurisdiction", "name", "text"}
)

// numericColumns are the columns of those orders that are not text.
var numericColumns = map[string]bool{"slice_id": true, "fy_start": true, "line": true, "amount_cents": true, "proposed_cents": true, "adopted_cents": true, "value": true}

// OrderBy writes an ORDER BY list of cols, ascending, with NULLs last;
// textSuffix follows every text column (`COLLATE "C"` on PostgreSQL, so
// that text sorts byte by byte as DuckDB sorts it).
func OrderBy(cols []string, textSuffix string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c
		if !numericColumns[c] {
			parts[i] += textSuffix
		}
		parts[i] += " NULLS LAST"
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}
