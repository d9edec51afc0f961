package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/office"
)

// view is what one request reads: an office (the whole store or the public
// view) and its cache scope.
type view struct {
	o     *office.Office
	scope string
	s     *Server
}

func (s *Server) viewOf(r *http.Request) (*view, error) {
	return s.viewFor(r.Context(), s.officeFor(r))
}

func (s *Server) viewFor(ctx context.Context, o *office.Office) (*view, error) {
	sc, err := scopeOf(ctx, o)
	if err != nil {
		return nil, err
	}
	return &view{o: o, scope: sc, s: s}, nil
}

// phaseRef is a fiscal year and phase as the server names them.
type phaseRef struct {
	FY    budget.FiscalYear
	Phase budget.Phase
}

func (p phaseRef) String() string { return p.FY.Label() + " " + string(p.Phase) }

// phases lists the (fiscal year, phase) pairs with line items that the
// view can see, in time order (fiscal year, then life order).
func (v *view) phases(ctx context.Context) ([]phaseRef, error) {
	return cached(ctx, v, "phases", func() ([]phaseRef, error) {
		sl, err := v.o.Store.FiscalYearsPhases(ctx, "")
		if err != nil {
			return nil, err
		}
		var out []phaseRef
		seen := map[string]bool{}
		for _, x := range sl {
			p := phaseRef{x.FiscalYear, x.Phase}
			if !seen[p.String()] {
				seen[p.String()] = true
				out = append(out, p)
			}
		}
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].FY.Start != out[j].FY.Start {
				return out[i].FY.Start < out[j].FY.Start
			}
			return phaseOrder(out[i].Phase) < phaseOrder(out[j].Phase)
		})
		return out, nil
	})
}

func phaseOrder(p budget.Phase) int {
	for i, x := range budget.Phases {
		if x == p {
			return i
		}
	}
	return len(budget.Phases)
}

// cached is cache.get with a typed result.
func cached[T any](ctx context.Context, v *view, key string, compute func() (T, error)) (T, error) {
	x, err := v.s.cache.get(ctx, v.scope+"|"+key, func() (any, error) { return compute() })
	if err != nil {
		var zero T
		return zero, err
	}
	return x.(T), nil
}

// pickPhase resolves ?fy= and ?phase=: both given must name a phase the
// view can see (else not found, whether it is held or never existed); a
// missing one defaults to the latest fiscal year's adopted budget, else
// its last phase.
func (v *view) pickPhase(ctx context.Context, fy, phase string) (phaseRef, error) {
	ps, err := v.phases(ctx)
	if err != nil {
		return phaseRef{}, err
	}
	if len(ps) == 0 {
		return phaseRef{}, budget.Errorf(budget.ENOTFOUND, "no budget phase is published")
	}
	var want phaseRef
	if fy != "" {
		if want.FY, err = budget.ParseFiscalYear(fy); err != nil {
			return phaseRef{}, err
		}
	}
	if phase != "" {
		if want.Phase, err = budget.ParsePhase(phase); err != nil {
			return phaseRef{}, err
		}
	}
	var best *phaseRef
	for i := range ps {
		p := ps[i]
		if (fy != "" && p.FY.Start != want.FY.Start) || (phase != "" && p.Phase != want.Phase) {
			continue
		}
		if best == nil || p.FY.Start > best.FY.Start || (p.FY.Start == best.FY.Start && (p.Phase == budget.Adopted || best.Phase != budget.Adopted && phaseOrder(p.Phase) > phaseOrder(best.Phase))) {
			best = &ps[i]
		}
	}
	if best == nil {
		return phaseRef{}, budget.Errorf(budget.ENOTFOUND, "no such phase")
	}
	return *best, nil
}

// layers lists the reporting layers (the profile's, in its order, then
// any other stored polygon layer) that the map and analyses offer.
func (v *view) layers(ctx context.Context) ([]layerInfo, error) {
	return cached(ctx, v, "layers", func() ([]layerInfo, error) {
		infos, err := v.o.Store.Layers(ctx)
		if err != nil {
			return nil, err
		}
		stored := map[string]geo.LayerInfo{}
		for _, i := range infos {
			stored[i.Layer] = i
		}
		var out []layerInfo
		add := func(name, title, role string) {
			if i, ok := stored[name]; ok {
				out = append(out, layerInfo{Layer: name, Title: title, Role: role, Areas: i.Areas, Population: i.Population, Source: i.Source, SourceSHA256: i.SourceHash})
				delete(stored, name)
			}
		}
		if c := v.o.City; c != nil {
			for _, l := range c.Layers {
				add(l.Name, l.Title, string(l.Role))
			}
		}
		var rest []string
		for n := range stored {
			rest = append(rest, n)
		}
		sort.Strings(rest)
		for _, n := range rest {
			add(n, n, "")
		}
		return out, nil
	})
}

// layerInfo describes a layer the server offers.
type layerInfo struct {
	Layer        string  `json:"layer"`
	Title        string  `json:"title"`
	Role         string  `json:"role"`
	Areas        int     `json:"areas"`
	Population   float64 `json:"population"`
	Source       string  `json:"source"`
	SourceSHA256 string  `json:"source_sha256"`
}

// defaultLayer is the profile's default reporting layer, else the first.
func (v *view) defaultLayer(ctx context.Context) (string, error) {
	if c := v.o.City; c != nil && c.DefaultLayer() != "" {
		return c.DefaultLayer(), nil
	}
	ls, err := v.layers(ctx)
	if err != nil {
		return "", err
	}
	if len(ls) == 0 {
		return "", budget.Errorf(budget.ENOTFOUND, "no layer is stored")
	}
	return ls[0].Layer, nil
}

// pickLayer resolves ?layer= to a stored layer name (not found otherwise).
func (v *view) pickLayer(ctx context.Context, name string) (string, error) {
	if name == "" {
		return v.defaultLayer(ctx)
	}
	ls, err := v.layers(ctx)
	if err != nil {
		return "", err
	}
	for _, l := range ls {
		if l.Layer == name {
			return name, nil
		}
	}
	return "", budget.Errorf(budget.ENOTFOUND, "no layer %q", name)
}

// isMoneyLayer reports whether dollars can be analysed by the layer: it
// has polygons (a layer of points, such as the need run's tract points,
// shows need only).
func (v *view) isMoneyLayer(ctx context.Context, name string) (bool, error) {
	ls, err := v.layers(ctx)
	if err != nil {
		return false, err
	}
	for _, l := range ls {
		if l.Layer == name {
			return l.Role != string(city.RoleSmallAreas), nil
		}
	}
	return false, nil
}

// analysis is the equity analysis of a phase by a layer, with the hot-spot
// permutations (Reps, as the report), cached. A stored analysis with the
// same inputs (same inputs hash) is used instead of computing one; the
// inputs hash is read from a quick analysis without permutations (they are
// not part of it).
func (v *view) analysis(ctx context.Context, p phaseRef, layer string) (*office.Analysis, error) {
	key := fmt.Sprintf("analysis|%s|%s|%s", p.FY.Label(), p.Phase, layer)
	return cached(ctx, v, key, func() (*office.Analysis, error) {
		ctx := context.WithoutCancel(ctx) // shared by every waiting request
		opt := office.AnalyzeOptions{FiscalYear: p.FY.Label(), Phase: string(p.Phase), Layer: layer, Tiers: 5, Seed: analysis.DefaultSeed}
		quick, err := v.o.Analyze(ctx, opt)
		if err != nil {
			return nil, err
		}
		if rec := v.storedMatch(ctx, quick.Result); rec != nil {
			return &office.Analysis{Input: quick.Input, Result: rec.Result}, nil
		}
		opt.Reps = v.s.opt.Reps
		return v.o.Analyze(ctx, opt)
	})
}

// storedMatch finds a stored analysis with the inputs of r (nil if none).
func (v *view) storedMatch(ctx context.Context, r *analysis.Result) *analysis.Record {
	infos, err := v.o.Store.Analyses(ctx)
	if err != nil {
		return nil
	}
	h := analysis.InputsHash(r)
	for i := len(infos) - 1; i >= 0; i-- {
		x := infos[i]
		if x.InputsHash == h && x.Phase == r.Phase && x.Layer == r.Layer.Name && x.FiscalYear == r.FiscalYear {
			rec, err := v.o.Store.Analysis(ctx, x.ID)
			if err == nil && rec.Result != nil && rec.Result.Concentr != nil && (rec.Result.LISA == nil || rec.Result.LISA.Perms > 0) {
				return rec
			}
		}
	}
	return nil
}

// exploration is where a phase's dollars went by a layer, cached.
func (v *view) exploration(ctx context.Context, p phaseRef, layer string) (*office.Exploration, error) {
	key := fmt.Sprintf("explore|%s|%s|%s", p.FY.Label(), p.Phase, layer)
	return cached(ctx, v, key, func() (*office.Exploration, error) {
		return v.o.Explore(context.WithoutCancel(ctx), office.AnalyzeOptions{FiscalYear: p.FY.Label(), Phase: string(p.Phase), Layer: layer, Tiers: 5})
	})
}

// displayLayer is a layer as its lines were in a fiscal year (those the
// analysis of that year uses), simplified for a zoom level, cached.
func (v *view) displayLayer(ctx context.Context, layer string, fy budget.FiscalYear, zoom int) (*geo.Layer, error) {
	return cached(ctx, v, "display|"+layer+"|"+fy.Label()+"|"+strconv.Itoa(zoom), func() (*geo.Layer, error) {
		return v.o.DisplayLayerOfYear(context.WithoutCancel(ctx), layer, fy, zoom)
	})
}

// layer is a stored layer, cached.
func (v *view) layer(ctx context.Context, name string) (*geo.Layer, error) {
	return cached(ctx, v, "layer|"+name, func() (*geo.Layer, error) {
		return v.o.Store.Layer(context.WithoutCancel(ctx), name)
	})
}

// warm computes what the first pages need.
func (s *Server) warm(ctx context.Context) error {
	o := s.full
	if s.opt.Public {
		o = s.public
	}
	v, err := s.viewFor(ctx, o)
	if err != nil {
		return err
	}
	p, err := v.pickPhase(ctx, "", "")
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil // nothing published yet: nothing to warm
	}
	if err != nil {
		return err
	}
	layers, err := v.layers(ctx)
	if err != nil {
		return err
	}
	for _, l := range layers {
		if ok, _ := v.isMoneyLayer(ctx, l.Layer); !ok {
			continue
		}
		if _, err := v.analysis(ctx, p, l.Layer); err != nil {
			return err
		}
		if _, err := v.exploration(ctx, p, l.Layer); err != nil {
			return err
		}
	}
	_, err = v.overview(ctx, "")
	return err
}
