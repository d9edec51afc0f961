package web

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/office"
)

// TestCapitalAPI: the plans, the analysis (placed + citywide + unplaced +
// apart = total, to the cent), a scenario with every project left out and
// its reason, and the page, in the internal server.
func TestCapitalAPI(t *testing.T) {
	_, ts := newTestServer(t, false)
	resp, body := get(t, ts, "/api/capital/plans")
	var plans Page[CapitalPlanRow]
	if resp.StatusCode != 200 || json.Unmarshal(body, &plans) != nil || len(plans.Rows) != 2 {
		t.Fatalf("plans: %d %s", resp.StatusCode, body)
	}
	_, body = get(t, ts, "/api/capital/plans/ladot-funded-2016/analysis")
	var a struct {
		Totals struct {
			Total, Placed, Citywide, Unplaced, Apart json.Number
		} `json:"totals"`
		Areas []json.RawMessage `json:"areas"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	cents := func(n json.Number) int64 {
		f, _ := n.Float64()
		return int64(f*100 + 0.5)
	}
	if cents(a.Totals.Placed)+cents(a.Totals.Citywide)+cents(a.Totals.Unplaced)+cents(a.Totals.Apart) != cents(a.Totals.Total) || len(a.Areas) != 15 {
		t.Fatalf("analysis totals %+v, %d areas", a.Totals, len(a.Areas))
	}
	resp, body = get(t, ts, "/api/capital/plans/ladot-grant-requests-2016/scenarios/match-10m-high-need-80")
	var sc CapitalScenario
	if resp.StatusCode != 200 || json.Unmarshal(body, &sc) != nil {
		t.Fatalf("scenario: %d %s", resp.StatusCode, body)
	}
	if !sc.Optimal || len(sc.Selected)+len(sc.LeftOut) != 71 {
		t.Fatalf("scenario: optimal %v, %d selected + %d left out", sc.Optimal, len(sc.Selected), len(sc.LeftOut))
	}
	for _, lo := range sc.LeftOut {
		if lo.Reason == "" || lo.Code == "" {
			t.Fatalf("project %s left out without a reason", lo.ID)
		}
	}
	resp, body = get(t, ts, "/api/capital/plans/ladot-grant-requests-2016/scenarios?format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "scenario,settings,status") || strings.Count(string(body), "\n") != 4 {
		t.Fatalf("scenarios CSV: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/api/capital/plans/nope/areas", "/api/capital/plans/ladot-grant-requests-2016/scenarios/nope", "/capital?plan=nope"} {
		if resp, _ := get(t, ts, p); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	resp, body = get(t, ts, "/capital?plan=ladot-grant-requests-2016&lang=es")
	if resp.StatusCode != 200 || !contains(string(body), "Planes de capital", "match-10m-high-need-80", "Escenarios lado a lado") {
		t.Fatalf("capital page in Spanish: %d", resp.StatusCode)
	}
}

// TestCapitalEmbargo: a held plan does not exist in the public server (its
// pages and answers are 404 exactly as for a plan never imported, it is in
// no listing, its name in no page), and it comes back when released.
func TestCapitalEmbargo(t *testing.T) {
	needDemo(t)
	ctx := context.Background()
	const plan = "ladot-grant-requests-2016"
	set := func(released bool) {
		t.Helper()
		if err := demo.off.SetCapitalRelease(ctx, office.CapitalReleaseOptions{Plan: plan, Released: released, By: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	set(false)
	defer set(true)
	_, ts := newTestServer(t, true)
	paths := []string{"/api/capital/plans/" + plan + "/projects", "/api/capital/plans/" + plan + "/analysis", "/api/capital/plans/" + plan + "/areas",
		"/api/capital/plans/" + plan + "/scenarios", "/api/capital/plans/" + plan + "/scenarios/match-10m", "/capital?plan=" + plan}
	for _, p := range paths {
		resp, body := get(t, ts, p)
		never, nbody := get(t, ts, strings.ReplaceAll(p, plan, "never-imported"))
		if resp.StatusCode != 404 || never.StatusCode != 404 {
			t.Errorf("%s: %d (never imported: %d), want 404", p, resp.StatusCode, never.StatusCode)
		}
		// a problem answer names the path asked, nothing else
		held, nev := strings.ReplaceAll(stripIDs(body), plan, "X"), strings.ReplaceAll(stripIDs(nbody), "never-imported", "X")
		if held != nev {
			t.Errorf("%s: the held plan's answer differs from a plan never imported:\n%s\n%s", p, body, nbody)
		}
	}
	for _, p := range []string{"/api/capital/plans", "/api/capital/plans?format=csv", "/capital", "/methods"} {
		_, body := get(t, ts, p)
		if strings.Contains(string(body), plan) || strings.Contains(string(body), "match-10m") {
			t.Errorf("%s names the held plan", p)
		}
	}
	// internal mode still shows it
	_, its := newTestServer(t, false)
	if _, body := get(t, its, "/api/capital/plans"); !strings.Contains(string(body), plan) {
		t.Error("the internal server does not list the held plan")
	}
	set(true)
	_, ts2 := newTestServer(t, true)
	if resp, body := get(t, ts2, "/api/capital/plans/"+plan+"/scenarios"); resp.StatusCode != 200 || !strings.Contains(string(body), "match-10m") {
		t.Errorf("released again: %d", resp.StatusCode)
	}
}

// stripIDs drops the request id of a problem answer (it differs between
// any two requests).
func stripIDs(b []byte) string {
	var p map[string]any
	if json.Unmarshal(b, &p) == nil {
		delete(p, "request_id")
		delete(p, "instance")
		out, _ := json.Marshal(p)
		return string(out)
	}
	return regexp.MustCompile(`request id [0-9a-f]+`).ReplaceAllString(string(b), "request id -")
}
