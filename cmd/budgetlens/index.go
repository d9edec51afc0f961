package main

import (
	"context"
	"encoding/csv"
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
	}
	cmd.AddCommand(newIndexRunCmd(e), newIndexExplainCmd(e), newIndexSensitivityCmd(e), newIndexCompareCmd(e),
		newIndexRunsCmd(e), newIndexPresetsCmd(e), newIndexSpecCmd(e), newIndexAggregateCmd(e), newIndexImportCmd(e))
	return cmd
}

func newIndexRunCmd(e *env) *cobra.Command {
	var preset, specFile, indicators, idCol, out, neighbours, neighbourID, layer, format, subset, period string
	var published bool
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
is used.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec, err := office.LoadSpec(preset, specFile)
			if err != nil {
				return err
			}
			if format != "table" && format != "json" && format != "csv" {
				return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
			}
			opt := office.IndexRunOptions{Spec: spec, Indicators: indicators, IDColumn: idCol, Layer: layer, Period: period, UsePublished: published,
				Neighbours: neighbours, NeighbourID: neighbourID, Subset: subset, Out: out}
			// reading indicators from the store needs no write; storing the run does
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				res, err := o.RunIndex(ctx, opt)
				if err != nil {
					return err
				}
				if res.Note != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), "note: "+res.Note)
				}
				return printRunSummary(cmd.OutOrStdout(), res.Run, format, out)
			})
		},
	}
	cmd.Flags().StringVar(&preset, "preset", "", "preset: "+strings.Join(need.Presets(), ", "))
	cmd.Flags().StringVar(&specFile, "spec", "", "index spec YAML file (see index spec PRESET for the format)")
	cmd.Flags().StringVar(&indicators, "indicators", "", "indicator table (CSV or XLSX; wide, or long with area_id,indicator,value[,moe])")
	cmd.Flags().StringVar(&idCol, "id-column", "", "area id column (default: area_id, Census Tract, GEOID10_TRACT, GEOID, tract or id)")
	cmd.Flags().BoolVar(&published, "use-published-percentiles", false, "use the indicators' published percentile columns")
	cmd.Flags().StringVar(&out, "out", "", "write the run to FILE (.csv, .xlsx or .geojson)")
	cmd.Flags().StringVar(&neighbours, "neighbours", "", "polygons (GeoJSON, shapefile zip, GeoPackage) for the adjacency rule")
	cmd.Flags().StringVar(&neighbourID, "neighbour-id", "", "id property of the polygons (default: detected)")
	cmd.Flags().StringVar(&subset, "subset", "", "keep only areas with COLUMN=VALUE after computing over all (statewide percentiles, county ranks)")
	cmd.Flags().StringVar(&period, "period", "current", "period of imported indicators (with --layer and no --indicators)")
	cmd.Flags().StringVar(&layer, "layer", "", "name of the geography the area ids belong to (e.g. tracts2010)")
	addFormatFlag(cmd, &format)
	return cmd
}

func printRunSummary(w io.Writer, r *need.Run, format, out string) error {
	switch format {
	case "json":
		return table.WriteJSON(w, r.Info())
	case "csv":
		return need.WriteCSV(w, r)
	case "table":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
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
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				x, err := o.Explain(ctx, area, runID)
				if err != nil {
					return err
				}
				if x.Latest != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "area %s is not in the latest run %d (%s); explaining run %d (%s)\n", area, x.Latest.ID, x.Latest.Spec, x.Run.ID, x.Run.Spec)
				}
				return printExplanation(cmd.OutOrStdout(), x.Run, x.Explanation, format)
			})
		},
	}
	cmd.Flags().StringVar(&area, "area", "", "area id")
	cmd.Flags().Int64Var(&runID, "run", 0, "run id (default: latest)")
	addFormatFlag(cmd, &format)
	return cmd
}

func printExplanation(w io.Writer, r *need.Run, e need.Explanation, format string) error {
	switch format {
	case "json":
		return table.WriteJSON(w, e)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"indicator", "domain", "component", "value", "normalised", "weight", "contribution"})
		for _, l := range e.Indicators {
			cw.Write([]string{l.Name, l.Domain, l.Component, fmtN(l.Value), fmtN(l.Normalised), strconv.FormatFloat(l.Weight, 'f', 4, 64), fmtN(l.Contribution)})
		}
		cw.Flush()
		return cw.Error()
	case "table":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
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
input explains.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opt := office.SensitivityOptions{Run: runID, Runs: runs, Seed: seed, Concentration: conc, LeaveOneOut: loo, MOE: moe}
			if norms != "" {
				opt.Normalisations = strings.Split(norms, ",")
			}
			if runs >= 1 && out != "" {
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
				if out != "" {
					if err := writeSensitivityCSV(out, res.Result); err != nil {
						return err
					}
				}
				return printSensitivity(cmd.OutOrStdout(), res.Run, res.Result, format, show)
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
	cmd.Flags().IntVar(&show, "show", 20, "areas to print (highest need first); 0 for all")
	cmd.Flags().StringVar(&out, "out", "", "also write every area's interval to this CSV file")
	addFormatFlag(cmd, &format)
	return cmd
}

func writeSensitivityCSV(path string, res *need.SensitivityResult) error {
	f, err := office.CreateAtomic(path, "--out", true)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"area_id", "base_rank", "rank_p05", "rank_median", "rank_p95", "p_top_tier"})
	for _, a := range res.Areas {
		cw.Write([]string{a.ID, strconv.Itoa(a.BaseRank), ff(a.P05), ff(a.Median), ff(a.P95), ff(a.TopShare)})
	}
	cw.Flush()
	return f.Commit(cw.Error())
}

func ff(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

func printSensitivity(w io.Writer, r *need.Run, res *need.SensitivityResult, format string, show int) error {
	areas := append([]need.AreaSensitivity(nil), res.Areas...)
	sort.SliceStable(areas, func(i, j int) bool {
		return rankOrder(areas[i].BaseRank) < rankOrder(areas[j].BaseRank)
	})
	if show > 0 && show < len(areas) {
		areas = areas[:show]
	}
	switch format {
	case "json":
		return table.WriteJSON(w, struct {
			Run int64 `json:"run"`
			*need.SensitivityResult
		}{r.ID, res})
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"area_id", "base_rank", "rank_p05", "rank_median", "rank_p95", "p_top_tier"})
		for _, a := range areas {
			cw.Write([]string{a.ID, strconv.Itoa(a.BaseRank), ff(a.P05), ff(a.Median), ff(a.P95), ff(a.TopShare)})
		}
		cw.Flush()
		return cw.Error()
	case "table":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
	}
	fmt.Fprintf(w, "run %d (%s): %d Monte Carlo runs; top tier %q = percentile above %.4g\n\n", r.ID, r.Spec, res.Runs, res.TopTier, res.TopCut)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "area\trank\trank 5-95%\tmedian\tP(top tier)")
	for _, a := range areas {
		fmt.Fprintf(tw, "%s\t%d\t%s-%s\t%s\t%.3f\n", a.ID, a.BaseRank, ff(a.P05), ff(a.P95), ff(a.Median), a.TopShare)
	}
	tw.Flush()
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
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
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
					return compareArea(cmd.OutOrStdout(), p.A, p.SpecA, p.B, p.SpecB, area)
				}
				return printComparison(cmd.OutOrStdout(), p.A, p.B, need.Compare(p.A, p.B), format, show)
			})
		},
	}
	cmd.Flags().IntVar(&show, "show", 10, "largest rank changes to print")
	cmd.Flags().StringVar(&area, "area", "", "explain what changed for one area between the runs")
	addFormatFlag(cmd, &format)
	return cmd
}

func printComparison(w io.Writer, a, b *need.Run, c *need.Comparison, format string, show int) error {
	switch format {
	case "json":
		return table.WriteJSON(w, c)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"area_id", "rank_a", "rank_b", "delta"})
		for _, ch := range c.Changes {
			cw.Write([]string{ch.ID, strconv.Itoa(ch.RankA), strconv.Itoa(ch.RankB), strconv.Itoa(ch.Delta)})
		}
		cw.Flush()
		return cw.Error()
	case "table":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
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
	return tw.Flush()
}

func newIndexRunsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List stored index runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
					cw := csv.NewWriter(w)
					cw.Write([]string{"id", "spec", "version", "spec_hash", "layer", "areas", "created_at"})
					for _, r := range runs {
						cw.Write([]string{strconv.FormatInt(r.ID, 10), r.Spec, r.SpecVersion, r.SpecHash, r.Layer, strconv.Itoa(r.Areas), r.CreatedAt.Format("2006-01-02T15:04:05Z")})
					}
					cw.Flush()
					return cw.Error()
				case "table":
				default:
					return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
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
	return cmd
}

func newIndexPresetsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "List the presets",
		Long: `presets lists the built-in need indices: name, version, method and description.
index spec NAME prints one as YAML. --format json gives an array of objects.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			switch format {
			case "json":
				return table.WriteJSON(w, list)
			case "csv":
				cw := csv.NewWriter(w)
				cw.Write([]string{"name", "version", "method", "description"})
				for _, p := range list {
					cw.Write([]string{p.Name, p.Version, p.Method, p.Description})
				}
				cw.Flush()
				return cw.Error()
			case "table":
				rows := [][]string{{"name", "version", "method", "description"}}
				for _, p := range list {
					rows = append(rows, []string{p.Name, p.Version, p.Method, p.Description})
				}
				return table.WriteAligned(w, rows, nil)
			}
			return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
		},
	}
	addFormatFlag(cmd, &format)
	return cmd
}

func newIndexSpecCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "spec PRESET",
		Short: "Print a preset's YAML spec (a starting point for a custom index)",
		Args:  cobra.ExactArgs(1),
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
	cmd := &cobra.Command{
		Use:   "aggregate --crosswalk FILE | --from-layer FILE --to-layer FILE",
		Short: "Population-weighted index of larger areas through a crosswalk",
		Long: `aggregate rolls the run's area scores up to larger areas (council districts,
ZIP codes, 2020 tracts) through a crosswalk CSV with one row per (small area,
larger area) and the share of the small area's population in the larger one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opt := office.AggregateOptions{Run: runID, Crosswalk: crosswalk, From: from, To: to, Fraction: frac,
				SmallLayer: smallLayer, SmallID: smallID, LargeLayer: largeLayer, LargeID: largeID}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				a, err := o.Aggregate(ctx, opt)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if format == "json" {
					return table.WriteJSON(w, struct {
						Areas   []need.Aggregate `json:"areas"`
						Missing []string         `json:"not_in_crosswalk"`
					}{a.Areas, a.Missing})
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
	cmd.Flags().StringVar(&smallID, "from-id", "", "id property of --from-layer")
	cmd.Flags().StringVar(&largeLayer, "to-layer", "", "polygons of the larger areas")
	cmd.Flags().StringVar(&largeID, "to-id", "", "id property of --to-layer")
	addFormatFlag(cmd, &format)
	return cmd
}

func newIndexImportCmd(e *env) *cobra.Command {
	var layer, period, idCol, meta, columns string
	cmd := &cobra.Command{
		Use:   "import FILE --layer NAME [--period P]",
		Short: "Import indicators (wide or long CSV/XLSX) with metadata into the store",
		Long: `import stores the numeric columns of an indicator table (wide: one row per area;
long: area_id, indicator, value[, moe]) for one layer and period in one
transaction, replacing earlier values of the same layer, period, area and
indicator. --meta FILE gives per indicator: indicator, domain, direction
(higher or lower means more need), unit, source, year. Text columns are
skipped unless named in --columns, where any non-number is an error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := office.IndicatorImport{File: args[0], IDColumn: idCol, Layer: layer, Period: period, PeriodGiven: cmd.Flags().Changed("period"), Meta: meta}
			if columns != "" {
				opt.Columns = strings.Split(columns, ",")
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
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
			})
		},
	}
	cmd.Flags().StringVar(&layer, "layer", "", "geography of the area ids (e.g. tracts2010)")
	cmd.Flags().StringVar(&period, "period", "current", "period label (e.g. 2019 or 2015-2019)")
	cmd.Flags().StringVar(&idCol, "id-column", "", "area id column")
	cmd.Flags().StringVar(&meta, "meta", "", "indicator metadata CSV (indicator, domain, direction, unit, source, year)")
	cmd.Flags().StringVar(&columns, "columns", "", "comma-separated columns to import (default: every numeric column)")
	return cmd
}

// compareArea prints one area's explanation in both runs and, for the
// indicators both runs have, the value and normalised value in each.
func compareArea(w io.Writer, a *need.Run, sa *need.Spec, b *need.Run, sb *need.Spec, id string) error {
	ea, okA := need.ExplainRun(a, sa, id)
	eb, okB := need.ExplainRun(b, sb, id)
	if !okA && !okB {
		return budget.Errorf(budget.ENOTFOUND, "area %q is in neither run %d nor run %d", id, a.ID, b.ID)
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
