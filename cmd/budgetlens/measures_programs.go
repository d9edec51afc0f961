package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newMeasuresProgramsCmd(e *env) *cobra.Command {
	var opt office.ProgramsOptions
	var format string
	cmd := &cobra.Command{
		Use:   "programs [--department CODE]",
		Short: "The city's own program measures (actuals, estimates, targets) beside the programs' dollars: cost per unit and trend (citywide)",
		Long: `programs lists the performance measures the budget publishes per program (LA:
Performance_Measures_2122_Adopted.csv and the FY18-19 history pm_new.csv,
imported with budgetlens import): every year's actuals, estimates and the
adopted budget's target, the program's expenditure dollars of the same year
and phase, the cost per unit of service for measures that count units, and the
change between the first and the last actual. These are citywide figures:
the city does not publish them by area.`,
		Example: `  budgetlens measures programs
  budgetlens measures programs --department 38 --format csv > program_measures.csv
  budgetlens measures programs --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				res, err := o.ProgramMeasures(ctx, opt)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, res)
				}
				head := []string{"department", "program", "measure", "name", "unit", "fiscal_year", "phase", "value", "program_dollars", "cost_per_unit"}
				var rows [][]string
				for _, m := range res.Measures {
					for _, v := range m.Values {
						rows = append(rows, []string{m.Department, m.Program, m.Measure, m.Name, m.Unit, v.FiscalYear, v.Phase,
							strconv.FormatFloat(v.Value, 'f', -1, 64), fmtPtr(v.Dollars, 2), fmtPtr(v.CostPerUnit, 2)})
					}
				}
				if format == "csv" {
					fmt.Fprintf(e.stderr, "budgetlens: %s\n", res.Note)
					return e.writeListing(w, format, head, rows, nil)
				}
				if len(rows) == 0 {
					fmt.Fprintln(w, "no program measures are stored: import the budget's performance measures (budgetlens import Performance_Measures_2122_Adopted.csv)")
					return nil
				}
				fmt.Fprintln(w, "CITYWIDE: "+res.Note)
				return table.WriteAligned(w, append([][]string{head}, rows...), map[int]bool{7: true, 8: true, 9: true})
			})
		},
	}
	cmd.Flags().StringVar(&opt.Department, "department", "", "department code (default: every department)")
	cmd.Flags().StringVar(&opt.Jurisdiction, "jurisdiction", "", "jurisdiction (default: all)")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}
