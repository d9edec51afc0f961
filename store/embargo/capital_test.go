package embargo_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/budgetlens/budgetlens/store/embargo"
)

// TestCapitalPlansEmbargoed: a held plan and its scenarios do not exist in
// the public view (not found as a plan never imported, absent from every
// listing), a released one reads through, every write is refused, and a
// release or hold changes Version.
func TestCapitalPlansEmbargoed(t *testing.T) {
	ctx := context.Background()
	s, err := duckdb.Open(filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"held", "public"} {
		p := &projects.Plan{Name: name, Source: name + ".csv", SHA256: "x", Projects: []projects.Project{
			{ID: "a", Line: 2, Cost: []int64{100}, Attrs: map[string]string{}, Place: projects.Place{Kind: projects.PlaceNone}}}}
		if err := s.SaveCapitalPlan(ctx, p); err != nil {
			t.Fatal(err)
		}
		m := &capital.Model{Projects: []capital.Project{{ID: "a", Cost: []int64{100}, Benefit: 1}}}
		res, err := capital.Solve(ctx, m, capital.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveCapitalScenario(ctx, &projects.Scenario{Plan: name, Name: "s", By: "me", Model: m, Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	pub := embargo.Wrap(s)
	v0, err := pub.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := pub.CapitalPlans(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("nothing released yet: %v %v", ps, err)
	}
	if err := s.SetCapitalRelease(ctx, projects.Release{Plan: "public", Released: true, By: "clerk"}); err != nil {
		t.Fatal(err)
	}
	v1, _ := pub.Version(ctx)
	if v1 == v0 {
		t.Fatal("releasing a plan did not change the public version")
	}
	ps, err := pub.CapitalPlans(ctx)
	if err != nil || len(ps) != 1 || ps[0].Name != "public" {
		t.Fatalf("released plans: %v %v", ps, err)
	}
	if _, err := pub.CapitalPlan(ctx, "public"); err != nil {
		t.Fatal(err)
	}
	if sc, err := pub.CapitalScenarios(ctx, "public"); err != nil || len(sc) != 1 {
		t.Fatalf("scenarios of a released plan: %v %v", sc, err)
	}
	_, errHeld := pub.CapitalPlan(ctx, "held")
	_, errNever := pub.CapitalPlan(ctx, "never")
	if budget.ErrorCode(errHeld) != budget.ENOTFOUND || strings.ReplaceAll(errHeld.Error(), `"held"`, "X") != strings.ReplaceAll(errNever.Error(), `"never"`, "X") {
		t.Fatalf("held plan: %v (a plan never imported: %v)", errHeld, errNever)
	}
	if _, err := pub.CapitalScenario(ctx, "held", "s"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("scenario of a held plan: %v", err)
	}
	if _, err := pub.CapitalScenarios(ctx, "held"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("scenarios of a held plan: %v", err)
	}
	if log, _ := pub.CapitalReleaseLog(ctx); len(log) != 1 || log[0].Plan != "public" {
		t.Fatalf("public log: %v", log)
	}
	for _, err := range []error{pub.SaveCapitalPlan(ctx, &projects.Plan{Name: "x"}), pub.DeleteCapitalPlan(ctx, "public"),
		pub.SaveCapitalScenario(ctx, &projects.Scenario{}), pub.DeleteCapitalScenario(ctx, "public", "s"),
		pub.SetCapitalRelease(ctx, projects.Release{Plan: "held", Released: true, By: "x"})} {
		if budget.ErrorCode(err) != budget.EFORBIDDEN {
			t.Fatalf("a write through the public view: %v, want forbidden", err)
		}
	}
	if err := s.SetCapitalRelease(ctx, projects.Release{Plan: "public", Released: false, By: "clerk"}); err != nil {
		t.Fatal(err)
	}
	if v2, _ := pub.Version(ctx); v2 == v1 {
		t.Fatal("holding a plan did not change the public version")
	}
	if ps, _ := pub.CapitalPlans(ctx); len(ps) != 0 {
		t.Fatalf("held again: %v", ps)
	}
}
