package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
)

// The review pages: server-rendered forms (no script), posted to the same
// office functions as the API. Every form carries the version it was made
// on; a stale one shows the current version and saves nothing. Forms are
// POSTs, so cross-origin protection covers them.

func (s *Server) registerReviewPages() {
	page := func(method, pattern string, act Action, h func(http.ResponseWriter, *http.Request) error) {
		s.add(&route{method: method, pattern: pattern, action: act, page: true, private: true, handle: h})
	}
	page("GET", "/login", ActionSession, s.pageLogin)
	page("POST", "/login", ActionSession, s.pageLoginPost)
	page("POST", "/logout", ActionSession, s.pageLogout)
	page("GET", "/login/oidc", ActionSession, s.pageOIDCStart)
	page("GET", "/login/oidc/callback", ActionSession, s.pageOIDCCallback)
	page("GET", "/review", ActionAssessList, s.pageReviewList)
	page("GET", "/review/{id}", ActionAssessRead, s.pageReview)
	page("POST", "/review/{id}", ActionAssessRead, s.pageReviewPost)
	page("POST", "/review/{id}/evidence", ActionAssessAnswer, s.pageEvidencePost)
}

type loginPage struct {
	Next, User, Error string
	SSO               bool // single sign-on is offered
}

// safeNext keeps a redirect on this site: a path, never another host.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/review"
	}
	return n
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "login", T{Lang: lang(r)}.Get("login.title"), "review", &loginPage{Next: safeNext(r.URL.Query().Get("next")), SSO: s.opt.OIDC != nil})
}

func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	if s.opt.Public {
		return budget.Errorf(budget.EFORBIDDEN, "the public server has no sign-in")
	}
	if err := r.ParseForm(); err != nil {
		return budget.Errorf(budget.EINVALID, "the form could not be read")
	}
	t := T{Lang: lang(r)}
	pd := &loginPage{Next: safeNext(r.PostForm.Get("next")), User: r.PostForm.Get("user")}
	user, addr := pd.User, clientAddr(r)
	if ok, _ := s.logins.byUser.Allow(user); !ok {
		pd.Error = t.Get("login.limited")
	} else if ok, _ := s.logins.byAddr.Allow(addr); !ok {
		pd.Error = t.Get("login.limited")
	}
	if pd.Error == "" {
		tok, _, err := s.full.Login(r.Context(), user, r.PostForm.Get("password"))
		if err == nil {
			s.logins.byUser.Succeed(user)
			s.setSession(w, tok)
			http.Redirect(w, r, pd.Next, http.StatusSeeOther)
			return nil
		}
		if err != office.ErrLogin {
			return err
		}
		s.logins.byUser.Fail(user)
		s.logins.byAddr.Fail(addr)
		pd.Error = t.Get("login.failed")
	}
	return s.renderStatus(w, r, http.StatusUnauthorized, "login", t.Get("login.title"), "review", pd)
}

func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && !s.opt.Public {
		s.full.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

type reviewListPage struct {
	Me                        Actor
	FY, Phase, Dept, Status   string
	Rows                      []AssessmentRow
	Statuses                  []string
	CSV, XLSX, JSON, Coverage string
}

func (s *Server) pageReviewList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pd := &reviewListPage{Me: actorOf(r), FY: q.Get("fy"), Phase: q.Get("phase"), Dept: q.Get("department"), Status: q.Get("status")}
	if pd.FY == "" || pd.Phase == "" {
		pd.FY, pd.Phase = s.defaultCycle(r)
	}
	for _, st := range assess.Statuses {
		pd.Statuses = append(pd.Statuses, string(st))
	}
	as, err := s.full.Assessments(r.Context(), Scope(pd.Me, office.ListOptions{AssessOptions: office.AssessOptions{FiscalYear: pd.FY, Phase: pd.Phase}, Department: pd.Dept, Status: pd.Status}))
	if err != nil {
		return err
	}
	for _, a := range as {
		pd.Rows = append(pd.Rows, assessmentRow(s.full, a))
	}
	api := url.Values{"fy": {pd.FY}, "phase": {pd.Phase}}
	if pd.Dept != "" {
		api.Set("department", pd.Dept)
	}
	if pd.Status != "" {
		api.Set("status", pd.Status)
	}
	pd.JSON = "/api/assessments?" + api.Encode()
	pd.CSV, pd.XLSX = pd.JSON+"&format=csv", pd.JSON+"&format=xlsx"
	return s.render(w, r, "review_list", T{Lang: lang(r)}.Get("rev.title"), "review", pd)
}

// defaultCycle is the latest cycle with assessments (else FY of the
// latest phase, proposed).
func (s *Server) defaultCycle(r *http.Request) (string, string) {
	as, err := s.full.Store.Assessments(r.Context(), assess.Filter{})
	if err == nil && len(as) > 0 {
		best := as[0]
		for _, a := range as {
			if a.FYStart > best.FYStart {
				best = a
			}
		}
		return best.FiscalYear, string(best.Phase)
	}
	return "", "proposed"
}

type answerField struct {
	Q      assess.Question
	Value  string
	Shown  string
	Levels []int
	Mine   int // this reviewer's level, -1 when none
}

type stepButton struct {
	Action string
	Decide bool
}

type reviewPage struct {
	Me                          Actor
	V                           *office.AssessmentView
	Fields                      []answerField
	CanAnswer, CanAssign, Score bool
	CanComment                  bool
	Steps                       []stepButton
	Reviewers                   string
	Changes                     []office.Change
	Stale                       int64
	Error                       string
	Dollars                     float64
	ScoreText                   string
	Evidence                    []assess.File
	CanUpload                   bool
	MaxMiB                      int
}

func (s *Server) pageReview(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessRead)
	if err != nil {
		return err
	}
	pd, err := s.reviewPageData(r, a)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("checks") == "1" {
		pd.V.Checks = s.full.Checks(r.Context(), pd.V.Assessment)
	}
	return s.render(w, r, "review_one", fmt.Sprintf("%s %d", T{Lang: lang(r)}.Get("rev.title"), a.ID), "review", pd)
}

func (s *Server) reviewPageData(r *http.Request, a assess.Assessment) (*reviewPage, error) {
	me := actorOf(r)
	v, err := s.full.Assessment(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	can := func(act Action) bool { return Authorize(me, act, Object{Assessment: &a}, nil) == nil }
	pd := &reviewPage{Me: me, V: v, Reviewers: strings.Join(a.Reviewers, " "), Dollars: float64(a.AmountCents) / 100}
	pd.CanAnswer = can(ActionAssessAnswer) && a.Status == assess.Draft
	pd.CanAssign = can(ActionAssessAssign) && a.Status != assess.Decided
	pd.Score = can(ActionAssessScore) && a.Status == assess.InReview
	pd.CanComment = can(ActionAssessComment)
	if v.Score != nil {
		pd.ScoreText = strconv.FormatFloat(*v.Score, 'f', 1, 64)
	}
	t, _ := s.full.Template(a.Template, a.TemplateVersion)
	for _, act := range assess.Actions {
		if !can(stepAction(string(act))) {
			continue
		}
		if _, err := assess.Next(a, t, act, assess.Funded); err == nil || budget.ErrorCode(err) == budget.EINVALID && act == assess.Submit {
			pd.Steps = append(pd.Steps, stepButton{Action: string(act), Decide: act == assess.Decide})
		}
	}
	mine := map[string]int{}
	for _, rv := range a.Reviews {
		if rv.Reviewer == me.User {
			mine = rv.Scores
		}
	}
	for _, q := range v.Questions {
		f := answerField{Q: q, Mine: -1}
		if x, ok := a.Answers[q.ID]; ok {
			f.Value = answerText(x)
		}
		for i := range q.Rubric {
			f.Levels = append(f.Levels, i)
		}
		if l, ok := mine[q.ID]; ok {
			f.Mine = l
		}
		pd.Fields = append(pd.Fields, f)
	}
	if pd.Evidence, err = s.full.Store.EvidenceList(r.Context(), a.ID); err != nil {
		return nil, err
	}
	pd.CanUpload, pd.MaxMiB = can(ActionAssessAnswer) && a.Status != assess.Decided, assess.MaxEvidenceBytes>>20
	if can(ActionAssessHistory) {
		pd.Changes, _ = s.full.ChangesSince(r.Context(), a.ID, 0)
	}
	return pd, nil
}

// answerText writes an answer into a form field: text as is, a list of
// areas comma-separated, a number plainly.
func answerText(x any) string {
	switch v := x.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// formAnswer reads a question's form field back into an answer (nil: none).
func formAnswer(q assess.Question, s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	switch q.Kind {
	case assess.Number:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, budget.Errorf(budget.EINVALID, "%s: give a number", q.ID)
		}
		return f, nil
	case assess.Areas:
		var out []any
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	}
	return s, nil
}

func (s *Server) pageReviewPost(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessRead)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return budget.Errorf(budget.EINVALID, "the form could not be read")
	}
	f := r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	me := actorOf(r)
	obj := Object{Assessment: &a}
	if version != a.Version {
		return s.reviewAgain(w, r, a, version, "")
	}
	var opErr error
	switch op := f.Get("op"); op {
	case "answer":
		if opErr = Authorize(me, ActionAssessAnswer, obj, nil); opErr == nil {
			opErr = s.postAnswers(r, a, f)
		}
	case "assign":
		if opErr = Authorize(me, ActionAssessAssign, obj, nil); opErr == nil {
			p, _ := json.Marshal(map[string]any{"reviewers": strings.Fields(strings.ReplaceAll(f.Get("reviewers"), ",", " ")), "due": f.Get("due")})
			_, opErr = s.full.Patch(r.Context(), office.PatchOptions{ID: a.ID, Version: version, Patch: p, By: me.User})
		}
	case "score":
		if opErr = Authorize(me, ActionAssessScore, obj, nil); opErr == nil {
			sc := map[string]int{}
			for k, vs := range f {
				if q, ok := strings.CutPrefix(k, "s."); ok && len(vs) > 0 && vs[0] != "" {
					n, err := strconv.Atoi(vs[0])
					if err != nil {
						return budget.Errorf(budget.EINVALID, "score of %s: give a level", q)
					}
					sc[q] = n
				}
			}
			_, opErr = s.full.Score(r.Context(), office.ScoreOptions{ID: a.ID, Version: version, Reviewer: me.User, Scores: sc})
		}
	case "comment":
		if opErr = Authorize(me, ActionAssessComment, obj, nil); opErr == nil {
			_, opErr = s.full.Comment(r.Context(), a.ID, me.User, f.Get("comment"))
		}
	case "step":
		step := f.Get("step")
		if opErr = Authorize(me, stepAction(step), obj, nil); opErr == nil {
			_, opErr = s.full.Transition(r.Context(), office.TransitionOptions{ID: a.ID, Version: version, Action: step, Decision: f.Get("decision"), Comment: f.Get("comment"), By: me.User})
		}
	default:
		return budget.Errorf(budget.EINVALID, "unknown form operation %q", op)
	}
	switch budget.ErrorCode(opErr) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/review/%d", a.ID), http.StatusSeeOther)
		return nil
	case budget.EINVALID, budget.ECONFLICT:
		return s.reviewAgain(w, r, a, version, opErr.Error())
	}
	return opErr
}

func (s *Server) postAnswers(r *http.Request, a assess.Assessment, f url.Values) error {
	t, err := s.full.Template(a.Template, a.TemplateVersion)
	if err != nil {
		return err
	}
	ans := map[string]any{}
	for _, q := range t.Questions() {
		v, err := formAnswer(q, f.Get("a."+q.ID))
		if err != nil {
			return err
		}
		ans[q.ID] = v
	}
	p, _ := json.Marshal(map[string]any{"answers": ans})
	_, err = s.full.Patch(r.Context(), office.PatchOptions{ID: a.ID, Version: a.Version, Patch: p, By: actorOf(r).User})
	return err
}

// reviewAgain shows the current assessment with why the form was not
// saved (a stale version: 409; an invalid or conflicting change: its
// message).
func (s *Server) reviewAgain(w http.ResponseWriter, r *http.Request, a assess.Assessment, version int64, msg string) error {
	cur, err := s.full.Store.Assessment(r.Context(), a.ID)
	if err != nil {
		return err
	}
	pd, err := s.reviewPageData(r, cur)
	if err != nil {
		return err
	}
	pd.Error = msg
	status := http.StatusBadRequest
	if msg == "" {
		pd.Stale = cur.Version
		status = http.StatusConflict
	}
	return s.renderStatus(w, r, status, "review_one", fmt.Sprintf("%s %d", T{Lang: lang(r)}.Get("rev.title"), a.ID), "review", pd)
}

// renderStatus writes a private page with a status other than 200 (never
// cached).
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, p any) error {
	l := lang(r)
	d := &PageData{T: T{Lang: l}, Lang: l, Public: s.opt.Public, Title: title, Nav: nav, Path: r.URL.Path, Query: r.URL.Query(),
		Static: s.pages.version, P: p, Me: actorOf(r)}
	var buf bytes.Buffer
	if err := s.pages.tmpl.ExecuteTemplate(&buf, "layout", struct {
		*PageData
		Content string
	}{d, name}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", l)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// pageEvidencePost stores a file uploaded with the page's form.
func (s *Server) pageEvidencePost(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessAnswer)
	if err != nil {
		return err
	}
	msg := ""
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		msg = fmt.Sprintf("send a file of at most %d MiB", assess.MaxEvidenceBytes>>20)
	} else {
		defer r.MultipartForm.RemoveAll()
		f, h, err := r.FormFile("file")
		if err != nil {
			msg = "choose a file to upload"
		} else {
			defer f.Close()
			data, err := io.ReadAll(io.LimitReader(f, assess.MaxEvidenceBytes+1))
			if err != nil {
				return err
			}
			if _, err := s.full.AttachEvidence(r.Context(), a.ID, h.Filename, data, actorOf(r).User); err != nil {
				if c := budget.ErrorCode(err); c != budget.EINVALID && c != budget.ECONFLICT {
					return err
				}
				msg = err.Error()
			}
		}
	}
	if msg != "" {
		return s.reviewAgain(w, r, a, a.Version, msg)
	}
	http.Redirect(w, r, fmt.Sprintf("/review/%d", a.ID), http.StatusSeeOther)
	return nil
}
