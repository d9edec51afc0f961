package assess

import (
	"fmt"

	"github.com/budgetlens/budgetlens/budget"
)

// Action is a step of the workflow.
type Action string

const (
	Submit      Action = "submit"       // draft -> submitted (the department)
	Return      Action = "return"       // submitted or in_review -> draft (back to the department, with a comment)
	StartReview Action = "start_review" // submitted -> in_review
	Complete    Action = "complete"     // in_review -> scored (every reviewer has scored every rubric question)
	Decide      Action = "decide"       // scored -> decision (with a Decision)
	Reopen      Action = "reopen"       // scored or decision -> in_review
)

// Actions lists the workflow's actions.
var Actions = []Action{Submit, Return, StartReview, Complete, Decide, Reopen}

var moves = map[Action]struct {
	from []Status
	to   Status
}{
	Submit:      {[]Status{Draft}, Submitted},
	Return:      {[]Status{Submitted, InReview}, Draft},
	StartReview: {[]Status{Submitted}, InReview},
	Complete:    {[]Status{InReview}, Scored},
	Decide:      {[]Status{Scored}, Decided},
	Reopen:      {[]Status{Scored, Decided}, InReview},
}

// ParseAction returns the action named s, or EINVALID listing them.
func ParseAction(s string) (Action, error) {
	if _, ok := moves[Action(s)]; ok {
		return Action(s), nil
	}
	return "", budget.Errorf(budget.EINVALID, "unknown action %q: use submit, return, start_review, complete, decide or reopen", s)
}

// ParseDecision returns the decision named s, or EINVALID listing them.
func ParseDecision(s string) (Decision, error) {
	switch d := Decision(s); d {
	case Recommended, Funded, NotFunded:
		return d, nil
	}
	return "", budget.Errorf(budget.EINVALID, "unknown decision %q: use recommended, funded or not_funded", s)
}

// Next returns the status action leads to from a's status, or ECONFLICT
// saying which statuses the action starts from. Besides the status it
// checks what the step needs: submitting needs every required question of
// t answered; completing needs at least one review scoring every rubric
// question, from each listed reviewer; deciding needs a decision.
func Next(a Assessment, t *Template, act Action, d Decision) (Status, error) {
	m, ok := moves[act]
	if !ok {
		return "", budget.Errorf(budget.EINVALID, "unknown action %q", act)
	}
	allowed := false
	for _, f := range m.from {
		allowed = allowed || f == a.Status
	}
	if !allowed {
		return "", budget.Errorf(budget.ECONFLICT, "assessment %d is %s: %s applies to %v", a.ID, a.Status, act, m.from)
	}
	switch act {
	case Submit:
		if missing := t.Unanswered(a.Answers); len(missing) > 0 {
			return "", budget.Errorf(budget.EINVALID, "assessment %d cannot be submitted: answer the required questions %v first", a.ID, missing)
		}
	case Complete:
		if err := completeReviews(a, t); err != nil {
			return "", err
		}
	case Decide:
		if _, err := ParseDecision(string(d)); err != nil {
			return "", err
		}
	}
	return m.to, nil
}

func completeReviews(a Assessment, t *Template) error {
	if len(a.Reviews) == 0 {
		return budget.Errorf(budget.ECONFLICT, "assessment %d has no review yet: score it first", a.ID)
	}
	for _, r := range a.Reviews {
		if missing := t.Unscored(r.Scores); len(missing) > 0 {
			return budget.Errorf(budget.ECONFLICT, "assessment %d: %s has not scored %v", a.ID, r.Reviewer, missing)
		}
	}
	for _, name := range a.Reviewers {
		found := false
		for _, r := range a.Reviews {
			found = found || r.Reviewer == name
		}
		if !found {
			return budget.Errorf(budget.ECONFLICT, "assessment %d: reviewer %s has not scored it yet", a.ID, name)
		}
	}
	return nil
}

// Apply moves a to the status act leads to (see Next) and records d for
// Decide (clearing it on Reopen).
func Apply(a *Assessment, t *Template, act Action, d Decision) error {
	to, err := Next(*a, t, act, d)
	if err != nil {
		return err
	}
	a.Status = to
	switch act {
	case Decide:
		a.Decision = d
	case Reopen, Return:
		a.Decision = ""
	}
	return nil
}

// String names a status for people.
func (s Status) String() string { return string(s) }

// Label is a status in words.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Draft"
	case Submitted:
		return "Submitted"
	case InReview:
		return "In review"
	case Scored:
		return "Scored"
	case Decided:
		return "Decided"
	}
	return fmt.Sprint(string(s))
}
