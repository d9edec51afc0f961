package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/office"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// The review's tests share the demo store's FY2021-22 proposed
// assessments and five users: ana (analyst), rita and raul (reviewers),
// sam (submitter, 02 Aging), olga (submitter, 06 Animal Services), carl
// (council). Their password is "password-" and the name.
var review struct {
	once sync.Once
	err  error
}

func reviewSetup(t *testing.T) {
	t.Helper()
	needDemo(t)
	review.once.Do(func() {
		ctx := context.Background()
		if _, err := demo.off.BulkCreate(ctx, office.BulkOptions{AssessOptions: office.AssessOptions{FiscalYear: "2021-22", Phase: "proposed"}, By: "test"}); err != nil {
			review.err = err
			return
		}
		for _, u := range []office.UserOptions{{Name: "ana", Role: "analyst"}, {Name: "rita", Role: "reviewer"}, {Name: "raul", Role: "reviewer"},
			{Name: "sam", Role: "submitter", Department: "02"}, {Name: "olga", Role: "submitter", Department: "06"}, {Name: "carl", Role: "council"}} {
			u.Password, u.By = "password-"+u.Name, "test"
			if _, err := demo.off.AddUser(ctx, u); err != nil {
				review.err = err
				return
			}
		}
	})
	if review.err != nil {
		t.Fatal(review.err)
	}
}

// call sends a request with an optional session cookie, headers and body.
func call(t *testing.T, ts *httptest.Server, method, path, cookie string, body any, header ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+cookie)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func login(t *testing.T, ts *httptest.Server, user string) string {
	t.Helper()
	resp, b := call(t, ts, "POST", "/api/session", "", Login{User: user, Password: "password-" + user})
	if resp.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", user, resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Fatalf("session cookie %+v: want Secure, HttpOnly, SameSite=Lax, Path=/", c)
			}
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

type listed struct {
	Rows []AssessmentRow `json:"rows"`
}

func listAs(t *testing.T, ts *httptest.Server, cookie, query string) []AssessmentRow {
	t.Helper()
	resp, b := call(t, ts, "GET", "/api/assessments?fy=2021-22&phase=proposed"+query, cookie, nil)
	var l listed
	if resp.StatusCode != 200 || json.Unmarshal(b, &l) != nil {
		t.Fatalf("list: %d %s", resp.StatusCode, b)
	}
	return l.Rows
}

// sessionCookieSent is the document's session scheme as a client meets
// it: the cookie it names is sent.
func sessionCookieSent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme == nil || in.SecurityScheme.In != "cookie" {
		return fmt.Errorf("security scheme %q is not the session cookie", in.SecuritySchemeName)
	}
	_, err := in.RequestValidationInput.Request.Cookie(in.SecurityScheme.Name)
	return err
}

// validateCall checks a request and its answer against the OpenAPI document.
func validateCall(t *testing.T, router routers.Router, method, path string, header http.Header, reqBody []byte, resp *http.Response, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://localhost"+path, bytes.NewReader(reqBody))
	for k, v := range header {
		req.Header[k] = v
	}
	if resp.Request != nil && resp.Request.Header.Get("Cookie") != "" {
		req.Header.Set("Cookie", resp.Request.Header.Get("Cookie")) // the session the call was made with
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: not in the document: %v", method, path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: sessionCookieSent}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		var sec *openapi3filter.SecurityRequirementsError
		if !errors.As(err, &sec) || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s: the request does not match the document: %v", method, path, err)
		} // else: sent without the session the document asks for, and refused with 401 as it says
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: the answer (%d) does not match the document: %.600s", method, path, resp.StatusCode, err.Error())
	}
}

// TestReviewAPI follows the checks: sign in, list, read with an
// ETag, merge-patch with If-Match, a stale tag refused with what changed,
// department isolation, no session refused, cross-site refused.
func TestReviewAPI(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	_, docBody := get(t, ts, "/api/openapi.json")
	_, router := openAPIRouter(t, docBody)

	if resp, _ := call(t, ts, "GET", "/api/assessments?fy=2021-22&phase=proposed", "", nil); resp.StatusCode != 401 {
		t.Fatalf("no session: %d, want 401", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "GET", "/api/assessments/1", "", nil); resp.StatusCode != 401 {
		t.Fatalf("no session, one assessment: %d, want 401", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "POST", "/api/session", "", Login{User: "sam", Password: "wrong-password"}); resp.StatusCode != 401 {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	sam, olga := login(t, ts, "sam"), login(t, ts, "olga")
	if resp, b := call(t, ts, "GET", "/api/session", sam, nil); resp.StatusCode != 200 || !strings.Contains(string(b), `"role":"submitter"`) {
		t.Fatalf("whoami: %d %s", resp.StatusCode, b)
	}
	rows := listAs(t, ts, sam, "")
	if len(rows) == 0 {
		t.Fatal("sam sees no assessment")
	}
	for _, r := range rows {
		if r.Department != "02" || r.ID == 0 {
			t.Fatalf("sam sees %+v", r)
		}
	}
	if other := listAs(t, ts, sam, "&department=06"); len(other) != 0 {
		t.Fatalf("sam lists department 06: %d rows", len(other))
	}
	path := fmt.Sprintf("/api/assessments/%d", rows[0].ID)
	resp, b := call(t, ts, "GET", path, sam, nil)
	validateCall(t, router, "GET", path, nil, nil, resp, b)
	var v struct {
		ID         *int64         `json:"id"`
		Status     *string        `json:"status"`
		Department map[string]any `json:"department"`
		Version    *int64         `json:"version"`
		Questions  []struct{ ID, Kind string }
		Answers    map[string]any `json:"answers"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &v) != nil || v.ID == nil || v.Status == nil || v.Department["code"] != "02" || v.Version == nil || v.Answers == nil || len(v.Questions) == 0 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	var textQ string
	for _, q := range v.Questions {
		if q.Kind == "text" && textQ == "" {
			textQ = q.ID
		}
	}
	tag := resp.Header.Get("ETag")
	if tag == "" || textQ == "" {
		t.Fatalf("etag %q, text question %q", tag, textQ)
	}
	if resp, _ := call(t, ts, "GET", path, sam, nil, "If-None-Match", tag); resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d", resp.StatusCode)
	}
	patch := fmt.Sprintf(`{"answers": {%q: "Serves seniors in Boyle Heights and South LA"}}`, textQ)
	hdr := http.Header{"If-Match": {tag}, "Content-Type": {"application/merge-patch+json"}}
	resp, b = call(t, ts, "PATCH", path, sam, patch, "If-Match", tag, "Content-Type", "application/merge-patch+json")
	validateCall(t, router, "PATCH", path, hdr, []byte(patch), resp, b)
	newTag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || newTag == tag || !strings.Contains(string(b), "Boyle Heights") {
		t.Fatalf("PATCH: %d %s (etag %s)", resp.StatusCode, b, newTag)
	}
	resp, b = call(t, ts, "PATCH", path, sam, `{"answers": {"purpose": "stale"}}`, "If-Match", tag, "Content-Type", "application/merge-patch+json")
	validateCall(t, router, "PATCH", path, hdr, []byte(patch), resp, b)
	var c Conflict
	if resp.StatusCode != 412 || json.Unmarshal(b, &c) != nil || c.CurrentVersion != *v.Version+1 || len(c.Changes) != 1 || c.Changes[0].By != "sam" || c.Changes[0].Fields[0] != "answers" {
		t.Fatalf("stale PATCH: %d %s", resp.StatusCode, b)
	}
	if _, b := call(t, ts, "GET", path, sam, nil); strings.Contains(string(b), "stale") {
		t.Fatal("a stale write was saved")
	}
	if resp, _ := call(t, ts, "PATCH", path, sam, patch, "Content-Type", "application/merge-patch+json"); resp.StatusCode != 428 {
		t.Fatalf("PATCH without If-Match: %d", resp.StatusCode)
	}
	// another department's submitter can neither read nor change it
	if resp, _ := call(t, ts, "GET", path, olga, nil); resp.StatusCode != 404 {
		t.Fatalf("olga reads sam's: %d", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "PATCH", path, olga, patch, "If-Match", newTag, "Content-Type", "application/merge-patch+json"); resp.StatusCode != 404 {
		t.Fatalf("olga patches sam's: %d", resp.StatusCode)
	}
	// a submitter cannot assign reviewers
	if resp, _ := call(t, ts, "PATCH", path, sam, `{"reviewers": ["rita"]}`, "If-Match", newTag, "Content-Type", "application/merge-patch+json"); resp.StatusCode != 403 {
		t.Fatalf("sam assigns: %d", resp.StatusCode)
	}
	// cross-site state-changing requests are refused
	if resp, _ := call(t, ts, "PATCH", path, sam, patch, "If-Match", newTag, "Content-Type", "application/merge-patch+json", "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Fatalf("cross-site PATCH: %d", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "POST", "/api/session", "", Login{User: "sam", Password: "password-sam"}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Fatalf("cross-site login: %d", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "DELETE", "/api/session", sam, nil); resp.StatusCode != 204 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "GET", path, sam, nil); resp.StatusCode != 401 {
		t.Fatalf("after logout: %d", resp.StatusCode)
	}
}

// TestReviewWorkflowAPI walks one assessment from draft to decision with
// three users, then checks the audit chain.
func TestReviewWorkflowAPI(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	sam, ana, rita := login(t, ts, "sam"), login(t, ts, "ana"), login(t, ts, "rita")
	rows := listAs(t, ts, sam, "&status=draft")
	a := rows[len(rows)-1]
	path := fmt.Sprintf("/api/assessments/%d", a.ID)
	step := func(who, method, sub string, body any, want int) string {
		t.Helper()
		resp, _ := call(t, ts, "GET", path, who, nil)
		tag := resp.Header.Get("ETag")
		ct := "application/json"
		if method == "PATCH" {
			ct = "application/merge-patch+json"
		}
		resp, b := call(t, ts, method, path+sub, who, body, "If-Match", tag, "Content-Type", ct)
		if resp.StatusCode != want {
			t.Fatalf("%s %s%s %v: %d %s, want %d", method, path, sub, body, resp.StatusCode, b, want)
		}
		return string(b)
	}
	answers := map[string]any{"purpose": "Meals for homebound seniors", "benefits": "Low-income seniors in districts 9 and 14", "effect": "narrows gaps",
		"equity_outcome": "Closes the gap in meal delivery", "data_used": "Waiting lists by district", "engagement": "Senior centre meetings",
		"engagement_level": "consulted", "mitigation": "Prioritise by need", "measure": "Meals per 1,000 seniors by district"}
	_, tb := call(t, ts, "GET", path, sam, nil)
	var view office.AssessmentView
	json.Unmarshal(tb, &view)
	mine := map[string]any{}
	for _, q := range view.Questions {
		if x, ok := answers[q.ID]; ok {
			mine[q.ID] = x
		}
	}
	step(sam, "POST", "/transition", Transition{Action: "submit"}, 400) // required answers missing
	step(sam, "PATCH", "", map[string]any{"answers": mine}, 200)
	step(rita, "GET", "", nil, 404) // not assigned yet
	step(sam, "POST", "/transition", Transition{Action: "start_review"}, 403)
	step(sam, "POST", "/transition", Transition{Action: "submit"}, 200)
	step(sam, "PATCH", "", map[string]any{"answers": map[string]any{"purpose": "late"}}, 409) // submitted: answers are closed
	step(ana, "PATCH", "", map[string]any{"reviewers": []string{"rita"}, "due": "2021-05-01"}, 200)
	step(ana, "POST", "/transition", Transition{Action: "start_review"}, 200)
	scores := map[string]int{}
	for _, q := range view.Questions {
		if q.Weight > 0 {
			scores[q.ID] = 2
		}
	}
	step(rita, "POST", "/transition", Transition{Action: "complete"}, 409) // not scored
	step(rita, "POST", "/scores", Scores{Scores: scores}, 200)
	step(rita, "POST", "/transition", Transition{Action: "decide", Decision: "funded"}, 403)
	step(rita, "POST", "/transition", Transition{Action: "complete"}, 200)
	out := step(ana, "POST", "/transition", Transition{Action: "decide", Decision: "funded", Comment: "Recommended by the equity review"}, 200)
	var done office.AssessmentView
	json.Unmarshal([]byte(out), &done)
	if done.Status != "decision" || done.Decision != "funded" || done.Score == nil || *done.Score < 66.6 || *done.Score > 66.7 || len(done.Comments) != 1 {
		t.Fatalf("decided: %+v", done)
	}
	resp, b := call(t, ts, "GET", path+"/history?format=json", ana, nil)
	if resp.StatusCode != 200 || strings.Count(string(b), `"version"`) < 8 {
		t.Fatalf("history: %d %s", resp.StatusCode, b)
	}
	r, err := demo.off.VerifyAudit(context.Background())
	if err != nil || r.Broken != nil {
		t.Fatalf("audit: %+v %v", r, err)
	}
}

// TestConcurrentPatchesHTTP: 50 writers send a PATCH on the same version
// at once: exactly one is saved, the others are refused (412 or 409) and
// nothing else is stored.
func TestConcurrentPatchesHTTP(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	ana := login(t, ts, "ana")
	rows := listAs(t, ts, ana, "&department=06&status=draft")
	path := fmt.Sprintf("/api/assessments/%d", rows[0].ID)
	resp, _ := call(t, ts, "GET", path, ana, nil)
	tag := resp.Header.Get("ETag")
	var wg sync.WaitGroup
	codes := make([]int, 50)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			resp, _ := call(t, ts, "PATCH", path, ana, fmt.Sprintf(`{"answers": {"purpose": "writer %d"}}`, i), "If-Match", tag, "Content-Type", "application/merge-patch+json")
			codes[i] = resp.StatusCode
		}(i)
	}
	wg.Wait()
	won := 0
	for i, c := range codes {
		switch c {
		case 200:
			won++
		case 409, 412:
		default:
			t.Errorf("writer %d: %d", i, c)
		}
	}
	_, b := call(t, ts, "GET", path, ana, nil)
	var v office.AssessmentView
	json.Unmarshal(b, &v)
	if won != 1 || v.Version != rows[0].Version+1 {
		t.Fatalf("%d writers won, version %d (want 1, %d)", won, v.Version, rows[0].Version+1)
	}
}

// TestLoginRateLimit: after 5 failures for one name, even the right
// password is refused with 429 and Retry-After.
func TestLoginRateLimit(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	for i := 0; i < 5; i++ {
		if resp, _ := call(t, ts, "POST", "/api/session", "", Login{User: "carl", Password: "guess"}); resp.StatusCode != 401 {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
	}
	resp, _ := call(t, ts, "POST", "/api/session", "", Login{User: "carl", Password: "password-carl"})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if _, err := auth.ParseRole("council"); err != nil {
		t.Fatal(err)
	}
}

// TestAutomaticChecks computes the checks of an Aging request on the demo:
// its placed dollars' share in the highest-need tier and the program's
// reach the year before are percentages with their comparison; the
// measure check says what it found; the API returns them with ?checks=1.
func TestAutomaticChecks(t *testing.T) {
	reviewSetup(t)
	as, _ := demo.off.Assessments(context.Background(), office.ListOptions{AssessOptions: office.AssessOptions{FiscalYear: "2021-22", Phase: "proposed"}, Department: "02"})
	var a *office.AssessmentView
	for _, x := range as {
		if x.AmountCents > 1_000_000 {
			a, _ = demo.off.Assessment(context.Background(), x.ID)
			break
		}
	}
	if a == nil {
		t.Fatal("no Aging request over $10,000")
	}
	cs := demo.off.Checks(context.Background(), a.Assessment)
	if len(cs) != 3 || cs[0].ID != "high_need_share" || cs[1].ID != "measure" || cs[2].ID != "past_reach" {
		t.Fatalf("checks %+v", cs)
	}
	for _, c := range []office.Check{cs[0], cs[2]} {
		if c.Status == "not_available" || c.Value == nil || *c.Value < 0 || *c.Value > 100 || !strings.Contains(c.Text, "highest") {
			t.Errorf("check %+v", c)
		}
	}
	if cs[1].Status == "" || cs[1].Text == "" {
		t.Errorf("measure check %+v", cs[1])
	}
	_, ts := newTestServer(t, false)
	ana := login(t, ts, "ana")
	resp, b := call(t, ts, "GET", fmt.Sprintf("/api/assessments/%d?checks=1", a.ID), ana, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"id":"high_need_share"`) {
		t.Fatalf("checks over the API: %d %.300s", resp.StatusCode, b)
	}
}

// multipartFile builds a multipart body with one file in the field file.
func multipartFile(t *testing.T, name string, data []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// TestEvidence: a submitter uploads a PDF to her department's assessment;
// an analyst lists and downloads it as an attachment; another department
// cannot see it; a file whose content does not match its name, or too
// large, is refused.
func TestEvidence(t *testing.T) {
	reviewSetup(t)
	_, ts := newTestServer(t, false)
	sam, ana, olga := login(t, ts, "sam"), login(t, ts, "ana"), login(t, ts, "olga")
	rows := listAs(t, ts, sam, "&status=draft")
	base := fmt.Sprintf("/api/assessments/%d/evidence", rows[0].ID)
	pdf := []byte("%PDF-1.7\nwaiting lists by council district\n%%EOF\n")
	body, ct := multipartFile(t, "waiting lists.pdf", pdf)
	resp, b := call(t, ts, "POST", base, sam, body, "Content-Type", ct)
	var f struct {
		ID     int64  `json:"id"`
		Type   string `json:"type"`
		SHA256 string `json:"sha256"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &f) != nil || f.Type != "application/pdf" || len(f.SHA256) != 64 {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	resp, b = call(t, ts, "GET", base, ana, nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "waiting lists.pdf") {
		t.Fatalf("list: %d %s", resp.StatusCode, b)
	}
	resp, b = call(t, ts, "GET", fmt.Sprintf("%s/%d", base, f.ID), ana, nil)
	if resp.StatusCode != 200 || !bytes.Equal(b, pdf) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		resp.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	for _, c := range []struct{ method, path string }{{"GET", base}, {"GET", fmt.Sprintf("%s/%d", base, f.ID)}} {
		if resp, _ := call(t, ts, c.method, c.path, olga, nil); resp.StatusCode != 404 {
			t.Errorf("olga %s %s: %d", c.method, c.path, resp.StatusCode)
		}
	}
	if resp, _ := call(t, ts, "POST", base, olga, body, "Content-Type", ct); resp.StatusCode != 404 {
		t.Errorf("olga uploads: %d", resp.StatusCode)
	}
	body, ct = multipartFile(t, "report.pdf", []byte("<html><script>alert(1)</script></html>"))
	if resp, b := call(t, ts, "POST", base, sam, body, "Content-Type", ct); resp.StatusCode != 400 || !strings.Contains(string(b), "content matches its name") {
		t.Errorf("HTML named .pdf: %d %s", resp.StatusCode, b)
	}
	body, ct = multipartFile(t, "big.txt", bytes.Repeat([]byte("a"), 6<<20))
	if resp, _ := call(t, ts, "POST", base, sam, body, "Content-Type", ct); resp.StatusCode != 413 {
		t.Errorf("6 MiB: %d", resp.StatusCode)
	}
	if resp, _ := call(t, ts, "GET", base, "", nil); resp.StatusCode != 401 {
		t.Errorf("no session: %d", resp.StatusCode)
	}
}
