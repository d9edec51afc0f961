package store

import (
	"context"

	"github.com/budgetlens/budgetlens/geo"
)

// GeoStore keeps area layers (package geo): each layer by name, with its
// areas in their input order (the order decides overlaps).
type GeoStore interface {
	// SaveLayer stores a layer, replacing any layer of the same name, in
	// one transaction.
	SaveLayer(ctx context.Context, l *geo.Layer) error
	// Layer returns a stored layer with all its areas; ENOTFOUND when
	// missing.
	Layer(ctx context.Context, name string) (*geo.Layer, error)
	// Layers lists the stored layers by name.
	Layers(ctx context.Context) ([]geo.LayerInfo, error)
	// DeleteLayer removes a layer; ENOTFOUND when missing.
	DeleteLayer(ctx context.Context, name string) error
}
