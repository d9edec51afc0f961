package office

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/placement"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
)

// CapitalNeedOptions say where a plan is placed and what need it is set
// against.
type CapitalNeedOptions struct {
	Plan string
	// Layer is the layer of areas (default: the plan's area layer, else
	// the city profile's default reporting layer).
	Layer string
	// Run is the need run (0: the latest that can be placed in the layer).
	Run int64
	// RankBy are numeric layer attributes ranking need (the first is the
	// main measure, the others variants); LowerIsNeedier reverses them
	// (median income).
	RankBy         []string
	LowerIsNeedier bool
	// NoNeed analyses dollars and dollars per resident only.
	NoNeed bool
	Tiers  int // default 5
	// Split is the split rule of multi-area codes (default: the profile's
	// capital.split, else population).
	Split string
	// ApartAbove in cents: projects costing at least this are reported
	// apart (0: the profile's capital.apart_above; negative: none).
	ApartAbove int64
}

// capitalSetup is a plan placed in a layer against need.
type capitalSetup struct {
	plan     *projects.Plan
	layer    *geo.Layer
	ix       *geo.Index
	frame    *placement.Frame
	place    *placement.Placement
	variants []placement.Variant
	sources  []string // inputs in words
}

// AnalyzeCapital says where a plan's dollars went: every project placed in
// the layer's areas (citywide, unplaced and apart dollars accounted for
// apart), per area and year, per resident, by need tier, with the
// concentration index by need and its range over need measures and split
// rules.
func (o *Office) AnalyzeCapital(ctx context.Context, opt CapitalNeedOptions) (*placement.Analysis, error) {
	cs, err := o.capitalSetup(ctx, opt)
	if err != nil {
		return nil, err
	}
	return placement.Analyze(cs.place, cs.frame, cs.variants), nil
}

func (o *Office) capitalSetup(ctx context.Context, opt CapitalNeedOptions) (*capitalSetup, error) {
	plan, err := o.CapitalPlan(ctx, opt.Plan)
	if err != nil {
		return nil, err
	}
	if opt.Layer == "" {
		opt.Layer = plan.AreaLayer
	}
	layer, err := o.plannedLayer(ctx, opt.Layer)
	if err != nil {
		return nil, err
	}
	cs := &capitalSetup{plan: plan, layer: layer}
	if !layer.NoGeometry {
		cs.ix = geo.NewIndex(layer)
	}
	if opt.Tiers <= 0 {
		opt.Tiers = 5
	}
	needs, err := o.capitalFrame(ctx, cs, opt)
	if err != nil {
		return nil, err
	}
	popt, err := o.placeOptions(opt)
	if err != nil {
		return nil, err
	}
	popt.Population = cs.frame.Population
	if cs.place, err = placement.Place(plan, layer, cs.ix, popt); err != nil {
		return nil, err
	}
	for _, split := range otherSplits(popt.Split) {
		alt := popt
		alt.Split = split
		p, err := placement.Place(plan, layer, cs.ix, alt)
		if err != nil {
			continue // an attribute split another layer lacks: not a variant
		}
		cs.variants = append(cs.variants, placement.Variant{Placement: p})
	}
	for _, n := range needs {
		for _, p := range append([]*placement.Placement{cs.place}, variantPlacements(cs.variants)...) {
			cs.variants = append(cs.variants, placement.Variant{Placement: p, Need: n})
		}
	}
	return cs, nil
}

func variantPlacements(vs []placement.Variant) []*placement.Placement {
	var out []*placement.Placement
	for _, v := range vs {
		if v.Need == nil {
			out = append(out, v.Placement)
		}
	}
	return out
}

// otherSplits are the split rules counted beside the chosen one.
func otherSplits(s placement.Split) []placement.Split {
	var out []placement.Split
	for _, r := range []string{"population", "equal"} {
		if s.Rule != r {
			out = append(out, placement.Split{Rule: r})
		}
	}
	return out
}

func (o *Office) placeOptions(opt CapitalNeedOptions) (placement.Options, error) {
	split := opt.Split
	var apart int64
	if c := o.capitalProfile(); c != nil {
		if split == "" {
			split = c.Split
		}
		apart = int64(math.Round(c.ApartAbove * 100))
	}
	if opt.ApartAbove != 0 {
		apart = max(opt.ApartAbove, 0)
	}
	s, err := placement.ParseSplit(split)
	return placement.Options{Split: s, ApartCents: apart}, err
}

func (o *Office) capitalProfile() *city.Capital {
	if o.City == nil {
		return nil
	}
	return o.City.Capital
}

// capitalFrame finds the residents and need of the layer's areas: the main
// need measure in cs.frame, the other measures returned as variants.
func (o *Office) capitalFrame(ctx context.Context, cs *capitalSetup, opt CapitalNeedOptions) ([]*placement.Need, error) {
	runs, err := o.placeableRuns(ctx, cs.layer, opt.Run)
	if err != nil {
		return nil, err
	}
	fr := &placement.Frame{Layer: cs.layer, Population: make([]float64, len(cs.layer.Areas)), PopulationSource: "layer"}
	var needs []*placement.Need
	for i, rr := range runs {
		af, err := analysis.BuildFrame(cs.layer, cs.ix, rr.run, rr.small, nil, opt.Tiers)
		if err != nil {
			return nil, err
		}
		n := &placement.Need{Label: o.runLabel(rr.run), Score: af.Score, Tier: af.Tier, Tiers: af.Tiers}
		if i == 0 {
			copy(fr.Population, af.Population)
			fr.PopulationSource = af.PopulationSource
		}
		needs = append(needs, n)
		cs.sources = append(cs.sources, fmt.Sprintf("need run %d (%s) over layer %s", rr.run.ID, n.Label, rr.run.Layer))
	}
	if len(runs) == 0 {
		for k, a := range cs.layer.Areas {
			fr.Population[k] = a.Population
		}
	}
	for _, attr := range opt.RankBy {
		n, err := attributeNeed(cs.layer, attr, opt.LowerIsNeedier, opt.Tiers)
		if err != nil {
			return nil, err
		}
		needs = append(needs, n)
	}
	if len(opt.RankBy) > 0 {
		// the first attribute is the main measure; the runs are variants
		k := len(needs) - len(opt.RankBy)
		needs[0], needs[k] = needs[k], needs[0]
	}
	cs.frame = fr
	if opt.NoNeed || len(needs) == 0 {
		return nil, nil
	}
	fr.Need = needs[0]
	return needs[1:], nil
}

type placedRun struct {
	run   *need.Run
	small *geo.Layer
}

// placeableRuns lists the need runs that can be placed in the layer: the
// one asked for, else the latest of each index specification, newest
// first. A run over other areas is placed by their points, so a layer
// without boundaries takes only runs over its own areas.
func (o *Office) placeableRuns(ctx context.Context, layer *geo.Layer, id int64) ([]placedRun, error) {
	try := func(r *need.Run) (placedRun, bool) {
		if r.Layer == layer.Name {
			return placedRun{run: r}, true
		}
		if r.Layer == "" || layer.NoGeometry {
			return placedRun{}, false
		}
		small, err := o.Store.Layer(ctx, r.Layer)
		if err != nil {
			return placedRun{}, false
		}
		return placedRun{run: r, small: small}, true
	}
	if id != 0 {
		r, err := o.Store.Run(ctx, id)
		if err != nil {
			return nil, err
		}
		pr, ok := try(r)
		if !ok {
			why := fmt.Sprintf("its areas (layer %q) are not stored", r.Layer)
			if layer.NoGeometry {
				why = fmt.Sprintf("layer %s has no boundaries, so the run's areas (layer %q) cannot be placed in it; run the index on the layer's own areas", layer.Name, r.Layer)
			}
			return nil, budget.Errorf(budget.EINVALID, "need run %d cannot be placed in layer %s: %s", id, layer.Name, why)
		}
		return []placedRun{pr}, nil
	}
	infos, err := o.Store.Runs(ctx)
	if err != nil {
		return nil, err
	}
	var out []placedRun
	seen := map[string]bool{}
	for i := len(infos) - 1; i >= 0; i-- {
		if seen[infos[i].SpecHash] {
			continue
		}
		r, err := o.Store.Run(ctx, infos[i].ID)
		if err != nil {
			return nil, err
		}
		if pr, ok := try(r); ok {
			seen[infos[i].SpecHash] = true
			out = append(out, pr)
		}
	}
	return out, nil
}

func (o *Office) runLabel(r *need.Run) string {
	name := r.Spec
	if o.City != nil && o.City.Need != nil && o.City.Need.Preset == r.Spec && o.City.Need.Label != "" {
		name = o.City.Need.Label
	} else if r.SpecVersion != "" {
		name += " " + r.SpecVersion
	}
	return fmt.Sprintf("%s (need run %d)", name, r.ID)
}

// attributeNeed ranks the layer's areas by a numeric attribute.
func attributeNeed(l *geo.Layer, attr string, lowerIsNeedier bool, tiers int) (*placement.Need, error) {
	score, values := make([]float64, len(l.Areas)), make([]float64, len(l.Areas))
	found, scored := false, 0
	for k := range l.Areas {
		a := &l.Areas[k]
		v, ok := lookupAttr(a, attr)
		found = found || ok
		s := strings.ReplaceAll(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "$")), ",", "")
		f, err := strconv.ParseFloat(s, 64)
		switch {
		case s == "":
			score[k], values[k] = math.NaN(), math.NaN()
		case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
			return nil, budget.Errorf(budget.EINVALID, "--rank-by %s: area %s of layer %s has %q, not a number (leave the cell blank when unknown)", attr, a.ID, l.Name, v)
		default:
			values[k] = f
			if lowerIsNeedier {
				f = -f
			}
			score[k] = f
			scored++
		}
	}
	if !found {
		return nil, budget.Errorf(budget.EINVALID, "--rank-by %s: layer %s has no such attribute (its attributes: %s)", attr, l.Name, attrList(l))
	}
	if tiers > scored && scored > 0 {
		tiers = scored
	}
	label := "attribute " + attr
	if lowerIsNeedier {
		label += " (lower is needier)"
	}
	return &placement.Need{Label: label, Score: score, Values: values, Tier: analysis.AssignTiers(score, tiers), Tiers: tiers}, nil
}

func lookupAttr(a *geo.Area, attr string) (string, bool) {
	if v, ok := a.Attrs[attr]; ok {
		return v, true
	}
	for k, v := range a.Attrs {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(attr)) {
			return v, true
		}
	}
	return "", false
}

func attrList(l *geo.Layer) string {
	if len(l.Areas) == 0 {
		return "none"
	}
	var out []string
	for k := range l.Areas[0].Attrs {
		out = append(out, k)
	}
	if len(out) == 0 {
		return "none"
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
