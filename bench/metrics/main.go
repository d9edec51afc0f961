// Command metrics-bench times budgetlens' metrics against the R peers on the
// same data in the same run and prints the speed ratios.
//
//	go run ./bench/metrics            # n = 2,500 (a 50 x 50 rook grid)
//	go run ./bench/metrics -n 10000
//	go run ./bench/metrics -large     # also time Go alone at n = 1,000,000
//
// It writes data.csv and weights.gal to a temporary directory, times each Go
// function (median of -runs runs, GOMAXPROCS as set), then runs
// Rscript bench/metrics/peer.R on the same files (boot, spdep moran.mc and
// localmoran_perm, laeken gini) and prints R time / Go time. R must be
// installed with boot and spdep (Debian: r-base-core r-cran-boot
// r-cran-spdep); without Rscript only the Go times are printed.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/budgetlens/budgetlens/metrics"
)

type data struct {
	y, rank, w []float64
	W          *metrics.Weights
	side       int
}

// makeData builds n = side^2 units on a rook grid: y log-normal and
// spatially smoothed, rank correlated with y, integer weights 1..9.
func makeData(side int) data {
	n := side * side
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	d := data{y: make([]float64, n), rank: make([]float64, n), w: make([]float64, n), side: side}
	adj := make([][]int, n)
	for r := 0; r < side; r++ {
		for c := 0; c < side; c++ {
			i := r*side + c
			if r > 0 {
				adj[i] = append(adj[i], i-side)
			}
			if r < side-1 {
				adj[i] = append(adj[i], i+side)
			}
			if c > 0 {
				adj[i] = append(adj[i], i-1)
			}
			if c < side-1 {
				adj[i] = append(adj[i], i+1)
			}
		}
	}
	raw := make([]float64, n)
	for i := range raw {
		raw[i] = rng.NormFloat64()
	}
	for i := range d.y {
		s := raw[i]
		for _, j := range adj[i] {
			s += 0.5 * raw[j]
		}
		d.y[i] = math.Exp(s / 2)
		d.rank[i] = d.y[i] * math.Exp(0.5*rng.NormFloat64())
		d.w[i] = float64(1 + rng.IntN(9))
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	W, err := metrics.WeightsFromAdjacency(ids, adj)
	if err != nil {
		panic(err)
	}
	d.W, _ = W.Transformed("r")
	return d
}

func (d data) write(dir string) error {
	f, err := os.Create(filepath.Join(dir, "data.csv"))
	if err != nil {
		return err
	}
	b := bufio.NewWriter(f)
	fmt.Fprintln(b, "id,y,rank,w")
	for i := range d.y {
		fmt.Fprintf(b, "%d,%s,%s,%g\n", i+1, strconv.FormatFloat(d.y[i], 'g', -1, 64), strconv.FormatFloat(d.rank[i], 'g', -1, 64), d.w[i])
	}
	if err := b.Flush(); err != nil {
		return err
	}
	f.Close()
	g, err := os.Create(filepath.Join(dir, "weights.gal"))
	if err != nil {
		return err
	}
	b = bufio.NewWriter(g)
	fmt.Fprintln(b, d.W.N())
	for i := 0; i < d.W.N(); i++ {
		fmt.Fprintf(b, "%s %d\n", d.W.IDs[i], d.W.Cardinality(i))
		var nb []string
		for k := d.W.Offsets[i]; k < d.W.Offsets[i+1]; k++ {
			nb = append(nb, d.W.IDs[d.W.Neighbors[k]])
		}
		fmt.Fprintln(b, strings.Join(nb, " "))
	}
	if err := b.Flush(); err != nil {
		return err
	}
	return g.Close()
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeMedian runs fn runs times and returns the median wall time and the
// median CPU time (all threads), which does not depend on how busy the
// machine is.
func timeMedian(runs int, fn func()) (wall, cpu time.Duration) {
	ts := make([]time.Duration, runs)
	cs := make([]time.Duration, runs)
	for i := range ts {
		c0, t0 := cpuTime(), time.Now()
		fn()
		ts[i], cs[i] = time.Since(t0), cpuTime()-c0
	}
	sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
	sort.Slice(cs, func(a, b int) bool { return cs[a] < cs[b] })
	return ts[runs/2], cs[runs/2]
}

type goCase struct {
	name, peer string
	fn         func(d data)
}

func check[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var cases = []goCase{
	{"BootstrapCI 1000 reps", "boot_ci_1000", func(d data) { check(metrics.BootstrapCI(d.y, d.rank, d.w, 1000, 1, 0.95)) }},
	{"MoranI 999 perms", "moran_mc_999", func(d data) { check(metrics.MoranI(d.y, d.W, 999, 1)) }},
	{"LocalMoran 999 perms", "localmoran_perm_999", func(d data) {
		check(metrics.LocalMoran(d.y, d.W, metrics.LocalOptions{Permutations: 999, Seed: 1}))
	}},
	{"Gini (weighted)", "laeken_gini", func(d data) { check(metrics.Gini(d.y, d.w, metrics.GiniOptions{})) }},
	{"ConcentrationIndex + SEs", "", func(d data) { check(metrics.ConcentrationIndex(d.y, d.rank, d.w)) }},
	{"Theil/MLD/GE(2)", "", func(d data) {
		for _, a := range []float64{0, 1, 2} {
			check(metrics.GeneralizedEntropy(d.y, d.w, a))
		}
	}},
	{"Atkinson 0.5/1/2", "", func(d data) {
		for _, e := range []float64{0.5, 1, 2} {
			check(metrics.Atkinson(d.y, d.w, e))
		}
	}},
	{"Palma+S80S20+Hoover+CV", "", func(d data) {
		check(metrics.Palma(d.y, d.w))
		check(metrics.S80S20(d.y, d.w))
		check(metrics.Hoover(d.y, d.w))
		check(metrics.CoefficientOfVariation(d.y, d.w, metrics.CVOptions{}))
	}},
	{"Progressivity (Kakwani/RS/Suits)", "", func(d data) {
		check(metrics.ProgressivityOf(d.rank, d.y, d.w, metrics.Benefit))
	}},
}

func main() {
	n := flag.Int("n", 2500, "number of areas (rounded down to a square grid)")
	runs := flag.Int("runs", 5, "timed runs per function (median reported)")
	large := flag.Bool("large", false, "also time Go alone at n = 1,000,000 (slow)")
	rscript := flag.String("rscript", "Rscript", "Rscript executable")
	flag.Parse()
	side := int(math.Sqrt(float64(*n)))
	d := makeData(side)
	dir, err := os.MkdirTemp("", "metrics-bench")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := d.write(dir); err != nil {
		panic(err)
	}
	fmt.Printf("n = %d areas (%dx%d rook grid), GOMAXPROCS = %d, %s\n", side*side, side, side, runtime.GOMAXPROCS(0), runtime.Version())
	type times struct{ wall, cpu time.Duration }
	goTimes := map[string]times{}
	for _, c := range cases {
		c.fn(d) // warm up
		w, cp := timeMedian(*runs, func() { c.fn(d) })
		goTimes[c.name] = times{w, cp}
	}
	peer := runPeer(*rscript, dir)
	fmt.Printf("\n%-34s %11s %11s %11s %11s %8s %8s\n", "metric", "Go wall", "Go CPU", "R wall", "R CPU", "wall R/Go", "CPU R/Go")
	for _, c := range cases {
		g := goTimes[c.name]
		r, ok := peer[c.peer]
		if c.peer == "" || !ok {
			fmt.Printf("%-34s %11s %11s\n", c.name, g.wall.Round(time.Microsecond), g.cpu.Round(time.Microsecond))
			continue
		}
		fmt.Printf("%-34s %11s %11s %11s %11s %8.1f %8.1f  (%s)\n", c.name, g.wall.Round(time.Microsecond), g.cpu.Round(time.Microsecond),
			r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), float64(r.wall)/float64(g.wall), float64(r.cpu)/float64(max(g.cpu, time.Microsecond)), c.peer)
	}
	// The same statistics from Go, for agreement with the R lines above.
	m := check(metrics.MoranI(d.y, d.W, 0, 0))
	l := check(metrics.LocalMoran(d.y, d.W, metrics.LocalOptions{}))
	var sumI float64
	for _, v := range l.I {
		sumI += v
	}
	nf := float64(len(d.y))
	c := check(metrics.ConcentrationIndex(d.y, d.rank, d.w))
	iv := check(metrics.BootstrapCI(d.y, d.rank, d.w, 1000, 1, 0.95))
	fmt.Printf("\nGo statistics: Moran I %.7f; sum of local I (spdep scaling n/(n-1)) %.3f; weighted Gini %.7f; C %.7f, bootstrap 97.5%% %.7f\n",
		m.I, sumI*nf/(nf-1), check(metrics.Gini(d.y, d.w, metrics.GiniOptions{})), c.Index, iv.High)
	fmt.Println("\nGo CPU counts both cores; on an idle 2-core machine Go wall ~ Go CPU / 2 for the parallel permutation and bootstrap loops.")
	if *large {
		ld := makeData(1000)
		fmt.Printf("\nn = 1,000,000 (Go only, 1 run each)\n")
		for _, c := range cases {
			w, cp := timeMedian(1, func() { c.fn(ld) })
			fmt.Printf("%-34s wall %10s  CPU %10s\n", c.name, w.Round(time.Millisecond), cp.Round(time.Millisecond))
		}
	}
}

type peerTime struct{ wall, cpu time.Duration }

// runPeer runs peer.R and parses "name\telapsed\tcpu\tvalue" lines.
func runPeer(rscript, dir string) map[string]peerTime {
	out := map[string]peerTime{}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "peer.R")
	cmd := exec.Command(rscript, script, dir)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "R peers not run (%v): printing Go times only\n", err)
		return out
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			continue
		}
		s, err1 := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		c, err2 := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
		if err1 == nil && err2 == nil {
			out[f[0]] = peerTime{time.Duration(s * float64(time.Second)), time.Duration(c * float64(time.Second))}
			fmt.Printf("R %-22s %8.3f s wall %8.3f s CPU  statistic %s\n", f[0], s, c, strings.TrimSpace(f[3]))
		}
	}
	return out
}
