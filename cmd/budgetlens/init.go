package main

import (
	"fmt"

	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

func init() { register(newInitCmd) }

func newInitCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create the store file (or bring an existing one up to date)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(func(s *duckdb.Store) error {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "store ready: %s\n", s.Path())
				return err
			})
		},
	}
}
