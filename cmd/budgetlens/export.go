package main

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"
)

func init() { register(newExportCmd) }

var exportHeader = []string{"jurisdiction", "fiscal_year", "phase", "kind", "department_code", "department", "org_unit_code", "org_unit",
	"program_code", "program", "fund_code", "fund", "source_fund_code", "source_fund", "account_code", "account", "function_code", "function", "amount", "key"}

func newExportCmd() *cobra.Command {
	var ff budgetFilterFlags
	var out, format string
	cmd := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the current line items to CSV, XLSX or Parquet",
		Long: `export writes the current line items matching the filters, one row each, with
codes kept as text and amounts in dollars exact to the cent. The format is taken
from --format or from the file's extension (.csv, .xlsx, .parquet).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := ff.filter()
			if err != nil {
				return err
			}
			if out == "" {
				return budget.Errorf(budget.EINVALID, "export needs --out FILE (.csv, .xlsx or .parquet)")
			}
			if format == "" {
				format = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
			}
			if err := checkOutput(out, "--out"); err != nil {
				return err
			}
			return withStore(func(s *duckdb.Store) error {
				ff.calendarYear(s, &f)
				switch format {
				case "parquet":
					return exportParquet(s, f, out)
				case "csv", "xlsx":
				default:
					return budget.Errorf(budget.EINVALID, "unknown export format %q: use csv, xlsx or parquet", format)
				}
				items, err := s.LineItems(context.Background(), f)
				if err != nil {
					return err
				}
				rows := make([][]string, len(items))
				for i, l := range items {
					rows[i] = exportRow(l)
				}
				if format == "csv" {
					return exportCSV(out, rows)
				}
				return exportXLSX(out, rows)
			})
		},
	}
	ff.add(cmd, "")
	cmd.Flags().StringVar(&out, "out", "", "file to write")
	cmd.Flags().StringVar(&format, "format", "", "csv, xlsx or parquet (default: from --out's extension)")
	return cmd
}

func exportRow(l budget.LineItem) []string {
	return []string{l.Jurisdiction, l.FiscalYear.Label(), string(l.Phase), string(l.Kind), l.Department.Code, l.Department.Name, l.OrgUnit.Code, l.OrgUnit.Name,
		l.Program.Code, l.Program.Name, l.Fund.Code, l.Fund.Name, l.SourceFund.Code, l.SourceFund.Name, l.Account.Code, l.Account.Name,
		l.Function.Code, l.Function.Name, ingest.FormatFixed(l.AmountCents, l.Kind.Places()), l.Key}
}

func exportCSV(path string, rows [][]string) error {
	fh, err := createOutput(path, "--out")
	if err != nil {
		return err
	}
	w := csv.NewWriter(fh)
	w.Write(exportHeader)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

func exportXLSX(path string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	amountCol := len(exportHeader) - 2
	write := func(r int, vals []string, numeric bool) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = v
			if numeric && i == amountCol {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					cells[i] = f
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return sw.SetRow(cell, cells)
	}
	if err := write(1, exportHeader, false); err != nil {
		return err
	}
	for i, r := range rows {
		if err := write(i+2, r, true); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.SaveAs(path)
}

// exportParquet lets DuckDB write the file (its Parquet writer is built in).
func exportParquet(s *duckdb.Store, f budget.Filter, path string) error {
	var conds []string
	var args []any
	if f.Jurisdiction != "" {
		conds, args = append(conds, "jurisdiction = ?"), append(args, f.Jurisdiction)
	}
	if f.FiscalYear != nil {
		conds, args = append(conds, "fy_start = ?"), append(args, f.FiscalYear.Start)
	}
	if f.Phase != "" {
		conds, args = append(conds, "phase = ?"), append(args, string(f.Phase))
	}
	if f.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Department != "" {
		conds, args = append(conds, "dept_code = ?"), append(args, f.Department)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	// exact decimals: money has 2 places, positions 4; a mixed export uses 4
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
		` + amountSQL + ` AS amount, nat_key AS key
		FROM current_line_items` + where + ` ORDER BY dept_code, prog_code, fund_code, account_code, fy_start, phase, line) TO '` +
		strings.ReplaceAll(path, "'", "''") + `' (FORMAT parquet)`
	_, err := s.DB().ExecContext(context.Background(), q, args...)
	return err
}
