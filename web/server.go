// Package web is budgetlens' server: a JSON API described by an OpenAPI 3.1
// document, and a dashboard of server-rendered pages for analysts, council
// and the public. It holds no analysis of its own: every figure comes from
// package office, the same functions the CLI calls.
//
// Two modes. Public (Options.Public): read-only, and every request reads
// through office.Public, the public view of the store in which a phase that
// is not released does not exist (see store/embargo): the embargo is
// enforced there, below every handler, not by the handlers. Internal: every
// phase, held or released, with its state shown; until logins exist it may
// listen on loopback only (the CLI refuses any other address).
//
// Extension points (see docs/web.md): who is asking is an Actor set by one
// middleware (identify); what an actor may do is one deny-by-default
// function (Authorize) consulted for every route, which also decides whether
// the actor reads the public view or the whole store; routes and their API
// documentation are registered together (routes.go), so a new page or
// endpoint is one line there plus its handler.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/office"
)

// Options configure a server.
type Options struct {
	// Office is the budget office over the store (the whole store; the
	// server derives the public view itself).
	Office *office.Office
	// Public serves released phases only, read-only.
	Public bool
	// Logger receives one structured line per request (default: discard).
	Logger *slog.Logger
	// TileURL, when set, is a base-map tile template
	// ("https://tiles.example.org/{z}/{x}/{y}.png") drawn under the
	// areas; with none the map shows the areas alone. TileAttribution is
	// its credit line.
	TileURL, TileAttribution string
	// RequestTimeout bounds each request's work (default 30 s).
	RequestTimeout time.Duration
	// MaxBodyBytes bounds a request body (default 1 MiB).
	MaxBodyBytes int64
	// Reps are the bootstrap replicates of the analyses the server computes
	// (default 999, as the report).
	Reps int
	// NoWarm skips computing the default analyses at start (tests).
	NoWarm bool
	// OIDC, when set, offers sign-in through single sign-on (internal
	// server only).
	OIDC *OIDC
}

// Server is the budgetlens HTTP server.
type Server struct {
	opt     Options
	full    *office.Office // every phase (internal actors)
	public  *office.Office // released phases only
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []*route
	cache   *cache
	answers *respCache
	pages   *pages
	handler http.Handler
	logins  *limiters
	oidc    oidcState

	readyMu sync.Mutex
	ready   bool
	warmErr error
}

// New builds a server. It does not listen; use Handler with an
// http.Server (see Serve).
func New(opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.RequestTimeout == 0 {
		opt.RequestTimeout = 30 * time.Second
	}
	if opt.MaxBodyBytes == 0 {
		opt.MaxBodyBytes = 1 << 20
	}
	if opt.Reps == 0 {
		opt.Reps = 999
	}
	s := &Server{opt: opt, full: opt.Office, public: opt.Office.Public(), log: opt.Logger, mux: http.NewServeMux(), cache: newCache(), answers: newRespCache(), logins: newLimiters()}
	var err error
	if s.pages, err = newPages(); err != nil {
		return nil, err
	}
	s.register()
	s.handler = s.middleware(s.mux)
	if opt.NoWarm {
		s.setReady(nil)
	}
	return s, nil
}

// Handler is the server's http.Handler with every middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// Warm computes the analyses the first pages need (the default phase on
// every reporting layer, and the overview's phases), so that the first
// visitor does not wait; /readyz answers 503 until it is done.
func (s *Server) Warm(ctx context.Context) {
	err := s.warm(ctx)
	if err != nil {
		s.log.Error("warm-up failed", "err", err)
	}
	s.setReady(err)
}

func (s *Server) setReady(err error) {
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	s.ready, s.warmErr = true, err
}

func (s *Server) isReady() (bool, error) {
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	return s.ready, s.warmErr
}
