package office

import (
	"context"
	"os/user"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/budgetlens/budgetlens/internal/yamlerr"
)

// CapitalImportOptions say how to read a capital plan's project list.
type CapitalImportOptions struct {
	// Plan names the plan.
	Plan string
	// Mapping is a column mapping: the name of one in the city profile's
	// capital.mappings, or a YAML file of one (projects.Mapping's keys).
	Mapping string
	// Columns are the columns named on the command line; each one given
	// replaces the mapping's.
	Columns projects.Mapping
	// Replace allows replacing a stored plan of the same name (and its
	// saved scenarios, which were built from the old projects).
	Replace bool
	Limits  tabular.Limits
}

// CapitalImported is a stored plan.
type CapitalImported struct {
	Plan *projects.Plan
	// Replaced says a plan of that name was replaced; ScenariosDropped how
	// many of its scenarios went with it; WasReleased that it had been
	// released (the new one is held until released again).
	Replaced         bool
	ScenariosDropped int
	WasReleased      bool
	// Places counts the projects by kind of place.
	Places map[projects.PlaceKind]int
}

const mappingHelp = "see docs/capital.md, \"Importing a plan\""

// capitalMapping resolves a mapping name or file, with the flags over it.
func (o *Office) capitalMapping(name string, flags projects.Mapping) (projects.Mapping, error) {
	var m projects.Mapping
	switch {
	case name == "":
	case o.City != nil && hasMapping(o, name):
		m, _ = o.City.Mapping(name)
	default:
		data, err := readFile(name, "--mapping")
		if err != nil {
			have := "the city profile has none"
			if o.City != nil && len(o.City.MappingNames()) > 0 {
				have = "the city profile has " + strings.Join(o.City.MappingNames(), ", ")
			}
			return m, budget.Errorf(budget.EINVALID, "--mapping %s is neither a mapping of the city profile (%s) nor a readable YAML file: %w", name, have, err)
		}
		if err := yamlerr.Decode(name, data, &m, "a column mapping", mappingHelp); err != nil {
			return m, err
		}
	}
	return m.Override(flags), nil
}

func hasMapping(o *Office, name string) bool {
	_, ok := o.City.Mapping(name)
	return ok
}

// ImportCapitalPlan reads a project list and stores it as a plan in one
// transaction. Area codes are checked against the stored layer the mapping
// names; a plan of the same name is refused unless opt.Replace.
func (o *Office) ImportCapitalPlan(ctx context.Context, file string, opt CapitalImportOptions) (*CapitalImported, error) {
	if err := checkInput(file, "FILE"); err != nil {
		return nil, err
	}
	m, err := o.capitalMapping(opt.Mapping, opt.Columns)
	if err != nil {
		return nil, err
	}
	ro := projects.ReadOptions{Plan: opt.Plan, Mapping: m, Limits: opt.Limits}
	if m.AreaLayer != "" {
		l, err := o.Store.Layer(ctx, m.AreaLayer)
		if budget.ErrorCode(err) == budget.ENOTFOUND {
			return nil, budget.Errorf(budget.EINVALID, "--layer %s: no such layer in the store (have: %s); import the areas the codes name first (budgetlens geo import FILE --layer %s, or --no-geometry for a table of areas)",
				m.AreaLayer, o.layerNames(ctx), m.AreaLayer)
		}
		if err != nil {
			return nil, err
		}
		ro.AreaID, ro.AreaIDs = areaResolver(l)
	}
	plan, err := projects.Read(file, ro)
	if err != nil {
		return nil, err
	}
	out := &CapitalImported{Plan: plan, Places: map[projects.PlaceKind]int{}}
	for _, p := range plan.Projects {
		out.Places[p.Place.Kind]++
	}
	infos, err := o.Store.CapitalPlans(ctx)
	if err != nil {
		return nil, err
	}
	for _, pi := range infos {
		if pi.Name != plan.Name {
			continue
		}
		if !opt.Replace {
			return nil, budget.Errorf(budget.ECONFLICT, "a plan named %q is stored already (from %s, %d projects, %d scenarios): give --replace to replace it and its scenarios, or choose another --plan", plan.Name, pi.Source, pi.Projects, pi.Scenarios)
		}
		out.Replaced, out.ScenariosDropped, out.WasReleased = true, pi.Scenarios, pi.Released
	}
	if err := o.Store.SaveCapitalPlan(ctx, plan); err != nil {
		return nil, err
	}
	return out, nil
}

// areaResolver matches area codes to a layer's ids by geo.IDKey ("05"
// finds "5"; case is ignored).
func areaResolver(l *geo.Layer) (func(string) (string, bool), []string) {
	byKey := map[string]string{}
	ids := make([]string, len(l.Areas))
	for i, a := range l.Areas {
		ids[i] = a.ID
		byKey[strings.ToUpper(geo.IDKey(a.ID))] = a.ID
	}
	return func(code string) (string, bool) {
		id, ok := byKey[strings.ToUpper(geo.IDKey(code))]
		return id, ok
	}, ids
}

// CapitalPlans lists the stored plans.
func (o *Office) CapitalPlans(ctx context.Context) ([]projects.PlanInfo, error) {
	return o.Store.CapitalPlans(ctx)
}

// CapitalPlan returns a stored plan, naming the stored ones when missing.
func (o *Office) CapitalPlan(ctx context.Context, name string) (*projects.Plan, error) {
	if strings.TrimSpace(name) == "" {
		return nil, budget.Errorf(budget.EINVALID, "name the plan with --plan (stored plans: %s)", o.planNames(ctx))
	}
	p, err := o.Store.CapitalPlan(ctx, name)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.ENOTFOUND, "no capital plan %q in the store (have: %s); import one with budgetlens capital import FILE --plan %s", name, o.planNames(ctx), name)
	}
	return p, err
}

func (o *Office) planNames(ctx context.Context) string {
	ps, err := o.Store.CapitalPlans(ctx)
	if err != nil || len(ps) == 0 {
		return "none"
	}
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	return strings.Join(n, ", ")
}

// DeleteCapitalPlan removes a plan with its scenarios and release log.
func (o *Office) DeleteCapitalPlan(ctx context.Context, name string) error {
	if _, err := o.CapitalPlan(ctx, name); err != nil {
		return err
	}
	return o.Store.DeleteCapitalPlan(ctx, name)
}

// CapitalReleaseOptions release or hold a plan.
type CapitalReleaseOptions struct {
	Plan     string
	Released bool
	// By is who decided (default: the operating-system user); Note why.
	By, Note string
}

// SetCapitalRelease releases or holds a plan and its scenarios for the
// public (the public server shows released plans only).
func (o *Office) SetCapitalRelease(ctx context.Context, opt CapitalReleaseOptions) error {
	if _, err := o.CapitalPlan(ctx, opt.Plan); err != nil {
		return err
	}
	by := opt.By
	if by == "" {
		if u, err := user.Current(); err == nil {
			by = u.Username
		}
	}
	return o.Store.SetCapitalRelease(ctx, projects.Release{Plan: opt.Plan, Released: opt.Released, By: by, Note: opt.Note})
}
