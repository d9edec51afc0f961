package office

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/geo"
)

// Finding is one thing that would make numbers wrong (Severity "error")
// or deserves a look ("warning").
type Finding struct {
	Severity string   `json:"severity"`
	Kind     string   `json:"kind"` // population, unmatched_ids, partial_need_run, vintage, missing_layer
	Layer    string   `json:"layer,omitempty"`
	Message  string   `json:"message"`
	Items    []string `json:"items,omitempty"` // the areas or ids concerned
}

// CheckReport lists the findings of Check.
type CheckReport struct {
	Layers   []string  `json:"layers"`
	Findings []Finding `json:"findings"`
}

// Errors counts the findings of severity error.
func (r *CheckReport) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == "error" {
			n++
		}
	}
	return n
}

// Check looks at the store before any analysis is trusted: areas whose
// population is 0 or missing (analyses refuse them), area codes of budget
// rows and ids of need runs that match no area, need runs covering only
// part of a layer, layers of different vintages, and profile layers that
// are not stored. layer limits the check to one reporting layer ("" = the
// profile's reporting layers, else every stored layer).
func (o *Office) Check(ctx context.Context, layer string) (*CheckReport, error) {
	names, err := o.checkLayers(ctx, layer)
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{Layers: names, Findings: []Finding{}}
	for _, n := range names {
		l, err := o.Store.Layer(ctx, n)
		if budget.ErrorCode(err) == budget.ENOTFOUND {
			rep.add(Finding{Severity: "warning", Kind: "missing_layer", Layer: n, Message: fmt.Sprintf("the city profile names layer %s, which is not stored: import it with budgetlens geo import FILE --layer %s", n, n)})
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := o.checkPopulation(ctx, rep, l); err != nil {
			return nil, err
		}
		if err := o.checkRunCoverage(ctx, rep, l); err != nil {
			return nil, err
		}
	}
	if err := o.checkAreaCodes(ctx, rep); err != nil {
		return nil, err
	}
	o.checkVintages(rep)
	return rep, nil
}

func (r *CheckReport) add(f Finding) { r.Findings = append(r.Findings, f) }

// checkLayers returns the layers to check.
func (o *Office) checkLayers(ctx context.Context, layer string) ([]string, error) {
	if layer != "" {
		return []string{layer}, nil
	}
	if o.City != nil && len(o.City.LayerNames(city.RoleReporting)) > 0 {
		return o.City.LayerNames(city.RoleReporting), nil
	}
	infos, err := o.Store.Layers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, li := range infos {
		out = append(out, li.Layer)
	}
	return out, nil
}

// checkPopulation finds the areas an analysis would refuse: population 0
// or missing, counting the need run's small areas as analyses do.
func (o *Office) checkPopulation(ctx context.Context, rep *CheckReport, l *geo.Layer) error {
	run, small, err := o.pickRun(ctx, 0, l)
	if err != nil {
		return err
	}
	fr, err := analysis.BuildFrame(l, geo.NewIndex(l), run, small, nil, 5)
	if err != nil {
		return err
	}
	var bad []string
	for i, p := range fr.Population {
		if !(p > 0) {
			bad = append(bad, l.Areas[i].ID)
		}
	}
	if len(bad) > 0 {
		rep.add(Finding{Severity: "error", Kind: "population", Layer: l.Name, Items: bad,
			Message: fmt.Sprintf("%d of %d areas of layer %s have no population (0 or missing; from %s): analyses refuse them; import the layer with --population-field or a need run over small areas with population", len(bad), len(l.Areas), l.Name, fr.PopulationSource)})
	}
	return nil
}

// checkRunCoverage compares the latest need run placed in the layer with
// the layer: areas the run does not cover, and run ids matching no area.
func (o *Office) checkRunCoverage(ctx context.Context, rep *CheckReport, l *geo.Layer) error {
	run, small, err := o.pickRun(ctx, 0, l)
	if err != nil || run == nil {
		return err
	}
	if small == nil { // the run's areas are the layer's own
		covered := map[string]bool{}
		for _, a := range run.Areas {
			covered[geo.IDKey(a.ID)] = true
		}
		var missing []string
		for _, a := range l.Areas {
			if !covered[geo.IDKey(a.ID)] {
				missing = append(missing, a.ID)
			}
		}
		if len(missing) > 0 {
			rep.add(Finding{Severity: "warning", Kind: "partial_need_run", Layer: l.Name, Items: missing,
				Message: fmt.Sprintf("need run %d covers %d of %d areas of layer %s: the others have no need score or tier", run.ID, len(l.Areas)-len(missing), len(l.Areas), l.Name)})
		}
		var unmatched []string
		for _, a := range run.Areas {
			if _, ok := l.Index(a.ID); !ok && !hasID(l, a.ID) {
				unmatched = append(unmatched, a.ID)
			}
		}
		if len(unmatched) > 0 {
			rep.add(Finding{Severity: "warning", Kind: "unmatched_ids", Layer: l.Name, Items: unmatched,
				Message: fmt.Sprintf("%d area ids of need run %d match no area of layer %s", len(unmatched), run.ID, l.Name)})
		}
		return nil
	}
	ix := geo.NewIndex(l)
	var outside []string
	for i := range small.Areas {
		p := geo.RepresentativePoint(&small.Areas[i])
		if _, ok := ix.Locate(p[0], p[1]); !ok {
			outside = append(outside, small.Areas[i].ID)
		}
	}
	if len(outside) > 0 {
		rep.add(Finding{Severity: "warning", Kind: "partial_need_run", Layer: l.Name, Items: outside,
			Message: fmt.Sprintf("%d of the %d small areas of need run %d (layer %s) lie outside every area of layer %s and are left out", len(outside), len(small.Areas), run.ID, small.Name, l.Name)})
	}
	var noScore []string
	for _, a := range small.Areas {
		if _, ok := run.Area(a.ID); !ok {
			noScore = append(noScore, a.ID)
		}
	}
	if len(noScore) > 0 {
		rep.add(Finding{Severity: "warning", Kind: "unmatched_ids", Layer: small.Name, Items: noScore,
			Message: fmt.Sprintf("%d areas of layer %s have no result in need run %d (ids that match no area of the run)", len(noScore), small.Name, run.ID)})
	}
	return nil
}

func hasID(l *geo.Layer, id string) bool {
	for _, a := range l.Areas {
		if geo.SameID(a.ID, id) {
			return true
		}
	}
	return false
}

// checkAreaCodes finds budget rows whose own area codes name no area of
// their layer (or a layer that is not stored).
func (o *Office) checkAreaCodes(ctx context.Context, rep *CheckReport) error {
	type key struct{ layer, code string }
	cents := map[key]int64{}
	layers := map[string]*geo.Layer{}
	err := o.Store.EachLineItem(ctx, budget.Filter{}, func(li *budget.LineItem) error {
		if li.Area == "" {
			return nil
		}
		codes, err := attribute.ParseAreaCodes(li.Area)
		if err != nil {
			cents[key{li.AreaLayer, li.Area}] += li.AmountCents
			return nil
		}
		for _, c := range codes {
			if c.Citywide {
				continue
			}
			cents[key{li.AreaLayer, c.Code}] += li.AmountCents
		}
		return nil
	})
	if err != nil {
		return err
	}
	bad := map[string][]string{}
	for k, c := range cents {
		l, seen := layers[k.layer]
		if !seen {
			var err error
			l, err = o.Store.Layer(ctx, k.layer)
			if err != nil && budget.ErrorCode(err) != budget.ENOTFOUND {
				return err
			}
			layers[k.layer] = l
		}
		if l == nil || !hasID(l, k.code) {
			bad[k.layer] = append(bad[k.layer], fmt.Sprintf("%s (%s)", k.code, analysis.FormatCents(c)))
		}
	}
	var ls []string
	for l := range bad {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	for _, l := range ls {
		sort.Strings(bad[l])
		what := "match no area of layer " + l
		if layers[l] == nil {
			what = "are of layer " + l + ", which is not stored"
		}
		rep.add(Finding{Severity: "error", Kind: "unmatched_ids", Layer: l, Items: bad[l],
			Message: fmt.Sprintf("area codes of budget rows %s: those dollars stay unplaced (codes with their dollars)", what)})
	}
	return nil
}

// checkVintages warns when the profile's layers are of different periods.
func (o *Office) checkVintages(rep *CheckReport) {
	if o.City == nil {
		return
	}
	var vs []string
	seen := map[string]bool{}
	for _, l := range o.City.Layers {
		if l.Vintage != "" && !seen[l.Vintage] {
			seen[l.Vintage] = true
			vs = append(vs, l.Name+": "+l.Vintage)
		}
	}
	if len(seen) > 1 {
		rep.add(Finding{Severity: "warning", Kind: "vintage", Items: vs,
			Message: "the city's layers are of different vintages (" + strings.Join(vs, "; ") + "): small areas may not nest in the reporting layers, and populations may be of another year"})
	}
}
