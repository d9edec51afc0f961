package web

import (
	"context"
	"net/http"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
)

// Role is what an actor is allowed to be. Until the review workflow brings
// logins there are two: RolePublic (anyone on the public server) and
// RoleLocal (whoever reaches the internal server, which listens on loopback
// only). The review workflow adds admin, analyst, reviewer, submitter and
// council, and sets them from a session in identify.
type Role string

const (
	RolePublic Role = "public"
	RoleLocal  Role = "local"
)

// Actor is who is asking.
type Actor struct {
	ID   string // "" for an anonymous visitor
	Role Role
}

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
)

// grants lists what each role may do. Anything not listed is refused.
var grants = map[Role]map[Action]bool{
	RolePublic: {ActionRead: true, ActionOperate: true},
	RoleLocal:  {ActionRead: true, ActionReadHeld: true, ActionOperate: true},
}

// Authorize decides whether an actor may take an action, deny by default:
// nil only when the actor's role is granted the action. The object and
// phase are not consulted yet (every granted read covers every object); the
// review workflow refines this one function with them (a submitter reads
// her own department's assessments), never the handlers.
func Authorize(a Actor, act Action, object string, phase *budget.PhaseKey) error {
	if grants[a.Role][act] {
		return nil
	}
	return budget.Errorf(budget.EFORBIDDEN, "not allowed")
}

type actorKey struct{}

// identify sets the request's actor: in public mode an anonymous public
// visitor; in internal mode the local user. Sessions and logins replace
// this one function.
func (s *Server) identify(r *http.Request) *http.Request {
	a := Actor{Role: RoleLocal, ID: "local"}
	if s.opt.Public {
		a = Actor{Role: RolePublic}
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
	if !s.opt.Public && Authorize(actorOf(r), ActionReadHeld, "", nil) == nil {
		return s.full
	}
	return s.public
}
