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

// timeMedian runs fn runs times and returns the median wall time.
func timeMedian(runs int, fn func()) time.Duration {
	ts := make([]time.Duration, runs)
	for i := range ts {
		t0 := time.Now()
		fn()
		ts[i] = time.Since(t0)
	}
	sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
	return ts[runs/2]
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
	goTimes := map[string]time.Duration{}
	for _, c := range cases {
		c.fn(d) // warm up
		goTimes[c.peer+"|"+c.name] = timeMedian(*runs, func() { c.fn(d) })
	}
	peer := runPeer(*rscript, dir)
	fmt.Printf("%-34s %12s %12s %8s\n", "metric", "Go", "R peer", "R/Go")
	for _, c := range cases {
		g := goTimes[c.peer+"|"+c.name]
		r, ok := peer[c.peer]
		if c.peer == "" || !ok {
			fmt.Printf("%-34s %12s %12s %8s\n", c.name, g.Round(time.Microsecond), "-", "-")
			continue
		}
		fmt.Printf("%-34s %12s %12s %8.1f  (%s)\n", c.name, g.Round(time.Microsecond), r.Round(time.Millisecond), float64(r)/float64(g), c.peer)
	}
	if *large {
		ld := makeData(1000)
		fmt.Printf("\nn = 1,000,000 (Go only, 1 run each)\n")
		for _, c := range cases {
			fmt.Printf("%-34s %12s\n", c.name, timeMedian(1, func() { c.fn(ld) }).Round(time.Millisecond))
		}
	}
}

// runPeer runs peer.R and parses "name\tseconds\tvalue" lines.
func runPeer(rscript, dir string) map[string]time.Duration {
	out := map[string]time.Duration{}
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
		if len(f) < 2 {
			continue
		}
		s, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err == nil {
			out[f[0]] = time.Duration(s * float64(time.Second))
			fmt.Printf("R %-22s %8.3f s  statistic %s\n", f[0], s, strings.TrimSpace(strings.Join(f[2:], " ")))
		}
	}
	return out
}
