// Package store_bench measures the PostgreSQL store against PostgreSQL's
// own bulk loader in the same run: importing the synthetic 1,000,000-row
// line-item file (bench/ingest/gen) through budgetlens (read, validate,
// COPY in one transaction) against psql's \copy of the same file into an
// equivalent table. It also holds the long run of the many-clients load.
// Run it with bench/store/run.sh, which starts a private server.
package store_bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store/postgres"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
)

// peerTable holds the file's columns as the file has them: the codes and
// names as text, the amount as a number.
const peerTable = `CREATE TABLE peer_items (dept_code text, dept_name text, org_code text, org_name text, prog_code text, prog_name text,
	fund_code text, fund_name text, sfund_code text, sfund_name text, account_code text, account_name text, amount_cents bigint)`

func file1M(b *testing.B) string {
	p := os.Getenv("BUDGETLENS_BENCH_1M")
	if p == "" {
		b.Skip("BUDGETLENS_BENCH_1M is not set: run bench/store/run.sh, which generates the file")
	}
	return p
}

// psqlCopy loads path into a fresh peer table with psql's \copy and
// returns the time it took.
func psqlCopy(b *testing.B, url, path string) time.Duration {
	cmd := exec.Command("psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", peerTable)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("psql: %v: %s", err, out)
	}
	start := time.Now()
	cmd = exec.Command("psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", fmt.Sprintf(`\copy peer_items FROM '%s' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`, path))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("psql \\copy: %v: %s", err, out)
	}
	return time.Since(start)
}

// ours imports path into a fresh store as budgetlens import does
// (office.ImportBudget: one file of this size is read, validated and keyed
// while its line items are COPYed, in one transaction) and returns the
// time it took and the rows stored.
func ours(b *testing.B, url, path string) (time.Duration, int) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	o := &office.Office{Store: s}
	start := time.Now()
	done, err := o.ImportBudget(ctx, office.ImportOptions{}, []string{path})
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	rows := 0
	for _, d := range done {
		rows += int(d.Run.Rows)
		if !d.Streamed {
			b.Logf("%s was read whole, then stored (not streamed)", path)
		}
	}
	return took, rows
}

// BenchmarkImport1MPostgres alternates psql \copy and budgetlens import of
// the same file, each into a fresh schema, three times each, and reports
// the best of each and their ratio (budgetlens rate / psql rate; the
// issue asks for at least 0.5).
func BenchmarkImport1MPostgres(b *testing.B) {
	path := file1M(b)
	lines := countLines(b, path) - 1
	var best, peer time.Duration
	rows := 0
	for i := 0; i < 3*b.N; i++ {
		p := psqlCopy(b, pgtest.URL(b), path)
		o, n := ours(b, pgtest.URL(b), path)
		rows = n
		if peer == 0 || p < peer {
			peer = p
		}
		if best == 0 || o < best {
			best = o
		}
		b.Logf("round %d: psql \\copy %v, budgetlens import %v", i+1, p.Round(time.Millisecond), o.Round(time.Millisecond))
	}
	ourRate, peerRate := float64(lines)/best.Seconds(), float64(lines)/peer.Seconds()
	b.ReportMetric(ourRate, "lines/s")
	b.ReportMetric(peerRate, "psql-lines/s")
	b.ReportMetric(ourRate/peerRate, "ratio")
	fmt.Printf("import of %d lines (%d line items stored): budgetlens %v (%.0f lines/s), psql \\copy %v (%.0f lines/s), ratio %.2f (goal >= 0.5)\n",
		lines, rows, best.Round(time.Millisecond), ourRate, peer.Round(time.Millisecond), peerRate, ourRate/peerRate)
}

func countLines(b *testing.B, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

// BenchmarkRead1M reads the 1,000,000-row file as an import does (read,
// validate, key; nothing stored): the reading side of the import, for
// profiling (-cpuprofile).
func BenchmarkRead1M(b *testing.B) {
	path := file1M(b)
	for i := 0; i < b.N; i++ {
		bs, err := ingest.File(path, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(bs) == 0 || bs[0].Rows() == 0 {
			b.Fatal("nothing read")
		}
	}
}
