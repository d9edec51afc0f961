// Package storecopy copies everything one store holds into another, whatever
// their kinds (a DuckDB file to PostgreSQL and back), through the domain
// interfaces only (store.Store, store.Exporter, store.Restorer): every
// import run with its id, time and version, each budget run's rows
// (superseded ones too, so history and current figures come out the same),
// layers, indicators and their metadata, need runs and analyses under their
// own ids, the analysis datasets, the settings (the city profile), the
// release log of budget phases (so that what is released or held stays so),
// capital plans with their scenarios and release log, service requests,
// published measures, and the review of budget requests (users,
// assessments, locks, evidence files and the audit log, whose hash chain
// still verifies in the copy; sessions are not copied).
// Fingerprint digests what a store holds so that a copy can be checked
// against its source.
package storecopy

import (
	"context"
	"fmt"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store"
)

// Options tunes Copy.
type Options struct {
	// Progress, when set, is told after each record copied: the step
	// ("import runs", "need runs", "analyses", "datasets", "settings",
	// "release log", "capital scenarios", "capital release log", "review") and how
	// many of how many are done.
	Progress func(step string, done, total int)
}

// Summary counts what Copy copied.
type Summary struct {
	ImportRuns       int   `json:"import_runs"`       // every kind
	BudgetRuns       int   `json:"budget_runs"`       // of which budget imports
	BudgetRows       int64 `json:"budget_rows"`       // line items, requests, measures and texts, superseded ones included
	Layers           int   `json:"layers"`            // stored layers
	IndicatorImports int   `json:"indicator_imports"` // indicator imports with values still stored
	IndicatorMeta    int   `json:"indicator_meta"`
	NeedRuns         int   `json:"need_runs"`
	Analyses         int   `json:"analyses"`
	Datasets         int   `json:"datasets"`
	Settings         int   `json:"settings"`
	ReleaseEvents    int   `json:"release_events"` // releases and holds of budget phases
	CapitalPlans     int   `json:"capital_plans"`
	CapitalScenarios int   `json:"capital_scenarios"`
	CapitalReleases  int   `json:"capital_release_events"` // releases and holds of capital plans
	Events           int64 `json:"service_requests"`
	EventMonths      int   `json:"service_request_months"` // months with a partition and summary
	EventImports     int   `json:"service_request_imports"`
	PublishedSets    int   `json:"published_sets"`
	Users            int   `json:"users"`
	Assessments      int   `json:"assessments"`
	PhaseLocks       int   `json:"review_locks"`
	EvidenceFiles    int   `json:"evidence_files"`
	AuditEntries     int   `json:"audit_entries"`
	// Warnings name what could not be copied exactly.
	Warnings []string `json:"warnings,omitempty"`
}

// Copy copies everything src holds into dst, which must be empty (so that
// every id can be kept). src must implement store.Exporter and dst
// store.Restorer and store.Exporter; both stores of budgetlens do. Each
// record is written in its own transaction, in the order it was first
// written; when Copy fails the error says so and dst holds a partial copy
// that should be removed (drop the database, delete the file) before
// trying again, since Copy refuses a store that is not empty.
func Copy(ctx context.Context, dst, src store.Store, opt Options) (Summary, error) {
	var sum Summary
	exp, ok := src.(store.Exporter)
	if !ok {
		return sum, budget.Errorf(budget.EINVALID, "storecopy: the source store (%T) cannot export its history", src)
	}
	res, ok := dst.(store.Restorer)
	if !ok {
		return sum, budget.Errorf(budget.EINVALID, "storecopy: the target store (%T) cannot restore a copy", dst)
	}
	if err := checkEmpty(ctx, dst); err != nil {
		return sum, err
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	partial := func(err error) error {
		return fmt.Errorf("storecopy: %w (the target now holds a partial copy: remove it before copying again)", err)
	}
	if err := copyImports(ctx, res, dst, src, exp, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyRuns(ctx, res, src, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyAnalyses(ctx, res, dst, src, exp, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copySettings(ctx, dst, src, exp, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyReleases(ctx, res, src, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyCapital(ctx, res, src, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyEvents(ctx, dst, src, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyPublished(ctx, dst, src, &sum, progress); err != nil {
		return sum, partial(err)
	}
	if err := copyReview(ctx, res, exp, src, &sum, progress); err != nil {
		return sum, partial(err)
	}
	return sum, nil
}

// checkEmpty refuses a target that holds anything.
func checkEmpty(ctx context.Context, dst store.Store) error {
	var parts []string
	if e, ok := dst.(store.Exporter); ok {
		h, err := e.ImportHistory(ctx)
		if err != nil {
			return err
		}
		if len(h) > 0 {
			parts = append(parts, fmt.Sprintf("%d import runs", len(h)))
		}
		d, err := e.DatasetKeys(ctx)
		if err != nil {
			return err
		}
		if len(d) > 0 {
			parts = append(parts, fmt.Sprintf("%d datasets", len(d)))
		}
		keys, err := e.SettingKeys(ctx)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			parts = append(parts, fmt.Sprintf("settings %v", keys))
		}
	}
	log, err := dst.PhaseReleaseLog(ctx)
	if err != nil {
		return err
	}
	if len(log) > 0 {
		parts = append(parts, fmt.Sprintf("%d release events", len(log)))
	}
	layers, err := dst.Layers(ctx)
	if err != nil {
		return err
	}
	runs, err := dst.Runs(ctx)
	if err != nil {
		return err
	}
	an, err := dst.Analyses(ctx)
	if err != nil {
		return err
	}
	plans, err := dst.CapitalPlans(ctx)
	if err != nil {
		return err
	}
	st, err := dst.EventStats(ctx)
	if err != nil {
		return err
	}
	imports, err := dst.EventImports(ctx)
	if err != nil {
		return err
	}
	pub, err := dst.PublishedSets(ctx)
	if err != nil {
		return err
	}
	users, err := dst.Users(ctx)
	if err != nil {
		return err
	}
	ass, err := dst.Assessments(ctx, assess.Filter{})
	if err != nil {
		return err
	}
	audited, err := dst.AuditLog(ctx, store.AuditFilter{})
	if err != nil {
		return err
	}
	for _, c := range []struct {
		n    int
		what string
	}{{len(layers), "layers"}, {len(runs), "need runs"}, {len(an), "analyses"}, {len(plans), "capital plans"},
		{int(st.Requests), "service requests"}, {len(imports), "service-request imports"}, {len(pub), "published measure sets"},
		{len(users), "users"}, {len(ass), "assessments"}, {len(audited), "audit entries"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) > 0 {
		return budget.Errorf(budget.ECONFLICT, "the target store is not empty (it holds %s): a copy goes into an empty store only, so that every id is kept; give a new file or an empty database (nothing was written)", strings.Join(parts, ", "))
	}
	return nil
}

// copyImports replays every import run in id order.
func copyImports(ctx context.Context, res store.Restorer, dst, src store.Store, exp store.Exporter, sum *Summary, progress func(string, int, int)) error {
	history, err := exp.ImportHistory(ctx)
	if err != nil {
		return err
	}
	layerRuns, err := exp.LayerRuns(ctx)
	if err != nil {
		return err
	}
	layerOf := map[int64]string{}
	var unrecorded []string // layers stored before import runs were recorded
	for name, run := range layerRuns {
		if run == 0 {
			unrecorded = append(unrecorded, name)
			continue
		}
		layerOf[run] = name
	}
	meta, err := src.IndicatorMeta(ctx)
	if err != nil {
		return err
	}
	planRuns, err := exp.CapitalPlanRuns(ctx)
	if err != nil {
		return err
	}
	of := runNames{layers: layerOf, plans: map[int64]string{}}
	for name, run := range planRuns {
		of.plans[run] = name
	}
	for i, run := range history {
		if err := copyImport(ctx, res, src, exp, run, of, meta, sum); err != nil {
			return fmt.Errorf("import run %d (%s %s): %w", run.ID, run.Kind, run.SourceFile, err)
		}
		sum.ImportRuns++
		progress("import runs", i+1, len(history))
	}
	for _, name := range unrecorded {
		l, err := src.Layer(ctx, name)
		if err != nil {
			return err
		}
		if err := dst.SaveLayer(ctx, l); err != nil {
			return fmt.Errorf("layer %s: %w", name, err)
		}
		sum.Layers++
	}
	if len(meta) > 0 && sum.IndicatorImports == 0 {
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("the source holds metadata of %d indicators but none of their values; with no import to carry it, the metadata was not copied", len(meta)))
		return nil
	}
	sum.IndicatorMeta = len(meta)
	return nil
}

// runNames maps import runs to the layer or capital plan each stored (runs
// whose layer or plan was replaced since are missing).
type runNames struct {
	layers, plans map[int64]string
}

// copyImport copies one import run with what it stored.
func copyImport(ctx context.Context, res store.Restorer, src store.Store, exp store.Exporter, run budget.ImportRun,
	of runNames, meta []need.IndicatorMeta, sum *Summary) error {
	switch run.Kind {
	case "budget":
		b, err := exp.ImportedBatch(ctx, run.ID)
		if err != nil {
			return err
		}
		if err := res.RestoreBatch(ctx, run, b); err != nil {
			return err
		}
		sum.BudgetRuns++
		sum.BudgetRows += int64(b.Rows())
	case "geo":
		name, ok := of.layers[run.ID]
		if !ok { // the layer was replaced since
			return res.RestoreImportRun(ctx, run)
		}
		l, err := src.Layer(ctx, name)
		if err != nil {
			return err
		}
		if err := res.RestoreLayer(ctx, run, l); err != nil {
			return err
		}
		sum.Layers++
	case "indicators":
		set, err := exp.ImportedIndicators(ctx, run.ID)
		if err != nil {
			return err
		}
		if set == nil { // replaced since
			return res.RestoreImportRun(ctx, run)
		}
		// every import upserts the metadata; giving each the final
		// metadata leaves the copy's table equal to the source's
		set.Meta = meta
		if err := res.RestoreIndicators(ctx, run, set); err != nil {
			return err
		}
		sum.IndicatorImports++
	case "capital":
		name, ok := of.plans[run.ID]
		if !ok { // the plan was replaced or deleted since
			return res.RestoreImportRun(ctx, run)
		}
		p, err := src.CapitalPlan(ctx, name)
		if err != nil {
			return err
		}
		if err := res.RestoreCapitalPlan(ctx, run, p); err != nil {
			return err
		}
		sum.CapitalPlans++
	default:
		return budget.Errorf(budget.EINTERNAL, "import runs of kind %q cannot be copied by this budgetlens (%s): use the budgetlens that wrote them", run.Kind, budget.Version)
	}
	return nil
}

// copyRuns copies the need runs under their ids.
func copyRuns(ctx context.Context, res store.Restorer, src store.Store, sum *Summary, progress func(string, int, int)) error {
	runs, err := src.Runs(ctx)
	if err != nil {
		return err
	}
	for i, info := range runs {
		r, err := src.Run(ctx, info.ID)
		if err != nil {
			return err
		}
		if err := res.RestoreRun(ctx, r); err != nil {
			return fmt.Errorf("need run %d: %w", r.ID, err)
		}
		sum.NeedRuns++
		progress("need runs", i+1, len(runs))
	}
	return nil
}

// copyAnalyses copies the analyses under their ids, then the datasets.
func copyAnalyses(ctx context.Context, res store.Restorer, dst, src store.Store, exp store.Exporter, sum *Summary, progress func(string, int, int)) error {
	list, err := src.Analyses(ctx)
	if err != nil {
		return err
	}
	for i, info := range list {
		r, err := src.Analysis(ctx, info.ID)
		if err != nil {
			return err
		}
		if err := res.RestoreAnalysis(ctx, r); err != nil {
			return fmt.Errorf("analysis %d: %w", r.ID, err)
		}
		sum.Analyses++
		progress("analyses", i+1, len(list))
	}
	keys, err := exp.DatasetKeys(ctx)
	if err != nil {
		return err
	}
	for i, k := range keys {
		d, err := src.Dataset(ctx, k[0], k[1])
		if err != nil {
			return err
		}
		if err := dst.SaveDataset(ctx, d); err != nil {
			return fmt.Errorf("%s dataset %s: %w", k[0], k[1], err)
		}
		sum.Datasets++
		progress("datasets", i+1, len(keys))
	}
	return nil
}

// copySettings copies every setting byte for byte.
func copySettings(ctx context.Context, dst, src store.Store, exp store.Exporter, sum *Summary, progress func(string, int, int)) error {
	keys, err := exp.SettingKeys(ctx)
	if err != nil {
		return err
	}
	for i, k := range keys {
		v, err := src.Setting(ctx, k)
		if err != nil {
			return err
		}
		if err := dst.SetSetting(ctx, k, v); err != nil {
			return fmt.Errorf("setting %s: %w", k, err)
		}
		sum.Settings++
		progress("settings", i+1, len(keys))
	}
	return nil
}

// copyReleases replays the release log in order, so that every phase is
// released or held in the copy as in its source, with the same history.
func copyReleases(ctx context.Context, res store.Restorer, src store.Store, sum *Summary, progress func(string, int, int)) error {
	log, err := src.PhaseReleaseLog(ctx)
	if err != nil {
		return err
	}
	for i, e := range log {
		if err := res.RestorePhaseRelease(ctx, e); err != nil {
			return fmt.Errorf("release event %d (%s): %w", i+1, e.PhaseKey, err)
		}
		sum.ReleaseEvents++
		progress("release log", i+1, len(log))
	}
	return nil
}

// copyCapital copies every plan's scenarios in their order, then the
// capital release log in order (plans were copied with their import runs).
func copyCapital(ctx context.Context, res store.Restorer, src store.Store, sum *Summary, progress func(string, int, int)) error {
	plans, err := src.CapitalPlans(ctx)
	if err != nil {
		return err
	}
	for _, pi := range plans {
		list, err := src.CapitalScenarios(ctx, pi.Name)
		if err != nil {
			return err
		}
		for i, si := range list {
			sc, err := src.CapitalScenario(ctx, pi.Name, si.Name)
			if err != nil {
				return err
			}
			if err := res.RestoreCapitalScenario(ctx, sc); err != nil {
				return fmt.Errorf("scenario %s of plan %s: %w", sc.Name, pi.Name, err)
			}
			sum.CapitalScenarios++
			progress("capital scenarios", i+1, len(list))
		}
	}
	log, err := src.CapitalReleaseLog(ctx)
	if err != nil {
		return err
	}
	for i, e := range log {
		if err := res.RestoreCapitalRelease(ctx, e); err != nil {
			return fmt.Errorf("capital release event %d (plan %s): %w", i+1, e.Plan, err)
		}
		sum.CapitalReleases++
		progress("capital release log", i+1, len(log))
	}
	return nil
}
