package office

import (
	"context"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/storecopy"
)

// CopyOptions tunes CopyStore.
type CopyOptions struct {
	// Progress, when set, is told after each record copied and each part
	// checked: the step and how many of how many are done.
	Progress func(step string, done, total int)
}

// CopyResult is what CopyStore copied and what it checked.
type CopyResult struct {
	Copied storecopy.Summary `json:"copied"`
	// Verified names the parts of the stores compared equal after the
	// copy (every part storecopy.Fingerprint has).
	Verified []string `json:"verified"`
	// Fingerprint is the copy's (equal to its source's).
	Fingerprint storecopy.Fingerprint `json:"fingerprint"`
}

// fingerprintParts are the parts Fingerprint.Diff compares, in its order.
var fingerprintParts = []string{"import runs", "budget history", "current budget", "layers", "indicators", "need runs", "analyses", "datasets",
	"settings", "release state", "capital plans", "service requests", "published measures",
	"review of budget requests", "totals"}

// CopyStore copies everything src holds into dst, which must be empty
// (ECONFLICT, naming what it holds, otherwise; nothing is written), with
// ids, history, times, settings and the release log kept
// (storecopy.Copy). It then takes both stores' fingerprints
// (storecopy.Take) and returns an EINTERNAL error naming the parts that
// differ when the copy does not read back exactly as its source. Copying
// between kinds (DuckDB to PostgreSQL and back) is the point; src and dst
// must be two stores.
func CopyStore(ctx context.Context, dst, src store.Store, opt CopyOptions) (*CopyResult, error) {
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	sum, err := storecopy.Copy(ctx, dst, src, storecopy.Options{Progress: progress})
	if err != nil {
		return nil, err
	}
	progress("checking the copy", 0, 2)
	want, err := storecopy.Take(ctx, src)
	if err != nil {
		return nil, err
	}
	progress("checking the copy", 1, 2)
	got, err := storecopy.Take(ctx, dst)
	if err != nil {
		return nil, err
	}
	progress("checking the copy", 2, 2)
	if diff := want.Diff(got); len(diff) > 0 {
		return nil, budget.Errorf(budget.EINTERNAL, "the copy does not read back as its source: it differs in %s (the target holds the copy as written: remove it and report this)", strings.Join(diff, "; "))
	}
	return &CopyResult{Copied: sum, Verified: fingerprintParts, Fingerprint: got}, nil
}

// StoreStatus describes a store for its operators (budgetlens db status):
// its kind and location (a URL's password redacted), server version, the
// schema's migrations, sizes and, for PostgreSQL, the connection pool.
func StoreStatus(ctx context.Context, s store.Store) (*store.Status, error) {
	r, ok := s.(store.StatusReporter)
	if !ok {
		return nil, budget.Errorf(budget.EINVALID, "this store (%T) cannot describe itself", s)
	}
	return r.Status(ctx)
}
