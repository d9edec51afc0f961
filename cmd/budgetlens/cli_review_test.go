package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/attribute"
	"github.com/budgetlens/budgetlens/internal/fixture"
)

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCLIReviewBadInputs runs the commands as a user would with the inputs
// users get wrong, and checks the exit status (2 for invalid input) and that
// the message names the thing at fault and says what to do, without Go or
// driver internals.
func TestCLIReviewBadInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	notDB := writeFile(t, dir, "notdb.duckdb", "hello, this is not a database\n")
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	bom := writeFile(t, dir, "bom.csv", "\ufeffv,w\r\n1,2\r\n3,4\r\n5,1\r\n")
	semi := writeFile(t, dir, "semi.csv", "id;v\n1;2\n2;3\n")
	missing := filepath.Join(dir, "missing.csv")
	neg := writeFile(t, dir, "neg.csv", "v,w\n2,1\n-1,1\n3,1\n")
	headerOnly := writeFile(t, dir, "header-only.csv", "Census Tract,Total Population,Ozone\n")
	workbook := writeFile(t, dir, "book.xlsx", "PK\x03\x04 not really a workbook")
	zipAsCSV := writeFile(t, dir, "book.csv", "PK\x03\x04\x14\x00\x08\x00 binary")
	projPts := writeFile(t, dir, "proj.csv", "id,lon,lat\n1,6500000,1800000\n")
	emptyCSV := writeFile(t, dir, "empty.csv", "")
	layer := writeFile(t, dir, "sq.csv", "id,wkt\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "sq", layer); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	noDir := filepath.Join(dir, "nodir", "out.csv")

	tests := []struct {
		name     string
		args     []string
		code     int
		want     []string // substrings of stderr
		notWant  []string
		stdoutOK func(string) bool
	}{
		{name: "unknown subcommand of a group", args: []string{"--db", db, "index", "ls"}, code: 2,
			want: []string{`unknown command "ls" for "budgetlens index"`, "runs"}},
		{name: "mistyped subcommand gets a suggestion", args: []string{"--db", db, "geo", "asign"}, code: 2,
			want: []string{"did you mean assign?"}},
		{name: "mistyped top-level command", args: []string{"inport", "x.csv"}, code: 2,
			want: []string{`unknown command "inport"`, "import"}},
		{name: "unknown flag", args: []string{"--db", db, "totals", "--bogus"}, code: 2,
			want: []string{"unknown flag: --bogus", "budgetlens totals --help"}},
		{name: "flag value that is not a number", args: []string{"events", "generate", "--rows", "abc"}, code: 2,
			want: []string{`--rows "abc": give a whole number`, "budgetlens events generate --help"}, notWant: []string{"strconv", "invalid syntax"}},
		{name: "empty service-request file", args: []string{"--db", db, "events", "summarize", "--layer", "sq", "--in", emptyCSV}, code: 2,
			want: []string{emptyCSV + ":1:", "the file is empty"}},
		{name: "service-request file without the MyLA311 columns", args: []string{"--db", db, "events", "summarize", "--layer", "sq", "--in", semi}, code: 2,
			want: []string{`column "SRNumber"`, "separated by semicolons"}, notWant: []string{"events.SRNumber"}},
		{name: "missing argument", args: []string{"--db", db, "ls"}, code: 2,
			want: []string{"usage: budgetlens ls departments|"}},
		{name: "extra argument", args: []string{"--db", db, "totals", "x"}, code: 2,
			want: []string{"usage: budgetlens totals"}},
		{name: "presets as JSON", args: []string{"index", "presets", "--format", "json"}, code: 0,
			stdoutOK: func(s string) bool { return strings.HasPrefix(s, "[") && strings.Contains(s, `"name": "ces4"`) }},
		{name: "import checks --fy before reading the file", args: []string{"--db", db, "import", "--fy", "abc", bom}, code: 2,
			want: []string{`--fy "abc"`}, notWant: []string{"headings of a known export"}},
		{name: "import checks --phase before reading the file", args: []string{"--db", db, "import", "--phase", "final", bom}, code: 2,
			want: []string{`--phase "final"`, "proposed, adopted"}},
		{name: "metrics warnings name the line, not a vector index", args: []string{"metrics", "--in", neg, "--value", "v", "--format", "json"}, code: 0,
			stdoutOK: func(s string) bool {
				return strings.Contains(s, `the value on line 3, column \"v\" is -1`) && !strings.Contains(s, "x[")
			}},
		{name: "assign points in projected coordinates without --crs", args: []string{"--db", db, "geo", "assign", "--layer", "sq", "--in", projPts}, code: 2,
			want: []string{projPts + ":2:2:", `value "6500000,1800000"`, "--crs"}},
		{name: "assign points in projected coordinates with --crs", args: []string{"--db", db, "geo", "assign", "--layer", "sq", "--in", projPts, "--crs", "EPSG:2229"}, code: 0},
		{name: "totals does not add dollars and positions together", args: []string{"--db", db, "totals", "--fy", "2021-22", "--phase", "adopted", "--kind", ""}, code: 2,
			want: []string{"give --kind expenditure, revenue or positions"}},
		{name: "sensitivity with no runs", args: []string{"--db", db, "index", "sensitivity", "--runs", "0"}, code: 2,
			want: []string{"--runs 0: give a positive number"}},
		{name: "negative bootstrap replicates", args: []string{"metrics", "--in", bom, "--value", "v", "--reps", "-1"}, code: 2,
			want: []string{"--reps -1"}},
		{name: "negative permutations", args: []string{"metrics", "moran", "--in", bom, "--value", "v", "--weights", bom, "--permutations", "-5"}, code: 2,
			want: []string{"--permutations -5"}},
		{name: "negative simplification", args: []string{"--db", db, "geo", "export", "--layer", "sq", "--simplify", "-1"}, code: 2,
			want: []string{"--simplify -1"}},
		{name: "metrics given a workbook", args: []string{"metrics", "--in", workbook, "--value", "v"}, code: 2,
			want: []string{"is a workbook", "CSV UTF-8"}},
		{name: "geo assign given a workbook named .csv", args: []string{"--db", db, "geo", "assign", "--layer", "sq", "--in", zipAsCSV}, code: 2,
			want: []string{"is a workbook"}, notWant: []string{"PK"}},
		{name: "indicators with only a header", args: []string{"--db", db, "index", "run", "--preset", "ces4", "--indicators", headerOnly}, code: 2,
			want: []string{headerOnly + ":2:", "the file has none"}},
		{name: "no run was stored by the failures above", args: []string{"--db", db, "index", "runs", "--format", "json"}, code: 0,
			stdoutOK: func(s string) bool { return strings.TrimSpace(s) == "[]" }},
		{name: "group without arguments prints its help", args: []string{"index"}, code: 0},
		{name: "store that is not DuckDB", args: []string{"--db", notDB, "ls", "runs"}, code: 2,
			want: []string{notDB, "not a budgetlens store"}, notWant: []string{"database/sql", "IO Error"}},
		{name: "store that is a directory", args: []string{"--db", sub, "ls", "runs"}, code: 2,
			want: []string{sub, "is a directory"}, notWant: []string{"database/sql"}},
		{name: "store in a missing directory", args: []string{"--db", filepath.Join(dir, "nodir", "x.duckdb"), "ls", "runs"}, code: 2,
			want: []string{"does not exist"}, notWant: []string{"database/sql"}},
		{name: "metrics input is a directory", args: []string{"metrics", "--in", sub, "--value", "v"}, code: 2,
			want: []string{"--in " + sub + " is a directory"}},
		{name: "metrics input missing", args: []string{"metrics", "--in", missing, "--value", "v"}, code: 2,
			want: []string{"--in " + missing + ": no such file"}, notWant: []string{"open "}},
		{name: "metrics weights missing", args: []string{"metrics", "moran", "--in", bom, "--value", "v", "--weights", missing}, code: 2,
			want: []string{"--weights " + missing + ": no such file"}},
		{name: "metrics reads a CSV saved by Excel with a byte-order mark", args: []string{"metrics", "--in", bom, "--value", "v", "--format", "json"}, code: 0,
			stdoutOK: func(s string) bool { return strings.Contains(s, `"n": 3`) }},
		{name: "semicolon-separated metrics input is read as it is (the delimiter is detected)", args: []string{"metrics", "--in", semi, "--value", "v", "--format", "csv"}, code: 0,
			stdoutOK: func(s string) bool { return strings.Contains(s, "n,2\n") && strings.Contains(s, "gini,0.1\n") }},
		{name: "metrics names a column that is not there and lists those it saw", args: []string{"metrics", "--in", semi, "--value", "w"}, code: 2,
			want: []string{`no column "w"`, "id, v"}},
		{name: "semicolon-separated import gets a hint", args: []string{"--db", db, "import", semi}, code: 2,
			want: []string{"separated by semicolons"}},
		{name: "export to a directory", args: []string{"--db", db, "export", "--out", sub}, code: 2,
			want: []string{"--out " + sub + " is a directory"}, notWant: []string{"unknown export format"}},
		{name: "export to a missing directory", args: []string{"--db", db, "export", "--out", filepath.Join(dir, "nodir", "a.xlsx")}, code: 2,
			want: []string{"does not exist"}},
		{name: "events summarize of a missing file", args: []string{"--db", db, "events", "summarize", "--layer", "x", "--in", missing}, code: 2},
		{name: "geo layer not in the store", args: []string{"--db", db, "geo", "adjacency", "--layer", "nope", "--out", filepath.Join(dir, "x.gal")}, code: 2,
			want: []string{`no layer "nope"`}},
		{name: "geo assign to a missing directory", args: []string{"--db", db, "geo", "assign", "--layer", "nope", "--in", missing, "--out", noDir}, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout %q\nstderr %q", code, tc.code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not contain %q", errOut, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(errOut, w) {
					t.Errorf("stderr %q contains %q", errOut, w)
				}
			}
			if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
				t.Errorf("stderr shows a crash: %q", errOut)
			}
			if tc.stdoutOK != nil && !tc.stdoutOK(out) {
				t.Errorf("unexpected stdout %q", out)
			}
		})
	}
}

// TestCLIReviewApportionBOM: a WKT CSV saved by Excel ("CSV UTF-8" starts with
// a byte-order mark) is read by geo apportion like any other.
func TestCLIReviewApportionBOM(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	layer := writeFile(t, dir, "l.csv", "id,wkt\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "sq", layer); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	in := writeFile(t, dir, "g.csv", "\ufeffid,wkt\r\np1,POINT(0.5 0.5)\r\n")
	code, out, errOut := run(t, "--db", db, "geo", "apportion", "--layer", "sq", "--in", in)
	if code != 0 || !strings.Contains(out, "p1,A,1") { // area A: the CSV layer's id column is its area id
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestCLIReviewOutputCheckedBeforeStoring: index run with an --out that
// cannot be written fails before the run is stored, so the store is unchanged.
func TestCLIReviewOutputCheckedBeforeStoring(t *testing.T) {
	t.Parallel()
	ind := fixture.Data(t, "la/need/ces4_sb535_dac_2022.csv")
	db := tempDB(t)
	out := filepath.Join(t.TempDir(), "nodir", "ces4.csv")
	code, _, errOut := run(t, "--db", db, "index", "run", "--preset", "ces4", "--indicators", ind, "--use-published-percentiles", "--out", out)
	if code != 2 || !strings.Contains(errOut, "does not exist") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	// nothing was stored: the store has no run (or was never created)
	code, listing, errOut := run(t, "--db", db, "index", "runs", "--format", "json")
	if _, err := os.Stat(db); err != nil && code == 2 && strings.Contains(errOut, "does not exist") {
		return
	}
	if code != 0 || strings.TrimSpace(listing) != "[]" {
		t.Fatalf("runs after a failed index run: exit %d, %q %q; want []", code, listing, errOut)
	}
}

// TestTotalsTableAndEmptyNote: the totals table has thousands separators and
// left-aligned names; a year with nothing stored prints [] in JSON and says
// on stderr what the store holds.
func TestTotalsTableAndEmptyNote(t *testing.T) {
	t.Parallel()
	file := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")
	db := tempDB(t)
	if code, _, errOut := run(t, "--db", db, "import", file); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "--db", db, "totals", "--fy", "2021-22", "--phase", "adopted")
	if code != 0 {
		t.Fatalf("totals: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "code  ") || !strings.Contains(lines[len(lines)-1], "total") || !strings.Contains(out, ",") {
		t.Fatalf("table:\n%s", out)
	}
	for _, l := range lines {
		if utf8Width(l) != utf8Width(lines[0]) {
			t.Errorf("line %q is not as wide as the header %q", l, lines[0])
		}
	}
	code, out, errOut = run(t, "--db", db, "totals", "--fy", "2030-31", "--phase", "adopted", "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" || !strings.Contains(errOut, "no expenditure line items for 2030-31 adopted (stored: ") {
		t.Fatalf("empty totals: %d %q %q", code, out, errOut)
	}
}

func utf8Width(s string) int { return len([]rune(s)) }

// TestCLIReviewYAMLErrors: a mistyped key, a value of the wrong kind, broken
// YAML and an empty file in a spec, rules file or profile are reported with
// the file and line, in the file's own terms (no Go type names, no "EOF").
func TestCLIReviewYAMLErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := tempDB(t)
	pts := writeFile(t, dir, "x.csv", "a,b\n1,2\n")
	unknown := writeFile(t, dir, "unknown.yaml", "name: x\nindicatorz: []\n")
	wrongType := writeFile(t, dir, "wrong.yaml", "name: x\nindicators:\n  - name: a\n    weight: heavy\n")
	broken := writeFile(t, dir, "broken.yaml", "name: x\nindicators: [a, b\n")
	empty := writeFile(t, dir, "empty.yaml", "")
	rules := writeFile(t, dir, "rules.yaml", "version: 1\nname: x\nrules:\n  - name: r\n    metod: per_capita\n")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"index", "run", "--spec", unknown, "--indicators", pts}, []string{unknown + ":2:", `value "indicatorz"`, "indicators"}},
		{[]string{"index", "run", "--spec", wrongType, "--indicators", pts}, []string{wrongType + ":4:", `value "heavy"`, "a number here"}},
		{[]string{"index", "run", "--spec", broken, "--indicators", pts}, []string{broken + ":", "valid YAML"}},
		{[]string{"index", "run", "--spec", empty, "--indicators", pts}, []string{empty + ": a need-index spec in YAML; the file is empty"}},
		{[]string{"import", "--profile", unknown, pts}, []string{unknown + ":2:", `value "indicatorz"`, "column-mapping profile"}},
	} {
		code, _, errOut := run(t, append([]string{"--db", db}, tc.args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr %q", tc.args, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q does not contain %q", tc.args, errOut, w)
			}
		}
		for _, bad := range []string{"not found in type", "need.Spec", "ingest.Profile", "EOF", "::"} {
			if strings.Contains(errOut, bad) {
				t.Errorf("%v: stderr %q contains %q", tc.args, errOut, bad)
			}
		}
	}
	b, _ := os.ReadFile(rules)
	_, err := attribute.ParseRules(b, rules)
	if err == nil || !strings.Contains(err.Error(), rules+":5:") || !strings.Contains(err.Error(), `value "metod"`) || strings.Contains(err.Error(), "attribute.Rule") {
		t.Errorf("rules with a mistyped key: %v", err)
	}
}

// TestCLIReviewLatin1Layer: a CSV layer saved in a Western European code page
// (Latin-1 "é") is imported with its names intact; it used to fail in the
// store with "could not bind parameter (area ids must be unique)".
func TestCLIReviewLatin1Layer(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	in := writeFile(t, t.TempDir(), "l1.csv", "id,name,wkt\nA,Caf\xe9 Boyle Heights,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "l1", in); code != 0 {
		t.Fatalf("geo import: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, "--db", db, "geo", "export", "--layer", "l1")
	if code != 0 || !strings.Contains(out, `"name":"Café Boyle Heights"`) {
		t.Fatalf("geo export: exit %d, %q %q", code, out, errOut)
	}
}

// TestCLIReviewCRSConflict: a --crs that contradicts the file's own
// declaration is refused (it used to be ignored without a word); one that
// agrees is accepted, and an unknown one is named.
func TestCLIReviewCRSConflict(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	in := writeFile(t, t.TempDir(), "d.geojson", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},
"features":[{"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-118.3,34.0],[-118.2,34.0],[-118.2,34.1],[-118.3,34.0]]]}}]}`)
	for _, tc := range []struct {
		crs  string
		code int
		want string
	}{
		{"EPSG:2229", 2, "the file declares its coordinates in EPSG:4326"},
		{"EPSG:9999", 2, `value "EPSG:9999": unsupported coordinate system`},
		{"EPSG:4326", 0, ""},
	} {
		code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "d", "--crs", tc.crs, in)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("--crs %s: exit %d, stderr %q; want %d and %q", tc.crs, code, errOut, tc.code, tc.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"geo: unable to open a b.geojson: open a b.geojson: no such file or directory", "geo: unable to open a b.geojson: no such file: check the path"},
		{"need: unable to read indicators d: read d: is a directory", "need: unable to read indicators d: it is a directory: give a file"},
		{"open x.csv: permission denied", "x.csv: permission denied: make it readable (or writable) or choose another path"},
		{"x.csv:3: line 3: value \"open\": a number", "x.csv:3: line 3: value \"open\": a number"},
		{"mkdir /d/afile: not a directory", "/d/afile: a file is in the way where a directory is needed: choose another path"},
	} {
		if got := errorText(errors.New(tc.in)); got != tc.want {
			t.Errorf("errorText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestLsTableAligned: every row of the ls table is as wide as its header (a
// line break inside a description used to split rows), amounts are aligned
// right with thousands separators and codes keep their leading zeros.
func TestLsTableAligned(t *testing.T) {
	t.Parallel()
	file := fixture.Data(t, "la/budget/FY21-22/Budget_Requests_Detail_Sec2_2122_Adopted.csv")
	db := tempDB(t)
	if code, _, errOut := run(t, "--db", db, "import", file); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "--db", db, "ls", "requests")
	if code != 0 {
		t.Fatalf("ls requests: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 100 {
		t.Fatalf("only %d lines", len(lines))
	}
	for i, l := range lines {
		if utf8Width(l) != utf8Width(lines[0]) {
			t.Fatalf("line %d is %d wide, the header %d:\n%s\n%s", i+1, utf8Width(l), utf8Width(lines[0]), lines[0], l)
		}
	}
	if !strings.Contains(out, "-250,373.00") || !strings.Contains(lines[1], " 02 ") {
		t.Errorf("amounts not grouped or codes changed:\n%s", strings.Join(lines[:3], "\n"))
	}
}

// TestCLIReviewNoPartialOutput: a geo command that fails half-way leaves no
// partial --out file, and an existing file at --out is kept as it was.
func TestCLIReviewNoPartialOutput(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	layer := writeFile(t, dir, "sq.csv", "id,wkt\nA,\"POLYGON((0 0,1 0,1 1,0 1,0 0))\"\n")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "sq", layer); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	bad := writeFile(t, dir, "bad.csv", "id,lon,lat\n1,0.5,0.5\n2,abc,0.5\n")
	good := writeFile(t, dir, "good.csv", "id,lon,lat\n1,0.5,0.5\n")
	fresh := filepath.Join(dir, "fresh.csv")
	if code, _, _ := run(t, "--db", db, "geo", "assign", "--layer", "sq", "--in", bad, "--out", fresh); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a partial %s was left behind (%v)", fresh, err)
	}
	kept := writeFile(t, dir, "kept.csv", "old\n")
	run(t, "--db", db, "geo", "assign", "--layer", "sq", "--in", bad, "--out", kept)
	if b, _ := os.ReadFile(kept); string(b) != "old\n" {
		t.Errorf("existing output overwritten by a failed run: %q", b)
	}
	if code, _, errOut := run(t, "--db", db, "geo", "assign", "--layer", "sq", "--in", good, "--out", kept); code != 0 {
		t.Fatalf("good run: %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(kept); string(b) != "id,area_id\n1,A\n" {
		t.Errorf("output %q", b)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

// TestCLIReviewIndexRunLayerNote: index run --layer with a name the store has
// no layer of succeeds (the name labels the geography) but says so.
func TestCLIReviewIndexRunLayerNote(t *testing.T) {
	t.Parallel()
	ind := fixture.Data(t, "la/need/ces4_sb535_dac_2022.csv")
	db := tempDB(t)
	code, _, errOut := run(t, "--db", db, "index", "run", "--preset", "ces4", "--indicators", ind, "--use-published-percentiles", "--layer", "tracs")
	if code != 0 || !strings.Contains(errOut, `note: the store has no layer "tracs" (have: none)`) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestCLIReviewGeoJSONShape: valid JSON that is not shaped like GeoJSON is
// reported in GeoJSON's terms with its place, not as a Go type.
func TestCLIReviewGeoJSONShape(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := tempDB(t)
	for _, tc := range []struct{ content, want string }{
		{"[]", `the file is a JSON array where GeoJSON has an object`},
		{`{"type":"FeatureCollection","features":{"a":1}}`, `member "features" is a JSON object where GeoJSON has an array`},
		{`{"type":"Topology","objects":{}}`, `value "Topology": a GeoJSON FeatureCollection or Feature`},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":"abc"}}]}`,
			`value "feature 1": a valid GeoJSON geometry (the coordinates hold a JSON string where an array is expected`},
	} {
		in := writeFile(t, dir, "x.geojson", tc.content)
		code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "x", in)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "Go value") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.content, code, errOut, tc.want)
		}
	}
}

// TestCLIReviewBudgetJSONShape: a datapackage.json or Boston JSON of the
// wrong shape names the member and place, not the Go type.
func TestCLIReviewBudgetJSONShape(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := tempDB(t)
	pkg := filepath.Join(dir, "pkg")
	if err := os.Mkdir(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, pkg, "datapackage.json", "{\n  \"resources\": {\"a\": 1}}")
	boston := writeFile(t, dir, "b.json", `{"section_type": 5}`)
	for _, tc := range []struct{ path, want string }{
		{pkg, `datapackage.json:2:16: line 2, column 16 (field datapackage.json)`},
		{pkg, `member "resources" is a JSON object where an array is expected`},
		{boston, `member "section_type" is a JSON number where a string is expected`},
	} {
		code, _, errOut := run(t, "--db", db, "import", tc.path)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "Go struct") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.path, code, errOut, tc.want)
		}
	}
}

// TestCLIReviewGeoCheckCSV: the areas of a gap are listed as ids, not as a
// Go slice ("[5 8 10 11]").
func TestCLIReviewGeoCheckCSV(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	// a ring of four squares around an empty one: one enclosed gap
	in := writeFile(t, t.TempDir(), "ring.csv", "id,wkt\n"+
		"a,\"POLYGON((0 0,3 0,3 1,0 1,0 0))\"\n"+
		"b,\"POLYGON((0 2,3 2,3 3,0 3,0 2))\"\n"+
		"c,\"POLYGON((0 1,1 1,1 2,0 2,0 1))\"\n"+
		"d,\"POLYGON((2 1,3 1,3 2,2 2,2 1))\"\n")
	if code, _, errOut := run(t, "--db", db, "geo", "import", "--layer", "ring", in); code != 0 {
		t.Fatalf("geo import: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "--db", db, "geo", "check", "--layer", "ring", "--format", "csv")
	if code != 0 || !strings.Contains(out, "gap,a / b / c / d,") || strings.Contains(out, "[") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestCLIReviewNewStoreNote: a read-only command on a --db where there is no
// store is an error naming the file, and creates nothing (a mistyped --db
// answered [] silently, then created an empty store); a writing command
// creates the store and says so on stderr, once.
func TestCLIReviewNewStoreNote(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "typo.duckbd")
	code, out, errOut := run(t, "--db", db, "ls", "runs", "--format", "json")
	if code != 2 || out != "" || !strings.Contains(errOut, db) || !strings.Contains(errOut, "check --db") {
		t.Fatalf("read on a missing store: exit %d, %q, %q", code, out, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatalf("a read-only command created %s", db)
	}
	code, _, errOut = run(t, "--db", db, "init")
	if code != 0 || !strings.Contains(errOut, "created a new, empty store "+db) {
		t.Fatalf("init: exit %d, %q", code, errOut)
	}
	code, out, errOut = run(t, "--db", db, "ls", "runs", "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" || errOut != "" {
		t.Fatalf("second: exit %d, %q, %q", code, out, errOut)
	}
}
