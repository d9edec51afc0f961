package office

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/mergepatch"
	"github.com/budgetlens/budgetlens/store"
)

// AssessmentView is an assessment with its template's questions, its
// score (mean of its reviews; null before any) and the automatic checks
// when they were asked for.
type AssessmentView struct {
	assess.Assessment
	TemplateTitle string            `json:"template_title"`
	Questions     []assess.Question `json:"questions"`
	Score         *float64          `json:"score"`
	Checks        []Check           `json:"checks,omitempty"`
}

// Assessment returns one assessment with its questions and score.
func (o *Office) Assessment(ctx context.Context, id int64) (*AssessmentView, error) {
	a, err := o.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	return o.viewOf(a)
}

func (o *Office) viewOf(a assess.Assessment) (*AssessmentView, error) {
	t, err := o.Template(a.Template, a.TemplateVersion)
	if err != nil {
		return nil, err
	}
	v := &AssessmentView{Assessment: a, TemplateTitle: t.Title, Questions: t.Questions()}
	if sc := assess.AssessmentScore(t, a); sc == sc { // not NaN
		r := float64(int64(sc*10+0.5)) / 10
		v.Score = &r
	}
	if v.Reviewers == nil {
		v.Reviewers = []string{}
	}
	if v.Reviews == nil {
		v.Reviews = []assess.Review{}
	}
	if v.Comments == nil {
		v.Comments = []assess.Comment{}
	}
	return v, nil
}

// Patchable are the members of an assessment a merge patch may change:
// the answers (while it is a draft), the reviewers and the due date. The
// workflow moves by Transition, scores by Score, comments by Comment.
var Patchable = []string{"answers", "reviewers", "due"}

// PatchFields lists the top-level members a merge patch sets, refusing a
// patch that is not a JSON object or names a member that cannot be patched.
func PatchFields(patch []byte) ([]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(patch, &m); err != nil || m == nil {
		return nil, budget.Errorf(budget.EINVALID, "a merge patch is a JSON object such as {\"answers\": {\"purpose\": \"...\"}}")
	}
	var out []string
	for k := range m {
		ok := false
		for _, p := range Patchable {
			ok = ok || k == p
		}
		if !ok {
			return nil, budget.Errorf(budget.EINVALID, "%q cannot be patched: patch %s; the status moves by POST .../transition, scores by POST .../scores, comments by POST .../comments", k, strings.Join(Patchable, ", "))
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// PatchOptions change an assessment by a JSON merge patch (RFC 7396).
type PatchOptions struct {
	ID      int64
	Version int64 // the version the change was made on
	Patch   []byte
	By      string
}

type patchDoc struct {
	Answers   map[string]any `json:"answers"`
	Reviewers []string       `json:"reviewers"`
	Due       string         `json:"due"`
}

// Patch applies a merge patch to the assessment's patchable members
// (answers, reviewers, due) and stores it as the next version. Answers are
// checked against the template and change only while the assessment is a
// draft; a stale Version is ECONFLICT and changes nothing.
func (o *Office) Patch(ctx context.Context, opt PatchOptions) (*AssessmentView, error) {
	fields, err := PatchFields(opt.Patch)
	if err != nil {
		return nil, err
	}
	a, t, err := o.forChange(ctx, opt.ID, opt.Version)
	if err != nil {
		return nil, err
	}
	cur, _ := json.Marshal(patchDoc{Answers: a.Answers, Reviewers: a.Reviewers, Due: a.Due})
	merged, err := mergepatch.Apply(cur, opt.Patch)
	if err != nil {
		return nil, err
	}
	var d patchDoc
	dec := json.NewDecoder(bytes.NewReader(merged))
	if err := dec.Decode(&d); err != nil {
		return nil, budget.Errorf(budget.EINVALID, "the patched assessment does not fit: %v (answers is an object, reviewers a list of user names, due a date)", err)
	}
	for _, f := range fields {
		switch f {
		case "answers":
			if a.Status != assess.Draft {
				return nil, budget.Errorf(budget.ECONFLICT, "assessment %d is %s: answers change while it is a draft (an analyst can return it to the department)", a.ID, a.Status)
			}
			for k, v := range d.Answers { // null removes an answer
				if v == nil {
					delete(d.Answers, k)
				}
			}
			if err := t.CheckAnswers(d.Answers); err != nil {
				return nil, err
			}
			a.Answers = d.Answers
		case "reviewers":
			if err := o.checkReviewers(ctx, d.Reviewers); err != nil {
				return nil, err
			}
			a.Reviewers = d.Reviewers
		case "due":
			if d.Due != "" && !validDate(d.Due) {
				return nil, budget.Errorf(budget.EINVALID, "due %q: give a date as YYYY-MM-DD", d.Due)
			}
			a.Due = d.Due
		}
	}
	return o.save(ctx, a, "patch "+strings.Join(fields, ","), opt.By)
}

func (o *Office) checkReviewers(ctx context.Context, names []string) error {
	if len(names) > 5 {
		return budget.Errorf(budget.EINVALID, "at most 5 reviewers")
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return budget.Errorf(budget.EINVALID, "reviewer %s is named twice", n)
		}
		seen[n] = true
		u, err := o.Store.User(ctx, n)
		if err != nil {
			return budget.Errorf(budget.EINVALID, "reviewer %q is not a user (add one with budgetlens user add)", n)
		}
		if u.Role != "reviewer" && u.Role != "analyst" && u.Role != "admin" {
			return budget.Errorf(budget.EINVALID, "%s is a %s: reviewers are users with role reviewer, analyst or admin", n, u.Role)
		}
	}
	return nil
}

// forChange reads an assessment for a change made on version: a stale
// version is ECONFLICT, a locked cycle ECONFLICT.
func (o *Office) forChange(ctx context.Context, id, version int64) (assess.Assessment, *assess.Template, error) {
	a, err := o.Store.Assessment(ctx, id)
	if err != nil {
		return a, nil, err
	}
	if version != 0 && a.Version != version {
		return a, nil, budget.Errorf(budget.ECONFLICT, "assessment %d is at version %d, not %d: it changed since it was read", id, a.Version, version)
	}
	k := budget.PhaseKey{Jurisdiction: a.Jurisdiction, FiscalYear: budget.FiscalYear{Start: a.FYStart, StartMonth: 7}, Phase: a.Phase}
	if err := o.notLocked(ctx, k); err != nil {
		return a, nil, err
	}
	t, err := o.Template(a.Template, a.TemplateVersion)
	return a, t, err
}

func (o *Office) save(ctx context.Context, a assess.Assessment, action, by string) (*AssessmentView, error) {
	if strings.TrimSpace(by) == "" {
		return nil, budget.Errorf(budget.EINVALID, "a change must say who makes it")
	}
	stored, err := o.Store.UpdateAssessment(ctx, a, action, by)
	if err != nil {
		return nil, err
	}
	return o.viewOf(stored)
}

// TransitionOptions move an assessment through the workflow.
type TransitionOptions struct {
	ID       int64
	Version  int64 // 0: the current version
	Action   string
	Decision string // for decide
	Comment  string // kept with the change (required to return)
	By       string
}

// Transition applies a workflow action (assess.Apply) and stores the next
// version, with the comment if one is given.
func (o *Office) Transition(ctx context.Context, opt TransitionOptions) (*AssessmentView, error) {
	act, err := assess.ParseAction(opt.Action)
	if err != nil {
		return nil, err
	}
	a, t, err := o.forChange(ctx, opt.ID, opt.Version)
	if err != nil {
		return nil, err
	}
	if act == assess.Return && strings.TrimSpace(opt.Comment) == "" {
		return nil, budget.Errorf(budget.EINVALID, "say why the assessment goes back to the department (a comment)")
	}
	if err := assess.Apply(&a, t, act, assess.Decision(opt.Decision)); err != nil {
		return nil, err
	}
	if c := strings.TrimSpace(opt.Comment); c != "" {
		a.Comments = append(a.Comments, assess.Comment{Author: opt.By, At: time.Now().UTC().Truncate(time.Second), Text: c})
	}
	return o.save(ctx, a, string(act), opt.By)
}

// ScoreOptions record one reviewer's rubric levels.
type ScoreOptions struct {
	ID       int64
	Version  int64
	Reviewer string
	Scores   map[string]int
}

// Score records (or replaces) the reviewer's scores of an assessment in
// review. Each score is a level of its question's rubric; questions
// without a weight are not scored.
func (o *Office) Score(ctx context.Context, opt ScoreOptions) (*AssessmentView, error) {
	a, t, err := o.forChange(ctx, opt.ID, opt.Version)
	if err != nil {
		return nil, err
	}
	if a.Status != assess.InReview {
		return nil, budget.Errorf(budget.ECONFLICT, "assessment %d is %s: it is scored while in review", a.ID, a.Status)
	}
	for q, s := range opt.Scores {
		qq, ok := t.Question(q)
		if !ok || qq.Weight == 0 {
			return nil, budget.Errorf(budget.EINVALID, "scores.%s: not a scored question of %s", q, assess.Ref(t.ID, t.Version))
		}
		if s < 0 || s >= len(qq.Rubric) {
			return nil, budget.Errorf(budget.EINVALID, "scores.%s: %d is not a rubric level (0 to %d)", q, s, len(qq.Rubric)-1)
		}
	}
	r := assess.Review{Reviewer: opt.Reviewer, Scores: opt.Scores, At: time.Now().UTC().Truncate(time.Second)}
	replaced := false
	for i := range a.Reviews {
		if a.Reviews[i].Reviewer == opt.Reviewer {
			a.Reviews[i], replaced = r, true
		}
	}
	if !replaced {
		a.Reviews = append(a.Reviews, r)
	}
	return o.save(ctx, a, "score", opt.Reviewer)
}

// Comment adds a comment. A comment never conflicts with another change,
// so it is retried on the latest version until it lands.
func (o *Office) Comment(ctx context.Context, id int64, by, text string) (*AssessmentView, error) {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > assess.MaxAnswer {
		return nil, budget.Errorf(budget.EINVALID, "a comment has 1 to %d bytes", assess.MaxAnswer)
	}
	for try := 0; ; try++ {
		a, _, err := o.forChange(ctx, id, 0)
		if err != nil {
			return nil, err
		}
		a.Comments = append(a.Comments, assess.Comment{Author: by, At: time.Now().UTC().Truncate(time.Second), Text: text})
		v, err := o.save(ctx, a, "comment", by)
		if budget.ErrorCode(err) != budget.ECONFLICT || try == 20 {
			return v, err
		}
	}
}

// Change is one stored change of an assessment since a version: who, when,
// what action, the version it made and the members it changed.
type Change struct {
	Version int64     `json:"version"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	Fields  []string  `json:"fields"`
}

// ChangesSince lists the changes of an assessment after version, from the
// audit log: what a writer with a stale version missed.
func (o *Office) ChangesSince(ctx context.Context, id, version int64) ([]Change, error) {
	log, err := o.Store.AuditLog(ctx, store.AuditFilter{Object: fmt.Sprintf("assessment/%d", id)})
	if err != nil {
		return nil, err
	}
	out := []Change{}
	for _, e := range log {
		var before, after map[string]json.RawMessage
		json.Unmarshal(e.Before, &before)
		json.Unmarshal(e.After, &after)
		var v int64
		json.Unmarshal(after["version"], &v)
		if v <= version {
			continue
		}
		c := Change{Version: v, By: e.Actor, At: e.At, Action: e.Action, Fields: []string{}}
		for k, a := range after {
			if k != "version" && k != "updated" && !bytes.Equal(compactJSON(a), compactJSON(before[k])) {
				c.Fields = append(c.Fields, k)
			}
		}
		sort.Strings(c.Fields)
		out = append(out, c)
	}
	return out, nil
}

func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}

// AttachEvidence stores an uploaded file of an assessment after checking
// its type and size (assess.EvidenceType). A decided assessment or a
// locked cycle takes no more evidence (ECONFLICT).
func (o *Office) AttachEvidence(ctx context.Context, id int64, name string, data []byte, by string) (assess.File, error) {
	a, _, err := o.forChange(ctx, id, 0)
	if err != nil {
		return assess.File{}, err
	}
	if a.Status == assess.Decided {
		return assess.File{}, budget.Errorf(budget.ECONFLICT, "assessment %d is decided: reopen it to add evidence", id)
	}
	typ, err := assess.EvidenceType(name, data)
	if err != nil {
		return assess.File{}, err
	}
	return o.Store.AddEvidence(ctx, assess.File{Assessment: id, Name: name, Type: typ}, data, by)
}
