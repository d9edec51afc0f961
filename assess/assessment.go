// Package assess is the equity review of budget requests: templates of
// questions with their rubrics and weights (versioned YAML), the triage
// that picks a template for a request, the workflow from draft to
// decision, scoring, and the agreement between two reviewers (weighted
// kappa). It is pure: it knows nothing of storage, HTTP or the CLI. The
// store keeps Assessment values (store.AssessStore); package office runs
// the workflow on them; web and the CLI call office.
package assess

import (
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// Status is where an assessment is in the workflow (see Next).
type Status string

const (
	Draft     Status = "draft"     // the department is answering
	Submitted Status = "submitted" // answered, waiting for an analyst
	InReview  Status = "in_review" // an analyst or reviewer is scoring it
	Scored    Status = "scored"    // every assigned reviewer has scored it
	Decided   Status = "decision"  // a decision is recorded
)

// Statuses lists the statuses in workflow order.
var Statuses = []Status{Draft, Submitted, InReview, Scored, Decided}

// Decision is the outcome recorded at the end of the workflow.
type Decision string

const (
	Recommended Decision = "recommended"
	Funded      Decision = "funded"
	NotFunded   Decision = "not_funded"
)

// Assessment is the equity review of one budget request in one phase. The
// request's classification and amount are copied when the assessment is
// created (so it reads the same after the budget is imported again).
// Version counts its changes from 1; every change needs the version it was
// made on (see store.AssessStore.UpdateAssessment).
type Assessment struct {
	ID           int64        `json:"id"`
	Jurisdiction string       `json:"jurisdiction"`
	FiscalYear   string       `json:"fiscal_year"` // "2021-22"
	FYStart      int          `json:"-"`
	Phase        budget.Phase `json:"phase"`
	RequestKey   string       `json:"request_key"`
	Department   budget.Code  `json:"department"`
	Program      budget.Code  `json:"program"`
	Description  string       `json:"description"`
	Category     string       `json:"category"`
	// AmountCents is the request's change in the phase (proposed or
	// adopted), in cents; 0 when the source left it empty.
	AmountCents     int64          `json:"amount_cents"`
	Template        string         `json:"template"`
	TemplateVersion int            `json:"template_version"`
	Status          Status         `json:"status"`
	Decision        Decision       `json:"decision,omitempty"`
	Reviewers       []string       `json:"reviewers"`
	Due             string         `json:"due,omitempty"` // YYYY-MM-DD
	Answers         map[string]any `json:"answers"`
	Reviews         []Review       `json:"reviews"`
	Comments        []Comment      `json:"comments"`
	Version         int64          `json:"version"`
	// AuditSeq is the audit log entry of the assessment's last change.
	AuditSeq int64     `json:"-"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Review is one reviewer's scores: rubric level by question id.
type Review struct {
	Reviewer string         `json:"reviewer"`
	Scores   map[string]int `json:"scores"`
	At       time.Time      `json:"at"`
}

// Comment is a note on an assessment.
type Comment struct {
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
}

// Filter selects assessments; empty fields select all.
type Filter struct {
	Jurisdiction string
	FYStart      int
	Phase        budget.Phase
	Department   string
	Status       Status
	Reviewer     string // assessments listing this reviewer
}

// Key names the request an assessment reviews within its phase.
func (a Assessment) Key() string { return a.RequestKey }

// HasReviewer reports whether name is one of the assessment's reviewers.
func (a Assessment) HasReviewer(name string) bool {
	for _, r := range a.Reviewers {
		if r == name {
			return true
		}
	}
	return false
}
