package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/audit"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
)

func newAssessment(dept, key string, cents int64) assess.Assessment {
	return assess.Assessment{Jurisdiction: "tc", FYStart: 2021, Phase: budget.Proposed, RequestKey: key,
		Department: budget.Code{Code: dept, Name: "Dept " + dept}, Program: budget.Code{Code: dept + "01", Name: "Prog"},
		Description: "Request " + key, Category: "4-Increased Services", AmountCents: cents,
		Template: "equity-short", TemplateVersion: 1, Status: assess.Draft, Answers: map[string]any{}}
}

// assessFiscalSuite: an assessment's fiscal year is labelled by its
// jurisdiction's fiscal year (a calendar-year city's 2022 is "2022", a
// July city's is "2022-23"; an unstored jurisdiction is taken as July).
func assessFiscalSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	for _, j := range []budget.Jurisdiction{{ID: "cal", Name: "Calendar City", StartMonth: 1}, {ID: "jul", Name: "July City", StartMonth: 7}} {
		fy := budget.FiscalYear{Start: 2022, StartMonth: j.StartMonth}
		b := &budget.Batch{Jurisdiction: j, Dataset: j.ID + "/exp", SourceFile: j.ID + ".csv", ContentHash: j.ID, Profile: "p", FiscalYear: fy, Phase: budget.Proposed,
			LineItems: []budget.LineItem{{Jurisdiction: j.ID, Classification: budget.Classification{Department: budget.Code{Code: "02", Name: "Streets"}},
				FiscalYear: fy, Phase: budget.Proposed, Kind: budget.Expenditure, AmountCents: 100, Key: "a", Line: 2}}}
		if _, err := s.ImportBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	var as []assess.Assessment
	for _, j := range []string{"cal", "jul", "elsewhere"} {
		a := newAssessment("02", "k-"+j, 100)
		a.Jurisdiction, a.FYStart = j, 2022
		as = append(as, a)
	}
	if _, err := s.CreateAssessments(ctx, as, "ana"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Assessments(ctx, assess.Filter{FYStart: 2022})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cal": "2022", "jul": "2022-23", "elsewhere": "2022-23"}
	if len(got) != 3 {
		t.Fatalf("%d assessments, want 3", len(got))
	}
	for _, a := range got {
		if a.FiscalYear != want[a.Jurisdiction] {
			t.Errorf("assessment of %s labels its fiscal year %q, want %q", a.Jurisdiction, a.FiscalYear, want[a.Jurisdiction])
		}
		one, err := s.Assessment(ctx, a.ID)
		if err != nil || one.FiscalYear != want[a.Jurisdiction] {
			t.Errorf("assessment %d read alone: %q, %v; want %q", a.ID, one.FiscalYear, err, want[a.Jurisdiction])
		}
	}
}

// verifyAudit checks the store's audit chain and returns its entries.
func verifyAudit(t *testing.T, s Store) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	log, err := s.AuditLog(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := s.AuditClaimed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b := audit.Verify(log, claimed); b != nil {
		t.Fatalf("audit chain broken: %v", b)
	}
	return log
}

// assessSuite checks assessments: creation skips requests already
// assessed, filters, optimistic concurrency (a stale version changes
// nothing; of 50 concurrent writers on one version exactly one wins, and
// 50 writers that re-read and retry all land), every change has its audit
// entry with before and after, and phase locks.
func assessSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	as := []assess.Assessment{newAssessment("02", "k1", 500), newAssessment("02", "k2", 700), newAssessment("04", "k3", 900)}
	n, err := s.CreateAssessments(ctx, as, "ana")
	if err != nil || n != 3 {
		t.Fatalf("created %d, %v", n, err)
	}
	if n, err := s.CreateAssessments(ctx, append(as, newAssessment("04", "k4", 1)), "ana"); err != nil || n != 1 {
		t.Fatalf("second bulk creation: %d, %v; want 1 (three exist)", n, err)
	}
	all, err := s.Assessments(ctx, assess.Filter{Jurisdiction: "tc", FYStart: 2021, Phase: budget.Proposed})
	if err != nil || len(all) != 4 || all[0].Department.Code != "02" || all[3].RequestKey != "k4" {
		t.Fatalf("list %+v, %v", all, err)
	}
	if got, _ := s.Assessments(ctx, assess.Filter{Department: "04"}); len(got) != 2 {
		t.Fatalf("department filter: %d", len(got))
	}
	if got, _ := s.Assessments(ctx, assess.Filter{Phase: budget.Adopted}); len(got) != 0 {
		t.Fatalf("phase filter: %d", len(got))
	}
	a := all[0]
	if a.ID == 0 || a.Version != 1 || a.FiscalYear != "2021-22" || a.Created.IsZero() || a.AmountCents != 500 || a.Status != assess.Draft {
		t.Fatalf("stored %+v", a)
	}
	if _, err := s.Assessment(ctx, 9999); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing: %v", err)
	}
	a.Answers["purpose"] = "Serves seniors in 5 districts"
	a.Reviewers = []string{"rita"}
	a.Reviews = []assess.Review{{Reviewer: "rita", Scores: map[string]int{"purpose": 2}, At: time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)}}
	a.Comments = []assess.Comment{{Author: "ana", Text: "thanks"}}
	up, err := s.UpdateAssessment(ctx, a, "answer", "sam")
	if err != nil || up.Version != 2 {
		t.Fatalf("update: %+v, %v", up, err)
	}
	got, _ := s.Assessment(ctx, a.ID)
	if got.Version != 2 || got.Answers["purpose"] != "Serves seniors in 5 districts" || len(got.Reviews) != 1 || got.Reviews[0].Scores["purpose"] != 2 || got.Reviewers[0] != "rita" || got.Comments[0].Text != "thanks" {
		t.Fatalf("read back %+v", got)
	}
	if got, _ := s.Assessments(ctx, assess.Filter{Reviewer: "rita"}); len(got) != 1 {
		t.Fatalf("reviewer filter: %d", len(got))
	}
	stale := a // still version 1
	stale.Answers = map[string]any{"purpose": "overwrite"}
	if _, err := s.UpdateAssessment(ctx, stale, "answer", "eve"); budget.ErrorCode(err) != budget.ECONFLICT {
		t.Fatalf("stale write: %v, want conflict", err)
	}
	if got, _ := s.Assessment(ctx, a.ID); got.Answers["purpose"] != "Serves seniors in 5 districts" {
		t.Fatal("a stale write changed the assessment")
	}
	log := verifyAudit(t, s)
	last := log[len(log)-1]
	if len(log) != 5 || last.Action != "answer" || last.Actor != "sam" || last.Object != fmt.Sprintf("assessment/%d", a.ID) {
		t.Fatalf("audit log %d entries, last %+v", len(log), last)
	}
	var before, after assess.Assessment
	if json.Unmarshal(last.Before, &before) != nil || json.Unmarshal(last.After, &after) != nil || before.Version != 1 || after.Version != 2 || after.Answers["purpose"] == nil {
		t.Fatalf("audit before/after: %s / %s", last.Before, last.After)
	}
	if byObj, _ := s.AuditLog(ctx, store.AuditFilter{Object: last.Object, AfterSeq: 1}); len(byObj) != 1 {
		t.Fatalf("audit filter: %d", len(byObj))
	}
	evidenceSuite(t, s, all[2].ID)
	concurrentWriters(t, s, all[1].ID)
	k := budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: budget.Proposed}
	if err := s.LockPhase(ctx, k, "ana"); err != nil {
		t.Fatal(err)
	}
	if err := s.LockPhase(ctx, k, "ana"); budget.ErrorCode(err) != budget.ECONFLICT {
		t.Fatalf("second lock: %v", err)
	}
	if ls, _ := s.PhaseLocks(ctx); len(ls) != 1 || ls[0].By != "ana" || ls[0].Phase != budget.Proposed {
		t.Fatalf("locks %+v", ls)
	}
	verifyAudit(t, s)
}

// concurrentWriters: 50 writers on one version, exactly one wins and no
// other change is stored; then 50 writers each adding its own comment,
// re-reading on conflict, all land (nothing lost).
func concurrentWriters(t *testing.T, s Store, id int64) {
	ctx := context.Background()
	a, _ := s.Assessment(ctx, id)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			b := a
			b.Answers = map[string]any{"purpose": fmt.Sprint("writer ", i)}
			_, err := s.UpdateAssessment(ctx, b, "answer", fmt.Sprint("w", i))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if budget.ErrorCode(err) != budget.ECONFLICT {
				t.Errorf("writer %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d writers won on one version, want 1", wins)
	}
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for try := 0; try < 500; try++ {
				b, err := s.Assessment(ctx, id)
				if err != nil {
					t.Error(err)
					return
				}
				b.Comments = append(b.Comments, assess.Comment{Author: fmt.Sprint("w", i), Text: "note"})
				if _, err = s.UpdateAssessment(ctx, b, "comment", fmt.Sprint("w", i)); err == nil {
					return
				} else if budget.ErrorCode(err) != budget.ECONFLICT {
					t.Errorf("writer %d: %v", i, err)
					return
				}
			}
			t.Errorf("writer %d never landed", i)
		}(i)
	}
	wg.Wait()
	got, _ := s.Assessment(ctx, id)
	if len(got.Comments) != 50 || got.Version != a.Version+51 {
		t.Fatalf("after 50 retrying writers: %d comments, version %d (want 50, %d)", len(got.Comments), got.Version, a.Version+51)
	}
	verifyAudit(t, s)
}

// userSuite checks users and sessions: a user is added once, read by name
// and subject, updated with an audit entry that never holds the password
// hash; sessions are found by token hash until they expire.
func userSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	u := auth.User{Name: "sam", Role: auth.Submitter, Department: "02", PasswordHash: "$argon2id$secret", Subject: "https://idp|sam"}
	if err := s.AddUser(ctx, u, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, u, "admin"); budget.ErrorCode(err) != budget.ECONFLICT {
		t.Fatalf("second add: %v", err)
	}
	if err := s.AddUser(ctx, auth.User{Name: "x", Role: auth.Submitter}, "admin"); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("submitter without department: %v", err)
	}
	got, err := s.User(ctx, "sam")
	if err != nil || got.Role != auth.Submitter || got.Department != "02" || got.PasswordHash != u.PasswordHash || got.Created.IsZero() {
		t.Fatalf("read %+v, %v", got, err)
	}
	if b, err := s.UserBySubject(ctx, "https://idp|sam"); err != nil || b.Name != "sam" {
		t.Fatalf("by subject %+v, %v", b, err)
	}
	if _, err := s.User(ctx, "nobody"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing user: %v", err)
	}
	got.Role, got.Department = auth.Analyst, ""
	if err := s.UpdateUser(ctx, got, "admin"); err != nil {
		t.Fatal(err)
	}
	if us, _ := s.Users(ctx); len(us) != 1 || us[0].Role != auth.Analyst {
		t.Fatalf("users %+v", us)
	}
	log := verifyAudit(t, s)
	if len(log) != 2 || log[1].Action != "user_update" {
		t.Fatalf("audit %+v", log)
	}
	for _, e := range log {
		if !json.Valid(e.After) || contains(string(e.After), "secret") || contains(string(e.Before), "secret") {
			t.Fatalf("audit entry holds the password hash: %s", e.After)
		}
	}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ss := auth.Session{TokenHash: "h1", User: "sam", Created: now, Expires: now.Add(time.Hour)}
	if err := s.CreateSession(ctx, ss); err != nil {
		t.Fatal(err)
	}
	if g, err := s.Session(ctx, "h1", now.Add(time.Minute)); err != nil || g.User != "sam" {
		t.Fatalf("session %+v, %v", g, err)
	}
	if _, err := s.Session(ctx, "h1", now.Add(2*time.Hour)); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("expired session: %v", err)
	}
	if err := s.DeleteSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "h1", now); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("deleted session: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// evidenceSuite: a file is stored with its SHA-256 and audited, listed,
// read back byte for byte; another assessment's file is not found.
func evidenceSuite(t *testing.T, s Store, id int64) {
	ctx := context.Background()
	data := []byte("%PDF-1.7\nwaiting lists by district\n")
	f, err := s.AddEvidence(ctx, assess.File{Assessment: id, Name: "waiting.pdf", Type: "application/pdf"}, data, "sam")
	if err != nil || f.ID == 0 || f.Size != int64(len(data)) || len(f.SHA256) != 64 || f.At.IsZero() || f.By != "sam" {
		t.Fatalf("add evidence: %+v, %v", f, err)
	}
	if _, err := s.AddEvidence(ctx, assess.File{Assessment: 99999, Name: "x.pdf", Type: "application/pdf"}, data, "sam"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("evidence of a missing assessment: %v", err)
	}
	list, err := s.EvidenceList(ctx, id)
	if err != nil || len(list) != 1 || list[0].Name != "waiting.pdf" || list[0].SHA256 != f.SHA256 {
		t.Fatalf("list %+v, %v", list, err)
	}
	g, b, err := s.EvidenceData(ctx, id, f.ID)
	if err != nil || string(b) != string(data) || g.Type != "application/pdf" {
		t.Fatalf("read back %+v %q, %v", g, b, err)
	}
	if _, _, err := s.EvidenceData(ctx, id+1, f.ID); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("another assessment's file: %v", err)
	}
	log := verifyAudit(t, s)
	if e := log[len(log)-1]; e.Action != "evidence" || !contains(string(e.After), f.SHA256) {
		t.Fatalf("audit entry %+v", e)
	}
}
