package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// openAPIRouter checks that the document says OpenAPI 3.1.x, validates it
// with kin-openapi (as 3.1, its schemas as JSON Schema 2020-12) and returns
// a router over it.
func openAPIRouter(t *testing.T, body []byte) (*openapi3.T, routers.Router) {
	t.Helper()
	var head struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(body, &head); err != nil || !strings.HasPrefix(head.OpenAPI, "3.1.") {
		t.Fatalf(`"openapi" is %q (%v), want 3.1.x`, head.OpenAPI, err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: "http://localhost/"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// validate checks one answer against the document.
func validate(t *testing.T, router routers.Router, path string, resp *http.Response, body []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://localhost"+path, nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s: not in the document: %v", path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("%s: the request does not match the document: %v", path, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		msg := err.Error()
		if len(msg) > 600 {
			msg = msg[:600] + "…"
		}
		t.Errorf("%s: the answer (%d %s) does not match the document: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), msg)
	}
}

func TestOpenAPIDocumentAndAnswers(t *testing.T) {
	_, ts := newTestServer(t, false)
	resp, body := get(t, ts, "/api/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	doc, router := openAPIRouter(t, body)
	paths := concretePaths(t, func(p string) []byte { _, b := get(t, ts, p); return b }, doc)
	if len(paths) < 25 {
		t.Fatalf("only %d paths to check: %v", len(paths), paths)
	}
	for _, p := range paths {
		resp, b := get(t, ts, p)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %s", p, resp.StatusCode, b)
			continue
		}
		validate(t, router, p, resp, b)
	}
	// errors are documented too
	for _, p := range []string{"/api/budget/totals?fy=1999-00", "/api/layers/nowhere/areas", "/api/budget/line-items?limit=0", "/api/analysis?fy=abc"} {
		resp, b := get(t, ts, p)
		if resp.StatusCode < 400 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want a problem", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		validate(t, router, p, resp, b)
	}
}

// concretePaths turns every documented path into requests: every path
// without parameters as it is (it must answer 200), and with each table
// format; paths with parameters filled with real values.
func concretePaths(t *testing.T, fetch func(string) []byte, doc *openapi3.T) []string {
	t.Helper()
	var out []string
	firstRow := func(p, field string) string {
		var page struct {
			Rows []map[string]any `json:"rows"`
		}
		json.Unmarshal(fetch(p), &page)
		if len(page.Rows) == 0 {
			t.Fatalf("%s has no rows", p)
		}
		return strings.TrimSpace(strings.Trim(jsonString(page.Rows[0][field]), `"`))
	}
	run := firstRow("/api/need-runs", "id")
	for _, p := range doc.Paths.InMatchingOrder() {
		op := doc.Paths.Value(p).Get
		if op == nil || len(op.Tags) > 0 && op.Tags[0] == "review" {
			continue // the review needs a session: see review_test.go
		}
		concrete := strings.NewReplacer("{layer}", "council_districts", "{id}", "1", "{area}", "", "{plan}", "ladot-grant-requests-2016", "{scenario}", "match-10m").Replace(p)
		if strings.Contains(p, "need-runs/{id}") {
			concrete = strings.NewReplacer("{id}", run, "{area}", url.PathEscape(firstRow("/api/need-runs/"+run+"/areas", "area_id"))).Replace(p)
		}
		out = append(out, concrete)
		for _, f := range []string{"csv", "xlsx", "geojson"} {
			if op.Responses.Status(200) != nil {
				if c := op.Responses.Status(200).Value.Content; c != nil && hasFormat(c, f) {
					out = append(out, concrete+sep(concrete)+"format="+f)
				}
			}
		}
	}
	out = append(out, "/api/layers/neighborhood_councils/areas?format=geojson&zoom=12", "/api/layers/tracts/areas", "/api/budget/line-items?sort=-amount&limit=5",
		"/api/budget/explorer?department=82&compare=proposed", "/api/requests?sort=change&limit=3", "/api/search?q=venice", "/api/budget/totals?by=program&fy=2021-22&phase=proposed")
	return out
}

func sep(p string) string {
	if strings.Contains(p, "?") {
		return "&"
	}
	return "?"
}

func hasFormat(c openapi3.Content, f string) bool {
	want := map[string]string{"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "geojson": "application/geo+json"}[f]
	return c.Get(want) != nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(bytes.Trim(b, `"`))
}
