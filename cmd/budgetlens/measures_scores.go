package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newMeasuresScoresCmd(e *env) *cobra.Command {
	var opt office.ScoresOptions
	var format, level string
	cmd := &cobra.Command{
		Use:   "scores [--layer NAME] [--period ...] [--level city|department|area]",
		Short: "Score each measure against its target and roll the scores up per area, department and city (CityScore)",
		Long: `scores compares every measure that has a target in the city profile (services:
targets:) with it: value / target when more is better, target / value when
less is better, so 1 means the target is met; each score is capped at 2. The
scores are rolled up (their mean) per area of the layer, per department and
for the city, per period: the idea of Boston's CityScore. Targets the city
does not publish are marked illustrative in the profile and named in a note.`,
		Example: `  budgetlens measures scores
  budgetlens measures scores --layer districts --level area --period fiscal_year
  budgetlens measures scores --level department --from 2024-07 --to 2025-06 --format csv
  budgetlens measures scores --layer neighbourhoods --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				res, err := o.MeasureScores(ctx, opt)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, res)
				}
				head := []string{"name", "period", "score", "measures", "data"}
				var rows [][]string
				switch level {
				case "area":
					head[0] = "area_id"
					for _, a := range res.Areas {
						rows = append(rows, []string{a.AreaID, a.Period, fmtPtr(a.Score, 3), strconv.Itoa(a.Measures), a.Coverage})
					}
				case "department":
					for _, d := range res.Departments {
						rows = append(rows, []string{d.Name, d.Period, fmtPtr(d.Score, 3), strconv.Itoa(d.Measures), d.Coverage})
					}
				default:
					for _, c := range res.City {
						rows = append(rows, []string{c.Name, c.Period, fmtPtr(c.Score, 3), strconv.Itoa(c.Measures), c.Coverage})
					}
				}
				if format == "csv" {
					fmt.Fprintf(e.stderr, "budgetlens: %s\n", res.Label)
					return e.writeListing(w, format, head, rows, nil)
				}
				fmt.Fprintln(w, res.Label)
				if err := table.WriteAligned(w, append([][]string{head}, rows...), map[int]bool{2: true, 3: true}); err != nil {
					return err
				}
				for _, n := range res.Notes {
					fmt.Fprintf(w, "note: %s\n", n)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&opt.Layer, "layer", "", "layer of the area roll-up (default: the profile's reporting layer)")
	cmd.Flags().StringVar(&opt.Period, "period", "all", "roll up by month, quarter, fiscal_year, year or all")
	cmd.Flags().StringVar(&opt.From, "from", "", "first month of requests")
	cmd.Flags().StringVar(&opt.To, "to", "", "last month of requests")
	cmd.Flags().StringVar(&opt.Events, "events", "", "real, synthetic or all")
	addEnumFlag(cmd, &level, "level", "city", []string{"city", "department", "area"}, "which roll-up to list (json: every level): city, department or area")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	completeWords(cmd, "period", measurePeriods...)
	return cmd
}
