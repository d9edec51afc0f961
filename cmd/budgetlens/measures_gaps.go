package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newMeasuresGapsCmd(e *env) *cobra.Command {
	var opt office.GapsOptions
	var format, ms string
	cmd := &cobra.Command{
		Use:   "gaps [--layer NAME] [--period year|fiscal_year|quarter|month|all] [--format json]",
		Short: "Each measure in the highest- against the lowest-need tier, with bootstrap intervals, and its concentration by need",
		Long: `gaps compares every service measure, and every measure published by area
(measures import-published), between the highest- and the lowest-need tier of
the layer's areas, period by period (default: by year). Each tier's value pools
its areas; its 95% interval resamples them (for published measures: the
publisher's areas) with replacement, 999 times by default. A difference is
called a gap only when its interval excludes 0. The concentration index ranks
the areas by need score (population-weighted) with its own interval: positive
when the measure is larger where need is higher.`,
		Example: `  budgetlens measures gaps --layer districts --format json
  budgetlens measures gaps --layer neighbourhoods --period fiscal_year --from 2024-07 --to 2025-06
  budgetlens measures gaps --layer districts --measures median_days,on_time_share --reps 1999 --seed 7
  budgetlens measures gaps --layer districts --no-published --format csv --delimiter ';' > gaps.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			if opt.Reps < 2 {
				return budget.Errorf(budget.EINVALID, "--reps %d: give at least 2 (999 for a 95%% interval)", opt.Reps)
			}
			opt.Measures = splitList(ms)
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				res, err := o.MeasureGaps(ctx, opt)
				if err != nil {
					return err
				}
				return writeGaps(cmd, e, res, format)
			})
		},
	}
	cmd.Flags().StringVar(&opt.Layer, "layer", "", "layer whose areas are compared (default: the profile's reporting layer)")
	cmd.Flags().StringVar(&opt.Period, "period", "year", "compare by year, fiscal_year, quarter, month or all")
	cmd.Flags().StringVar(&opt.From, "from", "", "first month of requests, e.g. 2018-01")
	cmd.Flags().StringVar(&opt.To, "to", "", "last month of requests")
	cmd.Flags().StringVar(&opt.Events, "events", "", "real, synthetic or all (default: real when any real request is stored)")
	cmd.Flags().StringVar(&ms, "measures", "", "service measure ids, comma-separated (default: all but the counts)")
	cmd.Flags().IntVar(&opt.Tiers, "tiers", 5, "need tiers")
	cmd.Flags().Int64Var(&opt.Run, "run", 0, "need-index run (default: the latest that can be placed in the layer)")
	aliasFlag(cmd, "need-run", "run")
	cmd.Flags().IntVar(&opt.Reps, "reps", 999, "bootstrap replicates")
	cmd.Flags().Uint64Var(&opt.Seed, "seed", 0, "bootstrap seed (default: the analysis seed)")
	cmd.Flags().StringVar(&opt.Weighting, "weighting", "events", "carry published averages weighted by their events (incidents) or by ground area: events or area")
	cmd.Flags().BoolVar(&opt.NoPublished, "no-published", false, "leave out the measures published by area")
	cmd.Flags().StringVar(&opt.Set, "set", "", "only this published set")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	completeWords(cmd, "period", "year", "fiscal_year", "quarter", "month", "all")
	completeWords(cmd, "weighting", "events", "area")
	return cmd
}

func fmtPtr(v *float64, d int) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', d, 64)
}

// gapRows flattens the comparisons, one row per measure and period.
func gapRows(res *office.GapsResult) ([]string, [][]string) {
	head := []string{"set", "measure", "period", "coverage", "unit", "lowest_tier", "highest_tier", "gap", "gap_low", "gap_high", "gap_significant",
		"concentration_index", "ci_low", "ci_high", "ci_significant", "verdict"}
	var rows [][]string
	add := func(set string, g *measures.Gap) {
		lo, hi := g.Tiers[0], g.Tiers[len(g.Tiers)-1]
		rows = append(rows, []string{set, g.Measure, g.Period, g.Coverage, g.Unit, fmtPtr(lo.Value, 6), fmtPtr(hi.Value, 6), fmtPtr(g.Gap, 6), fmtPtr(g.GapLow, 6),
			fmtPtr(g.GapHigh, 6), strconv.FormatBool(g.Significant), fmtPtr(g.Concentration, 6), fmtPtr(g.ConcentrationLow, 6),
			fmtPtr(g.ConcentrationHigh, 6), strconv.FormatBool(g.ConcentrationSignificant), g.Verdict})
	}
	for i := range res.Gaps {
		add("service requests", &res.Gaps[i])
	}
	for _, p := range res.Published {
		for i := range p.Gaps {
			add(p.Set, &p.Gaps[i])
		}
	}
	return head, rows
}

func writeGaps(cmd *cobra.Command, e *env, res *office.GapsResult, format string) error {
	w := cmd.OutOrStdout()
	switch format {
	case "json":
		return table.WriteJSON(w, res)
	case "csv":
		fmt.Fprintf(e.stderr, "budgetlens: %s\n", gapsLabel(res))
		head, rows := gapRows(res)
		return e.writeListing(w, format, head, rows, nil)
	}
	fmt.Fprintf(w, "Need tiers of %s (%d tiers; Tier 1 lowest need, Tier %d highest); 95%% bootstrap intervals\n", res.Layer, res.Tiers, res.Tiers)
	if res.Label != "" {
		fmt.Fprintf(w, "\nService requests: %s\n", res.Label)
		writeGapList(w, res.Gaps)
	}
	for _, p := range res.Published {
		fmt.Fprintf(w, "\n%s (published set %s, carried to %s weighted by %s)\n", p.Label, p.Set, res.Layer, p.Weighting)
		writeGapList(w, p.Gaps)
		for _, n := range p.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}

func gapsLabel(res *office.GapsResult) string {
	var parts []string
	if res.Label != "" {
		parts = append(parts, res.Label)
	}
	for _, p := range res.Published {
		parts = append(parts, p.Label)
	}
	return strings.Join(parts, "; ")
}

func writeGapList(w io.Writer, gs []measures.Gap) {
	rows := [][]string{{"measure", "period", "lowest tier", "highest tier", "gap", "95% interval", "concentration", "95% interval", "verdict"}}
	iv := func(a, b *float64) string {
		if a == nil || b == nil {
			return ""
		}
		return fmt.Sprintf("[%s, %s]", fmtPtr(a, 3), fmtPtr(b, 3))
	}
	for _, g := range gs {
		lo, hi := g.Tiers[0], g.Tiers[len(g.Tiers)-1]
		rows = append(rows, []string{g.Name, g.Period + " (" + g.Coverage + ")", fmtPtr(lo.Value, 3), fmtPtr(hi.Value, 3), fmtPtr(g.Gap, 3), iv(g.GapLow, g.GapHigh),
			fmtPtr(g.Concentration, 3), iv(g.ConcentrationLow, g.ConcentrationHigh), g.Verdict})
	}
	table.WriteAligned(w, rows, map[int]bool{2: true, 3: true, 4: true, 6: true})
}

func newMeasuresImportPublishedCmd(e *env) *cobra.Command {
	var opt office.PublishedImportOptions
	var format string
	cmd := &cobra.Command{
		Use:   "import-published FILE --layer NAME [--mapping SPEC.yaml] [--name SET]",
		Short: "Store measures published by area and period (LAFD response times by first-in district and month), for any layer",
		Long: `import-published reads a file of measures a department publishes by area and
period: LAFD's average turnout and travel times and incident counts by
first-in district and month are recognised, and so are the derived MyLA311
counts per neighbourhood council; any other file needs a spec (--mapping, see
docs/measures.md). --layer names the stored layer whose areas the file's
codes name (for LAFD: the district polygons, budgetlens geo import
lafd_first_in_districts.geojson --layer lafd_districts). The values are kept
as published; measures gaps carries them to any layer by area share.`,
		Example: `  budgetlens geo import fire_districts.geojson --layer fire_districts --id-column district
  budgetlens measures import-published response_times.csv --layer fire_districts
  budgetlens measures import-published library_visits.csv --layer branches --mapping visits_spec.yaml --name library_visits
  budgetlens measures import-published response_times.csv --layer fire_districts --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.File = args[0]
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				r, err := o.ImportPublished(ctx, opt)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, r)
				}
				fmt.Fprintf(w, "%s: set %s (%s), %s values of %s in %d areas of layer %s (%d matched)\n", opt.File, r.Set, r.Format, n(int64(r.Values)),
					strings.Join(r.Measures, ", "), r.Areas, r.Layer, r.Matched)
				fmt.Fprintln(w, r.Label)
				for _, c := range r.Checks {
					fmt.Fprintf(w, "checked: %s\n", c)
				}
				if len(r.Unmatched) > 0 {
					fmt.Fprintf(w, "codes naming no area of %s (left out when measured): %s\n", r.Layer, strings.Join(r.Unmatched, ", "))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&opt.Layer, "layer", "", "stored layer whose areas the file's codes name")
	cmd.Flags().StringVar(&opt.Mapping, "mapping", "", "spec (YAML) for a file in no known format")
	cmd.Flags().StringVar(&opt.Name, "name", "", "name of the set (default: the format's)")
	addFormatFlag(cmd, &format, "table", "json")
	return cmd
}

func newMeasuresPublishedCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "published",
		Short: "List the stored sets of measures published by area",
		Example: `  budgetlens measures published
  budgetlens measures published --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				sets, err := o.Store.PublishedSets(ctx)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, sets)
				}
				head := []string{"set", "layer", "values", "measures", "label"}
				var rows [][]string
				for _, s := range sets {
					var ids []string
					for _, m := range s.Measures {
						ids = append(ids, m.ID)
					}
					rows = append(rows, []string{s.Name, s.Layer, strconv.Itoa(s.Values), strings.Join(ids, " "), s.Label()})
				}
				if format == "csv" {
					return e.writeListing(w, format, head, rows, nil)
				}
				if len(rows) == 0 {
					fmt.Fprintln(w, "no published measures are stored: budgetlens measures import-published FILE --layer NAME")
					return nil
				}
				return table.WriteAligned(w, append([][]string{head}, rows...), map[int]bool{2: true})
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}
