package store

import (
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
)

// CheckLayerIDs refuses a layer whose areas lack an id or repeat one,
// naming both positions (1-based), before a store writes anything. Every
// store calls it in SaveLayer, so that all refuse the same layers with
// the same words.
func CheckLayerIDs(l *geo.Layer) error {
	seen := make(map[string]int, len(l.Areas))
	for i, a := range l.Areas {
		if a.ID == "" {
			return budget.Errorf(budget.EINVALID, "geo: area %d of layer %s has no id: choose the property that identifies areas with --id-field", i+1, l.Name)
		}
		if j, ok := seen[a.ID]; ok {
			return budget.Errorf(budget.EINVALID, "geo: areas %d and %d of layer %s have the same id %q: area ids must be unique (choose another --id-field)", j+1, i+1, l.Name, a.ID)
		}
		seen[a.ID] = i
	}
	return nil
}
