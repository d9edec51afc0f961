package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/budgetlens/budgetlens/office"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/internal/hostile"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/postgres"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"
)

// The checks of issue 9 through the CLI, on the test server that
// scripts/test.sh starts (skipped without one, failing under CI=true).
// Every URL carries a password, which must appear in no output.

// pgPassword is written into every test URL; the test server trusts
// loopback connections, so it is accepted and ignored.
const pgPassword = "S3cret-Budget-PW"

// pgURL returns the URL of a fresh schema on the test server, with a
// password.
func pgURL(t *testing.T) string {
	t.Helper()
	return withPassword(t, pgtest.URL(t))
}

func withPassword(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p.User = url.UserPassword(p.User.Username(), pgPassword)
	return p.String()
}

// runPG runs the CLI and fails the test if the password appears in what it
// wrote.
func runPG(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	code, out, errOut := run(t, args...)
	noPassword(t, strings.Join(args, " "), out, errOut)
	return code, out, errOut
}

func noPassword(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, pgPassword) || strings.Contains(s, url.QueryEscape(pgPassword)) {
			t.Errorf("%s: the password appears in the output:\n%.2000s", what, s)
		}
	}
}

// mustRunPG runs budgetlens as runPG does and fails the test on a non-zero exit.
func mustRunPG(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runPG(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, code, errOut)
	}
	return out
}

// TestPostgresTotalsEqualDuckDB is the first check of issue 9: the LA
// FY2021-22 adopted expenditures imported into PostgreSQL total by
// department exactly as in DuckDB, byte for byte, in every format and by
// every level the file has.
func TestPostgresTotalsEqualDuckDB(t *testing.T) {
	t.Parallel()
	pg, db := pgURL(t), tempDB(t)
	sec2 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")
	for _, s := range []string{pg, db} {
		mustRunPG(t, "--db", s, "import", sec2)
	}
	for _, args := range [][]string{
		{"totals", "--fy", "2021-22", "--phase", "adopted", "--by", "department", "--format", "json"},
		{"totals", "--fy", "2021-22", "--phase", "adopted", "--by", "program", "--format", "csv"},
		{"totals", "--fy", "2020-21", "--phase", "estimate", "--by", "account"},
		{"ls", "departments", "--format", "json"},
		{"ls", "programs"},
	} {
		want := mustRunPG(t, append([]string{"--db", db}, args...)...)
		got := mustRunPG(t, append([]string{"--db", pg}, args...)...)
		if got != want {
			t.Errorf("%v: PostgreSQL and DuckDB differ\n%.600s\n---\n%.600s", args, got, want)
		}
	}
	if !strings.Contains(mustRunPG(t, "--db", pg, "totals", "--fy", "2021-22", "--phase", "adopted", "--by", "department", "--format", "json"), `"department_code": "02"`) {
		t.Error("the totals lack department 02 (Aging)")
	}
}

// TestPostgresDemoMigrateAnalyze is the second check of issue 9: the demo
// store copied to PostgreSQL (and back to a new DuckDB file) analyses to
// the same JSON, byte for byte, and so do totals and the capital commands
// (plans, projects, where the dollars went, scenarios, a comparison); serve answers on PostgreSQL (/healthz, the
// OpenAPI document, an analysis equal to the DuckDB server's), and a
// public server on PostgreSQL follows a hold and a release made by another
// command while it runs, and a capital plan's hold and release. The third: psql sees every area as a valid PostGIS
// MultiPolygon in SRID 4326.
func TestPostgresDemoMigrateAnalyze(t *testing.T) {
	t.Parallel()
	demo := filepath.Join(sharedDemo(t), "budgetlens.duckdb")
	pg := pgURL(t)
	out := mustRunPG(t, "migrate", "--from", demo, "--to", pg)
	if !strings.Contains(out, "checked: the copy reads back as its source") || !strings.Contains(out, "release events") {
		t.Fatalf("migrate said:\n%s", out)
	}
	back := filepath.Join(t.TempDir(), "back.duckdb")
	mustRunPG(t, "migrate", "--from", pg, "--to", back, "--format", "json")
	for _, args := range [][]string{
		{"analyze", "--fy", "2021-22", "--phase", "proposed", "--format", "json", "--reps", "99"},
		{"analyze", "--fy", "2021-22", "--phase", "adopted", "--layer", "neighborhood_councils", "--format", "json", "--reps", "19"},
		{"analyze", "--fy", "2021-22", "--phase", "proposed", "--layer", "council_districts", "--format", "json"},
		{"totals", "--fy", "2021-22", "--phase", "proposed", "--by", "department", "--format", "json"},
		{"totals", "--fy", "2021-22", "--phase", "proposed", "--format", "json"},
		{"phase", "ls", "--history", "--format", "json"},
		{"events", "ls", "--format", "json"},
		{"measures", "table", "--layer", "neighborhood_councils", "--by", "request_type", "--format", "csv"},
		{"measures", "gaps", "--layer", "council_districts", "--format", "json"},
		{"measures", "published", "--format", "json"},
		{"geo", "ls"},
		{"capital", "ls", "--format", "json"},
		{"capital", "projects", "--plan", "ladot-funded-2016", "--format", "json"},
		{"capital", "analyze", "--plan", "ladot-funded-2016", "--format", "json"},
		{"capital", "analyze", "--plan", "ladot-grant-requests-2016", "--format", "json"},
		{"capital", "scenarios", "--plan", "ladot-grant-requests-2016", "--format", "json"},
		{"capital", "compare", "--plan", "ladot-grant-requests-2016", "match-10m", "match-10m-high-need-80", "--format", "json"},
	} {
		want := mustRunPG(t, append([]string{"--db", demo}, args...)...)
		for _, s := range []string{pg, back} {
			if got := mustRunPG(t, append([]string{"--db", s}, args...)...); got != want {
				t.Errorf("%v on %s differs from the demo store's first at %s", args, redact(s), firstDifference(got, want))
			}
		}
	}
	// a copy into a store that holds something is refused, naming it
	code, _, errOut := runPG(t, "migrate", "--from", demo, "--to", pg)
	if code == 0 || !strings.Contains(errOut, "not empty") || !strings.Contains(errOut, "--to postgres://") {
		t.Errorf("migrate into a full store: exit %d: %s", code, errOut)
	}
	checkPostGISAreas(t, pg)
	checkServeOnPostgres(t, demo, pg)
}

// checkPostGISAreas asks psql (as an analyst would) whether every stored
// area is a valid MultiPolygon in SRID 4326.
func checkPostGISAreas(t *testing.T, pg string) {
	t.Helper()
	psql, err := exec.LookPath("psql")
	if err != nil {
		psql = "/usr/lib/postgresql/15/bin/psql"
	}
	q := `SELECT layer, count(*), count(geom), count(*) FILTER (WHERE ST_IsValid(geom)), count(*) FILTER (WHERE GeometryType(geom) = 'MULTIPOLYGON' AND ST_SRID(geom) = 4326)
		FROM geo_areas GROUP BY layer ORDER BY layer`
	out, err := exec.Command(psql, pg, "-X", "-At", "-F", " ", "-c", q).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	polygons := 0
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 5 {
			t.Fatalf("psql said %q", l)
		}
		if f[2] != f[3] || f[2] != f[4] {
			t.Errorf("layer %s: %s areas, %s with geometry, %s valid, %s MultiPolygons in SRID 4326", f[0], f[1], f[2], f[3], f[4])
		}
		if f[2] != "0" {
			polygons++
		}
	}
	if polygons < 2 {
		t.Errorf("psql saw polygons in %d layers, want council districts and neighbourhood councils:\n%s", polygons, out)
	}
	t.Logf("psql: layer, areas, with geometry, valid, MultiPolygon 4326:\n%s", out)
}

// checkServeOnPostgres serves the PostgreSQL copy and the DuckDB demo side
// by side and compares their answers; then serves the copy publicly and
// holds and releases a phase through the CLI while it runs.
func checkServeOnPostgres(t *testing.T, demo, pg string) {
	t.Helper()
	var pgOut, dOut syncBuffer
	pgBase, stopPG := startServe(t, &env{stdout: &pgOut, stderr: &pgOut, db: pg}, &pgOut, serveOptions{})
	dBase, stopD := startServe(t, &env{stdout: &dOut, stderr: &dOut, db: storeCopy(t, demo)}, &dOut, serveOptions{})
	getOK(t, pgBase+"/healthz")
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(getOK(t, pgBase+"/api/openapi.json"), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi on PostgreSQL: %q %v", doc.OpenAPI, err)
	}
	for _, p := range []string{"/api/analysis?fy=2021-22&phase=adopted&layer=council_districts", "/api/budget/totals?fy=2021-22&phase=proposed&by=department", "/api/phases"} {
		if got, want := getOK(t, pgBase+p), getOK(t, dBase+p); string(got) != string(want) {
			t.Errorf("GET %s: the PostgreSQL server's answer differs from the DuckDB server's\n%.400s\n---\n%.400s", p, got, want)
		}
	}
	stopPG()
	stopD()
	noPassword(t, "serve", pgOut.String())
	if !strings.Contains(pgOut.String(), "serving postgres://") {
		t.Errorf("serve did not say what it serves: %q", pgOut.String())
	}

	var pubOut syncBuffer
	base, stop := startServe(t, &env{stdout: &pubOut, stderr: &pubOut, db: pg}, &pubOut, serveOptions{public: true, logFormat: "json"})
	defer stop()
	totals := base + "/api/budget/totals?fy=2021-22&phase=proposed&by=department"
	status := func() int {
		r, err := http.Get(totals)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if s := status(); s != 200 {
		t.Fatalf("public proposed totals: %d before any hold", s)
	}
	mustRunPG(t, "--db", pg, "phase", "hold", "--fy", "2021-22", "--phase", "proposed", "--as", "test", "--note", "held while the server runs")
	if s := status(); s != 404 {
		t.Errorf("public proposed totals after a hold by another command: %d, want 404", s)
	}
	mustRunPG(t, "--db", pg, "phase", "release", "--fy", "2021-22", "--phase", "proposed", "--as", "test")
	if s := status(); s != 200 {
		t.Errorf("public proposed totals after the release: %d, want 200", s)
	}
	// capital plans likewise: a hold by another command hides the plan
	plans := func() string { return string(getOK(t, base+"/api/capital/plans?format=csv")) }
	if !strings.Contains(plans(), "ladot-funded-2016") {
		t.Fatalf("the released capital plan is not public:\n%s", plans())
	}
	mustRunPG(t, "--db", pg, "capital", "hold", "--plan", "ladot-funded-2016", "--as", "test")
	if strings.Contains(plans(), "ladot-funded-2016") {
		t.Errorf("a capital plan held by another command is still public:\n%s", plans())
	}
	mustRunPG(t, "--db", pg, "capital", "release", "--plan", "ladot-funded-2016", "--as", "test")
	if !strings.Contains(plans(), "ladot-funded-2016") {
		t.Errorf("a capital plan released again by another command is not public:\n%s", plans())
	}
	// a new dataset of the released phase, imported by another command
	// while the server runs, is in the next answer (nothing kept is stale)
	extra := filepath.Join(t.TempDir(), "extra.csv")
	if err := os.WriteFile(extra, []byte("dept,amount\nZZ Synthetic Test Dept,1234.56\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(getOK(t, totals+"&format=csv")), "ZZ Synthetic") {
		t.Fatal("the extra department is there before its import")
	}
	mustRunPG(t, "--db", pg, "import", extra, "--fy", "2021-22", "--phase", "proposed", "--department", "dept", "--amount", "amount")
	if body := getOK(t, totals+"&format=csv"); !strings.Contains(string(body), "ZZ Synthetic Test Dept,1234.56") {
		t.Errorf("the public server kept its answer after an import by another command:\n%.400s", body)
	}
	noPassword(t, "serve --public --log json", pubOut.String())
}

// TestPostgresKilledImport is the fourth check of issue 9: an import into
// PostgreSQL killed with SIGKILL while the server loads its rows leaves
// the store as it was (totals, every row count), and the dataset's lock
// is gone: the next import of it succeeds.
func TestPostgresKilledImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes a 40 MB file")
	}
	t.Parallel()
	pg := pgURL(t)
	sec2 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")
	mustRunPG(t, "--db", pg, "import", sec2)
	totals := []string{"--db", pg, "totals", "--fy", "2021-22", "--phase", "adopted", "--by", "department", "--format", "json"}
	before, rowsBefore := mustRunPG(t, totals...), rowCounts(t, pg)
	big := filepath.Join(t.TempDir(), "Expenditures_Sec2_for_2122_Adopted.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := hostile.LAExpenditures(f, 300_000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	app := "budgetlens-kill-" + filepath.Base(t.TempDir())
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	cmd, errb := startChild(t.TempDir(), "--db", u.String(), "import", big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	watch, err := pgx.Connect(context.Background(), pgtest.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close(context.Background())
	copying := func() int {
		var n int
		watch.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'copy%'`, app).Scan(&n)
		return n
	}
	seen := false
	for deadline := time.Now().Add(2 * time.Minute); !seen && time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		seen = copying() > 0
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if !seen {
		t.Fatalf("the import's COPY was never seen running: %s", errb.String())
	}
	for deadline := time.Now().Add(30 * time.Second); copying() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server still runs the killed import's COPY after 30 s")
		}
	}
	if after := mustRunPG(t, totals...); after != before {
		t.Errorf("the killed import changed the totals:\n%.300s\n---\n%.300s", before, after)
	}
	if after := rowCounts(t, pg); after != rowsBefore {
		t.Errorf("the killed import left rows: %s, before %s", after, rowsBefore)
	}
	mustRunPG(t, "--db", pg, "import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"))
}

// rowCounts counts every row of the budget tables, superseded ones
// included.
func rowCounts(t *testing.T, pg string) string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), pg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var runs, slices, items int64
	if err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM import_runs), (SELECT count(*) FROM budget_slices), (SELECT count(*) FROM line_items)`).
		Scan(&runs, &slices, &items); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d runs, %d slices, %d line items", runs, slices, items)
}

// replicaOf returns the URL of the same database and schema as primary on
// the test server's streaming replica.
func replicaOf(t *testing.T, primary string) string {
	t.Helper()
	r, err := url.Parse(pgtest.Replica(t))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := url.Parse(primary)
	r.Path, r.RawQuery, r.User = p.Path, p.RawQuery, p.User
	return r.String()
}

// TestPostgresReadReplica: read-only commands and serve read the streaming
// replica given by --db-read (or BUDGETLENS_DB_READ) once it has replayed
// what was written through the primary; a command that writes refuses
// --db-read, and the replica given as --db is refused for writing, each
// with a message saying where to write.
func TestPostgresReadReplica(t *testing.T) {
	t.Parallel()
	pg := pgURL(t)
	replica := replicaOf(t, pg)
	sec4 := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")
	mustRunPG(t, "--db", pg, "import", sec4)
	totals := []string{"totals", "--fy", "2021-22", "--phase", "adopted", "--by", "department", "--format", "json"}
	want := mustRunPG(t, append([]string{"--db", pg}, totals...)...)
	var got, errOut string
	for deadline := time.Now().Add(30 * time.Second); got != want; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not give the primary's totals within 30 s: %.300s %s", got, errOut)
		}
		_, got, errOut = runPG(t, append([]string{"--db", pg, "--db-read", replica}, totals...)...)
	}
	var st struct {
		Kind     string `json:"kind"`
		Location string `json:"location"`
		ReadOnly bool   `json:"read_only"`
		Standby  bool   `json:"standby"`
	}
	if err := json.Unmarshal([]byte(mustRunPG(t, "--db-read", replica, "db", "status", "--format", "json")), &st); err != nil || !st.Standby || !st.ReadOnly || st.Kind != "postgres" {
		t.Errorf("db status of the replica: %+v %v", st, err)
	}
	for _, args := range [][]string{
		{"--db", pg, "--db-read", replica, "import", sec4},
		{"--db-read", replica, "phase", "release", "--fy", "2021-22", "--phase", "adopted", "--as", "x"},
	} {
		code, _, errOut := runPG(t, args...)
		if code != 2 || !strings.Contains(errOut, "writes to the store") || !strings.Contains(errOut, "--db-read") || !strings.Contains(errOut, "primary") {
			t.Errorf("%v: exit %d: %s", args[len(args)-3:], code, errOut)
		}
	}
	code, _, errOut := runPG(t, "--db", replica, "import", sec4)
	if code != 2 || !strings.Contains(errOut, "standby") || !strings.Contains(errOut, "--db-read") {
		t.Errorf("import into the replica: exit %d: %s", code, errOut)
	}
	// the internal server writes (sessions, answers): it refuses a replica
	e := &env{stdout: io.Discard, stderr: io.Discard, db: "/nonexistent/never-opened.duckdb", dbRead: replica}
	if err := e.serve(context.Background(), &cobra.Command{}, serveOptions{addr: "127.0.0.1:0", reps: 19, logFormat: "none"}, func() (store.Store, error) { return e.openServed(false) }); err == nil || !strings.Contains(err.Error(), "--public") || strings.Contains(err.Error(), pgPassword) {
		t.Errorf("internal serve of a replica: %v", err)
	}
	// replicas serve public reads: the phase released through the primary
	mustRunPG(t, "--db", pg, "phase", "release", "--fy", "2021-22", "--phase", "adopted", "--as", "clerk")
	var out syncBuffer
	base, stop := startServe(t, &env{stdout: &out, stderr: &out, db: "/nonexistent/never-opened.duckdb", dbRead: replica}, &out, serveOptions{public: true})
	getOK(t, base+"/healthz")
	var body string
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(body, "Library,217140992.00"); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("totals served publicly from the replica within 30 s: %.300s", body)
		}
		r, err := http.Get(base + "/api/budget/totals?fy=2021-22&phase=adopted&by=department&format=csv")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		body = string(b)
	}
	stop()
	noPassword(t, "serve from the replica", out.String())
}

// TestPostgresURLParameters: the statement timeout and TLS settings pass
// through the URL, and no failure shows the password: a server that is
// not there, a database that does not exist, TLS the server does not
// speak, a CA file that does not exist.
func TestPostgresURLParameters(t *testing.T) {
	t.Parallel()
	pg := pgURL(t)
	mustRunPG(t, "--db", pg, "init")
	with := func(params map[string]string) string {
		u, _ := url.Parse(pg)
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	var st struct {
		StatementTimeout string `json:"statement_timeout"`
		Location         string `json:"location"`
	}
	out := mustRunPG(t, "--db", with(map[string]string{"statement_timeout": "1234"}), "db", "status", "--format", "json")
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.StatementTimeout != "1234ms" || !strings.Contains(st.Location, "xxxxx") {
		t.Errorf("db status with statement_timeout=1234: %+v %v", st, err)
	}
	text := mustRunPG(t, "--db", pg, "db", "status")
	newest := postgres.Migrations()[len(postgres.Migrations())-1]
	for _, want := range []string{"postgres", "PostgreSQL 15", "PostGIS", newest, "connection pool", "line_items", "capital_projects", "statement timeout  10min"} {
		if !strings.Contains(text, want) {
			t.Errorf("db status lacks %q:\n%s", want, text)
		}
	}
	u, _ := url.Parse(pg)
	closed := *u
	closed.Host = "127.0.0.1:1"
	missing := *u
	missing.Path = "/no_such_database_here"
	for _, c := range []struct {
		url, want string
	}{
		{closed.String(), "cannot reach PostgreSQL"},
		{missing.String(), "no_such_database_here"},
		{with(map[string]string{"sslmode": "require"}), "TLS"},
		{with(map[string]string{"sslmode": "verify-full", "sslrootcert": "/nonexistent/ca.pem"}), "/nonexistent/ca.pem"},
	} {
		code, _, errOut := runPG(t, "--db", c.url, "totals", "--fy", "2021-22", "--phase", "adopted")
		if code == 0 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "xxxxx") && !strings.Contains(errOut, "postgres://") {
			t.Errorf("%s: exit %d, want an error naming %q: %s", redact(c.url), code, c.want, errOut)
		}
	}
	// the DuckDB store's status, for comparison
	db := tempDB(t)
	mustRunPG(t, "--db", db, "init")
	if text := mustRunPG(t, "--db", db, "db", "status"); !strings.Contains(text, "duckdb") || !strings.Contains(text, "DuckDB") || !strings.Contains(text, "none pending") {
		t.Errorf("db status of a DuckDB store:\n%s", text)
	}
}

// TestDBReadFromEnvironment: BUDGETLENS_DB_READ names the store read-only
// commands read, as --db-read does; commands that write ignore it (so an
// operator's shell may keep it set) and write through --db.
func TestDBReadFromEnvironment(t *testing.T) {
	read, write := tempDB(t), tempDB(t)
	mustRunPG(t, "--db", read, "import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"))
	t.Setenv("BUDGETLENS_DB_READ", read)
	mustRunPG(t, "--db", write, "init")
	if out := mustRunPG(t, "--db", write, "ls", "departments"); !strings.Contains(out, "Library") {
		t.Errorf("ls did not read BUDGETLENS_DB_READ's store: %s", out)
	}
	mustRunPG(t, "--db", write, "import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"))
	t.Setenv("BUDGETLENS_DB_READ", "")
	if a, b := mustRunPG(t, "--db", write, "ls", "departments"), mustRunPG(t, "--db", read, "ls", "departments"); a == b {
		t.Error("the import went to the read store")
	}
}

// firstDifference shows where two outputs first differ: the line number
// and both lines.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n%.400s\n--- want\n%.400s", i+1, a, b)
		}
	}
	return "(equal)"
}

// TestPostgresStreamedImport: a budget file of more than
// office.StreamFromBytes (here 20 MB, 150,000 generated rows) is stored in
// PostgreSQL while it is read; what it stores totals exactly as the same
// file read whole into DuckDB, the import says how many line items it
// stored, and importing it again is unchanged.
func TestPostgresStreamedImport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes a 20 MB file")
	}
	t.Parallel()
	pg, db := pgURL(t), tempDB(t)
	big := filepath.Join(t.TempDir(), "Expenditures_Sec2_for_2122_Adopted.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := hostile.LAExpenditures(f, 150_000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(big); fi.Size() < office.StreamFromBytes {
		t.Fatalf("the file has %d bytes, fewer than the %d from which imports stream", fi.Size(), office.StreamFromBytes)
	}
	out := mustRunPG(t, "--db", pg, "import", big)
	if !strings.Contains(out, "150000 line items") {
		t.Errorf("the streamed import does not say what it stored:\n%s", out)
	}
	mustRunPG(t, "--db", db, "import", big)
	for _, args := range [][]string{
		{"totals", "--fy", "2021-22", "--phase", "adopted", "--by", "department", "--format", "json"},
		{"totals", "--fy", "2021-22", "--phase", "adopted", "--by", "program", "--format", "csv"},
		{"ls", "runs", "--format", "csv"},
		{"ls", "accounts", "--format", "csv"},
	} {
		want := mustRunPG(t, append([]string{"--db", db}, args...)...)
		got := mustRunPG(t, append([]string{"--db", pg}, args...)...)
		if got != want {
			t.Errorf("%v: streamed into PostgreSQL and read whole into DuckDB differ\n%.600s\n---\n%.600s", args, got, want)
		}
	}
	if again := mustRunPG(t, "--db", pg, "import", big); !strings.Contains(again, "unchanged") {
		t.Errorf("imported again: %s", again)
	}
	// the import command's path (office.ImportBudget) streamed it
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.URL(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done, err := (&office.Office{Store: s}).ImportBudget(ctx, office.ImportOptions{}, []string{big})
	if err != nil || len(done) != 1 || !done[0].Streamed || done[0].Run.Unchanged || done[0].Run.Rows != 150_000 || len(done[0].Batch.LineItems) != 0 {
		t.Errorf("ImportBudget of %s into a new store: %+v, %v; want it streamed, 150,000 rows, none held", big, done, err)
	}
}
