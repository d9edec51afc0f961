package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newMeasuresCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "measures",
		Short: "Performance measures by area: service measures with targets, trends and equity gaps",
		Long: `measures computes service measures from the stored service requests (budgetlens
events import) by area of any layer, need tier, request type and period: requests
per 1,000 residents, share closed, median and 90th-percentile days to close
(nearest rank), share closed on time against each type's service level, open
backlog and its age, repeat requests at one place, and the city's own measures
(YAML, in the city profile). It reports the gap between the highest- and
lowest-need tiers and the concentration index by need with bootstrap
intervals, scores the measures against the profile's targets (rolled up per
area, department and city), carries measures published by area (LAFD response
times) to any layer, and sets the city's program measures beside its budget.
See docs/measures.md.`,
		Example: `  budgetlens measures ls
  budgetlens measures table --layer districts --by request_type --format csv
  budgetlens measures gaps --layer neighbourhoods --format json
  budgetlens measures scores --layer districts --level area`,
	}
	cmd.AddCommand(newMeasuresLsCmd(e), newMeasuresTableCmd(e), newMeasuresGapsCmd(e), newMeasuresScoresCmd(e), newMeasuresImportPublishedCmd(e), newMeasuresPublishedCmd(e), newMeasuresProgramsCmd(e))
	return cmd
}

// measureFlags are the flags every table of measures takes.
type measureFlags struct {
	opt      office.MeasureOptions
	by       string
	measures string
	format   string
}

// measureDims are the words --by takes.
var measureDims = []string{"area", "tier", "city", "request_type", "agency", "source"}

// measurePeriods are the words --period takes.
var measurePeriods = []string{"all", "month", "quarter", "fiscal_year", "year"}

func (f *measureFlags) add(cmd *cobra.Command, e *env, defaultBy string) {
	cmd.Flags().StringVar(&f.opt.Layer, "layer", "", "layer whose areas the requests are counted in (default: the profile's reporting layer)")
	cmd.Flags().StringVar(&f.by, "by", defaultBy, "split rows by: area, tier, city, request_type, agency, source (comma-separated)")
	cmd.Flags().StringVar(&f.opt.Period, "period", "all", "group requests by the month, quarter (fiscal), fiscal_year or year they were made, or all")
	cmd.Flags().StringVar(&f.opt.From, "from", "", "first month of requests, e.g. 2018-01")
	cmd.Flags().StringVar(&f.opt.To, "to", "", "last month of requests")
	cmd.Flags().StringVar(&f.opt.Events, "events", "", "real, synthetic or all (default: real when any real request is stored)")
	cmd.Flags().StringVar(&f.measures, "measures", "", "measure ids, comma-separated, or all (budgetlens measures ls)")
	cmd.Flags().IntVar(&f.opt.Tiers, "tiers", 5, "need tiers")
	cmd.Flags().Int64Var(&f.opt.Run, "run", 0, "need-index run (default: the latest that can be placed in the layer)")
	aliasFlag(cmd, "need-run", "run")
	addFormatFlag(cmd, &f.format)
	addDelimiterFlag(cmd, e)
	completeWords(cmd, "by", measureDims...)
	completeWords(cmd, "period", measurePeriods...)
}

func (f *measureFlags) resolve(cmd *cobra.Command, e *env) error {
	if err := e.checkDelimiter(cmd, f.format); err != nil {
		return err
	}
	f.opt.By = splitList(f.by)
	f.opt.Measures = splitList(f.measures)
	if f.opt.Tiers < 1 {
		return budget.Errorf(budget.EINVALID, "--tiers %d: give 1 or more", f.opt.Tiers)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func newMeasuresTableCmd(e *env) *cobra.Command {
	var f measureFlags
	cmd := &cobra.Command{
		Use:   "table [--layer NAME] [--by request_type,...] [--period month|quarter|...] [--measures ...]",
		Short: "Measures by area (or tier, or citywide), request type, agency, source and period",
		Long: `table writes one row per area of --layer (or need tier with --by tier, or one
citywide row with --by city), split further by request_type, agency and source
(--by), and by the period the requests were made in (--period). Its columns are
the area (or tier), the dimensions, requests, closed, then the measures
(default median_days, p90_days, on_time_share, per_1000). What the requests are
(real sample dates, or SYNTHETIC) is written on standard error for csv.`,
		Example: `  budgetlens measures table --layer districts --by request_type --format csv
  budgetlens measures table --layer neighbourhoods --by tier --period fiscal_year --from 2024-07 --to 2025-06
  budgetlens measures table --by city,request_type --measures requests,median_days,on_time_share
  budgetlens measures table --layer districts --run 3 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.resolve(cmd, e); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				t, err := o.MeasureTable(ctx, f.opt)
				if err != nil {
					return err
				}
				return writeMeasureTable(cmd, e, t, f.format)
			})
		},
	}
	f.add(cmd, e, "area")
	return cmd
}

// measureHeader lists a table's columns: what identifies a row, then the
// counts and the measures.
func measureHeader(t *office.MeasureTable) ([]string, func(r *office.MeasureRow) []string) {
	var head []string
	var keys []func(r *office.MeasureRow) string
	col := func(name string, f func(r *office.MeasureRow) string) {
		head = append(head, name)
		keys = append(keys, f)
	}
	has := func(pick func(r *office.MeasureRow) string) bool {
		for i := range t.Rows {
			if pick(&t.Rows[i]) != "" {
				return true
			}
		}
		return false
	}
	by := map[string]bool{}
	for _, b := range t.By {
		by[b] = true
	}
	switch {
	case by["tier"]:
		col("tier", func(r *office.MeasureRow) string { return r.Tier })
	case by["city"]:
	default:
		col("area_id", func(r *office.MeasureRow) string { return r.AreaID })
	}
	if by["request_type"] || by["type"] {
		col("request_type", func(r *office.MeasureRow) string { return r.Type })
	}
	if by["agency"] {
		col("agency", func(r *office.MeasureRow) string { return r.Agency })
	}
	if by["source"] {
		col("source", func(r *office.MeasureRow) string { return r.Source })
	}
	if t.Period != "all" || has(func(r *office.MeasureRow) string { return r.Period }) {
		col("period", func(r *office.MeasureRow) string { return r.Period })
	}
	head = append(head, "requests", "closed")
	var keep []int // measures shown: the counts are not repeated
	for k, m := range t.Measures {
		if m.ID == "requests" || m.ID == "closed" {
			continue
		}
		keep = append(keep, k)
		head = append(head, m.ID)
	}
	return head, func(r *office.MeasureRow) []string {
		out := make([]string, 0, len(head))
		for _, k := range keys {
			out = append(out, k(r))
		}
		out = append(out, strconv.FormatInt(r.Requests, 10), strconv.FormatInt(r.Closed, 10))
		for _, k := range keep {
			out = append(out, number(r.Values[k]))
		}
		return out
	}
}

// number writes a value with up to 6 decimals, "" when missing.
func number(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func writeMeasureTable(cmd *cobra.Command, e *env, t *office.MeasureTable, format string) error {
	w := cmd.OutOrStdout()
	if format == "json" {
		return table.WriteJSON(w, t)
	}
	head, row := measureHeader(t)
	rows := make([][]string, len(t.Rows))
	for i := range t.Rows {
		rows[i] = row(&t.Rows[i])
	}
	if format == "csv" {
		fmt.Fprintf(e.stderr, "budgetlens: %s\n", t.Label)
		return e.writeListing(w, format, head, rows, nil)
	}
	fmt.Fprintln(w, t.Label)
	shown := len(head) - firstCount(head)
	right := map[int]bool{}
	for i := range head {
		if i >= len(head)-shown {
			right[i] = true
		}
	}
	for _, r := range rows {
		for i := len(head) - shown + 2; i < len(head); i++ {
			if r[i] != "" {
				f, _ := strconv.ParseFloat(r[i], 64)
				r[i] = strconv.FormatFloat(f, 'f', 2, 64)
			}
		}
	}
	if err := table.WriteAligned(w, append([][]string{head}, rows...), right); err != nil {
		return err
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

func newMeasuresLsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the service measures (the shipped ones and the city profile's) with their targets",
		Example: `  budgetlens measures ls
  budgetlens measures ls --format json
  budgetlens --profile city.yaml measures ls --format csv > measures.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				defs := o.MeasureDefinitions()
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, defs)
				}
				head := []string{"id", "name", "kind", "unit", "better", "filter", "target", "target_source"}
				var rows [][]string
				for _, d := range defs {
					rows = append(rows, []string{d.ID, d.Name, d.Kind, d.Unit, d.Better, d.Filter, d.Target, d.TargetSource})
				}
				if format == "csv" {
					return e.writeListing(w, format, head, rows, nil)
				}
				return table.WriteAligned(w, append([][]string{head}, rows...), nil)
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

// firstCount is the position of the requests column.
func firstCount(head []string) int {
	for i, h := range head {
		if h == "requests" {
			return i
		}
	}
	return len(head)
}
