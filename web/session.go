package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/budgetlens/budgetlens/auth"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
)

// sessionCookie names the session cookie: Secure, HttpOnly, SameSite=Lax,
// Path=/; it holds a random token whose hash alone is stored.
const sessionCookie = "budgetlens_session"

// Login is the body of POST /api/session.
type Login struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// Me is who is signed in.
type Me struct {
	User       string `json:"user"`
	Role       string `json:"role"`
	Department string `json:"department,omitempty"`
}

// limiters bound failed logins per user name and per client address
// (auth.Limiter): 5 failures per user name and 20 per address in 15
// minutes.
type limiters struct {
	byUser, byAddr *auth.Limiter
}

func newLimiters() *limiters {
	return &limiters{byUser: auth.NewLimiter(5, 15*time.Minute), byAddr: auth.NewLimiter(20, 15*time.Minute)}
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// decodeBody reads a JSON request body into v, refusing unknown members
// and a content type other than JSON.
func decodeBody(r *http.Request, v any, types ...string) error {
	ct := r.Header.Get("Content-Type")
	ok := false
	for _, t := range append(types, "application/json") {
		ok = ok || ct == t || len(ct) > len(t) && ct[:len(t)+1] == t+";"
	}
	if !ok {
		return &httpError{status: http.StatusUnsupportedMediaType, detail: fmt.Sprintf("send the body as %s", append(types, "application/json")[0])}
	}
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return budget.Errorf(budget.EINVALID, "the request body does not fit: %v", err)
	}
	return nil
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) error {
	if s.opt.Public {
		return budget.Errorf(budget.EFORBIDDEN, "the public server has no sign-in: the review of budget requests is on the internal server")
	}
	var in Login
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	addr := clientAddr(r)
	for _, l := range []struct {
		lim *auth.Limiter
		key string
	}{{s.logins.byUser, in.User}, {s.logins.byAddr, addr}} {
		if ok, wait := l.lim.Allow(l.key); !ok {
			w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
			return &httpError{status: http.StatusTooManyRequests, detail: "too many failed sign-ins: try again later"}
		}
	}
	tok, u, err := s.full.Login(r.Context(), in.User, in.Password)
	if err == office.ErrLogin {
		s.logins.byUser.Fail(in.User)
		s.logins.byAddr.Fail(addr)
		return &httpError{status: http.StatusUnauthorized, detail: err.Error()}
	}
	if err != nil {
		return err
	}
	s.logins.byUser.Succeed(in.User)
	s.setSession(w, tok)
	return s.sendPrivate(w, http.StatusOK, Me{User: u.Name, Role: string(u.Role), Department: u.Department})
}

func (s *Server) setSession(w http.ResponseWriter, tok string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", MaxAge: int(office.SessionLength.Seconds()),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	if !a.SignedIn() {
		return &httpError{status: http.StatusUnauthorized, detail: "not signed in"}
	}
	return s.sendPrivate(w, http.StatusOK, Me{User: a.User, Role: string(a.Role), Department: a.Department})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && !s.opt.Public {
		if err := s.full.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sendPrivate writes v as JSON for the signed-in actor alone (never
// cached).
func (s *Server) sendPrivate(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
	return nil
}
