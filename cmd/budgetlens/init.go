package main

import (
	"fmt"

	"github.com/budgetlens/budgetlens/store"
	"github.com/spf13/cobra"
)

func newInitCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create the store file (or bring an existing one up to date)",
		Long: `init creates the store (--db, default $BUDGETLENS_DB, else budgetlens.duckdb)
or applies the migrations an older budgetlens did not have. Commands that write
create the store themselves; init is for an empty store to query with SQL
(docs/sql.md) or to fill later.`,
		Example: `  budgetlens init
  budgetlens --db city.duckdb init`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withStore(false, func(s store.Store) error {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "store ready: %s\n", storePath(s))
				return err
			})
		},
	}
}
