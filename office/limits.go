package office

import (
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/tabular"
)

// Limits bound what the readers of one command accept: Table those of
// tables (CSV, workbooks, the Census API's JSON: internal/tabular), Geo
// those of layer files (geo). Zero fields take the readers' defaults. A
// front end fills them from --limit NAME=VALUE (ParseLimits).
type Limits struct {
	Table tabular.Limits
	Geo   geo.Limits
}

// LimitNames lists the names ParseLimits accepts, with dashes, sorted:
// the table readers' (tabular.LimitNames) and, when spatial, the layer
// readers' too (geo.LimitNames).
func LimitNames(spatial bool) []string {
	seen := map[string]bool{}
	var out []string
	add := func(names []string) {
		for _, n := range names {
			n = strings.ReplaceAll(n, "_", "-")
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	add(tabular.LimitNames())
	if spatial {
		add(geo.LimitNames())
	}
	sort.Strings(out)
	return out
}

// ParseLimits applies NAME=VALUE pairs (the values of repeated --limit
// flags; dashes and underscores are the same in NAME). A name of the table
// readers sets Table; with spatial, a name of the layer readers sets Geo; a
// name both know (file-bytes, member-bytes, depth) sets both. Any other
// name, or a value that is not a positive size, is an EINVALID error
// listing the names.
func ParseLimits(pairs []string, spatial bool) (Limits, error) {
	var l Limits
	geoNames := map[string]bool{}
	if spatial {
		for _, n := range geo.LimitNames() {
			geoNames[n] = true
		}
	}
	tabNames := map[string]bool{}
	for _, n := range tabular.LimitNames() {
		tabNames[n] = true
	}
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		key := strings.ToLower(strings.TrimSpace(name))
		dashed, underscored := strings.ReplaceAll(key, "_", "-"), strings.ReplaceAll(key, "-", "_")
		if !ok || (!tabNames[dashed] && !geoNames[underscored]) {
			return Limits{}, budget.Errorf(budget.EINVALID, "--limit %q: write NAME=VALUE with NAME one of %s (e.g. --limit cells=50000000)", p, strings.Join(LimitNames(spatial), ", "))
		}
		if tabNames[dashed] {
			if err := l.Table.Set(dashed, value); err != nil {
				return Limits{}, err
			}
		}
		if geoNames[underscored] {
			if err := l.Geo.Set(underscored, value); err != nil {
				return Limits{}, err
			}
		}
	}
	return l, nil
}
