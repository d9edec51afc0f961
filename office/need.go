package office

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/budgetlens/budgetlens/need"
	"github.com/paulmach/orb"
)

// LoadSpec returns a preset or a spec file (exactly one of them).
func LoadSpec(preset, file string) (*need.Spec, error) {
	switch {
	case preset != "" && file != "":
		return nil, budget.Errorf(budget.EINVALID, "give --preset or --spec, not both")
	case preset != "":
		return need.Preset(preset)
	case file != "":
		b, err := readFile(file, "--spec")
		if err != nil {
			return nil, err
		}
		return need.ParseSpec(file, b)
	}
	return nil, budget.Errorf(budget.EINVALID, "give --preset NAME (one of %s) or --spec FILE.yaml", strings.Join(need.Presets(), ", "))
}

// IndexRunOptions say how to build a need index.
type IndexRunOptions struct {
	Spec *need.Spec
	// Indicators is the indicator table (CSV or XLSX, wide or long) with
	// its area id column (IDColumn, "" to detect); without it the
	// indicators imported for Layer and Period are used.
	Indicators, IDColumn string
	Layer, Period        string
	// UsePublished takes each indicator's percentile from its published
	// column.
	UsePublished bool
	// Neighbours are polygons (GeoJSON, shapefile zip, GeoPackage) whose
	// queen contiguity feeds CEJST's adjacency rule; NeighbourID their id
	// property.
	Neighbours, NeighbourID string
	// Subset keeps only areas with COLUMN=VALUE after computing over all.
	Subset string
	// Out, when set, is checked before anything is stored and receives the
	// run (.csv, .xlsx or .geojson).
	Out string
	// IndicatorsName names Indicators in the run's inputs when it is a
	// copy (of standard input, say); "" for the file's own name.
	IndicatorsName string
	// Geography is the Census geography of the table's ids ("" to infer):
	// their GEOIDs are padded to its width.
	Geography string
	// Limits bound the readers of Indicators and Neighbours.
	Limits Limits
}

// IndexRun is a stored need-index run.
type IndexRun struct {
	Run *need.Run
	// Note says when Layer names no stored layer (analyze places a run
	// through a stored layer of that name).
	Note string
}

// RunIndex computes an index, stores the run and writes it to Out.
func (o *Office) RunIndex(ctx context.Context, opt IndexRunOptions) (*IndexRun, error) {
	tab, err := o.indicatorTable(ctx, opt)
	if err != nil {
		return nil, err
	}
	nopt := need.Options{UsePublished: opt.UsePublished}
	if opt.IndicatorsName != "" && opt.Indicators != "" {
		tab.File = opt.IndicatorsName
	}
	inputs := []need.Input{{Role: "indicators", File: tab.File, Hash: tab.Hash}}
	var polys map[string]orb.Geometry
	if opt.Neighbours != "" {
		if err := checkInput(opt.Neighbours, "--neighbours"); err != nil {
			return nil, err
		}
		l, _, err := geo.ReadFile(opt.Neighbours, geo.ImportOptions{IDField: opt.NeighbourID, Limits: opt.Limits.Geo, TableLimits: opt.Limits.Table})
		if err != nil {
			return nil, err
		}
		nopt.Neighbours, polys = neighboursFor(tab, l, geo.Adjacency(l, geo.Queen))
		h, err := fileSHA256(opt.Neighbours, "--neighbours")
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, need.Input{Role: "neighbours", File: opt.Neighbours, Hash: h})
	}
	res, err := need.Compute(opt.Spec, tab, nopt)
	if err != nil {
		return nil, err
	}
	if opt.Subset != "" {
		if err := subset(tab, res, opt.Subset); err != nil {
			return nil, err
		}
	}
	if opt.Out != "" {
		if err := CheckOutput(opt.Out, "--out"); err != nil {
			return nil, err
		}
	}
	run := need.NewRun(res, inputs, opt.Layer, opt.UsePublished)
	if _, err := o.Store.SaveRun(ctx, run); err != nil {
		return nil, err
	}
	out := &IndexRun{Run: run}
	if opt.Layer != "" && opt.Indicators != "" {
		// --layer only labels the geography; say when analyze will not
		// find it, which is usually a typo
		if _, err := o.Store.Layer(ctx, opt.Layer); budget.ErrorCode(err) == budget.ENOTFOUND {
			out.Note = fmt.Sprintf("the store has no layer %q (have: %s); analyze places a run through a stored layer of that name: import it with budgetlens geo import FILE --layer %s", opt.Layer, o.layerNames(ctx), opt.Layer)
		} else {
			out.Note = o.coverageNote(ctx, tab, opt.Layer)
		}
	}
	if opt.Out != "" {
		geom := need.PointsFromTable(tab)
		if polys != nil {
			geom = func(id string) orb.Geometry { return polys[id] }
		}
		if err := need.WriteFile(opt.Out, run, geom); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (o *Office) indicatorTable(ctx context.Context, opt IndexRunOptions) (*need.Table, error) {
	switch {
	case opt.Indicators != "":
		if err := checkInput(opt.Indicators, "--indicators"); err != nil {
			return nil, err
		}
		return need.ReadTable(opt.Indicators, need.ReadOptions{IDColumn: opt.IDColumn, Geography: opt.Geography, Limits: opt.Limits.Table})
	case opt.Layer != "":
		return o.Store.Indicators(ctx, opt.Layer, opt.Period)
	}
	return nil, budget.Errorf(budget.EINVALID, "index run needs --indicators FILE (CSV or XLSX), or --layer and --period of imported indicators")
}

// subset keeps the areas whose column holds the value ("COLUMN=VALUE").
func subset(tab *need.Table, res *need.Result, s string) error {
	col, val, ok := strings.Cut(s, "=")
	if !ok {
		return budget.Errorf(budget.EINVALID, "--subset %q: use COLUMN=VALUE, e.g. \"California County=Los Angeles\"", s)
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
		return budget.Errorf(budget.EINVALID, "--subset %q: no area has %q in column %q", s, val, col)
	}
	need.Subset(res, keep)
	return nil
}

// neighboursFor maps the layer's adjacency onto the table's area order
// (ids matched by geo.IDKey).
func neighboursFor(tab *need.Table, l *geo.Layer, adj [][]int) ([][]int, map[string]orb.Geometry) {
	pos := make([]int, len(l.Areas)) // layer position -> table position
	for i := range pos {
		pos[i] = -1
	}
	out := make([][]int, len(tab.Areas))
	polys := map[string]orb.Geometry{}
	byID := map[string]int{}
	for i, a := range l.Areas {
		byID[geo.IDKey(a.ID)] = i
	}
	for a, id := range tab.Areas {
		if i, ok := byID[geo.IDKey(id)]; ok {
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

// RunWithSpec loads run id (0: the latest) with its parsed spec.
func (o *Office) RunWithSpec(ctx context.Context, id int64) (*need.Run, *need.Spec, error) {
	var r *need.Run
	var err error
	if id > 0 {
		r, err = o.Store.Run(ctx, id)
	} else {
		r, err = o.Store.LatestRun(ctx)
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

// Explained is an area's explanation in a run. When the area is not in the
// latest run, the most recent run that has it is explained and Latest is
// the latest run.
type Explained struct {
	Run         *need.Run
	Explanation need.Explanation
	Latest      *need.Run
}

// Explain explains an area's score, tier and thresholds in run id (0: the
// latest run, else the most recent that has the area).
func (o *Office) Explain(ctx context.Context, area string, id int64) (*Explained, error) {
	if area == "" {
		return nil, budget.Errorf(budget.EINVALID, "explain needs --area ID (a census tract id such as 6037204920)")
	}
	r, spec, err := o.RunWithSpec(ctx, id)
	if err != nil {
		return nil, err
	}
	e, ok := need.ExplainRun(r, spec, area)
	if ok {
		return &Explained{Run: r, Explanation: e}, nil
	}
	if id == 0 {
		if runs, err := o.Store.Runs(ctx); err == nil {
			for i := len(runs) - 2; i >= 0; i-- {
				r2, s2, err := o.RunWithSpec(ctx, runs[i].ID)
				if err != nil {
					continue
				}
				if e, ok := need.ExplainRun(r2, s2, area); ok {
					return &Explained{Run: r2, Explanation: e, Latest: r}, nil
				}
			}
		}
	}
	return nil, budget.Errorf(budget.ENOTFOUND, "area %q is not in run %d (%s) nor any earlier run; check the id (tract GEOIDs, leading zeros optional)", area, r.ID, r.Spec)
}

// SensitivityOptions configure the Monte Carlo over an index's choices.
type SensitivityOptions struct {
	Run           int64 // 0: the latest composite run
	Runs          int
	Seed          uint64
	Concentration float64
	// Normalisations to draw from (default percentile, zscore, minmax;
	// percentile, minmax, rank for product indices).
	Normalisations []string
	LeaveOneOut    bool
	MOE            bool
}

// Sensitivity is the Monte Carlo of a run. When the latest run uses
// thresholds (no weights to vary), the latest composite run is used and
// Latest is the latest run.
type Sensitivity struct {
	Run    *need.Run
	Latest *need.Run
	Result *need.SensitivityResult
}

// RunSensitivity re-runs a stored index under drawn weights,
// normalisations and left-out indicators.
func (o *Office) RunSensitivity(ctx context.Context, opt SensitivityOptions) (*Sensitivity, error) {
	if opt.Runs < 1 {
		return nil, budget.Errorf(budget.EINVALID, "--runs %d: give a positive number of Monte Carlo runs (1000 is usual)", opt.Runs)
	}
	r, spec, err := o.RunWithSpec(ctx, opt.Run)
	if err != nil {
		return nil, err
	}
	out := &Sensitivity{Run: r}
	if opt.Run == 0 && spec.Method != "composite" {
		if r2, s2, ok := o.latestComposite(ctx); ok {
			out.Run, out.Latest, spec = r2, r, s2
		}
	}
	alts := opt.Normalisations
	if len(alts) == 0 {
		alts = []string{"percentile", "zscore", "minmax"}
		if spec.Combine == "product" || spec.Combine == "geometric" {
			alts = []string{"percentile", "minmax", "rank"} // positive values only
		}
	}
	out.Result, err = need.Sensitivity(need.InputFromRun(out.Run, spec), need.SensitivityOptions{Runs: opt.Runs, Seed: opt.Seed,
		Concentration: opt.Concentration, Normalisations: alts, LeaveOneOut: opt.LeaveOneOut, MOE: opt.MOE})
	return out, err
}

// latestComposite finds the most recent run of a composite index.
func (o *Office) latestComposite(ctx context.Context) (*need.Run, *need.Spec, bool) {
	runs, err := o.Store.Runs(ctx)
	if err != nil {
		return nil, nil, false
	}
	for i := len(runs) - 1; i >= 0; i-- {
		r, spec, err := o.RunWithSpec(ctx, runs[i].ID)
		if err == nil && spec.Method == "composite" {
			return r, spec, true
		}
	}
	return nil, nil, false
}

// RunPair is two runs with their specs, for comparisons.
type RunPair struct {
	A, B         *need.Run
	SpecA, SpecB *need.Spec
}

// LoadRunPair loads two runs by id.
func (o *Office) LoadRunPair(ctx context.Context, a, b int64) (*RunPair, error) {
	p := &RunPair{}
	var err error
	if p.A, p.SpecA, err = o.RunWithSpec(ctx, a); err != nil {
		return nil, err
	}
	if p.B, p.SpecB, err = o.RunWithSpec(ctx, b); err != nil {
		return nil, err
	}
	return p, nil
}

// AggregateOptions say how to roll a run up to larger areas: a crosswalk
// CSV (columns From, To and Fraction), or two polygon files apportioned by
// area.
type AggregateOptions struct {
	Run                                      int64
	Crosswalk, From, To, Fraction            string
	SmallLayer, SmallID, LargeLayer, LargeID string
	// Limits bound the readers of the crosswalk and the layer files.
	Limits Limits
}

// Aggregated is a run rolled up to larger areas.
type Aggregated struct {
	Run     *need.Run
	Areas   []need.Aggregate
	Missing []string // run areas not in the crosswalk
}

// Aggregate computes the population-weighted index of larger areas.
func (o *Office) Aggregate(ctx context.Context, opt AggregateOptions) (*Aggregated, error) {
	var cw map[string][]need.Link
	var err error
	switch {
	case opt.Crosswalk != "":
		cw, err = readCrosswalk(opt.Crosswalk, opt.From, opt.To, opt.Fraction, opt.Limits.Table)
	case opt.SmallLayer != "" && opt.LargeLayer != "":
		var sl, ll *geo.Layer
		for _, f := range []string{opt.SmallLayer, opt.LargeLayer} {
			if err := checkInput(f, "--from-layer/--to-layer"); err != nil {
				return nil, err
			}
		}
		if sl, _, err = geo.ReadFile(opt.SmallLayer, geo.ImportOptions{IDField: opt.SmallID, Limits: opt.Limits.Geo, TableLimits: opt.Limits.Table}); err != nil {
			return nil, err
		}
		if ll, _, err = geo.ReadFile(opt.LargeLayer, geo.ImportOptions{IDField: opt.LargeID, Limits: opt.Limits.Geo, TableLimits: opt.Limits.Table}); err != nil {
			return nil, err
		}
		cw = need.CrosswalkFromLayers(sl, ll)
	default:
		return nil, budget.Errorf(budget.EINVALID, "aggregate needs --crosswalk FILE (columns: %s, %s, %s), or --from-layer and --to-layer polygon files", opt.From, opt.To, opt.Fraction)
	}
	if err != nil {
		return nil, err
	}
	r, _, err := o.RunWithSpec(ctx, opt.Run)
	if err != nil {
		return nil, err
	}
	agg, missing := need.AggregateRun(r, cw)
	return &Aggregated{Run: r, Areas: agg, Missing: missing}, nil
}

// ReadCrosswalk reads a crosswalk CSV: one row per (small area, larger
// area) with the share of the small area's population in the larger one
// (1 when the fraction column is absent).
func ReadCrosswalk(path, from, to, frac string) (map[string][]need.Link, error) {
	return readCrosswalk(path, from, to, frac, tabular.Limits{})
}

// readCrosswalk is ReadCrosswalk within limits, through the one tabular
// input path (any delimiter and encoding; a workbook is read as stored).
func readCrosswalk(path, from, to, frac string, lim tabular.Limits) (map[string][]need.Link, error) {
	if err := checkInput(path, "--crosswalk"); err != nil {
		return nil, err
	}
	r, err := tabular.Open(path, tabular.Options{Limits: lim})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	h := r.Header()
	fi, err1 := h.Find(from)
	ti, err2 := h.Find(to)
	if err1 != nil || err2 != nil || fi < 0 || ti < 0 {
		return nil, &budget.InputError{File: path, Line: h.Line, Expected: fmt.Sprintf("columns %q and %q (name them with --from and --to)", from, to)}
	}
	xi, err := h.Find(frac)
	if err != nil {
		return nil, err
	}
	out := map[string][]need.Link{}
	for {
		line, rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		x := 1.0
		if xi >= 0 {
			x, err = strconv.ParseFloat(cell(xi), 64)
			if err != nil || x < 0 || x > 1 {
				return nil, h.Err(line, xi, "fraction", cell(xi), "a share between 0 and 1")
			}
		}
		out[cell(fi)] = append(out[cell(fi)], need.Link{Target: cell(ti), Fraction: x})
	}
	return out, nil
}

// IndicatorImport says what indicator table to import for a layer.
type IndicatorImport struct {
	File, IDColumn, Layer, Period string
	// Name names File in messages and the stored import when it is a copy
	// (of standard input, say); "" for File.
	Name string
	// Geography is the Census geography of the ids ("" to infer).
	Geography string
	// Limits bound the readers of File and Meta.
	Limits Limits
	// PeriodGiven passes Period to the reader (a long file with one period
	// imports under the default label otherwise).
	PeriodGiven bool
	Meta        string   // indicator metadata CSV, optional
	Columns     []string // columns to import (default: every numeric one)
}

// ImportedIndicators is a stored indicator import.
type ImportedIndicators struct {
	ID      int64
	Set     *need.IndicatorSet
	Areas   int
	Hash    string
	Skipped []string // text columns left out
	// Note says how many of the table's ids are areas of the stored layer
	// of that name, when some are not ("0 of 6 ids in layer tracts").
	Note string
}

// ImportIndicators stores the numeric columns of an indicator table for a
// layer and period in one transaction.
func (o *Office) ImportIndicators(ctx context.Context, opt IndicatorImport) (*ImportedIndicators, error) {
	if err := checkInput(opt.File, "FILE"); err != nil {
		return nil, err
	}
	period := ""
	if opt.PeriodGiven {
		period = opt.Period
	}
	tab, err := need.ReadTable(opt.File, need.ReadOptions{IDColumn: opt.IDColumn, Period: period, Geography: opt.Geography, Limits: opt.Limits.Table})
	if err != nil {
		return nil, err
	}
	if opt.Name != "" {
		tab.File = opt.Name
	}
	set, skipped, err := need.IndicatorSetFromTable(tab, opt.Layer, opt.Period, opt.Columns)
	if err != nil {
		return nil, err
	}
	if opt.Meta != "" {
		if err := checkInput(opt.Meta, "--meta"); err != nil {
			return nil, err
		}
		if set.Meta, err = need.ReadMeta(opt.Meta); err != nil {
			return nil, err
		}
	}
	id, err := o.Store.SaveIndicators(ctx, set)
	if err != nil {
		return nil, err
	}
	return &ImportedIndicators{ID: id, Set: set, Areas: len(tab.Areas), Hash: tab.Hash, Skipped: skipped,
		Note: o.coverageNote(ctx, tab, opt.Layer)}, nil
}

// coverageNote says how many of a table's ids are areas of a stored layer,
// when some are not ("0 of 6 ids in layer tracts"); "" when all are, or
// when the layer is not stored.
func (o *Office) coverageNote(ctx context.Context, tab *need.Table, layer string) string {
	if layer == "" {
		return ""
	}
	l, err := o.Store.Layer(ctx, layer)
	if err != nil {
		return ""
	}
	ids := make([]string, len(l.Areas))
	for i, a := range l.Areas {
		ids[i] = a.ID
	}
	if c := tab.Coverage(layer, ids); c.Matched < c.IDs {
		return fmt.Sprintf("%s; analyze finds only those", c)
	}
	return ""
}

// CheckOutput makes sure the file named with flag can be written before
// any work is done or anything is stored, so that a mistyped or read-only
// output path fails at once and leaves the store unchanged. The file is
// created and, when it did not exist before, removed again.
func CheckOutput(path, flag string) error {
	if path == "" || path == "-" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return budget.Errorf(budget.EINVALID, "%s %s is a directory: give a file name (a path inside it is fine)", flag, path)
	}
	_, statErr := os.Stat(path)
	existed := statErr == nil
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return OutputFileError(path, flag, err)
	}
	f.Close()
	if !existed {
		os.Remove(path)
	}
	return nil
}
