// Package migrate decides which embedded schema migrations a store must
// apply, for every store implementation alike. Migrations are files named
// NNN_domain.sql (001 core, 010 budget, 020 geo, 030 need, 040 analysis,
// ...), applied in lexical order, each once, each in its own transaction,
// and recorded by name in the store's schema_migrations table.
package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Names lists the migration files (*.sql) directly under dir of fsys, by
// name, in the order they are applied.
func Names(fsys fs.FS, dir string) ([]string, error) {
	paths, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = path.Base(p)
	}
	sort.Strings(names)
	return names, nil
}

// Pending returns the migrations of known that applied lacks, in order.
// A store that has applied a migration this binary does not know was
// written by a newer budgetlens (or another branch of it): Pending refuses
// it with an ECONFLICT error naming the store (where), the unknown
// migrations and the newest this binary knows, and changes nothing.
func Pending(known, applied []string, where string) ([]string, error) {
	have := make(map[string]bool, len(applied))
	for _, a := range applied {
		have[a] = true
	}
	knows := make(map[string]bool, len(known))
	for _, k := range known {
		knows[k] = true
	}
	var unknown []string
	for _, a := range applied {
		if !knows[a] {
			unknown = append(unknown, a)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		newest := "none"
		if len(known) > 0 {
			newest = known[len(known)-1]
		}
		return nil, budget.Errorf(budget.ECONFLICT,
			"store: %s was written by a newer budgetlens: it has schema migration(s) %s that budgetlens %s does not know (this binary knows up to %s); use a budgetlens at least as new as the one that wrote it, nothing was changed",
			where, strings.Join(unknown, ", "), budget.Version, newest)
	}
	var out []string
	for _, k := range known {
		if !have[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

// Describe is a one-line summary of a schema state for status displays:
// "7 applied, newest 040_analysis.sql" plus the pending ones.
func Describe(known, applied []string) string {
	pending, err := Pending(known, applied, "the store")
	if err != nil {
		return err.Error()
	}
	s := fmt.Sprintf("%d applied", len(applied))
	if len(applied) > 0 {
		sorted := append([]string(nil), applied...)
		sort.Strings(sorted)
		s += ", newest " + sorted[len(sorted)-1]
	}
	if len(pending) > 0 {
		s += ", pending " + strings.Join(pending, ", ")
	}
	return s
}
