package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Commands that print no listing (a file, a document, a template, a line
// of status, or nothing), so they have no --format table|json|csv. Each
// says why; a new command that lists rows is not to be added here.
var noListing = map[string]string{
	"budgetlens init":            "prints the store's path",
	"budgetlens version":         "prints the version",
	"budgetlens demo":            "writes the demo's files and serves them",
	"budgetlens serve":           "serves the dashboard",
	"budgetlens completion":      "writes a shell script",
	"budgetlens profile init":    "writes a YAML template",
	"budgetlens profile check":   "prints one line about a YAML file",
	"budgetlens profile save":    "prints one line",
	"budgetlens profile show":    "prints YAML",
	"budgetlens rules init":      "writes a YAML template",
	"budgetlens index spec":      "prints YAML",
	"budgetlens index import":    "prints one line about the import",
	"budgetlens geo adjacency":   "writes GAL (GeoDa's weights format)",
	"budgetlens geo transform":   "writes lon lat lines, as cs2cs does",
	"budgetlens phase release":   "prints one line",
	"budgetlens phase hold":      "prints one line",
	"budgetlens events generate": "writes a data file (CSV with the MyLA311 header)",
	"budgetlens geo export":      "writes a map file: --format geojson|gpkg|parquet",
	"budgetlens report":          "writes a document: --format html|xlsx|pdf",
	"budgetlens export":          "writes a data file: --format csv|xlsx|parquet",
	"budgetlens capital release": "prints one line",
	"budgetlens capital hold":    "prints one line",
	"budgetlens capital rm":      "prints one line",
	"budgetlens db status":       "a report on the store, not a listing: --format table|json",
	"budgetlens migrate":         "a report on the copy, not a listing: --format table|json",
	"budgetlens capital import":  "prints a summary of the import (--format json: all of it)",

	"budgetlens events import":             "prints a summary of the import (--format json: all of it)",
	"budgetlens events place":              "prints one line",
	"budgetlens measures import-published": "prints a summary of the import (--format json: all of it)",
	"budgetlens assess bulk-create":        "prints one line (--format json: the counts)",
	"budgetlens assess show":               "prints one assessment as a document (--format json: all of it)",
	"budgetlens assess answer":             "prints one line",
	"budgetlens assess assign":             "prints one line",
	"budgetlens assess move":               "prints one line",
	"budgetlens assess score":              "prints one line",
	"budgetlens assess comment":            "prints one line",
	"budgetlens assess agreement":          "prints one line (--format json: the figures)",
	"budgetlens assess lock":               "prints one line",
	"budgetlens assess export":             "writes a file whose --out extension chooses CSV (with --delimiter), XLSX, PDF or HTML",
	"budgetlens user add":                  "prints one line",
	"budgetlens audit verify":              "prints one line",
}

// Flags whose names end in "-id" but name no id column, so the rule of one
// name per concept (--id-column) does not apply to them. Each says why.
var notIDColumn = map[string]string{
	"budgetlens serve --oidc-client-id": "the client identifier the OpenID provider issued (OAuth 2.0 client_id), not a column",
}

// Commands that read files (an argument or a flag naming one): each takes
// --limit NAME=VALUE.
var readsFiles = []string{
	"budgetlens import", "budgetlens geo import", "budgetlens geo assign", "budgetlens geo apportion",
	"budgetlens index run", "budgetlens index import", "budgetlens index aggregate",
	"budgetlens metrics", "budgetlens metrics moran", "budgetlens metrics lisa",
	"budgetlens events summarize", "budgetlens events generate", "budgetlens analyze", "budgetlens report",
	"budgetlens capital import", "budgetlens events import",
}

// walk calls fn for every command under c, c included.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// TestEveryCommandFollowsTheGrammar walks the command tree and checks the
// conventions of docs/cli.md: examples in every help; --format
// table|json|csv on every listing; --delimiter wherever CSV is written;
// --limit on every command that reads files; one name per concept (the
// old names of id columns only as hidden aliases).
func TestEveryCommandFollowsTheGrammar(t *testing.T) {
	t.Parallel()
	root := newRootCmd(&env{stdout: io.Discard, stderr: io.Discard})
	reads := map[string]bool{}
	for _, r := range readsFiles {
		reads[r] = true
	}
	seen := map[string]bool{}
	walk(root, func(c *cobra.Command) {
		path := c.CommandPath()
		seen[path] = true
		if c.Hidden || c.Name() == "help" {
			return
		}
		if strings.TrimSpace(c.Example) == "" && c != root {
			t.Errorf("%s: no examples in its help (cobra.Command.Example)", path)
		}
		for _, line := range strings.Split(c.Example, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") && !strings.Contains(line, "budgetlens ") {
				t.Errorf("%s: example %q is not a budgetlens command line", path, line)
			}
		}
		if !c.Runnable() || (c.HasSubCommands() && c.LocalFlags().Lookup("format") == nil) {
			return // a group of commands
		}
		format := c.Flags().Lookup("format")
		_, exempt := noListing[path]
		switch {
		case format == nil && !exempt:
			t.Errorf("%s: a listing without --format table|json|csv (or add it to noListing with the reason)", path)
		case format != nil && !exempt:
			ev, ok := format.Value.(*enumValue)
			if !ok {
				t.Errorf("%s: --format is not made by addFormatFlag", path)
				break
			}
			for _, want := range listingFormats {
				if !strings.Contains(" "+strings.Join(ev.values, " ")+" ", " "+want+" ") {
					t.Errorf("%s: --format takes %v, not %s", path, ev.values, want)
				}
			}
			if c.Flags().Lookup("delimiter") == nil {
				t.Errorf("%s: writes CSV without --delimiter", path)
			}
			if _, ok := c.GetFlagCompletionFunc("format"); !ok {
				t.Errorf("%s: --format values are not completed", path)
			}
		}
		if reads[path] != (c.Flags().Lookup("limit") != nil) {
			t.Errorf("%s: reads files %v, has --limit %v", path, reads[path], c.Flags().Lookup("limit") != nil)
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			_, alias := f.Annotations[aliasAnnotation]
			_, notID := notIDColumn[path+" --"+f.Name]
			old := f.Name == "id" || strings.HasSuffix(f.Name, "-field") || (strings.HasSuffix(f.Name, "-id") && !notID) || f.Name == "need-run"
			if old && (!alias || !f.Hidden) {
				t.Errorf("%s: --%s is an old name (the id column is --id-column, --<input>-id-column); keep it only as aliasFlag", path, f.Name)
			}
			if alias && !f.Hidden {
				t.Errorf("%s: deprecated --%s is shown in the help", path, f.Name)
			}
		})
	})
	for path := range noListing {
		if !seen[path] {
			t.Errorf("noListing names %q, which is not a command", path)
		}
	}
	for key := range notIDColumn {
		path, flag, _ := strings.Cut(key, " --")
		if c, _, err := root.Find(strings.Fields(path)[1:]); err != nil || c.CommandPath() != path || c.Flags().Lookup(flag) == nil {
			t.Errorf("notIDColumn names %q, which is not a flag of a command", key)
		}
	}
	for _, path := range readsFiles {
		if !seen[path] {
			t.Errorf("readsFiles names %q, which is not a command", path)
		}
	}
}

// TestDeprecatedAliasesWork: an old flag name still sets the value, says
// on standard error that it is deprecated and leaves standard output as
// it was.
func TestDeprecatedAliasesWork(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := dir + "/t.duckdb"
	layer := writeFile(t, dir, "sq.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A1","label":"Alpha"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}`)
	code, out, errOut := run(t, "--db", db, "geo", "import", layer, "--layer", "sq", "--id-field", "code", "--name-field", "label", "--format", "json")
	if code != 0 || !strings.Contains(errOut, "--id-field is deprecated and will be removed: use --id-column") || !strings.HasPrefix(out, "{") {
		t.Fatalf("geo import --id-field: %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = run(t, "--db", db, "geo", "ls", "--format", "csv")
	if code != 0 || !strings.Contains(out, "sq,1,") {
		t.Fatalf("geo ls: %s", out)
	}
	code, out, errOut = run(t, "--db", db, "geo", "export", "--layer", "sq")
	if code != 0 || !strings.Contains(out, `"id":"A1"`) || !strings.Contains(out, `"name":"Alpha"`) {
		t.Fatalf("the alias did not set the id and name columns: %s %s", out, errOut)
	}
	gal := writeFile(t, dir, "w.gal", "0 4\nb 1\nc\nc 2\nb d\nd 2\nc e\ne 1\nd\n")
	data := writeFile(t, dir, "v.csv", "area,v\nd,3\nb,1\nc,2\ne,7\n")
	code, oldOut, errOut := run(t, "metrics", "moran", "--in", data, "--id", "area", "--value", "v", "--weights", gal, "--permutations", "0", "--format", "json")
	if code != 0 || !strings.Contains(errOut, "--id is deprecated") {
		t.Fatalf("moran --id: %d %s", code, errOut)
	}
	code, newOut, errOut := run(t, "metrics", "moran", "--in", data, "--id-column", "area", "--value", "v", "--weights", gal, "--permutations", "0", "--format", "json")
	if code != 0 || errOut != "" || newOut != oldOut {
		t.Fatalf("--id-column and --id differ:\n%s\n%s\n%s", oldOut, newOut, errOut)
	}
}

// TestFormatRefusedAtParse: a --format a command does not take is a usage
// error naming what it takes, before any work.
func TestFormatRefusedAtParse(t *testing.T) {
	t.Parallel()
	code, _, errOut := run(t, "--db", tempDB(t), "totals", "--format", "xml")
	if code != 2 || !strings.Contains(errOut, `--format "xml": use table, json or csv`) {
		t.Fatalf("%d %s", code, errOut)
	}
	code, _, errOut = run(t, "--db", tempDB(t), "totals", "--format", "csv", "--delimiter", "#")
	if code != 2 || !strings.Contains(errOut, `--delimiter "#"`) {
		t.Fatalf("%d %s", code, errOut)
	}
	code, _, errOut = run(t, "index", "presets", "--delimiter", ";")
	if code != 2 || !strings.Contains(errOut, "--delimiter applies to CSV output: add --format csv") {
		t.Fatalf("%d %s", code, errOut)
	}
}

// TestCompletion: the scripts are written for each shell, and flag values
// are completed: words for --phase and --format, layers from the store.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errOut := run(t, "completion", sh)
		if code != 0 || !strings.Contains(out, "budgetlens") || len(out) < 1000 {
			t.Errorf("completion %s: %d %s", sh, code, errOut)
		}
	}
	if code, _, errOut := run(t, "completion", "tcsh"); code != 2 {
		t.Errorf("completion tcsh: %d %s", code, errOut)
	}
	dir := t.TempDir()
	db := dir + "/t.duckdb"
	layer := writeFile(t, dir, "sq.csv", "id,wkt\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n")
	if code, _, e := run(t, "--db", db, "geo", "import", layer, "--layer", "wards"); code != 0 {
		t.Fatal(e)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"totals", "--phase", ""}, []string{"proposed", "adopted", "estimate", "actual"}},
		{[]string{"totals", "--format", ""}, []string{"table", "json", "csv"}},
		{[]string{"analyze", "--format", ""}, []string{"geojson"}},
		{[]string{"--db", db, "analyze", "--layer", ""}, []string{"wards"}},
		{[]string{"--db", db, "geo", "export", "--layer", "w"}, []string{"wards"}},
		{[]string{"index", "run", "--preset", ""}, []string{"ces4", "cejst"}},
		{[]string{"geo", "import", "x.csv", "--limit", ""}, []string{"cells=", "ring-vertices="}},
		{[]string{"ls", ""}, []string{"departments", "requests"}},
	} {
		code, out, errOut := run(t, append([]string{"__complete"}, tc.args...)...)
		if code != 0 {
			t.Errorf("__complete %v: %d %s", tc.args, code, errOut)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains("\n"+out, "\n"+w) {
				t.Errorf("__complete %v: no %q in\n%s", tc.args, w, out)
			}
		}
	}
	// completion never creates a store
	code, out, _ := run(t, "--db", dir+"/none.duckdb", "__complete", "analyze", "--layer", "")
	if code != 0 || strings.Contains(out, "wards") {
		t.Errorf("completion on a missing store: %d %s", code, out)
	}
	if _, err := os.Stat(dir + "/none.duckdb"); err == nil {
		t.Error("completion created a store")
	}
}

// TestStdinDash: "-" reads standard input where a command reads a table.
func TestStdinDash(t *testing.T) {
	t.Parallel()
	in := "area,v,w\na,1,10\nb,2,10\nc,3,20\nd,10,5\n"
	var out, errb bytes.Buffer
	code := executeIn([]string{"metrics", "--in", "-", "--value", "v", "--weight", "w", "--format", "json"}, strings.NewReader(in), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), `"n": 4`) {
		t.Fatalf("metrics --in -: %d %s %s", code, out.String(), errb.String())
	}
	file := writeFile(t, t.TempDir(), "v.csv", in)
	_, want, _ := run(t, "metrics", "--in", file, "--value", "v", "--weight", "w", "--format", "json")
	if out.String() != want {
		t.Fatalf("stdin and file differ:\n%s\n%s", out.String(), want)
	}
	out.Reset()
	errb.Reset()
	code = executeIn([]string{"metrics", "--in", "-", "--value", "v"}, strings.NewReader("area,v\na,x\n"), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "stdin:2:") {
		t.Fatalf("a bad cell on standard input names stdin: %d %s", code, errb.String())
	}
}
