// Package embargo is the public view of a store: a read-only store.Store in
// which a budget phase that is not released does not exist. It is the one
// place the embargo is enforced; every public front end (the server's public
// mode, office.Public) reads through it, so no handler has to remember it.
//
// What "does not exist" means, method by method:
//   - line items, totals, phase totals, performance measures and the list of
//     fiscal years and phases hold only rows of released phases; a total
//     over several phases adds only the released ones;
//   - a budget request shows the change of each released phase only (the
//     proposed change of a held proposed phase is blank), and a request with
//     no change in a released phase is not listed;
//   - import runs are listed only when one of their current slices belongs
//     to a released phase, without row counts;
//   - a stored analysis exists only when its phase is released in every
//     jurisdiction that has it; its comparison rows of held phases are
//     dropped;
//   - the release listing and log show released phases only;
//   - a held phase asked for by name answers exactly as a phase that was
//     never imported: empty listings, and ENOTFOUND where the store would
//     say not found.
//
// Deny by default: a phase is shown only when the store records it as
// released. The state is read from the store on every call, so a hold takes
// effect on the next read (once only when the store is open read-only, as
// serve opens DuckDB: then no process can change it). Every write is refused (EFORBIDDEN): the public
// view is read-only.
package embargo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store"
)

// Store is the public, read-only view of a store.
type Store struct {
	s store.Store
	// frozen: the underlying store was opened read-only (DuckDB then keeps
	// every writer out while it is open), so its release state cannot
	// change and is read once.
	frozen bool
	once   sync.Once
	st     *state
	err    error
}

var _ store.Store = (*Store)(nil)

// Wrap returns the public view of s. Closing the view closes s. When s
// reports that it was opened read-only (a ReadOnly() bool method, as
// store/duckdb has), nobody can release or hold a phase while it is open,
// and the release state is read once; otherwise it is read on every call.
func Wrap(s store.Store) *Store {
	ro, ok := s.(interface{ ReadOnly() bool })
	return &Store{s: s, frozen: ok && ro.ReadOnly()}
}

// key identifies a phase for lookups.
type key struct {
	j  string
	fy int
	ph budget.Phase
}

func keyOf(k budget.PhaseKey) key { return key{k.Jurisdiction, k.FiscalYear.Start, k.Phase} }

// state is the release state read at the start of a call.
type state struct {
	stored   []budget.PhaseRelease
	released map[key]bool
}

func (e *Store) state(ctx context.Context) (*state, error) {
	if e.frozen {
		e.once.Do(func() { e.st, e.err = e.readState(context.WithoutCancel(ctx)) })
		return e.st, e.err
	}
	return e.readState(ctx)
}

func (e *Store) readState(ctx context.Context) (*state, error) {
	ps, err := e.s.PhaseReleases(ctx)
	if err != nil {
		return nil, err
	}
	st := &state{stored: ps, released: map[key]bool{}}
	for _, p := range ps {
		if p.Released {
			st.released[keyOf(p.PhaseKey)] = true
		}
	}
	return st, nil
}

func (st *state) visible(j string, fy int, ph budget.Phase) bool { return st.released[key{j, fy, ph}] }

// matching lists the stored phases a filter selects (Department, Program and
// Kind do not select phases).
func (st *state) matching(f budget.Filter) []budget.PhaseRelease {
	var out []budget.PhaseRelease
	for _, p := range st.stored {
		if f.Jurisdiction != "" && p.Jurisdiction != f.Jurisdiction {
			continue
		}
		if f.FiscalYear != nil && p.FiscalYear.Start != f.FiscalYear.Start {
			continue
		}
		if f.Phase != "" && p.Phase != f.Phase {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Version identifies the released set: it changes whenever a phase is
// released or held, so caches of public answers can key on it. It names no
// held phase (it is a digest of the released ones only).
func (e *Store) Version(ctx context.Context) (string, error) {
	st, err := e.state(ctx)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, p := range st.stored {
		if p.Released {
			parts = append(parts, fmt.Sprintf("%s/%d/%s/%s", p.Jurisdiction, p.FiscalYear.Start, p.Phase, p.At.UTC().Format("20060102T150405.000000000")))
		}
	}
	plans, err := e.capitalVersion(ctx)
	if err != nil {
		return "", err
	}
	return strings.Join(append(parts, plans...), ","), nil
}

func readOnly() error {
	return budget.Errorf(budget.EFORBIDDEN, "the public view of the store is read-only")
}

// Close closes the underlying store.
func (e *Store) Close() error { return e.s.Close() }

// ---- budget ----

// ImportBatch is refused.
func (e *Store) ImportBatch(context.Context, *budget.Batch) (budget.ImportRun, error) {
	return budget.ImportRun{}, readOnly()
}

// ImportRuns lists the runs with a current slice in a released phase.
// Their row counts are left out (0): a file can hold rows of a held phase
// (LA's request files carry the proposed and the adopted change on one row),
// and its count would tell that they exist.
func (e *Store) ImportRuns(ctx context.Context) ([]budget.ImportRun, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	shown := map[int64]bool{}
	for _, p := range st.stored {
		if !p.Released {
			continue
		}
		for _, sl := range p.Slices {
			shown[sl.Run] = true
		}
	}
	runs, err := e.s.ImportRuns(ctx)
	if err != nil {
		return nil, err
	}
	var out []budget.ImportRun
	for _, r := range runs {
		if !shown[r.ID] {
			continue
		}
		r.Rows, r.Superseded = 0, 0
		out = append(out, r)
	}
	return out, nil
}

// LineItems returns the current line items of released phases matching f.
func (e *Store) LineItems(ctx context.Context, f budget.Filter) ([]budget.LineItem, error) {
	var out []budget.LineItem
	err := e.EachLineItem(ctx, f, func(l *budget.LineItem) error {
		out = append(out, *l)
		return nil
	})
	return out, err
}

// EachLineItem streams the current line items of released phases.
func (e *Store) EachLineItem(ctx context.Context, f budget.Filter, fn func(*budget.LineItem) error) error {
	st, err := e.state(ctx)
	if err != nil {
		return err
	}
	if !anyReleased(st.matching(f)) {
		return nil
	}
	return e.s.EachLineItem(ctx, f, func(l *budget.LineItem) error {
		if !st.visible(l.Jurisdiction, l.FiscalYear.Start, l.Phase) {
			return nil
		}
		return fn(l)
	})
}

func anyReleased(ps []budget.PhaseRelease) bool {
	for _, p := range ps {
		if p.Released {
			return true
		}
	}
	return false
}

func allReleased(ps []budget.PhaseRelease) bool {
	for _, p := range ps {
		if !p.Released {
			return false
		}
	}
	return true
}

// Jurisdiction returns a jurisdiction with a released phase.
func (e *Store) Jurisdiction(ctx context.Context, id string) (budget.Jurisdiction, error) {
	st, err := e.state(ctx)
	if err != nil {
		return budget.Jurisdiction{}, err
	}
	if !anyReleased(st.matching(budget.Filter{Jurisdiction: id})) {
		return budget.Jurisdiction{ID: id}, budget.Errorf(budget.ENOTFOUND, "no budget of jurisdiction %q is stored", id)
	}
	return e.s.Jurisdiction(ctx, id)
}

// pinned narrows f to one released phase.
func pinned(f budget.Filter, p budget.PhaseRelease) budget.Filter {
	fy := p.FiscalYear
	f.Jurisdiction, f.FiscalYear, f.Phase = p.Jurisdiction, &fy, p.Phase
	return f
}

// Totals sums the released phases' line items matching f by level. When
// every phase f selects is released the store answers directly; otherwise
// each released phase is totalled alone and the totals are added by code
// (the name kept is the one of the largest part).
func (e *Store) Totals(ctx context.Context, f budget.Filter, by budget.Level) ([]budget.Total, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	m := st.matching(f)
	if len(m) > 0 && allReleased(m) {
		return e.s.Totals(ctx, f, by)
	}
	type acc struct {
		t    budget.Total
		best int64
	}
	sum := map[string]*acc{}
	for _, p := range m {
		if !p.Released {
			continue
		}
		part, err := e.s.Totals(ctx, pinned(f, p), by)
		if err != nil {
			return nil, err
		}
		for _, t := range part {
			a := sum[t.Code]
			if a == nil {
				a = &acc{t: budget.Total{Code: t.Code, Name: t.Name}, best: abs(t.AmountCents)}
				sum[t.Code] = a
			}
			if abs(t.AmountCents) > a.best {
				a.t.Name, a.best = t.Name, abs(t.AmountCents)
			}
			a.t.AmountCents += t.AmountCents
			a.t.Items += t.Items
		}
	}
	out := make([]budget.Total, 0, len(sum))
	for _, a := range sum {
		out = append(out, a.t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// PhaseTotal sums the released phases' line items matching f.
func (e *Store) PhaseTotal(ctx context.Context, f budget.Filter) (int64, error) {
	st, err := e.state(ctx)
	if err != nil {
		return 0, err
	}
	m := st.matching(f)
	if len(m) > 0 && allReleased(m) {
		return e.s.PhaseTotal(ctx, f)
	}
	var n int64
	for _, p := range m {
		if !p.Released {
			continue
		}
		x, err := e.s.PhaseTotal(ctx, pinned(f, p))
		if err != nil {
			return 0, err
		}
		n += x
	}
	return n, nil
}

// Requests returns the requests matching f with the changes of released
// phases only; a request left with no change is not listed.
func (e *Store) Requests(ctx context.Context, f budget.Filter) ([]budget.Request, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := e.s.Requests(ctx, f)
	if err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		if !st.visible(r.Jurisdiction, r.FiscalYear.Start, budget.Proposed) {
			r.ProposedCents = nil
		}
		if !st.visible(r.Jurisdiction, r.FiscalYear.Start, budget.Adopted) {
			r.AdoptedCents = nil
		}
		if r.ProposedCents == nil && r.AdoptedCents == nil {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// Measures returns the performance measures of released phases.
func (e *Store) Measures(ctx context.Context, f budget.Filter) ([]budget.Measure, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := e.s.Measures(ctx, f)
	if err != nil {
		return nil, err
	}
	out := ms[:0]
	for _, m := range ms {
		if st.visible(m.Jurisdiction, m.FiscalYear.Start, m.Phase) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Descriptions returns the published texts of a jurisdiction that has a
// released phase (of every such jurisdiction when jurisdiction is "").
func (e *Store) Descriptions(ctx context.Context, jurisdiction, subject string) ([]budget.Description, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	if jurisdiction == "" {
		if !anyReleased(st.stored) {
			return nil, nil
		}
	} else if !anyReleased(st.matching(budget.Filter{Jurisdiction: jurisdiction})) {
		return nil, nil
	}
	return e.s.Descriptions(ctx, jurisdiction, subject)
}

// FiscalYearsPhases lists the released (fiscal year, phase) pairs with line
// items.
func (e *Store) FiscalYearsPhases(ctx context.Context, jurisdiction string) ([]budget.Slice, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	sl, err := e.s.FiscalYearsPhases(ctx, jurisdiction)
	if err != nil {
		return nil, err
	}
	var out []budget.Slice
	for _, x := range sl {
		fy := x.FiscalYear
		for _, p := range st.matching(budget.Filter{Jurisdiction: jurisdiction, FiscalYear: &fy, Phase: x.Phase}) {
			if p.Released && p.LineItems() > 0 {
				out = append(out, x)
				break
			}
		}
	}
	return out, nil
}

// ---- releases ----

// PhaseReleases lists the released phases, without their slices (whose
// row counts could count rows of a held phase, as ImportRuns says).
func (e *Store) PhaseReleases(ctx context.Context) ([]budget.PhaseRelease, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	var out []budget.PhaseRelease
	for _, p := range st.stored {
		if p.Released {
			p.Slices = nil
			out = append(out, p)
		}
	}
	return out, nil
}

// SetPhaseRelease is refused.
func (e *Store) SetPhaseRelease(context.Context, budget.PhaseRelease) error { return readOnly() }

// PhaseReleaseLog lists the changes of the phases released now.
func (e *Store) PhaseReleaseLog(ctx context.Context) ([]budget.PhaseRelease, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	log, err := e.s.PhaseReleaseLog(ctx)
	if err != nil {
		return nil, err
	}
	var out []budget.PhaseRelease
	for _, r := range log {
		if st.released[keyOf(r.PhaseKey)] {
			out = append(out, r)
		}
	}
	return out, nil
}

// ---- analyses ----

// recordVisible reports whether an analysis of (jurisdiction, fiscal year,
// phase) may be shown: its phase is released in every jurisdiction that has
// it (and at least one).
func (st *state) recordVisible(j, fiscalYear, phase string) bool {
	fy, err := budget.ParseFiscalYear(fiscalYear)
	if err != nil {
		return false
	}
	ph, err := budget.ParsePhase(phase)
	if err != nil {
		return false
	}
	m := st.matching(budget.Filter{Jurisdiction: j, FiscalYear: &fy, Phase: ph})
	return len(m) > 0 && allReleased(m)
}

// clean drops a record's comparison rows of phases that are not shown.
func (st *state) clean(r *analysis.Record) *analysis.Record {
	if r.Result == nil {
		return r
	}
	res := *r.Result
	res.Comparisons = nil
	for _, c := range r.Result.Comparisons {
		if st.recordVisible(r.Jurisdiction, c.FiscalYear, c.Phase) {
			res.Comparisons = append(res.Comparisons, c)
		}
	}
	out := *r
	out.Result = &res
	return &out
}

// SaveAnalysis is refused.
func (e *Store) SaveAnalysis(context.Context, *analysis.Record) (int64, error) { return 0, readOnly() }

// Analysis returns a stored analysis of a released phase.
func (e *Store) Analysis(ctx context.Context, id int64) (*analysis.Record, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	r, err := e.s.Analysis(ctx, id)
	if err != nil {
		return nil, err
	}
	if !st.recordVisible(r.Jurisdiction, r.FiscalYear, r.Phase) {
		return nil, budget.Errorf(budget.ENOTFOUND, "no analysis %d: list them with budgetlens analyze --list", id)
	}
	return st.clean(r), nil
}

// LatestAnalysis returns the newest analysis of a released phase.
func (e *Store) LatestAnalysis(ctx context.Context, fiscalYear, phase, layer string) (*analysis.Record, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	notFound := budget.Errorf(budget.ENOTFOUND, "no analysis of %s %s on layer %s", fiscalYear, phase, layer)
	r, err := e.s.LatestAnalysis(ctx, fiscalYear, phase, layer)
	if err != nil {
		if budget.ErrorCode(err) == budget.ENOTFOUND {
			return nil, notFound
		}
		return nil, err
	}
	if !st.recordVisible(r.Jurisdiction, r.FiscalYear, r.Phase) {
		return nil, notFound
	}
	return st.clean(r), nil
}

// Analyses lists the stored analyses of released phases.
func (e *Store) Analyses(ctx context.Context) ([]analysis.RecordInfo, error) {
	st, err := e.state(ctx)
	if err != nil {
		return nil, err
	}
	all, err := e.s.Analyses(ctx)
	if err != nil {
		return nil, err
	}
	var out []analysis.RecordInfo
	for _, r := range all {
		if st.recordVisible(r.Jurisdiction, r.FiscalYear, r.Phase) {
			out = append(out, r)
		}
	}
	return out, nil
}

// SaveDataset is refused.
func (e *Store) SaveDataset(context.Context, *analysis.Dataset) error { return readOnly() }

// Dataset returns a stored dataset (datasets belong to no phase).
func (e *Store) Dataset(ctx context.Context, kind, name string) (*analysis.Dataset, error) {
	return e.s.Dataset(ctx, kind, name)
}

// ---- geography, need, settings: no phase; read through, writes refused ----

// SaveLayer is refused.
func (e *Store) SaveLayer(context.Context, *geo.Layer) error { return readOnly() }

// Layer returns a stored layer.
func (e *Store) Layer(ctx context.Context, name string) (*geo.Layer, error) {
	return e.s.Layer(ctx, name)
}

// Layers lists the stored layers.
func (e *Store) Layers(ctx context.Context) ([]geo.LayerInfo, error) { return e.s.Layers(ctx) }

// DeleteLayer is refused.
func (e *Store) DeleteLayer(context.Context, string) error { return readOnly() }

// SaveRun is refused.
func (e *Store) SaveRun(context.Context, *need.Run) (int64, error) { return 0, readOnly() }

// Run returns a stored need run.
func (e *Store) Run(ctx context.Context, id int64) (*need.Run, error) { return e.s.Run(ctx, id) }

// LatestRun returns the newest need run.
func (e *Store) LatestRun(ctx context.Context) (*need.Run, error) { return e.s.LatestRun(ctx) }

// LatestRunForLayer returns the newest need run over a layer.
func (e *Store) LatestRunForLayer(ctx context.Context, layer string) (*need.Run, error) {
	return e.s.LatestRunForLayer(ctx, layer)
}

// Runs lists the need runs.
func (e *Store) Runs(ctx context.Context) ([]need.RunInfo, error) { return e.s.Runs(ctx) }

// SaveIndicators is refused.
func (e *Store) SaveIndicators(context.Context, *need.IndicatorSet) (int64, error) {
	return 0, readOnly()
}

// Indicators returns stored indicator values.
func (e *Store) Indicators(ctx context.Context, layer, period string) (*need.Table, error) {
	return e.s.Indicators(ctx, layer, period)
}

// IndicatorMeta lists the indicator metadata.
func (e *Store) IndicatorMeta(ctx context.Context) ([]need.IndicatorMeta, error) {
	return e.s.IndicatorMeta(ctx)
}

// SetSetting is refused.
func (e *Store) SetSetting(context.Context, string, []byte) error { return readOnly() }

// Setting returns a stored setting.
func (e *Store) Setting(ctx context.Context, key string) ([]byte, error) {
	return e.s.Setting(ctx, key)
}
