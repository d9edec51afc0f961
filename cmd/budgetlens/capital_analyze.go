package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital/placement"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// needFlags adds the flags that say where a plan is placed and what need
// it is set against.
func needFlags(f *pflag.FlagSet, o *office.CapitalNeedOptions, apart *string) {
	f.StringVar(&o.Plan, "plan", "", "the plan (budgetlens capital ls)")
	f.StringVar(&o.Layer, "layer", "", "layer of areas (default: the plan's area layer, else the profile's reporting layer)")
	f.Int64Var(&o.Run, "run", 0, "need-index run (default: the latest that can be placed in the layer)")
	f.StringArrayVar(&o.RankBy, "rank-by", nil, "rank need by this numeric attribute of the layer's areas (repeat: the first ranks, the others are counted in the range)")
	f.BoolVar(&o.LowerIsNeedier, "lower-is-needier", false, "a lower --rank-by value means more need (median income)")
	f.BoolVar(&o.NoNeed, "no-need", false, "dollars and dollars per resident only, no need tiers")
	f.IntVar(&o.Tiers, "tiers", 5, "need tiers")
	f.StringVar(&o.Split, "split", "", "how a project coded with several areas is divided: population, equal or attribute:NAME (default: the profile's capital.split, else population)")
	f.StringVar(apart, "apart-above", "", "report projects costing at least this much apart, not placed (default: the profile's capital.apart_above; none: no threshold)")
}

func parseApart(s string) (int64, error) {
	switch strings.TrimSpace(s) {
	case "":
		return 0, nil
	case "none", "0":
		return -1, nil
	}
	v, empty, err := budget.ParseAmount(s, 2)
	if err != nil || empty || v <= 0 {
		return 0, budget.Errorf(budget.EINVALID, "--apart-above %q: give an amount of dollars such as 100000000, or none", s)
	}
	return v, nil
}

func newCapitalAnalyzeCmd(e *env) *cobra.Command {
	var opt office.CapitalNeedOptions
	var apart, format string
	cmd := &cobra.Command{
		Use:   "analyze --plan NAME [--layer L] [--run N | --rank-by ATTR [--lower-is-needier]] [--format table|csv|json]",
		Short: "Where a plan's dollars went: per area and year, per resident, by need",
		Long: `analyze places every project's dollars in the layer's areas: a point in the area
holding it, a line by its length in each area, a polygon by its area, a
project coded with several areas by their population (or --split). Citywide
projects, projects with no known place and projects above --apart-above are
reported apart: placed + citywide + unplaced + apart = the plan's total, to
the cent, in every year.

For each area and year it gives the dollars and dollars per resident; by
need tier, the highest-need tier's share of dollars against its share of
residents; and the concentration index of dollars per resident ranked by
need. The index's low..high is its range over the need measures stored for
the layer (and --rank-by attributes) and the split rules: the choices an
analyst makes. The areas are every area of the city, not a sample, so no
bootstrap interval is given.

JSON has "areas", "need_tiers", "top_tier", "concentration", "by_year",
"totals" and "projects"; CSV has one row per area (kind "area") and one each
for citywide, unplaced, apart and the total.`,
		Example: `  budgetlens capital analyze --plan cip-2025 --layer districts
  budgetlens capital analyze --plan boston-fy19 --layer neighborhoods --rank-by median_income --lower-is-needier
  budgetlens capital analyze --plan cip-2025 --format csv --delimiter ";" > capital_by_area.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opt.ApartAbove, err = parseApart(apart); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				a, err := o.AnalyzeCapital(ctx, opt)
				if err != nil {
					return err
				}
				return e.writeCapitalAnalysis(cmd.OutOrStdout(), format, a)
			})
		},
	}
	needFlags(cmd.Flags(), &opt, &apart)
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func (e *env) writeCapitalAnalysis(w io.Writer, format string, a *placement.Analysis) error {
	switch format {
	case "json":
		return table.WriteJSON(w, a)
	case "csv":
		header, rows := analysisRows(a, false)
		return e.writeListing(w, format, header, rows, nil)
	case "table", "":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
	}
	need := a.Need
	if need == "" {
		need = "none"
	}
	fmt.Fprintf(w, "plan %s by %s (split %s; need: %s; residents: %s)\n\n", a.Plan, a.Layer, a.Split, need, a.PopulationSource)
	header, rows := analysisRows(a, true)
	if err := table.Write(w, "table", header, rows, nil); err != nil {
		return err
	}
	if len(a.NeedTiers) > 0 {
		fmt.Fprintln(w)
		var tr [][]string
		for _, t := range a.NeedTiers {
			tr = append(tr, []string{t.Label, strconv.Itoa(t.Areas), fnum(t.Population, 0), pctNum(t.PopulationShare), money(float64(t.Dollars) / 100), pctNum(t.DollarShare), numN(t.PerResident, 2)})
		}
		if err := table.Write(w, "table", []string{"need_tier", "areas", "residents", "resident_share", "dollars", "dollar_share", "per_resident"}, tr, nil); err != nil {
			return err
		}
		c := a.Concentration
		fmt.Fprintf(w, "\nhighest-need tier: %s of placed dollars, %s of residents\n", pctNum(a.TopTier.DollarShare), pctNum(a.TopTier.PopulationShare))
		fmt.Fprintf(w, "concentration index by need: %s", numN(c.Index, 3))
		if !c.Low.Missing() {
			fmt.Fprintf(w, " (range %s to %s over %d ways of counting)", numN(c.Low, 3), numN(c.High, 3), len(c.Variants))
		}
		fmt.Fprintf(w, "\n  %s\n", c.Interval)
	}
	fmt.Fprintln(w)
	for _, n := range a.Notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

// analysisRows are the areas and the totals as rows.
func analysisRows(a *placement.Analysis, people bool) ([]string, [][]string) {
	header := []string{"kind", "id", "name", "residents", "need_score", "tier", "dollars", "per_resident"}
	multi := len(a.Years) > 1
	if multi {
		for _, y := range a.Years {
			header = append(header, "dollars_"+y)
		}
	}
	m := func(d int64) string { return budget.FormatUnits(d, 2) }
	var rows [][]string
	for _, ar := range a.Areas {
		r := []string{"area", ar.ID, ar.Name, fnum(ar.Population, 0), numN(ar.NeedScore, 4), tierText(ar.Tier), m(int64(ar.Dollars)), numN(ar.PerResident, 2)}
		if multi {
			for _, y := range ar.Years {
				r = append(r, m(int64(y.Dollars)))
			}
		}
		rows = append(rows, r)
	}
	t := a.Totals
	for _, k := range []struct {
		kind string
		c    int64
		y    func(placement.YearRow) int64
	}{{"citywide", int64(t.Citywide), func(y placement.YearRow) int64 { return int64(y.Citywide) }},
		{"unplaced", int64(t.Unplaced), func(y placement.YearRow) int64 { return int64(y.Unplaced) }},
		{"apart", int64(t.Apart), func(y placement.YearRow) int64 { return int64(y.Apart) }},
		{"total", int64(t.Total), func(y placement.YearRow) int64 { return int64(y.Total) }}} {
		if people && k.c == 0 && k.kind != "total" {
			continue
		}
		r := []string{k.kind, "", "", "", "", "", m(k.c), ""}
		if multi {
			for _, y := range a.ByYear {
				r = append(r, m(k.y(y)))
			}
		}
		rows = append(rows, r)
	}
	return header, rows
}

func tierText(t int) string {
	if t <= 0 {
		return ""
	}
	return strconv.Itoa(t)
}

func fnum(f float64, digits int) string { return strconv.FormatFloat(f, 'f', digits, 64) }

func numN(n budget.Num, digits int) string {
	if n.Missing() {
		return ""
	}
	return strconv.FormatFloat(float64(n), 'f', digits, 64)
}

func pctNum(n budget.Num) string {
	if n.Missing() {
		return "–"
	}
	return strconv.FormatFloat(100*float64(n), 'f', 1, 64) + "%"
}

func money(d float64) string { return "$" + table.GroupDigits(strconv.FormatFloat(d, 'f', 2, 64)) }

func newCapitalPlanCmd(e *env) *cobra.Command {
	var opt office.CapitalPlanOptions
	var apart, format string
	cmd := &cobra.Command{
		Use:   "plan --plan NAME --budget AMOUNT --benefit COL [constraints] [--save NAME] [--format table|json|csv]",
		Short: "The plan of greatest benefit under a budget and equity targets, proven optimal",
		Long: `plan selects the projects that maximise the total --benefit (a column: a score,
people served; or count, or cost) subject to:

  --budget AMOUNT             the budget (with costs per year: each year);
  --budget YEAR=AMOUNT        one year's budget; --total-budget AMOUNT all years
  --budget-column COL         limit this column's amounts instead of the cost
                              (a grant application's local match)
  --min-high-need-share 0.4   at least this share of the budgeted dollars in
                              the highest-need tier (citywide projects count
                              the top tier's share of residents)
  --floor AREA=AMOUNT         at least this much placed in an area (* = every area)
  --ceiling AREA=AMOUNT       at most this much
  --requires A:B              A cannot go ahead without B
  --excludes A:B              A and B cannot both go ahead
  --must ID, --must-not ID    keep a project in, or out

The answer is proven optimal ("optimal": true, with its "bound"), or states
its "gap" when --time-limit stops the search. Every project left out has a
reason ("left_out"). --export-lp FILE writes the model in CPLEX LP format for
any other solver (cbc FILE solve); --save NAME keeps the result as a
scenario (budgetlens capital scenarios, compare).`,
		Example: `  budgetlens capital plan --plan cip-2025 --budget 25000000 --benefit Score
  budgetlens capital plan --plan cip-2025 --budget 25000000 --benefit Score --min-high-need-share 0.4 --floor '*=500000' --save equity
  budgetlens capital plan --plan grants --budget 4000000 --budget-column Match --benefit Score --export-lp grants.lp --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opt.ApartAbove, err = parseApart(apart); err != nil {
				return err
			}
			return e.withOffice(opt.Save == "", func(ctx context.Context, o *office.Office) error {
				res, err := o.PlanCapital(ctx, opt)
				if err != nil {
					return err
				}
				return e.writePlan(cmd.OutOrStdout(), format, res)
			})
		},
	}
	f := cmd.Flags()
	needFlags(f, &opt.CapitalNeedOptions, &apart)
	f.StringVar(&opt.Benefit, "benefit", "", "column whose total the plan maximises (a score, people served), or count, or cost")
	f.StringVar(&opt.BudgetColumn, "budget-column", "", "column of the amounts the budget limits instead of the cost (a local match)")
	f.StringArrayVar(&opt.Budget, "budget", nil, "budget: AMOUNT, or YEAR=AMOUNT (repeat)")
	f.StringVar(&opt.TotalBudget, "total-budget", "", "budget of all years together, when costs are per year")
	f.Float64Var(&opt.MinHighNeedShare, "min-high-need-share", 0, "least share (0 to 1) of the budgeted dollars in the highest-need tier")
	f.StringArrayVar(&opt.Floors, "floor", nil, "AREA=AMOUNT: at least this much placed in the area (* for every area; repeat)")
	f.StringArrayVar(&opt.Ceilings, "ceiling", nil, "AREA=AMOUNT: at most this much placed in the area (repeat)")
	f.StringArrayVar(&opt.Requires, "requires", nil, "A:B: project A cannot go ahead without B (repeat)")
	f.StringArrayVar(&opt.Excludes, "excludes", nil, "A:B: projects A and B cannot both go ahead (repeat)")
	f.StringArrayVar(&opt.MustIn, "must", nil, "a project that must be in the plan (repeat)")
	f.StringArrayVar(&opt.MustOut, "must-not", nil, "a project that must stay out (repeat)")
	f.DurationVar(&opt.TimeLimit, "time-limit", 0, "stop the search after this long (default 60s) and report the gap")
	f.IntVar(&opt.NodeLimit, "node-limit", 0, "stop after this many branch-and-bound nodes (default 1,000,000; same answer on every machine)")
	f.StringVar(&opt.ExportLP, "export-lp", "", "write the model in CPLEX LP format to this file")
	f.StringVar(&opt.Save, "save", "", "save the result as a scenario of the plan under this name")
	f.StringVar(&opt.By, "as", "", "who saves the scenario (default: the operating-system user)")
	f.StringVar(&opt.Note, "note", "", "a note kept with the scenario")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func (e *env) writePlan(w io.Writer, format string, r *office.CapitalPlanResult) error {
	switch format {
	case "json":
		return table.WriteJSON(w, r)
	case "csv":
		header, rows := planRows(r)
		return e.writeListing(w, format, header, rows, nil)
	case "table", "":
	default:
		return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
	}
	fmt.Fprintf(w, "plan %s by %s: %s\n", r.Plan, r.Layer, strings.Join(r.Settings, "; "))
	switch {
	case r.Optimal:
		fmt.Fprintf(w, "optimal: benefit %s (bound %s), %d projects, %s\n", fnum(r.Objective, 2), fnum(r.Bound, 2), len(r.Selected), money(float64(r.Cost)/100))
	case r.Status == "feasible":
		fmt.Fprintf(w, "stopped by a limit: benefit %s, at most %s possible (gap %.2f%%), %d projects, %s\n", fnum(r.Objective, 2), fnum(r.Bound, 2), 100*r.Gap, len(r.Selected), money(float64(r.Cost)/100))
	default:
		fmt.Fprintf(w, "no plan: %s\n", r.Status)
		if r.Conflict != nil {
			fmt.Fprintf(w, "  %s\n", r.Conflict.Text)
		}
		return nil
	}
	eq := r.Equity
	fmt.Fprintf(w, "highest-need share of the budgeted dollars: %.1f%%; of the placed dollars: %.1f%% (residents %.1f%%)\n\n", 100*r.HighNeedShare, 100*eq.TopTierDollarShare, 100*eq.TopTierPopulationShare)
	header, rows := planRows(r)
	if err := table.Write(w, "table", header, rows, nil); err != nil {
		return err
	}
	if r.Scenario != "" {
		fmt.Fprintf(w, "\nsaved as scenario %s\n", r.Scenario)
	}
	return nil
}

func planRows(r *office.CapitalPlanResult) ([]string, [][]string) {
	header := []string{"rank", "id", "name", "selected", "amount", "benefit", "benefit_per_dollar", "high_need_share", "placed_by", "reason"}
	var rows [][]string
	for _, p := range r.Projects {
		sel := "no"
		if p.Selected {
			sel = "yes"
		}
		rows = append(rows, []string{strconv.Itoa(p.Rank), p.ID, p.Name, sel, budget.FormatUnits(int64(p.Amount), 2), strconv.FormatFloat(p.Benefit, 'f', -1, 64),
			numN(p.BenefitPerDollar, 8), strconv.FormatFloat(p.HighNeedShare, 'f', 4, 64), string(p.Method), p.Reason})
	}
	return header, rows
}

func newCapitalScenariosCmd(e *env) *cobra.Command {
	var plan, format string
	cmd := &cobra.Command{
		Use:   "scenarios --plan NAME",
		Short: "List a plan's saved scenarios with their equity figures side by side",
		Example: `  budgetlens capital scenarios --plan cip-2025
  budgetlens capital scenarios --plan cip-2025 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				list, err := o.CapitalScenarios(ctx, plan)
				if err != nil {
					return err
				}
				header := []string{"scenario", "status", "projects", "cost", "objective", "high_need_share", "top_tier_dollar_share", "top_tier_resident_share", "concentration_index", "placed", "citywide", "settings"}
				var rows [][]string
				for _, s := range list {
					eq := s.Equity
					ci := ""
					if eq.Valid {
						ci = strconv.FormatFloat(eq.Concentration, 'f', 3, 64)
					}
					rows = append(rows, []string{s.Name, s.Status, strconv.Itoa(s.Selected), budget.FormatUnits(s.CostCents, 2), strconv.FormatFloat(s.Objective, 'f', -1, 64),
						strconv.FormatFloat(eq.HighNeedShare, 'f', 4, 64), strconv.FormatFloat(eq.TopTierDollarShare, 'f', 4, 64), strconv.FormatFloat(eq.TopTierPopulationShare, 'f', 4, 64),
						ci, budget.FormatUnits(eq.PlacedCents, 2), budget.FormatUnits(eq.CitywideCents, 2), strings.Join(s.Settings, "; ")})
				}
				return e.writeListing(cmd.OutOrStdout(), format, header, rows, list)
			})
		},
	}
	cmd.Flags().StringVar(&plan, "plan", "", "the plan")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

func newCapitalCompareCmd(e *env) *cobra.Command {
	var plan, format string
	cmd := &cobra.Command{
		Use:   "compare --plan NAME SCENARIO_A SCENARIO_B",
		Short: "Compare two scenarios: what changed, projects in and out, and the constraint that forced each swap",
		Long: `compare sets two saved scenarios of a plan side by side: what changed between
their models, the projects kept, those in B's plan and not A's ("in") and
those in A's and not B's ("out"), each with the constraint that forced the
swap, and both scenarios' equity figures.

--format json gives the whole comparison; csv one row per project kept, in
or out (change, project, reason) and one per changed setting (change
"setting", its text in reason).`,
		Example: `  budgetlens capital compare --plan cip-2025 baseline equity
  budgetlens capital compare --plan cip-2025 baseline equity --format csv`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				c, err := o.CompareCapital(ctx, plan, args[0], args[1])
				if err != nil {
					return err
				}
				switch format {
				case "json":
					return table.WriteJSON(cmd.OutOrStdout(), c)
				case "csv":
					return e.writeListing(cmd.OutOrStdout(), format, []string{"change", "project", "reason"}, comparisonRows(c), nil)
				}
				writeComparison(cmd.OutOrStdout(), c)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&plan, "plan", "", "the plan")
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	return cmd
}

// comparisonRows are a comparison's changed settings and projects kept, in
// and out, one a row: change, project, reason.
func comparisonRows(c *office.CapitalComparison) [][]string {
	var rows [][]string
	for _, ch := range c.Changes {
		rows = append(rows, []string{"setting", "", ch.Text})
	}
	for _, id := range c.Kept {
		rows = append(rows, []string{"kept", id, ""})
	}
	for _, s := range c.In {
		rows = append(rows, []string{"in", s.Project, s.Text})
	}
	for _, s := range c.Out {
		rows = append(rows, []string{"out", s.Project, s.Text})
	}
	return rows
}

func writeComparison(w io.Writer, c *office.CapitalComparison) {
	fmt.Fprintf(w, "plan %s: %s -> %s\n", c.Plan, c.A.Name, c.B.Name)
	for _, ch := range c.Changes {
		fmt.Fprintf(w, "  changed: %s\n", ch.Text)
	}
	fmt.Fprintf(w, "kept %d projects; %d in, %d out\n", len(c.Kept), len(c.In), len(c.Out))
	for _, s := range c.In {
		fmt.Fprintf(w, "  in:  %s: %s\n", s.Project, s.Text)
	}
	for _, s := range c.Out {
		fmt.Fprintf(w, "  out: %s: %s\n", s.Project, s.Text)
	}
	fmt.Fprintln(w)
	rows := [][]string{}
	for _, s := range []struct {
		name string
		eq   func() []string
	}{{c.A.Name, func() []string { return equityCells(c.A.Equity, c.A.CostCents, c.A.Objective) }},
		{c.B.Name, func() []string { return equityCells(c.B.Equity, c.B.CostCents, c.B.Objective) }}} {
		rows = append(rows, append([]string{s.name}, s.eq()...))
	}
	table.Write(w, "table", []string{"scenario", "cost", "objective", "high_need_share", "top_tier_dollar_share", "top_tier_resident_share", "concentration_index"}, rows, nil)
}

func equityCells(e projects.Equity, cost int64, obj float64) []string {
	ci := ""
	if e.Valid {
		ci = strconv.FormatFloat(e.Concentration, 'f', 3, 64)
	}
	return []string{budget.FormatUnits(cost, 2), strconv.FormatFloat(obj, 'f', -1, 64), strconv.FormatFloat(e.HighNeedShare, 'f', 4, 64),
		strconv.FormatFloat(e.TopTierDollarShare, 'f', 4, 64), strconv.FormatFloat(e.TopTierPopulationShare, 'f', 4, 64), ci}
}
