package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/office"
	"github.com/chromedp/chromedp"
)

// browserLogin signs in through the login page and lands on next.
func browserLogin(t *testing.T, ctx context.Context, base, user, next string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/login?next="+next), chromedp.WaitVisible(chromedp.CSS("#user")),
		chromedp.SetValue(chromedp.CSS("#user"), user), chromedp.SetValue(chromedp.CSS("#password"), "password-"+user),
		chromedp.Click(chromedp.CSS("#login-submit")), chromedp.WaitVisible(chromedp.CSS("#status")))
	if err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
}

// waitStatus waits until the page's status reads want.
func waitStatus(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	var got string
	for i := 0; i < 100; i++ {
		got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#status')||{}).textContent||''`))
		if strings.HasPrefix(strings.TrimSpace(got), want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	errText, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('.error')||{}).textContent||''`))
	t.Fatalf("status %q, want %q (%s)", got, want, errText)
}

// click clicks a submit button and waits for the page it loads.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	before, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	for i := 0; i < 200; i++ {
		after, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.readyState === 'complete' ? performance.timeOrigin : 0`))
		if err == nil && after != 0 && after != before {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	t.Fatalf("click %s: no new page loaded (at %s)", sel, loc)
}

// TestBrowserReviewWorkflow walks one assessment through the whole
// workflow in Chromium with three users: the department's submitter
// answers and submits, the analyst assigns a reviewer and starts the
// review, the reviewer scores and completes it, the analyst decides.
func TestBrowserReviewWorkflow(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	ctx, console := newBrowser(t)
	as, err := demo.off.Assessments(context.Background(), office.ListOptions{AssessOptions: office.AssessOptions{FiscalYear: "2021-22", Phase: "proposed"}, Department: "02", Status: "draft"})
	if err != nil || len(as) < 3 {
		t.Fatalf("drafts of 02: %d, %v", len(as), err)
	}
	a := as[len(as)-3]
	v, _ := demo.off.Assessment(context.Background(), a.ID)
	path := fmt.Sprintf("/review/%d", a.ID)

	// without a session the page sends to the sign-in page
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS("#login-submit"))); err != nil {
		t.Fatalf("review page without a session: %v", err)
	}
	shot(t, ctx, "review_login")

	// 1. sam, the department's submitter, answers and submits
	browserLogin(t, ctx, ts.URL, "sam", path)
	for _, q := range v.Questions {
		val := "Seniors in council districts 9 and 14, by our waiting lists"
		switch {
		case len(q.Choices) > 0:
			val = q.Choices[1]
		case q.Kind == "number":
			val = "42"
		case q.Kind == "areas":
			val = "9, 14"
		case q.Kind == "evidence":
			val = "https://data.lacity.org/"
		}
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#a-"+q.ID), val)); err != nil {
			t.Fatalf("answer %s: %v", q.ID, err)
		}
	}
	click(t, ctx, "#save-answers")
	waitStatus(t, ctx, "draft")
	// evidence: a PDF through the page's upload form
	pdf := filepath.Join(t.TempDir(), "waiting-lists.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\nwaiting lists by district\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{pdf})); err != nil {
		t.Fatalf("choose the file: %v", err)
	}
	click(t, ctx, "#upload-submit")
	if ev, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#evidence"))); !strings.Contains(ev, "waiting-lists.pdf") || !strings.Contains(ev, "application/pdf") {
		t.Fatalf("evidence after upload: %q", ev)
	}
	shot(t, ctx, "review_1_answered")
	click(t, ctx, "#step-submit")
	waitStatus(t, ctx, "submitted")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#save-answers, #assign, #step-start_review').length`)); n != 0 {
		t.Errorf("the submitter sees %d controls she may not use after submitting", n)
	}
	click(t, ctx, "#logout")

	// 2. ana, the analyst, assigns rita and starts the review
	browserLogin(t, ctx, ts.URL, "ana", path)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#reviewers"), "rita"), chromedp.SetValue(chromedp.CSS("#due"), "2021-05-15")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#save-assign")
	waitStatus(t, ctx, "submitted")
	click(t, ctx, "#step-start_review")
	waitStatus(t, ctx, "in_review")
	shot(t, ctx, "review_2_in_review")
	click(t, ctx, "#logout")

	// 3. rita, the reviewer, scores and completes
	browserLogin(t, ctx, ts.URL, "rita", path)
	for _, q := range v.Questions {
		if q.Weight > 0 {
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#s-"+q.ID), "2")); err != nil {
				t.Fatalf("score %s: %v", q.ID, err)
			}
		}
	}
	click(t, ctx, "#save-scores")
	waitStatus(t, ctx, "in_review")
	score, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#score")))
	if !strings.HasPrefix(score, "66.7") {
		t.Errorf("score %q, want 66.7 (level 2 of 3 everywhere)", score)
	}
	click(t, ctx, "#step-complete")
	waitStatus(t, ctx, "scored")
	shot(t, ctx, "review_3_scored")
	click(t, ctx, "#logout")

	// 4. ana decides
	browserLogin(t, ctx, ts.URL, "ana", path)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#decision"), "funded"), chromedp.SetValue(chromedp.CSS("#comment-decide"), "Funded: serves the highest-need districts")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, "#step-decide")
	waitStatus(t, ctx, "decision: funded")
	shot(t, ctx, "review_4_decided")
	// the list shows it decided, with its score
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/review?fy=2021-22&phase=proposed&department=02&status=decision"), chromedp.WaitVisible(chromedp.CSS("#assessments"))); err != nil {
		t.Fatal(err)
	}
	list, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#assessments tbody")))
	if !strings.Contains(list, fmt.Sprint(a.ID)) || !strings.Contains(list, "funded") || !strings.Contains(list, "66.7") {
		t.Errorf("the list does not show the decision: %.300s", list)
	}
	shot(t, ctx, "review_5_list")
	got, _ := demo.off.Assessment(context.Background(), a.ID)
	if got.Status != "decision" || got.Decision != "funded" || len(got.Reviews) != 1 || got.Reviews[0].Reviewer != "rita" || got.Due != "2021-05-15" {
		t.Fatalf("stored: %+v", got.Assessment)
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations: %v", p)
	}
}
