package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

// addBudgetFilterFlags adds the flags that select stored budget rows.
func addBudgetFilterFlags(cmd *cobra.Command, f *office.BudgetFilter, defaultKind string) {
	cmd.Flags().StringVar(&f.FiscalYear, "fy", "", "fiscal year: 2021-22 or FY2021-22; a single year is the one ending in it (2022 = 2021-22)")
	cmd.Flags().StringVar(&f.Phase, "phase", "", "phase: proposed, adopted, estimate or actual")
	cmd.Flags().StringVar(&f.Kind, "kind", defaultKind, "line-item kind: expenditure, revenue or positions ('' for all)")
	cmd.Flags().StringVar(&f.Jurisdiction, "jurisdiction", "", "jurisdiction id (la, oakland, boston, ...); default all")
	cmd.Flags().StringVar(&f.Department, "department", "", "department code")
	cmd.Flags().StringVar(&f.Program, "program", "", "program code")
}

// dollars renders cents as an exact JSON number in dollars (e.g. 758985.00).
func dollars(c int64) json.RawMessage { return json.RawMessage(ingest.FormatCents(c)) }

func newTotalsCmd(e *env) *cobra.Command {
	var bf office.BudgetFilter
	var by, format string
	var gross bool
	cmd := &cobra.Command{
		Use:   "totals",
		Short: "Sum the current line items by department, program, fund or account",
		Long: `totals sums the current line items (the latest import of each dataset) of a fiscal
year and phase by a classification level, each dollar counted once: with a city
profile that names transfers between funds (a General Fund appropriation to a
department's own fund, whose spending the budget shows too), their paying lines
are left out when the spending they pay for is in the phase, and a note on
stderr says so;
--gross shows every line as stored. Amounts are dollars, exact to the cent.
JSON output is an array of objects {<level>, <level>_code, amount}; CSV output
has the columns <level>_code, <level>, amount. Positions are counted in
positions (--kind positions), never added to dollars.`,
		Example: `  budgetlens totals --fy 2021-22 --phase adopted
  budgetlens totals --fy 2021-22 --phase proposed --by program --department 88
  budgetlens totals --fy 2021-22 --phase proposed --gross
  budgetlens totals --fy 2021-22 --phase adopted --kind positions --format csv --delimiter ";" > positions.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				totals := o.Totals
				if gross {
					totals = o.GrossTotals
				}
				res, err := totals(ctx, bf, by)
				if err != nil {
					return err
				}
				if res.Consolidated != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), res.Consolidated)
				}
				if res.Empty != "" {
					// an empty answer is valid, but usually a mistyped year,
					// phase or kind: say what the store holds (on stderr, so
					// that the JSON or CSV on stdout stays clean)
					fmt.Fprintln(cmd.ErrOrStderr(), res.Empty)
				}
				return writeTotals(cmd, e, format, string(res.Level), res.Places, res.Rows)
			})
		},
	}
	addBudgetFilterFlags(cmd, &bf, string(budget.Expenditure))
	cmd.Flags().Lookup("kind").Usage = "line-item kind to add up: expenditure, revenue or positions"
	cmd.Flags().StringVar(&by, "by", "department", "level: "+orList(levelWords))
	cmd.Flags().BoolVar(&gross, "gross", false, "every line as stored, transfers between funds included")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

// writeTotals prints totals; places is the kind's decimals (2 for money).
func writeTotals(cmd *cobra.Command, e *env, format, level string, places int, tot []budget.Total) error {
	w := cmd.OutOrStdout()
	switch format {
	case "json":
		out := make([]map[string]any, 0, len(tot))
		for _, t := range tot {
			out = append(out, map[string]any{level: t.Name, level + "_code": t.Code, "amount": json.RawMessage(ingest.FormatFixed(t.AmountCents, places))})
		}
		return table.WriteJSON(w, out)
	case "csv":
		cw := e.csvWriter(w)
		cw.Write([]string{level + "_code", level, "amount"})
		for _, t := range tot {
			cw.Write([]string{t.Code, t.Name, ingest.FormatFixed(t.AmountCents, places)})
		}
		cw.Flush()
		return cw.Error()
	case "table":
		// codes and names left, amounts right with thousands separators
		rows := [][]string{{"code", level, "amount"}}
		var sum int64
		for _, t := range tot {
			rows = append(rows, []string{t.Code, t.Name, table.GroupDigits(ingest.FormatFixed(t.AmountCents, places))})
			sum += t.AmountCents
		}
		rows = append(rows, []string{"", "total", table.GroupDigits(ingest.FormatFixed(sum, places))})
		return table.WriteAligned(w, rows, map[int]bool{2: true})
	}
	return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
}
