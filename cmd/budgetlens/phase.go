package main

import (
	"context"
	"fmt"
	"github.com/budgetlens/budgetlens/table"
	"os"
	"os/user"
	"strconv"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/spf13/cobra"
)

// newPhaseCmd is `budgetlens phase release|hold|ls`: the release state of
// budget phases, which decides what the public server shows.
func newPhaseCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "phase",
		Short: "Release budget phases to the public, hold them, list them",
		Long: `A budget phase (a fiscal year's proposed, adopted, estimate or actual budget) is
held from its first import until someone releases it. The public server
(serve --public) shows released phases only: a held phase does not exist
there, in any page, answer, download or error. Every release and hold is
recorded with who made it (--as, default the operating-system user) and when.`,
		Example: `  budgetlens phase ls
  budgetlens phase release --fy 2021-22 --phase adopted --note "adopted by council on 2021-06-01"
  budgetlens phase hold --fy 2022-23 --phase proposed --as budget.office`,
	}
	cmd.AddCommand(newPhaseSetCmd(e, true), newPhaseSetCmd(e, false), newPhaseLsCmd(e))
	return cmd
}

func newPhaseSetCmd(e *env, release bool) *cobra.Command {
	var opt office.ReleaseOptions
	name, verb := "hold", "Hold"
	if release {
		name, verb = "release", "Release"
	}
	cmd := &cobra.Command{
		Use:     name + " --fy YEAR --phase PHASE",
		Short:   verb + " a stored phase (recorded with who and when)",
		Example: "  budgetlens phase " + name + " --fy 2021-22 --phase proposed --note \"...\"\n  budgetlens phase " + name + " --fy 2021-22 --phase adopted --jurisdiction la --as jane.doe",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.By == "" {
				opt.By = osUser()
			}
			return e.withOffice(false, func(ctx context.Context, o *office.Office) error {
				set := o.Hold
				if release {
					set = o.Release
				}
				p, err := set(ctx, opt)
				if err != nil {
					return err
				}
				state := "held (not public)"
				if p.Released {
					state = "released (public)"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s %s: %s by %s at %s\n", p.Jurisdiction, p.FiscalYear.Label(), p.Phase, state, p.By, p.At.UTC().Format(time.RFC3339))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&opt.FiscalYear, "fy", "", "fiscal year: 2021-22 or FY2021-22")
	cmd.Flags().StringVar(&opt.Phase, "phase", "", "phase: proposed, adopted, estimate or actual")
	cmd.Flags().StringVar(&opt.Jurisdiction, "jurisdiction", "", "jurisdiction id (needed only when several have the phase)")
	cmd.Flags().StringVar(&opt.By, "as", "", "who makes the change (default: the operating-system user)")
	cmd.Flags().StringVar(&opt.Note, "note", "", "why (kept in the log)")
	return cmd
}

// osUser names the person running the command: the operating system's
// user name, else $USER, else "unknown".
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if v := os.Getenv("USER"); v != "" {
		return v
	}
	return "unknown"
}

type phaseJSON struct {
	Jurisdiction string `json:"jurisdiction"`
	FiscalYear   string `json:"fiscal_year"`
	Phase        string `json:"phase"`
	State        string `json:"state"`
	Released     bool   `json:"released"`
	By           string `json:"by,omitempty"`
	At           string `json:"at,omitempty"`
	Note         string `json:"note,omitempty"`
	LineItems    int64  `json:"line_items"`
}

func newPhaseLsCmd(e *env) *cobra.Command {
	var format string
	var history bool
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the stored phases with their release state (--history: every change)",
		Example: `  budgetlens phase ls
  budgetlens phase ls --history --format csv > release_log.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.checkDelimiter(cmd, format); err != nil {
				return err
			}
			return e.withOffice(true, func(ctx context.Context, o *office.Office) error {
				var ps []budget.PhaseRelease
				var err error
				if history {
					ps, err = o.Store.PhaseReleaseLog(ctx)
				} else {
					ps, err = o.Phases(ctx)
				}
				if err != nil {
					return err
				}
				return writePhases(cmd, e, ps, format, history)
			})
		},
	}
	addFormatFlag(cmd, &format)
	addDelimiterFlag(cmd, e)
	cmd.Flags().BoolVar(&history, "history", false, "list every release and hold, oldest first")
	return cmd
}

func writePhases(cmd *cobra.Command, e *env, ps []budget.PhaseRelease, format string, history bool) error {
	var out []phaseJSON
	for _, p := range ps {
		j := phaseJSON{Jurisdiction: p.Jurisdiction, FiscalYear: p.FiscalYear.Label(), Phase: string(p.Phase), State: "held", Released: p.Released,
			By: p.By, Note: p.Note, LineItems: p.LineItems()}
		if p.Released {
			j.State = "released"
		}
		if !p.At.IsZero() {
			j.At = p.At.UTC().Format(time.RFC3339)
		}
		out = append(out, j)
	}
	w := cmd.OutOrStdout()
	if format == "json" {
		return table.WriteJSON(w, out)
	}
	header := []string{"jurisdiction", "fiscal_year", "phase", "state", "line_items", "by", "at", "note"}
	rows := [][]string{header}
	for _, j := range out {
		n := strconv.FormatInt(j.LineItems, 10)
		if history {
			n = ""
		}
		rows = append(rows, []string{j.Jurisdiction, j.FiscalYear, j.Phase, j.State, n, j.By, j.At, j.Note})
	}
	if format == "csv" {
		return e.writeListing(w, format, rows[0], rows[1:], nil)
	}
	if len(out) == 0 {
		fmt.Fprintln(w, "no budget phase is stored: import a budget first (budgetlens import FILE)")
		return nil
	}
	for i := 1; i < len(rows); i++ {
		rows[i][4] = table.GroupDigits(rows[i][4])
	}
	return table.WriteAligned(w, rows, map[int]bool{4: true})
}
