package office

import (
	"context"
	"sort"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
)

// GapsOptions select the tier comparisons of `measures gaps`.
type GapsOptions struct {
	Layer string
	// Period splits the comparisons (default year; all for one).
	Period   string
	From, To string
	Events   string
	// Measures are the service measures compared (default: every measure
	// but the plain counts).
	Measures []string
	Tiers    int
	Run      int64
	// Reps bootstrap replicates (default 999) and Seed (default
	// analysis.DefaultSeed).
	Reps int
	Seed uint64
	// Weighting carries published means: events (default) or area.
	Weighting string
	// NoPublished leaves the published sets out; Set keeps only one.
	NoPublished bool
	Set         string
	// NoEvents leaves the service measures out.
	NoEvents bool
}

// PublishedGaps are the comparisons of one published set.
type PublishedGaps struct {
	Set       string         `json:"set"`
	Label     string         `json:"label"`
	Derived   bool           `json:"derived"`
	Weighting string         `json:"weighting"`
	Gaps      []measures.Gap `json:"gaps"`
	Notes     []string       `json:"notes,omitempty"`
}

// GapsResult is every comparison of a layer's need tiers.
type GapsResult struct {
	Layer     string          `json:"layer"`
	Tiers     int             `json:"tiers"`
	Period    string          `json:"period"`
	Label     string          `json:"label"`
	Synthetic bool            `json:"synthetic"`
	Gaps      []measures.Gap  `json:"gaps"`
	Published []PublishedGaps `json:"published"`
	Notes     []string        `json:"notes,omitempty"`
}

// gapMeasures are the measures compared by default: every one but the
// counts (requests and backlog grow with population).
func (o *Office) gapMeasures(ids []string) ([]*measures.Definition, error) {
	if len(ids) > 0 {
		return o.pickMeasures(ids)
	}
	var out []*measures.Definition
	for i := range o.measureSet().Measures {
		m := &o.measureSet().Measures[i]
		if m.Kind != measures.KindCount && m.Kind != measures.KindBacklog {
			out = append(out, m)
		}
	}
	return out, nil
}

// gapOptions are the bootstrap options for a frame.
func gapOptions(fr *analysis.Frame, reps int, seed uint64) measures.GapOptions {
	if seed == 0 {
		seed = analysis.DefaultSeed
	}
	return measures.GapOptions{Tier: fr.Tier, Tiers: fr.Tiers, Score: fr.Score, Population: fr.Population, Reps: reps, Seed: seed,
		TierLabel: analysis.TierLabel}
}

// MeasureGaps compares the service measures and every published set's
// measures between the layer's highest- and lowest-need tiers, period by
// period, with bootstrap intervals, and their concentration by need.
func (o *Office) MeasureGaps(ctx context.Context, opt GapsOptions) (*GapsResult, error) {
	if opt.Period == "" {
		opt.Period = "year"
	}
	per, err := measures.ParsePeriod(opt.Period)
	if err != nil {
		return nil, err
	}
	l, fr, err := o.areaFrame(ctx, opt.Layer, opt.Tiers, opt.Run)
	if err != nil {
		return nil, err
	}
	if fr.Tiers < 2 || fr.Mapping == "no need run" {
		return nil, budget.Errorf(budget.EINVALID, "no need tiers for layer %s: compute a need index first (budgetlens index run), then compare tiers", l.Name)
	}
	res := &GapsResult{Layer: l.Name, Tiers: fr.Tiers, Period: string(per), Gaps: []measures.Gap{}, Published: []PublishedGaps{}}
	gopt := gapOptions(fr, opt.Reps, opt.Seed)
	st, err := o.Store.EventStats(ctx)
	if err != nil {
		return nil, err
	}
	if st.Requests > 0 && !opt.NoEvents {
		if err := o.eventGaps(ctx, opt, per, l, fr, gopt, res); err != nil {
			return nil, err
		}
	} else if st.Requests == 0 {
		res.Notes = append(res.Notes, "no service requests are stored (budgetlens events import FILE)")
	}
	if !opt.NoPublished {
		if err := o.publishedGaps(ctx, opt, per, l, fr, gopt, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (o *Office) eventGaps(ctx context.Context, opt GapsOptions, per measures.Period, l *geo.Layer, fr *analysis.Frame, gopt measures.GapOptions, res *GapsResult) error {
	defs, err := o.gapMeasures(opt.Measures)
	if err != nil {
		return err
	}
	tq, from, to, err := o.measureQuery(ctx, MeasureOptions{Layer: l.Name, Period: string(per), From: opt.From, To: opt.To, Events: opt.Events, Tiers: opt.Tiers, Run: opt.Run}, defs)
	if err != nil {
		return err
	}
	d, release, err := o.measureData(ctx, from, to)
	if err != nil {
		return err
	}
	defer release()
	t, err := measures.Compute(d, tq.q)
	if err != nil {
		return err
	}
	if res.Gaps, err = measures.Gaps(t, gopt); err != nil {
		return err
	}
	res.Synthetic = t.Synthetic
	if res.Label, err = o.eventLabel(ctx, tq.q.Events); err != nil {
		return err
	}
	res.Notes = append(res.Notes, o.tableNotes(tq, t)...)
	return nil
}

func (o *Office) publishedGaps(ctx context.Context, opt GapsOptions, per measures.Period, l *geo.Layer, fr *analysis.Frame, gopt measures.GapOptions, res *GapsResult) error {
	sets, err := o.Store.PublishedSets(ctx)
	if err != nil {
		return err
	}
	cal := measures.Calendar{Period: per, FiscalStart: o.fiscalStart()}
	for _, info := range sets {
		if opt.Set != "" && info.Name != opt.Set {
			continue
		}
		set, err := o.Store.PublishedSet(ctx, info.Name)
		if err != nil {
			return err
		}
		carry, err := o.carry(ctx, set, l)
		if err != nil {
			return err
		}
		w := opt.Weighting
		if w == "" {
			w = measures.WeightByEvents
		}
		pg := PublishedGaps{Set: set.Name, Label: set.Label(), Derived: set.Derived, Weighting: w, Gaps: []measures.Gap{}}
		for _, m := range set.Measures {
			gs, notes, err := measures.PublishedGaps(set, m.ID, carry, cal, w, gopt)
			if err != nil {
				return err
			}
			pg.Gaps = append(pg.Gaps, gs...)
			for _, n := range notes {
				if !contains(pg.Notes, n) {
					pg.Notes = append(pg.Notes, n)
				}
			}
		}
		res.Published = append(res.Published, pg)
	}
	return nil
}

// carry builds how a published set's areas lie in a layer: the set's
// layer crossed with it by ground area.
func (o *Office) carry(ctx context.Context, set *measures.PublishedSet, target *geo.Layer) (*measures.Carry, error) {
	src, err := o.Store.Layer(ctx, set.Layer)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.EINVALID, "published set %s is by the areas of layer %s, which is no longer stored: import it again (budgetlens geo import FILE --layer %s)", set.Name, set.Layer, set.Layer)
	}
	if err != nil {
		return nil, err
	}
	spec := publishedMatch(set)
	codeOf, err := unitCodes(set, src, spec)
	if err != nil {
		return nil, err
	}
	c := &measures.Carry{Shares: map[string][]measures.Share{}, UnitArea: map[string]float64{}, Targets: len(target.Areas)}
	featArea := make([]float64, len(src.Areas))
	for i := range src.Areas {
		if !src.Areas[i].PointOnly() {
			featArea[i] = geo.AreaM2(src.Areas[i].Geom)
		}
		if code := codeOf[i]; code != "" {
			c.UnitArea[code] += featArea[i]
		}
	}
	pos := map[string]int{}
	for i, a := range target.Areas {
		pos[a.ID] = i
	}
	srcPos := map[string]int{}
	for i, a := range src.Areas {
		srcPos[a.ID] = i
	}
	acc := map[string]map[int]float64{}
	cw := geo.NewCrosswalk(src, target, geo.AreaWeighted)
	for _, r := range cw.Rows {
		i := srcPos[r.From]
		code := codeOf[i]
		if code == "" || c.UnitArea[code] == 0 {
			continue
		}
		if acc[code] == nil {
			acc[code] = map[int]float64{}
		}
		acc[code][pos[r.To]] += r.Weight * featArea[i] / c.UnitArea[code]
	}
	for code, m := range acc {
		var shares []measures.Share
		for a, f := range m {
			shares = append(shares, measures.Share{Area: a, Frac: f})
		}
		sort.Slice(shares, func(i, j int) bool { return shares[i].Area < shares[j].Area })
		c.Shares[code] = shares
	}
	return c, nil
}

// publishedMatch is how a set's codes meet its layer's areas (its spec's
// rule, from the built-in specs by format; default id).
func publishedMatch(set *measures.PublishedSet) string {
	specs, err := measures.PublishedSpecs()
	if err != nil {
		return "id"
	}
	for _, s := range specs {
		if s.Format == set.Format && s.Match != "" {
			return s.Match
		}
	}
	return "id"
}

// unitCodes gives each area of the set's layer the published code it
// belongs to ("" none): by id (geo.IDKey) or by name (events.NormalizeName).
func unitCodes(set *measures.PublishedSet, l *geo.Layer, match string) ([]string, error) {
	codes := map[string]string{}
	for _, v := range set.Values {
		codes[codeKey(v.Area, match)] = v.Area
	}
	out := make([]string, len(l.Areas))
	found := 0
	for i, a := range l.Areas {
		k := codeKey(a.ID, match)
		if match == "name" {
			k = codeKey(a.Name, match)
		}
		if code, ok := codes[k]; ok {
			out[i] = code
			found++
		}
	}
	if found == 0 {
		return nil, budget.Errorf(budget.EINVALID, "no area of layer %s matches a code of published set %s (codes such as %q, matched by %s): check --layer", l.Name, set.Name, set.Values[0].Area, match)
	}
	return out, nil
}

func codeKey(s, match string) string {
	if match == "name" {
		return events.NormalizeName(s)
	}
	return geo.IDKey(s)
}

// PublishedImportOptions say what to import.
type PublishedImportOptions struct {
	File    string
	Layer   string // the stored layer whose areas the file's codes name
	Mapping string // a spec for a file in no known format
	Name    string // the set's name (default: the spec's)
}

// PublishedImport is what an import stored.
type PublishedImport struct {
	Set      string   `json:"set"`
	Format   string   `json:"format"`
	Layer    string   `json:"layer"`
	Derived  bool     `json:"derived"`
	Label    string   `json:"label"`
	Measures []string `json:"measures"`
	Values   int      `json:"values"`
	Areas    int      `json:"areas"`
	Matched  int      `json:"areas_matched"`
	// Unmatched are codes that name no area of the layer.
	Unmatched []string `json:"unmatched_codes,omitempty"`
	Checks    []string `json:"checks,omitempty"`
}

// ImportPublished reads a file of measures published by area and stores
// it, replacing a set of the same name, after checking that its codes name
// areas of the layer.
func (o *Office) ImportPublished(ctx context.Context, opt PublishedImportOptions) (*PublishedImport, error) {
	if opt.Layer == "" {
		return nil, budget.Errorf(budget.EINVALID, "name the layer whose areas the file's codes name with --layer (import it first with budgetlens geo import)")
	}
	l, err := o.Store.Layer(ctx, opt.Layer)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.EINVALID, "no layer %q in the store (have: %s); import the areas the file is published by first: budgetlens geo import FILE --layer %s", opt.Layer, o.layerNames(ctx), opt.Layer)
	}
	if err != nil {
		return nil, err
	}
	var spec *measures.PublishedSpec
	if opt.Mapping != "" {
		b, err := readFile(opt.Mapping, "--mapping")
		if err != nil {
			return nil, err
		}
		if spec, err = measures.ParsePublishedSpec(opt.Mapping, b); err != nil {
			return nil, err
		}
	}
	f, err := openCSVInput(opt.File, "FILE")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set, err := measures.ReadPublished(f, opt.File, spec)
	if err != nil {
		return nil, err
	}
	set.Layer = l.Name
	if opt.Name != "" {
		set.Name = opt.Name
	}
	match := "id"
	if spec != nil && spec.Match != "" {
		match = spec.Match
	} else if spec == nil {
		match = publishedMatch(set)
	}
	codes, err := unitCodes(set, l, match)
	if err != nil {
		return nil, err
	}
	out := &PublishedImport{Set: set.Name, Format: set.Format, Layer: l.Name, Derived: set.Derived, Values: len(set.Values), Checks: set.Checks}
	have := map[string]bool{}
	for _, c := range codes {
		if c != "" {
			have[c] = true
		}
	}
	all := map[string]bool{}
	for _, v := range set.Values {
		all[v.Area] = true
	}
	for c := range all {
		if !have[c] {
			out.Unmatched = append(out.Unmatched, c)
		}
	}
	sort.Strings(out.Unmatched)
	out.Areas, out.Matched = len(all), len(all)-len(out.Unmatched)
	for _, m := range set.Measures {
		out.Measures = append(out.Measures, m.ID)
	}
	if err := o.Store.SavePublished(ctx, set); err != nil {
		return nil, err
	}
	out.Label = set.Label()
	return out, nil
}
