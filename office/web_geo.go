package office

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
)

// MinZoom and MaxZoom bound the web-map zoom levels DisplayLayer accepts.
const (
	MinZoom = 6
	MaxZoom = 16
)

// ZoomTolerance is the simplification tolerance in metres for a web map at
// zoom z (Web Mercator, 256-pixel tiles) at latitude lat: half the ground
// size of a pixel, 156543.03 x cos(lat) / 2^z / 2, so the simplified
// outline is within half a pixel of the true one.
func ZoomTolerance(z int, lat float64) float64 {
	return 156543.03 * math.Cos(lat*math.Pi/180) / math.Exp2(float64(z)) / 2
}

// DisplayLayer returns a stored layer simplified for a web map at a zoom
// level (MinZoom..MaxZoom; outside is EINVALID), keeping the borders shared
// between areas shared (geo.Simplify).
func (o *Office) DisplayLayer(ctx context.Context, name string, zoom int) (*geo.Layer, error) {
	if zoom < MinZoom || zoom > MaxZoom {
		return nil, budget.Errorf(budget.EINVALID, "zoom %d: give a web-map zoom level from %d to %d", zoom, MinZoom, MaxZoom)
	}
	l, err := o.Store.Layer(ctx, name)
	if err != nil {
		return nil, err
	}
	b := l.Bound()
	lat := (b.Min[1] + b.Max[1]) / 2
	return geo.Simplify(l, ZoomTolerance(zoom, lat)), nil
}

// DisplayLayerOfYear is DisplayLayer for the lines of a layer in force
// during a fiscal year, named as an analysis of that year names its areas
// (LayerOfYear), so a map of the year's dollars draws the year's lines.
func (o *Office) DisplayLayerOfYear(ctx context.Context, name string, fy budget.FiscalYear, zoom int) (*geo.Layer, error) {
	if zoom < MinZoom || zoom > MaxZoom {
		return nil, budget.Errorf(budget.EINVALID, "zoom %d: give a web-map zoom level from %d to %d", zoom, MinZoom, MaxZoom)
	}
	l, _, err := o.LayerOfYear(ctx, name, fy)
	if err != nil {
		return nil, err
	}
	b := l.Bound()
	lat := (b.Min[1] + b.Max[1]) / 2
	return geo.Simplify(l, ZoomTolerance(zoom, lat)), nil
}

// AreaMatch is an area found by SearchAreas.
type AreaMatch struct {
	Layer string
	ID    string
	Name  string
}

// SearchAreas finds areas whose id or name contains q (case and accents
// as written; ids also match without leading zeros), in the given layers
// (all stored layers when none), at most limit of them: exact id matches
// first, then names that start with q, then the rest, each by name.
func (o *Office) SearchAreas(ctx context.Context, q string, layers []string, limit int) ([]AreaMatch, error) {
	q = strings.TrimSpace(q)
	if len(layers) == 0 {
		infos, err := o.Store.Layers(ctx)
		if err != nil {
			return nil, err
		}
		for _, i := range infos {
			layers = append(layers, i.Layer)
		}
	}
	type scored struct {
		m    AreaMatch
		rank int
	}
	var hits []scored
	lq := strings.ToLower(q)
	for _, name := range layers {
		l, err := o.Store.Layer(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, a := range l.Areas {
			ln := strings.ToLower(a.Name)
			rank := -1
			switch {
			case q == "":
				rank = 3
			case geo.SameID(a.ID, q):
				rank = 0
			case strings.HasPrefix(ln, lq):
				rank = 1
			case strings.Contains(ln, lq) || strings.Contains(strings.ToLower(a.ID), lq):
				rank = 2
			}
			if rank >= 0 {
				hits = append(hits, scored{AreaMatch{Layer: name, ID: a.ID, Name: a.Name}, rank})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].rank != hits[j].rank {
			return hits[i].rank < hits[j].rank
		}
		return hits[i].m.Name < hits[j].m.Name
	})
	var out []AreaMatch
	for i := range hits {
		if limit > 0 && i >= limit {
			break
		}
		out = append(out, hits[i].m)
	}
	return out, nil
}

// SmallAreaNeed is one small area of a need run lying in a larger area.
type SmallAreaNeed struct {
	ID          string
	Name        string
	Population  float64
	Score       float64 // NaN when missing
	Percentile  float64
	Tier        string
	Explanation string // the run's plain-words explanation of the score
}

// AreaNeed lists the small areas of a need run that lie in an area of a
// layer (by their representative points), most need first, each with the
// run's explanation. For a run over the layer itself it is the area alone.
func (o *Office) AreaNeed(ctx context.Context, runID int64, layer *geo.Layer, areaID string) ([]SmallAreaNeed, error) {
	run, err := o.Store.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	spec, err := need.ParseSpec(run.Spec, []byte(run.SpecYAML))
	if err != nil {
		return nil, budget.Errorf(budget.EINTERNAL, "need run %d: its stored spec cannot be read: %w", runID, err)
	}
	pos, ok := layer.Index(areaID)
	if !ok {
		return nil, budget.Errorf(budget.ENOTFOUND, "no area %q in layer %s", areaID, layer.Name)
	}
	var small *geo.Layer
	if run.Layer == layer.Name {
		small = layer
	} else if small, err = o.Store.Layer(ctx, run.Layer); err != nil {
		return nil, err
	}
	ix := geo.NewIndex(layer)
	var out []SmallAreaNeed
	for i := range small.Areas {
		a := &small.Areas[i]
		if small != layer {
			p := geo.RepresentativePoint(a)
			if at, ok := ix.Locate(p[0], p[1]); !ok || at != pos {
				continue
			}
		} else if i != pos {
			continue
		}
		s := SmallAreaNeed{ID: a.ID, Name: a.Name, Population: a.Population, Score: math.NaN(), Percentile: math.NaN()}
		if ar, ok := run.Area(a.ID); ok {
			s.Score, s.Percentile, s.Tier = float64(ar.Score), float64(ar.Percentile), ar.Tier
			if !ar.Population.Missing() {
				s.Population = float64(ar.Population)
			}
			if e, ok := need.ExplainRun(run, spec, a.ID); ok {
				s.Explanation = e.Sentence
			}
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Score, out[j].Score
		if math.IsNaN(a) != math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	})
	return out, nil
}
