package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/assess"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

// newAssessCmd is `budgetlens assess ...`: the equity review of budget
// requests.
func newAssessCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "assess",
		Short: "The equity review of budget requests: create, list, show, move, score, lock",
		Long: `assess runs the equity review of every budget request of a fiscal year's phase.

  bulk-create  one draft assessment per request (template chosen by triage)
  coverage     requests and dollars assessed, by department and status
  ls           list assessments
  show         one assessment: questions, answers, reviews, score, checks
  answer       set answers (a JSON merge patch of the answers)
  assign       name the reviewers and the due date
  move         a workflow step: submit, return, start_review, complete,
               decide (--decision), reopen
  score        record a reviewer's rubric levels
  comment      add a comment
  agreement    weighted kappa between reviewers over the cycle
  lock         close the cycle (every request needs a decision)
  templates    the shipped templates
  export       the assessments as CSV, XLSX, PDF or HTML

The server (serve) offers the same to signed-in users. Every change is in
the audit log (budgetlens audit). See docs/assess.md.`,
		Example: `  budgetlens assess bulk-create --fy 2024-25 --phase proposed --due 2024-03-15
  budgetlens assess coverage --fy 2024-25 --phase proposed --format json
  budgetlens assess ls --fy 2024-25 --phase proposed --status submitted
  budgetlens assess export --fy 2024-25 --phase proposed --out equity_review_2024-25.pdf`,
	}
	cmd.AddCommand(newAssessBulkCmd(e), newAssessCoverageCmd(e), newAssessLsCmd(e), newAssessShowCmd(e), newAssessAnswerCmd(e),
		newAssessAssignCmd(e), newAssessMoveCmd(e), newAssessScoreCmd(e), newAssessCommentCmd(e), newAssessAgreementCmd(e),
		newAssessLockCmd(e), newAssessTemplatesCmd(e), newAssessExportCmd(e))
	return cmd
}

func cycleFlags(cmd *cobra.Command, opt *office.AssessOptions) {
	cmd.Flags().StringVar(&opt.FiscalYear, "fy", "", "fiscal year: 2021-22 or FY2021-22")
	cmd.Flags().StringVar(&opt.Phase, "phase", "", "phase: proposed or adopted")
	cmd.Flags().StringVar(&opt.Jurisdiction, "jurisdiction", "", "jurisdiction id (needed only when several are stored)")
}

func byFlag(cmd *cobra.Command, by *string) {
	cmd.Flags().StringVar(by, "as", "", "who makes the change (default: the operating-system user)")
}

func whoOr(by string) string {
	if by == "" {
		return osUser()
	}
	return by
}

func newAssessBulkCmd(e *env) *cobra.Command {
	var opt office.BulkOptions
	var format string
	cmd := &cobra.Command{
		Use:   "bulk-create --fy YEAR --phase PHASE",
		Short: "Create one draft assessment per budget request of the phase",
		Example: `  budgetlens assess bulk-create --fy 2024-25 --phase proposed
  budgetlens assess bulk-create --fy 2024-25 --phase proposed --due 2024-03-15 --as budget.office
  budgetlens assess bulk-create --fy FY2024-25 --phase proposed --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opt.By = whoOr(opt.By)
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				r, err := o.BulkCreate(ctx, opt)
				if err != nil {
					return err
				}
				if format == "json" {
					return table.WriteJSON(cmd.OutOrStdout(), r)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d requests: %d assessments created, %d existed already (%d take the full template, %d the short form)\n",
					r.Requests, r.Created, r.Existing, r.Full, r.Short)
				return nil
			})
		},
	}
	cycleFlags(cmd, &opt.AssessOptions)
	cmd.Flags().StringVar(&opt.Due, "due", "", "due date for the departments (YYYY-MM-DD)")
	addFormatFlag(cmd, &format, "table", "json")
	byFlag(cmd, &opt.By)
	return cmd
}

func newAssessCoverageCmd(e *env) *cobra.Command {
	var opt office.AssessOptions
	var format string
	cmd := &cobra.Command{
		Use:   "coverage --fy YEAR --phase PHASE",
		Short: "Requests and dollars assessed, by department and status",
		Long: `coverage lists, for every department with requests: requests, assessed (requests
with an assessment), dollars and dollars_assessed (each request's change counted
by its absolute value), decided, the assessments by status and decision, and
the mean score of those scored.`,
		Example: `  budgetlens assess coverage --fy 2024-25 --phase proposed
  budgetlens assess coverage --fy 2024-25 --phase proposed --format json
  budgetlens assess coverage --fy 2024-25 --phase adopted --format csv --delimiter ';' > coverage.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				rows, err := o.Coverage(ctx, opt)
				if err != nil {
					return err
				}
				var out [][]string
				for _, r := range rows {
					score := ""
					if r.ScoreMean != nil {
						score = strconv.FormatFloat(*r.ScoreMean, 'f', 1, 64)
					}
					out = append(out, []string{r.Department, r.DepartmentName, strconv.Itoa(r.Requests), strconv.Itoa(r.Assessed),
						strconv.FormatFloat(r.Dollars, 'f', 2, 64), strconv.FormatFloat(r.DollarsAssessed, 'f', 2, 64), strconv.Itoa(r.Decided),
						statusCounts(r.ByStatus), score})
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"department", "department_name", "requests", "assessed", "dollars", "dollars_assessed", "decided", "by_status", "score_mean"}, out, rows)
			})
		},
	}
	cycleFlags(cmd, &opt)
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func statusCounts(m map[string]int) string {
	var parts []string
	for _, s := range assess.Statuses {
		if n := m[string(s)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	return strings.Join(parts, ", ")
}

// assessmentRow is an assessment as ls writes it (JSON and CSV).
type assessmentRow struct {
	ID          int64    `json:"id"`
	Department  string   `json:"department"`
	Program     string   `json:"program"`
	RequestKey  string   `json:"request_key"`
	Category    string   `json:"category"`
	Dollars     float64  `json:"dollars"`
	Template    string   `json:"template"`
	Status      string   `json:"status"`
	Decision    string   `json:"decision"`
	Reviewers   []string `json:"reviewers"`
	Due         string   `json:"due"`
	Score       *float64 `json:"score"`
	Version     int64    `json:"version"`
	Description string   `json:"description"`
}

func rowOf(o *office.Office, a assess.Assessment) assessmentRow {
	r := assessmentRow{ID: a.ID, Department: a.Department.Code, Program: a.Program.Code, RequestKey: a.RequestKey, Category: a.Category,
		Dollars: float64(a.AmountCents) / 100, Template: a.Template, Status: string(a.Status), Decision: string(a.Decision),
		Reviewers: a.Reviewers, Due: a.Due, Version: a.Version, Description: strings.TrimSpace(a.Description)}
	if r.Reviewers == nil {
		r.Reviewers = []string{}
	}
	if t, err := o.Template(a.Template, a.TemplateVersion); err == nil {
		if s := assess.AssessmentScore(t, a); s == s {
			s = float64(int64(s*10+0.5)) / 10
			r.Score = &s
		}
	}
	return r
}

func newAssessLsCmd(e *env) *cobra.Command {
	var opt office.ListOptions
	var format string
	cmd := &cobra.Command{
		Use:   "ls --fy YEAR --phase PHASE [--department CODE] [--status S] [--reviewer NAME]",
		Short: "List assessments",
		Example: `  budgetlens assess ls --fy 2024-25 --phase proposed
  budgetlens assess ls --fy 2024-25 --phase proposed --department 12 --status draft
  budgetlens assess ls --fy 2024-25 --phase proposed --reviewer rev.one --format json
  budgetlens assess ls --fy 2024-25 --phase proposed --format csv > assessments.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				as, err := o.Assessments(ctx, opt)
				if err != nil {
					return err
				}
				rows := make([]assessmentRow, len(as))
				var out [][]string
				for i, a := range as {
					rows[i] = rowOf(o, a)
					r := rows[i]
					score := ""
					if r.Score != nil {
						score = strconv.FormatFloat(*r.Score, 'f', 1, 64)
					}
					out = append(out, []string{strconv.FormatInt(r.ID, 10), r.Department, r.Program, r.Category, strconv.FormatFloat(r.Dollars, 'f', 2, 64),
						r.Template, r.Status, r.Decision, strings.Join(r.Reviewers, " "), r.Due, score, strconv.FormatInt(r.Version, 10), r.Description})
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"id", "department", "program", "category", "dollars", "template", "status", "decision", "reviewers", "due", "score", "version", "description"}, out, rows)
			})
		},
	}
	cycleFlags(cmd, &opt.AssessOptions)
	cmd.Flags().StringVar(&opt.Department, "department", "", "department code")
	cmd.Flags().StringVar(&opt.Status, "status", "", "draft, submitted, in_review, scored or decision")
	cmd.Flags().StringVar(&opt.Reviewer, "reviewer", "", "assessments of this reviewer")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	completeWords(cmd, "status", "draft", "submitted", "in_review", "scored", "decision")
	return cmd
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "assessment id %q: give the number ls lists", s)
	}
	return id, nil
}

func newAssessShowCmd(e *env) *cobra.Command {
	var format string
	var checks bool
	cmd := &cobra.Command{
		Use:   "show ID [--checks]",
		Short: "One assessment: questions and answers, reviews, score, comments (--checks: the automatic checks)",
		Example: `  budgetlens assess show 42
  budgetlens assess show 42 --checks
  budgetlens assess show 42 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				v, err := o.Assessment(ctx, id)
				if err != nil {
					return err
				}
				if checks {
					v.Checks = o.Checks(ctx, v.Assessment)
				}
				if format == "json" {
					return table.WriteJSON(cmd.OutOrStdout(), v)
				}
				return writeAssessment(cmd.OutOrStdout(), v)
			})
		},
	}
	addFormatFlag(cmd, &format, "table", "json")
	cmd.Flags().BoolVar(&checks, "checks", false, "compute the automatic checks (analyses the phase; takes a while)")
	return cmd
}

func writeAssessment(w io.Writer, v *office.AssessmentView) error {
	a := v.Assessment
	fmt.Fprintf(w, "Assessment %d (version %d): %s\n", a.ID, a.Version, a.Status.Label())
	fmt.Fprintf(w, "  request    %s, FY%s %s, %s %s / %s %s\n", a.RequestKey, a.FiscalYear, a.Phase, a.Department.Code, a.Department.Name, a.Program.Code, a.Program.Name)
	fmt.Fprintf(w, "  change     %s dollars, %s\n", table.GroupDigits(strconv.FormatFloat(float64(a.AmountCents)/100, 'f', 2, 64)), a.Category)
	fmt.Fprintf(w, "  about      %s\n", strings.Join(strings.Fields(a.Description), " "))
	fmt.Fprintf(w, "  template   %s v%d (%s)\n", a.Template, a.TemplateVersion, v.TemplateTitle)
	if len(a.Reviewers) > 0 || a.Due != "" {
		fmt.Fprintf(w, "  reviewers  %s; due %s\n", strings.Join(a.Reviewers, ", "), a.Due)
	}
	if a.Decision != "" {
		fmt.Fprintf(w, "  decision   %s\n", a.Decision)
	}
	if v.Score != nil {
		fmt.Fprintf(w, "  score      %.1f of 100\n", *v.Score)
	}
	fmt.Fprintln(w, "Questions:")
	for _, q := range v.Questions {
		ans := "(no answer)"
		if x, ok := a.Answers[q.ID]; ok {
			b, _ := json.Marshal(x)
			ans = string(b)
			if s, ok := x.(string); ok {
				ans = s
			}
		}
		fmt.Fprintf(w, "  [%s, %s] %s\n      %s\n", q.ID, q.Kind, q.Prompt, ans)
	}
	for _, r := range a.Reviews {
		fmt.Fprintf(w, "Review by %s: %v\n", r.Reviewer, r.Scores)
	}
	for _, c := range a.Comments {
		fmt.Fprintf(w, "Comment by %s (%s): %s\n", c.Author, c.At.Format("2006-01-02"), c.Text)
	}
	for _, c := range v.Checks {
		fmt.Fprintf(w, "Check %s [%s]: %s\n", c.ID, c.Status, c.Text)
	}
	return nil
}

func printView(cmd *cobra.Command, v *office.AssessmentView, err error) error {
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "assessment %d: %s, version %d\n", v.ID, v.Status, v.Version)
	return nil
}

func newAssessAnswerCmd(e *env) *cobra.Command {
	var by string
	var version int64
	cmd := &cobra.Command{
		Use:   `answer ID '{"purpose": "..."}' [--version N]`,
		Short: "Set answers of a draft: a JSON merge patch of the answers (null removes one)",
		Example: `  budgetlens assess answer 42 '{"purpose": "Extend library hours in the districts with the least access"}'
  budgetlens assess answer 42 '{"data_sources": null}' --version 3 --as dept.staff`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			if !json.Valid([]byte(args[1])) {
				return budget.Errorf(budget.EINVALID, "answers: give a JSON object such as '{\"purpose\": \"...\"}'")
			}
			patch := []byte(`{"answers":` + args[1] + `}`)
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				v, err := o.Patch(ctx, office.PatchOptions{ID: id, Version: version, Patch: patch, By: whoOr(by)})
				return printView(cmd, v, err)
			})
		},
	}
	cmd.Flags().Int64Var(&version, "version", 0, "the version the change is made on (refused when it changed since; default: the current)")
	byFlag(cmd, &by)
	return cmd
}

func newAssessAssignCmd(e *env) *cobra.Command {
	var by, due string
	var reviewers []string
	cmd := &cobra.Command{
		Use:   "assign ID --reviewer NAME [--reviewer NAME] [--due YYYY-MM-DD]",
		Short: "Name an assessment's reviewers (replacing them) and its due date",
		Example: `  budgetlens assess assign 42 --reviewer rev.one --reviewer rev.two --due 2024-04-01
  budgetlens assess assign 42 --reviewer rev.one --as equity.lead`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			p := map[string]any{"reviewers": reviewers}
			if reviewers == nil {
				p["reviewers"] = []string{}
			}
			if due != "" {
				p["due"] = due
			}
			patch, _ := json.Marshal(p)
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				v, err := o.Patch(ctx, office.PatchOptions{ID: id, Patch: patch, By: whoOr(by)})
				return printView(cmd, v, err)
			})
		},
	}
	cmd.Flags().StringArrayVar(&reviewers, "reviewer", nil, "a reviewer's user name (repeat for two)")
	cmd.Flags().StringVar(&due, "due", "", "due date (YYYY-MM-DD)")
	byFlag(cmd, &by)
	return cmd
}

func newAssessMoveCmd(e *env) *cobra.Command {
	var opt office.TransitionOptions
	cmd := &cobra.Command{
		Use:   "move ID ACTION [--decision D] [--comment TEXT]",
		Short: "A workflow step: submit, return, start_review, complete, decide, reopen",
		Example: `  budgetlens assess move 42 submit --as dept.staff
  budgetlens assess move 42 return --comment "Name the neighbourhoods served"
  budgetlens assess move 42 decide --decision recommended --as equity.lead`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			opt.ID, opt.Action, opt.By = id, args[1], whoOr(opt.By)
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				v, err := o.Transition(ctx, opt)
				return printView(cmd, v, err)
			})
		},
	}
	cmd.Flags().StringVar(&opt.Decision, "decision", "", "for decide: recommended, funded or not_funded")
	cmd.Flags().StringVar(&opt.Comment, "comment", "", "a comment kept with the step (required to return)")
	cmd.Flags().Int64Var(&opt.Version, "version", 0, "the version the step is taken on (default: the current)")
	byFlag(cmd, &opt.By)
	return cmd
}

func newAssessScoreCmd(e *env) *cobra.Command {
	var opt office.ScoreOptions
	cmd := &cobra.Command{
		Use:     "score ID QUESTION=LEVEL ... [--as REVIEWER]",
		Short:   "Record a reviewer's rubric levels (replacing her earlier ones)",
		Example: `  budgetlens assess score 42 benefits=2 burdens=1 engagement=3 --as rev.one`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			opt.ID, opt.Scores, opt.Reviewer = id, map[string]int{}, whoOr(opt.Reviewer)
			for _, a := range args[1:] {
				q, lv, ok := strings.Cut(a, "=")
				n, err := strconv.Atoi(lv)
				if !ok || err != nil {
					return budget.Errorf(budget.EINVALID, "%q: give QUESTION=LEVEL, for example benefits=2", a)
				}
				opt.Scores[q] = n
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				v, err := o.Score(ctx, opt)
				return printView(cmd, v, err)
			})
		},
	}
	byFlag(cmd, &opt.Reviewer)
	return cmd
}

func newAssessCommentCmd(e *env) *cobra.Command {
	var by string
	cmd := &cobra.Command{
		Use:     "comment ID TEXT",
		Short:   "Add a comment",
		Example: `  budgetlens assess comment 42 "Ridership data for 2024-25 attached in the department's memo" --as rev.one`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				v, err := o.Comment(ctx, id, whoOr(by), args[1])
				return printView(cmd, v, err)
			})
		},
	}
	byFlag(cmd, &by)
	return cmd
}

func newAssessAgreementCmd(e *env) *cobra.Command {
	var opt office.AssessOptions
	var format string
	cmd := &cobra.Command{
		Use:   "agreement --fy YEAR --phase PHASE",
		Short: "Agreement between two reviewers over the cycle (linear weighted kappa)",
		Example: `  budgetlens assess agreement --fy 2024-25 --phase proposed
  budgetlens assess agreement --fy 2024-25 --phase proposed --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				ag, err := o.Agreement(ctx, opt)
				if err != nil {
					return err
				}
				if format == "json" {
					k, x := jsonNum(ag.Kappa), jsonNum(ag.Exact)
					return table.WriteJSON(cmd.OutOrStdout(), map[string]any{"pairs": ag.Pairs, "assessments": ag.Items, "weighted_kappa": k, "exact_agreement": x})
				}
				if ag.Pairs == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no assessment has two reviews yet: no agreement to report")
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "weighted kappa %.3f (linear weights) over %d pairs of ratings from %d assessments; exact agreement %.1f%%\n",
					ag.Kappa, ag.Pairs, ag.Items, ag.Exact*100)
				return nil
			})
		},
	}
	cycleFlags(cmd, &opt)
	addFormatFlag(cmd, &format, "table", "json")
	return cmd
}

func jsonNum(f float64) *float64 {
	if f != f {
		return nil
	}
	return &f
}

func newAssessLockCmd(e *env) *cobra.Command {
	var opt office.LockOptions
	cmd := &cobra.Command{
		Use:     "lock --fy YEAR --phase PHASE",
		Short:   "Close a cycle's review (only when every request has a decision)",
		Example: `  budgetlens assess lock --fy 2024-25 --phase proposed --as equity.lead`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opt.By = whoOr(opt.By)
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				if err := o.LockReview(ctx, opt); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "the review of FY%s %s is locked\n", opt.FiscalYear, opt.Phase)
				return nil
			})
		},
	}
	cycleFlags(cmd, &opt.AssessOptions)
	byFlag(cmd, &opt.By)
	return cmd
}

func newAssessTemplatesCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "The assessment templates: the shipped ones and the city's own, with their questions, kinds, weights and sources",
		Long: `templates lists every assessment template requests can take: the two shipped
with budgetlens (equity-full and equity-short) and the city's own, which the
city profile carries inline under assess.templates (saved in the store with
budgetlens profile save, so that every front end finds them). Triage chooses
between assess.full and assess.short (default the shipped ones); a request
takes the highest version of the template's id. A template's questions never
change under the same id and version: profile save refuses that, and a
changed template takes the next version (docs/assess.md).`,
		Example: `  budgetlens assess templates
  budgetlens assess templates --format csv > templates.csv
  budgetlens --profile city.yaml assess templates --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			list := func(_ context.Context, o *office.Office) error {
				all, err := o.Templates()
				if err != nil {
					return err
				}
				var rows [][]string
				for _, t := range all {
					ref := assess.Ref(t.ID, t.Version)
					for _, q := range t.Questions() {
						rows = append(rows, []string{ref, t.Source, q.ID, string(q.Kind), strconv.FormatFloat(q.Weight, 'f', -1, 64), fmt.Sprint(q.Required), q.Prompt})
					}
				}
				return e.writeListing(cmd.OutOrStdout(), format, []string{"template", "source", "question", "kind", "weight", "required", "prompt"}, rows, all)
			}
			// --profile alone is enough (no store needed); without it, the
			// store's saved profile, and the shipped templates only when
			// there is no store
			if e.profile != "" {
				p, err := office.LoadCity(e.profile)
				if err != nil {
					return err
				}
				return list(context.Background(), &office.Office{City: p})
			}
			if _, err := os.Stat(e.dbPath()); err != nil && !strings.Contains(e.dbPath(), "://") {
				return list(context.Background(), &office.Office{})
			}
			return e.withOffice(true, list)
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newAssessExportCmd(e *env) *cobra.Command {
	var opt office.ListOptions
	var out string
	cmd := &cobra.Command{
		Use:   "export --fy YEAR --phase PHASE --out FILE.csv|.xlsx|.pdf|.html",
		Short: "Write the assessments (and the review by department) as CSV, XLSX, PDF or HTML",
		Example: `  budgetlens assess export --fy 2024-25 --phase proposed --out equity_review_2024-25.xlsx
  budgetlens assess export --fy 2024-25 --phase proposed --out equity_review_2024-25.pdf
  budgetlens assess export --fy 2024-25 --phase adopted --department 12 --out assessments.csv --delimiter ';'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ext := strings.ToLower(filepath.Ext(out))
			if _, err := e.comma(); err != nil {
				return err
			}
			if cmd.Flags().Changed("delimiter") && ext != ".csv" {
				return usageError(cmd, "--delimiter applies to a CSV file: give --out FILE.csv")
			}
			if ext != ".csv" {
				if err := office.CheckReportPath(out); err != nil {
					return err
				}
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				if ext == ".csv" {
					return e.writeAssessmentsCSV(ctx, o, opt, out)
				}
				doc, err := o.AssessmentsDocument(ctx, opt)
				if err != nil {
					return err
				}
				w, err := office.WriteReport(ctx, doc, out)
				if err != nil {
					return err
				}
				if w.PDFSkipped != "" {
					fmt.Fprintf(e.stderr, "budgetlens: no PDF: %s\n", w.PDFSkipped)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", strings.Join(nonEmpty(w.HTML, w.XLSX, w.PDF), ", "))
				return nil
			})
		},
	}
	cycleFlags(cmd, &opt.AssessOptions)
	cmd.Flags().StringVar(&opt.Department, "department", "", "department code")
	cmd.Flags().StringVar(&opt.Status, "status", "", "only this status")
	cmd.Flags().StringVar(&out, "out", "", "the file to write; its extension chooses the format")
	cmd.MarkFlagRequired("out")
	addDelimiterFlag(cmd, e)
	return cmd
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// writeAssessmentsCSV writes the assessments to path as CSV with the
// --delimiter separator, under a temporary name renamed when complete.
func (e *env) writeAssessmentsCSV(ctx context.Context, o *office.Office, opt office.ListOptions, path string) error {
	as, err := o.Assessments(ctx, opt)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, a := range as {
		r := rowOf(o, a)
		score := ""
		if r.Score != nil {
			score = strconv.FormatFloat(*r.Score, 'f', 1, 64)
		}
		rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.Department, r.Program, r.RequestKey, r.Category, strconv.FormatFloat(r.Dollars, 'f', 2, 64),
			r.Template, r.Status, r.Decision, strings.Join(r.Reviewers, " "), r.Due, score, strconv.FormatInt(r.Version, 10), r.Description})
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".assess-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := e.writeListing(f, "csv", []string{"id", "department", "program", "request_key", "category", "dollars", "template", "status", "decision", "reviewers", "due", "score", "version", "description"}, rows, nil); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
