package duckdb

import (
	"context"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

var _ store.ParquetExporter = (*Store)(nil)

// ExportParquet writes the current line items matching f to a Parquet file
// at path with DuckDB's built-in writer: the columns of the CSV export,
// codes as text, amounts as exact decimals (2 places for money, 4 for
// positions; 4 for a mixed export).
func (s *Store) ExportParquet(ctx context.Context, f budget.Filter, path string) error {
	w, args := where(f, true, true, true)
	amountSQL := "(amount_cents::DECIMAL(18,0) * 0.01::DECIMAL(3,2))::DECIMAL(18,2)"
	if f.Kind == "" {
		amountSQL = "(CASE WHEN kind = 'positions' THEN amount_cents::DECIMAL(18,0) * 0.0001::DECIMAL(5,4) ELSE amount_cents::DECIMAL(18,0) * 0.01::DECIMAL(3,2) END)::DECIMAL(18,4)"
	} else if f.Kind == budget.Positions {
		amountSQL = "(amount_cents::DECIMAL(18,0) * 0.0001::DECIMAL(5,4))::DECIMAL(18,4)"
	}
	q := `COPY (SELECT jurisdiction, printf('%d-%02d', fy_start, (fy_start + 1) % 100) AS fiscal_year, phase, kind,
		dept_code AS department_code, dept_name AS department, org_code AS org_unit_code, org_name AS org_unit,
		prog_code AS program_code, prog_name AS program, fund_code, fund_name AS fund, sfund_code AS source_fund_code, sfund_name AS source_fund,
		account_code, account_name AS account, function_code, function_name AS function,
		` + amountSQL + ` AS amount, nat_key AS key, area_code AS area, area_layer
		FROM current_line_items` + w + ` ORDER BY dept_code, prog_code, fund_code, account_code, fy_start, phase, line) TO '` +
		strings.ReplaceAll(path, "'", "''") + `' (FORMAT parquet)`
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("store: unable to write Parquet %s: %w", path, err)
	}
	return nil
}
