package main

import (
	"fmt"
	"runtime"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/spf13/cobra"
)

func newVersionCmd(*env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print budgetlens' version",
		Example: "  budgetlens version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "budgetlens %s (%s)\n", budget.Version, runtime.Version())
			return err
		},
	}
}
