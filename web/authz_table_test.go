package web

import (
	"net/http"
	"strings"
	"testing"
)

// everyRole lists the roles Authorize knows, and the empty role.
var everyRole = []Role{RolePublic, RoleLocal, RoleAdmin, RoleAnalyst, RoleReviewer, RoleSubmitter, RoleCouncil, ""}

// allowed is the table of who may reach each endpoint (its route-level
// rule; object rules are tested in review_test.go). Every route the server
// registers must be here: a new endpoint without a rule fails the test.
func allowed() map[string][]Role {
	anyone := []Role{RolePublic, RoleLocal, RoleAdmin, RoleAnalyst, RoleReviewer, RoleSubmitter, RoleCouncil}
	review := []Role{RoleAdmin, RoleAnalyst, RoleReviewer, RoleSubmitter, RoleCouncil}
	office := []Role{RoleAdmin, RoleAnalyst, RoleCouncil}
	t := map[string][]Role{
		"POST /api/session": anyone, "GET /api/session": anyone, "DELETE /api/session": anyone,
		"GET /api/assessments":                               review,
		"GET /api/assessments/{id}":                          review,
		"GET /api/assessments/coverage":                      office,
		"GET /api/assessments/agreement":                     office,
		"GET /api/assessments/{id}/history":                  office,
		"PATCH /api/assessments/{id}":                        {RoleAdmin, RoleAnalyst, RoleSubmitter},
		"POST /api/assessments/{id}/transition":              {RoleAdmin, RoleAnalyst, RoleReviewer, RoleSubmitter},
		"POST /api/assessments/{id}/scores":                  {RoleAdmin, RoleAnalyst, RoleReviewer},
		"POST /api/assessments/{id}/comments":                {RoleAdmin, RoleAnalyst, RoleReviewer, RoleSubmitter},
		"GET /api/layers/{layer}/areas/{id}":                 anyone,
		"GET /api/need-runs/{id}/areas/{area}":               anyone,
		"GET /api/capital/plans/{plan}/scenarios/{scenario}": anyone,
		"GET /login": anyone, "POST /login": anyone, "POST /logout": anyone, "POST /api/assessments/{id}/evidence": {RoleAdmin, RoleAnalyst, RoleSubmitter}, "POST /review/{id}/evidence": {RoleAdmin, RoleAnalyst, RoleSubmitter},
		"GET /api/assessments/{id}/evidence": review, "GET /api/assessments/{id}/evidence/{file}": review, "GET /login/oidc": anyone, "GET /login/oidc/callback": anyone,
		"GET /review": review, "GET /review/{id}": review, "POST /review/{id}": review,
	}
	for _, k := range []string{"/healthz", "/readyz", "/api/openapi.json", "/api/phases", "/api/overview", "/api/analysis", "/api/budget/totals",
		"/api/budget/line-items", "/api/budget/explorer", "/api/requests", "/api/layers", "/api/layers/{layer}/areas", "/api/need-runs",
		"/api/need-runs/{id}/areas", "/api/services", "/api/sources", "/api/search", "/api/capital/plans", "/api/capital/plans/{plan}/projects",
		"/api/capital/plans/{plan}/analysis", "/api/capital/plans/{plan}/areas", "/api/capital/plans/{plan}/scenarios",
		"/api/measures", "/api/measures/areas", "/api/measures/gaps", "/api/measures/tiers", "/api/measures/scores", "/api/measures/programs", "/measures",
		"/{$}", "/capital", "/map", "/budget", "/requests", "/methods", "/areas/{layer}/{id}", "/static/{path...}", "/favicon.ico"} {
		t["GET "+k] = anyone
	}
	return t
}

// TestAuthorizeTable checks Authorize for every role and every registered
// endpoint against the table above, and over HTTP that a refused actor
// without a session gets 401 and a signed-in one 403.
func TestAuthorizeTable(t *testing.T) {
	s, _ := newTestServer(t, false)
	table := allowed()
	seen := map[string]bool{}
	for _, rt := range s.routes {
		key := rt.key()
		seen[key] = true
		want, ok := table[key]
		if !ok {
			t.Errorf("endpoint %s has no row in the authorisation table: add one", key)
			continue
		}
		for _, role := range everyRole {
			ok := false
			for _, r := range want {
				ok = ok || r == role
			}
			err := Authorize(Actor{Role: role, User: "someone"}, rt.action, Object{Route: key}, nil)
			if (err == nil) != ok {
				t.Errorf("%s as %q: allowed %v, table says %v", key, role, err == nil, ok)
			}
		}
	}
	for k := range table {
		if !seen[k] {
			t.Errorf("the table names %s, which the server does not register", k)
		}
	}
}

// TestReviewNeedsSession: every review endpoint refuses a request without
// a session (401), pages send to the sign-in page.
func TestReviewNeedsSession(t *testing.T) {
	s, ts := newTestServer(t, false)
	for _, rt := range s.routes {
		if grants[RoleLocal][rt.action] {
			continue
		}
		path := strings.NewReplacer("{id}", "1").Replace(rt.pattern)
		req, _ := http.NewRequest(rt.method, ts.URL+path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		c := *ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusUnauthorized
		if rt.page {
			want = http.StatusSeeOther
		}
		if resp.StatusCode != want {
			t.Errorf("%s %s without a session: %d, want %d", rt.method, path, resp.StatusCode, want)
		}
	}
}
