package postgres

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestNewerDatabaseRefused: a database that records a migration this
// binary does not know is refused, read-write and read-only, with a
// message naming the migration, and left as it was.
func TestNewerDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	s, err := Open(ctx, u, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations(name) VALUES ('990_future.sql')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, ro := range []bool{false, true} {
		_, err := Open(ctx, u, Options{ReadOnly: ro})
		if budget.ErrorCode(err) != budget.ECONFLICT || !strings.Contains(err.Error(), "990_future.sql") || !strings.Contains(err.Error(), "newer budgetlens") {
			t.Fatalf("read-only %v: %v", ro, err)
		}
	}
}

// TestMigrationsOnceEach: opening twice applies nothing the second time,
// and every migration is recorded once.
func TestMigrationsOnceEach(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	for i := 0; i < 2; i++ {
		s, err := Open(ctx, u, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AppliedMigrations(ctx)
		s.Close()
		if err != nil || strings.Join(got, " ") != strings.Join(Migrations(), " ") {
			t.Fatalf("open %d: applied %v, %v; want %v", i, got, err, Migrations())
		}
	}
}

// TestReadOnlyRefusesWrites: a store opened read-only reads, and refuses
// every write with a message that says where to write instead; the
// database itself refuses writes on its sessions too.
func TestReadOnlyRefusesWrites(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	rw := open1(t, u, Options{})
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "T"}, Dataset: "tc/x", SourceFile: "x.csv", ContentHash: "h",
		LineItems: []budget.LineItem{{FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: 7, Key: "k", Line: 2}}}
	if _, err := rw.ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	ro := open1(t, u, Options{ReadOnly: true})
	if n, err := ro.PhaseTotal(ctx, budget.Filter{}); err != nil || n != 7 {
		t.Fatalf("read-only read: %d %v", n, err)
	}
	b.ContentHash = "h2"
	_, err := ro.ImportBatch(ctx, b)
	if budget.ErrorCode(err) != budget.EFORBIDDEN || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "primary") {
		t.Fatalf("write through a read-only store: %v", err)
	}
	if err := ro.DeleteLayer(ctx, "x"); budget.ErrorCode(err) != budget.EFORBIDDEN {
		t.Fatalf("delete through a read-only store: %v", err)
	}
	// the sessions themselves are read-only: a write that got past the
	// store's own check is refused by the server, in the same words
	_, err = ro.pool.Exec(ctx, `DELETE FROM line_items`)
	err = ro.errorf(budget.EINTERNAL, err, "unable to delete")
	if budget.ErrorCode(err) != budget.EFORBIDDEN || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("raw write on a read-only session: %v", err)
	}
}

// TestReplica writes through the primary and reads the same back through
// the streaming replica once replayed; a write through the replica is
// refused with a clear message, and opening the replica read-write is
// refused too.
func TestReplica(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	replica := pgtest.Replica(t)
	pu, _ := url.Parse(u)
	ru, err := url.Parse(replica)
	if err != nil {
		t.Fatal(err)
	}
	ru.Path, ru.RawQuery = pu.Path, pu.RawQuery // the same database and schema on the standby
	rw := open1(t, u, Options{})
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "T"}, Dataset: "tc/x", SourceFile: "x.csv", ContentHash: "h",
		LineItems: []budget.LineItem{{FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: 12345, Key: "k", Line: 2}}}
	if _, err := rw.ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	// the schema (created on the primary a moment ago) reaches the standby
	// by replay: wait for it, then for the data
	var ro *Store
	deadline := time.Now().Add(30 * time.Second)
	for {
		ro, err = Open(ctx, ru.String(), Options{ReadOnly: true})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not replay the schema within 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer ro.Close()
	for {
		n, err := ro.PhaseTotal(ctx, budget.Filter{Jurisdiction: "tc"})
		if err == nil && n == 12345 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not replay the import within 30 s: %d %v", n, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	st, err := ro.Status(ctx)
	if err != nil || !st.Standby || !st.ReadOnly {
		t.Fatalf("replica status %+v %v", st, err)
	}
	b.ContentHash = "h2"
	if _, err := ro.ImportBatch(ctx, b); budget.ErrorCode(err) != budget.EFORBIDDEN || !strings.Contains(err.Error(), "primary") {
		t.Fatalf("write through the replica: %v", err)
	}
	_, err = ro.pool.Exec(ctx, `DELETE FROM line_items`)
	if err = ro.errorf(budget.EINTERNAL, err, "unable to delete"); budget.ErrorCode(err) != budget.EFORBIDDEN || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("raw write on the replica: %v", err)
	}
	_, err = Open(ctx, ru.String(), Options{})
	if budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "standby") || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("opening the replica read-write: %v", err)
	}
}

// TestNoPasswordInErrors: whatever fails, the password in the URL never
// appears in an error, and the URL is shown redacted.
func TestNoPasswordInErrors(t *testing.T) {
	const pw = "S3cret-Pa55"
	ctx := context.Background()
	server := pgtest.Server(t)
	su, _ := url.Parse(server)
	withPW := func(host string) string {
		u := *su
		u.User = url.UserPassword("budgetlens_nobody", pw)
		u.Host = host
		return u.String()
	}
	cases := map[string]string{
		"no server on the port": withPW("127.0.0.1:1"),
		"unknown user":          withPW(su.Host),
		"bad URL":               "postgres://u:" + pw + "@127.0.0.1:notaport/db",
		"bad parameter":         withPW(su.Host) + "&sslmode=sometimes",
		"password in query":     "postgres://u@127.0.0.1:1/db?password=" + pw,
		"keyword/value form":    "host=127.0.0.1 port=1 user=u password=" + pw,
	}
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			s, err := Open(ctx, u, Options{})
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			text := err.Error()
			for e := error(err); e != nil; e = errors.Unwrap(e) {
				text += "\n" + e.Error()
			}
			if strings.Contains(text, pw) {
				t.Fatalf("the password leaked: %s", text)
			}
			t.Log(err)
		})
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@db.example:5432/budget?sslmode=verify-full&sslrootcert=/etc/ca.pem": "postgres://u:xxxxx@db.example:5432/budget?sslmode=verify-full&sslrootcert=/etc/ca.pem",
		"postgresql://u@db/x":                    "postgresql://u@db/x",
		"postgres://db/x?password=pw&user=u":     "postgres://db/x?password=xxxxx&user=u",
		"postgres://db/x?sslpassword=pw":         "postgres://db/x?sslpassword=xxxxx",
		"host=db user=u password='a b' dbname=x": "host=db user=u password=xxxxx dbname=x",
		"host=db password=pw":                    "host=db password=xxxxx",
		"postgres://u:p%40ss@db:1/x":             "postgres://u:xxxxx@db:1/x",
		"postgres://u:pw@db:notaport/x":          "postgres://xxxxx@db:notaport/x",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestStatementTimeout: the option and the URL parameter set the server's
// statement_timeout, and a statement that runs past it fails with advice.
func TestStatementTimeout(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	show := func(s *Store) string {
		var v string
		if err := s.pool.QueryRow(ctx, `SHOW statement_timeout`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := show(open1(t, u, Options{})); v != "10min" {
		t.Fatalf("default statement_timeout %s, want 10min", v)
	}
	if v := show(open1(t, u+"&statement_timeout=45s", Options{})); v != "45s" {
		t.Fatalf("URL statement_timeout %s, want 45s", v)
	}
	s := open1(t, u, Options{StatementTimeout: 100 * time.Millisecond})
	_, err := s.pool.Exec(ctx, `SELECT pg_sleep(2)`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" {
		t.Fatalf("pg_sleep(2) under a 100 ms timeout: %v", err)
	}
	if msg := s.errorf(budget.EINTERNAL, err, "unable to wait").Error(); !strings.Contains(msg, "statement_timeout") {
		t.Fatalf("timeout message: %s", msg)
	}
}

// TestStatus: the status names the server, PostGIS, every migration and
// the tables, with the pool's statistics, and hides the password.
func TestStatus(t *testing.T) {
	s := open1(t, pgtest.URL(t), Options{})
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind != "postgres" || !strings.HasPrefix(st.Server, "PostgreSQL 15") || st.PostGIS == "" || st.Standby ||
		len(st.Migrations.Applied) != len(Migrations()) || len(st.Migrations.Pending) != 0 || st.Pool == nil || st.Pool.Max == 0 || st.SizeBytes == 0 {
		t.Fatalf("status %+v", st)
	}
	names := map[string]bool{}
	for _, tb := range st.Tables {
		names[tb.Name] = true
	}
	for _, want := range []string{"line_items", "geo_areas", "need_runs", "analyses", "schema_migrations"} {
		if !names[want] {
			t.Fatalf("status lacks table %s: %+v", want, st.Tables)
		}
	}
}

func open1(t *testing.T, u string, opt Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), u, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestTLSParametersPassThrough: TLS settings in the URL reach the driver.
// The test server speaks no TLS, so sslmode=require is refused by it, and
// a missing CA file is reported by name.
func TestTLSParametersPassThrough(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	u, _ := url.Parse(pgtest.Server(t))
	q := u.Query()
	q.Set("sslmode", "require")
	u.RawQuery = q.Encode()
	_, err := Open(ctx, u.String(), Options{})
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "ssl") {
		t.Fatalf("sslmode=require against a server without TLS: %v", err)
	}
	q.Set("sslmode", "verify-full")
	q.Set("sslrootcert", "/nonexistent/budgetlens-ca.pem")
	u.RawQuery = q.Encode()
	_, err = Open(ctx, u.String(), Options{})
	if err == nil || !strings.Contains(err.Error(), "budgetlens-ca.pem") {
		t.Fatalf("a missing sslrootcert: %v", err)
	}
	t.Log(err)
}

// TestReadOnlyUpgrade: a store written by an older budgetlens (here: one
// whose last migration is undone) is refused when opened read-only, naming
// the missing migration and what to do, unless Upgrade is set: then the
// migration is applied first and the store is read-only as asked.
func TestReadOnlyUpgrade(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	rw := open1(t, u, Options{})
	// how to undo each recent migration; a new migration adds its line
	undo := map[string]string{
		"051_changes.sql":                `DROP TABLE store_changes; DROP SEQUENCE store_change_ids`,
		"071_geo_no_geometry.sql":        `ALTER TABLE geo_layers DROP COLUMN no_geometry`,
		"082_event_comments.sql":         `COMMENT ON TABLE events IS NULL; COMMENT ON TABLE published_sets IS NULL`,
		"090_audit.sql":                  `DROP TABLE audit_log`,
		"091_users.sql":                  `DROP TABLE users; DROP TABLE sessions`,
		"092_assessments.sql":            `DROP TABLE assessments; DROP TABLE assessment_locks`,
		"093_evidence.sql":               `DROP TABLE assessment_files`,
		"094_comments_review.sql":        `COMMENT ON TABLE audit_log IS NULL; COMMENT ON TABLE assessments IS NULL`,
		"095_event_partition_deltas.sql": `DROP TABLE event_partition_deltas`,
	}
	last := Migrations()[len(Migrations())-1]
	if undo[last] == "" {
		t.Fatalf("the last migration is %s: say how to undo it in this test", last)
	}
	if _, err := rw.pool.Exec(ctx, undo[last]+`; DELETE FROM schema_migrations WHERE name = '`+last+`'`); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, u, Options{ReadOnly: true})
	if budget.ErrorCode(err) != budget.ECONFLICT || !strings.Contains(err.Error(), last) || !strings.Contains(err.Error(), "open the primary") {
		t.Fatalf("read-only open of an older schema: %v", err)
	}
	ro := open1(t, u, Options{ReadOnly: true, Upgrade: true})
	if got, err := ro.AppliedMigrations(ctx); err != nil || strings.Join(got, " ") != strings.Join(Migrations(), " ") {
		t.Fatalf("after the upgrade: %v %v", got, err)
	}
	if _, err := ro.StoreVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ro.SetSetting(ctx, "k", nil); budget.ErrorCode(err) != budget.EFORBIDDEN {
		t.Fatalf("a write after the upgrade: %v, want forbidden", err)
	}
}
