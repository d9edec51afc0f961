package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// waitMeasureMap waits until the performance map has drawn its areas.
func waitMeasureMap(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#measure-map[data-ready="1"]`)))
}

// TestBrowserMeasures walks the performance page: LAFD's EMS travel time by
// council district on the map (15 areas, each focusable and naming its
// value), the trend of the lowest- and highest-need tiers by year with
// intervals (five years, the last labelled as two months), the download of
// the map's table, the roll-up score by neighbourhood council (99 areas),
// the service-request measures labelled with their four days, and the
// Spanish page; no console error or CSP violation.
func TestBrowserMeasures(t *testing.T) {
	_, ts := newTestServer(t, false)
	ctx, console := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/measures?measure=lafd_response/ems_travel_minutes")); err != nil {
		t.Fatal(err)
	}
	if err := waitMeasureMap(ctx); err != nil {
		t.Fatalf("map: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#measure-map path[data-area]').length`))
	if err != nil || n != 15 {
		t.Errorf("council districts drawn: %d, %v", n, err)
	}
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#measure-map path[data-area="9"]').getAttribute('aria-label')`))
	if err != nil || !strings.HasPrefix(label, "9") || !strings.Contains(label, ":") {
		t.Errorf("aria-label of district 9: %q %v", label, err)
	}
	rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#trend-table tbody tr').length`))
	trend, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#trend-table`)))
	if rows != 5 || !strings.Contains(trend, "2 months, January 2017 to February 2017") {
		t.Errorf("trend table: %d rows\n%s", rows, trend)
	}
	svg, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.chart circle').length`))
	if svg != 10 {
		t.Errorf("trend chart points: %d, want 10 (two tiers, five years)", svg)
	}
	shot(t, ctx, "measures_ems_travel")
	dl := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#dl-measure-csv`))); err != nil {
		t.Fatal(err)
	}
	var csv []byte
	for i := 0; i < 100 && csv == nil; i++ {
		time.Sleep(100 * time.Millisecond)
		if ms, _ := filepath.Glob(filepath.Join(dl, "*.csv")); len(ms) == 1 {
			csv, _ = os.ReadFile(ms[0])
		}
	}
	if !strings.HasPrefix(string(csv), "area_id,name,need_tier,value,gap_from_city,city") || strings.Count(string(csv), "\n") != 16 {
		t.Errorf("downloaded CSV: %.200q", csv)
	}
	// the roll-up score by neighbourhood council, as differences from the city
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#measure`), "score"), chromedp.SetValue(chromedp.CSS(`#layer`), "neighborhood_councils"),
		chromedp.SetValue(chromedp.CSS(`#view`), "gap"), chromedp.Submit(chromedp.CSS(`#measure`))); err != nil {
		t.Fatal(err)
	}
	if err := waitMeasureMap(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#measure-map path[data-area]').length`)); n != 99 {
		t.Errorf("neighbourhood councils drawn: %d", n)
	}
	shot(t, ctx, "measures_score_nc")
	// a service-request measure says which days it is of
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/measures?measure=median_days")); err != nil {
		t.Fatal(err)
	}
	if err := waitMeasureMap(ctx); err != nil {
		t.Fatal(err)
	}
	body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(body, "4 days of January 2018") {
		t.Errorf("the sample's dates are not on the page")
	}
	shot(t, ctx, "measures_median_days")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#lang-switch`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="es"] h1`))); err != nil {
		t.Fatal(err)
	}
	if h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`))); h1 != "Desempeño de los servicios por área" {
		t.Errorf("Spanish h1 %q", h1)
	}
	if err := waitMeasureMap(ctx); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "measures_es")
	if p := console.problems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations: %v", p)
	}
}
