package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
)

func newMigrateCmd(e *env) *cobra.Command {
	var from, to, format string
	cmd := &cobra.Command{
		Use:   "migrate --from STORE --to STORE",
		Short: "Copy a whole store into an empty one: a DuckDB file to PostgreSQL, or back",
		Long: `migrate copies everything the store --from holds into the empty store --to, either
direction between a DuckDB file and a PostgreSQL database (postgres://... URL;
see docs/postgres.md), or between two of a kind: every import run with its id,
time and version, each budget version (superseded ones too), layers,
indicators, need runs, analyses, datasets, the settings (the city profile),
the release log of budget phases, capital plans, service requests,
published measures and the review of budget requests with its audit log.
Then it compares the two stores part by part
and fails if the copy does not read back exactly as its source.

--to must be empty (a new file, a database or schema with no budgetlens data):
every id is kept, so a copy into a store that holds anything is refused and
nothing is written. --from is only read. A new DuckDB file is removed again if
the copy fails; a PostgreSQL target then holds a partial copy to drop.`,
		Example: `  budgetlens migrate --from budgetlens-demo/budgetlens.duckdb --to postgres://budgetlens@localhost/budget
  budgetlens migrate --from postgres://budgetlens@localhost/budget --to copy.duckdb --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || to == "" {
				return budget.Errorf(budget.EINVALID, "give both --from STORE and --to STORE (a DuckDB file or a postgres:// URL)")
			}
			if format != "table" && format != "json" {
				return budget.Errorf(budget.EINVALID, "--format %q: use table or json", format)
			}
			if sameStore(from, to) {
				return budget.Errorf(budget.EINVALID, "--from and --to name the same store (%s): copy into another file or database", redact(to))
			}
			return e.migrate(cmd, from, to, format)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the store to copy: a DuckDB file or a postgres:// URL (only read)")
	cmd.Flags().StringVar(&to, "to", "", "the empty store to copy into: a DuckDB file (created) or a postgres:// URL")
	addFormatFlag(cmd, &format, "table", "json")
	return cmd
}

// migrateJSON is migrate's answer in JSON.
type migrateJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	*office.CopyResult
}

func (e *env) migrate(cmd *cobra.Command, from, to, format string) error {
	src, err := openRead(from, false)
	if err != nil {
		return err
	}
	defer src.Close()
	created := isNewFile(to)
	dst, err := openWrite(to, nil)
	if err != nil {
		return err
	}
	res, err := office.CopyStore(context.Background(), dst, src, office.CopyOptions{Progress: copyProgress(cmd.ErrOrStderr(), isTerminal(os.Stderr))})
	dst.Close()
	if budget.ErrorCode(err) == budget.ECONFLICT {
		err = fmt.Errorf("--to %s: %w", redact(to), err)
	}
	if err != nil {
		if created {
			removeStoreFile(to)
			return fmt.Errorf("%w (the new file %s was removed)", err, to)
		}
		return err
	}
	if format == "json" {
		return table.WriteJSON(cmd.OutOrStdout(), migrateJSON{From: redact(from), To: redact(to), CopyResult: res})
	}
	return writeCopied(cmd.OutOrStdout(), redact(from), redact(to), res)
}

// copyProgress reports the copy on w: a line per finished step, or on a
// terminal a counter rewritten in place.
func copyProgress(w io.Writer, tty bool) func(step string, done, total int) {
	return func(step string, done, total int) {
		switch {
		case tty:
			fmt.Fprintf(w, "\rmigrate: %s %d/%d ", step, done, total)
			if done == total {
				fmt.Fprintln(w)
			}
		case done == total:
			fmt.Fprintf(w, "migrate: %s: %d of %d done\n", step, done, total)
		}
	}
}

func writeCopied(w io.Writer, from, to string, res *office.CopyResult) error {
	c := res.Copied
	fmt.Fprintf(w, "copied %s\n    to %s\n", from, to)
	rows := [][]string{
		{"import runs", fmt.Sprint(c.ImportRuns), fmt.Sprintf("%d budget imports, %s rows with their history", c.BudgetRuns, table.GroupDigits(fmt.Sprint(c.BudgetRows)))},
		{"layers", fmt.Sprint(c.Layers), ""},
		{"indicator imports", fmt.Sprint(c.IndicatorImports), fmt.Sprintf("metadata of %d indicators", c.IndicatorMeta)},
		{"need runs", fmt.Sprint(c.NeedRuns), ""},
		{"analyses", fmt.Sprint(c.Analyses), ""},
		{"datasets", fmt.Sprint(c.Datasets), ""},
		{"settings", fmt.Sprint(c.Settings), ""},
		{"release events", fmt.Sprint(c.ReleaseEvents), "releases and holds of budget phases"},
		{"capital plans", fmt.Sprint(c.CapitalPlans), fmt.Sprintf("%d scenarios, %d release events", c.CapitalScenarios, c.CapitalReleases)},
		{"service requests", table.GroupDigits(fmt.Sprint(c.Events)), fmt.Sprintf("%d imports, %d months of partitions", c.EventImports, c.EventMonths)},
		{"published measures", fmt.Sprint(c.PublishedSets), "sets with their values"},
		{"assessments", fmt.Sprint(c.Assessments), fmt.Sprintf("%d users, %d evidence files, %d review locks, %d audit entries", c.Users, c.EvidenceFiles, c.PhaseLocks, c.AuditEntries)},
	}
	if err := table.WriteAligned(w, rows, map[int]bool{1: true}); err != nil {
		return err
	}
	for _, warn := range c.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	_, err := fmt.Fprintf(w, "checked: the copy reads back as its source (%s)\n", strings.Join(res.Verified, ", "))
	return err
}
