package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/paulmach/orb"
	"github.com/spf13/cobra"
)

func init() { register(newIndexCmd) }

func newIndexCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Build, explain, compare and stress-test need indices",
		Long: `index builds composite need indices over areas (census tracts) from indicator
tables, with presets that reproduce published methods (ces4, ces3, cejst,
metro-efc, percentile-average, zscore) or a custom YAML spec. Every run is
stored with its spec hash and input hashes; explain, sensitivity, compare and
aggregate work on stored runs.`,
	}
	cmd.AddCommand(newIndexRunCmd(), newIndexExplainCmd(), newIndexSensitivityCmd(), newIndexCompareCmd(),
		newIndexRunsCmd(), newIndexPresetsCmd(), newIndexSpecCmd(), newIndexAggregateCmd(), newIndexImportCmd())
	return cmd
}

// loadSpec returns a preset or a spec file.
func loadSpec(preset, file string) (*need.Spec, error) {
	switch {
	case preset != "" && file != "":
		return nil, budget.Errorf(budget.EINVALID, "give --preset or --spec, not both")
	case preset != "":
		return need.Preset(preset)
	case file != "":
		b, err := readInput(file, "--spec")
		if err != nil {
			return nil, err
		}
		return need.ParseSpec(file, b)
	}
	return nil, budget.Errorf(budget.EINVALID, "give --preset NAME (one of %s) or --spec FILE.yaml", strings.Join(need.Presets(), ", "))
}

// fileHash is the sha256 of a file's bytes ("" when unreadable).
func fileHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func newIndexRunCmd() *cobra.Command {
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
			spec, err := loadSpec(preset, specFile)
			if err != nil {
				return err
			}
			var tab *need.Table
			switch {
			case indicators != "":
				tab, err = need.ReadTable(indicators, need.ReadOptions{IDColumn: idCol})
			case layer != "":
				err = withStore(func(s *duckdb.Store) error {
					tab, err = s.Indicators(context.Background(), layer, period)
					return err
				})
			default:
				return budget.Errorf(budget.EINVALID, "index run needs --indicators FILE (CSV or XLSX), or --layer and --period of imported indicators")
			}
			if err != nil {
				return err
			}
			opt := need.Options{UsePublished: published}
			inputs := []need.Input{{Role: "indicators", File: tab.File, Hash: tab.Hash}}
			var polys map[string]orb.Geometry
			if neighbours != "" {
				l, _, err := geo.ReadFile(neighbours, geo.ImportOptions{IDField: neighbourID})
				if err != nil {
					return err
				}
				adj := geo.Adjacency(l, geo.Queen)
				opt.Neighbours, polys = neighboursFor(tab, l, adj)
				inputs = append(inputs, need.Input{Role: "neighbours", File: neighbours, Hash: fileHash(neighbours)})
			}
			res, err := need.Compute(spec, tab, opt)
			if err != nil {
				return err
			}
			if subset != "" {
				col, val, ok := strings.Cut(subset, "=")
				if !ok {
					return budget.Errorf(budget.EINVALID, "--subset %q: use COLUMN=VALUE, e.g. \"California County=Los Angeles\"", subset)
				}
				cells, err := tab.Text(col)
				if err != nil {
					return err
				}
				keep := make([]bool, len(cells))
				n := 0
				for a, c := range cells {
					keep[a] = strings.TrimSpace(c) == strings.TrimSpace(val)
					if keep[a] {
						n++
					}
				}
				if n == 0 {
					return budget.Errorf(budget.EINVALID, "--subset %q: no area has %q in column %q", subset, val, col)
				}
				need.Subset(res, keep)
			}
			if err := checkOutput(out, "--out"); err != nil {
				return err
			}
			run := need.NewRun(res, inputs, layer, published)
			err = withStore(func(s *duckdb.Store) error {
				if _, err := s.SaveRun(context.Background(), run); err != nil {
					return err
				}
				if layer != "" && indicators != "" {
					// --layer only labels the geography; say when analyze
					// will not find it, which is usually a typo
					have := layerNames(context.Background(), s)
					found := false
					for _, n := range strings.Split(have, ", ") {
						found = found || n == layer
					}
					if !found {
						fmt.Fprintf(cmd.ErrOrStderr(), "note: the store has no layer %q (have: %s); analyze places a run through a stored layer of that name: import it with budgetlens geo import FILE --layer %s\n", layer, have, layer)
					} else {
						coverageNote(s, tab, layer, cmd.ErrOrStderr())
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if out != "" {
				geom := need.PointsFromTable(tab)
				if polys != nil {
					geom = func(id string) orb.Geometry { return polys[id] }
				}
				if err := need.WriteFile(out, run, geom); err != nil {
					return err
				}
			}
			return printRunSummary(cmd.OutOrStdout(), run, format, out)
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

// neighboursFor maps the layer's adjacency onto the table's area order.
func neighboursFor(tab *need.Table, l *geo.Layer, adj [][]int) ([][]int, map[string]orb.Geometry) {
	pos := make([]int, len(l.Areas)) // layer position -> table position
	for i := range pos {
		pos[i] = -1
	}
	out := make([][]int, len(tab.Areas))
	polys := map[string]orb.Geometry{}
	byID := map[string]int{}
	for i, a := range l.Areas {
		byID[strings.TrimLeft(a.ID, "0")] = i
	}
	for a, id := range tab.Areas {
		i, ok := byID[strings.TrimLeft(id, "0")]
		if ok {
			pos[i] = a
			polys[id] = l.Areas[i].Geom
		}
	}
	for i, ns := range adj {
		if pos[i] < 0 {
			continue
		}
		for _, j := range ns {
			if pos[j] >= 0 {
				out[pos[i]] = append(out[pos[i]], pos[j])
			}
		}
	}
	return out, polys
}

func printRunSummary(w io.Writer, r *need.Run, format, out string) error {
	switch format {
	case "json":
		return writeJSON(w, r.Info())
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

// runFor loads run id, or the latest when id is 0, with its parsed spec.
func runFor(s *duckdb.Store, id int64) (*need.Run, *need.Spec, error) {
	ctx := context.Background()
	var r *need.Run
	var err error
	if id > 0 {
		r, err = s.Run(ctx, id)
	} else {
		r, err = s.LatestRun(ctx)
	}
	if err != nil {
		return nil, nil, err
	}
	spec, err := need.ParseSpec(fmt.Sprintf("run %d", r.ID), []byte(r.SpecYAML))
	if err != nil {
		return nil, nil, err
	}
	return r, spec, nil
}

func newIndexExplainCmd() *cobra.Command {
	var area, format string
	var runID int64
	cmd := &cobra.Command{
		Use:   "explain --area ID",
		Short: "Explain an area's score, tier and thresholds (latest run by default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if area == "" {
				return budget.Errorf(budget.EINVALID, "explain needs --area ID (a census tract id such as 6037204920)")
			}
			return withStore(func(s *duckdb.Store) error {
				r, spec, err := runFor(s, runID)
				if err != nil {
					return err
				}
				e, ok := need.ExplainRun(r, spec, area)
				if !ok && runID == 0 {
					// not in the latest run: the most recent run that has it
					latest := r
					if runs, err := s.Runs(context.Background()); err == nil {
						for i := len(runs) - 2; i >= 0 && !ok; i-- {
							if r2, s2, err := runFor(s, runs[i].ID); err == nil {
								if e, ok = need.ExplainRun(r2, s2, area); ok {
									r = r2
								}
							}
						}
					}
					if ok {
						fmt.Fprintf(cmd.ErrOrStderr(), "area %s is not in the latest run %d (%s); explaining run %d (%s)\n", area, latest.ID, latest.Spec, r.ID, r.Spec)
					}
				}
				if !ok {
					return budget.Errorf(budget.ENOTFOUND, "area %q is not in run %d (%s) nor any earlier run; check the id (tract GEOIDs, leading zeros optional)", area, r.ID, r.Spec)
				}
				return printExplanation(cmd.OutOrStdout(), r, e, format)
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
		return writeJSON(w, e)
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

func newIndexSensitivityCmd() *cobra.Command {
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
			if runs < 1 {
				return budget.Errorf(budget.EINVALID, "--runs %d: give a positive number of Monte Carlo runs (1000 is usual)", runs)
			}
			return withStore(func(s *duckdb.Store) error {
				r, spec, err := runFor(s, runID)
				if err != nil {
					return err
				}
				if runID == 0 && spec.Method != "composite" {
					// thresholds have no weights to vary: use the latest
					// composite run instead, and say so
					if r2, s2, ok := latestComposite(s); ok {
						fmt.Fprintf(cmd.ErrOrStderr(), "latest run %d (%s) uses thresholds; analysing run %d (%s), the latest composite index\n", r.ID, r.Spec, r2.ID, r2.Spec)
						r, spec = r2, s2
					}
				}
				var alts []string
				if norms == "" {
					alts = []string{"percentile", "zscore", "minmax"}
					if spec.Combine == "product" || spec.Combine == "geometric" {
						alts = []string{"percentile", "minmax", "rank"} // positive values only
					}
				} else {
					alts = strings.Split(norms, ",")
				}
				res, err := need.Sensitivity(need.InputFromRun(r, spec), need.SensitivityOptions{Runs: runs, Seed: seed, Concentration: conc, Normalisations: alts, LeaveOneOut: loo, MOE: moe})
				if err != nil {
					return err
				}
				if out != "" {
					if err := writeSensitivityCSV(out, res); err != nil {
						return err
					}
				}
				return printSensitivity(cmd.OutOrStdout(), r, res, format, show)
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
	f, err := createOutput(path, "--out")
	if err != nil {
		return err
	}
	defer f.Close()
	cw := csv.NewWriter(f)
	cw.Write([]string{"area_id", "base_rank", "rank_p05", "rank_median", "rank_p95", "p_top_tier"})
	for _, a := range res.Areas {
		cw.Write([]string{a.ID, strconv.Itoa(a.BaseRank), ff(a.P05), ff(a.Median), ff(a.P95), ff(a.TopShare)})
	}
	cw.Flush()
	return cw.Error()
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
		return writeJSON(w, struct {
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

func newIndexCompareCmd() *cobra.Command {
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
			return withStore(func(s *duckdb.Store) error {
				a, sa, err := runFor(s, ids[0])
				if err != nil {
					return err
				}
				b, sb, err := runFor(s, ids[1])
				if err != nil {
					return err
				}
				if area != "" {
					return compareArea(cmd.OutOrStdout(), a, sa, b, sb, area)
				}
				c := need.Compare(a, b)
				return printComparison(cmd.OutOrStdout(), a, b, c, format, show)
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
		return writeJSON(w, c)
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

func newIndexRunsCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List stored index runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(func(s *duckdb.Store) error {
				runs, err := s.Runs(context.Background())
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				switch format {
				case "json":
					return writeJSON(w, runs)
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

func newIndexPresetsCmd() *cobra.Command {
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
				return writeJSON(w, list)
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
				return writeAligned(w, rows, nil)
			}
			return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
		},
	}
	addFormatFlag(cmd, &format)
	return cmd
}

func newIndexSpecCmd() *cobra.Command {
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

func newIndexAggregateCmd() *cobra.Command {
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
			var cw map[string][]need.Link
			var err error
			switch {
			case crosswalk != "":
				cw, err = readCrosswalk(crosswalk, from, to, frac)
			case smallLayer != "" && largeLayer != "":
				var sl, ll *geo.Layer
				if sl, _, err = geo.ReadFile(smallLayer, geo.ImportOptions{IDField: smallID}); err != nil {
					return err
				}
				if ll, _, err = geo.ReadFile(largeLayer, geo.ImportOptions{IDField: largeID}); err != nil {
					return err
				}
				cw = need.CrosswalkFromLayers(sl, ll)
			default:
				return budget.Errorf(budget.EINVALID, "aggregate needs --crosswalk FILE (columns: %s, %s, %s), or --from-layer and --to-layer polygon files", from, to, frac)
			}
			if err != nil {
				return err
			}
			return withStore(func(s *duckdb.Store) error {
				r, _, err := runFor(s, runID)
				if err != nil {
					return err
				}
				agg, missing := need.AggregateRun(r, cw)
				w := cmd.OutOrStdout()
				if format == "json" {
					return writeJSON(w, struct {
						Areas   []need.Aggregate `json:"areas"`
						Missing []string         `json:"not_in_crosswalk"`
					}{agg, missing})
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				top := r.TopTier
				fmt.Fprintf(tw, "area\tpopulation\tscore\tsmall areas\tshare in %q\n", top)
				for _, g := range agg {
					fmt.Fprintf(tw, "%s\t%.0f\t%s\t%d\t%.3f\n", g.ID, g.Population, ff(g.Score), g.Areas, g.TierShares[top])
				}
				tw.Flush()
				if len(missing) > 0 {
					fmt.Fprintf(w, "%d areas of the run are not in the crosswalk (e.g. %s)\n", len(missing), missing[0])
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

func readCrosswalk(path, from, to, frac string) (map[string][]need.Link, error) {
	f, err := openInput(path, "--crosswalk")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, &budget.InputError{File: path, Line: 1, Expected: "a header row"}
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(need.NormaliseHeading(h))] = i
	}
	fi, ok1 := col[strings.ToLower(from)]
	ti, ok2 := col[strings.ToLower(to)]
	if !ok1 || !ok2 {
		return nil, &budget.InputError{File: path, Line: 1, Expected: fmt.Sprintf("columns %q and %q (name them with --from and --to)", from, to)}
	}
	xi, hasFrac := col[strings.ToLower(frac)]
	out := map[string][]need.Link{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &budget.InputError{File: path, Line: line, Expected: "a well-formed CSV record: " + err.Error()}
		}
		x := 1.0
		if hasFrac {
			x, err = strconv.ParseFloat(strings.TrimSpace(rec[xi]), 64)
			if err != nil || x < 0 || x > 1 {
				return nil, &budget.InputError{File: path, Line: line, Column: head[xi], ColIndex: xi + 1, Field: "fraction", Value: rec[xi], Expected: "a share between 0 and 1"}
			}
		}
		id := strings.TrimSpace(rec[fi])
		out[id] = append(out[id], need.Link{Target: strings.TrimSpace(rec[ti]), Fraction: x})
	}
	return out, nil
}

func newIndexImportCmd() *cobra.Command {
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
			tab, err := need.ReadTable(args[0], need.ReadOptions{IDColumn: idCol, Period: periodFilter(cmd, period)})
			if err != nil {
				return err
			}
			var cols []string
			if columns != "" {
				cols = strings.Split(columns, ",")
			}
			set, skipped, err := need.IndicatorSetFromTable(tab, layer, period, cols)
			if err != nil {
				return err
			}
			if meta != "" {
				if set.Meta, err = need.ReadMeta(meta); err != nil {
					return err
				}
			}
			return withStore(func(s *duckdb.Store) error {
				id, err := s.SaveIndicators(context.Background(), set)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "import %d: %d values for %d areas of layer %s, period %s (sha256 %s)\n", id, len(set.Values), len(tab.Areas), layer, period, tab.Hash[:12])
				coverageNote(s, tab, layer, cmd.ErrOrStderr())
				if len(skipped) > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "skipped %d text columns: %s\n", len(skipped), strings.Join(skipped, ", "))
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

// periodFilter passes --period to the reader only when the user gave it, so
// a long file with one period imports under the default label.
func periodFilter(cmd *cobra.Command, period string) string {
	if cmd.Flags().Changed("period") {
		return period
	}
	return ""
}

// latestComposite finds the most recent run of a composite index.
func latestComposite(s *duckdb.Store) (*need.Run, *need.Spec, bool) {
	runs, err := s.Runs(context.Background())
	if err != nil {
		return nil, nil, false
	}
	for i := len(runs) - 1; i >= 0; i-- {
		r, spec, err := runFor(s, runs[i].ID)
		if err == nil && spec.Method == "composite" {
			return r, spec, true
		}
	}
	return nil, nil, false
}

// rankOrder is the sort key of a rank: 1 first, and 0 (an area without a
// score, hence without a rank) after every ranked area.
func rankOrder(rank int) int {
	if rank == 0 {
		return math.MaxInt
	}
	return rank
}

// coverageNote says on w how many of a table's ids are areas of a stored
// layer, when some are not ("0 of 6 ids in layer tracts").
func coverageNote(s *duckdb.Store, tab *need.Table, layer string, w io.Writer) {
	l, err := s.Layer(context.Background(), layer)
	if err != nil {
		return
	}
	ids := make([]string, len(l.Areas))
	for i, a := range l.Areas {
		ids[i] = a.ID
	}
	if c := tab.Coverage(layer, ids); c.Matched < c.IDs {
		fmt.Fprintf(w, "note: %s; analyze finds only those\n", c)
	}
}
