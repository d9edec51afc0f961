package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/office"
)

// postForm posts a form with a session cookie, not following redirects.
func postForm(t *testing.T, base, path, cookie string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+cookie)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp, b.String()
}

// TestReviewPagesForms: the pages' forms change the assessment, a stale
// form is refused (409) showing the current version, another department's
// page is not found, the login form sets the cookie and refuses a wrong
// password.
func TestReviewPagesForms(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	resp, _ := postForm(t, ts.URL, "/login", "", url.Values{"user": {"sam"}, "password": {"nope-nope"}, "next": {"/review"}})
	if resp.StatusCode != 401 {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp, _ = postForm(t, ts.URL, "/login", "", url.Values{"user": {"sam"}, "password": {"password-sam"}, "next": {"//evil.example/"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/review" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	sam := resp.Cookies()[0].Value
	as, _ := demo.off.Assessments(context.Background(), office.ListOptions{AssessOptions: office.AssessOptions{FiscalYear: "2021-22", Phase: "proposed"}, Department: "02", Status: "draft"})
	a := as[len(as)-2]
	path := fmt.Sprintf("/review/%d", a.ID)
	r, page := call(t, ts, "GET", path, sam, nil)
	if r.StatusCode != 200 || !strings.Contains(string(page), `id="save-answers"`) || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("page: %d %s", r.StatusCode, r.Header.Get("Cache-Control"))
	}
	resp, _ = postForm(t, ts.URL, path, sam, url.Values{"op": {"answer"}, "version": {fmt.Sprint(a.Version)}, "a.purpose": {"Meals for seniors"}})
	if resp.StatusCode != 303 {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	resp, body := postForm(t, ts.URL, path, sam, url.Values{"op": {"answer"}, "version": {fmt.Sprint(a.Version)}, "a.purpose": {"stale"}})
	if resp.StatusCode != 409 || !strings.Contains(body, `id="stale"`) || !strings.Contains(body, "Meals for seniors") {
		t.Fatalf("stale form: %d", resp.StatusCode)
	}
	olga := login(t, ts, "olga")
	if r, _ := call(t, ts, "GET", path, olga, nil); r.StatusCode != 404 {
		t.Fatalf("olga: %d", r.StatusCode)
	}
	resp, _ = postForm(t, ts.URL, path, olga, url.Values{"op": {"answer"}, "version": {fmt.Sprint(a.Version + 1)}, "a.purpose": {"x"}})
	if resp.StatusCode != 404 {
		t.Fatalf("olga posts: %d", resp.StatusCode)
	}
	got, _ := demo.off.Assessment(context.Background(), a.ID)
	if got.Answers["purpose"] != "Meals for seniors" || got.Version != a.Version+1 {
		t.Fatalf("stored %v v%d", got.Answers, got.Version)
	}
}
