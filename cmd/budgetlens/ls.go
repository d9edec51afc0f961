package main

import (
	"context"
	"strconv"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/office"
	"github.com/spf13/cobra"
)

func newLsCmd(e *env) *cobra.Command {
	var bf office.BudgetFilter
	var format string
	cmd := &cobra.Command{
		Use:   "ls departments|programs|funds|accounts|requests|measures|runs",
		Short: "List what the store holds",
		Long: `ls lists the classification codes and names found in the current line items
(departments, programs, funds, accounts), the budget requests, the performance
measure values or the import runs. --format json gives an array of objects,
--format csv a header and one row each.`,
		Example: `  budgetlens ls departments --fy 2021-22 --phase adopted
  budgetlens ls requests --fy 2021-22 --department 88 --format csv > requests.csv
  budgetlens ls runs --format json`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"departments", "programs", "funds", "accounts", "requests", "measures", "runs"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				f, err := o.Filter(ctx, bf)
				if err != nil {
					return err
				}
				s := o.Store
				var header []string
				var rows [][]string
				var js any
				switch args[0] {
				case "requests":
					rs, err := s.Requests(ctx, f)
					if err != nil {
						return err
					}
					header = []string{"fiscal_year", "department_code", "department", "program_code", "program", "fund_code", "account_code", "description", "category", "recurrence", "proposed", "adopted"}
					var out []map[string]any
					for _, r := range rs {
						rows = append(rows, []string{r.FiscalYear.Label(), r.Department.Code, r.Department.Name, r.Program.Code, r.Program.Name, r.Fund.Code, r.Account.Code,
							r.Description, r.Category, r.Recurrence, optCents(r.ProposedCents), optCents(r.AdoptedCents)})
						out = append(out, map[string]any{"fiscal_year": r.FiscalYear.Label(), "department_code": r.Department.Code, "department": r.Department.Name,
							"program_code": r.Program.Code, "program": r.Program.Name, "fund_code": r.Fund.Code, "fund": r.Fund.Name,
							"account_code": r.Account.Code, "account": r.Account.Name, "description": r.Description, "category": r.Category,
							"recurrence": r.Recurrence, "proposed": optDollars(r.ProposedCents), "adopted": optDollars(r.AdoptedCents), "key": r.Key})
					}
					js = out
				case "measures":
					ms, err := s.Measures(ctx, f)
					if err != nil {
						return err
					}
					header = []string{"fiscal_year", "phase", "department_code", "program_code", "measure_code", "measure", "unit", "value"}
					var out []map[string]any
					for _, m := range ms {
						v := strconv.FormatFloat(m.Value, 'f', -1, 64)
						rows = append(rows, []string{m.FiscalYear.Label(), string(m.Phase), m.Department.Code, m.Program.Code, m.Measure.Code, m.Measure.Name, m.Unit, v})
						out = append(out, map[string]any{"fiscal_year": m.FiscalYear.Label(), "phase": m.Phase, "department_code": m.Department.Code,
							"department": m.Department.Name, "program_code": m.Program.Code, "program": m.Program.Name,
							"measure_code": m.Measure.Code, "measure": m.Measure.Name, "unit": m.Unit, "value": m.Value})
					}
					js = out
				case "runs":
					runs, err := s.ImportRuns(ctx)
					if err != nil {
						return err
					}
					header = []string{"id", "dataset", "profile", "rows", "superseded", "source_file"}
					for _, r := range runs {
						rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.Dataset, r.Profile, strconv.FormatInt(r.Rows, 10), strconv.Itoa(r.Superseded), r.SourceFile})
					}
					js = runs
				default:
					level, err := budget.ParseLevel(args[0])
					if err != nil {
						return budget.Errorf(budget.EINVALID, "cannot list %q: use departments, programs, funds, accounts, requests, measures or runs", args[0])
					}
					tot, err := s.Totals(ctx, f, level)
					if err != nil {
						return err
					}
					header = []string{"code", "name", "line_items"}
					out := make([]map[string]any, 0, len(tot))
					for _, t := range tot {
						rows = append(rows, []string{t.Code, t.Name, strconv.FormatInt(t.Items, 10)})
						out = append(out, map[string]any{"code": t.Code, "name": t.Name, "line_items": t.Items})
					}
					js = out
				}
				return e.writeListing(cmd.OutOrStdout(), format, header, rows, js)
			})
		},
	}
	addBudgetFilterFlags(cmd, &bf, "")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func optCents(c *int64) string {
	if c == nil {
		return ""
	}
	return ingest.FormatCents(*c)
}

func optDollars(c *int64) any {
	if c == nil {
		return nil
	}
	return dollars(*c)
}
