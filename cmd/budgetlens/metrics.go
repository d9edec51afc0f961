package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/metrics"
	"github.com/spf13/cobra"
)

// metricsTable is a CSV file read as columns, with the file line of each row.
type metricsTable struct {
	file    string
	headers []string
	rows    [][]string
	lines   []int // file line of each row (header is its own line)
}

// readMetricsCSV reads a comma-separated file with a header row. Fields are
// trimmed. A first line made only of integers (the GeoDa ".txt" header
// "n,k") is skipped.
func readMetricsCSV(path string) (*metricsTable, error) {
	f, err := openCSVInput(path, "--in")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	t := &metricsTable{file: path}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &budget.InputError{File: path, Line: pe.Line, ColIndex: pe.Column, Expected: "valid CSV: " + pe.Err.Error()}
			}
			return nil, err
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if t.headers == nil {
			rec[0] = trimBOMString(rec[0])
			if geodaHeader(rec) {
				continue
			}
			t.headers = rec
			continue
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if len(rec) != len(t.headers) {
			return nil, &budget.InputError{File: path, Line: line, Value: fmt.Sprintf("%d fields", len(rec)), Expected: fmt.Sprintf("%d fields, as in the header", len(t.headers))}
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if t.headers == nil {
		return nil, &budget.InputError{File: path, Line: 1, Expected: "a header row naming the columns (the file is empty)"}
	}
	return t, nil
}

func geodaHeader(rec []string) bool {
	if len(rec) != 2 {
		return false
	}
	for _, v := range rec {
		if _, err := strconv.Atoi(v); err != nil {
			return false
		}
	}
	return true
}

// col returns the index of a column, or an error listing the headers.
func (t *metricsTable) col(name, flag string) (int, error) {
	for i, h := range t.headers {
		if h == name {
			return i, nil
		}
	}
	return 0, budget.Errorf(budget.EINVALID, "%s: no column %q (given by %s); the columns are: %s", t.file, name, flag, strings.Join(t.headers, ", "))
}

// numeric parses column c of row r, returning an InputError when it is
// missing or not a finite number.
func (t *metricsTable) numeric(r, c int, field string) (float64, error) {
	s := t.rows[r][c]
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, &budget.InputError{File: t.file, Line: t.lines[r], Column: t.headers[c], ColIndex: c + 1, Field: field, Value: s,
			Expected: "a finite number (fix the value, or pass --drop-missing to leave the row out)"}
	}
	return v, nil
}

// columns parses the named numeric columns (empty name = absent). Rows with
// a missing or non-numeric value in any of them are an error unless drop,
// in which case they are left out; kept lists the kept row numbers.
func (t *metricsTable) columns(drop bool, names map[string]string) (map[string][]float64, []int, error) {
	idx := map[string]int{}
	for flag, name := range names {
		if name == "" {
			continue
		}
		c, err := t.col(name, flag)
		if err != nil {
			return nil, nil, err
		}
		idx[flag] = c
	}
	out := map[string][]float64{}
	var kept []int
	flags := make([]string, 0, len(idx))
	for f := range idx {
		flags = append(flags, f)
	}
	sort.Strings(flags)
rows:
	for r := range t.rows {
		vals := map[string]float64{}
		for _, flag := range flags {
			v, err := t.numeric(r, idx[flag], strings.TrimPrefix(flag, "--"))
			if err != nil {
				if drop {
					continue rows
				}
				return nil, nil, err
			}
			vals[flag] = v
		}
		for flag, v := range vals {
			out[flag] = append(out[flag], v)
		}
		kept = append(kept, r)
	}
	if len(kept) == 0 {
		return nil, nil, budget.Errorf(budget.EINVALID, "%s: no rows with numeric values left", t.file)
	}
	return out, kept, nil
}

// num converts NaN/Inf to nil so that JSON stays valid.
func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

type metricsOpts struct {
	in, value, weight, rankBy, group, format, bounds string
	drop                                             bool
	reps                                             int
	seed                                             uint64
	level                                            float64
}

func newMetricsCmd(e *env) *cobra.Command {
	var o metricsOpts
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Inequality, concentration and spatial statistics of a CSV column",
		Long: `metrics computes distributional statistics of one numeric column of a CSV file:
Gini, Theil T, mean log deviation, GE(2), coefficient of variation, Palma,
S80/S20, Atkinson (0.5, 1, 2), Hoover and Herfindahl; with --rank-by, the
concentration index of the value ranked by that column (Kakwani and regression
standard errors, bootstrap percentile interval); with --group, the Theil and
MLD between/within decomposition. Subcommands moran and lisa compute global
and local Moran's I with a GAL weights file. Formulas and choices: docs/metrics.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runMetrics(cmd.OutOrStdout(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.in, "in", "", "CSV file with a header row (required)")
	f.StringVar(&o.value, "value", "", "column holding the values (required)")
	f.StringVar(&o.weight, "weight", "", "column holding unit weights (for example population)")
	f.StringVar(&o.rankBy, "rank-by", "", "column to rank units by for the concentration index (for example income)")
	f.StringVar(&o.group, "group", "", "column of group labels for the Theil/MLD decomposition")
	f.StringVar(&o.bounds, "bounds", "", "low,high bounds of the value for the Erreygers and Wagstaff corrections")
	f.BoolVar(&o.drop, "drop-missing", false, "leave out rows whose value, weight or rank is missing or not numeric")
	f.IntVar(&o.reps, "reps", 1000, "bootstrap replicates for the concentration index interval (0 to skip)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed for the bootstrap")
	f.Float64Var(&o.level, "level", 0.95, "confidence level of the bootstrap interval")
	addFormatFlag(cmd, &o.format)
	cmd.AddCommand(newMoranCmd(e), newLisaCmd(e))
	return cmd
}

func checkFormat(format string) error {
	switch format {
	case "table", "json", "csv":
		return nil
	}
	return budget.Errorf(budget.EINVALID, "unknown --format %q: use table, json or csv", format)
}

func runMetrics(w io.Writer, o metricsOpts) error {
	if o.in == "" || o.value == "" {
		return budget.Errorf(budget.EINVALID, "--in and --value are required")
	}
	if o.reps < 0 {
		return budget.Errorf(budget.EINVALID, "--reps %d: give 0 (no bootstrap) or a positive number of replicates", o.reps)
	}
	if err := checkFormat(o.format); err != nil {
		return err
	}
	t, err := readMetricsCSV(o.in)
	if err != nil {
		return err
	}
	cols, kept, err := t.columns(o.drop, map[string]string{"--value": o.value, "--weight": o.weight, "--rank-by": o.rankBy})
	if err != nil {
		return err
	}
	x, wt := cols["--value"], cols["--weight"]
	res := map[string]any{"n": len(x)}
	var warnings []string
	put := func(key string, v float64, err error) {
		if err != nil {
			res[key] = nil
			warnings = append(warnings, key+": "+err.Error())
			return
		}
		res[key] = num(v)
	}
	g, err := metrics.Gini(x, wt, metrics.GiniOptions{})
	put("gini", g, err)
	g, err = metrics.Theil(x, wt)
	put("theil_t", g, err)
	g, err = metrics.MeanLogDeviation(x, wt)
	put("mld", g, err)
	g, err = metrics.GeneralizedEntropy(x, wt, 2)
	put("ge2", g, err)
	g, err = metrics.CoefficientOfVariation(x, wt, metrics.CVOptions{})
	put("cv", g, err)
	g, err = metrics.Palma(x, wt)
	put("palma", g, err)
	g, err = metrics.S80S20(x, wt)
	put("s80_s20", g, err)
	g, err = metrics.Hoover(x, wt)
	put("hoover", g, err)
	g, err = metrics.Herfindahl(x)
	put("herfindahl", g, err)
	atk := map[string]any{}
	for _, e := range []string{"0.5", "1", "2"} {
		eps, _ := strconv.ParseFloat(e, 64)
		a, err := metrics.Atkinson(x, wt, eps)
		if err != nil {
			atk[e] = nil
			warnings = append(warnings, "atkinson "+e+": "+err.Error())
		} else {
			atk[e] = a
		}
	}
	res["atkinson"] = atk
	if o.rankBy != "" {
		if err := concentrationKeys(res, x, cols["--rank-by"], wt, o); err != nil {
			return err
		}
	}
	if o.group != "" {
		gc, err := t.col(o.group, "--group")
		if err != nil {
			return err
		}
		groups := make([]string, len(kept))
		for k, r := range kept {
			groups[k] = t.rows[r][gc]
		}
		decompKeys(res, x, wt, groups, &warnings)
	}
	for i := range warnings {
		warnings[i] = t.place(warnings[i], kept, map[string]string{"x": o.value, "w": o.weight, "weights": o.weight})
	}
	if warnings != nil {
		res["warnings"] = warnings
	}
	return writeKeyValues(w, o.format, res)
}

// unitIndex matches the metrics package's "x[3]" (the 0-based index of a
// unit in the vectors it was given).
var unitIndex = regexp.MustCompile(`\b(x|w|weights)\[(\d+)\]`)

// place rewrites "x[3]" in a metrics message as the file line and column
// the value came from ("line 5, column \"per_capita\""), kept mapping the
// vectors' units back to table rows; cols names the column of each vector.
func (t *metricsTable) place(msg string, kept []int, cols map[string]string) string {
	return unitIndex.ReplaceAllStringFunc(msg, func(m string) string {
		sub := unitIndex.FindStringSubmatch(m)
		i, err := strconv.Atoi(sub[2])
		if err != nil || i >= len(kept) || kept[i] >= len(t.lines) {
			return m
		}
		where := fmt.Sprintf("line %d", t.lines[kept[i]])
		if c := cols[sub[1]]; c != "" {
			where += fmt.Sprintf(", column %q", c)
		}
		return "the value on " + where
	})
}

func concentrationKeys(res map[string]any, y, rank, wt []float64, o metricsOpts) error {
	c, err := metrics.ConcentrationIndex(y, rank, wt)
	if err != nil {
		return err
	}
	res["concentration_index"] = num(c.Index)
	res["concentration_index_se"] = num(c.SEDelta)
	res["concentration_index_se_regression"] = num(c.SERegression)
	res["concentration_index_se_regression_delta"] = num(c.SERegressionDelta)
	if o.reps > 0 {
		iv, err := metrics.BootstrapCI(y, rank, wt, o.reps, o.seed, o.level)
		if err != nil {
			return err
		}
		res["concentration_index_ci"] = []any{num(iv.Low), num(iv.High)}
		res["concentration_index_bootstrap"] = map[string]any{"reps": iv.Reps, "seed": iv.Seed, "level": iv.Level, "se": num(iv.SE)}
	}
	if o.bounds != "" {
		parts := strings.Split(o.bounds, ",")
		var lo, hi float64
		var e1, e2 error
		if len(parts) == 2 {
			lo, e1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
			hi, e2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		}
		if len(parts) != 2 || e1 != nil || e2 != nil {
			return budget.Errorf(budget.EINVALID, "--bounds %q: give low,high, for example --bounds 0,1", o.bounds)
		}
		er, err := c.Erreygers(lo, hi)
		if err != nil {
			return err
		}
		wg, err := c.Wagstaff(lo, hi)
		if err != nil {
			return err
		}
		res["erreygers_index"], res["wagstaff_index"] = num(er.Index), num(wg.Index)
	}
	return nil
}

func decompKeys(res map[string]any, x, wt []float64, groups []string, warnings *[]string) {
	for _, d := range []struct {
		key   string
		alpha float64
	}{{"theil_t", 1}, {"mld", 0}} {
		dec, err := metrics.GEDecomposition(x, wt, groups, d.alpha)
		if err != nil {
			res[d.key+"_between"], res[d.key+"_within"] = nil, nil
			*warnings = append(*warnings, d.key+" decomposition: "+err.Error())
			continue
		}
		res[d.key+"_between"], res[d.key+"_within"] = num(dec.Between), num(dec.Within)
		if d.alpha == 1 {
			var gs []map[string]any
			for _, g := range dec.Groups {
				gs = append(gs, map[string]any{"group": g.Group, "pop_share": num(g.PopShare), "income_share": num(g.IncomeShare),
					"mean": num(g.Mean), "theil_t": num(g.Index), "within": num(g.Within)})
			}
			res["groups"] = gs
		}
	}
}

// writeKeyValues prints a flat result as JSON, a two-column table or CSV.
func writeKeyValues(w io.Writer, format string, res map[string]any) error {
	if format == "json" {
		return writeJSON(w, res)
	}
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if format == "csv" {
		cw := csv.NewWriter(w)
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

type spatialOpts struct {
	in, id, value, weights, transform, format string
	perms                                     int
	seed                                      uint64
	drop, fdr                                 bool
	alpha                                     float64
}

func addSpatialFlags(cmd *cobra.Command, o *spatialOpts) {
	f := cmd.Flags()
	f.StringVar(&o.in, "in", "", "CSV file with a header row (required)")
	f.StringVar(&o.id, "id", "", "column of area ids matching the GAL file (default: rows are in the GAL file's order)")
	f.StringVar(&o.value, "value", "", "column holding the values (required)")
	f.StringVar(&o.weights, "weights", "", "GAL contiguity file (required)")
	f.StringVar(&o.transform, "transform", "r", "weights: r (row-standardised) or b (binary)")
	f.IntVar(&o.perms, "permutations", 999, "random permutations for pseudo p-values (0 to skip)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed for the permutations")
	f.BoolVar(&o.drop, "drop-missing", false, "leave out areas whose value is missing (their links are removed)")
	addFormatFlag(cmd, &o.format)
}

// loadSpatial reads the values and the weights aligned to the data's rows.
func loadSpatial(o spatialOpts) ([]float64, *metrics.Weights, error) {
	if o.in == "" || o.value == "" || o.weights == "" {
		return nil, nil, budget.Errorf(budget.EINVALID, "--in, --value and --weights are required")
	}
	if o.perms < 0 {
		return nil, nil, budget.Errorf(budget.EINVALID, "--permutations %d: give 0 (no permutation test) or a positive number", o.perms)
	}
	if err := checkFormat(o.format); err != nil {
		return nil, nil, err
	}
	t, err := readMetricsCSV(o.in)
	if err != nil {
		return nil, nil, err
	}
	gf, err := openInput(o.weights, "--weights")
	if err != nil {
		return nil, nil, err
	}
	defer gf.Close()
	W, err := metrics.ParseGAL(gf, o.weights)
	if err != nil {
		return nil, nil, err
	}
	if o.id != "" {
		c, err := t.col(o.id, "--id")
		if err != nil {
			return nil, nil, err
		}
		ids := make([]string, len(t.rows))
		for r := range t.rows {
			ids[r] = t.rows[r][c]
		}
		if W, err = W.Align(ids); err != nil {
			return nil, nil, err
		}
	} else if W.N() != len(t.rows) {
		return nil, nil, budget.Errorf(budget.EINVALID, "%s has %d areas but %s has %d rows: give --id to match them by id", o.weights, W.N(), o.in, len(t.rows))
	}
	if W, err = W.Transformed(o.transform); err != nil {
		return nil, nil, err
	}
	cols, kept, err := t.columns(o.drop, map[string]string{"--value": o.value})
	if err != nil {
		return nil, nil, err
	}
	if len(kept) < len(t.rows) {
		keep := make([]bool, len(t.rows))
		for _, r := range kept {
			keep[r] = true
		}
		if W, err = W.Subset(keep); err != nil {
			return nil, nil, err
		}
	}
	return cols["--value"], W, nil
}

func newMoranCmd(e *env) *cobra.Command {
	var o spatialOpts
	cmd := &cobra.Command{
		Use:   "moran",
		Short: "Global Moran's I with analytic and permutation inference",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			x, W, err := loadSpatial(o)
			if err != nil {
				return err
			}
			m, err := metrics.MoranI(x, W, o.perms, o.seed)
			if err != nil {
				return err
			}
			res := map[string]any{"n": m.N, "I": m.I, "expected": m.Expected, "variance_normal": m.VarNormal,
				"variance_random": m.VarRandom, "z_normal": num(m.ZNormal), "z_random": num(m.ZRandom),
				"p_normal": num(m.PNormal), "p_random": num(m.PRandom), "p_normal_one_sided": num(m.PNormalOneSided),
				"p_random_one_sided": num(m.PRandomOneSided), "permutations": m.Permutations, "seed": m.Seed,
				"transform": W.Transform, "islands": len(W.Islands())}
			if m.Permutations > 0 {
				res["p_sim"], res["p_sim_greater"] = m.PSim, m.PSimGreater
				res["z_sim"], res["expected_sim"] = num(m.ZSim), m.EISim
			} else {
				res["p_sim"] = nil
			}
			return writeKeyValues(cmd.OutOrStdout(), o.format, res)
		},
	}
	addSpatialFlags(cmd, &o)
	return cmd
}

func newLisaCmd(e *env) *cobra.Command {
	var o spatialOpts
	cmd := &cobra.Command{
		Use:   "lisa",
		Short: "Local Moran's I per area with permutation p-values and cluster labels",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			x, W, err := loadSpatial(o)
			if err != nil {
				return err
			}
			r, err := metrics.LocalMoran(x, W, metrics.LocalOptions{Permutations: o.perms, Seed: o.seed, Alpha: o.alpha, FDR: o.fdr})
			if err != nil {
				return err
			}
			return writeLisa(cmd.OutOrStdout(), o.format, W.IDs, x, r)
		},
	}
	addSpatialFlags(cmd, &o)
	cmd.Flags().Float64Var(&o.alpha, "alpha", 0.05, "significance level for cluster labels")
	cmd.Flags().BoolVar(&o.fdr, "fdr", false, "use the Benjamini-Hochberg false discovery rate at --alpha")
	return cmd
}

func writeLisa(w io.Writer, format string, ids []string, x []float64, r metrics.LocalMoranResult) error {
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
		return writeJSON(w, map[string]any{"n": len(ids), "permutations": r.Perms, "seed": r.Seed, "threshold": r.Threshold, "areas": rows})
	case "csv":
		cw := csv.NewWriter(w)
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
