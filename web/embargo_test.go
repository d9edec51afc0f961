package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
)

// The embargo test of issue 10: after `phase hold --fy 2021-22 --phase
// proposed`, the public server answers no page, API answer, download or
// header that contains a proposed-only figure, and a request for the held
// phase answers exactly as one for a phase that never existed; `phase
// release` brings the figures back. The public server is crawled in both
// states: every page and the links on it, every API path of the OpenAPI
// document in every format, and the held phase asked for by name.

var fy21 = budget.FiscalYear{Start: 2021, StartMonth: 7}

// proposedOnly lists figures of the FY2021-22 proposed budget, as the API,
// the CSV and the XLSX write them, that are no figure of another phase:
// the phase total, department and program totals, the requests' proposed
// changes and the proposed analysis' placed dollars, each at least
// $100,000 and different from every amount of every other phase.
func proposedOnly(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	s := demo.store
	other := map[int64]bool{}
	cands := map[int64]bool{}
	sl, err := s.FiscalYearsPhases(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range sl {
		fy := x.FiscalYear
		f := budget.Filter{FiscalYear: &fy, Phase: x.Phase, Kind: budget.Expenditure}
		isP := fy.Start == 2021 && x.Phase == budget.Proposed
		add := func(c int64) {
			if isP {
				cands[c] = true
			} else {
				other[c] = true
			}
		}
		tot, err := s.PhaseTotal(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		add(tot)
		for _, lvl := range []budget.Level{budget.LevelDepartment, budget.LevelProgram} {
			ts, err := s.Totals(ctx, f, lvl)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range ts {
				add(x.AmountCents)
			}
		}
		items, err := s.LineItems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range items {
			if !isP {
				other[l.AmountCents] = true
			}
		}
	}
	reqs, err := s.Requests(ctx, budget.Filter{FiscalYear: &fy21})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		if r.AdoptedCents != nil {
			other[*r.AdoptedCents] = true
		}
		if r.ProposedCents != nil {
			cands[*r.ProposedCents] = true
		}
	}
	a, err := demo.off.Analyze(ctx, office.AnalyzeOptions{FiscalYear: "2021-22", Phase: "proposed", Tiers: 5})
	if err != nil {
		t.Fatal(err)
	}
	cands[int64(a.Result.Totals.Attributed)] = true
	var out []string
	for c := range cands {
		if other[c] || c < 10_000_000 && c > -10_000_000 {
			continue
		}
		out = append(out, analysis.FormatCents(c), strconv.FormatFloat(float64(c)/100, 'f', -1, 64))
	}
	sort.Strings(out)
	return dedupe(out)
}

func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// answer is one crawled answer: status, headers and body as text (an
// XLSX's sheets unzipped).
type answer struct {
	status int
	text   string
}

var hrefRE = regexp.MustCompile(`(?:href|src|data-geojson)="([^"#]+)"`)

// crawl fetches the seeds, then the same-site links of the pages among
// them (one level), at most limit answers.
func crawl(t *testing.T, ts *httptest.Server, seeds []string, limit int) map[string]answer {
	t.Helper()
	seen := map[string]answer{}
	queue := append([]string{}, seeds...)
	for len(queue) > 0 && len(seen) < limit {
		p := queue[0]
		queue = queue[1:]
		if _, ok := seen[p]; ok {
			continue
		}
		resp, body := get(t, ts, p)
		var b strings.Builder
		for k, vs := range resp.Header {
			b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
		b.WriteString(bodyText(body))
		seen[p] = answer{resp.StatusCode, b.String()}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && !strings.Contains(p, "fragment") {
			for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
				u := strings.ReplaceAll(m[1], "&amp;", "&")
				if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "/static/") {
					if _, ok := seen[u]; !ok {
						queue = append(queue, u)
					}
				}
			}
		}
	}
	return seen
}

// bodyText is the body, with a zip (XLSX) replaced by its unzipped parts.
func bodyText(b []byte) string {
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return string(b)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return string(b)
	}
	var out strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		x, _ := io.ReadAll(rc)
		rc.Close()
		out.Write(x)
	}
	return out.String()
}

func setProposed(t *testing.T, released bool) {
	t.Helper()
	opt := office.ReleaseOptions{FiscalYear: "2021-22", Phase: "proposed", By: "embargo test"}
	var err error
	if released {
		_, err = demo.off.Release(context.Background(), opt)
	} else {
		_, err = demo.off.Hold(context.Background(), opt)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestEmbargoPublicServer(t *testing.T) {
	needDemo(t)
	figures := proposedOnly(t)
	if len(figures) < 20 {
		t.Fatalf("only %d proposed-only figures to look for", len(figures))
	}
	_, ts := newTestServer(t, true)
	_, body := get(t, ts, "/api/openapi.json")
	doc, _ := openAPIRouter(t, body)
	api := concretePaths(t, func(p string) []byte { _, b := get(t, ts, p); return b }, doc)
	held := []string{"/?fy=2021-22&phase=proposed", "/?p=2021-22+proposed", "/budget?p=2021-22+proposed", "/map?p=2021-22+proposed",
		"/requests?p=2021-22+proposed", "/budget?p=2021-22+adopted&compare=2021-22+proposed", "/api/analysis?fy=2021-22&phase=proposed",
		"/api/budget/totals?fy=2021-22&phase=proposed&format=csv", "/api/budget/totals?fy=2021-22&phase=proposed&by=program&format=xlsx",
		"/api/budget/line-items?fy=2021-22&phase=proposed", "/api/budget/explorer?fy=2021-22&phase=adopted&compare=proposed&compare_fy=2021-22",
		"/api/requests?fy=2021-22&phase=proposed&format=csv", "/api/requests?fy=2021-22&format=xlsx", "/api/layers/council_districts/areas?fy=2021-22&phase=proposed&format=geojson",
		"/api/layers/council_districts/areas/5?fy=2021-22&phase=proposed", "/areas/council_districts/5?fy=2021-22&phase=proposed", "/api/services?fy=2021-22&phase=proposed"}
	var seeds []string
	for _, p := range []string{"/", "/map", "/budget", "/requests", "/methods", "/map?layer=neighborhood_councils", "/budget?department=82"} {
		seeds = append(seeds, p, p+sep(p)+"lang=es")
	}
	seeds = append(append(seeds, api...), held...)

	// released: the figures are there (the search can find them)
	setProposed(t, true)
	rel := crawl(t, ts, seeds, 450)
	found := map[string]bool{}
	for _, a := range rel {
		for _, f := range figures {
			if containsNumber(a.text, f) {
				found[f] = true
			}
		}
	}
	if len(found) < 10 {
		t.Fatalf("released: only %d of %d proposed-only figures found in %d answers: the crawl cannot see them", len(found), len(figures), len(rel))
	}
	t.Logf("released: %d answers, %d of %d proposed-only figures found", len(rel), len(found), len(figures))

	// held: none is anywhere
	setProposed(t, false)
	defer setProposed(t, true)
	hd := crawl(t, ts, seeds, 450)
	for p, a := range hd {
		for _, f := range figures {
			if containsNumber(a.text, f) {
				t.Errorf("held: %s contains the proposed-only figure %s", p, f)
			}
		}
		if a.status >= 500 {
			t.Errorf("held: %s answered %d", p, a.status)
		}
	}
	t.Logf("held: %d answers searched", len(hd))

	// held answers exactly as never existed: FY2021-22 has no estimate
	for _, p := range held {
		never := strings.ReplaceAll(strings.ReplaceAll(p, "proposed", "estimate"), "2021-22+estimate", "2021-22+estimate")
		r1, b1 := get(t, ts, p)
		r2, b2 := get(t, ts, never)
		n1, n2 := normalise(string(b1), p), normalise(string(b2), never)
		if r1.StatusCode != r2.StatusCode || n1 != n2 {
			t.Errorf("held %s answers %d, never-existing %s answers %d:\n%.300s\n---\n%.300s", p, r1.StatusCode, never, r2.StatusCode, n1, n2)
		}
		for _, h := range []string{"Content-Type", "Cache-Control", "Content-Language"} {
			if r1.Header.Get(h) != r2.Header.Get(h) {
				t.Errorf("%s: header %s %q vs %q", p, h, r1.Header.Get(h), r2.Header.Get(h))
			}
		}
	}

	// released again: back
	setProposed(t, true)
	_, b := get(t, ts, "/api/budget/totals?fy=2021-22&phase=proposed&format=csv")
	back := false
	for _, f := range figures {
		back = back || containsNumber(string(b), f)
	}
	if !back {
		t.Fatal("after phase release the proposed totals did not come back")
	}
}

var requestIDRE = regexp.MustCompile(`(request id |"request_id":")[0-9a-f]{16}`)

// normalise removes what differs between two requests by construction:
// the request id and the path and query asked for.
func normalise(body, path string) string {
	body = requestIDRE.ReplaceAllString(body, "${1}ID")
	p, q, _ := strings.Cut(path, "?")
	body = strings.ReplaceAll(body, p, "PATH")
	for _, kv := range strings.Split(q, "&") {
		if _, v, ok := strings.Cut(kv, "="); ok && v != "" {
			body = strings.ReplaceAll(body, strings.ReplaceAll(v, "+", " "), "V")
			body = strings.ReplaceAll(body, v, "V")
		}
	}
	return strings.ReplaceAll(strings.ReplaceAll(body, "proposed", "V"), "estimate", "V")
}

var _ = http.StatusOK

// containsNumber reports whether the number n is written in s as a whole
// number: not as part of a longer one ("169133" is not in "2169133" nor in
// "169133.5"), and not as the magnitude of its negative ("-169133.00" is
// another figure).
func containsNumber(s, n string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], n)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(n)
		before := j > 0 && (isDigit(s[j-1]) || s[j-1] == '.' || s[j-1] == '-' && n[0] != '-')
		after := end < len(s) && (isDigit(s[end]) || s[end] == '.' && end+1 < len(s) && isDigit(s[end+1]))
		if !before && !after {
			return true
		}
		i = j + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
