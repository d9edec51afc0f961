package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

// globals holds the persistent flags shared by every subcommand.
type globals struct {
	db string
}

var global globals

// subcommands are added by each subcommand's file from its init function, so
// that no two files edit the same list.
var subcommands []func() *cobra.Command

func register(f func() *cobra.Command) { subcommands = append(subcommands, f) }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "budgetlens",
		Short: "Equity analysis of public budgets",
		Long: `budgetlens loads a city's budget, its geography and need indicators, places every
dollar and service event in areas, measures whether spending reaches need, and
writes the report for council (HTML, PDF, XLSX), the dashboard and the API.`,
		Version:       budget.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&global.db, "db", duckdb.DefaultPath, "store file (DuckDB)")
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	return root
}

// execute runs the CLI and returns the process exit status: 0 on success,
// 2 for invalid input or usage, 1 for anything else.
func execute(args []string, stdout, stderr io.Writer) int {
	global = globals{}
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "budgetlens: %v\n", err)
	var ie *budget.InputError
	if errors.As(err, &ie) || budget.ErrorCode(err) == budget.EINVALID {
		return 2
	}
	return 1
}

// openStore opens the store named by --db.
func openStore() (*duckdb.Store, error) {
	return duckdb.Open(global.db)
}

// withStore opens the store, runs fn and closes the store.
func withStore(fn func(s *duckdb.Store) error) error {
	s, err := openStore()
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// addFormatFlag adds the --format flag every listing command has.
func addFormatFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "format", "table", "output format: table, json or csv")
}

// writeJSON writes v as indented JSON followed by a newline. An empty
// listing is written as [] (never null), so that consumers can always iterate.
func writeJSON(w io.Writer, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = []any{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// isTerminal reports whether f is a character device (a terminal), which
// decides whether progress bars are drawn.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
