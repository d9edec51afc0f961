package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cbcBin returns Debian's CBC (package coinor-cbc); the test skips without
// it, except under CI=true.
func cbcBin(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("cbc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cbc not found and CI=true: install coinor-cbc (scripts/test.sh does)")
		}
		t.Skip("cbc not found: install coinor-cbc (apt-get install coinor-cbc) to check capital plan against CBC")
	}
	return path
}

// cbcObjective solves an LP file with CBC: "optimal" with the objective, or
// "infeasible".
func cbcObjective(t *testing.T, bin, lp string) (string, float64) {
	t.Helper()
	sol := lp + ".sol"
	out, err := exec.Command(bin, lp, "solve", "solu", sol).CombinedOutput()
	if err != nil {
		t.Fatalf("cbc %s: %v\n%s", lp, err, out)
	}
	f, err := os.Open(sol)
	if err != nil {
		t.Fatalf("cbc wrote no solution: %v\n%s", err, out)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	head := sc.Text()
	switch {
	case strings.HasPrefix(head, "Optimal"):
		v, err := strconv.ParseFloat(head[strings.LastIndex(head, " ")+1:], 64)
		if err != nil {
			t.Fatalf("cbc status line %q", head)
		}
		return "optimal", v
	case strings.Contains(strings.ToLower(head), "infeasible"):
		return "infeasible", 0
	}
	t.Fatalf("cbc status line %q", head)
	return "", 0
}

// randomPlanFiles writes a random ward table and project list: 3-8 wards,
// 5-30 projects with costs over 1-3 years as money strings, coded with one
// to three wards, citywide or no place, an integer or decimal score.
func randomPlanFiles(r *rand.Rand, dir string, k int) (wards, plan string, years []string, nWards, nProjects int) {
	nWards, nProjects = 3+r.IntN(6), 5+r.IntN(26)
	wards = filepath.Join(dir, fmt.Sprintf("wards%02d.csv", k))
	var wb bytes.Buffer
	w := csv.NewWriter(&wb)
	w.Write([]string{"Ward", "Name", "Residents", "Median income"})
	for i := 1; i <= nWards; i++ {
		w.Write([]string{strconv.Itoa(i), fmt.Sprintf("Ward %d", i), strconv.Itoa(1000 + r.IntN(50000)), strconv.Itoa(20000 + r.IntN(100000))})
	}
	w.Flush()
	os.WriteFile(wards, wb.Bytes(), 0o644)
	ny := 1 + r.IntN(3)
	for y := 0; y < ny; y++ {
		years = append(years, fmt.Sprintf("FY%d", 25+y))
	}
	plan = filepath.Join(dir, fmt.Sprintf("plan%02d.csv", k))
	var pb bytes.Buffer
	w = csv.NewWriter(&pb)
	w.Write(append([]string{"ID", "Project", "Wards", "Score"}, years...))
	integer := r.IntN(2) == 0
	for i := 1; i <= nProjects; i++ {
		var place string
		switch x := r.IntN(10); {
		case x == 0:
			place = "CW"
		case x == 1:
			place = ""
		default:
			codes := map[int]bool{}
			for c := 1 + r.IntN(3); len(codes) < c && len(codes) < nWards; {
				codes[1+r.IntN(nWards)] = true
			}
			var cs []string
			for c := range codes {
				cs = append(cs, strconv.Itoa(c))
			}
			place = strings.Join(cs, ",")
		}
		score := strconv.Itoa(1 + r.IntN(100))
		if !integer {
			score = strconv.FormatFloat(float64(r.IntN(100000))/1000, 'f', 3, 64)
		}
		row := []string{fmt.Sprintf("P%02d", i), fmt.Sprintf("Project %d", i), place, score}
		for range years {
			c := int64(r.IntN(5_000_000_00))
			if r.IntN(4) == 0 {
				c = 0
			}
			row = append(row, fmt.Sprintf("$%s", budgetDigits(c)))
		}
		w.Write(row)
	}
	w.Flush()
	os.WriteFile(plan, pb.Bytes(), 0o644)
	return wards, plan, years, nWards, nProjects
}

func budgetDigits(c int64) string {
	s := strconv.FormatInt(c/100, 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return fmt.Sprintf("%s.%02d", b.String(), c%100)
}

// TestCapitalPlanAgainstCBC is issue 12's second check: capital plan ...
// --format json on random instances gives the same optimal objective as CBC
// on the model it exports with --export-lp (and the same verdict when no
// plan exists). Instances vary the years, the budget, the high-need share
// (tiers from a ward attribute), floors, ceilings, requires, excludes and
// fixings.
func TestCapitalPlanAgainstCBC(t *testing.T) {
	bin := cbcBin(t)
	t.Parallel()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(12, 2026))
	const count = 40
	infeasible := 0
	for k := 0; k < count; k++ {
		db := filepath.Join(dir, fmt.Sprintf("s%02d.duckdb", k))
		wards, plan, years, nWards, nProjects := randomPlanFiles(r, dir, k)
		mustRun(t, "--db", db, "geo", "import", "--layer", "wards", "--no-geometry", "--id-column", "Ward", "--name-column", "Name", "--population-column", "Residents", wards)
		mustRun(t, "--db", db, "capital", "import", plan, "--plan", "p", "--id", "ID", "--name", "Project", "--years", strings.Join(years, ","),
			"--layer", "wards", "--area", "Wards", "--citywide", "CW")
		lp := filepath.Join(dir, fmt.Sprintf("m%02d.lp", k))
		args := []string{"--db", db, "capital", "plan", "--plan", "p", "--benefit", "Score", "--rank-by", "Median income", "--lower-is-needier",
			"--tiers", strconv.Itoa(2 + r.IntN(3)), "--budget", strconv.Itoa(1_000_000 + r.IntN(8_000_000)), "--export-lp", lp, "--format", "json"}
		if r.IntN(2) == 0 {
			args = append(args, "--min-high-need-share", strconv.FormatFloat(0.1+0.4*r.Float64(), 'f', 2, 64))
		}
		if r.IntN(3) == 0 {
			args = append(args, "--floor", fmt.Sprintf("%d=%d", 1+r.IntN(nWards), r.IntN(2_000_000)))
		}
		if r.IntN(3) == 0 {
			args = append(args, "--ceiling", fmt.Sprintf("%d=%d", 1+r.IntN(nWards), 500_000+r.IntN(3_000_000)))
		}
		pid := func() string { return fmt.Sprintf("P%02d", 1+r.IntN(nProjects)) }
		if a, b := pid(), pid(); a != b && r.IntN(2) == 0 {
			args = append(args, "--requires", a+":"+b)
		}
		if a, b := pid(), pid(); a != b && r.IntN(2) == 0 {
			args = append(args, "--excludes", a+":"+b)
		}
		if r.IntN(4) == 0 {
			args = append(args, "--must", pid())
		}
		code, out, errOut := run(t, args...)
		if code != 0 {
			t.Fatalf("instance %d: exit %d: %s", k, code, errOut)
		}
		var res struct {
			Status    string   `json:"status"`
			Optimal   bool     `json:"optimal"`
			Objective float64  `json:"objective"`
			Bound     float64  `json:"bound"`
			Selected  []string `json:"selected"`
			LeftOut   []struct {
				ID     string `json:"id"`
				Reason string `json:"reason"`
			} `json:"left_out"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("instance %d: %v", k, err)
		}
		status, obj := cbcObjective(t, bin, lp)
		switch {
		case status == "infeasible" && res.Status == "infeasible":
			infeasible++
		case status != "optimal" || res.Status != "optimal" || !res.Optimal:
			t.Errorf("instance %d: CBC %s, capital plan %s", k, status, res.Status)
		case math.Abs(obj-res.Objective) > 1e-6*math.Max(1, math.Abs(obj)):
			t.Errorf("instance %d: CBC objective %v, capital plan %v (%s)", k, obj, res.Objective, strings.Join(args, " "))
		case res.Bound < res.Objective-1e-6*math.Max(1, math.Abs(res.Objective)):
			t.Errorf("instance %d: bound %v below the objective %v", k, res.Bound, res.Objective)
		case len(res.Selected)+len(res.LeftOut) != nProjects:
			t.Errorf("instance %d: %d selected + %d left out != %d projects", k, len(res.Selected), len(res.LeftOut), nProjects)
		}
		for _, lo := range res.LeftOut {
			if res.Status == "optimal" && lo.Reason == "" {
				t.Errorf("instance %d: %s left out without a reason", k, lo.ID)
			}
		}
	}
	t.Logf("%d instances through the CLI, %d infeasible, all agree with CBC", count, infeasible)
}
