// Package office is what the budget office does with a store: import
// budgets, layers and indicators, total and export the budget, build and
// explain need indices, analyse a phase's spending against need, write the
// council report, summarise service events, compute metrics over a table,
// build the demo and check a store before its numbers are trusted.
//
// It is the one application layer under every front end: the CLI parses
// flags, calls one function here and formats the result; the server will
// call the same functions. Nothing here prints or assumes a terminal:
// functions take a context and plain option structs and return domain
// values; long work reports progress through an optional callback in its
// options (ImportOptions.Progress).
//
// An Office holds a store and the city profile that says which layers,
// rules and need preset the city uses (see package city). The profile a
// store was built with is saved in the store (SaveCity) and found again by
// New, so later commands need no flag; a profile given by the caller
// overrides it.
package office

import (
	"context"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/store"
)

// Office is the budget office's work on one store with one city profile.
type Office struct {
	Store store.Store
	// City is the city profile; nil when the store has none and the caller
	// gave none (then nothing city-specific is assumed: analyses place only
	// rows that carry their own area codes and need a --layer).
	City *city.Profile
}

// New returns an office on s. The city profile is p when given, else the
// profile saved in the store (none is fine).
func New(ctx context.Context, s store.Store, p *city.Profile) (*Office, error) {
	o := &Office{Store: s, City: p}
	if p != nil {
		return o, nil
	}
	saved, err := SavedCity(ctx, s)
	if err != nil {
		return nil, err
	}
	o.City = saved
	return o, nil
}

// SavedCity returns the profile saved in the store, nil when there is none.
func SavedCity(ctx context.Context, s store.Store) (*city.Profile, error) {
	b, err := s.Setting(ctx, store.SettingCityProfile)
	if budget.ErrorCode(err) == budget.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := city.Parse("the store's city profile", b)
	if err != nil {
		return nil, budget.Errorf(budget.EINVALID, "the city profile saved in the store cannot be read (save another with budgetlens profile save FILE): %w", err)
	}
	return p, nil
}

// SaveCity saves p in the store as the profile later commands use, and
// makes it the office's.
func (o *Office) SaveCity(ctx context.Context, p *city.Profile) error {
	if err := o.checkTemplatesKept(ctx, p); err != nil {
		return err
	}
	if err := o.Store.SetSetting(ctx, store.SettingCityProfile, p.Source); err != nil {
		return err
	}
	o.City = p
	return nil
}

// LoadCity reads a profile: the name of a built-in one ("la") or a YAML
// file.
func LoadCity(nameOrPath string) (*city.Profile, error) {
	for _, n := range city.Builtins() {
		if n == nameOrPath {
			return city.Builtin(n)
		}
	}
	b, err := readFile(nameOrPath, "--profile")
	if err != nil {
		return nil, err
	}
	return city.Parse(nameOrPath, b)
}
