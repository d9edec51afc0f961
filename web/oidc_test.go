package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/office"
	"github.com/oauth2-proxy/mockoidc"
)

// noFollow fetches one URL without following redirects, with cookies.
func noFollow(t *testing.T, u string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestOIDCLogin signs in through an in-process OpenID Connect provider
// (mockoidc): a linked account gets a session with its budgetlens role; a
// forged state, an unlinked account and a replayed callback are refused.
func TestOIDCLogin(t *testing.T) {
	reviewSetup(t)
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	cfg := m.Config()
	sso := &OIDC{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}
	s, err := New(Options{Office: demo.off, Reps: 19, NoWarm: true, OIDC: sso})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	sso.RedirectURL = ts.URL + "/login/oidc/callback"
	subject := strings.TrimRight(cfg.Issuer, "/") + "|" + mockoidc.DefaultUser().Subject
	if _, err := demo.off.AddUser(context.Background(), office.UserOptions{Name: "jane", Role: "council", Subject: subject, By: "test"}); err != nil {
		t.Fatal(err)
	}
	signIn := func(user mockoidc.User, tamper bool) (*http.Response, string) {
		t.Helper()
		if user != nil {
			m.QueueUser(user)
		}
		resp, _ := noFollow(t, ts.URL+"/login/oidc?next=/review")
		state := cookieNamed(resp, oidcCookie)
		if resp.StatusCode != 302 || state == nil || !state.Secure || !state.HttpOnly {
			t.Fatalf("start: %d %v", resp.StatusCode, state)
		}
		resp, _ = noFollow(t, resp.Header.Get("Location"))
		back := resp.Header.Get("Location")
		if resp.StatusCode != 302 || !strings.HasPrefix(back, sso.RedirectURL) {
			t.Fatalf("provider: %d %s", resp.StatusCode, back)
		}
		if tamper {
			back = strings.Replace(back, "state=", "state=x", 1)
		}
		return noFollow(t, back, state)
	}
	resp, body := signIn(nil, false)
	session := cookieNamed(resp, sessionCookie)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/review" || session == nil {
		t.Fatalf("callback: %d %s %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	r, b := call(t, ts, "GET", "/api/session", session.Value, nil)
	if r.StatusCode != 200 || !strings.Contains(string(b), `"user":"jane"`) || !strings.Contains(string(b), `"role":"council"`) {
		t.Fatalf("whoami after single sign-on: %d %s", r.StatusCode, b)
	}
	if resp, _ := signIn(nil, true); resp.StatusCode != 403 || cookieNamed(resp, sessionCookie) != nil {
		t.Fatalf("forged state: %d", resp.StatusCode)
	}
	stranger := &mockoidc.MockUser{Subject: "999", Email: "someone@example.com"}
	if resp, body := signIn(stranger, false); resp.StatusCode != 403 || !strings.Contains(body, "no budgetlens user is linked") {
		t.Fatalf("unlinked account: %d %.300s", resp.StatusCode, body)
	}
	// without the state cookie (a replayed or foreign callback)
	if resp, _ := noFollow(t, ts.URL+"/login/oidc/callback?code=abc&state=def"); resp.StatusCode != 400 {
		t.Fatalf("callback without its cookie: %d", resp.StatusCode)
	}
	// a server without single sign-on has none
	_, plain := newTestServer(t, false)
	if resp, _ := noFollow(t, plain.URL+"/login/oidc"); resp.StatusCode != 404 {
		t.Fatalf("not configured: %d", resp.StatusCode)
	}
}
