package office

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/budgetlens/budgetlens/metrics"
)

// metricsTable is a CSV file read as columns, with the file line of each row.
type metricsTable struct {
	file    string
	headers []string
	rows    [][]string
	lines   []int // file line of each row (header is its own line)
}

// readMetricsCSV reads a CSV file with a header row (from r when it is
// not nil, named path in messages) through internal/tabular: any
// delimiter and encoding, within lim. Fields are trimmed. A first line made
// only of two integers (the GeoDa ".txt" header "n,k") is skipped.
func readMetricsCSV(path string, r io.Reader, lim tabular.Limits) (*metricsTable, error) {
	if r == nil {
		f, err := openCSVInput(path, "--in")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	// a GeoDa header ("n,k" on the first line) is skipped before the
	// reader looks for the header
	br := bufio.NewReaderSize(r, 4096)
	first, _ := br.Peek(4096)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	skip := 0
	if geodaHeader(strings.Split(strings.TrimSpace(strings.TrimPrefix(string(first), "\ufeff")), ",")) {
		skip = 1
	}
	cr, err := tabular.NewCSVReader(br, tabular.Options{File: path, Limits: lim, SkipRows: skip})
	if err != nil {
		return nil, err
	}
	t := &metricsTable{file: path, headers: trimAll(cr.Header().Names)}
	for {
		line, rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rec = trimAll(rec)
		if len(rec) > len(t.headers) {
			return nil, &budget.InputError{File: path, Line: line, Value: fmt.Sprintf("%d fields", len(rec)), Expected: fmt.Sprintf("%d fields, as in the header", len(t.headers))}
		}
		for len(rec) < len(t.headers) {
			rec = append(rec, "") // the reader drops empty trailing cells
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	return t, nil
}

// trimAll returns the cells trimmed of white space (a copy: the reader
// reuses its slice).
func trimAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(c)
	}
	return out
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

// MetricsOptions say which columns of a CSV table to measure.
type MetricsOptions struct {
	In     string    // CSV file with a header row (named so in messages)
	R      io.Reader // when set, the table is read from R instead of the file In
	Limits Limits    // bound the reader
	Value  string    // column of the values
	Weight string    // column of unit weights (population), optional
	RankBy string    // column to rank units by for the concentration index, optional
	Group  string    // column of group labels for the Theil/MLD decomposition, optional
	Bounds string    // "low,high" bounds of the value (Erreygers and Wagstaff corrections)
	// Drop leaves out rows whose value, weight or rank is missing.
	Drop  bool
	Reps  int     // bootstrap replicates of the concentration index (0: none)
	Seed  uint64  // of the bootstrap
	Level float64 // confidence level of the bootstrap interval
}

// MetricsResult maps each measure to its value (a number, nil when it
// cannot be computed, or a nested map or list); "warnings" lists why.
type MetricsResult map[string]any

// Metrics computes the distributional statistics of one column of a CSV
// table: Gini, Theil T, MLD, GE(2), CV, Palma, S80/S20, Hoover, Herfindahl
// and Atkinson; with RankBy, the concentration index (Kakwani and
// regression standard errors, bootstrap interval); with Group, the
// Theil/MLD between/within decomposition. A measure that cannot be
// computed is nil with the reason in "warnings", naming the file line.
func Metrics(o MetricsOptions) (MetricsResult, error) {
	if o.In == "" || o.Value == "" {
		return nil, budget.Errorf(budget.EINVALID, "--in and --value are required")
	}
	if o.Reps < 0 {
		return nil, budget.Errorf(budget.EINVALID, "--reps %d: give 0 (no bootstrap) or a positive number of replicates", o.Reps)
	}
	t, err := readMetricsCSV(o.In, o.R, o.Limits.Table)
	if err != nil {
		return nil, err
	}
	cols, kept, err := t.columns(o.Drop, map[string]string{"--value": o.Value, "--weight": o.Weight, "--rank-by": o.RankBy})
	if err != nil {
		return nil, err
	}
	vectors := map[string]string{"x": o.Value, "w": o.Weight, "weights": o.Weight}
	x, wt := cols["--value"], cols["--weight"]
	res := MetricsResult{"n": len(x)}
	var warnings []string
	put := func(key string, v float64, err error) {
		if err != nil {
			res[key] = nil
			warnings = append(warnings, key+": "+t.place(err, kept, vectors))
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
			warnings = append(warnings, "atkinson "+e+": "+t.place(err, kept, vectors))
		} else {
			atk[e] = a
		}
	}
	res["atkinson"] = atk
	if o.RankBy != "" {
		if err := concentrationKeys(res, x, cols["--rank-by"], wt, o); err != nil {
			return nil, err
		}
	}
	if o.Group != "" {
		gc, err := t.col(o.Group, "--group")
		if err != nil {
			return nil, err
		}
		groups := make([]string, len(kept))
		for k, r := range kept {
			groups[k] = t.rows[r][gc]
		}
		for _, w := range decompKeys(res, x, wt, groups) {
			warnings = append(warnings, t.place(w, kept, vectors))
		}
	}
	if warnings != nil {
		res["warnings"] = warnings
	}
	return res, nil
}

// place describes err, naming for a metrics.ValueError the file line and
// column the value came from ("the value on line 5, column \"per_capita\"")
// instead of its position in the vectors; kept maps the vectors' units back
// to table rows, cols names the column of each vector.
func (t *metricsTable) place(err error, kept []int, cols map[string]string) string {
	var ve *metrics.ValueError
	if !errors.As(err, &ve) || ve.Index >= len(kept) || kept[ve.Index] >= len(t.lines) {
		return err.Error()
	}
	where := fmt.Sprintf("line %d", t.lines[kept[ve.Index]])
	if c := cols[ve.Vector]; c != "" {
		where += fmt.Sprintf(", column %q", c)
	}
	return fmt.Sprintf("metrics: the value on %s is %v: %s", where, ve.Value, ve.Why)
}

func concentrationKeys(res MetricsResult, y, rank, wt []float64, o MetricsOptions) error {
	c, err := metrics.ConcentrationIndex(y, rank, wt)
	if err != nil {
		return err
	}
	res["concentration_index"] = num(c.Index)
	res["concentration_index_se"] = num(c.SEDelta)
	res["concentration_index_se_regression"] = num(c.SERegression)
	res["concentration_index_se_regression_delta"] = num(c.SERegressionDelta)
	if o.Reps > 0 {
		iv, err := metrics.BootstrapCI(y, rank, wt, o.Reps, o.Seed, o.Level)
		if err != nil {
			return err
		}
		res["concentration_index_ci"] = []any{num(iv.Low), num(iv.High)}
		res["concentration_index_bootstrap"] = map[string]any{"reps": iv.Reps, "seed": iv.Seed, "level": iv.Level, "se": num(iv.SE)}
	}
	if o.Bounds != "" {
		parts := strings.Split(o.Bounds, ",")
		var lo, hi float64
		var e1, e2 error
		if len(parts) == 2 {
			lo, e1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
			hi, e2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		}
		if len(parts) != 2 || e1 != nil || e2 != nil {
			return budget.Errorf(budget.EINVALID, "--bounds %q: give low,high, for example --bounds 0,1", o.Bounds)
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

func decompKeys(res MetricsResult, x, wt []float64, groups []string) (warnings []error) {
	for _, d := range []struct {
		key   string
		alpha float64
	}{{"theil_t", 1}, {"mld", 0}} {
		dec, err := metrics.GEDecomposition(x, wt, groups, d.alpha)
		if err != nil {
			res[d.key+"_between"], res[d.key+"_within"] = nil, nil
			warnings = append(warnings, fmt.Errorf("%s decomposition: %w", d.key, err))
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
	return warnings
}

// SpatialOptions say which column of a CSV table to test for spatial
// autocorrelation with which GAL contiguity.
type SpatialOptions struct {
	In        string    // CSV file with a header row (named so in messages)
	R         io.Reader // when set, the table is read from R instead of the file In
	Limits    Limits    // bound the reader
	ID        string    // column of area ids matching the GAL file ("": rows in the GAL's order)
	Value     string    // column of the values
	Weights   string    // GAL contiguity file
	Transform string    // r (row-standardised) or b (binary)
	Perms     int       // permutations for pseudo p-values (0: none)
	Seed      uint64    // of the permutations
	Drop      bool      // leave out areas whose value is missing (their links removed)
	Alpha     float64   // significance level of LISA cluster labels
	FDR       bool      // Benjamini-Hochberg false discovery rate at Alpha
}

// loadSpatial reads the values and the weights aligned to the data's rows.
func loadSpatial(o SpatialOptions) ([]float64, *metrics.Weights, error) {
	if o.In == "" || o.Value == "" || o.Weights == "" {
		return nil, nil, budget.Errorf(budget.EINVALID, "--in, --value and --weights are required")
	}
	if o.Perms < 0 {
		return nil, nil, budget.Errorf(budget.EINVALID, "--permutations %d: give 0 (no permutation test) or a positive number", o.Perms)
	}
	t, err := readMetricsCSV(o.In, o.R, o.Limits.Table)
	if err != nil {
		return nil, nil, err
	}
	gf, err := openInput(o.Weights, "--weights")
	if err != nil {
		return nil, nil, err
	}
	defer gf.Close()
	W, err := metrics.ParseGAL(gf, o.Weights)
	if err != nil {
		return nil, nil, err
	}
	if o.ID != "" {
		c, err := t.col(o.ID, "--id-column")
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
		return nil, nil, budget.Errorf(budget.EINVALID, "%s has %d areas but %s has %d rows: give --id to match them by id", o.Weights, W.N(), o.In, len(t.rows))
	}
	if W, err = W.Transformed(o.Transform); err != nil {
		return nil, nil, err
	}
	cols, kept, err := t.columns(o.Drop, map[string]string{"--value": o.Value})
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

// Moran computes global Moran's I with analytic and permutation inference.
func Moran(o SpatialOptions) (MetricsResult, error) {
	x, W, err := loadSpatial(o)
	if err != nil {
		return nil, err
	}
	m, err := metrics.MoranI(x, W, o.Perms, o.Seed)
	if err != nil {
		return nil, err
	}
	res := MetricsResult{"n": m.N, "I": m.I, "expected": m.Expected, "variance_normal": m.VarNormal,
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
	return res, nil
}

// LISAResult is local Moran's I per area.
type LISAResult struct {
	IDs    []string
	Values []float64
	metrics.LocalMoranResult
}

// LISA computes local Moran's I per area with permutation p-values and
// cluster labels.
func LISA(o SpatialOptions) (*LISAResult, error) {
	x, W, err := loadSpatial(o)
	if err != nil {
		return nil, err
	}
	r, err := metrics.LocalMoran(x, W, metrics.LocalOptions{Permutations: o.Perms, Seed: o.Seed, Alpha: o.Alpha, FDR: o.FDR})
	if err != nil {
		return nil, err
	}
	return &LISAResult{IDs: W.IDs, Values: x, LocalMoranResult: r}, nil
}
