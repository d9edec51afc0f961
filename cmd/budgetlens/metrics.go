package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/budgetlens/budgetlens/metrics"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newMetricsCmd(e *env) *cobra.Command {
	var o office.MetricsOptions
	var format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Inequality, concentration and spatial statistics of a CSV column",
		Long: `metrics computes distributional statistics of one numeric column of a CSV file:
Gini, Theil T, mean log deviation, GE(2), coefficient of variation, Palma,
S80/S20, Atkinson (0.5, 1, 2), Hoover and Herfindahl; with --rank-by, the
concentration index of the value ranked by that column (Kakwani and regression
standard errors, bootstrap percentile interval); with --group, the Theil and
MLD between/within decomposition. Subcommands moran and lisa compute global
and local Moran's I with a GAL weights file. Formulas and choices: docs/metrics.md.
--in - reads the table from standard input, so analyze can feed it.`,
		Example: `  budgetlens metrics --in areas.csv --value per_capita --weight population
  budgetlens metrics --in areas.csv --value per_capita --weight population --rank-by need_score --reps 2000
  budgetlens analyze --fy 2021-22 --phase adopted --format csv --reps 0 | budgetlens metrics --in - --value per_capita --weight population --format json
  budgetlens metrics moran --in areas.csv --id-column area_id --value per_capita --weights districts.gal`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			var err error
			if o.Limits, err = limits(cmd, limitPairs); err != nil {
				return err
			}
			if o.In == "-" {
				o.In, o.R = stdinName, e.in()
			}
			res, err := office.Metrics(o)
			if err != nil {
				return err
			}
			return writeKeyValues(cmd.OutOrStdout(), e, format, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.In, "in", "", "CSV file with a header row (required; - for standard input)")
	f.StringVar(&o.Value, "value", "", "column holding the values (required)")
	f.StringVar(&o.Weight, "weight", "", "column holding unit weights (for example population)")
	f.StringVar(&o.RankBy, "rank-by", "", "column to rank units by for the concentration index (for example income)")
	f.StringVar(&o.Group, "group", "", "column of group labels for the Theil/MLD decomposition")
	f.StringVar(&o.Bounds, "bounds", "", "low,high bounds of the value for the Erreygers and Wagstaff corrections")
	f.BoolVar(&o.Drop, "drop-missing", false, "leave out rows whose value, weight or rank is missing or not numeric")
	f.IntVar(&o.Reps, "reps", 1000, "bootstrap replicates for the concentration index interval (0 to skip)")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed for the bootstrap")
	f.Float64Var(&o.Level, "level", 0.95, "confidence level of the bootstrap interval")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, &limitPairs, false)
	cmd.AddCommand(newMoranCmd(e), newLisaCmd(e))
	return cmd
}

// num converts NaN/Inf to nil so that JSON stays valid.
func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// writeKeyValues prints a flat result as JSON, a two-column table or CSV.
func writeKeyValues(w io.Writer, e *env, format string, res office.MetricsResult) error {
	if format == "json" {
		return table.WriteJSON(w, res)
	}
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if format == "csv" {
		cw := e.csvWriter(w)
		cw.Write([]string{"metric", "value"})
		for _, k := range keys {
			cw.Write([]string{k, fmt.Sprint(formatValue(res[k]))})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\n", k, formatValue(res[k]))
	}
	return tw.Flush()
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NA"
	case float64:
		return strconv.FormatFloat(x, 'g', 10, 64)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+formatValue(x[k]))
		}
		return strings.Join(parts, " ")
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, formatValue(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		return strings.Join(x, "; ")
	case []map[string]any:
		var parts []string
		for _, e := range x {
			parts = append(parts, formatValue(e["group"])+": T="+formatValue(e["theil_t"]))
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

func addSpatialFlags(cmd *cobra.Command, e *env, o *office.SpatialOptions, format *string, limitPairs *[]string) {
	f := cmd.Flags()
	f.StringVar(&o.In, "in", "", "CSV file with a header row (required; - for standard input)")
	f.StringVar(&o.ID, "id-column", "", "column of area ids matching the GAL file (default: rows are in the GAL file's order)")
	aliasFlag(cmd, "id", "id-column")
	f.StringVar(&o.Value, "value", "", "column holding the values (required)")
	f.StringVar(&o.Weights, "weights", "", "GAL contiguity file (required)")
	f.IntVar(&o.Perms, "permutations", 999, "random permutations for pseudo p-values (0 to skip)")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed for the permutations")
	f.BoolVar(&o.Drop, "drop-missing", false, "leave out areas whose value is missing (their links are removed)")
	addEnumFlag(cmd, &o.Transform, "transform", "r", []string{"r", "b"}, "weights: r (row-standardised) or b (binary)")
	addFormatFlag(cmd, format)
	addDelimiterFlag(cmd, e)
	addLimitFlag(cmd, limitPairs, false)
}

// spatialInput applies the flags every spatial statistic shares.
func spatialInput(cmd *cobra.Command, e *env, o *office.SpatialOptions, format string, limitPairs []string) error {
	if err := e.checkDelimiter(cmd, format); err != nil {
		return err
	}
	var err error
	if o.Limits, err = limits(cmd, limitPairs); err != nil {
		return err
	}
	if o.In == "-" {
		o.In, o.R = stdinName, e.in()
	}
	return nil
}

func newMoranCmd(e *env) *cobra.Command {
	var o office.SpatialOptions
	var format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "moran",
		Short: "Global Moran's I with analytic and permutation inference",
		Example: `  budgetlens geo adjacency --layer districts --out districts.gal
  budgetlens metrics moran --in areas.csv --id-column area_id --value per_capita --weights districts.gal --permutations 9999`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := spatialInput(cmd, e, &o, format, limitPairs); err != nil {
				return err
			}
			res, err := office.Moran(o)
			if err != nil {
				return err
			}
			return writeKeyValues(cmd.OutOrStdout(), e, format, res)
		},
	}
	addSpatialFlags(cmd, e, &o, &format, &limitPairs)
	return cmd
}

func newLisaCmd(e *env) *cobra.Command {
	var o office.SpatialOptions
	var format string
	var limitPairs []string
	cmd := &cobra.Command{
		Use:   "lisa",
		Short: "Local Moran's I per area with permutation p-values and cluster labels",
		Example: `  budgetlens metrics lisa --in areas.csv --id-column area_id --value per_capita --weights districts.gal
  budgetlens metrics lisa --in areas.csv --id-column area_id --value per_capita --weights districts.gal --fdr --format csv > lisa.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := spatialInput(cmd, e, &o, format, limitPairs); err != nil {
				return err
			}
			r, err := office.LISA(o)
			if err != nil {
				return err
			}
			return writeLisa(cmd.OutOrStdout(), e, format, r.IDs, r.Values, r.LocalMoranResult)
		},
	}
	addSpatialFlags(cmd, e, &o, &format, &limitPairs)
	cmd.Flags().Float64Var(&o.Alpha, "alpha", 0.05, "significance level for cluster labels")
	cmd.Flags().BoolVar(&o.FDR, "fdr", false, "use the Benjamini-Hochberg false discovery rate at --alpha")
	return cmd
}

func writeLisa(w io.Writer, e *env, format string, ids []string, x []float64, r metrics.LocalMoranResult) error {
	head := []string{"id", "value", "local_i", "p_value", "quadrant", "cluster", "significant"}
	row := func(i int) []string {
		return []string{ids[i], strconv.FormatFloat(x[i], 'g', -1, 64), strconv.FormatFloat(r.I[i], 'g', 10, 64),
			formatValue(num(r.PSim[i])), r.Quadrant[i], r.Cluster[i], strconv.FormatBool(r.Significant[i])}
	}
	switch format {
	case "json":
		rows := make([]map[string]any, len(ids))
		for i := range ids {
			rows[i] = map[string]any{"id": ids[i], "value": x[i], "local_i": r.I[i], "p_value": num(r.PSim[i]),
				"quadrant": r.Quadrant[i], "cluster": r.Cluster[i], "significant": r.Significant[i]}
		}
		return table.WriteJSON(w, map[string]any{"n": len(ids), "permutations": r.Perms, "seed": r.Seed, "threshold": r.Threshold, "areas": rows})
	case "csv":
		cw := e.csvWriter(w)
		cw.Write(head)
		for i := range ids {
			cw.Write(row(i))
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i := range ids {
		fmt.Fprintln(tw, strings.Join(row(i), "\t"))
	}
	return tw.Flush()
}
