package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

func init() { register(newTotalsCmd) }

// budgetFilterFlags are the flags that select stored budget rows.
type budgetFilterFlags struct {
	fy, phase, kind, jurisdiction, dept string
}

func (f *budgetFilterFlags) add(cmd *cobra.Command, defaultKind string) {
	cmd.Flags().StringVar(&f.fy, "fy", "", "fiscal year: 2021-22 or FY2021-22; a single year is the one ending in it (2022 = 2021-22)")
	cmd.Flags().StringVar(&f.phase, "phase", "", "phase: proposed, adopted, estimate or actual")
	cmd.Flags().StringVar(&f.kind, "kind", defaultKind, "line-item kind: expenditure, revenue or positions ('' for all)")
	cmd.Flags().StringVar(&f.jurisdiction, "jurisdiction", "", "jurisdiction id (la, oakland, boston, ...); default all")
	cmd.Flags().StringVar(&f.dept, "department", "", "department code")
}

func (f *budgetFilterFlags) filter() (budget.Filter, error) {
	out := budget.Filter{Jurisdiction: f.jurisdiction, Department: f.dept}
	if f.fy != "" {
		fy, err := budget.ParseFiscalYear(f.fy)
		if err != nil {
			return out, err
		}
		out.FiscalYear = &fy
	}
	if f.phase != "" {
		ph, err := budget.ParsePhase(f.phase)
		if err != nil {
			return out, err
		}
		out.Phase = ph
	}
	switch budget.Kind(f.kind) {
	case "", budget.Expenditure, budget.Revenue, budget.Positions:
		out.Kind = budget.Kind(f.kind)
	default:
		return out, budget.Errorf(budget.EINVALID, "unknown kind %q: use expenditure, revenue or positions", f.kind)
	}
	return out, nil
}

// calendarYear re-reads a bare --fy year for a jurisdiction whose fiscal
// year is the calendar year (start month 1, as FDP packages with a January
// fiscalPeriod): there "--fy 2015" means 2015, not FY2014-15.
func (f *budgetFilterFlags) calendarYear(s *duckdb.Store, out *budget.Filter) error {
	y := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(f.fy)), "FY")
	if f.jurisdiction == "" || out.FiscalYear == nil || len(y) != 4 {
		return nil
	}
	var month int
	err := s.DB().QueryRow(`SELECT start_month FROM budget_jurisdictions WHERE id = ?`, f.jurisdiction).Scan(&month)
	if err != nil || month != 1 {
		return nil // unknown jurisdiction or July-June: keep the US reading
	}
	start, _ := strconv.Atoi(y)
	out.FiscalYear = &budget.FiscalYear{Start: start, StartMonth: 1}
	return nil
}

// dollars renders cents as an exact JSON number in dollars (e.g. 758985.00).
func dollars(c int64) json.RawMessage { return json.RawMessage(ingest.FormatCents(c)) }

func newTotalsCmd() *cobra.Command {
	var ff budgetFilterFlags
	var by, format string
	cmd := &cobra.Command{
		Use:   "totals",
		Short: "Sum the current line items by department, program, fund or account",
		Long: `totals sums the current line items (the latest import of each dataset) of a fiscal
year and phase by a classification level. Amounts are dollars, exact to the cent.
JSON output is an array of objects {<level>, <level>_code, amount}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := ff.filter()
			if err != nil {
				return err
			}
			level, err := budget.ParseLevel(by)
			if err != nil {
				return err
			}
			if f.Kind == "" {
				// dollars of spending and revenue and counts of positions
				// cannot be added into one total
				return budget.Errorf(budget.EINVALID, "totals adds up one kind of line item: give --kind expenditure, revenue or positions")
			}
			return withStore(func(s *duckdb.Store) error {
				ff.calendarYear(s, &f)
				if f.FiscalYear == nil || f.Phase == "" {
					// summing across years or phases means nothing: say what exists
					have, err := storedSlices(s, f.Jurisdiction, "none: import a budget first")
					if err != nil {
						return err
					}
					return budget.Errorf(budget.EINVALID, "totals needs --fy and --phase (stored: %s)", have)
				}
				tot, err := s.Totals(context.Background(), f, level)
				if err != nil {
					return err
				}
				if len(tot) == 0 {
					// an empty answer is valid, but usually a mistyped year,
					// phase or kind: say what the store holds (on stderr, so
					// that the JSON or CSV on stdout stays clean)
					have, err := storedSlices(s, f.Jurisdiction, "nothing yet: import a budget first")
					if err != nil {
						return err
					}
					kind := string(f.Kind)
					if kind == "" {
						kind = "any kind of"
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "no %s line items for %s %s (stored: %s)\n", kind, f.FiscalYear.Label(), f.Phase, have)
				}
				return writeTotals(cmd, format, string(level), f.Kind.Places(), tot)
			})
		},
	}
	ff.add(cmd, string(budget.Expenditure))
	cmd.Flags().Lookup("kind").Usage = "line-item kind to add up: expenditure, revenue or positions"
	cmd.Flags().StringVar(&by, "by", "department", "level: department, org_unit, program, fund, source_fund, account or function")
	addFormatFlag(cmd, &format)
	return cmd
}

// writeTotals prints totals; places is the kind's decimals (2 for money).
func writeTotals(cmd *cobra.Command, format, level string, places int, tot []budget.Total) error {
	w := cmd.OutOrStdout()
	switch format {
	case "json":
		out := make([]map[string]any, 0, len(tot))
		for _, t := range tot {
			out = append(out, map[string]any{level: t.Name, level + "_code": t.Code, "amount": json.RawMessage(ingest.FormatFixed(t.AmountCents, places))})
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{level + "_code", level, "amount"})
		for _, t := range tot {
			cw.Write([]string{t.Code, t.Name, ingest.FormatFixed(t.AmountCents, places)})
		}
		cw.Flush()
		return cw.Error()
	case "table":
		// codes and names left, amounts right with thousands separators
		rows := [][]string{{"code", level, "amount"}}
		var sum int64
		for _, t := range tot {
			rows = append(rows, []string{t.Code, t.Name, groupDigits(ingest.FormatFixed(t.AmountCents, places))})
			sum += t.AmountCents
		}
		rows = append(rows, []string{"", "total", groupDigits(ingest.FormatFixed(sum, places))})
		return writeAligned(w, rows, map[int]bool{2: true})
	}
	return budget.Errorf(budget.EINVALID, "unknown format %q: use table, json or csv", format)
}

// storedSlices lists the fiscal years and phases the store holds for a
// jurisdiction ("2021-22 adopted, 2021-22 proposed"), or none when it holds
// nothing, so that a message can say what the user could have asked for.
func storedSlices(s *duckdb.Store, jurisdiction, none string) (string, error) {
	sl, err := s.FiscalYearsPhases(context.Background(), jurisdiction)
	if err != nil {
		return "", err
	}
	if len(sl) == 0 {
		return none, nil
	}
	have := make([]string, len(sl))
	for i, x := range sl {
		have[i] = x.FiscalYear.Label() + " " + string(x.Phase)
	}
	return strings.Join(have, ", "), nil
}
