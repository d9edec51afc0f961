package office

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/report"
)

// ReviewSection is the council report's section on the equity review of
// a cycle's requests: coverage, scores and decisions by department, and
// the agreement between reviewers. ok is false when the cycle has no
// assessment (the public view has none: the review is internal).
func (o *Office) ReviewSection(ctx context.Context, opt AssessOptions) (report.Section, bool, error) {
	rows, err := o.Coverage(ctx, opt)
	if err != nil {
		return report.Section{}, false, err
	}
	var req, assessed, decided int
	var dollars, dollarsAssessed float64
	for _, r := range rows {
		req, assessed, decided = req+r.Requests, assessed+r.Assessed, decided+r.Decided
		dollars, dollarsAssessed = dollars+r.Dollars, dollarsAssessed+r.DollarsAssessed
	}
	if assessed == 0 {
		return report.Section{}, false, nil
	}
	ag, err := o.Agreement(ctx, opt)
	if err != nil {
		return report.Section{}, false, err
	}
	t := &report.Table{Name: "Equity review", Title: "Equity review by department: coverage, scores and decisions",
		Columns: []report.Column{{Key: "department", Label: "Department", Kind: report.KindText}, {Key: "requests", Label: "Requests", Kind: report.KindInt},
			{Key: "assessed", Label: "Assessed", Kind: report.KindInt}, {Key: "dollars_share", Label: "Share of dollars assessed", Kind: report.KindPercent},
			{Key: "scored", Label: "Scored or decided", Kind: report.KindInt}, {Key: "score", Label: "Mean score (0-100)", Kind: report.KindNumber, Digits: 1},
			{Key: "funded", Label: "Funded", Kind: report.KindInt}, {Key: "recommended", Label: "Recommended", Kind: report.KindInt},
			{Key: "not_funded", Label: "Not funded", Kind: report.KindInt}},
		Note: "Dollars are the requests' changes counted by their absolute value. A score is the weighted rubric score of the template, the mean of its reviewers'."}
	for _, r := range rows {
		var share, score any
		if r.Dollars > 0 {
			share = r.DollarsAssessed / r.Dollars
		}
		if r.ScoreMean != nil {
			score = *r.ScoreMean
		}
		t.Rows = append(t.Rows, []any{r.Department + " " + r.DepartmentName, r.Requests, r.Assessed, share,
			r.ByStatus[string(assess.Scored)] + r.ByStatus[string(assess.Decided)], score,
			r.Decisions[string(assess.Funded)], r.Decisions[string(assess.Recommended)], r.Decisions[string(assess.NotFunded)]})
	}
	intro := fmt.Sprintf("%d of %d requests (%.1f%% of the dollars they change) have an equity assessment; %d have a decision.",
		assessed, req, 100*safeDiv(dollarsAssessed, dollars), decided)
	agree := "No request has been scored by two reviewers yet, so the agreement between reviewers is not reported."
	if ag.Pairs > 0 && !math.IsNaN(ag.Kappa) {
		agree = fmt.Sprintf("Where two reviewers scored the same request, their agreement (linear weighted kappa over %d pairs of rubric levels from %d requests) is %.2f; they gave the same level %.0f%% of the time.",
			ag.Pairs, ag.Items, ag.Kappa, 100*ag.Exact)
	}
	return report.Section{ID: "review", Title: "Equity review of budget requests", Intro: intro,
		Blocks: []report.Block{&report.Paragraph{Text: agree}, t}}, true, nil
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// AddReview inserts the review section of the document's own fiscal year
// and phase before its methods section, when that cycle has assessments.
func (o *Office) AddReview(ctx context.Context, doc *report.Document) error {
	ph := strings.ToLower(doc.Phase)
	if doc.FiscalYear == "" || (ph != string(budget.Proposed) && ph != string(budget.Adopted)) {
		return nil
	}
	sec, ok, err := o.ReviewSection(ctx, AssessOptions{FiscalYear: doc.FiscalYear, Phase: ph})
	if err != nil || !ok {
		return err
	}
	at := len(doc.Sections)
	for i, s := range doc.Sections {
		if s.ID == "methods" {
			at = i
			break
		}
	}
	doc.Sections = append(doc.Sections[:at], append([]report.Section{sec}, doc.Sections[at:]...)...)
	return nil
}

// AssessmentsDocument is the assessments of a cycle as a document (for
// XLSX, HTML and PDF): the review section and one row per assessment.
func (o *Office) AssessmentsDocument(ctx context.Context, opt ListOptions) (*report.Document, error) {
	as, err := o.Assessments(ctx, opt)
	if err != nil {
		return nil, err
	}
	k, _ := o.cycle(ctx, opt.AssessOptions)
	doc := &report.Document{Title: fmt.Sprintf("Equity assessments of the %s %s budget requests", k.FiscalYear, k.Phase),
		FiscalYear: k.FiscalYear.Label(), Phase: string(k.Phase), Version: budget.Version}
	if o.City != nil {
		doc.Jurisdiction = o.City.Title()
	}
	if sec, ok, err := o.ReviewSection(ctx, opt.AssessOptions); err != nil {
		return nil, err
	} else if ok {
		doc.Sections = append(doc.Sections, sec)
		doc.Summary = append(doc.Summary, sec.Intro)
		if p, ok := sec.Blocks[0].(*report.Paragraph); ok {
			doc.Summary = append(doc.Summary, p.Text)
		}
	}
	if opt.Department != "" || opt.Status != "" {
		doc.Summary = append(doc.Summary, fmt.Sprintf("The list of assessments below is limited to department %q and status %q (empty: all); the review by department covers the whole cycle.", opt.Department, opt.Status))
	}
	t := &report.Table{Name: "Assessments", Title: "Every assessment",
		Columns: []report.Column{{Key: "id", Label: "Id", Kind: report.KindText}, {Key: "department", Label: "Department", Kind: report.KindText},
			{Key: "program", Label: "Program", Kind: report.KindText}, {Key: "description", Label: "Request", Kind: report.KindText},
			{Key: "category", Label: "Category", Kind: report.KindText}, {Key: "dollars", Label: "Change", Kind: report.KindDollars},
			{Key: "template", Label: "Template", Kind: report.KindText}, {Key: "status", Label: "Status", Kind: report.KindText},
			{Key: "decision", Label: "Decision", Kind: report.KindText}, {Key: "reviewers", Label: "Reviewers", Kind: report.KindText},
			{Key: "score", Label: "Score", Kind: report.KindNumber, Digits: 1}}}
	for _, a := range as {
		var score any
		if tp, err := o.Template(a.Template, a.TemplateVersion); err == nil {
			if s := assess.AssessmentScore(tp, a); !math.IsNaN(s) {
				score = s
			}
		}
		t.Rows = append(t.Rows, []any{fmt.Sprint(a.ID), a.Department.Code + " " + a.Department.Name, a.Program.Code + " " + a.Program.Name,
			strings.Join(strings.Fields(a.Description), " "), a.Category, float64(a.AmountCents) / 100, a.Template, string(a.Status),
			string(a.Decision), strings.Join(a.Reviewers, ", "), score})
	}
	doc.Sections = append(doc.Sections, report.Section{ID: "assessments", Title: "Assessments", Blocks: []report.Block{t}})
	return doc, nil
}
