package web

import (
	"context"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/office"
)

// TestEvidencePanel: the map and budget pages show the phase's dollars by
// evidence class with those not placed, as the analysis gives them, and
// the headline of location and service evidence beside that of every
// placed dollar; the budget explorer's rows split their placed dollars by
// class to the cent and name the classes.
func TestEvidencePanel(t *testing.T) {
	_, ts := newTestServer(t, false)
	a, err := demo.off.Analyze(context.Background(), office.AnalyzeOptions{FiscalYear: "2021-22", Phase: "proposed", Layer: "council_districts", Tiers: 5, Seed: analysis.DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	tt := a.Result.Totals
	en := T{Lang: "en"}
	row := regexp.MustCompile(`<tr data-evidence="([a-z]+)"><th scope="row">[^<]*</th><td class="num">([^<]*)</td>`)
	for _, p := range []string{"/budget?p=2021-22+proposed", "/map?p=2021-22+proposed&layer=council_districts"} {
		resp, b := get(t, ts, p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		page := html.UnescapeString(string(b))
		got := map[string]string{}
		for _, m := range row.FindAllStringSubmatch(page, -1) {
			got[m[1]] = m[2]
		}
		want := map[string]string{"unattributed": en.Money(tt.Unattributed.Float())}
		for _, c := range attribute.EvidenceClasses {
			want[c] = en.Money(tt.ByEvidence[c].Float())
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s row shows %q, the analysis %q", p, k, got[k], w)
			}
		}
		strong, all := a.Result.Evidence[1], a.Result.Evidence[len(a.Result.Evidence)-1]
		for _, w := range []string{"Dollars placed by location and service evidence alone", en.Money(strong.Placed.Float()), en.Number(float64(strong.Concentration), 3),
			"All placed dollars (proxies and assumptions included)", en.Number(float64(all.Concentration), 3), `id="evidence-steps"`} {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", p, w)
			}
		}
	}
	// the explorer's rows
	_, b := get(t, ts, "/api/budget/explorer?fy=2021-22&phase=proposed")
	var pg struct{ Rows []ExplorerRow }
	if err := json.Unmarshal(b, &pg); err != nil {
		t.Fatal(err)
	}
	classes := map[string][]string{}
	for _, r := range pg.Rows {
		if r.Location+r.Service+r.Proxy+r.Assumed != r.Attributed {
			t.Errorf("%s %s: %v + %v + %v + %v != placed %v", r.Code, r.Name, r.Location, r.Service, r.Proxy, r.Assumed, r.Attributed)
		}
		classes[r.Code] = r.Evidence()
	}
	for code, want := range map[string]string{"43": "location", "28": "assumed", "70": "proxy", "38": "service", "82": "service proxy"} {
		if got := strings.Join(classes[code], " "); got != want {
			t.Errorf("department %s: classes %q, want %q", code, got, want)
		}
	}
	_, b = get(t, ts, "/budget?p=2021-22+proposed&lang=es")
	if !strings.Contains(string(b), "En qué se basan los dólares ubicados") {
		t.Errorf("the Spanish budget page lacks the evidence panel")
	}
}
