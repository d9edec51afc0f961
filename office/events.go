package office

import (
	"context"
	"io"
	"math"
	"strconv"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/paulmach/orb"
)

// LoadLayer returns a stored layer; a missing name says how to list them.
func (o *Office) LoadLayer(ctx context.Context, name string) (*geo.Layer, error) {
	if name == "" {
		return nil, budget.Errorf(budget.EINVALID, "name a layer with --layer (list them with: budgetlens geo ls)")
	}
	return o.Store.Layer(ctx, name)
}

// PlacesOptions say where synthetic service requests are generated: around
// tract interior points (Tracts, a DWR tract file, with County), around the
// areas of a stored Layer, or around the built-in tracts; CodesLayer keeps
// the places inside that stored layer and writes its area ids as the CD
// column.
type PlacesOptions struct {
	Tracts, County, Layer, CodesLayer string
	// Limits bound the reader of Tracts.
	Limits Limits
}

// GeneratorPlaces returns the places synthetic requests are drawn around,
// each weighted by population.
func (o *Office) GeneratorPlaces(ctx context.Context, opt PlacesOptions) ([]events.Place, error) {
	ps, err := o.places(ctx, opt)
	if err != nil || opt.CodesLayer == "" {
		return ps, err
	}
	l, err := o.LoadLayer(ctx, opt.CodesLayer)
	if err != nil {
		return nil, err
	}
	ix := geo.NewIndex(l)
	var out []events.Place
	for _, p := range ps {
		if a, ok := ix.Locate(p.Lon, p.Lat); ok {
			p.CD = l.Areas[a].ID
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, budget.Errorf(budget.EINVALID, "no place lies inside layer %s; check that the tracts and the layer cover the same city", opt.CodesLayer)
	}
	return out, nil
}

func (o *Office) places(ctx context.Context, opt PlacesOptions) ([]events.Place, error) {
	switch {
	case opt.Tracts != "" && opt.Layer != "":
		return nil, budget.Errorf(budget.EINVALID, "give --tracts or --layer, not both")
	case opt.Tracts != "":
		f, err := openCSVInput(opt.Tracts, "--tracts")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		ps, err := events.ReadTractPlacesWithin(f, opt.Tracts, opt.County, opt.Limits.Table)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, budget.Errorf(budget.EINVALID, "%s has no tract of county %q; check --county", opt.Tracts, opt.County)
		}
		return ps, nil
	case opt.Layer != "":
		l, err := o.LoadLayer(ctx, opt.Layer)
		if err != nil {
			return nil, err
		}
		var ps []events.Place
		for i := range l.Areas {
			a := &l.Areas[i]
			p := geo.RepresentativePoint(a)
			r := 300.0
			if !a.PointOnly() {
				// Radius of a disc of half the area's size, as for tracts.
				r = math.Sqrt(geo.AreaM2(a.Geom) / 2 / math.Pi)
			}
			ps = append(ps, events.Place{ID: a.ID, Lon: p[0], Lat: p[1], Weight: a.Population, RadiusM: r, Geom: a.Geom})
		}
		return ps, nil
	}
	if opt.County != "037" && opt.County != "37" {
		return nil, budget.Errorf(budget.EINVALID, "the built-in tracts are those of county 037; for county %q give --tracts FILE", opt.County)
	}
	return events.LACountyTracts(), nil
}

// SummarizeOptions say how to summarise a service-request file by area.
type SummarizeOptions struct {
	Layer string
	In    string    // the file's name (for messages)
	R     io.Reader // the file's bytes
	// CodeColumn is used when coordinates are missing: CD, NC, NCName or
	// "" for none.
	CodeColumn string
	Lenient    bool
	// MaxDistance is, for a layer of points, the farthest distance in
	// metres to the nearest point.
	MaxDistance float64
	// NeedRun ("" for none, "latest", or a run id over the same layer) adds
	// each area's tier and a summary per tier.
	NeedRun string
	// Limits bound the reader of R.
	Limits Limits
}

// EventsSummary is a summary of service requests by area (and tier).
type EventsSummary struct {
	Layer string
	*events.Summary
	// Tiers is each area's need tier (nil without NeedRun).
	Tiers []string
}

// SummarizeEvents counts service requests per area of a stored layer:
// rates per 1,000 residents and response-time quantiles.
func (o *Office) SummarizeEvents(ctx context.Context, opt SummarizeOptions) (*EventsSummary, error) {
	l, err := o.LoadLayer(ctx, opt.Layer)
	if err != nil {
		return nil, err
	}
	eopt := events.Options{Locator: layerLocator(l, opt.MaxDistance), CodeColumn: opt.CodeColumn, Codes: map[string]int{}, Lenient: opt.Lenient, Limits: opt.Limits.Table}
	for i, a := range l.Areas {
		eopt.AreaIDs = append(eopt.AreaIDs, a.ID)
		eopt.Population = append(eopt.Population, a.Population)
		if opt.CodeColumn == events.ColNCName {
			eopt.Codes[events.NormalizeName(a.Name)] = i
			continue
		}
		eopt.Codes[a.ID] = i
		if k := geo.IDKey(a.ID); k != a.ID {
			eopt.Codes[k] = i
		}
	}
	out := &EventsSummary{Layer: l.Name}
	if opt.NeedRun != "" {
		if out.Tiers, err = o.needTiers(ctx, l, opt.NeedRun); err != nil {
			return nil, err
		}
	}
	if out.Summary, err = events.Summarize(opt.R, opt.In, eopt); err != nil {
		return nil, err
	}
	if out.Tiers != nil {
		if _, err := out.ByTier(out.Tiers, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenCSVInput opens a file read only as CSV (a workbook is refused with
// how to save it as CSV).
func OpenCSVInput(path, flag string) (io.ReadCloser, error) { return openCSVInput(path, flag) }

// layerLocator returns the point-in-polygon index of a layer, or, for a
// layer whose areas are all known only by points, a nearest-point locator.
func layerLocator(l *geo.Layer, maxMeters float64) events.Locator {
	var pts []orb.Point
	for i := range l.Areas {
		if !l.Areas[i].PointOnly() {
			return geo.NewIndex(l)
		}
		pts = append(pts, l.Areas[i].Point)
	}
	return events.NewNearestPoint(pts, maxMeters)
}

// needTiers returns the tier of each area of l from a stored need run
// ("latest" for the most recent run over the layer).
func (o *Office) needTiers(ctx context.Context, l *geo.Layer, run string) ([]string, error) {
	var r *need.Run
	var err error
	if run == "latest" {
		r, err = o.Store.LatestRunForLayer(ctx, l.Name)
	} else {
		id, perr := strconv.ParseInt(run, 10, 64)
		if perr != nil {
			return nil, budget.Errorf(budget.EINVALID, "--run %q: give a run id or latest (list them with budgetlens index runs)", run)
		}
		r, err = o.Store.Run(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	if r.Layer != l.Name {
		return nil, budget.Errorf(budget.EINVALID, "need run %d is over layer %s, not %s; compute one over %s or pick another run", r.ID, r.Layer, l.Name, l.Name)
	}
	byID := map[string]string{}
	for _, a := range r.Areas {
		byID[a.ID] = a.Tier
	}
	tiers := make([]string, len(l.Areas))
	for i, a := range l.Areas {
		tiers[i] = byID[a.ID]
	}
	return tiers, nil
}

// ImportLayer reads a layer file (GeoJSON, zipped Shapefile, GeoPackage,
// CSV with WKT or lon/lat), validates and repairs it, and stores it,
// replacing a layer of the same name, in one transaction; stored service
// requests are then placed in its areas (ReplaceEvents).
func (o *Office) ImportLayer(ctx context.Context, file string, opt geo.ImportOptions) (*geo.Layer, *geo.ImportReport, error) {
	return o.ImportLayerAs(ctx, file, "", opt)
}

// ImportLayerAs is ImportLayer recording the layer's source as source (a
// copy of standard input is "stdin"); "" records file.
func (o *Office) ImportLayerAs(ctx context.Context, file, source string, opt geo.ImportOptions) (*geo.Layer, *geo.ImportReport, error) {
	if err := checkInput(file, "FILE"); err != nil {
		return nil, nil, err
	}
	l, rep, err := geo.ReadFile(file, opt)
	if err != nil {
		return nil, nil, err
	}
	if source != "" {
		l.Source = source
	}
	if err := o.Store.SaveLayer(ctx, l); err != nil {
		return nil, nil, err
	}
	// stored requests are placed in the new areas at once
	if _, err := o.ReplaceEvents(ctx, nil); err != nil {
		return nil, nil, err
	}
	return l, rep, nil
}
