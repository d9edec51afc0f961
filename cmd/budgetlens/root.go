package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// env is what every command runs with: where it writes, and the
// persistent flags. Commands are built from it explicitly (no package
// state), so tests can run them in parallel.
type env struct {
	stdin          io.Reader // nil: the process' standard input
	stdout, stderr io.Writer
	db             string // --db
	dbRead         string // --db-read
	profile        string // --profile: a city profile file or built-in name
	delimiter      string // --delimiter of the command that runs
}

func newRootCmd(e *env) *cobra.Command {
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
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	if e.stdin != nil {
		root.SetIn(e.stdin)
	}
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) { warnDeprecated(cmd, e.stderr) }
	root.CompletionOptions.DisableDefaultCmd = true // ours has examples and help
	root.PersistentFlags().StringVar(&e.db, "db", "", "store: a DuckDB file or a postgres:// URL (docs/postgres.md); default $BUDGETLENS_DB, else "+defaultDB)
	root.PersistentFlags().StringVar(&e.dbRead, "db-read", "", "read-only commands and serve read this store instead, read-only: a PostgreSQL replica's URL (or a file); default $BUDGETLENS_DB_READ")
	root.PersistentFlags().StringVar(&e.profile, "profile", "", "city profile: a YAML file or a built-in name (la); default: the one saved in the store")
	for _, c := range []*cobra.Command{
		newInitCmd(e), newImportCmd(e), newLsCmd(e), newTotalsCmd(e), newExportCmd(e),
		newGeoCmd(e), newIndexCmd(e), newEventsCmd(e), newMetricsCmd(e),
		newAnalyzeCmd(e), newReportCmd(e), newCheckCmd(e), newProfileCmd(e), newRulesCmd(e), newDemoCmd(e), newVersionCmd(e),
		newPhaseCmd(e), newServeCmd(e), newMeasuresCmd(e), newCapitalCmd(e), newMigrateCmd(e), newDBCmd(e),
		newUserCmd(e), newAssessCmd(e), newAuditCmd(e), newCompletionCmd(root),
	} {
		root.AddCommand(c)
	}
	completeFlags(root, e)
	root.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"la", "yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})
	// a mistyped flag is invalid input (exit 2), not an internal failure
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return budget.Errorf(budget.EINVALID, "%s (see %s --help)", flagErrorText(err), c.CommandPath())
	})
	rejectUnknownSubcommands(root)
	return root
}

// flagErrorText rewrites pflag's report of an unparsable flag value (which
// ends in strconv's "parsing "abc": invalid syntax") as what the flag takes,
// from pflag's typed error (the flag and its type), not from its wording.
func flagErrorText(err error) string {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) || ive.GetFlag() == nil {
		return err.Error()
	}
	if ev, ok := ive.GetFlag().Value.(*enumValue); ok {
		return fmt.Sprintf("--%s %q: use %s", ive.GetFlag().Name, ive.GetValue(), orList(ev.values))
	}
	var want string
	switch t := ive.GetFlag().Value.Type(); {
	case strings.HasPrefix(t, "uint"):
		want = "a whole number, 0 or more"
	case strings.HasPrefix(t, "int"):
		want = "a whole number"
	case strings.HasPrefix(t, "float"):
		want = "a number such as 0.95"
	case t == "bool":
		want = "true or false"
	default:
		return err.Error()
	}
	return fmt.Sprintf("--%s %q: give %s", ive.GetFlag().Name, ive.GetValue(), want)
}

// rejectUnknownSubcommands makes every command group (a command with
// subcommands and no action of its own) fail with exit 2 on a word that is
// not one of its subcommands, instead of printing its help and exiting 0. A
// group run with no arguments still prints its help.
func rejectUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		rejectUnknownSubcommands(sub)
	}
	if check := c.Args; check != nil && !c.HasSubCommands() {
		// a wrong number of arguments is a usage error (exit 2) that shows
		// the usage line, not cobra's bare "accepts 1 arg(s), received 2"
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return budget.Errorf(budget.EINVALID, "%w; usage: %s (see %s --help)", err, cmd.UseLine(), cmd.CommandPath())
			}
			return nil
		}
	}
	if !c.HasSubCommands() || c.Run != nil || c.RunE != nil {
		return
	}
	c.Args = cobra.ArbitraryArgs
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		var names []string
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() {
				names = append(names, sub.Name())
			}
		}
		msg := fmt.Sprintf("unknown command %q for %q; the commands are: %s", args[0], cmd.CommandPath(), strings.Join(names, ", "))
		if sugg := cmd.SuggestionsFor(args[0]); len(sugg) > 0 {
			msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(sugg, " or "))
		}
		return budget.Errorf(budget.EINVALID, "%s", msg)
	}
}

// execute runs the CLI and returns the process exit status: 0 on success,
// 2 for invalid input or usage, 1 for anything else.
func execute(args []string, stdout, stderr io.Writer) int {
	return executeIn(args, nil, stdout, stderr)
}

// executeIn is execute reading standard input from stdin (nil: the
// process').
func executeIn(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "budgetlens: %s%s\n", errorText(err), delimiterHint(err))
	return exitCode(err)
}

// exitCode maps an error to the process exit status: 2 when the user's input
// is at fault (a bad file or value, a name that is not in the store, a
// mistyped command or flag, an input file that does not exist or is a
// directory), 1 for anything else.
func exitCode(err error) int {
	var ie *budget.InputError
	if errors.As(err, &ie) {
		return 2
	}
	switch budget.ErrorCode(err) {
	case budget.EINVALID, budget.ENOTFOUND:
		return 2
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR)) {
		return 2
	}
	return 1
}

// isTerminal reports whether f is a character device (a terminal), which
// decides whether progress bars are drawn.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
