package office

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
)

// AssessOptions name the cycle of a review: a fiscal year's phase (of the
// one jurisdiction with requests, or Jurisdiction).
type AssessOptions struct {
	FiscalYear   string // "2021-22"
	Phase        string // proposed or adopted: the changes requests carry
	Jurisdiction string
}

// cycle resolves the options to a phase key.
func (o *Office) cycle(ctx context.Context, opt AssessOptions) (budget.PhaseKey, error) {
	var k budget.PhaseKey
	if opt.FiscalYear == "" || opt.Phase == "" {
		return k, budget.Errorf(budget.EINVALID, "give --fy YEAR and --phase PHASE (proposed or adopted)")
	}
	fy, err := budget.ParseFiscalYear(opt.FiscalYear)
	if err != nil {
		return k, err
	}
	ph, err := budget.ParsePhase(opt.Phase)
	if err != nil {
		return k, err
	}
	if ph != budget.Proposed && ph != budget.Adopted {
		return k, budget.Errorf(budget.EINVALID, "phase %s: budget requests carry proposed and adopted changes only", ph)
	}
	k = budget.PhaseKey{Jurisdiction: opt.Jurisdiction, FiscalYear: fy, Phase: ph}
	if k.Jurisdiction == "" {
		runs, err := o.Store.ImportRuns(ctx)
		if err != nil {
			return k, err
		}
		seen := map[string]bool{}
		for _, r := range runs {
			seen[r.Jurisdiction] = true
		}
		if len(seen) > 1 {
			return k, budget.Errorf(budget.EINVALID, "several jurisdictions are stored: give --jurisdiction")
		}
		for j := range seen {
			k.Jurisdiction = j
		}
	}
	return k, nil
}

func requestCents(r budget.Request, ph budget.Phase) int64 {
	p := r.ProposedCents
	if ph == budget.Adopted {
		p = r.AdoptedCents
	}
	if p == nil {
		return 0
	}
	return *p
}

// triage is the city's triage rule (assess.DefaultTriage amended by the
// profile's assess section).
func (o *Office) triage() assess.Triage {
	t := assess.DefaultTriage
	if o.City != nil && o.City.Assess != nil {
		if o.City.Assess.FullFromDollars > 0 {
			t.FullFromCents = int64(math.Round(o.City.Assess.FullFromDollars * 100))
		}
		t.FullCategories = o.City.Assess.FullCategories
		if o.City.Assess.Full != "" {
			t.Full = o.City.Assess.Full
		}
		if o.City.Assess.Short != "" {
			t.Short = o.City.Assess.Short
		}
	}
	return t
}

// BulkOptions create the assessments of a cycle.
type BulkOptions struct {
	AssessOptions
	By  string // who creates them (the audit log's actor)
	Due string // due date for the departments, YYYY-MM-DD (optional)
}

// BulkResult says what BulkCreate did.
type BulkResult struct {
	Requests int `json:"requests"` // requests of the fiscal year
	Created  int `json:"created"`  // assessments created now
	Existing int `json:"existing"` // requests that had one already
	Full     int `json:"full"`     // requests that take the full template
	Short    int `json:"short"`    // requests that take the short form
}

// BulkCreate creates one draft assessment per current request of the
// cycle's fiscal year, choosing its template by triage (see
// assess.Triage); requests that have one already are left as they are.
// A locked cycle is ECONFLICT.
func (o *Office) BulkCreate(ctx context.Context, opt BulkOptions) (BulkResult, error) {
	var res BulkResult
	k, err := o.cycle(ctx, opt.AssessOptions)
	if err != nil {
		return res, err
	}
	if err := o.notLocked(ctx, k); err != nil {
		return res, err
	}
	if opt.Due != "" && !validDate(opt.Due) {
		return res, budget.Errorf(budget.EINVALID, "--due %q: give a date as YYYY-MM-DD", opt.Due)
	}
	fy := k.FiscalYear
	reqs, err := o.Store.Requests(ctx, budget.Filter{Jurisdiction: k.Jurisdiction, FiscalYear: &fy})
	if err != nil {
		return res, err
	}
	if len(reqs) == 0 {
		return res, budget.Errorf(budget.ENOTFOUND, "no budget requests of %s are stored (import the Budget_Requests_Detail files first)", k.FiscalYear)
	}
	tr := o.triage()
	versions := map[string]int{tr.Full: o.latestTemplate(tr.Full), tr.Short: o.latestTemplate(tr.Short)}
	for id, v := range versions {
		if v == 0 {
			return res, budget.Errorf(budget.EINVALID, "triage names template %s, which is neither shipped nor in the city profile's assess.templates", id)
		}
	}
	as := make([]assess.Assessment, 0, len(reqs))
	for _, r := range reqs {
		cents := requestCents(r, k.Phase)
		tmpl := tr.Template(cents, r.Category)
		if tmpl == tr.Full {
			res.Full++
		} else {
			res.Short++
		}
		as = append(as, assess.Assessment{Jurisdiction: r.Jurisdiction, FYStart: fy.Start, Phase: k.Phase, RequestKey: RequestID(r),
			Department: r.Department, Program: r.Program, Description: r.Description, Category: r.Category, AmountCents: cents,
			Template: tmpl, TemplateVersion: versions[tmpl], Status: assess.Draft, Due: opt.Due, Answers: map[string]any{}})
	}
	res.Requests = len(reqs)
	if res.Created, err = o.Store.CreateAssessments(ctx, as, opt.By); err != nil {
		return res, err
	}
	res.Existing = res.Requests - res.Created
	return res, nil
}

func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// CoverageRow is one department's review coverage in a cycle. Dollars are
// the requests' changes counted by their absolute value (a cut is as much
// a decision as an addition, and signed sums could cancel to nothing).
type CoverageRow struct {
	Department      string         `json:"department"` // department code
	DepartmentName  string         `json:"department_name"`
	Requests        int            `json:"requests"`
	Assessed        int            `json:"assessed"` // requests with an assessment
	Dollars         float64        `json:"dollars"`
	DollarsAssessed float64        `json:"dollars_assessed"`
	Decided         int            `json:"decided"` // assessments with a decision
	ByStatus        map[string]int `json:"by_status"`
	ScoreMean       *float64       `json:"score_mean"` // mean score of the scored and decided (null: none)
	Decisions       map[string]int `json:"decisions"`
}

// Coverage lists, by department (ordered by code), how many requests of
// the cycle and how many of their dollars have an assessment, with the
// assessments by status and decision and the mean score.
func (o *Office) Coverage(ctx context.Context, opt AssessOptions) ([]CoverageRow, error) {
	k, err := o.cycle(ctx, opt)
	if err != nil {
		return nil, err
	}
	fy := k.FiscalYear
	reqs, err := o.Store.Requests(ctx, budget.Filter{Jurisdiction: k.Jurisdiction, FiscalYear: &fy})
	if err != nil {
		return nil, err
	}
	as, err := o.Store.Assessments(ctx, assess.Filter{Jurisdiction: k.Jurisdiction, FYStart: fy.Start, Phase: k.Phase})
	if err != nil {
		return nil, err
	}
	byKey := map[string]assess.Assessment{}
	for _, a := range as {
		byKey[a.RequestKey] = a
	}
	rows := map[string]*CoverageRow{}
	sums := map[string][2]float64{}
	for _, r := range reqs {
		row := rows[r.Department.Code]
		if row == nil {
			row = &CoverageRow{Department: r.Department.Code, DepartmentName: r.Department.Name, ByStatus: map[string]int{}, Decisions: map[string]int{}}
			rows[r.Department.Code] = row
		}
		cents := abs64(requestCents(r, k.Phase))
		row.Requests++
		row.Dollars += float64(cents) / 100
		a, ok := byKey[RequestID(r)]
		if !ok {
			continue
		}
		row.Assessed++
		row.DollarsAssessed += float64(cents) / 100
		row.ByStatus[string(a.Status)]++
		if a.Decision != "" {
			row.Decided++
			row.Decisions[string(a.Decision)]++
		}
		if t, err := o.Template(a.Template, a.TemplateVersion); err == nil && (a.Status == assess.Scored || a.Status == assess.Decided) {
			if sc := assess.AssessmentScore(t, a); !math.IsNaN(sc) {
				s := sums[r.Department.Code]
				sums[r.Department.Code] = [2]float64{s[0] + sc, s[1] + 1}
			}
		}
	}
	out := make([]CoverageRow, 0, len(rows))
	for code, r := range rows {
		r.Dollars, r.DollarsAssessed = math.Round(r.Dollars*100)/100, math.Round(r.DollarsAssessed*100)/100
		if s := sums[code]; s[1] > 0 {
			m := math.Round(s[0]/s[1]*10) / 10
			r.ScoreMean = &m
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Department < out[j].Department })
	return out, nil
}

// ListOptions select assessments.
type ListOptions struct {
	AssessOptions
	Department string
	Status     string
	Reviewer   string
}

// Assessments lists a cycle's assessments (by department and request).
func (o *Office) Assessments(ctx context.Context, opt ListOptions) ([]assess.Assessment, error) {
	k, err := o.cycle(ctx, opt.AssessOptions)
	if err != nil {
		return nil, err
	}
	f := assess.Filter{Jurisdiction: k.Jurisdiction, FYStart: k.FiscalYear.Start, Phase: k.Phase, Department: opt.Department, Reviewer: opt.Reviewer}
	if opt.Status != "" {
		ok := false
		for _, s := range assess.Statuses {
			ok = ok || string(s) == opt.Status
		}
		if !ok {
			return nil, budget.Errorf(budget.EINVALID, "unknown status %q: use draft, submitted, in_review, scored or decision", opt.Status)
		}
		f.Status = assess.Status(opt.Status)
	}
	return o.Store.Assessments(ctx, f)
}

// Agreement is the weighted kappa between the first two reviewers of the
// cycle's assessments (assess.CycleAgreement, rubric levels 0 to 3).
func (o *Office) Agreement(ctx context.Context, opt AssessOptions) (assess.Agreement, error) {
	as, err := o.Assessments(ctx, ListOptions{AssessOptions: opt})
	if err != nil {
		return assess.Agreement{}, err
	}
	return assess.CycleAgreement(as, 4), nil
}

// LockOptions close a cycle's review.
type LockOptions struct {
	AssessOptions
	By string
}

// LockReview closes a cycle's review: only when every request of the
// fiscal year has an assessment with a decision (ECONFLICT naming how many
// lack one and the first of them otherwise).
func (o *Office) LockReview(ctx context.Context, opt LockOptions) error {
	rows, err := o.Coverage(ctx, opt.AssessOptions)
	if err != nil {
		return err
	}
	k, _ := o.cycle(ctx, opt.AssessOptions)
	missing, first := 0, ""
	for _, r := range rows {
		if n := r.Requests - r.Decided; n > 0 {
			missing += n
			if first == "" {
				first = r.Department + " " + r.DepartmentName
			}
		}
	}
	if missing > 0 {
		return budget.Errorf(budget.ECONFLICT, "%s cannot be locked: %d requests have no decision yet (first in department %s)", k, missing, first)
	}
	if len(rows) == 0 {
		return budget.Errorf(budget.ENOTFOUND, "no requests of %s are stored", k)
	}
	return o.Store.LockPhase(ctx, k, opt.By)
}

func (o *Office) notLocked(ctx context.Context, k budget.PhaseKey) error {
	locks, err := o.Store.PhaseLocks(ctx)
	if err != nil {
		return err
	}
	for _, l := range locks {
		if l.Jurisdiction == k.Jurisdiction && l.FiscalYear.Start == k.FiscalYear.Start && l.Phase == k.Phase {
			return budget.Errorf(budget.ECONFLICT, "the review of %s was locked by %s on %s: nothing in it changes", k, l.By, l.At.Format("2006-01-02"))
		}
	}
	return nil
}

// departmentKnown checks a department code against the stored requests
// and line items (any when none is stored).
func (o *Office) departmentKnown(ctx context.Context, code string) error {
	reqs, err := o.Store.Requests(ctx, budget.Filter{})
	if err != nil || len(reqs) == 0 {
		return err
	}
	codes := map[string]bool{}
	for _, r := range reqs {
		codes[r.Department.Code] = true
	}
	if codes[code] {
		return nil
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	sort.Strings(list)
	return budget.Errorf(budget.EINVALID, "department %q has no budget requests: use a code as budgetlens assess coverage lists it (%s)", code, strings.Join(list, ", "))
}

// RequestID is a request's id within its fiscal year: its natural key and
// source line ("KEY#LINE"; the key alone repeats when a department files
// several requests on one account), as the explorer names it.
func RequestID(r budget.Request) string { return fmt.Sprintf("%s#%d", r.Key, r.Line) }
