package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC configures sign-in through a city's single sign-on (OpenID Connect,
// authorisation code flow). A user signs in when a budgetlens user is
// linked to the provider's "issuer|subject" (user add --oidc-subject); the
// role comes from budgetlens, never from the provider.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this server's /login/oidc/callback as the provider
	// knows it.
	RedirectURL string
}

// oidcState is the provider, discovered at the first sign-in (nothing is
// fetched at start).
type oidcState struct {
	mu       sync.Mutex
	provider *oidc.Provider
}

const oidcCookie = "budgetlens_oidc"

func (s *Server) oidcProvider(ctx context.Context) (*oidc.Provider, error) {
	s.oidc.mu.Lock()
	defer s.oidc.mu.Unlock()
	if s.oidc.provider != nil {
		return s.oidc.provider, nil
	}
	p, err := oidc.NewProvider(ctx, s.opt.OIDC.Issuer)
	if err != nil {
		return nil, budget.Errorf(budget.EINTERNAL, "the single sign-on provider %s cannot be reached: %w", s.opt.OIDC.Issuer, err)
	}
	s.oidc.provider = p
	return p, nil
}

func (s *Server) oauthConfig(p *oidc.Provider) *oauth2.Config {
	o := s.opt.OIDC
	return &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL, Endpoint: p.Endpoint(),
		Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// pageOIDCStart sends the browser to the provider with a fresh state and
// nonce, kept in a short-lived cookie with where to go afterwards.
func (s *Server) pageOIDCStart(w http.ResponseWriter, r *http.Request) error {
	if s.opt.OIDC == nil || s.opt.Public {
		return &httpError{status: http.StatusNotFound, detail: "single sign-on is not configured"}
	}
	p, err := s.oidcProvider(r.Context())
	if err != nil {
		return err
	}
	state, nonce := randomString(), randomString()
	next := safeNext(r.URL.Query().Get("next"))
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: url.Values{"s": {state}, "n": {nonce}, "next": {next}}.Encode(), Path: "/login/oidc",
		MaxAge: 600, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.oauthConfig(p).AuthCodeURL(state, oidc.Nonce(nonce)), http.StatusFound)
	return nil
}

// pageOIDCCallback checks the state, exchanges the code, verifies the ID
// token (signature, issuer, audience, expiry, nonce) and opens a session
// for the budgetlens user linked to its subject.
func (s *Server) pageOIDCCallback(w http.ResponseWriter, r *http.Request) error {
	if s.opt.OIDC == nil || s.opt.Public {
		return &httpError{status: http.StatusNotFound, detail: "single sign-on is not configured"}
	}
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return budget.Errorf(budget.EINVALID, "the sign-in took too long or did not start here: sign in again")
	}
	saved, _ := url.ParseQuery(c.Value)
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/login/oidc", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return budget.Errorf(budget.EFORBIDDEN, "the single sign-on provider refused: %s", e)
	}
	if q.Get("state") == "" || q.Get("state") != saved.Get("s") {
		return budget.Errorf(budget.EFORBIDDEN, "the sign-in answer does not match the sign-in started here: sign in again")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	p, err := s.oidcProvider(ctx)
	if err != nil {
		return err
	}
	tok, err := s.oauthConfig(p).Exchange(ctx, q.Get("code"))
	if err != nil {
		return budget.Errorf(budget.EFORBIDDEN, "the single sign-on code was refused: sign in again")
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: s.opt.OIDC.ClientID}).Verify(ctx, raw)
	if err != nil || idt.Nonce != saved.Get("n") {
		return budget.Errorf(budget.EFORBIDDEN, "the single sign-on answer could not be verified: sign in again")
	}
	subject := strings.TrimRight(idt.Issuer, "/") + "|" + idt.Subject
	u, err := s.full.Store.UserBySubject(ctx, subject)
	if err != nil || u.Disabled {
		return budget.Errorf(budget.EFORBIDDEN, "no budgetlens user is linked to this account (%s): an admin links one with budgetlens user add --oidc-subject '%s'", subject, subject)
	}
	token, err := s.full.OpenSession(ctx, u)
	if err != nil {
		return err
	}
	s.setSession(w, token)
	http.Redirect(w, r, safeNext(saved.Get("next")), http.StatusSeeOther)
	return nil
}
