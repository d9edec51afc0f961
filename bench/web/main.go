// Command web benchmarks the budgetlens server (issue 10): 100 concurrent
// clients on loopback for 30 s over the overview, map-layer,
// budget-explorer and area endpoints (vegeta as a library), against a peer
// in the same run: Go's http.FileServer serving the same answers from files
// (the floor any dynamic server can reach on this machine). It also reports
// each page's first load in bytes transferred (gzip) and the time the map of
// the 99 neighbourhood councils takes to render in headless Chromium.
//
// Usage: go run ./bench/web [-db budgetlens-demo/budgetlens.duckdb] [-duration 30s] [-clients 100]
// Without -db it builds the demo store in a temporary directory first.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/budgetlens/budgetlens/web"
	"github.com/chromedp/chromedp"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

var targets = []struct{ name, path string }{
	{"overview page", "/"},
	{"overview API", "/api/overview"},
	{"map layer (99 areas, GeoJSON)", "/api/layers/neighborhood_councils/areas?format=geojson&zoom=11"},
	{"budget explorer page", "/budget"},
	{"budget explorer API", "/api/budget/explorer"},
	{"area profile API", "/api/layers/council_districts/areas/9"},
	{"area page", "/areas/council_districts/9"},
}

func main() {
	db := flag.String("db", "", "demo store (built afresh when empty)")
	duration := flag.Duration("duration", 30*time.Second, "length of each attack")
	clients := flag.Int("clients", 100, "concurrent clients")
	rate := flag.Int("rate", 1000, "requests per second of the paced run (all clients together)")
	flag.Parse()
	log.SetFlags(0)
	path := *db
	if path == "" {
		dir, err := os.MkdirTemp("", "budgetlens-webbench-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		p, _ := city.Builtin("la")
		t0 := time.Now()
		res, err := office.Demo(context.Background(), office.DemoOptions{City: p, Data: budgetlens.DemoFS, Dir: dir, NoPDF: true, Reps: 999,
			Open: func(p string) (store.Store, error) { return duckdb.Open(p) }})
		if err != nil {
			log.Fatal(err)
		}
		path = res.Store
		log.Printf("demo store built in %.1f s", time.Since(t0).Seconds())
	}
	s, err := duckdb.OpenReadOnly(path)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	off, err := office.New(context.Background(), s, nil)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := web.New(web.Options{Office: off, Public: true})
	if err != nil {
		log.Fatal(err)
	}
	t0 := time.Now()
	srv.Warm(context.Background())
	log.Printf("warm-up (analyses of the default phase on every layer, and the overview's phases): %.1f s", time.Since(t0).Seconds())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go web.Serve(ctx, ln, srv, 5*time.Second)
	base := "http://" + ln.Addr().String()
	for _, t := range targets { // fill the caches the attack will hit
		if st, _ := fetch(base+t.path, false); st != 200 {
			log.Fatalf("%s answers %d", t.path, st)
		}
	}

	// the peer: the same answers as static files
	peerDir, err := os.MkdirTemp("", "budgetlens-webbench-static-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(peerDir)
	var peerTargets []string
	for i, t := range targets {
		b := body(base + t.path)
		name := "t" + strconv.Itoa(i)
		if err := os.WriteFile(filepath.Join(peerDir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
		peerTargets = append(peerTargets, "/"+name)
	}
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(pln, http.FileServer(http.Dir(peerDir)))
	peerBase := "http://" + pln.Addr().String()

	var paths []string
	for _, t := range targets {
		paths = append(paths, t.path)
	}
	fmt.Printf("## Web server (`bench/web/run.sh`)\n\n%d concurrent clients on loopback, %s per run, round-robin over %d targets (overview page and API, the map layer of 99 areas as GeoJSON, budget explorer page and API, area profile API and page), "+
		"with gzip; the server, the load generator and the peer share the machine's 2 cores (and the machine with other work). Paced: %d requests per second in all; saturated: each client sends its next request as soon as the last is answered.\n\n", *clients, *duration, len(targets), *rate)
	fmt.Println("| run | server | requests/s | p50 | p99 | max | errors |")
	fmt.Println("|---|---|---|---|---|---|---|")
	row := func(run, name string, m *vegeta.Metrics) {
		fmt.Printf("| %s | %s | %.0f | %.1f ms | %.1f ms | %.1f ms | %d of %d |\n", run, name, m.Throughput, ms(m.Latencies.P50), ms(m.Latencies.P99), ms(m.Latencies.Max),
			m.Requests-uint64(m.StatusCodes["200"]), m.Requests)
	}
	pm := attack(base, paths, *clients, *duration, *rate)
	pp := attack(peerBase, peerTargets, *clients, *duration, *rate)
	row("paced", "budgetlens (public mode)", pm)
	row("paced", "peer: http.FileServer, same bytes (not compressed)", pp)
	m := attack(base, paths, *clients, *duration, 0)
	p := attack(peerBase, peerTargets, *clients, *duration, 0)
	row("saturated", "budgetlens (public mode)", m)
	row("saturated", "peer: http.FileServer, same bytes (not compressed)", p)
	fmt.Printf("\nPaced at %d/s: budgetlens p99 %.1f ms (target under 50 ms: %s), peer %.1f ms.", *rate, ms(pm.Latencies.P99), verdict(ms(pm.Latencies.P99) < 50 && pm.Success == 1), ms(pp.Latencies.P99))
	fmt.Printf(" Saturated: budgetlens p99 / peer p99 %.1fx; requests per second, budgetlens / peer %.2f; budgetlens p99 under 50 ms: %s.\n",
		ms(m.Latencies.P99)/ms(p.Latencies.P99), m.Throughput/p.Throughput, verdict(ms(m.Latencies.P99) < 50 && m.Success == 1))
	for _, x := range []*vegeta.Metrics{pm, m} {
		if len(x.Errors) > 0 {
			fmt.Printf("errors: %v\n", x.Errors)
		}
	}

	fmt.Printf("\nFirst load of each page, bytes transferred with gzip (HTML, CSS, scripts, images and the data the page fetches):\n\n| page | bytes | under 1 MB |\n|---|---|---|\n")
	for _, pg := range []string{"/", "/map", "/map?layer=neighborhood_councils", "/budget", "/requests", "/methods", "/areas/council_districts/9"} {
		n := firstLoad(base, pg)
		fmt.Printf("| %s | %s | %s |\n", pg, group(n), verdict(n < 1<<20))
	}
	if ms, err := mapRender(base); err != nil {
		fmt.Printf("\nMap render in headless Chromium: not measured (%v)\n", err)
	} else {
		fmt.Printf("\nThe map of the 99 neighbourhood councils in headless Chromium, navigation start to every area drawn (server warm, median of 5): %.0f ms (under 1 s: %s).\n", ms, verdict(ms < 1000))
	}
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// attack sends requests from clients workers for d: rate requests per
// second in all, or as fast as they are answered when rate is 0.
func attack(base string, paths []string, clients int, d time.Duration, rate int) *vegeta.Metrics {
	var ts []vegeta.Target
	for _, p := range paths {
		ts = append(ts, vegeta.Target{Method: "GET", URL: base + p, Header: http.Header{"Accept-Encoding": {"gzip"}}})
	}
	a := vegeta.NewAttacker(vegeta.Workers(uint64(clients)), vegeta.MaxWorkers(uint64(clients)), vegeta.Connections(clients), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second))
	var m vegeta.Metrics
	for res := range a.Attack(vegeta.NewStaticTargeter(ts...), vegeta.Rate{Freq: rate, Per: time.Second}, d, "web") {
		m.Add(res)
	}
	m.Close()
	return &m
}

func fetch(u string, gz bool) (int, int) {
	req, _ := http.NewRequest("GET", u, nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, len(b)
}

func body(u string) []byte {
	resp, err := http.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"|data-geojson="([^"]+)"`)

// firstLoad is the gzip-compressed size of a page and everything it loads.
func firstLoad(base, page string) int {
	_, n := fetch(base+page, true)
	html := string(body(base + page))
	seen := map[string]bool{}
	for _, m := range assetRE.FindAllStringSubmatch(html, -1) {
		u := strings.ReplaceAll(m[1]+m[2], "&amp;", "&")
		if seen[u] {
			continue
		}
		seen[u] = true
		_, k := fetch(base+u, true)
		n += k
	}
	return n
}

func group(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mapRender loads the neighbourhood-council map five times in headless
// Chromium and returns the median of performance.now() when the last area
// is drawn (map.js records it in data-ready-ms).
func mapRender(base string) (float64, error) {
	exe, err := exec.LookPath("chromium")
	if err != nil {
		return 0, fmt.Errorf("chromium not installed")
	}
	dir, _ := os.MkdirTemp("", "budgetlens-webbench-chromium-")
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.UserDataDir(dir), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.WindowSize(1280, 1000))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	var times []float64
	for i := 0; i < 6; i++ {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/map?layer=neighborhood_councils&measure=per_capita&x="+strconv.Itoa(i)),
			chromedp.WaitVisible(chromedp.CSS(`#map[data-ready="1"]`))); err != nil {
			return 0, err
		}
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("map").dataset.readyMs + "," + document.querySelectorAll("#map path[data-area]").length`))
		if err != nil {
			return 0, err
		}
		a, b, _ := strings.Cut(v, ",")
		if b != "99" {
			return 0, fmt.Errorf("%s areas drawn, want 99", b)
		}
		x, _ := strconv.ParseFloat(a, 64)
		if i > 0 { // the first load also fills the browser's caches
			times = append(times, x)
		}
	}
	sort.Float64s(times)
	return times[len(times)/2], nil
}
