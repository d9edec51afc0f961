package capital

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestLimitsAndStatuses: a node limit leaves a plan with a stated gap, a
// time limit that has passed before the root leaves no plan, cancelling
// stops the search, and every result encodes as JSON (no NaN or Inf).
func TestLimitsAndStatuses(t *testing.T) {
	m := Synthetic(SyntheticOptions{Seed: 1, Projects: 200})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name   string
		ctx    context.Context
		opt    Options
		status []Status
		limit  string
	}{
		{"node limit", context.Background(), Options{NodeLimit: 2}, []Status{StatusFeasible, StatusOptimal}, "nodes"},
		{"time limit", context.Background(), Options{TimeLimit: time.Nanosecond}, []Status{StatusUnknown}, "time"},
		{"cancelled", cancelled, Options{}, []Status{StatusUnknown}, "cancelled"},
		{"complete", context.Background(), Options{}, []Status{StatusOptimal}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Solve(tc.ctx, m, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !containsStatus(tc.status, res.Status) || res.Stats.Limit != tc.limit {
				t.Fatalf("status %s limit %q, want one of %v and %q", res.Status, res.Stats.Limit, tc.status, tc.limit)
			}
			if res.Status == StatusFeasible && (res.Gap <= 0 || res.Bound <= res.Objective || res.Optimal) {
				t.Errorf("feasible with gap %v bound %v objective %v optimal %v", res.Gap, res.Bound, res.Objective, res.Optimal)
			}
			if res.Status == StatusUnknown && (len(res.Selected) != 0 || res.Optimal) {
				t.Errorf("unknown with a plan %v", res.Selected)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Errorf("JSON: %v", err)
			}
		})
	}
	inf := Model{Budgets: budgetOf(1), Projects: []Project{fixed(proj("A", 5, 1, ""), MustIn)}}
	res, err := Solve(context.Background(), &inf, Options{Explain: true})
	if err != nil || res.Status != StatusInfeasible {
		t.Fatalf("%v %v", res, err)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("JSON of an infeasible result: %v", err)
	}
}

func containsStatus(list []Status, s Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestReasonsDoNotDependOnWorkers: explanations run in parallel, results
// are stored by project, so one worker and four give the same answer.
func TestReasonsDoNotDependOnWorkers(t *testing.T) {
	m := Synthetic(SyntheticOptions{Seed: 2, Projects: 80, Districts: 5, Dependencies: 10})
	one, err := Solve(context.Background(), m, Options{Explain: true, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	four, err := Solve(context.Background(), m, Options{Explain: true, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Reasons) == 0 || !reflect.DeepEqual(one.Reasons, four.Reasons) || !reflect.DeepEqual(one.Selected, four.Selected) {
		t.Fatalf("1 worker and 4 differ (%d and %d reasons)", len(one.Reasons), len(four.Reasons))
	}
}

// TestReasonsAfterALimit: when a node limit stops the search short of the
// optimum, a project whose forced plan beats the returned one is reported
// as search_limit, never as a tie or with a negative loss passed off as a
// reason.
func TestReasonsAfterALimit(t *testing.T) {
	m := Synthetic(SyntheticOptions{Seed: 4, Projects: 120, Districts: 6, Dependencies: 8})
	full := solveOrFatal(t, m, Options{})
	limited := solveOrFatal(t, m, Options{NodeLimit: 1, Explain: true})
	if limited.Status != StatusFeasible || limited.Objective >= full.Objective {
		t.Skipf("one node already found the optimum (%s %v of %v): nothing to check", limited.Status, limited.Objective, full.Objective)
	}
	found := 0
	for _, r := range limited.Reasons {
		if r.Loss < 0 && r.Code != ReasonSearchLimit {
			t.Errorf("%s: loss %v with code %s", r.Project, r.Loss, r.Code)
		}
		if r.Code == ReasonSearchLimit {
			found++
			if r.ForcedObjective <= limited.Objective {
				t.Errorf("%s: search_limit with forced benefit %v <= %v", r.Project, r.ForcedObjective, limited.Objective)
			}
		}
	}
	if found == 0 {
		t.Errorf("the limited plan (%v, optimum %v) has no project whose forced plan is better", limited.Objective, full.Objective)
	}
}
