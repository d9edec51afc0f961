package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestSecurityHeadersAndProblems(t *testing.T) {
	_, ts := newTestServer(t, true)
	resp, body := get(t, ts, "/methods")
	if resp.StatusCode != 200 {
		t.Fatalf("/methods %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if resp.Header.Get(h) != want {
			t.Errorf("%s = %q, want %q", h, resp.Header.Get(h), want)
		}
	}
	// no inline script or style in any page
	for _, bad := range []string{"<script>", "style=", "<style", "onclick=", "onload=", "javascript:"} {
		if strings.Contains(string(body), bad) {
			t.Errorf("/methods contains %q", bad)
		}
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	resp, _ = get(t, ts, "/healthz", "X-Request-Id", "abc-123")
	if resp.Header.Get("X-Request-Id") != "abc-123" {
		t.Errorf("request id not echoed: %q", resp.Header.Get("X-Request-Id"))
	}
	resp, _ = get(t, ts, "/healthz", "X-Request-Id", "bad id <script>")
	if id := resp.Header.Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " <>") {
		t.Errorf("a bad request id was not replaced: %q", id)
	}

	// problems
	resp, body = get(t, ts, "/api/nothing")
	var p Problem
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(body, &p) != nil || p.Status != 404 || p.Title == "" {
		t.Errorf("unknown API path: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(t, ts, "/api/budget/totals?by=galaxy")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "galaxy") {
		t.Errorf("bad level: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, ts, "/no/such/page")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("unknown page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// state-changing requests: cross-origin refused, same-origin has nothing to change
	req, _ := http.NewRequest("POST", ts.URL+"/api/phases", strings.NewReader("{}"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	r2, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", r2.StatusCode)
	}
	req, _ = http.NewRequest("POST", ts.URL+"/api/phases", strings.NewReader("{}"))
	r3, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("same-site POST: %d, want 405", r3.StatusCode)
	}
	// body limit
	req, _ = http.NewRequest("PUT", ts.URL+"/api/phases", strings.NewReader(strings.Repeat("x", 2<<20)))
	r4, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r4.Body.Close()
	if r4.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d, want 413", r4.StatusCode)
	}
}

func TestETagAndGzip(t *testing.T) {
	_, ts := newTestServer(t, true)
	resp, body := get(t, ts, "/api/layers")
	etag := resp.Header.Get("ETag")
	if etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-cache") {
		t.Fatalf("ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	resp, b2 := get(t, ts, "/api/layers", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(b2) != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", resp.StatusCode, len(b2))
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/layers", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	raw, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	if raw.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("no gzip: %q", raw.Header.Get("Content-Encoding"))
	}
	if len(body) == 0 {
		t.Error("empty body")
	}
}

func TestLanguages(t *testing.T) {
	_, ts := newTestServer(t, true)
	_, en := get(t, ts, "/methods")
	_, es := get(t, ts, "/methods?lang=es")
	_, es2 := get(t, ts, "/methods", "Accept-Language", "es-MX,es;q=0.9,en;q=0.5")
	if !contains(string(en), `<html lang="en">`, "Methods and sources") {
		t.Error("English page")
	}
	if !contains(string(es), `<html lang="es">`, "Métodos y fuentes") || !contains(string(es2), `<html lang="es">`) {
		t.Error("Spanish page")
	}
	// every key has both languages
	for k := range catalogue["en"] {
		if _, ok := catalogue["es"][k]; !ok {
			t.Errorf("no Spanish for %q", k)
		}
	}
	for k := range catalogue["es"] {
		if _, ok := catalogue["en"][k]; !ok {
			t.Errorf("no English for %q", k)
		}
	}
	en1, es1 := T{"en"}, T{"es"}
	if got := en1.Number(1234567.891, 2); got != "1,234,567.89" {
		t.Errorf("en number %q", got)
	}
	if got := es1.Number(1234567.891, 2); got != "1.234.567,89" {
		t.Errorf("es number %q", got)
	}
	if got := es1.Number(1234, 0); got != "1234" {
		t.Errorf("es four digits %q (CLDR es groups from five)", got)
	}
	if got := es1.Percent(0.195, 1); got != "19,5 %" {
		t.Errorf("es percent %q", got)
	}
}

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true, "0.0.0.0:8080": false, ":8080": false, "192.168.1.4:80": false, "example.org:80": false} {
		if err := CheckAddr(addr, false); (err == nil) != ok {
			t.Errorf("internal %s: %v", addr, err)
		}
		if err := CheckAddr(addr, true); err != nil {
			t.Errorf("public %s: %v", addr, err)
		}
	}
}

func TestAuthorizeDeniesByDefault(t *testing.T) {
	for _, c := range []struct {
		role Role
		act  Action
		ok   bool
	}{{RolePublic, ActionRead, true}, {RolePublic, ActionReadHeld, false}, {RoleLocal, ActionReadHeld, true}, {Role("mayor"), ActionRead, false}, {"", ActionRead, false}, {RoleLocal, Action("delete"), false}} {
		if err := Authorize(Actor{Role: c.role}, c.act, Object{}, nil); (err == nil) != c.ok {
			t.Errorf("%s %s: %v", c.role, c.act, err)
		}
	}
}
