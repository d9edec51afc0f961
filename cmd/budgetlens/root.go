package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/spf13/cobra"
)

// globals holds the persistent flags shared by every subcommand.
type globals struct {
	db     string
	stderr io.Writer // where notes go (the command's standard error)
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
	// a mistyped flag is invalid input (exit 2), not an internal failure
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return budget.Errorf(budget.EINVALID, "%s (see %s --help)", flagErrorText(err), c.CommandPath())
	})
	rejectUnknownSubcommands(root)
	return root
}

// badFlagValue matches pflag's message for a value that does not parse.
var badFlagValue = regexp.MustCompile(`^invalid argument "(.*)" for "(.*?)" flag: strconv\.Parse(Int|Uint|Float|Bool)`)

// flagErrorText rewrites pflag's report of an unparsable flag value (which
// ends in strconv's "parsing "abc": invalid syntax") as what the flag takes.
func flagErrorText(err error) string {
	m := badFlagValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err.Error()
	}
	want := map[string]string{"Int": "a whole number", "Uint": "a whole number, 0 or more", "Float": "a number such as 0.95", "Bool": "true or false"}[m[3]]
	flag := m[2]
	if i := strings.LastIndex(flag, "--"); i >= 0 {
		flag = flag[i:] // "-n, --rows" -> "--rows"
	}
	return fmt.Sprintf("%s %q: give %s", flag, m[1], want)
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
				return budget.Errorf(budget.EINVALID, "%v; usage: %s (see %s --help)", err, cmd.UseLine(), cmd.CommandPath())
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
	global = globals{stderr: stderr}
	root := newRootCmd(stdout, stderr)
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

// openStore opens the store named by --db.
// Opening a path where there is no file creates an empty store there, and
// says so on standard error: a mistyped --db would otherwise answer every
// listing with nothing, silently.
func openStore() (*duckdb.Store, error) {
	_, statErr := os.Stat(global.db)
	isNew := global.db != "" && global.db != ":memory:" && errors.Is(statErr, fs.ErrNotExist)
	s, err := duckdb.Open(global.db)
	if err != nil {
		return nil, storeOpenError(global.db, err)
	}
	if isNew && global.stderr != nil {
		fmt.Fprintf(global.stderr, "budgetlens: created a new, empty store %s (to use an existing one, give its file with --db)\n", global.db)
	}
	return s, nil
}

// lockHolder finds the process DuckDB names as holding a store's lock.
var lockHolder = regexp.MustCompile(`Conflicting lock is held in (.*?) \(PID (\d+)\)`)

// storeOpenError rewrites the database driver's failure to open the store
// file into a message that names the file, says what is wrong with it and
// what to do. Failures it does not recognise are returned unchanged.
func storeOpenError(path string, err error) error {
	msg := err.Error()
	if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
		return budget.Errorf(budget.EINVALID, "store %s is a directory: --db takes the store's file name (for example %s)", path, filepath.Join(path, duckdb.DefaultPath))
	}
	switch {
	case strings.Contains(msg, "not a valid DuckDB database file"):
		return budget.Errorf(budget.EINVALID, "store %s is not a budgetlens store (it is not a DuckDB database file): check --db, or give a new file name to create a store", path)
	case lockHolder.MatchString(msg):
		m := lockHolder.FindStringSubmatch(msg)
		return budget.Errorf(budget.ECONFLICT, "store %s is in use by another process (%s, PID %s): wait for it to finish, then run the command again", path, m[1], m[2])
	case strings.Contains(msg, "Could not set lock"):
		return budget.Errorf(budget.ECONFLICT, "store %s is in use by another process: wait for it to finish, then run the command again", path)
	}
	if _, serr := os.Stat(filepath.Dir(path)); errors.Is(serr, fs.ErrNotExist) {
		return budget.Errorf(budget.EINVALID, "store %s: the directory %s does not exist: create it or give another --db", path, filepath.Dir(path))
	}
	if strings.Contains(msg, "Permission denied") || strings.Contains(msg, "Read-only file system") {
		return budget.Errorf(budget.EFORBIDDEN, "store %s cannot be opened for writing (permission denied): give a --db in a directory you can write to", path)
	}
	return err
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
