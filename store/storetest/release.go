package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// releaseSuite checks the release state of phases: a newly imported phase
// is held, a release and a hold are recorded with who, when and why, the
// latest change wins, the log keeps every change, and a phase that is not
// stored cannot be released.
func releaseSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	if ps, err := s.PhaseReleases(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("empty store: %+v, %v", ps, err)
	}
	b := batch("tc/exp", "r1",
		item("02", "0201", "100", "001010", fy21, budget.Proposed, 500),
		item("02", "0201", "100", "001010", fy21, budget.Adopted, 400),
		item("02", "0202", "100", "001010", fy21, budget.Adopted, 1))
	if _, err := s.ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	ps, err := s.PhaseReleases(ctx)
	if err != nil || len(ps) != 2 {
		t.Fatalf("phases %+v, %v", ps, err)
	}
	if ps[0].Phase != budget.Proposed || ps[1].Phase != budget.Adopted {
		t.Fatalf("order %s, %s: want proposed before adopted", ps[0].Phase, ps[1].Phase)
	}
	for _, p := range ps {
		if p.Released || p.By != "" || !p.At.IsZero() || p.Jurisdiction != "tc" || p.FiscalYear.Start != 2021 {
			t.Fatalf("new phase not held: %+v", p)
		}
	}
	if ps[0].LineItems() != 1 || ps[1].LineItems() != 2 || ps[0].Slices[0].Run == 0 {
		t.Fatalf("slices %+v %+v", ps[0].Slices, ps[1].Slices)
	}
	adopted := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: budget.Adopted}
	at := time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: adopted, Released: true, By: "clerk", At: at, Note: "adopted by council"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: adopted, Released: true}); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("release without who: %v, want invalid", err)
	}
	missing := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy20, Phase: budget.Actual}
	if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: missing, Released: true, By: "x"}); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("release of a phase not stored: %v, want not_found", err)
	}
	ps, _ = s.PhaseReleases(ctx)
	if ps[0].Released || !ps[1].Released || ps[1].By != "clerk" || !ps[1].At.Equal(at) || ps[1].Note != "adopted by council" {
		t.Fatalf("after release: %+v", ps)
	}
	if err := s.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: adopted, Released: false, By: "officer"}); err != nil {
		t.Fatal(err)
	}
	ps, _ = s.PhaseReleases(ctx)
	if ps[1].Released || ps[1].By != "officer" || ps[1].At.IsZero() || time.Since(ps[1].At) > time.Hour {
		t.Fatalf("after hold: %+v", ps[1])
	}
	log, err := s.PhaseReleaseLog(ctx)
	if err != nil || len(log) != 2 || !log[0].Released || log[1].Released || log[0].By != "clerk" {
		t.Fatalf("log %+v, %v", log, err)
	}
	// a later import of the same phase keeps its state (the key is the phase, not the run)
	b2 := batch("tc/exp", "r2", item("02", "0201", "100", "001010", fy21, budget.Adopted, 7))
	if _, err := s.ImportBatch(ctx, b2); err != nil {
		t.Fatal(err)
	}
	ps, _ = s.PhaseReleases(ctx)
	if len(ps) != 2 || ps[1].Released || ps[1].By != "officer" {
		t.Fatalf("after re-import: %+v", ps)
	}
}
