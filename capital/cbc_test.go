package capital

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// cbc returns the path of Debian's CBC (package coinor-cbc). Without it the
// test skips, except under CI=true where the comparison must run.
func cbc(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("cbc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cbc not found and CI=true: install coinor-cbc (scripts/test.sh does) so the solver is checked against CBC")
		}
		t.Skip("cbc not found: install coinor-cbc (apt-get install coinor-cbc) to compare the solver with CBC")
	}
	return path
}

// cbcSolution is what CBC reports for an LP file.
type cbcSolution struct {
	status    string // "optimal" or "infeasible"
	objective float64
	selected  []string // variable names at 1
}

// runCBC solves the LP file with CBC and parses its solution file.
func runCBC(bin, lpPath string) (cbcSolution, error) {
	out := lpPath + ".sol"
	cmd := exec.Command(bin, lpPath, "solve", "solu", out)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return cbcSolution{}, fmt.Errorf("cbc: %v\n%s", err, log.String())
	}
	f, err := os.Open(out)
	if err != nil {
		return cbcSolution{}, fmt.Errorf("cbc wrote no solution: %v\n%s", err, log.String())
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return cbcSolution{}, fmt.Errorf("empty cbc solution file")
	}
	head := sc.Text()
	var sol cbcSolution
	switch {
	case strings.HasPrefix(head, "Optimal"):
		sol.status = "optimal"
	case strings.Contains(strings.ToLower(head), "infeasible"):
		sol.status = "infeasible"
		return sol, nil
	default:
		return sol, fmt.Errorf("cbc status line %q", head)
	}
	v := head[strings.LastIndex(head, " ")+1:]
	if sol.objective, err = strconv.ParseFloat(v, 64); err != nil {
		return sol, fmt.Errorf("cbc objective in %q: %v", head, err)
	}
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 {
			if x, err := strconv.ParseFloat(fields[2], 64); err == nil && x > 0.5 {
				sol.selected = append(sol.selected, fields[1])
			}
		}
	}
	return sol, sc.Err()
}

// TestAgainstCBC solves 240 random instances of varied shape with Solve and
// with CBC on the exported LP file: the feasibility verdicts must agree and
// the optimal objectives match within 1e-6 relative.
func TestAgainstCBC(t *testing.T) {
	bin := cbc(t)
	dir := t.TempDir()
	const count = 240
	type outcome struct {
		infeasible bool
		n          int
	}
	results := make([]outcome, count)
	var wg sync.WaitGroup
	var mu sync.Mutex
	jobs := make(chan int)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				msg, oc := compareWithCBC(bin, dir, k)
				results[k] = oc
				if msg != "" {
					mu.Lock()
					t.Error(msg)
					mu.Unlock()
				}
			}
		}()
	}
	for k := 0; k < count; k++ {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	infeasible, big := 0, 0
	for _, oc := range results {
		if oc.infeasible {
			infeasible++
		}
		if oc.n >= 40 {
			big++
		}
	}
	t.Logf("%d instances: %d infeasible, %d with 40 or more projects", count, infeasible, big)
	if infeasible < 10 || infeasible > count/2 || big < 40 {
		t.Errorf("generator drifted: %d infeasible, %d large of %d", infeasible, big, count)
	}
}

func compareWithCBC(bin, dir string, k int) (string, struct {
	infeasible bool
	n          int
}) {
	oc := struct {
		infeasible bool
		n          int
	}{}
	rng := rand.New(rand.NewPCG(uint64(k), 20261201))
	m := randomModel(rng, k)
	oc.n = len(m.Projects)
	path := filepath.Join(dir, fmt.Sprintf("m%03d.lp", k))
	var buf bytes.Buffer
	if err := WriteLP(&buf, m); err != nil {
		return fmt.Sprintf("instance %d: WriteLP: %v", k, err), oc
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err.Error(), oc
	}
	res, err := Solve(context.Background(), m, Options{TimeLimit: time.Minute, Workers: 1})
	if err != nil {
		return fmt.Sprintf("instance %d: Solve: %v", k, err), oc
	}
	sol, err := runCBC(bin, path)
	if err != nil {
		return fmt.Sprintf("instance %d: %v", k, err), oc
	}
	oc.infeasible = sol.status == "infeasible"
	if (res.Status == StatusInfeasible) != oc.infeasible {
		return fmt.Sprintf("instance %d (%d projects): budgetlens %s, CBC %s (file %s)", k, oc.n, res.Status, sol.status, path), oc
	}
	if oc.infeasible {
		if res.Conflict == nil || len(res.Conflict.Constraints) == 0 {
			return fmt.Sprintf("instance %d: infeasible without a conflict", k), oc
		}
		return checkConflictWithCBC(bin, dir, k, m, res.Conflict, ""), oc
	}
	if !res.Optimal {
		return fmt.Sprintf("instance %d: status %s (limit %q), want optimal", k, res.Status, res.Stats.Limit), oc
	}
	if d := math.Abs(res.Objective - sol.objective); d > 1e-6*math.Max(1, math.Abs(sol.objective)) {
		return fmt.Sprintf("instance %d (%d projects): objective %.9g, CBC %.9g; CBC's plan checked exactly: %s", k, oc.n, res.Objective, sol.objective, checkCBCPlan(m, sol)), oc
	}
	return checkReasonsWithCBC(bin, dir, k, m, res), oc
}

// checkReasonsWithCBC derives the reasons for the first two projects left
// out (not fixed out) and checks each with CBC: forcing the project in,
// CBC's optimum is the reason's ForcedObjective, or CBC finds the model
// infeasible and the reason's conflict holds up (see
// checkConflictWithCBC).
func checkReasonsWithCBC(bin, dir string, k int, m *Model, res *Result) string {
	c, _ := compile(m)
	sel, _ := c.selection(res.Selected)
	opt := Options{}.withDefaults()
	done := 0
	for i := range m.Projects {
		if sel[i] || m.Projects[i].Fixed == MustOut || done == 2 {
			continue
		}
		done++
		r := c.explainOne(context.Background(), i, sel, res.Objective, c.marginal(sel), opt)
		forced := cloneModel(m)
		forced.Projects[i].Fixed = MustIn
		sol, err := solveWithCBC(bin, filepath.Join(dir, fmt.Sprintf("m%03d-forced-%d.lp", k, i)), forced)
		if err != nil {
			return fmt.Sprintf("instance %d: %v", k, err)
		}
		switch {
		case r.Code == ReasonUnresolved:
		case sol.status == "infeasible" && r.Conflict == nil:
			return fmt.Sprintf("instance %d: CBC finds no plan with %s, the reason says %s: %s", k, r.Project, r.Code, r.Text)
		case sol.status == "infeasible":
			if msg := checkConflictWithCBC(bin, dir, k, m, r.Conflict, r.Project); msg != "" {
				return msg
			}
		case r.Conflict != nil:
			return fmt.Sprintf("instance %d: reason for %s has a conflict but CBC forces it in with objective %v", k, r.Project, sol.objective)
		case r.LossProven && math.Abs(sol.objective-r.ForcedObjective) > 1e-6*math.Max(1, math.Abs(sol.objective)):
			return fmt.Sprintf("instance %d: with %s forced in CBC finds %v, the reason %v", k, r.Project, sol.objective, r.ForcedObjective)
		}
	}
	return ""
}

func solveWithCBC(bin, path string, m *Model) (cbcSolution, error) {
	var buf bytes.Buffer
	if err := WriteLP(&buf, m); err != nil {
		return cbcSolution{}, err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return cbcSolution{}, err
	}
	return runCBC(bin, path)
}

// checkConflictWithCBC checks a conflict independently: the model keeping
// only the conflict's constraints (and forced, when not "", fixed in) is
// infeasible for CBC, and when the conflict claims to be minimal, dropping
// any one of them makes it feasible.
func checkConflictWithCBC(bin, dir string, k int, m *Model, cf *Conflict, forced string) string {
	for drop := -1; drop < len(cf.Constraints); drop++ {
		if drop >= 0 && !cf.Minimal {
			break
		}
		var keep []Constraint
		for j, con := range cf.Constraints {
			if j != drop {
				keep = append(keep, con)
			}
		}
		sol, err := solveWithCBC(bin, filepath.Join(dir, fmt.Sprintf("m%03d-%s-conflict%d.lp", k, forced, drop)), restrictTo(m, keep, forced))
		if err != nil {
			return fmt.Sprintf("instance %d: %v", k, err)
		}
		if want := drop < 0; (sol.status == "infeasible") != want {
			return fmt.Sprintf("instance %d: conflict %q without member %d: CBC says %s", k, cf.Text, drop, sol.status)
		}
	}
	return ""
}

// restrictTo returns m with only the given constraints (forced, when not
// "", fixed in).
func restrictTo(m *Model, keep []Constraint, forced string) *Model {
	r := cloneModel(m)
	has := func(match func(Constraint) bool) bool {
		return slices.ContainsFunc(keep, match)
	}
	r.Budgets = slices.DeleteFunc(r.Budgets, func(b Budget) bool {
		return !has(func(c Constraint) bool { return c.Kind == KindBudget && c.Year == b.Year })
	})
	if !has(func(c Constraint) bool { return c.Kind == KindEquity }) {
		r.MinHighNeedShare = 0
	}
	r.AreaLimits = slices.DeleteFunc(r.AreaLimits, func(l AreaLimit) bool {
		return !has(func(c Constraint) bool { return c.Kind == limitKind(l.Kind) && c.Area == l.Area })
	})
	for i := range r.Projects {
		p := &r.Projects[i]
		p.Requires = slices.DeleteFunc(p.Requires, func(o string) bool {
			return !has(func(c Constraint) bool { return c.Kind == KindRequires && c.Project == p.ID && c.Other == o })
		})
		p.Excludes = slices.DeleteFunc(p.Excludes, func(o string) bool {
			return !has(func(c Constraint) bool {
				return c.Kind == KindExcludes && (c.Project == p.ID && c.Other == o || c.Project == o && c.Other == p.ID)
			})
		})
		kind := map[Fixing]ConstraintKind{MustIn: KindMustIn, MustOut: KindMustOut}[p.Fixed]
		if p.Fixed != Free && !has(func(c Constraint) bool { return c.Kind == kind && c.Project == p.ID }) {
			p.Fixed = Free
		}
		if p.ID == forced {
			p.Fixed = MustIn
		}
	}
	return r
}

// checkCBCPlan describes CBC's plan under the exact check, to tell a
// solver error from CBC accepting a plan within its tolerances.
func checkCBCPlan(m *Model, sol cbcSolution) string {
	var ids []string
	for _, name := range sol.selected {
		k, err := strconv.Atoi(strings.TrimPrefix(name, "x"))
		if err != nil || k < 1 || k > len(m.Projects) {
			return "unreadable variable " + name
		}
		ids = append(ids, m.Projects[k-1].ID)
	}
	f, v, err := Check(m, ids)
	if err != nil {
		return err.Error()
	}
	if len(v) > 0 {
		return fmt.Sprintf("benefit %v, breaks %s", f.Benefit, v[0].Text)
	}
	return fmt.Sprintf("feasible, benefit %v", f.Benefit)
}
