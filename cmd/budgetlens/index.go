package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newIndexCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Build, explain, compare and stress-test need indices",
		Long: `index builds composite need indices over areas (census tracts) from indicator
tables, with presets that reproduce published methods (ces4, ces3, cejst,
metro-efc, percentile-average, zscore) or a custom YAML spec. Every run is
stored with its spec hash and input hashes; explain, sensitivity, compare and
aggregate work on stored runs.`,
		Example: `  budgetlens index presets
  budgetlens index run --preset ces4 --indicators calenviroscreen40.xlsx --layer tracts
  budgetlens index explain --area 06037204920
  budgetlens index sensitivity --runs 1000 --format csv > ranks.csv`,
	}
	cmd.AddCommand(newIndexRunCmd(e), newIndexExplainCmd(e), newIndexSensitivityCmd(e), newIndexCompareCmd(e),
		newIndexRunsCmd(e), newIndexPresetsCmd(e), newIndexSpecCmd(e), newIndexAggregateCmd(e), newIndexImportCmd(e))
	return cmd
}

func newIndexRunCmd(e *env) *cobra.Command {
	var preset, specFile, indicators, idCol, out, neighbours, neighbourID, layer, format, subset, period, geography string
	var published bool
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "run --preset NAME | --spec FILE --indicators FILE",
		Short: "Compute an index, store the run and write it out",
		Long: `run applies a preset or spec to an indicator table (CSV or XLSX, wide or long),
stores the run (spec hash, input hashes, every area's score, percentile, rank,
tier, population and details) and optionally writes it to --out (.csv, .xlsx or
.geojson). --use-published-percentiles takes each indicator's percentile from
its published column (CalEnviroScreen's "Pctl" columns) instead of recomputing
it. For CEJST's adjacency rule, --neighbours FILE (polygons) builds queen
contiguity with the geo package; without it the table's neighbour-share column
is used.

--indicators - reads the table from standard input; --out - writes the run as
CSV to standard output (the summary then goes to standard error). --format csv
prints every area of the run.`,
		Example: `  budgetlens index run --preset ces4 --indicators calenviroscreen40.xlsx --layer tracts --out ces4.geojson
  budgetlens index run --preset cejst --indicators cejst.csv --id-column GEOID10_TRACT --neighbours tracts.zip --neighbours-id-column GEOID10
  budgetlens index run --spec my_index.yaml --indicators acs.json --geography tract --layer tracts
  budgetlens index run --preset percentile-average --layer tracts --period 2019 --out - > run.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := office.LoadSpec(preset, specFile)
			if err != nil {
				return err
			}
			if err := e.checkDelimiter(cmd, map[bool]string{true: "csv", false: format}[out == "-"]); err != nil {
				return err
			}
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			file, done, err := e.inputFile(indicators, tableInput)
			if err != nil {
				return err
			}
			defer done()
			opt := office.IndexRunOptions{Spec: spec, Indicators: file, IDColumn: idCol, Layer: layer, Period: period, UsePublished: published,
				Neighbours: neighbours, NeighbourID: neighbourID, Subset: subset, Out: out, Geography: geography, Limits: lim}
			if file != indicators {
				opt.IndicatorsName = stdinName
			}
			if out == "-" {
				opt.Out = ""
			}
			// reading indicators from the store needs no write; storing the run does
			err = e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				res, err := o.RunIndex(ctx, opt)
				if err != nil {
					return err
				}
				if res.Note != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), "note: "+res.Note)
				}
				if out == "-" {
					h, rows := need.Rows(res.Run)
					if err := e.writeListing(cmd.OutOrStdout(), "csv", h, rows, nil); err != nil {
						return err
					}
					return printRunSummary(cmd.ErrOrStderr(), e, res.Run, "table", "standard output")
				}
				return printRunSummary(cmd.OutOrStdout(), e, res.Run, format, out)
			})
			return renameInput(err, file, indicators)
		},
	}
	cmd.Flags().StringVar(&preset, "preset", "", "preset: "+strings.Join(need.Presets(), ", "))
	cmd.Flags().StringVar(&specFile, "spec", "", "index spec YAML file (see index spec PRESET for the format)")
	cmd.Flags().StringVar(&indicators, "indicators", "", "indicator table (CSV, XLSX or Census API JSON; wide, or long with area_id,indicator,value[,moe]); - for standard input")
	cmd.Flags().StringVar(&idCol, "id-column", "", "area id column (default: area_id, Census Tract, GEOID10_TRACT, GEOID, tract or id)")
	cmd.Flags().BoolVar(&published, "use-published-percentiles", false, "use the indicators' published percentile columns")
	cmd.Flags().StringVar(&out, "out", "", "write the run to FILE (.csv, .xlsx or .geojson); - writes CSV to standard output")
	cmd.Flags().StringVar(&neighbours, "neighbours", "", "polygons (GeoJSON, shapefile zip, GeoPackage) for the adjacency rule")
	cmd.Flags().StringVar(&neighbourID, "neighbours-id-column", "", "id column (property) of the --neighbours polygons (default: detected)")
	aliasFlag(cmd, "neighbour-id", "neighbours-id-column")
	cmd.Flags().StringVar(&geography, "geography", "", "Census geography of the ids (tract, block group, county, ...; default: inferred), for GEOIDs at full width")
	cmd.Flags().StringVar(&subset, "subset", "", "keep only areas with COLUMN=VALUE after computing over all (statewide percentiles, county ranks)")
	cmd.Flags().StringVar(&period, "period", "current", "period of imported indicators (with --layer and no --indicators)")
	cmd.Flags().StringVar(&layer, "layer", "", "name of the geography the area ids belong to (e.g. tracts2010)")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, true)
	return cmd
}

func printRunSummary(w io.Writer, e *env, r *need.Run, format, out string) error {
	switch format {
	case "json":
		return table.WriteJSON(w, r.Info())
	case "csv":
		h, rows := need.Rows(r)
		return e.writeListing(w, format, h, rows, nil)
	}
	scored := 0
	tiers := map[string]int{}
	pops := map[string]float64{}
	for _, a := range r.Areas {
		if !a.Score.Missing() {
			scored++
		}
		tiers[a.Tier]++
		if !a.Population.Missing() {
			pops[a.Tier] += float64(a.Population)
		}
	}
	fmt.Fprintf(w, "run %d: %s %s (spec sha256 %s), %d areas, %d scored\n", r.ID, r.Spec, r.SpecVersion, r.SpecHash[:12], len(r.Areas), scored)
	if out != "" {
		fmt.Fprintf(w, "written to %s\n", out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tier\tareas\tpopulation")
	var names []string
	for t := range tiers {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		label := t
		if label == "" {
			label = "(no tier)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\n", label, tiers[t], pops[t])
	}
	tw.Flush()
	top := append([]need.AreaResult(nil), r.Areas...)
	sort.SliceStable(top, func(i, j int) bool {
		return rankOrder(top[i].Rank) < rankOrder(top[j].Rank)
	})
	fmt.Fprintln(w, "\nhighest need:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rank\tarea\tscore\tpercentile\ttier")
	for i := 0; i < len(top) && i < 10; i++ {
		a := top[i]
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.Rank, a.ID, fmtN(a.Score), fmtN(a.Percentile), a.Tier)
	}
	return tw.Flush()
}

// csvN is a number for CSV: all its digits, empty when missing.
func csvN(n need.Num) string {
	if n.Missing() {
		return ""
	}
	return strconv.FormatFloat(float64(n), 'f', -1, 64)
}

func fmtN(n need.Num) string {
	if n.Missing() {
		return "-"
	}
	return strconv.FormatFloat(float64(n), 'f', 2, 64)
}

func newIndexExplainCmd(e *env) *cobra.Command {
	var area, format string
	var runID int64
	cmd := &cobra.Command{
		Use:   "explain --area ID",
		Short: "Explain an area's score, tier and thresholds (latest run by default)",
		Long: `explain says in a sentence why an area has its score and tier, then lists each
indicator's value, normalised value, weight and contribution (or, for an index
of thresholds such as CEJST, each test with its value and threshold).`,
		Example: `  budgetlens index explain --area 06037204920
  budgetlens index explain --area 6037204920 --run 3 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				x, err := o.Explain(ctx, area, runID)
				if err != nil {
					return err
				}
				if x.Latest != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "area %s is not in the latest run %d (%s); explaining run %d (%s)\n", area, x.Latest.ID, x.Latest.Spec, x.Run.ID, x.Run.Spec)
				}
				return printExplanation(cmd.OutOrStdout(), e, x.Run, x.Explanation, format)
			})
		},
	}
	cmd.Flags().StringVar(&area, "area", "", "area id")
	cmd.Flags().Int64Var(&runID, "run", 0, "run id (default: latest)")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

// explanationRows lists an explanation's indicators for CSV: missing
// values are empty cells.
func explanationRows(x need.Explanation) ([]string, [][]string) {
	var rows [][]string
	for _, l := range x.Indicators {
		rows = append(rows, []string{l.Name, l.Domain, l.Component, csvN(l.Value), csvN(l.Normalised), strconv.FormatFloat(l.Weight, 'f', 4, 64), csvN(l.Contribution)})
	}
	return []string{"indicator", "domain", "component", "value", "normalised", "weight", "contribution"}, rows
}

func printExplanation(w io.Writer, env *env, r *need.Run, e need.Explanation, format string) error {
	switch format {
	case "json":
		return table.WriteJSON(w, e)
	case "csv":
		h, rows := explanationRows(e)
		return env.writeListing(w, format, h, rows, nil)
	}
	fmt.Fprintln(w, e.Sentence)
	fmt.Fprintf(w, "\nrun %d (%s %s): score %s, percentile %s, rank %d, tier %q\n", r.ID, r.Spec, r.SpecVersion, fmtN(e.Score), fmtN(e.Percentile), e.Rank, e.Tier)
	if len(e.Components) > 0 {
		var names []string
		for n := range e.Components {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "  %s: %s\n", n, fmtN(e.Components[n]))
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w)
	if len(e.Tests) > 0 {
		fmt.Fprintln(tw, "test\tvalue\tthreshold\tmet")
		for _, t := range e.Tests {
			fmt.Fprintf(tw, "%s\t%s\t%s %s\t%v\n", t.Label, fmtN(t.Value), t.Op, strconv.FormatFloat(t.Threshold, 'f', -1, 64), t.Met)
		}
		return tw.Flush()
	}
	fmt.Fprintln(tw, "indicator\tdomain\tvalue\tnormalised\tweight\tcontribution")
	for _, l := range e.Indicators {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.4f\t%s\n", l.Name, l.Domain, fmtN(l.Value), fmtN(l.Normalised), l.Weight, fmtN(l.Contribution))
	}
	return tw.Flush()
}

func newIndexSensitivityCmd(e *env) *cobra.Command {
	var runID int64
	var runs, show int
	var seed uint64
	var conc float64
	var norms, format, out string
	var loo, moe bool
	cmd := &cobra.Command{
		Use:   "sensitivity [--runs N]",
		Short: "Monte Carlo over weights, normalisation and left-out indicators",
		Long: `sensitivity re-runs the stored index (latest by default) --runs times with
weights drawn from Dirichlet distributions around the spec's, a normalisation
drawn from --normalisations, and (with --leave-one-out, the default) one
indicator or none left out. It prints each area's 5-95% rank interval and
probability of being in the top tier, and the share of the rank variance each
input explains.

The table shows the --show areas of highest need (and says how many more
there are); --format csv and json hold every area, as does --out FILE (- for
standard output).`,
		Example: `  budgetlens index sensitivity --runs 1000
  budgetlens index sensitivity --runs 2000 --moe --format csv > ranks.csv
  budgetlens index sensitivity --run 3 --normalisations percentile,minmax --show 0
  budgetlens index sensitivity --format json | jq '.areas[0]'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, map[bool]string{true: "csv", false: format}[out != ""]); err != nil {
				return err
			}
			if show < 0 {
				return usageError(cmd, "--show %d: give 0 (every area) or a positive number", show)
			}
			opt := office.SensitivityOptions{Run: runID, Runs: runs, Seed: seed, Concentration: conc, LeaveOneOut: loo, MOE: moe}
			if norms != "" {
				opt.Normalisations = strings.Split(norms, ",")
			}
			if runs >= 1 && out != "" && out != "-" {
				if err := office.CheckOutput(out, "--out"); err != nil {
					return err
				}
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				res, err := o.RunSensitivity(ctx, opt)
				if err != nil {
					return err
				}
				if res.Latest != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "latest run %d (%s) uses thresholds; analysing run %d (%s), the latest composite index\n", res.Latest.ID, res.Latest.Spec, res.Run.ID, res.Run.Spec)
				}
				if out == "-" {
					return writeSensitivity(cmd.OutOrStdout(), e, res.Result)
				}
				if out != "" {
					w, closeOut, err := createOut(cmd, out)
					if err != nil {
						return err
					}
					if err := closeOut(writeSensitivity(w, e, res.Result)); err != nil {
						return err
					}
				}
				return printSensitivity(cmd.OutOrStdout(), e, res.Run, res.Result, format, show)
			})
		},
	}
	cmd.Flags().Int64Var(&runID, "run", 0, "run id (default: latest)")
	cmd.Flags().IntVar(&runs, "runs", 1000, "Monte Carlo runs")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().Float64Var(&conc, "concentration", 10, "Dirichlet concentration (higher: weights closer to the spec)")
	cmd.Flags().StringVar(&norms, "normalisations", "", "comma-separated normalisations to draw from (default percentile,zscore,minmax; percentile,minmax,rank for product indices)")
	cmd.Flags().BoolVar(&loo, "leave-one-out", true, "leave out one indicator (or none) per run")
	cmd.Flags().BoolVar(&moe, "moe", false, "also draw indicator values from their margins of error (90%, ACS-style)")
	cmd.Flags().IntVar(&show, "show", 20, "areas in the table (highest need first); 0 for all (csv and json always hold all)")
	cmd.Flags().StringVar(&out, "out", "", "also write every area's interval to this CSV file; - for standard output instead of the table")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

var sensitivityHeader = []string{"area_id", "base_rank", "rank_p05", "rank_median", "rank_p95", "p_top_tier"}

func sensitivityRows(areas []need.AreaSensitivity) [][]string {
	rows := make([][]string, 0, len(areas))
	for _, a := range areas {
		rows = append(rows, []string{a.ID, strconv.Itoa(a.BaseRank), ff(a.P05), ff(a.Median), ff(a.P95), ff(a.TopShare)})
	}
	return rows
}

// writeSensitivity writes every area's interval as CSV, in run order.
func writeSensitivity(w io.Writer, e *env, res *need.SensitivityResult) error {
	return e.writeListing(w, "csv", sensitivityHeader, sensitivityRows(res.Areas), nil)
}

func ff(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

func printSensitivity(w io.Writer, e *env, r *need.Run, res *need.SensitivityResult, format string, show int) error {
	areas := append([]need.AreaSensitivity(nil), res.Areas...)
	sort.SliceStable(areas, func(i, j int) bool {
		return rankOrder(areas[i].BaseRank) < rankOrder(areas[j].BaseRank)
	})
	switch format {
	case "json":
		return table.WriteJSON(w, struct {
			Run int64 `json:"run"`
			*need.SensitivityResult
		}{r.ID, res})
	case "csv":
		return e.writeListing(w, format, sensitivityHeader, sensitivityRows(areas), nil)
	}
	more := 0
	if show > 0 && show < len(areas) {
		areas, more = areas[:show], len(areas)-show
	}
	fmt.Fprintf(w, "run %d (%s): %d Monte Carlo runs; top tier %q = percentile above %.4g\n\n", r.ID, r.Spec, res.Runs, res.TopTier, res.TopCut)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\trank\trank 5-95%\tmedian\tP(top tier)")
	for _, a := range areas {
		fmt.Fprintf(tw, "%s\t%d\t%s-%s\t%s\t%.3f\n", a.ID, a.BaseRank, ff(a.P05), ff(a.P95), ff(a.Median), a.TopShare)
	}
	tw.Flush()
	if more > 0 {
		fmt.Fprintf(w, "... and %d more areas (--show 0 prints them all; --format csv or --out FILE writes them)\n", more)
	}
	fmt.Fprintln(w, "\nshare of rank variance explained (first order):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, g := range res.Global {
		fmt.Fprintf(tw, "  %s\t%.3f\n", g.Input, g.Share)
	}
	return tw.Flush()
}

func newIndexCompareCmd(e *env) *cobra.Command {
	var format, area string
	var show int
	cmd := &cobra.Command{
		Use:   "compare RUN_A RUN_B [--area ID]",
		Short: "Compare two runs: tier moves, population affected, rank changes",
		Long: `compare lists the areas that moved between tiers (with their population), the
Spearman rank correlation and the largest rank changes of two stored runs. The
table shows the --show largest changes; --format csv and json hold every area
in both runs. --area explains what changed for one area.`,
		Example: `  budgetlens index compare 1 2
  budgetlens index compare 1 2 --format csv > rank_changes.csv
  budgetlens index compare 1 2 --area 06037204920`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			var ids [2]int64
			for i, a := range args {
				v, err := strconv.ParseInt(a, 10, 64)
				if err != nil || v <= 0 {
					return budget.Errorf(budget.EINVALID, "run id %q: give the numbers shown by budgetlens index runs", a)
				}
				ids[i] = v
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				p, err := o.LoadRunPair(ctx, ids[0], ids[1])
				if err != nil {
					return err
				}
				if area != "" {
					return compareArea(cmd.OutOrStdout(), e, format, p.A, p.SpecA, p.B, p.SpecB, area)
				}
				return printComparison(cmd.OutOrStdout(), e, p.A, p.B, need.Compare(p.A, p.B), format, show)
			})
		},
	}
	cmd.Flags().IntVar(&show, "show", 10, "largest rank changes in the table (csv and json hold all)")
	cmd.Flags().StringVar(&area, "area", "", "explain what changed for one area between the runs")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func printComparison(w io.Writer, e *env, a, b *need.Run, c *need.Comparison, format string, show int) error {
	switch format {
	case "json":
		return table.WriteJSON(w, c)
	case "csv":
		var rows [][]string
		for _, ch := range c.Changes {
			rows = append(rows, []string{ch.ID, strconv.Itoa(ch.RankA), strconv.Itoa(ch.RankB), strconv.Itoa(ch.Delta)})
		}
		return e.writeListing(w, format, []string{"area_id", "rank_a", "rank_b", "delta"}, rows, nil)
	}
	fmt.Fprintf(w, "run %d (%s %s) -> run %d (%s %s): %d areas in both, %d only in %d, %d only in %d\n",
		a.ID, a.Spec, a.SpecVersion, b.ID, b.Spec, b.SpecVersion, c.Common, len(c.OnlyA), a.ID, len(c.OnlyB), b.ID)
	fmt.Fprintf(w, "Spearman rank correlation %.4f, mean absolute rank change %.1f\n\n", c.SpearmanRho, c.MeanAbsChange)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "from tier\tto tier\tareas\tpopulation")
	for _, m := range c.Moves {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\n", m.From, m.To, len(m.Areas), m.Population)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nlargest rank changes:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\trank A\trank B\tchange")
	for i := 0; i < len(c.Changes) && i < show; i++ {
		ch := c.Changes[i]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%+d\n", ch.ID, ch.RankA, ch.RankB, ch.Delta)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := len(c.Changes) - show; show >= 0 && n > 0 {
		fmt.Fprintf(w, "... and %d more areas (--show N prints more; --format csv writes them all)\n", n)
	}
	return nil
}

func newIndexRunsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List stored index runs",
		Example: `  budgetlens index runs
  budgetlens index runs --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withStore(true, func(s store.Store) error {
				runs, err := s.Runs(context.Background())
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				switch format {
				case "json":
					return table.WriteJSON(w, runs)
				case "csv":
					var rows [][]string
					for _, r := range runs {
						rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.Spec, r.SpecVersion, r.SpecHash, r.Layer, strconv.Itoa(r.Areas), r.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")})
					}
					return e.writeListing(w, format, []string{"id", "spec", "version", "spec_hash", "layer", "areas", "created_at"}, rows, nil)
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "id\tspec\tversion\tspec sha256\tlayer\tareas\tcreated")
				for _, r := range runs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.Spec, r.SpecVersion, r.SpecHash[:12], r.Layer, r.Areas, r.CreatedAt.Format("2006-01-02 15:04"))
				}
				return tw.Flush()
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newIndexPresetsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "List the presets",
		Long: `presets lists the built-in need indices: name, version, method and description.
index spec NAME prints one as YAML. --format json gives an array of objects.`,
		Example: `  budgetlens index presets
  budgetlens index presets --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			type preset struct {
				Name        string `json:"name"`
				Version     string `json:"version"`
				Method      string `json:"method"`
				Description string `json:"description"`
			}
			var list []preset
			for _, n := range need.Presets() {
				s, err := need.Preset(n)
				if err != nil {
					return err
				}
				list = append(list, preset{n, s.Version, s.Method, s.Description})
			}
			w := cmd.OutOrStdout()
			var rows [][]string
			for _, p := range list {
				rows = append(rows, []string{p.Name, p.Version, p.Method, p.Description})
			}
			if format == "table" {
				// descriptions in full: they are what a user reads here
				return table.WriteAligned(w, append([][]string{{"name", "version", "method", "description"}}, rows...), nil)
			}
			return e.writeListing(w, format, []string{"name", "version", "method", "description"}, rows, list)
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newIndexSpecCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "spec PRESET",
		Short: "Print a preset's YAML spec (a starting point for a custom index)",
		Example: `  budgetlens index spec ces4 > my_index.yaml
  budgetlens index run --spec my_index.yaml --indicators indicators.csv`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: need.Presets(),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := need.PresetYAML(args[0])
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}

func newIndexAggregateCmd(e *env) *cobra.Command {
	var runID int64
	var crosswalk, from, to, frac, format, smallLayer, smallID, largeLayer, largeID string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "aggregate --crosswalk FILE | --from-layer FILE --to-layer FILE",
		Short: "Population-weighted index of larger areas through a crosswalk",
		Long: `aggregate rolls the run's area scores up to larger areas (council districts,
ZIP codes, 2020 tracts) through a crosswalk CSV with one row per (small area,
larger area) and the share of the small area's population in the larger one,
or through two polygon files apportioned by area. --format csv has one row per
larger area: area_id, population, score, small_areas and the share of its
population in each tier (share_<tier>, 0-1).`,
		Example: `  budgetlens index aggregate --crosswalk tract_to_district.csv --from GEOID --to district --fraction pop_share
  budgetlens index aggregate --from-layer tracts.zip --from-layer-id-column GEOID --to-layer districts.geojson --to-layer-id-column District --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			opt := office.AggregateOptions{Run: runID, Crosswalk: crosswalk, From: from, To: to, Fraction: frac,
				SmallLayer: smallLayer, SmallID: smallID, LargeLayer: largeLayer, LargeID: largeID, Limits: lim}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				a, err := o.Aggregate(ctx, opt)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				switch format {
				case "json":
					return table.WriteJSON(w, struct {
						Areas   []need.Aggregate `json:"areas"`
						Missing []string         `json:"not_in_crosswalk"`
					}{a.Areas, a.Missing})
				case "csv":
					h, rows := aggregateRows(a)
					if len(a.Missing) > 0 {
						fmt.Fprintf(cmd.ErrOrStderr(), "%d areas of the run are not in the crosswalk (e.g. %s)\n", len(a.Missing), a.Missing[0])
					}
					return e.writeListing(w, format, h, rows, nil)
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				top := a.Run.TopTier
				fmt.Fprintf(tw, "area\tpopulation\tscore\tsmall areas\tshare in %q\n", top)
				for _, g := range a.Areas {
					fmt.Fprintf(tw, "%s\t%.0f\t%s\t%d\t%.3f\n", g.ID, g.Population, ff(g.Score), g.Areas, g.TierShares[top])
				}
				tw.Flush()
				if len(a.Missing) > 0 {
					fmt.Fprintf(w, "%d areas of the run are not in the crosswalk (e.g. %s)\n", len(a.Missing), a.Missing[0])
				}
				return nil
			})
		},
	}
	cmd.Flags().Int64Var(&runID, "run", 0, "run id (default: latest)")
	cmd.Flags().StringVar(&crosswalk, "crosswalk", "", "crosswalk CSV")
	cmd.Flags().StringVar(&from, "from", "area_id", "column of the run's area ids")
	cmd.Flags().StringVar(&to, "to", "target", "column of the larger areas' ids")
	cmd.Flags().StringVar(&frac, "fraction", "fraction", "column of the population share (0-1); missing column: 1")
	cmd.Flags().StringVar(&smallLayer, "from-layer", "", "polygons of the run's areas (apportioned by area to --to-layer)")
	cmd.Flags().StringVar(&smallID, "from-layer-id-column", "", "id column (property) of --from-layer")
	cmd.Flags().StringVar(&largeLayer, "to-layer", "", "polygons of the larger areas")
	cmd.Flags().StringVar(&largeID, "to-layer-id-column", "", "id column (property) of --to-layer")
	aliasFlag(cmd, "from-id", "from-layer-id-column")
	aliasFlag(cmd, "to-id", "to-layer-id-column")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, true)
	return cmd
}

// aggregateRows lists aggregated areas for CSV: a share column per tier
// of the run (in the order of its tiers), 0-1.
func aggregateRows(a *office.Aggregated) ([]string, [][]string) {
	tiers := map[string]bool{}
	for _, g := range a.Areas {
		for t := range g.TierShares {
			tiers[t] = true
		}
	}
	var names []string
	for t := range tiers {
		names = append(names, t)
	}
	sort.Strings(names)
	h := []string{"area_id", "population", "score", "small_areas"}
	for _, t := range names {
		if t == "" {
			t = "no tier"
		}
		h = append(h, "share_"+strings.ReplaceAll(strings.ToLower(t), " ", "_"))
	}
	var rows [][]string
	for _, g := range a.Areas {
		r := []string{g.ID, strconv.FormatFloat(g.Population, 'f', -1, 64), ff(g.Score), strconv.Itoa(g.Areas)}
		for _, t := range names {
			r = append(r, ff(g.TierShares[t]))
		}
		rows = append(rows, r)
	}
	return h, rows
}

func newIndexImportCmd(e *env) *cobra.Command {
	var layer, period, idCol, meta, columns, geography string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "import FILE|- --layer NAME [--period P]",
		Short: "Import indicators (wide or long CSV/XLSX) with metadata into the store",
		Long: `import stores the numeric columns of an indicator table (wide: one row per area;
long: area_id, indicator, value[, moe]) for one layer and period in one
transaction, replacing earlier values of the same layer, period, area and
indicator. --meta FILE gives per indicator: indicator, domain, direction
(higher or lower means more need), unit, source, year. Text columns are
skipped unless named in --columns, where any non-number is an error. FILE -
reads standard input.`,
		Example: `  budgetlens index import acs_2019.csv --layer tracts --period 2015-2019 --meta acs_meta.csv
  budgetlens index import "https_api_census_gov.json" --layer tracts --geography tract --period 2019
  budgetlens index import indicators_long.xlsx --layer tracts --id-column GEOID --columns pm25,asthma`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lim, err := limits(cmd, limitPairs)
			if err != nil {
				return err
			}
			file, done, err := e.inputFile(args[0], tableInput)
			if err != nil {
				return err
			}
			defer done()
			opt := office.IndicatorImport{File: file, IDColumn: idCol, Layer: layer, Period: period, PeriodGiven: cmd.Flags().Changed("period"), Meta: meta,
				Geography: geography, Limits: lim}
			if file != args[0] {
				opt.Name = stdinName
			}
			if columns != "" {
				opt.Columns = strings.Split(columns, ",")
			}
			return renameInput(e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				r, err := o.ImportIndicators(ctx, opt)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "import %d: %d values for %d areas of layer %s, period %s (sha256 %s)\n", r.ID, len(r.Set.Values), r.Areas, layer, period, r.Hash[:12])
				if r.Note != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), "note: "+r.Note)
				}
				if len(r.Skipped) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "skipped %d text columns: %s\n", len(r.Skipped), strings.Join(r.Skipped, ", "))
				}
				return nil
			}), file, args[0])
		},
	}
	cmd.Flags().StringVar(&layer, "layer", "", "geography of the area ids (e.g. tracts2010)")
	cmd.Flags().StringVar(&period, "period", "current", "period label (e.g. 2019 or 2015-2019)")
	cmd.Flags().StringVar(&idCol, "id-column", "", "area id column")
	cmd.Flags().StringVar(&meta, "meta", "", "indicator metadata CSV (indicator, domain, direction, unit, source, year)")
	cmd.Flags().StringVar(&columns, "columns", "", "comma-separated columns to import (default: every numeric column)")
	cmd.Flags().StringVar(&geography, "geography", "", "Census geography of the ids (tract, block group, county, ...; default: inferred), for GEOIDs at full width")
	addLimitFlag(cmd, &limitPairs, false)
	return cmd
}

// compareArea prints one area's explanation in both runs and, for the
// indicators both runs have, the value and normalised value in each.
func compareArea(w io.Writer, e *env, format string, a *need.Run, sa *need.Spec, b *need.Run, sb *need.Spec, id string) error {
	ea, okA := need.ExplainRun(a, sa, id)
	eb, okB := need.ExplainRun(b, sb, id)
	if !okA && !okB {
		return budget.Errorf(budget.ENOTFOUND, "area %q is in neither run %d nor run %d", id, a.ID, b.ID)
	}
	switch format {
	case "json":
		side := func(r *need.Run, x need.Explanation, ok bool) any {
			if !ok {
				return map[string]any{"run": r.ID, "in_run": false}
			}
			return struct {
				Run   int64 `json:"run"`
				InRun bool  `json:"in_run"`
				need.Explanation
			}{r.ID, true, x}
		}
		return table.WriteJSON(w, map[string]any{"area_id": id, "a": side(a, ea, okA), "b": side(b, eb, okB)})
	case "csv":
		var rows [][]string
		for _, x := range []struct {
			r  *need.Run
			e  need.Explanation
			ok bool
		}{{a, ea, okA}, {b, eb, okB}} {
			if !x.ok {
				continue
			}
			_, rs := explanationRows(x.e)
			for _, r := range rs {
				rows = append(rows, append([]string{strconv.FormatInt(x.r.ID, 10)}, r...))
			}
		}
		h, _ := explanationRows(need.Explanation{})
		return e.writeListing(w, format, append([]string{"run"}, h...), rows, nil)
	}
	for _, x := range []struct {
		r  *need.Run
		e  need.Explanation
		ok bool
	}{{a, ea, okA}, {b, eb, okB}} {
		if x.ok {
			fmt.Fprintf(w, "run %d (%s %s): %s\n", x.r.ID, x.r.Spec, x.r.SpecVersion, x.e.Sentence)
		} else {
			fmt.Fprintf(w, "run %d (%s %s): area not in this run\n", x.r.ID, x.r.Spec, x.r.SpecVersion)
		}
	}
	if !okA || !okB {
		return nil
	}
	fmt.Fprintf(w, "\nrank %d -> %d, tier %q -> %q\n\n", ea.Rank, eb.Rank, ea.Tier, eb.Tier)
	inB := map[string]need.IndicatorLine{}
	for _, l := range eb.Indicators {
		inB[l.Name] = l
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "indicator\tvalue A\tvalue B\tnormalised A\tnormalised B\tcontribution A\tcontribution B")
	for _, l := range ea.Indicators {
		m, ok := inB[l.Name]
		if !ok {
			fmt.Fprintf(tw, "%s\t%s\t(not in B)\t%s\t\t%s\t\n", l.Name, fmtN(l.Value), fmtN(l.Normalised), fmtN(l.Contribution))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Name, fmtN(l.Value), fmtN(m.Value), fmtN(l.Normalised), fmtN(m.Normalised), fmtN(l.Contribution), fmtN(m.Contribution))
		delete(inB, l.Name)
	}
	for _, l := range eb.Indicators {
		if _, ok := inB[l.Name]; ok {
			fmt.Fprintf(tw, "%s\t(not in A)\t%s\t\t%s\t\t%s\n", l.Name, fmtN(l.Value), fmtN(l.Normalised), fmtN(l.Contribution))
		}
	}
	return tw.Flush()
}

// rankOrder is the sort key of a rank: 1 first, and 0 (an area without a
// score, hence without a rank) after every ranked area.
func rankOrder(rank int) int {
	if rank == 0 {
		return math.MaxInt
	}
	return rank
}
