package office

import (
	"context"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store/embargo"
)

// Public returns the office every public front end uses: the same city
// profile over the public view of the store (store/embargo), in which a
// phase that is not released does not exist and nothing can be written.
func (o *Office) Public() *Office {
	if _, ok := o.Store.(*embargo.Store); ok {
		return o
	}
	return &Office{Store: embargo.Wrap(o.Store), City: o.City}
}

// IsPublic reports whether the office reads through the public view.
func (o *Office) IsPublic() bool {
	_, ok := o.Store.(*embargo.Store)
	return ok
}

// Phases lists the stored phases with their release state (held until
// released), oldest fiscal year first.
func (o *Office) Phases(ctx context.Context) ([]budget.PhaseRelease, error) {
	return o.Store.PhaseReleases(ctx)
}

// ReleaseOptions name a phase to release or hold and say who does it.
type ReleaseOptions struct {
	FiscalYear   string // "2021-22"
	Phase        string // proposed, adopted, estimate, actual
	Jurisdiction string // default: the one jurisdiction that has the phase
	By           string // who; required
	Note         string // why (optional)
}

// Release makes a stored phase public; Hold makes it confidential again.
// Both are recorded with who, when and why, and return the phase's new
// state.
func (o *Office) Release(ctx context.Context, opt ReleaseOptions) (budget.PhaseRelease, error) {
	return o.setRelease(ctx, opt, true)
}

// Hold withdraws a phase from the public (see Release).
func (o *Office) Hold(ctx context.Context, opt ReleaseOptions) (budget.PhaseRelease, error) {
	return o.setRelease(ctx, opt, false)
}

func (o *Office) setRelease(ctx context.Context, opt ReleaseOptions, on bool) (budget.PhaseRelease, error) {
	key, err := o.phaseKey(ctx, opt)
	if err != nil {
		return budget.PhaseRelease{}, err
	}
	if strings.TrimSpace(opt.By) == "" {
		return budget.PhaseRelease{}, budget.Errorf(budget.EINVALID, "say who releases or holds the phase (--as NAME)")
	}
	if err := o.Store.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: key, Released: on, By: opt.By, Note: opt.Note}); err != nil {
		return budget.PhaseRelease{}, err
	}
	ps, err := o.Store.PhaseReleases(ctx)
	if err != nil {
		return budget.PhaseRelease{}, err
	}
	for _, p := range ps {
		if p.PhaseKey == key {
			return p, nil
		}
	}
	return budget.PhaseRelease{}, budget.Errorf(budget.EINTERNAL, "the phase %s was recorded but is not listed", key)
}

// phaseKey parses the options and finds the jurisdiction when not given.
func (o *Office) phaseKey(ctx context.Context, opt ReleaseOptions) (budget.PhaseKey, error) {
	var k budget.PhaseKey
	if opt.FiscalYear == "" || opt.Phase == "" {
		return k, budget.Errorf(budget.EINVALID, "name the phase with --fy YEAR --phase PHASE (budgetlens phase ls lists them)")
	}
	fy, err := budget.ParseFiscalYear(opt.FiscalYear)
	if err != nil {
		return k, err
	}
	ph, err := budget.ParsePhase(opt.Phase)
	if err != nil {
		return k, err
	}
	k = budget.PhaseKey{Jurisdiction: opt.Jurisdiction, FiscalYear: fy, Phase: ph}
	if k.Jurisdiction != "" {
		return k, nil
	}
	ps, err := o.Store.PhaseReleases(ctx)
	if err != nil {
		return k, err
	}
	var js, have []string
	for _, p := range ps {
		have = append(have, p.PhaseKey.String())
		if p.FiscalYear.Start == fy.Start && p.Phase == ph {
			js = append(js, p.Jurisdiction)
		}
	}
	switch len(js) {
	case 1:
		k.Jurisdiction = js[0]
		return k, nil
	case 0:
		list := strings.Join(have, ", ")
		if list == "" {
			list = "none: import a budget first"
		}
		return k, budget.Errorf(budget.ENOTFOUND, "no %s %s budget is stored (stored phases: %s)", fy, ph, list)
	}
	return k, budget.Errorf(budget.EINVALID, "%s %s is stored for %s: say which with --jurisdiction", fy, ph, strings.Join(js, ", "))
}

// releasePublished releases every phase the demo imported: the demo's data
// are budgets the city has published.
func (b *demoBuild) releasePublished(ctx context.Context) error {
	ps, err := b.o.Store.PhaseReleases(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		r := budget.PhaseRelease{PhaseKey: p.PhaseKey, Released: true, By: "budgetlens demo", Note: "published by the city (demo data)"}
		if err := b.o.Store.SetPhaseRelease(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
