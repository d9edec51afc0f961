package store

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// CurrentSlice is one current (not superseded) slice of a stored phase, as
// a store reads it for ReleaseStore.PhaseReleases.
type CurrentSlice struct {
	Phase budget.PhaseKey
	Slice budget.PhaseSlice
}

// PhaseReleasesOf builds the answer of ReleaseStore.PhaseReleases, one rule
// for every store: one entry per phase that has current slices (slices in
// the order given), ordered by jurisdiction, fiscal year and the phases'
// life order (budget.Phases); its state is that of its latest event in log
// (oldest first), held when it has none. Events of phases with no current
// rows are left out.
func PhaseReleasesOf(slices []CurrentSlice, log []budget.PhaseRelease) []budget.PhaseRelease {
	byKey := map[string]int{}
	var out []budget.PhaseRelease
	for _, c := range slices {
		k := phaseID(c.Phase)
		i, ok := byKey[k]
		if !ok {
			i = len(out)
			byKey[k] = i
			out = append(out, budget.PhaseRelease{PhaseKey: c.Phase})
		}
		out[i].Slices = append(out[i].Slices, c.Slice)
	}
	for _, e := range log { // oldest first: the latest event wins
		if i, ok := byKey[phaseID(e.PhaseKey)]; ok {
			r := &out[i]
			r.Released, r.By, r.At, r.Note = e.Released, e.By, e.At, e.Note
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return phaseLess(out[i].PhaseKey, out[j].PhaseKey) })
	return out
}

// CheckPhaseRelease is what SetPhaseRelease checks before it records r,
// one rule for every store: r says who made the change (EINVALID
// otherwise) and names a phase among stored (ENOTFOUND otherwise, listing
// the stored phases). A zero r.At becomes now (UTC).
func CheckPhaseRelease(r *budget.PhaseRelease, stored []budget.PhaseRelease, now time.Time) error {
	if strings.TrimSpace(r.By) == "" {
		return budget.Errorf(budget.EINVALID, "a release or hold must say who made it")
	}
	if r.At.IsZero() {
		r.At = now.UTC()
	}
	var have []string
	for _, x := range stored {
		if phaseID(x.PhaseKey) == phaseID(r.PhaseKey) {
			return nil
		}
		have = append(have, x.PhaseKey.String())
	}
	list := strings.Join(have, ", ")
	if list == "" {
		list = "none"
	}
	return budget.Errorf(budget.ENOTFOUND, "no %s budget is stored (stored phases: %s)", r.PhaseKey, list)
}

// phaseID identifies a phase by jurisdiction, fiscal year and phase (the
// fiscal year's start month aside).
func phaseID(k budget.PhaseKey) string {
	return fmt.Sprintf("%s\x1f%d\x1f%s", k.Jurisdiction, k.FiscalYear.Start, k.Phase)
}

// phaseLess orders by jurisdiction, fiscal year and the phases' life order.
func phaseLess(a, b budget.PhaseKey) bool {
	if a.Jurisdiction != b.Jurisdiction {
		return a.Jurisdiction < b.Jurisdiction
	}
	if a.FiscalYear.Start != b.FiscalYear.Start {
		return a.FiscalYear.Start < b.FiscalYear.Start
	}
	return phaseOrder(a.Phase) < phaseOrder(b.Phase)
}

func phaseOrder(p budget.Phase) int {
	for i, x := range budget.Phases {
		if x == p {
			return i
		}
	}
	return len(budget.Phases)
}
