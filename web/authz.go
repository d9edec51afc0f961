package web

import (
	"context"
	"net/http"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
)

// Role is what an actor is allowed to be: the roles of signed-in users
// (package auth: admin, analyst, reviewer, submitter, council, public),
// and RoleLocal, whoever reaches the internal server without signing in
// (it listens on loopback only): it reads every phase and nothing of the
// review.
type Role string

const (
	RolePublic    Role = Role(auth.Public)
	RoleLocal     Role = "local"
	RoleAdmin     Role = Role(auth.Admin)
	RoleAnalyst   Role = Role(auth.Analyst)
	RoleReviewer  Role = Role(auth.Reviewer)
	RoleSubmitter Role = Role(auth.Submitter)
	RoleCouncil   Role = Role(auth.Council)
)

// Actor is who is asking. User is set when the actor signed in (a session);
// Department is a submitter's department code.
type Actor struct {
	ID         string // "" for an anonymous visitor
	Role       Role
	User       string
	Department string
}

// SignedIn reports whether the actor has a session.
func (a Actor) SignedIn() bool { return a.User != "" }

// Action is what a route does.
type Action string

const (
	// ActionRead reads released data: pages, API answers, downloads.
	ActionRead Action = "read"
	// ActionReadHeld reads phases that are not released: granting it
	// makes the request read the whole store instead of the public view.
	ActionReadHeld Action = "read_held"
	// ActionOperate is the health and readiness probes.
	ActionOperate Action = "operate"
	// ActionSession signs in and out, and says who is signed in.
	ActionSession Action = "session"

	// The review of budget requests (docs/assess.md).
	ActionAssessList     Action = "assess_list"     // list the assessments one may see
	ActionAssessRead     Action = "assess_read"     // read one
	ActionAssessCoverage Action = "assess_coverage" // coverage and agreement of a cycle
	ActionAssessHistory  Action = "assess_history"  // an assessment's audit entries
	ActionAssessEdit     Action = "assess_edit"     // PATCH at all (refined by the members patched)
	ActionAssessAnswer   Action = "assess_answer"   // answers
	ActionAssessAssign   Action = "assess_assign"   // reviewers and due date
	ActionAssessMove     Action = "assess_move"     // a workflow step at all (refined by the step)
	ActionAssessSubmit   Action = "assess_submit"   // submit
	ActionAssessReview   Action = "assess_review"   // start_review, return, reopen
	ActionAssessComplete Action = "assess_complete" // complete
	ActionAssessDecide   Action = "assess_decide"   // decide
	ActionAssessScore    Action = "assess_score"    // record one's scores
	ActionAssessComment  Action = "assess_comment"  // comment
)

func set(acts ...Action) map[Action]bool {
	m := map[Action]bool{}
	for _, a := range acts {
		m[a] = true
	}
	return m
}

var (
	everyone  = []Action{ActionRead, ActionOperate, ActionSession}
	internal  = append([]Action{ActionReadHeld}, everyone...)
	reviewing = append([]Action{ActionAssessList, ActionAssessRead}, internal...)
)

// grants lists what each role may do. Anything not listed is refused.
var grants = map[Role]map[Action]bool{
	RolePublic:    set(everyone...),
	RoleLocal:     set(internal...),
	RoleCouncil:   set(append([]Action{ActionAssessCoverage, ActionAssessHistory}, reviewing...)...),
	RoleSubmitter: set(append([]Action{ActionAssessEdit, ActionAssessAnswer, ActionAssessMove, ActionAssessSubmit, ActionAssessComment}, reviewing...)...),
	RoleReviewer:  set(append([]Action{ActionAssessMove, ActionAssessComplete, ActionAssessScore, ActionAssessComment}, reviewing...)...),
	RoleAnalyst: set(append([]Action{ActionAssessCoverage, ActionAssessHistory, ActionAssessEdit, ActionAssessAnswer, ActionAssessAssign,
		ActionAssessMove, ActionAssessSubmit, ActionAssessReview, ActionAssessComplete, ActionAssessDecide, ActionAssessScore, ActionAssessComment}, reviewing...)...),
}

func init() { grants[RoleAdmin] = grants[RoleAnalyst] }

// Object is what an action is taken on: the route, and for the review the
// assessment (nil for a listing, which the handler filters by Scope).
type Object struct {
	Route      string
	Assessment *assess.Assessment
}

// Authorize decides whether an actor may take an action on an object,
// deny by default: nil only when the actor's role is granted the action
// and, for an assessment, the actor may see it: a submitter her own
// department's only, a reviewer those she is assigned to (ENOTFOUND for
// the others, so that nobody learns what exists outside their part). An
// actor without a session is refused every action of the review.
func Authorize(a Actor, act Action, obj Object, phase *budget.PhaseKey) error {
	if !grants[a.Role][act] {
		return budget.Errorf(budget.EFORBIDDEN, "not allowed")
	}
	if x := obj.Assessment; x != nil {
		switch a.Role {
		case RoleSubmitter:
			if a.Department == "" || x.Department.Code != a.Department {
				return budget.Errorf(budget.ENOTFOUND, "no such assessment")
			}
		case RoleReviewer:
			if !x.HasReviewer(a.User) {
				return budget.Errorf(budget.ENOTFOUND, "no such assessment")
			}
		}
	}
	return nil
}

// Scope narrows a listing to what the actor may see.
func Scope(a Actor, f office.ListOptions) office.ListOptions {
	switch a.Role {
	case RoleSubmitter:
		f.Department = a.Department
	case RoleReviewer:
		f.Reviewer = a.User
	}
	return f
}

type actorKey struct{}

// identify sets the request's actor: the user of a valid session cookie
// (internal server only); else in public mode an anonymous public visitor,
// in internal mode the local user.
func (s *Server) identify(r *http.Request) *http.Request {
	a := Actor{Role: RoleLocal, ID: "local"}
	if s.opt.Public {
		a = Actor{Role: RolePublic}
	} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if u, err := s.full.SessionUser(r.Context(), c.Value); err == nil {
			a = Actor{ID: u.Name, User: u.Name, Role: Role(u.Role), Department: u.Department}
		}
	}
	return r.WithContext(context.WithValue(r.Context(), actorKey{}, a))
}

// actorOf returns the request's actor (a public visitor when none is set:
// deny by default).
func actorOf(r *http.Request) Actor {
	if a, ok := r.Context().Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Role: RolePublic}
}

// officeFor is the office a request reads: the whole store only for an
// actor allowed to read held phases, else the public view.
func (s *Server) officeFor(r *http.Request) *office.Office {
	if !s.opt.Public && Authorize(actorOf(r), ActionReadHeld, Object{}, nil) == nil {
		return s.full
	}
	return s.public
}
