package storecopy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"reflect"
	"sort"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/store"
	"github.com/paulmach/orb/encoding/wkb"
)

// Fingerprint digests what a store holds, part by part, as its readers
// see it: two stores with equal fingerprints give the same answers to every
// read of store.Store and store.Exporter. Each part is the hex SHA-256 of a
// canonical encoding; Totals also keeps the figures themselves so that a
// difference can be shown.
type Fingerprint struct {
	ImportRuns string `json:"import_runs"` // every run of every kind: id, kind, file, hash, rows, time, version
	History    string `json:"history"`     // every budget run's rows, superseded ones included
	Current    string `json:"current"`     // current line items, requests, measures and texts
	// Totals are the current expenditure totals in cents by jurisdiction,
	// fiscal year, phase and kind ("la 2021-22 adopted expenditure").
	Totals     map[string]int64 `json:"totals"`
	Layers     string           `json:"layers"`
	Indicators string           `json:"indicators"`
	NeedRuns   string           `json:"need_runs"`
	Analyses   string           `json:"analyses"`
	Datasets   string           `json:"datasets"`
	Settings   string           `json:"settings"`  // every key and value
	Releases   string           `json:"releases"`  // the release log and the phases' current state
	Capital    string           `json:"capital"`   // capital plans (projects, geometry, runs), scenarios and their release log
	Events     string           `json:"events"`    // service requests: imports, names, requests, partitions and summaries
	Published  string           `json:"published"` // published measure sets with their values
	Review     string           `json:"review"`    // users, assessments, locks, evidence files and the audit log
}

// Diff names the parts in which f and g differ, in a fixed order.
func (f Fingerprint) Diff(g Fingerprint) []string {
	var out []string
	for _, p := range []struct {
		name string
		a, b string
	}{{"import runs", f.ImportRuns, g.ImportRuns}, {"budget history", f.History, g.History}, {"current budget", f.Current, g.Current},
		{"layers", f.Layers, g.Layers}, {"indicators", f.Indicators, g.Indicators}, {"need runs", f.NeedRuns, g.NeedRuns},
		{"analyses", f.Analyses, g.Analyses}, {"datasets", f.Datasets, g.Datasets}, {"settings", f.Settings, g.Settings},
		{"release state", f.Releases, g.Releases}, {"capital plans", f.Capital, g.Capital},
		{"service requests", f.Events, g.Events}, {"published measures", f.Published, g.Published},
		{"review of budget requests", f.Review, g.Review}} {
		if p.a != p.b {
			out = append(out, p.name)
		}
	}
	keys := map[string]bool{}
	for k := range f.Totals {
		keys[k] = true
	}
	for k := range g.Totals {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		if f.Totals[k] != g.Totals[k] {
			out = append(out, fmt.Sprintf("total %s: %d and %d cents", k, f.Totals[k], g.Totals[k]))
		}
	}
	return out
}

// digest accumulates a canonical encoding of values.
type digest struct{ h hash.Hash }

func newDigest() *digest { return &digest{h: sha256.New()} }

// add writes each value: JSON for structures (maps sorted by key), a
// fixed text form for floats (so NaN has one) and times (UTC, to the
// microsecond).
func (d *digest) add(vs ...any) error {
	for _, v := range vs {
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) {
				fmt.Fprint(d.h, "NaN;")
			} else {
				fmt.Fprintf(d.h, "%x;", math.Float64bits(x))
			}
		case time.Time:
			fmt.Fprintf(d.h, "%s;", x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
		case []byte:
			fmt.Fprintf(d.h, "%d:", len(x))
			d.h.Write(x)
		default:
			// a list is its length and elements, so that an empty list
			// and none digest alike
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
				fmt.Fprintf(d.h, "[%d]", rv.Len())
				for i := 0; i < rv.Len(); i++ {
					if err := d.add(rv.Index(i).Interface()); err != nil {
						return err
					}
				}
				continue
			}
			b, err := json.Marshal(x)
			if err != nil {
				return err
			}
			d.h.Write(b)
			d.h.Write([]byte{'\n'})
		}
	}
	return nil
}

func (d *digest) sum() string { return hex.EncodeToString(d.h.Sum(nil)) }

// Take computes s's fingerprint. s must implement store.Exporter.
func Take(ctx context.Context, s store.Store) (Fingerprint, error) {
	var f Fingerprint
	exp, ok := s.(store.Exporter)
	if !ok {
		return f, budget.Errorf(budget.EINVALID, "storecopy: the store (%T) cannot export its history", s)
	}
	steps := []func(context.Context, store.Store, store.Exporter, *Fingerprint) error{
		importsPart, currentPart, layersPart, indicatorsPart, needRunsPart, analysesPart, datasetsPart, settingsPart, releasesPart, capitalPart,
		eventsPart, publishedPart, reviewPart,
	}
	for _, step := range steps {
		if err := step(ctx, s, exp, &f); err != nil {
			return f, err
		}
	}
	return f, nil
}

// importsPart digests the run list and every budget run's rows.
func importsPart(ctx context.Context, s store.Store, exp store.Exporter, f *Fingerprint) error {
	history, err := exp.ImportHistory(ctx)
	if err != nil {
		return err
	}
	runs, rows := newDigest(), newDigest()
	for _, r := range history {
		if err := runs.add(r.ID, r.Kind, r.SourceFile, r.ContentHash, r.Profile, r.Dataset, r.Jurisdiction, r.Rows, r.Version, r.Superseded, r.StartedAt); err != nil {
			return err
		}
		if r.Kind != "budget" {
			continue
		}
		b, err := exp.ImportedBatch(ctx, r.ID)
		if err != nil {
			return err
		}
		if err := addBatch(rows, b); err != nil {
			return err
		}
	}
	f.ImportRuns, f.History = runs.sum(), rows.sum()
	return nil
}

// addBatch digests a batch's identity and rows (fiscal years, start month
// included, are not in the rows' JSON, so they are added apart).
func addBatch(d *digest, b *budget.Batch) error {
	if err := d.add(b.Jurisdiction, b.Dataset, b.SourceFile, b.ContentHash, b.Profile, b.FiscalYear.Start, b.Phase); err != nil {
		return err
	}
	for _, l := range b.LineItems {
		if err := d.add(l.FiscalYear, l); err != nil {
			return err
		}
	}
	for _, r := range b.Requests {
		if err := d.add(r.FiscalYear, r); err != nil {
			return err
		}
	}
	for _, m := range b.Measures {
		if err := d.add(m.FiscalYear, m.Value, m); err != nil {
			return err
		}
	}
	return d.add(b.Descriptions)
}

// currentPart digests what the budget reads return, and keeps the totals.
func currentPart(ctx context.Context, s store.Store, _ store.Exporter, f *Fingerprint) error {
	d := newDigest()
	items, err := s.LineItems(ctx, budget.Filter{})
	if err != nil {
		return err
	}
	f.Totals = map[string]int64{}
	for _, l := range items {
		if err := d.add(l.FiscalYear, l); err != nil {
			return err
		}
		f.Totals[fmt.Sprintf("%s %s %s %s", l.Jurisdiction, l.FiscalYear.Label(), l.Phase, l.Kind)] += l.AmountCents
	}
	reqs, err := s.Requests(ctx, budget.Filter{})
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if err := d.add(r.FiscalYear, r); err != nil {
			return err
		}
	}
	ms, err := s.Measures(ctx, budget.Filter{})
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := d.add(m.FiscalYear, m.Value, m); err != nil {
			return err
		}
	}
	ds, err := s.Descriptions(ctx, "", "")
	if err != nil {
		return err
	}
	if err := d.add(ds); err != nil {
		return err
	}
	tot, err := s.Totals(ctx, budget.Filter{}, budget.LevelDepartment)
	if err != nil {
		return err
	}
	if err := d.add(tot); err != nil {
		return err
	}
	f.Current = d.sum()
	return nil
}

// layersPart digests every layer: its listing, then each area with its
// geometry as WKB.
func layersPart(ctx context.Context, s store.Store, exp store.Exporter, f *Fingerprint) error {
	d := newDigest()
	infos, err := s.Layers(ctx)
	if err != nil {
		return err
	}
	runs, err := exp.LayerRuns(ctx)
	if err != nil {
		return err
	}
	for _, li := range infos {
		l, err := s.Layer(ctx, li.Layer)
		if err != nil {
			return err
		}
		if err := d.add(li.Layer, li.Areas, li.Population, li.Source, li.SourceHash, runs[li.Layer], li.NoGeometry, l.NoGeometry); err != nil {
			return err
		}
		if err := addLayer(d, l); err != nil {
			return err
		}
	}
	f.Layers = d.sum()
	return nil
}

func addLayer(d *digest, l *geo.Layer) error {
	for _, a := range l.Areas {
		var g []byte
		if len(a.Geom) > 0 {
			var err error
			if g, err = wkb.Marshal(a.Geom); err != nil {
				return err
			}
		}
		props, err := a.AttrsJSON() // typed: 1 and "1" differ
		if err != nil {
			return err
		}
		if err := d.add(a.ID, a.Name, a.Population, g, a.Point[0], a.Point[1], a.Attrs, props); err != nil {
			return err
		}
	}
	return nil
}

// indicatorsPart digests every indicator import's values and the metadata.
func indicatorsPart(ctx context.Context, s store.Store, exp store.Exporter, f *Fingerprint) error {
	d := newDigest()
	history, err := exp.ImportHistory(ctx)
	if err != nil {
		return err
	}
	for _, r := range history {
		if r.Kind != "indicators" {
			continue
		}
		set, err := exp.ImportedIndicators(ctx, r.ID)
		if err != nil {
			return err
		}
		if set == nil {
			continue
		}
		if err := d.add(r.ID, set.Layer, set.Period, set.File, set.Hash); err != nil {
			return err
		}
		for _, v := range set.Values {
			if err := d.add(v.Area, v.Indicator, v.Value, v.MOE); err != nil {
				return err
			}
		}
	}
	meta, err := s.IndicatorMeta(ctx)
	if err != nil {
		return err
	}
	if err := d.add(meta); err != nil {
		return err
	}
	f.Indicators = d.sum()
	return nil
}

// needRunsPart digests every need run whole.
func needRunsPart(ctx context.Context, s store.Store, _ store.Exporter, f *Fingerprint) error {
	d := newDigest()
	runs, err := s.Runs(ctx)
	if err != nil {
		return err
	}
	for _, info := range runs {
		r, err := s.Run(ctx, info.ID)
		if err != nil {
			return err
		}
		if err := d.add(info, r, r.SpecYAML, r.CreatedAt); err != nil {
			return err
		}
	}
	f.NeedRuns = d.sum()
	return nil
}

// analysesPart digests every analysis whole.
func analysesPart(ctx context.Context, s store.Store, _ store.Exporter, f *Fingerprint) error {
	d := newDigest()
	list, err := s.Analyses(ctx)
	if err != nil {
		return err
	}
	for _, info := range list {
		r, err := s.Analysis(ctx, info.ID)
		if err != nil {
			return err
		}
		if err := d.add(info, r); err != nil {
			return err
		}
	}
	f.Analyses = d.sum()
	return nil
}

// datasetsPart digests every dataset with its body.
func datasetsPart(ctx context.Context, s store.Store, exp store.Exporter, f *Fingerprint) error {
	d := newDigest()
	keys, err := exp.DatasetKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		ds, err := s.Dataset(ctx, k[0], k[1])
		if err != nil {
			return err
		}
		if err := d.add(ds, ds.Body); err != nil {
			return err
		}
	}
	f.Datasets = d.sum()
	return nil
}

// settingsPart digests every setting, key and value.
func settingsPart(ctx context.Context, s store.Store, exp store.Exporter, f *Fingerprint) error {
	d := newDigest()
	keys, err := exp.SettingKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		v, err := s.Setting(ctx, k)
		if err != nil {
			return err
		}
		if err := d.add(k, v); err != nil {
			return err
		}
	}
	f.Settings = d.sum()
	return nil
}

// releasesPart digests the release log (every event with its phase, who,
// when and why) and the phases' current state as listed.
func releasesPart(ctx context.Context, s store.Store, _ store.Exporter, f *Fingerprint) error {
	d := newDigest()
	log, err := s.PhaseReleaseLog(ctx)
	if err != nil {
		return err
	}
	phases, err := s.PhaseReleases(ctx)
	if err != nil {
		return err
	}
	for _, list := range [][]budget.PhaseRelease{log, phases} {
		if err := d.add(len(list)); err != nil {
			return err
		}
		for _, r := range list {
			if err := d.add(r.FiscalYear, r.At, r); err != nil {
				return err
			}
		}
	}
	f.Releases = d.sum()
	return nil
}

// capitalPart digests every plan as listed and read (projects with their
// geometry as WKB), the run that stored it, its scenarios in order and the
// capital release log.
func capitalPart(ctx context.Context, s store.Store, exp store.Exporter, f *Fingerprint) error {
	d := newDigest()
	plans, err := s.CapitalPlans(ctx)
	if err != nil {
		return err
	}
	runs, err := exp.CapitalPlanRuns(ctx)
	if err != nil {
		return err
	}
	for _, pi := range plans {
		p, err := s.CapitalPlan(ctx, pi.Name)
		if err != nil {
			return err
		}
		if err := d.add(pi, pi.Imported, runs[pi.Name], p, p.Imported); err != nil {
			return err
		}
		for _, pr := range p.Projects {
			var g []byte
			if pr.Place.Geometry != nil {
				if g, err = wkb.Marshal(pr.Place.Geometry); err != nil {
					return err
				}
			}
			if err := d.add(g); err != nil {
				return err
			}
		}
		list, err := s.CapitalScenarios(ctx, pi.Name)
		if err != nil {
			return err
		}
		for _, si := range list {
			sc, err := s.CapitalScenario(ctx, pi.Name, si.Name)
			if err != nil {
				return err
			}
			if err := d.add(si, sc, sc.Saved); err != nil {
				return err
			}
		}
	}
	log, err := s.CapitalReleaseLog(ctx)
	if err != nil {
		return err
	}
	if err := d.add(len(log)); err != nil {
		return err
	}
	for _, r := range log {
		if err := d.add(r, r.At); err != nil {
			return err
		}
	}
	f.Capital = d.sum()
	return nil
}
