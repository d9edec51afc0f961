package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

// addAnalyzeFlags adds the flags shared by analyze and report.
func addAnalyzeFlags(cmd *cobra.Command, o *office.AnalyzeOptions, defaultPhase string) {
	cmd.Flags().StringVar(&o.FiscalYear, "fy", "", "fiscal year: 2021-22 (default: the latest in the store)")
	cmd.Flags().StringVar(&o.Phase, "phase", defaultPhase, "phase: proposed, adopted, estimate or actual")
	cmd.Flags().StringVar(&o.Layer, "layer", "", "area layer (budgetlens geo ls; default: the city profile's default layer)")
	cmd.Flags().StringVar(&o.Jurisdiction, "jurisdiction", "", "jurisdiction id (default all)")
	cmd.Flags().StringVar(&o.RulesFile, "rules", "", "attribution rules YAML (default: the city profile's rules)")
	cmd.Flags().Int64Var(&o.Run, "run", 0, "need-index run id (default: the latest run whose areas can be placed in the layer; none: no need tiers)")
	cmd.Flags().StringVar(&o.EventsFile, "events", "", "MyLA311-style service-request CSV to summarise per area (optional; - for standard input)")
	cmd.Flags().StringVar(&o.GroupsFile, "groups", "", "ACS race/ethnicity/poverty tract table for population groups (optional)")
	cmd.Flags().StringVar(&o.ProjectsCSV, "projects", "", "capital projects CSV (LADOT funded-projects layout) to place by location (optional)")
	cmd.Flags().StringVar(&o.ProjectsGeoJSON, "projects-geojson", "", "their geometries (default: the CSV's name with .geojson)")
	cmd.Flags().IntVar(&o.Tiers, "tiers", 5, "number of need tiers (at most the number of areas)")
	cmd.Flags().IntVar(&o.Reps, "reps", 999, "permutations of the hot-spot (LISA) test (0 = none)")
	cmd.Flags().Uint64Var(&o.Seed, "seed", analysis.DefaultSeed, "seed of the permutations")
}

// checkAnalyzeFlags refuses values that would be silently replaced.
func checkAnalyzeFlags(o *office.AnalyzeOptions) error {
	if o.Tiers < 1 {
		return budget.Errorf(budget.EINVALID, "--tiers %d: give 1 or more need tiers (5 is usual)", o.Tiers)
	}
	if o.Reps < 0 {
		return budget.Errorf(budget.EINVALID, "--reps %d: give 0 (no intervals) or a positive number of replicates", o.Reps)
	}
	return nil
}

func newAnalyzeCmd(e *env) *cobra.Command {
	var o office.AnalyzeOptions
	var format string
	var list bool
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Measure whether a budget phase's spending reaches need, area by area",
		Long: `analyze places every dollar of a phase's expenditure line items in the areas of a
layer with the attribution rules (rows carrying their own area codes first),
and reports dollars and dollars per resident by area with the city total and
average. With a need run it joins each area's need (the run's small areas
aggregated to the layer, population-weighted) and reports spending by need
tier (fifths of the residents), the top tier's share of dollars against its
share of residents, and the concentration index of per-capita spending ranked
by need with its range over every declared rule variant and need measure and
the verdict read from it; and the accounting, each dollar once (transfers
between funds removed): attributed + unattributed = phase total, to the cent.
Layers, rules and need come from the city profile saved in the store
(or --profile); without one, give --layer and only rows with their own area
codes are placed. Areas without population are refused (budgetlens check).

--format json prints the whole result; csv one row per area (the totals go to
standard error), ready for metrics, Excel or a GIS join; geojson the layer's
areas with every per-area result as a typed property (numbers as numbers,
missing values as null), ready for QGIS.`,
		Example: `  budgetlens analyze --fy 2021-22 --phase proposed --layer districts
  budgetlens analyze --fy 2021-22 --phase proposed --layer districts --format geojson > districts.geojson
  budgetlens analyze --fy 2021-22 --phase adopted --format csv --reps 0 | budgetlens metrics --in - --value per_capita --weight population
  budgetlens analyze --fy 2021-22 --phase proposed --save
  budgetlens analyze --list --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAnalyzeFlags(&o); err != nil {
				return err
			}
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			if list && format == "geojson" {
				return usageError(cmd, "--list --format geojson: the list of stored analyses has no map; use table, json or csv")
			}
			var err error
			if o.Limits, err = limits(cmd, limitPairs); err != nil {
				return err
			}
			eventsArg := o.EventsFile
			events, done, err := e.inputFile(o.EventsFile, csvInput)
			if err != nil {
				return err
			}
			defer done()
			if events != o.EventsFile {
				o.EventsFile, o.EventsName = events, stdinName
			}
			err = e.withOffice(!o.Save, func(ctx context.Context, off *office.Office) error {
				if list {
					infos, err := off.Store.Analyses(ctx)
					if err != nil {
						return err
					}
					return writeAnalysisList(cmd.OutOrStdout(), e, format, infos)
				}
				a, err := off.Analyze(ctx, o)
				if err != nil {
					return err
				}
				if format == "geojson" {
					return a.WriteGeoJSON(cmd.OutOrStdout())
				}
				return writeAnalysis(cmd.OutOrStdout(), cmd.ErrOrStderr(), e, format, a.Result)
			})
			return renameInput(err, events, eventsArg)
		},
	}
	addAnalyzeFlags(cmd, &o, "adopted")
	cmd.Flags().BoolVar(&o.Save, "save", false, "store the result (with its input hashes) in the store")
	cmd.Flags().BoolVar(&list, "list", false, "list the stored analyses instead")
	cmd.Flags().BoolVar(&o.Compare, "compare", false, "add the other phase of the year and last year's adopted budget (comparisons)")
	addFormatFlag(cmd, &format, "table", "json", "csv", "geojson")
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

func writeAnalysisList(w io.Writer, e *env, format string, infos []analysis.RecordInfo) error {
	header := []string{"id", "fiscal_year", "phase", "layer", "need_run", "inputs_sha256"}
	var rows [][]string
	for _, a := range infos {
		rows = append(rows, []string{strconv.FormatInt(a.ID, 10), a.FiscalYear, a.Phase, a.Layer, strconv.FormatInt(a.NeedRun, 10), a.InputsHash})
	}
	return e.writeListing(w, format, header, rows, infos)
}

func variants(r *analysis.Result) int {
	if r.Concentr == nil {
		return 0
	}
	return len(r.Concentr.Variants)
}

func anum(n analysis.Num, digits int) string {
	if n.Missing() {
		return ""
	}
	return strconv.FormatFloat(float64(n), 'f', digits, 64)
}

// writeAnalysis prints the result: JSON (everything), CSV (one row per
// area and nothing else, so the file feeds metrics, Excel and GIS joins as
// it is; the totals go to errw) or a table.
func writeAnalysis(w, errw io.Writer, e *env, format string, r *analysis.Result) error {
	switch format {
	case "json":
		return table.WriteJSON(w, r)
	case "csv":
		cw := e.csvWriter(w)
		cw.Write([]string{"area_id", "name", "population", "amount", "per_capita", "need_score", "need_tier", "spend_share", "pop_share", "gap", "lisa_cluster"})
		for _, a := range r.Areas {
			cw.Write([]string{a.AreaID, a.Name, strconv.FormatFloat(a.Population, 'f', -1, 64), analysis.FormatCents(int64(a.Amount)), anum(a.PerCapita, 4),
				anum(a.NeedScore, 4), strconv.Itoa(a.NeedTier), anum(a.SpendShare, 6), anum(a.PopShare, 6), anum(a.Gap, 6), a.LISA})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		fmt.Fprintf(errw, "totals (dollars): attributed %s, unattributed %s, phase %s; city: population %s, placed per resident %s\n", analysis.FormatCents(int64(r.Totals.Attributed)),
			analysis.FormatCents(int64(r.Totals.Unattributed)), analysis.FormatCents(int64(r.Totals.PhaseTotal)),
			strconv.FormatFloat(r.City.Population, 'f', -1, 64), anum(r.City.PerCapita, 4))
		return nil
	case "table":
		need := "no need run"
		if r.Provenance.NeedRun != 0 {
			need = fmt.Sprintf("need run %d, %s %s", r.Provenance.NeedRun, r.Provenance.NeedSpec, r.Provenance.NeedVersion)
		}
		lines := r.Layer.Lines
		if r.Layer.Title != "" {
			lines = r.Layer.Title
		}
		fmt.Fprintf(w, "%s %s on layer %s, %s (%s; rules %s)\n\n", r.FiscalYear, r.Phase, r.Layer.Name, lines, need, r.Provenance.Rules)
		rows := append([]analysis.AreaRow{}, r.Areas...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].NeedTier > rows[j].NeedTier })
		// area ids left, numbers right with thousands separators
		tbl := [][]string{{"area", "population", "amount", "per capita", "need score", "tier"}}
		for _, a := range rows {
			tbl = append(tbl, []string{a.AreaID, table.GroupDigits(strconv.FormatFloat(a.Population, 'f', 0, 64)), table.GroupDigits(analysis.FormatCents(int64(a.Amount))),
				table.GroupDigits(anum(a.PerCapita, 2)), anum(a.NeedScore, 2), strconv.Itoa(a.NeedTier)})
		}
		c := r.City
		tbl = append(tbl, []string{"city total", table.GroupDigits(strconv.FormatFloat(c.Population, 'f', 0, 64)), table.GroupDigits(analysis.FormatCents(int64(c.Amount))), "", "", ""},
			[]string{"city average", "", "", table.GroupDigits(anum(c.PerCapita, 2)), "", ""})
		if err := table.WriteAligned(w, tbl, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}); err != nil {
			return err
		}
		t := r.Totals
		tot := [][]string{
			{"attributed", table.GroupDigits(analysis.FormatCents(int64(t.Attributed))), "(" + anum(t.AttributedShare*100, 1) + "%)"},
			{"unattributed", table.GroupDigits(analysis.FormatCents(int64(t.Unattributed))), ""},
			{"phase total", table.GroupDigits(analysis.FormatCents(int64(t.PhaseTotal))), ""},
		}
		fmt.Fprintln(w)
		if err := table.WriteAligned(w, tot, map[int]bool{1: true}); err != nil {
			return err
		}
		h := r.Headline
		ci := ""
		if n := variants(r); n > 1 {
			ci = fmt.Sprintf(" [%s to %s over %d variants of rules and need: %s]", anum(h.ConcentrationMin, 3), anum(h.ConcentrationMax, 3), n, h.Verdict)
		}
		if r.Provenance.NeedRun != 0 {
			fmt.Fprintf(w, "top need tier: %s%% of placed dollars, %s%% of residents; concentration index %s%s\n",
				anum(h.TopTierSpendShare*100, 1), anum(h.TopTierPopShare*100, 1), anum(h.Concentration, 3), ci)
		}
		for _, c := range r.Comparisons {
			fmt.Fprintf(w, "%s %-8s total %s, placed %s%%, top tier %s%% of dollars, concentration %s [%s to %s: %s]\n", c.FiscalYear, c.Phase,
				analysis.FormatCents(int64(c.PhaseTotal)), anum(c.AttributedShare*100, 1), anum(c.TopTierSpendShare*100, 1), anum(c.Concentration, 3),
				anum(c.ConcentrationMin, 3), anum(c.ConcentrationMax, 3), c.Verdict)
		}
		for _, n := range r.Notes {
			fmt.Fprintln(w, "note:", n)
		}
		return nil
	}
	return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
}
