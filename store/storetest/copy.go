package storetest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/storecopy"
)

// Fill writes a little of everything into s, with history: a superseded
// budget version, a replaced layer, indicators partly re-imported, two need
// runs, two analyses and two datasets. Other packages use it to build a
// source store for copies.
func Fill(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	own := item("02", "0202", "100", "1", fy20, budget.Actual, 7)
	own.Area, own.AreaLayer, own.Line = "5, 11", "district", 3
	mustImport(t, s, batch("tc/exp/sec2", "v1", item("02", "0201", "100", "1", fy21, budget.Adopted, 100), item("02", "0201", "100", "1", fy20, budget.Actual, 5), own))
	if err := s.SaveLayer(ctx, testLayer("tract", 3)); err != nil {
		t.Fatal(err)
	}
	mustImport(t, s, batch("tc/exp/sec4", "s4", item("44", "4401", "300", "1", fy21, budget.Adopted, 40)))
	if err := s.SaveLayer(ctx, testLayer("tract", 2)); err != nil { // replaces the first
		t.Fatal(err)
	}
	p := int64(-556600)
	b := batch("tc/exp/sec2", "v2", item("02", "0201", "100", "1", fy21, budget.Adopted, 250))
	b.Requests = []budget.Request{{Classification: budget.Classification{Department: budget.Code{Code: "02", Name: "Aging"}}, FiscalYear: fy21,
		Description: "Salary", ProposedCents: &p, Key: "k", Line: 2}}
	b.Measures = []budget.Measure{{Department: budget.Code{Code: "02"}, Measure: budget.Code{Code: "M", Name: "Meals"}, FiscalYear: fy20, Phase: budget.Estimate, Value: 1.5, Line: 3}}
	b.Descriptions = []budget.Description{{Subject: "department", Code: "02", Name: "Aging", Text: "Plans programs", Line: 4}}
	mustImport(t, s, b)
	if err := s.SaveLayer(ctx, testLayer("district", 1)); err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	set := &need.IndicatorSet{Layer: "tract", Period: "2019", File: "a.csv", Hash: "h1",
		Meta:   []need.IndicatorMeta{{Name: "poverty", Domain: "economic", Direction: "higher", Unit: "%", Source: "ACS", Year: 2019}},
		Values: []need.IndicatorValue{{Area: "a", Indicator: "poverty", Value: 0.2, MOE: 0.05}, {Area: "b", Indicator: "poverty", Value: nan, MOE: nan}, {Area: "a", Indicator: "income", Value: 5e4, MOE: nan}}}
	if _, err := s.SaveIndicators(ctx, set); err != nil {
		t.Fatal(err)
	}
	set2 := &need.IndicatorSet{Layer: "tract", Period: "2019", File: "b.csv", Hash: "h2", Meta: []need.IndicatorMeta{{Name: "poverty", Unit: "share", Year: 2020}},
		Values: []need.IndicatorValue{{Area: "a", Indicator: "poverty", Value: 0.3, MOE: nan}}}
	if _, err := s.SaveIndicators(ctx, set2); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*need.Run{needRun("ces4", 1, 2, math.NaN()), needRun("cejst", 5)} {
		if _, err := s.SaveRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, phase := range []string{"proposed", "adopted"} {
		r := &analysis.Result{FiscalYear: "2021-22", Phase: phase, Layer: analysis.LayerInfo{Name: "district", Lines: "district"}, Tiers: 5,
			Totals:     analysis.Totals{PhaseTotal: 291, Attributed: 290, Unattributed: 1},
			Areas:      []analysis.AreaRow{{AreaID: "a", Amount: 290, PerCapita: analysis.Num(math.NaN()), NeedTier: 5}},
			Provenance: analysis.Provenance{Version: budget.Version, NeedRun: 2}}
		if _, err := s.SaveAnalysis(ctx, analysis.NewRecord(r)); err != nil {
			t.Fatal(err)
		}
	}
	d, err := analysis.DemandDataset("district", []string{"a"}, map[string][]float64{"Bulky Items": {3}}, "x.csv", "h", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDataset(ctx, &analysis.Dataset{Kind: "groups", Name: "acs", Source: "acs.csv", SHA256: "g", Body: []byte(`{"x": [1, 2]}`)}); err != nil {
		t.Fatal(err)
	}
	fillSettingsAndReleases(t, s)
	fillCapital(t, s)
	fillEvents(t, s)
	fillReview(t, s)
}

// fillReview adds the review of budget requests with history: two users
// (one changed), two assessments (one answered), an evidence file and a
// phase lock: 8 audit entries.
func fillReview(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	if err := s.AddUser(ctx, auth.User{Name: "sam", Role: auth.Submitter, Department: "02", PasswordHash: "$argon2id$h", Subject: "https://idp|sam"}, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, auth.User{Name: "ana", Role: auth.Analyst}, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateUser(ctx, auth.User{Name: "ana", Role: auth.Reviewer, Disabled: true}, "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAssessments(ctx, []assess.Assessment{newAssessment("02", "k1", 500), newAssessment("44", "k2", 40)}, "ana"); err != nil {
		t.Fatal(err)
	}
	a, err := s.Assessments(ctx, assess.Filter{Department: "02"})
	if err != nil || len(a) != 1 {
		t.Fatalf("assessments %+v %v", a, err)
	}
	a[0].Answers = map[string]any{"purpose": "Serves seniors", "share": 0.25}
	if _, err := s.UpdateAssessment(ctx, a[0], "answer", "sam"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvidence(ctx, assess.File{Assessment: a[0].ID, Name: "w.pdf", Type: "application/pdf"}, []byte("%PDF-1.7\n\x00\xff"), "sam"); err != nil {
		t.Fatal(err)
	}
	if err := s.LockPhase(ctx, budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: budget.Proposed}, "ana"); err != nil {
		t.Fatal(err)
	}
}

// fillEvents adds service requests in two imports (the second updates
// one: its import id is after a rolled-back one's) and a published set.
func fillEvents(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	reqs := sampleRequests()
	write := func(evs []events.Stored, update bool, rec *events.ImportInfo) {
		tx, err := s.BeginEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		dict, err := tx.Dictionary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if update {
			err = tx.Update(ctx, evs)
		} else {
			err = tx.Insert(ctx, evs)
		}
		if err != nil {
			t.Fatal(err)
		}
		part := partitionOf(t, dict, reqs[:2])
		if err := tx.PutPartition(ctx, part, part.Summary()); err != nil {
			t.Fatal(err)
		}
		if rec == nil {
			return // rolled back
		}
		if _, err := tx.Commit(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2023, 5, 6, 7, 8, 9, 123456000, time.UTC)
	write(reqs, false, &events.ImportInfo{File: "a.csv", SHA256: "a", Schema: "myla311", Rows: 3, Added: 3, Synthetic: 1,
		First: reqs[0].Created, Last: reqs[2].Created, Coverage: "34 days", At: at, Version: budget.Version})
	write(reqs[:1], true, nil)
	changed := reqs[1]
	changed.Status, changed.Closed = "Closed", reqs[1].Created.Add(50*time.Hour)
	write([]events.Stored{changed}, true, &events.ImportInfo{File: "b.csv", SHA256: "b", Schema: "myla311", Rows: 1, Updated: 1,
		Coverage: "1 day", At: at.Add(time.Hour), Version: budget.Version})
	set := &measures.PublishedSet{Name: "lafd", File: "x.csv", SHA256: "h", Format: "lafd-response-metrics", Layer: "lafd_districts", Department: "Fire",
		Checks: []string{"yearly totals agree"}, ImportedAt: at,
		Measures: []measures.PublishedMeasure{{ID: "ems_incidents", Name: "EMS incidents", Unit: "incidents", Kind: measures.PublishedCount}},
		Values: []measures.PublishedValue{{Measure: "ems_incidents", Area: "1", Month: 24156, Months: 1, Value: 183, Line: 2},
			{Measure: "ems_incidents", Area: "2", Month: 24157, Months: 1, Value: 0.1, Line: 3}}}
	if err := s.SavePublished(ctx, set); err != nil {
		t.Fatal(err)
	}
}

// fillCapital adds a layer without boundaries and capital plans with
// history: plan cip released, then imported again (which holds it), with
// two scenarios; plan old imported and deleted (its run remains).
func fillCapital(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	wards := &geo.Layer{Name: "wards", Source: "wards.csv", SourceHash: "w", NoGeometry: true, Areas: []geo.Area{
		{ID: "3", Name: "Ward 3", Population: 10, Attrs: map[string]string{"n": "1"}, Props: map[string]any{"n": int64(1)}},
		{ID: "12", Name: "Ward 12", Population: 20, Attrs: map[string]string{}, Props: map[string]any{}}}}
	if err := s.SaveLayer(ctx, wards); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2022, 3, 1, 8, 0, 0, 654321000, time.UTC)
	for _, step := range []func() error{
		func() error { return s.SaveCapitalPlan(ctx, testPlan("old")) },
		func() error { return s.SaveCapitalPlan(ctx, testPlan("cip")) },
		func() error {
			return s.SetCapitalRelease(ctx, projects.Release{Plan: "cip", Released: true, By: "clerk", At: at, Note: "adopted"})
		},
		func() error { return s.DeleteCapitalPlan(ctx, "old") },
		func() error { return s.SaveCapitalPlan(ctx, testPlan("cip")) }, // held again
		func() error { return s.SaveCapitalScenario(ctx, testScenario(t, "cip", "tight", 300_000_00)) },
		func() error { return s.SaveCapitalScenario(ctx, testScenario(t, "cip", "ample", 20_000_000_00)) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
}

// fillSettingsAndReleases adds two settings, a calendar-year jurisdiction
// whose phase is released, and a release, hold and release of one phase
// and a hold of another, each with who, when and why.
func fillSettingsAndReleases(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	for k, v := range map[string][]byte{store.SettingCityProfile: []byte("name: Test City\n"), "z": {0, 1, 2}} {
		if err := s.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	cal := budget.FiscalYear{Start: 2021, StartMonth: 1}
	it := item("10", "1001", "100", "1", cal, budget.Adopted, 30)
	mustImport(t, s, &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "cy", Name: "Calendar City", StartMonth: 1}, Dataset: "cy/exp",
		SourceFile: "cy.csv", ContentHash: "cy", FiscalYear: cal, Phase: budget.Adopted, LineItems: []budget.LineItem{it}})
	at := time.Date(2021, 6, 1, 9, 30, 0, 123456000, time.UTC)
	adopted := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: budget.Adopted}
	actual := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy20, Phase: budget.Actual}
	for i, r := range []budget.PhaseRelease{
		{PhaseKey: adopted, Released: true, By: "clerk", Note: "adopted by council"},
		{PhaseKey: actual, Released: false, By: "officer", Note: "under audit"},
		{PhaseKey: adopted, Released: false, By: "officer", Note: "a correction"},
		{PhaseKey: adopted, Released: true, By: "clerk"},
		{PhaseKey: budget.PhaseKey{Jurisdiction: "cy", FiscalYear: cal, Phase: budget.Adopted}, Released: true, By: "cy clerk"},
	} {
		r.At = at.Add(time.Duration(i) * time.Hour)
		if err := s.SetPhaseRelease(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// copySuite checks storecopy against the store: a copy into an empty
// store of the same kind reads back exactly as its source (ids, history,
// current figures), new records in the copy get fresh ids, and a copy
// into a store that is not empty is refused.
func copySuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	src, dst := newStore(t), newStore(t)
	Fill(t, src)
	sum, err := storecopy.Copy(ctx, dst, src, storecopy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.BudgetRuns != 4 || sum.ImportRuns != 13 || sum.Layers != 3 || sum.IndicatorImports != 2 || sum.NeedRuns != 2 || sum.Analyses != 2 || sum.Datasets != 2 ||
		sum.Settings != 2 || sum.ReleaseEvents != 5 || sum.CapitalPlans != 1 || sum.CapitalScenarios != 2 || sum.CapitalReleases != 2 ||
		sum.Events != 3 || sum.EventMonths != 1 || sum.EventImports != 2 || sum.PublishedSets != 1 ||
		sum.Users != 2 || sum.Assessments != 2 || sum.PhaseLocks != 1 || sum.EvidenceFiles != 1 || sum.AuditEntries != 8 {
		t.Fatalf("summary %+v", sum)
	}
	want, err := storecopy.Take(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := storecopy.Take(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if diff := want.Diff(got); len(diff) > 0 {
		t.Fatalf("the copy differs from its source in: %v", diff)
	}
	if n := adopted21(t, dst); n != 290 {
		t.Fatalf("copy's adopted total %d, want 290", n)
	}
	runs, _ := dst.ImportRuns(ctx)
	if len(runs) != 4 || runs[2].Superseded != 1 {
		t.Fatalf("copied runs %+v", runs)
	}
	checkCopiedDetails(t, dst)
	checkCopiedReview(t, dst)
	// the copy's sequences were moved past the copied ids
	r := needRun("new", 1)
	if id, err := dst.SaveRun(ctx, r); err != nil || id != 3 {
		t.Fatalf("new need run in the copy: id %d, %v; want 3", id, err)
	}
	run, err := dst.ImportBatch(ctx, batch("tc/exp/sec5", "s5", item("55", "5501", "100", "1", fy21, budget.Adopted, 1)))
	if err != nil || run.ID != 14 {
		t.Fatalf("new import in the copy: %+v %v; want id 14", run, err)
	}
	srcImports, _ := src.EventImports(ctx)
	tx, err := dst.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := tx.Commit(ctx, &events.ImportInfo{File: "c.csv", SHA256: "c", Schema: "myla311", Version: budget.Version})
	if err != nil || len(srcImports) != 2 || id <= srcImports[1].ID {
		t.Fatalf("new event import in the copy: id %d, %v; want after %+v", id, err, srcImports)
	}
	// the fingerprint sees a changed setting and a new release event
	if err := dst.SetSetting(ctx, "z", []byte{0, 1, 3}); err != nil {
		t.Fatal(err)
	}
	if err := dst.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: budget.Adopted}, By: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := dst.AddUser(ctx, auth.User{Name: "zoe", Role: auth.Analyst}, "admin"); err != nil {
		t.Fatal(err)
	}
	changed, err := storecopy.Take(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if diff := strings.Join(want.Diff(changed), "; "); !strings.Contains(diff, "settings") || !strings.Contains(diff, "release state") || !strings.Contains(diff, "review") {
		t.Fatalf("changed copy: differences %q, want settings, release state and review among them", diff)
	}
	if _, err := storecopy.Copy(ctx, dst, src, storecopy.Options{}); budget.ErrorCode(err) != budget.ECONFLICT {
		t.Fatalf("copy into a store that is not empty: %v, want conflict", err)
	}
	// a store holding only a setting is not empty either
	only := newStore(t)
	if err := only.SetSetting(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := storecopy.Copy(ctx, only, src, storecopy.Options{}); budget.ErrorCode(err) != budget.ECONFLICT || !strings.Contains(err.Error(), "settings") {
		t.Fatalf("copy into a store holding a setting: %v, want conflict naming settings", err)
	}
}

// checkCopiedDetails reads back what the fingerprint covers in summary, as
// a reader would see it: the row's own area codes, the settings byte for
// byte, each phase's state and who changed it, the calendar year.
func checkCopiedDetails(t *testing.T, dst Store) {
	t.Helper()
	ctx := context.Background()
	items, err := dst.LineItems(ctx, budget.Filter{Jurisdiction: "tc", FiscalYear: &fy20})
	if err != nil || len(items) != 2 || items[1].Area != "5, 11" || items[1].AreaLayer != "district" {
		t.Fatalf("copied area codes: %+v %v", items, err)
	}
	if v, err := dst.Setting(ctx, "z"); err != nil || string(v) != "\x00\x01\x02" {
		t.Fatalf("copied setting %q %v", v, err)
	}
	ps, err := dst.PhaseReleases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, p := range ps {
		state[p.PhaseKey.String()] = fmt.Sprintf("%v %s %s", p.Released, p.By, p.At.Format(time.RFC3339Nano))
	}
	want := map[string]string{
		"cy FY2021 adopted":     "true cy clerk 2021-06-01T13:30:00.123456Z",
		"tc FY2020-21 actual":   "false officer 2021-06-01T10:30:00.123456Z",
		"tc FY2020-21 estimate": "false  0001-01-01T00:00:00Z", // measures only, never changed: held
		"tc FY2021-22 adopted":  "true clerk 2021-06-01T12:30:00.123456Z",
	}
	if !reflect.DeepEqual(state, want) {
		t.Fatalf("copied release state %v, want %v", state, want)
	}
	checkCopiedCapital(t, dst)
}

// checkCopiedReview reads back the copied review: the audit chain verifies
// in the copy, users keep their password hashes, the answered assessment
// its version and answers, the evidence its bytes; new assessments and
// files in the copy take the next ids and extend the chain.
func checkCopiedReview(t *testing.T, dst Store) {
	t.Helper()
	ctx := context.Background()
	log := verifyAudit(t, dst)
	if len(log) != 8 || log[7].Action != "lock" {
		t.Fatalf("copied audit log: %d entries", len(log))
	}
	if u, err := dst.User(ctx, "sam"); err != nil || u.PasswordHash != "$argon2id$h" || u.Subject != "https://idp|sam" {
		t.Fatalf("copied user %+v %v", u, err)
	}
	if u, err := dst.UserBySubject(ctx, "https://idp|sam"); err != nil || u.Name != "sam" {
		t.Fatalf("copied subject %+v %v", u, err)
	}
	as, err := dst.Assessments(ctx, assess.Filter{})
	if err != nil || len(as) != 2 || as[0].Version != 2 || as[0].Answers["share"] != 0.25 || as[1].Version != 1 {
		t.Fatalf("copied assessments %+v %v", as, err)
	}
	files, err := dst.EvidenceList(ctx, as[0].ID)
	if err != nil || len(files) != 1 {
		t.Fatalf("copied evidence %+v %v", files, err)
	}
	if _, b, err := dst.EvidenceData(ctx, as[0].ID, files[0].ID); err != nil || string(b) != "%PDF-1.7\n\x00\xff" {
		t.Fatalf("copied evidence bytes %q %v", b, err)
	}
	if n, err := dst.CreateAssessments(ctx, []assess.Assessment{newAssessment("55", "k9", 1)}, "ana"); err != nil || n != 1 {
		t.Fatalf("new assessment in the copy: %d %v", n, err)
	}
	if got, _ := dst.Assessments(ctx, assess.Filter{Department: "55"}); len(got) != 1 || got[0].ID != 3 {
		t.Fatalf("new assessment in the copy: %+v, want id 3", got)
	}
	if f, err := dst.AddEvidence(ctx, assess.File{Assessment: as[1].ID, Name: "x.pdf", Type: "application/pdf"}, []byte("%PDF"), "sam"); err != nil || f.ID != 2 {
		t.Fatalf("new evidence in the copy: %+v %v, want id 2", f, err)
	}
	if log := verifyAudit(t, dst); len(log) != 10 {
		t.Fatalf("audit log after two changes in the copy: %d entries, want 10", len(log))
	}
}

// checkCopiedCapital reads back the copied plans: cip held (imported again
// after its release), its scenarios in the order they were saved, the
// release log with who and when, the layer without boundaries.
func checkCopiedCapital(t *testing.T, dst Store) {
	t.Helper()
	ctx := context.Background()
	plans, err := dst.CapitalPlans(ctx)
	if err != nil || len(plans) != 1 || plans[0].Name != "cip" || plans[0].Released || plans[0].Scenarios != 2 || plans[0].Projects != 6 {
		t.Fatalf("copied plans %+v %v", plans, err)
	}
	list, err := dst.CapitalScenarios(ctx, "cip")
	if err != nil || len(list) != 2 || list[0].Name != "tight" || list[1].Name != "ample" {
		t.Fatalf("copied scenarios %+v %v", list, err)
	}
	log, err := dst.CapitalReleaseLog(ctx)
	if err != nil || len(log) != 2 || !log[0].Released || log[0].By != "clerk" || log[0].At.Format(time.RFC3339Nano) != "2022-03-01T08:00:00.654321Z" || log[1].Released {
		t.Fatalf("copied capital release log %+v %v", log, err)
	}
	l, err := dst.Layer(ctx, "wards")
	if err != nil || !l.NoGeometry || len(l.Areas) != 2 || l.Areas[0].Props["n"] != int64(1) || len(l.Areas[1].Geom) != 0 {
		t.Fatalf("copied layer without boundaries %+v %v", l, err)
	}
}
