package office

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/report"
	"github.com/budgetlens/budgetlens/sites"
	"github.com/budgetlens/budgetlens/store"
)

// DemoOptions configure the demo.
type DemoOptions struct {
	// City is the profile whose demo section lists the files to load; Data
	// holds those files (the binary's embedded data).
	City *city.Profile
	Data fs.FS
	// Dir receives data/ (the extracted inputs), the store and the reports.
	Dir string
	// Open opens (creating) the store file at path.
	Open     func(path string) (store.Store, error)
	Requests int    // synthetic service requests (default 1,000,000)
	Seed     uint64 // of the synthetic requests (default 2021)
	Reps     int    // bootstrap replicates and LISA permutations
	NoPDF    bool
}

// DemoResult is what the demo made.
type DemoResult struct {
	Store    string // path of the store file
	Written  Written
	Result   *analysis.Result
	Document *report.Document
	Stages   []Stage
}

// Stage is one timed step of the demo.
type Stage struct {
	Name    string
	Seconds float64
}

// Demo builds a store from the profile's demo data, analyses the phase the
// profile names by its default layer, stores the analysis and writes the
// council report. The store is made afresh and the profile saved in it.
func Demo(ctx context.Context, opt DemoOptions) (*DemoResult, error) {
	if opt.City == nil || opt.City.Demo == nil {
		return nil, budget.Errorf(budget.EINVALID, "the city profile has no demo section: nothing to load")
	}
	if opt.Requests == 0 {
		opt.Requests = 1_000_000
	}
	if opt.Seed == 0 {
		opt.Seed = 2021
	}
	b := &demoBuild{opt: opt, demo: opt.City.Demo}
	defer b.close()
	out := &DemoResult{}
	t0 := time.Now()
	for _, st := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"import budget", b.extractAndImport},
		{"release the published phases", b.releasePublished},
		{"import geography", b.geography},
		{"need index", b.needIndex},
		{"service measures (real requests, published measures)", b.measures},
		{"sites (housing loans, parks, fire districts)", b.siteLists},
		{"service requests (locate)", b.serviceRequests},
		{"attribution and metrics", b.analyse},
		{"comparisons (proposed, adopted, last year)", b.compare},
		{"capital plans (import, place, optimise, release)", b.capitalPlans},
		{"report (HTML, XLSX, PDF)", b.writeReport},
	} {
		if err := st.run(ctx); err != nil {
			return nil, err
		}
		now := time.Now()
		out.Stages = append(out.Stages, Stage{st.name, now.Sub(t0).Seconds()})
		t0 = now
	}
	out.Store, out.Written, out.Result, out.Document = b.dbPath, b.written, b.a.Result, b.doc
	return out, nil
}

// demoBuild holds what the demo's stages hand to each other.
type demoBuild struct {
	opt          DemoOptions
	demo         *city.Demo
	o            *Office
	dbPath       string
	path, hashes map[string]string // embedded name -> extracted path, sha256
	layers       []*geo.Layer      // the demo's layers, in profile order
	index        []*geo.Index
	tracts       *geo.Layer
	ces          *need.Table
	evs          []*events.Summary
	evSource     string
	evSynthetic  bool
	a            *Analysis
	cmp          []analysis.CompareRow
	doc          *report.Document
	written      Written
}

func (b *demoBuild) close() {
	if b.o != nil {
		b.o.Store.Close()
	}
}

// files lists every embedded file the demo reads.
func (b *demoBuild) files() []string {
	d := b.demo
	fs := append([]string{}, d.Budget...)
	for _, l := range d.Layers {
		fs = append(fs, l.File)
	}
	if d.Need != nil {
		fs = append(fs, d.Need.File)
	}
	if d.Groups != "" {
		fs = append(fs, d.Groups)
	}
	if d.Events != nil {
		for _, f := range []string{d.Events.File, d.Events.Points} {
			if f != "" {
				fs = append(fs, f)
			}
		}
		if v := d.Events.Volume; v != nil {
			fs = append(fs, v.File)
		}
	}
	if d.Projects != nil {
		fs = append(fs, d.Projects.CSV, d.Projects.GeoJSON)
	}
	if m := d.Measures; m != nil {
		fs = append(fs, m.Requests...)
		for _, l := range m.Layers {
			fs = append(fs, l.File)
		}
		for _, p := range m.Published {
			fs = append(fs, p.File)
		}
	}
	for _, c := range d.Capital {
		fs = append(fs, c.File)
	}
	for _, s := range b.opt.City.Sites {
		fs = append(fs, s.File)
		if s.Counts != nil {
			fs = append(fs, s.Counts.File)
		}
	}
	return fs
}

// siteLists reads the profile's site lists from the extracted files and
// stores each (kind "sites"), to be weighed for each analysed year.
func (b *demoBuild) siteLists(ctx context.Context) error {
	for _, spec := range b.opt.City.Sites {
		sp := spec
		sp.File = b.path[spec.File]
		hash := b.hashes[spec.File]
		if spec.Counts != nil {
			c := *spec.Counts
			c.File = b.path[c.File]
			sp.Counts = &c
			hash += " " + b.hashes[spec.Counts.File]
		}
		l, err := sites.Read(sp, "")
		if err != nil {
			return err
		}
		l.Spec = spec
		var buf bytes.Buffer
		if err := l.Encode(&buf); err != nil {
			return err
		}
		src := spec.Source
		if src == "" {
			src = filepath.Base(spec.File)
		}
		if err := b.o.Store.SaveDataset(ctx, &analysis.Dataset{Kind: "sites", Name: spec.Name, Source: src, SHA256: hash, Body: buf.Bytes()}); err != nil {
			return err
		}
	}
	return nil
}

// extractAndImport writes the embedded files to DIR/data, creates the store
// from scratch, saves the profile and imports the budget files.
func (b *demoBuild) extractAndImport(ctx context.Context) error {
	dataDir := filepath.Join(b.opt.Dir, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return dirError(b.opt.Dir, err)
	}
	b.dbPath = filepath.Join(b.opt.Dir, "budgetlens.duckdb")
	for _, p := range []string{b.dbPath, b.dbPath + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return budget.Errorf(budget.EINVALID, "cannot replace the demo store %s: %w", p, err)
		}
	}
	b.path, b.hashes = map[string]string{}, map[string]string{}
	for _, f := range b.files() {
		data, err := fs.ReadFile(b.opt.Data, f)
		if err != nil {
			return budget.Errorf(budget.EINTERNAL, "demo file %s is not built in: %w", f, err)
		}
		p := filepath.Join(dataDir, filepath.Base(f))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return dirError(dataDir, err)
		}
		h := sha256.Sum256(data)
		b.path[f], b.hashes[f] = p, hex.EncodeToString(h[:])
	}
	s, err := b.opt.Open(b.dbPath)
	if err != nil {
		return err
	}
	b.o = &Office{Store: s, City: b.opt.City}
	if err := b.o.SaveCity(ctx, b.opt.City); err != nil {
		return err
	}
	for _, f := range b.demo.Budget {
		data, err := fs.ReadFile(b.opt.Data, f)
		if err != nil {
			return err
		}
		batch, err := ingest.CSV(b.path[f], data, ingest.Options{})
		if err != nil {
			return err
		}
		if _, err := s.ImportBatch(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

func dirError(dir string, err error) error {
	return budget.Errorf(budget.EINVALID, "demo --dir %s cannot be written: %w", dir, err)
}

// geography stores the profile's layers and the need table's small areas
// whose point lies in the default reporting layer.
func (b *demoBuild) geography(ctx context.Context) error {
	for _, dl := range b.demo.Layers {
		l, _, err := geo.ReadFile(b.path[dl.File], geo.ImportOptions{Layer: dl.Layer, IDField: dl.IDField, NameField: dl.NameField})
		if err != nil {
			return err
		}
		b.layers = append(b.layers, l)
		b.index = append(b.index, geo.NewIndex(l))
	}
	def := b.defaultLines()
	if def < 0 {
		return budget.Errorf(budget.EINVALID, "the demo loads no file of the default layer %q", b.opt.City.DefaultLayer())
	}
	stored := append([]*geo.Layer{}, b.layers...)
	if n := b.demo.Need; n != nil {
		var err error
		if b.ces, err = need.ReadTable(b.path[n.File], need.ReadOptions{}); err != nil {
			return err
		}
		small := b.opt.City.LayerNames(city.RoleSmallAreas)
		if len(small) == 0 {
			return budget.Errorf(budget.EINVALID, "the demo has a need table but the profile names no small_areas layer")
		}
		county, err := analysis.TractPointsTable(b.ces, small[0], n.County)
		if err != nil {
			return err
		}
		b.tracts = analysis.Within(county, b.index[def], small[0])
		b.tracts.SourceHash = b.ces.Hash // made from that file: its sha256sum is the source's
		stored = append(stored, b.tracts)
	}
	for _, l := range stored {
		if err := b.o.Store.SaveLayer(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// defaultLines is the position of the demo layer holding the default
// layer's lines for the demo's fiscal year (the layer itself when the
// profile lists no lines); -1 when none is loaded.
func (b *demoBuild) defaultLines() int {
	c := b.opt.City
	name := c.DefaultLayer()
	if fy, err := budget.ParseFiscalYear(b.demo.Analyze.FiscalYear); err == nil {
		if l, ok := c.LinesFor(name, fy); ok && b.layerIndex(l.Layer) >= 0 {
			return b.layerIndex(l.Layer)
		}
	}
	return b.layerIndex(name)
}

func (b *demoBuild) layerIndex(name string) int {
	for i, l := range b.layers {
		if l.Name == name {
			return i
		}
	}
	return -1
}

// needIndex computes the profile's preset over the whole table (statewide
// percentiles): from the published score when the profile names its column
// (the recomputations are checks), stores the run for the city's small
// areas, the population groups and the other measures of need.
func (b *demoBuild) needIndex(ctx context.Context) error {
	if b.ces == nil || b.opt.City.Need == nil {
		return nil
	}
	pn := b.opt.City.Need
	spec, err := need.Preset(pn.Preset)
	if err != nil {
		return err
	}
	nres, err := need.Compute(spec, b.ces, need.Options{UsePublished: pn.Score != "", PublishedScore: pn.Score})
	if err != nil {
		return err
	}
	var check *analysis.NeedCheck
	if pn.Score != "" {
		raw, err := need.Compute(spec, b.ces, need.Options{PublishedScore: pn.Score})
		if err != nil {
			return err
		}
		check = &analysis.NeedCheck{Compared: nres.ScoreCheck.Compared, FromPercentiles: nres.ScoreCheck.Within, FromRaw: raw.ScoreCheck.Within}
	}
	run := need.NewRun(nres, []need.Input{{Role: "indicators", File: filepath.Base(b.path[b.demo.Need.File]), Hash: b.ces.Hash}}, b.tracts.Name, pn.Score != "")
	inCity := map[string]bool{}
	for _, a := range b.tracts.Areas {
		inCity[a.ID] = true
	}
	kept := run.Areas[:0]
	for _, a := range run.Areas {
		if inCity[a.ID] {
			kept = append(kept, a)
		}
	}
	run.Areas = kept
	if _, err := b.o.Store.SaveRun(ctx, run); err != nil {
		return err
	}
	var groups *analysis.GroupCounts
	if b.demo.Groups != "" {
		if groups, err = analysis.ReadGroupCounts(b.path[b.demo.Groups]); err != nil {
			return err
		}
		groups.Source = filepath.Base(groups.Source)
		gb, err := json.Marshal(groups)
		if err != nil {
			return err
		}
		if err := b.o.Store.SaveDataset(ctx, &analysis.Dataset{Kind: "groups", Name: "acs", Source: groups.Source, SHA256: groups.Hash, Body: gb}); err != nil {
			return err
		}
	}
	return b.needMeasures(ctx, run, groups, check)
}

// needMeasures stores the profile's other measures of need for the city's
// small areas: columns of the need table, shares of population groups.
func (b *demoBuild) needMeasures(ctx context.Context, run *need.Run, groups *analysis.GroupCounts, check *analysis.NeedCheck) error {
	pn := b.opt.City.Need
	set := &analysis.MeasureSet{Primary: analysis.NeedMeasure{Name: run.Spec, Label: pn.Label, Why: strings.Join(strings.Fields(pn.Why), " ")}, Check: check}
	inCity := map[string]bool{}
	for _, a := range b.tracts.Areas {
		inCity[geo.IDKey(a.ID)] = true
	}
	for _, m := range pn.Measures {
		nm := analysis.NeedMeasure{Name: m.Name, Label: m.Label, Why: m.Why, Values: map[string]float64{}}
		switch {
		case m.Column != "":
			v, err := b.ces.Numbers(m.Column)
			if err != nil {
				return err
			}
			nm.Source = filepath.Base(b.path[b.demo.Need.File])
			for i, id := range b.ces.Areas {
				if k := geo.IDKey(id); inCity[k] && !math.IsNaN(v[i]) {
					nm.Values[k] = v[i]
				}
			}
		case groups != nil:
			nm.Source = groups.Source
			for k, v := range analysis.GroupShareMeasure(groups, m.Group) {
				if inCity[k] {
					nm.Values[k] = v
				}
			}
		default:
			continue // a group measure without the groups table
		}
		set.Measures = append(set.Measures, nm)
	}
	ds, err := analysis.MeasuresDataset(b.tracts.Name, set, filepath.Base(b.path[b.demo.Need.File]), b.ces.Hash)
	if err != nil {
		return err
	}
	return b.o.Store.SaveDataset(ctx, ds)
}

// serviceRequests generates the synthetic requests, locates them in the
// first two layers at once and stores the demand per layer.
func (b *demoBuild) serviceRequests(ctx context.Context) error {
	ev := b.demo.Events
	if ev == nil || len(b.layers) == 0 {
		return nil
	}
	if ev.File != "" && ev.Volume != nil {
		return b.expandedRequests(ctx)
	}
	var evs []*events.Summary
	var evHash string
	var err error
	if ev.File != "" {
		evs, evHash, err = demoRealEvents(b.path[ev.File], b.layers, b.index)
		if err == nil {
			b.evSource = fmt.Sprintf("%s (%d rows)", ev.Source, evs[0].Rows)
		}
	} else {
		evs, evHash, err = demoEvents(b.path[ev.Points], ev.County, b.layers, b.index, b.opt.Requests, b.opt.Seed)
		b.evSource, b.evSynthetic = fmt.Sprintf("%s (%d rows, seed %d)", ev.Source, b.opt.Requests, b.opt.Seed), true
	}
	if err != nil {
		return err
	}
	b.evs = evs
	for k, l := range b.layers {
		ds, err := analysis.DemandDataset(l.Name, areaIDs(l), analysis.DemandOf(evs[k], l), b.evSource, evHash, b.evSynthetic)
		if err != nil {
			return err
		}
		if err := b.o.Store.SaveDataset(ctx, ds); err != nil {
			return err
		}
	}
	return nil
}

// expandedRequests stores, for every layer, the demand of the real requests
// expanded to the profile's volume per stratum (ExpandDemand). The analysis
// then reads it as stored, as budgetlens analyze does.
func (b *demoBuild) expandedRequests(ctx context.Context) error {
	ev := b.demo.Events
	v := ev.Volume
	vol, err := events.ReadVolume(b.path[v.File], v.Key, v.Count)
	if err != nil {
		return err
	}
	var canon func(string) string
	if sv := b.opt.City.Services; sv != nil {
		canon = sv.Canonical
	}
	d, err := ExpandDemand(ctx, b.path[ev.File], vol, v.Field, b.layers, b.index, canon)
	if err != nil {
		return err
	}
	b.evSource, b.evSynthetic = d.describe(v.Source, ev.Source), d.Synthetic > 0
	for k, l := range b.layers {
		ds, err := analysis.EstimatedDemandDataset(l.Name, areaIDs(l), d.Demand[k], d.Outside[k], b.evSource, d.SHA256, b.evSynthetic)
		if err != nil {
			return err
		}
		if err := b.o.Store.SaveDataset(ctx, ds); err != nil {
			return err
		}
	}
	return nil
}

// analyse runs the analysis of the profile's phase by the default layer
// with the requests, the projects and the live event summary, and stores it.
func (b *demoBuild) analyse(ctx context.Context) error {
	an := b.demo.Analyze
	in, err := b.o.PrepareAnalysis(ctx, AnalyzeOptions{FiscalYear: an.FiscalYear, Phase: an.Phase, Tiers: 5, Reps: b.opt.Reps, Seed: analysis.DefaultSeed})
	if err != nil {
		return err
	}
	if b.evs != nil {
		in.Events, in.EventsSource, in.EventsSynthetic = b.evs[b.layerIndex(in.Lines.Lines)], b.evSource, b.evSynthetic
	}
	if p := b.demo.Projects; p != nil {
		projects, err := attribute.ReadProjects(b.path[p.CSV], b.path[p.GeoJSON], 0)
		if err != nil {
			return err
		}
		in.Projects, in.ProjectsSource = projects, p.Source
		for _, f := range []string{p.CSV, p.GeoJSON} {
			in.Inputs = append(in.Inputs, analysis.Source{Role: "capital projects", Name: filepath.Base(b.path[f]), SHA256: b.hashes[f]})
		}
	}
	for i := range in.Inputs {
		if in.Inputs[i].Role == "service demand" && in.Events != nil {
			in.Inputs[i].Role = "service requests"
		}
	}
	res, err := analysis.Analyze(in)
	if err != nil {
		return err
	}
	b.a = &Analysis{Input: in, Result: res}
	_, err = b.o.Store.SaveAnalysis(ctx, analysis.NewRecord(res))
	return err
}

func (b *demoBuild) compare(ctx context.Context) error {
	var err error
	b.cmp, err = b.o.Comparisons(ctx, b.a)
	b.a.Result.Comparisons = b.cmp
	return err
}

func (b *demoBuild) writeReport(ctx context.Context) error {
	b.doc = b.o.Document(b.a, b.cmp, "")
	an := b.demo.Analyze
	if err := b.o.addMeasuresSection(ctx, b.doc, MeasuresSectionOptions{Layer: b.a.Input.Layer.Name, FiscalYear: an.FiscalYear, Phase: an.Phase,
		Reps: b.opt.Reps, Seed: analysis.DefaultSeed}); err != nil {
		return err
	}
	if err := b.o.AddCapital(ctx, b.doc, CapitalReportOptions{}); err != nil {
		return err
	}
	var err error
	b.written, err = WriteReports(ctx, b.doc, b.opt.Dir, "report", b.opt.NoPDF)
	return err
}

// multiLocator places a point in an area of each of several layers at
// once: the key is the positions (+1, 0 for "none") written in mixed
// radix, radix[k] = areas of layer k + 1.
type multiLocator struct {
	ix    []*geo.Index
	radix []int
}

func newMultiLocator(layers []*geo.Layer, ix []*geo.Index) multiLocator {
	m := multiLocator{ix: ix}
	for _, l := range layers {
		m.radix = append(m.radix, len(l.Areas)+1)
	}
	return m
}

func (m multiLocator) Locate(lon, lat float64) (int, bool) {
	key, any := 0, false
	for k, ix := range m.ix {
		p, ok := ix.Locate(lon, lat)
		if !ok {
			p = -1
		}
		any = any || ok
		key = key*m.radix[k] + p + 1
	}
	return key, any
}

// size is the number of keys.
func (m multiLocator) size() int {
	n := 1
	for _, r := range m.radix {
		n *= r
	}
	return n
}

// position returns the position in layer k of a key (-1: none).
func (m multiLocator) position(key, k int) int {
	for j := len(m.radix) - 1; j > k; j-- {
		key /= m.radix[j]
	}
	return key%m.radix[k] - 1
}

// demoEvents generates the synthetic requests into a pipe, summarises them
// per combination of areas of the layers in one pass and folds the
// combinations into one summary per layer (response-time sketches merged,
// not averaged).
func demoEvents(pointsFile, county string, layers []*geo.Layer, ix []*geo.Index, rows int, seed uint64) ([]*events.Summary, string, error) {
	places, err := events.TractPlaces(pointsFile, county)
	if err != nil {
		return nil, "", err
	}
	var inCity []events.Place
	for _, p := range places {
		if _, ok := ix[0].Locate(p.Lon, p.Lat); ok {
			inCity = append(inCity, p)
		}
	}
	loc := newMultiLocator(layers, ix)
	ids := make([]string, loc.size())
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	pr, pw := io.Pipe()
	h := sha256.New()
	go func() {
		_, err := events.Generate(io.MultiWriter(pw, h), events.GenOptions{Rows: rows, Seed: seed, Places: inCity})
		pw.CloseWithError(err)
	}()
	sum, err := events.Summarize(pr, "synthetic-myla311.csv", events.Options{Locator: loc, AreaIDs: ids})
	pr.Close()
	if err != nil {
		return nil, "", err
	}
	out, err := foldLayers(sum, layers, loc)
	return out, hex.EncodeToString(h.Sum(nil)), err
}

// demoRealEvents summarises a real service-request file per area of every
// layer in one pass, as demoEvents does for the synthetic ones.
func demoRealEvents(path string, layers []*geo.Layer, ix []*geo.Index) ([]*events.Summary, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	loc := newMultiLocator(layers, ix)
	ids := make([]string, loc.size())
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	h := sha256.New()
	sum, err := events.Summarize(io.TeeReader(f, h), filepath.Base(path), events.Options{Locator: loc, AreaIDs: ids})
	if err != nil {
		return nil, "", err
	}
	out, err := foldLayers(sum, layers, loc)
	return out, hex.EncodeToString(h.Sum(nil)), err
}

// foldLayers folds a summary by combination of areas into one per layer.
func foldLayers(sum *events.Summary, layers []*geo.Layer, loc multiLocator) ([]*events.Summary, error) {
	var out []*events.Summary
	for k, l := range layers {
		s, err := foldPairs(sum, l, func(key int) int { return loc.position(key, k) })
		if err != nil {
			return nil, err
		}
		// points in an area of another layer but outside every area of
		// this one stay unplaced in this layer's summary
		s.Unplaced += countOutside(s)
		out = append(out, s)
	}
	return out, nil
}

// foldPairs folds a summary by pair into one by area of layer l; of maps a
// pair to the position of its area in l (-1: none).
func foldPairs(sum *events.Summary, l *geo.Layer, of func(k int) int) (*events.Summary, error) {
	tier := make([]string, len(sum.Areas))
	byType := make([]map[string]int, len(l.Areas))
	for i := range byType {
		byType[i] = map[string]int{}
	}
	for i, a := range sum.Areas {
		k, err := strconv.Atoi(a.AreaID)
		if err != nil {
			return nil, budget.Errorf(budget.EINTERNAL, "pair id %q: %w", a.AreaID, err)
		}
		pos := of(k)
		if pos < 0 {
			continue
		}
		tier[i] = l.Areas[pos].ID
		for t, c := range a.ByType {
			byType[pos][t] += c
		}
	}
	ts, err := sum.ByTier(tier, areaIDs(l))
	if err != nil {
		return nil, err
	}
	out := &events.Summary{File: sum.File, Rows: sum.Rows, Located: sum.Located, ByCode: sum.ByCode, Unplaced: sum.Unplaced, Open: sum.Open,
		Total: sum.Total, Types: sum.Types, Synthetic: sum.Synthetic}
	for _, t := range ts {
		pos, ok := l.Index(t.Tier)
		if !ok {
			continue
		}
		out.Areas = append(out.Areas, events.AreaSummary{AreaID: t.Tier, Stats: t.Stats, ByType: byType[pos]})
	}
	return out, nil
}

func countOutside(s *events.Summary) int {
	placed := 0
	for _, a := range s.Areas {
		placed += a.Count
	}
	d := s.Located + s.ByCode - placed
	s.Located -= d
	return d
}
