package office

import (
	"context"
	"reflect"
	"sort"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
)

// TemplateInfo is an assessment template and where it comes from:
// "shipped" with budgetlens or "city" (the profile's assess.templates).
type TemplateInfo struct {
	*assess.Template
	Source string `json:"source"`
}

// Templates lists the templates assessments can use: the shipped ones and
// the city's own, by id and version.
func (o *Office) Templates() ([]TemplateInfo, error) {
	shipped, err := assess.Builtin()
	if err != nil {
		return nil, err
	}
	var out []TemplateInfo
	for _, t := range shipped {
		out = append(out, TemplateInfo{t, "shipped"})
	}
	for _, t := range o.City.Templates() {
		out = append(out, TemplateInfo{t, "city"})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// Template returns template id at version: the city's own, else a shipped
// one; ENOTFOUND names both places.
func (o *Office) Template(id string, version int) (*assess.Template, error) {
	for _, t := range o.City.Templates() {
		if t.ID == id && t.Version == version {
			return t, nil
		}
	}
	t, err := assess.Lookup(id, version)
	if err != nil && budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, budget.Errorf(budget.ENOTFOUND, "no template %s version %d: neither shipped nor in the city profile's assess.templates", id, version)
	}
	return t, err
}

// latestTemplate is the highest version of template id (0 when none).
func (o *Office) latestTemplate(id string) int {
	ts, err := o.Templates()
	if err != nil {
		return 0
	}
	v := 0
	for _, t := range ts {
		if t.ID == id && t.Version > v {
			v = t.Version
		}
	}
	return v
}

// checkTemplatesKept refuses a profile that changes the questions of a
// template the saved profile already has at the same id and version:
// assessments made with it would silently change meaning. A changed
// template takes a new version.
func (o *Office) checkTemplatesKept(ctx context.Context, p *city.Profile) error {
	old, err := SavedCity(ctx, o.Store)
	if err != nil || old == nil {
		return nil // nothing saved (or unreadable, and replaced): nothing to keep
	}
	kept := map[string]*assess.Template{}
	for _, t := range old.Templates() {
		kept[assess.Ref(t.ID, t.Version)] = t
	}
	for _, t := range p.Templates() {
		ref := assess.Ref(t.ID, t.Version)
		if k := kept[ref]; k != nil && !reflect.DeepEqual(k, t) {
			return budget.Errorf(budget.EINVALID, "%s: template %s changes the questions of the saved %s: give the changed template version %d (assessments keep the version they were made with)",
				p.File, ref, ref, t.Version+1)
		}
		delete(kept, ref)
	}
	if len(kept) == 0 {
		return nil
	}
	// templates the new profile drops: refused while an assessment uses one
	as, err := o.Store.Assessments(ctx, assess.Filter{})
	if err != nil {
		return err
	}
	used := map[string]int{}
	for _, a := range as {
		if ref := assess.Ref(a.Template, a.TemplateVersion); kept[ref] != nil {
			used[ref]++
		}
	}
	for ref, n := range used {
		return budget.Errorf(budget.EINVALID, "%s: the saved profile's template %s is gone from assess.templates, and %d assessments use it: keep it in the profile (a new version can stand beside it)", p.File, ref, n)
	}
	return nil
}
