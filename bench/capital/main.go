// Command capital-bench times budgetlens' capital-plan optimiser against
// CBC on the same model in the same run and prints the ratio.
//
//	go run ./bench/capital                 # 500 projects, 15 districts, 20 dependencies, seed 1
//	go run ./bench/capital -seeds 1-10     # several seeds, one line each
//	go run ./bench/capital -explain        # also time the reasons for every project left out
//
// The model is capital.Synthetic (seeded and labelled synthetic, shaped
// like Los Angeles' capital lists: lognormal costs from $50k to $50M,
// one to three districts a project, people served as benefit): a budget of
// a quarter of the candidates' cost, a minimum high-need share of 40%, a
// floor (2% of the budget) and a ceiling (12%) for each district, and
// dependencies between projects. For each seed it writes the model with
// capital.WriteLP, solves it with capital.Solve (median of -runs runs,
// GOMAXPROCS as set; the optimiser itself is single-threaded) and with
// `cbc model.lp solve` on one thread and on two (median of -runs runs each
// of CBC's own reported wall and CPU times), and reports CPU seconds beside
// wall seconds, which stay comparable when the machine is shared. It checks
// that both prove the same optimum (1e-6 relative) and prints the times and
// the ratios. Without cbc on PATH (Debian: coinor-cbc) only the Go times
// print.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/budgetlens/budgetlens/capital"
)

type config struct {
	seedLo, seedHi uint64
	projects       int
	districts      int
	deps           int
	runs           int
	explain        bool
	dir            string
	cbc            string
}

func main() {
	cfg := config{}
	seeds := flag.String("seeds", "1", "seed or range of seeds, e.g. 1-10")
	flag.IntVar(&cfg.projects, "projects", 500, "candidate projects")
	flag.IntVar(&cfg.districts, "districts", 15, "districts, each with a floor and a ceiling")
	flag.IntVar(&cfg.deps, "deps", 20, "requires/excludes pairs")
	flag.IntVar(&cfg.runs, "runs", 5, "runs per engine (the median is reported)")
	flag.BoolVar(&cfg.explain, "explain", false, "also time the reasons for every project left out")
	flag.StringVar(&cfg.dir, "dir", "", "directory for the LP files (default: a temporary one)")
	flag.Parse()
	var err error
	if cfg.seedLo, cfg.seedHi, err = parseSeeds(*seeds); err != nil {
		fail(err)
	}
	if cfg.dir == "" {
		if cfg.dir, err = os.MkdirTemp("", "capital-bench"); err != nil {
			fail(err)
		}
		defer os.RemoveAll(cfg.dir)
	}
	cfg.cbc, _ = exec.LookPath("cbc")
	fmt.Printf("capital plan benchmark: %d synthetic projects, %d district floors and ceilings, %d dependencies; go %s, GOMAXPROCS %d, %d CPUs\n",
		cfg.projects, cfg.districts, cfg.deps, runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU())
	if cfg.cbc == "" {
		fmt.Println("cbc not found (Debian: apt-get install coinor-cbc): Go times only")
	}
	fmt.Println("seed | budgetlens wall s (cpu s) | nodes | CBC 1 thread wall s (cpu s) | CBC 2 threads wall s (cpu s) | CBC(1) / budgetlens wall (cpu) | objective | agree")
	var ratios []float64
	for seed := cfg.seedLo; seed <= cfg.seedHi; seed++ {
		r, err := benchSeed(cfg, seed)
		if err != nil {
			fail(err)
		}
		if r > 0 {
			ratios = append(ratios, r)
		}
	}
	if len(ratios) > 1 {
		sort.Float64s(ratios)
		fmt.Printf("ratio CBC(1 thread) / budgetlens, wall, over %d seeds: median %.1fx, range %.1fx-%.1fx\n", len(ratios), median(ratios), ratios[0], ratios[len(ratios)-1])
	}
}

func parseSeeds(s string) (uint64, uint64, error) {
	lo, hi, found := strings.Cut(s, "-")
	a, err := strconv.ParseUint(lo, 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("-seeds %q: give a number or a range such as 1-10", s)
	}
	if !found {
		return a, a, nil
	}
	b, err := strconv.ParseUint(hi, 10, 64)
	if err != nil || b < a {
		return 0, 0, fmt.Errorf("-seeds %q: give a number or a range such as 1-10", s)
	}
	return a, b, nil
}

// benchSeed runs one seed and returns CBC's (one thread, own time) time
// over budgetlens' time, or 0 without CBC.
func benchSeed(cfg config, seed uint64) (float64, error) {
	m := capital.Synthetic(capital.SyntheticOptions{Seed: seed, Projects: cfg.projects, Districts: cfg.districts, Dependencies: cfg.deps})
	lp := filepath.Join(cfg.dir, fmt.Sprintf("capital-%d.lp", seed))
	var buf bytes.Buffer
	if err := capital.WriteLP(&buf, m); err != nil {
		return 0, err
	}
	if err := os.WriteFile(lp, buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	var times, cpus []float64
	var res *capital.Result
	for k := 0; k < cfg.runs; k++ {
		start, cpu0 := time.Now(), cpuSeconds()
		r, err := capital.Solve(context.Background(), m, capital.Options{NodeLimit: -1, TimeLimit: -1})
		if err != nil {
			return 0, err
		}
		times = append(times, time.Since(start).Seconds())
		cpus = append(cpus, cpuSeconds()-cpu0)
		res = r
	}
	if !res.Optimal {
		return 0, fmt.Errorf("seed %d: budgetlens stopped with status %s", seed, res.Status)
	}
	goTime, goCPU := median(times), median(cpus)
	line := fmt.Sprintf("%d | %.3f (%.3f) | %d", seed, goTime, goCPU, res.Stats.Nodes)
	ratio := 0.0
	if cfg.cbc != "" {
		one, err := timeCBC(cfg, lp, 1)
		if err != nil {
			return 0, err
		}
		two, err := timeCBC(cfg, lp, 2)
		if err != nil {
			return 0, err
		}
		agree := math.Abs(one.objective-res.Objective) <= 1e-6*math.Max(1, math.Abs(res.Objective)) &&
			math.Abs(two.objective-res.Objective) <= 1e-6*math.Max(1, math.Abs(res.Objective))
		ratio = one.own / goTime
		line += fmt.Sprintf(" | %.3f (%.3f) | %.3f (%.3f) | %.1fx (%.1fx) | %.0f | %v", one.own, one.cpu, two.own, two.cpu, ratio, one.cpu/goCPU, res.Objective, agree)
		if !agree {
			fmt.Println(line)
			return 0, fmt.Errorf("seed %d: objectives differ: budgetlens %v, CBC %v and %v", seed, res.Objective, one.objective, two.objective)
		}
	} else {
		line += fmt.Sprintf(" | - | - | - | %.0f | -", res.Objective)
	}
	fmt.Println(line)
	if cfg.explain {
		start := time.Now()
		r, err := capital.Solve(context.Background(), m, capital.Options{Explain: true})
		if err != nil {
			return 0, err
		}
		fmt.Printf("  seed %d: reasons for %d projects left out in %.2f s (with the solve: %.2f s)\n", seed, len(r.Reasons), r.Stats.ExplainSeconds, time.Since(start).Seconds())
	}
	return ratio, nil
}

type cbcTime struct {
	own, cpu, objective float64
}

// cpuSeconds is the user and system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

var (
	cbcWall = regexp.MustCompile(`Total time \(CPU seconds\):\s+([0-9.]+)\s+\(Wallclock seconds\):\s+([0-9.]+)`)
	cbcObj  = regexp.MustCompile(`^Optimal - objective value (\S+)`)
)

// timeCBC solves the LP file with CBC on the given number of threads, runs
// times, and returns the medians of CBC's own wall and CPU times.
func timeCBC(cfg config, lp string, threads int) (cbcTime, error) {
	var own, cpu []float64
	var t cbcTime
	sol := lp + ".sol"
	for k := 0; k < cfg.runs; k++ {
		args := []string{lp}
		if threads > 1 {
			args = append(args, "threads", strconv.Itoa(threads))
		}
		args = append(args, "solve", "solu", sol)
		out, err := exec.Command(cfg.cbc, args...).CombinedOutput()
		if err != nil {
			return t, fmt.Errorf("cbc: %v\n%s", err, out)
		}
		mw := cbcWall.FindSubmatch(out)
		if mw == nil {
			return t, fmt.Errorf("cbc printed no total time:\n%s", out)
		}
		c, _ := strconv.ParseFloat(string(mw[1]), 64)
		v, _ := strconv.ParseFloat(string(mw[2]), 64)
		own, cpu = append(own, v), append(cpu, c)
		head, err := os.ReadFile(sol)
		if err != nil {
			return t, err
		}
		mo := cbcObj.FindSubmatch(head)
		if mo == nil {
			return t, fmt.Errorf("cbc did not prove an optimum: %s", strings.SplitN(string(head), "\n", 2)[0])
		}
		t.objective, _ = strconv.ParseFloat(string(mo[1]), 64)
	}
	t.own, t.cpu = median(own), median(cpu)
	return t, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "capital-bench:", err)
	os.Exit(1)
}
