package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/office"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Browser tests drive Debian's Chromium (chromedp). They are skipped, with
// a message, when Chromium is not installed. Screenshots are kept under
// testdata/out (git-ignored; BUDGETLENS_WEB_ARTIFACTS to choose another).

func chromium(t *testing.T) string {
	t.Helper()
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
	return ""
}

// newBrowser starts a headless Chromium for one test.
func newBrowser(t *testing.T) (context.Context, *consoleLog) {
	t.Helper()
	exe := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.UserDataDir(t.TempDir()), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.WindowSize(1280, 1000))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	log := &consoleLog{}
	go func() {
		for m, err := range chromedp.Console(bctx) {
			if err != nil {
				return
			}
			log.add(m.String())
		}
	}()
	return bctx, log
}

// consoleLog keeps the page's console messages.
type consoleLog struct {
	mu   sync.Mutex
	msgs []string
}

func (c *consoleLog) add(s string) {
	c.mu.Lock()
	c.msgs = append(c.msgs, s)
	c.mu.Unlock()
}

// problems returns console errors and CSP violations seen so far.
func (c *consoleLog) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.msgs {
		l := strings.ToLower(m)
		if strings.Contains(l, "content security policy") || strings.Contains(l, "uncaught") || strings.Contains(l, "error") && !strings.Contains(l, "favicon") {
			out = append(out, m)
		}
	}
	return out
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifactDir(t), name+".png")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Error(err)
	}
}

// waitMap waits until the map has drawn its areas.
func waitMap(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#map[data-ready="1"]`)))
}

// TestBrowserWalkthrough loads each page, clicks an area on the map and
// checks its profile, switches layer (timing the 99 neighbourhood councils),
// downloads a CSV and switches to Spanish.
func TestBrowserWalkthrough(t *testing.T) {
	_, ts := newTestServer(t, false)
	ctx, console := newBrowser(t)
	for _, p := range []string{"/", "/budget", "/requests", "/methods", "/budget?department=82", "/capital", "/capital?plan=ladot-grant-requests-2016"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+p), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		shot(t, ctx, "page"+strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(p))
	}
	// the map: click council district 9 and read its profile
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/map")); err != nil {
		t.Fatal(err)
	}
	if err := waitMap(ctx); err != nil {
		t.Fatalf("map: %v", err)
	}
	shot(t, ctx, "map_council_districts")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`path[data-area="9"]`)), chromedp.WaitVisible(chromedp.CSS(`#profile #area-title`))); err != nil {
		t.Fatalf("click area 9: %v", err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#profile #area-title`)))
	if err != nil || strings.TrimSpace(title) != "District 9" { // by number: no member of a later term
		t.Fatalf("profile title %q, %v", title, err)
	}
	profile, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#profile`)))
	for _, want := range []string{"Need score", "Placed dollars", "Dollars by department and rule", "Census tracts"} {
		if !strings.Contains(profile, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	shot(t, ctx, "map_profile_cd9")
	// keyboard: an area is reachable and opens with Enter
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`path[data-area="14"]`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#profile[data-area="14"] #area-title`))); err != nil {
		t.Errorf("keyboard selection of area 14: %v", err)
	}
	// switch layer to the 99 neighbourhood councils, timed
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#layer`), "neighborhood_councils"), chromedp.Submit(chromedp.CSS(`#map-form`))); err != nil {
		t.Fatal(err)
	}
	if err := waitMap(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#map path[data-area]').length`))
	if err != nil || n != 99 {
		t.Errorf("neighbourhood councils drawn: %d, %v", n, err)
	}
	t.Logf("99 neighbourhood councils: page and map ready in %v", time.Since(start))
	shot(t, ctx, "map_neighborhood_councils")
	// download the CSV behind the map
	dl := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#dl-csv`))); err != nil {
		t.Fatal(err)
	}
	var csv []byte
	for i := 0; i < 100 && csv == nil; i++ {
		time.Sleep(100 * time.Millisecond)
		ms, _ := filepath.Glob(filepath.Join(dl, "*.csv"))
		if len(ms) == 1 {
			csv, _ = os.ReadFile(ms[0])
		}
	}
	if !strings.HasPrefix(string(csv), "area_id,name,population,need_score") || strings.Count(string(csv), "\n") != 100 {
		t.Errorf("downloaded CSV: %.200q (%d lines)", csv, strings.Count(string(csv), "\n"))
	}
	// Spanish
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#lang-switch`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="es"] h1`))); err != nil {
		t.Fatal(err)
	}
	h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`)))
	if h1 != "Mapa" {
		t.Errorf("Spanish h1 %q", h1)
	}
	if err := waitMap(ctx); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "map_es")
	if p := console.problems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations: %v", p)
	}
}

// axeSource is axe-core, for the accessibility audit only (never served).
func axeSource(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAccessibility runs axe-core (WCAG 2.0/2.1 A and AA rules) over every
// page in both modes and both languages.
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	ctx, _ := newBrowser(t)
	// the audit can fail: a page with an unlabelled input and an image
	// without text has violations
	bad := "data:text/html,<html><body><h1>x</h1><img src='x.png'><input id=q></body></html>"
	if err := chromedp.Do(ctx, chromedp.Navigate(bad)); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](axe+`;axe.run(document).then(r => r.violations.map(v => v.id))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.Contains(string(res), "image-alt") || !strings.Contains(string(res), "label") {
		t.Fatalf("axe on a broken page found %s (%v): the audit cannot fail", res, err)
	}
	pages := []string{"/", "/map", "/map?layer=neighborhood_councils&measure=gap", "/map?layer=tracts", "/budget", "/budget?department=82&compare=2021-22+proposed",
		"/requests", "/methods", "/areas/council_districts/9", "/no-such-page", "/capital", "/capital?plan=ladot-grant-requests-2016",
		"/measures", "/measures?measure=lafd_response/ems_travel_minutes", "/measures?measure=score&layer=neighborhood_councils&view=gap", "/login"}
	audit := func(u, p string, public bool) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if strings.HasPrefix(p, "/map") {
			if err := waitMap(ctx); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
		}
		if strings.HasPrefix(p, "/measures") {
			if err := waitMeasureMap(ctx); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
		}
		res, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](axe+`;axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)})))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", u, err)
		}
		var vs []struct {
			ID    string   `json:"id"`
			Help  string   `json:"help"`
			Nodes []string `json:"nodes"`
		}
		if err := json.Unmarshal(res, &vs); err != nil {
			t.Fatalf("axe result %s: %v", res, err)
		}
		for _, v := range vs {
			t.Errorf("%s (public %v): %s: %s at %v", p, public, v.ID, v.Help, v.Nodes)
		}
	}
	for _, public := range []bool{false, true} {
		_, ts := newTestServer(t, public)
		for _, lang := range []string{"en", "es"} {
			for _, p := range pages {
				audit(ts.URL+p+sep(p)+"lang="+lang, p, public)
			}
		}
		if public {
			continue
		}
		// the review's pages, signed in as an analyst (every form shown)
		reviewSetup(t)
		as, _ := demo.off.Assessments(context.Background(), office.ListOptions{AssessOptions: office.AssessOptions{FiscalYear: "2021-22", Phase: "proposed"}, Department: "06"})
		browserLogin(t, ctx, ts.URL, "ana", fmt.Sprintf("/review/%d", as[0].ID))
		for _, lang := range []string{"en", "es"} {
			for _, p := range []string{"/review?fy=2021-22&phase=proposed&department=06", fmt.Sprintf("/review/%d", as[0].ID)} {
				audit(ts.URL+p+sep(p)+"lang="+lang, p, false)
			}
		}
	}
}

var _ = fmt.Sprint
var _ *httptest.Server
