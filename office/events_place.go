package office

import (
	"context"
	"slices"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
)

// ReplaceEvents places the stored requests again, in one transaction, in
// the named layers (nil: every stored layer of areas whose placements are
// missing or stale because the layer was imported or replaced since), and
// drops the placements of layers no longer stored. It returns the layers
// placed. With no request stored it does nothing.
func (o *Office) ReplaceEvents(ctx context.Context, names []string) ([]string, error) {
	layers, _, err := o.eventLayers(ctx, 0)
	if err != nil {
		return nil, err
	}
	return o.replaceEvents(ctx, names, layers)
}

// replaceEvents is ReplaceEvents over the stored layers of areas given.
func (o *Office) replaceEvents(ctx context.Context, names []string, layers []placeLayer) ([]string, error) {
	// every stored request is in a month's summary: none, nothing to place
	sums, err := o.Store.EventSummaries(ctx, 0)
	if err != nil || len(sums) == 0 {
		return nil, err
	}
	redo, err := staleLayers(layers, sums, names)
	if err != nil || len(redo) == 0 && !extraLayers(layers, sums) {
		return nil, err
	}
	var area [][]int32
	var how [][]uint8
	if len(redo) > 0 {
		if area, how, err = o.placeStored(ctx, layers, redo); err != nil {
			return nil, err
		}
	}
	tx, err := o.Store.BeginEvents(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	refs := make([]measures.LayerRef, len(layers))
	for l := range layers {
		refs[l] = layers[l].ref
	}
	for _, s := range sums {
		p, err := tx.Partition(ctx, s.Month)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		for k, l := range redo {
			a, h := make([]int32, p.Len()), make([]uint8, p.Len())
			for i, seq := range p.Seq {
				a[i], h[i] = area[k][seq], how[k][seq]
			}
			p.SetLayer(layers[l].ref, a, h)
		}
		if !p.Align(refs) {
			return nil, budget.Errorf(budget.EINTERNAL, "events: the requests of %s could not be placed in every layer", s.Month)
		}
		if err := tx.PutPartition(ctx, p, p.Summary()); err != nil {
			return nil, err
		}
	}
	if _, err := tx.Commit(ctx, nil); err != nil {
		return nil, err
	}
	out := make([]string, len(redo))
	for k, l := range redo {
		out[k] = layers[l].Name
	}
	return out, nil
}

// staleLayers returns the positions of the layers to place: those named,
// or every layer some summary lacks or holds with another fingerprint.
func staleLayers(layers []placeLayer, sums []*measures.Summary, names []string) ([]int, error) {
	var redo []int
	for _, n := range names {
		i := slices.IndexFunc(layers, func(l placeLayer) bool { return l.Name == n })
		if i < 0 {
			return nil, budget.Errorf(budget.EINVALID, "layer %q is not a stored layer of areas (list them with budgetlens geo ls)", n)
		}
		redo = append(redo, i)
	}
	if names != nil {
		return redo, nil
	}
	for i, l := range layers {
		for _, s := range sums {
			if k := s.LayerIndex(l.Name); k < 0 || s.Layers[k].Hash != l.ref.Hash {
				redo = append(redo, i)
				break
			}
		}
	}
	return redo, nil
}

// extraLayers reports whether some summary holds a layer no longer stored.
func extraLayers(layers []placeLayer, sums []*measures.Summary) bool {
	for _, s := range sums {
		for _, r := range s.Layers {
			if !slices.ContainsFunc(layers, func(l placeLayer) bool { return l.Name == r.Name }) {
				return true
			}
		}
	}
	return false
}

// placeStored places every stored request in the layers redo: area[k][seq]
// and how[k][seq] for the k-th.
func (o *Office) placeStored(ctx context.Context, layers []placeLayer, redo []int) ([][]int32, [][]uint8, error) {
	pls := make([]events.PlaceLayer, len(redo))
	for k, l := range redo {
		pls[k] = layers[l].PlaceLayer
		if layers[l].coarse {
			// every stored request: the full index
			pls[k].Locator = geo.NewIndex(layers[l].layer)
		}
	}
	area, how := make([][]int32, len(redo)), make([][]uint8, len(redo))
	a, h := make([]int32, len(redo)), make([]uint8, len(redo))
	err := o.Store.EachEvent(ctx, func(e *events.Stored) error {
		events.PlaceRequest(pls, &e.Request, a, h)
		for k := range redo {
			for int64(len(area[k])) <= e.Seq {
				area[k] = append(area[k], -1)
				how[k] = append(how[k], 0)
			}
			area[k][e.Seq], how[k][e.Seq] = a[k], h[k]
		}
		return nil
	})
	return area, how, err
}
