package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
)

// The review of budget requests (docs/assess.md): signed-in users only,
// every answer private to its actor (Cache-Control: no-store), every
// assessment checked against the actor by Authorize (a submitter sees her
// department's, a reviewer hers). Changes carry the version they were made
// on (If-Match with the assessment's ETag); a stale one is refused with
// 412 and the changes it missed.

// AssessmentRow is one assessment in a listing.
type AssessmentRow struct {
	ID          int64    `json:"id"`
	Department  string   `json:"department"`
	DeptName    string   `json:"department_name"`
	Program     string   `json:"program"`
	RequestKey  string   `json:"request_key"`
	Category    string   `json:"category"`
	Dollars     float64  `json:"dollars"`
	Template    string   `json:"template"`
	Status      string   `json:"status"`
	Decision    string   `json:"decision"`
	Reviewers   string   `json:"reviewers"`
	Due         string   `json:"due"`
	Score       *float64 `json:"score"`
	Version     int64    `json:"version"`
	Description string   `json:"description"`
}

func assessmentRow(o *office.Office, a assess.Assessment) AssessmentRow {
	r := AssessmentRow{ID: a.ID, Department: a.Department.Code, DeptName: a.Department.Name, Program: a.Program.Code, RequestKey: a.RequestKey,
		Category: a.Category, Dollars: float64(a.AmountCents) / 100, Template: a.Template, Status: string(a.Status), Decision: string(a.Decision),
		Reviewers: strings.Join(a.Reviewers, " "), Due: a.Due, Version: a.Version, Description: strings.Join(strings.Fields(a.Description), " ")}
	if t, err := o.Template(a.Template, a.TemplateVersion); err == nil {
		if sc := assess.AssessmentScore(t, a); sc == sc {
			v := float64(int64(sc*10+0.5)) / 10
			r.Score = &v
		}
	}
	return r
}

// Transition is the body of POST /api/assessments/{id}/transition.
type Transition struct {
	Action   string `json:"action"`
	Decision string `json:"decision,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Scores is the body of POST /api/assessments/{id}/scores.
type Scores struct {
	Scores map[string]int `json:"scores"`
}

// NewComment is the body of POST /api/assessments/{id}/comments.
type NewComment struct {
	Text string `json:"text"`
}

// AssessmentPatch documents the merge patch of PATCH /api/assessments/{id}.
type AssessmentPatch struct {
	Answers   map[string]any `json:"answers,omitempty"`
	Reviewers []string       `json:"reviewers,omitempty"`
	Due       *string        `json:"due,omitempty"`
}

// Conflict is the answer to a change made on a stale version (412) or one
// that conflicts with the stored state (409): the problem, the current
// version and the changes made since the version the writer had.
type Conflict struct {
	Problem
	CurrentVersion int64           `json:"current_version"`
	Changes        []office.Change `json:"changes"`
}

func (s *Server) registerReview() {
	pID := param{Name: "id", In: "path", Required: true, Type: "integer", Desc: "assessment id"}
	pIfMatch := param{Name: "If-Match", In: "header", Required: true, Desc: "the ETag of the assessment the change was made on"}
	pCycle := []param{{Name: "fy", In: "query", Required: true, Desc: "fiscal year, 2021-22"}, {Name: "phase", In: "query", Required: true, Desc: "phase", Enum: []string{"proposed", "adopted"}}}
	review := func(method, pattern string, act Action, doc *apiDoc, h func(http.ResponseWriter, *http.Request) error) {
		doc.Tag = "review"
		s.add(&route{method: method, pattern: pattern, action: act, doc: doc, private: true, handle: h})
	}
	s.add(&route{method: "POST", pattern: "/api/session", action: ActionSession, private: true, handle: s.apiLogin,
		doc: &apiDoc{Tag: "review", Summary: "Sign in: sets the session cookie (Secure, HttpOnly, SameSite=Lax); 401 on a wrong name or password, 429 after too many", Request: Login{}, Body: Me{}}})
	s.add(&route{method: "GET", pattern: "/api/session", action: ActionSession, private: true, session: true, handle: s.apiMe,
		doc: &apiDoc{Tag: "review", Summary: "Who is signed in (401 when nobody)", Body: Me{}}})
	s.add(&route{method: "DELETE", pattern: "/api/session", action: ActionSession, private: true, session: true, handle: s.apiLogout,
		doc: &apiDoc{Tag: "review", Summary: "Sign out", Status: http.StatusNoContent}})
	review("GET", "/api/assessments", ActionAssessList, &apiDoc{Summary: "Assessments of a cycle the signed-in user may see (a submitter her department's, a reviewer those assigned to her)",
		Row: AssessmentRow{}, Params: append(pCycle, pDept, param{Name: "status", In: "query", Desc: "status", Enum: []string{"draft", "submitted", "in_review", "scored", "decision"}}, pFormat)}, s.apiAssessments)
	review("GET", "/api/assessments/coverage", ActionAssessCoverage, &apiDoc{Summary: "Requests and dollars assessed, by department and status", Row: office.CoverageRow{}, Params: append(pCycle, pFormat)}, s.apiCoverage)
	review("GET", "/api/assessments/agreement", ActionAssessCoverage, &apiDoc{Summary: "Agreement between two reviewers over the cycle (linear weighted kappa; null without pairs)", Body: Agreement{}, Params: pCycle}, s.apiAgreement)
	review("GET", "/api/assessments/{id}", ActionAssessRead, &apiDoc{Summary: "One assessment: questions, answers, reviews, score, comments; its ETag is its version (?checks=1 adds the automatic checks)", Body: office.AssessmentView{},
		Params: []param{pID, {Name: "checks", In: "query", Desc: "1: compute the automatic checks"}}}, s.apiAssessment)
	review("PATCH", "/api/assessments/{id}", ActionAssessEdit, &apiDoc{Summary: "Change answers, reviewers or due date by a JSON merge patch (RFC 7396); If-Match required (428 without, 412 when stale, with what changed)",
		Body: office.AssessmentView{}, Params: []param{pID, pIfMatch}, Request: AssessmentPatch{}, RequestType: "application/merge-patch+json", Conflict: true}, s.apiPatchAssessment)
	review("POST", "/api/assessments/{id}/transition", ActionAssessMove, &apiDoc{Summary: "A workflow step: submit, return, start_review, complete, decide (with decision), reopen; If-Match required",
		Body: office.AssessmentView{}, Params: []param{pID, pIfMatch}, Request: Transition{}, Conflict: true}, s.apiTransition)
	review("POST", "/api/assessments/{id}/scores", ActionAssessScore, &apiDoc{Summary: "Record the signed-in reviewer's rubric levels; If-Match required",
		Body: office.AssessmentView{}, Params: []param{pID, pIfMatch}, Request: Scores{}, Conflict: true}, s.apiScores)
	review("POST", "/api/assessments/{id}/comments", ActionAssessComment, &apiDoc{Summary: "Add a comment (never conflicts)", Body: office.AssessmentView{}, Params: []param{pID}, Request: NewComment{}}, s.apiComment)
	review("POST", "/api/assessments/{id}/evidence", ActionAssessAnswer, &apiDoc{Summary: "Upload a file of evidence (multipart/form-data, field file; PDF, PNG, JPEG, XLSX, CSV or text recognised by its content; at most 5 MiB)",
		Body: assess.File{}, Params: []param{pID}, Request: EvidenceUpload{}, RequestType: "multipart/form-data"}, s.apiAddEvidence)
	review("GET", "/api/assessments/{id}/evidence", ActionAssessRead, &apiDoc{Summary: "An assessment's evidence files", Row: assess.File{}, Params: []param{pID, pFormat}}, s.apiEvidenceList)
	review("GET", "/api/assessments/{id}/evidence/{file}", ActionAssessRead, &apiDoc{Summary: "Download one evidence file (as an attachment)", Binary: true,
		Params: []param{pID, {Name: "file", In: "path", Required: true, Type: "integer", Desc: "file id"}}}, s.apiEvidenceData)
	review("GET", "/api/assessments/{id}/history", ActionAssessHistory, &apiDoc{Summary: "Every change of an assessment from the audit log (who, when, what)", Row: office.Change{}, Params: []param{pID, pFormat}}, s.apiHistory)
}

// Agreement is the cycle's agreement between reviewers.
type Agreement struct {
	Pairs         int      `json:"pairs"`
	Assessments   int      `json:"assessments"`
	WeightedKappa *float64 `json:"weighted_kappa"`
	Exact         *float64 `json:"exact_agreement"`
}

func cycleOf(r *http.Request) office.AssessOptions {
	q := r.URL.Query()
	return office.AssessOptions{FiscalYear: q.Get("fy"), Phase: q.Get("phase")}
}

func (s *Server) apiAssessments(w http.ResponseWriter, r *http.Request) error {
	opt := Scope(actorOf(r), office.ListOptions{AssessOptions: cycleOf(r), Department: r.URL.Query().Get("department"), Status: r.URL.Query().Get("status")})
	if a := actorOf(r); a.Role == RoleSubmitter && r.URL.Query().Get("department") != "" && r.URL.Query().Get("department") != a.Department {
		return s.sendTable(w, r, &table{name: "assessments", rows: []AssessmentRow{}})
	}
	as, err := s.full.Assessments(r.Context(), opt)
	if err != nil {
		return err
	}
	rows := make([]AssessmentRow, len(as))
	for i, a := range as {
		rows[i] = assessmentRow(s.full, a)
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.sendTable(w, r, &table{name: "assessments", rows: rows})
}

func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.full.Coverage(r.Context(), cycleOf(r))
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: "coverage", rows: rows})
}

func (s *Server) apiAgreement(w http.ResponseWriter, r *http.Request) error {
	ag, err := s.full.Agreement(r.Context(), cycleOf(r))
	if err != nil {
		return err
	}
	out := Agreement{Pairs: ag.Pairs, Assessments: ag.Items}
	if ag.Pairs > 0 {
		out.WeightedKappa, out.Exact = &ag.Kappa, &ag.Exact
	}
	return s.sendPrivate(w, http.StatusOK, out)
}

// assessmentFor reads the assessment of the path's id and checks the
// actor may take act on it.
func (s *Server) assessmentFor(r *http.Request, act Action) (assess.Assessment, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return assess.Assessment{}, budget.Errorf(budget.ENOTFOUND, "no such assessment")
	}
	a, err := s.full.Store.Assessment(r.Context(), id)
	if err != nil {
		return a, err
	}
	if err := Authorize(actorOf(r), ActionAssessRead, Object{Assessment: &a}, nil); err != nil {
		return a, err
	}
	return a, Authorize(actorOf(r), act, Object{Assessment: &a}, nil)
}

// etag is an assessment's entity tag: its id and version (strong: the
// version changes with every stored change).
func etag(a assess.Assessment) string { return fmt.Sprintf(`"a%d-v%d"`, a.ID, a.Version) }

// versionOf reads the version out of an If-Match value of this
// assessment; ok is false for another entity's tag.
func versionOf(a assess.Assessment, tag string) (int64, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	var id, v int64
	if _, err := fmt.Sscanf(tag, `"a%d-v%d"`, &id, &v); err != nil || id != a.ID {
		return 0, false
	}
	return v, true
}

func (s *Server) sendAssessment(w http.ResponseWriter, v *office.AssessmentView) error {
	w.Header().Set("ETag", etag(v.Assessment))
	return s.sendPrivate(w, http.StatusOK, v)
}

func (s *Server) apiAssessment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessRead)
	if err != nil {
		return err
	}
	if match(r.Header.Get("If-None-Match"), etag(a)) {
		w.Header().Set("ETag", etag(a))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	v, err := s.full.Assessment(r.Context(), a.ID)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("checks") == "1" {
		v.Checks = s.full.Checks(r.Context(), v.Assessment)
	}
	return s.sendAssessment(w, v)
}

// precondition checks If-Match against the stored assessment: 428 without
// it, 412 with the changes since the writer's version when it is stale.
func (s *Server) precondition(w http.ResponseWriter, r *http.Request, a assess.Assessment) (bool, error) {
	tag := r.Header.Get("If-Match")
	if tag == "" {
		return false, &httpError{status: http.StatusPreconditionRequired, detail: "send If-Match with the ETag of the assessment you changed (GET it first)"}
	}
	if v, ok := versionOf(a, tag); ok && v == a.Version {
		return true, nil
	}
	since, _ := versionOf(a, tag)
	return false, s.conflict(w, r, a.ID, since, http.StatusPreconditionFailed,
		fmt.Sprintf("assessment %d changed since your version %d: it is at version %d; nothing was saved; read it again and reapply your change", a.ID, since, a.Version))
}

// conflict writes a Conflict answer.
func (s *Server) conflict(w http.ResponseWriter, r *http.Request, id, since int64, status int, detail string) error {
	changes, err := s.full.ChangesSince(r.Context(), id, since)
	if err != nil {
		return err
	}
	cur, err := s.full.Store.Assessment(r.Context(), id)
	if err != nil {
		return err
	}
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path, Code: budget.ECONFLICT, RequestID: requestID(r.Context())}
	w.Header().Set("ETag", etag(cur))
	b := Conflict{Problem: p, CurrentVersion: cur.Version, Changes: changes}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(b)
}

// change runs a change made on version a.Version and answers with the
// stored assessment, or a Conflict (409) naming what changed meanwhile.
func (s *Server) change(w http.ResponseWriter, r *http.Request, a assess.Assessment, do func() (*office.AssessmentView, error)) error {
	v, err := do()
	if budget.ErrorCode(err) == budget.ECONFLICT {
		return s.conflict(w, r, a.ID, a.Version, http.StatusConflict, err.Error())
	}
	if err != nil {
		return err
	}
	return s.sendAssessment(w, v)
}

func (s *Server) apiPatchAssessment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessEdit)
	if err != nil {
		return err
	}
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/merge-patch+json") && !strings.HasPrefix(ct, "application/json") {
		return &httpError{status: http.StatusUnsupportedMediaType, detail: "send a JSON merge patch (application/merge-patch+json)"}
	}
	patch, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	fields, err := office.PatchFields(patch)
	if err != nil {
		return err
	}
	for _, f := range fields {
		act := ActionAssessAssign
		if f == "answers" {
			act = ActionAssessAnswer
		}
		if err := Authorize(actorOf(r), act, Object{Assessment: &a}, nil); err != nil {
			return err
		}
	}
	if ok, err := s.precondition(w, r, a); !ok {
		return err
	}
	return s.change(w, r, a, func() (*office.AssessmentView, error) {
		return s.full.Patch(r.Context(), office.PatchOptions{ID: a.ID, Version: a.Version, Patch: patch, By: actorOf(r).User})
	})
}

// stepAction is the action Authorize is asked about for a workflow step.
func stepAction(act string) Action {
	switch assess.Action(act) {
	case assess.Submit:
		return ActionAssessSubmit
	case assess.Complete:
		return ActionAssessComplete
	case assess.Decide:
		return ActionAssessDecide
	}
	return ActionAssessReview
}

func (s *Server) apiTransition(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessMove)
	if err != nil {
		return err
	}
	var in Transition
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if _, err := assess.ParseAction(in.Action); err != nil {
		return err
	}
	if err := Authorize(actorOf(r), stepAction(in.Action), Object{Assessment: &a}, nil); err != nil {
		return err
	}
	if ok, err := s.precondition(w, r, a); !ok {
		return err
	}
	return s.change(w, r, a, func() (*office.AssessmentView, error) {
		return s.full.Transition(r.Context(), office.TransitionOptions{ID: a.ID, Version: a.Version, Action: in.Action, Decision: in.Decision, Comment: in.Comment, By: actorOf(r).User})
	})
}

func (s *Server) apiScores(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessScore)
	if err != nil {
		return err
	}
	var in Scores
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if ok, err := s.precondition(w, r, a); !ok {
		return err
	}
	return s.change(w, r, a, func() (*office.AssessmentView, error) {
		return s.full.Score(r.Context(), office.ScoreOptions{ID: a.ID, Version: a.Version, Reviewer: actorOf(r).User, Scores: in.Scores})
	})
}

func (s *Server) apiComment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessComment)
	if err != nil {
		return err
	}
	var in NewComment
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	v, err := s.full.Comment(r.Context(), a.ID, actorOf(r).User, in.Text)
	if err != nil {
		return err
	}
	return s.sendAssessment(w, v)
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessHistory)
	if err != nil {
		return err
	}
	ch, err := s.full.ChangesSince(r.Context(), a.ID, 0)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: fmt.Sprintf("assessment-%d-history", a.ID), rows: ch})
}

// reviewState is the review's state of each request of a phase, by
// request id: its status (with the decision once made) and score. The
// public view has no assessments, so its requests read "not assessed".
func reviewState(ctx context.Context, o *office.Office, p phaseRef) (map[string]AssessmentRow, error) {
	out := map[string]AssessmentRow{}
	ph := p.Phase
	if ph != budget.Proposed && ph != budget.Adopted {
		return out, nil
	}
	as, err := o.Store.Assessments(ctx, assess.Filter{FYStart: p.FY.Start, Phase: ph})
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		r := assessmentRow(o, a)
		if a.Decision != "" {
			r.Status = string(a.Status) + ": " + string(a.Decision)
		}
		out[a.RequestKey] = r
	}
	return out, nil
}

// EvidenceUpload documents the multipart body of an evidence upload.
type EvidenceUpload struct {
	File string `json:"file"`
}

func (s *Server) apiAddEvidence(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessAnswer)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return budget.Errorf(budget.EINVALID, "send the file as multipart/form-data in the field file (at most %d MiB)", assess.MaxEvidenceBytes>>20)
	}
	defer r.MultipartForm.RemoveAll()
	f, h, err := r.FormFile("file")
	if err != nil {
		return budget.Errorf(budget.EINVALID, "send the file in the multipart field file")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, assess.MaxEvidenceBytes+1))
	if err != nil {
		return err
	}
	saved, err := s.full.AttachEvidence(r.Context(), a.ID, h.Filename, data, actorOf(r).User)
	if err != nil {
		return err
	}
	return s.sendPrivate(w, http.StatusOK, saved)
}

func (s *Server) apiEvidenceList(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessRead)
	if err != nil {
		return err
	}
	fs, err := s.full.Store.EvidenceList(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return s.sendTable(w, r, &table{name: fmt.Sprintf("assessment-%d-evidence", a.ID), rows: fs})
}

// apiEvidenceData serves a file as an attachment of its recognised type,
// never rendered by the browser in this site's origin (sandboxed).
func (s *Server) apiEvidenceData(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessmentFor(r, ActionAssessRead)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return budget.Errorf(budget.ENOTFOUND, "no such file")
	}
	f, data, err := s.full.Store.EvidenceData(r.Context(), a.ID, fid)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.Type)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	return nil
}
