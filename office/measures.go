package office

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
)

// MeasureOptions select a table of service measures.
type MeasureOptions struct {
	// Layer places the requests; "" gives citywide rows.
	Layer string
	// By splits the rows: request_type, agency, source; tier replaces the
	// areas by need tiers; city gives one citywide row.
	By []string
	// Period groups the requests by when they were made: month, quarter
	// (fiscal), fiscal_year, year or all (default).
	Period string
	// From and To bound the months ("2018-01"; "" unbounded).
	From, To string
	// Events is real, synthetic or all; default real when any real
	// request is stored, else synthetic (labelled).
	Events string
	// Measures are the ids to compute (default: the command's; "all").
	Measures []string
	// Tiers is the number of need tiers (default 5); Run the need run (0:
	// the latest that can be placed in the layer).
	Tiers int
	Run   int64
}

// MeasureColumn describes one measure of a table.
type MeasureColumn struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Unit string `json:"unit"`
	Kind string `json:"kind"`
}

// MeasureRow is one row: its area (or tier), dimensions and period, the
// requests and closed requests, and each measure's value (nil when there
// is none).
type MeasureRow struct {
	AreaID   string     `json:"area_id,omitempty"`
	AreaName string     `json:"area_name,omitempty"`
	Tier     string     `json:"tier,omitempty"`
	Type     string     `json:"request_type,omitempty"`
	Agency   string     `json:"agency,omitempty"`
	Source   string     `json:"source,omitempty"`
	Period   string     `json:"period,omitempty"`
	Requests int64      `json:"requests"`
	Closed   int64      `json:"closed"`
	Values   []*float64 `json:"values"`
}

// MeasureTable is a table of measures with what its requests are.
type MeasureTable struct {
	Layer    string          `json:"layer"`
	By       []string        `json:"by"`
	Period   string          `json:"period"`
	Events   string          `json:"events"`
	Label    string          `json:"label"`
	Measures []MeasureColumn `json:"measures"`
	Rows     []MeasureRow    `json:"rows"`
	Counted  int64           `json:"requests_counted"`
	Unplaced int64           `json:"requests_not_placed"`
	Notes    []string        `json:"notes,omitempty"`
}

// measureSet is the profile's measures (the shipped ones without one).
func (o *Office) measureSet() *measures.Set {
	if o.City != nil {
		return o.City.Measures()
	}
	return measures.Defaults()
}

func (o *Office) services() *measures.Services {
	if o.City != nil {
		return o.City.Services
	}
	return nil
}

func (o *Office) fiscalStart() int {
	if o.City != nil {
		return o.City.FiscalYearStart
	}
	return 7
}

// pickMeasures resolves measure ids ("all": every one).
func (o *Office) pickMeasures(ids []string) ([]*measures.Definition, error) {
	set := o.measureSet()
	if len(ids) == 1 && ids[0] == "all" {
		ids = set.IDs()
	}
	out := make([]*measures.Definition, 0, len(ids))
	for _, id := range ids {
		d, ok := set.Measure(id)
		if !ok {
			return nil, budget.Errorf(budget.EINVALID, "no measure %q; the measures are %s (budgetlens measures ls)", id, strings.Join(set.IDs(), ", "))
		}
		out = append(out, d)
	}
	return out, nil
}

// eventSet resolves the event set: real by default when any real request
// is stored, else synthetic.
func (o *Office) eventSet(ctx context.Context, s string) (measures.EventSet, error) {
	switch measures.EventSet(s) {
	case measures.RealEvents, measures.SyntheticEvents, measures.AllEvents:
		return measures.EventSet(s), nil
	case "":
	default:
		return "", budget.Errorf(budget.EINVALID, "--events %q: give real, synthetic or all", s)
	}
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return "", err
	}
	if st.Requests == 0 {
		return "", budget.Errorf(budget.EINVALID, "no service requests are stored: import some with budgetlens events import FILE")
	}
	if st.Synthetic == st.Requests {
		return measures.SyntheticEvents, nil
	}
	return measures.RealEvents, nil
}

// eventLabel says what the requests of a set are, from the imports that
// added them: "real requests of 4 days of January 2018 (MyLA311 sample;
// not a year)" or "SYNTHETIC requests ...".
func (o *Office) eventLabel(ctx context.Context, set measures.EventSet) (string, error) {
	imps, err := o.Store.EventImports(ctx)
	if err != nil {
		return "", err
	}
	var real, syn []string
	for _, x := range imps {
		if x.Added == 0 || x.Coverage == "" {
			continue
		}
		if x.Synthetic == x.Added {
			syn = append(syn, x.Coverage)
		} else if !slices.Contains(real, x.Coverage) {
			real = append(real, x.Coverage)
		}
	}
	var parts []string
	if set != measures.SyntheticEvents && len(real) > 0 {
		parts = append(parts, "service requests made over "+strings.Join(real, "; "))
	}
	if set != measures.RealEvents && len(syn) > 0 {
		parts = append(parts, "SYNTHETIC requests (generated, not City data) over "+strings.Join(syn, "; "))
	}
	return strings.Join(parts, " and "), nil
}

// measureData reads what measures need for the months from..to.
func (o *Office) measureData(ctx context.Context, from, to measures.Month) (d *measures.Data, release func(), err error) {
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return nil, nil, err
	}
	// measures of many requests hold the collector's target low, as a large
	// import does (holdGC): their heap is columns of numbers
	release = func() {}
	if st.Requests >= largeImport {
		release = holdGC()
	}
	d = &measures.Data{}
	if d.Dict, err = o.Store.EventDictionary(ctx); err == nil {
		if d.Parts, err = o.Store.EventPartitions(ctx, from, to); err == nil {
			if d.Sums, err = o.Store.EventSummaries(ctx, to); err == nil {
				// the latest time as of the months read (an import may
				// have committed since the count)
				st, err = o.Store.EventStats(ctx)
			}
		}
	}
	if err != nil {
		release()
		return nil, nil, err
	}
	d.AsOf = st.AsOf.Unix()
	return d, release, nil
}

// storedLayer is the layer stored under name (the profile's default layer
// when name is empty). Measures span many months, so they use the lines as
// stored under the layer's name, not the lines of one fiscal year as the
// budget analysis does.
func (o *Office) storedLayer(ctx context.Context, name string) (*geo.Layer, error) {
	if name == "" && o.City != nil {
		name = o.City.DefaultLayer()
	}
	if name == "" {
		return nil, budget.Errorf(budget.EINVALID, "name the layer with --layer (stored layers: %s), or give a city profile (--profile FILE) whose default layer is used", o.layerNames(ctx))
	}
	layer, err := o.Store.Layer(ctx, name)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.EINVALID, "no layer %q in the store (have: %s); import one with budgetlens geo import FILE --layer %s", name, o.layerNames(ctx), name)
	}
	return layer, err
}

// areaFrame returns a layer with its areas' populations and need tiers
// (from the latest need run that can be placed in it; none: no tiers).
func (o *Office) areaFrame(ctx context.Context, name string, tiers int, run int64) (*geo.Layer, *analysis.Frame, error) {
	l, err := o.storedLayer(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	r, small, err := o.pickRun(ctx, run, l)
	if err != nil {
		return nil, nil, err
	}
	if tiers <= 0 {
		tiers = 5
	}
	// the index is for locating another layer's small areas in l only
	var ix *geo.Index
	if small != nil && small.Name != l.Name {
		ix = geo.NewIndex(l)
	}
	fr, err := analysis.BuildFrame(l, ix, r, small, nil, tiers)
	if err != nil {
		return nil, nil, err
	}
	return l, fr, nil
}

// tableQuery is a query with its layer and frame.
type tableQuery struct {
	q     measures.Query
	layer *geo.Layer
	frame *analysis.Frame
	tier  bool
	city  bool
}

// measureQuery builds the query of opt.
func (o *Office) measureQuery(ctx context.Context, opt MeasureOptions, defs []*measures.Definition) (*tableQuery, measures.Month, measures.Month, error) {
	per, err := measures.ParsePeriod(opt.Period)
	if err != nil {
		return nil, 0, 0, err
	}
	var from, to measures.Month
	if opt.From != "" {
		if from, err = measures.ParseMonth(opt.From); err != nil {
			return nil, 0, 0, err
		}
	}
	if opt.To != "" {
		if to, err = measures.ParseMonth(opt.To); err != nil {
			return nil, 0, 0, err
		}
	}
	set, err := o.eventSet(ctx, opt.Events)
	if err != nil {
		return nil, 0, 0, err
	}
	tq := &tableQuery{q: measures.Query{Calendar: measures.Calendar{Period: per, FiscalStart: o.fiscalStart()}, From: from, To: to, Events: set,
		Measures: defs, Services: o.services()}}
	for _, b := range opt.By {
		switch b {
		case "request_type", "type":
			tq.q.ByType = true
		case "agency":
			tq.q.ByAgency = true
		case "source":
			tq.q.BySource = true
		case "tier":
			tq.tier = true
		case "city":
			tq.city = true
		case "area":
		default:
			return nil, 0, 0, budget.Errorf(budget.EINVALID, "--by %q: give area, tier, city, request_type, agency or source", b)
		}
	}
	if tq.city {
		tq.q.Population = o.cityPopulation(ctx, opt)
		return tq, from, to, nil
	}
	if tq.layer, tq.frame, err = o.areaFrame(ctx, opt.Layer, opt.Tiers, opt.Run); err != nil {
		return nil, 0, 0, err
	}
	tq.q.Layer = tq.layer.Name
	tq.q.Groups = len(tq.layer.Areas)
	tq.q.Population = tq.frame.Population
	if tq.tier {
		if tq.frame.Tiers == 0 || !slices.ContainsFunc(tq.frame.Tier, func(t int) bool { return t > 0 }) {
			return nil, 0, 0, budget.Errorf(budget.EINVALID, "no need tiers for layer %s: compute a need index first (budgetlens index run)", tq.layer.Name)
		}
		tq.q.Group = make([]int32, len(tq.layer.Areas))
		tq.q.Groups = tq.frame.Tiers + 1
		tq.q.Population = make([]float64, tq.q.Groups)
		for i, t := range tq.frame.Tier {
			tq.q.Group[i] = int32(t)
			if t <= 0 {
				tq.q.Group[i] = -1
				continue
			}
			tq.q.Population[t] += tq.frame.Population[i]
		}
	}
	return tq, from, to, nil
}

// cityPopulation is the denominator of a citywide per_1000: the residents
// of every area of the layer (opt.Layer, else the reporting layer), as one
// group; nil (per_1000 missing) when the layer or its population cannot be
// had. Every stored request counts in the city, placed in the layer or not.
func (o *Office) cityPopulation(ctx context.Context, opt MeasureOptions) []float64 {
	_, fr, err := o.areaFrame(ctx, opt.Layer, opt.Tiers, opt.Run)
	if err != nil {
		return nil
	}
	var pop float64
	for _, p := range fr.Population {
		if p > 0 {
			pop += p
		}
	}
	if pop == 0 {
		return nil
	}
	return []float64{pop}
}

// DefaultTableMeasures are the measures of `measures table` beside the
// requests and closed requests.
var DefaultTableMeasures = []string{"median_days", "p90_days", "on_time_share", "per_1000"}

// MeasureTable computes service measures by area (or tier, or citywide),
// request type, agency, source and period, from the stored requests.
func (o *Office) MeasureTable(ctx context.Context, opt MeasureOptions) (*MeasureTable, error) {
	ts, err := o.MeasureTables(ctx, opt, []string{opt.Layer})
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// MeasureTables computes the table of opt for each of layers, reading the
// stored requests once and computing the layers in parallel (one per
// core).
func (o *Office) MeasureTables(ctx context.Context, opt MeasureOptions, layers []string) ([]*MeasureTable, error) {
	if len(opt.Measures) == 0 {
		opt.Measures = DefaultTableMeasures
	}
	defs, err := o.pickMeasures(opt.Measures)
	if err != nil {
		return nil, err
	}
	tqs := make([]*tableQuery, len(layers))
	var from, to measures.Month
	for k, l := range layers {
		lo := opt
		lo.Layer = l
		if tqs[k], from, to, err = o.measureQuery(ctx, lo, defs); err != nil {
			return nil, err
		}
	}
	d, release, err := o.measureData(ctx, from, to)
	if err != nil {
		return nil, err
	}
	defer release()
	label, err := o.eventLabel(ctx, tqs[0].q.Events)
	if err != nil {
		return nil, err
	}
	out := make([]*MeasureTable, len(layers))
	errs := make([]error, len(layers))
	// up to twice as many layers as cores at once: the scheduler shares
	// the cores among them, so that three layers on two cores end
	// together instead of the third alone after the first two (each
	// layer's table holds its closing times: the bound is for memory)
	sem := make(chan struct{}, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for k := range layers {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int) {
			defer wg.Done()
			defer func() { <-sem }()
			t, err := measures.Compute(d, tqs[k].q)
			if err != nil {
				errs[k] = err
				return
			}
			out[k] = o.toTable(tqs[k], t, defs, opt.By, label)
		}(k)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// toTable turns a computed table into rows.
func (o *Office) toTable(tq *tableQuery, t *measures.Table, defs []*measures.Definition, by []string, label string) *MeasureTable {
	out := &MeasureTable{Layer: tq.q.Layer, By: by, Period: string(tq.q.Calendar.Period), Events: string(tq.q.Events), Counted: t.Counted, Unplaced: t.Unplaced}
	out.Label = label
	for _, m := range defs {
		out.Measures = append(out.Measures, MeasureColumn{ID: m.ID, Name: m.Name, Unit: m.Unit(), Kind: m.Kind})
	}
	for i, c := range t.Cells {
		row := MeasureRow{Type: t.TypeName(c), Agency: t.AgencyName(c), Source: t.SourceName(c)}
		if tq.q.Calendar.Period != measures.AllPeriods {
			row.Period = t.PeriodLabel(c)
		}
		switch {
		case tq.tier:
			row.Tier = analysis.TierLabel(int(c.Group), tq.frame.Tiers)
		case tq.layer != nil:
			a := tq.layer.Areas[c.Group]
			row.AreaID, row.AreaName = a.ID, a.Name
		}
		row.Requests, row.Closed = t.Counts(i)
		for m := range defs {
			v := t.Value(m, i)
			if v.Missing {
				row.Values = append(row.Values, nil)
				continue
			}
			x := v.V
			row.Values = append(row.Values, &x)
		}
		out.Rows = append(out.Rows, row)
	}
	out.Notes = o.tableNotes(tq, t)
	return out
}

// tableNotes say what a table leaves out and how it counts.
func (o *Office) tableNotes(tq *tableQuery, t *measures.Table) []string {
	var notes []string
	if t.Unplaced > 0 {
		notes = append(notes, fmt.Sprintf("%d requests are not placed in an area of %s and are left out (budgetlens events import lists why)", t.Unplaced, tq.q.Layer))
	}
	if t.Synthetic {
		notes = append(notes, "SYNTHETIC: these requests are generated, not City data")
	}
	notes = append(notes, "days to close are nearest-rank quantiles of every closing time (closed - created, in days); requests are counted in the period they were made")
	return notes
}

// MeasureDefinition is a measure as `measures ls` lists it, with its
// target.
type MeasureDefinition struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Unit         string `json:"unit"`
	Better       string `json:"better"`
	Filter       string `json:"filter"`
	Target       string `json:"target"`
	TargetSource string `json:"target_source"`
}

// MeasureDefinitions lists the measures of the profile (the shipped ones
// without a profile) with their targets for all request types.
func (o *Office) MeasureDefinitions() []MeasureDefinition {
	var out []MeasureDefinition
	for _, m := range o.measureSet().Measures {
		d := MeasureDefinition{ID: m.ID, Name: m.Name, Kind: m.Kind, Unit: m.Unit(), Better: m.Direction(), Filter: filterText(m.Filter)}
		if t, ok := o.services().TargetFor(m.ID, ""); ok {
			d.Target = fmt.Sprint(t.Value)
			d.TargetSource = t.Source
			if t.Illustrative {
				d.TargetSource = "illustrative (not the city's)"
			}
		}
		out = append(out, d)
	}
	return out
}

func filterText(f measures.Filter) string {
	var parts []string
	if len(f.Types) > 0 {
		parts = append(parts, "types: "+strings.Join(f.Types, ", "))
	}
	if len(f.Agencies) > 0 {
		parts = append(parts, "agencies: "+strings.Join(f.Agencies, ", "))
	}
	if len(f.Sources) > 0 {
		parts = append(parts, "sources: "+strings.Join(f.Sources, ", "))
	}
	return strings.Join(parts, "; ")
}
