package office

import (
	"context"

	"github.com/budgetlens/budgetlens/geo"
)

// measures stores the demo's real data for performance management: the
// layers measures are published by, the service-request files (placed in
// every stored layer) and the published measures.
func (b *demoBuild) measures(ctx context.Context) error {
	m := b.demo.Measures
	if m == nil {
		return nil
	}
	for _, dl := range m.Layers {
		if _, _, err := b.o.ImportLayer(ctx, b.path[dl.File], geo.ImportOptions{Layer: dl.Layer, IDField: dl.IDField, NameField: dl.NameField}); err != nil {
			return err
		}
	}
	for _, f := range m.Requests {
		if _, err := b.o.ImportEvents(ctx, EventImportOptions{File: b.path[f]}); err != nil {
			return err
		}
	}
	for _, p := range m.Published {
		if _, err := b.o.ImportPublished(ctx, PublishedImportOptions{File: b.path[p.File], Layer: p.Layer}); err != nil {
			return err
		}
	}
	return nil
}
