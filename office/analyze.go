package office

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/sites"
)

// AnalyzeOptions select what an analysis assesses. Zero values take the
// defaults written beside each field.
type AnalyzeOptions struct {
	FiscalYear   string // "2021-22"; default: the latest with line items of Phase
	Phase        string // default "adopted"
	Layer        string // default: the city profile's default reporting layer
	Jurisdiction string // default: all
	// Rules overrides the profile's attribution rules; RulesFile reads them
	// from a YAML file. Without either and without a profile, only rows
	// carrying their own area codes are placed.
	Rules     *attribute.Rules
	RulesFile string
	// Run is the need-index run (0: the latest that can be placed in the
	// layer; none at all is fine: no tiers then).
	Run int64
	// EventsFile is a MyLA311-style service-request CSV summarised per
	// area (EventsName names it in messages and sources when it is a copy,
	// of standard input say); GroupsFile an ACS race/ethnicity/poverty
	// tract table.
	EventsFile, EventsName, GroupsFile string
	// ProjectsCSV (and ProjectsGeoJSON, default: the CSV's name with
	// .geojson) are capital projects placed by location.
	ProjectsCSV, ProjectsGeoJSON string
	Tiers                        int    // need tiers (default 5; 0 is refused by front ends)
	Reps                         int    // LISA permutations (0: none)
	Seed                         uint64 // default analysis.DefaultSeed
	// Compare adds the other phase of the year, last year's adopted budget
	// and the latest actuals (Result.Comparisons).
	Compare bool
	// Save stores the result with its input hashes.
	Save bool
	// Limits bound the readers of EventsFile (zero: the defaults).
	Limits Limits
}

// Analysis is an analysis' inputs and result.
type Analysis struct {
	Input  *analysis.Input
	Result *analysis.Result
}

// Analyze assesses a phase: every dollar placed in the areas of the layer,
// per-resident spending by area and, with a need run, by need tier, with
// the city total and average.
func (o *Office) Analyze(ctx context.Context, opt AnalyzeOptions) (*Analysis, error) {
	in, err := o.PrepareAnalysis(ctx, opt)
	if err != nil {
		return nil, err
	}
	res, err := analysis.Analyze(in)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Input: in, Result: res}
	if opt.Compare {
		if res.Comparisons, err = o.Comparisons(ctx, a); err != nil {
			return nil, err
		}
	}
	if opt.Save {
		if _, err := o.Store.SaveAnalysis(ctx, analysis.NewRecord(res)); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// PrepareAnalysis gathers the inputs of an analysis from the store and the
// city profile, and says what is missing.
func (o *Office) PrepareAnalysis(ctx context.Context, opt AnalyzeOptions) (*analysis.Input, error) {
	fy, ph, err := o.phaseOf(ctx, opt)
	if err != nil {
		return nil, err
	}
	layer, lines, err := o.analysisLayer(ctx, opt.Layer, fy)
	if err != nil {
		return nil, err
	}
	ix := geo.NewIndex(layer)
	run, small, err := o.pickRun(ctx, opt.Run, layer)
	if err != nil {
		return nil, err
	}
	rules, err := o.rules(opt)
	if err != nil {
		return nil, err
	}
	in := &analysis.Input{Jurisdiction: opt.Jurisdiction, FiscalYear: fy, Phase: ph, Layer: layer, Index: ix, Lines: lines, Run: run, Small: small, Rules: rules,
		Tiers: opt.Tiers, Perms: opt.Reps, Seed: opt.Seed}
	if opt.Reps == 0 {
		in.Perms = -1
	}
	if err := o.budgetInputs(ctx, in); err != nil {
		return nil, err
	}
	steps := []func(context.Context, *analysis.Input, AnalyzeOptions) error{o.layerSources, o.demandInputs, o.siteInputs, o.groupInputs, o.needInputs, o.projectInputs, o.theilInputs, o.ownCodeLayers}
	for _, step := range steps {
		if err := step(ctx, in, opt); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// phaseOf parses the phase and fiscal year, the latest year with line items
// of the phase when none is given.
func (o *Office) phaseOf(ctx context.Context, opt AnalyzeOptions) (budget.FiscalYear, budget.Phase, error) {
	var fy budget.FiscalYear
	p := opt.Phase
	if p == "" {
		p = string(budget.Adopted)
	}
	ph, err := budget.ParsePhase(p)
	if err != nil {
		return fy, ph, err
	}
	if opt.FiscalYear != "" {
		fy, err = budget.ParseFiscalYear(opt.FiscalYear)
		return fy, ph, err
	}
	sl, err := o.Store.FiscalYearsPhases(ctx, opt.Jurisdiction)
	if err != nil {
		return fy, ph, err
	}
	found := false
	for _, x := range sl {
		if x.Phase == ph {
			fy, found = x.FiscalYear, true
		}
	}
	if !found {
		return fy, ph, budget.Errorf(budget.EINVALID, "no %s line items in the store: import a budget first (budgetlens import FILE)", ph)
	}
	return fy, ph, nil
}

// analysisLayer loads the layer named (the profile's default when none):
// the lines in force during the fiscal year when the profile lists the
// layer's lines (city.Profile.LinesFor), with the profile's area names;
// otherwise the stored layer of that name.
func (o *Office) analysisLayer(ctx context.Context, name string, fy budget.FiscalYear) (*geo.Layer, analysis.LayerInfo, error) {
	if name == "" && o.City != nil {
		name = o.City.DefaultLayer()
	}
	if name == "" {
		return nil, analysis.LayerInfo{}, budget.Errorf(budget.EINVALID, "name the layer to analyse with --layer (stored layers: %s), or give a city profile (--profile FILE) whose default layer is used", o.layerNames(ctx))
	}
	return o.LayerOfYear(ctx, name, fy)
}

// LayerOfYear returns a layer as it was during a fiscal year: the lines in
// force then (see analysisLayer), renamed to the layer's name so that rules,
// demand and codes find it, and how it was chosen.
func (o *Office) LayerOfYear(ctx context.Context, name string, fy budget.FiscalYear) (*geo.Layer, analysis.LayerInfo, error) {
	info := analysis.LayerInfo{Name: name, Lines: name}
	stored := name
	var areaName string
	if o.City != nil {
		if c, ok := o.City.LinesFor(name, fy); ok {
			info.Lines, info.Title, info.From, info.To, info.InForce, info.Note = c.Layer, c.Title, c.From, c.To, c.InForce, c.Note
			stored = c.Layer
		}
		if l, ok := o.City.Layer(name); ok {
			areaName = l.AreaName
		}
	}
	layer, err := o.Store.Layer(ctx, stored)
	if budget.ErrorCode(err) == budget.ENOTFOUND && stored != name {
		// the lines of the year are not stored: the layer of that name is
		// all there is, and the result says so
		if layer, err = o.Store.Layer(ctx, name); err == nil {
			info.Note = fmt.Sprintf("the %s lines in force during %s (stored layer %s) are not in the store: import them with budgetlens geo import FILE --layer %s; the stored layer %s is used, whatever period its lines are of",
				orDefault(info.Title, info.Lines), fy, stored, stored, name)
			info.Lines, info.Title, info.From, info.To, info.InForce = name, "", "", "", false
		}
	}
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		what := ""
		if stored != name {
			what = fmt.Sprintf(" (the %s of layer %s, in force during %s)", orDefault(info.Title, "lines"), name, fy)
		}
		return nil, info, budget.Errorf(budget.EINVALID, "no layer %q%s in the store (have: %s); import one with budgetlens geo import FILE --layer %s", stored, what, o.layerNames(ctx), stored)
	}
	if err != nil {
		return nil, info, err
	}
	if layer.Name != name || areaName != "" {
		l := *layer
		l.Name = name
		l.Areas = append([]geo.Area(nil), layer.Areas...)
		if areaName != "" {
			for i := range l.Areas {
				l.Areas[i].Name = strings.ReplaceAll(areaName, "{id}", l.Areas[i].ID)
			}
		}
		layer = &l
	}
	return layer, info, nil
}

// plannedLayer returns a layer as stored, for plans of years to come: the
// lines in force now, whatever the profile records of earlier lines.
func (o *Office) plannedLayer(ctx context.Context, name string) (*geo.Layer, error) {
	if name == "" && o.City != nil {
		name = o.City.DefaultLayer()
	}
	if name == "" {
		return nil, budget.Errorf(budget.EINVALID, "name the layer to analyse with --layer (stored layers: %s), or give a city profile (--profile FILE) whose default layer is used", o.layerNames(ctx))
	}
	layer, err := o.Store.Layer(ctx, name)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.EINVALID, "no layer %q in the store (have: %s); import one with budgetlens geo import FILE --layer %s", name, o.layerNames(ctx), name)
	}
	return layer, err
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (o *Office) layerNames(ctx context.Context) string {
	ls, err := o.Store.Layers(ctx)
	if err != nil || len(ls) == 0 {
		return "none"
	}
	var n []string
	for _, l := range ls {
		n = append(n, l.Layer)
	}
	return strings.Join(n, ", ")
}

// rules returns the attribution rules: the option's, the file's, the
// profile's, or none (only rows with their own area codes are placed).
func (o *Office) rules(opt AnalyzeOptions) (*attribute.Rules, error) {
	switch {
	case opt.Rules != nil:
		return opt.Rules, nil
	case opt.RulesFile != "":
		b, err := readFile(opt.RulesFile, "--rules")
		if err != nil {
			return nil, err
		}
		return attribute.ParseRules(b, opt.RulesFile)
	case o.City != nil && o.City.Rules() != nil:
		return o.City.Rules(), nil
	}
	reason := "no attribution rules: give a city profile with rules (budgetlens profile init) or --rules FILE (budgetlens rules init)"
	if o.City != nil {
		reason = "the city profile " + o.City.Name + " has no attribution rules: add them (budgetlens rules init) or give --rules FILE"
	}
	return attribute.NoRules(reason), nil
}

// budgetInputs reads the phase's line items, total and the year's requests.
func (o *Office) budgetInputs(ctx context.Context, in *analysis.Input) error {
	f := budget.Filter{Jurisdiction: in.Jurisdiction, FiscalYear: &in.FiscalYear, Phase: in.Phase, Kind: budget.Expenditure}
	var err error
	if in.Items, err = o.Store.LineItems(ctx, f); err != nil {
		return err
	}
	if len(in.Items) == 0 {
		return budget.Errorf(budget.EINVALID, "no %s expenditure line items for %s in the store: import the budget files (budgetlens import FILE)", in.Phase, in.FiscalYear)
	}
	if in.PhaseTotal, err = o.Store.PhaseTotal(ctx, f); err != nil {
		return err
	}
	if in.Requests, err = o.Store.Requests(ctx, budget.Filter{Jurisdiction: in.Jurisdiction, FiscalYear: &in.FiscalYear}); err != nil {
		return err
	}
	if err := o.consolidate(in); err != nil {
		return err
	}
	runs, err := o.Store.ImportRuns(ctx)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Kind == "" || strings.Contains(r.Dataset, "expenditures") || strings.Contains(r.Dataset, "requests") {
			in.Inputs = append(in.Inputs, analysis.Source{Role: "budget " + r.Dataset, Name: filepath.Base(r.SourceFile), SHA256: r.ContentHash})
		}
	}
	return nil
}

// consolidate counts each dollar of the phase once: the profile's
// transfers between funds lose their paying side (budget.Consolidate), and
// the requests of that side go with it. The store's total must be the sum
// of the lines read before anything is removed.
func (o *Office) consolidate(in *analysis.Input) error {
	var sum int64
	for i := range in.Items {
		sum += in.Items[i].AmountCents
	}
	if sum != in.PhaseTotal {
		return budget.Errorf(budget.EINTERNAL, "the %s %s line items sum to %s but the store's phase total is %s", in.FiscalYear, in.Phase, analysis.FormatCents(sum), analysis.FormatCents(in.PhaseTotal))
	}
	if o.City == nil || len(o.City.Transfers) == 0 {
		return nil
	}
	items, c := budget.Consolidate(in.Items, o.City.Transfers)
	in.Items, in.PhaseTotal, in.Consolidation = items, c.Net, &c
	in.Requests = budget.ConsolidateRequests(in.Requests, o.City.Transfers, c)
	return nil
}

// layerSource describes a stored layer (stored under the name stored) as an
// input: the sha256 of the file it was imported from (as sha256sum prints
// it), or, for a layer stored before budgetlens kept that hash, the sha256
// of its GeoJSON, said so.
func layerSource(l *geo.Layer, stored string) analysis.Source {
	name := "stored layer " + stored
	if l.Source != "" {
		name += " (from " + filepath.Base(l.Source) + ")"
	}
	if l.SourceHash != "" {
		return analysis.Source{Role: "area layer", Name: name, SHA256: l.SourceHash}
	}
	h := sha256.New()
	geo.WriteGeoJSON(h, l)
	return analysis.Source{Role: "area layer (sha256 of its GeoJSON as stored: the file's hash was not kept)", Name: name, SHA256: hex.EncodeToString(h.Sum(nil))}
}

func (o *Office) layerSources(_ context.Context, in *analysis.Input, _ AnalyzeOptions) error {
	in.Inputs = append(in.Inputs, layerSource(in.Layer, in.Lines.Lines))
	if in.Small != nil {
		in.Inputs = append(in.Inputs, layerSource(in.Small, in.Small.Name))
	}
	return nil
}

// siteInputs reads the profile's stored site lists and weighs them for the
// fiscal year analysed (rows dated in it; undated lists whole).
func (o *Office) siteInputs(ctx context.Context, in *analysis.Input, _ AnalyzeOptions) error {
	if o.City == nil || len(o.City.Sites) == 0 {
		return nil
	}
	first, last := city.FiscalYearDays(in.FiscalYear, o.City.FiscalYearStart)
	for _, spec := range o.City.Sites {
		d, err := o.Store.Dataset(ctx, "sites", spec.Name)
		if budget.ErrorCode(err) == budget.ENOTFOUND {
			continue // not imported: the rules' fallbacks place those dollars
		}
		if err != nil {
			return err
		}
		l, err := sites.Decode(d.Body)
		if err != nil {
			return err
		}
		if in.Sites == nil {
			in.Sites = map[string][]attribute.Site{}
		}
		in.Sites[spec.Name] = l.Weights(first.Format("2006-01-02"), last.Format("2006-01-02"))
		in.Inputs = append(in.Inputs, analysis.Source{Role: "sites: " + spec.Name, Name: d.Source, SHA256: d.SHA256})
	}
	return nil
}

// demandInputs summarises a service-request file, or reads the stored
// demand of the layer.
func (o *Office) demandInputs(ctx context.Context, in *analysis.Input, opt AnalyzeOptions) error {
	if opt.EventsFile != "" {
		sum, hash, err := summarizeEvents(opt.EventsFile, in.Layer, in.Index, opt.Limits)
		if err != nil {
			return err
		}
		name := opt.EventsName
		if name == "" {
			name = opt.EventsFile
		}
		in.Events, in.EventsSource = sum, name
		in.EventsSynthetic = sum.Synthetic > 0
		in.Inputs = append(in.Inputs, analysis.Source{Role: "service requests", Name: filepath.Base(name), SHA256: hash, Synthetic: in.EventsSynthetic})
		return nil
	}
	d, err := o.Store.Dataset(ctx, "demand", in.Lines.Lines)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if in.Demand, err = d.Demand(areaIDs(in.Layer)); err != nil {
		return err
	}
	if in.DemandEstimated, in.DemandOutside, err = d.DemandInfo(); err != nil {
		return budget.Errorf(budget.EINTERNAL, "stored demand of %s: %w", in.Lines.Lines, err)
	}
	in.EventsSynthetic, in.EventsSource = d.Synthetic, d.Source
	in.Inputs = append(in.Inputs, analysis.Source{Role: "service demand", Name: d.Source, SHA256: d.SHA256, Synthetic: d.Synthetic})
	return nil
}

func areaIDs(l *geo.Layer) []string {
	ids := make([]string, len(l.Areas))
	for i, a := range l.Areas {
		ids[i] = a.ID
	}
	return ids
}

// groupInputs reads the population groups from a file or the store.
func (o *Office) groupInputs(ctx context.Context, in *analysis.Input, opt AnalyzeOptions) error {
	if opt.GroupsFile != "" {
		if err := checkInput(opt.GroupsFile, "--groups"); err != nil {
			return err
		}
		g, err := analysis.ReadGroupCounts(opt.GroupsFile)
		in.Groups = g
		return err
	}
	d, err := o.Store.Dataset(ctx, "groups", "acs")
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	var g analysis.GroupCounts
	if err := json.Unmarshal(d.Body, &g); err != nil {
		return budget.Errorf(budget.EINTERNAL, "stored population groups: %w", err)
	}
	in.Groups = &g
	return nil
}

// needInputs describes the need measure from the profile and reads the
// other measures stored for the run's small areas ("need-measures").
func (o *Office) needInputs(ctx context.Context, in *analysis.Input, _ AnalyzeOptions) error {
	if in.Run == nil {
		return nil
	}
	if o.City != nil && o.City.Need != nil {
		in.Need = &analysis.NeedInfo{Name: in.Run.Spec, Label: o.City.Need.Label, Why: strings.Join(strings.Fields(o.City.Need.Why), " ")}
	}
	name := in.Run.Layer
	d, err := o.Store.Dataset(ctx, "need-measures", name)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	m, err := d.Measures()
	if err != nil {
		return budget.Errorf(budget.EINTERNAL, "stored need measures of %s: %w", name, err)
	}
	in.Measures = m.Measures
	if in.Need == nil {
		in.Need = &analysis.NeedInfo{Name: m.Primary.Name, Label: m.Primary.Label, Why: m.Primary.Why}
	}
	in.Need.Check = m.Check
	in.Inputs = append(in.Inputs, analysis.Source{Role: "need measures", Name: d.Source, SHA256: d.SHA256})
	return nil
}

// projectInputs reads capital projects placed by location.
func (o *Office) projectInputs(_ context.Context, in *analysis.Input, opt AnalyzeOptions) error {
	if opt.ProjectsCSV == "" {
		return nil
	}
	gj := opt.ProjectsGeoJSON
	if gj == "" {
		gj = strings.TrimSuffix(opt.ProjectsCSV, filepath.Ext(opt.ProjectsCSV)) + ".geojson"
	}
	for _, f := range []string{opt.ProjectsCSV, gj} {
		if err := checkInput(f, "--projects"); err != nil {
			return err
		}
	}
	var err error
	if in.Projects, err = attribute.ReadProjects(opt.ProjectsCSV, gj, 0); err != nil {
		return err
	}
	in.ProjectsSource = filepath.Base(opt.ProjectsCSV)
	for _, f := range []string{opt.ProjectsCSV, gj} {
		h, err := fileSHA256(f, "--projects")
		if err != nil {
			return err
		}
		in.Inputs = append(in.Inputs, analysis.Source{Role: "capital projects", Name: filepath.Base(f), SHA256: h})
	}
	return nil
}

// theilInputs loads the profile's Theil units and groups, when the layer
// is not the small areas of the need run.
func (o *Office) theilInputs(ctx context.Context, in *analysis.Input, _ AnalyzeOptions) error {
	if o.City == nil || o.City.Theil == nil {
		return nil
	}
	if slices := o.City.LayerNames(city.RoleSmallAreas); contains(slices, in.Layer.Name) || (in.Small != nil && in.Small.Name == in.Layer.Name) {
		return nil
	}
	units, ui, e1 := o.LayerOfYear(ctx, o.City.Theil.Units, in.FiscalYear)
	groups, gi, e2 := o.LayerOfYear(ctx, o.City.Theil.Groups, in.FiscalYear)
	if e1 != nil || e2 != nil {
		return nil // the decomposition is optional: the layers are not stored
	}
	in.Units, in.Districts = units, groups
	for _, l := range []struct {
		l    *geo.Layer
		info analysis.LayerInfo
	}{{units, ui}, {groups, gi}} {
		if l.l.Name != in.Layer.Name {
			in.Inputs = append(in.Inputs, layerSource(l.l, l.info.Lines))
		}
	}
	d, err := o.Store.Dataset(ctx, "demand", ui.Lines)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	in.UnitsDemand, err = d.Demand(areaIDs(units))
	return err
}

// ownCodeLayers loads the layers whose ids budget rows carry, when they
// are not the analysis layer, so those rows can be placed through them.
func (o *Office) ownCodeLayers(ctx context.Context, in *analysis.Input, _ AnalyzeOptions) error {
	seen := map[string]bool{in.Layer.Name: true, "": true}
	for i := range in.Items {
		name := in.Items[i].AreaLayer
		if seen[name] {
			continue
		}
		seen[name] = true
		l, err := o.Store.Layer(ctx, name)
		if budget.ErrorCode(err) == budget.ENOTFOUND {
			continue // those rows stay unattributed, with the reason
		}
		if err != nil {
			return err
		}
		in.CodeLayers = append(in.CodeLayers, l)
	}
	// the layers of the rules' own codes, in the lines of the year (a
	// rule splitting dollars by council office names the districts of the
	// year analysed)
	if in.Rules == nil {
		return nil
	}
	for _, ru := range in.Rules.Rules {
		name := ru.CodesLayer
		if seen[name] {
			continue
		}
		seen[name] = true
		l, _, err := o.LayerOfYear(ctx, name, in.FiscalYear)
		if c := budget.ErrorCode(err); c == budget.EINVALID || c == budget.ENOTFOUND {
			continue // not stored: the rule cannot place there, and its fallback says so
		}
		if err != nil {
			return err
		}
		in.CodeLayers = append(in.CodeLayers, l)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pickRun returns the need run to use and, when its areas are not the
// layer's own, the stored layer of its areas (their points place them). No
// run at all is not an error: the analysis then has no need tiers.
func (o *Office) pickRun(ctx context.Context, id int64, layer *geo.Layer) (*need.Run, *geo.Layer, error) {
	try := func(r *need.Run) (*geo.Layer, bool) {
		if r.Layer == layer.Name {
			return nil, true
		}
		if r.Layer == "" || layer.NoGeometry {
			return nil, false // nothing can be located in areas without boundaries
		}
		small, err := o.Store.Layer(ctx, r.Layer)
		if err != nil {
			return nil, false
		}
		return small, true
	}
	if id != 0 {
		r, err := o.Store.Run(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		small, ok := try(r)
		if !ok {
			return nil, nil, budget.Errorf(budget.EINVALID, "need run %d is over layer %q, which is not stored: import its areas (points or polygons) with budgetlens geo import FILE --layer %s", id, r.Layer, r.Layer)
		}
		return r, small, nil
	}
	infos, err := o.Store.Runs(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i := len(infos) - 1; i >= 0; i-- {
		r, err := o.Store.Run(ctx, infos[i].ID)
		if err != nil {
			return nil, nil, err
		}
		if small, ok := try(r); ok {
			return r, small, nil
		}
	}
	return nil, nil, nil
}

// summarizeEvents streams a service-request file through the layer.
func summarizeEvents(path string, layer *geo.Layer, ix *geo.Index, lim Limits) (*events.Summary, string, error) {
	f, err := openCSVInput(path, "--events")
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := sha256.New()
	ids := areaIDs(layer)
	pop := make([]float64, len(layer.Areas))
	codes := map[string]int{}
	for i, a := range layer.Areas {
		pop[i] = a.Population
		codes[a.ID] = i
	}
	s, err := events.Summarize(teeReader(f, h), path, events.Options{Locator: ix, AreaIDs: ids, Population: pop, CodeColumn: events.ColCD, Codes: codes, Lenient: true, Limits: lim.Table})
	if err != nil {
		return nil, "", err
	}
	return s, hex.EncodeToString(h.Sum(nil)), nil
}

// Comparisons analyses, with the main analysis' layer, rules, need and
// demand, the other phase of the year, last year's adopted budget and the
// latest actual spending in the store up to the year (no requests, no
// permutations), each on the lines in force during its own year, in time
// order.
func (o *Office) Comparisons(ctx context.Context, a *Analysis) ([]analysis.CompareRow, error) {
	base, main := a.Input, a.Result
	fy := base.FiscalYear
	sl, err := o.Store.FiscalYearsPhases(ctx, base.Jurisdiction)
	if err != nil {
		return nil, err
	}
	var actual *budget.Slice
	for i, x := range sl {
		if x.Phase == budget.Actual && x.FiscalYear.Start <= fy.Start && (actual == nil || x.FiscalYear.Start > actual.FiscalYear.Start) {
			actual = &sl[i]
		}
	}
	var rs []*analysis.Result
	seen := map[string]bool{}
	for _, x := range sl {
		same, prev := x.FiscalYear.String() == fy.String(), x.FiscalYear.String() == prevFY(fy)
		keep := same && (x.Phase == budget.Proposed || x.Phase == budget.Adopted) || prev && x.Phase == budget.Adopted ||
			actual != nil && x.Phase == budget.Actual && x.FiscalYear.String() == actual.FiscalYear.String()
		key := x.FiscalYear.String() + string(x.Phase)
		if !keep || seen[key] {
			continue
		}
		seen[key] = true
		if x.FiscalYear.String() == main.FiscalYear && string(x.Phase) == main.Phase {
			rs = append(rs, main)
			continue
		}
		r, err := o.compareOne(ctx, base, x)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return analysis.Compare(rs...), nil
}

// compareOne analyses another slice like base: the same inputs when its
// year has the same lines, else the inputs prepared for its year.
func (o *Office) compareOne(ctx context.Context, base *analysis.Input, x budget.Slice) (*analysis.Result, error) {
	layer, lines, err := o.LayerOfYear(ctx, base.Lines.Name, x.FiscalYear)
	if err != nil {
		return nil, err
	}
	in := *base
	if lines.Lines != base.Lines.Lines {
		opt := AnalyzeOptions{FiscalYear: x.FiscalYear.Label(), Phase: string(x.Phase), Layer: base.Lines.Name, Jurisdiction: base.Jurisdiction, Rules: base.Rules, Run: runID(base), Tiers: base.Tiers}
		p, err := o.PrepareAnalysis(ctx, opt)
		if err != nil {
			return nil, err
		}
		in = *p
	} else {
		in.Layer, in.Lines = layer, lines
		in.FiscalYear, in.Phase = x.FiscalYear, x.Phase
		if err := o.budgetInputs(ctx, &in); err != nil {
			return nil, err
		}
		if in.Demand == nil && base.Events != nil {
			in.Demand = analysis.DemandOf(base.Events, base.Layer)
		}
	}
	in.Requests, in.Units, in.Districts, in.Events, in.Projects = nil, nil, nil, nil, nil
	in.Perms = -1
	return analysis.Analyze(&in)
}

func runID(in *analysis.Input) int64 {
	if in.Run == nil {
		return 0
	}
	return in.Run.ID
}

func prevFY(fy budget.FiscalYear) string {
	p, err := budget.ParseFiscalYear(fmt.Sprintf("%d-%02d", fy.Start-1, fy.Start%100))
	if err != nil {
		return ""
	}
	return p.String()
}
